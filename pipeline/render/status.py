"""A planned variant's settings, what its fingerprint covers besides its inputs' bytes, and its
status: up to date, or stale and why, judged from what its last render left (its file, its
record, the files beside it) and from its last failed render.

It is separate from planning (render/planner.py), which probes, reads and checks a variant's
inputs, and from writing the record (render/record.py): this module says what a render depends
on, reads back what a render left, and compares the two.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

from pipeline import RENDER_VERSION
from pipeline.errors import Reason
from pipeline.fingerprint import HashCache
from pipeline.manifest import Manifest, alpha3
from pipeline.media.conform import fps_key
from pipeline.media.geometry import inside_own_bars, mostly_bars
from pipeline.messages import N_, Items, Message, N_plural, say, say_count
from pipeline.render.ebutt_sidecar import ebutt_name
from pipeline.render.failures import read_failure
from pipeline.render.mastering import deinterlaced_per_field, weaves_fields
from pipeline.render.medium import MASTER_SOUND
from pipeline.render.record import RECORD_WARNINGS, names_beside
from pipeline.render.stored_record import read_record
from pipeline.render.slate import slate_text
from pipeline.render.sound_input import low_rates
from pipeline.render.variants import Status, Variant, VariantPlan
from pipeline.subtitles.linebreak import LAYOUT_VERSION
from pipeline.subtitles.model import SAFE_MARGIN, clear_rows
from pipeline.subtitles.title_safe import burned_frame
from pipeline.subtitles.sidecars import SIDECAR_SUFFIXES

NOT_RENDERED = Reason(say(N_("not rendered yet")))


def variant_settings(plan: VariantPlan, manifest: Manifest) -> dict:
    """What the variant's fingerprint covers besides its inputs' bytes: a change to any of it
    makes the variant stale, and `what_changed` names the keys that changed."""
    variant = plan.variant
    language = variant.language
    settings = {"treatment": variant.treatment, "profile": variant.profile.settings(),
                "language_tag": language.alpha3,
                "source_language_tag": alpha3(manifest.source_language),
                "qc": _qc_limits(plan)}
    if language.forced_subtitles:
        # Only such a language's variants are rendered differently (their track's flags).
        settings["forced_subtitles"] = True
    if language.sdh:
        # The same: its track's flags, and what its record says of its subtitles.
        settings["sdh"] = True
    if plan.dc:
        # Only a track with an offset is rendered differently: a clean one keeps its bytes
        # and its fingerprint, one rendered before the offset was removed goes stale.
        settings["dc_removed"] = {role: list(dc) for role, dc in sorted(plan.dc.items())}
    if plan.one_sided:
        # The same: only a track with a silent side is rendered differently (that side taken
        # from the other), and says which.
        settings["one_sided"] = dict(sorted(plan.one_sided.items()))
    low = low_rates(plan.tracks, variant.profile.sample_rate)
    if low:
        # Only a variant that carries such a sound has it (render/sound_input.py): one rendered
        # before that was said goes stale once and gets the warning in its record, which the
        # catalog and the page read; every other variant keeps its fingerprint.
        settings["low_sample_rate"] = low
    if variant.profile.audio_only:
        # What the file's own tags say (bext, ID3, Vorbis comments): a new title re-renders.
        settings["slot_samples"] = plan.slot_samples
        settings["tags"] = {"campaign": manifest.campaign,
                            "campaign_title": manifest.title,
                            "spot_title": variant.spot.title, "language_name": language.name,
                            # the campaign as every sound file's artist: files made before,
                            # without one, go stale once (sound files only)
                            "artist": "campaign_title"}
        if variant.clock:
            settings["clock"] = variant.clock
        if variant.profile.container == "wav":
            # Its `fmt ` chunk is WAVE_FORMAT_PCM (media/audio_tags.py): a WAV rendered with
            # ffmpeg's WAVE_FORMAT_EXTENSIBLE goes stale, and no other variant does.
            settings["wave_format"] = "pcm"
        if variant.profile.bext:
            # Its cart's AUDs and AUDe mark its sound where its dead air is said
            # (audio_only.cart): Broadcast WAVs made before, timers on the whole file or moved
            # by dead air under the limit said, go stale.
            settings["cart_timers"] = "said"
        if language.treatment == "mix":
            # Its dead air is read on the file (sound_warnings.mix_dead_air): once stale.
            settings["dead_air"] = "read on the file"
        return settings
    settings["picture"] = plan.conform.picture_settings
    bars = mostly_bars(plan.conform.geometry, variant.profile)
    if bars is not None:
        # Only a picture that is mostly bars has it (media/geometry.py): its variants rendered
        # before that was said go stale once and get the warning in their records, which the
        # catalog and the page read; every other variant keeps its fingerprint.
        settings["bars"] = {"kind": bars.bars, "fill": round(bars.fill, 3)}
    elif inside_own_bars(plan.conform.geometry, variant.profile, plan.conform.own_bars):
        # Likewise of a picture inside the master's own bars (conform.Master.own_bars).
        settings["own_bars"] = plan.conform.own_bars.to_json()
    if language.treatment in MASTER_SOUND:
        settings["sound"] = plan.conform.sound_settings
    if fps_key(variant.profile) != variant.profile.fps:
        settings["frame_rate"] = fps_key(variant.profile)     # an NTSC rate's exact fraction
    if deinterlaced_per_field(plan):
        # A frame per field (mastering.deinterlaced_per_field): those made a frame per two
        # fields, each shown twice at 50p, go stale.
        settings["deinterlaced"] = "per field"
    if variant.profile.mastered and not variant.profile.playout_parts:
        # An interlaced profile without a leader, timecode or mono tracks is made as a master
        # (Profile.mastered): its files made from whole frames, half the fields' motion, go
        # stale once.
        settings["made_as"] = "master"
    if variant.profile.mastered and variant.profile.fps and weaves_fields(plan):
        # Woven from fields at twice the profile's frame rate (conform.field_picture): masters
        # made at the frame rate itself, segmented frames of half the motion, go stale.
        settings["field_rate"] = 2 * variant.profile.fps
    if variant.treatment == "burn":
        style = asdict(language.style)
        if language.style.box is not None:
            # A box is drawn in the shadow's place (libass's BorderStyle 4): its variants keep
            # their fingerprints when only the shadow changes (a trial's boxed languages went
            # stale for a style.shadow their pictures cannot show).
            del style["shadow"]
        settings["style"] = style
        settings["layout"] = LAYOUT_VERSION
        if variant.profile.height > variant.profile.width:
            # Text on a portrait frame is sized by its width (linebreak.em_px): those burned
            # by its height, 1.8 times larger, go stale; landscape burns keep their fingerprints.
            settings["em_of"] = "width"
        clear = clear_rows(variant.profile.width, variant.profile.height)
        if clear != (SAFE_MARGIN, SAFE_MARGIN):
            # Kept clear of a portrait frame's apps' overlays (model.clear_rows): those burned
            # at the bottom's title-safe margin, under Reels' caption, go stale; others keep.
            settings["clear_rows"] = list(clear)
        picture_width = burned_frame(variant.profile, plan.conform.geometry).picture_width
        if picture_width is not None:
            # Laid out on the picture's own title-safe width between bars (a 4:3 master in
            # 16:9, linebreak.safe_margins): those burned across the bars go stale, once.
            settings["picture_width"] = picture_width
        if variant.profile.mastered and weaves_fields(plan):
            # Drawn field by field from a frame's first field (mastering.drawn_rate): woven
            # masters burned before, a cue's text from the field before its frame or from a
            # frame's second field, go stale; the others keep theirs.
            settings["drawn_on"] = "frames' fields"
    if plan.subtitles is not None and language.treatment != "burn":
        # Those of a soft language burned in a profile too (Profile.treatment_of).
        # A variant rendered before a sidecar format was added is stale: it lacks that file.
        settings["sidecars"] = list(SIDECAR_SUFFIXES)
        # Its cues end with the master (render/subtitle_input.py): a track rendered before,
        # with a cue running on past the spot, goes stale.
        settings["cues_within_master"] = True
        settings["subtitle_language_tag"] = language.bcp47
    if variant.clock:
        settings["clock"] = variant.clock
    if variant.profile.leader and variant.profile.leader.slate:
        # What the slate shows besides its figures: a change re-renders the master. Of the
        # style, the font (its file is the `slate_font` input) and colour the slate is drawn
        # in, no more: the whole style made a burn's new outline or shadow re-render masters.
        settings["slate"] = {"text": slate_text(variant),
                             "style": {"font": manifest.style.font, "color": manifest.style.color}}
    return settings


def _qc_limits(plan: VariantPlan) -> dict:
    """The language's `qc:` limits its variant's warnings are found with: {name: value} of the
    subtitle limits (every limit but `duration_tolerance`) when it carries a subtitle file,
    and of `duration_tolerance` when it carries a dub or voice-over.

    In the fingerprint, not only in the record, so that a changed limit makes the variant
    stale and it is rendered again, rather than its record's warnings rewritten in place: the
    warnings are found at planning, and only a render writes the record that the catalog, the
    page and `--strict` read; a burn's line breaks follow `max_line_chars` and `max_lines`,
    so its picture changes too; and a soft, dub or mix variant is a remux of the shared
    picture, seconds of work. Only the limits its warnings depend on: a subtitle limit does
    not re-render a language's radio variants, nor `duration_tolerance` a burned or soft
    language's, which carry no recording."""
    limits = asdict(plan.variant.language.qc)
    tolerance = {"duration_tolerance": limits.pop("duration_tolerance")}
    return {**(limits if plan.subtitles is not None else {}),
            **(tolerance if plan.audio is not None else {})}


def variant_status(plan: VariantPlan, cache: HashCache, ffmpeg: str,
                   force: bool) -> tuple[Status, list[str]]:
    """Its status and why, and, for a variant to render whose last render failed, that
    failure (render/failures.py): so one that failed is not taken for one never tried."""
    status, reasons = _record_status(plan, cache, ffmpeg, force)
    if status == "stale":
        plan.failure = read_failure(plan.variant)
    if plan.failure is None:
        return status, reasons
    said = plan.failure.describe(plan.fingerprint)
    return status, [said] if reasons == [NOT_RENDERED] else reasons + [said]


def _record_status(plan: VariantPlan, cache: HashCache, ffmpeg: str,
                   force: bool) -> tuple[Status, list[str]]:
    variant = plan.variant
    if force:
        return "stale", ["--force"]
    record = read_record(variant.record_path)
    if record is None:
        # A record there but unreadable, or edited into another shape: rendered again.
        there = variant.record_path.is_file()
        return "stale", [Reason(say(N_("its record %(record)s cannot be read"),
                                    record=variant.record_path.name)) if there
                         else NOT_RENDERED]
    replaced = output_problem(variant, record, cache)
    if replaced:
        return "stale", [replaced]
    if record.get("fingerprint") != plan.fingerprint:
        return "stale", what_changed(record, plan, ffmpeg)
    # The variant is up to date; what the catalog and page link to beside it is made again
    # from its file, which was just checked (render/remake.py).
    missing = [name for name in names_beside(record) if not (variant.folder / name).is_file()]
    # A TV master rendered before it had an EBU-TT sidecar gets one from its planned cues,
    # not a new encode of the master (its fingerprint is unchanged: the file is the same).
    ebutt = ebutt_name(plan)
    if ebutt and ebutt not in record.get("sidecars", []) and ebutt not in missing:
        missing.append(ebutt)
    sizes = record.get("beside", {})   # records before 2026-11-30 have none
    # A name only the sizes list (a record edited by hand) and gone is made again, not a crash.
    replaced = [name for name, size in sizes.items()
                if name not in missing and _size(variant.folder / name) != size]
    reworded = [say(RECORD_WARNINGS)] if warnings_changed(plan, record) else []
    if not missing and not replaced and not reworded:
        return "up-to-date", []
    plan.remake = missing + replaced + ([RECORD_WARNINGS] if reworded else [])
    # Plural forms, the same in English: Spanish agrees ("falta X", "faltan X e Y").
    reasons = [say_count(what, len(names), names=Items(tuple(names))) for names, what in
               ((missing, N_plural("%(names)s missing", "%(names)s missing")),
                (replaced, N_plural("%(names)s replaced", "%(names)s replaced")),
                (reworded, N_plural("%(names)s changed (the inputs or the manifest warn "
                                    "otherwise now)", "%(names)s changed (the inputs or the "
                                    "manifest warn otherwise now)"))) if names]
    done = (say(N_("made again from %(output)s"), output=variant.output.name)
            if missing or replaced else say(N_("its record is rewritten")))
    return "stale", [Reason(say(N_("%(reasons)s: %(done)s, %(output)s is not rendered again"),
                                reasons=Items(tuple(reasons), "; "), done=done,
                                output=variant.output.name))]


def warnings_changed(plan: VariantPlan, record: dict) -> bool:
    """Whether the warnings the plan finds in the variant's inputs and manifest (`plan.warnings`)
    are not those its record kept from its render (the first `from_inputs` of its QC warnings;
    records made before they were counted are left as they are)."""
    qc = record.get("qc") or {}
    kept = qc.get("from_inputs")
    # Compared without their files' absolute paths: a project copied or moved to another disk
    # or machine warns as it did (a trial's copy made 248 of 364 records "changed").
    return kept is not None and [_placeless(w) for w in qc.get("warnings", [])[:kept]] != [
        _placeless(w.to_json()) for w in plan.warnings]


def _placeless(warning: dict) -> dict:
    return {key: value for key, value in warning.items() if key != "path"}


def _size(path: Path) -> int | None:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return None


def output_problem(variant: Variant, record: dict, cache: HashCache) -> Reason | None:
    """Why the file under the variant's name is not the one its record describes: gone, or
    other bytes (a copy or an edit by hand, the same size or not). Its sha256 comes from
    the hash cache, which the render filled: an unchanged file is not read again."""
    name = variant.output.name
    if not variant.output.is_file():
        return Reason(say(N_("%(output)s missing (its record is there: rendered again)"),
                          output=name))
    if variant.output.stat().st_size != record.get("bytes") \
            or cache.sha256(variant.output) != record.get("sha256"):
        return Reason(say(N_("%(output)s replaced (not the file rendered: its bytes differ "
                             "from its record's)"), output=name))
    return None


def what_changed(record: dict, plan: VariantPlan, ffmpeg: str) -> list[Reason]:
    """Why a variant's record no longer matches its plan: inputs, settings, render version or
    ffmpeg changed (what `plan` shows as a stale variant's reasons)."""
    reasons = []
    old_inputs = record.get("inputs", {})
    for role, item in plan.inputs.items():
        old = old_inputs.get(role, {}).get("sha256")
        if old != item["sha256"]:
            reasons.append(say(N_("%(role)s changed (%(path)s)"), role=_role(role),
                               path=item["path"]) if old else
                           say(N_("new input: %(role)s"), role=_role(role)))
    for role in old_inputs.keys() - plan.inputs.keys():
        reasons.append(say(N_("input dropped: %(role)s"), role=_role(role)))
    if record.get("settings") != plan.settings:
        reasons.append(say(N_("settings changed: %(keys)s"), keys=Items(tuple(
            changed_keys(record.get("settings", {}), plan.settings)))))
    if record.get("render_version") != RENDER_VERSION:
        reasons.append(say(N_("render version %(old)s -> %(new)s"),
                           old=str(record.get("render_version")), new=RENDER_VERSION))
    if record.get("ffmpeg") != ffmpeg:
        reasons.append(say(N_("ffmpeg version changed")))
    return [Reason(reason) for reason in reasons or [say(N_("fingerprint changed"))]]


# An input's role (`VariantPlan.inputs`) as a reason names it: its key in English, as `plan
# --json` and publish read it; in words in another language ("cambio en los subtítulos", not
# "cambió subtitles", a trial's Spanish terminal).
ROLE_WORDS = {"master": N_("master"), "music_bed": N_("music_bed"), "audio": N_("audio"),
              "subtitles": N_("subtitles"), "font": N_("font"), "slate_font": N_("slate_font")}


def _role(role: str) -> Message | str:
    if role.startswith("font:"):     # a style of the file's own (`style: {from_file: true}`)
        return say(N_("font:%(style)s"), style=role.removeprefix("font:"))
    return say(ROLE_WORDS[role]) if role in ROLE_WORDS else role


def changed_keys(old: dict, new: dict, prefix: str = "") -> list[str]:
    """The keys whose values differ between two settings, nested ones dotted
    ("picture.colour"), sorted."""
    keys = []
    for key in sorted(old.keys() | new.keys()):
        a, b = old.get(key), new.get(key)
        if isinstance(a, dict) and isinstance(b, dict):
            keys += changed_keys(a, b, f"{prefix}{key}.")
        elif a != b:
            keys.append(f"{prefix}{key}")
    return keys
