"""The conform step: any master into a profile's picture and sound.

A master is examined once (`examine`: probe facts, plus an `idet` sample when its scan is in
doubt, cached by content) into a `Master`; every treatment, the shared picture, burn groups and
the preview then build their graphs from it:

- from the programme's first frame: the master's own first, or the frame the spot's
  `programme_start` names (media/programme.py: bars, tone and a slate before it are cut);
- picture (`conform_picture`): deinterlaced when interlaced (media/scan.py), cropped to the active
  picture when the spot says so, scaled by its display shape (SAR, rotation: media/geometry.py)
  into the profile's frame, its samples converted to BT.709 (media/colour.py; an HDR or
  BT.2020 master tone-mapped or converted into BT.709 SDR), square pixels and progressive out;
- sound (`master_sound`): the streams the spot names (media/audio_streams.py), each at its place
  against the first frame of the picture (start offsets and edit lists kept), downmixed to
  stereo by one documented matrix, exactly as long as the picture;
- the copy path (`master_fits`): the master's own video stream goes into a variant unchanged
  only when nothing above would change it and the profile's encoder would make the same kind of
  stream.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from fractions import Fraction

import ffmpeg

from pipeline.errors import PipelineError
from pipeline.fingerprint import HashCache
from pipeline.messages import N_, Message, Number, say
from pipeline.media.audio_streams import AudioChoice, SoundMap, choose_streams, stereo_sound
from pipeline.media.colour import BT709, OUTPUT, Remap, conversion, remap, source_matrix, \
    unconverted
from pipeline.media.geometry import Crop, Geometry, fit, geometry_of
from pipeline.media.probe import MediaInfo
from pipeline.media.programme import from_programme
from pipeline.media.scan import SCAN_VERSION, FieldCounts, ScanDecision, decide, deinterlace, \
    detect_fields, flagged, needs_sample
from pipeline.media.timecode import NTSC_DENOMINATOR, exact_rate, rate_text
from pipeline.profiles import Profile

Stream = ffmpeg.nodes.FilterableStream

# The start of the picture and of the file may differ by rounding in the container's clock.
SAME_START = 0.001      # seconds


@dataclass(frozen=True)
class Master:
    """A master as the conform step sees it; picklable (it travels to remote workers)."""

    info: MediaInfo
    geometry: Geometry
    scan: ScanDecision
    sound: SoundMap | None             # None: no sound (no audio stream, or `audio: silent`)
    silent: bool = False               # the spot asked for a silent track
    warnings: tuple[Message, ...] = ()  # about the sound: streams left out, default choices made

    @property
    def own_bars(self) -> Crop | None:
        """The active picture inside black bars of the master's own, in its upright pixels: the
        area `cropdetect` found not black in the scan's sample (media/scan.py), when it is
        smaller than the frame, the spot gives no `crop:` and the picture is stored upright.
        None otherwise, or when no sample was taken (a picture flagged progressive at a height
        no interlaced format has). Only bars as a letterbox or a pillarbox are: of even height
        above and below the picture, or of even width beside it, the other sides reaching the
        frame's edges (give or take an SD capture's blanking, `EDGE`); a white disc on black or
        a logo on a black end card is not taken for a picture in bars. A dark sample can
        still look like bars: what says it asks to look at a frame."""
        active = self.scan.counts.active if self.scan.counts else None
        geometry = self.geometry
        if not active or geometry.crop or geometry.rotation:
            return None
        crop = Crop(*active)
        if not (0 < crop.width and 0 < crop.height and crop.x + crop.width <= geometry.width
                and crop.y + crop.height <= geometry.height):
            return None
        top, bottom = crop.y, geometry.height - crop.y - crop.height
        left, right = crop.x, geometry.width - crop.x - crop.width
        letterbox = _boxed(top, bottom, geometry.height, left, right, geometry.width)
        pillarbox = _boxed(left, right, geometry.width, top, bottom, geometry.height)
        return crop if letterbox or pillarbox else None

    @property
    def matrix(self) -> str:
        """The Y'CbCr matrix of the master's samples (media/colour.py)."""
        return source_matrix(self.info.video)

    @property
    def colour_warning(self) -> str | None:
        """What the variants cannot show as the master does (media/colour.py: a curve or matrix
        no conversion covers)."""
        return unconverted(self.info.video)

    @property
    def remap(self) -> Remap | None:
        """How an HDR or BT.2020 master is brought into BT.709 SDR (media/colour.py)."""
        return remap(self.info.video)

    @property
    def constant_rate(self) -> Fraction | None:
        """The rate a variable-rate master's picture is made constant at (media/timecode.py
        `constant_rate`, read by the probe as its `fps`); None for a constant-rate master."""
        video = self.info.video
        return exact_rate(video.fps) if video and video.variable_rate and video.fps else None

    @property
    def picture_settings(self) -> dict:
        """What decides the conformed picture (for fingerprints and records). `colour` only for
        a master that is converted into BT.709 SDR: the variants of every other master keep
        their fingerprints, and those of an HDR master rendered before it was tone-mapped go
        stale ("settings changed: picture.colour")."""
        settings = {"geometry": self.geometry.to_json(), "scan": self.scan.scan,
                    "matrix": self.matrix}
        if self.remap is not None:
            settings["colour"] = self.remap.settings()
        if self.constant_rate is not None:
            # Only here, as `colour`: the fingerprints of constant-rate masters stay as they were.
            settings["constant_rate"] = str(self.constant_rate)
        if self.info.programme_start:
            settings["programme_start"] = round(self.info.programme_start, 6)
        return settings

    @property
    def sound_settings(self) -> dict | None:
        return self.sound.to_json() if self.sound else {"silent": self.silent}

    def describe(self) -> dict:
        return {"picture": self.geometry.to_json() | {"scan": self.scan.to_json()},
                "sound": self.sound_settings}

    def summary(self) -> str:
        """One line on how the picture will be read: `1920x1080, SAR 1:1 (16:9), 25 fps,
        progressive (from the stream's flag); timecode 01:00:00:00 at its first frame`; a crop
        and a rotation when there are."""
        return str(self.summary_message())

    def summary_message(self) -> Message:
        """`summary()` as a message, said in the terminal's language (`plan`'s line of each
        master was English in a Spanish terminal)."""
        geometry, video = self.geometry, self.info.video
        aspect = geometry.display_aspect.limit_denominator(1000)
        # Figures and a standard's abbreviation: the same in every language.
        parts: list[Message | str] = [
            f"{geometry.width}x{geometry.height}, SAR {geometry.sar.numerator}:"
            f"{geometry.sar.denominator} ({aspect.numerator}:{aspect.denominator})"]
        if video and video.fps:
            parts.append(_rate_text(video))
        if geometry.rotation and video:
            parts.append(say(N_("upright from the stored %(size)s (display matrix: %(degrees)s "
                                "degrees)"), size=f"{video.width}x{video.height}",
                             degrees=geometry.rotation))
        if geometry.crop:
            crop = geometry.crop
            parts.append(say(N_("cropped to %(size)s at %(x)s,%(y)s"),
                             size=f"{crop.width}x{crop.height}", x=crop.x, y=crop.y))
        if self.remap is not None:
            parts.append(self.remap.description)
        parts.append(self.scan.description)
        return say(N_("%(first)s; %(second)s"), first=_listed(parts), second=self._timecode())

    def _timecode(self) -> Message:
        """Where the programme starts and its timecode there: an engineer lines the master up
        against its edit decision list or playout by it."""
        start, timecode = self.info.programme_start, self.info.timecode
        if not start:
            return (say(N_("timecode %(timecode)s at its first frame"), timecode=timecode)
                    if timecode else say(N_("no start timecode")))
        at = Number(start, ".3f")
        return (say(N_("programme from %(start)s s in (programme_start), timecode %(timecode)s "
                       "at it"), start=at, timecode=timecode) if timecode else
                say(N_("programme from %(start)s s in (programme_start), no start timecode"),
                    start=at))


def _listed(parts: list[Message | str]) -> Message | str:
    """`parts` joined by commas, as one message (not a list: a Spanish list would put "y"
    before the last)."""
    joined = parts[0]
    for part in parts[1:]:
        joined = say(N_("%(first)s, %(second)s"), first=joined, second=part)
    return joined


def _rate_text(video) -> Message:
    """`30 fps`, `29.97 fps (30000/1001)`; a variable rate's average and, where it was measured
    from the frames' times (media/frame_times.py), its fastest stretch's rate."""
    rate = exact_rate(video.fps)
    text = say(N_("%(rate)s fps"), rate=rate_text(video.fps)) if rate.denominator == 1 else \
        say(N_("%(rate)s fps (%(fraction)s)"), rate=rate_text(video.fps),
            fraction=f"{rate.numerator}/{rate.denominator}")
    if video.variable_rate and video.average_fps:
        peak = say(N_(", up to %(peak)s in its fastest stretch"),
                   peak=Number(video.peak_fps, ".1f")) if video.peak_fps else ""
        text = say(N_("%(rate)s, made constant from a variable rate (%(average)s fps on "
                      "average%(peak)s)"), rate=text, average=Number(video.average_fps, ".3f"),
                   peak=peak)
    return text


def examine(info: MediaInfo, choice: AudioChoice = AudioChoice(), crop: Crop | None = None,
            cache: HashCache | None = None) -> Master:
    """Everything the conform step needs to know about a probed master.

    Runs `idet` on a sample of the picture where it could change the decision (media/scan.py says
    how flag and sample decide); with `cache` its counts are kept by the file's content. Raises `PipelineError` without a path (the
    caller knows the manifest; the line is the `audio:` key's, or its `mix:` key's) for an
    `audio:` key that names no usable streams or a crop that does not fit, and `RenderError` if
    the sample cannot be read.
    """
    video = info.video
    if video is None:
        raise PipelineError(say(N_("%(file)s has no picture"), file=str(info.path)))
    counts = None
    if needs_sample(video):
        counts = detect_fields(info) if cache is None else FieldCounts(**cache.remembered(
            f"idet:{SCAN_VERSION}:{cache.sha256(info.path)}", lambda: detect_fields(info).to_json()))
    try:
        sound, warnings = choose_streams(info, choice)
    except PipelineError as exc:
        raise PipelineError(exc.said_message, None, exc.line or choice.line,
                            exc.said_hint) from None
    if sound is not None and info.programme_start:
        sound = from_programme(sound, info.programme_start)
    return Master(info, geometry_of(video, crop), decide(video, counts, info.format_name), sound,
                  choice.silent, tuple(warnings))


# What an SD capture leaves black at a frame's edges (720 samples to 702 of picture, and a line
# or two of blanking), as a share of the frame's width or height: not bars.
EDGE = 0.03


def _boxed(before: int, after: int, size: int, side: int, other_side: int, across: int) -> bool:
    """Whether black of `before` and `after` pixels (above and below, or left and right) of a
    frame `size` long are a letterbox's or pillarbox's bars: more than an edge's blanking, even
    (within an edge's), and the picture reaching the other two edges (`side`, `other_side` of
    `across`)."""
    edge, across_edge = EDGE * size, EDGE * across
    return min(before, after) > edge and abs(before - after) <= edge \
        and max(side, other_side) <= across_edge


def conform_picture(video: Stream, master: Master, profile: Profile) -> Stream:
    """Frames of the master (as decoded, upright) into the profile's frame: progressive, square
    pixels, the profile's frame rate when it sets one, its pixel format (4:2:0 or 4:2:2)."""
    return framed(progressive(video, master), master, profile)


def progressive(video: Stream, master: Master) -> Stream:
    """The master's frames deinterlaced when they are interlaced (the deinterlacer needs the
    frames around each one: take single frames after this step, not before)."""
    return deinterlace(video, master.scan.scan)


def fps_key(profile: Profile) -> float | str | None:
    """The profile's `fps` as fingerprints hold it: an NTSC rate as the fraction it is made at
    ("30000/1001": pictures made at the typed decimal, 2997/100, before `framed` took the
    fraction, go stale once), any other as typed (its fingerprints unchanged)."""
    if not profile.fps or exact_rate(profile.fps).denominator != NTSC_DENOMINATOR:
        return profile.fps
    return str(exact_rate(profile.fps))


def framed(video: Stream, master: Master, profile: Profile) -> Stream:
    """Progressive frames of the master into the profile's frame, rate and pixel format."""
    video = fit(video, master.geometry, profile, conversion(master.info.video))
    if master.remap is not None:
        # After `fit`: the float steps run on the profile's frame, mostly smaller than a
        # phone's 4K (the samples are scaled as the curve encodes them, as `scale` does SDR).
        video = master.remap.apply(video)
    if profile.fps:
        # As the rate it stands for: ffmpeg reads "29.97" as 2997/100, and a MOV made at it
        # (time base 1/11988) is not the 30000/1001 a station's ingest expects.
        rate = exact_rate(profile.fps)
        video = video.filter("fps", f"{rate.numerator}/{rate.denominator}")
    elif master.constant_rate is not None:
        # A variable-rate master is made constant here, before any encoder sees it: left to the
        # muxers, the null muxer of a first x264 pass kept its 165 frames and MP4 made 269 of
        # them (duplicates), and the second pass stopped on "Incomplete MB-tree stats file".
        rate = master.constant_rate
        video = video.filter("fps", f"{rate.numerator}/{rate.denominator}")
    if master.constant_rate is not None:
        # Cut at the master's picture's length, as its sound is: its last frame, held to the
        # next frame time at its own slower rate, ran past it (8.93 s of picture for 8.77 s).
        rate = profile.fps or master.constant_rate
        video = video.trim(end_frame=round(master.info.duration * rate))
    return video.filter("format", profile.pix_fmt).filter("setparams", **BT709)


def master_picture(path: str, master: Master, profile: Profile) -> Stream:
    """The master's picture from its programme's first frame (time zero: the sound is placed
    against it), conformed to the profile."""
    return conform_picture(decoded_picture(path, master), master, profile)


def decoded_picture(path: str, master: Master) -> Stream:
    """The master's picture as decoded, from its programme's first frame (its first, or the
    spot's `programme_start`: media/programme.py), timestamps from zero."""
    video = ffmpeg.input(path)["v:0"].setpts("PTS-STARTPTS")
    start, fps = master.info.programme_start, master.info.video.fps
    if not start:
        return video
    # Half a frame early: the programme's first frame, its time read back through the
    # container's clock, can round to just under `start`; the frame before it is a whole
    # frame earlier. Decoded from the master's start (no input seek): the frames of the
    # pre-roll are cheap to decode, and the sound is cut at the same time (audio_layout.align).
    return video.trim(start=f"{max(0.0, start - 0.5 / fps):.6f}").setpts("PTS-STARTPTS")


def field_picture(path: str, master: Master, profile: Profile, woven: bool = True) -> Stream:
    """An interlaced master's picture as one progressive frame per field (50i to 50p), framed
    for the profile: what an interlaced output is woven from again without losing motion
    (`woven`), or a progressive one made at more frames than the master has (1080i25 into
    50p: a frame per field, not each of 25 frames twice).
    An interlaced profile's `fps` is its frame rate: the fields come at twice it (framed at
    `fps: 29.97` itself, a 480i master's 59.94 fields were cut to 29.97 moments, and the
    1080i master woven from them was progressive segmented frames: idet, 90 of 90 frames
    progressive)."""
    video = decoded_picture(path, master)
    fields = replace(profile, fps=2 * profile.fps) if profile.fps and woven else profile
    return framed(deinterlace(video, master.scan.scan, per_field=True), master, fields)


def master_sound(path: str, master: Master, dc: tuple[float, ...] | None = None,
                 silent: str | None = None) -> Stream:
    """The master's sound, stereo, placed against its picture and as long as it (see
    media/audio_streams.py), less the DC offset `dc` of each channel when given, its `silent`
    front (FL or FR) replaced by the other when given; `PipelineError` when the master has
    none."""
    if master.sound is None:
        raise PipelineError(say(N_("%(file)s has no sound to use"), file=str(master.info.path)))
    return stereo_sound(ffmpeg.input(path), master.sound, master.info.duration, dc, silent)


def starts_with_picture(info: MediaInfo) -> bool:
    """The picture is the file's first stream to start: copied as it is, it starts at zero."""
    video = info.video
    return video is not None and (video.start_time or 0.0) - info.start_time <= SAME_START


def master_fits(master: Master, profile: Profile) -> bool:
    """The master's video stream can go into the variant as it is: it is what the profile's
    encoder would make (H.264, profile, level, 4:2:0) at the profile's frame size and rate (a
    size-capped profile's bitrate is its own: never copied), with square pixels, upright,
    progressive and not flagged interlaced, in BT.709 SDR (media/colour.py), starting the file,
    nothing to crop, and no `programme_start` to cut at."""
    video, info = master.info.video, master.info
    if video is None:
        return False
    level_ok = profile.max_level is None or (video.level or 0) <= round(profile.max_level * 10)
    return bool(
        video.codec == "h264" and profile.video_codec == "libx264" and not profile.video_bitrate
        and not profile.max_mb_per_minute
        and (video.width, video.height) == (profile.width, profile.height)
        and master.geometry.square_upright and master.scan.scan == "progressive"
        # Progressive content coded interlaced (PsF) keeps its stream's field order when copied,
        # and the deliverable says it is interlaced (players may deinterlace it): `h264_metadata`
        # cannot rewrite the pictures' pic_struct. Encoded once, as the shared picture, it is not.
        and flagged(video) in (None, "progressive")
        and (profile.fps is None or abs((video.fps or 0) - profile.fps) < 0.01)
        and not video.variable_rate
        and video.pix_fmt == profile.pix_fmt and profile.scan == "progressive"
        and level_ok and video.level is not None
        and (profile.x264_profile is None or (video.profile or "").lower() == profile.x264_profile)
        and master.matrix == OUTPUT and master.colour_warning is None and master.remap is None
        and starts_with_picture(info) and not info.programme_start)
