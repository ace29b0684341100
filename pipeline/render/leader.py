"""The leader before a master's programme: SMPTE colour bars with a 1 kHz alignment tone, the
slate (render/slate.py), then black, each a whole number of frames at the master's rate.

The programme starts at the profile's timecode (default 10:00:00:00), so the file starts at that
timecode minus the leader: 09:59:48:00 after a 12 s leader at 25 fps.

Bars are ffmpeg's `smptehdbars` (SMPTE RP 219 HD bars); the tone is a 1 kHz sine on both
channels of the mix at the alignment level of the profile's loudness standard (EBU R68:
-18 dBFS; SMPTE RP 155: -20 dBFS) unless the leader sets `tone`. Slate and black are silent.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import ffmpeg

from pipeline.media.timecode import counted_back, exact_rate, rate_problem, rate_text
from pipeline.profiles import Leader, Profile
from pipeline.standards import STANDARDS

Stream = ffmpeg.nodes.FilterableStream

TONE_HZ = 1000
DEFAULT_TONE = -18.0           # dBFS (EBU R68) when the profile names no standard
# Interlaced HD has 25 and 29.97 frames (50 and 59.94 fields) a second (SMPTE ST 274, and the
# XDCAM HD422 formats): a 50p or 59.94p master goes into an interlaced profile at half its rate,
# one field for each of its frames (render/mastering.py weaves them), so no motion is lost.
INTERLACED_MAX_RATE = 30       # frames a second


@dataclass(frozen=True)
class LeaderTiming:
    """A profile's leader at one frame rate: frames of each part."""

    rate: Fraction
    bars: int = 0
    slate: int = 0
    black: int = 0
    tone: float = DEFAULT_TONE     # dBFS

    @property
    def frames(self) -> int:
        return self.bars + self.slate + self.black

    @property
    def seconds(self) -> float:
        return float(self.frames / self.rate)

    def start_of(self, part: str) -> float:
        """Seconds from the file's start to the first frame of `part` (bars, slate, black,
        programme)."""
        order = ["bars", "slate", "black", "programme"]
        before = order[:order.index(part)]
        return float(sum(getattr(self, name) for name in before) / self.rate)

    def to_json(self) -> dict:
        return {"bars_frames": self.bars, "slate_frames": self.slate, "black_frames": self.black,
                "seconds": round(self.seconds, 6), "tone_dbfs": self.tone, "tone_hz": TONE_HZ}


def output_rate(profile: Profile, master_fps: float | None) -> Fraction:
    """The master's frame rate (or the profile's), as the exact fraction it stands for; half a
    rate over INTERLACED_MAX_RATE for an interlaced profile that sets none."""
    rate = exact_rate(profile.fps or master_fps or 25.0)
    if profile.scan != "progressive" and not profile.fps and rate > INTERLACED_MAX_RATE:
        return rate / 2
    return rate


# Frame rates interlaced HD is made at: 1080i25 and 1080i29.97, XDCAM HD422's and every
# station's. SMPTE ST 274 also lists 1080i30, but no broadcast chain runs at 60.00 fields a
# second: a 30 fps phone master is converted to 29.97 (`fps: 29.97`) or refused, not aired off.
INTERLACED_RATES = (Fraction(25), Fraction(30000, 1001))
FILM_RATES = (Fraction(24000, 1001), Fraction(24))      # what a 2:3 pulldown makes 29.97 of


def scan_problem(profile: Profile, master_fps: float | None) -> str | None:
    """Why the master cannot go into an interlaced profile: a rate no interlaced format has
    (23.976 and 24 fps film rates need a 2:3 pulldown, which is an editorial decision, not
    something to do silently: offered as the profile's `fps: 29.97`)."""
    if profile.scan == "progressive":
        return None
    rate = output_rate(profile, master_fps)
    if rate in INTERLACED_RATES:
        return None
    # The master's own rate, not the half of it a 50p or 59.94p master would be woven at.
    given = exact_rate(profile.fps or master_fps or 25.0)
    which = f"the profile's fps {float(given):.3f}" if profile.fps else \
        f"a {float(given):.3f} fps master"
    convert = "" if profile.fps else next(filter(None, (_conversion(given, r)
                                                       for r in INTERLACED_RATES)), "")
    if not profile.fps and given in FILM_RATES:
        # Offered, not done: the pulldown is the station's choice (a trial's engineer found the
        # refusal silent on the `fps: 29.97` the README gives).
        convert = (", give the profile `fps: 29.97` for a 2:3 pulldown where the station airs "
                   "film so (its frames held for 2 and 3 fields in turn, as film is on NTSC "
                   "television" + ("; at 24 fps exactly, its cadence breaks every few seconds"
                                   if given == 24 else "") + ")")
    # The profile's own fps is what to change; a master's rate, the master (a trial's profile
    # at `fps: 30` over a 25 fps master was told to ask for a 25 fps master).
    instead = "give the profile `fps: 25` or `fps: 29.97`" if profile.fps else \
        "ask for a 25 or 29.97 fps master"
    return (f"{which} cannot be an interlaced ({profile.scan}) master: interlaced HD is 25 or "
            "29.97 frames (50 or 59.94 fields) a second; give the profile `scan: progressive` "
            f"if the station takes progressive masters at this rate{convert}, or {instead}")


def _conversion(given: Fraction, rate: Fraction) -> str | None:
    """The hint to give the profile `fps: <rate>` for a master of `given` fps: offered at a
    rate within 0.2 % of `rate`, or of a whole multiple or fraction of it (120 or 60 to 29.97,
    100 to 25, 15 to 29.97: one frame kept in 4 or 2, or each shown twice), whose motion the
    conversion keeps evenly; None otherwise (24 or 23.976 fps film: its 2:3 pulldown is an
    editorial decision). Before, only a rate near 25 or 29.97 had it: a 120 fps phone master
    was told to ask for another master."""
    faster = given >= rate
    times = round(given / rate if faster else rate / given)
    nearest = rate * times if faster else rate / times
    if abs(float(given - nearest)) > 0.002 * float(nearest):
        return None
    steps = []
    if times > 1:
        steps.append(f"one frame kept in every {times}" if faster
                     else "each frame shown " + ("twice" if times == 2 else f"{times} times"))
    if given != nearest:
        steps.append("a frame dropped or repeated in every 1,000 or so")
    if not steps:
        return None
    return (f", give the profile `fps: {float(rate):g}` to convert it ({', '.join(steps)}, "
            "the length kept)")


# How far apart two rates may be and still count as one (30 and 29.97, 0.1 %: a picture
# repeated or dropped every 33 s goes unseen); further apart, pictures are repeated or dropped
# often enough to see.
SAME_RATE = Fraction(1, 100)


def near(rate: Fraction, other: Fraction) -> bool:
    """Whether two rates are within SAME_RATE of each other."""
    return abs(rate - other) <= SAME_RATE * max(rate, other)


@dataclass(frozen=True)
class RateChange:
    """A master's pictures made at another rate by repeating or dropping some (ffmpeg's `fps`,
    no motion compensation). `shown` and `made` are moments a second: the master's frames, or
    its fields where an interlaced master is woven again; the output's frames, or fields where
    it is woven (render/mastering.py `weaves_fields`)."""

    source: Fraction          # the master's frame rate
    shown: Fraction           # its moments a second
    made: Fraction            # the output's moments a second
    unit_in: str              # "frame" or "field"
    unit_out: str

    @property
    def pulldown(self) -> bool:
        """2:3 pulldown: film's 23.976 (24) frames as 59.94 (60) fields, 2 and 3 in turn, as
        film is shown on NTSC television."""
        return self.unit_out == "field" and self.unit_in == "frame" and \
            self.made == self.shown * Fraction(5, 2)

    @property
    def near_pulldown(self) -> bool:
        """24 fps (or 60 fields of 23.976) made 2:3: 0.1 % off, its cadence broken every few
        seconds (a trial's 24p master at 1080i29.97: two 2-field frames in a row at 8.3 s,
        33.3 s and 41.7 s). Telecine slows film to 23.976 first."""
        return self.unit_out == "field" and self.unit_in == "frame" and not self.pulldown \
            and near(self.made, self.shown * Fraction(5, 2))

    @property
    def even(self) -> bool:
        """Each picture kept, or shown, the same number of times: its motion stays even."""
        ratio = self.made / self.shown if self.made > self.shown else self.shown / self.made
        return near(ratio, Fraction(round(ratio)))

    @property
    def judders(self) -> bool:
        return not (self.pulldown or self.even)

    def said(self) -> str:
        """What becomes of the master's pictures, in words: "one frame of the master in every
        5 is shown for two fields"."""
        ratio = self.made / self.shown
        if self.pulldown:
            return (f"2:3 pulldown: each {self.unit_in} of the master is shown for 2 and 3 "
                    f"{self.unit_out}s in turn, as film is on NTSC television")
        if self.near_pulldown:
            return (f"each {self.unit_in} of the master is shown for 2 and 3 {self.unit_out}s "
                    f"in turn, but {rate_text(self.source)} fps is not the rate that gives "
                    f"{rate_text(self.made)} fields 2:3 evenly ({rate_text(self.made * 2 / 5)}): "
                    "the cadence breaks every few seconds")
        if self.even and ratio < 1:
            return f"one {self.unit_in} of the master in every {round(1 / ratio)} is kept"
        # "one in every N" where N is 3 or more; more often than that, the rates themselves.
        every = round(self.shown / abs(self.made - self.shown))
        if ratio < 1:
            if every < 3:
                return (f"{rate_text(self.made)} of its {rate_text(self.shown)} "
                        f"{self.unit_in}s a second are kept, unevenly")
            return f"one {self.unit_in} of the master in every {every} is dropped"
        if ratio < 2 and not self.even and every >= 3:
            return (f"one {self.unit_in} of the master in every {every} is shown for two "
                    f"{self.unit_out}s")
        if self.even:
            return f"each {self.unit_in} of the master is shown for {round(ratio)} {self.unit_out}s"
        return (f"each {self.unit_in} of the master is shown for {int(ratio)} or {int(ratio) + 1} "
                f"{self.unit_out}s ({float(ratio):.2f} on average)")


def rate_change(profile: Profile, master_fps: float | None, fields_in: bool,
                woven: bool) -> RateChange | None:
    """How the master's pictures are made at the profile's `fps`, when they are repeated or
    dropped (rates more than SAME_RATE apart); None when the profile sets no rate, or its
    output has a picture for each of the master's moments (50p woven into 1080i25).
    `fields_in`: an interlaced master's fields each made a picture; `woven`: the output's
    pictures woven into fields."""
    if not (profile.fps and master_fps):
        return None
    source = exact_rate(master_fps)
    shown = source * (2 if fields_in else 1)
    made = output_rate(profile, master_fps) * (2 if woven else 1)
    if near(shown, made):
        return None
    return RateChange(source, shown, made, "field" if fields_in else "frame",
                      "field" if woven else "frame")


def leader_timing(profile: Profile, master_fps: float | None) -> LeaderTiming:
    rate = output_rate(profile, master_fps)
    leader = profile.leader or Leader()
    standard = STANDARDS.get(profile.loudness_standard or "")
    tone = leader.tone if leader.tone is not None else (standard.tone if standard else DEFAULT_TONE)
    frames = {part: round(getattr(leader, part) * rate) for part in ("bars", "slate", "black")}
    return LeaderTiming(rate, tone=tone, **frames)


def leader_seconds(profile: Profile, master_fps: float | None) -> float:
    """Length of the profile's leader in seconds (0 without one)."""
    return leader_timing(profile, master_fps).seconds if profile.leader else 0.0


def file_timecode(profile: Profile, timing: LeaderTiming) -> str | None:
    """Timecode of the file's first frame: the programme's, counted back over the leader."""
    if profile.timecode is None:
        return None
    return counted_back(profile.timecode, timing.rate, timing.frames)


def start_timecodes(profile: Profile, master_fps: float | None) -> tuple[str, str] | None:
    """(the file's first frame's timecode, the programme's) of a profile that sets a timecode,
    on a master of `master_fps`; None without one, or with one its rate cannot carry (the
    plan's error, master_fit.py)."""
    if profile.timecode is None:
        return None
    timing = leader_timing(profile, master_fps)
    if rate_problem(profile.timecode, timing.rate):
        return None
    return file_timecode(profile, timing), profile.timecode


def samples(frames: int, rate: Fraction, sample_rate: int) -> int:
    return round(frames / rate * sample_rate)


def _source(graph: str, timing: LeaderTiming, frames: int, profile: Profile) -> Stream:
    """`frames` frames of a lavfi video source at the profile's frame size and the rate."""
    options = f"s={profile.width}x{profile.height}:r={timing.rate.numerator}/{timing.rate.denominator}"
    return (ffmpeg.input(graph + (":" if "=" in graph else "=") + options, f="lavfi")["v:0"]
            .trim(end_frame=frames).setpts("PTS-STARTPTS"))


def bars(timing: LeaderTiming, profile: Profile) -> Stream:
    return _source("smptehdbars", timing, timing.bars, profile)


def black(timing: LeaderTiming, profile: Profile, frames: int) -> Stream:
    return _source("color=c=black", timing, frames, profile)


def backdrop(colour: str, timing: LeaderTiming, profile: Profile, frames: int) -> Stream:
    """A plain picture of `colour` (`0xRRGGBB`) for `frames` frames: what the slate is drawn on."""
    return _source(f"color=c={colour}", timing, frames, profile)


def tone(timing: LeaderTiming, profile: Profile) -> Stream:
    """The alignment tone, stereo, as long as the bars."""
    amplitude = 10 ** (timing.tone / 20)
    wave = f"{amplitude:.6f}*sin(2*PI*{TONE_HZ}*t)"
    source = ffmpeg.input(f"aevalsrc=exprs={wave}|{wave}:channel_layout=stereo:"
                          f"sample_rate={profile.sample_rate}", f="lavfi")["a:0"]
    return _trimmed(source, samples(timing.bars, timing.rate, profile.sample_rate))


def silence(timing: LeaderTiming, profile: Profile, frames: int) -> Stream:
    source = ffmpeg.input(f"anullsrc=channel_layout=stereo:sample_rate={profile.sample_rate}",
                          f="lavfi")["a:0"]
    return _trimmed(source, samples(frames, timing.rate, profile.sample_rate))


def _trimmed(audio: Stream, count: int) -> Stream:
    return audio.filter("atrim", end_sample=count).filter("asetpts", "N/SR/TB")
