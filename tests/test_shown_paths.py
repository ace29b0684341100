"""Paths as a person reads them: relative to the current folder when the file is under it, as
compilers and linters print them (`subtitles/spot/nah.srt:1: error: ...`), else absolute;
absolute always in what tools read (`--json`, records)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli.common import shorten_paths
from pipeline.cli.main import cli
from pipeline.cli.watching import print_event
from pipeline.manifest import load_manifest
from pipeline.render.variants import Selection
from pipeline.render.watch import WatchEvent, handle_changes
from pipeline.render.watch_inputs import watched_inputs

BAD = "1\n00:00:01,000 --> 00:00:00,500\nal revés\n"
# nah's file has an error, tzo's a warning (its second cue reads too fast, at line 5), and
# mix's recording is missing.
LANGUAGES = [{"code": "nah", "treatment": "burn"}, {"code": "tzo", "treatment": "soft"},
             {"code": "mix", "treatment": "mix"}]
CHECKOUT = Path(__file__).resolve().parents[1]


@pytest.fixture
def broken(campaign):
    campaign.subtitle("nah", BAD)
    campaign.subtitle("tzo")
    campaign.write(LANGUAGES)
    campaign.root = campaign.root.resolve()     # as the loader resolves what the manifest names
    return campaign


def pipeline(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """`pipeline ARGS` in its own process, started in `cwd`, running this checkout."""
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(
        filter(None, [str(CHECKOUT), os.environ.get("PYTHONPATH")]))}
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=cwd, env=environment,
                          capture_output=True, text=True, timeout=120)


def test_validate_names_files_under_the_current_folder_relative_to_it(broken):
    # Before: /tmp/.../subtitles/spot/nah.srt:1: error: ..., whatever the folder.
    root = broken.root
    run = pipeline("validate", "manifests/campaign.yaml", cwd=root)
    assert run.returncode == 1, run.stderr
    lines = run.stderr.splitlines()
    assert lines[0].startswith("manifests/campaign.yaml:14: error: audio track missing for "
                               "language 'mix' (mix): expected audio/spot/mix.wav, .flac"), lines
    assert lines[1].startswith("subtitles/spot/nah.srt:1: error: cue 1 ends before it starts")
    assert lines[2].startswith("subtitles/spot/tzo.srt:5: warning: cue 2 reads too fast")
    assert str(root) not in run.stderr
    # The manifest typed with its full path reads the same: the rule, not the typing, decides.
    assert pipeline("validate", str(broken.manifest), cwd=root).stderr == run.stderr


def test_files_outside_the_current_folder_stay_absolute(broken):
    root = broken.root
    run = pipeline("validate", str(broken.manifest), cwd=Path("/"))
    lines = run.stderr.splitlines()
    assert lines[0].startswith(f"{root}/manifests/campaign.yaml:14: error: audio track missing "
                               f"for language 'mix' (mix): expected {root}/audio/spot/mix.wav"), \
        lines
    assert lines[1].startswith(f"{root}/subtitles/spot/nah.srt:1: error: cue 1 ends before")
    # In manifests/, the subtitles are up and across: absolute, never ../subtitles/...
    run = pipeline("validate", "campaign.yaml", cwd=root / "manifests")
    lines = run.stderr.splitlines()
    assert lines[0].startswith("campaign.yaml:14: error: audio track missing for language 'mix' "
                               f"(mix): expected {root}/audio/spot/mix.wav"), lines
    assert lines[1].startswith(f"{root}/subtitles/spot/nah.srt:1: error:"), lines
    assert "../" not in run.stderr


def test_plan_s_lines_are_relative_and_its_json_absolute(broken, monkeypatch):
    root = broken.root
    monkeypatch.chdir(root)
    result = CliRunner().invoke(cli, ["plan", "manifests/campaign.yaml"])
    assert result.exit_code == 1
    blocked = {line.split()[1]: line for line in result.stdout.splitlines()}
    assert "(subtitles/spot/nah.srt:1: error: cue 1 ends before it starts" \
        in blocked["test-campaign/spot.nah.small"]
    assert "(manifests/campaign.yaml:14: error: audio track missing for language 'mix' (mix): " \
           "expected audio/spot/mix.wav," in blocked["test-campaign/spot.mix.small"]
    assert str(root) not in result.output
    # Tools read paths that name the same file from wherever they run.
    data = json.loads(CliRunner().invoke(cli, ["plan", "manifests/campaign.yaml", "--json"]).stdout)
    (mix,) = [v for v in data["variants"] if v["language"] == "mix"]
    assert f"expected {root}/audio/spot/mix.wav" in mix["reasons"][0]
    assert f"{root}/subtitles/spot/nah.srt" in [d["path"] for d in data["diagnostics"]]


@pytest.mark.e2e
def test_render_s_summary_is_relative_and_its_records_absolute(broken, monkeypatch):
    root = broken.root
    monkeypatch.chdir(root)
    result = CliRunner().invoke(cli, ["render", "manifests/campaign.yaml"])
    assert result.exit_code == 1       # nah and mix blocked
    lines = result.stderr.splitlines()
    assert "  subtitles/spot/tzo.srt:5: warning: cue 2 reads too fast: 19 characters in 1.10 s " \
           "is 17.3 characters per second (at most 17) (hint: shorten the text, or show it for " \
           "at least 1.12 s)" in lines, lines
    assert any(line.startswith("blocked test-campaign/spot.nah.small: subtitles/spot/nah.srt:1: "
                               "error: cue 1 ends before it starts") for line in lines), lines
    assert str(root) not in result.output
    record = json.loads((broken.out / "spot.tzo.small.json").read_text(encoding="utf-8"))
    assert [w["path"] for w in record["qc"]["warnings"]] == [f"{root}/subtitles/spot/tzo.srt"]


def test_watch_s_lines_are_relative(broken, monkeypatch, capsys):
    root = broken.root
    monkeypatch.chdir(root)
    manifest = load_manifest("manifests/campaign.yaml")
    print_event(WatchEvent("ready", watching=watched_inputs(manifest)))
    event, _ = handle_changes(manifest, {root / "subtitles/spot/nah.srt"})
    print_event(event)
    out, err = capsys.readouterr()
    # What it watches, not the manifest's whole folder ("watching manifests, subtitles, audio").
    assert err.splitlines()[0] == ("watching manifests/campaign.yaml, the subtitle files in "
                                   "subtitles/ and the recordings in audio/ (Ctrl-C to stop)")
    assert err.splitlines()[1].startswith("subtitles/spot/nah.srt:1: error: cue 1 ends before")
    assert out.splitlines()[:2] == ["changed: subtitles/spot/nah.srt",
                                    "subtitles/spot/nah.srt: 1 cue, 1 error, 0 warnings"]
    assert str(root) not in out + err


def test_watch_says_the_files_of_its_selection_and_no_folder_that_is_not_there(
        broken, monkeypatch, capsys):
    monkeypatch.chdir(broken.root)
    manifest = load_manifest("manifests/campaign.yaml")
    print_event(WatchEvent("ready", watching=watched_inputs(
        manifest, Selection(spots=("spot",), languages=("nah", "tzo")))))
    (broken.root / "audio").rename(broken.root / "audio-old")      # not watched: not said
    print_event(WatchEvent("ready", watching=watched_inputs(
        manifest, Selection(languages=("nah",)))))
    lines = capsys.readouterr().err.splitlines()
    assert lines == [
        "watching manifests/campaign.yaml and, of spot spot and languages nah, tzo, the "
        "subtitle files in subtitles/ and the recordings in audio/ (Ctrl-C to stop)",
        "watching manifests/campaign.yaml and, of language nah, the subtitle files in "
        "subtitles/ (Ctrl-C to stop)"]


def test_only_whole_paths_under_the_folder_are_shortened(tmp_path, monkeypatch):
    here = tmp_path.resolve()
    monkeypatch.chdir(here)
    assert shorten_paths(f"{here}/a/b.srt:3: error: expected {here}/c.wav (or '{here}/d e.wav')") \
        == "a/b.srt:3: error: expected c.wav (or 'd e.wav')"
    for kept in (f"{here}-old/a.srt", f"{here}x/a.srt",           # a sibling, not under it
                 f"file://{here}/dist", f"/mnt{here}/a.srt",       # a URL; a path elsewhere
                 f"{here}: waiting"):                               # the folder itself
        assert shorten_paths(kept) == kept
    monkeypatch.chdir("/")
    assert shorten_paths(f"{here}/a.srt") == f"{here}/a.srt"


def test_clean_lists_files_under_the_current_folder_relative_to_it(broken):
    # As `git ls-files` lists them: what `clean` prints is typed back (`rm`, `ls -l`) from there.
    root = broken.root
    stray = root / "build/test-campaign/spot/spot.xyz.small.mp4"
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"an old variant")
    run = pipeline("clean", "manifests/campaign.yaml", cwd=root)
    assert run.stdout.splitlines() == ["build/test-campaign/spot/spot.xyz.small.mp4"], run
    assert run.stderr.splitlines()[0] == ("build/test-campaign: 1 file of no variant (14 bytes), "
                                          "not deleted: --delete deletes them"), run.stderr
    assert str(root) not in run.stdout + run.stderr
    assert pipeline("clean", str(broken.manifest), cwd=root / "subtitles").stdout.splitlines() \
        == [str(stray)]


def test_publish_names_a_folder_under_the_current_one_relative_to_it(broken):
    # "119 uploaded ... to /tmp/h-mt27/dist/agua-limpia", in a trial's campaign folder.
    root = broken.root
    pipeline("render", "manifests/campaign.yaml", cwd=root)      # tzo's; nah and mix blocked
    run = pipeline("publish", "manifests/campaign.yaml", "--to", f"file://{root}/dist", cwd=root)
    summary = [line for line in run.stdout.splitlines() if line.startswith("test-campaign: ")]
    assert summary and summary[0].endswith(", to dist/test-campaign"), run
    assert f"file://{root}/dist/test-campaign/index.html" in run.stdout    # a URL is whole
