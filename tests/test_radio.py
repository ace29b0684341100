"""Radio spots and community channels: audio-only masters and profiles (radio, radio-mp3,
voice-note), the size-capped messaging video, checked on the files by other tools (wavinfo for
the bext chunk, mutagen for ID3, ffprobe for streams, ffmpeg's ebur128 and a raw decode for
loudness and length)."""

from __future__ import annotations

import json
import re
import shutil
import struct
import subprocess
import wave
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from mutagen.id3 import ID3
from mutagen.mp3 import MP3
from wavinfo import WavInfoReader

from pipeline.cli.main import cli
from pipeline.errors import RenderError, ValidationError
from pipeline.manifest import load_manifest
from pipeline.media.audio_tags import (Bext, NOT_MEASURED, loudness_fields, write_bext_loudness,
                                       write_plain_pcm_format)
from pipeline.media.loudness import Loudness, Reading
from pipeline.profile_checks import profile_problem
from pipeline.profiles import BUILTIN_PROFILES, Profile
from pipeline.render.encoders import capped_video_bitrate
from pipeline.fingerprint import CACHE_NAME
from pipeline.render.plan import build_plan
from pipeline.render.remote import Store, render_on_worker, upload_inputs
from pipeline.render.watch import handle_changes
from tests.conftest import SMALL_PROFILES, ffmpeg
from tests.mediacheck import FFMPEG, probe_tags, streams

RATE = 48000
RADIO_SECONDS = 4.0


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="session")
def radio_master(tmp_path_factory) -> Path:
    """A 4 s stereo WAV at 44.1 kHz (a studio's rate, not the deliverables')."""
    path = tmp_path_factory.mktemp("radio") / "radio.wav"
    ffmpeg("-f", "lavfi", "-i", f"sine=frequency=330:sample_rate=44100:duration={RADIO_SECONDS}",
           "-filter:a", "volume=-20dB", "-ac", "2", str(path))
    return path


def radio_campaign(campaign, radio_master, languages, profiles, **spot) -> Path:
    """The test campaign with one spot whose master is sound alone."""
    (campaign.root / "media/radio.wav").write_bytes(radio_master.read_bytes())
    spots = [{"id": "spot", "title": "Radio spot", "master": "../media/radio.wav",
              "music_bed": "../media/spot.bed.wav", **spot}]
    return campaign.write(languages, profiles, spots=spots)


SPEECH_SECONDS = 8.0


def speech_over_a_bed(path: Path, voice_gain: float = 0.5, seed: int = 2) -> Path:
    """A phone-recorded dub as community stations send them: an espeak-ng voice (7.3 s) over a
    220 Hz tone and pink noise, mono 22.05 kHz 16-bit WAV, quiet (about -24.5 LUFS as a voice
    note measures it) with the voice's peaks 18 dB over its loudness."""
    assert shutil.which("espeak-ng"), "espeak-ng is not installed: run `make setup`"
    voice = path.with_suffix(".voice.wav")
    subprocess.run(["espeak-ng", "-v", "es", "-s", "150", "-w", str(voice),
                    "Los seres humanos no están a la venta. Llame hoy mismo al número gratuito, "
                    "la trata de personas es un delito."], check=True)
    ffmpeg("-i", str(voice),
           "-f", "lavfi", "-i", "sine=frequency=220:sample_rate=22050:duration=20",
           "-f", "lavfi", "-i", f"anoisesrc=color=pink:sample_rate=22050:amplitude=0.01:duration=20:seed={seed}",
           "-filter_complex", f"[0:a]aresample=22050,volume={voice_gain},apad[v];[1:a]volume=0.05[s];"
                              "[v][s][2:a]amix=inputs=3:duration=shortest:normalize=0",
           "-t", "7.5", "-ac", "1", "-ar", "22050", "-c:a", "pcm_s16le", str(path))
    voice.unlink()
    return path


def decoded_samples(path: Path, channels: int) -> int:
    """Samples per channel a plain decode to 16-bit PCM gives (not the pipeline's own count)."""
    raw = subprocess.run([FFMPEG, "-v", "error", "-i", str(path), "-f", "s16le", "-ac",
                          str(channels), "-"], capture_output=True, check=True).stdout
    return len(raw) // (2 * channels)


def ebur128(path: Path, dualmono: bool = False) -> tuple[float, float]:
    """(integrated LUFS, true peak dBTP) of the decoded file, by ffmpeg's ebur128."""
    err = subprocess.run([FFMPEG, "-hide_banner", "-nostats", "-i", str(path), "-af",
                          f"ebur128=peak=true:dualmono={'true' if dualmono else 'false'}",
                          "-f", "null", "-"], capture_output=True, text=True, check=True).stderr
    summary = err[err.rindex("Summary:"):]
    return (float(re.search(r"I:\s+(-?[\d.]+) LUFS", summary).group(1)),
            float(re.search(r"Peak:\s+(-?[\d.]+|-inf) dBFS", summary).group(1)))


# --- profiles and the manifest ---------------------------------------------------------------

def test_built_in_audio_profiles_and_their_files():
    radio, mp3, note = (BUILTIN_PROFILES[n] for n in ("radio", "radio-mp3", "voice-note"))
    assert (radio.extension, radio.audio_codec, radio.loudness, radio.bext) == ("wav", "pcm_s24le", -23.0, True)
    assert (mp3.extension, mp3.audio_bitrate, mp3.loudness, mp3.true_peak) == ("mp3", "256k", -16.0, -1.0)
    assert (note.extension, note.audio_codec, note.channels, note.opus_application) == \
        ("ogg", "libopus", 1, "voip")
    assert all(profile_problem(p) is None for p in BUILTIN_PROFILES.values())
    assert Profile("x", 0, 0, medium="audio", container="mp4").extension == "m4a"
    fields, why = profile_problem(Profile("x", 0, 0, medium="audio", container="mp3"))
    assert fields[0] == "audio_codec" and "does not go in 'mp3'" in why
    assert profile_problem(Profile("x", 1920, 1080, container="wav"))[0][0] == "container"


def test_a_profile_override_that_cannot_be_rendered_is_refused_with_its_line(campaign):
    manifest = campaign.write_text("""\
        campaign: c
        title: t
        source_language: spa
        spots: [{id: s, master: ../media/spot.mp4}]
        languages: [{code: yua, treatment: dub}]
        profiles:
          radio-opus: {base: radio, container: ogg}
          tv: {base: web, medium: sound}
        """)
    with pytest.raises(ValidationError) as caught:
        load_manifest(manifest)
    messages = [(d.line, d.message) for d in caught.value.diagnostics]
    assert (7, "profile 'radio-opus': audio codec 'pcm_s24le' does not go in 'ogg' "
               "(use libopus or libvorbis or flac)") in messages
    assert any(line == 8 and "'sound' is not one of: video, audio" in m for line, m in messages)


def test_a_size_capped_bitrate_keeps_a_minute_under_16_mb():
    messaging = BUILTIN_PROFILES["messaging"]
    video = capped_video_bitrate(messaging, 60.0)
    assert (video + 128_000) * 60 / 8 + 64_000 < 16e6
    assert video > 1_500_000                       # and does not starve 720p
    # A short spot pays the container's fixed cost over fewer seconds.
    assert capped_video_bitrate(messaging, 5.0) < video


# --- the bext chunk's v2 loudness fields ------------------------------------------------------

@pytest.fixture
def bwf(tmp_path) -> Path:
    """A Broadcast WAV as ffmpeg's wav muxer writes it (bext version 1)."""
    path = tmp_path / "bwf.wav"
    fields = Bext("Campaign | spot s | language yua (Maaya t\u02bcaan)", "campaign", "ref",
                  datetime(2026, 3, 4, 5, 6, 7),
                  "A=PCM,F=48000,W=24,M=stereo,T=test").metadata()
    ffmpeg("-f", "lavfi", "-i", "sine=sample_rate=48000:duration=1", "-c:a", "pcm_s24le",
           "-write_bext", "1", *[a for k, v in fields.items() for a in ("-metadata", f"{k}={v}")],
           str(path))
    return path


@pytest.mark.parametrize("codec, args, line", [
    ("ogg", ["-ar", "16000", "-ac", "1", "-c:a", "libopus", "-b:a", "16k"],
     r"A=OPUS,F=48000,B=1[6-8],M=mono,T=dub nah\.ogg"),   # a WhatsApp note: its packets' rate
    ("mp3", ["-ar", "44100", "-ac", "2", "-c:a", "libmp3lame", "-b:a", "128k"],
     r"A=MPEG1L3,F=44100,B=64,M=stereo,T=dub nah\.mp3"),      # R98's B= is a channel's
    ("mp3", ["-ar", "22050", "-ac", "1", "-c:a", "libmp3lame", "-b:a", "32k"],
     r"A=MPEG2L3,F=22050,B=32,M=mono,T=dub nah\.mp3"),
    ("wav", ["-ar", "48000", "-ac", "2", "-c:a", "pcm_s24le"],
     r"A=PCM,F=48000,W=24,M=stereo,T=dub nah\.wav")])
def test_the_coding_history_says_how_the_delivered_sound_was_coded(tmp_path, codec, args, line):
    # EBU R98: a line a stage. A radio trial's Broadcast WAV made from a WhatsApp note said
    # only its own PCM.
    from pipeline.media.audio_tags import source_history
    from pipeline.media.probe import probe
    path = tmp_path / f"nah.{codec}"
    ffmpeg("-f", "lavfi", "-i", "sine=duration=2", *args, str(path))
    said = source_history(probe(path, decode=False), f"dub {path.name}")
    assert re.fullmatch(line, said), said


def test_bext_loudness_fields_are_written_in_place_and_read_back_by_wavinfo(bwf):
    before = bwf.read_bytes()
    assert WavInfoReader(str(bwf)).bext.version == 1
    reading = Reading(Loudness(-23.04, -1.26, 5.5, max_momentary=-20.5), 48000)
    write_bext_loudness(bwf, reading)
    after = bwf.read_bytes()
    bext = WavInfoReader(str(bwf)).bext
    assert bext.version == 2
    assert (bext.loudness_value, bext.loudness_range, bext.max_true_peak,
            bext.max_momentary_loudness) == (-23.04, 5.5, -1.26, -20.5)
    # A figure that was not measured (under 3 s: no short-term window) is 0x7FFF.
    assert bext.max_shortterm_loudness == NOT_MEASURED / 100
    # The glottal stop's ʼ as an apostrophe in ASCII (dropped, it read "Maaya taan").
    assert bext.description == "Campaign | spot s | language yua (Maaya t'aan)"
    assert (bext.originator_date, bext.originator_time) == ("2026-03-04", "05:06:07")
    # Only the version and the ten loudness bytes changed; the samples are untouched.
    assert len(after) == len(before)
    changed = [i for i, (a, b) in enumerate(zip(before, after)) if a != b]
    start = before.index(b"bext") + 8
    assert all(start + 346 <= i < start + 348 or start + 412 <= i < start + 422 for i in changed)


def test_silence_has_no_loudness_in_the_bext_fields():
    fields = struct.unpack("<5h", loudness_fields(Reading(Loudness(None, None, 0.0), 1)))
    assert fields == (NOT_MEASURED,) * 5


def test_a_wav_without_bext_is_an_error(tmp_path):
    plain = tmp_path / "plain.wav"
    ffmpeg("-f", "lavfi", "-i", "sine=duration=0.2", str(plain))
    with pytest.raises(RenderError, match="no bext chunk"):
        write_bext_loudness(plain, Reading(Loudness(-20.0, -3.0, 1.0), 9600))


def _format_tag(path: Path) -> tuple[int, int]:
    """(the `fmt ` chunk's size, its format tag), read by hand."""
    data = path.read_bytes()
    at = data.index(b"fmt ")
    return struct.unpack("<I", data[at + 4:at + 8])[0], struct.unpack("<H", data[at + 8:at + 10])[0]


def test_a_24_bit_broadcast_wav_is_made_wave_format_pcm_in_place(bwf, tmp_path):
    # ffmpeg writes 24-bit PCM as WAVE_FORMAT_EXTENSIBLE, which EBU Tech 3285 does not list and
    # strict readers refuse: Python's own wave module, for one ("unknown format: 65534").
    assert _format_tag(bwf) == (40, 0xFFFE)
    with pytest.raises(wave.Error, match="65534"):
        wave.open(str(bwf)).close()
    before = bwf.read_bytes()
    samples = before[before.index(b"data"):]
    assert write_plain_pcm_format(bwf) is True
    after = bwf.read_bytes()
    assert _format_tag(bwf) == (16, 1)
    assert len(after) == len(before) and after[after.index(b"data"):] == samples
    with wave.open(str(bwf)) as plain:
        assert (plain.getnchannels(), plain.getsampwidth(), plain.getframerate(),
                plain.getnframes()) == (1, 3, 48000, 48000)
    # Its bext chunk (after the fmt chunk) is where readers find it, the JUNK chunk skipped.
    assert WavInfoReader(str(bwf)).bext.description.startswith("Campaign | spot s")
    info = subprocess.run(["mediainfo", "--Output=JSON", str(bwf)], capture_output=True,
                          text=True, check=True).stdout
    assert "WaveFormatExtensible" not in info and json.loads(info)["media"]["track"][1][
        "BitDepth"] == "24"
    assert write_plain_pcm_format(bwf) is False          # once is enough

    # What plain PCM cannot say is left as it is: six channels' speaker positions.
    surround = tmp_path / "surround.wav"
    ffmpeg("-f", "lavfi", "-i", "sine=duration=0.1", "-af", "pan=5.1|c0=c0", "-c:a", "pcm_s24le",
           str(surround))
    assert write_plain_pcm_format(surround) is False and _format_tag(surround) == (40, 0xFFFE)


# --- planning radio spots ----------------------------------------------------------------------

def test_a_sound_master_is_a_radio_spot_and_burn_on_it_is_refused_on_the_language_line(
        campaign, radio_master):
    campaign.audio("yua")
    campaign.subtitle("nah")
    manifest = radio_campaign(campaign, radio_master, [
        {"code": "yua", "treatment": "dub"}, {"code": "nah", "treatment": "burn"},
        {"code": "tzo", "treatment": "soft"}], ["radio", "web"])
    result = invoke("validate", manifest)
    assert result.exit_code == 1
    text = manifest.read_text()
    nah_line = text.splitlines().index("- code: nah") + 1
    assert (f"{manifest}:{nah_line}: error: language 'nah' uses 'burn', but spot 'spot' is a "
            "radio spot (sound alone): its languages use 'dub' or 'mix'") in result.stderr
    assert f"{manifest}:{nah_line + 2}: error: language 'tzo' uses 'soft'" in result.stderr
    plan = build_plan([manifest])
    by_key = {(v.variant.language.code, v.variant.profile.name): v for v in plan.variants + plan.skipped}
    assert by_key["yua", "radio"].status == "stale" and by_key["yua", "radio"].radio
    assert by_key["nah", "radio"].status == "blocked"
    assert by_key["yua", "web"].status == "skipped"
    assert by_key["yua", "web"].reasons == ["spot 'spot' is a radio spot: video profile 'web' "
                                            "does not apply"]
    shown = invoke("plan", "-v", manifest)
    assert re.search(r"skipped\s+test-campaign/spot\.yua\.web\s+dub\s+\(spot 'spot' is a radio", shown.stdout)
    # The skipped are not among the blocked: "4 blocked (1 not applicable, skipped)" read as
    # one of the four.
    assert "5 variants: 0 up to date, 1 to render, 4 blocked; 1 more not applicable (skipped); " \
        "2 errors" in result.output, result.output


def test_a_subtitled_language_of_a_campaign_with_video_spots_skips_its_radio_spot(
        campaign, radio_master):
    # A network's radio spot and video spot in one manifest: nah and tzo are subtitled for the
    # video; every one of their variants of the radio spot was an error, the exit code 1, the
    # hint to record them a dub they were never meant to have.
    (campaign.root / "media/radio.wav").write_bytes(radio_master.read_bytes())
    campaign.audio("yua")
    campaign.subtitle("nah")
    campaign.subtitle("tzo")
    for folder in ("audio", "subtitles"):
        (campaign.root / folder / "radio").mkdir()
    shutil.copy(campaign.root / "audio/spot/yua.wav", campaign.root / "audio/radio/yua.wav")
    manifest = campaign.write(
        [{"code": "yua", "treatment": "dub"}, {"code": "nah", "treatment": "burn"},
         {"code": "tzo", "treatment": "soft"}], ["radio", "proxy"],
        spots=[{"id": "spot", "master": "../media/spot.mp4"},
               {"id": "radio", "master": "../media/radio.wav",
                "music_bed": "../media/spot.bed.wav"}])
    result = invoke("validate", manifest)
    assert result.exit_code == 0, result.output
    assert "is a radio spot" not in result.output
    plan = build_plan([manifest])
    by_key = {(v.variant.spot.id, v.variant.language.code, v.variant.profile.name): v
              for v in plan.variants + plan.skipped}
    assert by_key["spot", "nah", "proxy"].status == "stale"
    assert by_key["spot", "tzo", "proxy"].status == "stale"
    assert by_key["radio", "yua", "radio"].status == "stale"
    assert by_key["radio", "nah", "radio"].status == "skipped"
    assert by_key["radio", "nah", "radio"].reasons == [
        "spot 'radio' is a radio spot: 'burn' subtitles go on the manifest's video spots"]
    assert by_key["radio", "tzo", "radio"].status == "skipped"
    # A campaign of radio spots alone still refuses them: they are a mistake there.
    alone = radio_campaign(campaign, radio_master, [{"code": "nah", "treatment": "burn"}],
                           ["radio"])
    result = invoke("validate", alone)
    assert result.exit_code == 1 and "but spot 'spot' is a radio spot" in result.stderr
    # As does a language whose `spots:` names the radio spot alone: it was skipped there and
    # made for no other spot, so nothing of it was rendered, and nothing said.
    manifest = campaign.write(
        [{"code": "yua", "treatment": "dub"},
         {"code": "nah", "treatment": "burn", "spots": ["radio"]}], ["radio", "proxy"],
        spots=[{"id": "spot", "master": "../media/spot.mp4"},
               {"id": "radio", "master": "../media/radio.wav",
                "music_bed": "../media/spot.bed.wav"}])
    result = invoke("validate", manifest)
    assert result.exit_code == 1, result.output
    line = next(at for at, text in enumerate(manifest.read_text().splitlines(), 1)
                if "nah" in text)
    assert f"{manifest}:{line}: error: language 'nah' uses 'burn', but spot 'radio' is a radio " \
        "spot (sound alone): its languages use 'dub' or 'mix' (hint: name a video spot in the " \
        "language's 'spots:', or give it a recorded track (dub) or a voice-over (mix))" \
        in result.stderr, result.stderr


def test_medium_in_the_manifest_decides_over_the_streams(campaign, radio_master):
    campaign.audio("yua")
    # A video master declared a radio spot: its picture is not used.
    manifest = campaign.write([{"code": "yua", "treatment": "dub"}], ["radio", "web"],
                              spots=[{"id": "spot", "master": "../media/spot.mp4", "medium": "radio"}])
    plan = build_plan([manifest])
    assert [v.variant.profile.name for v in plan.variants] == ["radio"]
    assert plan.variants[0].radio and plan.variants[0].conform is None
    manifest = radio_campaign(campaign, radio_master, [{"code": "yua", "treatment": "dub"}],
                              ["radio"], medium="video")
    result = invoke("validate", manifest)
    assert result.exit_code == 1
    assert "spot 'spot' says 'medium: video' but its master radio.wav has no picture" in result.stderr


def test_audio_profiles_of_a_video_spot_serve_the_languages_with_their_own_sound(campaign):
    campaign.audio("yua")
    campaign.subtitle("nah")
    manifest = campaign.write([{"code": "yua", "treatment": "dub"}, {"code": "nah", "treatment": "burn"}],
                              ["radio-mp3"])
    plan = build_plan([manifest])
    assert [(v.variant.language.code, v.status) for v in plan.variants] == [("yua", "stale")]
    assert plan.skipped[0].reasons == ["'burn' keeps the master's own sound (spa): audio-only "
                                       "profile 'radio-mp3' serves dub and mix languages"]


@pytest.mark.e2e
def test_publishing_does_not_ask_for_variants_a_video_spot_does_not_make(campaign, tmp_path):
    campaign.audio("yua")
    campaign.audio("maz")
    campaign.subtitle("nah")
    manifest = campaign.write([{"code": "yua", "treatment": "dub"}, {"code": "maz", "treatment": "dub"},
                               {"code": "nah", "treatment": "burn"}], ["radio-mp3"])
    assert invoke("render", manifest).exit_code == 0
    result = invoke("publish", manifest, "--to", (tmp_path / "dist").as_uri())
    assert result.exit_code == 0 and "no rendered file" not in result.output, result.output
    # A variant that is made but not rendered is still said.
    (campaign.out / "spot.yua.radio-mp3.json").unlink()
    result = invoke("publish", manifest, "--to", (tmp_path / "dist").as_uri())
    assert "no rendered file, not published: spot yua: not rendered yet in radio-mp3" \
        in result.output, result.output


def test_a_radio_dub_further_from_the_slot_than_the_tolerance_is_a_warning(campaign, radio_master):
    campaign.audio("yua")                        # 3.5 s for a 4 s slot
    manifest = radio_campaign(campaign, radio_master, [
        {"code": "yua", "treatment": "dub", "qc": {"duration_tolerance": 0.2}}], ["radio"])
    (variant,) = build_plan([manifest]).variants
    assert [w.message for w in variant.warnings] == [
        "the dub is 3.50 s long, the spot 4.00 s: 0.50 s shorter (tolerance 0.2 s); it will be "
        "padded with silence"]


@pytest.mark.parametrize("suffix, codec", [("wav", ["-c:a", "pcm_f32le"]),
                                           ("wav", ["-c:a", "pcm_s16le", "-ac", "2"]),
                                           ("mp3", ["-c:a", "libmp3lame", "-b:a", "192k"]),
                                           ("flac", ["-c:a", "flac"])])
def test_a_delivery_cut_short_is_an_error_at_its_file(campaign, radio_master, tmp_path, suffix, codec):
    # Their headers give the whole length, so ffprobe reads them as whole (a 16-bit WAV as a
    # shorter whole, from its size): each rendered as a spot with seconds of dead air at the
    # end, under "-23.0 LUFS" and no warning.
    whole = tmp_path / f"whole.{suffix}"
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=500:sample_rate=48000:duration=4", *codec, str(whole))
    cut = campaign.root / "audio/spot" / f"yua.{suffix}"
    cut.write_bytes(whole.read_bytes()[:len(whole.read_bytes()) * 2 // 5])
    manifest = radio_campaign(campaign, radio_master, [{"code": "yua", "treatment": "dub"}], ["radio"])
    result = invoke("validate", manifest)
    assert result.exit_code == 1, result.output
    assert f"{cut}: error: the file is cut short: it " in result.output, result.output
    assert "Traceback" not in result.output


def test_a_radio_master_wav_cut_short_is_an_error_at_it(campaign, radio_master):
    # ffprobe reads a 16-bit WAV's length from its size: half a master was a shorter spot,
    # and the error blamed the whole dub for running past its end.
    campaign.audio("yua")
    manifest = radio_campaign(campaign, radio_master, [{"code": "yua", "treatment": "dub"}],
                              ["radio"])
    master = campaign.root / "media/radio.wav"
    master.write_bytes(master.read_bytes()[:master.stat().st_size // 2])
    result = invoke("validate", manifest)
    assert result.exit_code == 1
    assert f"{master}: error: the file is cut short: it holds 50% of the sound its header " \
        "lists (2.00 s of 4.00 s)" in result.output, result.output
    assert "yua.wav" not in result.output


@pytest.mark.e2e
def test_a_voice_note_from_a_44_1_khz_dub_is_as_long_as_its_slot(campaign, tmp_path):
    # A 19.5 s dub at 44.1 kHz in a 20 s slot: the Ogg Opus file decoded to 959999 samples
    # of 960000 (libopus's wrapper took the length from resampled, rounded frame times), and
    # the variant failed its length check.
    master = tmp_path / "radio20.wav"
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=330:sample_rate=44100:duration=20",
           "-filter:a", "volume=-20dB", "-ac", "2", str(master))
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=500:sample_rate=44100:duration=19.5",
           "-filter:a", "volume=-20dB", "-ac", "2", str(campaign.root / "audio/spot/yua.wav"))
    manifest = radio_campaign(campaign, master, [{"code": "yua", "treatment": "dub"}],
                              ["voice-note"])
    result = invoke("render", manifest)
    assert result.exit_code == 0, result.output
    assert decoded_samples(campaign.out / "spot.yua.voice-note.ogg", 1) == 20 * RATE


@pytest.mark.e2e
def test_an_mp3_master_is_as_long_as_its_sound_not_its_encoder_s_frames(campaign, radio_master):
    # An MP3's header counts the encoder's delay and padding: a 4.000 s master was read as
    # 4.032 s, and every variant was made 0.032 s too long.
    ffmpeg("-i", str(radio_master), "-c:a", "libmp3lame", "-b:a", "256k",
           str(campaign.root / "media/radio.mp3"))
    campaign.audio("yua")
    manifest = campaign.write([{"code": "yua", "treatment": "dub"}], ["radio"], spots=[
        {"id": "spot", "title": "Radio spot", "master": "../media/radio.mp3"}])
    assert decoded_samples(campaign.root / "media/radio.mp3", 2) == RADIO_SECONDS * 44100
    result = invoke("render", manifest)
    assert result.exit_code == 0, result.output
    wav = campaign.out / "spot.yua.radio.wav"
    assert WavInfoReader(str(wav)).data.frame_count == RADIO_SECONDS * RATE
    record = json.loads((campaign.out / "spot.yua.radio.json").read_text())
    assert record["slot"]["samples"] == RADIO_SECONDS * RATE


# --- rendering -----------------------------------------------------------------------------------

@pytest.mark.e2e
def test_watch_renders_a_radio_variant_again_when_its_dub_is_saved(campaign, radio_master):
    campaign.audio("yua")
    manifest = load_manifest(radio_campaign(campaign, radio_master,
                                            [{"code": "yua", "treatment": "dub"}], ["radio-mp3", "web"]))
    path = campaign.audio("yua", "voice.wav")
    event, _ = handle_changes(manifest, {path})
    assert [(o.plan.variant.stem, o.status) for o in event.outcomes] == [("spot.yua.radio-mp3", "rendered")]
    record = json.loads((campaign.out / "spot.yua.radio-mp3.json").read_text())
    assert record["inputs"]["audio"]["path"] == str(path) and record["samples"] == RADIO_SECONDS * RATE


@pytest.mark.e2e
def test_a_radio_spot_renders_slot_exact_station_ready_files(campaign, radio_master):
    campaign.audio("yua")                        # 3.5 s of 1 kHz at 44.1 kHz: padded
    campaign.audio("maj", "voice.wav")           # voice-over over the bed
    manifest = radio_campaign(campaign, radio_master, [
        {"code": "yua", "name": "Maaya tʼaan", "treatment": "dub"},
        {"code": "maj", "treatment": "mix"}], ["radio", "radio-mp3", "voice-note"])
    result = invoke("render", manifest, "-j", "2")
    assert result.exit_code == 0, result.output
    assert "6 rendered" in result.stderr
    slot = int(RADIO_SECONDS * RATE)
    out = campaign.out

    wav = out / "spot.yua.radio.wav"
    bext = WavInfoReader(str(wav)).bext
    assert bext.version == 2
    # In the page's language (Spanish by default), as the station's operators read it.
    assert bext.description == ("Test campaign | spot spot: Radio spot | lengua yua: Maaya t'aan")
    assert bext.originator == "test-campaign" and len(bext.originator_ref) == 32
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", bext.originator_date)
    assert re.fullmatch(r"\d\d:\d\d:\d\d", bext.originator_time)
    # EBU R98: how the dub it is made from was coded (44.1 kHz 16-bit PCM), then its own.
    history = bext.coding_history.splitlines()
    assert history[0] == "A=PCM,F=44100,W=16,M=mono,T=dub yua.wav", history
    assert history[1].startswith("A=PCM,F=48000,W=24,M=stereo,T=pipeline "), history
    mixed = WavInfoReader(str(out / "spot.maj.radio.wav")).bext.coding_history.splitlines()
    assert [line.split(",T=")[1] for line in mixed[:2]] == ["voice-over maj.wav",
                                                            "music bed spot.bed.wav"], mixed
    assert WavInfoReader(str(wav)).data.frame_count == slot
    with wave.open(str(wav)) as plain:        # a reader of WAVE_FORMAT_PCM only (Tech 3285's)
        assert (plain.getnchannels(), plain.getsampwidth(), plain.getframerate(),
                plain.getnframes()) == (2, 3, RATE, slot)
    lufs, peak = ebur128(wav)
    assert abs(lufs + 23) <= 0.5 and peak <= -1.0
    assert abs(bext.loudness_value - lufs) <= 0.1 and abs(bext.max_true_peak - peak) <= 0.1
    info = streams(wav)[0]
    assert (info["codec_name"], int(info["sample_rate"]), info["channels"]) == ("pcm_s24le", RATE, 2)
    assert probe_tags(wav).get("artist") == "Test campaign"                 # LIST INFO's IART
    # The playout master's loudness certificate (EBU R128), as for TV masters.
    record = json.loads((out / "spot.yua.radio.json").read_text())
    assert record["certificate"] == "spot.yua.radio.loudness.html"
    assert record["loudness_standard"]["passed"] and (out / record["certificate"]).is_file()

    mp3 = out / "spot.yua.radio-mp3.mp3"
    tags = ID3(str(mp3))
    # ID3v2.3, which older Windows tools and playout read (v2.4 they do not).
    head = mp3.read_bytes()[:4096]
    assert tags.version == (2, 3, 0) and head[:4] == b"ID3\x03" and b"TYER" in head
    assert str(tags["TIT2"]) == "Radio spot (Maaya tʼaan)"
    assert str(tags["TALB"]) == str(tags["TPE1"]) == "Test campaign"    # the cart's Artist too
    assert str(tags["TLAN"]) == "yua"
    assert re.fullmatch(r"20\d\d", str(tags["TDRC"]))
    info = MP3(str(mp3)).info
    assert (info.bitrate, info.sample_rate, info.channels) == (256000, RATE, 2)
    assert decoded_samples(mp3, 2) == slot
    lufs, peak = ebur128(mp3)                     # measured on the decoded MP3
    assert abs(lufs + 16) <= 1.0 and peak <= -1.0

    for code in ("yua", "maj"):
        note = out / f"spot.{code}.voice-note.ogg"
        (audio,) = streams(note)
        assert (audio["codec_name"], audio["channels"], int(audio["sample_rate"])) == ("opus", 1, RATE)
        assert decoded_samples(note, 1) == slot
        assert probe_tags(note, "stream").get("artist") == "Test campaign"  # a Vorbis comment
        lufs, peak = ebur128(note, dualmono=True)
        assert abs(lufs + 16) <= 1.0 and peak <= -1.0
        assert decoded_samples(out / f"spot.{code}.radio.wav", 2) == slot

    record = json.loads((out / "spot.maj.radio.json").read_text())
    assert record["medium"] == "radio" and record["poster"] is None and record["width"] is None
    assert record["samples"] == slot and record["duration"] == RADIO_SECONDS
    assert record["slot"] == {"samples": slot, "sample_rate": RATE}
    catalog = json.loads((out.parent / "catalog.json").read_text())
    entry = next(v for v in catalog["variants"] if v["file"] == "spot/spot.maj.radio-mp3.mp3")
    assert entry["medium"] == "radio" and entry["duration"] == RADIO_SECONDS
    assert abs(entry["loudness_lufs"] + 16) <= 1.0
    assert "0 rendered, 6 up-to-date" in invoke("render", manifest).stderr


def speech_campaign(campaign, tmp_path, profiles) -> Path:
    """A radio spot (a quiet tone as its master) dubbed in yua with `speech_over_a_bed`."""
    master = tmp_path / "radio.wav"
    ffmpeg("-f", "lavfi", "-i", f"sine=frequency=330:sample_rate=44100:duration={SPEECH_SECONDS}",
           "-filter:a", "volume=-20dB", "-ac", "2", str(master))
    speech_over_a_bed(campaign.root / "audio/spot/yua.wav")
    return radio_campaign(campaign, master, [{"code": "yua", "treatment": "dub"}], profiles)


@pytest.mark.e2e
def test_a_voice_note_of_speech_over_a_bed_meets_its_ceiling_at_its_target(campaign, tmp_path):
    # Opus at 32 kb/s overshot the limiter by up to 1.5 dB on such a dub, and two corrections
    # of 0.1 dB margin each were not enough: "true peak -0.8 dBTP is above the ceiling -1 dBTP
    # after 2 corrections (gain +12.9 dB, limiter at -2.2 dBTP)".
    manifest = speech_campaign(campaign, tmp_path, ["voice-note"])
    result = invoke("render", manifest)
    assert result.exit_code == 0, result.output
    note = campaign.out / "spot.yua.voice-note.ogg"
    lufs, peak = ebur128(note, dualmono=True)           # the decoded Opus, by another meter
    assert abs(lufs + 16) <= 0.5 and peak <= -1.0, (lufs, peak)
    assert decoded_samples(note, 1) == SPEECH_SECONDS * RATE
    record = json.loads((campaign.out / "spot.yua.voice-note.json").read_text())
    assert record["loudness"]["integrated_lufs"] == pytest.approx(lufs, abs=0.15)
    assert record["loudness"]["limiter_dbtp"] < -1.0


@pytest.mark.e2e
def test_a_voice_note_s_dual_mono_figure_is_said_beside_its_single_channel_one(campaign, tmp_path):
    # The page said "-16.2 LUFS" bare while `ebur128` on the file says -19.2: a mono note is
    # measured as dual mono on purpose, and every place its figure shows must say so.
    # A station's mono note held to EBU R128 gets a certificate that must say it too.
    manifest = speech_campaign(campaign, tmp_path, {
        "voice-note": {}, "note-r128": {"base": "voice-note", "loudness": -23,
                                        "loudness_standard": "ebu-r128"}})
    result = invoke("render", manifest)
    assert result.exit_code == 0, result.output
    note = campaign.out / "spot.yua.voice-note.ogg"
    dual, peak = ebur128(note, dualmono=True)           # by another meter, both ways
    single, _ = ebur128(note)
    assert dual - single == pytest.approx(3.0, abs=0.1)
    line = next(line for line in result.output.splitlines() if "voice-note " in line and "LUFS" in line)
    figures = [float(f) for f in re.findall(r"(-?\d+\.\d) LUFS", line)]
    assert "mono measured as dual mono" in line and "on one channel, BS.1770" in line, line
    assert figures == pytest.approx([dual, single], abs=0.1), line
    record = json.loads((campaign.out / "spot.yua.voice-note.json").read_text())
    assert record["loudness"]["measured_as"] == "dual-mono"
    assert record["loudness"]["single_channel_lufs"] == pytest.approx(single, abs=0.1)
    dist = tmp_path / "dist"
    assert invoke("publish", manifest, "--to", dist.as_uri()).exit_code == 0
    entry = json.loads((dist / "test-campaign/catalog.json").read_text())["variants"][0]
    assert entry["loudness_measured_as"] == "dual-mono"
    assert entry["loudness_lufs"] == pytest.approx(dual, abs=0.1)
    assert entry["loudness_single_channel_lufs"] == pytest.approx(single, abs=0.1)
    for page, said in (("index.html", r"\((?:mono medido como mono dual); (-?[\d.]+) LUFS en un "
                                      r"canal, BS\.1770\)"),
                       ("index.en.html", r"\(mono measured as dual mono; (-?[\d.]+) LUFS on one "
                                         r"channel, BS\.1770\)")):
        html = (dist / "test-campaign" / page).read_text()
        shown = re.search(r'<span class="figure">(-?[\d.]+) <abbr title="[^"]+">LUFS</abbr>'
                          r'</span> '
                          r'<span class="measured-as">' + said, html)
        assert shown, (page, html[html.find("LUFS") - 200:html.find("LUFS") + 300])
        assert float(shown.group(1)) == pytest.approx(dual, abs=0.1), page
        assert float(shown.group(2)) == pytest.approx(single, abs=0.1), page
    held = campaign.out / "spot.yua.note-r128.ogg"
    dual, single = ebur128(held, dualmono=True)[0], ebur128(held)[0]
    certificate = (campaign.out / "spot.yua.note-r128.loudness.html").read_text()
    shown = re.search(r'data-key="integrated_lufs"[^>]*>(-?[\d.]+) LUFS <span class="measured-as">'
                      r'\(mono medido como mono dual; (-?[\d.]+) LUFS en un canal, BS\.1770\)',
                      certificate)
    assert shown, certificate[certificate.find("integrated_lufs") - 100:][:600]
    assert float(shown.group(1)) == pytest.approx(dual, abs=0.1)
    assert float(shown.group(2)) == pytest.approx(single, abs=0.1)
    assert dual == pytest.approx(-23, abs=0.5)          # judged as dual mono, as it was levelled


def max_short_term(path: Path, dualmono: bool = False) -> float:
    """The highest 3 s (short-term) loudness of the decoded file, from ebur128's frame log (a
    mono file measured as dual mono when asked, as stereo playout hears it)."""
    err = subprocess.run([FFMPEG, "-hide_banner", "-nostats", "-i", str(path), "-af",
                          f"ebur128=framelog=info:dualmono={str(dualmono).lower()}", "-f",
                          "null", "-"],
                         capture_output=True, text=True, check=True).stderr
    return max(float(s) for s in re.findall(r"\bS:\s*(-?[\d.]+)", err[:err.rindex("Summary:")]))


def burst_dub(campaign, louder: float) -> Path:
    """A 20 s radio spot (sound alone) dubbed with a steady tone that is `louder` dB louder
    for 3 s: its loudest 3 s sit that much over the steady part, and less over the whole's
    integrated loudness (7.4 dB: about 5.1 LU over it)."""
    master = campaign.root / "media/radio20.wav"
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=330:sample_rate=48000:duration=20",
           "-filter:a", "volume=-20dB", "-ac", "2", str(master))
    burst = 0.1 * 10 ** (louder / 20)
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=20",
           "-filter:a", f"volume='if(between(t,10,13),{burst},0.1)':eval=frame",
           str(campaign.root / "audio/spot/yua.wav"))
    return radio_campaign(campaign, master, [{"code": "yua", "treatment": "dub"}], ["radio"])


@pytest.mark.e2e
def test_a_spot_a_little_over_r128_s1_is_levelled_under_it_inside_the_tolerance(campaign,
                                                                                 tmp_path):
    # Levelled to -23.0 LUFS, its loudest 3 s read -17.9 LUFS, 0.1 LU over EBU R128 s1's -18.0:
    # it was refused, though 0.2 dB less gain keeps it inside -23 +-0.5.
    manifest = burst_dub(campaign, 7.4)
    result = invoke("render", manifest)
    assert result.exit_code == 0, result.output
    wav = campaign.out / "spot.yua.radio.wav"
    lufs, peak = ebur128(wav)
    assert -23.5 <= lufs < -23.0 and peak <= -1.0, (lufs, peak)
    assert max_short_term(wav) <= -18.0
    record = json.loads((campaign.out / "spot.yua.radio.json").read_text())
    assert record["loudness_standard"]["passed"]
    # Said where its figure is: under its target on purpose (a trial read -23.4 as a miss).
    aimed = record["loudness"]["aimed_lufs"]
    assert -23.5 <= aimed < -23.0 and abs(aimed - lufs) < 0.3, (aimed, lufs)
    assert f"levelled to {aimed:.2f} LUFS, under its target, so that its loudest 3 s stay " \
           "under the short-term limit for spots" in result.output, result.output
    # And where a station reads it: the certificate, the catalog and the page (in Spanish).
    said_es = f"(nivelado a {aimed:.2f} LUFS, por debajo de su objetivo, para que sus 3 s más "
    certificate = (campaign.out / "spot.yua.radio.loudness.html").read_text()
    assert f'<span class="aimed">{said_es}' in certificate, certificate
    dist = tmp_path / "dist"
    assert invoke("publish", manifest, "--to", dist.as_uri()).exit_code == 0
    entry = json.loads((dist / "test-campaign/catalog.json").read_text())["variants"][0]
    assert entry["loudness_aimed_lufs"] == aimed
    html = (dist / "test-campaign/index.html").read_text()
    assert re.search(r'<span class="figure">' + re.escape(f"{lufs:.1f}")
                     + r' <abbr title="[^"]+">LUFS</abbr></span> <span class="aimed">'
                     + re.escape(said_es), html), html[html.find("LUFS") - 200:][:800]


@pytest.mark.e2e
def test_a_spot_far_over_r128_s1_is_refused_at_the_dub_to_fix(campaign):
    # 3.6 LU over the limit: more than the tolerance leaves room for. The error had no PATH.
    # A trial's dub 0.4 LU over passed check, validate and preview, and failed only once its
    # Broadcast WAV was encoded: said from the analysis, the variant is blocked before it.
    manifest = burst_dub(campaign, 12.0)
    dub = campaign.root / "audio/spot/yua.wav"
    said = re.compile(
        re.escape(f"{dub}: error: the loudest 3 s of the dub are ") + r"([\d.]+)" + re.escape(
            " LU above its loudness as a whole (maximum short-term ") + r"(-[\d.]+)"
        + re.escape(", integrated ") + r"(-[\d.]+)" + re.escape(
            " LUFS): levelled to the -23 LUFS of profile 'radio', they would reach ")
        + r"(-[\d.]+)" + re.escape(" LUFS, ") + r"([\d.]+)" + re.escape(
            " LU over the -18.0 LUFS of EBU R128 s1 for spots; lowering it within the profile's "
            "tolerance of 0.5 LU takes back 0.35 LU at most, 0.15 LU in all kept clear of the two "
            "limits; its variants of that profile are not made (hint: even out the recording's "
            "loudest passage (a compressor, or a lower level there) by ")
        + r"([\d.]+)" + re.escape(" dB or more: no 3 s may be more than 5.35 LU above the whole)"))
    # A translator's check of the file says it too.
    for args in (("validate", manifest), ("check", dub, "--manifest", manifest),
                 ("render", manifest)):
        result = invoke(*args)
        assert result.exit_code == 1, result.output
        found = said.search(result.output)
        assert found, result.output
        # Its figures add up: reach - limit is the excess said (a trial's "-17.6 ... by more
        # than the tolerance of 0.5 LU can lower it" read as a contradiction).
        assert float(found.group(5)) == pytest.approx(float(found.group(4)) + 18.0, abs=0.051)
    assert "blocked test-campaign/spot.yua.radio" in result.output, result.output
    # Nothing encoded: no file of it, partial or final.
    assert not [path.name for path in campaign.root.rglob("spot.yua.radio*")]
    # Its figures against ffmpeg's meter on the dub itself (20 s: as long as the spot; mono,
    # measured as dual mono, as it is levelled).
    above, loudest, integrated, reach, _, less = map(float, found.groups())
    assert loudest == pytest.approx(max_short_term(dub, dualmono=True), abs=0.1)
    assert integrated == pytest.approx(ebur128(dub, dualmono=True)[0], abs=0.1)
    assert above == pytest.approx(loudest - integrated, abs=0.1) and above > 5.35
    assert reach == pytest.approx(-23 + above, abs=0.1) and less == pytest.approx(above - 5.35,
                                                                                  abs=0.1)


@pytest.mark.e2e
def test_a_padded_dub_fades_out_where_it_ends(campaign, radio_master, tmp_path):
    campaign.audio("yua")                        # a 1 kHz tone that stops at 3.5 s
    manifest = radio_campaign(campaign, radio_master, [{"code": "yua", "treatment": "dub"}], ["radio"])
    assert invoke("render", manifest).exit_code == 0
    raw = subprocess.run([FFMPEG, "-v", "error", "-i", str(campaign.out / "spot.yua.radio.wav"),
                          "-ac", "1", "-f", "s16le", "-"], capture_output=True, check=True).stdout
    samples = struct.unpack(f"<{len(raw) // 2}h", raw)

    def peak(start: float, end: float) -> int:
        return max(abs(s) for s in samples[int(start * RATE):int(end * RATE)])

    steady = peak(3.0, 3.45)
    assert peak(3.47, 3.479) > 0.9 * steady           # before the 20 ms fade
    assert 0.3 * steady < peak(3.489, 3.491) < 0.7 * steady     # half way down
    assert peak(3.4985, 3.5) < 0.1 * steady           # the last 1.5 ms nearly at rest
    assert peak(3.5, RADIO_SECONDS) == 0              # then silence to the slot's end


@pytest.mark.e2e
def test_sound_past_the_slot_is_an_error_naming_the_overrun(campaign, radio_master, tmp_path):
    long = tmp_path / "long.wav"
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=48000:duration=5.2", str(long))
    (campaign.root / "audio/spot/yua.wav").write_bytes(long.read_bytes())
    manifest = radio_campaign(campaign, radio_master, [{"code": "yua", "treatment": "dub"}], ["radio"])
    result = invoke("validate", manifest)
    assert result.exit_code == 1
    assert ("yua.wav: error: sound continues past the spot's end: speech would be cut at 4.00 s "
            "(the dub has sound until 5.2 s)") in result.stderr


@pytest.mark.e2e
def test_a_video_spot_gives_its_dub_to_radio_from_the_same_measured_sound(campaign):
    campaign.audio("yua")
    manifest = campaign.write([{"code": "yua", "treatment": "dub"}],
                              {"small": SMALL_PROFILES["small"], "radio": None})
    assert invoke("render", manifest).exit_code == 0
    video = json.loads((campaign.out / "spot.yua.small.json").read_text())
    radio = json.loads((campaign.out / "spot.yua.radio.json").read_text())
    # One source, measured once (the delivery's analysis when planning; the render reads that
    # figure and meters the track no more), levelled to two targets: the two gains differ by
    # the targets' 7 LU.
    measures = json.loads((campaign.root / "build" / CACHE_NAME).read_text())["measures"]
    assert len([key for key in measures if key.startswith("sound:")]) == 1
    assert not [key for key in measures if key.startswith("ebur128:file:")]
    assert abs((video["loudness"]["gain_db"] - radio["loudness"]["gain_db"]) - 7.0) < 0.3
    assert radio["medium"] == "video" and radio["samples"] == round(4.0 * RATE)
    lufs, _ = ebur128(campaign.out / "spot.yua.radio.wav")
    assert abs(lufs + 23) <= 0.5


@pytest.mark.e2e
def test_the_messaging_video_stays_under_its_size_cap(campaign):
    campaign.subtitle("nah")
    manifest = campaign.write([{"code": "nah", "treatment": "burn"}],
                              {"messaging": {"preset": "veryfast"}})
    result = invoke("render", manifest)
    assert result.exit_code == 0, result.output
    out = campaign.out / "spot.nah.messaging.mp4"
    video, audio = streams(out)
    assert (video["codec_name"], video["profile"], video["width"], video["height"]) == \
        ("h264", "Main", 1280, 720)
    assert audio["codec_name"] == "aac"
    assert out.stat().st_size <= 16e6 * 4.0 / 60        # 16 MB a minute, for a 4 s spot
    # A cap it cannot meet is a failed variant, not a file under its final name.
    tight = campaign.write([{"code": "nah", "treatment": "burn"}],
                           {"messaging": {"preset": "veryfast", "max_mb_per_minute": 0.5}})
    result = invoke("render", tight, "--force")
    assert result.exit_code == 1
    assert "over the profile's cap" in result.stderr


@pytest.mark.e2e
def test_a_portrait_spot_gets_the_messaging_frame_on_its_side(campaign, tmp_path):
    portrait = campaign.root / "media/spot.mp4"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=180x320:rate=25:duration=4", "-f", "lavfi", "-i",
           "sine=frequency=440:sample_rate=48000:duration=4", "-c:v", "libx264", "-preset",
           "ultrafast", "-c:a", "aac", str(portrait))
    campaign.audio("yua")
    manifest = campaign.write([{"code": "yua", "treatment": "dub"}], {"messaging": {"preset": "veryfast"}})
    (variant,) = build_plan([manifest]).variants
    assert (variant.variant.profile.width, variant.variant.profile.height) == (720, 1280)
    assert invoke("render", manifest).exit_code == 0
    video = streams(campaign.out / "spot.yua.messaging.mp4")[0]
    assert (video["width"], video["height"], video["profile"]) == (720, 1280, "Main")


# --- the Dask worker, publishing and verifying ----------------------------------------------

@pytest.mark.e2e
def test_a_worker_renders_a_radio_variant_through_the_object_store(campaign, radio_master, tmp_path):
    campaign.audio("maj", "voice.wav")
    manifest = radio_campaign(campaign, radio_master, [{"code": "maj", "treatment": "mix"}], ["radio-mp3"])
    (variant,) = build_plan([manifest]).variants
    store = Store((tmp_path / "store").as_uri())
    assert upload_inputs([variant], store.open()) == 3          # master, bed, voice-over
    record, diagnostics, _ = render_on_worker(variant, store)
    assert diagnostics == [] and record["file"] == "spot.maj.radio-mp3.mp3"
    names = sorted(p.name for p in (tmp_path / "store/outputs/test-campaign/spot").iterdir()
                   if not p.name.endswith(".sha256"))     # the folder store's checksum files
    assert names == ["spot.maj.radio-mp3.json", "spot.maj.radio-mp3.mp3"]      # no poster


@pytest.mark.e2e
def test_a_radio_campaign_publishes_with_players_and_verifies(campaign, radio_master, tmp_path):
    campaign.audio("yua")
    # `web` makes no variant of a radio spot: skipped, not "not rendered yet".
    manifest = radio_campaign(campaign, radio_master, [{"code": "yua", "treatment": "dub"}],
                              ["radio", "radio-mp3", "web"])
    assert invoke("render", manifest).exit_code == 0
    dist = tmp_path / "dist"
    result = invoke("publish", manifest, "--to", dist.as_uri())
    assert result.exit_code == 0 and "warning" not in result.output, result.output
    page = (dist / "test-campaign/index.html").read_text(encoding="utf-8")
    assert '<audio controls preload="none"' in page
    assert 'src="spot/spot.yua.radio-mp3.mp3" type="audio/mpeg"' in page
    # The unit in its <abbr> (publish/figures.py).
    assert "spot.yua.radio.wav" in page and re.search(
        r"[-\u2212]23\.0 <abbr title=\"[^\"]+\">LUFS</abbr>", page)
    result = invoke("verify", dist / "test-campaign")
    assert result.exit_code == 0, result.output
    assert "ok      spot/spot.yua.radio.wav" in result.stdout and "4.000 s, -23.0 LUFS" in result.stdout
    assert "2 of 2 variants verified" in result.stdout
    wav = dist / "test-campaign/spot/spot.yua.radio.wav"
    data = bytearray(wav.read_bytes())
    data[-1] ^= 0xFF
    wav.write_bytes(bytes(data))
    result = invoke("verify", dist / "test-campaign")
    assert result.exit_code == 1 and "1 of 2 variants verified" in result.stdout
    # The file's line names it alone: the catalog's figures would read as measured on it.
    assert "FAILED  spot/spot.yua.radio.wav\n" in result.stdout, result.stdout
    # -q (a station's script): the file that failed, its error and the summaries alone.
    quiet = invoke("verify", dist / "test-campaign", "-q")
    assert quiet.exit_code == 1 and "ok " not in quiet.stdout, quiet.stdout
    assert [line.split()[0] for line in quiet.stdout.splitlines()] == [
        "FAILED", "test-campaign:", "test-campaign:"], quiet.stdout
