"""The page's loudness figures in plain words: what each unit a card writes means, in an
`<abbr>` around it and in one short section a station opens when it asks.

A trial's station read "-23.0 LUFS · -1.0 dBTP" on a card and asked what the figures were.
What the section says of the standards is pipeline/standards.py's: EBU R128 -23 LUFS and at
most -1 dBTP, ATSC A/85 -24 LKFS (the same BS.1770 measure) and at most -2 dBTP.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.publish.i18n import N_
from pipeline.publish.qc_kinds import TRANSLATOR_ONLY
from pipeline.standards import DEFAULT_UNIT

# What each unit a card writes is, said where it is written (its <abbr>'s title).
UNIT_TITLES = {
    "LUFS": N_("integrated loudness, in loudness units relative to full scale: the nearer to 0, "
               "the louder"),
    "LKFS": N_("integrated loudness, in LKFS (ATSC A/85's name for LUFS): the nearer to 0, "
               "the louder"),
    "dBTP": N_("true peak: the sound's highest level, in decibels under the maximum (0 dBTP)"),
}

# What the section says of each, said once under its unit; a figure and its unit joined by a
# no-break space, never split over two lines.
WORDS = {
    "LUFS": N_("Integrated loudness: how loud the whole spot sounds, on average, measured as "
               "ITU-R BS.1770 says (LKFS, ATSC A/85's name for it, is the same measure). The "
               "nearer to 0, the louder: -16 sounds louder than -23. To air, EBU R128 asks for "
               "-23\u00a0LUFS and ATSC A/85, for TV, -24\u00a0LKFS; files for the web and "
               "messaging apps are usually louder, near -16\u00a0LUFS."),
    # Two trials' community stations, with no processor and an automation that plays files as
    # they are, would have aired a -23 LUFS spot some 10 dB under their music: what to do.
    # A third read "no processor" as not theirs: most FM stations have an on-air processor.
    "unlevelled": N_("A station that airs without loudness normalisation (no automation that "
                     "levels each file's loudness, with or without an audio processor on air) "
                     "hears a file at -23\u00a0LUFS about "
                     "7\u00a0dB under one at -16\u00a0LUFS, and further under commercial music "
                     "(-14 to -8\u00a0LUFS). Raise it at the console or in the automation by no "
                     "more than keeps its true peak at -1\u00a0dBTP (each such file's line says "
                     "how much it takes), or air a louder file from this page where there is "
                     "one, made for streaming (near -16\u00a0LUFS, its peaks already limited)."),
    # A trial's station read "Clave del spot" with no word of where it goes.
    "clock": N_("The number a station's traffic and automation systems log and book the spot "
                "by, the same at every station and in the campaign's reports. The files carry "
                "it: a WAV's cart chunk (CutID) and bext chunk, an MP3's or MP2's ID3 tag "
                "(TXXX CLOCK) and comment, a TV master's comment; copied from the page, it is "
                "the number alone, as it is typed into a playout list."),
    # A station measuring a master from its first frame reads its tone too (-18 dBFS).
    "leader": N_("A TV master's figures are its programme's, without the bars and tone before "
                 "it."),
    "dBTP": N_("True peak: the sound's highest level, counting the peaks between samples that "
               "appear when it is converted or coded again, in decibels under the maximum "
               "(0\u00a0dBTP). EBU R128 allows at most -1\u00a0dBTP and ATSC A/85, -2\u00a0dBTP: "
               "the margin keeps the sound from clipping (distorting) in a station's coders and "
               "transmitter."),
    "LU": N_("Loudness units: a difference of loudness (1\u00a0LU is 1\u00a0dB). The loudness "
             "range (LRA) says how far the quiet passages are from the loud ones: too wide, the "
             "quiet ones can be lost on air."),
}

# At or under it, a file is levelled to air where loudness is normalised (-23 or -24, with
# R128's tolerance and more), well under what a station without normalisation plays.
BROADCAST_LUFS = -20.0

# LU where a station reads it on the page: a QC warning's figures (a loudness range, what a
# limiter took), in the warning's English text as in its translation.
_LU = re.compile(r"\bLU\b")


@dataclass(frozen=True)
class FiguresShown:
    """What the page's figures section explains: only what the page shows."""

    loudness: bool        # an integrated loudness (LUFS or LKFS)
    true_peak: bool       # a true peak (dBTP)
    lu: bool              # a figure in LU, in a warning
    leader: bool          # a master with bars and tone before its programme
    broadcast: bool = False   # a file at a broadcast loudness (EBU R128's -23, A/85's -24)
    clock: bool = False       # a file with a clock number

    def __bool__(self) -> bool:
        return self.loudness or self.true_peak or self.lu or self.clock


def figures_shown(catalog: dict) -> FiguresShown:
    variants = catalog["variants"]
    return FiguresShown(
        loudness=any(v.get("loudness_lufs") is not None for v in variants),
        true_peak=any(v.get("true_peak_dbtp") is not None for v in variants),
        lu=any(_LU.search(text) for v in variants for text in _warnings_shown(v)),
        leader=any(v.get("leader_duration") and v.get("loudness_lufs") is not None
                   for v in variants),
        broadcast=any(headroom_db(v) is not None for v in variants),
        clock=any(v.get("clock") for v in variants))


def headroom_db(variant: dict) -> float | None:
    """How many dB a sound file at a broadcast loudness may be raised before its true peak
    reaches EBU R128's -1 dBTP (at least 0), for a station without loudness normalisation;
    None for any other file. Of sound files alone: a TV page's -24 LKFS master is no
    station's music neighbour, and its louder file is the web video. A trial's station read
    a figure of another language's file as its own (its peak 0.5 dB higher)."""
    loudness, peak = variant.get("loudness_lufs"), variant.get("true_peak_dbtp")
    sound = variant.get("medium") == "radio" or variant.get("sound")
    if loudness is None or peak is None or loudness > BROADCAST_LUFS or not sound:
        return None
    return max(0.0, round(-1.0 - peak, 1))


def unit_title(unit: str) -> str | None:
    """The message saying what `unit` is, None for a unit the page does not explain."""
    return UNIT_TITLES.get(unit or DEFAULT_UNIT)


def _warnings_shown(variant: dict) -> list[str]:
    """The English texts of the variant's QC warnings the page shows (file_row.Deliverable's)."""
    codes = variant.get("warning_codes") or []
    return [text for n, text in enumerate(variant.get("warnings", []))
            if (codes[n] if n < len(codes) else None) not in TRANSLATOR_ONLY]
