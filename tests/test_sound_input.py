"""Sound files as their probe shows them, through the real CLI: a dub whose name says another
format than it holds (a phone's AAC export renamed .mp3) is said to be what it holds, with the
name it should have; a dub sampled under 32 kHz is a QC warning of its variants, up to the
catalog and the Spanish page. Every file is made here by ffmpeg."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from pipeline.publish.wording import localised
from tests.conftest import ffmpeg
from tests.mediacheck import streams
from tests.test_deliveries import SPOT, invoke, lines, track
from tests.test_radio import radio_campaign

# How a recording checked without a manifest is said to have been checked.
ALONE = "checked without its spot (its length against the spot's: by validate, or with --manifest)"

DUB = [{"code": "yua", "treatment": "dub"}]


def tone(path: Path, *args: str, rate: int = 48000) -> Path:
    """A 700 Hz tone as long as the spot, at `rate`, written with ffmpeg's `args`."""
    ffmpeg("-f", "lavfi", "-i", f"sine=frequency=700:sample_rate={rate}:duration={SPOT}",
           "-filter:a", "volume=-12dB", *args, str(path))
    return path


# --- a name that says another format -----------------------------------------------------------

MISNAMED = [
    # A phone's AAC export renamed: in its MP4 (M4A) container, or as a raw ADTS stream.
    ("yua.mp3", ("-c:a", "aac", "-f", "mp4"),
     "the dub holds AAC audio in an MP4 container, not MP3 as its name (.mp3) says: it is read "
     "as what it holds (hint: rename it to yua.m4a: other tools go by the name)"),
    ("yua.mp3", ("-c:a", "aac", "-f", "adts"),
     "the dub holds AAC audio as a raw ADTS stream, not MP3 as its name (.mp3) says: it is read "
     "as what it holds (hint: rename it to yua.aac: other tools go by the name)"),
    ("yua.wav", ("-c:a", "libmp3lame", "-f", "mp3"),
     "the dub holds MP3 audio, not WAV as its name (.wav) says: it is read as what it holds "
     "(hint: rename it to yua.mp3: other tools go by the name)"),
    # MPEG audio layer II, as radio playout stores it, named for layer III, and the reverse.
    ("yua.mp3", ("-c:a", "mp2", "-f", "mp2"),
     "the dub holds MP2 audio, not MP3 as its name (.mp3) says: it is read as what it holds "
     "(hint: rename it to yua.mp2: other tools go by the name)"),
    ("yua.mp2", ("-c:a", "libmp3lame", "-f", "mp3"),
     "the dub holds MP3 audio, not MP2 as its name (.mp2) says: it is read as what it holds "
     "(hint: rename it to yua.mp3: other tools go by the name)"),
    # A WAV container around compressed sound (format tags 0x0002, 0x0011, 0x0055, 0x0050): the
    # name fits the container, but playout takes a .wav for PCM.
    *(("yua.wav", ("-c:a", codec, "-f", "wav"),
       f"the dub holds {said} audio in a WAV container, not PCM: broadcast playout expects PCM "
       "WAV and may refuse or mis-play a .wav of compressed sound; it is read as what it holds "
       "(hint: convert it to PCM WAV: other tools take a .wav for PCM)")
      for codec, said in (("adpcm_ms", "Microsoft ADPCM"), ("adpcm_ima_wav", "IMA ADPCM"),
                          ("libmp3lame", "MP3"), ("mp2", "MP2"))),
    ("yua.m4a", ("-c:a", "flac", "-f", "flac"),
     "the dub holds FLAC audio, not MP4 (M4A) as its name (.m4a) says: it is read as what it "
     "holds (hint: rename it to yua.flac: other tools go by the name)"),
    ("yua.opus", ("-c:a", "libvorbis", "-f", "ogg"),
     "the dub holds Vorbis audio in an Ogg container, not Ogg Opus as its name (.opus) says: it "
     "is read as what it holds (hint: rename it to yua.ogg: other tools go by the name)"),
    # A Mac's AIFF is read by its own name too.
    ("yua.wav", ("-c:a", "pcm_s16be", "-f", "aiff"),
     "the dub holds PCM audio in an AIFF container, not WAV as its name (.wav) says: it is read "
     "as what it holds (hint: rename it to yua.aif: other tools go by the name)"),
    # No name read here fits a Wave64: it is exported again.
    ("yua.wav", ("-c:a", "pcm_s16le", "-f", "w64"),
     "the dub holds PCM audio in a Wave64 container, not WAV as its name (.wav) says: it is "
     "read as what it holds (hint: export it again as PCM WAV or FLAC: no name read here fits "
     "it, and other tools go by the name)"),
]


@pytest.mark.parametrize("name, args, said", MISNAMED,
                         ids=[f"{name}-{args[1]}-{args[-1]}" for name, args, _ in MISNAMED])
def test_a_dub_named_as_another_format_is_said_to_be_what_it_holds(campaign, name, args, said):
    # Before: read by its content without a word, and sent on to stations' tools by its name.
    path = tone(track(campaign, name), *args)
    result = invoke("validate", campaign.write(DUB))
    assert result.exit_code == 0, result.output
    assert lines(result)[:-1] == [f"{path}: warning: {said}"]
    assert lines(result)[-1].endswith("1 to render, 0 blocked; 0 errors, 1 warning")


def test_names_that_say_what_the_file_holds_are_not_said(campaign):
    # Ogg Opus may be named .ogg as well as .opus; an M4A from an iPhone is an MP4 of brand M4A.
    codes = ["yua", "mto", "tzh"]
    tone(track(campaign, "yua.ogg"), "-c:a", "libopus", "-f", "ogg")
    tone(track(campaign, "mto.m4a"), "-c:a", "aac", "-f", "ipod")
    tone(track(campaign, "tzh.aac"), "-c:a", "aac", "-f", "adts")
    result = invoke("validate", campaign.write([{"code": c, "treatment": "dub"} for c in codes]))
    assert result.exit_code == 0, result.output
    assert "3 to render, 0 blocked; 0 errors, 0 warnings" in result.output, result.output


def test_a_radio_master_and_a_bed_named_as_another_format_are_said_too(campaign, tmp_path):
    master = tone(tmp_path / "radio.mp3", "-c:a", "libmp3lame")
    manifest = radio_campaign(campaign, master, [{"code": "yua", "treatment": "mix"}], ["radio"])
    bed = tone(campaign.root / "media/spot.bed.wav", "-c:a", "aac", "-f", "adts")
    tone(track(campaign, "yua.wav"))
    result = invoke("validate", manifest)
    assert result.exit_code == 0, result.output
    said = [line.partition(": it is read")[0] for line in lines(result)[:-1]]
    assert said == [
        f"{campaign.root / 'media/radio.wav'}: warning: the master holds MP3 audio, not WAV as its "
        "name (.wav) says",
        f"{bed}: warning: the music bed holds AAC audio as a raw ADTS stream, not WAV as its name "
        "(.wav) says"], result.output


@pytest.mark.e2e
def test_a_misnamed_dub_is_said_at_render_and_renders_from_what_it_holds(campaign):
    path = tone(track(campaign, "yua.mp3"), "-c:a", "aac", "-f", "mp4")
    manifest = campaign.write(DUB)
    result = invoke("render", manifest)
    assert result.exit_code == 0, result.output
    said = f"{path}: warning: the dub holds AAC audio in an MP4 container, not MP3"
    assert [line for line in lines(result) if line.startswith(said)] != [], result.output
    # Said on the terminal, not a QC warning of the variant: it renders as it should, so
    # neither the record (nor the page) nor --strict holds it against the variant.
    record = json.loads((campaign.out / "spot.yua.small.json").read_text())
    assert record["qc"]["warnings"] == []
    assert invoke("render", manifest, "--strict").exit_code == 0


# --- check, without a manifest -----------------------------------------------------------------

def test_check_says_what_a_recording_holds_and_its_sample_rate(tmp_path, monkeypatch):
    # Before: check read every file as subtitles: "this is not a text file", exit 1.
    monkeypatch.chdir(tmp_path)       # paths print as typed, as check prints a subtitle file's
    tone(tmp_path / "nah.mp3", "-c:a", "aac", "-f", "mp4", rate=22050)
    tone(tmp_path / "yua.wav")
    result = invoke("check", "nah.mp3", "yua.wav")
    assert result.exit_code == 0, result.output
    assert lines(result) == [
        "nah.mp3: warning: the recording holds AAC audio in an MP4 container, not MP3 as its name "
        "(.mp3) says: it is read as what it holds (hint: rename it to nah.m4a: other tools go by "
        "the name)",
        "nah.mp3: warning: the recording is sampled at 22.05 kHz, so it holds no sound above 11.0 "
        "kHz (half its sample rate), while broadcast sound reaches 15 kHz (FM radio) to 20 kHz "
        "(TV, streaming): it will sound dull on air; resampled to the profile's 48 kHz, it gains "
        "nothing above 11.0 kHz (hint: "
        "record or export it again at 48 kHz (on a phone, the recorder's high-quality setting): "
        "resampling cannot restore what was not recorded)",
        f"nah.mp3 (AAC audio in an MP4 container, 22.05 kHz, mono, 4.00 s): 0 errors, 2 "
        f"warnings; {ALONE}",
        f"yua.wav (PCM 16-bit audio in a WAV container, 48 kHz, mono, 4.00 s): 0 errors, 0 "
        f"warnings; {ALONE}"]
    found = json.loads(invoke("check", "nah.mp3", "--json").output)
    assert (found["warnings"], found["files"][0]["format"], found["files"][0]["sample_rate"]) == \
        (2, "AAC audio in an MP4 container", 22050)


def test_check_says_a_compressed_wav_is_to_be_converted_and_an_mp2_named_mp3_renamed(
        tmp_path, monkeypatch):
    # Before: an ADPCM WAV (a field recorder's, a phone app's) passed as a WAV, and an MP2 from
    # a radio archive passed as the MP3 its name says; playout refuses the one, mis-reads the other.
    monkeypatch.chdir(tmp_path)
    tone(tmp_path / "nah.wav", "-c:a", "adpcm_ms")
    tone(tmp_path / "yua.mp3", "-c:a", "mp2", "-f", "mp2")
    tone(tmp_path / "tzo.mp2", "-c:a", "mp2")
    # ffprobe, apart from the pipeline, says what each holds: the WAV's format tag 0x0002.
    held = {name: (stream["codec_name"], stream["codec_tag_string"]) for name in
            ("nah.wav", "yua.mp3", "tzo.mp2") for stream in streams(tmp_path / name)}
    assert held == {"nah.wav": ("adpcm_ms", "[2][0][0][0]"), "yua.mp3": ("mp2", "[0][0][0][0]"),
                    "tzo.mp2": ("mp2", "[0][0][0][0]")}
    result = invoke("check", "nah.wav", "yua.mp3", "tzo.mp2")
    assert result.exit_code == 0, result.output
    said = lines(result)
    assert [said[0], said[2]] == [
        "nah.wav: warning: the recording holds Microsoft ADPCM audio in a WAV container, not PCM: "
        "broadcast playout expects PCM WAV and may refuse or mis-play a .wav of compressed "
        "sound; it is read as what it holds (hint: convert it to PCM WAV: other tools take a "
        ".wav for PCM)",
        "yua.mp3: warning: the recording holds MP2 audio, not MP3 as its name (.mp3) says: it is "
        "read as what it holds (hint: rename it to yua.mp2: other tools go by the name)"]
    # Their lengths as their codecs' blocks and frames round them (ADPCM 4.03 s, MP2 4.01 s).
    summaries = [re.sub(r", 4\.0\d s\)", ", 4.0x s)", line)       # each under its file's warning
                 for line in (said[1], said[3], said[4])]
    assert summaries == [
        f"nah.wav (Microsoft ADPCM audio in a WAV container, 48 kHz, mono, 4.0x s): 0 errors, 1 "
        f"warning; {ALONE}",
        f"yua.mp3 (MP2 audio, 48 kHz, mono, 4.0x s): 0 errors, 1 warning; {ALONE}",
        f"tzo.mp2 (MP2 audio, 48 kHz, mono, 4.0x s): 0 errors, 0 warnings; {ALONE}"], \
        result.output
    found = json.loads(invoke("check", "nah.wav", "--json").output)
    assert [d["code"] for d in found["files"][0]["diagnostics"]] == ["wav-not-pcm"]


def test_check_of_a_recording_ffprobe_cannot_read_is_an_error_at_the_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "zap.wav").write_text("notes, not sound\n")
    result = invoke("check", "zap.wav")
    assert result.exit_code == 1
    assert lines(result) == [
        "zap.wav: error: ffprobe cannot read this file: Invalid data found when processing input "
        "(hint: export the file again as MP4/MOV (video) or PCM WAV/FLAC (audio))",
        "zap.wav: 1 error, 0 warnings"]


# --- a sample rate under 32 kHz ---------------------------------------------------------------

def test_a_dub_sampled_under_32_khz_is_said_to_sound_dull(campaign):
    # Before: a phone's 22.05 kHz dub was resampled to 48 kHz without a word, its sound ending
    # at 11 kHz, where FM carries 15.
    path = tone(track(campaign, "yua.wav"), rate=22050)
    result = invoke("validate", campaign.write(DUB))
    assert result.exit_code == 0, result.output
    assert lines(result)[:-1] == [
        f"{path}: warning: the dub is sampled at 22.05 kHz, so it holds no sound above 11.0 kHz "
        "(half its sample rate), while broadcast sound reaches 15 kHz (FM radio) to 20 kHz (TV, "
        "streaming): it will sound dull on air; resampled to the profile's 48 kHz, it gains "
        "nothing above 11.0 kHz (hint: record "
        "or export it again at 48 kHz (on a phone, the recorder's high-quality setting): "
        "resampling cannot restore what was not recorded)"]
    assert lines(result)[-1].endswith("1 to render, 0 blocked; 0 errors, 1 warning")


@pytest.mark.parametrize("rate", [32000, 44100])
def test_a_dub_at_32_khz_or_more_is_not_said(campaign, rate):
    tone(track(campaign, "yua.wav"), rate=rate)
    result = invoke("validate", campaign.write(DUB))
    assert result.exit_code == 0, result.output
    assert "0 errors, 0 warnings" in result.output, result.output


def test_a_voice_over_and_a_bed_under_32_khz_are_said_too(campaign):
    voice = tone(track(campaign, "mto.wav"), rate=16000)
    bed = tone(campaign.root / "media/spot.bed.wav", rate=11025)
    result = invoke("validate", campaign.write([{"code": "mto", "treatment": "mix"}]))
    assert result.exit_code == 0, result.output
    said = [line.split(", so")[0] for line in lines(result)[:2]]
    assert said == [f"{voice}: warning: the voice-over is sampled at 16 kHz",
                    f"{bed}: warning: the music bed is sampled at 11.025 kHz"], result.output


def test_a_profile_at_the_dubs_own_rate_resamples_nothing_and_is_not_said(campaign):
    tone(track(campaign, "yua.wav"), rate=22050)
    low = {"base": "web", "width": 320, "height": 180, "preset": "ultrafast", "crf": 30,
           "sample_rate": 22050}
    result = invoke("validate", campaign.write(DUB, profiles={"low": low}))
    assert result.exit_code == 0, result.output
    assert "0 errors, 0 warnings" in result.output, result.output


@pytest.mark.e2e
def test_a_dub_under_32_khz_is_a_qc_warning_in_the_record_catalog_and_spanish_page(campaign):
    tone(track(campaign, "yua.wav"), rate=22050)
    manifest = campaign.write(DUB)
    result = invoke("render", manifest)
    assert result.exit_code == 0, result.output
    assert "spot.yua.small: 1 warning" in result.output, result.output
    record = json.loads((campaign.out / "spot.yua.small.json").read_text())
    assert [w["code"] for w in record["qc"]["warnings"]] == ["low-sample-rate"]
    # Only a variant with such a source has it among its settings: one rendered before this
    # was said goes stale once and gets the warning; every other keeps its fingerprint.
    assert record["settings"]["low_sample_rate"] == {"audio": 22050}
    catalog = json.loads((campaign.out.parent / "catalog.json").read_text())
    (variant,) = catalog["variants"]
    assert variant["warning_codes"] == ["low-sample-rate"]
    assert variant["warnings"][0].startswith("yua.wav: the dub is sampled at 22.05 kHz, so it "
                                             "holds no sound above 11.0 kHz")
    spanish = localised(variant["warning_details"][0], "es")
    assert spanish is not None and spanish.startswith(
        "el doblaje tiene una frecuencia de muestreo de 22.05 kHz, así que no tiene sonido por "
        "encima de 11.0 kHz")
    assert invoke("render", manifest, "--strict").exit_code == 1


@pytest.mark.e2e
def test_a_dub_at_48_khz_keeps_its_settings(campaign):
    tone(track(campaign, "yua.wav"))
    result = invoke("render", campaign.write(DUB))
    assert result.exit_code == 0, result.output
    record = json.loads((campaign.out / "spot.yua.small.json").read_text())
    assert "low_sample_rate" not in record["settings"] and record["qc"]["warnings"] == []


def test_check_with_a_manifest_judges_a_recording_by_its_profiles_rates(campaign, monkeypatch):
    # Before: by the built-in profiles' 48 kHz whatever the manifest said.
    monkeypatch.chdir(campaign.root)
    tone(track(campaign, "yua.wav"), rate=22050)
    low = {"base": "web", "width": 320, "height": 180, "preset": "ultrafast", "crf": 30,
           "sample_rate": 22050}
    manifest = campaign.write(DUB, profiles={"low": low})
    result = invoke("check", "audio/spot/yua.wav", "--manifest", str(manifest))
    assert result.exit_code == 0, result.output
    assert "sampled at 22.05 kHz" not in result.output, result.output
    assert "sampled at 22.05 kHz" in invoke("check", "audio/spot/yua.wav").output
