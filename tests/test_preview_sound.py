"""`pipeline preview` of a dub or a voice-over: the translator hears the recording as it will air
(the proxy video's sound, or a radio spot's sound file), checked as validate checks it; measured
here on the written files by ffmpeg's own ebur128 and astats."""

from __future__ import annotations

import re
import shutil

import ffmpeg as ffmpeg_python
import pytest
import yaml
from click.testing import CliRunner

from pipeline.cli.preview import preview
from pipeline.media.conform import examine
from pipeline.media.probe import probe_video
from pipeline.profiles import Profile
from pipeline.render.preview_video import proxy_graph, proxy_profile
from tests.conftest import SMALL_PROFILES, SRT, ffmpeg
from tests.mediacheck import (band_rms_db, changed_fraction, duration, gray_frame,
                              integrated_loudness, streams)

PROXY_TARGET = -16.0      # LUFS: the built-in proxy's, which every preview's sound is levelled to
W, H = SMALL_PROFILES["small"]["width"], SMALL_PROFILES["small"]["height"]
SMALL = Profile("small", W, H)


def invoke(*args):
    return CliRunner().invoke(preview, [str(a) for a in args], catch_exceptions=False)


def kinds(path) -> dict[str, dict]:
    return {s["codec_type"]: s for s in streams(path)}


def test_a_dub_s_proxy_copies_the_levelled_track_and_a_subtitle_s_encodes_the_master_s(campaign):
    master = examine(probe_video(campaign.root / "media/spot.mp4"))
    small = proxy_profile(SMALL)
    args = ffmpeg_python.compile(proxy_graph(master, small, campaign.root / "out.mp4",
                                             sound=campaign.root / "sound.m4a"), cmd="ffmpeg")
    assert str(campaign.root / "sound.m4a") in args and args[args.index("-c:a") + 1] == "copy"
    assert not any("subtitles" in arg for arg in args)       # no file: nothing burned
    args = ffmpeg_python.compile(proxy_graph(master, small, campaign.root / "out.mp4"),
                                 cmd="ffmpeg")
    assert args[args.index("-c:a") + 1] == "aac"


@pytest.mark.e2e
def test_a_dub_s_preview_carries_the_dub_fitted_to_the_spot_at_the_proxy_s_target(campaign):
    campaign.audio("yua")                       # a 3.5 s 1 kHz tone; the master's is 440 Hz
    manifest = campaign.write([{"code": "yua", "treatment": "dub"}])
    result = invoke(manifest, "--lang", "yua")
    assert result.exit_code == 0, result.output
    proxy = campaign.out / "spot.yua.preview.mp4"
    assert "spot yua: the dub yua.wav in " in result.stdout
    assert f"  video:         {proxy}" in result.stdout
    found = kinds(proxy)
    assert (found["video"]["width"], found["video"]["height"]) == (640, 360)
    assert found["audio"]["codec_name"] == "aac"
    assert abs(duration(proxy) - 4.0) < 0.05            # the 3.5 s dub padded to the spot
    assert band_rms_db(proxy, 1000) - band_rms_db(proxy, 440) > 15      # the dub, not the master
    lufs, _ = integrated_loudness(proxy)
    assert abs(lufs - PROXY_TARGET) <= 0.5, lufs
    # What the preview says it measured is what an independent meter reads on the file.
    said = re.search(r"  loudness: +(-[\d.]+) LUFS integrated, true peak -[\d.]+ dBTP, measured "
                     r"on the file \(ebur128\)", result.stdout)
    assert said and abs(float(said.group(1)) - lufs) <= 0.1, (result.stdout, lufs)
    # No subtitles: no sheet, no specimen; nothing else left in the folder.
    assert sorted(p.name for p in campaign.out.iterdir()) == ["spot.yua.preview.mp4"]


@pytest.mark.e2e
def test_a_voice_over_s_preview_has_the_bed_ducked_under_the_voice(campaign):
    campaign.audio("mto", "voice.wav")          # 1.5 kHz for 2.6 s, then nothing
    manifest = campaign.write([{"code": "mto", "treatment": "mix"}])
    result = invoke(manifest, "--lang", "mto")
    assert result.exit_code == 0, result.output
    assert "spot mto: the voice-over mto.wav in " in result.stdout
    proxy = campaign.out / "spot.mto.preview.mp4"
    assert band_rms_db(proxy, 1500, 0.3, 1.0) > band_rms_db(proxy, 1500, 3.1, 0.8) + 30
    ducked = band_rms_db(proxy, 220, 0.3, 1.0)          # the bed (220 Hz) under the voice
    free = band_rms_db(proxy, 220, 3.1, 0.8)            # the bed alone
    assert free - ducked > 6, (ducked, free)
    lufs, _ = integrated_loudness(proxy)
    assert abs(lufs - PROXY_TARGET) <= 0.5, lufs


@pytest.mark.e2e
def test_a_radio_spot_s_preview_is_a_sound_file_of_the_spot_s_length(campaign):
    shutil.copy(campaign.media["bed.wav"], campaign.root / "media/radio.wav")
    campaign.audio("yua")
    data = campaign.data([{"code": "yua", "treatment": "dub"}], profiles=["radio-mp3"])
    data["spots"][0]["master"] = "../media/radio.wav"
    campaign.manifest.write_text(yaml.safe_dump(data, sort_keys=False))
    result = invoke(campaign.manifest, "--lang", "yua")
    assert result.exit_code == 0, result.output
    sound = campaign.out / "spot.yua.preview.m4a"
    assert f"  sound:         {sound}" in result.stdout and "video:" not in result.stdout
    found = kinds(sound)
    assert set(found) == {"audio"} and found["audio"]["codec_name"] == "aac"
    assert abs(duration(sound) - 4.0) < 0.03, duration(sound)     # within an AAC frame
    lufs, _ = integrated_loudness(sound)
    assert abs(lufs - PROXY_TARGET) <= 0.5, lufs


@pytest.mark.e2e
def test_a_recording_with_an_error_gets_it_and_no_preview(campaign):
    campaign.audio("yua")
    manifest = campaign.write([{"code": "yua", "treatment": "dub"}])
    heard = invoke(manifest, "--lang", "yua", "--no-video")
    assert heard.exit_code == 0, heard.output
    # A sound file alone: no frame to speak of.
    assert "  sound:" in heard.stdout and "frame:" not in heard.stdout, heard.stdout
    old = campaign.out / "spot.yua.preview.m4a"
    assert old.exists()
    # 2 s longer than the spot, with sound to its end.
    path = campaign.root / "audio/spot/yua.wav"
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=48000:duration=6",
           str(path))
    result = invoke(manifest, "--lang", "yua", "--no-video")
    assert result.exit_code == 1
    assert f"{path}: error: sound continues past the spot's end: speech would be cut at " \
        "4.00 s" in result.stderr, result.stderr
    assert "spot yua: no preview made, because of the error above" in result.stderr
    assert f"  removed the previous preview: {old}" in result.stderr
    assert list(campaign.out.iterdir()) == []


def test_a_dub_with_no_recording_is_told_what_validate_says(campaign):
    manifest = campaign.write([{"code": "yua", "treatment": "dub"}])
    result = invoke(manifest, "--lang", "yua")
    assert result.exit_code == 1
    assert f"{manifest}:10: error: audio track missing for language 'yua' (dub): expected " \
        f"{campaign.root / 'audio/spot/yua'}.wav" in result.stderr, result.stderr
    assert "preview shows subtitles" not in result.stderr


@pytest.mark.e2e
def test_a_subtitle_language_and_a_dub_are_previewed_in_one_run(campaign):
    campaign.subtitle("nah", SRT)
    campaign.audio("yua")
    campaign.subtitle("yua", SRT)              # a dub with subtitles: its cues too
    manifest = campaign.write([{"code": "nah", "treatment": "burn"},
                               {"code": "yua", "treatment": "dub"}])
    result = invoke(manifest, "--spot", "spot")
    assert result.exit_code == 0, result.output
    assert "spot nah: 2 cues in " in result.stdout
    assert "spot yua: 2 cues and the dub yua.wav in " in result.stdout
    assert sorted(p.name for p in campaign.out.iterdir()) == [
        "spot.nah.preview.mp4", "spot.nah.preview.png", "spot.nah.specimen.png",
        "spot.yua.preview.mp4", "spot.yua.preview.png", "spot.yua.specimen.png"]
    nah, yua = campaign.out / "spot.nah.preview.mp4", campaign.out / "spot.yua.preview.mp4"
    assert band_rms_db(nah, 440) - band_rms_db(nah, 1000) > 15       # the master's sound
    assert band_rms_db(yua, 1000) - band_rms_db(yua, 440) > 15       # the dub's
    lufs, _ = integrated_loudness(yua)
    assert abs(lufs - PROXY_TARGET) <= 0.5, lufs
    # The dub's cues burned as the subtitled language's are: the same picture under a cue.
    master = campaign.root / "media/spot.mp4"
    bottom = range(int(H * 0.7), int(H * 0.95))
    for proxy in (nah, yua):
        shown = changed_fraction(gray_frame(proxy, 1.2, W, H), gray_frame(master, 1.2, W, H), W,
                                 bottom)
        assert shown > 0.01, (proxy, shown)


@pytest.mark.e2e
def test_a_preview_is_said_in_spanish_in_a_spanish_terminal(campaign, monkeypatch):
    # Its lines were English in a translator's Spanish terminal, under Spanish warnings.
    monkeypatch.setattr("pipeline.cli.language.terminal_language", lambda: "es")
    campaign.audio("yua")
    campaign.subtitle("yua", SRT)
    manifest = campaign.write([{"code": "yua", "treatment": "dub"}])
    result = invoke(manifest, "--lang", "yua")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert re.fullmatch(r"spot yua: 2 subtítulos y el doblaje yua\.wav en [\d.]+ s", lines[0])
    proxy = campaign.out / "spot.yua.preview.mp4"
    labels = {line.split(":")[0].strip(): line for line in lines[1:]}
    assert set(labels) == {"cuadro", "hoja de contactos", "muestra de caracteres", "video",
                           "sonoridad"}, lines
    assert labels["video"] == f"  video:                 {proxy}"
    assert labels["cuadro"].endswith(f"{W}x{H} del perfil 'small' (--profile NOMBRE para otro)")
    # The values in one column: each starts at the same place.
    assert len({len(line) - len(line.split(":", 1)[1].lstrip()) for line in lines[1:]}) == 1
    lufs, _ = integrated_loudness(proxy)
    said = re.search(r"sonoridad: +(-[\d.]+) LUFS integrados, pico real -[\d.]+ dBTP, medidos "
                     r"en el archivo \(ebur128\); el objetivo del proxy: -16 LUFS$",
                     labels["sonoridad"])
    assert said and abs(float(said.group(1)) - lufs) <= 0.1, (lines, lufs)
    campaign.subtitle("yua", SRT + "\n3\n00:00:03,900 --> 00:00:03,700\nal revés\n")
    result = invoke(manifest, "--lang", "yua")
    assert result.exit_code == 1
    assert ": error: el subtítulo 3 termina antes de empezar" in result.stderr, result.stderr
    assert "spot yua: no se hizo la vista previa, por el error de arriba" in result.stderr
    assert f"  se borró la vista previa anterior: {proxy}" in result.stderr, result.stderr


def test_a_voice_over_whose_spot_has_no_bed_is_told_so_and_not_previewed(campaign):
    campaign.audio("mto", "voice.wav")
    data = campaign.data([{"code": "mto", "treatment": "mix"}])
    del data["spots"][0]["music_bed"]
    campaign.manifest.write_text(yaml.safe_dump(data, sort_keys=False))
    result = invoke(campaign.manifest, "--lang", "mto")
    assert result.exit_code == 1
    assert f"{campaign.manifest}:5: error: language 'mto' uses 'mix' but spot 'spot' has no " \
        "music_bed" in result.stderr, result.stderr
    assert "spot mto: no preview made, because of the error above" in result.stderr
    assert not campaign.out.exists()
