"""Masters for stations' playout: the leader, then the programme at its start timecode, the mix
on discrete mono tracks, the clock number in the wrapper's metadata; checked from the file.

One ffmpeg run per master: leader parts (render/leader.py, render/slate.py) and the programme
(the treatment's picture, progressive, in the profile's pixel format; the shared levelled mix)
are joined by `concat`, then the picture is flagged with the profile's field order and the mix
split into mono tracks: 1 left, 2 right, the rest silence or the mix again (`audio_fill`).

A progressive master becomes an interlaced master as progressive segmented frames (both fields
from one instant), which is how stations carry 25p material in a 1080i25 house format. An
interlaced master going to an interlaced profile keeps its motion: each field becomes a frame
(`bwdif` per field), is scaled and burned at the field rate, and the frames are woven into fields
again (`interlace`), so 50 moments a second stay 50; a 50p or 59.94p master's frames are woven
the same way, into 1080i at half its rate (render/leader.py's `output_rate`). A master made at
a profile's other `fps` has its pictures repeated or dropped at the field rate, then woven:
23.976 fps film into 1080i29.97 gets 2:3 pulldown, 50p one field more in every 5.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import ffmpeg

from pipeline.media.colour import BT709
from pipeline.media.geometry import upscaled_from
from pipeline.media.loudness import Loudness
from pipeline.media.probe import MediaInfo
from pipeline.media.timecode import exact_rate, same_label
from pipeline.profiles import Profile
from pipeline.publish.i18n import clock_comment
from pipeline.render import leader
from pipeline.render.audio import CODEC_NAMES, audio_encoder_args
from pipeline.render.encoders import container_args, video_encoder_args, xdcam_gop
from pipeline.render.leader import LeaderTiming, RateChange, file_timecode, leader_timing, near, \
    rate_change
from pipeline.render.variants import VariantPlan
from pipeline.render.slate import BACKGROUND, SlateFacts, slate_picture, write_slate
from pipeline.subtitles.fonts import resolve_font

Stream = ffmpeg.nodes.FilterableStream

# What ffprobe must find in a master of each codec (CONTRACT.md "Next": XDCAM HD422, ProRes 422 HQ).
CODEC_CHECKS = {"mpeg2video": ("mpeg2video", "4:2:2"), "prores_ks": ("prores", "HQ")}
FIELD_ORDERS = {"progressive": "progressive", "tff": "tt", "bff": "bb"}


def timing_of(plan: VariantPlan) -> LeaderTiming:
    return leader_timing(plan.variant.profile, plan.master.video.fps if plan.master.video else None)


def weaves_fields(plan: VariantPlan) -> bool:
    """The profile is interlaced and its fields are made one from each picture of the master's
    at the field rate: the master is interlaced too, or progressive at another rate than the
    frames made (50p into 1080i25; 23.976, 25 or 50 fps into 1080i29.97, leader.RateChange).
    Made at the frame rate, both fields of a frame showed one picture: a 50p master made at
    29.97 kept 29.97 of its 50 moments, and a 23.976 one held a picture for 4 fields in 10
    (a trial's frame counters, read field by field)."""
    if plan.variant.profile.scan == "progressive":
        return False
    video = plan.master.video
    return plan.conform.scan.scan != "progressive" or (
        video is not None and video.fps is not None
        and not near(exact_rate(video.fps), timing_of(plan).rate))


def deinterlaced_per_field(plan: VariantPlan) -> bool:
    """A progressive master profile made from an interlaced master at more frames a second
    than the master has (1080i25 into 50p or 29.97p): deinterlaced a frame per field, so the
    fields' motion is kept; deinterlaced a frame per two fields, each frame was shown twice
    and half the motion was gone (a trial's 25i into 50p ProRes: frames 0 0 2 2 4 4)."""
    profile, video = plan.variant.profile, plan.master.video
    if profile.scan != "progressive" or not profile.mastered or not profile.fps or \
            plan.conform.scan.scan == "progressive" or video is None or video.fps is None:
        return False
    made, frames = exact_rate(profile.fps), exact_rate(video.fps)
    return made > frames and not near(made, frames)


def fields_drawn(plan: VariantPlan) -> bool:
    """The master's fields each become a picture: woven again, or deinterlaced one by one."""
    return plan.conform.scan.scan != "progressive" and (weaves_fields(plan)
                                                        or deinterlaced_per_field(plan))


def drawn_rate(plan: VariantPlan) -> float | None:
    """Frames a second of the picture the treatment draws burned subtitles on (None: unknown):
    the output's frame rate where woven fields are drawn one frame per field (`bwdif` per
    field, then `interlace`; `weaves_fields`), which the script is timed on field by field
    (`burn.write_ass`'s `fields`): timed at the frame rate alone, a cue's first frame was
    written as the middle between two frames, the time of a field, and the centisecond
    rounding put the text on the field before the frame (480i into 1080i29.97: a cue of frame
    15 drawn from field 29); timed at the field rate alone, a cue between two frames' times
    started on the second field of one (a trial's 25p into 1080i29.97, a cue at 2.52 s)."""
    if weaves_fields(plan):
        return float(timing_of(plan).rate)
    return plan.variant.profile.fps or (plan.master.video.fps if plan.master.video else None)


def programme_frames(plan: VariantPlan, timing: LeaderTiming) -> int:
    """The programme's length in whole frames at the output rate."""
    return round(plan.master.duration * timing.rate)


def master_streams(plan: VariantPlan, picture: Stream, audio: Stream, loudness: Loudness | None,
                   workdir: Path) -> tuple[Stream, list[Stream]]:
    """The master's picture and its audio tracks: leader parts, then the programme (`picture`
    and `audio` from their first frame and sample), joined."""
    profile = plan.variant.profile
    timing = timing_of(plan)
    frames = programme_frames(plan, timing)
    pictures: list[Stream] = []
    sounds: list[Stream] = []
    if timing.bars:
        pictures.append(leader.bars(timing, profile))
        sounds.append(leader.tone(timing, profile))
    if timing.slate:
        pictures.append(_slate(plan, timing, frames, loudness, workdir))
    if timing.black:
        pictures.append(leader.black(timing, profile, timing.black))
    if timing.slate + timing.black:
        sounds.append(leader.silence(timing, profile, timing.slate + timing.black))
    count = leader.samples(frames, timing.rate, profile.sample_rate)
    if weaves_fields(plan):
        picture = (picture.filter("fps", _rate(timing.rate * 2))
                   .filter("interlace", scan=profile.scan, lowpass="off"))
    else:
        picture = picture.filter("fps", _rate(timing.rate))
    pictures.append(picture.trim(end_frame=frames).setpts("PTS-STARTPTS"))
    sounds.append(audio.filter("apad", whole_len=count).filter("atrim", end_sample=count)
                  .filter("asetpts", "N/SR/TB"))
    # Picture and sound are joined apart: each part's sound is exactly as long as its frames.
    video = _joined([_frame(p, profile) for p in pictures], video=True)
    if profile.scan != "progressive":
        video = video.filter("setfield", profile.scan)
    return video, tracks(_joined(sounds, video=False), profile)


def _rate(rate) -> str:
    return f"{rate.numerator}/{rate.denominator}"


def _joined(parts: list[Stream], video: bool) -> Stream:
    if len(parts) == 1:
        return parts[0]
    return ffmpeg.concat(*parts, v=int(video), a=int(not video))


def _frame(video: Stream, profile: Profile) -> Stream:
    """Every part of a master in one pixel format and pixel shape (concat takes nothing else)."""
    return video.filter("format", profile.pix_fmt).filter("setsar", 1)


def _slate(plan: VariantPlan, timing: LeaderTiming, frames: int, loudness: Loudness | None,
           workdir: Path) -> Stream:
    variant, profile = plan.variant, plan.variant.profile
    font = resolve_font(plan.inputs["slate_font"]["path"])
    facts = SlateFacts(frames, timing.rate, variant.clock, loudness, profile.timecode,
                       datetime.now(timezone.utc).strftime("%Y-%m-%d"))
    ass = workdir / "slate" / "slate.ass"
    ass.parent.mkdir(parents=True, exist_ok=True)
    write_slate(variant, facts, font, profile.width, profile.height, ass)
    return slate_picture(leader.backdrop(BACKGROUND, timing, profile, timing.slate), ass, font)


def tracks(mix: Stream, profile: Profile) -> list[Stream]:
    """The stereo mix as the profile carries it: one track, or mono tracks with the mix on 1-2
    and the rest silent (digital zero) or the mix again, left on odd tracks and right on even."""
    if not profile.audio_tracks:
        return [mix]
    copies = mix.filter_multi_output("asplit", profile.audio_tracks)
    out = []
    for number in range(profile.audio_tracks):
        channel = f"c{number % 2}"
        gain = "" if number < 2 or profile.audio_fill == "copy" else "0*"
        out.append(copies[number].filter("pan", args=f"mono|c0={gain}{channel}"))
    return out


def output_args(plan: VariantPlan, threads: int = 0) -> dict:
    """Codecs, start timecode and metadata of a master."""
    variant, profile = plan.variant, plan.variant.profile
    timing = timing_of(plan)
    args = container_args(profile) | video_encoder_args(profile, threads)
    if profile.video_codec == "mpeg2video":
        args["g"] = xdcam_gop(timing.rate)
    if profile.audio_tracks:
        args |= {"c:a": profile.audio_codec, "ar": profile.sample_rate}
    else:
        # One track, the mix: the profile's encoder settings (its bit rate; ffmpeg's default
        # made a 192k web profile's AAC 127 kb/s) and the spoken language, as other files have.
        args |= audio_encoder_args(profile) | {"metadata:s:a:0": f"language={plan.spoken_tag}"}
    timecode = file_timecode(profile, timing)
    if timecode:
        args["timecode"] = timecode
    title = variant.title
    metadata = {"title": title,
                "comment": clock_comment(variant.clock, variant.manifest.page_language)[0]
                if variant.clock else title,
                "creation_time": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")}
    if profile.container == "mxf" and variant.clock:
        # MXF's material package name and the source's reel name (mediainfo: "Package name").
        metadata |= {"material_package_name": variant.clock, "reel_name": variant.clock}
    for number, (key, value) in enumerate(metadata.items()):
        args["metadata" if number == 0 else f"metadata:g:{number}"] = f"{key}={value}"
    return args


def master_graph(plan: VariantPlan, picture: Stream, audio: Stream, loudness: Loudness | None,
                 destination: Path, workdir: Path, threads: int = 0):
    video, audio_tracks = master_streams(plan, picture, audio, loudness, workdir)
    # The encoders take their colour tags from the frames, and the leader's carry none: ProRes
    # wrote "unspecified" in its frame headers (its MOV box said BT.709, from the options).
    video = video.filter("setparams", **BT709)
    return ffmpeg.output(video, *audio_tracks, str(destination), **output_args(plan, threads))


def master_problems(plan: VariantPlan, info: MediaInfo) -> list[str]:
    """What ffprobe finds wrong in a rendered master: codec and its profile, pixel format, field
    order, the number and shape of its audio tracks, the start timecode."""
    profile = plan.variant.profile
    problems = []
    video = info.video
    codec, codec_profile = CODEC_CHECKS.get(profile.video_codec, (None, None))
    if video is not None and codec and (video.codec, video.profile) != (codec, codec_profile):
        problems.append(f"video is {video.codec} {video.profile}, not {codec} {codec_profile}")
    if video is not None and video.pix_fmt != profile.pix_fmt:
        problems.append(f"pixels are {video.pix_fmt}, not {profile.pix_fmt}")
    if video is not None and video.field_order != FIELD_ORDERS[profile.scan]:
        problems.append(f"field order is {video.field_order}, not {FIELD_ORDERS[profile.scan]}")
    if video is not None and (video.color_space, video.color_transfer) != ("bt709", "bt709"):
        problems.append(f"colour is tagged {video.color_space}/{video.color_transfer}, not bt709")
    audio = info.of_kind("audio")
    wanted = profile.audio_tracks or 1
    channels = 1 if profile.audio_tracks else profile.channels
    # ffprobe names the format, not the encoder: libmp3lame's is mp3.
    encoded = CODEC_NAMES.get(profile.audio_codec, profile.audio_codec)
    if len(audio) != wanted or any(s.channels != channels or s.codec != encoded for s in audio):
        problems.append(f"audio is {len(audio)} tracks of {[s.channels for s in audio]} channels, "
                        f"not {wanted} of {channels} ({profile.audio_codec})")
    expected = file_timecode(profile, timing_of(plan))
    if expected and not same_label(info.timecode, expected):
        problems.append(f"timecode starts at {info.timecode}, not {expected}")
    return problems


def converted(plan: VariantPlan) -> RateChange | None:
    """The master's pictures repeated or dropped to make the profile's `fps`
    (leader.RateChange), or None."""
    video = plan.master.video
    return rate_change(plan.variant.profile, video.fps if video else None, fields_drawn(plan),
                       weaves_fields(plan))


def _converted_from(plan: VariantPlan) -> dict:
    """The record's `converted_from` (the master's rate, "25/1"), `pulldown` and `judders` (its
    pictures repeated or dropped unevenly) of a master made at another rate: a station airs
    judder it was not told of, else. Nothing otherwise."""
    change = converted(plan)
    if change is None:
        return {}
    return {"converted_from": f"{change.source.numerator}/{change.source.denominator}",
            "pulldown": change.pulldown, "judders": change.judders}


def master_record(plan: VariantPlan) -> dict:
    """What a record says of a master: leader, timecodes, programme length, scan (and whether
    its fields were woven from the master's, or deinterlaced from them), track layout."""
    profile = plan.variant.profile
    timing = timing_of(plan)
    frames = programme_frames(plan, timing)
    layout = ["mix L", "mix R"] + [("mix L", "mix R")[n % 2] if profile.audio_fill == "copy"
                                   else "silence" for n in range(2, profile.audio_tracks)]
    return {"master": {
        "leader": timing.to_json(), "rate": f"{timing.rate.numerator}/{timing.rate.denominator}",
        "programme_timecode": profile.timecode, "file_timecode": file_timecode(profile, timing),
        "programme_frames": frames, "programme_seconds": round(float(frames / timing.rate), 6),
        "scan": profile.scan, "woven_from_fields": weaves_fields(plan),
        # A progressive master of an interlaced picture: a frame for each two fields, half
        # their motion (a station sees 25p from 50i material only by looking, else).
        "deinterlaced": profile.scan == "progressive" and plan.conform.scan.scan != "progressive"
        and not deinterlaced_per_field(plan),
        # A picture enlarged to the master's frame (an SD master upconverted to HD) is softer
        # than its frame size says: a station's ingest flags upconversions, and some air them
        # only when told. Its active size, in the upright picture's pixels.
        "upscaled_from": upscaled_from(plan.conform.geometry, profile),
        **_converted_from(plan),
        "audio_tracks": layout if profile.audio_tracks else ["mix"]}}
