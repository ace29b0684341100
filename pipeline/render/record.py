"""What a render leaves: files moved into place atomically, checked, measured and recorded."""

from __future__ import annotations

import json
import os
import shutil
import threading
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

import ffmpeg

from pipeline import RENDER_VERSION, __version__
from pipeline.errors import Diagnostic, RenderError, warning
from pipeline.files import atomic_output, write_atomically
from pipeline.fingerprint import sha256_file, sha256_json
from pipeline.messages import N_, Items, Message, Number, say
from pipeline.media.colour import OUTPUT
from pipeline.media.ffmpeg import ffmpeg_version, run_ffmpeg
from pipeline.media.geometry import shown_share, upscaled_from
from pipeline.media.probe import MediaInfo, probe
from pipeline.media.seeking import ffmpeg_seconds, frame_start
from pipeline.profiles import Profile
from pipeline.render.ebutt_sidecar import ebutt_name, write_ebutt_sidecar
from pipeline.render.leader import leader_seconds, output_rate
from pipeline.render.leveling import SharedTrack
from pipeline.render.medium import MASTER_SOUND, sound_source
from pipeline.render.loudness_limits import LOUDNESS_RANGE, limit_profiles, loudness_range
from pipeline.render.variants import Variant, VariantPlan
from pipeline.standards import loudness_unit
from pipeline.subtitles.model import cue_middle
from pipeline.subtitles.sidecars import SIDECAR_SUFFIXES, write_sidecars as write_subtitle_sidecars

_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


@contextmanager
def made_once(target: Path) -> Iterator[bool]:
    """Serialise the threads that need the same shared file; yields whether it must be made."""
    with _locks_guard:
        lock = _locks.setdefault(str(target), threading.Lock())
    with lock:
        yield not target.exists()


def failed_checks(variant: Variant, problems: list[str | Message]) -> RenderError:
    """The error of a file just rendered that failed its checks, said of that file, never put
    in place: a trial read it, at the variant's name, as its file broken, where the previous
    render was, whole."""
    kept = say(N_("; the file under this name is the previous render, kept")) \
        if variant.output.exists() else ""
    return RenderError(say(N_("%(variant)s: the file just rendered failed its checks and was not "
                              "put in place%(kept)s: %(problems)s"), variant=variant.stem,
                           kept=kept, problems=Items(tuple(problems), "; ")), variant.output)


def check_output(plan: VariantPlan, path: Path) -> MediaInfo:
    """The rendered file has the profile's frame, the master's length (after any leader), the
    expected tracks and, for a size-capped profile, a size under its cap."""
    profile, variant = plan.variant.profile, plan.variant
    info = probe(path)
    expected = plan.master.duration + leader_offset(plan)
    problems = []
    video = info.video
    if video is None or (video.width, video.height) != (profile.width, profile.height):
        size = f"{video.width}x{video.height}" if video else say(N_("no picture"))
        problems.append(say(N_("picture is %(size)s, the profile wants %(wanted)s"), size=size,
                            wanted=f"{profile.width}x{profile.height}"))
    if info.audio is None or info.audio.sample_rate != profile.sample_rate:
        problems.append(say(N_("audio is not %(rate)s Hz"), rate=profile.sample_rate))
    frame = 1 / (video.fps or 25) if video else 0.04
    if abs(info.duration - expected) > max(2 * frame, 0.1):
        problems.append(say(N_("duration %(duration)s s differs from the expected %(expected)s s "
                               "(the master's %(master)s s after any leader)"),
                            duration=Number(info.duration, ".3f"),
                            expected=Number(expected, ".3f"),
                            master=Number(plan.master.duration, ".3f")))
    # The picture's length is the file's to ffprobe's `info.duration`; a player shows the
    # longest stream's (a text track past the end made a 15.0 s spot a 15.4 s file).
    longest = max((stream for stream in info.streams if stream.duration),
                  key=lambda stream: stream.duration, default=None)
    if longest is not None and longest.duration - expected > max(2 * frame, 0.1):
        problems.append(say(N_("its %(kind)s stream runs to %(end)s s, past the expected "
                               "%(expected)s s: the file plays that long"), kind=longest.kind,
                            end=Number(longest.duration, ".3f"),
                            expected=Number(expected, ".3f")))
    # Every track's sound is made as long as the spot: a track that stops short ends in
    # silence before the picture (a trial's 44.1 kHz dub stopped 88 ms short, its frames'
    # times rounded). Two AAC frames' tolerance: an encoder's last frame.
    sound = info.audio
    if sound is not None and sound.duration and \
            expected - sound.duration > max(frame, 2 * 1024 / profile.sample_rate):
        problems.append(say(N_("its sound stream ends at %(end)s s, %(short)s ms before the "
                               "expected %(expected)s s"), end=Number(sound.duration, ".3f"),
                            short=Number(1000 * (expected - sound.duration), ".0f"),
                            expected=Number(expected, ".3f")))
    if plan.subtitles is not None and variant.treatment != "burn" and not profile.mastered:
        shown = [track.default for track in info.of_kind("subtitle")]
        # soft: the track is the language, shown unasked; dub, mix: the sound speaks it already.
        wanted = variant.language.treatment == "soft" or variant.language.forced_subtitles
        if not shown:
            problems.append(say(N_("the subtitle track is missing")))
        elif shown != [wanted]:
            problems.append(say(N_("its subtitle track is hidden by default (a %(treatment)s "
                                   "variant's is shown)") if wanted else
                                N_("its subtitle track is shown by default (a %(treatment)s "
                                   "variant's is hidden)"),
                                treatment=variant.language.treatment))
    if profile.max_mb_per_minute:
        cap, size = profile.max_mb_per_minute * 1e6 * plan.master.duration / 60, path.stat().st_size
        if size > cap:
            problems.append(say(N_("it is %(size)s MB, over the profile's cap of %(cap)s MB "
                                   "(%(rate)s MB a minute)"), size=Number(size / 1e6, ".2f"),
                                cap=Number(cap / 1e6, ".2f"),
                                rate=Number(profile.max_mb_per_minute, "g")))
    if problems:
        raise failed_checks(variant, problems)
    return info


# What `VariantPlan.remake` names, beside the files it makes again, when the record's own
# warnings of the inputs are to be rewritten (status.warnings_changed, remake.py); a msgid,
# said in the reader's language where a reason names it (a trial's Spanish plan read "its QC
# warnings cambió").
RECORD_WARNINGS = N_("its QC warnings")


def names_beside(record: dict) -> list[str]:
    """The files a record names beside its variant, which the catalog and page link to: its
    poster, certificate and sidecars."""
    names = [record.get("poster"), record.get("certificate"), *record.get("sidecars", [])]
    return [name for name in names if name]


def files_beside(folder: Path, record: dict) -> dict[str, int]:
    """{name: bytes} of `names_beside(record)`: what the up-to-date check compares, so that one
    deleted or replaced is made again."""
    return {name: (folder / name).stat().st_size for name in names_beside(record)}


def leader_offset(plan: VariantPlan) -> float:
    """Seconds before the programme in the variant's file (a master's leader)."""
    return leader_seconds(plan.variant.profile, plan.master.video.fps if plan.master.video else None)


# LU of integrated loudness a limiter may take before it is said (`Leveling.loudness_cut`). The
# pipeline's own figure, no standard's: shaving transients costs no loudness (a dub's plosives,
# 11 dB over the ceiling, cost 0.1 LU) and goes unheard; a trial's 5.1 film mix brought to
# -16 LUFS lost 3 LU to its limiter, its dialogue 4.5 dB under a plain gain's, unsaid.
HEAVY_LIMITING = 2.0
LIMITED = "limited"         # the code of its warning
_PEAKS_SOURCE = {
    **dict.fromkeys(MASTER_SOUND, say(N_("listen to it; ask for a master mixed with less "
                                         "dynamics (its peaks closer to its loudness)"))),
    "dub": say(N_("listen to it; even out the dub recording's peaks (a compressor or limiter) "
                  "before delivering it")),
    "mix": say(N_("listen to it; even out the voice-over's peaks (a compressor or limiter), or "
                  "lower the music bed's")),
}


def output_warnings(plan: VariantPlan, audio: SharedTrack) -> list[Diagnostic]:
    """What QC finds on the rendered file itself (its inputs' warnings are in the plan): silence
    nobody asked for (a spot's `audio: silent` asks for it) and no input's warning already
    said (a master's silent sound: master_sound.master_sound_warnings), a loudness range
    wider than the profile's (`loudness_limits.loudness_range`) unless planning said it of the
    sound levelled here, and a limiter that takes more than HEAVY_LIMITING LU
    of loudness to reach the target (`Leveling.loudness_cut`)."""
    profile, loudness = plan.variant.profile, audio.loudness
    if not loudness.defined:
        # Asked for, or already said of the master's sound at planning, where it comes from.
        if plan.variant.language.treatment in MASTER_SOUND and (
                plan.conform.silent or any(w.code == "master-silent" for w in plan.warnings)):
            return []
        return [warning(say(N_("the audio is silent: its loudness is undefined (no 400 ms block "
                               "reaches ITU-R BS.1770-4's absolute gate, -70 %(unit)s)"),
                            unit=loudness_unit(profile.loudness_standard)), plan.variant.output,
                        hint=say(N_("check the source's audio")), code="silent-audio")]
    found, treatment = [], plan.variant.language.treatment
    # At the file to fix, as the sound's errors are (`audio.track_name`): said once for all
    # the variants that carry the track (a trial's master sound was said 20 times, at each).
    source = sound_source(treatment, plan.inputs)
    # Of a dub or the master's sound, said at planning from its analysis (the same sound, at
    # another gain): not twice.
    if not any(w.code == LOUDNESS_RANGE for w in plan.warnings):
        found += loudness_range(source, loudness.lra, {profile.loudness_range: limit_profiles(
            plan.variant.manifest, plan.radio, treatment, profile)}, treatment)
    leveling = audio.leveling
    if leveling.loudness_cut > HEAVY_LIMITING:
        unit = loudness_unit(profile.loudness_standard)
        found.append(warning(say(N_("the limiter takes %(loss)s LU of the sound's loudness (up to "
                                    "%(cut)s dB off its peaks) to bring it to %(target)s %(unit)s "
                                    "under %(ceiling)s dBTP: voices and music may sound "
                                    "squashed"),
                                 loss=Number(leveling.loudness_cut, ".1f"),
                                 cut=Number(leveling.peak_cut, ".1f"),
                                 target=Number(profile.loudness), unit=unit,
                                 ceiling=Number(profile.true_peak)),
                             source,
                             hint=_PEAKS_SOURCE[treatment],
                             code=LIMITED))
    return found


def limited_once(said: list[tuple[Diagnostic, Profile, dict]]) -> Diagnostic:
    """The `limited` warnings of the variants one source makes in several profiles as one, for
    the terminal (`said`: each warning, its variant's profile and its record's loudness): each
    profile levels its own track, so a source too loud for its limiters got a warning at its
    file per profile, with other figures (2.6 and 2.9 LU). Profiles of the same figures are
    named together; each record keeps its own warning."""
    named: dict[tuple, list[str]] = {}
    for _, profile, loudness in said:
        figures = (f"{loudness['limiter_loudness_cut_lu']:.1f}",
                   f"{loudness['limiter_peak_cut_db']:.1f}", f"{profile.loudness:g}",
                   loudness_unit(profile.loudness_standard), f"{profile.true_peak:g}")
        names = named.setdefault(figures, [])
        if profile.name not in names:
            names.append(profile.name)
    # "of the sound's loudness" after the first figure only.
    parts = [say(N_("%(loss)s LU in %(profiles)s (up to %(cut)s dB off its peaks to bring it to "
                    "%(target)s %(unit)s under %(ceiling)s dBTP)") if at else
                 N_("%(loss)s LU of the sound's loudness in %(profiles)s (up to %(cut)s dB off its "
                    "peaks to bring it to %(target)s %(unit)s under %(ceiling)s dBTP)"),
                 loss=Number(float(loss), ".1f"), profiles=Items(tuple(names), " and "),
                 cut=Number(float(cut), ".1f"), target=Number(float(target), "g"), unit=unit,
                 ceiling=Number(float(ceiling), "g"))
             for at, ((loss, cut, target, unit, ceiling), names) in enumerate(named.items())]
    first = said[0][0]
    return warning(say(N_("the limiter takes %(parts)s: voices and music may sound squashed"),
                       parts=Items(tuple(parts), ", ", " and ")), first.path, first.line,
                   first.hint_detail or first.hint, first.code)


def make_record(plan: VariantPlan, path: Path, info: MediaInfo, audio: SharedTrack,
                seconds: float) -> dict:
    """The variant's record; its loudness is the meter's reading of the audio it carries."""
    variant = plan.variant
    video = info.video
    sidecars = [variant.sidecar_path(s).name for s in SIDECAR_SUFFIXES] \
        if plan.subtitles is not None and variant.language.treatment != "burn" else []
    sidecars += filter(None, [ebutt_name(plan)])     # a TV master's, on its own timecode
    # A variant without a picture (a radio spot's, or an audio-only profile's) has no poster.
    warnings = list(plan.warnings) + output_warnings(plan, audio)
    # A master says it among its facts (mastering.master_record); a web file of an SD master,
    # 1920x1080 on the page, showed an HD picture it does not have.
    enlarged = upscaled_from(plan.conform.geometry, variant.profile) \
        if video and plan.conform and not variant.profile.mastered else None
    shown = shown_share(plan.conform.geometry, variant.profile) if video and plan.conform else None
    return {
        "render_version": RENDER_VERSION, "pipeline_version": __version__, "ffmpeg": ffmpeg_version(),
        "fingerprint": plan.fingerprint, "campaign": variant.manifest.campaign,
        "spot": variant.spot.id, "spot_title": variant.spot.title,
        "language": variant.language.code, "language_name": variant.language.name,
        "treatment": variant.treatment, "profile": variant.profile.name,
        **({"clock": variant.clock} if variant.clock else {}),
        "medium": "radio" if plan.radio else "video",
        "file": variant.output.name, "poster": variant.poster_path.name if video else None,
        "sidecars": sidecars, "bytes": path.stat().st_size, "sha256": sha256_file(path),
        "duration": round(info.duration, 3), "width": video.width if video else None,
        "height": video.height if video else None,
        **({"upscaled_from": enlarged} if enlarged else {}),
        **({"picture_shown": shown} if shown else {}),
        "streams": [s.to_json() for s in info.streams],
        "loudness": audio.to_json(),
        "inputs": plan.inputs, "settings": plan.settings,
        "conform": plan.conform.describe() if plan.conform else None,
        # The first `from_inputs` warnings are the plan's, of its inputs and the manifest, which
        # a later plan may word otherwise with the file unchanged (a profile added to those a
        # warning names, a warning dealt with): remake.py rewrites them, nothing re-rendered.
        "qc": {"warnings": [w.to_json() for w in warnings], "from_inputs": len(plan.warnings)},
        "render_seconds": round(seconds, 2),
        "rendered_at": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def poster_time(plan: VariantPlan) -> float:
    """Seconds into the variant's file, the start of the frame shown then: for a burned variant
    the middle of its first cue as the picture shows it (a cue running past the end is cut
    there), so the poster shows the subtitles; else 40 % of the programme. A frame is shown
    from its start to the next one's, so the time is rounded down to a frame, and is at most
    the last frame's."""
    duration = plan.master.duration
    at = duration * 0.4
    if plan.variant.treatment == "burn" and plan.cues:
        at = cue_middle(plan.cues[0], duration)
    rate = output_rate(plan.variant.profile, plan.master.video.fps if plan.master.video else None)
    return leader_offset(plan) + frame_start(at, rate, duration)


# Pixels; the height in proportion, to an even number, in square pixels (setsar: the scaler
# keeps the frame's shape in the pixel aspect, 1281:1280 for a 9:16 frame's 854 lines).
POSTER_WIDTH = 480
POSTER_JPEG = {"frames:v": 1, "q:v": 3, "f": "image2"}
# JPEG (JFIF) samples are BT.601, full range, and every viewer reads them so: the pictures'
# BT.709 samples are converted, or a 75 % green bar shows G' 224 instead of 191.
POSTER_SCALE = {"in_color_matrix": OUTPUT, "out_color_matrix": "bt601", "out_range": "full"}


def extract_poster(video: Path, at: float, target: Path) -> None:
    """The frame of `video` shown at `at` seconds as a JPEG at `target`: a frame flagged
    interlaced (an interlaced master's, its two fields two moments) deinterlaced, else a
    thumbnail combs wherever the picture moves; a progressive frame is passed as it is."""
    with atomic_output(target) as partial:
        run_ffmpeg(["-loglevel", "error", "-ss", ffmpeg_seconds(at), "-i", str(video),
                    "-vf", f"bwdif=deint=interlaced,scale={POSTER_WIDTH}:-2:"
                           + ":".join(f"{key}={value}" for key, value in POSTER_SCALE.items())
                           + ",setsar=1",
                    *(arg for key, value in POSTER_JPEG.items() for arg in (f"-{key}", str(value))),
                    str(partial)], what="extracting the poster frame", path=target)
        if not partial.exists():   # ffmpeg writes no image, and says nothing, past the last frame
            raise RenderError(say(N_("no frame at %(at)s s to make the poster from"),
                                  at=Number(at, ".3f")), video)


def poster_output(picture: ffmpeg.nodes.FilterableStream, at: float, frames: Path):
    """An ffmpeg-python output writing two JPEGs named by the image2 pattern `frames` (a `%d`
    in it): 0, the picture's first frame, and 1, the poster, its first frame at or after `at`
    seconds: a frame the encoder of the same process gets, taken without a decode of the
    encoded file (0.1-0.4 CPU-s a 1080p burn, for its seek). Frame 0 is there for the progress
    display: ffmpeg 5.1 writes no `-progress` report until every output has written its header,
    which an output's first frame does; with the poster alone, the bars of a burn group stayed
    at 0 % until the decode reached the poster's time (40 % of the encode of a 12 s 1080p
    group, measured). 1 is missing when the picture ends before `at`."""
    split = picture.filter_multi_output("split", 2)
    first = split[0].filter("trim", end_frame=1)
    poster = split[1].filter("trim", start=ffmpeg_seconds(at)).filter("trim", end_frame=1)
    # At 0 and 1 s: concat could give both frames one time (a poster at the first frame), or
    # times closer than the encoder's time base; the JPEG encoder refused the second
    # ("Invalid pts (0) <= last (0)"), now and then.
    both = ffmpeg.concat(first, poster, n=2, v=1, a=0).filter("setpts", "N/TB")
    return ffmpeg.output(both.filter("scale", POSTER_WIDTH, -2, **POSTER_SCALE)
                         .filter("setsar", 1), str(frames),
                         # passthrough: image2 is a constant-rate muxer to ffmpeg, which would
                         # fill the gap between the two frames with copies of the first
                         **{**POSTER_JPEG, "frames:v": 2, "start_number": 0,
                            "fps_mode": "passthrough"})


def shared_poster_path(plan: VariantPlan, shared_picture: Path) -> Path:
    """Where the poster of a shared picture at the variant's poster time is kept, in the
    spot's `.work/`: named for the picture's file, not its name (profiles carrying the same
    picture hard-link it), so a picture made again gets a poster of its own. OSError when
    the picture is not there."""
    stat = shared_picture.stat()
    key = sha256_json({"file": [stat.st_dev, stat.st_ino], "at": poster_time(plan),
                       "size": stat.st_size, "mtime": stat.st_mtime_ns})[:16]
    return plan.variant.folder / ".work" / f"poster-{key}.jpg"


def write_poster(plan: VariantPlan, video: Path, shared_picture: Path | None = None,
                 taken: Path | None = None) -> None:
    """A burned variant's own frame; the others share their picture, and so one poster file
    per picture, made once and copied. `taken`: the burned frame, already taken where it was
    encoded (render/pictures.py), moved into place; when that process wrote none (a picture
    shorter than its probe said), the frame is read from `video`.

    A shared picture's poster is read from `video`, the variant's file copying it, not from the
    picture itself, which may be the master: ffmpeg's seek in MPEG-TS and MPEG-PS lands late
    (see media/seeking.py), in the variant's MP4 or MOV on the frame."""
    if taken is not None and taken.exists():
        os.replace(taken, plan.variant.poster_path)
        return
    at = poster_time(plan)
    if shared_picture is None:
        extract_poster(video, at, plan.variant.poster_path)
        return
    poster = shared_poster_path(plan, shared_picture)
    with made_once(poster) as needed:
        if needed:
            extract_poster(video, at, poster)
    with atomic_output(plan.variant.poster_path) as partial:
        shutil.copyfile(poster, partial)


def write_sidecars(plan: VariantPlan) -> None:
    if plan.subtitles is None or plan.variant.language.treatment == "burn":
        return
    language = plan.variant.language
    write_subtitle_sidecars(plan.cues, plan.variant.sidecar_path, language.bcp47,
                            language.forced_subtitles)
    write_ebutt_sidecar(plan)


def write_json(path: Path, value: dict) -> None:
    write_atomically(path, json.dumps(value, indent=2, ensure_ascii=False) + "\n")
