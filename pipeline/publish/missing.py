"""The variants the manifest makes that have no rendered file, and why: blocked by an error of
their inputs (rendering cannot make them), failed at their last render, or not rendered yet.

Publish says them in its warnings (freshness.py) and lists them in the catalog's
`variants_missing`, which the page shows as "not available yet" where the language's files
would be, with why in the page's language (publish/reasons.py): a station must not mistake a
version still to come for one never planned. A
combination that makes no variant (render/medium.py's `not_applicable`) is not missing.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.errors import Diagnostic, error, reason_message
from pipeline.manifest import Language, Manifest, Spot
from pipeline.messages import N_, Items, Message, say
from pipeline.profiles import Profile
from pipeline.publish.catalog import expected_variants
from pipeline.publish.public_warnings import without_paths
from pipeline.publish.reasons import FAILED, NOT_RENDERED, blocked_message
from pipeline.render.failures import Failure, read_failure
from pipeline.render.medium import not_applicable
from pipeline.render.variants import Plan, Variant, VariantPlan


@dataclass(frozen=True)
class Missing:
    spot: Spot
    language: Language
    profile: Profile
    reason: str                          # "blocked", "failed" or "not-rendered"
    planned: VariantPlan | None = None   # a blocked one's plan, with its problems
    failure: Failure | None = None       # a failed one's memo (render/failures.py)

    @property
    def key(self) -> tuple[str, str, str]:
        return self.spot.id, self.language.code, self.profile.name

    @property
    def cause(self) -> Diagnostic:
        """The error that blocks it, as the plan found it (its words, place and hint)."""
        return blocking_cause(self.planned)

    @property
    def text(self) -> str:
        """Why, in English, with no path on the machine that rendered."""
        if self.reason == "blocked":
            return without_paths(f"blocked: {self.cause.message}")
        if self.reason == "failed":
            return without_paths(f"its last render failed: {self.failure.message}")
        return "not rendered yet"

    @property
    def message(self) -> Message:
        """Why, as a message the page says in its language (`text` stays the English detail
        for the media team, in the catalog and the terminal)."""
        if self.reason == "blocked":
            return blocked_message(self.cause.code, self.language.treatment)
        return Message(FAILED if self.reason == "failed" else NOT_RENDERED)


def blocking_cause(planned: VariantPlan) -> Diagnostic:
    """The problem that blocks a variant, as the plan found it (its words, place and hint)."""
    reasons = Items(tuple(reason_message(r) for r in planned.reasons), join="; ")
    return next((d for d in planned.problems if d.severity == "error"),
                error(say(N_("%(reasons)s"), reasons=reasons) if planned.reasons
                      else say(N_("blocked")), planned.variant.output))


def missing_variants(manifest: Manifest, records: list[dict], plan: Plan) -> list[Missing]:
    """Every variant `plan` (the manifest's) makes with no record, in manifest order. A spot is
    a radio spot when it says so or its rendered records do (its master was probed then)."""
    done = {(r["spot"], r["language"], r["profile"]) for r in records}
    radio = {r["spot"] for r in records if r.get("medium") == "radio"}
    blocked = {(v.variant.spot.id, v.variant.language.code, v.variant.profile.name): v
               for v in plan.variants if v.status == "blocked"}
    # What the plan skips, by every rule it has (a radio spot's subtitled languages too: a
    # trial's page promised their radio files, "aún no se ha generado").
    skipped = {(v.variant.spot.id, v.variant.language.code, v.variant.profile.name)
               for v in plan.skipped}
    found = []
    for spot, language, profile in expected_variants(manifest):
        key = (spot.id, language.code, profile.name)
        if key in done or key in skipped or not_applicable(
                manifest, spot.medium == "radio" or spot.id in radio, spot, language, profile):
            continue
        if key in blocked:
            found.append(Missing(spot, language, profile, "blocked", planned=blocked[key]))
            continue
        # A failed render leaves no file and no record, only its memo (render/failures.py).
        failure = read_failure(Variant(manifest, spot, language, profile))
        found.append(Missing(spot, language, profile, "failed" if failure else "not-rendered",
                             failure=failure))
    return found


def catalog_entries(missing: list[Missing]) -> list[dict]:
    """The catalog's `variants_missing`: spot, spot_title (and spot_titles), language,
    language_name, profile (and profile_base), extension (its file's, were it there), reason
    ("blocked", "failed", "not-rendered"), reason_text (English, for the media team) and
    reason_detail (what the page says: a message's template and parameters)."""
    return [{"spot": m.spot.id, "spot_title": m.spot.title,
             **({"spot_titles": dict(m.spot.titles)} if m.spot.titles else {}),
             "language": m.language.code, "language_name": m.language.name,
             "profile": m.profile.name,
             **({"profile_base": m.profile.file_kind}
                if m.profile.file_kind != m.profile.name else {}),
             "extension": m.profile.extension,
             "reason": m.reason, "reason_text": m.text,
             "reason_detail": m.message.to_json()}
            for m in missing]
