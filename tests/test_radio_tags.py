"""What a radio file says about itself, read back by tools other than the one that wrote it:
the clock number in every audio container (a byte read of the bext and LIST INFO chunks and
ffprobe for the WAV, ffprobe for mutagen's ID3, mutagen for ffmpeg's Ogg and MP4 tags), the
WAV's INFO title in bytes a Windows-1252 reader shows as written; the Broadcast WAV's AES46
`cart` chunk, read by libsndfile (SFC_GET_CART_INFO, through ctypes) and field by field from
the standard's sizes; and on the page, in Chromium, each sound file's bit rate and sample
rate."""

from __future__ import annotations

import ctypes
import json
import struct
import subprocess
from pathlib import Path

import pytest
from mutagen.mp4 import MP4
from mutagen.oggopus import OggOpus

from pipeline.media.audio_tags import (ascii_text, latin1_text, originator_reference,
                                       write_info_latin1)
from pipeline.media.cart_chunk import Cart, write_cart
from tests.conftest import ffmpeg
from tests.mediacheck import FFMPEG, FFPROBE, probe_tags
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
    return {key.lower(): value for key, value in probe_tags(path).items()}


def test_the_info_title_keeps_latin_letters_and_folds_the_others():
    assert latin1_text(f"{SPOT_TITLE} ({LANGUAGE_NAME})") == SHOWN
    assert latin1_text("¿Sabías? “ya” Batsʼi kʼop") == "¿Sabías? \"ya\" Bats'i k'op"
    # Dashes and quotation marks as ASCII's, not dropped ("t'aan no estan" ran together).
    assert latin1_text("Maaya tʼaan — «no están» – ya") == "Maaya t'aan - «no están» - ya"
    assert ascii_text("Maaya tʼaan — «no están»", 64) == "Maaya t'aan - \"no estan\""
    assert latin1_text("Donativo: 5 €") == ascii_text("Donativo: 5 €", 64) == "Donativo: 5 EUR"
    assert latin1_text("ﬁn") == "fin"      # a ligature, whole
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
    # In the page's language (Spanish by default), as automation shows it to the operator.
    assert texts["ICMT"] == b"clave del spot " + clock
    # The title's bytes, as playout software reads an INFO text: Windows-1252.
    assert texts["INAM"].decode("cp1252") == SHOWN
    assert texts["INAM"].decode("latin-1") == SHOWN
    assert format_tags(wav)["comment"] == "clave del spot RRC-spot-tzh-radio"

    mp3 = out / "spot.tzh.radio-mp3.mp3"
    tags = format_tags(mp3)                                      # mutagen wrote them
    assert tags["clock"] == "RRC-spot-tzh-radio-mp3"
    assert tags["comment"] == "clave del spot RRC-spot-tzh-radio-mp3"
    from mutagen.id3 import ID3
    assert [frame.lang for frame in ID3(str(mp3)).getall("COMM")] == ["spa"]

    note = OggOpus(str(out / "spot.tzh.voice-note.ogg"))         # ffmpeg wrote them
    assert note["clock"] == ["RRC-spot-tzh-voice-note"]
    # ffmpeg writes its comment as Xiph's DESCRIPTION (the field the Vorbis comment spec
    # lists; COMMENT is not one), which players show as the comment.
    assert note["description"] == ["clave del spot RRC-spot-tzh-voice-note"]

    aac = MP4(str(out / "spot.tzh.radio-aac.m4a"))
    assert aac["\xa9cmt"] == ["clave del spot RRC-spot-tzh-radio-aac"]

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


# AES46-2002 (CartChunk.org 1.01) as the standard lists it, not as the writer's constants do.
CART_LAYOUT = [("version", 4), ("title", 64), ("artist", 64), ("cut_id", 64),
               ("client_id", 64), ("category", 64), ("classification", 64), ("out_cue", 64),
               ("start_date", 10), ("start_time", 8), ("end_date", 10), ("end_time", 8),
               ("producer_app_id", 64), ("producer_app_version", 64), ("user_def", 64)]


def cart_fields(data: bytes) -> dict:
    """A `cart` chunk's data, field by field: texts up to their first NUL, LevelReference,
    the eight post timers, Reserved, URL and TagText."""
    fields, position = {}, 0
    for name, size in CART_LAYOUT:
        fields[name] = data[position:position + size].split(b"\0", 1)[0].decode("ascii")
        position += size
    fields["level_reference"] = struct.unpack("<i", data[position:position + 4])[0]
    position += 4
    fields["timers"] = [struct.unpack("<4sI", data[position + 8 * k:position + 8 * k + 8])
                        for k in range(8)]
    position += 64
    fields["reserved"], position = data[position:position + 276], position + 276
    fields["url"], position = data[position:position + 1024], position + 1024
    fields["tag_text"] = data[position:]
    return fields


class _SfInfo(ctypes.Structure):
    _fields_ = [("frames", ctypes.c_int64), ("samplerate", ctypes.c_int),
                ("channels", ctypes.c_int), ("format", ctypes.c_int),
                ("sections", ctypes.c_int), ("seekable", ctypes.c_int)]


class _SfCartTimer(ctypes.Structure):
    _fields_ = [("usage", ctypes.c_char * 4), ("value", ctypes.c_int32)]


class _SfCartInfo(ctypes.Structure):      # sndfile.h's SF_CART_INFO (SF_CART_INFO_VAR(256))
    _fields_ = ([(name, ctypes.c_char * size) for name, size in CART_LAYOUT]
                + [("level_reference", ctypes.c_int32), ("post_timers", _SfCartTimer * 8),
                   ("reserved", ctypes.c_char * 276), ("url", ctypes.c_char * 1024),
                   ("tag_text_size", ctypes.c_uint32), ("tag_text", ctypes.c_char * 256)])


def libsndfile_cart(path: Path) -> tuple[int, _SfCartInfo]:
    """(the file's frames, its cart chunk) as libsndfile reads them."""
    lib = ctypes.CDLL("libsndfile.so.1")
    lib.sf_open.restype = ctypes.c_void_p
    info, cart = _SfInfo(), _SfCartInfo()
    handle = lib.sf_open(str(path).encode(), 0x10, ctypes.byref(info))      # SFM_READ
    assert handle, lib.sf_strerror(None)
    try:
        # SFC_GET_CART_INFO: true only when the file has a cart chunk
        assert lib.sf_command(ctypes.c_void_p(handle), 0x1401, ctypes.byref(cart),
                              ctypes.sizeof(cart)) == 1
    finally:
        lib.sf_close(ctypes.c_void_p(handle))
    return info.frames, cart


def riff_chunk_names(path: Path) -> list[bytes]:
    """Every chunk of a RIFF WAVE file in order, samples and after included; the RIFF size
    checked against the file's."""
    data, names, position = path.read_bytes(), [], 12
    assert data[:4] == b"RIFF" and struct.unpack("<I", data[4:8])[0] == len(data) - 8
    while position + 8 <= len(data):
        names.append(data[position:position + 4])
        size = struct.unpack("<I", data[position + 4:position + 8])[0]
        position += 8 + size + (size & 1)
    assert position == len(data)
    return names


def test_the_cart_chunk_goes_before_the_samples_and_moves_nothing_else(tmp_path):
    wav = tmp_path / "cart.wav"
    ffmpeg("-f", "lavfi", "-i", "sine=sample_rate=48000:duration=0.5", "-ac", "2",
           "-c:a", "pcm_s24le", "-write_bext", "1", "-metadata", "title=x", str(wav))
    before, samples = chunks(wav), decoded(wav)
    write_cart(wav, Cart(title=f"{SPOT_TITLE} ({LANGUAGE_NAME})", artist="Campaña",
                         cut_id="", samples=24000))
    assert riff_chunk_names(wav)[-2:] == [b"cart", b"data"]
    found = chunks(wav)
    assert {k: v for k, v in found.items() if k != b"cart"} == before and decoded(wav) == samples
    fields = cart_fields(found[b"cart"])
    assert len(found[b"cart"]) == 2048 and fields["cut_id"] == ""   # no clock number: empty
    assert fields["title"] == "Linea contra la trata, ninas (Bats'il k'op i a)"
    assert fields["artist"] == "Campana"
    frames, cart = libsndfile_cart(wav)
    assert frames == 24000 and cart.version == b"0101" and cart.cut_id == b""

    # RF64 (EBU Tech 3306): its RIFF size is the ds64 chunk's, which grows by the chunk.
    rf64 = tmp_path / "cart.rf64.wav"
    ffmpeg("-f", "lavfi", "-i", "sine=sample_rate=48000:duration=0.5", "-c:a", "pcm_s24le",
           "-rf64", "always", str(rf64))
    write_cart(rf64, Cart(title="t", artist="a", cut_id="RRC-1", samples=24000))
    data = rf64.read_bytes()
    assert data[:4] == b"RF64" and data[12:16] == b"ds64"
    assert struct.unpack("<Q", data[20:28])[0] == len(data) - 8
    assert streams_of(rf64) == ("pcm_s24le", "24000")


def streams_of(path: Path) -> tuple[str, str]:
    """ffprobe's codec and length in samples of the file's first stream."""
    out = subprocess.run([FFPROBE, "-v", "error", "-print_format", "json", "-show_streams",
                          str(path)], capture_output=True, check=True).stdout
    stream = json.loads(out)["streams"][0]
    return stream["codec_name"], str(stream["duration_ts"])


@pytest.mark.e2e
def test_a_broadcast_wav_carries_an_aes46_cart_chunk(campaign, radio_master):  # noqa: F811
    manifest = tagged_campaign(campaign, radio_master, ["radio"])
    result = invoke("render", manifest)
    assert result.exit_code == 0, result.output
    wav = campaign.out / "spot.tzh.radio.wav"
    record = json.loads((campaign.out / "spot.tzh.radio.json").read_text())
    slot = record["slot"]["samples"]

    assert riff_chunk_names(wav) == [b"JUNK", b"fmt ", b"JUNK", b"bext", b"LIST", b"cart",
                                     b"data"]
    found = chunks(wav)
    fields = cart_fields(found[b"cart"])
    assert fields["version"] == "0101" and fields["cut_id"] == "RRC-spot-tzh-radio"
    assert fields["title"] == "Linea contra la trata, ninas (Bats'il k'op i a)"
    assert fields["artist"] == "Test campaign" and fields["category"] == "PSA"
    assert fields["producer_app_id"] == "pipeline" and fields["producer_app_version"]
    # No flight dates in the manifest: none written; nor a client, a URL or tag text.
    assert all(fields[key] == "" for key in ("client_id", "classification", "out_cue",
                                             "start_date", "start_time", "end_date",
                                             "end_time", "user_def"))
    assert fields["level_reference"] == 32768
    assert fields["timers"][:2] == [(b"AUDs", 0), (b"AUDe", slot)]
    assert fields["timers"][2:] == [(b"\0" * 4, 0)] * 6
    assert fields["reserved"] == bytes(276) and fields["url"] == bytes(1024)
    assert fields["tag_text"] == b""

    frames, cart = libsndfile_cart(wav)
    assert frames == slot
    assert (cart.version, cart.cut_id, cart.artist, cart.category, cart.level_reference) == (
        b"0101", b"RRC-spot-tzh-radio", b"Test campaign", b"PSA", 32768)
    assert [(t.usage, t.value) for t in cart.post_timers][:2] == [(b"AUDs", 0), (b"AUDe", slot)]

    # The other chunks as before: bext's clock number and v2 loudness, INFO's title.
    assert found[b"bext"][288:320].split(b"\0", 1)[0] == b"RRC-spot-tzh-radio"
    assert struct.unpack("<H", found[b"bext"][346:348])[0] == 2
    assert info(found[b"LIST"])["INAM"].decode("cp1252") == SHOWN
    # ffprobe and ffmpeg read the sound as before: its codec, its length to the sample.
    assert streams_of(wav) == ("pcm_s24le", str(slot))
    assert len(decoded(wav)) == slot * 2 * 3
    shown = subprocess.run(["mediainfo", "--Inform=Audio;%Format% %SamplingCount%", str(wav)],
                           capture_output=True, check=True, text=True).stdout.strip()
    assert shown == f"PCM {slot}"


def test_the_cart_title_keeps_the_language_whole():
    # A trial's cart Titles were cut at 64 characters mid-name: "... (radio, 20 s) (Bats'i k'op".
    from pipeline.render.audio_only import cart_title
    from pipeline.render.variants import titled

    long = "Los seres humanos no están a la venta (radio, 20 s)"
    assert cart_title(long, "Náhuatl") == \
        "Los seres humanos no estan a la venta (radio, 20 s) (Nahuatl)"
    for language, ending in (("Batsʼi kʼop", "... (Bats'i k'op)"),
                             # Its own parentheses: after a dash, not in nested ones (a trial
                             # read "(Batsʼi kʼop (tsotsil))").
                             ("Diidxazá (zapoteco del Istmo)",
                              "... - Diidxaza (zapoteco del Istmo)")):
        title = cart_title(long, language)
        assert len(title) <= 64 and title.isascii(), title
        assert title.endswith(ending) and title.startswith("Los seres humanos"), title
    assert len(cart_title(long, "x" * 80)) == 64       # a name longer than the field: cut
    assert titled("Spot", "Batsʼi kʼop (tsotsil)") == "Spot · Batsʼi kʼop (tsotsil)"
    assert titled("Spot", "Maaya tʼaan") == "Spot (Maaya tʼaan)"


def tone(path: Path, start: float, end: float, total: float, frequency: int = 440) -> Path:
    """A tone from `start` to `end` seconds in `total` seconds of digital silence, 48 kHz."""
    ffmpeg("-f", "lavfi", "-i", f"aevalsrc='if(between(t,{start},{end}),0.1*sin(2*PI*"
                                f"{frequency}*t),0)':s=48000:d={total}", "-ac", "2", str(path))
    return path


@pytest.mark.e2e
def test_the_cart_s_timers_read_dead_air_as_the_page_says_it_after_a_lift(campaign):
    # A trial's quiet dub: its hiss under the dead-air floor, lifted 28 dB by levelling, was
    # sound to the rendered file's reading (the cart's start at 0) and silence to the page's
    # warning ("trim that start in your playout system").
    media, audio = campaign.root / "media", campaign.root / "audio/spot"
    tone(media / "radio.wav", 0, 10, 10)
    ffmpeg("-f", "lavfi", "-i", "anoisesrc=color=white:amplitude=0.0002:duration=10:"
           "sample_rate=48000:seed=3", "-f", "lavfi", "-i", "aevalsrc='if(between(t,2,9),"
           "0.006*sin(2*PI*440*t),0)':s=48000:d=10", "-filter_complex",
           "[0][1]amix=inputs=2:normalize=0", "-ac", "2", str(audio / "yua.wav"))
    manifest = campaign.write([{"code": "yua", "treatment": "dub"}], ["radio"],
                              spots=[{"id": "spot", "title": "Radio",
                                      "master": "../media/radio.wav"}])
    result = invoke("render", manifest)
    assert result.exit_code == 0, result.output
    record = json.loads((campaign.out / "spot.yua.radio.json").read_text())
    (dead,) = [w for w in record["qc"]["warnings"] if w["code"] == "leading-silence"]
    assert dead["message"].startswith("the dub starts with 2.00 s of silence"), dead
    assert record["loudness"]["gain_db"] > 20, record["loudness"]
    fields = cart_fields(chunks(campaign.out / "spot.yua.radio.wav")[b"cart"])
    (AUDs, begins), (AUDe, ends) = fields["timers"][:2]
    assert begins == pytest.approx(2.0 * 48000, abs=0.02 * 48000), begins
    assert ends == pytest.approx(10 * 48000, abs=1), ends           # no dead air at its end


@pytest.mark.e2e
@pytest.mark.parametrize("master_end, dub_end, said", [
    (7.95, 7.95, False), (7.9, 7.9, True), (7.0, 10, False)])
def test_the_cart_ends_early_only_where_the_dead_air_is_said(campaign, master_end, dub_end,
                                                              said):
    # A radio trial's master, copied as its source language's dub, its last 2.017 s silent:
    # unsaid (under the 2 s limit to its analysis's tenth of a second), while its cart ended
    # 2.017 s early. A master's dead air is its own, not a dub's beside it.
    media, audio = campaign.root / "media", campaign.root / "audio/spot"
    tone(media / "radio.wav", 0, master_end, 10)
    tone(audio / "spa.wav", 0, dub_end, 10)
    manifest = campaign.write([{"code": "spa", "treatment": "dub"}], ["radio"],
                              spots=[{"id": "spot", "title": "Radio",
                                      "master": "../media/radio.wav"}])
    result = invoke("render", manifest)
    assert result.exit_code == 0, result.output
    record = json.loads((campaign.out / "spot.spa.radio.json").read_text())
    dead = [w for w in record["qc"]["warnings"] if w["code"] == "trailing-silence"]
    assert bool(dead) == said, record["qc"]["warnings"]
    fields = cart_fields(chunks(campaign.out / "spot.spa.radio.wav")[b"cart"])
    (AUDs, begins), (AUDe, ends) = fields["timers"][:2]
    assert begins == 0
    assert ends == (pytest.approx(dub_end * 48000, abs=0.02 * 48000) if said else 480000), ends


@pytest.mark.e2e
def test_dead_air_moves_the_cart_s_timers_and_a_voice_over_s_is_said(campaign):
    # A trial's dub, its sound over at 11.1 s of 25, was told on the page to be cut there while
    # its cart said 25 s (AUDe); its voice-overs, over a bed that stopped at 20 s of 25, aired
    # 5 s of dead air with no word on their cards.
    media, audio = campaign.root / "media", campaign.root / "audio/spot"
    tone(media / "radio.wav", 0, 7, 10)
    bed = tone(media / "bed.wav", 0, 7, 10, 220)
    tone(audio / "yua.wav", 1.0, 6.0, 10)
    tone(audio / "zai.wav", 2.0, 5.0, 10, 660)
    spots = [{"id": "spot", "title": "Radio", "master": "../media/radio.wav",
              "music_bed": "../media/bed.wav"}]
    manifest = campaign.write([{"code": "yua", "treatment": "dub"},
                               {"code": "zai", "treatment": "mix"}], ["radio"], spots=spots)
    result = invoke("render", manifest)
    assert result.exit_code == 0, result.output
    for code, start, end in (("yua", 1.0, 6.0), ("zai", 0, 7.0)):
        fields = cart_fields(chunks(campaign.out / f"spot.{code}.radio.wav")[b"cart"])
        (AUDs, begins), (AUDe, ends) = fields["timers"][:2]
        assert (AUDs, AUDe) == (b"AUDs", b"AUDe")
        assert begins == pytest.approx(start * 48000, abs=0.02 * 48000), (code, begins)
        assert ends == pytest.approx(end * 48000, abs=0.02 * 48000), (code, ends)
    record = json.loads((campaign.out / "spot.zai.radio.json").read_text())
    (dead,) = [w for w in record["qc"]["warnings"] if w["code"] == "trailing-silence"]
    assert dead["path"] == str(bed) and dead["message"].startswith(
        "the last 3.0 s of the spot would be silence: the voice-over mix's sound ends at 7.0 s")
    assert "music bed" in dead["hint"]
    assert "voice-over mix's sound ends at 7.0 s" in result.stderr, result.stderr
    # WAVs made before, their timers on the whole file, and voice-overs made before, their dead
    # air unread, go stale once.
    assert record["settings"]["cart_timers"] == "said"
    assert record["settings"]["dead_air"] == "read on the file"
    dub = json.loads((campaign.out / "spot.yua.radio.json").read_text())
    assert "dead_air" not in dub["settings"]
