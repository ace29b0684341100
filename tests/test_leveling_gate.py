"""Levelling across EBU R128's relative gate: where a quiet passage sits just under the gate,
more gain under a limiter can lower the integrated loudness (render/corrections.py `gate_edge`)."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess

import ffmpeg as ffmpeg_python
import pytest

from pipeline.errors import RenderError
from pipeline.media.ffmpeg import run_ffmpeg
from pipeline.media.loudness import Loudness, measure_file
from pipeline.profiles import BUILTIN_PROFILES
from pipeline.render.corrections import CORRECTIONS, corrected, level_and_verify
from pipeline.render.leveling import Leveling, first_leveling, level
from tests.conftest import FFMPEG, ffmpeg
from tests.mediacheck import integrated_loudness

WEB = BUILTIN_PROFILES["web"]
# A WAV for a streaming portal at -16 LUFS: PCM adds no coder overshoot, so every encode's
# limiter is the first one and what moves the loudness is the gain, the limiter and the gate.
STREAM_WAV = dataclasses.replace(BUILTIN_PROFILES["radio"], name="stream-wav", loudness=-16.0,
                                 loudness_tolerance=1.0, loudness_standard=None, bext=False)


def relative_gate(path) -> float:
    """The relative gate (LUFS) ffmpeg's ebur128 used for the integrated loudness of `path`."""
    err = subprocess.run([FFMPEG, "-hide_banner", "-nostats", "-i", str(path), "-af", "ebur128",
                          "-f", "null", "-"], capture_output=True, text=True, check=True).stderr
    return float(re.search(r"Threshold:\s+(-?[\d.]+) LUFS", err[err.rindex("Summary:"):]).group(1))


def test_a_fall_across_the_gate_is_bisected_never_stepped_over():
    # Measured on a 5.1 spot whose voice a -4 dBTP limiter held: +6.8 dB gave -18.0 LUFS (the
    # bed 0.1 LU under the gate), +7.0 dB -21.4 LUFS (the bed counted). The old correction read
    # it as gain buying nothing and gave up; the next encode is between the two.
    tries = [(Leveling(6.8, -4.0), Loudness(-18.0, -4.4, 9.0)),
             (Leveling(7.0, -4.0, 1), Loudness(-21.4, -4.4, 12.0))]
    assert corrected(WEB, tries) == Leveling(pytest.approx(6.9), -4.0, 2)
    # Within 0.1 dB of the edge there is nothing left to bisect.
    tries[1] = (Leveling(6.88, -4.0, 1), tries[1][1])
    assert corrected(WEB, tries) is None
    # Loud enough under the edge: the search stays under it, between encodes that bracket.
    tries = [(Leveling(6.0, -4.0), Loudness(-16.9, -4.4, 9.0)),
             (Leveling(7.0, -4.0, 1), Loudness(-19.9, -4.4, 12.0)),
             (Leveling(6.5, -4.0, 2), Loudness(-15.2, -4.4, 9.0))]
    assert 6.0 < corrected(WEB, tries).gain < 6.5


def test_a_track_no_gain_levels_across_the_gate_names_the_gate_and_what_to_mix():
    # A meter from a table, shaped as the 5.1 spot measured: under +6.85 dB the bed is left
    # out and the limited voice gains 0.5 LU a dB; over it the bed is counted, 3.4 LU less.
    encoded = []

    def meter():
        gain = encoded[-1]
        lufs = -18.0 - 0.5 * (6.8 - gain) if gain < 6.85 else -21.4 + 0.5 * (gain - 7.0)
        return Loudness(round(lufs, 1), -4.5, 9.0)

    with pytest.raises(RenderError) as failed:
        level_and_verify(WEB, Loudness(-22.8, -8.0, 9.0),
                         lambda leveling: encoded.append(leveling.gain), meter, "the nah dub")
    assert len(encoded) == CORRECTIONS + 1
    message = str(failed.value)
    assert ("the nah dub: integrated loudness -18.0 LUFS is more than 1 LU from the target "
            "-16 LUFS after 4 corrections (the nearest encode: gain +6.8 dB, limiter at -1.5 "
            "dBTP); 5 encodes, and a quiet passage sits on the edge of ITU-R BS.1770-4's relative "
            "gate (10 LU under the loudness): from +6.80 to +7.05 dB of gain the loudness fell by "
            "3.4 LU as the gate took it in") in message, message
    assert "limiter took it" not in message
    assert failed.value.hint.startswith("lift the quiet passage (a music bed, room tone) a few "
                                        "dB, or set it clearly under the voice")


@pytest.fixture
def voice_over_a_bed(tmp_path):
    """Makes a 12 s stereo track: a Spanish voice read slowly (espeak-ng, 100 ms between
    words) on the right channel alone from 1 s, as a mono microphone recorded into one side,
    over a 220 Hz bed on both channels from start to end, `over` dB above EBU R128's relative
    gate as measured with the bed far under it, once levelled for STREAM_WAV by the first gain
    and limiter. Returns (track, first leveling)."""
    assert shutil.which("espeak-ng"), "espeak-ng is not installed: run `make setup`"
    speech, voice, faint, bed = (tmp_path / n for n in ("speech.wav", "voice.wav", "faint.wav",
                                                          "bed.wav"))
    subprocess.run(["espeak-ng", "-v", "es", "-s", "150", "-g", "10", "-w", str(speech),
                    "Los seres humanos no están a la venta. Llame hoy mismo al número gratuito."],
                   check=True)
    ffmpeg("-i", str(speech), "-af", "aresample=48000,pan=stereo|c0=0*c0|c1=c0,adelay=1000|1000,"
           "apad,atrim=0:12", str(voice))
    ffmpeg("-f", "lavfi", "-i", "sine=f=220:d=12:sample_rate=48000", "-af",
           "volume=-30dB,pan=stereo|c0=c0|c1=c0", str(bed))
    first = first_leveling(STREAM_WAV, measure_file(voice))
    bed_lufs = measure_file(bed).integrated

    def mixed(path, bed_at):     # bed_at: the bed's loudness (LUFS) after the first gain
        ffmpeg("-i", str(voice), "-i", str(bed), "-filter_complex",
               f"[1]volume={bed_at - first.gain - bed_lufs:.2f}dB[b];"
               "[0][b]amix=inputs=2:normalize=0", str(path))

    def make(over: float):
        # The gate depends on how many blocks pass -70 LUFS: a bed far under it counts there.
        mixed(faint, -55.0)
        encode(faint, tmp_path / "probe.wav", first)
        # Its own energy lifts the gate some 0.4 dB once the bed is near it: `over` 0.1 to
        # 0.3 dB leaves it just under the gate it makes, and a dB or two of gain, the voice
        # rising 0.6 LU a dB under the limiter, takes it across.
        track = tmp_path / "track.wav"
        mixed(track, relative_gate(tmp_path / "probe.wav") + over)
        return track, first
    return make


def encode(source, out, leveling: Leveling) -> None:
    graph = level(ffmpeg_python.input(str(source)).audio, STREAM_WAV, leveling).output(
        str(out), acodec=STREAM_WAV.audio_codec)
    run_ffmpeg(["-loglevel", "error", *ffmpeg_python.compile(graph, cmd="ffmpeg")[1:]],
               what="levelling", path=out)


def level_measured(track, out, gains: list[float], readings: list[float]):
    """level_and_verify on `track` for STREAM_WAV, by real encodes and the ebur128 meter;
    each encode's gain and measured loudness appended to `gains` and `readings`."""
    def meter():
        readings.append(measure_file(out).integrated)
        return measure_file(out)

    return level_and_verify(STREAM_WAV, measure_file(track),
                            lambda lev: gains.append(lev.gain) or encode(track, out, lev),
                            meter, "the track")


def fell(gains: list[float], readings: list[float]) -> bool:
    """More gain measured less loudness, by more than the meter's rounding."""
    measured = sorted(zip(gains, readings))
    return any(b[1] < a[1] - 1.0 for a, b in zip(measured, measured[1:]))


@pytest.mark.e2e
def test_a_voice_whose_bed_crosses_the_gate_is_levelled_under_it(voice_over_a_bed, tmp_path):
    # Measured: +5.5 dB gave -17.3 LUFS, +6.8 dB (the first correction) -18.8 LUFS: the bed
    # counted. The old correction read it as gain buying nothing under the limiter and failed
    # the track ("the limiter took it"); bisecting finds -16.9 LUFS at +6.15 dB, the bed out.
    track, first = voice_over_a_bed(0.1)
    out, gains, readings = tmp_path / "out.wav", [], []
    result, leveling = level_measured(track, out, gains, readings)
    assert fell(gains, readings), list(zip(gains, readings))
    assert len(gains) <= CORRECTIONS + 2
    assert leveling.ceiling == first.ceiling and leveling.gain < gains[1]
    lufs, peak = integrated_loudness(out)
    assert abs(lufs - STREAM_WAV.loudness) <= STREAM_WAV.loudness_tolerance, (lufs, gains, readings)
    assert peak <= STREAM_WAV.true_peak


@pytest.mark.e2e
def test_a_voice_whose_bed_is_at_the_gate_fails_naming_the_gate(voice_over_a_bed, tmp_path):
    # The gate takes the bed in 0.2 to 0.3 dB over the first gain, where the limited voice is
    # still 1.2 LU under the target: no gain levels this mix, and the error says why.
    track, _ = voice_over_a_bed(0.3)
    gains, readings = [], []
    with pytest.raises(RenderError) as failed:
        level_measured(track, tmp_path / "out.wav", gains, readings)
    assert fell(gains, readings), list(zip(gains, readings))
    assert len(gains) <= CORRECTIONS + 1
    message = str(failed.value)
    assert "a quiet passage sits on the edge of ITU-R BS.1770-4's relative gate" in message, \
        message
    assert re.search(r"from \+5\.\d\d to \+5\.\d\d dB of gain the loudness fell by 2\.\d LU",
                     message), message
    assert "limiter took it" not in message
    assert failed.value.hint.startswith("lift the quiet passage")
