"""`pipeline check` of a recording, run as translators run it: the real script on a terminal.

A trial's clipped dub (peak -0.1 dBFS), its dub 2 s longer than its spot (an error in validate)
and one channel of a split pair (not used, in validate) were each "0 errors, 0 warnings" in
check, with or without --manifest, and its heading gave neither channels nor sample format.
Files made by ffmpeg's lavfi; check's lines compared with validate's own for the same file.
"""

from __future__ import annotations

import json
import re
import subprocess

import pytest

from tests import terminal as tty
from tests.conftest import SMALL_PROFILES, Campaign, ffmpeg

SPOT = 4.0      # seconds: the campaign fixture's master
MANIFEST = "manifests/campaign.yaml"
# The campaign's video profile and an audio-only one, on whose variants a dub is aired alone
# (its loudness range held to 1 LU, which a steady tone keeps and a loud-then-quiet one does not).
PROFILES = {"small": SMALL_PROFILES["small"], "radio": {"base": "radio", "loudness_range": 1.0}}
ALONE = "checked without its spot (its length against the spot's: by validate, or with --manifest)"


def run(campaign: Campaign, *args) -> tty.TerminalRun:
    """`pipeline ARGS` in the campaign's folder, as a translator types it."""
    return tty.typed(campaign.root, *args)


said = tty.said


def problems(lines: list[str]) -> list[str]:
    """The error, warning and note lines of `check`'s output."""
    return [line for line in lines if re.search(r": (error|warning|note): ", line)]


def summaries(lines: list[str]) -> list[str]:
    """The summary line of each file `check` read."""
    return [line for line in lines if re.search(r"\): \d+ errors?, \d+ warnings?", line)]


# Pink noise, a coder's busiest signal: its bit rate is the one asked.
NOISE = f"anoisesrc=color=pink:sample_rate=48000:duration={SPOT}"


def sound(path, chain: str, *codec: str, seconds: float = SPOT, source: str = "") -> str:
    """A 700 Hz tone (or `source`) through `chain`, 48 kHz 24-bit PCM unless `codec` says."""
    tone = f"sine=frequency=700:sample_rate=48000:duration={seconds}"
    ffmpeg("-f", "lavfi", "-i", source or tone, "-filter:a", chain,
           *(codec or ("-c:a", "pcm_s24le")), str(path))
    return str(path.relative_to(path.parents[2]))


def clipped(path) -> str:
    # As the trial's tar.wav: 30 dB too hot, cut flat at -0.1 dBFS.
    return sound(path, "aformat=channel_layouts=stereo,volume=30dB,"
                       "asoftclip=type=hard:threshold=0.9886")


def test_check_with_the_manifest_says_what_validate_says_of_each_recording(campaign):
    folder = campaign.root / "audio/spot"
    files = {
        "tar": clipped(folder / "tar.wav"),
        # 2 s longer than the spot, sound to its end (validate: an error).
        "maj": sound(folder / "maj.wav", "volume=-14dB,aformat=channel_layouts=stereo",
                     seconds=SPOT + 2),
        # 1.5 s of silence first: dead air on the radio profile's variant, aired alone.
        "nah": sound(folder / "nah.wav", "volume=-14dB,adelay=1500:all=1,"
                                         f"atrim=duration={SPOT}"),
        "zai": sound(folder / "zai.wav",
                     "volume=-14dB,dcshift=0.01,aformat=channel_layouts=stereo"),
    }
    # Loud, then 24 dB quieter: a loudness range over the radio profile's limit.
    files["yua"] = sound(folder / "yua.wav", "aformat=channel_layouts=stereo",
                         source="aevalsrc='if(lt(t,2),0.8,0.05)*sin(2*PI*700*t)':"
                                f"s=48000:d={SPOT}")
    sound(folder / "tzo.L.wav", "volume=-14dB")
    files["tzo"] = sound(folder / "tzo.R.wav", "volume=-14dB")
    campaign.write([{"code": code, "treatment": "dub"} for code in files], profiles=PROFILES)
    validate = said(run(campaign, "validate", MANIFEST))
    for code, path in files.items():
        check = run(campaign, "check", path, "--manifest", MANIFEST)
        *lines, summary = said(check)
        # validate's lines of this file (of tzo's split pair: its error at the language's line)
        mine = [line for line in validate if line.startswith(f"{path}:")
                or code == "tzo" and line.startswith(f"{MANIFEST}:")]
        assert lines == mine and mine, (code, check.describe(), validate)
        errors = sum(": error: " in line for line in lines)
        assert check.status == (1 if errors else 0), check.describe()
        assert summary.endswith(f": {errors} error{'s' * (errors != 1)}, "
                                f"{len(lines) - errors} warning{'s' * (len(lines) - errors != 1)}; "
                                f"checked as validate checks {code}'s dub for spot 'spot'"), summary
    assert any("is clipped" in line for line in validate)
    assert any("sound continues past the spot's end" in line for line in validate)
    assert any("starts with 1.50 s of silence" in line for line in validate)
    assert any("DC offset" in line for line in validate)
    assert any("yua.wav: warning: loudness range" in line for line in validate)
    assert any("tzo.R.wav look like the left and right channels" in line for line in validate)


def test_a_recording_past_its_spot_s_end_gets_its_other_problems_in_the_same_pass(campaign):
    # A trial's oto.wav, 1.5 s longer than its spot and clipped, got the length error alone in
    # validate and check --manifest; trimmed, it came back with the clipping. Here the dead air
    # at its start and the loudness range its clipping gives it, said on the radio profile's
    # variant.
    path = sound(campaign.root / "audio/spot/oto.wav",
                 "adelay=1500:all=1,aformat=channel_layouts=stereo,volume=30dB,"
                 "asoftclip=type=hard:threshold=0.9886", seconds=SPOT + 1)
    campaign.write([{"code": "oto", "treatment": "dub"}], profiles=PROFILES)
    validate = [line for line in said(run(campaign, "validate", MANIFEST))
                if line.startswith(f"{path}:")]
    check = run(campaign, "check", path, "--manifest", MANIFEST)
    assert check.status == 1, check.describe()
    *lines, summary = said(check)
    assert lines == validate, (lines, validate)
    assert [line.split(": ")[1:3] for line in lines] == [
        ["error", "sound continues past the spot's end"],
        ["warning", "the dub is clipped"],
        ["warning", "the dub starts with 1.50 s of silence (under -60 dBFS; more than 0.5 s is "
                    "dead air on radio) (hint"],
        ["warning", "loudness range 2.0 LU, measured per EBU Tech 3342, is wider than the limit "
                    "of 1 LU of profile radio (hint"]], lines
    assert summary.endswith(": 1 error, 3 warnings; checked as validate checks oto's dub for "
                            "spot 'spot'"), summary


def test_check_without_a_manifest_says_the_defects_that_need_no_spot(campaign):
    folder = campaign.root / "audio/spot"
    tar = clipped(folder / "tar.wav")
    silent = sound(folder / "mto.wav", "aformat=channel_layouts=stereo",
                   source=f"anullsrc=sample_rate=48000:channel_layout=stereo:d={SPOT}")
    longer = sound(folder / "maj.wav", "volume=-14dB", seconds=SPOT + 2)
    result = run(campaign, "check", tar, silent, longer)
    assert result.status == 1, result.describe()
    lines = said(result)
    # File by file, each summary under the file's problems (a trial lost track on a batch).
    assert lines[0].startswith(f"{tar}: warning: the recording is clipped: "), lines
    assert lines[2].startswith(f"{silent}: error: the recording is silent: its loudness is "
                               "undefined"), lines
    assert [lines[1], lines[3], lines[4]] == [
        f"{tar} (PCM 24-bit audio in a WAV container, 48 kHz, stereo, 4.00 s): 0 errors, 1 "
        f"warning; {ALONE}",
        f"{silent} (PCM 24-bit audio in a WAV container, 48 kHz, stereo, 4.00 s): 1 error, 0 "
        f"warnings; {ALONE}",
        f"{longer} (PCM 24-bit audio in a WAV container, 48 kHz, mono, 6.00 s): 0 errors, 0 "
        f"warnings; {ALONE}"]


OVER_A_BED = ("; if it is a voice-over, mixed over the spot's own sound, or a dub of a video "
              "spot with no radio file, check it with --manifest: its silences are then not "
              "aired alone")


def test_check_without_a_manifest_checks_a_recording_against_the_spot_s_duration(campaign):
    # A trial's --duration 15 was left unread for a recording: "checked without its spot".
    folder = campaign.root / "audio/spot"
    long = sound(folder / "tar.wav", "anull", "-ac", "2", seconds=6.0)
    short = sound(folder / "maj.wav", "apad=whole_dur=4", "-ac", "2", seconds=1.0)
    lines = said(run(campaign, "check", long, short, "--duration", str(SPOT)))
    assert lines[0] == (f"{long}: error: sound continues past the spot's end: speech would be "
                        "cut at 4.00 s (the recording has sound until 6.0 s) (hint: trim or "
                        "re-time the recording to the spot's 4.00 s)"), lines
    assert any(line.startswith(f"{short}: warning: the last 3.0 s of the spot would be silence: "
                               "the recording's sound ends at 1.0 s") for line in lines), lines
    assert [line.partition(" s): ")[2] for line in summaries(lines)] == [
        "1 error, 0 warnings; checked against a spot of 4 s (--duration)",
        "0 errors, 1 warning; checked against a spot of 4 s (--duration)"], lines
    # Without it, the same files have no spot to be measured against.
    assert not any("spot's end" in line for line in said(run(campaign, "check", long)))
    # Too long for its silence at the start: said with that silence, and that trimming it is
    # enough (a trial's 17 s take had its 3.5 s lead-in said only without --duration).
    late = sound(folder / "zai.wav", "adelay=2000:all=1", "-ac", "2", seconds=3.0)
    lines = said(run(campaign, "check", late, "--duration", str(SPOT)))
    assert lines[0] == (f"{late}: error: sound continues past the spot's end: speech would be "
                        "cut at 4.00 s (the recording has sound until 5.0 s) (hint: trim the "
                        "2.00 s of silence at its start: the recording then fits the spot's "
                        "4.00 s)"), lines
    assert lines[1].startswith(f"{late}: warning: the recording starts with 2.00 s of silence"), \
        lines


def test_an_8_bit_recording_is_said_to_hiss_with_and_without_the_manifest(campaign):
    # A trial's 8-bit WAV passed with "0 warnings": 48 dB under full scale, its quantisation
    # noise is a hiss that levelling lifts.
    path = sound(campaign.root / "audio/spot/tar.wav", "anull", "-c:a", "pcm_u8")
    campaign.write([{"code": "tar", "treatment": "dub"}], profiles=PROFILES)
    hiss = (f"{path}: warning: the {{what}} stores 8 bits a sample: its quantisation noise is "
            "only about 48 dB under full scale, a hiss that levelling lifts with the voice "
            "(hint: export it again as 24-bit (or 16-bit) PCM WAV)")
    assert hiss.format(what="recording") in said(run(campaign, "check", path))
    assert hiss.format(what="dub") in said(run(campaign, "validate", MANIFEST))
    fine = sound(campaign.root / "audio/spot/tar.wav", "anull", "-c:a", "pcm_s16le")
    assert not any("bits a sample" in line for line in said(run(campaign, "check", fine)))
    # G.711 µ-law is no linear 8-bit PCM: its noise follows the voice (a radio trial's was said
    # "PCM 8-bit" with a 48 dB hiss).
    ulaw = sound(campaign.root / "audio/spot/tar.wav", "anull", "-c:a", "pcm_mulaw")
    lines = said(run(campaign, "check", ulaw))
    assert (f"{ulaw}: warning: the recording is coded in G.711 µ-law, a telephone coding of 8 "
            "bits a sample whose noise follows the voice about 38 dB under it (ITU-T G.711): a "
            "grain on every word, which levelling lifts with it (hint: export it again as "
            "24-bit (or 16-bit) PCM WAV)") in lines, lines
    assert not any("PCM 8-bit" in line or "48 dB" in line for line in lines), lines


def test_a_recording_coded_too_thin_is_said_to_have_lost_its_treble(campaign):
    # A trial's 64 kb/s stereo MP3 (nothing above 14 kHz) passed with "0 warnings".
    folder = campaign.root / "audio/spot"
    thin = sound(folder / "tar.mp3", "aformat=channel_layouts=stereo", "-c:a", "libmp3lame",
                 "-b:a", "64k")
    campaign.write([{"code": "tar", "treatment": "dub"}], profiles=PROFILES)
    said_of = ("warning: the {what} is coded at 64 kb/s (MP3, stereo): so thin a lossy coding "
               "has cut its treble and left artefacts, which every profile's coding makes worse "
               "(hint: export it again as WAV or FLAC (or MP3 or AAC at 192 kb/s or more))")
    assert f"{thin}: " + said_of.format(what="recording") in said(run(campaign, "check", thin))
    assert f"{thin}: " + said_of.format(what="dub") in said(run(campaign, "validate", MANIFEST))
    # A WhatsApp voice note (Opus in Ogg at 16 kb/s, mono), whose header gives no bit rate,
    # passed a radio trial with none said; at 48 kb/s it is fine.
    note = sound(folder / "tar.ogg", "aresample=16000,aformat=channel_layouts=mono", "-c:a",
                 "libopus", "-b:a", "16k", "-application", "voip", source=NOISE)
    assert any("kb/s (Opus, mono): so thin" in line for line in said(run(campaign, "check",
                                                                           note)))
    fine = sound(folder / "tar.ogg", "aformat=channel_layouts=mono", "-c:a", "libopus", "-b:a",
                 "48k", source=NOISE)
    assert not any("kb/s" in line for line in said(run(campaign, "check", fine)))
    (folder / "tar.ogg").unlink()
    # At 192 kb/s, or a mono voice at 96, nothing is said.
    for layout, rate in (("stereo", "192k"), ("mono", "96k")):
        fine = sound(folder / "tar.mp3", f"aformat=channel_layouts={layout}", "-c:a",
                     "libmp3lame", "-b:a", rate)
        assert not any("kb/s" in line for line in said(run(campaign, "check", fine))), layout


def test_a_coding_thin_on_average_over_its_silences_is_not_said_thin(campaign, tmp_path):
    # A trial's dub, AAC at 128 kb/s with seconds of silence, averaged 63 kb/s (ffprobe): it
    # was said to have lost its treble, and the page told stations so.
    folder = campaign.root / "audio/spot"
    noise = ("anoisesrc=color=pink:sample_rate=48000:duration=1.5,"
             "aformat=channel_layouts=stereo,apad=pad_dur=4.5")
    spoken = sound(folder / "yua.m4a", "volume=-12dB", "-c:a", "aac", "-b:a", "128k",
                   "-f", "mp4", source=noise)
    average = float(subprocess.run(["ffprobe", "-v", "error", "-select_streams", "a:0",
                                    "-show_entries", "stream=bit_rate", "-of", "csv=p=0",
                                    str(campaign.root / spoken)], capture_output=True,
                                   text=True, check=True).stdout.strip().strip(","))
    assert average < 128_000, average              # what the warning went by
    assert not any("kb/s" in line for line in said(run(campaign, "check", spoken)))
    # Thin where it codes sound, it is still said: 64 kb/s stereo with the same silences.
    thin = sound(folder / "yua.m4a", "volume=-12dB", "-c:a", "aac", "-b:a", "64k", "-f", "mp4",
                 source=noise)
    assert any("kb/s (AAC, stereo): so thin" in line for line in said(run(campaign, "check",
                                                                            thin)))


def test_check_without_a_manifest_says_dead_air_as_validate_does(campaign):
    # A trial's maz.wav (2.02 s of silence first) and tee.wav (its last 13.8 s silent) were
    # "0 errors, 0 warnings" in check, the README's first command; validate said each.
    folder = campaign.root / "audio/spot"
    late = sound(folder / "maz.wav", f"volume=-6dB,adelay=1500:all=1,atrim=duration={SPOT}")
    short = sound(folder / "tee.wav", f"volume=-6dB,apad=whole_dur={SPOT}", seconds=1.5)
    campaign.write([{"code": "maz", "treatment": "dub"}, {"code": "tee", "treatment": "dub"}],
                   profiles=PROFILES)
    validate = said(run(campaign, "validate", MANIFEST))
    result = run(campaign, "check", late, short)
    assert result.status == 0, result.describe()
    lines = problems(said(result))
    assert lines[0] == f"{late}: warning: the recording starts with 1.50 s of silence (under -60 " \
        "dBFS; more than 0.5 s is dead air on radio) (hint: trim the silence before the first word" + OVER_A_BED + ")"
    assert lines[0].replace("the recording", "the dub").replace(OVER_A_BED, "") in validate, \
        (lines, validate)
    ending = ("the last 2.5 s of the spot would be silence: the %s's sound ends at 1.5 s (under "
              "-60 dBFS after it; more than 2 s is dead air on radio)")
    # Without a spot, the silence is said as the file's own.
    assert lines[1] == f"{short}: warning: the last 2.5 s of the recording are silence: its " \
        "sound ends at 1.5 s (under -60 dBFS after it; more than 2 s is dead air on radio) " \
        "(hint: re-time the recording to fill its spot" + OVER_A_BED + ")", lines
    assert any(line.startswith(f"{short}: warning: {ending % 'dub'}") for line in validate), \
        validate
    assert [line.partition(" s): ")[2] for line in summaries(said(result))] == [
        "0 errors, 1 warning; " + ALONE] * 2, lines


def test_a_recording_levelling_lifts_17_db_or_more_is_said_quiet_with_and_without_a_manifest(
        campaign):
    # A trial's tar.wav, 19 dB under radio-mp3's -16 LUFS, was "0 warnings": the warning was
    # for recordings under a fixed -40 LUFS, 17 dB under EBU R128's -23.
    path = sound(campaign.root / "audio/spot/tar.wav",
                 "volume=-12dB,aformat=channel_layouts=stereo")     # -33.6 LUFS
    campaign.write([{"code": "tar", "treatment": "dub"}], profiles=PROFILES)
    quiet = ("warning: the {what} is very quiet: -33.6 LUFS integrated; levelling lifts it, and "
             "its noise floor with it, by 17.6 dB to -16 LUFS, the target of {profiles} (hint: "
             "record or export it again at a working level (around -16 LUFS))")
    # Its spot's variants: `small` (-16 LUFS, made from web) and `radio` (-23).
    check = run(campaign, "check", path, "--manifest", MANIFEST)
    assert said(check)[0] == f"{path}: " + quiet.format(
        what="dub", profiles="profile small"), check.describe()
    assert said(check)[0] in said(run(campaign, "validate", MANIFEST))
    # Without the manifest: the built-in profiles made at streaming's -16 LUFS.
    alone = run(campaign, "check", path)
    assert said(alone)[0] == f"{path}: " + quiet.format(
        what="recording", profiles="profiles web, square, vertical, proxy, messaging, radio-mp3 "
                                   "and voice-note"), alone.describe()


def test_a_quiet_mono_or_one_sided_recording_is_said_at_the_level_it_airs_and_as_delivered(
        campaign):
    # A trial's left-only stereo was said 3 dB quieter (and lifted 3 dB more) than the same
    # voice as mono, which the render levels alike; and a mono file's figure was 3 dB over
    # ebur128's with nothing said why (it is measured as dual mono, as it airs).
    from tests.test_radio import ebur128
    folder = campaign.root / "audio/spot"
    mono = sound(folder / "tar.wav", "volume=-30dB", "-ac", "1", "-c:a", "pcm_s24le")
    left = sound(folder / "maj.wav", "volume=-30dB,pan=stereo|c0=c0", "-c:a", "pcm_s24le")
    lines = said(run(campaign, "check", mono, left))
    figures = [re.search(r"very quiet: (-[\d.]+) LUFS integrated, (.*?) \((?:its one channel "
                         r"alone reads|as delivered, on one side:) (-[\d.]+) LUFS\); levelling "
                         r"lifts it, and its noise floor with it, by ([\d.]+) dB to -16 LUFS",
                         line) for line in problems(lines)[:2]]
    assert all(figures), lines
    (mono_level, mono_how, mono_file, mono_lift), (left_level, left_how, left_file, left_lift) = \
        [(float(f[1]), f[2], float(f[3]), float(f[4])) for f in figures]
    assert (mono_how, left_how) == ("measured as dual mono, heard from both loudspeakers",
                                    "with its sound on both sides, as it airs")
    # Measured by another meter: the file as delivered, and as it airs (dual mono).
    single, _ = ebur128(campaign.root / mono)
    assert mono_file == pytest.approx(single, abs=0.1)
    assert mono_level == pytest.approx(ebur128(campaign.root / mono, dualmono=True)[0], abs=0.1)
    assert left_file == pytest.approx(ebur128(campaign.root / left)[0], abs=0.1)
    # The same voice on air: the same level and lift, 3 dB over the one-channel figure.
    assert left_level == pytest.approx(mono_level, abs=0.1) and left_lift == mono_lift
    assert mono_level - mono_file == pytest.approx(3.0, abs=0.05)
    assert mono_lift == pytest.approx(-16 - mono_level, abs=0.05)


def test_a_loudness_range_over_two_profiles_limits_is_said_once_naming_both(campaign):
    # A trial's dubs over radio's 7 LU and radio-mp3's 11 got a warning for each, in check and
    # validate alike: the same range of the same file, twice.
    path = sound(campaign.root / "audio/spot/yua.wav", "aformat=channel_layouts=stereo",
                 source="aevalsrc='if(lt(t,2),0.8,0.05)*sin(2*PI*700*t)':"
                        f"s=48000:d={SPOT}")
    # Its range, 2.8 LU, over radio's 1 LU and small's 2.
    campaign.write([{"code": "yua", "treatment": "dub"}], profiles={
        **PROFILES, "small": {**PROFILES["small"], "loudness_range": 2.0}})
    validate = [line for line in said(run(campaign, "validate", MANIFEST))
                if line.startswith(f"{path}: warning: loudness range")]
    assert validate == [f"{path}: warning: loudness range 2.8 LU, measured per EBU Tech 3342, is "
                        "wider than the limits of 1 LU of profile radio and 2 LU of profile small "
                        "(hint: quiet passages may be lost on air: the dub recording has this "
                        "range; even out its level (a compressor) before delivering it)"], validate
    assert said(run(campaign, "check", path, "--manifest", MANIFEST))[:-1] == validate


@pytest.mark.parametrize("name, chain, codec, heading", [
    ("hch.wav", "aformat=channel_layouts=stereo", ("-ar", "96000", "-c:a", "pcm_f32le"),
     "PCM 32-bit float audio in a WAV container, 96 kHz, stereo, 4.00 s"),
    ("nah.m4a", "volume=-14dB", ("-ar", "44100", "-c:a", "aac"),
     "AAC audio in an MP4 container, 44.1 kHz, mono, 4.0"),
    # The voice in the centre, as a 5.1's is.
    ("yua.wav", "volume=-14dB,pan=5.1(side)|FC=c0|FL=0.3*c0|FR=0.3*c0", (),
     "PCM 24-bit audio in a WAV container, 48 kHz, 5.1 (L R C LFE Ls Rs), 4.00 s"),
    ("zap.flac", "volume=-14dB", ("-c:a", "flac", "-sample_fmt", "s32"),
     "FLAC 24-bit audio, 48 kHz, mono, 4.00 s"),
])
def test_the_heading_says_the_encoding_rate_and_channels(campaign, name, chain, codec, heading):
    path = sound(campaign.root / "audio/spot" / name, chain, *codec)
    result = run(campaign, "check", path)
    assert result.status == 0, result.describe()
    assert said(result)[-1].startswith(f"{path} ({heading}"), result.describe()
    report = json.loads(run(campaign, "check", path, "--json").text)["files"][0]
    assert heading.startswith(report["format"]) and report["channels"] in heading


def test_a_recording_of_no_spot_or_language_of_the_manifest_is_checked_without_its_spot(
        campaign):
    clipped(campaign.root / "audio/spot/tzh.wav")
    (campaign.root / "audio/other").mkdir()
    elsewhere = clipped(campaign.root / "audio/other/tar.wav")
    campaign.write([{"code": "tar", "treatment": "dub"}, {"code": "nah", "treatment": "burn"}],
                   profiles=PROFILES)
    campaign.subtitle("nah")
    nah = clipped(campaign.root / "audio/spot/nah.wav")
    for path, why, what in (
            ("audio/spot/tzh.wav", "warning: language 'tzh' is not in campaign.yaml (languages: "
                                   "tar, nah): no variant uses this file; checked without its "
                                   "spot", "recording"),
            (elsewhere, "warning: its folder, 'other', is no spot of campaign.yaml (spots: spot): "
                        "its length is not checked against a spot's", "dub"),
            (nah, "warning: language 'nah' has treatment 'burn' in campaign.yaml: its variants "
                  "carry the master's sound, and no variant uses this recording; checked "
                  "without its spot", "recording")):
        result = run(campaign, "check", path, "--manifest", MANIFEST)
        assert result.status == 0, result.describe()
        lines = said(result)
        assert lines[0].startswith(f"{path}: {why}"), lines
        assert lines[1].startswith(f"{path}: warning: the {what} is clipped"), lines
        assert lines[2].endswith("0 errors, 2 warnings; checked without its spot"), lines
    # Named with --spot, it is checked against that spot, as the file validate would read.
    result = run(campaign, "check", elsewhere, "--manifest", MANIFEST, "--spot", "spot")
    assert said(result)[-1].endswith("checked as validate checks tar's dub for spot 'spot'")


def test_a_recording_whose_spot_has_no_master_yet_is_checked_without_it(campaign):
    tar = clipped(campaign.root / "audio/spot/tar.wav")
    spots = [{"id": "spot", "title": "Test spot", "master": "../media/later.mp4"}]
    campaign.write([{"code": "tar", "treatment": "dub"}], profiles=PROFILES, spots=spots)
    result = run(campaign, "check", tar, "--manifest", MANIFEST)
    assert result.status == 0, result.describe()
    lines = said(result)
    assert lines[0].startswith(f"{tar}: warning: the master of spot 'spot' cannot be read (master "
                               "of spot 'spot' not found: "), lines
    assert "its length is not known, so the recording's is not checked against it" in lines[0]
    assert lines[1].startswith(f"{tar}: warning: the dub is clipped"), lines
    assert lines[2].endswith("0 errors, 2 warnings; checked without its spot"), lines


def _as_validate_says(line: str, path: str) -> str:
    """validate's line of a language's recording as check says it of `path` without the
    manifest: at the file, with no treatment to name."""
    return re.sub(rf"^{re.escape(MANIFEST)}:\d+:", f"{path}:", line).replace(" (dub)", "", 1)


def test_check_without_a_manifest_says_validate_s_error_of_a_split_pair(campaign):
    # A trial's yua.L.wav (8 s) and yua.R.wav (9 s), side by side, were each "0 errors, 0
    # warnings" in check without --manifest; validate said they were the channels of one
    # recording, not of one export.
    folder = campaign.root / "audio/spot"
    left = sound(folder / "yua.L.wav", "volume=-14dB", seconds=SPOT)
    right = sound(folder / "yua.R.wav", "volume=-14dB", seconds=SPOT + 1)
    campaign.write([{"code": "yua", "treatment": "dub"}], profiles=PROFILES)
    (error,) = [line for line in said(run(campaign, "validate", MANIFEST)) if ": error: " in line]
    assert "yua.L.wav and yua.R.wav look like the left and right channels" in error, error
    assert "(yua.L.wav 4.00 s and yua.R.wav 5.00 s)" in error, error
    for path in (left, right):
        result = run(campaign, "check", path)
        assert result.status == 1, result.describe()
        assert said(result) == [
            _as_validate_says(error, path),
            f"{path} (PCM 24-bit audio in a WAV container, 48 kHz, mono, "
            f"{SPOT + (path == right):.2f} s): 1 error, 0 warnings; checked as validate reads a "
            "language's recording from the files in its folder"], result.describe()


def test_check_without_a_manifest_gives_the_join_of_the_six_files_of_a_5_1(campaign):
    folder = campaign.root / "audio/spot"
    for channel in ("L", "R", "C", "LFE", "Ls", "Rs"):
        sound(folder / f"yua.{channel}.wav", "volume=-14dB")
    campaign.write([{"code": "yua", "treatment": "dub"}], profiles=PROFILES)
    (error,) = [line for line in said(run(campaign, "validate", MANIFEST)) if ": error: " in line]
    result = run(campaign, "check", "audio/spot/yua.LFE.wav")
    assert result.status == 1, result.describe()
    line = said(result)[0]
    assert line == _as_validate_says(error, "audio/spot/yua.LFE.wav"), (line, error)
    assert "look like the 6 channels of one 5.1 recording" in line and \
        "-filter_complex amerge=inputs=6 -c:a pcm_s24le audio/spot/yua.wav" in line, line


def test_check_without_a_manifest_says_a_lone_channel_s_others_are_missing(campaign):
    folder = campaign.root / "audio/spot"
    for name in ("yua_L.wav", "tzo-Left.wav", "tzo-Right.wav", "tzo-Centre.wav"):
        sound(folder / name, "volume=-14dB")
    campaign.write([{"code": "yua", "treatment": "dub"}, {"code": "tzo", "treatment": "dub"}],
                   profiles=PROFILES)
    errors = [line for line in said(run(campaign, "validate", MANIFEST)) if ": error: " in line]
    assert len(errors) == 2, errors
    for path, expected in (("audio/spot/yua_L.wav", "without its right channel"),
                           ("audio/spot/tzo-Right.wav", "without its LFE, Ls and Rs channels")):
        result = run(campaign, "check", path)
        assert result.status == 1, result.describe()
        (line, summary) = said(result)
        assert line in [_as_validate_says(error, path) for error in errors], (line, errors)
        assert line.startswith(f"{path}: error: audio track missing for language ") and \
            expected in line, line
        assert "change the treatment" not in line        # no manifest, no treatment to change
        assert summary.endswith(": 1 error, 0 warnings; checked as validate reads a language's "
                                "recording from the files in its folder"), summary


def test_check_without_a_manifest_of_a_channel_beside_its_language_s_file(campaign):
    # validate reads yua.wav and says the channel's file is not used; check says the same.
    folder = campaign.root / "audio/spot"
    sound(folder / "yua.wav", "volume=-14dB,aformat=channel_layouts=stereo")
    left = sound(folder / "YUA.L.WAV", "volume=-14dB")
    # No language's name before the channel: checked as any recording.
    music = sound(folder / "music_L.wav", "volume=-14dB")
    campaign.write([{"code": "yua", "treatment": "dub"}], profiles=PROFILES)
    validate = said(run(campaign, "validate", MANIFEST))
    result = run(campaign, "check", left, music)
    assert result.status == 0, result.describe()
    lines = problems(said(result))
    assert lines[0] in validate and lines[0].startswith(
        f"{left}: warning: not used: YUA.L.WAV looks like the left channel"), (lines, validate)
    # Named after no language: said so (a trial's "Grabación final.wav" passed silently).
    assert lines[1] == (f"{music}: warning: not read as any language's recording: validate "
                        "reads a language's recording from the file named after its code "
                        "(tzo.wav, yua.flac, ...), and 'music_L' is no language code (hint: "
                        "rename it after its language's code in the manifest, or give the "
                        "language with --lang)"), lines
    assert summaries(said(result)) == [
        f"{left} (PCM 24-bit audio in a WAV container, 48 kHz, mono, 4.00 s): 0 errors, 1 "
        "warning; checked as validate reads a language's recording from the files in its folder",
        f"{music} (PCM 24-bit audio in a WAV container, 48 kHz, mono, 4.00 s): 0 errors, 1 "
        f"warning; {ALONE}"], lines


def test_lang_without_a_manifest_says_a_name_validate_would_not_read(campaign):
    # --lang was not read for a recording checked without --manifest: grabacion.wav checked
    # "--lang tzo" was "0 warnings", and validate would never read it as tzo's.
    folder = campaign.root / "audio/spot"
    named = {name: sound(folder / name, "volume=-14dB")
             for name in ("grabacion.wav", "tzo_final.wav", "tzo.wav", "grabacion.L.wav")}
    sound(folder / "tzo.R.wav", "volume=-14dB")
    left = sound(folder / "tzo.L.wav", "volume=-14dB", seconds=SPOT + 1)
    result = run(campaign, "check", *named.values(), left, "--lang", "tzo")
    assert result.status == 0, result.describe()
    lines = problems(said(result))
    assert lines[:3] == [
        f"{named['grabacion.wav']}: warning: not read as the recording of language 'tzo': "
        "validate reads a language's recording from the file named after its code in its "
        "spot's folder (tzo.wav, tzo.flac, ...) (hint: rename it to tzo.wav)",
        f"{named['tzo_final.wav']}: warning: not read as the recording of language 'tzo': "
        "language 'tzo' is read from tzo.<format> only (hint: move it out, or, to use it "
        "instead, move tzo.wav out and rename this one tzo.wav)",
        # A channel of no recording of tzo's: named as any other file.
        f"{named['grabacion.L.wav']}: warning: not read as the recording of language 'tzo': "
        "validate reads a language's recording from the file named after its code in its "
        "spot's folder (tzo.wav, tzo.flac, ...) (hint: rename it to tzo.wav)"], lines
    # tzo.L.wav: the channel of tzo's split pair, beside tzo.wav: as validate says it there.
    campaign.write([{"code": "tzo", "treatment": "dub"}], profiles=PROFILES)
    validate = said(run(campaign, "validate", MANIFEST))
    assert any(line.startswith(f"{named['tzo_final.wav']}: warning: not used: language 'tzo' is "
                               "read from tzo.<format> only") for line in validate), validate
    assert lines[3].startswith(f"{left}: warning: not used: tzo.L.wav looks like the left "
                               "channel"), lines
    assert [line.partition(" s): ")[2] for line in summaries(said(result))] == [
        "0 errors, 1 warning; " + ALONE, "0 errors, 1 warning; " + ALONE,
        "0 errors, 0 warnings; " + ALONE, "0 errors, 1 warning; " + ALONE,
        "0 errors, 1 warning; checked as validate reads a language's recording from the files "
        "in its folder"], lines
    # With the manifest, --lang checks it as tzo's dub all the same, and says its name too.
    result = run(campaign, "check", named["grabacion.wav"], "--manifest", MANIFEST,
                 "--lang", "tzo")
    assert said(result)[0] == lines[0], said(result)
    assert said(result)[-1].endswith("checked as validate checks tzo's dub for spot 'spot'"), \
        said(result)


def test_a_backup_copy_of_a_recording_is_checked_as_one_and_said_not_read(campaign):
    # A translator's tse.wav.bak was read as a subtitle file ("it is a sound recording: rename
    # it tse.wav.wav"), and with --manifest, "not a subtitle format: save it as zai.srt".
    folder = campaign.root / "audio/spot"
    sound(folder / "tzo.wav", "volume=-14dB")
    backups = [sound(folder / name, "volume=-14dB", "-c:a", "pcm_s24le", "-f", "wav")
               for name in ("tzo.wav.bak", "yua.WAV.old")]
    lines = said(run(campaign, "check", *backups))
    backup = "a backup file name (only the name ending in the format's suffix is read)"
    assert problems(lines) == [
        f"{backups[0]}: warning: not read as the recording of language 'tzo': {backup} (hint: "
        "move it out, or, to use it instead, move tzo.wav out and rename this one tzo.wav)",
        f"{backups[1]}: warning: not read as the recording of language 'yua': {backup} (hint: "
        "move it out of the folder, or, to use it, rename it to yua.wav)"], lines
    assert [line.partition(" s): ")[2] for line in summaries(lines)] == \
        ["0 errors, 1 warning; " + ALONE] * 2, lines
    # With the manifest: as validate says it, yua's as the error of its missing recording.
    campaign.write([{"code": "tzo", "treatment": "dub"}, {"code": "yua", "treatment": "dub"}],
                   profiles=PROFILES)
    checked = said(run(campaign, "check", *backups, "--manifest", MANIFEST))
    validate = said(run(campaign, "validate", MANIFEST))
    assert len(validate) == 3 and all(backup in line for line in validate[:2]), validate
    assert problems(checked)[:2] == validate[:2][::-1], (checked, validate)
