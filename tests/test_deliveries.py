"""Audio deliveries checked before rendering: formats, one file per language, silence, sound past
the spot's end, length; each rule's exact message, on tiny files made by ffmpeg's lavfi."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli.main import cli
from pipeline.media import loudness, sound_analysis
from pipeline.render import inputs as inputs_module
from tests.conftest import SMALL_PROFILES, ffmpeg
from tests.mediacheck import integrated_loudness

SPOT = 4.0      # seconds: the campaign fixture's master


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


SRT_TEXT = "1\n00:00:01,000 --> 00:00:02,500\nXochitl\n"


def tone(path: Path, seconds: float, *, level_db: float = -12.0, pad_to: float | None = None,
         codec: list[str] = ()) -> Path:
    """A 700 Hz tone of `seconds`, then silence up to `pad_to` seconds."""
    chain = f"volume={level_db}dB" + (f",apad=whole_dur={pad_to}" if pad_to else "")
    ffmpeg("-f", "lavfi", "-i", f"sine=frequency=700:sample_rate=48000:duration={seconds}",
           "-filter:a", chain, *codec, str(path))
    return path


def track(campaign, name: str) -> Path:
    return campaign.root / "audio/spot" / name


def lines(result) -> list[str]:
    return result.output.splitlines()


# Encoders of the formats the contract accepts, as studios and phones send them.
FORMATS = {"wav": [], "flac": [], "mp3": ["-c:a", "libmp3lame"], "mp2": ["-c:a", "mp2"],
           "m4a": ["-c:a", "aac"], "aac": ["-c:a", "aac", "-f", "adts"],
           "ogg": ["-c:a", "libvorbis"], "opus": ["-c:a", "libopus"]}
CODES = ["yua", "mto", "tzh", "ote", "maz", "zai", "cho", "tzo"]


def test_every_accepted_format_is_found_and_decoded(campaign):
    languages = []
    for code, (suffix, codec) in zip(CODES, FORMATS.items()):
        tone(track(campaign, f"{code}.{suffix}"), SPOT, codec=codec)
        languages.append({"code": code, "treatment": "dub"})
    result = invoke("validate", campaign.write(languages))
    assert result.exit_code == 0, result.output
    assert "8 to render, 0 blocked; 0 errors, 0 warnings" in result.output


def test_two_deliveries_for_one_language_are_an_error_listing_both(campaign):
    tone(track(campaign, "yua.wav"), SPOT)
    tone(track(campaign, "yua.mp3"), SPOT)
    result = invoke("validate", campaign.write([{"code": "yua", "treatment": "dub"}]))
    assert result.exit_code == 1
    # At the language's line, as two subtitle files are.
    folder = campaign.root / "audio/spot"
    at = campaign.manifest.read_text().splitlines().index("- code: yua") + 1
    assert lines(result)[0] == (
        f"{campaign.manifest}:{at}: error: 2 audio "
        f"deliveries for language 'yua': {folder}/yua.mp3, {folder}/yua.wav; exactly one is "
        "used (hint: keep one of them: remove or rename the others)")
    checked = invoke("check", folder / "yua.wav", "--manifest", campaign.manifest)
    assert lines(checked)[0] == lines(result)[0], checked.output


def test_a_missing_delivery_says_what_is_there_instead(campaign):
    (track(campaign, "yua.wma")).write_bytes(b"0&\xb2u")
    (track(campaign, "yua.txt")).write_text("notes")
    manifest = campaign.write([{"code": "yua", "treatment": "dub"}, {"code": "mto", "treatment": "mix"}])
    result = invoke("validate", manifest)
    assert result.exit_code == 1
    expected = (f"expected {campaign.root / 'audio/spot'}/%s.wav, .flac, .mp3, .mp2, .m4a, .aac, "
                ".ogg, .opus, .aif, .aiff or .caf")
    assert lines(result)[:2] == [
        f"{manifest}:10: error: audio track missing for language 'yua' (dub): {expected % 'yua'}; "
        "the folder holds yua.txt, yua.wma, not in an accepted format (hint: add the recording "
        "there as PCM WAV or AIFF, FLAC, MP3, MP2, M4A/AAC, Ogg or Opus, or change the "
        "treatment)",
        f"{manifest}:12: error: audio track missing for language 'mto' (mix): {expected % 'mto'}; "
        "nothing named mto.* is there (hint: add the recording there as PCM WAV or AIFF, FLAC, "
        "MP3, MP2, M4A/AAC, Ogg or Opus, or change the treatment)"]


@pytest.mark.parametrize("name, codec", [("yua.aiff", "pcm_s16be"), ("yua.AIF", "pcm_s24be"),
                                         ("yua.caf", "pcm_s24le")])
def test_a_mac_s_recording_is_a_delivery(campaign, name, codec):
    # A trial's dub from a Mac, yua.aiff: "not in an accepted format", while the same file named
    # yua.wav rendered with a word on its name; check of it said "rename it yua.aiff".
    path = tone(track(campaign, name), SPOT, codec=["-c:a", codec])
    manifest = campaign.write([{"code": "yua", "treatment": "dub"}])
    result = invoke("render", manifest)
    assert result.exit_code == 0, result.output
    assert "format" not in result.output, result.output
    record = json.loads((campaign.out / "spot.yua.small.json").read_text())
    assert record["inputs"]["audio"]["path"] == str(path), record["inputs"]
    checked = invoke("check", path)
    assert checked.exit_code == 0 and "rename" not in checked.output, checked.output


def test_a_delivery_one_folder_down_is_named_with_the_way_up(campaign):
    # A Mac's zip unpacked into the spot's folder keeps its own folder (and its __MACOSX): a
    # trial's "Traducción náhuatl/nah.srt" was "there is no file for 'nah'", the folder unnamed.
    audio = campaign.root / "audio/spot"
    (audio / "Grabación maya").mkdir()
    tone(audio / "Grabación maya" / "yua.wav", SPOT)
    (audio / "__MACOSX/Grabación maya").mkdir(parents=True)
    (audio / "__MACOSX/Grabación maya/._yua.wav").write_bytes(b"\x00\x05\x16\x07")
    subtitles = campaign.root / "subtitles/spot"
    (subtitles / "Traducción náhuatl").mkdir()
    (subtitles / "otros").mkdir()          # a second folder (a review's: sorting them failed)
    (subtitles / "Traducción náhuatl/nah.srt").write_text(SRT_TEXT, encoding="utf-8")
    manifest = campaign.write([{"code": "yua", "treatment": "dub"},
                               {"code": "nah", "treatment": "burn"}])
    said = lines(invoke("validate", manifest))
    assert said[0].endswith(f"; a folder in it holds {audio}/Grabación maya/yua.wav (hint: move "
                            f"it up into {audio} (a zip unpacked there keeps its own folder))")
    assert said[1].endswith(f"; a folder in it holds {subtitles}/Traducción náhuatl/nah.srt "
                            f"(hint: move it up into {subtitles} (a zip unpacked there keeps its "
                            "own folder))"), said


def test_a_missing_delivery_names_the_sound_no_language_reads(campaign):
    # A trial's toj recording, named tojolabal.wav: "nothing named toj.* is there", the file
    # beside it never said (and check --lang toj cleared it).
    tone(track(campaign, "tojolabal.wav"), SPOT)
    manifest = campaign.write([{"code": "toj", "treatment": "dub"}])
    said = lines(invoke("validate", manifest))[0]
    assert said.endswith("; nothing named toj.* is there, and the folder has sound no language "
                         "reads: tojolabal.wav (hint: if it is this recording, rename it "
                         "toj.wav)"), said
    for name in ("grabación final.MP3", "b.wav", "c.wav", "d.wav", "e.flac"):
        tone(track(campaign, name), SPOT)
    said = lines(invoke("validate", manifest))[0]
    assert said.endswith("; nothing named toj.* is there, and the folder has sound no language "
                         "reads: b.wav, c.wav, d.wav, e.flac, grabación final.MP3 and 1 more "
                         "(hint: if one of them is this recording, rename it toj.wav)"), said


def test_a_delivery_named_in_capitals_is_named_in_the_missing_track_s_error(campaign):
    # 'nothing named yua.* is there' with YUA.WAV there (watch --lang yua said only that).
    tone(track(campaign, "YUA.WAV"), SPOT)
    manifest = campaign.write([{"code": "yua", "treatment": "dub"}])
    result = invoke("validate", manifest)
    assert result.exit_code == 1
    said = lines(result)[0]
    assert said.startswith(f"{manifest}:10: error: audio track missing for language 'yua' "
                           "(dub): expected "), result.output
    assert said.endswith(
        ".aif, .aiff or .caf; the folder has YUA.WAV: the name must be lower-case, yua.wav (hint: "
        "rename it to yua.wav)")


def test_a_third_copy_in_capitals_is_not_told_one_of_two_is_read(campaign):
    # A trial's yua.WAV, yua.wav and YUA.wav: "yua.wav is the file read for 'yua'" beside the
    # error "2 audio deliveries for language 'yua': yua.WAV, yua.wav; exactly one is used".
    for name in ("yua.WAV", "yua.wav", "YUA.wav"):
        tone(track(campaign, name), SPOT)
    manifest = campaign.write([{"code": "yua", "treatment": "dub"}])
    said = lines(invoke("validate", manifest))
    assert any("2 audio deliveries for language 'yua'" in line for line in said), said
    (unused,) = [line for line in said if "YUA.wav" in line]
    assert unused.endswith("YUA.wav: warning: not used: the name must be lower-case, and 'yua' "
                           "has several files already: yua.WAV, yua.wav (hint: move it out)")


def test_a_length_off_by_more_than_the_tolerance_is_a_warning_with_both_durations(campaign):
    longer = tone(track(campaign, "yua.wav"), 3.5, pad_to=6.0)      # speech ends in time, then silence
    shorter = tone(track(campaign, "mto.flac"), 2.0)
    manifest = campaign.write([{"code": "yua", "treatment": "dub"}, {"code": "mto", "treatment": "mix"}])
    result = invoke("validate", manifest)
    assert result.exit_code == 0, result.output
    assert lines(result)[:2] == [      # by file: mto.flac, then yua.wav
        # A voice-over's bed plays on after it: no "length" of the page's, the translator's.
        f"{shorter}: warning: the voice-over is 2.00 s long, the spot 4.00 s: the sound under "
        "it plays alone for its last 2.00 s (hint: if the voice is to end there, nothing to do; "
        "else check that this is the recording for this spot)",
        f"{longer}: warning: the dub is 6.00 s long, the spot 4.00 s: 2.00 s longer (tolerance "
        "0.5 s); its end is silence and will be cut (hint: check that this is the recording for "
        "this spot)"]
    # The manifest's qc: sets the tolerance, for every language or for one.
    relaxed = campaign.write([{"code": "yua", "treatment": "dub"},
                              {"code": "mto", "treatment": "mix", "qc": {"duration_tolerance": 0.5}}],
                             qc={"duration_tolerance": 2.5})
    result = invoke("validate", relaxed)
    assert "0 errors, 1 warning" in result.output and f"{shorter}: warning:" in result.output


def test_a_length_off_by_the_tolerance_at_the_precision_said_is_not_said(campaign):
    # A radio trial's dub, 0.500042 s shorter than its 60.000042 s spot, read "0.50 s shorter
    # (tolerance 0.5 s)". Two samples past the tolerance at 48 kHz are within it as said.
    tone(track(campaign, "yua.wav"), 3.5 - 2 / 48000)
    result = invoke("validate", campaign.write([{"code": "yua", "treatment": "dub"}]))
    assert "0 errors, 0 warnings" in result.output, result.output


def test_sound_past_the_spots_end_is_an_error_naming_where_speech_is_cut(campaign):
    path = tone(track(campaign, "yua.wav"), 6.3, pad_to=7.0)
    result = invoke("validate", campaign.write([{"code": "yua", "treatment": "dub"}]))
    assert result.exit_code == 1
    assert lines(result)[0] == (
        f"{path}: error: sound continues past the spot's end: speech would be cut at 4.00 s "
        "(the dub has sound until 6.3 s) (hint: trim or re-time the recording to the spot's 4.00 s)")


def test_sound_that_stops_at_the_spots_end_is_not_cut(campaign):
    # The tone stops exactly on the spot's end, on a block boundary: only the length is off.
    path = tone(track(campaign, "yua.wav"), SPOT, pad_to=5.0)
    result = invoke("validate", campaign.write([{"code": "yua", "treatment": "dub"}]))
    assert result.exit_code == 0, result.output
    assert lines(result)[0].startswith(f"{path}: warning: the dub is 5.00 s long")


def test_a_quiet_last_word_is_sound_and_room_tone_is_not(tmp_path):
    quiet_end = tmp_path / "quiet-end.wav"
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=700:sample_rate=48000:duration=2",
           "-f", "lavfi", "-i", "sine=frequency=500:sample_rate=48000:duration=1",
           "-filter_complex", "[0]volume=-6dB[a];[1]volume=-36dB[b];[a][b]concat=n=2:v=0:a=1,"
                              "apad=whole_dur=4", str(quiet_end))
    analysis = sound_analysis.analyse_sound(quiet_end, 48000, "mono")
    assert analysis.sound_end == pytest.approx(3.0, abs=0.01)
    room_tone = tmp_path / "room-tone.wav"
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=700:sample_rate=48000:duration=2",
           "-f", "lavfi", "-i", "anoisesrc=color=pink:amplitude=0.001:sample_rate=48000:duration=4",
           "-filter_complex", "[0]volume=15dB,apad=whole_dur=4[a];[a][1]amix=inputs=2:normalize=0",
           str(room_tone))
    analysis = sound_analysis.analyse_sound(room_tone, 48000, "mono")
    assert analysis.sound_end == pytest.approx(2.0, abs=0.01)


def test_a_silent_or_nearly_silent_track_is_an_error(campaign):
    silent = track(campaign, "yua.wav")
    ffmpeg("-f", "lavfi", "-i", "anullsrc=sample_rate=48000:channel_layout=stereo", "-t", "4",
           str(silent))
    hum = tone(track(campaign, "mto.wav"), SPOT, level_db=-42)         # about -64 LUFS
    result = invoke("validate", campaign.write([{"code": "yua", "treatment": "dub"},
                                                {"code": "mto", "treatment": "mix"}]))
    assert result.exit_code == 1
    hint = " (hint: check that the right file, take and channels were exported)"
    assert lines(result)[0].startswith(f"{hum}: error: the voice-over is nearly silent: -6")
    assert lines(result)[0].endswith(" LUFS integrated, under the -60 LUFS floor" + hint)
    assert lines(result)[1] == (f"{silent}: error: the dub is silent: its loudness is undefined "
                                "(no 400 ms block reaches ITU-R BS.1770-4's absolute gate, -70 "
                                "LUFS)" + hint)


def test_a_dub_with_a_moment_of_sound_in_hiss_is_an_error_not_a_voice_over_s_tag(campaign):
    # A trial's dub: a 0.3 s beep in 30 s of hiss under the dead-air floor, levelled up 28 dB,
    # rendered and published; its page told stations to cut both its ends off.
    def beep_in_hiss(path: Path, seconds: float) -> Path:
        ffmpeg("-f", "lavfi", "-i", f"anoisesrc=color=pink:amplitude=0.0003:duration={seconds}:"
               "sample_rate=48000:seed=5", "-f", "lavfi",
               "-i", "sine=frequency=1000:sample_rate=48000:duration=0.3",
               "-filter_complex", "[1]volume=-20dB,adelay=1500:all=1[b];"
               "[0][b]amix=inputs=2:normalize=0:duration=first", str(path))
        return path
    master = campaign.root / "media/spot.mp4"
    ffmpeg("-y", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25:duration=12", "-f", "lavfi",
           "-i", "sine=frequency=330:sample_rate=48000:duration=12", "-c:v", "libx264",
           "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", str(master))
    dub = beep_in_hiss(track(campaign, "yua.wav"), 12)
    voice = beep_in_hiss(track(campaign, "mto.wav"), 12)
    manifest = campaign.write([{"code": "yua", "treatment": "dub"},
                               {"code": "mto", "treatment": "mix"}])
    result = invoke("validate", manifest)
    assert result.exit_code == 1, result.output
    errors = [line for line in lines(result) if ": error: " in line]
    said = (f"{dub}: error: the dub has sound only from 1.5 s to 1.8 s, 0.3 s of 12.00 s (under "
            "-60 dBFS elsewhere): no recording of the spot, a failed take or export? (hint: check "
            "that the right file, take and channels were exported)")
    assert errors == [said], result.output
    assert f"{voice}: error" not in result.output       # a voice-over's tag line, over its bed
    # `check` with the manifest says it as validate does; alone, the file could be a
    # voice-over's: its dead air is said, no error.
    checked = invoke("check", dub, "--manifest", manifest)
    assert checked.exit_code == 1 and said in checked.output, checked.output
    alone = invoke("check", dub)
    assert alone.exit_code == 0 and "0.3 s of" not in alone.output, alone.output
    # A 4 s ident's one short word: its dead air warned of, not blocked.
    ffmpeg("-y", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25:duration=4", "-f", "lavfi",
           "-i", "sine=frequency=330:sample_rate=48000:duration=4", "-c:v", "libx264",
           "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", str(master))
    beep_in_hiss(dub, 4)
    result = invoke("validate", manifest)
    assert result.exit_code == 0 and f"{dub}: warning: " in result.output, result.output


def test_an_input_s_loudness_is_said_in_lkfs_when_every_profile_s_standard_writes_it(campaign):
    # ATSC A/85 names the measure LKFS: a campaign made for its stations alone met "LUFS" in
    # every message about its dubs and its master.
    silent = track(campaign, "yua.wav")
    ffmpeg("-f", "lavfi", "-i", "anullsrc=sample_rate=48000:channel_layout=stereo", "-t", "4",
           str(silent))
    hum = tone(track(campaign, "mto.wav"), SPOT, level_db=-42)         # about -64 LKFS
    quiet = tone(track(campaign, "tzh.wav"), SPOT, level_db=-30)
    master = campaign.root / "media/spot.mp4"
    ffmpeg("-y", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25:duration=4", "-f", "lavfi",
           "-i", "anullsrc=sample_rate=48000:channel_layout=stereo", "-t", "4", "-c:v", "libx264",
           "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", str(master))
    campaign.subtitle("nah")
    languages = [{"code": "yua", "treatment": "dub"}, {"code": "mto", "treatment": "mix"},
                 {"code": "tzh", "treatment": "dub"}, {"code": "nah", "treatment": "soft"}]
    result = invoke("validate", campaign.write(languages, {"atsc": ATSC}))
    assert result.exit_code == 1
    said = "\n".join(lines(result))
    assert f"{master}: warning: the master's sound is silent (its loudness is undefined: no 400 " \
           "ms block reaches ITU-R BS.1770-4's absolute gate, -70 LKFS): every burned and " \
           "subtitled variant goes to air silent" in said, said
    assert re.search(rf"^{re.escape(str(hum))}: error: the voice-over is nearly silent: "
                     r"-6\d\.\d LKFS integrated, under the -60 LKFS floor", said, re.M), said
    assert f"{silent}: error: the dub is silent: its loudness is undefined (no 400 ms block " \
           "reaches ITU-R BS.1770-4's absolute gate, -70 LKFS)" in said, said
    # A mono file: as it airs, dual mono, and its one channel's figure, each in LKFS.
    assert re.search(rf"^{re.escape(str(quiet))}: warning: the dub is very quiet: -4\d\.\d LKFS "
                     r"integrated, measured as dual mono, heard from both loudspeakers \(its one "
                     r"channel alone reads -5\d\.\d LKFS\); levelling lifts it, and its noise "
                     r"floor with it, by [\d.]+ dB to -24 LKFS", said, re.M), said
    assert "LUFS" not in said
    # Beside an EBU R128 profile, the same measure is said in R128's name, LUFS.
    result = invoke("validate", campaign.write(languages, {"atsc": ATSC, "tv": {
        **ATSC, "loudness_standard": "ebu-r128"}}))
    said = "\n".join(lines(result))
    assert "absolute gate, -70 LUFS): every burned" in said and "LKFS" not in said, said


def test_a_silent_master_is_said_in_spanish_with_its_unit():
    from pipeline.publish.wording import localised
    from pipeline.render.master_sound import master_sound_warnings

    silence = sound_analysis.SoundAnalysis(loudness.Loudness(None, None, 0.0), None)
    (said,) = master_sound_warnings(Path("spot.mp4"), silence, 4.0, "LKFS")
    assert said.message.endswith("absolute gate, -70 LKFS): every burned and subtitled variant "
                                 "goes to air silent")
    assert localised(said.detail.to_json(), "es") == (
        "el sonido del máster está en silencio (su sonoridad no está definida: ningún bloque de "
        "400 ms llega al umbral absoluto de ITU-R BS.1770-4, de -70 LKFS): todas las "
        "variantes con subtítulos incrustados o seleccionables salen al aire en silencio")


def test_a_file_ffmpeg_cannot_read_is_an_error_on_that_file(campaign):
    path = track(campaign, "yua.mp3")
    path.write_bytes(b"\xff\xfb" + b"\x00" * 400)
    result = invoke("validate", campaign.write([{"code": "yua", "treatment": "dub"}]))
    assert result.exit_code == 1
    assert result.output.startswith(f"{path}: error: ")
    assert "Traceback" not in result.output


def test_each_delivery_is_analysed_once_then_remembered_by_its_content(campaign, monkeypatch):
    path = tone(track(campaign, "yua.wav"), SPOT)
    manifest = campaign.write([{"code": "yua", "treatment": "dub"}, {"code": "mto", "treatment": "dub"}],
                              profiles={"a": {"base": "proxy"}, "b": {"base": "web"}})
    tone(track(campaign, "mto.wav"), SPOT, level_db=-14)
    calls = []
    real = inputs_module.analyse_delivery
    monkeypatch.setattr(inputs_module, "analyse_delivery",
                        lambda *args: calls.append(args[0]) or real(*args))
    assert invoke("plan", manifest).exit_code == 0
    assert sorted(calls) == [track(campaign, "mto.wav"), path]     # once each, for two profiles
    assert invoke("plan", manifest).exit_code == 0
    assert len(calls) == 2                                           # the cache answered
    tone(path, SPOT, level_db=-20)                                   # new content: analysed again
    assert invoke("plan", manifest).exit_code == 0
    assert calls[2:] == [path]


def test_selecting_a_language_reports_and_exits_on_that_language_only(campaign):
    campaign.subtitle("tzo")
    silent = track(campaign, "yua.wav")
    ffmpeg("-f", "lavfi", "-i", "anullsrc=sample_rate=48000", "-t", "4", str(silent))
    manifest = campaign.write([{"code": "tzo", "treatment": "soft"}, {"code": "yua", "treatment": "dub"}])
    for command in (("plan",), ("render", "--dry-run")):
        result = invoke(*command, manifest, "--lang", "tzo")
        assert result.exit_code == 0, result.output
        assert str(silent) not in result.output
        result = invoke(*command, manifest, "--lang", "yua")
        assert result.exit_code == 1
        assert f"{silent}: error: the dub is silent" in result.output
    # Problems of the manifest itself concern every selection.
    broken = campaign.manifest.read_text().replace("campaign: test-campaign", "campaign: Bad Name")
    campaign.manifest.write_text(broken)
    result = invoke("plan", manifest, "--lang", "tzo")
    assert result.exit_code == 1 and "is not a valid id" in result.output


@pytest.mark.e2e
def test_render_prints_each_variants_warnings_and_strict_fails_on_them(campaign):
    campaign.subtitle("tzo", "1\n00:00:00,500 --> 00:00:02,500\nNo están a la venta\n")
    shorter = tone(track(campaign, "yua.wav"), 2.0)
    manifest = campaign.write([{"code": "tzo", "treatment": "soft"}, {"code": "yua", "treatment": "dub"}])
    result = invoke("render", manifest, "--lang", "yua")
    assert result.exit_code == 0, result.output
    warning = (f"{shorter}: warning: the dub is 2.00 s long, the spot 4.00 s: 2.00 s shorter "
               "(tolerance 0.5 s); it will be padded with silence (hint: check that this is the "
               "recording for this spot)")
    out = lines(result)
    assert out[out.index("test-campaign/spot.yua.small: 1 warning") + 1] == f"  {warning}"
    assert out.count(warning) + out.count(f"  {warning}") == 1            # said once, with its variant
    catalog = json.loads((campaign.root / "build/test-campaign/catalog.json").read_text())
    assert catalog["variants"][0]["warnings"] == [
        "yua.wav: the dub is 2.00 s long, the spot 4.00 s: 2.00 s shorter (tolerance 0.5 s); it "
        "will be padded with silence"]
    result = invoke("render", manifest, "--lang", "tzo", "--strict")        # no warnings there
    assert result.exit_code == 0, result.output
    result = invoke("render", manifest, "--strict")                         # yua is up to date
    assert result.exit_code == 1
    assert "QC warnings on 1 up-to-date variant" in result.output
    assert lines(result)[-1] == "--strict: QC warnings on 1 variant"


@pytest.mark.parametrize("layout", ["mono", "5.1"])
def test_planning_meters_the_track_as_levelling_takes_it_in_the_same_decode(campaign, layout):
    # A 1.5 s tone for a 4 s spot: padded with silence, the 400 ms blocks over its end count
    # (they are within BS.1770's relative gate), so the fitted track measures quieter than the
    # file. The plan's figure must be the fitted track's (downmixed by BS.775 for 5.1), read by
    # a separate meter run.
    from pipeline.render.audio import file_audio
    from pipeline.render.plan import build_plan

    path = track(campaign, "yua.wav")
    # The LFE (which the downmix leaves out) well under the mains: a 700 Hz tone at their level
    # there would be a voice routed to it, an error of the dub.
    spread = {"mono": "anull",
              "5.1": "pan=5.1|FL=c0|FR=0.5*c0|FC=c0|LFE=0.05*c0|BL=0.3*c0|BR=c0"}
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=700:sample_rate=48000:duration=1.5",
           "-filter:a", f"volume=-20dB,{spread[layout]}", str(path))
    plan = build_plan([campaign.write([{"code": "yua", "treatment": "dub"}])])
    variant = plan.variants[0]
    assert variant.tracks["audio"].audio.channels == {"mono": 1, "5.1": 6}[layout]
    planned = variant.sounds["audio"]
    fitted = loudness.measure(file_audio(variant.inputs["audio"], variant.tracks["audio"],
                                         variant.master.duration).build())
    assert planned.integrated == pytest.approx(fitted.integrated, abs=0.05)
    assert planned.true_peak == pytest.approx(fitted.true_peak, abs=0.05)
    if layout == "mono":      # read as dual mono: 3 dB over the file's own single channel
        whole = loudness.measure_file(path)
        assert abs(whole.integrated + 3.0 - fitted.integrated) > 0.1


ATSC = {"base": "broadcast", "width": 320, "height": 180, "loudness_standard": "atsc-a85"}


@pytest.mark.parametrize("profiles, target, unit, name", [
    (None, -16, "LUFS", "small"),                                       # `small`, made from web
    ({"atsc": ATSC}, -24, "LKFS", "atsc")])
def test_a_very_quiet_track_is_said_with_how_far_levelling_lifts_its_noise(campaign, profiles,
                                                                           target, unit, name):
    # A trial's dub at -52.5 LUFS was raised by 29.5 dB, its noise floor with it, without a word.
    # It was said against EBU R128's -23 LUFS, whatever the profiles' targets and standards.
    quiet = tone(track(campaign, "yua.wav"), SPOT, level_db=-30, codec=["-ac", "2"])
    # -21.6 LUFS, 5.6 dB under streaming's -16: a working level.
    usual = tone(track(campaign, "mto.wav"), SPOT, level_db=0, codec=["-ac", "2"])
    result = invoke("validate", campaign.write([{"code": "yua", "treatment": "dub"},
                                                {"code": "mto", "treatment": "dub"}], profiles))
    assert result.exit_code == 0, result.output
    measured, _ = integrated_loudness(quiet)         # ffmpeg's ebur128, apart from the pipeline
    said = re.search(rf"{re.escape(str(quiet))}: warning: the dub is very quiet: (-[\d.]+) {unit} "
                     r"integrated; levelling lifts it, and its noise floor with it, by ([\d.]+) "
                     rf"dB to {target} {unit}, the target of profile {name} "
                     rf"\(hint: record or export it again at a working level \(around {target} "
                     rf"{unit}\)\)", result.output)
    assert said, result.output
    assert "R128" not in result.output
    assert float(said.group(1)) == pytest.approx(measured, abs=0.1)
    assert float(said.group(2)) == pytest.approx(target - measured, abs=0.1)
    assert f"{usual}: warning" not in result.output


def test_what_blocks_a_language_s_variants_is_said_on_the_page_in_the_broadcasters_words(
        campaign):
    # A missing dub was said on the Spanish page in the error's English (lang="en"): its error
    # had no code for the page's words, nor had an unreadable recording or one too long.
    from pipeline.manifest import load_manifest
    from pipeline.publish.missing import missing_variants
    from pipeline.render.plan import build_plan

    track(campaign, "mto.mp3").write_bytes(b"\xff\xfb" + b"\x00" * 400)     # undecodable
    track(campaign, "ote.wav").write_text("not a recording\n", encoding="utf-8")
    track(campaign, "zap.wav").write_bytes(b"")
    tone(track(campaign, "tzh.wav"), 6.3, pad_to=7.0)                         # past the end
    ffmpeg("-f", "lavfi", "-i", "anullsrc=sample_rate=48000:channel_layout=stereo", "-t", "4",
           str(track(campaign, "cho.wav")))
    tone(track(campaign, "cuc.wav"), 4.0)                                     # twice delivered
    tone(track(campaign, "cuc.flac"), 4.0)
    tone(track(campaign, "hus.L.wav"), 4.0, codec=["-ac", "1"])               # split mono
    tone(track(campaign, "hus.R.wav"), 4.0, codec=["-ac", "1"])
    path = campaign.write([{"code": "yua", "treatment": "dub"},               # no file
                           {"code": "mto", "treatment": "mix"},
                           {"code": "ote", "treatment": "dub"},
                           {"code": "zap", "treatment": "dub"},
                           {"code": "tzh", "treatment": "dub"},
                           {"code": "cho", "treatment": "mix"},
                           {"code": "cuc", "treatment": "dub"},
                           {"code": "hus", "treatment": "mix"}], {"small": SMALL_PROFILES["small"]})
    plan = build_plan([path])
    said = {m.language.code: (m.reason, str(m.message))
            for m in missing_variants(load_manifest(path), [], plan)}
    problem = "recording has a problem the team is fixing: "
    assert said == {"yua": ("blocked", "the dub's recording is missing"),
                    "mto": ("blocked", "the voice-over's recording cannot be read"),
                    "ote": ("blocked", "the dub's recording cannot be read"),
                    "zap": ("blocked", "the dub's recording cannot be read"),
                    "tzh": ("blocked", "the dub's recording runs longer than the spot"),
                    "cho": ("blocked", "the voice-over's recording is silent"),
                    "cuc": ("blocked", f"the dub's {problem}more than one file arrived for it, "
                                       "and one must be chosen"),
                    "hus": ("blocked", f"the voice-over's {problem}it arrived as one file per "
                                       "channel, yet to be joined into one")}
    # A master no one can read blocks a dub too: that is no fault of the dub's recording.
    campaign.audio("yua")
    (campaign.root / "media/spot.mp4").write_bytes(b"\x00" * 64)
    plan = build_plan([path])
    (master,) = {(m.cause.code, str(m.message))
                 for m in missing_variants(load_manifest(path), [], plan)
                 if m.language.code == "yua"}
    assert master == (None, "a file it is made from has a problem the team is fixing")
