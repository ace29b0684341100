"""The one downmix to stereo, and a sound's alignment and length against its picture.

Every audio source (a master's streams, a dubbed track, a music bed) reaches loudness
measurement and normalisation through `to_stereo`, so pass 1 and pass 2 of loudnorm see the same
signal: MEASURED.md found an automatic downmix of 5.1 can differ between two passes.

The downmix is ITU-R BS.775-3's 3/2 to 2/0 matrix (Table 2): L0 = L + 0.7071 C + 0.7071 Ls,
R0 = R + 0.7071 C + 0.7071 Rs, the LFE channel left out. 7.1 extends it the usual way (both
side and back surrounds at -3 dB into their side); a back centre goes at -3 dB into both. A mono
stream goes unchanged into both channels. Mono streams a spot says to sum (`audio: {mix: sum}`:
stems, a voice and its music and effects, which add up to the programme) are added at unity
gain into one mono signal, in both channels. It is computed in floating point (a sum over full
scale is not clipped); loudness normalisation follows. Which streams make the sound is
media/audio_streams.py's.
"""

from __future__ import annotations

import ffmpeg

from pipeline.errors import PipelineError
from pipeline.media.defect_levels import OTHER_SIDE
from pipeline.messages import N_, say

Node = ffmpeg.nodes.FilterableStream

# Moves whenever the matrix, the mapping rules or the alignment change: part of every cached
# loudness key. 2: a sound cut where its picture starts or ends fades in or out. 3: mono streams
# summed (`mix: sum`).
DOWNMIX_VERSION = 3

MINUS_3DB = 0.7071

# Each input channel's gain into (left, right) of the stereo downmix (ITU-R BS.775-3, Table 2).
GAINS: dict[str, tuple[float, float]] = {
    "FL": (1.0, 0.0), "FR": (0.0, 1.0), "FC": (MINUS_3DB, MINUS_3DB), "LFE": (0.0, 0.0),
    "BL": (MINUS_3DB, 0.0), "BR": (0.0, MINUS_3DB), "SL": (MINUS_3DB, 0.0), "SR": (0.0, MINUS_3DB),
    "BC": (MINUS_3DB, MINUS_3DB), "FLC": (1.0, 0.0), "FRC": (0.0, 1.0),
}

# Channel order of ffmpeg's named layouts (libavutil/channel_layout.c).
LAYOUTS: dict[str, tuple[str, ...]] = {
    "stereo": ("FL", "FR"),
    "2.1": ("FL", "FR", "LFE"),
    "3.0": ("FL", "FR", "FC"),
    "quad": ("FL", "FR", "BL", "BR"),
    "4.0": ("FL", "FR", "FC", "BC"),
    "5.0": ("FL", "FR", "FC", "BL", "BR"),
    "5.0(side)": ("FL", "FR", "FC", "SL", "SR"),
    "5.1": ("FL", "FR", "FC", "LFE", "BL", "BR"),
    "5.1(side)": ("FL", "FR", "FC", "LFE", "SL", "SR"),
    "6.1": ("FL", "FR", "FC", "LFE", "BC", "SL", "SR"),
    "7.1": ("FL", "FR", "FC", "LFE", "BL", "BR", "SL", "SR"),
    "7.1(wide)": ("FL", "FR", "FC", "LFE", "BL", "BR", "FLC", "FRC"),
    "7.1(wide-side)": ("FL", "FR", "FC", "LFE", "FLC", "FRC", "SL", "SR"),
}

# How people name the channels (L R C LFE Ls Rs, as a 5.1 is listed in studios), by ffmpeg's:
# a layout's back pair is its surrounds when it has no side pair (5.1), else its rear (7.1).
SPOKEN = {"FL": "L", "FR": "R", "FC": "C", "LFE": "LFE", "SL": "Ls", "SR": "Rs", "BC": "Cs",
          "FLC": "Lc", "FRC": "Rc"}


def spoken(channel: str, layout: str | None) -> str:
    """The studio name of ffmpeg's `channel` in a track of `layout` (`SPOKEN`): a 5.1's BL is
    Ls, a 7.1's Lrs; ffmpeg's own name for a channel no studio name is known of."""
    if channel in ("BL", "BR"):
        rear = "SL" in LAYOUTS.get(layout or "", ())
        return {"BL": "Lrs" if rear else "Ls", "BR": "Rrs" if rear else "Rs"}[channel]
    return SPOKEN.get(channel, channel)


# The layout assumed when a stream (or several merged) gives only a channel count.
BY_COUNT = {1: "mono", 2: "stereo", 6: "5.1", 8: "7.1"}


def names_no_layout(name: str | None) -> bool:
    """Whether ffprobe's `channel_layout` names no layout: absent, "unknown", "2 channels"."""
    return not name or name == "unknown" or name.endswith("channels")


def layout_of(channels: int, name: str | None) -> str:
    """The layout a stream's channels are read as: its own name, else the usual one for its
    channel count; `PipelineError` when neither is known."""
    if name in LAYOUTS or name == "mono":
        return name
    if channels == 1:
        # One channel whatever its position: a mono file that an editor (or ffmpeg's `pan`)
        # placed on the left, "1 channels (FL)", is heard in both sides as any mono one.
        return "mono"
    if names_no_layout(name) and channels in BY_COUNT:
        return BY_COUNT[channels]
    raise PipelineError(say(N_("the %(name)s channel layout is not supported"), name=name)
                        if name else
                        say(N_("the %(count)s-channel channel layout is not supported"),
                            count=channels),
                        hint=say(N_("supported: mono, stereo, 5.1 and 7.1 (and the other ffmpeg "
                                    "layouts %(layouts)s)"), layouts=", ".join(sorted(LAYOUTS))))


def pan_expression(layout: str, silent: str | None = None) -> str:
    """`pan` filter arguments mixing `layout`'s channels (by position) to stereo. `silent`: a
    front (FL or FR) found silent beside the other (defects.Defects.silent_side), whose place
    the other takes: a mono recording stored on one track, centred."""
    if layout == "mono":
        return "stereo|c0=c0|c1=c0"
    names = LAYOUTS[layout]
    source = list(range(len(names)))
    if silent is not None:
        source[names.index(silent)] = names.index(OTHER_SIDE[silent])
    sides = []
    for side in (0, 1):
        terms = [f"{GAINS[name][side]:g}*c{source[i]}" for i, name in enumerate(names)
                 if GAINS[name][side]]
        sides.append(f"c{side}=" + "+".join(terms))
    return "stereo|" + "|".join(sides)


def to_stereo(audio: Node, layout: str, silent: str | None = None) -> Node:
    """`audio` (channels in `layout`'s order) downmixed to stereo in 32-bit float; `silent`:
    the front whose place the other takes (`pan_expression`)."""
    return _panned(audio, pan_expression(layout, silent))


def summed(audio: Node, count: int) -> Node:
    """`count` mono channels added at unity gain into one mono signal, the same in both channels
    of a stereo pair, in 32-bit float: a sum over full scale is kept whole for levelling."""
    total = "+".join(f"c{i}" for i in range(count))
    return _panned(audio, f"stereo|c0={total}|c1={total}")


def _panned(audio: Node, expression: str) -> Node:
    # In float before `pan`: a sum of integer samples would clip at full scale.
    return (audio.filter("aformat", sample_fmts="fltp").filter("pan", args=expression)
            .filter("aformat", channel_layouts="stereo"))


def align(audio: Node, delay: float, sample_rate: int) -> Node:
    """A stream starting `delay` seconds after the picture (before it when negative), as one that
    starts with the picture: silence put before it, or its head cut and faded in over FADE (a
    cut mid-waveform is a step: a click at the start of every variant)."""
    audio = audio.filter("asetpts", "PTS-STARTPTS")
    samples = round(delay * sample_rate)
    if samples > 0:
        audio = audio.filter("adelay", delays=f"{samples}S", all=1)
    elif samples < 0:
        audio = (audio.filter("atrim", start_sample=-samples).filter("asetpts", "PTS-STARTPTS")
                 .filter("afade", type="in", duration=FADE))
    return audio


# A track padded with silence, or cut at the spot's end, fades out over its last 20 ms there (and
# a master's sound cut where its picture starts fades in): a waveform stopped mid-cycle clicks
# (an audible step), a 20 ms fade does not and takes no word.
FADE = 0.02             # seconds


def fit_length(audio: Node, duration: float, fade: bool = False) -> Node:
    """Padded with silence or cut to `duration` seconds, with contiguous timestamps from zero
    (an encoder then writes exactly what it is given, no gap or overlap).

    With `fade`, the track fades out over FADE where it ends and again where it is cut. Its own
    end is found by decoding (the track is reversed, faded in, reversed back: a fade-in of the
    reversed track ends exactly at the last decoded sample), not from the container's duration,
    which ffprobe only estimates for ADTS AAC and header-less MP3: a fade placed by an estimate
    could silence the last syllable. Either fade lies over silence where it does not apply.
    """
    if fade:
        audio = (audio.filter("areverse").filter("afade", type="in", duration=FADE)
                 .filter("areverse").filter("asetpts", "N/SR/TB")     # times from zero
                 .filter("afade", type="out", start_time=f"{max(0.0, duration - FADE):.6f}",
                         duration=FADE))
    return (audio.filter("apad", whole_dur=duration).filter("atrim", duration=duration)
            .filter("asetpts", "N/SR/TB"))
