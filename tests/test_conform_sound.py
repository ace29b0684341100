"""Sound as it really arrives, rendered and measured from the output with other tools than the
pipeline's: picture/sound sync after offsets and the AAC encoder delay (blackdetect against the
decoded samples), loudness of every channel layout on two chains (ebur128), split mono kept in
its two channels (band levels per channel), masters without sound."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import numpy as np
import pytest
from click.testing import CliRunner

from pipeline.cli.main import cli
from tests.conformmedia import X264, Spots, flash_master, sound_master, surround, surround_track
from tests.conftest import ffmpeg
from tests.mediacheck import (
    FFMPEG,
    beep_time,
    channel_band_rms_db,
    flash_time,
    integrated_loudness,
    streams,
)

pytestmark = pytest.mark.e2e

AUDIO_FRAME = 1024 / 48000          # seconds: one AAC frame
SMALL = {"base": "web", "width": 320, "height": 180, "preset": "ultrafast", "crf": 30}
BROADCAST = {"base": "broadcast", "width": 320, "height": 180, "preset": "ultrafast",
             "video_bitrate": "1M"}


def decoded_samples(path) -> np.ndarray:
    """The first audio stream of `path`, decoded and mixed to mono, as floats."""
    raw = subprocess.run([FFMPEG, "-v", "error", "-i", str(path), "-map", "0:a:0", "-ac", "1",
                          "-f", "f32le", "-"], capture_output=True, check=True).stdout
    return np.frombuffer(raw, dtype=np.float32)


def render(manifest, *args):
    return CliRunner().invoke(cli, ["render", str(manifest), "-j", "2", *args], catch_exceptions=False)


@pytest.fixture(scope="module")
def synced(tmp_path_factory):
    root = tmp_path_factory.mktemp("conform-sync")
    (root / "media").mkdir()
    spots = Spots(root, {
        "plain": flash_master(root / "media/plain.mp4"),
        "late-sound": flash_master(root / "media/late-sound.mp4", audio_offset=0.48),
        "late-picture": flash_master(root / "media/late-picture.mp4", video_offset=0.2),
    })
    manifest = spots.write([{"code": "nah", "treatment": "burn"}, {"code": "tzo", "treatment": "soft"}],
                           {"small": SMALL})
    result = render(manifest)
    assert result.exit_code == 0, result.output
    return spots


@pytest.mark.parametrize("spot,event", [("plain", 1.0), ("late-sound", 1.0), ("late-picture", 1.2)])
def test_the_masters_flash_and_beep_together(synced, spot, event):
    master = synced.masters[spot]
    assert abs(flash_time(master) - event) < 0.001
    assert abs(beep_time(master) - event) < 0.002


@pytest.mark.parametrize("spot", ["plain", "late-sound", "late-picture"])
@pytest.mark.parametrize("language", ["nah", "tzo"])
def test_flash_and_beep_stay_together(synced, spot, language):
    out = synced.out(spot, language, "small")
    flash, beep = flash_time(out), beep_time(out)
    # The picture starts the variant: the flash is 1 s in (the late picture's lead-in is gone).
    assert abs(flash - 1.0) < 0.001, flash
    # Within a fraction of one audio frame (the AAC encoder delay, 21 ms, is kept in the MP4).
    assert abs(beep - flash) < AUDIO_FRAME / 4, (flash, beep)


def test_a_sound_cut_where_its_picture_starts_and_ends_fades_in_and_out(tmp_path):
    # The master's sound, a steady tone, runs from 0.2 s before its picture to 0.4 s after it:
    # cut there, the variant's sound started and ended with a step between silence and the
    # tone's full swing (a click). Faded over 20 ms, its first and last millisecond stay near
    # silence.
    master = tmp_path / "media/hum.mp4"
    master.parent.mkdir()
    ffmpeg("-f", "lavfi", "-i", "color=black:size=320x180:rate=25:duration=3",
           "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=3.6",
           "-map", "0:v", "-map", "1:a", *X264, "-c:a", "pcm_s16le", str(master.with_suffix(".mov")))
    ffmpeg("-itsoffset", "0.2", "-i", str(master.with_suffix(".mov")), "-i",
           str(master.with_suffix(".mov")), "-map", "0:v", "-map", "1:a", "-c:v", "copy",
           "-c:a", "aac", "-b:a", "256k", str(master))
    spots = Spots(tmp_path, {"hum": master})
    result = render(spots.write([{"code": "tzo", "treatment": "soft"}], {"small": SMALL}))
    assert result.exit_code == 0, result.output
    sound = decoded_samples(spots.out("hum", "tzo", "small"))
    assert len(sound) >= 3 * 48000
    sound = sound[:3 * 48000]       # the programme; the decoder adds the last AAC frame's padding
    steady = np.abs(sound[4800:9600]).max()                  # 0.1-0.2 s in: the tone
    for edge in (sound[:48], sound[-48:]):
        assert np.abs(edge).max() < 0.2 * steady, (np.abs(edge).max(), steady)
    assert np.abs(sound[960:1440]).max() > 0.8 * steady       # 20-30 ms: the tone, whole
    assert np.abs(sound[-1440:-960]).max() > 0.8 * steady


def test_a_matroska_master_whose_sound_runs_past_its_picture_is_the_picture_s_length(tmp_path):
    # ffprobe gives Matroska streams no duration, only a DURATION tag: the master took the
    # file's length (its sound's, 3.5 s) as the spot's, and every variant failed its check.
    master = tmp_path / "media/long-sound.mkv"
    master.parent.mkdir()
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25:duration=3",
           "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=3.5",
           *X264, "-c:a", "flac", str(master))
    spots = Spots(tmp_path, {"long": master})
    result = render(spots.write([{"code": "tzo", "treatment": "soft"}], {"small": SMALL}))
    assert result.exit_code == 0, result.output
    sound = decoded_samples(spots.out("long", "tzo", "small"))[:3 * 48000]
    assert len(sound) == 3 * 48000
    assert np.abs(sound[-48:]).max() < 0.2 * np.abs(sound[4800:9600]).max()   # cut: faded


@pytest.fixture(scope="module")
def layouts(tmp_path_factory):
    root = tmp_path_factory.mktemp("conform-layouts")
    media = root / "media"
    media.mkdir()
    tone = "sine=frequency={}:sample_rate=48000:duration=3,volume={}dB"
    spots = Spots(root, {
        "surround51": sound_master(media / "surround51.mp4", surround("5.1")),
        "surround71": sound_master(media / "surround71.mov", surround("7.1"), codec="pcm_s24le"),
        "mono": sound_master(media / "mono.mp4", tone.format(440, -30)),
        "split": sound_master(media / "split.mov", tone.format(440, -20), tone.format(660, -26),
                              codec="pcm_s24le"),
        "three": sound_master(media / "three.mov", tone.format(440, -20), tone.format(660, -26),
                              tone.format(880, -20), codec="pcm_s24le"),
    }, dub=surround_track(media / "dub51.wav", "5.1"),
        spot_keys={"three": {"audio": {"streams": [1, 0]}}})
    manifest = spots.write([{"code": "tzo", "treatment": "soft"}, {"code": "yua", "treatment": "dub"}],
                           {"small": SMALL, "bc": BROADCAST})
    result = render(manifest)
    assert result.exit_code == 0, result.output
    spots.output = result.output
    return spots


TARGETS = {"small": ("mp4", -16.0), "bc": ("mov", -23.0)}


@pytest.mark.parametrize("profile", ["small", "bc"])
@pytest.mark.parametrize("spot,language", [("surround51", "tzo"), ("surround71", "tzo"),
                                           ("mono", "tzo"), ("split", "tzo"), ("surround51", "yua")])
def test_every_layout_lands_on_the_target(layouts, spot, language, profile):
    extension, target = TARGETS[profile]
    out = layouts.out(spot, language, profile, extension)
    audio = [s for s in streams(out) if s["codec_type"] == "audio"]
    assert len(audio) == 1 and audio[0]["channels"] == 2
    lufs, peak = integrated_loudness(out)
    assert abs(lufs - target) <= 0.5, (lufs, target)
    assert peak <= -0.5, peak


def test_split_mono_keeps_one_tone_per_channel(layouts):
    out = layouts.out("split", "tzo", "small")
    assert channel_band_rms_db(out, 0, 440) - channel_band_rms_db(out, 0, 660) > 20
    assert channel_band_rms_db(out, 1, 660) - channel_band_rms_db(out, 1, 440) > 20
    # Their balance is kept: the right stream was mastered 6 dB below the left one.
    assert abs(channel_band_rms_db(out, 0, 440) - channel_band_rms_db(out, 1, 660) - 6) < 1
    assert "is used as left" in layouts.output and "a:1 (stream #2, pcm_s24le mono)" in layouts.output


def test_six_split_mono_streams_without_the_key_keep_tracks_1_and_2_as_stereo(tmp_path):
    # An edit suite's ProRes with no `audio:` key: before, a:0 alone was the mix, in both
    # channels (track 2's right channel lost, and the warning never said the sound was mono).
    media = tmp_path / "media"
    media.mkdir()
    tone = "sine=frequency={}:sample_rate=48000:duration=3,volume=-20dB"
    spots = Spots(tmp_path, {"tracks": sound_master(
        media / "tracks.mov", *(tone.format(f) for f in (440, 660, 880, 60, 990, 1100)),
        codec="pcm_s24le")})
    manifest = spots.write([{"code": "tzo", "treatment": "soft"}], {"small": SMALL})
    result = render(manifest)
    assert result.exit_code == 0, result.output
    out = spots.out("tracks", "tzo", "small")
    assert channel_band_rms_db(out, 0, 440) - channel_band_rms_db(out, 0, 660) > 20   # a:0 left
    assert channel_band_rms_db(out, 1, 660) - channel_band_rms_db(out, 1, 440) > 20   # a:1 right
    assert channel_band_rms_db(out, 0, 880) < -60 and channel_band_rms_db(out, 1, 1100) < -60
    assert "a:0 (stream #1, pcm_s24le mono) is used as left, a:1 (stream #2, pcm_s24le mono) " \
           "as right" in result.output


def test_split_mono_that_starts_after_the_picture_is_rendered_in_place(tmp_path):
    # An edit suite's MOV: L and R as two PCM mono streams (which name no layout), starting
    # 0.5 s after the picture. ffmpeg's amerge could not choose a layout for the delayed
    # streams: "ffmpeg cannot decode the master's sound", every variant blocked (a trial's).
    media = tmp_path / "media"
    media.mkdir()
    tone = "sine=frequency={}:sample_rate=48000:duration=2.5,volume=-20dB"
    made = sound_master(media / "made.mov", tone.format(440), tone.format(660),
                        codec="pcm_s16le")
    master = media / "late.mov"
    ffmpeg("-i", str(made), "-itsoffset", "0.5", "-i", str(made), "-map", "0:v", "-map", "1:a:0",
           "-map", "1:a:1", "-c", "copy", str(master))
    assert [(s.get("channel_layout"), float(s["start_time"])) for s in streams(master)
            if s["codec_type"] == "audio"] == [(None, 0.5), (None, 0.5)], streams(master)
    spots = Spots(tmp_path, {"late": master})
    result = render(spots.write([{"code": "tzo", "treatment": "soft"}], {"small": SMALL}))
    assert result.exit_code == 0, result.output
    out = spots.out("late", "tzo", "small")
    assert channel_band_rms_db(out, 0, 440) - channel_band_rms_db(out, 0, 660) > 20   # a:0 left
    assert channel_band_rms_db(out, 1, 660) - channel_band_rms_db(out, 1, 440) > 20   # a:1 right
    # In place: silence for the first 0.5 s, then the tones (the AAC encoder's delay is
    # trimmed by the decoder).
    sound = decoded_samples(out)
    assert np.abs(sound[:int(0.45 * 48000)]).max() < 1e-3
    assert np.abs(sound[int(0.55 * 48000):int(0.65 * 48000)]).max() > 0.05


def test_the_spot_chooses_streams_and_the_others_are_named(layouts):
    out = layouts.out("three", "tzo", "small")
    assert channel_band_rms_db(out, 0, 660) - channel_band_rms_db(out, 0, 440) > 20   # a:1 left
    assert channel_band_rms_db(out, 1, 440) - channel_band_rms_db(out, 1, 660) > 20   # a:0 right
    assert channel_band_rms_db(out, 0, 880) < -60 and channel_band_rms_db(out, 1, 880) < -60
    warning = next(line.strip() for line in layouts.output.splitlines() if "not used" in line)
    assert warning.startswith(f"{layouts.manifest}:") and "a:2 (stream #3, pcm_s24le mono)" in warning
    record = json.loads(layouts.out("three", "tzo", "small").with_suffix(".json").read_text())
    assert any("a:2" in w["message"] and w["code"] == "audio-streams" for w in record["qc"]["warnings"])


def test_the_lfe_is_left_out_of_the_downmix(layouts):
    out = layouts.out("surround51", "tzo", "small")
    assert channel_band_rms_db(out, 0, 60) < channel_band_rms_db(out, 0, 300) - 40
    assert channel_band_rms_db(out, 0, 700) - channel_band_rms_db(out, 0, 800) > 20   # BL left


@pytest.fixture
def soundless(campaign, media):
    import shutil
    shutil.copy(media["silent.mp4"], campaign.root / "media/spot.mp4")
    campaign.subtitle("nah")
    campaign.audio("yua")
    return campaign


def test_a_master_without_sound_refuses_burn_and_still_renders_dub(soundless):
    manifest = soundless.write([{"code": "nah", "treatment": "burn"}, {"code": "yua", "treatment": "dub"}])
    result = render(manifest)
    assert result.exit_code == 1
    spot_line = next(n for n, line in enumerate(manifest.read_text().splitlines(), 1) if "- id: spot" in line)
    assert f"{manifest}:{spot_line}: error: master {soundless.root / 'media/spot.mp4'} of spot 'spot' " \
           "has no audio stream" in result.output
    assert "audio: silent" in result.output and "Traceback" not in result.output
    assert not (soundless.out / "spot.nah.small.mp4").exists()
    dub = soundless.out / "spot.yua.small.mp4"
    assert channel_band_rms_db(dub, 0, 1000) > -40


def test_audio_silent_gives_a_silent_track_of_the_profile(soundless):
    data = soundless.data([{"code": "nah", "treatment": "burn"}])
    data["spots"][0]["audio"] = "silent"
    import yaml
    soundless.manifest.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    result = render(soundless.manifest)
    assert result.exit_code == 0, result.output
    out = soundless.out / "spot.nah.small.mp4"
    audio = next(s for s in streams(out) if s["codec_type"] == "audio")
    assert (audio["codec_name"], audio["sample_rate"], audio["channels"]) == ("aac", "48000", 2)
    assert channel_band_rms_db(out, 0, 440) < -90
    record = json.loads(out.with_suffix(".json").read_text())
    assert record["loudness"]["integrated_lufs"] is None and record["settings"]["sound"] == {"silent": True}
    assert not [w for w in record["qc"]["warnings"] if w["code"] == "silent-audio"]   # asked for


@pytest.fixture(scope="module")
def unsounded(tmp_path_factory):
    # A master whose sound (3 s) stops half-way through its picture (6 s), one whose sound is
    # an all-silent AAC track, and the same silent master with the spot's `audio: silent`.
    root = tmp_path_factory.mktemp("conform-unsounded")
    media = root / "media"
    media.mkdir()
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25:duration=6",
           "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=3",
           *X264, "-c:a", "aac", str(media / "short.mp4"))
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25:duration=4",
           "-f", "lavfi", "-i", "anullsrc=sample_rate=48000:channel_layout=stereo", "-t", "4",
           *X264, "-c:a", "aac", str(media / "quiet.mp4"))
    shutil.copy(media / "quiet.mp4", media / "meant.mp4")
    # And one whose sound (5.5 s) runs past its picture (4 s).
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25:duration=4",
           "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=5.5",
           *X264, "-c:a", "aac", str(media / "long.mp4"))
    return Spots(root, {"short": media / "short.mp4", "quiet": media / "quiet.mp4",
                        "meant": media / "meant.mp4", "long": media / "long.mp4"},
                 spot_keys={"meant": {"audio": "silent"}})


def test_a_short_or_silent_master_sound_is_said_once_before_rendering(unsounded):
    # Before, validate and plan said nothing: the short sound went to air padded with 3 s of
    # silence without a word, the silent one was said only after the render, of each file.
    manifest = unsounded.write([{"code": "tzo", "treatment": "soft"},
                                {"code": "nah", "treatment": "burn"}],
                               {"small": SMALL, "other": SMALL | {"crf": 35}})
    for command in ("validate", "plan"):
        result = CliRunner().invoke(cli, [command, str(manifest)])
        assert result.exit_code == 0, result.output
        short = [line for line in result.stderr.splitlines() if "before its picture" in line]
        assert short == [f"{unsounded.masters['short']}: warning: the master's sound ends 3.0 s "
                         "before its picture (padded with silence): its sound stops at 3.0 s of "
                         "6.0 s (hint: export the master again with its sound running to the "
                         "picture's end)"], result.stderr
        silent = [line for line in result.stderr.splitlines() if "sound is silent" in line]
        assert len(silent) == 1 and silent[0].startswith(
            f"{unsounded.masters['quiet']}: warning: the master's sound is silent"), result.stderr
        assert "goes to air silent" in silent[0] and "'audio: silent'" in silent[0]
        # Past the picture: cut, and said (a trial's film master lost its last second unsaid).
        long = [line for line in result.stderr.splitlines() if "past its picture" in line]
        assert long == [f"{unsounded.masters['long']}: warning: the master's sound runs 1.5 s "
                        "past its picture (cut at the picture's end, faded): its sound ends at "
                        "5.5 s of 4.0 s (hint: check that the sound is the spot's own mix, or "
                        "export the master with its sound ending with the picture)"], \
            result.stderr


def test_the_warnings_are_the_variants_and_the_silence_is_said_once(unsounded):
    manifest = unsounded.write([{"code": "tzo", "treatment": "soft"}], {"small": SMALL})
    result = render(manifest, "--spot", "short", "--spot", "quiet")
    assert result.exit_code == 0, result.output
    out = unsounded.out("short", "tzo", "small")
    sound = decoded_samples(out)
    assert np.abs(sound[:int(2.9 * 48000)]).max() > 0.01         # the tone, then silence:
    assert np.abs(sound[int(3.05 * 48000):]).max() < 1e-4        # what the warning says
    assert sound_codes(out) == ["master-sound-short"]
    quiet = unsounded.out("quiet", "tzo", "small")
    assert np.abs(decoded_samples(quiet)).max() == 0.0
    assert sound_codes(quiet) == ["master-silent"]    # not again as the file's "silent-audio"
    strict = render(manifest, "--spot", "short", "--strict")
    assert strict.exit_code == 1


def sound_codes(out) -> list[str]:
    """The codes of a variant's QC warnings about its sound (its subtitles' left out)."""
    record = json.loads(out.with_suffix(".json").read_text())
    return [w["code"] for w in record["qc"]["warnings"]
            if w["code"].startswith("master") or w["code"] == "silent-audio"]


def test_a_spot_meant_to_be_silent_gets_no_word(unsounded):
    manifest = unsounded.write([{"code": "tzo", "treatment": "soft"}], {"small": SMALL})
    result = CliRunner().invoke(cli, ["validate", str(manifest)])
    assert result.exit_code == 0, result.output
    assert "meant.mp4: warning" not in result.stderr and "quiet.mp4: warning" in result.stderr


def test_a_filter_graph_that_fails_is_said_the_pipeline_s_fault_not_the_file_s(tmp_path):
    # The graph that failed on a late split mono, run by real ffmpeg on a file it decodes: its
    # error was "cannot decode the master's sound: Conversion failed! (hint: export the master
    # again)", sending the media team back to an edit suite for a fault of ours.
    from pipeline.errors import MediaError, RenderError
    from pipeline.media.ffmpeg import run_ffmpeg
    from pipeline.render.deliveries import _undecodable
    from pipeline.messages import say

    made = sound_master(tmp_path / "made.mov", "sine=duration=1", "sine=duration=1",
                        codec="pcm_s16le")
    graph = ("[0:a:0]adelay=delays=4800S:all=1[a];[0:a:1]adelay=delays=4800S:all=1[b];"
             "[a][b]amerge=inputs=2")
    with pytest.raises(RenderError) as failed:
        run_ffmpeg(["-i", str(made), "-filter_complex", graph, "-f", "null", "-"],
                   what="merging", path=made)
    said = _undecodable(failed.value, "ffmpeg cannot decode the master's sound: %(reason)s",
                        made, say("export the master again"))
    assert isinstance(said, RenderError) and not isinstance(said, MediaError)
    line = said.diagnostics[0].format()
    assert "the filter graph the pipeline built for this sound failed to run" in line, line
    assert "could not choose their formats" in line and "a fault of the pipeline" in line, line
    # A file ffmpeg cannot decode is still said to be the file's.
    broken = tmp_path / "broken.mov"
    broken.write_bytes(made.read_bytes()[:4000])
    with pytest.raises(RenderError) as failed:
        run_ffmpeg(["-i", str(broken), "-f", "null", "-"], what="decoding",
                   path=broken)
    said = _undecodable(failed.value, "ffmpeg cannot decode the master's sound: %(reason)s",
                        broken, say("export the master again"))
    assert isinstance(said, MediaError), said


def test_a_very_quiet_master_is_said_with_the_lift_levelling_gives_it(tmp_path):
    # A trial's 1080i master took tracks 1-2, its mix at -36 LUFS: every web variant was lifted
    # 20 dB, its noise floor with it, without a word (a dub so quiet is warned of).
    media = tmp_path / "media"
    media.mkdir()
    tone = "sine=frequency={}:sample_rate=48000:duration=3,volume=-20dB"   # about -39 LUFS
    master = sound_master(media / "quiet.mov", tone.format(440), tone.format(660),
                          codec="pcm_s24le")
    spots = Spots(tmp_path, {"quiet": master})
    manifest = spots.write([{"code": "tzo", "treatment": "soft"}],
                           {"small": SMALL, "bc": BROADCAST})
    result = CliRunner().invoke(cli, ["validate", str(manifest)])
    assert result.exit_code == 0, result.output
    said = [line for line in result.stderr.splitlines() if "very quiet" in line]
    assert len(said) == 1, result.stderr
    found = re.search(r"^media/quiet\.mov: warning: the master's sound is very quiet: "
                      r"(-[\d.]+) LUFS integrated; levelling lifts it, and its noise floor with "
                      r"it, by ([\d.]+) dB to -16 LUFS, the target of profile small \(hint: check "
                      r"that the streams the spot takes are its mix", said[0].replace(
                          f"{tmp_path}/", ""))
    assert found, said
    # Measured apart from the pipeline: the stereo of its two mono tracks, as the variants
    # carry it.
    stereo = tmp_path / "stereo.wav"
    ffmpeg("-i", str(master), "-filter_complex", "[0:a:0][0:a:1]amerge=inputs=2", str(stereo))
    lufs, _ = integrated_loudness(stereo)
    assert float(found[1]) == pytest.approx(lufs, abs=0.2)
    assert float(found[2]) == pytest.approx(-16 - lufs, abs=0.2)
    # At a working level, nothing said.
    sound_master(media / "quiet.mov", tone.format(440).replace("-20dB", "0dB"),
                 tone.format(660).replace("-20dB", "0dB"), codec="pcm_s24le")
    assert "very quiet" not in CliRunner().invoke(cli, ["validate", str(manifest)]).stderr


def test_a_44_1_khz_dub_s_track_is_timed_sample_by_sample(campaign):
    # A trial's 44.1 kHz MP3 dub: the AAC track's packets stepped by 1023 and 1025 samples,
    # three of them one sample apart at its end; the track lasted 9.912 s under a 10 s picture
    # and its voice came 21 ms early on the file's clock (silencedetect). Resampled to 48 kHz,
    # its frames had kept their rounded times. A 44.1 kHz WAV's stepped unevenly too.
    folder = campaign.root / "audio/spot"
    tone = ("-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=44100:duration=2.5",
            "-af", "adelay=1000:all=1,volume=-12dB")
    ffmpeg(*tone, "-c:a", "libmp3lame", "-b:a", "128k", str(folder / "yua.mp3"))
    ffmpeg(*tone, "-c:a", "pcm_s16le", str(folder / "mto.wav"))
    manifest = campaign.write([{"code": "yua", "treatment": "dub"},
                               {"code": "mto", "treatment": "dub"}])
    result = render(manifest)
    assert result.exit_code == 0, result.output
    for code in ("yua", "mto"):
        output = campaign.out / f"spot.{code}.small.mp4"
        packets = json.loads(subprocess.run(
            ["ffprobe", "-v", "error", "-select_streams", "a:0", "-show_entries",
             "packet=pts:stream=time_base,duration", "-of", "json", str(output)],
            capture_output=True, text=True, check=True).stdout)
        assert packets["streams"][0]["time_base"] == "1/48000"
        times = [p["pts"] for p in packets["packets"]]
        assert {b - a for a, b in zip(times, times[1:])} == {1024}, (code, times)
        video = next(s for s in streams(output) if s["codec_type"] == "video")
        assert abs(float(packets["streams"][0]["duration"]) - float(video["duration"])) < 0.001
        # The voice on the file's own clock, as a player times it (frames' times).
        said = subprocess.run([FFMPEG, "-nostats", "-i", str(output), "-map", "0:a:0", "-af",
                               "silencedetect=noise=-40dB:d=0.2", "-f", "null", "-"],
                              capture_output=True, text=True).stderr
        onset = float(re.search(r"silence_end: ([\d.]+)", said).group(1))
        assert abs(onset - 1.0) < 0.003, (code, onset)
