"""An MP3 decodes to exactly its programme's samples, whatever their count: ffmpeg's muxer left
a frame's padding out of the LAME tag for a length 1-46 samples past a frame's boundary
(media/mp3_gapless.py), and a radio trial's 60.000042 s spot could never get its MP3."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from pipeline.errors import RenderError
from pipeline.media.mp3_gapless import FIRST_BYTES, TAG_CRC_AT, _layout, declare_length, tag_crc
from tests.conftest import FFMPEG, ffmpeg
from tests.test_radio import decoded_samples, invoke, radio_campaign


def mp3_of(path: Path, samples: int, rate: int = 48000, channels: int = 2,
           bitrate: str = "256k") -> Path:
    """`samples` of a 440 Hz tone, encoded by ffmpeg's libmp3lame as the pipeline encodes."""
    ffmpeg("-f", "lavfi", "-i", f"sine=frequency=440:sample_rate={rate}",
           "-af", f"atrim=end_sample={samples}", "-ac", str(channels), "-c:a", "libmp3lame",
           "-b:a", bitrate, "-id3v2_version", "0", "-write_id3v1", "0", str(path))
    return path


@pytest.mark.parametrize("samples,rate,channels,bitrate", [
    (1152 * 83 + 2, 48000, 2, "256k"),     # 2 past a multiple of 1152: 45 samples long before
    (1152 * 83 + 46, 48000, 2, "256k"),    # 46 past: 1 long
    (1152 * 83 + 10, 48000, 1, "64k"),     # mono
    (1152 * 76 + 2, 44100, 2, "128k"),     # a studio's rate
    (576 * 83 + 2, 24000, 1, "32k"),       # MPEG-2 Layer III: 576 samples a frame
    (96000, 48000, 2, "256k"),             # exact before too
    (1152 * 83 + 47, 48000, 2, "256k")])
def test_an_mp3_decodes_to_the_samples_its_programme_has(tmp_path, samples, rate, channels,
                                                          bitrate):
    path = mp3_of(tmp_path / "spot.mp3", samples, rate, channels, bitrate)
    declare_length(path, samples)
    assert decoded_samples(path, channels) == samples
    # The tag's CRC written again as ffmpeg writes it: the CRC of an untouched file, made by
    # this function, is the one ffmpeg stored.
    frame = mp3_of(tmp_path / "untouched.mp3", samples, rate, channels, bitrate).read_bytes()
    lame = _layout(frame[:FIRST_BYTES])[2]
    assert tag_crc(frame, lame) == frame[lame + TAG_CRC_AT:lame + TAG_CRC_AT + 2]


def test_the_tone_is_whole_to_its_last_sample(tmp_path):
    """The padding taken away is the encoder's silence, not the programme's end: the last 10 ms
    of the decoded tone are as loud as the rest."""
    path = mp3_of(tmp_path / "spot.mp3", 1152 * 83 + 2)
    declare_length(path, 1152 * 83 + 2)
    raw = subprocess.run([FFMPEG, "-v", "error", "-i", str(path), "-ac", "1", "-f", "s16le",
                          "-"], capture_output=True, check=True).stdout
    tail = [int.from_bytes(raw[i:i + 2], "little", signed=True)
            for i in range(len(raw) - 960, len(raw), 2)]
    assert max(abs(s) for s in tail) > 0.5 * 0x7FFF * 0.125   # sine's amplitude: 1/8


def test_a_file_without_a_lame_tag_or_too_short_is_refused(tmp_path):
    wav = tmp_path / "spot.wav"
    ffmpeg("-f", "lavfi", "-i", "sine=duration=1", str(wav))
    with pytest.raises(RenderError, match="cannot be declared: no MPEG audio frame"):
        declare_length(wav, 48000)
    mp3 = mp3_of(tmp_path / "spot.mp3", 48000)
    with pytest.raises(RenderError, match="cannot hold exactly 96000 samples"):
        declare_length(mp3, 96000)


@pytest.mark.e2e
def test_a_spot_two_samples_past_a_frame_gets_its_mp3(campaign, tmp_path):
    slot = 1152 * 167 + 2             # 4.008 s at 48 kHz: ffmpeg's MP3 decoded 45 samples long
    master = tmp_path / "odd.wav"
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=330:sample_rate=48000", "-af",
           f"atrim=end_sample={slot},volume=-20dB", "-ac", "2", str(master))
    campaign.audio("yua")
    manifest = radio_campaign(campaign, master, [{"code": "yua", "treatment": "dub"}],
                              ["radio-mp3"])
    result = invoke("render", manifest)
    assert result.exit_code == 0, result.output
    mp3 = campaign.out / "spot.yua.radio-mp3.mp3"
    assert decoded_samples(mp3, 2) == slot
    assert json.loads((campaign.out / "spot.yua.radio-mp3.json").read_text())["samples"] == slot
