"""A language's recording delivered as a mono file per channel (split mono), or misnamed: the
missing recording's one error says what the files look like and how to make the one file read,
and the command it prints, run as printed, makes a file validate takes. On files made by
ffmpeg's lavfi, through the CLI."""

from __future__ import annotations

import json
import re
import shlex
import subprocess

import pytest
from click.testing import CliRunner

from pipeline.cli.main import cli
from tests.conftest import FFMPEG, ffmpeg

SPOT = 4.0      # seconds: the campaign fixture's master


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def mono(path, frequency: int, level_db: float = -14.0):
    """A mono 24-bit WAV of the spot's length: a tone, one for each channel."""
    ffmpeg("-f", "lavfi", "-i", f"sine=frequency={frequency}:sample_rate=48000:duration={SPOT}",
           "-filter:a", f"volume={level_db}dB", "-c:a", "pcm_s24le", str(path))
    return path


def command_in(hint: str) -> list[str]:
    """The ffmpeg command a hint gives, as a shell would split it."""
    found = re.search(r": (ffmpeg .*?) \(or, in an audio editor", hint)
    assert found, hint
    return shlex.split(found.group(1))


def run_as_typed(command: list[str], cwd) -> None:
    assert command[0] == "ffmpeg"
    subprocess.run([FFMPEG, "-nostdin", "-loglevel", "error", *command[1:]], cwd=cwd, check=True)


def channels(path) -> tuple[str, int, str]:
    probe = json.loads(subprocess.run(
        ["ffprobe", "-v", "error", "-show_streams", "-of", "json", str(path)],
        capture_output=True, text=True, check=True).stdout)["streams"][0]
    return probe["codec_name"], probe["channels"], probe["channel_layout"]


@pytest.mark.parametrize("left, right", [("tzo.L.wav", "tzo.R.wav"), ("tzo_l.wav", "tzo_r.wav"),
                                         ("tzo-Left.wav", "tzo-Right.wav")])
def test_a_split_stereo_pair_is_one_error_saying_how_to_join_it(campaign, monkeypatch, left,
                                                                 right):
    # A trial's tzo.L.wav and tzo.R.wav (PCM WAV each) were "not in an accepted format (hint:
    # add the recording there as PCM WAV, ...)", the true reason a "not used" warning further
    # down that watch and publish never showed.
    folder = campaign.root / "audio/spot"
    mono(folder / left, 500)
    mono(folder / right, 700)
    campaign.write([{"code": "tzo", "treatment": "dub"}])
    monkeypatch.chdir(campaign.root)        # paths as typed, relative to where it is run
    result = invoke("validate", "manifests/campaign.yaml")
    assert result.exit_code == 1
    said = result.stderr.splitlines()
    errors = [line for line in said if ": error: " in line]
    assert errors == [line for line in said if "tzo" in line], result.stderr   # one line alone
    assert len(errors) == 1 and "not used" not in result.stderr
    assert "not in an accepted format" not in errors[0]
    assert errors[0].startswith(
        "manifests/campaign.yaml:10: error: recording of language 'tzo' (dub) in 2 files: "
        f"{left} and {right} look like the left and right channels of "
        "one recording, exported as a mono file each (split mono); a language's recording is "
        "read from one file, audio/spot/tzo.wav (hint: join them into tzo.wav, a "
        f"24-bit PCM WAV: ffmpeg -i audio/spot/{left} -i "
        f"audio/spot/{right} -filter_complex amerge=inputs=2 -c:a pcm_s24le "
        "audio/spot/tzo.wav (or, in an audio editor, make them one stereo track and "
        "export it there), then move the 2 channels' files out of that folder)"), errors[0]

    run_as_typed(command_in(errors[0]), campaign.root)
    assert channels(folder / "tzo.wav") == ("pcm_s24le", 2, "stereo")
    result = invoke("validate", "manifests/campaign.yaml")
    assert result.exit_code == 0, result.output
    # The parts left there are said not to be used, and why.
    assert (f"audio/spot/{left}: warning: not used: {left} looks like the left "
            "channel of a recording split into a mono file per channel: a language's recording "
            "is one file, all its channels in it (hint: tzo.wav, beside it, is the recording "
            "read: if it is not these channels joined, listen to both, keep the one to use as "
            "tzo.wav, and move the channels' files out of the folder)") in result.stderr


def test_the_six_files_of_a_split_5_1_are_joined_in_channel_order(campaign):
    folder = campaign.root / "audio/spot"
    # Named in another order than the channels' (sorted, Ls would come before R).
    names = {"LFE": 60, "Ls": 300, "Rs": 400, "C": 700, "L": 500, "R": 600}
    for channel, frequency in names.items():
        mono(folder / f"yua_{channel}.wav", frequency, -30.0 if channel in ("Ls", "Rs") else -14.0)
    manifest = campaign.write([{"code": "yua", "treatment": "dub"}])
    result = invoke("validate", manifest)
    error = next(line for line in result.stderr.splitlines() if ": error: " in line)
    assert ("yua_L.wav, yua_R.wav, yua_C.wav, yua_LFE.wav, yua_Ls.wav and yua_Rs.wav look like "
            "the 6 channels of one 5.1 recording (L R C LFE Ls Rs), exported as a mono file each "
            "(split mono)") in error, error
    command = command_in(error)
    assert [arg.rsplit("_", 1)[-1] for arg in command[2:13:2]] == [
        "L.wav", "R.wav", "C.wav", "LFE.wav", "Ls.wav", "Rs.wav"]
    assert "amerge=inputs=6" in command
    run_as_typed(command, campaign.root)
    assert channels(folder / "yua.wav") == ("pcm_s24le", 6, "5.1")
    result = invoke("validate", manifest)
    assert result.exit_code == 0, result.output
    # The voice (the tone of the centre) is where a 5.1's voice is, the LFE's under its band:
    # nothing said of the joined file (no channel order taken wrong).
    assert f"{folder / 'yua.wav'}:" not in result.stderr, result.stderr


def part(path, seconds: float = SPOT, rate: int = 48000, frequency: int = 500):
    """A mono 24-bit WAV of `seconds` at `rate`: one channel of a split recording."""
    ffmpeg("-f", "lavfi", "-i", f"sine=frequency={frequency}:sample_rate={rate}:"
           f"duration={seconds}", "-filter:a", "volume=-14dB", "-c:a", "pcm_s24le", str(path))
    return path


def duration_of(path) -> float:
    return float(subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0",
         str(path)], capture_output=True, text=True, check=True).stdout)


def test_parts_of_different_lengths_are_not_one_export_and_no_command_cuts_them(campaign,
                                                                                monkeypatch):
    # A trial's nah_L.wav (12 s) and nah_R.wav (16 s) were given the join command, which made a
    # 12 s nah.wav, exit 0: amerge stops at its shortest input, the right's last 4 s were gone.
    folder = campaign.root / "audio/spot"
    part(folder / "nah_L.wav", 3.0)
    part(folder / "nah_R.wav", SPOT, frequency=700)
    campaign.write([{"code": "nah", "treatment": "dub"}])
    monkeypatch.chdir(campaign.root)
    result = invoke("validate", "manifests/campaign.yaml")
    assert result.exit_code == 1
    (error,) = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert error == (
        "manifests/campaign.yaml:10: error: recording of language 'nah' (dub) in 2 files: "
        "nah_L.wav and nah_R.wav look like the left and right channels of one recording, "
        "exported as a mono file each (split mono), but not of one export: their lengths differ "
        "(nah_L.wav 3.00 s and nah_R.wav 4.00 s): joined, they would end with the shortest, at "
        "3.00 s; a language's recording is read from one file, audio/spot/nah.wav (hint: export "
        "the recording again as one file, nah.wav (mono, stereo or 5.1), or its channels again "
        "in one export, as long as each other and at one sample rate)"), error
    assert "ffmpeg" not in error and "amerge" not in error
    # What the command would have done, run as it was given: the longer part cut, silently.
    from pipeline.render.split_mono import split_mono
    joined = split_mono(folder, "nah", ["nah_L.wav", "nah_R.wav"], (".wav",)).command()
    run_as_typed(joined, campaign.root)
    assert duration_of(folder / "nah.wav") == pytest.approx(3.0, abs=1e-3)


def test_parts_at_different_sample_rates_are_not_one_export(campaign):
    folder = campaign.root / "audio/spot"
    part(folder / "tzo.L.wav", rate=48000)
    part(folder / "tzo.R.wav", rate=44100, frequency=700)
    manifest = campaign.write([{"code": "tzo", "treatment": "dub"}])
    result = invoke("validate", manifest)
    (error,) = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert ("(split mono), but not of one export: their lengths and sample rates differ "
            "(tzo.L.wav 4.00 s at 48 kHz and tzo.R.wav 4.00 s at 44.1 kHz); a language's "
            "recording is read from one file") in error, error
    assert "ffmpeg" not in error and "as long as each other and at one sample rate" in error


def test_parts_a_few_milliseconds_apart_keep_the_command_and_are_probed_once(campaign, tmp_path,
                                                                             monkeypatch):
    # An editor's rounding may leave 2 ms between two channels of one export: still one.
    from pipeline.media.ffmpeg import ffprobe_binary
    folder = campaign.root / "audio/spot"
    part(folder / "tzo.L.wav", SPOT)
    part(folder / "tzo.R.wav", SPOT + 0.002, frequency=700)
    manifest = campaign.write([{"code": "tzo", "treatment": "dub"}])
    log = tmp_path / "ffprobe.log"
    wrapper = tmp_path / "ffprobe-logged"
    wrapper.write_text(f"#!/bin/sh\necho \"$@\" >> {log}\nexec {ffprobe_binary()} \"$@\"\n",
                       encoding="utf-8")
    wrapper.chmod(0o755)
    monkeypatch.setenv("FFPROBE", str(wrapper))
    ffprobe_binary.cache_clear()
    try:
        for _ in range(2):      # plan keeps what it probed with the files' hashes
            result = invoke("plan", manifest)
            assert result.exit_code == 1
    finally:
        monkeypatch.undo()
        ffprobe_binary.cache_clear()
    probed = log.read_text(encoding="utf-8")
    # One ffprobe a part, in the first run alone.
    assert probed.count("tzo.L.wav") == probed.count("tzo.R.wav") == 1, probed
    (error,) = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert "not of one export" not in error
    monkeypatch.chdir(campaign.root)
    run_as_typed(command_in(error), campaign.root)
    assert duration_of(folder / "tzo.wav") == pytest.approx(SPOT, abs=1e-3)
    assert invoke("validate", manifest).exit_code == 0


def test_a_channel_without_its_other_and_misnamed_files_are_said_to_be_so(campaign):
    folder = campaign.root / "audio/spot"
    mono(folder / "tzo.L.wav", 500)
    mono(folder / "nah.final.wav", 500).with_name("NAH.wav.bak").write_bytes(
        (folder / "nah.final.wav").read_bytes())
    (folder / "nah.wma").write_bytes(b"0&\xb2u")
    manifest = campaign.write([{"code": "tzo", "treatment": "dub"},
                               {"code": "nah", "treatment": "mix"}])
    result = invoke("validate", manifest)
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert errors[0].endswith(
        "; tzo.L.wav looks like the left channel of a recording exported as a mono file per "
        "channel (split mono), without its right channel: a stereo recording has L and R (hint: "
        "deliver "
        "the recording as one file, tzo.wav (mono, stereo or 5.1), or a file for each of its "
        "channels, to be joined into it)"), errors[0]
    # In a format read here, misnamed: each said to be, with why; the one in no such format
    # still said to be in none.
    assert errors[1].endswith(
        "; NAH.wav.bak is misnamed: a backup file name (only the name ending in the format's "
        "suffix is read); nah.final.wav is misnamed: a language's audio file is nah.wav alone: "
        "nah.final.wav names a part or a version of it; the folder holds nah.wma, not in an "
        "accepted format (hint: add the recording there as PCM WAV or AIFF, FLAC, MP3, MP2, "
        "M4A/AAC, Ogg or Opus, or change the treatment)"), errors[1]
    assert "not used" not in result.stderr      # named in the errors, once


@pytest.mark.e2e      # a render and a publish
def test_publish_and_the_catalog_say_the_split_recording_and_the_page_its_reason(campaign,
                                                                                 tmp_path):
    folder = campaign.root / "audio/spot"
    mono(folder / "tzo.L.wav", 500)
    mono(folder / "tzo.R.wav", 700)
    campaign.audio("yua")
    manifest = campaign.write([{"code": "yua", "treatment": "dub"},
                               {"code": "tzo", "treatment": "dub"}])
    assert invoke("render", manifest).exit_code == 1
    published = invoke("publish", manifest, "--to", (tmp_path / "dist").as_uri())
    assert published.exit_code == 0, published.output
    assert "blocked: recording of language 'tzo' (dub) in 2 files" in published.stderr
    assert "not in an accepted format" not in published.stderr
    catalog = json.loads((tmp_path / "dist/test-campaign/catalog.json").read_text("utf-8"))
    missing = catalog["variants_missing"][0]
    assert missing["language"] == "tzo" and missing["reason"] == "blocked"
    assert missing["reason_text"].startswith(
        "blocked: recording of language 'tzo' (dub) in 2 files: ")
    assert "tzo.L.wav and tzo.R.wav look like the left and right channels" in \
        missing["reason_text"]
    # What the page says, in its language (page.po's Spanish): not that the recording is
    # missing, as it did, but that it came as a file per channel, to be joined.
    assert missing["reason_detail"] == {
        "template": "the dub's recording has a problem the team is fixing: %(problem)s",
        "params": {"problem": {"template": "it arrived as one file per channel, yet to be "
                                           "joined into one", "params": {}}}}


def test_one_channel_split_off_a_stereo_file_is_read_as_a_mono_recording(campaign):
    # ffmpeg's channelsplit (and editors' split-mono exports) keep the channel's place: "1
    # channels (FL)", which was "the 1 channels (FL) channel layout is not supported".
    path = campaign.root / "audio/spot/tzo.wav"
    ffmpeg("-f", "lavfi", "-i", f"sine=frequency=500:sample_rate=48000:duration={SPOT}",
           "-filter:a", "volume=-6dB,aformat=channel_layouts=stereo,"
                        "channelsplit=channel_layout=stereo:channels=FL",
           "-c:a", "pcm_s24le", str(path))
    assert channels(path) == ("pcm_s24le", 1, "1 channels (FL)")
    result = invoke("validate", campaign.write([{"code": "tzo", "treatment": "dub"}]))
    assert result.exit_code == 0, result.output
    assert "0 errors, 0 warnings" in result.output
