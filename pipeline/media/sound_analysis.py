"""What a delivered track holds, from one decode: its loudness (EBU R128, by `ebur128`),
where its sound ends, and its defects (DC offset, clipping, silences, channels: media/defects.py),
kept in the analysis cache under ANALYSIS_VERSION.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import ffmpeg

from pipeline.errors import RenderError
from pipeline.media.astats import (block_stats, channel_stats, lfe_band, mains_bands,
                                   near_full_scale, parse_blocks, parse_lfe_band, parse_mains,
                                   parse_sound_starts, sound_starts)
from pipeline.media.audio_layout import LAYOUTS, to_stereo
from pipeline.media.cut_short import cut_short
from pipeline.media.defect_levels import LOSSY
from pipeline.media.defects import Defects, find_defects
from pipeline.media.ffmpeg import run_ffmpeg
from pipeline.media.loudness import (BLOCK, CUT_SHORT, FRAME_LINE, Loudness, Stream, metered,
                                     parse_ebur128, sound_end)
from pipeline.messages import N_, say

# Part of the cache key of every `analyse_sound` result: moves when it measures something new,
# so analyses kept from before are made again. 2: DC offset, clipping and silences (defects.py).
# 3: clipping read per channel of a track of more than two channels. 4: each channel's level,
# and the LFE's sound above its band (astats.lfe_band). 5: each main channel's gated level,
# the centre's against the others' (defects.Defects.off_centre). 6: clipping of a lossy source
# read by its samples near full scale (astats.near_full_scale). 7: the offset in a track's
# pauses (defects.Defects.pause_dc). 8: a track of more than two channels read as its stereo
# downmix, not with its own channels past the second (astats.block_stats). 9: a stereo
# track's sides' gated levels (Defects.gated), which tell stems taken as left and right.
# 10: each channel's level read without its DC offset (astats._power): a side holding an
# offset alone is silent. 11: where the sound starts, to the sample (astats.sound_starts).
# 12: flat tops under full scale (defects.plateau): a recording clipped, then lowered.
# 13: the sides whose level holds steady (Defects.steady): a hiss beside a voice is one-sided.
# 14: a mains hum (Defects.hum, astats.mains_bands).
ANALYSIS_VERSION = 14


@dataclass(frozen=True)
class SoundAnalysis:
    """What a delivered track holds: its loudness (of its stereo downmix), where its last sound
    ends, the loudness of the signal levelling starts from when it was asked for, and its
    DC offset, clipping and silences (media/defects.py)."""

    loudness: Loudness
    sound_end: float | None    # seconds: end of the last 100 ms block holding sound; None: none
    fitted: Loudness | None = None
    defects: Defects | None = None

    def to_cache(self) -> dict:
        return {"loudness": self.loudness.to_cache(), "sound_end": self.sound_end,
                "fitted": self.fitted.to_cache() if self.fitted else None,
                "defects": self.defects.to_cache() if self.defects else None}

    @classmethod
    def from_cache(cls, data: dict) -> "SoundAnalysis":
        fitted, defects = data.get("fitted"), data.get("defects")
        return cls(Loudness(**data["loudness"]), data["sound_end"],
                   Loudness(**fitted) if fitted else None,
                   Defects.from_cache(defects) if defects else None)


def analyse_sound(path: Path | str, sample_rate: int, layout: str,
                  fitted: Callable[[Stream], Stream] | None = None,
                  codec: str | None = None) -> SoundAnalysis:
    """Loudness of a delivered track and where its sound ends, from one decode.

    The track is read as `layout` and measured as its stereo downmix (audio_layout.to_stereo);
    a layout of more than two channels is also read per channel for clipping and level
    (astats.channel_stats), and its LFE above the LFE's band (astats.lfe_band); a track in a
    lossy `codec` (the probe's name, defect_levels.LOSSY) is read per channel for its samples near
    full scale, where its clipping shows (astats.near_full_scale). `sample_rate` (Hz, from
    the probe) cuts the signal into blocks of BLOCK seconds. With `fitted` (what makes the
    downmix the signal levelling starts from: cut or padded to the spot), that signal is
    metered too, in the same decode (`SoundAnalysis.fitted`). Raises `RenderError` when ffmpeg
    cannot decode the file.
    """
    return analyse_stream(ffmpeg.input(str(path))["a:0"], path, sample_rate, layout, fitted,
                          codec)


def analyse_stream(source: Stream, path: Path | str, sample_rate: int, layout: str,
                   fitted: Callable[[Stream], Stream] | None = None,
                   codec: str | None = None,
                   downmix: Callable[[Stream], Stream] | None = None) -> SoundAnalysis:
    """`analyse_sound` of a stream of `layout` built from the file at `path` (a video master's
    chosen sound streams, aligned with its picture and merged: audio_streams.merged_sound).
    `downmix`: what makes the stereo sound of `source` when its channels are not `layout`'s
    (mono streams summed into a sound of layout mono: audio_streams.SoundMap.downmix); a lossy
    source's clipping is read in its own channels, before that."""
    samples = max(1, round(sample_rate * BLOCK))
    # Mono and stereo reach the downmix unmixed (each channel as it is, in float): read there.
    channels = LAYOUTS.get(layout) if layout not in ("mono", "stereo") else None
    lfe, near = [], []
    if codec in LOSSY:
        # Before the downmix, as channel_stats (a clipped centre sits at -3 dB in it), and
        # before channel_stats too: a frame keeps the figures astats gave it, and ametadata
        # prints them all, channel_stats's among near_full_scale's.
        split = source.filter_multi_output("asplit", 2)
        source, near = split[0], [near_full_scale(split[1], samples)]
    if channels:
        source = channel_stats(source, samples)
        if "LFE" in channels:
            split = source.filter_multi_output("asplit", 2)
            source, lfe = split[0], [lfe_band(split[1], channels.index("LFE"))]
    decoded = downmix(source) if downmix else to_stereo(source, layout)
    split = decoded.filter_multi_output("asplit", 3 if fitted is None else 4)
    decoded, starts = split[0], sound_starts(split[1])
    blocks = block_stats(decoded, samples)
    # The whole track's meter keeps its frame log hidden; the fitted signal's prints its own,
    # which tells the two meters' summaries apart (_meter_logs).
    hum = mains_bands(split[2 if fitted is None else 3], samples)
    outputs = [metered(blocks, "verbose"), starts, *lfe, *near, *hum]
    if fitted is not None:
        outputs.append(metered(fitted(split[2]), "info"))
    stderr = run_ffmpeg(["-loglevel", "info", "-nostats",
                         *ffmpeg.compile(ffmpeg.merge_outputs(*outputs), cmd="ffmpeg")[1:]],
                        what="analysing the sound", path=path)
    if CUT_SHORT.search(stderr):
        raise cut_short(path, say(N_("its data ends before the end its index lists")))
    if fitted is None:
        loudness, measured = parse_ebur128(stderr), None
    else:
        logs = sorted(_meter_logs(stderr).values(), key=lambda log: bool(FRAME_LINE.search(log)))
        if len(logs) != 2:
            raise RenderError("the ebur128 meters printed no summary", path,
                              stderr_tail=stderr[-2000:])
        loudness, measured = parse_ebur128(logs[0]), parse_ebur128(logs[1])
    read = parse_blocks(stderr)
    defects = find_defects(read, sample_rate, channels, layout,
                           parse_lfe_band(stderr) if lfe else None, codec,
                           parse_sound_starts(stderr), parse_mains(stderr), loudness.integrated)
    return SoundAnalysis(loudness, sound_end(read, loudness.true_peak, samples / sample_rate,
                                             defects.dc), measured, defects)


_PREFIX = re.compile(r"^\[(\w+) @ 0x[0-9a-f]+\] ?")


def _meter_logs(stderr: str) -> dict[str, str]:
    """What each `ebur128` instance of a graph printed (its frame log and summaries), by the
    instance's name: a line prefixed with a filter's name, and the unprefixed lines after it."""
    logs: dict[str, list[str]] = {}
    current = None
    for line in stderr.splitlines():
        prefix = _PREFIX.match(line)
        if prefix:
            current = prefix.group(1) if prefix.group(1).startswith("Parsed_ebur128_") else None
            line = line[prefix.end():]
        if current is not None:
            logs.setdefault(current, []).append(line)
    return {name: "\n".join(lines) for name, lines in logs.items()}
