"""A variant's render record read back (plan, render, clean and publish read it): None, or an
error, for one a render did not write, never an internal error where it is read.
"""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.messages import N_, Message, say

# How a field of the wrong kind is said: its name, quoted as Python writes it.
_OTHER_KIND = N_("has %(field)s of another kind")


def read_record(path: Path) -> dict | None:
    """A variant's record, or None when there is none, it cannot be read, or it is not of the
    shape a render writes (`shape_problem`: `[]`, or `"streams": "text"`, typed in by hand:
    its callers failed on it, an internal error of validate, render, clean and publish; now
    the variant is rendered again, as for broken JSON)."""
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return None if shape_problem(record) else record


_NUMBER = (int, float)
_NULL = type(None)
# What each field of a record holds, as `make_record` and the steps after it (certificate.py,
# audio_only.py, remake.py) write it; a field not there is not asked for (records of older
# versions have fewer). A list's items: `_ITEMS`.
_FIELDS = {
    **dict.fromkeys(("render_version", "pipeline_version", "ffmpeg", "fingerprint", "campaign",
                     "spot", "spot_title", "language", "language_name", "treatment", "profile",
                     "clock", "medium", "file", "sha256", "rendered_at"), str),
    **dict.fromkeys(("poster", "certificate"), (str, _NULL)),
    **dict.fromkeys(("bytes", "samples"), int), **dict.fromkeys(("width", "height"), (int, _NULL)),
    **dict.fromkeys(("duration", "render_seconds", "picture_shown"), _NUMBER),
    **dict.fromkeys(("sidecars", "streams", "upscaled_from"), list),
    **dict.fromkeys(("loudness", "inputs", "settings", "qc", "slot", "master", "beside"), dict),
    **dict.fromkeys(("conform", "loudness_standard"), (dict, _NULL)),
}
_ITEMS = {"sidecars": str, "streams": dict, "upscaled_from": int}
# Fields of those fields the catalog and page read: (field, key) -> kind.
_INNER = {("qc", "warnings"): list, ("qc", "from_inputs"): int, ("settings", "profile"): dict,
          ("master", "leader"): dict, ("loudness_standard", "checks"): list}
_LOUDNESS_WORDS = ("measured_as", "meter")     # its other fields are figures (LUFS, dB) or null


def shape_problem(record) -> Message | None:
    """What makes `record` (a record's JSON) not one a render writes, said for its error
    ("is not a JSON object", "has 'streams' of another kind"); None when it is. Its fields,
    a list's items, and the fields of those the catalog and page read (`_INNER`, the
    loudness figures); not every level below: a record is the pipeline's own file, written
    whole (files.write_atomically), and these are what a hand's edit of it was seen to break."""
    if not isinstance(record, dict):
        return say(N_("is not a JSON object"))
    for key, kind in _FIELDS.items():
        if key not in record:
            continue
        value = record[key]
        wrong = not isinstance(value, kind) or isinstance(value, bool)   # bool is an int
        if wrong or (key in _ITEMS and not all(isinstance(i, _ITEMS[key]) for i in value)):
            return say(_OTHER_KIND, field=repr(key))
    for (key, inner), kind in _INNER.items():
        if not isinstance((record.get(key) or {}).get(inner, kind()), kind):
            return say(_OTHER_KIND, field=repr(key))
    # A picture's [width, height] (geometry.upscaled_from), the page's "enlarged from W×H".
    for field, size in (("upscaled_from", record.get("upscaled_from")),
                        ("master", (record.get("master") or {}).get("upscaled_from"))):
        if size is not None and not (isinstance(size, list) and len(size) == 2
                                     and all(type(n) is int for n in size)):
            return say(_OTHER_KIND, field=repr(field))
    # A warning is an object (Diagnostic.to_json), or its text in records before those.
    if not all(isinstance(w, (dict, str)) for w in record.get("qc", {}).get("warnings", [])):
        return say(_OTHER_KIND, field=repr("qc"))
    loudness = record.get("loudness", {})
    if not all(isinstance(value, str) if key in _LOUDNESS_WORDS
               else isinstance(value, (*_NUMBER, _NULL)) and not isinstance(value, bool)
               for key, value in loudness.items()):
        return say(_OTHER_KIND, field=repr("loudness"))
    return None
