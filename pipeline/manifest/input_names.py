"""Names in a spot's subtitles or audio folder that no manifest reads, and the language each
seems meant for: `TZO.SRT` (a capital), `nah.srt.bak` (a backup), `mix-v2.srt` (a version),
`nah.txt` (a format not read), `tzo.L.wav` (one channel of a recording split into a mono file
per channel). `validate` warns of them (render/unused_inputs.py); `check --manifest` and
`watch` say the same of such a file when it is the one checked or saved.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Collection

from pipeline.files import rename_hint
from pipeline.messages import N_, Items, Message, say
from pipeline.subtitles.formats import content_format_of, foreign_format_of


# The channel a file of a recording split into a mono file per channel holds ("split mono", as
# editors and post houses export a stereo or 5.1 mix: Pro Tools' "Multiple Mono", Audition's
# "each channel as a mono file"), as its name ends before its format's suffix: `tzo.L.wav`,
# `tzo_R.wav`, `tzo-Left.wav`, `tzo.Ls.wav`, in any case. ffmpeg's names of the channels, in
# the order of its stereo and 5.1(side) layouts (L R C LFE Ls Rs).
CHANNEL_NAMES = {"l": "FL", "left": "FL", "r": "FR", "right": "FR", "c": "FC", "center": "FC",
                 "centre": "FC", "lfe": "LFE", "ls": "SL", "rs": "SR"}
CHANNEL_SEPARATORS = "._-"
# How messages name them (words the page's catalog translates).
CHANNEL_WORDS = {"FL": N_("left"), "FR": N_("right"), "FC": N_("centre"), "LFE": N_("LFE"),
                 "SL": N_("left surround"), "SR": N_("right surround")}


def channel_of(name: str, code: str, suffixes: tuple[str, ...]) -> str | None:
    """The channel (`CHANNEL_NAMES`' value) that `name`, a file of language `code` in one of the
    formats `suffixes`, seems to hold of a recording split into a mono file per channel:
    `<code><. _ -><channel><suffix>`, in any case; None for any other name."""
    base, dot, ending = name.rpartition(".")
    if not dot or f".{ending}".lower() not in suffixes or len(base) < len(code) + 2:
        return None
    if base[:len(code)].lower() != code or base[len(code)] not in CHANNEL_SEPARATORS:
        return None
    return CHANNEL_NAMES.get(base[len(code) + 1:].lower())


def channel_code(name: str, suffixes: tuple[str, ...]) -> str | None:
    """The language code, in lower case, of a file named as one channel of a split recording
    (`yua.L.wav`, `yua_R.wav`, `yua-Left.wav`), when no manifest gives the codes (`check`
    without one): what comes before its last separator, taken as a code only if `meant_for`
    and `channel_of` would read the name so were it a manifest's (`nah.final.L.wav` is no
    channel of nah's, as in validate); None for any other name."""
    base = name.rpartition(".")[0]
    cut = max(base.rfind(separator) for separator in CHANNEL_SEPARATORS)
    code = base[:cut].lower()
    if cut < 1 or meant_for(name, [code]) != code or channel_of(name, code, suffixes) is None:
        return None
    return code


@dataclass(frozen=True)
class Unused:
    """Why no variant reads a file of a language of the manifest, and how to make it read:
    messages a Spanish terminal says (`why`, `to_do`), and their English texts (`reason`,
    `hint`) for what is said in English alone."""

    code: str       # the language it seems meant for
    why: Message
    to_do: Message

    @property
    def reason(self) -> str:
        return str(self.why)

    @property
    def hint(self) -> str:
        return str(self.to_do)


def meant_for(name: str, codes: Collection[str]) -> str | None:
    """The code of `codes` that the file `name` seems meant for: its stem (up to the first dot)
    in any case (`TZO.SRT`, `nah.srt.bak`), else the longest code it starts with before a
    character that is no letter or digit (`mix-v2.srt`, `nah (1).srt`, `nah_old.srt`); None
    for another language's file (`xyz.srt`)."""
    code = name.partition(".")[0].lower()
    if code in codes:
        return code
    return max((known for known in codes if code.startswith(known) and len(code) > len(known)
                and not code[len(known)].isalnum()), key=len, default=None)


def backup_of(name: str, suffixes: tuple[str, ...]) -> str | None:
    """The suffix of `suffixes` that `name` is a backup copy of a file of, in any case
    (`.wav` for `tse.wav.bak`, `TSE.WAV.old`, `tse.wav.2024`), or None."""
    ending = f".{name.partition('.')[2]}".lower()
    return next((known for known in suffixes if ending.startswith(known + ".")), None)


def why_unused(name: str, codes: Collection[str], suffixes: tuple[str, ...], kind: str,
               present: Collection[str]) -> Unused | None:
    """Why `name` is read by no variant of a manifest of languages `codes`, whose `kind`
    ("subtitle", "audio") files end in one of `suffixes`; None when one may read it, or it is
    another language's. `present`: every name in its folder."""
    stem, _, ending = name.partition(".")
    suffix = f".{ending}".lower()
    if stem in codes and suffix in suffixes:
        return None
    code = meant_for(name, codes)
    if code is None:
        return None
    channel = channel_of(name, code, suffixes) if kind == "audio" else None
    if channel is not None:
        # Named in the error of its language's missing recording while that has no file
        # (unused_inputs leaves it to that error); said here beside the file that is read.
        return Unused(code, say(N_("%(name)s looks like the %(channel)s channel of a recording "
                                   "split into a mono file per channel: a language's recording "
                                   "is one file, all its channels in it"),
                                name=name, channel=say(CHANNEL_WORDS[channel])),
                      _joined_hint(code, suffixes, present))
    if code == stem.lower() and suffix in suffixes:
        # Not taken whatever its case: tzo.srt and TZO.SRT may both be there (a case-sensitive
        # file system), and which one is meant could not be told.
        # yua.WAV is read as yua.wav is (its suffix in any case): both there are two files of
        # one language, said at the manifest's line, and neither is "the file read".
        readable = [other for other in present if other.partition(".")[0] == code
                    and f".{other.partition('.')[2]}".lower() in suffixes]
        if len(readable) > 1:
            return Unused(code, say(N_("the name must be lower-case, and %(code)s has several "
                                       "files already: %(files)s"), code=repr(code),
                                    files=Items(tuple(sorted(readable)))),
                          say(N_("move it out")))
        if readable:      # renamed, it would make two files of one language
            return Unused(code, say(N_("the name must be lower-case, and %(read)s is the file "
                                       "read for %(code)s"), read=readable[0], code=repr(code)),
                          rename_hint(f"{code}{suffix}", readable[0]))
        return Unused(code, say(N_("the name must be lower-case")), rename_hint(f"{code}{suffix}"))
    if code == stem.lower():
        typed = next((known for known in suffixes if suffix == known + ".txt"), None)
        if typed is not None:
            # Notepad's "Text Documents" adds .txt, and Windows hides it: nah.srt on screen.
            read = next((f"{code}{known}" for known in suffixes if f"{code}{known}" in present),
                        None)
            return Unused(code, say(N_("named as a text file (.txt after %(suffix)s)"),
                                    suffix=typed),
                          rename_hint(f"{code}{typed}", read))
        backed_up = backup_of(name, suffixes)
        if backed_up is not None:
            # A trial's tzh.srt.bak beside tzh.srt was told "rename it to tzh.srt", which
            # would have replaced the file read.
            read = f"{code}{backed_up}"
            return Unused(code, say(N_("a backup file name (only the name ending in the "
                                       "format's suffix is read)")),
                          rename_hint(read, read) if read in present else
                          say(N_("move it out of the folder, or, to use it, rename it to "
                                 "%(name)s"), name=read))
        known = next((known for known in suffixes if suffix.endswith(known)), None)
        if known is not None:
            # zap.1.wav ... zap.8.wav: a post house's split mono tracks; nah.final.srt.
            # Each kind its own words: "a language's audio file" is another phrase elsewhere.
            part = (N_("a language's audio file is %(file)s alone: %(name)s names a part or a "
                       "version of it") if kind == "audio" else
                    N_("a language's subtitle file is %(file)s alone: %(name)s names a part or a "
                       "version of it"))
            return Unused(code, say(part, file=f"{code}{known}", name=name),
                          say(N_("split mono tracks are mixed into one file (mono, stereo or "
                                 "5.1) first; a version is renamed %(file)s"),
                              file=f"{code}{known}") if kind == "audio"
                          else _version(f"{code}{known}", present))
        return Unused(code, say(N_("%(suffix)s is not an audio format read here (%(formats)s)")
                                if kind == "audio" else
                                N_("%(suffix)s is not a subtitle format read here (%(formats)s)"),
                                suffix=suffix, formats=", ".join(suffixes)),
                      say(N_("save it in one of those formats as %(file)s, ..."),
                          file=f"{code}{suffixes[0]}"))
    # mix-v2.srt, nah (1).srt, nah_old.srt
    return Unused(code, say(N_("language %(code)s is read from %(stem)s.<format> only"),
                            code=repr(code), stem=code),
                  _version(f"{code}{suffix}", present))


def _joined_hint(code: str, suffixes: tuple[str, ...], present: Collection[str]) -> Message:
    """What to do of a channel's file of language `code`: join the channels into its one file;
    where one is there already, the one read, which may be another take (a trial's was), to
    choose."""
    read = next((f"{code}{suffix}" for suffix in suffixes if f"{code}{suffix}" in present), None)
    if read is None:
        return say(N_("once its channels are joined into one file (%(name)s), move the "
                      "channels' files out of the folder"), name=f"{code}.wav")
    return say(N_("%(read)s, beside it, is the recording read: if it is not these channels "
                  "joined, listen to both, keep the one to use as %(read)s, and move the "
                  "channels' files out of the folder"), read=read)


def _version(name: str, present: Collection[str]) -> Message:
    """The hint to use a version of the file `name`, or, where `name` is in the folder
    (`present`), to move that one out first."""
    return rename_hint(name, name if name in present else None, version=True)


def unread_names(paths: list[Path], code: str) -> tuple[Items, bool]:
    """The files of a language's name that are not read, as the missing-subtitles error names
    them, and whether one of them needs only a new name. Each is named by its content:
    `nah.stl (an EBU STL file (EBU Tech 3264), a format not read here)`, `nah.srt.txt (SubRip under another name: rename it to nah.srt)`, then the rest
    together: `nah.sub, nah.doc (not a subtitle format read here)`."""
    named, rest, renamable = [], [], False
    for path in paths:
        foreign, content = foreign_format_of(path), content_format_of(path)
        if foreign:
            named.append(say(N_("%(name)s (%(format)s, a format not read here)"),
                             name=path.name, format=foreign))
        elif content:
            renamable = True
            named.append(say(N_("%(name)s (%(format)s under another name: rename it to "
                                "%(file)s)"), name=path.name, format=content.label,
                             file=f"{code}{content.suffixes[0]}"))
        else:
            rest.append(path.name)
    if rest:
        named.append(say(N_("%(names)s (not a subtitle format read here)"),
                         names=Items(tuple(rest))))
    return Items(tuple(named)), renamable
