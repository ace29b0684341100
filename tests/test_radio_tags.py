"""What a radio file says about itself, read back by tools other than the one that wrote it:
the clock number in every audio container (a byte read of the bext and LIST INFO chunks and
ffprobe for the WAV, ffprobe for mutagen's ID3, mutagen for ffmpeg's Ogg and MP4 tags), the
WAV's INFO title in bytes a Windows-1252 reader shows as written; and on the page, in
Chromium, each sound file's bit rate and sample rate."""

from __future__ import annotations

import json
import struct
import subprocess
from pathlib import Path

import pytest
from mutagen.mp4 import MP4
from mutagen.oggopus import OggOpus

from pipeline.media.audio_tags import latin1_text, originator_reference, write_info_latin1
from tests.conftest import ffmpeg
from tests.mediacheck import FFMPEG, FFPROBE
from tests.test_page_browser import browser  # noqa: F401  (a module fixture: Chromium)
from tests.test_radio import invoke, radio_master  # noqa: F401  (a session fixture)

CLOCK = "RRC-{spot}-{lang}-{profile}"
SPOT_TITLE = "Línea contra la trata, niñas"
LANGUAGE_NAME = "Batsꞌil kꞌop ɨ a̱"          # the saltillo, a barred i, a with a macron below
# What a Windows-1252 (or ISO-8859-1) reader should show of the title.
SHOWN = "Línea contra la trata, niñas (Bats'il k'op i a)"
PROFILES = ["radio", "radio-mp3", "voice-note",
            {"radio-aac": {"base": "radio-mp3", "container": "mp4", "audio_codec": "aac",
                           "audio_bitrate": "128k"}}]


def tagged_campaign(campaign, radio_master, profiles) -> Path:  # noqa: F811
    (campaign.root / "media/radio.wav").write_bytes(radio_master.read_bytes())
    campaign.audio("tzh")
    spots = [{"id": "spot", "title": SPOT_TITLE, "master": "../media/radio.wav"}]
    named = [p for p in profiles if isinstance(p, str)]
    own = {k: v for p in profiles if isinstance(p, dict) for k, v in p.items()}
    return campaign.write([{"code": "tzh", "name": LANGUAGE_NAME, "treatment": "dub"}],
                          {**{name: {} for name in named}, **own} if own else named,
                          spots=spots, clock=CLOCK)


def chunks(path: Path) -> dict[bytes, bytes]:
    """A RIFF WAVE file's chunks before its samples, by name (a plain byte read)."""
    data, found, position = path.read_bytes(), {}, 12
    while position + 8 <= len(data):
        name = data[position:position + 4]
        size = struct.unpack("<I", data[position + 4:position + 8])[0]
        if name == b"data":
            break
        found[name] = data[position + 8:position + 8 + size]
        position += 8 + size + (size & 1)
    return found


def info(list_chunk: bytes) -> dict[str, bytes]:
    """A LIST INFO chunk's texts, as their bytes up to the first NUL."""
    assert list_chunk[:4] == b"INFO"
    texts, position = {}, 4
    while position + 8 <= len(list_chunk):
        size = struct.unpack("<I", list_chunk[position + 4:position + 8])[0]
        raw = list_chunk[position + 8:position + 8 + size]
        texts[list_chunk[position:position + 4].decode()] = raw.split(b"\0", 1)[0]
        position += 8 + size + (size & 1)
    return texts


def format_tags(path: Path) -> dict[str, str]:
    out = subprocess.run([FFPROBE, "-v", "error", "-print_format", "json", "-show_format",
                          str(path)], capture_output=True, check=True).stdout
    tags = json.loads(out.decode("utf-8", "replace"))["format"].get("tags", {})
    return {key.lower(): value for key, value in tags.items()}


def test_the_info_title_keeps_latin_letters_and_folds_the_others():
    assert latin1_text(f"{SPOT_TITLE} ({LANGUAGE_NAME})") == SHOWN
    assert latin1_text("¿Sabías? “ya” Batsʼi kʼop") == "¿Sabías? ya Bats'i k'op"
    assert originator_reference("RRC-20", "f" * 64) == "RRC-20"
    # A clock number the field would cut short is not written there: the fingerprint is.
    assert originator_reference("R" * 40, "0123456789" * 6) == ("0123456789" * 6)[:32]
    assert originator_reference(None, "ab" * 32) == "ab" * 16


def test_the_info_texts_are_written_again_in_place_in_latin_1(tmp_path):
    wav = tmp_path / "info.wav"
    ffmpeg("-f", "lavfi", "-i", "sine=sample_rate=48000:duration=0.5", "-c:a", "pcm_s24le",
           "-metadata", f"title={SPOT_TITLE} ({LANGUAGE_NAME})", "-metadata", "comment=ñ ok",
           str(wav))
    before, samples = wav.read_bytes(), decoded(wav)
    assert info(chunks(wav)[b"LIST"])["INAM"] == f"{SPOT_TITLE} ({LANGUAGE_NAME})".encode()
    assert write_info_latin1(wav) == 2
    texts = info(chunks(wav)[b"LIST"])
    assert texts["INAM"].decode("cp1252") == SHOWN and texts["ICMT"] == "ñ ok".encode("latin-1")
    assert len(wav.read_bytes()) == len(before) and decoded(wav) == samples   # nothing moved
    assert write_info_latin1(wav) == 0                            # done twice: kept
    assert texts == info(chunks(wav)[b"LIST"])


def decoded(path: Path) -> bytes:
    return subprocess.run([FFMPEG, "-v", "error", "-i", str(path), "-f", "s24le", "-"],
                          capture_output=True, check=True).stdout


@pytest.mark.e2e
def test_every_radio_file_carries_its_clock_number(campaign, radio_master):  # noqa: F811
    manifest = tagged_campaign(campaign, radio_master, PROFILES)
    result = invoke("render", manifest)
    assert result.exit_code == 0, result.output
    out = campaign.out

    wav = out / "spot.tzh.radio.wav"
    clock = b"RRC-spot-tzh-radio"
    found = chunks(wav)
    bext = found[b"bext"]
    description = bext[:256].split(b"\0", 1)[0].decode("ascii")
    assert description.startswith("RRC-spot-tzh-radio | Test campaign | spot spot: ")
    assert bext[288:320].split(b"\0", 1)[0] == clock            # OriginatorReference
    texts = info(found[b"LIST"])
    assert texts["ICMT"] == b"clock number " + clock
    # The title's bytes, as playout software reads an INFO text: Windows-1252.
    assert texts["INAM"].decode("cp1252") == SHOWN
    assert texts["INAM"].decode("latin-1") == SHOWN
    assert format_tags(wav)["comment"] == "clock number RRC-spot-tzh-radio"

    mp3 = out / "spot.tzh.radio-mp3.mp3"
    tags = format_tags(mp3)                                      # mutagen wrote them
    assert tags["clock"] == "RRC-spot-tzh-radio-mp3"
    assert tags["comment"] == "clock number RRC-spot-tzh-radio-mp3"

    note = OggOpus(str(out / "spot.tzh.voice-note.ogg"))         # ffmpeg wrote them
    assert note["clock"] == ["RRC-spot-tzh-voice-note"]
    # ffmpeg writes its comment as Xiph's DESCRIPTION (the field the Vorbis comment spec
    # lists; COMMENT is not one), which players show as the comment.
    assert note["description"] == ["clock number RRC-spot-tzh-voice-note"]

    aac = MP4(str(out / "spot.tzh.radio-aac.m4a"))
    assert aac["\xa9cmt"] == ["clock number RRC-spot-tzh-radio-aac"]

    for path in (wav, mp3, out / "spot.tzh.voice-note.ogg", out / "spot.tzh.radio-aac.m4a"):
        assert path.read_bytes().count(b"RRC-spot-tzh-") >= 1, path.name


@pytest.mark.e2e
def test_the_page_tells_two_mp3_profiles_apart_by_their_rates(
        campaign, radio_master, tmp_path, browser):  # noqa: F811
    manifest = tagged_campaign(campaign, radio_master, [
        "radio", "radio-mp3",
        {"radio-mp3-comunitaria": {"base": "radio-mp3", "audio_bitrate": "128k",
                                   "sample_rate": 44100}}])
    assert invoke("render", manifest).exit_code == 0
    dist = tmp_path / "dist"
    result = invoke("publish", manifest, "--to", dist.as_uri())
    assert result.exit_code == 0, result.output
    catalog = json.loads((dist / "test-campaign/catalog.json").read_text())
    sounds = {v["profile"]: v["sound"] for v in catalog["variants"]}
    assert sounds == {"radio": {"codec": "pcm_s24le", "sample_rate": 48000, "channels": 2,
                                "bits": 24},
                      "radio-mp3": {"codec": "mp3", "sample_rate": 48000, "channels": 2,
                                    "bit_rate": 256000},
                      "radio-mp3-comunitaria": {"codec": "mp3", "sample_rate": 44100,
                                                "channels": 2, "bit_rate": 128000}}
    page = browser.new_page()
    try:
        lines = {}
        for name, language in (("index.html", "es"), ("index.en.html", "en")):
            page.goto((dist / "test-campaign" / name).as_uri())
            lines[language] = {
                item.locator(".file-name").inner_text(): item.locator(".file-meta").inner_text()
                for item in page.locator("li.file").all()}
        page.goto((dist / "test-campaign/index.html").as_uri())
        page.screenshot(path=str(tmp_path / "page.png"), full_page=True)
    finally:
        page.close()
    es, en = lines["es"], lines["en"]
    assert es["spot.tzh.radio.wav"].startswith("WAV · PCM de 24 bits · 48 kHz · ")
    assert es["spot.tzh.radio-mp3.mp3"].startswith("MP3 · 256 kbit/s · 48 kHz · ")
    # The Spanish page writes figures as Mexico does (es_MX, i18n.REGIONS), as its LUFS.
    assert es["spot.tzh.radio-mp3-comunitaria.mp3"].startswith("MP3 · 128 kbit/s · 44.1 kHz · ")
    assert en["spot.tzh.radio.wav"].startswith("WAV · PCM 24-bit · 48 kHz · ")
    assert en["spot.tzh.radio-mp3-comunitaria.mp3"].startswith("MP3 · 128 kbit/s · 44.1 kHz · ")
