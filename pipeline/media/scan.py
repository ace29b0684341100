"""Interlaced or progressive: what a master's picture is, and deinterlacing it.

A 1080i or 576i master scaled as if it were progressive keeps its two fields woven into every
frame: combing on every moving edge, and browsers never deinterlace an MP4. The decision:

- ffmpeg's `idet` filter counts interlaced and progressive frames on a short sample (once per
  master file: the counts are cached by its content), because flags are often missing or wrong:
  muxers disagree on the meaning of `tb`/`bt`, PsF material is flagged interlaced, and an edit
  suite's export or a transcode can flag woven fields `progressive`;
- a stream not flagged: the sample's verdict wins when it is clear, one field order outnumbering
  the other; when it is not (a still picture shows no combing), the picture is progressive;
- a stream flagged interlaced (`tt`, `bb`, `tb`, `bt`): the flag's field order stands unless the
  other order shows in nearly every frame of the sample (OVERRULE to 1 against the flag's order
  and the progressive frames together). `idet` on progressive content coded interlaced (PAL's
  25p as PsF) reads fine moving detail as combing of either order, and which one wins a 75-frame
  sample is noise: a 6 s 576-line test card flagged `tt` read 14 TFF, 40 BFF, 22 progressive
  from 1.5 s in, and 76 TFF, 41 BFF, 33 progressive over the whole file; woven fields of the
  other order read it nearly always (0 TFF, 40 BFF, 3 progressive), and where motion is too
  slow for that a wrong order costs little. A sample plainly progressive overrules the flag
  (PsF flagged interlaced);
- a stream flagged `progressive`: the flag stands unless the picture has the height of an
  interlaced format (480, 486 or 576 lines, ITU-R BT.601; 1080, SMPTE ST 274) and the sample is
  plainly interlaced, one field order in nearly every frame. `idet` reads fast progressive
  motion as combing now and then (a grainy 1080p master read 32 TFF, 30 BFF, 59 progressive),
  and often on small pictures (a 320x180 moving test card: 44 TFF, 1 BFF, 5 progressive), where
  no interlaced format exists.

A flag overruled is said in the decision (`ScanDecision.because`), with the sample's counts.

Interlaced pictures are deinterlaced with `bwdif`, one frame per frame (`send_frame`: a 50i
master stays 25 fps), with the field order found, before anything scales or burns into them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import ffmpeg

from pipeline.files import work_folder
from pipeline.media.ffmpeg import run_ffmpeg
from pipeline.media.probe import MediaInfo, Stream
from pipeline.messages import N_, N_plural, Message, say, say_count
from pipeline.media.seeking import seekable_picture

Node = ffmpeg.nodes.FilterableStream
Scan = Literal["progressive", "tff", "bff"]

# Moves when the detection or the decision changes: part of the cached analysis' key.
SCAN_VERSION = 8
SAMPLE_FRAMES = 75           # frames `idet` looks at: 3 s of 25 fps (1080p: ~0.6 CPU-s with the seek)
SAMPLE_FROM = 0.25           # where the sample starts, as a fraction of the duration (past slates)
CLEAR = 2.0                  # a verdict is clear when it outnumbers the other one this many times
MINIMUM = 10                 # ... and counts at least this many frames
OVERRULE = 4.0               # a flag falls to one field order outnumbering the rest 4:1
INTERLACED_HEIGHTS = (480, 486, 576, 1080, 1088)   # lines of the interlaced formats (1088: coded)

# Msgids: said in the terminal's language where they are shown (`say(SCAN_NAMES[scan])`).
SCAN_NAMES: dict[Scan, str] = {"progressive": N_("progressive"),
                               "tff": N_("interlaced, top field first"),
                               "bff": N_("interlaced, bottom field first")}
FLAG_NAMES: dict[Scan, str] = {"tff": N_("top-field-first"), "bff": N_("bottom-field-first")}
# ffprobe's field order -> the field displayed first. TT and BB say it plainly. TB and BT are
# read as the files' writers mean them: ffmpeg's own encoders tag top-field-first pictures TB and
# bottom-field-first BT (fftools' ffmpeg_enc.c), and so MOV's `fiel` (its interleaved-field
# details 9 and 14), Matroska's FieldOrder and the files ffmpeg writes carry them; mediainfo reads
# them so (TB "Interlaced TFF"). Measured here: DV, ProRes and MPEG-2 in MOV and Matroska.
# A trial's NTSC DV master, bottom field first, flagged BT, was taken as top field first
# whenever `idet` could not tell. AVFieldOrder's documentation reads them the other way round
# (TB: top coded first, bottom displayed first), as MXF's demuxer sets them from the
# descriptor's field dominance (an MPEG-2 MXF of bottom-field-first pictures is TB):
# `MXF_FLAGS`.
FLAGS: dict[str, Scan] = {"progressive": "progressive", "tt": "tff", "tb": "tff", "bb": "bff",
                          "bt": "bff"}
MXF_FLAGS: dict[str, Scan] = {**FLAGS, "tb": "bff", "bt": "tff"}


@dataclass(frozen=True)
class FieldCounts:
    """`idet`'s multi-frame detection over the sample, and the picture's area that is not
    black in any of its frames (`cropdetect`: [width, height, x, y] in decoded pixels; None
    when not looked for, in counts cached before it was)."""

    tff: int
    bff: int
    progressive: int
    undetermined: int
    active: tuple[int, int, int, int] | list[int] | None = None

    @property
    def frames(self) -> int:
        return self.tff + self.bff + self.progressive + self.undetermined

    @property
    def determined(self) -> int:
        return self.tff + self.bff + self.progressive

    def describe(self) -> str:
        """`of 75 frames, 70 top field first, 0 bottom field first, 3 progressive, 2
        undetermined`; `all 76 frames undetermined` when the sample read nothing else."""
        return str(self.description)

    @property
    def description(self) -> Message:
        """`describe()` as a message, said in the terminal's language."""
        if not self.determined:
            # The same English for one frame ("all 1 frames"), as it was ever written.
            return say_count(N_plural("all %(count)s frames undetermined",
                                      "all %(count)s frames undetermined"),
                             self.undetermined, count=self.undetermined)
        return say(N_("of %(frames)s frames, %(tff)s top field first, %(bff)s bottom field "
                      "first, %(progressive)s progressive, %(undetermined)s undetermined"),
                   frames=self.frames, tff=self.tff, bff=self.bff, progressive=self.progressive,
                   undetermined=self.undetermined)

    def to_json(self) -> dict:
        return self.__dict__.copy()


@dataclass(frozen=True)
class ScanDecision:
    scan: Scan
    because: str                       # "flag", "idet", "idet unclear, flag", "idet overrules ..."
    counts: FieldCounts | None = None

    def to_json(self) -> dict:
        return {"scan": self.scan, "because": self.because,
                "idet": self.counts.to_json() if self.counts else None}

    def describe(self) -> str:
        """The decision as the media team reads it: what it was taken from, and what the
        sample's frames read, e.g. `interlaced, top field first (from the stream's flag; the idet
        picture analysis could not tell: all 76 frames undetermined)`."""
        return str(self.description)

    @property
    def description(self) -> Message:
        """`describe()` as a message, said in the terminal's language (a Spanish terminal's
        `plan` read its master's line in English)."""
        return say(N_("%(scan)s (%(why)s)"), scan=say(SCAN_NAMES[self.scan]), why=self._why())

    def _why(self) -> Message | str:
        counts, because = self.counts, self.because
        read = counts.description if counts else ""
        if because == "flag":
            if counts is None:
                return say(N_("from the stream's flag"))
            if counts.determined == 0:
                return _could_not_tell(read)
            return say(N_("from the stream's flag; the idet picture analysis did not overrule "
                          "it: %(read)s"), read=read)
        if because == "idet" and counts:
            return say(N_("from the idet picture analysis: %(read)s"), read=read)
        if because == "idet unclear, flag" and counts:
            return _could_not_tell(read)
        if because.startswith("idet overrules the ") and counts:
            return say(N_("from the idet picture analysis, against the stream's %(flag)s: "
                          "%(read)s"), flag=_flag(because.removeprefix("idet overrules the ")),
                       read=read)
        if because == "idet read no frame, flag":
            return say(N_("from the stream's flag; the idet picture analysis read no frame"))
        if because == "idet read no frame, no flag":
            return say(N_("assumed: the stream has no field-order flag, and the idet picture "
                          "analysis read no frame"))
        if because == "no flag, no sample":
            return say(N_("assumed: the stream has no field-order flag, and the picture was not "
                          "analysed"))
        # A code of no known shape (none is made): said as it is, with what the sample read.
        return say(N_("%(first)s; %(second)s"), first=because, second=read) if read else because


def _could_not_tell(read: Message) -> Message:
    return say(N_("from the stream's flag; the idet picture analysis could not tell: %(read)s"),
               read=read)


# The flag a sample overruled, as `decide` names it: "progressive flag", "top-field-first flag
# (field_order tb)".
_FLAG = re.compile(r"(?P<name>\S+) flag(?: \(field_order (?P<field_order>[^)]*)\))?")


def _flag(text: str) -> Message | str:
    """The flag of `text` (`_FLAG`) as a message; any other text as it is."""
    found = _FLAG.fullmatch(text)
    if found is None:
        return text
    if found["name"] == "progressive" and found["field_order"] is None:
        return say(N_("progressive flag"))
    if found["name"] in FLAG_NAMES.values() and found["field_order"] is not None:
        return say(N_("%(order)s flag (field_order %(field_order)s)"), order=say(found["name"]),
                   field_order=found["field_order"])
    return text


def flagged(video: Stream, container: str = "") -> Scan | None:
    """What the stream's field order says in a file of `container` (ffprobe's format name,
    "mxf" or "mov,mp4,..."; TB and BT mean the opposite in MXF, `FLAGS`); None when it says
    nothing usable. Progressive or not, the container does not change."""
    flags = MXF_FLAGS if "mxf" in container.split(",") else FLAGS
    return flags.get(video.field_order or "")


_IDET = re.compile(r"Multi frame detection:\s*TFF:\s*(\d+)\s*BFF:\s*(\d+)\s*"
                   r"Progressive:\s*(\d+)\s*Undetermined:\s*(\d+)")
_CROP = re.compile(r"crop=(\d+):(\d+):(\d+):(\d+)")
# cropdetect's black: under a tenth of the samples' range (about its default, 24 of 255 in 8
# bits, given as a fraction so that 10-bit pictures are judged alike); sizes even (4:2:0).
CROPDETECT = "cropdetect=limit=0.1:round=2"


def detect_fields(info: MediaInfo) -> FieldCounts:
    """Run `idet` on up to `SAMPLE_FRAMES` frames of the master's picture, from a quarter in
    (past slates), and `cropdetect` over the same frames, in the same decode (black bars of the
    master's own: a 16:9 picture letterboxed in a 4:3 frame). A picture in a container without
    an index is sampled in a copy (see media/seeking.py): a seek in MPEG-TS lands on a later
    keyframe, past the end of a file with one, and the sample was of the end card or of
    nothing."""
    start = info.duration * SAMPLE_FROM if info.duration > 4 else 0.0
    with work_folder("idet") as work:
        picture = seekable_picture(info, Path(work))
        # One decoding thread, no deblocking: 0.57 CPU-s instead of 1.2 on a 1080p25 H.264
        # master (frame threads cost CPU on 2 cores that planning's other probes are using).
        # Deblocking smooths 4x4/8x8 block edges; the combing idet compares, line against
        # line, is left as is.
        seek = ["-ss", f"{start + picture.offset:.3f}"] if start else []
        stderr = run_ffmpeg(["-loglevel", "info", "-nostats", "-threads", "1", "-skip_loop_filter",
                             "all", *seek, "-i", str(picture.path), "-map", "0:v:0", "-an", "-sn",
                             "-dn", "-frames:v", str(SAMPLE_FRAMES), "-vf", f"idet,{CROPDETECT}",
                             "-f", "null", "-"], what="looking for interlaced fields",
                            path=info.path)
    found, cropped = _IDET.findall(stderr), _CROP.findall(stderr)
    if not found:
        return FieldCounts(0, 0, 0, 0)
    # cropdetect's last line spans every frame before it (it never resets by default).
    return FieldCounts(*map(int, found[-1]),
                       active=tuple(map(int, cropped[-1])) if cropped else None)


def needs_sample(video: Stream) -> bool:
    """Whether an `idet` sample could change the decision: not for a picture flagged progressive
    at a height no interlaced format has (a phone's 1080x1920, a 320x180 test master)."""
    return flagged(video) != "progressive" or video.height in INTERLACED_HEIGHTS


def decide(video: Stream, counts: FieldCounts | None, container: str = "") -> ScanDecision:
    """The scan of a picture in a file of `container` (`flagged`) from its flag and, when there
    is one, the `idet` sample."""
    flag = flagged(video, container)
    if counts is None:
        return ScanDecision(flag or "progressive", "flag" if flag else "no flag, no sample")
    if not counts.frames:
        return ScanDecision(flag or "progressive", "idet read no frame, flag" if flag
                            else "idet read no frame, no flag", counts)
    if flag == "progressive":
        order: Scan = "tff" if counts.tff >= counts.bff else "bff"
        first, rest = max(counts.tff, counts.bff), min(counts.tff, counts.bff) + counts.progressive
        if first >= MINIMUM and first >= OVERRULE * rest:
            return ScanDecision(order, "idet overrules the progressive flag", counts)
        return ScanDecision("progressive", "flag", counts)
    overruled = (f"idet overrules the {FLAG_NAMES[flag]} flag (field_order {video.field_order})"
                 if flag else "")
    if flag:
        other: Scan = "bff" if flag == "tff" else "tff"
        against, held = _count(counts, other), _count(counts, flag) + counts.progressive
        if against >= MINIMUM and against >= OVERRULE * held:
            return ScanDecision(other, overruled, counts)
    interlaced = counts.tff + counts.bff
    # Woven fields show one order in nearly every frame; a sample split between the two orders
    # is fine moving detail read as combing (a 576-line progressive test card coded as TFF
    # interlaced read 26 TFF, 37 BFF, 13 progressive), and its order says nothing: the flag's
    # stands.
    order = "tff" if counts.tff >= counts.bff else "bff"
    consistent = max(counts.tff, counts.bff) >= CLEAR * min(counts.tff, counts.bff)
    if (interlaced >= MINIMUM and interlaced >= CLEAR * counts.progressive and consistent
            and flag in (None, order)):
        return ScanDecision(order, "idet", counts)
    if counts.progressive >= MINIMUM and counts.progressive >= CLEAR * interlaced:
        return ScanDecision("progressive", overruled or "idet", counts)
    return ScanDecision(flag or "progressive", "idet unclear, flag", counts)


def _count(counts: FieldCounts, order: Scan) -> int:
    return counts.tff if order == "tff" else counts.bff


def deinterlace(video: Node, scan: Scan, per_field: bool = False) -> Node:
    """Progressive frames, one per interlaced frame (`bwdif`, the field order given), or one per
    field (`per_field`: 50i becomes 50p, for a picture that is interlaced again afterwards)."""
    if scan == "progressive":
        return video
    return video.filter("bwdif", mode="send_field" if per_field else "send_frame", parity=scan,
                        deint="all")
