"""A delivered recording with one silent side (a mono microphone recorded onto track 1 of a
stereo session): which side, read from the levels the analysis has of each, and the downmix
that puts the other side in its place."""

from __future__ import annotations

import pytest

from pipeline.media.audio_layout import pan_expression
from pipeline.media.defects import Defects


# --- the rule, on the levels the analysis reads -----------------------------------------------

@pytest.mark.parametrize("gated, silent, apart", [
    ({"FL": -25.0, "FR": None}, "FR", None),            # the trial's: right all zeros
    ({"FL": None, "FR": -22.0}, "FL", None),
    ({"FL": -25.0, "FR": -66.0}, "FR", None),           # an unplugged input's hiss, 41 dB under
    ({"FL": -25.0, "FR": -64.0}, None, 39.0),           # 39 dB: both sound, far apart
    ({"FL": -20.0, "FR": -30.0}, None, 10.0),
    ({"FL": -20.0, "FR": -29.9}, None, None),           # a stereo mix's balance
    ({"FL": -65.0, "FR": None}, None, None),            # nothing over the silence floor
    ({"FL": None, "FR": None}, None, None),             # silent (an error of its own)
    ({}, None, None),                                   # mono
    # 5.1: the voice on the centre with silent fronts, or with one front silent; its fronts
    # silent but for one with the centre empty too.
    ({"FL": None, "FR": None, "FC": -20.0, "BL": None, "BR": None}, None, None),
    ({"FL": -30.0, "FR": None, "FC": -20.0, "BL": None, "BR": None}, None, None),
    ({"FL": -30.0, "FR": None, "FC": None, "BL": None, "BR": None}, "FR", None),
])
def test_which_side_is_silent_and_how_far_apart_the_sides_are(gated, silent, apart):
    defects = Defects(dc=(0.0, 0.0), gated=gated)
    assert defects.silent_side == silent
    assert defects.sides_apart == apart


def test_the_silent_side_takes_the_other_in_the_downmix():
    assert pan_expression("stereo", "FR") == "stereo|c0=1*c0|c1=1*c0"
    assert pan_expression("stereo", "FL") == "stereo|c0=1*c1|c1=1*c1"
    assert pan_expression("stereo") == "stereo|c0=1*c0|c1=1*c1"      # as ever
    # A 5.1's front right replaced by its front left; the centre and surrounds as ever.
    assert pan_expression("5.1", "FR") == \
        "stereo|c0=1*c0+0.7071*c2+0.7071*c4|c1=1*c0+0.7071*c2+0.7071*c5"
