"""TTML time expressions and the `ttp:` parameters they are counted in: frame rate (with its
multiplier), sub-frame rate, tick rate, time base, drop mode and marker mode.

A clock time's frames are counted in the effective frame rate (`ttp:frameRate` times
`ttp:frameRateMultiplier`) and must be less than it, its sub-frames less than
`ttp:subFrameRate` (TTML2 §10.3.1 <timeExpression>; IMSC1 keeps TTML's time expressions):
`00:00:04:35` at 29.97 fps names no frame, and read as 4 s + 35 frames it would move the
cue's end past the next second unnoticed.

With `ttp:timeBase="smpte"` (broadcast subtitling tools, EBU-TT Part 1) a time is a SMPTE
timecode `HH:MM:SS:FF`, a label of a frame of the programme (TTML1 §6.2.11): it is counted in
frames of `ttp:frameRate`, less the labels `ttp:dropMode` drops, and divided by the effective
rate (TTML1 Appendix N.3); offsets and fractions of a second are undefined there (§10.3.1).
Times count from the programme's start, `ebuttm:documentStartOfProgramme` (EBU Tech 3350,
STL's TCP), which is the video's first frame, or 00:00:00:00, as the EBU-TT Live toolkit reads
them; a file timed from an hour or more in that does not give it cannot be placed on the video.
With `ttp:markerMode="discontinuous"`, the default (TTML1 §6.2.6), times are labels each on its
own, not counted from their parent's, and a duration has no meaning (§10.2.3).
In media time (EBU-TT-D), a start of programme the file gives is kept as written, to be read
once the video's frame rate and length are known (`programme_start.py`).
"""

from __future__ import annotations

import re
from collections import Counter
from fractions import Fraction

from pipeline.media.timecode import rate_text
from pipeline.messages import N_, N_plural, Message, Number, say, say_count

CLOCK = re.compile(r"(\d{2,}):(\d{2}):(\d{2})(?:(\.\d+)|:(\d{2,})(?:\.(\d+))?)?$")
OFFSET = re.compile(r"(\d+(?:\.\d+)?)(h|m|s|ms|f|t)$")
TIME_HINT = say(N_('write times as HH:MM:SS.mmm (e.g. begin="00:00:01.500") or as 1.5s'))
SMPTE_HINT = say(N_('write times as HH:MM:SS:FF, hours, minutes, seconds and frames (e.g. '
                    'begin="10:00:01:12")'))
# Drop-frame timecode as editors write it, `10:00:01;00` (or `.00`, `,00`): TTML's SMPTE times
# take colons only, and the drop is the file's ttp:dropMode (TTML1 §6.2.3, Appendix N.3).
DROP_WRITTEN = re.compile(r"(\d{2,})[:;](\d{2})[:;.,](\d{2})[;.,](\d{2})$")
EBUTT_METADATA = "urn:ebu:tt:metadata"
# A frame count (`12f`, `00:00:01:12`) in a file that does not say what a frame is.
NO_FRAME_RATE = N_("%(name)s=%(value)s counts frames, but the file gives no ttp:frameRate")
# ttp:dropMode: labels dropped at second 00 of a minute, and which minutes (TTML1 §6.2.3).
DROPS = {"dropNTSC": (2, say(N_("frames 00 and 01 of every minute but each tenth")),
                      lambda minute: minute % 10 != 0),
         "dropPAL": (4, say(N_("frames 00 to 03 of every even minute but each twentieth")),
                     lambda minute: minute % 2 == 0 and minute % 20 != 0)}
DROP_RATE = 30   # the ttp:frameRate both drop modes are defined at
# Of each drop mode: labels dropped a time, minutes between two such times, and minutes in a
# cycle whose first such time drops none (dropNTSC: 2 a minute but each tenth; dropPAL: 4 each
# even minute but each twentieth).
DROP_CYCLES = {"dropNTSC": (2, 1, 10), "dropPAL": (4, 2, 20)}


def smpte_label(frames: int, counted_rate: int, drop: str) -> str:
    """The SMPTE timecode label `HH:MM:SS:FF` of the frame `frames` after 00:00:00:00, at
    `counted_rate` frames a timecode second, skipping the labels `drop` drops (ttp:dropMode,
    TTML1 §6.2.3), from 00:00:00:00 again past midnight: the inverse of the count TTML1
    Appendix N.3 makes of a label."""
    nominal = frames
    if drop in DROP_CYCLES:
        dropped, every, cycle = DROP_CYCLES[drop]
        group = every * 60 * counted_rate                 # labels between two drops
        per_cycle = cycle * 60 * counted_rate - dropped * (cycle // every - 1)
        cycles, into = divmod(frames, per_cycle)
        nominal += cycles * dropped * (cycle // every - 1)
        if into >= group:     # past the cycle's first group, which drops nothing
            nominal += dropped * ((into - group) // (group - dropped) + 1)
    seconds, frame = divmod(nominal, counted_rate)
    # Labels start again at midnight (a master from 23:59:57:00 runs on to 00:00:03:00).
    return f"{seconds // 3600 % 24:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}:{frame:02d}"


class TimeParameters:
    """The `ttp:` timing parameters of a `<tt>` root and reading times with them; mixed into
    the reader (`ttml._Reader`), which gives `root`, `ttp` (the parameter namespaces a `ttp:`
    attribute is looked for in, in order), `parsed` (the `model.Parsed` it fills),
    `fail(message, element, hint, code)`, which returns the error it reports, and
    `warn(message, element, hint, code)`."""

    def read_time_parameters(self) -> None:
        self.notations: Counter[str] = Counter()   # how many times each notation writes
        self.smpte = self._choice("timeBase", ("media", "smpte"), "media") == "smpte"
        self.frame_rate = self._frame_rate()
        self.sub_frame_rate = int(self._number("subFrameRate", 1)) or 1
        self.tick_rate = self._number("tickRate", self.frame_rate or 1)
        # Ticks with neither rate count whole seconds (TTML1 §7.2.10): `10000000t`, as tools
        # write ticks at 10 MHz, is 115 days; said once, at the first such time.
        self.seconds_ticks = self.parameter("tickRate") is None and not self.frame_rate
        self.units = {"h": Fraction(3600), "m": Fraction(60), "s": Fraction(1),
                      "ms": Fraction(1, 1000), "t": 1 / Fraction(self.tick_rate),
                      "f": 1 / Fraction(self.frame_rate or 1)}
        # The programme's start on the timecode, in seconds and as messages say it; and whether
        # times are labels each on its own rather than one time line.
        self.origin, self.labels = Fraction(0), False
        self.start: str | Message = ""
        if self.smpte:
            self._read_smpte_parameters()
        elif (given := self._start_of_programme()) is not None:
            # Read once the video's frame rate is known (`programme_start.py`).
            self.parsed.programme_start = ((given.text or "").strip(), given.sourceline)

    def _choice(self, name: str, values: tuple[str, ...], default: str) -> str:
        """The root's `ttp:{name}`, one of `values`; `default` when absent or wrong (reported)."""
        value = self.parameter(name)
        if value is None or value in values:
            return value or default
        if name == "timeBase":
            self.fail(say(N_("ttp:timeBase %(value)s is not supported: times must be media times "
                             "or SMPTE timecodes"), value=repr(value)), self.root,
                      say(N_('use ttp:timeBase="media" (the default) or "smpte"')), "timing")
        else:
            quoted = [f'"{known}"' for known in values]
            # The last value apart, not an `Items`: a list joined with "or" ("o" in Spanish).
            self.fail(say(N_("ttp:%(name)s must be %(values)s or %(last)s, not %(value)s"),
                          name=name, values=", ".join(quoted[:-1]), last=quoted[-1],
                          value=repr(value)), self.root, code="timing")
        return default

    def _read_smpte_parameters(self) -> None:
        """Drop mode, marker mode and the programme's start of a file timed in SMPTE timecode."""
        self.labels = self._choice("markerMode", ("continuous", "discontinuous"),
                                   "discontinuous") == "discontinuous"
        self.drop = self._choice("dropMode", ("nonDrop", "dropNTSC", "dropPAL"), "nonDrop")
        if not self.frame_rate:
            self.fail(say(N_('ttp:timeBase="smpte" counts time in frames, but the file gives no '
                             "ttp:frameRate: its times are read here at 30 fps, TTML's "
                             "default")), self.root,
                      say(N_('give the video\'s frame rate on <tt>: ttp:frameRate="25", or '
                             'ttp:frameRate="30" ttp:frameRateMultiplier="1000 1001" for 29.97 '
                             'fps')), "timing")
            self.frame_rate = Fraction(DROP_RATE)
        if self.drop != "nonDrop" and self.counted_rate != DROP_RATE:
            self.fail(say(N_('ttp:dropMode="%(drop)s" drops labels of %(rate)s fps timecode, '
                             "but ttp:frameRate is %(counted)s: its times are read here without "
                             "drops"), drop=self.drop, rate=DROP_RATE, counted=self.counted_rate),
                      self.root, say(N_('leave ttp:dropMode out (or write "nonDrop") at '
                                        "%(rate)s fps"), rate=self.counted_rate), "timing")
            self.drop = "nonDrop"
        self.origin = self.parsed.counted_from = self._programme_start()

    def _programme_start(self) -> Fraction:
        """Seconds of the programme's start on the timecode: `ebuttm:documentStartOfProgramme`,
        else 00:00:00:00; for times from an hour or more in, the hour they start in, with an
        error (the file cannot be placed on the video without it), kept as
        `parsed.start_missing`: its master's own start timecode may answer it
        (`master_timecode.py`)."""
        given = self._start_of_programme()
        if given is not None:
            text = (given.text or "").strip()
            start = self._timecode(given, "ebuttm:documentStartOfProgramme", text)
            self.start = f"{text} (ebuttm:documentStartOfProgramme)"
            self.parsed.start_given = True
            return start or Fraction(0)
        first = next((element for element in self.root.iter() if isinstance(element.tag, str)
                      and element.get("begin") is not None), None)
        clock = CLOCK.match(first.get("begin").strip()) if first is not None else None
        if clock is None or int(clock.group(1)) == 0:
            return Fraction(0)
        hours = int(clock.group(1))
        start = f"{hours:02d}:00:00:00"
        self.start = say(N_("%(timecode)s (as checked here)"), timecode=start)
        self.parsed.start_missing = self.fail(
            say_count(N_plural(
                'begin=%(value)s is a SMPTE timecode (ttp:timeBase="smpte") %(hours)s hour in, '
                "and the file does not say the timecode its programme starts at, which is the "
                "video's first frame: its cues are checked here as if it were %(start)s",
                'begin=%(value)s is a SMPTE timecode (ttp:timeBase="smpte") %(hours)s hours in, '
                "and the file does not say the timecode its programme starts at, which is the "
                "video's first frame: its cues are checked here as if it were %(start)s"),
                hours, value=repr(first.get("begin").strip()), hours=hours, start=start), first,
            # A trial's translator was told this of a file its master's timecode places: said.
            say(N_('give it in <head>: %(metadata)s, with xmlns:ebuttm="%(namespace)s" on <tt> '
                   "(EBU-TT Part 1); or export the file with the programme starting at "
                   "00:00:00:00; a master whose own timecode starts the programme there places "
                   "it without either (check it with --manifest, as validate does)"),
                metadata="<metadata><ebuttm:documentMetadata><ebuttm:documentStartOfProgramme>"
                         f"{start}</ebuttm:documentStartOfProgramme></ebuttm:documentMetadata>"
                         "</metadata>", namespace=EBUTT_METADATA), "timing")
        return self._counted(hours, 0, 0, 0, 0)

    def _start_of_programme(self):
        """The `ebuttm:documentStartOfProgramme` element (EBU Tech 3350), or None."""
        return next(self.root.iter(f"{{{EBUTT_METADATA}}}documentStartOfProgramme"), None)

    def parameter(self, name: str) -> str | None:
        """The root's `ttp:{name}`, in the first of the `ttp` namespaces that has it."""
        return next((value for namespace in self.ttp
                     if (value := self.root.get(f"{{{namespace}}}{name}")) is not None), None)

    def _number(self, name: str, default: float) -> float:
        value = self.parameter(name)
        if value is None:
            return default
        try:
            return float(value)
        except ValueError:
            self.fail(say(N_("ttp:%(name)s must be a number, not %(value)s"), name=name,
                          value=repr(value)), self.root)
            return default

    def _frame_rate(self) -> Fraction | None:
        """The effective frame rate: ttp:frameRate times ttp:frameRateMultiplier."""
        rate = self._number("frameRate", 0) or None
        rate = Fraction(rate).limit_denominator(1000) if rate else None
        # Frames a timecode second counts: ttp:frameRate without its multiplier (TTML1 §6.2.3).
        self.counted_rate = round(rate) if rate else DROP_RATE
        multiplier = self.parameter("frameRateMultiplier")
        if rate and multiplier:
            numerator, _, denominator = multiplier.partition(" ")
            try:
                rate *= Fraction(int(numerator), int(denominator or 1))
            except (ValueError, ZeroDivisionError):
                self.fail(say(N_("ttp:frameRateMultiplier must be two whole numbers, not "
                                 "%(value)s"), value=repr(multiplier)), self.root)
        return rate

    def time(self, element, name: str) -> Fraction | None:
        """`begin`, `end` or `dur` of `element` in seconds; None when absent or wrong (reported)."""
        value = element.get(name)
        if value is None:
            return None
        value = value.strip()
        if self.smpte:
            if name == "dur" and self.labels:
                self.fail(say(N_("dur=%(value)s has no meaning with ttp:markerMode="
                                 "\"discontinuous\": the times are labels of the programme's "
                                 "timecode, not a time line"), value=repr(value)), element,
                          say(N_('give the paragraph an end time, or set ttp:markerMode='
                                 '"continuous" if the timecode runs without a break')), "timing")
                return None
            return self._timecode(element, name, value)
        clock, offset = CLOCK.match(value), OFFSET.match(value)
        if clock:
            hours, minutes, seconds, fraction, frames, subframes = clock.groups()
            if int(minutes) > 59 or int(seconds) > 60:
                clock = None
            else:
                total = Fraction(int(hours) * 3600 + int(minutes) * 60 + int(seconds))
                if fraction:
                    total += Fraction(fraction)
                if frames:
                    counted, parts = int(frames), int(subframes or 0)
                    if not self._names_a_frame(element, name, value, counted, parts):
                        return None
                    total += (counted + Fraction(parts, self.sub_frame_rate)) / self.frame_rate
                self.notations["frames" if frames else "clock"] += 1
                return total
        if offset:
            count, unit = Fraction(offset.group(1)), offset.group(2)
            if unit == "f" and not self.frame_rate:
                self.fail(say(NO_FRAME_RATE, name=name, value=repr(value)), element, TIME_HINT,
                          "timing")
                return None
            self.notations[unit] += 1
            if unit == "t" and self.seconds_ticks:
                self.seconds_ticks = False
                self.warn(say(N_("%(name)s=%(value)s counts ticks, but the file gives no "
                                 "ttp:tickRate (nor ttp:frameRate): TTML counts 1 tick a second, "
                                 "so this is %(seconds)s s"), name=name, value=f"'{value}'",
                              seconds=Number(float(count), ".0f")), element,
                          say(N_('give the rate the file was written at on <tt>, most often '
                                 'ttp:tickRate="10000000"')), "tick-rate")
            return count * self.units[unit]
        self.fail(say(N_("malformed TTML time %(name)s=%(value)s"), name=name, value=repr(value)),
                  element, TIME_HINT, "timing")
        return None

    def _timecode(self, element, name: str, value: str) -> Fraction | None:
        """Seconds from 00:00:00:00 of the SMPTE timecode `value` (TTML1 Appendix N.3); None
        when it is none, or names a label the drop mode drops (reported)."""
        clock = CLOCK.match(value)
        if clock is None or clock.group(4) or int(clock.group(2)) > 59 or \
                int(clock.group(3)) > 59:
            drop = DROP_WRITTEN.match(value)
            hint = say(N_("TTML writes drop-frame timecode with colons, %(timecode)s, and says "
                          "it is drop-frame with ttp:dropMode"),
                       timecode=":".join(drop.groups())) if drop else SMPTE_HINT
            self.fail(say(N_('%(name)s=%(value)s is not a SMPTE timecode (ttp:timeBase="smpte")'),
                          name=name, value=repr(value)), element, hint, "timing")
            return None
        hours, minutes, seconds = (int(part) for part in clock.group(1, 2, 3))
        frames, subframes = int(clock.group(5) or 0), int(clock.group(6) or 0)
        if not self._names_a_frame(element, name, value, frames, subframes):
            return None
        if self.drop != "nonDrop":
            dropped, which, drops_in = DROPS[self.drop]
            if seconds == 0 and frames < dropped and drops_in(minutes):
                self.fail(say(N_('%(name)s=%(value)s names no frame: with ttp:dropMode='
                                 '"%(drop)s", %(frames)s are dropped (this minute\'s first is '
                                 "%(first)s)"), name=name, value=repr(value), drop=self.drop,
                              frames=which, first=f"{value[:-2]}{dropped:02d}"), element,
                          say(N_("check the frame number")), "timing")
                return None
        self.notations["frames"] += 1
        return self._counted(hours, minutes, seconds, frames, subframes)

    def _counted(self, hours: int, minutes: int, seconds: int, frames: int,
                 subframes: int) -> Fraction:
        """S = (countedFrames - droppedFrames + subFrames / subFrameRate) / effectiveFrameRate,
        in seconds (TTML1 Appendix N.3, SMPTE Time Base)."""
        counted = (3600 * hours + 60 * minutes + seconds) * self.counted_rate + frames
        dropped = {"dropNTSC": (hours * 54 + minutes - minutes // 10) * 2,
                   "dropPAL": (hours * 27 + minutes // 2 - minutes // 20) * 4}.get(self.drop, 0)
        return (counted - dropped + Fraction(subframes, self.sub_frame_rate)) / self.frame_rate

    def _names_a_frame(self, element, name: str, value: str, frames: int,
                       subframes: int) -> bool:
        """Whether a clock time's frames and sub-frames name a frame (else reported)."""
        if not self.frame_rate:
            self.fail(say(NO_FRAME_RATE, name=name, value=repr(value)), element, TIME_HINT,
                      "timing")
            return False
        if frames >= self.frame_rate:
            last = -(-self.frame_rate // 1) - 1     # the highest whole number below the rate
            self.fail(say(N_("%(name)s=%(value)s counts frame %(frame)s, but at %(rate)s fps "
                             "(ttp:frameRate) a second has frames 0 to %(last)s"), name=name,
                          value=repr(value), frame=frames, rate=rate_text(self.frame_rate),
                          last=int(last)), element,
                      say(N_("check the frame number and ttp:frameRate")) if self.smpte else
                      say(N_("check the frame number and ttp:frameRate, or write the time as "
                             "HH:MM:SS.mmm")), "timing")
            return False
        if subframes >= self.sub_frame_rate:
            self.fail(say(N_("%(name)s=%(value)s counts sub-frame %(subframe)s, but "
                             "ttp:subFrameRate is %(rate)s (sub-frames 0 to %(last)s)"),
                          name=name, value=repr(value), subframe=subframes,
                          rate=self.sub_frame_rate, last=self.sub_frame_rate - 1),
                      element, say(N_("check the sub-frame number and ttp:subFrameRate")),
                      "timing")
            return False
        return True

