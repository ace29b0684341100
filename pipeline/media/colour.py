"""Which Y'CbCr matrix a master's samples use, and what the variants are converted to.

ITU-R BT.601 (standard definition) and ITU-R BT.709 (HD) weight R', G' and B' differently in
Y' (0.299/0.587/0.114 against 0.2126/0.7152/0.0722), and Cb, Cr with them: the same samples
read with the other matrix show greens darker and reds and blues brighter (75 % green bar: Y'
112 in BT.601, 136 in BT.709). ffmpeg's `scale` keeps the samples as they are unless it is told
both matrices, so an SD master scaled into an HD frame kept its BT.601 samples in a file that
players read as BT.709.

Every picture the pipeline makes is BT.709 and says so (`BT709`: its frames in the filter
graph, so every encoder writes it; a copied H.264 stream gets the same in its VUI,
`H264_BT709`): the web, phones and HD broadcast all read it, and a tagged file is never
guessed. A master's matrix is its tag when it has one; an untagged master is BT.601 when its
frame is an SD broadcast raster (720 or 704 pixels wide, 480, 486 or 576 lines: ITU-R BT.601's
own sampling), else BT.709 (what players assume for any other untagged picture).

A phone's HDR video (ITU-R BT.2100: BT.2020 primaries and matrix, HLG or PQ, 10-bit) and a
BT.2020 SDR master are brought into BT.709 SDR by `Remap` (zscale, i.e. zimg, and ffmpeg's
`tonemap`): shown as BT.709, their samples looked flat and washed out (HLG bars, measured:
100 % white at Y' 181 instead of 235, the 75 % green bar R'G'B' 104, 156, 63 instead of 0, 191, 0;
PQ's white at Y' 144).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pipeline.media.probe import Stream
from pipeline.messages import N_, Message, Number, say

Matrix = Literal["bt601", "bt709", "bt2020"]
Curve = Literal["hlg", "pq"]

OUTPUT: Matrix = "bt709"
# Primaries, transfer and matrix: the `setparams` filter's and the encoders' option names alike.
BT709 = {"color_primaries": "bt709", "color_trc": "bt709", "colorspace": "bt709"}
# The same in a copied H.264 stream's VUI (ITU-T H.264 tables E-3 to E-5: 1 is BT.709).
H264_BT709 = "h264_metadata=colour_primaries=1:transfer_characteristics=1:matrix_coefficients=1"

# ffprobe's `color_space` names (libavutil's AVColorSpace) of the two matrices.
_TAGS: dict[str, Matrix] = {"bt709": "bt709", "bt470bg": "bt601", "smpte170m": "bt601",
                            "bt601": "bt601", "bt2020nc": "bt2020", "bt2020c": "bt2020"}
# ffprobe's `color_transfer` names of the HDR curves (ITU-R BT.2100 table 4 and 5).
_CURVES: dict[str, Curve] = {"arib-std-b67": "hlg", "smpte2084": "pq"}
# SDR curves read as BT.709's: BT.601's and BT.2020's are the same OETF (BT.2020 table 4).
_SDR_CURVES = {"bt709", "smpte170m", "bt470bg", "bt2020-10", "bt2020-12"}
_UNTAGGED = {"", "unknown", "reserved", "unspecified"}

# HDR reference white (diffuse white, a white card): 203 cd/m^2, HLG 75 %, PQ 58 %
# (Report ITU-R BT.2408, 2.1). The tone curve works on linear light where this is 1.0.
REFERENCE_WHITE = 203.0     # cd/m^2
# The brightest HDR light the curve keeps apart, at SDR's 100 %: HLG's nominal display peak
# (BT.2100 table 5, L_W; zimg's HLG, as measured: 75 % -> 203.2 cd/m^2 at this peak), and the
# reference condition BT.2408 6.2 converts PQ at (PQ masters' mastering metadata is not read:
# a 4000 cd/m^2 grade clips its top above 1000).
PEAK = 1000.0               # cd/m^2
# `tonemap=mobius`'s knee (linear, 1.0 = reference white): below it light passes unchanged,
# above it a smooth shoulder fits reference white to peak into SDR's top. At 0.5 reference
# white lands at Y' 212 (89.5 %, measured), as Report ITU-R BT.2446-1 places HDR diffuse white
# in SDR (about 90 %); the 75 % bars and greys show the light of the SDR bars they were made
# from within 0.008 (white: 1.0; tests/test_conform_picture.py). `hable` (the usual recipe)
# darkened everything: 100 % white Y' 164, 40 % grey 81 for 104; `clip` kept white at 235 but
# every light above reference white fell onto it.
SHOULDER = 0.5

_SD_RASTERS = {(720, 480), (720, 486), (720, 576), (704, 480), (704, 576)}


def source_matrix(video: Stream) -> Matrix:
    """The matrix of the master's samples: its tag, else guessed from its stored frame size."""
    tagged = _TAGS.get(video.color_space or "")
    if tagged:
        return tagged
    return "bt601" if (video.width, video.height) in _SD_RASTERS else "bt709"


def unconverted(video: Stream) -> Message | None:
    """A warning when the master's colour is one no conversion here covers (a transfer curve
    that is neither SDR nor HLG/PQ, a matrix other than BT.601, BT.709 and BT.2020), which the
    variants show as if it were BT.709 SDR."""
    space, transfer = video.color_space or "", video.color_transfer or ""
    if transfer not in _UNTAGGED and transfer not in _SDR_CURVES and transfer not in _CURVES:
        return say(N_("the master's transfer curve is %(curve)s: its samples are read as BT.709 "
                      "SDR, so the variants' contrast will be off"), curve=transfer)
    if space not in _UNTAGGED and space not in _TAGS:
        return say(N_("the master's colour matrix is %(matrix)s: its samples are read as BT.709, "
                      "so the variants' colours will be off"), matrix=space)
    return None


def conversion(video: Stream) -> dict:
    """The `scale` filter's options that bring the master's samples to the output's matrix;
    empty when they already are, or when `remap` converts them (BT.2020)."""
    matrix = source_matrix(video)
    if matrix == OUTPUT or remap(video) is not None:
        return {}
    return {"in_color_matrix": matrix, "out_color_matrix": OUTPUT}


@dataclass(frozen=True)
class Remap:
    """A master in BT.2020 (SDR, HLG or PQ) brought into BT.709 SDR: its primaries, curve and
    matrix as zscale and ffprobe name them, and its HDR curve (None: SDR, a change of primaries
    and matrix only)."""

    primaries: str
    transfer: str
    matrix: str
    curve: Curve | None

    def settings(self) -> dict:
        """What decides the converted picture (part of the variants' fingerprints)."""
        if self.curve is None:
            return {"from": [self.primaries, self.transfer, self.matrix], "to": OUTPUT}
        return {"from": [self.primaries, self.transfer, self.matrix], "to": OUTPUT,
                "tone_map": "mobius", "knee": SHOULDER, "reference_white": REFERENCE_WHITE,
                "peak": PEAK}

    def describe(self) -> str:
        return str(self.description)

    @property
    def description(self) -> Message:
        """How the master is brought into BT.709 SDR, said in the terminal's language."""
        if self.curve is None:
            return say(N_("BT.2020 SDR, converted to BT.709"))
        return say(N_("HDR %(curve)s (BT.2020), tone-mapped to BT.709 SDR: reference white "
                      "%(white)s cd/m2 at 90 %%, up to %(peak)s cd/m2 kept below 100 %%"),
                   curve="HLG" if self.curve == "hlg" else "PQ",
                   white=Number(REFERENCE_WHITE, ".0f"), peak=Number(PEAK, ".0f"))

    def apply(self, video):
        """`video` (any Y'CbCr, as decoded) into BT.709 SDR, limited range, in float until the
        last step (a 10-bit master's steps survive the curves). The last step dithers (ordered,
        as `scale` does from 10 to 8 bits) so skies do not band."""
        source = {"primariesin": self.primaries, "transferin": self.transfer,
                  "matrixin": self.matrix}
        last = {"primaries": "bt709", "transfer": "bt709", "matrix": "bt709", "range": "tv",
                "dither": "ordered"}
        if self.curve is None:
            return video.filter("zscale", **source, **last)
        # Linear light with reference white at 1.0 (npl: the cd/m^2 of 1.0), BT.709 primaries.
        video = video.filter("zscale", **source, transfer="linear", npl=REFERENCE_WHITE,
                             primaries="bt709").filter("format", "gbrpf32le")
        # One factor on R, G and B (the brightest of the three decides it): hues and
        # saturation are kept, no desaturation of bright colours (desat=0).
        video = video.filter("tonemap", tonemap="mobius", param=SHOULDER, desat=0,
                             peak=round(PEAK / REFERENCE_WHITE, 4))
        return video.filter("zscale", **last)


def remap(video: Stream) -> Remap | None:
    """How the master comes into BT.709 SDR when it is in BT.2020 (its primaries, its matrix or
    an HDR curve say so); None for BT.709 and BT.601 SDR. What is untagged is what the rest
    implies: an HDR curve or BT.2020 matrix means BT.2020 primaries (BT.2100), and an SDR
    BT.2020 master's curve is BT.709's."""
    primaries = video.color_primaries or ""
    transfer, space = video.color_transfer or "", video.color_space or ""
    curve = _CURVES.get(transfer)
    wide = primaries == "bt2020" or space in ("bt2020nc", "bt2020c")
    if curve is None and not wide:
        return None
    return Remap(primaries if primaries not in _UNTAGGED else "bt2020",
                 transfer if curve or transfer in _SDR_CURVES else "bt709",
                 space if space in ("bt2020nc", "bt2020c") else "bt2020nc" if space in _UNTAGGED
                 else space, curve)


# ffmpeg 5.1 draws R'G'B' colours into a Y'CbCr picture with BT.601's weights whatever the
# picture's matrix (libavfilter/drawutils.c, ff_draw_color: the `ass` filter's text, the `color`
# source). The `colorspace` filter re-expresses a BT.709 picture in BT.601's matrix and back,
# primaries, transfer and limited range unchanged: a matrix change only, which keeps every
# colour (there and back on testsrc2: 73 dB PSNR in 4:2:0, no change in 4:4:4, measured).
# `subtitles/burn.burn_in` draws between the two.
TO_BT601 = {"iall": "bt709", "space": "bt470bg", "trc": "bt709", "primaries": "bt709",
            "irange": "tv", "range": "tv"}
FROM_BT601 = {"iall": "bt709", "ispace": "bt470bg", "all": "bt709", "irange": "tv", "range": "tv"}
