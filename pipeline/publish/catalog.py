"""The campaign's catalog: render records read back, as `catalog.json` and as the broadcasters' page.

A variant is in the catalog when its record exists: the renderer writes the record last, next to
the variant, poster and sidecars. Plain URLs are relative to the catalog's folder, so a published
folder or prefix works as a file, from the bucket, behind a CDN, or after being copied elsewhere;
presigned URLs are absolute by nature.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable
from urllib.parse import quote

from pipeline import __version__
from pipeline.errors import Diagnostic, diagnostic_from_json, error, raise_if_errors
from pipeline.messages import N_, Message, say
from pipeline.files import write_atomically
from pipeline.fingerprint import sha256_file
from pipeline.manifest import PAGE_LANGUAGES, Contact, Language, Manifest, Spot
from pipeline.profiles import Profile
from pipeline.publish.deliverables import kind_of
from pipeline.publish.file_facts import (
    leader_duration,
    master_facts,
    picture_facts,
    programme_duration,
    sound_facts,
)
from pipeline.publish.public_warnings import public_detail, public_warning
from pipeline.publish.related import related_entry
from pipeline.render.stored_record import shape_problem
from pipeline.standards import record_unit

CATALOG_NAME = "catalog.json"

UrlFor = Callable[[str], str]  # campaign-relative file -> URL

_PLAIN_NAME = re.compile(r"^[^/\\]+$")

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def record_path(manifest: Manifest, spot: Spot, language: Language, profile: Profile) -> Path:
    return manifest.campaign_dir / spot.id / f"{spot.id}.{language.code}.{profile.name}.json"


def expected_variants(manifest: Manifest) -> list[tuple[Spot, Language, Profile]]:
    """Every (spot, language, profile) of the manifest, a language on the spots it is made for
    (`Language.made_for`)."""
    return [(spot, language, profile) for spot in manifest.spots
            for language in manifest.languages if language.made_for(spot.id)
            for profile in manifest.profiles]


def load_records(manifest: Manifest) -> list[dict]:
    """Records of the manifest's current variants, in manifest order; unrendered ones are absent.

    A record that cannot be read or does not describe its variant is an error (all reported at
    once), since publishing it would hand broadcasters something nobody checked.
    """
    records, problems = read_records(manifest)
    raise_if_errors(problems)
    return records


def read_records(manifest: Manifest) -> tuple[list[dict], list[Diagnostic]]:
    """(the records `load_records` returns, an error for each record it would refuse)."""
    records, problems = [], []
    for spot, language, profile in expected_variants(manifest):
        path = record_path(manifest, spot, language, profile)
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (FileNotFoundError, NotADirectoryError):   # not rendered (or no folder for it)
            continue
        except (OSError, ValueError) as exc:
            problems.append(error(say(N_("render record unreadable: %(reason)s"), reason=str(exc)),
                                  path, hint=say(N_("render it again"))))
            continue
        problem = _record_problem(record, spot, language, profile)
        if problem:
            problems.append(error(say(N_("render record %(problem)s"), problem=problem), path,
                                  hint=say(N_("render it again"))))
        else:
            records.append(record)
    return records, problems


def _record_problem(record, spot: Spot, language: Language, profile: Profile
                    ) -> Message | None:
    problem = shape_problem(record)
    if problem:
        return problem
    expected = {"spot": spot.id, "language": language.code, "profile": profile.name}
    for key, value in expected.items():
        if record.get(key) != value:
            return say(N_("says %(field)s %(found)s, expected %(expected)s"), field=key,
                       found=repr(record.get(key)), expected=repr(value))
    names = [record.get("file"), *([record["poster"]] if record.get("poster") else []),
             *_attachments(record)]
    if not all(isinstance(n, str) and _PLAIN_NAME.match(n) and n not in (".", "..") for n in names):
        return say(N_("names a file outside its folder"))
    if not _SHA256.match(str(record.get("sha256", ""))) or not isinstance(record.get("bytes"), int):
        return say(N_("has no valid sha256 and bytes"))
    return None


def _attachments(record: dict) -> list:
    """A variant's other files: subtitle sidecars, and a loudness certificate where one was made."""
    return [*record.get("sidecars", []), *([record["certificate"]] if record.get("certificate") else [])]


def record_files(record: dict) -> list[str]:
    """Campaign-relative paths of what a variant publishes: the file, its poster, its attachments."""
    names = [record["file"], *([record["poster"]] if record.get("poster") else []),
             *_attachments(record)]
    return [f"{record['spot']}/{name}" for name in names]


Hashes = dict[str, tuple[int, str]]  # campaign-relative file -> (bytes, sha256)


def attachment_hashes(manifest: Manifest, records: list[dict]) -> Hashes:
    """Size and sha256 of every attachment present (small files: sidecars, certificates)."""
    hashes: Hashes = {}
    for record in records:
        for name in _attachments(record):
            relative = f"{record['spot']}/{name}"
            path = manifest.campaign_dir / relative
            if relative not in hashes and path.is_file():
                hashes[relative] = (path.stat().st_size, sha256_file(path))
    return hashes


def relative_url(file: str) -> str:
    return quote(file, safe="/")


def build_catalog(manifest: Manifest, records: list[dict], url_for: UrlFor | None = None,
                  generated: str | None = None, hashes: Hashes | None = None,
                  missing: list[dict] | None = None,
                  outdated: dict[tuple[str, str, str], dict] | None = None) -> dict:
    """The contract's catalog.json shape, plus poster, attachments, QC warnings and display names.

    `warnings` are the QC warnings' texts; `warning_codes` the code of each, in the same order
    (null for one without), which the page names in its language (publish/qc_kinds.py);
    `warning_details` each one's file and line (`where`), template and parameters (null for a
    warning of an older record), which the page says in its language (publish/wording.py).

    `hashes` gives the size and sha256 of attachments (read from disk when not given).
    `languages_missing`: the manifest's languages with no variant here ({code, name}), which the
    page names, so that a station does not take a campaign of 8 languages for one of 6.
    `variants_missing` (publish's catalog, which plans the manifest: `missing`, from
    publish/missing.py's `catalog_entries`): each variant the manifest makes with no record, and
    why (`reason` "blocked", "failed" or "not-rendered", `reason_text` in English for the
    media team, `reason_detail` the page's words: a message's template and parameters,
    publish/reasons.py), which the page shows as "not available yet" where the language's
    files would be; absent when `missing` is not given (a render's catalog, which does not
    plan the whole manifest).
    `outdated` (publish's catalog too: publish/outdated.py's `catalog_entries`, by spot,
    language and profile): a variant published as rendered before its inputs or settings
    changed has `outdated`, {`reason` "changed" (rendering makes it again) or "blocked" (an
    input now has an error), `what` (what changed: "subtitles", "dub recording", "voice-over
    recording", "master", "music bed", "font", "settings", "subtitle settings", "software",
    "inputs"), `text` (in English)}, which the page says on its row; a current one has none.
    `source_language`: the manifest's code of the spots' own language ("und" when not given),
    which the page names as the sound of the subtitled variants.
    `related` (the manifest's `publish.related`, absent without it): the campaigns whose pages
    this one links to (`related_entry`).
    `contact` (the manifest's `publish.contact`, absent without it): whom a station asks, which
    the page names under the title and in its notes of earlier versions and missing files.
    """
    url_for = url_for or relative_url
    hashes = attachment_hashes(manifest, records) if hashes is None else hashes
    spots = {spot.id: spot for spot in manifest.spots}
    # Each variant's own entry of its language: a language listed twice has one for the TV
    # spots and one for the radio spot (their name is one, `treatment` is the record's).
    languages = {(spot.id, language.code): language for spot in manifest.spots
                 for language in manifest.languages if language.made_for(spot.id)}
    kinds = {profile.name: profile.file_kind for profile in manifest.profiles}
    present = {record["language"] for record in records}
    return {
        "campaign": manifest.campaign,
        "title": manifest.title,
        "titles": dict(manifest.titles) or {language: manifest.title for language in PAGE_LANGUAGES},
        # The spots' own language: the sound of every subtitled variant.
        "source_language": manifest.source_language,
        "generated": generated or utc_now(),
        "pipeline_version": __version__,
        "variants": [_variant(r, spots, languages, kinds, url_for, hashes,
                              (outdated or {}).get((r["spot"], r["language"], r["profile"])))
                     for r in records],
        "languages_missing": [{"code": code, "name": manifest.entries_of(code)[0].name}
                              for code in manifest.language_codes() if code not in present],
        **({"also_called": also} if (also := {language.code: list(language.also_called)
                                              for language in manifest.languages
                                              if language.also_called}) else {}),
        **({"variants_missing": missing} if missing is not None else {}),
        **({"contact": contact_entry(manifest.contact)} if manifest.contact else {}),
        **({"related": [related_entry(other, manifest.output_dir / other / CATALOG_NAME)
                        for other in manifest.related]}
           if manifest.related else {}),
    }


def contact_entry(contact: Contact) -> dict:
    """The catalog's `contact`: `name` (the default page language's, or null) and `names` (per
    page language, or null), `email`, `phone` (E.164, as a `tel:` link dials it),
    `phone_display` (as written internationally), `phone_extension` and `url`; null when not
    given."""
    names = dict(contact.names)
    return {"name": contact.name,
            "names": {language: names.get(language, contact.name) for language in PAGE_LANGUAGES}
            if names else None,
            "email": contact.email, "phone": contact.phone, "phone_display": contact.phone_display,
            "phone_extension": contact.phone_extension, "url": contact.url}


def _variant(record: dict, spots: dict, languages: dict, kinds: dict, url_for: UrlFor,
             hashes: Hashes, outdated: dict | None = None) -> dict:
    folder = record["spot"]
    file = f"{folder}/{record['file']}"
    loudness = record.get("loudness") or {}
    spot, language = spots.get(record["spot"]), languages.get((record["spot"], record["language"]))
    poster = f"{folder}/{record['poster']}" if record.get("poster") else None
    warnings = (record.get("qc") or {}).get("warnings", [])
    return {
        "spot": record["spot"],
        "spot_title": spot.title if spot else record.get("spot_title", record["spot"]),
        **({"spot_titles": dict(spot.titles)} if spot and spot.titles else {}),
        "language": record["language"],
        "language_name": language.name if language else record.get("language_name", record["language"]),
        "treatment": record.get("treatment"),
        # A soft language's file that burns its subtitles (messaging, social feeds: its
        # profile's soft_subtitles) is `burn`; the language is `soft` still.
        **({"language_treatment": language.treatment}
           if language and language.treatment != record.get("treatment") else {}),
        # A dub's subtitles of the on-screen text alone (`forced_subtitles`): shown always, on
        # the page's player too, and said so beside its files (a trial's deaf viewer never saw
        # the translated hotline number, the track flagged forced in the MP4 only).
        **({"forced_subtitles": True} if (record.get("settings") or {}).get("forced_subtitles")
           else {}),
        # Subtitles for the deaf and hard of hearing (the language's `sdh:`): the sounds and
        # who speaks, in the picture or as its captions track.
        **({"sdh": True} if (record.get("settings") or {}).get("sdh") else {}),
        "profile": record["profile"],
        # The built-in profile it derives from (`base:`): what the page calls the file; null
        # when it writes another file or codec than that one's (profiles.Profile.file_kind).
        **_profile_base(record, kinds),
        "file": file,
        "url": url_for(file),
        "bytes": record["bytes"],
        "sha256": record["sha256"],
        "duration": record.get("duration"),
        "programme_duration": programme_duration(record),
        **({"leader_duration": leader} if (leader := leader_duration(record)) else {}),
        "width": record.get("width"),
        "height": record.get("height"),
        **({key: record[key] for key in ("upscaled_from", "picture_shown") if record.get(key)}),
        "loudness_lufs": loudness.get("integrated_lufs"),
        # What the profile's standard calls the figure's unit ("LKFS" for ATSC A/85): the key
        # keeps its name, the page and a station's tools write the unit their standard does.
        "loudness_unit": record_unit(record),
        "true_peak_dbtp": loudness.get("true_peak_dbtp"),
        # A mono file's figure is dual mono's; its one channel by BS.1770 reads 3 LU less.
        **({"loudness_measured_as": loudness["measured_as"],
            "loudness_single_channel_lufs": loudness.get("single_channel_lufs")}
           if loudness.get("measured_as") else {}),
        # Levelled under its target to keep its loudest 3 s under EBU R128 s1 (on purpose).
        **({"loudness_aimed_lufs": loudness["aimed_lufs"]} if loudness.get("aimed_lufs") else {}),
        "poster": poster,
        "poster_url": url_for(poster) if poster else None,
        "sidecars": [_attachment(f"{folder}/{name}", url_for, hashes) for name in _attachments(record)],
        "warnings": [public_warning(w) for w in warnings],
        "warning_codes": [diagnostic_from_json(w).code for w in warnings],
        "warning_details": [public_detail(w) for w in warnings],
        **({"medium": record["medium"]} if record.get("medium") else {}),
        **({"clock": record["clock"]} if record.get("clock") else {}),
        **({"master": master_facts(record["master"])} if record.get("master") else {}),
        **({"sound": sound} if (sound := sound_facts(record)) else {}),
        **({"picture": picture} if (picture := picture_facts(record)) else {}),
        "rendered_at": record.get("rendered_at"),
        **({"outdated": outdated} if outdated else {}),
    }


def _profile_base(record: dict, kinds: dict) -> dict:
    return ({"profile_base": kinds[record["profile"]]}
            if kinds.get(record["profile"], record["profile"]) != record["profile"] else {})


def file_media(manifest: Manifest, records: list[dict]) -> dict[str, str]:
    """The medium each record's file serves (deliverables.Medium: tv, radio, web, messaging),
    by its campaign-relative name: the kind the page files it under."""
    kinds = {profile.name: profile.file_kind for profile in manifest.profiles}
    return {f"{r['spot']}/{r['file']}": kind_of({"file": r["file"], "profile": r["profile"],
                                                **_profile_base(r, kinds)}).medium
            for r in records}


def _attachment(file: str, url_for: UrlFor, hashes: Hashes) -> dict:
    size, sha256 = hashes.get(file, (None, None))
    return {"file": file, "url": url_for(file), "format": Path(file).suffix.lstrip(".").upper(),
            "bytes": size, "sha256": sha256}


def utc_now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def catalog_bytes(catalog: dict) -> bytes:
    return (json.dumps(catalog, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def keep_generated(catalog: dict, previous: bytes | None) -> dict:
    """The catalog with the previous `generated` when nothing else changed.

    An unchanged campaign then yields byte-identical catalog.json and index.html, which is what
    lets a re-publish upload nothing.
    """
    try:
        old = json.loads(previous) if previous else None
    except ValueError:
        return catalog
    if isinstance(old, dict) and "generated" in old and \
            {**old, "generated": None} == {**catalog, "generated": None}:
        return {**catalog, "generated": old["generated"]}
    return catalog


def write_catalog(manifest: Manifest) -> list[Diagnostic]:
    """`<campaign_dir>/catalog.json` for the records present, written atomically. Returns an
    error for each record left out, unreadable or not describing its variant (its file stays
    out of the catalog until it is rendered again): the others are listed as they are."""
    path = manifest.campaign_dir / CATALOG_NAME
    records, problems = read_records(manifest)
    try:
        previous = path.read_bytes() if path.exists() else None
        catalog = keep_generated(build_catalog(manifest, records), previous)
        write_atomically(path, catalog_bytes(catalog))
    except OSError as exc:   # an output folder that cannot be written: the other manifests' go on
        return problems + [error(say(N_("the catalog cannot be written: %(reason)s"),
                                     reason=str(exc.strerror or exc)), path,
                                 hint=say(N_("check that the manifest's %(key)s is a folder you "
                                             "can write to"), key="output_dir"))]
    return problems


def write_catalog_through(manifest: Manifest) -> list[Diagnostic]:
    """`write_catalog`, finished even when a Ctrl-C lands in it (the likeliest moment of one
    pressed as a render ends): written again, then the interrupt goes on. The CLI ignores the
    presses after the first (cli/common.py `interrupts_once`), so that write is not cut short."""
    try:
        return write_catalog(manifest)
    except KeyboardInterrupt:
        write_catalog(manifest)
        raise
