"""The command line: help everywhere, exit codes, diagnostics format, plan statuses."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys

import click
import pytest
import yaml
from click.testing import CliRunner

from pipeline.cli.common import interrupts_once
from pipeline.cli.main import cli
from tests.conftest import SMALL_PROFILES


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def test_every_command_has_help_with_an_example():
    with cli.make_context("pipeline", ["--help"], resilient_parsing=True) as ctx:
        names = cli.list_commands(ctx)
        commands = {name: cli.get_command(ctx, name) for name in names}
    assert {"render", "check", "publish", "verify", "watch"} <= set(names)   # lazy ones too
    for name, command in commands.items():
        result = invoke(name, "--help")
        assert result.exit_code == 0, name
        assert command.help and "Example" in command.help, f"{name} has no example in its help"
    # check reads recordings as well as subtitles: its usage line named only SUBTITLES.
    assert invoke("check", "--help").output.startswith("Usage: cli check [OPTIONS] FILE...\n")


def test_a_command_said_in_spanish_once_is_said_in_english_after(monkeypatch):
    # A test's Spanish `preview` translated the module's own command: the next test's
    # `preview --help` read Spanish (the lazily loaded commands are said on a copy).
    from pipeline.cli.preview import preview

    english = preview.help
    with cli.make_context("pipeline", ["--help"], resilient_parsing=True) as ctx:
        with monkeypatch.context() as spanish:
            spanish.setattr("pipeline.cli.language.terminal_language", lambda: "es")
            assert cli.get_command(ctx, "preview").help.startswith("Muestra cómo se verán")
        assert cli.get_command(ctx, "preview").help == english == preview.help
    assert invoke("preview", "--help").output.startswith("Usage: cli preview [OPTIONS] MANIFEST")


def test_version_and_usage_errors_exit_2():
    assert invoke("--version").output.startswith("pipeline, version")
    # `check --duration nan` (or inf) passed click's range and failed as an internal error.
    for value in ("nan", "inf"):
        result = invoke("check", "x.srt", "--duration", value)
        assert result.exit_code == 2 and f"{value!r} is not a finite number" in result.output
    assert invoke("render").exit_code == 2                  # no manifest given
    assert invoke("render", "x.yaml", "-j", "0").exit_code == 2
    result = invoke("render", "x.yaml", "--executor", "dask", "--scheduler", "tcp://127.0.0.1:1",
                    "--store", "ftp://host/x")
    assert result.exit_code == 2
    assert "Invalid value for '--store': cannot publish to ftp://host/x: unsupported scheme" \
        in result.output


def test_the_command_module_run_with_python_m_is_the_command():
    # `python -m pipeline.cli.main --version` printed nothing and exited 0.
    run = subprocess.run([sys.executable, "-m", "pipeline.cli.main", "--version"],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0 and run.stdout.startswith("pipeline, version"), run


def test_missing_manifest_is_an_error_not_a_traceback(tmp_path):
    result = invoke("validate", tmp_path / "nope.yaml")
    assert result.exit_code == 1
    assert result.output.strip().startswith(f"{tmp_path / 'nope.yaml'}: error: manifest not found")


def test_validate_reports_every_problem_with_path_and_line(campaign):
    campaign.subtitle("nah", "1\n00:00:01,000 --> 00:00:00,500\nal revés\n")
    manifest = campaign.write([{"code": "nah", "treatment": "burn"},
                               {"code": "tzo", "treatment": "soft"},
                               {"code": "yua", "treatment": "mix"}])
    result = invoke("validate", manifest)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    subtitles = campaign.root / "subtitles/spot/nah.srt"
    assert any(line.startswith(f"{subtitles}:1: error:") and "end" in line for line in lines), lines
    assert any(line.startswith(f"{manifest}:") and "subtitles missing for language 'tzo' (soft): "
               f"expected {campaign.root / 'subtitles/spot/tzo.srt'}" in line for line in lines), lines
    assert any("audio track missing for language 'yua' (mix)" in line for line in lines), lines
    assert "3 blocked" in result.output
    assert "Traceback" not in result.output


def test_validate_accepts_every_format_and_names_wrong_or_doubled_files(campaign):
    from tests.conftest import ASS, TTML, VTT
    campaign.subtitle("nah", VTT, suffix=".vtt")
    campaign.subtitle("tzo", ASS, suffix=".ass")
    campaign.subtitle("yua", TTML, suffix=".xml")
    campaign.subtitle("mix", suffix=".srt")
    campaign.subtitle("mix", VTT, suffix=".vtt")
    campaign.subtitle("ote", "Hello\n", suffix=".sub")
    manifest = campaign.write([{"code": code, "treatment": "burn"}
                               for code in ("nah", "tzo", "yua", "mix", "ote")])
    result = invoke("validate", manifest)
    assert result.exit_code == 1
    folder = campaign.root / "subtitles/spot"
    errors = [line for line in result.output.splitlines() if ": error: " in line]
    assert errors == [
        f"{manifest}:16: error: language 'mix' has 2 subtitle files for spot 'spot': "
        f"{folder / 'mix.srt'}, {folder / 'mix.vtt'} (hint: keep only the one to use (move the "
        "others out of the folder))",
        f"{manifest}:18: error: subtitles missing for language 'ote' (burn): expected "
        f"{folder / 'ote.srt'} (or .vtt, .ass, .ssa, .ttml, .xml, .dfxp); the folder has ote.sub "
        "(not a subtitle format read here) (hint: export the subtitles from the subtitle editor "
        "as SubRip (.srt), WebVTT or TTML)"], result.output
    assert "2 blocked" in result.output


def test_validate_names_a_language_file_in_a_format_not_read_once_by_its_content(campaign):
    # A subtitler's EBU STL export was a "not used" warning at the file and a "subtitles
    # missing" error saying "(not a subtitle format read here)": two messages, neither naming
    # what the file is, where `check` says "this is an EBU STL file".
    campaign.subtitle("nah", "850STL25.01\x001\x00\x00\x00                    Blue Heart\n",
                      suffix=".stl")
    campaign.subtitle("tzo", "Scenarist_SCC V1.0\n\n00:59:50;15\t9420\n", suffix=".scc")
    campaign.subtitle("tzo", suffix=".srt")
    manifest = campaign.write([{"code": "nah", "treatment": "burn"},
                               {"code": "tzo", "treatment": "soft"}])
    result = invoke("validate", manifest)
    assert result.exit_code == 1
    folder = campaign.root / "subtitles/spot"
    said = [line for line in result.output.splitlines() if "nah.stl" in line or "scc" in line]
    assert said == [
        f"{manifest}:10: error: subtitles missing for language 'nah' (burn): expected "
        f"{folder / 'nah.srt'} (or .vtt, .ass, .ssa, .ttml, .xml, .dfxp); the folder has nah.stl "
        "(an EBU STL file (EBU Tech 3264), a format not read here) (hint: export the subtitles "
        "from the subtitle editor as SubRip (.srt), WebVTT or TTML)",
        # Beside the language's file read, another format is a file nobody uses: said so.
        f"{folder / 'tzo.scc'}: warning: not used: .scc is not a subtitle format read here (.srt, "
        ".vtt, .ass, .ssa, .ttml, .xml, .dfxp) (hint: save it in one of those formats as "
        "tzo.srt, ...)"], result.output


def test_validate_refuses_a_master_ffprobe_cannot_read(campaign):
    (campaign.root / "media/spot.mp4").write_bytes(b"not a video at all")
    campaign.subtitle("nah")
    manifest = campaign.write([{"code": "nah", "treatment": "burn"}])
    result = invoke("validate", manifest)
    assert result.exit_code == 1
    (line,) = [line for line in result.output.splitlines() if "ffprobe cannot read" in line]
    assert line.startswith(f"{campaign.root / 'media/spot.mp4'}: error: ffprobe cannot read this "
                           "file: Invalid data found when processing input"), line
    assert line.count("spot.mp4") == 1, "the file named twice (ffprobe's message names it too)"


def test_validate_refuses_burn_on_a_master_without_video(campaign):
    import shutil
    shutil.copy(campaign.media["audio-only.m4a"], campaign.root / "media/spot.mp4")
    campaign.subtitle("nah")
    result = invoke("validate", campaign.write([{"code": "nah", "treatment": "burn"}]))
    assert result.exit_code == 1
    # Sound alone is a radio spot: subtitles have no picture to go on.
    assert "campaign.yaml:10: error: language 'nah' uses 'burn', but spot 'spot' is a radio spot" \
        in result.output


def test_missing_glyph_blocks_the_language_with_its_character(campaign):
    path = campaign.subtitle("nah", "1\n00:00:00,500 --> 00:00:01,800\nfin \ue000\n")
    result = invoke("validate", campaign.write([{"code": "nah", "treatment": "burn"}]))
    assert result.exit_code == 1
    assert f"{path}:1: error:" in result.output and "U+E000" in result.output


def test_a_symbol_drawn_from_a_fallback_font_is_validate_s_warning_not_a_block(campaign):
    # The ♪ of SDH lyrics blocked the burn; check said it, validate and render now do too.
    path = campaign.subtitle("nah", "1\n00:00:00,500 --> 00:00:01,800\n♪ fin ♪\n")
    result = invoke("validate", campaign.write([{"code": "nah", "treatment": "burn"}]))
    assert result.exit_code == 0, result.output
    assert f"{path}:1: warning: font \"Noto Sans\" has no glyph for some symbols: libass " \
           "draws U+266A ('♪') from " in result.output, result.output


def test_a_manifest_s_errors_are_counted_as_said(campaign):
    # An alias used 9 times repeats its error 9 times; said once, it was counted 9 times:
    # "could not be planned because of its 17 errors; 9 errors".
    manifest = campaign.write([{"code": "nah", "treatment": "burn"}])
    text = manifest.read_text(encoding="utf-8").replace("languages:", "bad: &x [1, 2]\nlanguages:")
    manifest.write_text(text.replace("- code: nah\n  treatment: burn", "- *x\n- *x\n- *x"),
                        encoding="utf-8")
    result = invoke("validate", manifest)
    assert result.exit_code == 1
    assert result.output.rstrip().endswith(
        "could not be planned because of its 2 errors; in all: 2 errors, 0 warnings"), result.output


def test_plan_statuses_and_json(campaign):
    campaign.subtitle("nah")
    manifest = campaign.write([{"code": "nah", "treatment": "burn"},
                               {"code": "tzo", "treatment": "soft"}])
    result = invoke("plan", manifest, "--json")
    assert result.exit_code == 1      # tzo is blocked
    data = json.loads(result.stdout)
    statuses = {v["language"]: (v["status"], v["reasons"]) for v in data["variants"]}
    assert statuses["nah"] == ("stale", ["not rendered yet"])
    assert statuses["tzo"][0] == "blocked" and "subtitles missing" in statuses["tzo"][1][0]


def test_dry_run_renders_nothing(campaign):
    campaign.subtitle("nah")
    manifest = campaign.write([{"code": "nah", "treatment": "burn"}])
    result = invoke("render", manifest, "--dry-run")
    assert result.exit_code == 0
    assert "would render" in result.output and "test-campaign/spot.nah.small" in result.output
    assert not campaign.out.exists()


@pytest.mark.parametrize("selector,expected", [(("--lang", "tzo"), ["tzo"]),
                                               (("--spot", "spot"), ["nah", "tzo"])])
def test_selectors_narrow_the_plan(campaign, selector, expected):
    campaign.subtitle("nah")
    campaign.subtitle("tzo")
    manifest = campaign.write([{"code": "nah", "treatment": "burn"}, {"code": "tzo", "treatment": "soft"}])
    result = invoke("plan", manifest, "--json", *selector)
    data = json.loads(result.stdout)
    assert [v["language"] for v in data["variants"]] == expected


@pytest.mark.parametrize("missing, what", [("spot.mp4", "master"), ("spot.bed.wav", "music bed")])
def test_a_missing_master_or_music_bed_is_an_error_on_the_spot_line(campaign, missing, what):
    campaign.subtitle("nah")
    campaign.audio("yua", "voice.wav")
    manifest = campaign.write([{"code": "nah", "treatment": "soft"}, {"code": "yua", "treatment": "mix"}])
    (campaign.root / "media" / missing).unlink()
    result = invoke("validate", manifest)
    assert result.exit_code == 1 and "Traceback" not in result.output
    line = next(n for n, text in enumerate(manifest.read_text().splitlines(), 1) if "- id: spot" in text)
    assert (f"{manifest}:{line}: error: {what} of spot 'spot' not found: "
            f"{campaign.root / 'media' / missing}") in result.output
    if what == "music bed":      # the soft language needs no bed: it is still planned
        assert "1 to render" in result.output


def test_a_second_ctrl_c_is_ignored_from_the_instant_of_the_first():
    """The clean-up after Ctrl-C must not be cut short by the next press, however soon it comes:
    here it comes before a single line of the clean-up has run."""
    before = signal.getsignal(signal.SIGINT)
    caught = []
    try:
        with interrupts_once():
            os.kill(os.getpid(), signal.SIGINT)
            signal.pthread_sigmask(signal.SIG_BLOCK, [])   # a point where the handler has run
    except KeyboardInterrupt:
        caught.append("first")
        os.kill(os.getpid(), signal.SIGINT)   # with Python's default handler: KeyboardInterrupt
        signal.pthread_sigmask(signal.SIG_BLOCK, [])
        caught.append("clean-up ran to its end")
    finally:
        ignoring = signal.getsignal(signal.SIGINT)
        signal.signal(signal.SIGINT, before)
    assert caught == ["first", "clean-up ran to its end"]
    assert ignoring == signal.SIG_IGN


def test_a_ctrl_c_while_the_commands_are_imported_ends_the_command_cleanly(campaign):
    """Pressed during the imports (the first 0.3-0.5 s), it used to be raised in the middle of
    one: a traceback, or, about once in a hundred presses, swallowed, and the render ran to its
    end with exit 0. It is held until the command starts, which it then ends like any other."""
    import subprocess
    import sys

    from tests.terminal import default_interrupt_signals

    campaign.subtitle("nah")
    manifest = campaign.write([{"code": "nah", "treatment": "burn"}])
    # -X importtime writes a line as each import ends: pressed once click is in, the commands'
    # own imports are under way.
    process = subprocess.Popen([sys.executable, "-X", "importtime", "-m", "pipeline", "plan",
                                str(manifest)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, preexec_fn=default_interrupt_signals)
    lines = []
    for line in process.stderr:
        lines.append(line)
        if line.split("|")[-1].strip() == "click":
            process.send_signal(signal.SIGINT)
            break
    _, rest = process.communicate(timeout=60)
    err = "".join(lines) + rest
    messages = [line for line in err.splitlines() if not line.startswith("import time:")]
    assert process.returncode == 130, messages
    assert messages == ["interrupted: no partial files were left under final names"], messages


def test_without_an_interrupt_ctrl_c_is_handled_as_before_afterwards():
    before = signal.getsignal(signal.SIGINT)
    with interrupts_once():
        assert signal.getsignal(signal.SIGINT) != before
    assert signal.getsignal(signal.SIGINT) == before


def test_render_names_each_blocked_variant_again_at_the_end(campaign):
    # A blocked variant's error is printed before the render starts: after a long render, far
    # above. The summary names it again with its reason, next to the counts.
    campaign.subtitle("nah")
    manifest = campaign.write([{"code": "nah", "treatment": "soft"},
                               {"code": "tzo", "treatment": "soft"}])
    result = invoke("render", manifest)
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    (named,) = [line for line in lines if line.startswith("blocked ")]
    assert named.startswith("blocked test-campaign/spot.tzo.small: ") and \
        ": error: subtitles missing for language 'tzo' (soft)" in named, named
    assert lines.index(named) < lines.index("1 rendered, 0 up-to-date, 0 failed, 1 blocked")


def test_a_variant_blocked_by_several_errors_has_them_one_a_line_at_the_end(campaign):
    # A subtitle file with six errors made, for each of its variants, one closing line of 900
    # characters (and as long a line in `plan`): said one a line, the first three, the rest
    # counted; `plan` says the first and counts the rest.
    times = "".join(f"{n}\n00:00:0{n},000 --> 00:00:0{n - 1},500\nuno\n\n" for n in range(1, 6))
    campaign.subtitle("nah", times)
    manifest = campaign.write([{"code": "nah", "treatment": "soft"}])
    result = invoke("render", manifest)
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    at = lines.index("blocked test-campaign/spot.nah.small by 6 errors:")   # and cue 5 past the end
    assert [re.match(r"  - /\S+/nah\.srt:(\d+): error: cue ", line)[1]
            for line in lines[at + 1:at + 4]] == ["1", "5", "9"], lines[at:]
    assert lines[at + 4] == "  - and 3 more, said above", lines[at:]
    planned = invoke("plan", manifest)
    (line,) = [line for line in planned.output.splitlines() if line.startswith("blocked ")]
    assert line.count(": error: ") == 1 and line.endswith("; and 5 more errors)"), line
    # Two variants by the same errors: named under the line that counts them, then the errors.
    manifest = campaign.write([{"code": "nah", "treatment": "soft"}],
                              profiles={"small": SMALL_PROFILES["small"],
                                        "other": SMALL_PROFILES["small"] | {"crf": 35}})
    lines = invoke("render", manifest).output.splitlines()
    at = lines.index("blocked 2 variants by 6 errors:")
    assert lines[at + 1] == "  test-campaign/spot.nah.other, test-campaign/spot.nah.small"
    assert lines[at + 2].startswith("  - /") and lines[at + 5] == "  - and 3 more, said above"
    # In a terminal, from the campaign's folder: each error broken at the width its shortened
    # path leaves (broken at its absolute path's length, a line ended half-way across).
    from tests import terminal as tty

    run = tty.run(["render", "manifests/campaign.yaml"], cwd=campaign.root, columns=100)
    said = tty.said(run)
    assert "  - subtitles/spot/nah.srt:1: error: cue 1 ends before it starts (00:00:01,000 --> " \
        "00:00:00,500)" in said, run.describe()
    assert max(map(len, said[said.index("blocked 2 variants by 6 errors:"):])) <= 100


# --- which variants: --spot, --lang, --profile ------------------------------------------------

TWO_LANGUAGES = [{"code": "nah", "treatment": "burn"}, {"code": "tzo", "treatment": "soft"}]


def two_languages(campaign):
    campaign.subtitle("nah")
    campaign.subtitle("tzo")
    return campaign.write(TWO_LANGUAGES)


@pytest.mark.parametrize("command", ["plan", "render"])
@pytest.mark.parametrize("option, value, listed", [("--lang", "xx", "languages there: nah, tzo"),
                                                   ("--spot", "nope", "spots there: spot"),
                                                   ("--profile", "nope", "profiles there: small")])
def test_a_selector_that_matches_nothing_is_a_usage_error(campaign, command, option, value, listed):
    # It selected nothing: "0 rendered" and exit 0, a typo looking like nothing left to do.
    manifest = two_languages(campaign)
    result = invoke(command, manifest, option, value)
    assert result.exit_code == 2, result.output
    assert f"Error: {option} {value}: no " in result.output and listed in result.output
    assert "rendered" not in result.output and "Traceback" not in result.output
    assert not campaign.out.exists()


def test_a_selector_that_one_of_several_manifests_has_is_fine(campaign):
    first = two_languages(campaign)
    campaign.subtitle("ote")
    second = campaign.root / "manifests/other.yaml"
    second.write_text(yaml.safe_dump(campaign.data([{"code": "ote", "treatment": "soft"}])
                                     | {"campaign": "other-campaign"}), encoding="utf-8")
    result = invoke("plan", first, second, "--lang", "ote", "--json")
    assert result.exit_code == 0, result.output
    assert [v["language"] for v in json.loads(result.stdout)["variants"]] == ["ote"]
    result = invoke("plan", first, second, "--lang", "ote", "--lang", "xx")
    assert result.exit_code == 2
    assert "--lang xx: no language of that name in any of the 2 manifests (languages there: " \
        "nah, tzo, ote)" in result.output


def test_selectors_that_together_select_nothing_are_a_usage_error(campaign):
    # Each exists, but a subtitled language has no sound of its own for a radio profile: the
    # render made nothing and exited 0.
    campaign.subtitle("nah")
    manifest = campaign.write([{"code": "nah", "treatment": "burn"}],
                              profiles={"small": SMALL_PROFILES["small"], "radio-mp3": None})
    result = invoke("render", manifest, "--lang", "nah", "--profile", "radio-mp3")
    assert result.exit_code == 2, result.output
    assert "--lang nah --profile radio-mp3: no variant is made with all of these " \
        "(spot.nah.radio-mp3: " in result.output, result.output
    assert invoke("plan", manifest, "--lang", "nah", "--profile", "small").exit_code == 0
    # In two manifests, one with the language, the other with the profile: said so.
    campaign.subtitle("ote")
    other = campaign.root / "manifests/other.yaml"
    other.write_text(yaml.safe_dump(campaign.data([{"code": "ote", "treatment": "soft"}])
                                    | {"campaign": "other-campaign"}), encoding="utf-8")
    result = invoke("plan", manifest, other, "--lang", "ote", "--profile", "radio-mp3")
    assert result.exit_code == 2
    assert "--lang ote --profile radio-mp3: no variant is made with all of these: no manifest " \
        "has them all" in result.output, result.output


def test_a_selector_beside_a_manifest_that_cannot_be_read_is_not_judged(campaign, tmp_path):
    # The manifest that cannot be read may be the one that has the name: its error is reported.
    result = invoke("plan", two_languages(campaign), tmp_path / "nope.yaml", "--lang", "xx")
    assert result.exit_code == 1
    assert f"{tmp_path / 'nope.yaml'}: error: manifest not found" in result.output


def test_options_come_from_environment_variables_named_after_them(campaign):
    # The contract's PIPELINE_<OPTION>: PIPELINE_RENDER_LANG for --lang, not the parameter's
    # name (PIPELINE_RENDER_LANGUAGES was read, PIPELINE_RENDER_LANG silently ignored).
    manifest = two_languages(campaign)
    runner = CliRunner(env={"PIPELINE_RENDER_LANG": "tzo", "PIPELINE_RENDER_SPOT": "spot",
                            "PIPELINE_RENDER_PROFILE": "small"})
    result = runner.invoke(cli, ["render", str(manifest), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "would render test-campaign/spot.tzo.small" in result.output
    assert "spot.nah" not in result.output
    result = CliRunner(env={"PIPELINE_PLAN_LANG": "nah tzo", "PIPELINE_PLAN_JSON": "1"}).invoke(
        cli, ["plan", str(manifest)])
    assert result.exit_code == 0, result.output
    assert [v["language"] for v in json.loads(result.stdout)["variants"]] == ["nah", "tzo"]
    result = CliRunner(env={"PIPELINE_RENDER_PROFILE": "nope"}).invoke(cli, ["render", str(manifest)])
    assert result.exit_code == 2 and "--profile nope: no profile" in result.output
    # Nobody typed --profile: the error names where the value came from.
    assert "(from the environment variable PIPELINE_RENDER_PROFILE)" in result.output, result.output
    typed = CliRunner().invoke(cli, ["render", str(manifest), "--profile", "nope"])
    assert typed.exit_code == 2 and "environment variable" not in typed.output


def test_click_s_own_checks_name_the_environment_variable_a_value_came_from(campaign):
    manifest = two_languages(campaign)
    result = CliRunner(env={"PIPELINE_RENDER_JOBS": "abc"}).invoke(cli, ["render", str(manifest)])
    assert result.exit_code == 2
    assert "Invalid value for the environment variable PIPELINE_RENDER_JOBS: 'abc'" in result.output
    result = CliRunner(env={"PIPELINE_PUBLISH_TO": "ftp://host/x"}).invoke(cli, ["publish", str(manifest)])
    assert result.exit_code == 2, result.output
    assert "Invalid value for the environment variable PIPELINE_PUBLISH_TO: cannot publish to " \
        "ftp://host/x" in result.output
    typed = CliRunner().invoke(cli, ["render", str(manifest), "-j", "abc"])
    assert typed.exit_code == 2 and "Invalid value for '-j' / '--jobs': 'abc'" in typed.output


def test_every_option_s_environment_variable_is_named_after_the_option():
    with cli.make_context("pipeline", ["--help"], resilient_parsing=True) as ctx:
        commands = {name: cli.get_command(ctx, name) for name in cli.list_commands(ctx)}
    for name, command in commands.items():
        for param in command.params:
            longest = max(param.opts, key=len)
            if isinstance(param, click.Option) and longest.startswith("--"):
                assert param.name == longest[2:].replace("-", "_"), \
                    f"{name} {longest} is read from PIPELINE_{name.upper()}_{param.name.upper()}"


def test_fail_fast_reports_what_never_started_as_not_started(campaign, tmp_path):
    # ffmpeg fails nah's burn; with --fail-fast the variants after it never start. They were
    # listed as "failed", counted in "N failed", under an error of their own.
    import subprocess
    import sys

    from tests.mediacheck import FFMPEG

    for code in ("nah", "tzo", "ote"):
        campaign.subtitle(code)
    campaign.audio("yua")
    manifest = campaign.write([{"code": "nah", "treatment": "burn"},
                               {"code": "tzo", "treatment": "soft"},
                               {"code": "ote", "treatment": "soft"},
                               {"code": "yua", "treatment": "dub"}])
    wrapper = tmp_path / "ffmpeg"
    wrapper.write_text(f"#!{sys.executable}\nimport os, sys\n"
                       "if any('spot.nah.' in arg for arg in sys.argv):\n"
                       "    sys.exit('Conversion failed!')\n"
                       f"os.execv({FFMPEG!r}, [{FFMPEG!r}] + sys.argv[1:])\n")
    wrapper.chmod(0o755)
    run = subprocess.run([sys.executable, "-m", "pipeline", "render", str(manifest), "-j", "1",
                          "--fail-fast"], capture_output=True, text=True,
                         env={**os.environ, "FFMPEG": str(wrapper)})
    assert run.returncode == 1, run.stderr
    (counts,) = [line for line in run.stderr.splitlines() if line.endswith("blocked")
                 or "not started" in line and "up-to-date" in line]
    rendered, not_started = (int(n) for n in re.search(
        r"(\d+) rendered, 0 up-to-date, 1 failed, 0 blocked, (\d+) not started", counts).groups())
    assert rendered + not_started == 3 and not_started >= 1, counts
    rows = {line.split()[0]: line.split()[1] for line in run.stdout.splitlines()
            if line.startswith("test-campaign/")}
    assert rows["test-campaign/spot.nah.small"] == "failed"
    assert list(rows.values()).count("failed") == 1, run.stdout
    assert "error: not started" not in run.stderr
    assert re.search(rf"not started \(--fail-fast\): {not_started} variants?: test-campaign/",
                     run.stderr), run.stderr


def test_warnings_shared_by_variants_are_listed_once_under_them(campaign):
    # A reading-speed slip in a soft language's file is a warning of each of its variants.
    campaign.subtitle("nah", "1\n00:00:00,500 --> 00:00:01,500\nLos seres humanos no están a la venta\n")
    manifest = campaign.write([{"code": "nah", "treatment": "soft"}], profiles=SMALL_PROFILES)
    result = invoke("render", manifest)
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    header = "test-campaign/spot.nah.small, test-campaign/spot.nah.tall: 1 warning"
    assert header in lines, result.stderr
    assert lines[lines.index(header) + 1].startswith("  ") and "reads too fast" in result.stderr
    assert result.stderr.count("reads too fast") == 1


def test_a_pasted_paragraph_blocks_its_burned_language_only(campaign):
    paragraph = " ".join(["Ñuu savi kuu ndaꞌa ñayiu tu kuu xiko"] * 38)
    campaign.subtitle("nah", f"1\n00:00:00,500 --> 00:00:03,500\n{paragraph}\n")
    campaign.subtitle("tzo")
    manifest = campaign.write([{"code": "nah", "treatment": "burn"},
                               {"code": "tzo", "treatment": "burn"}])
    result = invoke("plan", manifest)
    assert result.exit_code == 1, result.output
    assert "nah.srt:1: error: cue 1 cannot fit the frame" in result.output
    assert "blocked     test-campaign/spot.nah.small" in result.output
    assert "stale       test-campaign/spot.tzo.small" in result.output


def test_a_selection_hears_of_the_page_names_of_its_own_languages_only(campaign, monkeypatch):
    # `render --lang nah` said the Spanish page had no name for another language of the
    # manifest, which the translator of nah can do nothing about.
    from pipeline.publish.i18n import translations
    campaign.subtitle("nah")
    campaign.subtitle("maa")
    manifest = campaign.write([{"code": "nah", "treatment": "burn"},
                               {"code": "maa", "name": "Énná", "treatment": "burn"}])
    spanish = translations("es", "languages")
    monkeypatch.setattr(spanish, "gettext", lambda code: "náhuatl" if code == "nah" else code)
    said = "the Spanish page has no name in Spanish for 'maa'"
    assert said in invoke("plan", manifest).output
    assert said not in invoke("plan", manifest, "--lang", "nah").output
    assert said in invoke("plan", manifest, "--lang", "maa").output


@pytest.mark.parametrize("code", ["xyzzy", "zz", "x-foo"])
def test_a_code_naming_no_language_is_an_error_at_its_line_and_the_other_manifest_plans(
        campaign, code):
    # A trial's `source_language: xyzzy` (or a language 'x-foo') passed the schema, then
    # failed every command as "internal error: LanguageTagError", the other manifests with it.
    campaign.subtitle("nah")
    good = campaign.write([{"code": "nah", "treatment": "burn"}])
    bad = good.with_name("bad.yaml")
    data = campaign.data([{"code": "nah", "treatment": "burn"}], campaign="other")
    data["source_language"] = code
    bad.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    wrong = campaign.data([{"code": code, "treatment": "soft"}], campaign="third")
    third = good.with_name("third.yaml")
    third.write_text(yaml.safe_dump(wrong, sort_keys=False), encoding="utf-8")
    for command in ("validate", "plan"):
        result = invoke(command, bad, third, good)
        assert result.exit_code == 1 and "internal error" not in result.output, result.output
        assert f"{bad}:3: error: source_language {code!r} " in result.output, result.output
        assert f"{third}:10: error: language code {code!r} " in result.output, result.output
    assert "1 to render" in invoke("plan", good, bad).output   # the good one, planned


def test_a_master_still_being_copied_is_said_to_be_and_its_skipped_variants_stay_skipped(
        campaign, media):
    # A trial's cron render of a master being copied was told to export it again, and counted
    # 8 blocked variants for 5 (the subtitled languages' audio-only ones, made by no spot).
    import threading
    import time

    campaign.subtitle("nah")
    manifest = campaign.write([{"code": "nah", "treatment": "burn"}],
                              profiles={"small": SMALL_PROFILES["small"],
                                        "mp3": {"base": "radio-mp3"}})
    data = media["master.mp4"].read_bytes()
    master = campaign.root / "media/spot.mp4"
    master.write_bytes(data[:len(data) // 2])
    copied = threading.Event()

    def copy() -> None:
        # As a slow network copy writes it, a few kB at a time, and never done while the
        # command looks at it (however slow the machine is to start it): its index, at its
        # end, never written.
        with master.open("ab") as out:
            while not copied.is_set():
                out.write(bytes(2048))
                out.flush()
                time.sleep(0.02)

    writer = threading.Thread(target=copy)
    writer.start()
    try:
        result = invoke("plan", manifest)
    finally:
        copied.set()
        writer.join()
    assert result.exit_code == 1
    (said,) = [line for line in result.stderr.splitlines() if "ffprobe cannot read" in line]
    assert said.endswith("(hint: it is still being written (it grew as it was read): wait for "
                         "its copy to end, then run the command again)"), said
    assert "1 variant: 0 up to date, 0 to render, 1 blocked; 1 more not applicable" in \
        result.stderr, result.stderr


def test_a_broken_file_not_written_for_a_while_is_not_waited_on(tmp_path, monkeypatch):
    # The reviewer: `check *.wav` of many broken files waited 0.25 s on each to see whether it
    # grew; a copy under way wrote its file in the last instants.
    import os
    import time

    from pipeline import files

    old, fresh = tmp_path / "old.wav", tmp_path / "fresh.wav"
    for path in (old, fresh):
        path.write_bytes(b"RIFF broken")
    an_hour_ago = time.time() - 3600
    os.utime(old, (an_hour_ago, an_hour_ago))
    waits = []
    monkeypatch.setattr(files.time, "sleep", waits.append)
    assert not files.still_growing(old) and waits == []
    assert not files.still_growing(fresh) and waits == [files.GROWING_POLL]


def test_render_waits_for_another_render_at_most_as_long_as_it_is_told(campaign):
    # An operations trial: a cron's render behind a hung one would queue for ever.
    import os
    import time

    from pipeline.render.lock import campaign_lock
    campaign.subtitle("nah")
    manifest = campaign.write([{"code": "nah", "treatment": "burn"}])
    with campaign_lock([campaign.root / "build/test-campaign"], "render"):
        started = time.monotonic()
        result = invoke("render", manifest, "--wait", "0.5")
        waited = time.monotonic() - started
    assert result.exit_code == 1, result.output
    assert 0.5 <= waited < 5, waited
    assert f"waiting for another render of this campaign (pid {os.getpid()}, started " in \
        result.stderr, result.stderr
    assert (f"build/test-campaign/.pipeline.lock: error: another render of this campaign (pid "
            f"{os.getpid()}) still holds its lock after 0.5 s: nothing was done (hint: let it "
            "finish or stop it, then run the command again; --wait sets how long to wait)") in \
        result.stderr, result.stderr
    assert not list((campaign.root / "build/test-campaign").glob("spot/*.mp4"))
