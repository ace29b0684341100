"""A master with bars, line-up tone and a slate before its programme, cut at the spot's
`programme_start:` (media/programme.py): each variant is the programme's length and starts on
its first frame, its sound in sync and levelled without the tone, a dub of the programme's
length fits it, its subtitles are timed from it; measured on the outputs with ffprobe,
blackdetect, decoded samples and ebur128. And each way the in-point can be wrong, said at its
line."""

from __future__ import annotations

import json

import numpy as np
import pytest
import yaml
from click.testing import CliRunner
from PIL import Image

from pipeline.cli.main import cli
from pipeline.cli.preview import preview
from tests.conformmedia import SRT, X264, Spots
from tests.conftest import ffmpeg
from tests.mediacheck import (beep_time, duration, flash_time, gray_frame, integrated_loudness,
                              streams)

SMALL = {"base": "web", "width": 320, "height": 180, "preset": "ultrafast", "crf": 30}
# A station's master: its own leader before the programme, its own timecode.
TV = {"base": "broadcast-prores", "width": 320, "height": 180, "leader": {"bars": 1, "black": 1}}
BARS, PROGRAMME = 3.0, 4.0          # seconds of bars and tone, then of programme
AUDIO_FRAME = 1024 / 48000


def barred_master(path, timecode: str | None = "09:59:57:00", rate: int = 25):
    """Bars and a 1 kHz line-up tone at -18 dBFS for BARS s, then the programme: black with one
    white frame and a 0.1 s beep at 1.0 s of it, and a quiet 440 Hz from 2.0 s to its end;
    its timecode (MOV tmcd) reaches 10:00:00:00 where the programme starts."""
    total = BARS + PROGRAMME
    flash = round((BARS + 1.0) * rate)
    tone = (f"if(lt(t,{BARS}),0.126*sin(2*PI*1000*t),"
            f"if(between(t,{BARS + 1.0},{BARS + 1.1}),0.5*sin(2*PI*1000*t),"
            f"if(gte(t,{BARS + 2.0}),0.02*sin(2*PI*440*t),0)))")
    stamp = ["-timecode", timecode] if timecode else []
    ffmpeg("-f", "lavfi", "-i", f"smptebars=size=320x180:rate={rate}:duration={total}",
           "-f", "lavfi", "-i", f"color=black:size=320x180:rate={rate}:duration={total}",
           "-f", "lavfi", "-i", f"aevalsrc='{tone}|{tone}':s=48000:d={total}",
           "-filter_complex", f"[1:v]drawbox=color=white:t=fill:enable='eq(n,{flash})'[k];"
                              f"[k][0:v]overlay=enable='lt(t,{BARS})'[v]",
           "-map", "[v]", "-map", "2:a", *X264, "-c:a", "pcm_s16le", *stamp, str(path))
    return path


@pytest.fixture(scope="module")
def cut(tmp_path_factory):
    root = tmp_path_factory.mktemp("programme-start")
    (root / "media").mkdir()
    master = barred_master(root / "media/barred.mov")
    dub = root / "media/dub.wav"     # recorded against the programme: its length
    ffmpeg("-f", "lavfi", "-i", f"sine=frequency=700:sample_rate=48000:duration={PROGRAMME}",
           "-filter:a", "volume=-20dB", str(dub))
    spots = Spots(root, {"barred": master}, dub=dub,
                  spot_keys={"barred": {"programme_start": "10:00:00:00"}})
    manifest = spots.write([{"code": "nah", "treatment": "soft"},
                            {"code": "tzo", "treatment": "dub"},
                            {"code": "yua", "treatment": "burn"}],
                           {"small": SMALL, "tv": TV})
    result = CliRunner().invoke(cli, ["render", str(manifest), "-j", "2"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return spots, manifest, result


@pytest.mark.e2e
@pytest.mark.parametrize("language", ["nah", "tzo", "yua"])
def test_each_variant_is_the_programme_from_its_first_frame(cut, language):
    spots, _, _ = cut
    out = spots.out("barred", language, "small")
    assert abs(duration(out) - PROGRAMME) < 0.05, duration(out)
    assert abs(flash_time(out) - 1.0) < 0.001         # the programme's 1.0 s, not the master's
    first = gray_frame(out, 0.0, 64, 36)
    assert max(first) < 40, max(first)                  # black: no bars left before it


@pytest.mark.e2e
def test_a_station_master_puts_its_leader_before_the_programme_and_counts_from_it(cut):
    spots, _, _ = cut
    out = spots.out("barred", "nah", "tv", "mov")
    assert abs(duration(out) - (2.0 + PROGRAMME)) < 0.05, duration(out)
    assert abs(flash_time(out) - 3.0) < 0.001            # after the 2 s leader, not 5 s in
    tags = [s.get("tags", {}).get("timecode") for s in streams(out)]
    assert "09:59:58:00" in tags, tags                 # the programme at the profile's 10:00:00:00
    sidecar = out.with_name("barred.nah.tv.ebutt.xml").read_text(encoding="utf-8")
    assert 'begin="10:00:00:13"' in sidecar            # the SRT's 0.52 s of the programme


@pytest.mark.e2e
def test_its_sound_is_in_sync_and_levelled_without_the_tone(cut):
    spots, _, _ = cut
    out = spots.out("barred", "nah", "small")
    flash, beep = flash_time(out), beep_time(out)
    assert abs(beep - flash) < AUDIO_FRAME / 4, (flash, beep)   # the tone was cut: beep first
    lufs, _ = integrated_loudness(out)
    # Levelled from the programme alone: the tone before it, measured in, would set the gain.
    assert abs(lufs - -16.0) <= 1.0, lufs


@pytest.mark.e2e
def test_the_plan_shows_the_programme_and_the_pre_roll_is_not_said(cut):
    _, manifest, render = cut
    assert "before 10:00:00:00" not in render.output
    # The dub, recorded against the programme, fits it (against the whole master, 7 s: "the dub
    # is 4.00 s long, the spot 7.00 s: 3.00 s shorter").
    assert "the dub is very quiet" in render.output      # the dub's warnings are said here
    assert "s shorter" not in render.output and "s longer" not in render.output, render.output
    shown = CliRunner().invoke(cli, ["plan", str(manifest), "--json"], catch_exceptions=False)
    master = json.loads(shown.stdout)["masters"][0]
    assert (master["programme_start"], master["timecode"]) == (BARS, "10:00:00:00")
    said = CliRunner().invoke(cli, ["plan", str(manifest)], catch_exceptions=False).output
    assert "programme from 3.000 s in (programme_start), timecode 10:00:00:00 at it" in said


@pytest.fixture(scope="module")
def masters(tmp_path_factory):
    folder = tmp_path_factory.mktemp("in-points") / "media"
    folder.mkdir()
    return {"timed": barred_master(folder / "timed.mov"),
            "untimed": barred_master(folder / "untimed.mov", timecode=None)}


def validate(tmp_path, master, start, **keys):
    spots = Spots(tmp_path, {"barred": master}, spot_keys={"barred": {"programme_start": start,
                                                                      **keys}})
    manifest = spots.write([{"code": "nah", "treatment": "soft"}], {"small": SMALL})
    return manifest, CliRunner().invoke(cli, ["validate", str(manifest)])


def test_without_the_key_the_pre_roll_is_said_with_the_key_to_give(masters, tmp_path):
    spots = Spots(tmp_path, {"barred": masters["timed"]})
    manifest = spots.write([{"code": "nah", "treatment": "soft"}], {"small": SMALL})
    result = CliRunner().invoke(cli, ["validate", str(manifest)])
    assert "give the spot 'programme_start: \"10:00:00:00\"'" in result.stderr, result.stderr
    # A cue at 5 s is inside the master and after the programme's end once the key is given.
    late = SRT + "\n3\n00:00:05,000 --> 00:00:06,000\ntarde\n"
    (tmp_path / "subtitles/barred/nah.srt").write_text(late, encoding="utf-8")
    assert CliRunner().invoke(cli, ["validate", str(manifest)]).exit_code == 0
    given, _ = validate(tmp_path, masters["timed"], "10:00:00:00")
    (tmp_path / "subtitles/barred/nah.srt").write_text(late, encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(given)])
    assert result.exit_code == 1 and "after the end of the video (00:00:04,000)" in result.stderr


@pytest.mark.parametrize("master,start,said", [
    ("timed", "09:59:56:00", "programme_start '09:59:56:00' is not after the master's first frame "
                             "(09:59:57:00)"),
    ("timed", 7.5, "programme_start 7.5 s (188 frames) is not before the end of"),
    ("timed", "10:00:00;02", "programme_start: timecode '10:00:00;02' is drop-frame, which only "
                             "29.97 and 59.94 fps have; the master runs at 25 fps"),
    ("untimed", "10:00:00:00", "programme_start '10:00:00:00' is a timecode, and "),
])
def test_an_in_point_the_master_has_not_is_an_error_at_its_line(masters, tmp_path, master,
                                                                 start, said):
    manifest, result = validate(tmp_path, masters[master], start)
    assert result.exit_code == 1, result.output
    line = yaml.compose(manifest.read_text()).value[3][1].value[0].value[2][0].start_mark.line
    assert f"{manifest}:{line + 1}: error: {said}" in result.stderr, result.stderr
    assert "Traceback" not in result.output


def test_seconds_are_taken_to_the_nearest_frame_and_radio_spots_are_refused(masters, tmp_path):
    manifest, result = validate(tmp_path, masters["untimed"], 3.01)
    assert result.exit_code == 0, result.stderr
    shown = CliRunner().invoke(cli, ["plan", str(manifest), "--json"], catch_exceptions=False)
    assert json.loads(shown.stdout)["masters"][0]["programme_start"] == BARS
    _, radio = validate(tmp_path, masters["untimed"], 3, medium="radio")
    assert radio.exit_code == 1 and "is a radio spot, aired from its master's sound" in \
        radio.stderr, radio.stderr


@pytest.mark.parametrize("start,said", [
    ("10:00:61:00", "programme_start: timecode '10:00:61:00' has 61 seconds"),
    # The master's first frame is where it starts anyway (a trial's 0 was taken, then told to
    # give the key it had given).
    (0, "programme_start '0' is neither a timecode of the master's clock nor seconds after its "
        "first frame"),
    ("ten o clock", "programme_start 'ten o clock' is neither a timecode"),
])
def test_a_value_of_no_frame_is_an_error_when_the_manifest_is_read(masters, tmp_path, start,
                                                                    said):
    manifest, result = validate(tmp_path, masters["timed"], start)
    assert result.exit_code == 1
    assert f"error: {said}" in result.stderr, result.stderr
    assert "Traceback" not in result.output
    # The key was given: the pre-roll warning would ask for it again.
    assert "before 10:00:00:00" not in result.stderr, result.stderr


def test_counted_otherwise_than_the_master_the_hint_writes_it_as_the_master_does(tmp_path):
    master = barred_master(tmp_path / "ntsc.mov", timecode="00:59:57;00", rate=30000 / 1001)
    _, result = validate(tmp_path, master, "01:00:00:00")
    assert result.exit_code == 1
    assert "the master's is drop-frame (hint: write the programme's start as the master counts " \
           "it: '01:00:00;00')" in result.stderr, result.stderr


@pytest.mark.e2e
def test_the_translator_s_preview_shows_the_programme(cut):
    spots, manifest, _ = cut
    result = CliRunner().invoke(preview, [str(manifest), "--lang", "yua"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    folder = spots.root / "build/conform/barred"
    proxy = folder / "barred.yua.preview.mp4"
    assert abs(duration(proxy) - PROGRAMME) < 0.05 and abs(flash_time(proxy) - 1.0) < 0.001
    # Each tile is a cue's first frame of the programme (black), none of the bars' colours.
    sheet = np.asarray(Image.open(folder / "barred.yua.preview.png").convert("HSV"))
    coloured = int(((sheet[..., 1] > 100) & (sheet[..., 2] > 100)).sum())
    assert coloured < 0.001 * sheet.shape[0] * sheet.shape[1], coloured


def test_with_the_key_given_the_pre_roll_is_not_said_again(masters, tmp_path):
    # The programme said to start a second before the hour: the media team's word stands.
    _, result = validate(tmp_path, masters["timed"], "09:59:59:00")
    assert result.exit_code == 0, result.stderr
    assert "before 10:00:00:00" not in result.stderr, result.stderr


def test_a_dub_timed_to_the_whole_master_is_told_of_the_in_point(masters, tmp_path):
    # A dub recorded against the master from its bars (7 s) for a spot cut at 3 s: "speech
    # would be cut at 4.00 s" named no in-point, and the translator's recording was right
    # for the file they had been sent.
    dub = tmp_path / "whole.wav"
    ffmpeg("-f", "lavfi", "-i", f"sine=frequency=700:sample_rate=48000:duration={BARS + PROGRAMME}",
           "-filter:a", "volume=-20dB", str(dub))
    spots = Spots(tmp_path, {"barred": masters["timed"]}, dub=dub,
                  spot_keys={"barred": {"programme_start": "10:00:00:00"}})
    manifest = spots.write([{"code": "tzo", "treatment": "dub"}], {"small": SMALL})
    result = CliRunner().invoke(cli, ["validate", str(manifest)])
    assert result.exit_code == 1, result.output
    said = [line for line in result.stderr.splitlines() if "speech would be cut" in line]
    assert len(said) == 1 and said[0].endswith(
        "error: sound continues past the spot's end: speech would be cut at 4.00 s, the end of "
        "the programme from 3.00 s into the master (programme_start) (the dub has sound until "
        "7.0 s) (hint: trim or re-time the recording to the spot's 4.00 s from the programme's "
        "first frame, not the master's)"), said


def test_check_with_the_manifest_reads_a_file_from_the_programme_as_validate_does(masters,
                                                                                 tmp_path):
    # A trial's check --manifest read a file timed to the programme's timecode from the bars'
    # first frame (09:59:57:00), where validate read it from programme_start (10:00:00:00): a
    # cue in the bars passed the one and not the other. And its last cue, a few frames past
    # the programme's end, made the file "10 hours in" (an error) where it is to be cut there.
    manifest, result = validate(tmp_path, masters["timed"], "10:00:00:00")
    assert result.exit_code == 0, result.stderr
    srt = tmp_path / "subtitles/barred/nah.srt"
    srt.write_text("1\n10:00:01,000 --> 10:00:02,000\nPiltzintli\n\n"
                   "2\n10:00:03,000 --> 10:00:04,480\nAmo tlanamakalo\n", encoding="utf-8")
    checked = CliRunner().invoke(cli, ["check", str(srt), "--manifest", str(manifest)])
    validated = CliRunner().invoke(cli, ["validate", str(manifest)])
    note = (f"{srt}: note: nah.srt is timed to the master's timecode, from 10:00:00:00: its "
            "times are read from there")
    cut = (f"{srt}:5: warning: cue 2 ends at 10:00:04,480, after the end of the video "
           "(10:00:04,000); it will be cut")
    for result in (checked, validated):
        lines = result.stderr.splitlines()
        assert result.exit_code == 0 and note in lines, result.stderr
        assert any(line.startswith(cut) for line in lines), result.stderr
