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
"""

from __future__ import annotations

from typing import Literal

from pipeline.media.probe import Stream

Matrix = Literal["bt601", "bt709"]

OUTPUT: Matrix = "bt709"
# Primaries, transfer and matrix: the `setparams` filter's and the encoders' option names alike.
BT709 = {"color_primaries": "bt709", "color_trc": "bt709", "colorspace": "bt709"}
# The same in a copied H.264 stream's VUI (ITU-T H.264 tables E-3 to E-5: 1 is BT.709).
H264_BT709 = "h264_metadata=colour_primaries=1:transfer_characteristics=1:matrix_coefficients=1"

# ffprobe's `color_space` names (libavutil's AVColorSpace) of the two matrices.
_TAGS: dict[str, Matrix] = {"bt709": "bt709", "bt470bg": "bt601", "smpte170m": "bt601",
                            "bt601": "bt601"}
_SD_RASTERS = {(720, 480), (720, 486), (720, 576), (704, 480), (704, 576)}


def source_matrix(video: Stream) -> Matrix:
    """The matrix of the master's samples: its tag, else guessed from its stored frame size."""
    tagged = _TAGS.get(video.color_space or "")
    if tagged:
        return tagged
    return "bt601" if (video.width, video.height) in _SD_RASTERS else "bt709"


def unconverted(video: Stream) -> str | None:
    """A warning when the master's colour is one the conversion does not cover (BT.2020, an HDR
    transfer curve: a phone's HDR video), which the variants show as if it were BT.709 SDR."""
    space, transfer = video.color_space or "", video.color_transfer or ""
    if transfer in ("smpte2084", "arib-std-b67"):
        curve = "PQ (HDR10)" if transfer == "smpte2084" else "HLG"
        return (f"the master's picture is HDR ({curve}): it is not tone-mapped, so the variants' "
                "contrast and colours will look flat")
    if space and space not in _TAGS and space not in ("unknown", "reserved"):
        return (f"the master's colour matrix is {space}: its samples are read as BT.709, so the "
                "variants' colours will be off")
    return None


def conversion(video: Stream) -> dict:
    """The `scale` filter's options that bring the master's samples to the output's matrix;
    empty when they already are."""
    matrix = source_matrix(video)
    return {} if matrix == OUTPUT else {"in_color_matrix": matrix, "out_color_matrix": OUTPUT}


# ffmpeg 5.1 draws R'G'B' colours into a Y'CbCr picture with BT.601's weights whatever the
# picture's matrix (libavfilter/drawutils.c, ff_draw_color: the `ass` filter's text, the `color`
# source). The `colorspace` filter re-expresses a BT.709 picture in BT.601's matrix and back,
# primaries, transfer and limited range unchanged: a matrix change only, which keeps every
# colour (there and back on testsrc2: 73 dB PSNR in 4:2:0, no change in 4:4:4, measured).
# `subtitles/burn.burn_in` draws between the two.
TO_BT601 = {"iall": "bt709", "space": "bt470bg", "trc": "bt709", "primaries": "bt709",
            "irange": "tv", "range": "tv"}
FROM_BT601 = {"iall": "bt709", "ispace": "bt470bg", "all": "bt709", "irange": "tv", "range": "tv"}
