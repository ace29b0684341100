"""Files in a spot's subtitles or audio folder that no language of the manifest will use: the
inputs' side of `render/strays.py` (the output folder's). A translator who saves `TZO.SRT`,
`mix-v2.srt` or `nah.srt.bak` is told at once, by `validate`, `plan` and `render`, rather than
finding the variant unchanged.

A warning per file, with the reason; never an error: a backup or a file for a later campaign
may be there on purpose. Only the folders of the manifest's spots are looked at, and, as
`files.index_folder` lists them, plain files not hidden. Only names no manifest can use are
said (a capital, a backup's or a version's name, a format not read): a file of a language this
manifest lacks, or a recording of a language it burns, may be another manifest's sharing the
folder (the demo's TV manifest takes 6 of the web manifest's 21 languages), and `check
--manifest` says when a translator's file is of no language of the manifest.
"""

from __future__ import annotations

from pipeline.errors import Diagnostic, warning
from pipeline.files import index_folder
from pipeline.manifest import AUDIO_SUFFIXES, SUBTITLE_SUFFIXES, Manifest


def unused_inputs(manifest: Manifest) -> list[Diagnostic]:
    """A warning for each file in a spot's subtitles or audio folder that no variant uses."""
    codes = {language.code: language for language in manifest.languages}
    found = []
    for spot in manifest.spots:
        for folder, suffixes, kind in ((manifest.subtitles_dir / spot.id, SUBTITLE_SUFFIXES,
                                        "subtitle"),
                                       (manifest.audio_dir / spot.id, AUDIO_SUFFIXES, "audio")):
            present = {name for names in index_folder(folder).values() for name in names}
            for name in sorted(present):
                reason = _why_unused(codes, name, suffixes, kind, present)
                if reason is not None:
                    found.append(warning(f"not used: {reason[0]}", folder / name,
                                         hint=reason[1], code="unused-input"))
    return found


def _why_unused(codes: dict, name: str, suffixes: tuple[str, ...], kind: str,
                present: set[str]) -> tuple[str, str] | None:
    """(why `name` is used by no variant, how to make it used), or None when one may use it;
    `present`: every name in its folder."""
    stem, _, ending = name.partition(".")
    suffix, code = f".{ending}".lower(), stem.lower()
    if stem in codes and suffix in suffixes:
        return None
    if code in codes and suffix in suffixes:
        # Not taken whatever its case: tzo.srt and TZO.SRT may both be there (a case-sensitive
        # file system), and which one is meant could not be told.
        read = next((f"{code}{known}" for known in suffixes if f"{code}{known}" in present), None)
        if read is not None:      # renamed, it would make two files of one language
            return (f"the name must be lower-case, and {read} is the file read for {code!r}",
                    f"move it out, or put it in place of {read} as {code}{suffix}")
        return "the name must be lower-case", f"rename it to {code}{suffix}"
    if code in codes:
        if any(suffix.startswith(known + ".") for known in suffixes):
            return ("a backup file name (only the name ending in the format's suffix is read)",
                    "move it out of the folder, or rename it to use it instead")
        return (f"{suffix} is not a {kind} format read here ({', '.join(suffixes)})",
                f"save it in one of those formats as {code}{suffixes[0]}, ...")
    version_of = next((known for known in codes if code.startswith(known)
                       and not code[len(known)].isalnum()), None)
    if version_of is not None:      # mix-v2.srt, nah (1).srt, nah_old.srt
        return (f"language {version_of!r} is read from {version_of}.<format> only",
                f"to use this version, rename it to {version_of}{suffix}")
    return None
