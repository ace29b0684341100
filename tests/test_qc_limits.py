"""A language's `qc:` limits and its rendered variants: a changed limit makes them stale, so their
records, the catalog and `--strict` carry the warnings the manifest's limits give now."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from pipeline.cli.main import cli
from pipeline.manifest import load_manifest
from pipeline.render.watch import handle_changes

pytestmark = pytest.mark.e2e

# No warning at the default limits (17 characters a second, 42 a line): 11.2 and 11.9 a second,
# times on the master's 25 fps frames.
CALM = ("1\n00:00:00,480 --> 00:00:02,000\nLos seres humanos\n\n"
        "2\n00:00:02,200 --> 00:00:03,800\nno están a la venta\n")
TIGHT = {"max_cps": 10, "max_line_chars": 18}


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def write(campaign, tzo_qc=None, yua_qc=None):
    """tzo (soft) and yua (dub), each with its own `qc:` when given."""
    return campaign.write([{"code": code, "treatment": treatment, **({"qc": qc} if qc else {})}
                           for code, treatment, qc in (("tzo", "soft", tzo_qc),
                                                       ("yua", "dub", yua_qc))])


@pytest.fixture
def rendered(campaign):
    """tzo (soft) and yua (dub, 0.5 s shorter than its spot), no warnings, rendered once."""
    campaign.subtitle("tzo", CALM)
    campaign.audio("yua")
    result = invoke("render", write(campaign), "--strict")
    assert result.exit_code == 0 and "2 rendered" in result.output, result.output
    return campaign


def record_codes(campaign, code: str) -> list[str]:
    record = json.loads((campaign.out / f"spot.{code}.small.json").read_text(encoding="utf-8"))
    return [w["code"] for w in record["qc"]["warnings"]]


def catalog_warnings(campaign) -> dict[str, list[str]]:
    catalog = json.loads((campaign.root / "build/test-campaign/catalog.json").read_text())
    return {v["language"]: v["warnings"] for v in catalog["variants"]}


def test_a_tightened_limit_makes_its_variants_stale_and_their_records_carry_its_warnings(rendered):
    manifest = write(rendered, tzo_qc=TIGHT)
    plan = invoke("plan", manifest)
    assert plan.exit_code == 0, plan.output
    assert ("stale       test-campaign/spot.tzo.small soft   "
            "(settings changed: qc.max_cps, qc.max_line_chars)") in plan.output
    # yua's limits did not move.
    assert "up-to-date  test-campaign/spot.yua.small dub" in plan.output
    result = invoke("render", manifest, "--strict")
    assert "1 rendered, 1 up-to-date" in result.output, result.output
    assert "test-campaign/spot.tzo.small: 3 warnings" in result.output
    assert result.exit_code == 1 and result.output.splitlines()[-1] == \
        "--strict: QC warnings on 1 variant"
    assert record_codes(rendered, "tzo") == ["reading-speed", "reading-speed", "line-length"]
    assert catalog_warnings(rendered) == {"tzo": [
        "tzo.srt:1: cue 1 reads too fast: 17 characters in 1.52 s is 11.2 characters per "
        "second (at most 10)",
        "tzo.srt:5: cue 2 reads too fast: 19 characters in 1.60 s is 11.9 characters per "
        "second (at most 10)",
        "tzo.srt:5: cue 2, text line 1, has 19 characters (at most 18)"], "yua": []}
    # Up to date now, its warnings those of the limits it was rendered with.
    again = invoke("render", manifest, "--strict")
    assert "0 rendered, 2 up-to-date" in again.output and again.exit_code == 1
    # Loosened again: rendered again, with no warning.
    loosened = invoke("render", write(rendered), "--strict")
    assert "1 rendered, 1 up-to-date" in loosened.output and loosened.exit_code == 0
    assert record_codes(rendered, "tzo") == []


def test_a_dub_s_tolerance_is_its_variants_own_limit(rendered):
    # The dub is 3.5 s long, its spot 4 s: within 0.5 s, not within 0.2 s.
    manifest = write(rendered, yua_qc={"duration_tolerance": 0.2})
    plan = invoke("plan", manifest)
    assert ("stale       test-campaign/spot.yua.small dub    "
            "(settings changed: qc.duration_tolerance)") in plan.output, plan.output
    result = invoke("render", manifest, "--strict")
    assert "1 rendered, 1 up-to-date" in result.output and result.exit_code == 1, result.output
    assert record_codes(rendered, "yua") == ["length"]
    assert catalog_warnings(rendered)["yua"][0].startswith("yua.wav: the dub is 3.50 s long")


def test_limits_that_do_not_change_a_variant_s_warnings_leave_it_up_to_date(rendered):
    # The defaults written out, and a limit the variant does not depend on (a soft language
    # carries no recording; a dub without subtitles is not read against subtitle limits).
    manifest = write(rendered, tzo_qc={"max_cps": 17, "duration_tolerance": 0.1},
                     yua_qc={"max_line_chars": 10})
    result = invoke("render", manifest, "--strict")
    assert result.exit_code == 0 and "0 rendered, 2 up-to-date" in result.output, result.output


def test_watch_renders_again_the_variants_a_saved_manifest_s_limits_made_stale(rendered):
    write(rendered, tzo_qc=TIGHT)
    event, reloaded = handle_changes(load_manifest(rendered.manifest), {rendered.manifest})
    assert reloaded is not None
    assert [(v.variant.language.code, v.reasons) for v in event.behind] == \
        [("tzo", ["settings changed: qc.max_cps, qc.max_line_chars"])]
    # Its file is checked against the new limits, and the variant rendered with them.
    assert [[d.code for d in check.warnings] for check in event.checks] == \
        [["reading-speed", "reading-speed", "line-length"]]
    assert {o.plan.variant.language.code: o.status for o in event.outcomes} == \
        {"tzo": "rendered", "yua": "up-to-date"}
    assert record_codes(rendered, "tzo") == ["reading-speed", "reading-speed", "line-length"]
