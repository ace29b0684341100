"""What is timed: the pipeline, the best hand-written commands, the floor and the plain loop.

    pipeline  `pipeline -v render MANIFEST --force` into an empty output folder (no hash or
              loudness cache: every measurement is paid)
      noop    the same command again without --force: everything is up to date
      rerun   one burned language's SRT changed by one character, the command again
    best      the best hand-written commands for the shape's outputs, two at a time, longest
              first: per spot, one decode split into every picture that must be encoded (each
              burned language of each profile, and the re-framed picture a profile's soft and
              dub variants share), the master's loudness measured once and its audio normalised
              once per profile and copied, each dub track measured once, the master's (or the
              shared) picture copied for soft and dub, mov_text for soft; each burned language
              drawn from the ASS script the pipeline writes (its outline, shadow, margins and line
              breaks), written before the clock starts
    floor     the shape's unavoidable picture encodes alone: best's picture commands without
              audio, and nothing else (no audio, no copies, no checks)
    loop      what a media team writes by hand: one ffmpeg per variant, each decoding and
              re-encoding the whole picture, single-pass loudnorm, one after another
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Callable

from bench.campaign import FPS, MP4, PROFILES, Campaign, Profile, Variant
from bench.tools import (
    BenchError,
    Task,
    Usage,
    ffmpeg,
    loudnorm_pass1,
    loudnorm_pass2,
    pipeline_binary,
    probe,
    run,
    run_tasks,
)
from pipeline.manifest import Style
from pipeline.media.ffmpeg import escape_filter_value
from pipeline.subtitles.burn import ass_fontsdir, write_ass
from pipeline.subtitles.fonts import resolve_font
from pipeline.subtitles.formats import read_subtitles

CONTENDERS = ("pipeline", "noop", "rerun", "best", "floor", "loop")
DEFAULT = ("pipeline", "noop", "best", "floor")
WORKERS = 2     # the hand-written commands run two at a time: the machine has 2 cores

Work = Callable[[Usage], dict]


# --- the pipeline -----------------------------------------------------------------------------

def pipeline_command(c: Campaign, force: bool) -> list[str]:
    # -v logs every ffmpeg command the pipeline starts: counted below (a no-op must start none).
    return [pipeline_binary(), "-v", "render", str(c.manifest), *(["--force"] if force else [])]


def count_ffmpeg_commands(log_text: str) -> int:
    return sum(1 for line in log_text.splitlines() if re.match(r"^\S*ffmpeg -hide_banner", line))


def rendered_count(log_text: str) -> int | None:
    found = re.findall(r"(\d+) rendered, (\d+) up-to-date", log_text)
    return int(found[-1][0]) if found else None


def run_pipeline(c: Campaign, name: str, force: bool) -> Work:
    c.logs.mkdir(parents=True, exist_ok=True)
    log = c.logs / f"{name}.log"
    log.unlink(missing_ok=True)

    def work(usage: Usage) -> dict:
        text = run(pipeline_command(c, force), usage, log=log, what=f"pipeline render ({name})")
        return {"ffmpeg_commands": count_ffmpeg_commands(text), "rendered": rendered_count(text)}
    return work


def clean_pipeline_output(c: Campaign) -> None:
    """A fresh output folder: no variants, no records, no .pipeline-cache.json, no .work/."""
    if c.pipeline_out.exists():
        shutil.rmtree(c.pipeline_out)
    c.pipeline_out.mkdir(parents=True)


def pipeline_variants(c: Campaign) -> dict:
    """render_seconds, treatment and loudness of each variant, from the pipeline's records."""
    found = {}
    for variant in c.variants():
        record = json.loads(c.pipeline_record(variant).read_text(encoding="utf-8"))
        found[variant.stem] = {"treatment": variant.treatment,
                               "render_seconds": record["render_seconds"],
                               "loudness_lufs": record["loudness"]["integrated_lufs"],
                               "true_peak_dbtp": record["loudness"]["true_peak_dbtp"]}
    return found


def change_one_subtitle(c: Campaign) -> tuple[Variant, bytes]:
    """Append one character to the first cue of the first burned variant's SRT; return that
    variant and the bytes to restore."""
    variant = next(v for v in c.variants() if v.treatment == "burn")
    path = c.srt(variant.spot, variant.code)
    original = path.read_bytes()
    blocks = original.decode("utf-8").split("\n\n")
    blocks[0] = blocks[0].rstrip("\n") + "!"
    path.write_text("\n\n".join(blocks), encoding="utf-8")
    return variant, original


# --- hand-written commands ----------------------------------------------------------------------

def burn_script(c: Campaign, spot: str, code: str, profile: Profile) -> tuple[Path, Path]:
    """Where the ASS script of `code` burned into `spot` at `profile`'s frame is, and its fonts
    folder (written by `write_burn_scripts`)."""
    folder = c.out / "scripts" / f"{spot}.{code}.{profile.name}"
    return folder / "subtitles.ass", folder / "fonts"


def write_burn_scripts(c: Campaign) -> None:
    """Every burned language's ASS script, as the pipeline writes it (the campaign's default
    style: its outline and shadow, the title-safe margins, its line breaks, cues on frames), and
    a fonts folder with its one font. Untimed: it is the look a hand-writer chooses once, and the
    hand-written commands must draw what the pipeline draws to be compared with it."""
    style = Style()
    font = resolve_font(style.font)
    for spot in c.spots:
        for code in c.shape.codes("burn"):
            cues = read_subtitles(c.srt(spot, code), duration=c.seconds, fps=FPS).cues
            for name in c.shape.profiles:
                profile = PROFILES[name]
                ass, fonts = burn_script(c, spot, code, profile)
                ass.parent.mkdir(parents=True, exist_ok=True)
                write_ass(cues, ass, style=style, width=profile.width, height=profile.height,
                          font=font, language=code, fps=FPS)
                ass_fontsdir(font, fonts.parent)


def burn_filter(c: Campaign, spot: str, code: str, profile: Profile) -> str:
    ass, fonts = burn_script(c, spot, code, profile)
    return (f"ass=filename={escape_filter_value(str(ass))}"
            f":fontsdir={escape_filter_value(str(fonts))}:shaping=complex")


def prepare(c: Campaign, folder: Path, work: Work) -> Work:
    """An empty output folder for a hand-written contender, and the burn scripts it reads."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    write_burn_scripts(c)
    return work


def shared_picture(c: Campaign, contender: str, spot: str, profile: Profile) -> Path:
    """Where a hand-written contender keeps the re-framed picture soft and dub variants copy."""
    return c.out / contender / f"{spot}.{profile.name}.picture.mp4"


def pictures(c: Campaign, contender: str, spot: str) -> list[tuple[Path, Profile, str | None]]:
    """Every picture of `spot` that must be encoded: (output, profile, burned language or None
    for a profile's shared picture)."""
    found = []
    for name in c.shape.profiles:
        profile = PROFILES[name]
        found += [(c.hand_output(contender, Variant(spot, code, "burn", profile)), profile, code)
                  for code in c.shape.codes("burn")]
        if not profile.fits_master and (c.shape.codes("soft") or c.shape.codes("dub")):
            found.append((shared_picture(c, contender, spot, profile), profile, None))
    return found


def pictures_command(c: Campaign, contender: str, spot: str,
                     audio: dict[str, Path] | None) -> list[str]:
    """One decode of the master split into every picture `spot` needs; burned variants copy
    their profile's normalised audio from `audio` (none: pictures only)."""
    outputs = pictures(c, contender, spot)
    args = ["-loglevel", "error", "-i", str(c.master(spot))]
    audio_input = {}
    for name in c.shape.profiles if audio else ():
        audio_input[name] = len(audio_input) + 1
        args += ["-i", str(audio[name])]
    graph = [f"[0:v:0]split={len(outputs)}" + "".join(f"[p{i}]" for i in range(len(outputs)))]
    for i, (_, profile, code) in enumerate(outputs):
        chain = [f for f in (profile.fit(), burn_filter(c, spot, code, profile) if code else "")
                 if f]
        graph.append(f"[p{i}]{','.join(chain) or 'null'}[o{i}]")
    args += ["-filter_complex", ";".join(graph)]
    for i, (path, profile, code) in enumerate(outputs):
        args += ["-map", f"[o{i}]"]
        if audio and code:
            args += ["-map", f"{audio_input[profile.name]}:a:0", "-c:a", "copy"]
        else:
            args += ["-an"]
        args += [*profile.video, *MP4, str(path)]
    return args


def run_best(c: Campaign) -> Work:
    folder = c.out / "best"
    shape = c.shape

    def normalised_audio(spot: str, profile: str) -> Path:
        return folder / f"{spot}.master-audio.{profile}.m4a"

    def work(usage: Usage) -> dict:
        measured: dict[tuple[str, str], dict] = {}

        def master_audio(spot: str) -> None:
            # Measured once; normalised once into every profile's codec by one command.
            found = loudnorm_pass1(c.master(spot), PROFILES["web"].loudnorm, usage)
            args = ["-loglevel", "error", "-i", str(c.master(spot)), "-filter_complex",
                    f"[0:a:0]{loudnorm_pass2(PROFILES['web'].loudnorm, found)},"
                    f"asplit={len(shape.profiles)}" + "".join(f"[a{i}]" for i in range(len(shape.profiles)))]
            for i, name in enumerate(shape.profiles):
                args += ["-map", f"[a{i}]", *PROFILES[name].audio, "-f", "mp4",
                         str(normalised_audio(spot, name))]
            ffmpeg(*args, usage=usage, what=f"best: master audio of {spot}")

        def encode_pictures(spot: str) -> None:
            audio = {name: normalised_audio(spot, name) for name in shape.profiles}
            ffmpeg(*pictures_command(c, "best", spot, audio), usage=usage,
                   what=f"best: pictures of {spot}")

        def picture_of(variant: Variant) -> str:
            return str(c.master(variant.spot) if variant.profile.fits_master
                       else shared_picture(c, "best", variant.spot, variant.profile))

        def soft(variant: Variant) -> None:
            ffmpeg("-loglevel", "error", "-i", picture_of(variant),
                   "-i", str(normalised_audio(variant.spot, variant.profile.name)),
                   "-i", str(c.srt(variant.spot, variant.code)), "-map", "0:v:0", "-map", "1:a:0",
                   "-map", "2:s:0", "-c:v", "copy", "-c:a", "copy", "-c:s", "mov_text",
                   "-metadata:s:s:0", f"language={variant.code}", *MP4,
                   str(c.hand_output("best", variant)), usage=usage, what=f"best: soft {variant.stem}")

        def measure_dub(spot: str, code: str) -> None:
            measured[spot, code] = loudnorm_pass1(c.wav(spot, code), PROFILES["web"].loudnorm, usage)

        def dub(variant: Variant) -> None:
            profile = variant.profile
            ffmpeg("-loglevel", "error", "-i", picture_of(variant),
                   "-i", str(c.wav(variant.spot, variant.code)), "-map", "0:v:0", "-map", "1:a:0",
                   "-c:v", "copy", "-af", loudnorm_pass2(profile.loudnorm,
                                                         measured[variant.spot, variant.code]),
                   *profile.audio, "-t", f"{c.seconds}", "-metadata:s:a:0", f"language={variant.code}",
                   *MP4, str(c.hand_output("best", variant)), usage=usage, what=f"best: dub {variant.stem}")

        def needs(variant: Variant) -> tuple[str, ...]:
            return () if variant.profile.fits_master else (f"pictures:{variant.spot}",)

        # Longest first; a worker waiting for a master's audio measures a dub track meanwhile.
        tasks = [Task(f"audio:{spot}", lambda spot=spot: master_audio(spot))
                 for spot in c.spots if shape.codes("burn") or shape.codes("soft")]
        tasks += [Task(f"pictures:{spot}", lambda spot=spot: encode_pictures(spot),
                       (f"audio:{spot}",) if shape.codes("burn") else ())
                  for spot in c.spots if pictures(c, "best", spot)]
        tasks += [Task(f"measure:{spot}:{code}", lambda spot=spot, code=code: measure_dub(spot, code))
                  for spot in c.spots for code in shape.codes("dub")]
        variants = c.variants()
        tasks += [Task(f"dub:{v.stem}", lambda v=v: dub(v), (f"measure:{v.spot}:{v.code}",) + needs(v))
                  for v in variants if v.treatment == "dub"]
        tasks += [Task(f"soft:{v.stem}", lambda v=v: soft(v), (f"audio:{v.spot}",) + needs(v))
                  for v in variants if v.treatment == "soft"]
        run_tasks(tasks, WORKERS)
        return {"workers": WORKERS}
    return prepare(c, folder, work)


def run_floor(c: Campaign) -> Work:
    """The pictures alone, each spot's from one decode, two spots at a time."""
    def work(usage: Usage) -> dict:
        run_tasks([Task(spot, lambda spot=spot: ffmpeg(*pictures_command(c, "floor", spot, None),
                                                       usage=usage, what=f"floor: {spot}"))
                   for spot in c.spots if pictures(c, "floor", spot)], WORKERS)
        return {"workers": WORKERS}
    return prepare(c, c.out / "floor", work)


def loop_command(c: Campaign, v: Variant, out: Path) -> list[str]:
    master, profile = str(c.master(v.spot)), v.profile
    picture = ",".join(f for f in (profile.fit(), burn_filter(c, v.spot, v.code, profile)
                                   if v.treatment == "burn" else "") if f)
    audio = f"{profile.loudnorm},aresample=48000"
    inputs = ["-i", master]
    maps = ["-map", "0:v:0", "-map", "0:a:0"]
    extra: list[str] = []
    if v.treatment == "soft":
        inputs += ["-i", str(c.srt(v.spot, v.code))]
        maps += ["-map", "1:s:0"]
        extra = ["-c:s", "mov_text", "-metadata:s:s:0", f"language={v.code}"]
    if v.treatment == "dub":
        inputs += ["-i", str(c.wav(v.spot, v.code))]
        maps = ["-map", "0:v:0", "-map", "1:a:0"]
        extra = ["-t", f"{c.seconds}", "-metadata:s:a:0", f"language={v.code}"]
    return [*inputs, *maps, *(["-vf", picture] if picture else []), *profile.video,
            "-af", audio, *profile.audio, *extra, *MP4, str(out)]


def run_loop(c: Campaign) -> Work:
    def work(usage: Usage) -> dict:
        for v in c.variants():
            ffmpeg("-loglevel", "error", *loop_command(c, v, c.hand_output("loop", v)), usage=usage,
                   what=f"loop: {v.stem}")
        return {}
    return prepare(c, c.out / "loop", work)


HAND_WRITTEN = {"best": run_best, "floor": run_floor, "loop": run_loop}


# --- checking what the hand-written contenders made (untimed) -------------------------------------

def check_outputs(c: Campaign, contender: str) -> dict:
    """Every output has the profile's frame in H.264 and AAC 48 kHz and the master's length
    (soft: a subtitle track); its loudness as measured. Not timed."""
    if contender == "floor":
        return {"ok": True, "problems": [], "loudness": {}}
    problems, loudness = [], {}
    for v in c.variants():
        path = c.hand_output(contender, v)
        if not path.exists():
            problems.append(f"{v.stem}: missing")
            continue
        data = probe(path)
        kinds = {s.get("codec_type"): s for s in data.get("streams", [])}
        video, audio = kinds.get("video", {}), kinds.get("audio", {})
        if (video.get("codec_name"), video.get("width"), video.get("height")) != \
                ("h264", v.profile.width, v.profile.height):
            problems.append(f"{v.stem}: picture {video.get('codec_name')} "
                            f"{video.get('width')}x{video.get('height')}")
        if (audio.get("codec_name"), audio.get("sample_rate")) != ("aac", "48000"):
            problems.append(f"{v.stem}: audio {audio.get('codec_name')} {audio.get('sample_rate')}")
        if v.treatment == "soft" and "subtitle" not in kinds:
            problems.append(f"{v.stem}: no subtitle track")
        duration = float(data.get("format", {}).get("duration") or 0)
        if abs(duration - c.seconds) > 0.1:
            problems.append(f"{v.stem}: duration {duration:.3f} s")
        found = loudnorm_pass1(path, v.profile.loudnorm)
        loudness[v.stem] = {"lufs": float(found["input_i"]), "true_peak_dbtp": float(found["input_tp"])}
    if problems and contender == "best":
        raise BenchError("the best hand-written commands made wrong outputs: " + "; ".join(problems))
    return {"ok": not problems, "problems": problems, "loudness": loudness}
