"""Every command as people run it: the real `pipeline` script in a pseudo-terminal.

What CliRunner cannot show: the live progress display (only drawn on a terminal), colours,
cursor movement, a narrow window, Ctrl-C pressed on the keyboard (SIGINT to the whole
foreground process group, ffmpeg included), stdout piped while stderr stays on the terminal.
Each run asserts its exit code and that no Python traceback reached the terminal.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli.main import cli
from pipeline.render.batch import render_plan
from pipeline.render.plan import build_plan
from pipeline.render.reporting import ENCODED_SHARE
from tests import mediacheck
from tests import terminal as tty
from tests.conftest import Campaign, ffmpeg
from tests.faultproxy import Fault, FaultProxy
from tests.s3server import aws_env, bucket, s3_client, s3_server  # noqa: F401
from tests.test_watch_copying import Copy, dub_wav

# A master long and heavy enough that ffmpeg reports progress (every 0.5 s) at least once
# before it finishes burning subtitles into it, and that Ctrl-C lands mid-encode.
SLOW_SECONDS = 6.0
SLOW_PROFILE = {"slow": {"base": "web", "width": 640, "height": 360, "preset": "medium", "crf": 30}}
FAST_PROFILE = {"small": {"base": "web", "width": 320, "height": 180, "preset": "ultrafast",
                          "crf": 30}}
LANGUAGES = [{"code": "nah", "treatment": "burn"}, {"code": "tzo", "treatment": "soft"},
             {"code": "yua", "treatment": "dub"}]
INTERRUPTED = "interrupted: no partial files were left under final names"
STOP_SECONDS = 3.0    # from a Ctrl-C to the prompt, on a loaded machine


@pytest.fixture(scope="module")
def slow_master(tmp_path_factory) -> Path:
    """640x360 25 fps H.264 High (what the `slow` profile asks, so soft and dub copy it) with a
    tone, SLOW_SECONDS long."""
    path = tmp_path_factory.mktemp("slow") / "master.mp4"
    ffmpeg("-f", "lavfi", "-i", f"testsrc2=size=640x360:rate=25:duration={SLOW_SECONDS}",
           "-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={SLOW_SECONDS}",
           "-filter:a", "volume=-24dB,aformat=channel_layouts=stereo", "-c:v", "libx264",
           "-preset", "veryfast", "-profile:v", "high", "-pix_fmt", "yuv420p", "-g", "25",
           "-c:a", "aac", "-b:a", "96k", str(path))
    return path


def make_campaign(campaign: Campaign, profiles: dict, master: Path | None = None) -> Campaign:
    if master:
        shutil.copy(master, campaign.root / "media/spot.mp4")
    for language in LANGUAGES:
        if language["treatment"] in ("burn", "soft"):
            campaign.subtitle(language["code"])
        else:
            campaign.audio(language["code"])
    campaign.write(LANGUAGES, profiles=profiles)
    (campaign.root / "tmp").mkdir(exist_ok=True)
    return campaign


@pytest.fixture
def slow(campaign, slow_master) -> Campaign:
    return make_campaign(campaign, SLOW_PROFILE, slow_master)


@pytest.fixture
def fast(campaign) -> Campaign:
    return make_campaign(campaign, FAST_PROFILE)


def run(campaign: Campaign, *args, env: dict | None = None, **options) -> tty.TerminalRun:
    """`pipeline ARGS` in the campaign's folder on a terminal; temporary files in its tmp/."""
    result = tty.run([str(a) for a in args], cwd=campaign.root,
                     env={"TMPDIR": str(campaign.root / "tmp"), **(env or {})}, **options)
    assert "Traceback" not in result.text, result.describe()
    assert "progress display failed" not in result.text, result.describe()
    return result


def manifest(campaign: Campaign) -> str:
    return str(campaign.manifest.relative_to(campaign.root))


def leftovers(campaign: Campaign) -> list[Path]:
    """Temporary files a run must never leave: partial outputs, temporary folders."""
    return (sorted(campaign.root.rglob("*.partial*")) + sorted((campaign.root / "tmp").iterdir()))


def assert_complete_or_absent(campaign: Campaign, seconds: float) -> None:
    """Every variant under its final name is whole: its record is there, it plays to the end,
    and the catalog lists it with its bytes' checksum (and lists nothing else)."""
    made = {}
    for output in campaign.out.glob("spot.*.mp4"):
        if ".preview." in output.name:
            continue
        assert output.with_suffix(".json").exists(), f"{output} has no record"
        assert abs(mediacheck.duration(output) - seconds) < 0.2, output
        made[f"{campaign.out.name}/{output.name}"] = hashlib.sha256(output.read_bytes()).hexdigest()
    catalog = json.loads((campaign.out.parent / "catalog.json").read_text(encoding="utf-8"))
    assert {v["file"]: v["sha256"] for v in catalog["variants"]} == made


def assert_cursor_shown(result: tty.TerminalRun) -> None:
    """The live display hid the cursor; it must be shown again, whatever ended the run."""
    assert "\x1b[?25l" in result.output, "the live display never started"
    assert result.output.rindex("\x1b[?25h") > result.output.rindex("\x1b[?25l"), result.describe()


def variant_percentages(result: tty.TerminalRun, key: str) -> list[float]:
    """The percentages drawn on the rows of one variant's bar."""
    return [value for line in tty.drawn_lines(result.output) if key in line
            for value in tty.percentages(line)]


def interrupted(campaign: Campaign, *args, presses: int = 1) -> tty.TerminalRun:
    """`pipeline ARGS` with Ctrl-C pressed `presses` times as soon as a partial file exists;
    checked: it stopped with 130, said so once, and left no temporary file."""
    partial = tty.has_file(campaign.root / "build", ".*.partial*")
    result = run(campaign, *args,
                 steps=[(partial, tty.ctrl_c)] + [(lambda output: True, tty.ctrl_c)] * (presses - 1))
    assert len(result.steps) == presses, f"Ctrl-C not pressed: it ended first\n{result.describe()}"
    assert result.status == 130, result.describe()
    assert result.text.count(INTERRUPTED) == 1, result.describe()
    assert leftovers(campaign) == [], result.describe()
    return result


# --- render ---------------------------------------------------------------------------------

@pytest.mark.e2e
def test_render_on_a_terminal_shows_live_progress_and_the_summary(slow):
    """The main job as the media team runs it (issue 8: it crashed here, and only here)."""
    result = run(slow, "render", manifest(slow), "-j", "1")
    assert result.status == 0, result.describe()
    burned = variant_percentages(result, "test-campaign/spot.nah.slow")
    assert any(0 < value < 100 for value in burned), f"the bar never moved: {burned}"
    assert burned == sorted(burned), "the bar went backwards"
    # At most the encode's share until the file's checks are done (a trial's TV masters sat at
    # 100 % for 4 s while they were checked): the bar is taken down when the variant is.
    assert max(burned) <= 100 * ENCODED_SHARE, burned
    for key in ("nah", "tzo", "yua"):
        assert f"rendered test-campaign/spot.{key}.slow" in result.text
    assert "3 rendered, 0 up-to-date, 0 failed, 0 blocked" in result.screen
    assert [row for row in result.all_rows if row.startswith("3/3 variants")] == [
        next(row for row in result.all_rows if row.startswith("3/3 variants"))], \
        "the overall bar was drawn more than once: a redraw went wrong"
    assert "100.0%" in next(row for row in result.all_rows if row.startswith("3/3 variants"))
    assert_cursor_shown(result)
    assert leftovers(slow) == [], result.describe()
    again = run(slow, "render", manifest(slow))
    assert again.status == 0, again.describe()
    assert "%" not in again.text and tty.cursor_codes(again.output) == [], again.describe()
    assert "0 rendered, 3 up-to-date, 0 failed, 0 blocked" in again.screen


@pytest.mark.e2e
def test_ctrl_c_during_a_render_leaves_nothing_partial(slow):
    result = interrupted(slow, "render", manifest(slow), "-j", "2")
    # ffmpeg takes a signal as "finish the file": it flushed x264's lookahead and wrote every
    # output's trailer, for files then deleted (12-25 s on the demo campaign; see
    # test_ffmpeg_runner.py for a test that fails on that).
    assert result.seconds - result.steps[0] < STOP_SECONDS, result.describe()
    assert_cursor_shown(result)
    assert_complete_or_absent(slow, SLOW_SECONDS)
    assert not (slow.out / "spot.nah.slow.mp4").exists()   # the longest job was still running
    # What was kept, counted from the records (a media team's trial read "49.9 %" and took half
    # the work for safe): the variants whose files are there, of the 3 to render.
    made = sum((slow.out / f"spot.{code}.slow.json").exists() for code in ("nah", "tzo", "yua"))
    assert (f"{made} of 3 variants to render were made and kept before the stop; render again "
            f"for the rest ({3 - made}), from their start: work in progress is not kept"
            in " ".join(result.text.split())), result.describe()
    # The jobs Ctrl-C killed are said stopped, not failed (a trial's log grep for "failed"
    # would have paged someone).
    assert "failed" not in result.text and "stopped" in result.text, result.describe()


@pytest.mark.e2e
def test_ctrl_c_twice_still_cleans_up(slow):
    """Impatient people press it again while the first one is being handled."""
    interrupted(slow, "render", manifest(slow), "-j", "2", presses=2)
    assert_complete_or_absent(slow, SLOW_SECONDS)


@pytest.mark.e2e
def test_ctrl_c_beside_an_unreadable_record_still_says_interrupted(slow):
    """The catalog written after the interrupt cannot list a broken record: that is reported,
    and the interrupt stays what ends the command (it used to end with exit 1 and no
    "interrupted" line, the catalog not written)."""
    slow.out.mkdir(parents=True, exist_ok=True)
    (slow.out / "spot.yua.slow.json").write_text('{"broken', encoding="utf-8")
    result = interrupted(slow, "render", manifest(slow), "--lang", "nah", "--lang", "tzo")
    assert "spot.yua.slow.json: error: render record unreadable" in result.text, result.describe()
    catalog = json.loads((slow.out.parent / "catalog.json").read_text(encoding="utf-8"))
    assert all("yua" not in v["file"] for v in catalog["variants"])


@pytest.mark.e2e
def test_ctrl_c_held_down_still_cleans_up_and_says_so_once(slow):
    """Presses every 25 ms through the whole clean-up: one of them used to land between the
    first interrupt and the handler that ignores the rest, and the command died with a traceback
    instead of its "interrupted" line."""
    partial = tty.has_file(slow.root / "build", ".*.partial*")
    result = run(slow, "render", manifest(slow), "-j", "2", steps=[(partial, tty.ctrl_c_held)])
    assert result.status == 130, result.describe()
    assert result.text.count(INTERRUPTED) == 1, result.describe()
    assert "Traceback" not in result.text, result.describe()
    assert leftovers(slow) == [], result.describe()
    assert_complete_or_absent(slow, SLOW_SECONDS)


@pytest.mark.e2e
def test_a_narrow_terminal_gets_bars_that_fit(slow):
    result = run(slow, "render", manifest(slow), "-j", "1", columns=40)
    assert result.status == 0, result.describe()
    drawn = [line for line in tty.drawn_lines(result.output) if "%" in line]
    assert drawn and all(len(line) <= 40 for line in drawn), [l for l in drawn if len(l) > 40]
    assert any(0 < value < 100 for value in variant_percentages(result, "nah.slow"))
    overall = [row for row in result.all_rows if row.startswith("3/3 variants")]
    assert len(overall) == 1, result.describe()
    assert "3 rendered, 0 up-to-date, 0 failed, 0" in result.text
    # The summary's rows would not fit: the campaign said once above its variants, each
    # variant's status on its row, its loudness under it.
    rows = [row.rstrip() for row in result.all_rows]
    assert "test-campaign/" in rows, result.describe()
    (row,) = [row for row in rows if row.startswith("  spot.nah.slow ")]
    assert re.fullmatch(r"  spot\.nah\.slow +rendered +\d+\.\d", row), result.describe()
    assert re.fullmatch(r" {4}-\d+\.\d LUFS -?\d+\.\d dBTP", rows[rows.index(row) + 1]), \
        result.describe()


LONG = {"campaign": "blue-heart-television",
        "profiles": {"broadcast-mxf-review": {**FAST_PROFILE["small"]}, "voice-note": None}}


@pytest.mark.e2e
def test_the_summary_fits_an_80_column_terminal_and_stays_whole_when_piped(campaign):
    # A trial: in an 80-column terminal, the demo's keys and loudness made each of the
    # summary's rows wrap onto a second line.
    for code in ("yua", "mto"):
        campaign.audio(code)
    campaign.write([{"code": "yua", "treatment": "dub"}, {"code": "mto", "treatment": "dub"}],
                   **LONG)
    (campaign.root / "tmp").mkdir()
    stems = [f"spot.{code}.{profile}" for code in ("mto", "yua")
             for profile in ("broadcast-mxf-review", "voice-note")]
    mono = r"-\d+\.\d LUFS -?\d+\.\d dBTP \(mono measured as dual mono; -\d+\.\d LUFS on one " \
           r"channel, BS\.1770\)"
    piped = run(campaign, "render", manifest(campaign), columns=80, stdout_to_pipe=True)
    assert piped.status == 0, piped.describe()
    lines = piped.text.splitlines()
    for stem in stems:       # whole: key, status, seconds and loudness on one line
        figures = mono if stem.endswith("voice-note") else r"-\d+\.\d LUFS -?\d+\.\d dBTP"
        assert any(re.fullmatch(rf"blue-heart-television/{re.escape(stem)} +rendered +\d+\.\d[* ] "
                                + figures, line) for line in lines), (stem, piped.describe())
    # The voice note is mono (ffprobe), which the dual-mono note is about.
    (audio,) = mediacheck.streams(campaign.root / "build/blue-heart-television/spot/"
                                  "spot.mto.voice-note.ogg")
    assert audio["channels"] == 1

    shown = run(campaign, "render", manifest(campaign), "--force", columns=80,
                stderr_to=campaign.root / "stderr.txt")     # the terminal shows stdout alone
    assert shown.status == 0, shown.describe()
    drawn = tty.drawn_lines(shown.output)
    lines = drawn[max(at for at, line in enumerate(drawn) if line.startswith("variant")):]
    assert max(map(len, lines)) <= 80, [line for line in lines if len(line) > 80]
    assert "blue-heart-television/" in lines, shown.describe()
    for stem in stems:
        (row,) = [line for line in lines if line.startswith(f"  {stem} ")]
        under = lines[lines.index(row) + 1]
        if stem.endswith("voice-note"):    # no room: its loudness under its row, at spaces
            assert re.fullmatch(rf"  {re.escape(stem)} +rendered +\d+\.\d\*?", row), row
            rest = lines[lines.index(row) + 1:lines.index(row) + 3]
            assert all(line.startswith("    ") for line in rest), shown.describe()
            assert re.fullmatch(mono, " ".join(line.strip() for line in rest)), rest
        else:
            assert re.fullmatch(rf"  {re.escape(stem)} +rendered +\d+\.\d[* ] -\d+\.\d LUFS "
                                r"-?\d+\.\d dBTP", row), row
            assert not under.startswith("    "), shown.describe()


def test_a_table_too_wide_for_the_terminal_is_fitted_to_it():
    from pipeline.cli.outcomes import Row, table_lines

    mono = "-16.0 LUFS -1.0 dBTP (mono measured as dual mono; -19.0 LUFS on one channel, BS.1770)"
    rows = [Row("blue-heart", "not-for-sale-15.nah.web", "rendered", 12.2, "-16.1 LUFS -1.2 dBTP"),
            Row("blue-heart-radio", "not-for-sale-radio-20.nah.voice-note", "remade", 1.2, mono),
            Row("blue-heart-tv", "not-for-sale-15.yua.broadcast-prores", "failed", 40.2, "")]
    whole = table_lines(rows, None)
    assert whole == table_lines(rows, 200)       # piped, or room enough: as it always was
    assert whole[2].startswith("blue-heart-radio/not-for-sale-radio-20.nah.voice-note remade ")
    assert whole[2].endswith(mono) and whole[3].endswith("failed       40.2")
    for width in (80, 60, 40, 30):
        lines = table_lines(rows, width)
        assert max(map(len, lines)) <= width, (width, lines)
        assert lines[1] == "blue-heart/" and "blue-heart-tv/" in lines
        for row in rows:      # each status on its variant's row, the key's end kept
            found = [match for line in lines if (match := re.fullmatch(
                rf"  (…?)(\S+) +{row.status} +{row.seconds}(  {re.escape(row.loudness)})?",
                line))]
            assert len(found) == 1, (width, row, lines)
            elided, end = found[0].group(1, 2)
            assert row.stem.endswith(end) and len(end) >= 9 and (elided or end == row.stem)
        # Figures stay with their units: "-1.0" never ends a line whose "dBTP" starts the next.
        assert not any(re.search(r"\d$", line) for line in lines if line.startswith("    "))
    assert table_lines(rows, 40)[2] == "  …for-sale-15.nah.web rendered     12.2"


@pytest.mark.e2e
def test_the_overall_count_that_does_not_fit_is_its_figures_alone():
    from rich.progress import Progress

    from pipeline.cli.bars import KeyColumn
    progress = Progress()
    task = progress.add_task("84/364 variants", short="84/364", overall=True)
    (row,) = [each for each in progress.tasks if each.id == task]
    assert KeyColumn(15).render(row).plain == "84/364 variants"
    assert KeyColumn(12).render(row).plain == "84/364"


def test_a_job_s_seconds_are_marked_on_each_of_its_rows():
    from pipeline.cli.outcomes import SHARED, SHARED_NOTE, Row, table_lines

    rows = [Row("blue-heart", "not-for-sale-15.nah.web", "rendered", 12.2, "-16.1 LUFS -1.2 dBTP", 2),
            Row("blue-heart", "not-for-sale-15.yua.web", "rendered", 3.1, "-16.0 LUFS -1.5 dBTP")]
    for width in (None, 60, 40):
        lines = table_lines(rows, width)
        assert max(map(len, lines)) <= (width or 200), lines
        assert any(re.search(r"nah\.web rendered +12\.2\*( -16\.1 LUFS|$)", line) for line in lines)
        assert any(re.search(r"yua\.web rendered +3\.1( {2}-16\.0 LUFS|$)", line) for line in lines)
    # The loudness column starts at the same cell on both rows: the mark takes a space.
    whole = table_lines(rows, None)
    assert whole[1].index("-16.1") == whole[2].index("-16.0") == whole[0].index("loudness")
    # The job's mark is the one its note explains.
    assert (SHARED_NOTE % {"mark": SHARED}).startswith(SHARED + " made at once")
    assert all(SHARED in line for line in table_lines(rows, None) if "nah.web" in line)


def test_a_long_list_of_variants_is_broken_at_spaces_to_the_terminal_s_width():
    from pipeline.cli.outcomes import wrapped

    keys = ", ".join(f"blue-heart-tv/not-for-sale-15.l{n}.broadcast-prores" for n in range(126))
    text = f"  126 variants failed with it: {keys}"
    assert wrapped(text, None) == [text]                     # piped: one line, as tools read it
    for width in (80, 60):      # a key wider than the terminal (56 cells here) is not cut
        lines = wrapped(text, width)
        assert max(map(len, lines)) <= width and len(lines) > 1, lines
        assert lines[0].startswith("  126 variants") and all(
            line.startswith("    ") for line in lines[1:])
        # Every key whole, none cut at a hyphen.
        assert " ".join(line.strip() for line in lines) == text.strip()


def test_the_planning_spinner_s_words_fit_beside_it():
    from pipeline.cli.progress import planning_text

    assert planning_text(3, 200) == ("planning: reading 3 manifests, probing the masters, "
                                     "hashing and checking the inputs...")
    for width in (100, 80, 60, 40, 20):     # a trial's 80 columns wrapped the whole sentence
        assert len(planning_text(1, width)) + 2 < width or planning_text(1, width) == \
            "planning...", width
    assert planning_text(1, 80) == "planning: reading the manifest, probing and hashing..."


def test_no_color_means_no_colour_escapes(fast):
    result = run(fast, "render", manifest(fast), env={"NO_COLOR": "1"})
    assert result.status == 0, result.describe()
    assert "%" in result.text   # the live display was there
    assert tty.colour_codes(result.output) == []
    assert "3 rendered" in result.text


@pytest.mark.e2e
def test_a_dumb_terminal_gets_plain_lines(fast):
    result = run(fast, "render", manifest(fast), env={"TERM": "dumb"})
    assert result.status == 0, result.describe()
    assert tty.cursor_codes(result.output) == []
    assert tty.colour_codes(result.output) == []
    lines = result.text.splitlines()
    assert "[3/3] rendered" in result.text
    assert any(re.fullmatch(r"\[[0-2]/3\] start    test-campaign/spot\.nah\.small", line)
               for line in lines), lines
    assert "3 rendered, 0 up-to-date, 0 failed, 0 blocked" in lines


@pytest.mark.e2e
def test_piped_stdout_gets_plain_lines_and_stderr_stays_on_the_terminal(fast):
    result = run(fast, "render", manifest(fast), stdout_to_pipe=True)
    assert result.status == 0, result.describe()
    assert tty.cursor_codes(result.output) == [] and "%" not in result.text
    assert "test-campaign/spot.yua.small" in result.text
    assert "3 rendered, 0 up-to-date, 0 failed, 0 blocked" in result.text.splitlines()


@pytest.mark.e2e
def test_quiet_prints_errors_and_the_summary_only(fast):
    slow_cps = "1\n00:00:00,500 --> 00:00:01,000\nUna línea demasiado larga para medio segundo\n"
    fast.subtitle("nah", slow_cps)           # a warning: reads too fast
    result = run(fast, "render", manifest(fast), "-q")
    assert result.status == 0, result.describe()
    assert result.text.strip().splitlines() == ["3 rendered, 0 up-to-date, 0 failed, 0 blocked"]
    fast.audio("yua", "silent.mp4")          # an error: a dub track without audio
    result = run(fast, "render", manifest(fast), "--force", "-q")
    assert result.status == 1, result.describe()
    lines = result.text.strip().splitlines()
    assert lines[-1] == "2 rendered, 0 up-to-date, 0 failed, 1 blocked", result.describe()
    assert all(": error: " in line for line in lines[:-1]) and lines[:-1], result.describe()


@pytest.mark.e2e
def test_verbose_logging_goes_above_the_live_display(fast):
    result = run(fast, "render", manifest(fast), "-v", "-j", "1")
    assert result.status == 0, result.describe()
    assert "ffmpeg -hide_banner" in result.text
    overall = [row for row in result.all_rows if row.startswith("3/3 variants")]
    assert len(overall) == 1, result.describe()


@pytest.mark.e2e
@pytest.mark.e2e
def test_a_master_being_checked_says_so_on_its_row(campaign, slow_master):
    """A TV master's checks after its encode (probe, meter reading, certificate) took 4 s of a
    trial's, its bar held at 100 % and then at 95 % as if hung: the row says `check`."""
    shutil.copy(slow_master, campaign.root / "media/spot.mp4")
    campaign.audio("yua")
    campaign.write([{"code": "yua", "treatment": "dub"}],
                   profiles={"broadcast-mxf": {"leader": None}})
    (campaign.root / "tmp").mkdir(exist_ok=True)
    result = run(campaign, "render", manifest(campaign))
    assert result.status == 0, result.describe()
    rows = [line for line in tty.drawn_lines(result.output) if "spot.yua.broadcast-mxf" in line
            and tty.percentages(line)]
    checking = [line for line in rows if "check" in line]
    assert checking, rows
    assert all(tty.percentages(line) == [100 * ENCODED_SHARE] for line in checking), rows
    assert all("check" in line for line in rows if tty.percentages(line) == [95.0]), rows


@pytest.mark.e2e
def test_shared_work_has_a_row_and_moves_the_total_before_any_variant_starts(campaign):
    """A trial's soft and dub languages sat at "0.0%" with no row while their one shared
    picture was encoded and their sound levelled: that work is a row of its own now."""
    campaign.subtitle("tzo")
    campaign.audio("yua")
    # 640x360 from the 320x180 master: one picture for both, encoded before their copies.
    campaign.write([{"code": "tzo", "treatment": "soft"}, {"code": "yua", "treatment": "dub"}],
                   profiles=SLOW_PROFILE)
    result = run(campaign, "render", manifest(campaign), "-j", "1")
    assert result.status == 0, result.describe()
    before = tty.plain(result.output).split("spot.tzo.slow")[0]   # before a variant's row
    lines = tty.drawn_lines(before)
    picture = [value for line in lines if "spot.slow picture" in line
               for value in tty.percentages(line)]
    assert any(0 < value for value in picture), f"no picture row with its progress: {picture}"
    assert any("test-campaign/spot.yua.slow sound" in line for line in lines), lines
    totals = [value for line in lines if line.startswith("0/2 variants")
              for value in tty.percentages(line)]
    assert any(0 < value < 100 for value in totals), f"the total did not move: {totals}"


def test_the_total_rises_with_the_work_before_any_variant_is_done(slow):
    """With ~80 variants the running bars are cut, and the total is the line people read: it
    moved only when a variant ended (minutes at "28.6%"), and the bars of a burn group stayed
    at 0 % until the decode reached its poster's time (ffmpeg 5.1 reports nothing until every
    output has written its header). Here the burn's poster is at 90 % of the spot."""
    slow.subtitle("nah", "1\n00:00:05,000 --> 00:00:05,800\ntarde\n")
    result = run(slow, "render", manifest(slow), "-j", "1")
    assert result.status == 0, result.describe()
    before = tty.plain(result.output).split("rendered ")[0]
    totals = [value for line in tty.drawn_lines(before) if line.startswith("0/3 variants")
              for value in tty.percentages(line)]
    assert any(0 < value < 100 for value in totals), f"the total did not move: {totals}"
    burned = [value for line in tty.drawn_lines(before) if "spot.nah.slow" in line
              for value in tty.percentages(line)]
    # Its first report came with the poster: 27 % with the poster at 60 % (x264's lookahead,
    # ~2 s, behind the decode), so about 57 % here; now with the first frames encoded (up to
    # 16 % seen, as the screen is sampled; 35 % on a machine loaded six times over, where the
    # screen was drawn about every third of the spot).
    assert 0 < next(value for value in burned if value > 0) < 50, f"the bar jumped: {burned}"


class Sampled:
    """The render's real progress display (bars.RichReporter, drawn into a string), its overall
    row read after each thing it is told: (seconds since it started, percentage, key)."""

    def __init__(self, plan):
        from rich.console import Console

        from pipeline.cli.bars import RichReporter
        self.display = RichReporter(plan, console=Console(file=io.StringIO(), width=100,
                                                          force_terminal=True))
        self.samples: list[tuple[float, float, str]] = []

    def __enter__(self):
        self.display.__enter__()
        self.began = time.monotonic()
        self._sample()
        return self

    def __exit__(self, *exc):
        self.display.__exit__(*exc)

    def _sample(self) -> None:
        (row,) = [task for task in self.display._bars.tasks if task.fields.get("overall")]
        self.samples.append((time.monotonic() - self.began, row.percentage, row.description))

    def __getattr__(self, name):
        told = getattr(self.display, name)
        if not callable(told):
            return told

        def tell(*args, **kwargs):
            told(*args, **kwargs)
            self._sample()
        return tell


@pytest.mark.e2e
def test_the_total_s_share_is_about_the_time_s_share_and_its_row_counts_the_variants_done(slow):
    """A trial's render of 21 languages said "90 %" and an ETA of seconds with 84 of 364
    variants done: the audio-only variants and the copies, run last, weighed a twentieth of
    their time (a picture's pixels times seconds against a copy's seconds). They are weighed by
    the schedule's estimated CPU seconds now. The row said "364 variants" to the end; it says
    how many are done of them."""
    dubs = [{"code": code, "treatment": "dub"} for code in ("tar", "mxt")]
    for language in dubs:
        slow.audio(language["code"])
    # Audio-only variants serve dub languages: 9 of them, made last, and 5 pictures.
    slow.write(LANGUAGES + dubs, profiles={**SLOW_PROFILE, "voice-note": None,
                                           "memo": {"base": "voice-note"},
                                           "note": {"base": "voice-note"}})
    plan = build_plan([slow.manifest])
    with Sampled(plan) as display:
        outcomes = render_plan(plan, jobs=1, reporter=display)
    assert [o.status for o in outcomes] == ["rendered"] * 14, outcomes
    seconds = display.samples[-1][0]
    # The share of the work shown against the share of the time gone, at each change: with
    # the old weights the row ran up to 50 points ahead (and the ETA fell to nothing) while the
    # audio-only variants were made; now within about 15 either way, 25 on a loaded machine.
    off = [(round(percent - 100 * at / seconds), round(at, 1), description)
           for at, percent, description in display.samples]
    assert all(-35 <= gap <= 20 for gap, _, _ in off), off
    assert display.samples[-1][1:] == (100.0, "14/14 variants"), display.samples
    counts = [int(description.split("/")[0]) for _, _, description in display.samples]
    assert counts == sorted(counts) and counts[0] == 0, display.samples
    assert {description for _, _, description in display.samples} == {
        f"{done}/14 variants" for done in range(15)}


@pytest.mark.e2e
def test_a_second_render_of_a_campaign_waits_for_the_first_and_says_so(slow):
    """Two renders side by side: the older one rewrote shared sidecars with old subtitles
    after the newer one had written them. The second waits, says for whom, then plans from
    what the first left (all up to date)."""
    first = subprocess.Popen([str(tty.PIPELINE), "render", manifest(slow), "-j", "1"],
                             cwd=slow.root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             env={**os.environ, "TMPDIR": str(slow.root / "tmp")})
    try:
        lock = slow.root / "build/test-campaign/.pipeline.lock"
        deadline = time.monotonic() + 30
        while f"pid={first.pid}" not in (lock.read_text() if lock.exists() else ""):
            assert time.monotonic() < deadline and first.poll() is None, "the first never locked"
            time.sleep(0.05)
        still_running = []
        second = run(slow, "render", manifest(slow),
                     steps=[(tty.shows("waiting for another render of this campaign"),
                             lambda child: still_running.append(first.poll() is None))])
        assert still_running == [True], second.describe()
        assert f"(pid {first.pid}, started " in second.text, second.describe()
        assert first.wait(timeout=5) == 0
        assert second.status == 0, second.describe()
        assert "0 rendered, 3 up-to-date, 0 failed, 0 blocked" in second.screen, second.describe()
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()


# --- plan and check: --json stays JSON on a terminal ----------------------------------------

def test_plan_json_on_a_terminal_is_json(fast):
    errors = fast.root / "stderr.txt"
    result = run(fast, "plan", manifest(fast), "--json", stderr_to=errors)
    assert result.status == 0, result.describe()
    plan = json.loads(result.text)
    assert sorted(v["status"] for v in plan["variants"]) == ["stale"] * 3
    text_plan = run(fast, "plan", manifest(fast))
    assert text_plan.status == 0 and "3 to render" in text_plan.text


def test_check_on_a_terminal(fast):
    good = fast.root / "subtitles/spot/nah.srt"
    bad = fast.subtitle("tzo", "1\n00:00:01,000 --> 00:00:00,500\nal revés\n")
    result = run(fast, "check", good)
    assert result.status == 0, result.describe()
    assert "nah.srt: 2 cues, 0 errors" in result.text
    result = run(fast, "check", good, bad, columns=40)
    assert result.status == 1, result.describe()
    # Typed with its full path, in the campaign's folder: named from there, as validate does.
    assert "subtitles/spot/tzo.srt:1: error: cue 1 ends before it starts" \
        in result.text.replace("\n", "")
    errors = fast.root / "stderr.txt"
    result = run(fast, "check", good, bad, "--json", stderr_to=errors)
    assert result.status == 1, result.describe()
    report = json.loads(result.text)
    assert report["errors"] == 1 and [f["path"] for f in report["files"]] == [str(good), str(bad)]


# --- preview --------------------------------------------------------------------------------

@pytest.mark.e2e
def test_preview_on_a_terminal(fast):
    result = run(fast, "preview", manifest(fast), "--lang", "nah")
    assert result.status == 0, result.describe()
    assert "spot nah: 2 cues" in result.text
    assert (fast.out / "spot.nah.preview.png").exists() and (fast.out / "spot.nah.preview.mp4").exists()
    assert leftovers(fast) == []


@pytest.mark.e2e
def test_ctrl_c_during_a_preview_leaves_nothing_partial(slow):
    interrupted(slow, "preview", manifest(slow), "--lang", "nah")
    assert not (slow.out / "spot.nah.preview.mp4").exists()


# --- publish and verify ---------------------------------------------------------------------

@pytest.fixture
def rendered(fast) -> Campaign:
    result = CliRunner().invoke(cli, ["render", str(fast.manifest)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return fast


@pytest.mark.e2e
def test_publish_and_verify_on_a_terminal(rendered):
    result = run(rendered, "publish", manifest(rendered), "--to", "file://dist")
    assert result.status == 0, result.describe()
    uploaded = [line.split()[1] for line in result.text.splitlines()
                if line.startswith("  uploaded ")]
    assert {f"test-campaign/spot/spot.{code}.small.mp4" for code in ("nah", "tzo", "yua")} <= \
        set(uploaded) and "test-campaign/catalog.json" in uploaded, result.describe()
    assert f"test-campaign: {len(uploaded)} uploaded" in result.text, result.describe()
    assert leftovers(rendered) == []
    result = run(rendered, "verify", "dist/test-campaign")
    assert result.status == 0, result.describe()
    assert "test-campaign: 3 of 3 variants verified" in result.text
    published = rendered.root / "dist/test-campaign/spot/spot.tzo.small.mp4"
    data = bytearray(published.read_bytes())
    data[-100] ^= 0xFF
    published.write_bytes(bytes(data))
    result = run(rendered, "verify", "dist/test-campaign", columns=40)
    assert result.status == 1, result.describe()
    assert "FAILED" in result.text and "2 of 3 variants verified" in result.text


@pytest.mark.e2e
def test_ctrl_c_during_a_publish_leaves_no_catalog_and_no_partial_upload(rendered, s3_server,
                                                                         bucket):
    with FaultProxy(s3_server) as proxy:
        # A slow store: every upload takes a while, so Ctrl-C lands between two of them.
        proxy.add(Fault("delay", method="PUT", times=None, seconds=0.4))
        result = run(rendered, "publish", manifest(rendered), "--to", f"s3://{bucket}/spots",
                     "--endpoint-url", proxy.url,
                     steps=[(tty.shows("uploaded"), tty.ctrl_c)])
    assert result.steps, "Ctrl-C was never pressed"
    assert result.status == 130, result.describe()
    assert result.text.count(INTERRUPTED) == 1, result.describe()
    # What was left said as publish's (a trial was told only of partial files).
    assert any(line.endswith(
        f"error: publish interrupted: the catalog at s3://{bucket}/spots/test-campaign was not "
        "updated (hint: publish again; objects already up are not sent twice)")
        for line in tty.said(result)), result.describe()
    client = s3_client(s3_server)
    keys = [o["Key"] for o in client.list_objects_v2(Bucket=bucket).get("Contents", [])]
    assert keys and not any(k.endswith(("catalog.json", "index.html")) for k in keys), keys
    assert client.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []
    again = run(rendered, "publish", manifest(rendered), "--to", f"s3://{bucket}/spots",
                "--endpoint-url", s3_server)
    assert again.status == 0, again.describe()
    assert f"{len(keys)} unchanged" in again.text, again.describe()


# --- watch ----------------------------------------------------------------------------------

SRT_NEW = "1\n00:00:00,500 --> 00:00:02,800\nYancuic tlahtolli\n"


@pytest.fixture
def watched(slow) -> Campaign:
    result = CliRunner().invoke(cli, ["render", str(slow.manifest)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return slow


def save(campaign: Campaign):
    return lambda child: campaign.subtitle("nah", SRT_NEW)


@pytest.mark.e2e
def test_watch_on_a_terminal_shows_progress_and_stops_cleanly(watched):
    before = (watched.out / "spot.nah.slow.mp4").read_bytes()
    result = run(watched, "watch", manifest(watched), "--debounce", "100",
                 steps=[(tty.shows("Ctrl-C to stop"), save(watched)),
                        (tty.shows("rendered    test-campaign/spot.nah.slow"), tty.ctrl_c)])
    assert len(result.steps) == 2, result.describe()
    assert result.status == 0, result.describe()
    assert any(0 < value < 100 for value in variant_percentages(result, "nah.slow")), \
        result.describe()
    assert "stopped watching" in result.screen[-1] or "stopped watching" in result.all_rows[-1]
    assert result.text.count("stopped watching") == 1
    assert (watched.out / "spot.nah.slow.mp4").read_bytes() != before
    assert_cursor_shown(result)
    assert leftovers(watched) == []


@pytest.mark.e2e
def test_ctrl_c_while_watch_renders_keeps_the_previous_render(watched):
    before = (watched.out / "spot.nah.slow.mp4").read_bytes()
    result = run(watched, "watch", manifest(watched), "--debounce", "100",
                 steps=[(tty.shows("Ctrl-C to stop"), save(watched)),
                        # While the picture encodes: the video's own partial is only its
                        # last step's (the encode's file muxed with its sound, then renamed),
                        # and a Ctrl-C there found the new video in place on a busy machine.
                        (tty.encoding("spot.nah.slow"), tty.ctrl_c)])
    assert len(result.steps) == 2, result.describe()
    assert result.status == 130, result.describe()
    assert "the render of test-campaign/spot.nah.slow was abandoned" in result.text
    assert result.text.count("stopped watching") == 1
    assert (watched.out / "spot.nah.slow.mp4").read_bytes() == before
    assert leftovers(watched) == []
    assert_cursor_shown(result)



@pytest.mark.e2e
def test_watch_with_a_language_from_the_environment_renders_that_language_only(fast):
    # Both languages saved; only PIPELINE_WATCH_LANG's is checked and rendered. tzo rendered
    # first: watch would otherwise catch up with it on starting, before the saves.
    rendered = CliRunner().invoke(cli, ["render", str(fast.manifest), "--lang", "tzo"],
                                  catch_exceptions=False)
    assert rendered.exit_code == 0, rendered.output
    result = run(fast, "watch", manifest(fast), "--debounce", "100",
                 env={"PIPELINE_WATCH_LANG": "tzo"},
                 steps=[(tty.shows("Ctrl-C to stop"),
                         lambda child: (fast.subtitle("nah", SRT_NEW), fast.subtitle("tzo", SRT_NEW))),
                        (tty.shows("rendered    test-campaign/spot.tzo.small"), tty.ctrl_c)])
    assert len(result.steps) == 2, result.describe()
    assert result.status == 0, result.describe()
    assert "nah" not in result.text, result.describe()
    assert "1 variant " in result.text and "1 variants" not in result.text, result.describe()
    assert not (fast.out / "spot.nah.small.mp4").exists()
    assert leftovers(fast) == []

@pytest.mark.e2e
def test_ctrl_c_while_watch_waits_for_a_copy_stops_it_at_once_and_cleanly(fast, tmp_path):
    # The wait for a file still being copied is where a watch spends minutes (a programme's
    # dub over a share): Ctrl-C there must end it as at any other idle moment, not once the
    # copy is over, and nothing of the part copied so far may be checked or rendered.
    done = CliRunner().invoke(cli, ["render", str(fast.manifest)], catch_exceptions=False)
    assert done.exit_code == 0, done.output
    made = outputs(fast)
    copy = Copy(dub_wav(tmp_path / "yua.wav"), fast.root / "audio/spot/yua.wav", chunks=200,
                pause=0.1)                                          # 20 s
    try:
        result = run(fast, "watch", manifest(fast), "--debounce", "100", timeout=60,
                     steps=[(tty.shows("Ctrl-C to stop"), lambda child: copy.start()),
                            (tty.shows("to finish copying"), tty.ctrl_c)])
    finally:
        copy.halt.set()
    assert len(result.steps) == 2, result.describe()
    assert copy.ended is None, "the copy ended before Ctrl-C: nothing was waited for"
    assert result.seconds - result.steps[-1] < STOP_SECONDS, result.describe()
    assert result.status == 0, result.describe()        # no render was running
    said = [line for line in result.text.splitlines() if line.strip()]
    # Watched from the campaign's folder: the file named from there.
    assert said[1].startswith("waiting for audio/spot/yua.wav to finish copying ("), \
        result.describe()
    assert said[2:] == ["stopped watching"], result.describe()
    assert outputs(fast) == made
    assert leftovers(fast) == []


def outputs(campaign: Campaign) -> dict[str, bytes]:
    """The campaign's renders, records and catalog (not its lock and caches, which any run
    writes), by path."""
    return {str(path.relative_to(campaign.root)): path.read_bytes()
            for path in (campaign.root / "build").rglob("*")
            if path.is_file() and not path.name.startswith(".")}


def renewed(campaign: Campaign, names: list[str]):
    """A moment: as soon as one of the variants `names` (file names in the spot's folder) has a
    record other than the one it had when this was called: rendered again, in place."""
    before = {name: (campaign.out / name).with_suffix(".json").read_bytes() for name in names}

    def moment(output: str) -> bool:
        for name, record in before.items():
            path = (campaign.out / name).with_suffix(".json")
            if path.exists() and path.read_bytes() != record:
                return True
        return False
    return moment


@pytest.mark.e2e
def test_ctrl_c_as_watch_finishes_a_variant_leaves_the_catalog_listing_it(watched):
    # Two languages saved at once: Ctrl-C as soon as the soft one is rendered again, while the
    # burned one encodes. The catalog kept the first's old checksum (it was written only after
    # the whole change's renders), and a translator opening the page saw the previous render.
    # Two jobs: with watch's one, the soft copy (a fraction of a second) came after the burn,
    # and a Ctrl-C at the burn's new record sometimes found the copy done as well.
    result = run(watched, "watch", manifest(watched), "--debounce", "100", "-j", "2",
                 steps=[(tty.shows("Ctrl-C to stop"),
                         lambda child: (watched.subtitle("tzo", SRT_NEW), save(watched)(child))),
                        (tty.all_of(renewed(watched, ["spot.tzo.slow.mp4"]),
                                    tty.encoding("spot.nah.slow")), tty.ctrl_c)])
    assert len(result.steps) == 2, result.describe()
    assert result.status == 130, result.describe()      # the other one was still rendering
    assert "was abandoned" in result.text, result.describe()
    assert_complete_or_absent(watched, SLOW_SECONDS)
    assert leftovers(watched) == []


def logged_ffmpeg(campaign: Campaign) -> tuple[dict[str, str], Path]:
    """An environment whose FFMPEG is the real ffmpeg behind a script that first writes its
    arguments, one run a line, to the returned log: which ffmpeg runs a command started."""
    log = campaign.root / "ffmpeg-runs.log"
    script = campaign.root / "ffmpeg-logged"
    script.write_text(f'#!/bin/sh\nprintf "%s\\n" "$*" >> "{log}"\nexec "{ffmpeg_path()}" "$@"\n',
                      encoding="utf-8")
    script.chmod(0o755)
    return {"FFMPEG": str(script)}, log


def ffmpeg_path() -> str:
    found = shutil.which("ffmpeg")
    assert found, "ffmpeg is not installed: run `make setup` (apt-get install ffmpeg)"
    return found


def encodes(log: Path) -> list[str]:
    """The logged ffmpeg runs that read a file (not `ffmpeg -version` and the like)."""
    runs = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    return [line for line in runs if " -i " in f" {line} "]


def for_a_while(moment, seconds: float):
    """A moment: `seconds` after `moment` first said yes."""
    since: list[float] = []

    def later(output: str) -> bool:
        if not since and moment(output):
            since.append(time.monotonic())
        return bool(since) and time.monotonic() - since[0] >= seconds
    return later


@pytest.mark.e2e
def test_watch_catches_up_with_a_subtitle_edited_before_it_started(fast):
    # A translator edited her file, then started watch: `plan` said her variant was stale,
    # watch said "watching" and nothing more until she saved again.
    done = CliRunner().invoke(cli, ["render", str(fast.manifest)], catch_exceptions=False)
    assert done.exit_code == 0, done.output
    before = {p.name: p.read_bytes() for p in fast.out.glob("spot.*.small.mp4")}
    fast.subtitle("nah", "1\n00:00:00,520 --> 00:00:02,800\nYancuic tlahtolli\n")
    env, log = logged_ffmpeg(fast)
    result = run(fast, "watch", manifest(fast), "--debounce", "100", "--lang", "nah",
                 "--profile", "small", env=env, timeout=60,
                 steps=[(tty.shows("rendered    test-campaign/spot.nah.small"), tty.ctrl_c)])
    assert len(result.steps) == 1, result.describe()
    assert result.status == 0, result.describe()
    text = result.text
    # Named, checked as a save is, rendered; in that order.
    assert "nah.srt: 1 cue, 0 errors, 0 warnings" in text, result.describe()
    named = text.index("out of date: test-campaign/spot.nah.small (subtitles changed")
    checked = text.index("nah.srt: 1 cue, 0 errors, 0 warnings")
    assert named < checked < text.index("rendered    test-campaign/spot.nah.small"), text
    after = {p.name: p.read_bytes() for p in fast.out.glob("spot.*.small.mp4")}
    assert after["spot.nah.small.mp4"] != before["spot.nah.small.mp4"]
    assert {k: v for k, v in after.items() if "nah" not in k} == \
        {k: v for k, v in before.items() if "nah" not in k}
    assert encodes(log) and all("nah" in line for line in encodes(log)), encodes(log)
    assert leftovers(fast) == []


@pytest.mark.e2e
def test_watch_on_an_up_to_date_campaign_renders_nothing_at_start(fast):
    done = CliRunner().invoke(cli, ["render", str(fast.manifest)], catch_exceptions=False)
    assert done.exit_code == 0, done.output
    records = {p.name: p.read_bytes() for p in fast.out.glob("spot.*.small.json")}
    env, log = logged_ffmpeg(fast)
    # Ctrl-C a few seconds after it says it watches: time enough to plan this small campaign
    # and start a render, were one started.
    result = run(fast, "watch", manifest(fast), "--debounce", "100", env=env, timeout=60,
                 steps=[(for_a_while(tty.shows("Ctrl-C to stop"), 4.0), tty.ctrl_c)])
    assert len(result.steps) == 1, result.describe()
    assert result.status == 0, result.describe()
    # Nothing said but that it watches and stopped: no check, no variant named.
    said = [line for line in result.text.splitlines() if line.strip()]
    assert len(said) == 2 and said[0].startswith("watching "), result.describe()
    assert said[1] == "stopped watching", result.describe()
    assert encodes(log) == []
    assert {p.name: p.read_bytes() for p in fast.out.glob("spot.*.small.json")} == records
