"""Delivery defects a loudness meter does not see, through the real pipeline: a dub's DC offset
(removed from the rendered sound, and said), clipping, and dead air at the start or end of a
dub heard alone; no word about clean speech or music. The rendered files are checked by
decoding them here (numpy on ffmpeg's raw output), not by the pipeline's own figures."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from pipeline.media.loudness import measure_file
from tests.conftest import DURATION, ffmpeg
from tests.mediacheck import FFMPEG
from tests.test_radio import RATE, invoke, radio_campaign
from tests.test_radio import radio_master  # noqa: F401  (the fixture, used by name)

RADIO_PROFILES = ["radio", "radio-mp3"]


def samples(path: Path, channels: int | None = None) -> np.ndarray:
    """The decoded file as floats (full scale = 1.0), one row per sample, one column per channel."""
    args = ["-ac", str(channels)] if channels else []
    raw = subprocess.run([FFMPEG, "-v", "error", "-i", str(path), *args, "-f", "f64le",
                          "-c:a", "pcm_f64le", "-"], capture_output=True, check=True).stdout
    data = np.frombuffer(raw, "<f8")
    return data.reshape(-1, channels) if channels else data


def dub(campaign, source: str, chain: str, *, seconds: float = 2.6,
        codec: tuple[str, ...] = ("-c:a", "pcm_s24le")) -> Path:
    """The yua dub: `source` (a lavfi source) for `seconds`, through `chain`."""
    path = campaign.root / "audio/spot/yua.wav"
    ffmpeg("-f", "lavfi", "-i", f"{source}:sample_rate=48000:duration={seconds}",
           "-filter:a", chain, *codec, str(path))
    return path


def quiet_radio_master(tmp_path: Path) -> Path:
    """A 7.5 s radio master (as long as espeak-ng's sentence, give or take 0.3 s), a quiet
    330 Hz tone in stereo at 44.1 kHz, for the takes below."""
    master = tmp_path / "radio7.wav"
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=330:sample_rate=44100:duration=7.5",
           "-filter:a", "volume=-20dB", "-ac", "2", str(master))
    return master


def warnings_of(result, path: Path) -> list[str]:
    return [line.strip() for line in result.output.splitlines()
            if line.strip().startswith(f"{path}: warning:")]


# --- DC offset --------------------------------------------------------------------------------

@pytest.mark.e2e
def test_a_dub_with_a_dc_offset_is_rendered_without_it_and_said(campaign, radio_master):
    # Before: the radio WAV's mean was +0.398 and its first sample jumped from silence to +0.399
    # (a click); the MP3 at -16 LUFS failed ("the limiter took it"): the offset ate the headroom.
    path = dub(campaign, "sine=frequency=1500", "volume=-12dB,apad=whole_dur=4,dcshift=0.2")
    assert samples(path).mean() == pytest.approx(0.2, abs=0.01)
    manifest = radio_campaign(campaign, radio_master, [{"code": "yua", "treatment": "dub"}],
                              RADIO_PROFILES)
    result = invoke("render", manifest)
    assert result.exit_code == 0, result.output
    # The dub is mono: one offset, no sides (before: "left +0.2000, right +0.2000", its
    # downmix's two copies of it).
    said = (f"{path}: warning: the dub has a DC offset of -14.0 dBFS (+0.2000 of full scale): "
            "it would click where the sound starts and ends and takes headroom; it is subtracted "
            "from the rendered sound")
    # Once, under both variants it is on (the render lists a warning they share once).
    assert [w.startswith(said) for w in warnings_of(result, path)] == [True], result.output
    assert "spot.yua.radio, test-campaign/spot.yua.radio-mp3: 1 warning" in result.output
    for name in ("spot.yua.radio.wav", "spot.yua.radio-mp3.mp3"):
        sound = samples(campaign.out / name, 2)
        assert len(sound) == 4 * RATE
        assert abs(sound.mean()) < 1e-3, (name, sound.mean())
        # No step where it starts: the tone's own first samples, from rest (sin(0) = 0).
        assert abs(sound[0]).max() < 0.01 and abs(sound[:3]).max() < 0.3, (name, sound[:3])
        assert abs(sound[-1]).max() < 1e-3                      # and it ends at rest
    record = json.loads((campaign.out / "spot.yua.radio.json").read_text())
    assert "dc-offset" in [w["code"] for w in record["qc"]["warnings"]]
    assert record["settings"]["dc_removed"] == {"audio": [0.2, 0.2]}
    catalog = json.loads((campaign.out.parent / "catalog.json").read_text())
    assert all(any(w.startswith("yua.wav: the dub has a DC offset of -14.0 dBFS")
                   for w in v["warnings"]) for v in catalog["variants"])
    strict = invoke("render", manifest, "--strict")
    assert strict.exit_code == 1 and "0 rendered, 2 up-to-date" in strict.output


@pytest.mark.e2e
def test_a_5_1_dub_with_a_dc_offset_loses_it_in_its_stereo_downmix(campaign, radio_master):
    # Its fronts and centre offset by +0.1: the downmix (ITU-R BS.775) carries +0.1 + 0.1 x
    # 0.707 on each side. The analysis of a track of more than two channels also prints its
    # per-channel figures, which were read as more channels of the downmix: six offsets for a
    # filter of two.
    path = dub(campaign, "sine=frequency=1000",
               "volume=-14dB,pan=5.1|FL=c0|FR=c0|FC=c0|LFE=0*c0|BL=0.5*c0|BR=0.5*c0,"
               "aeval=val(0)+0.1|val(1)+0.1|val(2)+0.1|val(3)|val(4)|val(5)", seconds=4)
    manifest = radio_campaign(campaign, radio_master, [{"code": "yua", "treatment": "dub"}],
                              RADIO_PROFILES)
    result = invoke("render", manifest)
    assert result.exit_code == 0, result.output
    (said,) = [w for w in warnings_of(result, path) if "DC offset" in w]
    assert "left +0.1707, right +0.1707" in said, said
    record = json.loads((campaign.out / "spot.yua.radio.json").read_text())
    assert record["settings"]["dc_removed"] == {"audio": [0.17071, 0.17071]}
    for name in ("spot.yua.radio.wav", "spot.yua.radio-mp3.mp3"):
        assert abs(samples(campaign.out / name, 2).mean()) < 2e-3, name


@pytest.mark.e2e
def test_a_video_dub_and_a_voice_over_lose_their_offset_too(campaign):
    voice = campaign.root / "audio/spot/maj.wav"
    ffmpeg("-i", str(campaign.media["voice.wav"]), "-filter:a", "dcshift=-0.1", "-c:a", "pcm_s24le",
           str(voice))
    dub(campaign, "sine=frequency=1000", "volume=-8dB,dcshift=0.05", seconds=3.5)
    manifest = campaign.write([{"code": "yua", "treatment": "dub"},
                               {"code": "maj", "treatment": "mix"}])
    result = invoke("render", manifest)
    assert result.exit_code == 0, result.output
    assert f"{voice}: warning: the voice-over has a DC offset of -20.0 dBFS" in result.output
    for code in ("yua", "maj"):
        sound = samples(campaign.out / f"spot.{code}.small.mp4", 2)
        assert abs(sound.mean()) < 2e-3, (code, sound.mean())



@pytest.mark.e2e
def test_an_offset_stereo_dub_of_unknown_layout_is_limited_without_error(campaign, radio_master):
    # A 44.1 kHz stereo WAV without a channel mask (ffprobe: layout "unknown"), with a DC
    # offset, whose gain to -16 LUFS needs the limiter: ffmpeg failed to reinitialise the graph
    # ("Cannot select channel layout for the link between filters ... and ...alimiter"), as
    # `aeval` kept the unknown layout.
    path = campaign.root / "audio/spot/yua.wav"
    # A quiet tone with a loud click every second: the gain it needs takes the clicks past
    # the ceiling.
    ffmpeg("-f", "lavfi", "-i", "aevalsrc=exprs=0.05*sin(2*PI*300*t)+0.6*lt(mod(t\\,1)\\,0.002)"
           ":sample_rate=44100:duration=4", "-filter:a", "dcshift=0.15", "-ac", "2",
           "-c:a", "pcm_s16le", str(path))
    manifest = radio_campaign(campaign, radio_master, [{"code": "yua", "treatment": "dub"}],
                              ["radio-mp3"])
    result = invoke("render", manifest)
    assert result.exit_code == 0, result.output
    sound = samples(campaign.out / "spot.yua.radio-mp3.mp3", 2)
    # The clicks have a mean of their own (+0.0012 before the gain); the offset was +0.107.
    assert len(sound) == 4 * RATE and abs(sound.mean()) < 0.01, sound.mean()

# --- clipping -----------------------------------------------------------------------------------

@pytest.mark.e2e
def test_a_clipped_dub_is_said_with_how_much_and_where(campaign, radio_master):
    # A 200 Hz tone driven 6 dB past full scale into 16 bits from 1.0 to 2.0 s: flat tops.
    path = dub(campaign, "sine=frequency=200",
               "volume='if(between(t,1,2),16,2)':eval=frame,apad=whole_dur=4", seconds=3.6,
               codec=("-c:a", "pcm_s16le"))
    at_rail = int(np.count_nonzero(np.abs(samples(path)) >= 32767 / 32768))
    assert 30000 < at_rail < 33000           # two thirds of every period, for 1 s
    found, output = clipping_said(campaign, radio_master, path)
    assert abs(int(found.group(1)) - at_rail) <= at_rail * 0.02 and int(found.group(2)) in (10, 11)
    assert output.endswith("; 0 errors, 1 warning\n"), output   # not "1 warnings"


@pytest.mark.e2e
def test_a_clip_in_one_channel_of_a_5_1_dub_is_said_with_its_channel(campaign, radio_master):
    # The centre of a 5.1 dub clipped from 1.0 to 2.0 s, the other channels at a twentieth of
    # its unclipped swing. The downmix takes the centre at -3 dB (BS.775): its peaks stay under
    # 0.9 of full scale, and a clip read there was never seen.
    path = dub(campaign, "sine=frequency=200",
               "volume='if(between(t,1,2),16,2)':eval=frame,"
               "pan=5.1|FL=0.05*c0|FR=0.05*c0|FC=c0|LFE=0*c0|BL=0.05*c0|BR=0.05*c0,apad=whole_dur=4",
               seconds=3.6, codec=("-c:a", "pcm_s16le"))
    decoded = samples(path, 6)
    at_rail = int(np.count_nonzero(np.abs(decoded[:, 2]) >= 32767 / 32768))
    assert 30000 < at_rail < 33000 and np.abs(decoded[:, [0, 1, 3, 4, 5]]).max() < 0.11
    left = decoded[:, 0] + 0.7071 * (decoded[:, 2] + decoded[:, 4])      # BS.775's L0
    assert np.abs(left).max() < 0.9
    found, _ = clipping_said(campaign, radio_master, path, r", in its C channel \(of 5.1\)")
    assert abs(int(found.group(1)) - at_rail) <= at_rail * 0.02 and int(found.group(2)) in (10, 11)


# --- clipping in a lossy delivery ---------------------------------------------------------------

# What phones and recorder apps send: mono 48 kHz, AAC (M4A) or MP3, at 64 kbit/s.
PHONE = {"m4a": ("-c:a", "aac", "-b:a", "64k"), "mp3": ("-c:a", "libmp3lame", "-b:a", "64k"),
         "wav": ("-c:a", "pcm_s16le")}
NEAR = 10 ** (-1 / 20)      # defect_levels.LOSSY_LEVEL, -1 dBFS


def take(campaign, code: str, ext: str, voice: Path, chain: str) -> Path:
    """The `code` dub: `voice` (espeak-ng's sentence) at 48 kHz through `chain`, as a phone
    sends it (`PHONE[ext]`)."""
    path = campaign.root / f"audio/spot/{code}.{ext}"
    ffmpeg("-i", str(voice), "-filter:a", f"aresample=48000,{chain}", "-ac", "1", "-ar", "48000",
           *PHONE[ext], str(path))
    return path


def crowded_blocks(path: Path) -> tuple[int, int]:
    """The 100 ms blocks of the decoded file with 6 % or more of their samples at or above -1
    dBFS, and those samples: numpy's reading of defect_levels.LOSSY_SHARE's rule."""
    sound = samples(path)
    blocks = [sound[i:i + 4800] for i in range(0, len(sound), 4800)]
    counts = [int(np.count_nonzero(np.abs(block) >= NEAR)) for block in blocks]
    crowded = [count for count, block in zip(counts, blocks) if count >= 0.06 * len(block)]
    return len(crowded), sum(crowded)


@pytest.mark.e2e
@pytest.mark.parametrize("ext, codec", [("m4a", "AAC"), ("mp3", "MP3")])
def test_clipped_speech_in_a_lossy_delivery_is_said_and_clean_or_limited_speech_is_not(
        campaign, tmp_path, ext, codec):
    # Before: clipping was read as runs of samples held at full scale, which no lossy codec
    # keeps (its decode rings above and below it): a phone's clipped take went unsaid, while
    # its WAV was said to be clipped.
    voice = espeak(tmp_path / "voice.wav")
    master = quiet_radio_master(tmp_path)
    clipped = take(campaign, "yua", ext, voice, "volume=12dB,asoftclip=type=hard")
    as_wav = take(campaign, "zap", "wav", voice, "volume=12dB,asoftclip=type=hard")
    # The same voice clean: its true peak at -1 dBTP (EBU R128's ceiling), and its sample peak
    # at full scale; and as a loud master: over a bed of tones, 12 dB into a limiter at -1 dBFS.
    level = tmp_path / "voice48.wav"
    ffmpeg("-i", str(voice), "-ar", "48000", "-c:a", "pcm_f32le", str(level))
    true_peak = measure_file(level).true_peak
    peak = 20 * np.log10(np.abs(samples(level)).max())
    clean = take(campaign, "maz", ext, voice, f"volume={-1 - true_peak:.2f}dB")
    hot = take(campaign, "tzo", ext, voice, f"volume={-peak:.2f}dB")
    limited = campaign.root / f"audio/spot/nah.{ext}"
    ffmpeg("-i", str(voice), *[a for f in (110, 220, 330) for a in
                               ("-f", "lavfi", "-i", f"sine=f={f}:sample_rate=48000:d=7.3")],
           "-filter_complex", "[0]aresample=48000[v];[1][2][3]amix=inputs=3:normalize=0,"
           "volume=0.6[b];[v][b]amix=inputs=2:normalize=0:duration=first,volume=12dB,"
           "alimiter=limit=0.891:level=disabled", "-ac", "1", "-ar", "48000", *PHONE[ext],
           str(limited))
    assert measure_file(limited).integrated > -12 and np.abs(samples(limited)).max() > 0.85
    manifest = radio_campaign(campaign, master, [{"code": code, "treatment": "dub"} for code in
                                                 ("yua", "zap", "maz", "tzo", "nah")], ["radio"])
    result = invoke("validate", manifest)
    assert result.exit_code == 0, result.output
    # One warning: the mean its clipping gives it (AAC: -49.7 dBFS, MP3: under -50) is no offset.
    said = warnings_of(result, clipped)
    assert len(said) == 1, result.output
    found = re.fullmatch(
        rf"{re.escape(str(clipped))}: warning: the dub was clipped before it was encoded "
        rf"\({codec}\): (\d+) of its 100 ms blocks, between \d+.\d s and \d+.\d s, have 6% or "
        r"more of their samples within 1 dB of full scale \((\d+) samples\), which a clean "
        r"recording reaches only at its peaks(; its mean, -\d+.\d dBFS, is the clipping's .*)? "
        r"\(hint: record or export it again with headroom \(peaks under -1 dBFS\); levelling "
        r"cannot restore what clipping cut off\)", said[0])
    assert found, said
    # The figures are numpy's reading of the decoded file.
    blocks, crowded = crowded_blocks(clipped)
    assert blocks >= 3 and int(found.group(1)) == blocks, (found.group(1), blocks)
    assert abs(int(found.group(2)) - crowded) <= crowded * 0.005, (found.group(2), crowded)
    # The WAV of the same take keeps its flat tops: the rule as before.
    assert [w.split(" (runs")[0] for w in warnings_of(result, as_wav)] == [
        f"{as_wav}: warning: the dub is clipped: "
        f"{int(np.count_nonzero(np.abs(samples(as_wav)) >= 32767 / 32768))} samples held at "
        "full scale"], result.output
    for path in (clean, hot, limited):
        assert warnings_of(result, path) == [], result.output
        assert crowded_blocks(path)[0] < 3         # the rule's own figure, far from it


@pytest.mark.e2e
def test_a_take_clipped_then_lowered_is_said_clipped_at_its_peak_and_clean_ones_are_not(
        campaign, tmp_path):
    # A voice talent's take clipped at the microphone, then normalised to -1 dBFS (an audio
    # editor's default) keeps its flat tops under full scale: the rule of samples within 0.1 dB
    # of full scale passed it without a word.
    voice = espeak(tmp_path / "voice.wav")
    master = quiet_radio_master(tmp_path)
    lowered = take(campaign, "yua", "wav", voice, "volume=12dB,asoftclip=type=hard,volume=-1dB")
    deeper = campaign.root / "audio/spot/zap.wav"          # 24 bits, lowered by 3 dB
    ffmpeg("-i", str(voice), "-filter:a", "aresample=48000,volume=12dB,asoftclip=type=hard,"
           "aformat=sample_fmts=s16,volume=-3dB", "-ac", "1", "-c:a", "pcm_s24le", str(deeper))
    # Clean, normalised to -1 dBFS; limited over a bed at -1 dBFS; a steady 60 Hz tone in 16
    # bits, whose top samples repeat at one level in every block.
    peak = 20 * np.log10(np.abs(samples(voice)).max())
    clean = take(campaign, "maz", "wav", voice, f"volume={-1 - peak:.2f}dB")
    limited = take(campaign, "tzo", "wav", voice, "volume=12dB,alimiter=limit=0.891:level=false")
    hum = campaign.root / "audio/spot/nah.wav"
    ffmpeg("-f", "lavfi", "-i", "sine=f=60:sample_rate=48000:d=7.3", "-filter:a", "volume=3",
           "-c:a", "pcm_s16le", str(hum))
    manifest = radio_campaign(campaign, master, [{"code": code, "treatment": "dub"} for code in
                                                 ("yua", "zap", "maz", "tzo", "nah")], ["radio"])
    result = invoke("validate", manifest)
    assert result.exit_code == 0, result.output
    for path in (lowered, deeper):
        said = warnings_of(result, path)
        found = [re.fullmatch(
            rf"{re.escape(str(path))}: warning: the dub was clipped, then lowered: (\d+) samples "
            r"held at its peak, (-\d+\.\d) dBFS \(runs of 3 or more, its flat tops\), in \d+ of "
            r"its 100 ms blocks, between \d+\.\d s and \d+\.\d s \(hint: record or export it "
            r"again with headroom.*", line) for line in said]
        assert len(found) == 1 and found[0], said
        # numpy's reading of the file: its peak, and the samples held at its two extremes.
        sound = samples(path)
        top = np.abs(sound).max()
        assert float(found[0][2]) == pytest.approx(20 * np.log10(top), abs=0.05)
        held = int(np.count_nonzero(sound == sound.max()) + np.count_nonzero(sound == sound.min()))
        assert abs(int(found[0][1]) - held) <= held * 0.01, (found[0][1], held)
    for path in (clean, limited, hum):
        # (The steady 60 Hz tone is a mains hum, said so: tests/test_hum.py.) Its path holds
        # the test's name, "clipped": read after it.
        assert not [w for w in warnings_of(result, path)
                    if "clipped" in w.split(": warning: ", 1)[1]], result.output


@pytest.mark.e2e
def test_a_phone_recording_clipped_by_24_db_is_said_clipped_on_render_its_record_and_catalog(
        campaign, tmp_path):
    # The trial's take: espeak-ng's voice pushed 24 dB and clipped, sent as AAC mono 48 kHz, as
    # a dub and as a voice-over. Before: no word of clipping; it was levelled and published.
    voice = espeak(tmp_path / "voice.wav")
    master = quiet_radio_master(tmp_path)
    dubbed = take(campaign, "yua", "m4a", voice, "volume=24dB,asoftclip=type=hard")
    spoken = take(campaign, "tzo", "m4a", voice, "volume=24dB,asoftclip=type=hard")
    assert 20 * np.log10(np.abs(samples(dubbed)).max()) > 0.5     # its decode over full scale
    manifest = radio_campaign(campaign, master, [{"code": "yua", "treatment": "dub"},
                                                 {"code": "tzo", "treatment": "mix"}], ["radio"])
    result = invoke("render", manifest)
    assert result.exit_code == 0, result.output
    blocks, crowded = crowded_blocks(dubbed)
    for path, what in ((dubbed, "dub"), (spoken, "voice-over")):
        (said,) = [w for w in warnings_of(result, path) if f": warning: the {what} was" in w]
        assert said.startswith(
            f"{path}: warning: the {what} was clipped before it was encoded (AAC): {blocks} of "
            "its 100 ms blocks, between "), said
        assert f"of full scale ({crowded} samples)" in said, (said, crowded)
    catalog = json.loads((campaign.out.parent / "catalog.json").read_text())
    for code, name, what in (("yua", "yua.m4a", "dub"), ("tzo", "tzo.m4a", "voice-over")):
        record = json.loads((campaign.out / f"spot.{code}.radio.json").read_text())
        assert [w["code"] for w in record["qc"]["warnings"]].count("clipping") == 1, record
        (variant,) = [v for v in catalog["variants"] if v["language"] == code]
        assert any(w.startswith(f"{name}: the {what} was clipped before it was encoded (AAC): "
                                f"{blocks} of its 100 ms blocks") for w in variant["warnings"]), \
            variant["warnings"]


@pytest.mark.e2e
def test_a_clip_in_the_centre_of_a_5_1_aac_dub_is_said_with_its_channel(campaign, radio_master):
    # The centre clipped from 1.0 to 2.0 s, the other channels at a twentieth of it, in AAC:
    # read per channel before the downmix, as a PCM dub's is. Before the count was read ahead
    # of channel_stats, the figures that astats leaves on each frame made its blocks look like
    # channel_stats's, and the clip went unsaid.
    path = campaign.root / "audio/spot/yua.m4a"
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=200:sample_rate=48000:duration=3.6",
           "-filter:a", "volume='if(between(t,1,2),16,2)':eval=frame,asoftclip=type=hard,"
           "pan=5.1|FL=0.05*c0|FR=0.05*c0|FC=c0|LFE=0*c0|BL=0.05*c0|BR=0.05*c0,apad=whole_dur=4",
           "-c:a", "aac", "-b:a", "384k", str(path))
    manifest = radio_campaign(campaign, radio_master, [{"code": "yua", "treatment": "dub"}],
                              ["radio"])
    result = invoke("validate", manifest)
    assert result.exit_code == 0, result.output
    (said,) = warnings_of(result, path)
    assert re.match(rf"{re.escape(str(path))}: warning: the dub was clipped before it was "
                    r"encoded \(AAC\): 1\d of its 100 ms blocks, between 1.0 s and 2.\d s, in its "
                    r"C channel \(of 5.1\), have 6% or more", said), said


def pauses(sound: np.ndarray) -> np.ndarray:
    """The 100 ms blocks (at 48 kHz) of `sound` whose swing is under -40 dBFS
    (defect_levels.PAUSE_LEVEL), as a mask of its samples."""
    mask = np.zeros(len(sound), bool)
    for start in range(0, len(sound) - 4799, 4800):
        block = sound[start:start + 4800]
        mask[start:start + 4800] = (block.max() - block.min()) / 2 < 0.01
    return mask


@pytest.mark.e2e
def test_the_mean_a_clipped_take_gets_from_its_clipping_is_said_with_it_and_not_subtracted(
        campaign, tmp_path):
    # espeak-ng's voice clipped by +24 dB: its tops are cut more on one side than on the other,
    # which moves the mean of its loud blocks, and of nothing else. Before: said to have a DC
    # offset (-39.3 dBFS), and that mean taken from the whole take, which put it into its
    # pauses, the step at the start and end an offset is said for. With a real offset of 0.02
    # added to it, the offset is the one in its pauses, not the mean.
    voice = espeak(tmp_path / "voice.wav")
    master = quiet_radio_master(tmp_path)
    clipped = take(campaign, "yua", "wav", voice, "volume=24dB,asoftclip=type=hard")
    offset = take(campaign, "maz", "wav", voice, "volume=24dB,asoftclip=type=hard,dcshift=0.02")
    sound, shifted = samples(clipped), samples(offset)
    quiet = pauses(sound)
    assert quiet.sum() >= 3 * 4800 and np.abs(sound[quiet]).max() == 0      # its pauses: silence
    assert 20 * np.log10(sound.mean()) > -40                                 # its mean: not
    assert shifted[quiet].mean() == pytest.approx(0.02, abs=1e-4)
    manifest = radio_campaign(campaign, master, [{"code": "yua", "treatment": "dub"},
                                                 {"code": "maz", "treatment": "dub"}], ["radio"])
    result = invoke("render", manifest)
    assert result.exit_code == 0, result.output
    (said,) = warnings_of(result, clipped)
    assert said.startswith(f"{clipped}: warning: the dub is clipped: "), said
    assert (f"; its mean, {20 * np.log10(sound.mean()):.1f} dBFS, is the clipping's (the tops are "
            "cut more on one side than on the other), not a DC offset: its pauses have none, and "
            "nothing is subtracted (hint: ") in said, said
    record = json.loads((campaign.out / "spot.yua.radio.json").read_text())
    assert [w["code"] for w in record["qc"]["warnings"]] == ["clipping"]
    assert "dc_removed" not in record["settings"]
    said = warnings_of(result, offset)
    assert [w.split(":")[2] for w in said] == [" the dub has a DC offset of -34.0 dBFS (+0.0200 of "
                                               "full scale)", " the dub is clipped"], said
    assert "its mean" not in said[1]
    record = json.loads((campaign.out / "spot.maz.radio.json").read_text())
    assert record["settings"]["dc_removed"] == {"audio": pytest.approx([0.02, 0.02], abs=1e-4)}
    # The rendered pauses are silent in both (subtracting the whole mean left +-0.001 there).
    for code in ("yua", "maz"):
        rendered = samples(campaign.out / f"spot.{code}.radio.wav", 2)[:len(quiet)]
        assert np.abs(rendered[quiet[:len(rendered)]].mean(axis=0)).max() < 1e-4, code


# --- sound in the LFE ------------------------------------------------------------------------

def lfe_said(result, path: Path) -> list[str]:
    return [w for w in warnings_of(result, path) if "LFE" in w]


def rms_dbfs(channel: np.ndarray) -> float:
    return 10 * np.log10((channel ** 2).mean())


@pytest.mark.e2e
def test_a_voice_routed_to_the_lfe_of_a_5_1_dub_blocks_it_and_a_band_limited_lfe_does_not(
        campaign, radio_master):
    # A 5.1 export with a wrong channel order: the voice (here a 1 kHz tone) lands in the LFE,
    # which a stereo downmix leaves out (BS.775): every variant would go to air without it. A
    # trial's dub was published as its music bed alone, labelled a dub, after a warning: it is
    # an error of the language's own recording.
    path = dub(campaign, "sine=frequency=1000",
               "pan=5.1|FL=0.1*c0|FR=0.08*c0|FC=0*c0|LFE=c0|BL=0*c0|BR=0*c0",
               codec=("-c:a", "pcm_s24le"))
    decoded = samples(path, 6)
    manifest = radio_campaign(campaign, radio_master, [{"code": "yua", "treatment": "dub"}],
                              ["radio"])
    result = invoke("validate", manifest)
    assert result.exit_code == 1, result.output
    (said,) = [line.strip() for line in result.output.splitlines() if "LFE" in line]
    found = re.fullmatch(rf"{re.escape(str(path))}: error: the dub carries sound above 240 Hz "
                         r"in its LFE channel at (-[\d.]+) dBFS RMS \(its loudest main channel, "
                         r"FL, at (-[\d.]+)\): a voice or a main channel seems routed there; .* "
                         r"\(hint: export it again with the voice on the left and right .*\)",
                         said)
    assert found, said
    # The figures against numpy's reading of the file (a 1 kHz tone passes the 240 Hz high-pass).
    assert abs(float(found.group(1)) - rms_dbfs(decoded[:, 3])) < 0.5
    assert abs(float(found.group(2)) - rms_dbfs(decoded[:, 0])) < 0.5

    # A mix as it should be: its LFE band-limited (a 50 Hz tone) and only 3 dB under the mains,
    # which carry a tone and noise; no word.
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=50:sample_rate=48000:duration=4",
           "-f", "lavfi", "-i", "anoisesrc=color=pink:a=0.1:sample_rate=48000:duration=4:seed=5",
           "-filter_complex", "[0][1]amerge=inputs=2,pan=5.1|FL=c1|FR=c1|FC=0.5*c1|LFE=c0"
           "|BL=0.3*c1|BR=0.3*c1", "-c:a", "pcm_s24le", "-y", str(path))
    decoded = samples(path, 6)
    assert rms_dbfs(decoded[:, 3]) > max(rms_dbfs(decoded[:, c]) for c in (0, 1, 2, 4, 5)) - 6
    result = invoke("validate", manifest)
    assert result.exit_code == 0, result.output
    assert lfe_said(result, path) == [] and "0 errors, 0 warnings" in result.output, result.output

    # Its main channels silent, the voice in the LFE alone: not "silent", the LFE named.
    dub(campaign, "sine=frequency=1000", "pan=5.1|FL=0*c0|FR=0*c0|FC=0*c0|LFE=c0|BL=0*c0|BR=0*c0",
        seconds=4)
    result = invoke("validate", manifest)
    assert result.exit_code == 1 and "is silent" not in result.output, result.output
    assert f"{path}: error: the dub's main channels are silent: its sound is in the LFE channel " \
           "(-21.1 dBFS RMS above 240 Hz), which a stereo downmix leaves out" in result.output, \
        result.output


# --- dead air -----------------------------------------------------------------------------------

@pytest.mark.e2e
def test_dead_air_at_the_start_or_end_of_a_radio_dub_is_said(campaign, radio_master):
    path = dub(campaign, "sine=frequency=700", "volume=-12dB,adelay=2000", seconds=2.0)
    manifest = radio_campaign(campaign, radio_master, [{"code": "yua", "treatment": "dub"}],
                              ["radio"])
    result = invoke("render", manifest, "--strict")
    assert result.exit_code == 1
    assert warnings_of(result, path) == [
        f"{path}: warning: the dub starts with 2.00 s of silence (under -60 dBFS; more than 0.5 s "
        "is dead air on radio) (hint: trim the silence before the first word)"], result.output
    record = json.loads((campaign.out / "spot.yua.radio.json").read_text())
    assert [w["code"] for w in record["qc"]["warnings"]] == ["leading-silence"]
    # A second late on air (a trial's phone dub, unsaid under the 1 s this was), and a top
    # trimmed to the word.
    for delay, said in ((1000, True), (300, False)):
        path = dub(campaign, "sine=frequency=700", f"volume=-12dB,adelay={delay}",
                   seconds=4.0 - delay / 1000)
        result = invoke("validate", manifest)
        assert warnings_of(result, path) == ([
            f"{path}: warning: the dub starts with {delay / 1000:.2f} s of silence (under -60 "
            "dBFS; more than 0.5 s is dead air on radio) (hint: trim the silence before the "
            "first word)"] if said else []), result.output

    path = dub(campaign, "sine=frequency=700", "volume=-12dB,apad=whole_dur=3.8", seconds=1.5)
    result = invoke("validate", manifest)
    assert warnings_of(result, path) == [
        f"{path}: warning: the last 2.5 s of the spot would be silence: the dub's sound ends at "
        "1.5 s (under -60 dBFS after it; more than 2 s is dead air on radio) (hint: re-time the "
        "recording to fill the spot's 4.00 s)"], result.output
    # Under a picture a dub is timed to it: its silences are the picture's, not dead air.
    video = campaign.write([{"code": "yua", "treatment": "dub"}])
    assert "0 errors, 0 warnings" in invoke("validate", video).output


@pytest.mark.e2e
@pytest.mark.parametrize("delay, chain", [(0.55, ""), (1.23, ",dcshift=0.1")])
def test_leading_silence_is_said_to_the_hundredth_of_a_second(campaign, radio_master, delay,
                                                               chain):
    # Before: read in 100 ms blocks, 0.55 s was the block at 0.5 s, "not more than 0.5 s", and
    # went unsaid; 1.23 s was said as 1.2. Now where the sound starts, in the analysis's one
    # decode, also under a DC offset of 0.1 (the silence's level, -20 dBFS, is no sound).
    path = dub(campaign, "sine=frequency=700", f"volume=-12dB,adelay={round(delay * 1000)}"
                                               + chain, seconds=round(3.6 - delay, 2))
    manifest = radio_campaign(campaign, radio_master, [{"code": "yua", "treatment": "dub"}],
                              ["radio"])
    result = invoke("validate", manifest)
    said = [w for w in warnings_of(result, path) if "starts with" in w]
    assert said == [
        f"{path}: warning: the dub starts with {delay:.2f} s of silence (under -60 dBFS; more "
        "than 0.5 s is dead air on radio) (hint: trim the silence before the first word)"], \
        result.output


# --- the radio master and its music bed -------------------------------------------------------

def master_of(campaign, chain: str, seconds: float = 4.0) -> Path:
    """The radio spot's master: a 330 Hz tone at -20 dB, stereo, through `chain`."""
    path = campaign.root / "media/radio.wav"
    ffmpeg("-f", "lavfi", "-i", f"sine=frequency=330:sample_rate=44100:duration={seconds}",
           "-filter:a", f"volume=-20dB,pan=stereo|c0=c0|c1=c0,{chain}", "-c:a", "pcm_s24le",
           str(path))
    return path


@pytest.mark.e2e
def test_a_radio_masters_offset_and_clipping_are_said_at_the_master(campaign, radio_master):
    # Before: only deliveries were analysed; a master with an offset of -20 dBFS and 1 s of
    # flat tops went unsaid, though stations air it as the source language's spot.
    manifest = radio_campaign(campaign, radio_master, [{"code": "yua", "treatment": "dub"}],
                              RADIO_PROFILES)
    master = master_of(campaign, "volume='if(between(t,1,2),200,1)':eval=frame,dcshift=0.1")
    sound = samples(master, 2)
    # Clipped at both rails for 1 s, that second's mean is 0: the file's is +0.09.
    mean = sound.mean(axis=0)
    assert mean == pytest.approx([0.09, 0.09], abs=0.002)
    assert np.count_nonzero(sound[:, 0] >= 1 - 2 ** -23) > 10000     # flat tops for 1 s
    dub(campaign, "sine=frequency=1000", "volume=-8dB", seconds=4.0)
    result = invoke("render", manifest)
    assert result.exit_code == 0, result.output
    said = warnings_of(result, master)
    # The figures said are the mean measured here (numpy on a plain decode).
    dc = re.compile(rf"{re.escape(str(master))}: warning: the master has a DC offset of "
                    rf"{20 * np.log10(mean.max()):.1f} dBFS \(left \{mean[0]:+.4f}, right "
                    rf"\{mean[1]:+.4f} of full scale\): it would click "
                    "where the sound starts and ends and takes headroom; stations air the master "
                    r"as delivered \(no variant made here carries its sound\) \(hint: check the "
                    r"recording chain \(converter, plug-ins\) and export it again\)")
    # Once, at the master: not a QC warning of the variants, which do not carry its sound.
    assert len([w for w in said if dc.fullmatch(w)]) == 1, result.output
    (clip,) = [w for w in said if "clipped" in w]
    assert re.match(rf"{re.escape(str(master))}: warning: the master is clipped: \d+ samples held "
                    r"at full scale .* between 1.0 s and 2.\d s \(hint", clip), clip
    for name in ("spot.yua.radio.json", "spot.yua.radio-mp3.json"):
        record = json.loads((campaign.out / name).read_text())
        assert record["qc"]["warnings"] == []
    again = invoke("render", manifest, "--strict")   # said again, the variants still fine
    assert again.exit_code == 0 and "0 rendered, 2 up-to-date" in again.output
    assert len([w for w in warnings_of(again, master) if dc.fullmatch(w)]) == 1, again.output


@pytest.mark.e2e
def test_a_radio_master_that_starts_with_3_s_of_silence_is_said(campaign, radio_master):
    manifest = radio_campaign(campaign, radio_master, [{"code": "yua", "treatment": "dub"}],
                              ["radio"])
    master = master_of(campaign, "adelay=3000:all=1", seconds=3.0)
    assert np.abs(samples(master, 2)[:3 * 44100 - 10]).max() == 0       # 3 s of digital silence
    dub(campaign, "sine=frequency=1000", "volume=-8dB", seconds=6.0)
    result = invoke("validate", manifest)
    assert warnings_of(result, master) == [
        f"{master}: warning: the master starts with 3.00 s of silence (under -60 dBFS; more than "
        "0.5 s is dead air on radio) (hint: trim the silence before the first word)"],\
        result.output
    # A radio master's silences are the spot's: its 6 s, nothing said of how long it is.
    assert "0 errors, 1 warning" in result.output


@pytest.mark.e2e
def test_a_music_beds_offset_is_said_and_gone_from_the_mix(campaign, radio_master):
    # Before: the bed was not analysed; its +0.1 offset went into every voice-over's mix, a
    # step at its start and end.
    manifest = radio_campaign(campaign, radio_master, [{"code": "tzo", "treatment": "mix"}],
                              ["radio"])
    bed = campaign.root / "media/spot.bed.wav"
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=220:sample_rate=48000:duration=4",
           "-filter:a", "volume=-18dB,pan=stereo|c0=c0|c1=c0,dcshift=0.1", "-c:a", "pcm_s24le",
           str(bed))
    before = samples(bed, 2).mean(axis=0)
    assert before == pytest.approx([0.1, 0.1], abs=0.005)
    shutil.copy(campaign.media["voice.wav"], campaign.root / "audio/spot/tzo.wav")
    result = invoke("render", manifest)
    assert result.exit_code == 0, result.output
    assert [w.split(" (")[0] for w in warnings_of(result, bed)] == [
        f"{bed}: warning: the music bed has a DC offset of -20.0 dBFS"], result.output
    assert "it is subtracted from the rendered sound" in warnings_of(result, bed)[0]
    after = samples(campaign.out / "spot.tzo.radio.wav", 2)
    # The bed's offset, levelled and ducked, would be several hundredths; what is left is the
    # tones' own (the fades and the ducking cut a few cycles short).
    assert np.abs(after.mean(axis=0)).max() < 2e-3, after.mean(axis=0)
    assert abs(after[0]).max() < 0.01 and abs(after[-1]).max() < 1e-3
    record = json.loads((campaign.out / "spot.tzo.radio.json").read_text())
    assert record["settings"]["dc_removed"] == {"music_bed": [0.1, 0.1]}


def test_a_music_bed_that_ends_before_the_spot_or_after_it_is_said_for_every_profile(campaign):
    # A trial's 6 s bed under a 12 s spot: its video files closed on 4.5 s of silence, said
    # of its radio file alone, after rendering; a 15 s bed under a 10 s cut passed unsaid.
    bed = campaign.root / "media/spot.bed.wav"
    campaign.audio("maj", "voice.wav")                      # speaks 2.6 s of the 4 s spot
    manifest = campaign.write([{"code": "maj", "treatment": "mix"}],
                              profiles={"small": {"base": "proxy", "width": 320, "height": 180},
                                        "radio-mp3": {}})
    assert invoke("validate", manifest).exit_code == 0
    assert warnings_of(invoke("validate", manifest), bed) == []     # the fixture's 4 s bed
    for seconds, said in (
            (1.5, f"{bed}: warning: the music bed's sound ends at 1.5 s, the spot at 4.00 s (the "
                  "bed is 1.50 s long): its voice-overs have no music in their last 2.5 s"),
            (7.0, f"{bed}: warning: the music bed is 7.00 s long, the spot 4.00 s: its music "
                  "goes on to 7.0 s and is cut off at the spot's end")):
        ffmpeg("-f", "lavfi", "-i", f"sine=frequency=220:sample_rate=48000:duration={seconds}",
               "-filter:a", "volume=-18dB", "-ac", "2", str(bed))
        result = invoke("validate", manifest)
        assert result.exit_code == 0, result.output
        assert [w.split(" (hint")[0] for w in warnings_of(result, bed)] == [said], result.output
        assert "(hint: check that this is the music bed of this cut of the spot)" in result.output
    # A bed whose music ends a little before the spot's end, or rings out past it (a reverb
    # tail 30 dB down for a second), is a bed that ends with the spot.
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=220:sample_rate=48000:duration=2.5",
           "-filter:a", "volume=-18dB,apad=whole_dur=4", "-ac", "2", str(bed))
    assert warnings_of(invoke("validate", manifest), bed) == []
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=220:sample_rate=48000:duration=4",
           "-f", "lavfi", "-i", "sine=frequency=220:sample_rate=48000:duration=1.5",
           "-filter_complex", "[0]volume=-18dB[a];[1]volume=-48dB,afade=t=out:d=1.5[b];"
           "[a][b]concat=n=2:v=0:a=1", "-ac", "2", str(bed))
    assert warnings_of(invoke("validate", manifest), bed) == []


@pytest.mark.e2e
def test_a_short_music_bed_is_a_qc_warning_of_its_video_and_radio_files(campaign):
    bed = campaign.root / "media/spot.bed.wav"
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=220:sample_rate=48000:duration=1.5",
           "-filter:a", "volume=-18dB", "-ac", "2", str(bed))
    campaign.audio("maj", "voice.wav")
    manifest = campaign.write([{"code": "maj", "treatment": "mix"}],
                              profiles={"small": {"base": "proxy", "width": 320, "height": 180},
                                        "radio-mp3": {}})
    result = invoke("render", manifest)
    assert result.exit_code == 0, result.output
    for name in ("spot.maj.small", "spot.maj.radio-mp3"):
        record = json.loads((campaign.out / f"{name}.json").read_text())
        assert "bed-short" in [w["code"] for w in record["qc"]["warnings"]], record["qc"]
    # What the warning says, measured on the video file: no sound in its last 1.4 s (the voice
    # speaks 2.6 s, the bed 1.5 s).
    quiet = samples(campaign.out / "spot.maj.small.mp4", 2)[int(2.65 * 48000):]
    assert np.abs(quiet).max() < 1e-3, np.abs(quiet).max()
    # A voice that ends with the bed leaves the radio file's last 2.5 s silent: said once, as
    # the dead air a station cuts (where to cut it), not again as the bed's shortness.
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=1.5",
           "-filter:a", "volume=-20dB", "-ac", "2", str(campaign.root / "audio/spot/maj.wav"))
    result = invoke("render", manifest)
    assert result.exit_code == 0, result.output
    codes = {name: [w["code"] for w in json.loads((campaign.out / f"{name}.json").read_text())[
        "qc"]["warnings"]] for name in ("spot.maj.small", "spot.maj.radio-mp3")}
    assert "bed-short" in codes["spot.maj.small"], codes
    assert "trailing-silence" in codes["spot.maj.radio-mp3"], codes
    assert "bed-short" not in codes["spot.maj.radio-mp3"], codes
    # A voice that goes on over a second past the bed's end: both said, the music missing
    # under its last words too.
    ffmpeg("-y", "-f", "lavfi", "-i", "sine=frequency=220:sample_rate=48000:duration=0.5",
           "-filter:a", "volume=-18dB", "-ac", "2", str(bed))
    ffmpeg("-y", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=1.9",
           "-filter:a", "volume=-20dB", "-ac", "2", str(campaign.root / "audio/spot/maj.wav"))
    assert invoke("render", manifest).exit_code == 0
    record = json.loads((campaign.out / "spot.maj.radio-mp3.json").read_text())
    codes = [w["code"] for w in record["qc"]["warnings"]]
    assert "bed-short" in codes and "trailing-silence" in codes, codes


# --- no false alarms --------------------------------------------------------------------------

def espeak(path: Path) -> Path:
    """A Spanish sentence by espeak-ng, with its pauses, mono 22.05 kHz, peaks at -0.05 dBFS and
    a DC offset of its own at -62.5 dBFS: a clean synthetic voice."""
    assert shutil.which("espeak-ng"), "espeak-ng is not installed: run `make setup`"
    subprocess.run(["espeak-ng", "-v", "es", "-s", "150", "-w", str(path),
                    "Los seres humanos no están a la venta. Llame hoy mismo al número gratuito, "
                    "la trata de personas es un delito."], check=True)
    return path


@pytest.mark.e2e
def test_clean_speech_and_music_get_no_defect_warning(campaign, tmp_path):
    master = quiet_radio_master(tmp_path)
    espeak(campaign.root / "audio/spot/yua.wav")
    # Music-like: a chord on 55-330 Hz with pink noise, stereo, peaks around -8 dBFS.
    ffmpeg(*[a for f in (55, 110, 220, 330) for a in ("-f", "lavfi", "-i", f"sine=f={f}:d=7.5")],
           "-f", "lavfi", "-i", "anoisesrc=color=pink:a=0.05:d=7.5:seed=3", "-filter_complex",
           "amix=inputs=5:normalize=0,volume=1.5,pan=stereo|c0=c0|c1=0.8*c0",
           "-ar", "48000", str(campaign.root / "audio/spot/maz.wav"))
    # The same voice through a faulty interface: the one said.
    faulty = campaign.root / "audio/spot/tzo.wav"
    ffmpeg("-i", str(campaign.root / "audio/spot/yua.wav"), "-filter:a", "dcshift=0.02",
           "-c:a", "pcm_s24le", str(faulty))
    manifest = radio_campaign(campaign, master, [{"code": code, "treatment": "dub"}
                                                 for code in ("yua", "maz", "tzo")], ["radio"])
    result = invoke("render", manifest)
    assert result.exit_code == 0, result.output
    # espeak-ng speaks at 22.05 kHz: its voice is said to be sampled low
    # (tests/test_sound_input.py), a warning of its own, not a defect.
    said = [line.strip() for line in result.output.splitlines()
            if "warning:" in line and "is sampled at 22.05 kHz" not in line]
    assert said and all(line.startswith(f"{faulty}: warning: the dub has a DC offset of -33.")
                        for line in said), said
    for code, codes in (("yua", ["low-sample-rate"]), ("maz", [])):
        record = json.loads((campaign.out / f"spot.{code}.radio.json").read_text())
        assert [w["code"] for w in record["qc"]["warnings"]] == codes
        assert "dc_removed" not in record["settings"]      # its graph and bytes as before
    # The corrected voice is the clean one: they differ by a constant (espeak-ng's own -62.5 dBFS
    # offset, left in the clean one, removed with the added one) and a hair of levelling gain.
    clean, fixed = (samples(campaign.out / f"spot.{code}.radio.wav", 2) for code in ("yua", "tzo"))
    rest = (clean - fixed) - (clean - fixed).mean()
    assert np.sqrt((rest ** 2).mean() / (clean ** 2).mean()) < 0.01      # under -40 dB

def clipping_said(campaign, radio_master, path, where: str = "") -> tuple[re.Match, str]:
    """`validate`'s one clipping warning on the dub at `path` (its radio campaign written),
    matched for its count of samples and of blocks; `where`: the channel part it ends with."""
    manifest = radio_campaign(campaign, radio_master, [{"code": "yua", "treatment": "dub"}],
                              ["radio"])
    result = invoke("validate", manifest)
    assert result.exit_code == 0, result.output
    (said,) = [w for w in warnings_of(result, path) if "clipped" in w]
    found = re.fullmatch(rf"{re.escape(str(path))}: warning: the dub is clipped: (\d+) samples "
                         r"held at full scale \(runs of 3 or more within 0.1 dB of it\) in "
                         rf"(\d+) of its 100 ms blocks, between 1.0 s and 2.\d s{where} "
                         r"\(hint: .*\)", said)
    assert found, said
    return found, result.output


# --- a video master's own sound ---------------------------------------------------------------

def video_master(campaign, chain: str, layout: str = "stereo") -> Path:
    """The campaign's master picture with a 440 Hz tone through `chain` as its sound, in PCM
    (as an edit suite's MOV carries it), in place of spot.mp4's."""
    path = campaign.root / "media/spot.mov"
    ffmpeg("-i", str(campaign.media["master.mp4"]), "-f", "lavfi", "-i",
           f"sine=frequency=440:sample_rate=48000:duration={DURATION}", "-map", "0:v",
           "-map", "1:a", "-c:v", "copy", "-filter:a", chain, "-c:a", "pcm_s24le",
           "-channel_layout", layout, str(path))
    return path


def soft_on_video_master(campaign, chain: str, layout: str) -> Path:
    """`video_master` as the campaign's spot master, with one soft language (tzo) on it."""
    master = video_master(campaign, chain, layout)
    campaign.subtitle("tzo")
    data = campaign.data([{"code": "tzo", "treatment": "soft"}])
    data["spots"][0]["master"] = "../media/spot.mov"
    campaign.manifest.write_text(json.dumps(data), encoding="utf-8")
    return master


@pytest.mark.e2e
def test_a_video_masters_clipped_and_offset_sound_is_said_and_its_offset_removed(campaign):
    # Before: only deliveries, beds and radio masters were analysed; the sound of a video
    # master, which every burned and subtitled variant carries, went to air with an offset
    # of -20 dBFS and 1 s of flat tops, without a word.
    master = video_master(campaign, "volume=-18dB,volume='if(between(t,1,2),200,1)':eval=frame,"
                                    "pan=stereo|c0=c0|c1=c0,dcshift=0.1")
    sound = samples(master, 2)
    assert sound.mean(axis=0) == pytest.approx([0.09, 0.09], abs=0.002)
    assert np.count_nonzero(sound[:, 0] >= 1 - 2 ** -23) > 10000
    campaign.subtitle("nah")
    campaign.subtitle("tzo")
    data = campaign.data([{"code": "nah", "treatment": "burn"}, {"code": "tzo", "treatment": "soft"},
                          {"code": "yua", "treatment": "dub"}])
    data["spots"][0]["master"] = "../media/spot.mov"
    campaign.manifest.write_text(json.dumps(data), encoding="utf-8")
    campaign.audio("yua")
    result = invoke("render", campaign.manifest)
    assert result.exit_code == 0, result.output
    # Said once, under the variants that carry the sound.
    said = warnings_of(result, master)
    assert len(said) == 2, result.output
    lines = result.output.splitlines()
    assert lines[lines.index(f"  {said[0]}") - 1] == \
        "test-campaign/spot.nah.small, test-campaign/spot.tzo.small: 2 warnings", result.output
    mean = sound.mean(axis=0)
    assert said[0].startswith(f"{master}: warning: the master's sound has a DC offset of "
                              f"{20 * np.log10(mean.max()):.1f} dBFS"), said
    assert "it is subtracted from the rendered sound" in said[0]
    assert re.match(rf"{re.escape(str(master))}: warning: the master's sound is clipped: \d+ "
                    r"samples held at full scale .* between 1.0 s and 2.\d s \(hint", said[1]), said
    for code in ("nah", "tzo"):
        record = json.loads((campaign.out / f"spot.{code}.small.json").read_text())
        codes = [w["code"] for w in record["qc"]["warnings"]]
        assert codes.count("dc-offset") == 1 and codes.count("clipping") == 1, codes
        assert record["settings"]["dc_removed"] == {"master": pytest.approx([0.09, 0.09], abs=0.002)}
        # The offset measured here, on the decoded variant: gone (the tone's own mean is ~0).
        assert np.abs(samples(campaign.out / f"spot.{code}.small.mp4", 2).mean(axis=0)).max() < 2e-3
    # The dub carries none of the master's sound: none of its warnings.
    record = json.loads((campaign.out / "spot.yua.small.json").read_text())
    assert not [w for w in record["qc"]["warnings"] if w["code"] in ("dc-offset", "clipping")]


@pytest.mark.e2e
def test_a_clip_in_the_centre_of_a_5_1_video_master_is_said_with_its_channel(campaign):
    master = soft_on_video_master(
        campaign, "volume='if(between(t,1,2),16,0.5)':eval=frame,"
                  "pan=5.1|FL=0.05*c0|FR=0.05*c0|FC=c0|LFE=0*c0|BL=0.05*c0|BR=0.05*c0", "5.1")
    result = invoke("validate", campaign.manifest)
    assert result.exit_code == 0, result.output
    (said,) = [w for w in warnings_of(result, master) if "clipped" in w]
    assert re.search(r"the master's sound is clipped: \d+ samples .* between 1.0 s and 2.\d s, in "
                     r"its C channel \(of 5.1\)", said), said


@pytest.mark.e2e
def test_a_voice_in_the_lfe_of_a_5_1_video_master_is_said_on_its_variants(campaign):
    master = soft_on_video_master(
        campaign, "pan=5.1|FL=0.05*c0|FR=0.05*c0|FC=0*c0|LFE=c0|BL=0*c0|BR=0*c0", "5.1")
    result = invoke("render", campaign.manifest)
    assert result.exit_code == 0, result.output
    (said,) = lfe_said(result, master)
    assert "the master's sound carries sound above 240 Hz in its LFE channel" in said, said
    record = json.loads((campaign.out / "spot.tzo.small.json").read_text())
    assert [w["code"] for w in record["qc"]["warnings"]].count("lfe-content") == 1


@pytest.mark.e2e
def test_a_clean_video_masters_sound_is_measured_once_and_rendered_as_before(campaign, caplog):
    # The analysis takes the place of levelling's own meter reading of the master: no decode
    # more, no word said, and a clean master's graph (so its variants' bytes) as before.
    campaign.subtitle("tzo")
    manifest = campaign.write([{"code": "tzo", "treatment": "soft"}])
    with caplog.at_level("INFO", logger="pipeline.media.ffmpeg"):
        result = invoke("-v", "render", manifest)
    assert result.exit_code == 0, result.output
    master = campaign.root / "media/spot.mp4"
    assert warnings_of(result, master) == []
    metered = [r.getMessage() for r in caplog.records
               if f"-i {master} -filter_complex" in r.getMessage() and "ebur128" in r.getMessage()]
    assert len(metered) == 1 and "astats" in metered[0], metered
    record = json.loads((campaign.out / "spot.tzo.small.json").read_text())
    assert "dc_removed" not in record["settings"]
    assert not [w for w in record["qc"]["warnings"] if w["code"] in ("dc-offset", "clipping")]
