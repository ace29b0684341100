"""A card's file: one variant of the catalog as its row on the page says it (`Deliverable`):
its name and format, a master's picture and fields, its sound's samples, its QC warnings with
what a station does of each, whether it is outdated. Messages, not text: the template says them
in the page's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

from pipeline.publish.deliverables import (BIT_RATE, CONVERTED, DEINTERLACED, EVEN, PCM_BITS,
                                           PULLDOWN, SAMPLE_RATE, SCANS, SD_LINES, SEGMENTED,
                                           TRACKS, UPSCALED, UPSCALED_SD, Kind, extension)
from pipeline.publish.i18n import Formats
from pipeline.publish.qc_kinds import TRANSLATOR_ONLY, kind_beside, station_action
from pipeline.standards import DEFAULT_UNIT


# A QC warning on the page: its kind, its detail, a station's action, its English text.
PageWarning = tuple[str | None, dict | None, dict | None, str]


@dataclass(frozen=True)
class Deliverable:
    variant: dict
    kind: Kind
    certificate: dict | None = None
    plot: dict | None = None
    burned: str | None = None   # the card's file to send instead (`burned_for_phones`)

    @property
    def name(self) -> str:
        return PurePosixPath(self.variant["file"]).name

    @property
    def format(self) -> str:
        return extension(self.variant["file"]).upper()

    @property
    def length_with_leader(self) -> float | None:
        """The file's length when it holds a leader before the programme (a master's): said on
        its line, since the card's length is the programme's."""
        return self.variant.get("duration") if self.variant.get("leader_duration") else None

    @property
    def loudness_unit(self) -> str:
        """The unit of the file's loudness figures, its standard's; a catalog older than the
        key said LUFS of every file."""
        return self.variant.get("loudness_unit", DEFAULT_UNIT)

    @property
    def master(self) -> dict:
        """A TV master's facts (the catalog's `master`); empty for any other file."""
        return self.variant.get("master") or {}

    @property
    def scan(self) -> str | None:
        """A video file's picture rate and scan (a master's among its facts, any other's in the
        catalog's `picture`), a message taking `rate` (`picture_rate`); None for a sound."""
        facts = self.master or self.variant.get("picture") or {}
        if not facts.get("rate"):
            return None
        return SCANS.get(facts.get("scan", "progressive"))

    @property
    def picture_rate(self) -> str | None:
        """The picture's rate, "N/D" or a decimal, frames a second (see `scan`)."""
        return (self.master or self.variant.get("picture") or {}).get("rate")

    @property
    def fields(self) -> str | None:
        """What a master's frames were made of, when its scan alone misleads: an interlaced one
        made from a progressive picture, whose two fields of a frame show one moment (PsF, which
        a station's ingest may flag as progressive content); a progressive one made from an
        interlaced picture, half of whose motion is gone. A message, else None."""
        if self.master.get("deinterlaced"):
            return DEINTERLACED
        interlaced = self.master.get("scan", "progressive") != "progressive"
        return SEGMENTED if interlaced and self.master.get("woven_from_fields") is False else None

    @property
    def upscaled(self) -> tuple[str, dict] | None:
        """A file's enlarged picture (a master's, among its facts; any other video file's, in
        its entry) said, as a message and its parameters; else None."""
        enlarged = self.master.get("upscaled_from") or self.variant.get("upscaled_from")
        if not enlarged:
            return None
        width, height = enlarged
        return (UPSCALED_SD if height <= SD_LINES else UPSCALED), {"size": f"{width}×{height}"}

    @property
    def converted(self) -> tuple[str, dict] | None:
        """A master made at another rate than its master's, as a message and its parameters
        (`rate`, "N/D"); else None."""
        rate = self.master.get("converted_from")
        if not rate:
            return None
        if self.master.get("pulldown"):
            return PULLDOWN, {"rate": rate}
        # A record of before `judders` was kept: said as judder, as it was then.
        return (EVEN if self.master.get("judders") is False else CONVERTED), {"rate": rate}

    @property
    def tracks(self) -> str | None:
        """The layout of a master's mono tracks past the mix's two, a message taking `num`;
        None for a file of one track."""
        layout = self.master.get("audio_tracks") or []
        if len(layout) <= 2:
            return None
        return TRACKS["silence" if "silence" in layout[2:] else "copy"]

    def sound(self, fmt: Formats) -> list[tuple[str, dict]]:
        """A file of sound alone's PCM sample size or bit rate, and its sample rate, each a
        message and its parameters written as `fmt`'s language writes figures ("44.1 kHz");
        empty for a video file or a catalog older than the facts."""
        facts = self.variant.get("sound") or {}
        said = []
        if facts.get("bits"):
            said.append((PCM_BITS[bool(facts.get("float"))], {"bits": facts["bits"]}))
        elif facts.get("bit_rate"):
            said.append((BIT_RATE, {"rate": fmt.figure(facts["bit_rate"] / 1000)}))
        if facts.get("sample_rate"):
            said.append((SAMPLE_RATE, {"rate": fmt.figure(facts["sample_rate"] / 1000)}))
        return said

    @property
    def outdated(self) -> dict | None:
        """The catalog's `outdated` of a file published as rendered before its inputs or
        settings changed (publish/outdated.py); None for a current file."""
        return self.variant.get("outdated")

    @property
    def warnings(self) -> list[PageWarning]:
        """(the kind of problem, a message to translate or None; its template and parameters,
        or None; what a station does of it, the same or None: `qc_kinds.station_action`; the
        English text) of each QC warning a station has to know of (not those for the
        translator alone: `qc_kinds.TRANSLATOR_ONLY`)."""
        codes = self.variant.get("warning_codes") or []
        details = self.variant.get("warning_details") or []
        said = []
        for n, text in enumerate(self.variant.get("warnings", [])):
            code = codes[n] if n < len(codes) else None
            detail = details[n] if n < len(details) else None
            if code not in TRANSLATOR_ONLY:
                said.append((kind_beside(code, codes, detail), detail,
                             station_action(code, detail, self.burned), text))
        return said
