"""What a publish sends against what the manifest makes now: variants with no rendered file (not
published: blocked by a problem rendering cannot fix, not rendered yet, or their last render
failed, with its error), the languages left with none at all, and variants
rendered before their inputs changed (published as they were rendered: an old subtitle file or
dub that broadcasters would air). Each is said, as a warning of the publish, so that nothing
outdated goes out without a word.
"""

from __future__ import annotations

from pipeline.errors import Diagnostic, reason_message, warning
from pipeline.manifest import Manifest
from pipeline.messages import N_, N_plural, Items, Message, say, say_count
from pipeline.publish.missing import Missing, blocking_cause
from pipeline.publish.outdated import changed_since_rendered
from pipeline.render.plan import build_plan
from pipeline.render.record import RECORD_WARNINGS
from pipeline.render.variants import Plan, Variant, VariantPlan

LISTED = 5   # variants named one by one; a half-rendered campaign gets one line
# Said after each: the page's card for the language says so too (missing.py), and a trial's
# operator missed the warning after 443 "uploaded" lines.
ON_PAGE = say(N_("shown on the page as not available yet"))
# Said of a variant published as it was rendered before its inputs changed: its row on the
# page says so too (outdated.py), as catalog.json's `outdated` does.
ON_PAGE_OLD = say(N_("marked on the page as an earlier version"))


def publish_warnings(manifest: Manifest, records: list[dict], plan: Plan,
                     missing: list[Missing]) -> list[Diagnostic]:
    """What publish says of the manifest's variants against their records, from one plan (the
    manifest's now) and the variants it makes with no record (`missing.missing_variants`, which
    the catalog lists too): `unrendered`, `outdated`."""
    return unrendered(manifest, records, missing) + outdated(manifest, records, plan)


def unrendered(manifest: Manifest, records: list[dict], missing: list[Missing]
               ) -> list[Diagnostic]:
    """Warnings for the variants the manifest makes that have no record yet (missing.py): those
    blocked now with their problem (rendering cannot make them), each that failed with its last
    failure, the others as not rendered yet. Then the languages left with no published variant
    at all, and why."""
    stopped = [(m.spot, m.language, m.profile, m.planned) for m in missing
               if m.reason == "blocked"]
    failed = [(m.spot, m.language, m.profile, m.failure) for m in missing if m.reason == "failed"]
    never = [(m.spot, m.language, m.profile) for m in missing if m.reason == "not-rendered"]
    return (_blocked(stopped) + _failed(manifest, failed) + _never_rendered(manifest, never)
            + unpublished_languages(manifest, records, stopped))


def _blocked(stopped: list) -> list[Diagnostic]:
    """One warning per problem, at the problem's place with its hint: 'pipeline render'
    cannot make these (a dub running past the spot's end, a rate a profile refuses)."""
    by_cause: dict[Diagnostic, list[str]] = {}
    for spot, language, profile, planned in stopped:
        name = f"{spot.id} {language.code} {profile.name}"
        by_cause.setdefault(blocking_cause(planned), []).append(name)
    found = []
    for cause, names in by_cause.items():
        # Names, and "..." where there are more: kept as one text in every language.
        which = ", ".join(names[:3]) + (", ..." if len(names) > 3 else "")
        found.append(warning(
            # Not a plural: the English singular says no number.
            say(N_("variant has no rendered file, not published (%(variants)s): blocked: "
                   "%(problem)s; %(on_page)s") if len(names) == 1 else
                N_("%(count)s variants have no rendered file, not published (%(variants)s): "
                   "blocked: %(problem)s; %(on_page)s"),
                count=len(names), variants=which, problem=cause.said_message, on_page=ON_PAGE),
            cause.path, cause.line,
            hint=(cause.hint_detail or cause.hint) if cause.hint
            else say(N_("'pipeline validate' shows the problem"))))
    return found


def unpublished_languages(manifest: Manifest, records: list[dict], stopped: list
                          ) -> list[Diagnostic]:
    """The manifest's languages with no rendered variant at all, and why: the page lists the
    languages it has, and a broadcaster must not read a campaign of 8 languages as one of 6."""
    rendered = {r["language"] for r in records}
    why = {}
    for _, language, _, planned in stopped:
        why.setdefault(language.code, say(N_("blocked: %(problem)s"),
                                          problem=blocking_cause(planned).said_message))
    # Each language once, a language listed twice (each entry for its own spots) too.
    absent = [manifest.entries_of(code)[0] for code in manifest.language_codes()
              if code not in rendered]
    if not absent:
        return []
    said = Items(tuple(say(N_("%(code)s (%(why)s)"), code=language.code,
                           why=why.get(language.code) or say(N_("not rendered yet")))
                       for language in absent), join="; ")
    # The page's cards say each of them is not available yet (publish/missing.py): a trial's
    # operator read "not on the page" above a page that showed them so.
    return [warning(say_count(N_plural("%(count)s of the manifest's %(total)s languages has no "
                                       "published variant yet, %(on_page)s: %(languages)s",
                                       "%(count)s of the manifest's %(total)s languages have no "
                                       "published variant yet, %(on_page)s: %(languages)s"),
                              len(absent), count=len(absent), total=len(manifest.language_codes()),
                              on_page=ON_PAGE, languages=said), manifest.path,
                    absent[0].line,
                    hint=say(N_("tell the stations which languages are still to come")))]


def _failed(manifest: Manifest, failed: list) -> list[Diagnostic]:
    """One warning per variant, with its own error, at its failure memo (render/failures.py):
    the file that says it, which a record path (none yet) did not."""
    hint = say(N_("fix what its error says, then 'pipeline render' (or 'pipeline plan' to see "
                  "it again)"))
    if len(failed) > LISTED:
        names = ", ".join(f"{s.id} {lang.code} {p.name}" for s, lang, p, _ in failed[:3])
        return [warning(say(N_("%(count)s variants have no rendered file, not published: their "
                               "last render failed (%(variants)s, ...); %(on_page)s"),
                            count=len(failed), variants=names, on_page=ON_PAGE),
                        manifest.campaign_dir,
                        hint=say(N_("'pipeline plan' says when and with what error each "
                                    "failed")))]
    return [warning(say(N_("no rendered file, not published: %(variant)s: %(failure)s; "
                           "%(on_page)s"), variant=f"{spot.id} {language.code} {profile.name}",
                        failure=reason_message(failure.describe()), on_page=ON_PAGE),
                    Variant(manifest, spot, language, profile).failure_path, hint=hint)
            for spot, language, profile, failure in failed]


def _never_rendered(manifest: Manifest, never: list) -> list[Diagnostic]:
    """One warning per spot and language, at the language's line in the manifest, naming its
    profiles: a variant not rendered has no file of its own to point at (its record's path
    named a file not there yet, once per profile). Past LISTED of them, one line."""
    profiles: dict[tuple, list[str]] = {}
    for spot, language, profile in never:
        profiles.setdefault((spot, language), []).append(profile.name)
    if len(profiles) > LISTED:
        names = ", ".join(f"{s.id} {lang.code} {p.name}" for s, lang, p in never[:3])
        return [warning(say(N_("%(count)s variants have no rendered file, not published: not "
                               "rendered yet (%(variants)s, ...); %(on_page)s"),
                            count=len(never), variants=names, on_page=ON_PAGE),
                        manifest.campaign_dir,
                        hint=say(N_("'pipeline plan' lists them; 'pipeline render' renders "
                                    "them")))]
    return [warning(say(N_("no rendered file, not published: %(variant)s: not rendered yet in "
                           "%(profiles)s; %(on_page)s"), variant=f"{spot.id} {language.code}",
                        profiles=Items(tuple(names)), on_page=ON_PAGE),
                    manifest.path, language.line,
                    hint=say_count(N_plural("'pipeline render' renders it",
                                            "'pipeline render' renders them"), len(names)))
            for (spot, language), names in profiles.items()]


def outdated(manifest: Manifest, records: list[dict], plan: Plan | None = None
             ) -> list[Diagnostic]:
    """Warnings for the rendered variants whose inputs or settings changed since they were
    rendered (`plan`'s stale or blocked ones, outdated.py), with what changed: their files are
    published as they are, and the page marks each as an earlier version (the catalog's
    `outdated`, from the same selection). Planning reads the inputs' hashes and
    probes from the render's cache."""
    plan = plan or build_plan([manifest.path])
    incomplete, old = changed_since_rendered(records, plan)
    # A variant whose file is current but a poster, certificate or sidecar beside it is
    # missing or replaced: not "rendered before its inputs changed" (render/remake.py).
    found = [warning(_incomplete(v.remake), v.variant.output,
                     hint=say(N_("'pipeline render' makes them again from the rendered file, "
                                 "without encoding it again; then publish again")))
             for v in incomplete]
    return found + _outdated(manifest, [o.plan for o in old])


def _incomplete(remake: list[str]) -> Message:
    """What is not as rendered of a variant whose file is (`VariantPlan.remake`)."""
    files = [name for name in remake if name != RECORD_WARNINGS]
    said = [say(N_("not as rendered beside it: %(files)s (missing or replaced since)"),
                files=Items(tuple(files)))] * bool(files)
    if RECORD_WARNINGS in remake:
        said.append(say(N_("its record's warnings are not those its inputs and manifest give "
                           "now")))
    return said[0] if len(said) == 1 else say(N_("%(first)s; %(second)s"), first=said[0],
                                              second=said[1])


def _outdated(manifest: Manifest, old: list[VariantPlan]) -> list[Diagnostic]:
    """The published variants rendered before their inputs changed: those rendering makes
    again, each with what changed (past LISTED, one line); those an input's error blocks,
    once for each error, at the error's place, with the variants it holds back."""
    changed = [v for v in old if v.status != "blocked"]
    hint = say(N_("render them ('pipeline render'), then publish again"))
    if len(changed) > LISTED:
        names = ", ".join(v.variant.stem for v in changed[:3])
        found = [warning(say(N_("%(count)s variants are published as rendered before their "
                                "inputs or settings changed (%(variants)s, ...; %(on_page)s)"),
                             count=len(changed), variants=names, on_page=ON_PAGE_OLD),
                         manifest.campaign_dir,
                         hint=say(N_("'pipeline plan' says what changed; %(hint)s"), hint=hint))]
    else:
        found = [warning(say(N_("published as rendered before its inputs or settings changed "
                                "(%(on_page)s): %(reasons)s"), on_page=ON_PAGE_OLD,
                             reasons=Items(tuple(reason_message(r) for r in v.reasons), join="; ")),
                         v.variant.output, hint=hint)
                 for v in changed]
    return found + _blocked_old([v for v in old if v.status == "blocked"])


def _blocked_old(blocked: list[VariantPlan]) -> list[Diagnostic]:
    """A blocked variant cannot be rendered: the error to fix first is named, at its place (a
    trial's operator was told to render variants whose dub was silent or missing, and read 7
    of their 10 names as "...")."""
    by_cause: dict[Diagnostic, list[VariantPlan]] = {}
    for planned in blocked:
        by_cause.setdefault(blocking_cause(planned), []).append(planned)
    found = []
    for cause, plans in by_cause.items():
        names = [v.variant.stem for v in plans]
        which = Items(tuple(names)) if len(names) <= LISTED else say(
            N_("%(files)s and %(count)s more"), files=", ".join(names[:LISTED]),
            count=len(names) - LISTED)
        more = max(sum(d.severity == "error" for d in v.problems) for v in plans) - 1
        found.append(warning(
            say_count(N_plural("%(count)s variant is published as rendered before its inputs "
                               "changed (%(variants)s; %(on_page)s), and cannot be rendered again "
                               "until this is fixed: %(problem)s%(more)s",
                               "%(count)s variants are published as rendered before their inputs "
                               "changed (%(variants)s; %(on_page)s), and cannot be rendered "
                               "again until this is fixed: %(problem)s%(more)s"),
                      len(plans), count=len(plans), variants=which, on_page=ON_PAGE_OLD,
                      problem=cause.said_message,
                      more=say(N_(" (and more: 'pipeline validate' shows them)")) if more > 0
                      else ""),
            cause.path, cause.line,
            hint=say(N_("fix it (the rendered files stay published until then), then render and "
                        "publish again"))))
    return found
