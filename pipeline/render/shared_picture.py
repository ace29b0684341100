"""The pictures variants are encoded into, told apart before anything is encoded, and the
shared picture: the one encode of a master per spot and picture fingerprint that every soft,
dub and mix variant of a profile copies (or the master itself, when it already fits).

It is separate from the treatments (render/treatments.py) because it is made once for many
variants and kept between renders in the spot's `.work/` folder: the scheduler
(render/schedule.py), the picture groups (render/pictures.py) and `clean`
(render/intermediates.py) find it by its name here, without building a variant's graph.
"""

from __future__ import annotations

import os
from pathlib import Path

import ffmpeg

from pipeline import RENDER_VERSION
from pipeline.files import atomic_output, link_atomically, work_folder
from pipeline.fingerprint import sha256_json
from pipeline.media.conform import Stream, fps_key, master_fits, master_picture
from pipeline.media.ffmpeg import ffmpeg_version
from pipeline.profiles import Profile
from pipeline.render.encoders import Progress, encode, two_pass, video_encoder_args
from pipeline.render.record import made_once
from pipeline.render.variants import VariantPlan


def _picture_key(plan: VariantPlan) -> str:
    """The fingerprint of the picture the variant's profile makes of its master (its frame, the
    conform step's settings, x264's): equal for two profiles that differ only in their sound."""
    variant = plan.variant
    return sha256_json({"master": plan.inputs["master"]["sha256"],
                        "video": video_encoder_args(variant.profile, duration=plan.master.duration),
                        "fit": [variant.profile.width, variant.profile.height, variant.profile.fit,
                                fps_key(variant.profile)],
                        "conform": plan.conform.picture_settings,
                        "render_version": RENDER_VERSION,
                        # The version planned with: the same string, known without starting
                        # ffmpeg (`clean` names the pictures no variant uses).
                        "ffmpeg": plan.ffmpeg or ffmpeg_version()})[:16]


def picture_identity(plan: VariantPlan) -> tuple:
    """What tells the encoded pictures of two variants apart, known before anything is encoded: the
    spot's folder, the picture's fingerprint and, for a burn, what its ASS script is written
    from besides the frame: the language (its direction), its style, its subtitle file and
    fonts. Variants of two profiles that differ only in their sound carry the same picture,
    which is encoded once (render/schedule.py, render/pictures.py)."""
    variant = plan.variant
    burned_in = (variant.language.code, variant.language.style,
                 *(plan.inputs[role]["sha256"] for role in sorted(plan.inputs)
                   if role == "subtitles" or role.startswith("font"))) \
        if variant.treatment == "burn" else ()
    return (str(variant.folder), _picture_key(plan), *burned_in)


def shared_picture_target(plan: VariantPlan) -> Path | None:
    """Where the picture every non-burned variant of this spot and profile copies is kept: in
    the spot's `.work/` folder, under a name that carries its fingerprint. None when the master
    itself fits the profile."""
    variant = plan.variant
    if master_fits(plan.conform, variant.profile):
        return None
    name = f"{variant.spot.id}.{variant.profile.name}.{_picture_key(plan)}.picture.mp4"
    return variant.folder / ".work" / name


def shared_picture_twin(target: Path) -> Path | None:
    """Another profile's shared picture of the same spot and fingerprint, made before: the same
    picture, to be linked rather than encoded again."""
    spot, _, key = target.name.removesuffix(".picture.mp4").split(".")
    return next((twin for twin in sorted(target.parent.glob(f"{spot}.*.{key}.picture.mp4"))
                 if twin != target), None)


def drop_stale_pictures(plan: VariantPlan, target: Path) -> None:
    """Shared pictures of this spot and profile made for other settings or masters."""
    pattern = f"{plan.variant.spot.id}.{plan.variant.profile.name}.*.picture.mp4"
    for stale in target.parent.glob(pattern):
        if stale != target:
            stale.unlink(missing_ok=True)


def shared_picture(plan: VariantPlan, threads: int = 0,
                   progress: Progress | None = None) -> Path:
    """The picture every non-burned variant of this spot and profile uses: the master itself
    when it already fits the profile, else one encode per spot and picture fingerprint (made
    here unless a picture group made it already, see `render/pictures.py`; another profile's
    picture of the same fingerprint is linked, not encoded again)."""
    target = shared_picture_target(plan)
    if target is None:
        return Path(plan.inputs["master"]["path"])
    with made_once(target) as needed:
        if needed:
            twin = shared_picture_twin(target)
            if twin is not None:
                link_atomically(twin, target)
            else:
                _encode_shared_picture(plan, target, threads, progress)
            drop_stale_pictures(plan, target)
    return target


def _encode_shared_picture(plan: VariantPlan, target: Path, threads: int,
                           progress: Progress | None) -> None:
    variant, master = plan.variant, plan.inputs["master"]
    with atomic_output(target) as partial, \
            work_folder("pass") as passes:
        picture = master_picture(master["path"], plan.conform, variant.profile)
        passlog = str(Path(passes) / "x264")

        def graph(pass_number: int | None):
            if pass_number == 1:
                return first_pass(picture, variant.profile, threads, plan.master.duration, passlog)
            return ffmpeg.output(picture, str(partial),
                                 **picture_args(variant.profile, threads, plan.master.duration,
                                                passlog if pass_number else None))

        encode(graph, two_pass(variant.profile), target, f"encoding the shared picture of "
               f"{variant.spot.id} for {variant.profile.name}", plan.master.duration, progress)


def picture_args(profile: Profile, threads: int, duration: float,
                 passlog: str | None = None) -> dict:
    """Output arguments of a shared picture: the profile's video, nothing else (`passlog`: the
    second pass of a size-capped profile)."""
    return {"an": None, "sn": None, "f": "mp4",
            **video_encoder_args(profile, threads, duration=duration, passlog=passlog)}


def first_pass(picture: Stream, profile: Profile, threads: int, duration: float, passlog: str):
    """x264's first pass of a size-capped picture: statistics only (in `passlog`), to the null
    muxer, with the frames the second pass's MP4 gets: the null muxer passes timestamps as they
    are, MP4 makes the rate constant (a frame repeated or dropped at a gap), and x264 stops when
    the second pass has more frames than the first's statistics. The conform step makes a
    variable-rate master constant (media/conform.py); this keeps a master whose timestamps
    stray by less than that step's threshold from failing the same way. For a constant-rate
    picture the statistics, and the file, are the same bytes."""
    return ffmpeg.output(picture, os.devnull, f="null", fps_mode="cfr",
                         **video_encoder_args(profile, threads, duration=duration,
                                              passlog=passlog, pass_number=1))

