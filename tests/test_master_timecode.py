"""Subtitle files timed to the master's own timecode (SMPTE ST 12-1), as broadcast subtitling
tools export them from 10:00:00:00: read from the master's start where the master carries that
timecode (a MOV/MP4 tmcd track made by ffmpeg's -timecode) and every cue falls within it, with
a note; read as they are otherwise. The rendered track is read back by ffmpeg's own mov_text
decoder, and the times expected are counted here from the timecode's frames."""

from __future__ import annotations

import re
import shutil
import subprocess
import textwrap
from fractions import Fraction

import ffmpeg as ffmpeg_python
import pysrt
import pytest
from click.testing import CliRunner

from pipeline.cli.main import cli
from pipeline.cli.translate import check
from pipeline.media.conform import examine
from pipeline.media.probe import probe_video
from pipeline.media.seeking import seekable_picture
from pipeline.profiles import Profile
from pipeline.render.contact_sheet import tiles_graph
from pipeline.subtitles.fonts import resolve_font
from pipeline.subtitles.file_check import check_file
from pipeline.subtitles.formats import read_subtitles
from tests.conftest import FFMPEG, SMALL_PROFILES, SRT, ffmpeg
from tests.mediacheck import changed_fraction, gray_frame
from tests.test_preview import script
from tests.test_ttml_time import PAL, document

W, H = 320, 180
NOTE = "{name} is timed to the master's timecode, from {timecode}: its times are read from there"

# Timed to the programme's timecode, which starts at 10:00:00:00; on the 25 fps grid.
TIMED = textwrap.dedent("""\
    1
    10:00:01,000 --> 10:00:02,480
    Los seres humanos

    2
    10:00:03,000 --> 10:00:03,880
    no en venta
    """)


def make_master(path, rate: str, timecode: str, sound: bool = True) -> None:
    """A 4 s master (with a tone unless not `sound`), its tmcd track starting at `timecode`."""
    tone = ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=4",
            "-filter:a", "volume=-10dB,aformat=channel_layouts=stereo", "-c:a", "aac"]
    ffmpeg("-f", "lavfi", "-i", f"testsrc2=size={W}x{H}:rate={rate}:duration=4",
           *(tone if sound else []), "-c:v", "libx264", "-preset", "ultrafast",
           "-pix_fmt", "yuv420p", "-g", "25", "-timecode", timecode, str(path))


@pytest.fixture(scope="module")
def masters(tmp_path_factory):
    folder = tmp_path_factory.mktemp("timecoded")
    made = {"25": folder / "pal.mp4", "29.97": folder / "ntsc.mp4", "mute": folder / "mute.mp4"}
    make_master(made["25"], "25", "10:00:00:00")
    make_master(made["29.97"], "30000/1001", "10:00:00;00")     # drop-frame
    make_master(made["mute"], "25", "10:00:00:00", sound=False)
    return made


@pytest.fixture
def timecoded(campaign, masters):
    """The campaign with its master replaced by the 25 fps one timed from 10:00:00:00."""
    shutil.copy(masters["25"], campaign.root / "media/spot.mp4")
    return campaign


def track_times(path) -> list[tuple[int, int]]:
    """The times of a variant's subtitle track, as ffmpeg's mov_text decoder reads them."""
    track = subprocess.run([FFMPEG, "-v", "error", "-i", str(path), "-map", "0:s:0", "-f", "srt",
                            "-"], capture_output=True, text=True, check=True).stdout
    return [(item.start.ordinal, item.end.ordinal) for item in pysrt.from_string(track)]


def sidecar_times(path) -> list[tuple[int, int]]:
    """The times of a SubRip or WebVTT sidecar, read from its timing lines."""
    found = re.findall(r"(\d\d):(\d\d):(\d\d)[,.](\d{3}) --> (\d\d):(\d\d):(\d\d)[,.](\d{3})",
                       path.read_text(encoding="utf-8"))
    ms = [(int(h) * 3600 + int(m) * 60 + int(s)) * 1000 + int(f)
          for times in found for h, m, s, f in [times[:4], times[4:]]]
    return list(zip(ms[::2], ms[1::2]))


def notes(output: str) -> list[str]:
    return [line for line in output.splitlines() if ": note: " in line]


@pytest.mark.e2e
def test_a_file_timed_to_the_masters_timecode_is_rendered_from_its_start(timecoded):
    # Before: every cue 'starts at 10:00:01,000, after the end of the video (00:00:04,000)',
    # and nothing rendered.
    nah = timecoded.subtitle("nah", TIMED)
    tzo = timecoded.subtitle("tzo", TIMED)
    timecoded.subtitle("tzh", SRT)      # timed from zero on the same master: read as it is
    manifest = timecoded.write([{"code": "nah", "treatment": "soft"},
                                {"code": "tzo", "treatment": "burn"},
                                {"code": "tzh", "treatment": "soft"}])
    result = CliRunner().invoke(cli, ["render", str(manifest), "-j", "2"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    # Once per file, at the file: neither an error nor a warning.
    assert notes(result.stderr) == [
        f"{path}: note: {NOTE.format(name=path.name, timecode='10:00:00:00')}"
        for path in sorted((nah, tzo), key=str)], result.stderr
    out = timecoded.out
    assert track_times(out / "spot.nah.small.mp4") == [(1000, 2480), (3000, 3880)]
    assert sidecar_times(out / "spot.nah.srt") == [(1000, 2480), (3000, 3880)]
    assert sidecar_times(out / "spot.nah.vtt") == [(1000, 2480), (3000, 3880)]
    # On the 25 fps grid, 0.5 s is 0.52 s (subtitles/frames.py): as before.
    assert track_times(out / "spot.tzh.small.mp4") == [(520, 1800), (2520, 3600)]
    burned, master = out / "spot.tzo.small.mp4", timecoded.root / "media/spot.mp4"
    bottom = range(int(H * 0.7), int(H * 0.95))

    def drawn(at: float) -> float:
        return changed_fraction(gray_frame(burned, at, W, H), gray_frame(master, at, W, H), W,
                                bottom)

    # Drawn in both cues, from 1.00 s and 3.00 s; nothing before, nor between them.
    assert drawn(1.2) > 0.01 and drawn(3.2) > 0.005
    assert drawn(0.5) < 0.001 and drawn(2.7) < 0.001
    record = (out / "spot.nah.small.json").read_text(encoding="utf-8")
    assert "master-timecode" not in record        # no QC warning of the variant


@pytest.mark.e2e
def test_a_drop_frame_masters_start_is_read_as_its_subtitle_editor_shows_it(campaign, masters):
    shutil.copy(masters["29.97"], campaign.root / "media/spot.mp4")
    nah = campaign.subtitle("nah", TIMED)
    manifest = campaign.write([{"code": "nah", "treatment": "soft"}])
    result = CliRunner().invoke(cli, ["validate", str(manifest)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert notes(result.stderr) == [
        f"{nah}: note: {NOTE.format(name='nah.srt', timecode='10:00:00;00')}"]
    assert result.stderr.splitlines()[-1].endswith("; 0 errors, 0 warnings"), result.stderr
    result = CliRunner().invoke(cli, ["render", str(manifest)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    # 10:00:01,000 is one second after 10:00:00;00 as an editor set to start there writes it
    # (not 1.036 s: 10:00:00;00 counted in frames is 35999.964 s); each time is then put on
    # its nearest frame at 30000/1001 fps, and a player is given that frame's time in whole
    # milliseconds.
    rate = Fraction(30, 1001)                     # frames a millisecond

    def on_grid(ms: int) -> int:
        frame = int(ms * rate + Fraction(1, 2))
        return int(frame / rate)

    expected = [(on_grid(1000), on_grid(2480)), (on_grid(3000), on_grid(3880))]
    assert expected == [(1001, 2469), (3003, 3870)]
    assert track_times(campaign.out / "spot.nah.small.mp4") == expected


def test_a_23976_masters_timecode_is_read_as_a_clock_time(tmp_path):
    """A trial: on a 23.976 fps master from 01:00:00:00, 01:00:04,000 was read 0.4 s into the
    video (01:00:00:00 counted in frames is 86400 / 23.976 = 3603.6 s): every cue 3.6 s early,
    unsaid. A SubRip file's times are clock times; a TTML file in SMPTE time gives frame labels,
    counted in frames from the master's, also counted in frames."""
    rate = 24000 / 1001
    srt = TIMED.replace("10:00:", "01:00:")
    assert times(read_on(srt, tmp_path, "01:00:00:00", rate)) == [(1000, 2480), (3000, 3880)]
    # From 00:59:57:00 (the trial's master, 3 s of black before the hour): 00:59:58,000 is
    # 1 s in, where counted in frames (3600.597 s) it was before the video's start.
    early = srt.replace("01:00:01,000 --> 01:00:02,480", "00:59:58,000 --> 00:59:59,480") \
        .replace("01:00:03,000 --> 01:00:03,880", "01:00:00,000 --> 01:00:00,880")
    assert times(read_on(early, tmp_path, "00:59:57:00", rate)) == [(1000, 2480), (3000, 3880)]
    smpte = document('ttp:timeBase="smpte" ttp:frameRate="24" ttp:frameRateMultiplier="1000 1001"',
                     ("01:00:01:00", "01:00:02:12"), ("01:00:03:00", "01:00:03:21"))
    # Frames 24, 60, 72 and 93 from the start: 1.001 s, 2.5025 s, 3.003 s, 3.8788 s.
    assert times(read_on(smpte, tmp_path, "01:00:00:00", rate, name="nah.ttml")) == [
        (1001, 2502), (3003, 3879)]


def test_a_master_that_reaches_its_hour_seconds_in_is_said_to_carry_a_pre_roll(campaign,
                                                                               tmp_path):
    # A trial's film master ran from 00:59:57:00, 3 s of black before its programme, which
    # every variant then counted in its length, unsaid.
    make_master(campaign.root / "media/spot.mp4", "24000/1001", "00:59:57:00")
    campaign.subtitle("nah", SRT)
    manifest = campaign.write([{"code": "nah", "treatment": "soft"}], SMALL_PROFILES)
    result = CliRunner().invoke(cli, ["validate", str(manifest)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    said = [line for line in result.stderr.splitlines() if "pre-roll" in line or
            "before 01:00:00:00" in line]
    assert said == [f"{manifest}:5: warning: spot spot's master starts at 00:59:57:00, 3.00 s "
                    "(72 frames) before 01:00:00:00, where programmes start: if it carries "
                    "bars, a slate or black before its programme, every variant counts them in "
                    "its length, dubs and voice-overs recorded from the programme's start play "
                    "that much early, and a profile's leader comes before them (hint: give the "
                    "spot 'programme_start: \"01:00:00:00\"' to cut what comes before it (or "
                    "export the master from that frame), or ignore this if its picture starts "
                    "there)"], result.stderr   # once for its 2 variants
    # Starting on the hour, or with no hour in it: nothing said.
    for timecode in ("01:00:00:00", "00:59:50:00"):
        make_master(campaign.root / "media/spot.mp4", "24000/1001", timecode)
        result = CliRunner().invoke(cli, ["validate", str(manifest)], catch_exceptions=False)
        assert "before 01:00:00:00" not in result.stderr, (timecode, result.stderr)


def read_on(text: str, tmp_path, timecode: str | None, fps: float = 25.0, name="nah.srt",
            duration: float = 4.0):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return read_subtitles(path, duration=duration, fps=fps, timecode=timecode)


def times(result) -> list[tuple[int, int]]:
    return [(cue.start, cue.end) for cue in result.cues]


def said(result) -> list[tuple[str, str]]:
    return [(d.severity, d.message) for d in result.diagnostics]


def test_a_file_that_fits_only_partly_or_both_ways_is_read_as_it_is(tmp_path):
    past = [("error", "cue 1 starts at 10:00:01,000, after the end of the video (00:00:04,000); "
                      "so does the cue at line 5")]
    assert said(read_on(TIMED, tmp_path, None)) == past          # a master without timecode
    # Its last cue ending past the master read from 10:00:00:00: read from there all the same,
    # that cue said to be cut as in any file (a trial's TTML, 12 frames over, was "10 hours in",
    # an error on every variant).
    late = TIMED.replace("10:00:03,000 --> 10:00:03,880", "10:00:03,000 --> 10:00:04,200")
    assert said(read_on(late, tmp_path, "10:00:00:00")) == [
        ("note", NOTE.format(name="nah.srt", timecode="10:00:00:00")),
        ("warning", "cue 2 ends at 10:00:04,200, after the end of the video (10:00:04,000); it "
                    "will be cut")]
    assert times(read_on(late, tmp_path, "10:00:00:00")) == [(1000, 2480), (3000, 4200)]
    # One that starts past it keeps the file as it is.
    after = TIMED.replace("10:00:03,000 --> 10:00:03,880", "10:00:04,000 --> 10:00:04,200")
    assert said(read_on(after, tmp_path, "10:00:00:00"))[0][0] == "error"
    early = TIMED.replace("10:00:01,000 --> 10:00:02,480", "09:59:59,000 --> 10:00:02,480")
    assert said(read_on(early, tmp_path, "10:00:00:00"))[1:] == past[1:]
    # A master from 00:00:01:00 and a file from 00:00:02,000: it fits both ways, read as it is.
    both = TIMED.replace("10:00:0", "00:00:0")
    assert said(read_on(both, tmp_path, "00:00:01:00")) == []
    assert times(read_on(both, tmp_path, "00:00:01:00")) == [(1000, 2480), (3000, 3880)]
    # A timecode its master's rate cannot have (drop-frame at 25 fps) starts nothing.
    assert said(read_on(TIMED, tmp_path, "10:00:00;00")) == past


def test_a_file_timed_to_a_master_that_passes_midnight_is_read_from_its_start(tmp_path):
    # Timecode starts again at midnight: a master from 23:59:57:00 for 6 s ends at 00:00:03:00,
    # and a trial's file timed so was refused, its cue at 00:00:00,000 "before" the master.
    midnight = ("1\n23:59:57,500 --> 23:59:59,000\nuno\n\n"
                "2\n00:00:00,000 --> 00:00:01,500\ndos\n")
    result = read_on(midnight, tmp_path, "23:59:57:00", duration=6.0)
    assert said(result) == [("note", NOTE.format(name="nah.srt", timecode="23:59:57:00"))]
    assert times(result) == [(500, 2000), (3000, 4500)]
    # Its messages quote its own times (they said 24:00:00,000 of cue 2, in no file).
    short = midnight.replace("00:00:00,000 --> 00:00:01,500", "00:00:00,000 --> 00:00:00,100")
    (tmp_path / "nah.srt").write_text(short, encoding="utf-8")
    found = check_file(tmp_path / "nah.srt", duration=6.0, fps=25.0, timecode="23:59:57:00")
    (warned,) = [d for d in found.diagnostics if d.code == "too-short"]
    assert "(00:00:00,000 --> 00:00:00,100;" in warned.message, warned.message
    # Its cues all after midnight fit the master read from zero too: read as it is.
    after = "1\n00:00:00,500 --> 00:00:01,500\ndos\n"
    result = read_on(after, tmp_path, "23:59:57:00", duration=6.0)
    assert said(result) == [] and times(result) == [(500, 1500)]
    # Past the master's end after midnight: not read from there, and said why.
    late = midnight.replace("00:00:00,000 --> 00:00:01,500", "00:00:03,500 --> 00:00:04,000")
    result = read_on(late, tmp_path, "23:59:57:00", duration=6.0)
    assert ("error", "cue 1 starts at 23:59:57,500, after the end of the video (00:00:06,000)") \
        in said(result), said(result)


def test_a_file_not_read_from_the_master_s_timecode_is_told_why_once(tmp_path):
    # A trial's SRT timed from 10:00:01,000 to a master from 01:00:00:00 was told, cue by cue,
    # only to check its times, or that the file belongs to this spot.
    def hints(text: str, timecode: str | None, name: str = "nah.srt") -> list[str | None]:
        result = read_on(text, tmp_path, timecode, 24000 / 1001, name, duration=8.008)
        assert {d.code for d in result.diagnostics} == {"past-end"}, result.diagnostics
        return [d.hint for d in result.diagnostics]

    # A first cue an hour or more in is most likely timed to a tape's timecode.
    plain = "check the times, or that the file belongs to this spot"
    check = ("check the hours of the times (a file timed to a tape's timecode starts at "
             "01:00:00:00: subtract it in your editor), or that the file belongs to this spot")
    master = ("; the master's timecode starts at 01:00:00:00 (its 8.008 s end at 01:00:08:00): "
              "a file timed to it is read from there when all its cues start within that; ")
    assert hints(TIMED, "01:00:00:00") == \
        [check + master + "cue 1 (10:00:01,000) starts after its end"]
    early = TIMED.replace("10:00:01,000", "00:59:59,000").replace("10:00:0", "01:00:0")
    assert hints(early, "01:00:00:00") == \
        [plain + master + "cue 1 (00:59:59,000) starts before it"]
    vtt = "WEBVTT\n\n" + early.replace(",", ".")
    assert hints(vtt, "01:00:00:00", "nah.vtt") == \
        [plain + master + "cue 1 (00:59:59.000) starts before it"]
    # The first cue that keeps it from being read so, said at the first cue past the end.
    late = TIMED.replace("10:00:0", "01:00:0").replace("01:00:03,000 --> 01:00:03,880",
                                                        "01:00:08,500 --> 01:00:08,900")
    assert hints(late, "01:00:00:00") == \
        [check + master + "cue 2 (01:00:08,500) starts after its end"]
    # A master without timecode has none to say; nor one a file plainly timed from zero
    # (its cues in its first hour) was not read from.
    assert hints(TIMED, None) == [check]
    zero = TIMED.replace("10:00:0", "00:00:0").replace("00:00:03,000 --> 00:00:03,880",
                                                       "00:00:09,000 --> 00:00:09,500")
    (hint,) = hints(zero, "10:00:00:00")
    assert "timecode" not in hint, hint
    # Said whole in a Spanish terminal, the WebVTT file's time as it writes times (its hint
    # was said without the master's part).
    from pipeline.cli.language import diagnostic_line
    from pipeline.publish.wording import localised
    (past,) = read_on(vtt, tmp_path, "01:00:00:00", 24000 / 1001, "nah.vtt",
                      duration=8.008).diagnostics
    spanish = localised(past.hint_detail.to_json(), "es")
    assert spanish.endswith("el código de tiempo del máster empieza en 01:00:00:00 (sus 8.008 s "
                            "terminan en 01:00:08:00): un archivo ajustado a él se lee desde "
                            "ahí cuando todos sus subtítulos empiezan dentro de ese intervalo; "
                            "el subtítulo 1 (00:59:59.000) empieza antes"), spanish
    assert diagnostic_line(past).endswith("starts before it)")        # English as before


def test_messages_give_times_as_the_file_writes_them(tmp_path):
    overlapping = TIMED.replace("10:00:03,000", "10:00:02,000")
    result = read_on(overlapping, tmp_path, "10:00:00:00")
    assert times(result) == [(1000, 2480), (2000, 3880)]
    assert said(result) == [
        ("note", NOTE.format(name="nah.srt", timecode="10:00:00:00")),
        ("error", "cue 2 (starts 10:00:02,000) overlaps cue 1 (line 1, 10:00:01,000 --> "
                  "10:00:02,480) at the bottom of the screen")]
    vtt = read_on("WEBVTT\n\n" + overlapping.replace(",", "."), tmp_path, "10:00:00:00",
                  name="nah.vtt")
    assert said(vtt)[1][1].startswith("cue 2 (starts 10:00:02.000) overlaps cue 1 (line 3, "
                                      "10:00:01.000 --> 10:00:02.480)")


def test_a_smpte_ttml_file_without_its_start_of_programme_takes_the_masters(tmp_path):
    # Before: an error asking for ebuttm:documentStartOfProgramme, though the master says it.
    text = document(PAL, ("10:00:01:12", "10:00:03:00"), ("10:00:03:05", "10:00:03:20"))
    result = read_on(text, tmp_path, "10:00:00:00", name="nah.ttml")
    assert said(result) == [("note", NOTE.format(name="nah.ttml", timecode="10:00:00:00")
                             + " (it gives no ebuttm:documentStartOfProgramme)")]
    assert times(result) == [(1480, 3000), (3200, 3800)]
    # Without a master, or one from another hour, the error stays.
    for timecode in (None, "09:00:00:00"):
        assert [d.code for d in read_on(text, tmp_path, timecode, name="nah.ttml").errors][0] \
            == "timing"
    # A file that gives its start of programme is read from it, whatever the master says.
    given = document(PAL, ("10:00:01:12", "10:00:03:00"), start="10:00:01:00")
    result = read_on(given, tmp_path, "10:00:00:00", name="nah.ttml")
    assert (times(result), said(result)) == ([(480, 2000)], [])


def test_the_note_on_a_media_time_ttml_file_gives_its_first_cues_frame_label(tmp_path):
    """A TTML file in media time writes 10:00:01.480; its subtitler's editor shows the frames
    of the programme's timecode, where on a drop-frame master that time is frame 10:00:01;14
    (1.468 s in, the nearest)."""
    text = document("", ("10:00:01.480", "10:00:02.480"), ("10:00:03.000", "10:00:03.880"))
    result = read_on(text, tmp_path, "10:00:00:00", name="nah.ttml")
    assert said(result) == [("note", NOTE.format(name="nah.ttml", timecode="10:00:00:00")
                             + "; its first cue (cue 1) begins on frame 10:00:01:12")]
    result = read_on(text, tmp_path, "10:00:00;00", 30000 / 1001, name="nah.ttml")
    assert times(result) == [(1480, 2480), (3000, 3880)]     # frames 44 and 90 of the master
    assert said(result) == [("note", NOTE.format(name="nah.ttml", timecode="10:00:00;00")
                             + "; its first cue (cue 1) begins on frame 10:00:01;14")]


def test_a_media_time_ttml_file_is_read_from_its_own_start_of_programme_not_the_masters(
        tmp_path):
    """Before, the drop-frame master's 10:00:00;00 (35999.964 s) put 10:00:01.000 at 1.036 s;
    the file says its programme starts at 10:00:00:00 of its own clock, 1 s before."""
    text = document("", ("10:00:01.000", "10:00:02.480"), start="10:00:00:00")
    result = read_on(text, tmp_path, "10:00:00;00", 30000 / 1001, name="nah.ttml")
    assert times(result) == [(1000, 2480)]
    assert said(result) == [("note", "nah.ttml is timed from its start of programme, "
                             "10:00:00:00 (ebuttm:documentStartOfProgramme): its times are "
                             "read from there")]
    # A start it does not read is said, and the master's timecode reads the file instead.
    result = read_on(text.replace("10:00:00:00<", "10:00<"), tmp_path, "10:00:00:00",
                     name="nah.ttml")
    assert times(result) == [(1000, 2480)]
    assert [severity for severity, _ in said(result)] == ["note", "warning"]
    assert said(result)[0][1].startswith(NOTE.format(name="nah.ttml", timecode="10:00:00:00"))


def test_a_variant_blocked_by_its_master_has_its_file_read_from_the_masters_timecode(
        campaign, masters):
    # Blocked by the master's missing sound, the language's file was checked without the
    # master: its missing start of programme was an error, to be found fixed once the sound was.
    shutil.copy(masters["mute"], campaign.root / "media/spot.mp4")
    campaign.subtitle("nah", document(PAL, ("10:00:01:12", "10:00:03:00")), suffix=".ttml")
    manifest = campaign.write([{"code": "nah", "treatment": "burn"}])
    result = CliRunner().invoke(cli, ["validate", str(manifest)], catch_exceptions=False)
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert len(errors) == 1 and "has no audio stream" in errors[0], result.stderr


def test_check_reads_the_file_from_the_masters_timecode_only_with_the_manifest(timecoded):
    path = timecoded.subtitle("nah", TIMED)
    manifest = timecoded.write([{"code": "nah", "treatment": "soft"}])
    alone = CliRunner().invoke(check, [str(path)], catch_exceptions=False)
    assert alone.exit_code == 0
    assert "cue 1 starts at 10:00:01,000, an hour or more into the video" in alone.stderr
    with_master = CliRunner().invoke(check, [str(path), "--manifest", str(manifest)],
                                     catch_exceptions=False)
    assert with_master.exit_code == 0, with_master.output
    assert notes(with_master.stderr) == [
        f"{path}: note: {NOTE.format(name='nah.srt', timecode='10:00:00:00')}"]
    assert with_master.stdout == f"{path}: 2 cues, 0 errors, 0 warnings\n"


# EBU-TT-D as converted from EBU-TT Part 1: media time, programme times from 10:00:00:00.
EBU_TT_D = document('ttp:frameRate="25"', ("10:00:01.000", "10:00:02.480"),
                    ("10:00:03.000", "10:00:03.880"), start="10:00:00:00")
FROM_START = ("{name} is timed from its start of programme, {start} "
              "(ebuttm:documentStartOfProgramme): its times are read from there")


def test_validate_and_check_read_an_ebu_tt_d_file_from_its_start_of_programme(campaign):
    # The campaign's master has no timecode: before, both files' cues were past its end.
    nah = campaign.subtitle("nah", EBU_TT_D, suffix=".ttml")
    tzo = campaign.subtitle("tzo", EBU_TT_D.replace(">10:00:00:00<", ">10:00:00:30<"),
                            suffix=".ttml")
    manifest = campaign.write([{"code": "nah", "treatment": "burn"},
                               {"code": "tzo", "treatment": "soft"}])
    result = CliRunner().invoke(cli, ["validate", str(manifest)], catch_exceptions=False)
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert notes(result.stderr) == [
        f"{nah}:3: note: {FROM_START.format(name='nah.ttml', start='10:00:00:00')}"]
    assert f"{tzo}:3: warning: ebuttm:documentStartOfProgramme '10:00:00:30' counts frame 30, " \
        "but at 25 fps a second has frames 0 to 24: the file's times are not read from it " \
        "(hint: check the frame number (the rate is the file's ttp:frameRate))" in lines, \
        result.stderr
    # One error for the two cues, at the first (a 5,000-cue file gave one a cue).
    assert [line for line in lines if ": error: " in line] == [
        f"{tzo}:5: error: cue 1 starts at 10:00:01.000, after the end of the video "
        "(00:00:04.000); so does the cue at line 6 (hint: check the hours of the times (a file "
        "timed to a tape's timecode starts at 01:00:00:00: subtract it in your editor), or that "
        "the file belongs to this spot)"]
    alone = CliRunner().invoke(check, [str(nah), "--manifest", str(manifest)],
                               catch_exceptions=False)
    assert alone.exit_code == 0, alone.output
    assert notes(alone.stderr) == notes(result.stderr)
    assert alone.stdout == f"{nah}: 2 cues, 0 errors, 0 warnings\n"


@pytest.mark.e2e
def test_an_ebu_tt_d_file_is_burned_from_its_start_of_programme(campaign):
    # Lines long enough to be told from the picture's noise at 320x180.
    nah = campaign.subtitle("nah", EBU_TT_D.replace(">cue 1<", ">Los seres humanos<").replace(
        ">cue 2<", ">no están a la venta<"), suffix=".ttml")
    manifest = campaign.write([{"code": "nah", "treatment": "burn"}])
    result = CliRunner().invoke(cli, ["render", str(manifest)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert notes(result.stderr) == [
        f"{nah}:3: note: {FROM_START.format(name='nah.ttml', start='10:00:00:00')}"]
    burned, master = campaign.out / "spot.nah.small.mp4", campaign.root / "media/spot.mp4"
    bottom = range(int(H * 0.7), int(H * 0.95))

    def drawn(at: float) -> float:
        return changed_fraction(gray_frame(burned, at, W, H), gray_frame(master, at, W, H), W,
                                bottom)

    # 10:00:01.000 is frame 25 of the master, at 1.00 s: drawn from it, not on frame 24.
    assert drawn(0.96) < 0.001 and drawn(1.0) > 0.01
    assert drawn(2.44) > 0.01 and drawn(2.6) < 0.001 and drawn(3.04) > 0.01


@pytest.mark.e2e
def test_a_preview_labels_its_tiles_with_the_files_own_times(timecoded, tmp_path):
    path = timecoded.subtitle("nah", TIMED)
    master = examine(probe_video(timecoded.root / "media/spot.mp4"))
    subtitles = read_subtitles(path, duration=master.info.duration, fps=master.info.video.fps,
                               timecode=master.info.timecode)
    small = Profile("small", W, H)
    args = ffmpeg_python.compile(tiles_graph(
        master, list(subtitles.cues), resolve_font("Noto Sans"), small, script(tmp_path),
        tmp_path, tmp_path, 0, seekable_picture(master.info, tmp_path), subtitles.format,
        subtitles.notation, subtitles.origin), cmd="ffmpeg")
    graph = args[args.index("-filter_complex") + 1]
    # Cue 1 is on screen from 1.00 s, its first frame: 10:00:01,000 on the file's time line.
    assert "text=1  10\\\\:00\\\\:01\\,000" in graph, graph
    manifest = timecoded.write([{"code": "nah", "treatment": "burn"}],
                               {"small": SMALL_PROFILES["small"]})
    result = CliRunner().invoke(cli, ["preview", str(manifest), "--lang", "nah", "--no-video"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert notes(result.stderr) == [
        f"{path}: note: {NOTE.format(name='nah.srt', timecode='10:00:00:00')}"]


def test_a_drop_frame_master_made_a_non_drop_tv_master_is_noted_with_the_key(campaign, masters):
    # A trial's 29.97 master from 09:59:58;00 came out 09:59:48:00 (the profile's default,
    # non-drop) without a word; an NTSC station labelling in drop-frame reads it 3.6 s an hour
    # apart. Noted at the profile, with the timecode to write; a drop-frame profile is not.
    shutil.copy(masters["29.97"], campaign.root / "media/spot.mp4")
    campaign.audio("yua")
    tv = {"base": "broadcast-prores", "width": 320, "height": 180,
          "leader": {"bars": 1, "black": 1}}
    manifest = campaign.write([{"code": "yua", "treatment": "dub"}], profiles={
        "tv": tv, "tv-df": tv | {"timecode": "09:59:58;00"}})
    result = CliRunner().invoke(cli, ["validate", str(manifest)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    said = [line for line in result.stderr.splitlines() if "non-drop-frame" in line]
    line = manifest.read_text().splitlines().index("  tv:") + 1
    assert said == [f"{manifest}:{line}: note: profile 'tv' writes spot spot's master in "
                    "non-drop-frame timecode (10:00:00:00), where its master's own is "
                    "drop-frame (10:00:00;00) (hint: for drop-frame, give the profile timecode: "
                    "\"10:00:00;00\")"], result.stderr
    # A minute whose first two labels drop-frame skips: the first label it has.
    manifest = campaign.write([{"code": "yua", "treatment": "dub"}], profiles={
        "tv": tv | {"timecode": "10:01:00:00"}})
    result = CliRunner().invoke(cli, ["validate", str(manifest)], catch_exceptions=False)
    assert 'give the profile timecode: "10:01:00;02")' in result.stderr, result.stderr
