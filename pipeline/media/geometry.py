"""A master's picture as it is meant to be seen, and how it fills a profile's frame.

ffmpeg's `scale` works on stored pixels (MEASURED.md): a 720x480 NTSC master with square-pixel
arithmetic comes out 10 % too wide. Here the picture is sized by its display shape: stored size
times the sample aspect ratio (SAR), turned by the display matrix. ffmpeg rotates on decode by
default (`-autorotate`, which also drops the matrix from encoded outputs), so the frames a filter
graph receives are already upright, with width and height swapped, and SAR inverted, for a
quarter turn; the sizes here are of those upright frames.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Iterable

import ffmpeg

from pipeline.errors import Diagnostic, PipelineError, warning
from pipeline.media.probe import Stream
from pipeline.messages import N_, Items, N_plural, Number, say, say_count
from pipeline.profiles import Profile

Node = ffmpeg.nodes.FilterableStream


@dataclass(frozen=True)
class Crop:
    """The active picture inside the upright decoded frame, in its pixels."""

    width: int
    height: int
    x: int
    y: int

    def to_json(self) -> dict:
        return {"width": self.width, "height": self.height, "x": self.x, "y": self.y}


@dataclass(frozen=True)
class Geometry:
    """The upright decoded frame (pixels), its pixels' shape, and the active area in it."""

    width: int
    height: int
    sar: Fraction = Fraction(1)
    rotation: int = 0                  # quarter turns applied on decode, in degrees: 0/90/180/270
    crop: Crop | None = None

    @property
    def active(self) -> tuple[int, int]:
        return (self.crop.width, self.crop.height) if self.crop else (self.width, self.height)

    @property
    def display_aspect(self) -> Fraction:
        """Width over height of the active picture as it is meant to be seen."""
        width, height = self.active
        return Fraction(width) * self.sar / height

    @property
    def square_upright(self) -> bool:
        return self.sar == 1 and self.rotation == 0 and self.crop is None

    def to_json(self) -> dict:
        aspect = self.display_aspect.limit_denominator(1000)
        return {"size": [self.width, self.height], "sar": f"{self.sar.numerator}:{self.sar.denominator}",
                "rotation": self.rotation, "display_aspect": f"{aspect.numerator}:{aspect.denominator}",
                "crop": self.crop.to_json() if self.crop else None}


def geometry_of(video: Stream, crop: Crop | None = None) -> Geometry:
    """The geometry of a probed video stream; `crop` in upright pixels, checked against it."""
    width, height = video.width or 0, video.height or 0
    sar = Fraction(1)
    if video.sar:
        num, _, den = video.sar.partition(":")
        if int(num) > 0 and int(den or 0) > 0:
            sar = Fraction(int(num), int(den))
    # A display matrix of a few degrees off a quarter turn is a quarter turn to ffmpeg too.
    rotation = (round((video.rotation or 0) / 90) % 4) * 90
    if rotation in (90, 270):
        width, height, sar = height, width, 1 / sar
    if crop and (crop.width <= 0 or crop.height <= 0 or crop.x < 0 or crop.y < 0
                 or crop.x + crop.width > width or crop.y + crop.height > height):
        raise PipelineError(say(N_("crop %(crop)s at %(at)s does not fit in the %(size)s "
                                   "picture"), crop=f"{crop.width}x{crop.height}",
                                at=f"{crop.x},{crop.y}", size=f"{width}x{height}"))
    return Geometry(width, height, sar, rotation, crop)


def even(value: float) -> int:
    """The nearest even size of at least 2 px (4:2:0 chroma needs even sizes)."""
    return max(2, int(round(value / 2)) * 2)


@dataclass(frozen=True)
class Placement:
    """Where the active picture goes: scaled to `width` x `height`, then padded (letterbox,
    pillarbox) or centre-cropped to the profile's frame."""

    width: int
    height: int
    frame_width: int
    frame_height: int

    @property
    def fills(self) -> bool:
        return (self.width, self.height) == (self.frame_width, self.frame_height)

    @property
    def fill(self) -> float:
        """The share of the frame's area the picture covers (1 when it covers it all: a crop
        cuts the picture, it adds no bars)."""
        covered = min(self.width, self.frame_width) * min(self.height, self.frame_height)
        return covered / (self.frame_width * self.frame_height)

    @property
    def bars(self) -> str | None:
        """Where the black bars are: `pillarbox` (left and right), `letterbox` (above and
        below), `windowbox` (all round), or None."""
        narrower, shorter = self.width < self.frame_width, self.height < self.frame_height
        if narrower and shorter:
            return "windowbox"
        return "pillarbox" if narrower else "letterbox" if shorter else None


# An enlargement said as one: more than a tenth (SD to HD is 1.9x, 720p to 1080p 1.5x); a
# master a few lines short of its frame (1918x1078 in 1920x1080) is no upscaled picture.
UPSCALED = 1.1


def upscaled_from(geometry: Geometry, profile: Profile) -> list[int] | None:
    """[width, height], in the master's stored pixels, of the part of its active picture the
    profile's frame shows (all of it, or a `crop` profile's slice) when the frame shows it
    more than UPSCALED times as many lines high (its lines are what SD and HD are told apart
    by), else None: an enlarged picture is softer than its frame size says, which a station's
    ingest (and anyone choosing a file by its size) is told."""
    width, height = geometry.active
    placed = placement(geometry, profile)
    if placed.height <= height * UPSCALED:
        return None
    if profile.fit == "crop":    # the frame shows a slice of the placed picture
        return [min(width, round(profile.width * width / placed.width)),
                min(height, round(profile.height * height / placed.height))]
    return [width, height]


# A crop said as one where it cuts more than this share of the picture: a frame of the
# picture's own shape is cut a line or two by even sizes.
CROP_SAID = 0.02


def shown_share(geometry: Geometry, profile: Profile) -> float | None:
    """The share (0-1, by area) of the master's active picture a `crop` profile's frame shows,
    when it cuts more than CROP_SAID of it, else None: a 16:9 picture in `square` shows 56 %
    of itself, a phone's 9:16 one 56 % too, and all of itself in `vertical`. The page names
    it, and plays a file showing the whole picture first (a trial's portrait spot played its
    square file, the top and bottom of every shot cut, beside its vertical one)."""
    if profile.fit != "crop":
        return None
    placed = placement(geometry, profile)
    share = profile.width * profile.height / (placed.width * placed.height)
    return round(share, 3) if share < 1 - CROP_SAID else None


def placement(geometry: Geometry, profile: Profile) -> Placement:
    """The profile's fit applied to the display shape: `crop` covers the frame, `pad` and
    `fit-width` keep the whole picture visible (bars fill the rest)."""
    width, height = geometry.active
    display_width = width * geometry.sar
    ratios = (Fraction(profile.width) / display_width, Fraction(profile.height, height))
    scale = max(ratios) if profile.fit == "crop" else min(ratios)
    width, height = even(display_width * scale), even(height * scale)
    if profile.fit == "crop":
        width, height = max(width, profile.width), max(height, profile.height)
    else:
        width, height = min(width, profile.width), min(height, profile.height)
    return Placement(width, height, profile.width, profile.height)


# A picture covering less of a frame than this is said (render/planner.py): a 4:3 picture in a
# 16:9 frame covers 75 % and a 2.39:1 film 74 %, the pillarbox and letterbox viewers know; a
# square picture in 16:9 covers 56 %, a phone's 9:16 picture 32 %, and a 16:9 picture in a
# 9:16 frame 32 %: mostly black bars, which nothing else in the plan or the page would say.
LEAST_FILL = 2 / 3
# Display aspects this close to 1 are a square picture (a 1080x1080 export cropped to 1078).
SQUARE = 0.05
_SHAPES = {"portrait": N_("portrait"), "square": N_("square"), "landscape": N_("landscape")}
_BARS = {"pillarbox": N_("pillarboxed"), "letterbox": N_("letterboxed"),
         "windowbox": N_("windowboxed")}


def shape(aspect: Fraction | float) -> str:
    """`portrait`, `square` or `landscape`, of a width-over-height aspect."""
    if abs(aspect - 1) <= SQUARE:
        return "square"
    return "portrait" if aspect < 1 else "landscape"


def mostly_bars(geometry: Geometry, profile: Profile) -> Placement | None:
    """The placement of a picture that leaves most of a video profile's frame to black bars
    (it covers less than LEAST_FILL of it: a phone's portrait video in a 16:9 frame, a 16:9
    master in `vertical`), else None. A profile that crops (`fit: crop`) adds no bars."""
    if profile.medium != "video" or profile.fit == "crop":
        return None
    place = placement(geometry, profile)
    return place if place.fill < LEAST_FILL else None


def same_frame(profile: Profile, profiles: Iterable[Profile], geometry: Geometry) -> list[str]:
    """The names of `profiles` that place the picture of `geometry` as `profile` does (frame,
    turned for it as `Profile.oriented` turns it, and fit), in their order: what a picture's
    bars are said of, once (a trial's phone video in web, broadcast and broadcast-mxf was said
    three times a spot, and on each of three files)."""
    aspect = float(geometry.display_aspect)
    frame = (profile.width, profile.height, profile.fit)
    turned = (other.oriented(aspect) for other in profiles)
    return [other.name for other in turned
            if other.medium == "video" and (other.width, other.height, other.fit) == frame] \
        or [profile.name]


def bars_warning(geometry: Geometry, profile: Profile, spot: str, path, line: int | None,
                 offered: Iterable[str] = (), profiles: Iterable[Profile] = (),
                 own_bars: Crop | None = None) -> Diagnostic | None:
    """A warning (code `bars`) when the spot's picture leaves most of the profile's frame to
    black bars: how much of the frame it covers, figured from the geometry as `fit` places it
    ("the 1080x1920 portrait picture fills 32 % of the 1920x1080 frame, pillarboxed"), of
    every one of the manifest's `profiles` with that frame (`same_frame`), and, as its hint, the
    built-in profile whose frame the picture's shape fills: to add, or, when it is among the
    manifest's (`offered`: their built-in kinds), to offer instead. A picture inside black
    bars of the master's own (`own_bars`, conform.Master.own_bars) that leave it most of the
    frame to bars is said too (`own_bars_warning`)."""
    place = mostly_bars(geometry, profile)
    if place is None:
        return own_bars_warning(geometry, profile, spot, path, line, profiles, own_bars)
    width, height = geometry.active
    aspect = geometry.display_aspect
    picture = shape(aspect)
    names = same_frame(profile, profiles, geometry)
    message = say_count(N_plural(
        "spot %(spot)s, profile %(profiles)s: the %(size)s %(shape)s picture fills %(fill)s %% of "
        "the %(frame)s frame, %(bars)s",
        "spot %(spot)s, profiles %(profiles)s: the %(size)s %(shape)s picture fills %(fill)s %% "
        "of the %(frame)s frame, %(bars)s"), len(names),
        spot=spot, size=f"{round(width * geometry.sar)}x{height}",
        shape=say(_SHAPES[picture]), fill=Number(place.fill * 100, ".0f"),
        profiles=Items(tuple(map(repr, names)), ", ", " and "),
        frame=f"{profile.width}x{profile.height}", bars=say(_BARS[place.bars]))
    fitting = {"portrait": ("vertical", "1080x1920"), "square": ("square", "1080x1080")}
    if picture in fitting:
        name, frame = fitting[picture]
        hint = (say(N_("the manifest's %(name)s variants are made for this picture: its "
                       "%(frame)s frame holds it whole"), name=f"'{name}'", frame=frame)
                if name in set(offered) else
                say(N_("add the %(name)s profile to the manifest's profiles: a %(shape)s picture "
                       "fills its %(frame)s frame"), name=f"'{name}'",
                    shape=say(_SHAPES[picture]), frame=frame))
        if picture == "portrait" and "messaging" not in set(offered):
            hint = say(N_("%(hint)s (%(profile)s turns its frame for one too)"), hint=hint,
                       profile="'messaging'")
    else:
        kept = Fraction(profile.width, profile.height) / aspect
        hint = say(N_("a %(shape)s frame needs a picture framed for it: edit such a version of "
                      "the spot as a spot of its own, or give the profile %(fit)s (it keeps the "
                      "centre %(kept)s %% of the picture's width)"),
                   shape=say(_SHAPES[shape(Fraction(profile.width, profile.height))]),
                   fit="'fit: crop'", kept=Number(float(kept) * 100, ".0f"))
    return warning(message, path, line, hint, "bars")


def inside_own_bars(geometry: Geometry, profile: Profile, own_bars: Crop | None
                    ) -> float | None:
    """The share of a video profile's frame (0-1) that the picture inside the master's own
    bars (`own_bars`) covers when the master's whole frame is placed in it, if under
    LEAST_FILL where the whole frame's is not (that one is `mostly_bars`); else None. Not of a
    profile that crops (`fit: crop`)."""
    if own_bars is None or profile.medium != "video" or profile.fit == "crop":
        return None
    whole = placement(geometry, profile).fill
    if whole < LEAST_FILL:
        return None
    share = whole * own_bars.width * own_bars.height / (geometry.width * geometry.height)
    return share if share < LEAST_FILL else None


def own_bars_warning(geometry: Geometry, profile: Profile, spot: str, path, line: int | None,
                     profiles: Iterable[Profile], own_bars: Crop | None) -> Diagnostic | None:
    """A warning (code `bars`) when black bars of the master's own (`own_bars`: the active
    picture `cropdetect` found, in upright pixels) leave its picture covering less than
    LEAST_FILL of the profile's frame, where the frame as a whole would not: a 16:9 picture
    letterboxed in a 4:3 master comes out inside black on every side (a trial's PAL master:
    about 1440x810 of a 1920x1080 frame, its burned subtitles in the black under it); with the
    `crop:` that takes the bars off as its hint. None otherwise (a 2.39:1 film letterboxed in
    a 16:9 master fills 74 % of a 16:9 frame: as meant)."""
    share = inside_own_bars(geometry, profile, own_bars)
    if share is None or own_bars is None:
        return None
    names = same_frame(profile, profiles, geometry)
    message = say_count(N_plural(
        "spot %(spot)s, profile %(profiles)s: the master's picture looks to be %(size)s inside "
        "black bars of its own %(frame_in)s frame: it fills %(fill)s %% of the %(frame)s frame",
        "spot %(spot)s, profiles %(profiles)s: the master's picture looks to be %(size)s inside "
        "black bars of its own %(frame_in)s frame: it fills %(fill)s %% of the %(frame)s frame"),
        len(names),
        spot=spot, size=f"{own_bars.width}x{own_bars.height}",
        frame_in=f"{geometry.width}x{geometry.height}", fill=Number(share * 100, ".0f"),
        profiles=Items(tuple(map(repr, names)), ", ", " and "),
        frame=f"{profile.width}x{profile.height}")
    crop = (f"crop: {{width: {own_bars.width}, height: {own_bars.height}, x: {own_bars.x}, "
            f"y: {own_bars.y}}}")
    return warning(message, path, line, say(N_("if they are bars (look at a frame: a dark scene "
                                               "reads as bars too), give the spot %(crop)s"),
                                            crop=f"'{crop}'"), "bars")


def fit(video: Node, geometry: Geometry, profile: Profile, colour: dict | None = None) -> Node:
    """Upright frames of `geometry` into the profile's frame, square pixels out (`setsar=1`).
    `colour`: the `scale` options that convert the samples' matrix (media/colour.py), applied
    in the same pass.

    Scaling is skipped when the active picture already has the right size and square pixels,
    and there is no matrix to convert.
    """
    if geometry.crop:
        crop = geometry.crop
        video = video.filter("crop", crop.width, crop.height, crop.x, crop.y)
    place = placement(geometry, profile)
    if (place.width, place.height) != geometry.active or geometry.sar != 1 or colour:
        video = video.filter("scale", place.width, place.height, **(colour or {}))
    if not place.fills:
        if profile.fit == "crop":
            video = video.filter("crop", profile.width, profile.height)
        else:
            video = video.filter("pad", profile.width, profile.height, "(ow-iw)/2", "(oh-ih)/2")
    return video.filter("setsar", 1)
