"""A language's recording found in its spot's folder: `<audio_dir>/<spot>/<code>.<ext>`, exactly
one, in any format ffmpeg decodes that recording studios and phones send (WAV, FLAC, MP3, MP2,
M4A/AAC, Ogg, Opus). None there, several, one file for each channel (split mono) or files
meant for it under other names are each an error at the language's line that names what is
there and what to do (render/deliveries.py checks the one found).
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from pipeline.errors import PipelineError
from pipeline.files import NESTED_HINT, NOT_FOUND, FolderIndex, input_problem, nested_file
from pipeline.manifest import AUDIO_SUFFIXES, Language, Manifest, Spot
from pipeline.manifest.input_names import meant_for, why_unused
from pipeline.media.probe import MediaInfo, probe_audio
from pipeline.render.split_mono import SplitMono, split_mono
from pipeline.messages import N_, Items, Message, say

# The codes of the errors of a language's own recording that block its variants: none there,
# or none ffprobe or ffmpeg can read as sound. The page says each code a recording's error
# carries (these, check_delivery's) in its language (publish/reasons.py; a test scans them).
RECORDING_MISSING = "recording-missing"
RECORDING_UNREADABLE = "recording-unreadable"
# There, but not as one file: more than one file for it, or one file for each of its channels.
RECORDINGS_SEVERAL = "recordings-several"
SPLIT_MONO = "split-mono"


def _accepted(name: str) -> bool:
    return Path(name).suffix.lower() in AUDIO_SUFFIXES


def _formats(stem: Path) -> Message:
    """"<stem>.wav, .flac, ... or .opus": the names a language's recording may have."""
    first, *rest = AUDIO_SUFFIXES
    return say(N_("%(items)s or %(last)s"), items=", ".join([f"{stem}{first}", *rest[:-1]]),
               last=rest[-1])


# What to do when nothing is there to mend: the formats read, and what else a manifest allows
# (its `ways_out`, said in these whole sentences: a language's treatment, and in a manifest of
# several spots, its `spots:`).
_ADD = N_("add the recording there as PCM WAV or AIFF, FLAC, MP3, MP2, M4A/AAC, Ogg or "
          "Opus")
_ADD_OR_TREAT = N_("add the recording there as PCM WAV or AIFF, FLAC, MP3, MP2, M4A/AAC, Ogg "
                   "or Opus, or change the treatment")
_ADD_OR_LEAVE = N_("add the recording there as PCM WAV or AIFF, FLAC, MP3, MP2, M4A/AAC, Ogg "
                   "or Opus, change the treatment, or leave %(spot)s out of the language's "
                   "'spots:'")


def _add(manifest: Manifest, spot: Spot) -> Message:
    """`_ADD` and `Manifest.ways_out(spot)`, in one sentence."""
    if len(manifest.spots) > 1:
        return say(_ADD_OR_LEAVE, spot=repr(spot.id))
    return say(_ADD_OR_TREAT)


def find_delivery(manifest: Manifest, spot: Spot, language: Language, index: FolderIndex,
                  prober: Callable[[Path], MediaInfo] = probe_audio) -> Path:
    """The one audio file of `language` for `spot` (`find_recording` in its spot's folder,
    the errors at the language's line); `PipelineError` when there is none or more than
    one."""
    return find_recording(manifest.audio_dir / spot.id, language.code, index,
                          [known.code for known in manifest.languages], manifest.path,
                          language.line, language.treatment, prober,
                          manifest.renamed_folder(manifest.audio_dir, spot, language.code)
                          or _add(manifest, spot))


def find_recording(folder: Path, code: str, index: FolderIndex, codes: list[str],
                   path: Path | None, line: int | None, treatment: str | None = None,
                   prober: Callable[[Path], MediaInfo] = probe_audio,
                   add: Message | None = None) -> Path:
    """The one audio file of language `code` in `folder` (`index`: its names; `codes`: the
    languages whose files may be there, as `meant_for` takes them); `PipelineError` at
    `path`:`line` (a manifest's language, or the file `check` was given) when there is none
    (saying what is there instead) or more than one (listing them). Files that are every
    channel of one recording (split mono) are each probed with `prober` (planning's, which
    keeps the answer with the file's hash), for what the error says of them. `treatment`,
    when a manifest gives one, is named beside the language, and `add` is the hint when nothing
    there is to be mended (`_add`: with the manifest's ways out; without a manifest, `check` of
    a file, `_ADD`)."""
    names = index.get(code, [])
    accepted = [name for name in names if Path(name).stem == code and _accepted(name)]
    problem = input_problem(folder / accepted[0]) if len(accepted) == 1 else None
    if problem:     # probed and hashed later, where the OSError would have no line
        raise PipelineError(say(N_("audio track of language %(language)s %(problem)s: "
                                   "%(path)s"), language=repr(code), problem=problem[0],
                                path=str(folder / accepted[0])), path, line, problem[1],
                            RECORDING_MISSING if problem[0].template == NOT_FOUND
                            else RECORDING_UNREADABLE)
    if len(accepted) == 1:
        return folder / accepted[0]
    if accepted:      # two or more: said in the plural alone
        # At the manifest's language, as two subtitle files are (a trial read both errors
        # side by side, one with a line, one without); `check` of a file: at its folder.
        at_manifest = line is not None
        raise PipelineError(say(N_("%(count)s audio deliveries for language %(code)s: "
                                   "%(files)s; exactly one is used"), count=len(accepted),
                                code=repr(code), files=Items(tuple(
                                    str(folder / name) if at_manifest else name
                                    for name in accepted))),
                            path if at_manifest else folder, line if at_manifest else None,
                            hint=say(N_("keep one of them: remove or rename the others")),
                            code=RECORDINGS_SEVERAL)
    # The treatment, a manifest's keyword, as the manifest writes it.
    language = (say(N_("language %(code)s (%(treatment)s)"), code=repr(code), treatment=treatment)
                if treatment else say(N_("language %(code)s"), code=repr(code)))
    meant = [name for found in index.values() for name in found
             if meant_for(name, codes) == code]
    split = split_mono(folder, code, meant, AUDIO_SUFFIXES)
    if split is not None and split.layout is not None:
        # Every channel there: the one thing to do is join them (when they are one export),
        # said alone.
        split = split.measured(_measures(folder, split.names, prober))
        raise PipelineError(say(N_("recording of %(language)s in %(count)s files: %(reason)s; "
                                   "a language's recording is read from one file, %(output)s"),
                                language=language, count=len(split.parts),
                                reason=split.reason(), output=str(split.output)),
                            path, line, split.hint(), SPLIT_MONO)
    present = [name for found in index.values() for name in found]
    there, hint = _what_is_there(folder, code, meant, codes, present, split)
    raise PipelineError(say(N_("audio track missing for %(language)s: expected %(expected)s; "
                               "%(there)s"), language=language,
                            expected=_formats(folder / code), there=there), path, line,
                        hint or add or say(_ADD), RECORDING_MISSING)


def _measures(folder: Path, names: list[str], prober: Callable[[Path], MediaInfo]
              ) -> list[tuple[float, int | None]] | None:
    """Each file's length and sample rate, by one probe each; None when one cannot be read
    (a join would say so itself)."""
    try:
        infos = [prober(folder / name) for name in names]
    except PipelineError:
        return None
    return [(info.duration, info.audio.sample_rate) for info in infos]


ORPHANS_SHOWN = 5      # files named in a missing recording's error, the others counted


def _what_is_there(folder: Path, code: str, meant: list[str], codes: list[str],
                   present: list[str], split: SplitMono | None
                   ) -> tuple[Message | Items, Message | None]:
    """What the folder holds instead of language `code`'s recording, in words that follow its
    expected name, and the hint when one fits it better than adding the recording: the files
    `meant` for it (input_names.meant_for) that look like some of its channels (`split`),
    that are in a format read here but misnamed (input_names.why_unused's reason), or in no
    format read here."""
    if not meant:
        if not folder.is_dir():
            return say(N_("that folder does not exist")), None
        # A recording named by its language's name (tojolabal.wav for toj) is read by no
        # language: said here, where its own language's error is, with the name to give it.
        orphans = sorted(name for name in present if meant_for(name, codes) is None
                         and Path(name).suffix.lower() in AUDIO_SUFFIXES)
        nested = not orphans and nested_file(folder, code, AUDIO_SUFFIXES)
        if nested:
            return (say(N_("a folder in it holds %(found)s"), found=str(nested)),
                    say(NESTED_HINT, folder=str(folder)))
        if not orphans:
            return say(N_("nothing named %(code)s.* is there"), code=code), None
        shown = (say(N_("%(files)s and %(count)s more"),
                     files=", ".join(orphans[:ORPHANS_SHOWN]),
                     count=len(orphans) - ORPHANS_SHOWN) if len(orphans) > ORPHANS_SHOWN else
                 Items(tuple(orphans)))
        suffix = Path(orphans[0]).suffix.lower() if len(orphans) == 1 else ".wav"
        return (say(N_("nothing named %(code)s.* is there, and the folder has sound no language "
                       "reads: %(files)s"), code=code, files=shown),
                say(N_("if it is this recording, rename it %(name)s") if len(orphans) == 1 else
                    N_("if one of them is this recording, rename it %(name)s"),
                    name=f"{code}{suffix}"))
    parts, hints, unread = [], [], []
    if split is not None:
        parts.append(split.reason())
        hints.append(split.hint())
    for name in meant:
        if split is not None and name in split.names:
            continue
        if not any(f".{part}" in AUDIO_SUFFIXES for part in name.lower().split(".")[1:]):
            unread.append(name)
            continue
        unused = why_unused(name, codes, AUDIO_SUFFIXES, "audio", present)
        stem, _, ending = name.partition(".")
        if stem.lower() == code and f".{ending}".lower() in AUDIO_SUFFIXES:
            # YUA.WAV, as Windows tools save it: read only in lower case (input_names.py says
            # why).
            parts.append(say(N_("the folder has %(name)s: the name must be lower-case, "
                                "%(lower)s"), name=name, lower=f"{code}.{ending.lower()}"))
        else:
            parts.append(say(N_("%(name)s is misnamed: %(reason)s"), name=name,
                             reason=unused.why))
        hints.append(unused.to_do)
    if unread:
        parts.append(say(N_("the folder holds %(files)s, not in an accepted format"),
                         files=Items(tuple(unread))))
    # A hint of its own fits one misnamed file or split set; for more, each is said above.
    return Items(tuple(parts), "; "), hints[0] if len(hints) == 1 and not unread else None
