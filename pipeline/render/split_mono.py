"""A language's recording delivered as a mono file per channel (split mono: `tzo.L.wav` and
`tzo.R.wav`, or the six files of a 5.1), as editors and post houses export a mix. Each is a
format read here, but a language's recording is one file (`<code>.<format>`, its channels in
it), so the missing recording's error (render/deliveries.py) says that these files look like
the channels of one, and how to join them: an ffmpeg command that works as printed, writing a
24-bit PCM WAV, or an audio editor. `amerge` puts its inputs' channels in the order they are
given and takes no channel map (`join`'s is written with `|`), so the command holds no
character a shell reads: Windows' cmd and PowerShell run it as a POSIX shell does, but for a
path with a space, quoted as a POSIX shell takes it.

The channel each file holds is read from its name alone (manifest/input_names.py's
`channel_of`): nothing is probed until a recording is found. Every channel there, each file is
probed (once, as any recording is: render/deliveries.py) for its length and sample rate: parts
of different lengths or rates are not one export, and `amerge` stops at its shortest input (a
trial's 12 s left and 16 s right made a 12 s file, the right's last 4 s gone, and exit 0), so
that is said, with no command.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, replace
from pathlib import Path

from pipeline.manifest.input_names import CHANNEL_WORDS, channel_of

# The channel sets joined, in their files' order: ffmpeg's `amerge` of 2 and 6 mono inputs
# makes stereo (FL FR) and 5.1 (FL FR FC LFE and the surrounds), as a WAV's channel mask says.
LAYOUTS = {"stereo": ("FL", "FR"), "5.1": ("FL", "FR", "FC", "LFE", "SL", "SR")}
SHORT = {"FL": "L", "FR": "R", "FC": "C", "LFE": "LFE", "SL": "Ls", "SR": "Rs"}
# Parts further apart in length are not one export: a join would cut the longer ones (a few
# milliseconds is what a lossy codec's frames or an editor's rounding may leave between them).
SAME_LENGTH = 0.005      # seconds


@dataclass(frozen=True)
class SplitMono:
    """The files of `folder` that look like channels of language `code`'s recording."""

    folder: Path
    code: str
    parts: tuple[tuple[str, str], ...]     # (channel, file name), in channel order
    # Each part's length (seconds) and sample rate (Hz), in the parts' order, once probed
    # (`measured`); None before, or when one could not be read (the join says why).
    measures: tuple[tuple[float, int | None], ...] | None = None

    def measured(self, measures: list[tuple[float, int | None]] | None) -> SplitMono:
        return replace(self, measures=None if measures is None else tuple(measures))

    @property
    def one_export(self) -> bool:
        """The parts are as long as each other (within SAME_LENGTH) at one sample rate, or
        were not measured: joined, nothing is cut."""
        if not self.measures:
            return True
        lengths = [length for length, _ in self.measures]
        return (max(lengths) - min(lengths) <= SAME_LENGTH
                and len({rate for _, rate in self.measures}) == 1)

    @property
    def names(self) -> list[str]:
        return [name for _, name in self.parts]

    @property
    def layout(self) -> str | None:
        """"stereo" or "5.1" when the files are every channel of one, once each; else None."""
        channels = tuple(channel for channel, _ in self.parts)
        return next((name for name, wanted in LAYOUTS.items() if channels == wanted), None)

    @property
    def output(self) -> Path:
        return self.folder / f"{self.code}.wav"

    def command(self) -> list[str]:
        """ffmpeg joining the files, in channel order, into one 24-bit PCM WAV (`output`)."""
        inputs = [arg for name in self.names for arg in ("-i", str(self.folder / name))]
        return ["ffmpeg", *inputs, "-filter_complex", f"amerge=inputs={len(self.parts)}",
                "-c:a", "pcm_s24le", str(self.output)]

    def reason(self) -> str:
        """What the files look like, in words that follow the recording's name."""
        listed = _listed(self.names)
        if self.layout == "stereo":
            return (f"{listed} look like the left and right channels of one recording, exported "
                    f"as a mono file each (split mono){self._apart()}")
        if self.layout == "5.1":
            return (f"{listed} look like the 6 channels of one 5.1 recording (L R C LFE Ls Rs), "
                    f"exported as a mono file each (split mono){self._apart()}")
        channels = [channel for channel, _ in self.parts]
        doubled = sorted({c for c in channels if channels.count(c) > 1}, key=channels.index)
        if doubled:
            return (f"{listed} look like channels of one recording exported as a mono file "
                    f"each (split mono), with more than one file for its "
                    f"{_listed([CHANNEL_WORDS[c] for c in doubled])} "
                    f"channel{'s' if len(doubled) > 1 else ''}")
        stereo = set(channels) <= set(LAYOUTS["stereo"])
        wanted = LAYOUTS["stereo" if stereo else "5.1"]
        lacking = [c for c in wanted if c not in channels]
        what = (f"the {CHANNEL_WORDS[channels[0]]} channel" if len(channels) == 1 else
                f"the {_listed([SHORT[c] for c in channels])} channels")
        without = (f"its {CHANNEL_WORDS[lacking[0]]} channel" if len(lacking) == 1 and stereo
                   else f"its {_listed([SHORT[c] for c in lacking])} "
                        f"channel{'s' if len(lacking) > 1 else ''}")
        whole = "L and R" if stereo else "L R C LFE Ls Rs"
        return (f"{listed} {'looks' if len(channels) == 1 else 'look'} like {what} of a "
                f"recording exported as a mono file per channel (split mono), without "
                f"{without}: a {'stereo' if stereo else '5.1'} recording has {whole}")

    def _apart(self) -> str:
        """What shows the parts are not one export, each part's length (and rate, when they
        differ); empty when they are."""
        if self.one_export:
            return ""
        rates = {rate for _, rate in self.measures}
        said = [f"{name} {length:.2f} s" + (f" at {_khz(rate)}" if len(rates) > 1 else "")
                for name, (length, rate) in zip(self.names, self.measures)]
        lengths = [length for length, _ in self.measures]
        cut = (f": joined, they would end with the shortest, at {min(lengths):.2f} s"
               if max(lengths) - min(lengths) > SAME_LENGTH else "")
        what = " and sample rates" if len(rates) > 1 else ""
        return (f", but not of one export: their lengths{what} differ "
                f"({_listed(said)}){cut}")

    def hint(self) -> str:
        """How to make the one file read."""
        if self.layout is None:
            return (f"deliver the recording as one file, {self.code}.wav (mono, stereo or 5.1), "
                    "or a file for each of its channels, to be joined into it")
        if not self.one_export:
            # No command: the join would cut the longer parts, or resample some of them.
            return (f"export the recording again as one file, {self.output.name} (mono, stereo "
                    "or 5.1), or its channels again in one export, as long as each other and "
                    "at one sample rate")
        track = "stereo" if self.layout == "stereo" else "5.1"
        return (f"join them into {self.output.name}, a 24-bit PCM WAV: "
                f"{shlex.join(self.command())} (or, in an audio editor, make them one "
                f"{track} track and export it there), then move the {len(self.parts)} "
                "channels' files out of that folder")


def split_mono(folder: Path, code: str, names: list[str],
               suffixes: tuple[str, ...]) -> SplitMono | None:
    """The files of `names` (in `folder`) that look like channels of language `code`'s
    recording, or None when none does."""
    parts = [(channel, name) for name in names
             if (channel := channel_of(name, code, suffixes)) is not None]
    if not parts:
        return None
    order = list(SHORT)
    return SplitMono(folder, code, tuple(sorted(parts, key=lambda part: order.index(part[0]))))


def _khz(rate: int | None) -> str:
    return "an unknown rate" if rate is None else f"{rate / 1000:g} kHz"


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"
