"""`--spot`, `--lang` and `--profile` narrow what plan and render say to the variants they
select: a problem of another spot, language or profile is not printed, nor fails the run, and
one line counts them and says how to see them (a TV station rendering its web profile was shown,
and failed by, its MXF master's problems). The manifest's shared parts are always said."""

from __future__ import annotations

import textwrap

from tests import terminal as tty
from tests.conformmedia import interlaced_master
from tests.conftest import ffmpeg
from tests.test_cli import invoke
from tests.test_master_timecode import TIMED, make_master

BROKEN_SRT = "1\n00:00:01,000 --> 00:00:0X,000\nhola\n"

# Two spots, the second's master missing and its nah subtitles broken; yua's voice-over has no
# bed to go on and no recording.
TWO_SPOTS = """\
    campaign: c
    title: t
    source_language: spa
    spots:
      - {id: spot, master: ../media/spot.mp4}
      - {id: later, master: ../media/later.mp4}
    languages:
      - {code: nah, treatment: burn}
      - {code: yua, treatment: mix}
    profiles:
      small: {base: web, width: 320, height: 180, preset: ultrafast}
    """


def stderr_lines(result) -> list[str]:
    assert "Traceback" not in result.output
    return result.stderr.splitlines()


def test_another_spot_s_and_language_s_problems_are_counted_not_said(campaign):
    campaign.subtitle("nah")
    (campaign.root / "subtitles/later").mkdir()
    (campaign.root / "subtitles/later/nah.srt").write_text(BROKEN_SRT, encoding="utf-8")
    manifest = campaign.write_text(textwrap.dedent(TWO_SPOTS))
    for command in (["plan"], ["render", "--dry-run"]):
        result = invoke(*command, manifest, "--spot", "spot", "--lang", "nah")
        # Before: later's broken subtitles (checked though its master is missing) and yua's
        # missing recording were said, and failed the run.
        assert result.exit_code == 0, result.output
        lines = stderr_lines(result)
        assert not [line for line in lines if ": error: " in line], lines
        # later's master, its nah.srt's malformed time (no longer also "contains no cues"),
        # and yua's three.
        assert lines[-1] == ("5 errors in spots and languages not selected (spot later; "
                             "language yua): run without --spot and --lang to see them"), lines
    result = invoke("plan", manifest, "--lang", "nah")
    assert result.exit_code == 1     # later's master and subtitles: nah's
    lines = stderr_lines(result)
    assert any(f"{manifest}:6: error: master of spot 'later' not found" in line
               for line in lines), lines
    assert any(line.startswith(f"{campaign.root / 'subtitles/later/nah.srt'}:2: error: ")
               for line in lines), lines
    assert not any("'yua'" in line for line in lines[:-1]), lines
    assert lines[-1] == "3 errors in languages not selected (yua): run without --lang to see " \
                        "them", lines
    # Without a selection, every one is said, and nothing is counted apart.
    result = invoke("plan", manifest)
    assert sum(": error: " in line for line in stderr_lines(result)) == 5, result.output
    assert "not selected" not in result.output


def test_another_spot_s_stray_file_is_counted_not_said(campaign):
    # A media team's trial rendered one spot and was shown the other's NAH.srt ("not used"),
    # under a line counting the other spot's warnings apart.
    campaign.subtitle("nah")
    (campaign.root / "subtitles/later").mkdir()
    stray = campaign.root / "subtitles/later/NAH.srt"
    stray.write_text("1\n00:00:01,000 --> 00:00:02,000\nhola\n", encoding="utf-8")
    manifest = campaign.write_text(textwrap.dedent(TWO_SPOTS))
    result = invoke("plan", manifest, "--spot", "spot", "--lang", "nah")
    lines = stderr_lines(result)
    assert not [line for line in lines if str(stray) in line], lines
    assert "warning" in lines[-1] and "spot later" in lines[-1], lines
    result = invoke("plan", manifest, "--lang", "nah")
    assert any(line.startswith(f"{stray}: warning: not used: ") for line in stderr_lines(result))


def test_another_profile_s_note_on_the_master_is_counted_not_said(campaign):
    interlaced_master(campaign.root / "media/spot.mp4")
    campaign.subtitle("nah")
    manifest = campaign.write([{"code": "nah", "treatment": "soft"}],
                              {"small": {"base": "web", "width": 320, "height": 180},
                               "broadcast-prores": None})
    result = invoke("plan", manifest, "--profile", "small")
    assert result.exit_code == 0, result.output
    lines = stderr_lines(result)
    said = [line for line in lines if "is deinterlaced into whole frames" in line]
    # Before: the ProRes master's too, 'profile 'broadcast-prores' is progressive: ...'.
    assert len(said) == 1 and "warning: profile 'small' is progressive" in said[0], said
    # At small's own line, not at 'profiles:' (a trial's 'web: ~' warned at the line above it).
    small = manifest.read_text().splitlines().index("  small:") + 1
    assert said[0].startswith(f"{manifest}:{small}: warning: "), said
    # The note: nah's subtitles travel beside the ProRes master, which carries no track.
    assert lines[-1] == ("1 warning and 1 note in profiles not selected (broadcast-prores): run "
                         "without --profile to see them"), lines
    result = invoke("plan", manifest, "--profile", "broadcast-prores")
    said = [line for line in stderr_lines(result) if "is deinterlaced into whole frames" in line]
    assert len(said) == 1 and "profile 'broadcast-prores' is progressive" in said[0], said


# A station's manifest, its TV master's ceiling above full scale and yua's style misspelt: both
# errors of one profile or language alone.
STATION = """\
    campaign: c
    title: t
    source_language: spa
    spots: [{id: spot, master: ../media/spot.mp4}]
    languages:
      - {code: nah, treatment: burn}
      - {code: yua, treatment: burn, style: {colour: "#FF0000"}}
    profiles:
      small: {base: web, width: 320, height: 180, preset: ultrafast}
      tv:
        base: broadcast-mxf
        true_peak: 1
    """


def test_a_schema_error_of_a_profile_not_selected_does_not_stop_the_others(campaign):
    campaign.subtitle("nah")
    campaign.subtitle("yua")
    manifest = campaign.write_text(textwrap.dedent(STATION))
    # On the terminal, as a station's engineer runs it: the web variant rendered, the TV
    # master's and yua's errors counted. Before: 'could not be planned', exit 1, nothing made.
    result = tty.run(["render", str(manifest), "--profile", "small", "--lang", "nah"],
                     cwd=campaign.root, columns=200)
    assert result.status == 0, result.describe()
    assert (campaign.root / "build/c/spot/spot.nah.small.mp4").is_file()
    assert ": error: " not in result.text, result.describe()
    # (yua's subtitles read as fast as nah's: its warning too.)
    assert result.all_rows[-1] == ("2 errors and 1 warning in languages and profiles not "
                                   "selected (language yua; profile tv): run without --lang and "
                                   "--profile to see them"), result.describe()
    # Selected, a broken profile is said, as are its manifest's errors of what all share.
    result = invoke("plan", manifest, "--profile", "tv", "--lang", "nah")
    assert result.exit_code == 1
    lines = stderr_lines(result)
    assert any(line.startswith(f"{manifest}:12: error: true_peak must be at most 0 dBTP")
               for line in lines), lines
    assert lines[-2:] == [f"{manifest} could not be planned because of its 1 error; in all: 1 "
                          "error, 1 warning",
                          "1 error in languages not selected (yua): run without --lang to see "
                          "them"], lines
    (manifest.parent / "shared.yaml").write_text(
        textwrap.dedent(STATION).replace("title: t\n", "title: t\ncolour: red\n"),
        encoding="utf-8")
    result = invoke("plan", manifest.parent / "shared.yaml", "--profile", "small")
    assert result.exit_code == 1
    assert "unknown key 'colour' in the manifest" in result.output, result.output
    # Without a selection, every problem is said.
    result = invoke("validate", manifest)
    assert result.exit_code == 1 and "not selected" not in result.output
    assert sum(": error: " in line for line in stderr_lines(result)) == 2, result.output


def test_a_translator_s_check_is_not_stopped_by_another_language_s_error(campaign):
    nah = campaign.subtitle("nah")
    campaign.subtitle("yua")
    manifest = campaign.write_text(textwrap.dedent(STATION).replace("true_peak: 1",
                                                                    "true_peak: -2"))
    # Before: yua's misspelt style key and nothing else, exit 1, nah's file not checked.
    result = invoke("check", nah, "--manifest", manifest)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [f"{nah}: 2 cues, 0 errors, 1 warning"], result.output
    assert stderr_lines(result)[-1] == (
        "1 error in languages that are not these files' (yua): run pipeline validate "
        f"{manifest} to see them"), result.output
    # The file's own language's error is said; a profile's too, being every file's (its frame).
    result = invoke("check", campaign.root / "subtitles/spot/yua.srt", "--manifest", manifest)
    assert result.exit_code == 1
    assert f"{manifest}:7: error: unknown key 'colour' in style of yua" in result.output
    manifest = campaign.write_text(textwrap.dedent(STATION))
    result = invoke("check", nah, "--manifest", manifest)
    assert result.exit_code == 1
    assert f"{manifest}:12: error: true_peak must be at most 0 dBTP" in result.output


def test_another_language_s_misnamed_recording_is_counted_not_said(campaign):
    # An MP3 saved as yua.wav is said on the terminal (of no variant's record): with --lang nah,
    # it was said all the same.
    campaign.subtitle("nah")
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=700:sample_rate=48000:duration=4",
           "-c:a", "libmp3lame", "-f", "mp3", str(campaign.root / "audio/spot/yua.wav"))
    manifest = campaign.write([{"code": "nah", "treatment": "soft"},
                               {"code": "yua", "treatment": "dub"}])
    result = invoke("plan", manifest, "--lang", "nah")
    assert result.exit_code == 0, result.output
    assert "holds MP3 audio" not in result.output, result.output
    assert stderr_lines(result)[-1] == "1 warning in languages not selected (yua): run without " \
                                       "--lang to see them", result.output
    result = invoke("plan", manifest, "--lang", "yua")
    assert "the dub holds MP3 audio, not WAV as its name (.wav) says" in result.output


def test_another_language_s_file_read_from_the_master_s_timecode_is_counted_not_said(campaign):
    # nah's file is timed from 10:00:00:00, the master's timecode: a note, said with nah's
    # variants only (before: with --lang yua too).
    make_master(campaign.root / "media/spot.mp4", "25", "10:00:00:00")
    campaign.subtitle("nah", TIMED)
    campaign.subtitle("yua")
    manifest = campaign.write([{"code": "nah", "treatment": "soft"},
                               {"code": "yua", "treatment": "soft"}])
    result = invoke("plan", manifest, "--lang", "yua")
    assert result.exit_code == 0, result.output
    assert "timed to the master's timecode" not in result.output, result.output
    assert stderr_lines(result)[-1] == "1 note in languages not selected (nah): run without " \
                                       "--lang to see them", result.output
    result = invoke("plan", manifest, "--lang", "nah")
    assert "nah.srt is timed to the master's timecode, from 10:00:00:00" in result.output, \
        result.output


def test_a_cue_too_long_for_two_frames_of_a_language_not_selected_is_counted(campaign):
    # A soft language's pasted paragraph blocks its vertical and square files: the error said
    # once naming both frames was of no variant, and failed `render --lang tzo`.
    from tests.test_check_fit import PASTED

    campaign.subtitle("nah", textwrap.dedent(PASTED))
    campaign.subtitle("tzo")
    manifest = campaign.write([{"code": "nah", "treatment": "soft"},
                               {"code": "tzo", "treatment": "soft"}],
                              profiles={"tall": {"base": "vertical", "width": 180, "height": 320},
                                        "sq": {"base": "square", "width": 180, "height": 180}})
    whole = invoke("plan", manifest)
    assert whole.exit_code == 1
    (error,) = [line for line in stderr_lines(whole) if ": error: " in line]
    assert "on a 180x320 frame; " in error and "on a 180x180 frame" in error, error
    result = invoke("plan", manifest, "--lang", "tzo")
    assert result.exit_code == 0, result.output
    lines = stderr_lines(result)
    assert not [line for line in lines if ": error: " in line], lines
    assert lines[-1].startswith("1 error and "), lines
    assert lines[-1].endswith(" in languages not selected (nah): run without --lang to see them")
    # Selected on one frame, it is said of that frame, and counted apart of the other.
    one = invoke("plan", manifest, "--lang", "nah", "--profile", "sq")
    assert one.exit_code == 1, one.output
    lines = stderr_lines(one)
    (error,) = [line for line in lines if ": error: " in line]
    assert "on a 180x180 frame" in error and "180x320" not in error, error
    assert lines[-1] == ("1 error and 2 warnings in languages and profiles not selected "
                         "(language tzo; profile tall): run without --lang and --profile to see "
                         "them"), lines


def test_a_blocked_language_s_warnings_are_counted_with_its_errors(campaign):
    # A trial's `render --lang ctu` said two blocked dubs' loudness range warnings, as of no
    # variant, and then counted their errors apart as of languages not selected.
    campaign.subtitle("nah")
    long = campaign.root / "audio/spot/yua.wav"
    # 1.5 s of silence, then a tone past the 4 s spot's end: dead air on radio, cut speech.
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=700:sample_rate=48000:duration=4",
           "-filter:a", "volume=-12dB,adelay=1500:all=1", str(long))
    manifest = campaign.write([{"code": "nah", "treatment": "burn"},
                               {"code": "yua", "treatment": "dub"}],
                              {"small": {"base": "web", "width": 320, "height": 180},
                               "radio-mp3": None})
    result = invoke("plan", manifest)
    said = [line for line in stderr_lines(result) if line.startswith(f"{long}: ")]
    assert any(": error: sound continues past the spot's end" in line for line in said), said
    assert any(": warning: the dub starts with 1.50 s of silence" in line for line in said), said
    result = invoke("plan", manifest, "--lang", "nah")
    assert result.exit_code == 0, result.output
    lines = stderr_lines(result)
    assert not [line for line in lines if str(long) in line], lines
    assert lines[-1] == ("1 error and 1 warning in languages not selected (yua): run without "
                         "--lang to see them"), lines
