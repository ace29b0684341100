"""A language's recording delivered as a mono file per channel (split mono: `tzo.L.wav` and
`tzo.R.wav`, or the six files of a 5.1), as editors and post houses export a mix. Each is a
format read here, but a language's recording is one file (`<code>.<format>`, its channels in
it), so the missing recording's error (render/delivery_files.py) says that these files look like
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
from pipeline.media.audio_layout import spoken
from pipeline.messages import N_, Items, Message, N_plural, Number, say, say_count

# The channel sets joined, in their files' order: ffmpeg's `amerge` of 2 and 6 mono inputs
# makes stereo (FL FR) and 5.1 (FL FR FC LFE and the surrounds), as a WAV's channel mask says.
LAYOUTS = {"stereo": ("FL", "FR"), "5.1": ("FL", "FR", "FC", "LFE", "SL", "SR")}
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

    def reason(self) -> Message:
        """What the files look like, in words that follow the recording's name."""
        listed = _listed(self.names)
        if self.layout is not None:
            apart = self._apart()
            template = {
                ("stereo", False): N_("%(files)s look like the left and right channels of one "
                                      "recording, exported as a mono file each (split mono)"),
                ("stereo", True): N_("%(files)s look like the left and right channels of one "
                                     "recording, exported as a mono file each (split mono), but "
                                     "not of one export: %(apart)s"),
                ("5.1", False): N_("%(files)s look like the 6 channels of one 5.1 recording (L R "
                                   "C LFE Ls Rs), exported as a mono file each (split mono)"),
                ("5.1", True): N_("%(files)s look like the 6 channels of one 5.1 recording (L R "
                                  "C LFE Ls Rs), exported as a mono file each (split mono), but "
                                  "not of one export: %(apart)s"),
            }[self.layout, apart is not None]
            return say(template, files=listed, **({} if apart is None else {"apart": apart}))
        channels = [channel for channel, _ in self.parts]
        doubled = sorted({c for c in channels if channels.count(c) > 1}, key=channels.index)
        if doubled:
            return say_count(N_plural("%(files)s look like channels of one recording exported as "
                                      "a mono file each (split mono), with more than one file "
                                      "for its %(channels)s channel",
                                      "%(files)s look like channels of one recording exported as "
                                      "a mono file each (split mono), with more than one file "
                                      "for its %(channels)s channels"), len(doubled),
                             files=listed, channels=_listed([say(CHANNEL_WORDS[c])
                                                             for c in doubled]))
        stereo = set(channels) <= set(LAYOUTS["stereo"])
        wanted = LAYOUTS["stereo" if stereo else "5.1"]
        lacking = [c for c in wanted if c not in channels]
        what = (say(N_("the %(channel)s channel"), channel=say(CHANNEL_WORDS[channels[0]]))
                if len(channels) == 1 else
                say(N_("the %(channels)s channels"),
                    channels=_listed([spoken(c, '5.1') for c in channels])))
        without = (say(N_("its %(channel)s channel"), channel=say(CHANNEL_WORDS[lacking[0]]))
                   if len(lacking) == 1 and stereo else
                   say_count(N_plural("its %(channels)s channel", "its %(channels)s channels"),
                             len(lacking), channels=_listed([spoken(c, '5.1') for c in lacking])))
        # Said of each file ("yua.L.wav looks like"), and of the recording that lacks a channel.
        forms = (N_plural("%(files)s looks like %(what)s of a recording exported as a mono file "
                          "per channel (split mono), without %(without)s: a stereo recording has "
                          "L and R",
                          "%(files)s look like %(what)s of a recording exported as a mono file "
                          "per channel (split mono), without %(without)s: a stereo recording has "
                          "L and R") if stereo else
                 N_plural("%(files)s looks like %(what)s of a recording exported as a mono file "
                          "per channel (split mono), without %(without)s: a 5.1 recording has L R "
                          "C LFE Ls Rs",
                          "%(files)s look like %(what)s of a recording exported as a mono file "
                          "per channel (split mono), without %(without)s: a 5.1 recording has L R "
                          "C LFE Ls Rs"))
        return say_count(forms, len(channels), files=listed, what=what, without=without)

    def _apart(self) -> Message | None:
        """What shows the parts are not one export, each part's length (and rate, when they
        differ); None when they are."""
        if self.one_export:
            return None
        rates = {rate for _, rate in self.measures}
        said = [say(N_("%(name)s %(length)s s at %(rate)s"), name=name,
                    length=Number(length, ".2f"), rate=_khz(rate)) if len(rates) > 1 else
                say(N_("%(name)s %(length)s s"), name=name, length=Number(length, ".2f"))
                for name, (length, rate) in zip(self.names, self.measures)]
        lengths = [length for length, _ in self.measures]
        cut = max(lengths) - min(lengths) > SAME_LENGTH
        template = {
            (False, False): N_("their lengths differ (%(each)s)"),
            (False, True): N_("their lengths differ (%(each)s): joined, they would end with the "
                              "shortest, at %(end)s s"),
            (True, False): N_("their lengths and sample rates differ (%(each)s)"),
            (True, True): N_("their lengths and sample rates differ (%(each)s): joined, they "
                             "would end with the shortest, at %(end)s s"),
        }[len(rates) > 1, cut]
        return say(template, each=_listed(said),
                   **({"end": Number(min(lengths), ".2f")} if cut else {}))

    def hint(self) -> Message:
        """How to make the one file read."""
        if self.layout is None:
            return say(N_("deliver the recording as one file, %(name)s (mono, stereo or 5.1), or "
                          "a file for each of its channels, to be joined into it"),
                       name=f"{self.code}.wav")
        if not self.one_export:
            # No command: the join would cut the longer parts, or resample some of them.
            return say(N_("export the recording again as one file, %(name)s (mono, stereo or "
                          "5.1), or its channels again in one export, as long as each other and "
                          "at one sample rate"), name=self.output.name)
        # Its channels' files are always two or more: the plural alone.
        return say(N_("join them into %(name)s, a 24-bit PCM WAV: %(command)s (or, in an audio "
                      "editor, make them one %(track)s track and export it there), then move "
                      "the %(count)s channels' files out of that folder"),
                   name=self.output.name, command=shlex.join(self.command()),
                   track=say(N_("stereo")) if self.layout == "stereo" else "5.1",
                   count=len(self.parts))


def split_mono(folder: Path, code: str, names: list[str],
               suffixes: tuple[str, ...]) -> SplitMono | None:
    """The files of `names` (in `folder`) that look like channels of language `code`'s
    recording, or None when none does."""
    parts = [(channel, name) for name in names
             if (channel := channel_of(name, code, suffixes)) is not None]
    if not parts:
        return None
    order = LAYOUTS["5.1"]
    return SplitMono(folder, code, tuple(sorted(parts, key=lambda part: order.index(part[0]))))


def _khz(rate: int | None) -> Message:
    return say(N_("an unknown rate")) if rate is None else \
        say(N_("%(rate)s kHz"), rate=Number(rate / 1000, "g"))


def _listed(items: list) -> Items:
    """"a, b and c", as the locale lists them."""
    return Items(tuple(items), ", ", " and ")
