"""The frame grid and the times ffmpeg is given (pipeline/media/seeking.py)."""

from __future__ import annotations

from fractions import Fraction

from pipeline.media.seeking import ffmpeg_seconds, frame_start

NTSC = Fraction(30000, 1001)


def test_a_frame_start_goes_to_ffmpeg_to_the_nearest_microsecond_never_earlier_on_a_whole_one():
    # Half a millisecond early, a keyframe's time made -ss decode the whole GOP before it.
    assert ffmpeg_seconds(4.0) == "4.000000"
    assert ffmpeg_seconds(8.04) == "8.040000"            # 8.039999999... as a binary float
    assert ffmpeg_seconds(float(30 / NTSC)) == "1.001000"     # frame 30 at 29.97 fps
    assert ffmpeg_seconds(float(31 / NTSC)) == "1.034367"   # 1.0343666...: the nearest
    assert ffmpeg_seconds(-0.001) == "0.000000"


def test_the_frame_shown_at_a_time_is_the_one_that_started_last():
    assert frame_start(2.64, Fraction(25), 4.0) == 2.64      # frame 66, not 65.999...
    assert frame_start(2.659, Fraction(25), 4.0) == 2.64
    assert frame_start(3.98, Fraction(25), 4.0) == 3.96      # the last frame, shown to 4.0
    assert frame_start(9.0, Fraction(25), 4.0) == 3.96       # past the end: the last frame
    assert frame_start(1.0344, NTSC, 10.0) == float(31 / NTSC)
    assert frame_start(1.0343, NTSC, 10.0) == float(30 / NTSC)
    assert frame_start(0.0, NTSC, 10.0) == 0.0
