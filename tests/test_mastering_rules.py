"""The rules of masters without rendering a picture: timecodes, loudness standards and R128 s1,
clock numbers in manifests and file names, profile overrides; and an R128 s1 breach caught on a
spot with a loud short burst."""

from __future__ import annotations

import json
import logging
import shutil
from dataclasses import replace
from fractions import Fraction

import pytest
import yaml
from click.testing import CliRunner

from pipeline.cli.main import cli
from pipeline.errors import RenderError, ValidationError
from pipeline.manifest import load_manifest
from pipeline.media.loudness import Loudness
from pipeline.media.timecode import counted_back, exact_rate, rate_problem, syntax_problem
from pipeline.profiles import BUILTIN_PROFILES
from pipeline.render.certificate import check_programme
from pipeline.render.leveling import miss
from pipeline.publish.i18n import translations
from pipeline.render.leader import file_timecode, leader_timing
from pipeline.render.plan import build_plan
from pipeline.render.slate import duration_text
from pipeline.standards import STANDARDS, breaches, failures, input_unit, verdict
from tests import mediacheck
from tests.conftest import ffmpeg

NTSC = Fraction(30000, 1001)


@pytest.mark.parametrize("start, rate, frames, expected", [
    ("10:00:00:00", Fraction(25), 300, "09:59:48:00"),
    ("10:00:00:00", Fraction(25), 0, "10:00:00:00"),
    ("00:00:05:00", Fraction(25), 300, "23:59:53:00"),          # past midnight
    ("10:00:00;00", NTSC, 360, "09:59:48;00"),                   # drop-frame counts 29.97 right
    ("00:01:00;02", NTSC, 1, "00:00:59;29"),                     # ...and skips ;00 and ;01
    ("00:10:00;00", NTSC, 1, "00:09:59;29"),                     # ...except every tenth minute
    ("10:00:00:00", NTSC, 360, "09:59:48:00"),                   # non-drop at 29.97
])
def test_file_timecode_counts_back_over_the_leader(start, rate, frames, expected):
    assert counted_back(start, rate, frames) == expected


def test_rates_and_timecodes_that_do_not_fit():
    assert exact_rate(29.97002997) == NTSC and exact_rate(25.0) == 25
    assert rate_problem("10:00:00:24", Fraction(25)) is None
    assert "frame 25" in rate_problem("10:00:00:25", Fraction(25))
    assert "drop-frame" in rate_problem("10:00:00;00", Fraction(25))
    # Of the form, out of range: said so (before: "is not of the form HH:MM:SS:FF").
    assert syntax_problem("25:00:00:00") == "timecode '25:00:00:00' has 25 hours: they run " \
        "from 00 to 23"
    assert syntax_problem("09:59:60;00").endswith("has 60 seconds: they run from 00 to 59")
    assert "not of the form" in syntax_problem("9:59:50:00") and syntax_problem("09:59:50:00") \
        is None


def test_leader_is_whole_frames_and_the_standard_sets_the_tone(campaign):
    manifest = load_manifest(campaign.write(
        [{"code": "nah", "treatment": "dub"}],
        profiles={"atsc": {"base": "broadcast-prores", "loudness_standard": "atsc-a85"},
                  "broadcast-mxf": None}))
    atsc, mxf = manifest.profiles
    assert (atsc.loudness, atsc.loudness_tolerance, atsc.true_peak) == (-24.0, 2.0, -2.0)
    timing = leader_timing(atsc, 29.97002997)
    assert (timing.bars, timing.slate, timing.black, timing.tone) == (150, 150, 60, -20.0)
    assert file_timecode(atsc, timing) == "09:59:48:00"
    assert leader_timing(mxf, 25.0).tone == -18.0
    # Each slate writes the unit its standard does.
    from pipeline.render.slate import _loudness
    from pipeline.render.variants import Variant
    (spot,), (nah,) = manifest.spots, manifest.languages
    measured = Loudness(-24.0, -3.0, 3.0)
    assert _loudness(Variant(manifest, spot, nah, atsc), measured) == \
        "-24.0 LKFS · -3.0 dBTP · ATSC A/85:2013"
    assert _loudness(Variant(manifest, spot, nah, mxf), measured).startswith("-24.0 LUFS")
    # The programme's first and last frames' labels (a station books the spot to the last),
    # drop-frame at 29.97 across a minute: 180 frames from 00:00:55;00 are 1650-1829, and
    # frame 1800 is labelled 00:01:00;02 (;00 and ;01 skipped), so 1829 is 00:01:01;01.
    from fractions import Fraction

    from pipeline.render.slate import SlateFacts, rows
    facts = SlateFacts(180, Fraction(30000, 1001), None, measured, "00:00:55;00", "2026-12-07")
    assert dict(rows(Variant(manifest, spot, nah, atsc), facts)[1])["Programa"] == \
        "00:00:55;00 – 00:01:01;01"


def test_a_standard_and_figures_that_contradict_it_are_an_error(campaign):
    with pytest.raises(ValidationError) as caught:
        load_manifest(campaign.write([{"code": "nah", "treatment": "dub"}], profiles={
            "loud": {"base": "broadcast-mxf", "loudness_standard": "ebu-r128", "loudness": -16},
            "strict": {"base": "broadcast-mxf", "loudness_standard": "ebu-r128", "true_peak": -2}}))
    [problem] = [d.format() for d in caught.value.diagnostics]
    assert "profile 'loud': loudness -16 LUFS contradicts EBU R128 (2023) (-23 LUFS)" in problem


@pytest.mark.parametrize("standards, unit", [
    ((), "LUFS"),                                   # no profile at all
    ((None,), "LUFS"),                              # web: no standard named
    (("atsc-a85",), "LKFS"),
    (("atsc-a85", None), "LKFS"),                   # a web copy beside: it names none
    (("atsc-a85", "atsc-a85"), "LKFS"),
    (("ebu-r128",), "LUFS"),
    (("atsc-a85", "ebu-r128"), "LUFS"),             # two names for one measure: R128's
])
def test_an_input_s_loudness_is_lkfs_only_when_every_standard_in_play_writes_lkfs(standards,
                                                                                   unit):
    profiles = [replace(BUILTIN_PROFILES["web"], name=f"p{n}", loudness_standard=standard)
                for n, standard in enumerate(standards)]
    assert input_unit(profiles) == unit
    assert input_unit(iter(profiles)) == unit       # a generator, as a manifest's may be


def test_verdict_holds_short_form_spots_to_r128_s1():
    r128 = STANDARDS["ebu-r128"]
    fine = Loudness(-23.1, -2.0, 4.0, max_momentary=-17.0, max_short_term=-18.5)
    assert failures(verdict(r128, fine, 30.0)) is None
    loud_burst = Loudness(-23.0, -1.5, 9.0, max_momentary=-9.0, max_short_term=-12.4)
    assert breaches(r128, verdict(r128, loud_burst, 30.0)) == (
        "EBU R128 s1: maximum short-term loudness -12.4 LUFS (must be ≤ -18.0 LUFS)")
    assert failures(verdict(r128, loud_burst, 600.0)) is None      # long-form: no s1 rule
    atsc = STANDARDS["atsc-a85"]
    assert failures(verdict(atsc, Loudness(-25.9, -2.5, 3.0), 30.0)) is None
    assert "true peak -1.5 dBTP (must be ≤ -2.0 dBTP)" in failures(
        verdict(atsc, Loudness(-24.0, -1.5, 3.0), 30.0))
    # A/85 writes its unit LKFS (the same BS.1770 measure), differences in LU; an ATSC slate
    # read "-24.0 LUFS", the rule "-24.0 ± 2 LKFS".
    assert breaches(atsc, verdict(atsc, Loudness(-28.0, -3.0, 3.0), 30.0)) == (
        "ATSC A/85:2013: integrated loudness -28.0 LKFS (must be -24.0 LKFS ± 2 LU)")
    assert "integrated loudness undefined" in failures(verdict(r128, Loudness(None, None, 0.0), 30.0))


def test_a85_holds_short_form_spots_to_a_house_rule_said_as_one():
    # A/85 has no short-term rule: its spots were said to break "ATSC A/85:2013: maximum
    # short-term loudness (EBU R128 s1)".
    atsc = STANDARDS["atsc-a85"]
    loud_burst = Loudness(-24.0, -3.0, 9.0, max_momentary=-10.0, max_short_term=-13.4)
    checks = verdict(atsc, loud_burst, 30.0)
    assert [(c.rule, c.source, c.house) for c in checks] == [
        ("integrated loudness", "ATSC A/85:2013", False),
        ("true peak", "ATSC A/85:2013", False),
        ("maximum short-term loudness", "house rule for short-form spots, after EBU R128 s1", True)]
    assert breaches(atsc, checks) == (
        "the house rule for short-form spots, after EBU R128 s1 (ATSC A/85:2013 has none): "
        "maximum short-term loudness -13.4 LKFS (must be ≤ -19.0 LKFS)")
    both = verdict(atsc, Loudness(-24.0, -1.0, 9.0, max_short_term=-13.4), 30.0)
    assert breaches(atsc, both) == (
        "ATSC A/85:2013: true peak -1.0 dBTP (must be ≤ -2.0 dBTP); and the house rule for "
        "short-form spots, after EBU R128 s1 (ATSC A/85:2013 has none): maximum short-term "
        "loudness -13.4 LKFS (must be ≤ -19.0 LKFS)")
    with pytest.raises(RenderError) as refused:
        check_programme(replace(BUILTIN_PROFILES["broadcast"], loudness_standard="atsc-a85"),
                        loud_burst, 30.0, "the sound of spot's master at -24 LKFS")
    assert refused.value.message.startswith("the sound of spot's master at -24 LKFS breaks the "
                                            "house rule for short-form spots"), refused.value
    assert "short-form spots are held to target + 5 LU: the house rule for short-form spots, " \
        "after EBU R128 s1" in refused.value.hint
    problem = miss(replace(BUILTIN_PROFILES["broadcast"], loudness_standard="atsc-a85",
                           loudness=-24.0, loudness_tolerance=2.0, true_peak=-2.0), loud_burst,
                   short_term_limit=-19.0)
    assert problem == ("maximum short-term loudness -13.4 LKFS is above -19.0 LKFS (the house "
                       "rule for short-form spots, after EBU R128 s1)")


# --- clock numbers ---------------------------------------------------------------------------

def errors_of(campaign, **extra) -> list[str]:
    languages = extra.pop("languages", [{"code": "nah", "treatment": "dub"},
                                        {"code": "yua", "treatment": "dub"}])
    with pytest.raises(ValidationError) as caught:
        load_manifest(campaign.write(languages, profiles=["broadcast-mxf"], **extra))
    return [d.format() for d in caught.value.diagnostics]


def test_clock_patterns_are_checked_with_their_lines(campaign):
    [unknown] = errors_of(campaign, clock="BH-{spot}-{language}")
    assert "campaign.yaml:" in unknown and "unknown placeholder {language}" in unknown
    bad = errors_of(campaign, clock="BH/{spot}/{lang}")
    assert len(bad) == 2 and "clock number 'BH/spot/nah' is not usable in file names" in bad[0]
    [braces] = errors_of(campaign, clock="BH-{spot")
    assert "malformed" in braces
    [twice] = errors_of(campaign, languages=[
        {"code": "nah", "treatment": "dub", "clock": "BH-0042"},
        {"code": "yua", "treatment": "dub", "clock": "BH-0042"}])
    assert "clock number 'BH-0042' is given to spot in 'nah' and to spot in 'yua'" in twice
    # The hint says how to give each its own number, not how to spell one.
    assert "(hint: one number per spot and language: put {spot} and {lang} in the pattern" in twice
    lines = campaign.manifest.read_text().splitlines()
    line = len(lines) - lines[::-1].index("  clock: BH-0042")      # the second one given
    assert twice.startswith(f"{campaign.manifest}:{line}: error:")


def test_clock_numbers_expand_per_variant_and_name_files_where_asked(campaign, media):
    campaign.audio("nah")
    campaign.audio("yua")
    manifest = campaign.write(
        [{"code": "nah", "treatment": "dub"}, {"code": "yua", "treatment": "dub", "clock": "BH-7-YUA"}],
        profiles={"broadcast-mxf": {"clock_in_name": True}, "broadcast-prores": None},
        clock="BH-{campaign}-{spot}-{lang}")
    plan = build_plan([manifest])
    outputs = {(v.variant.language.code, v.variant.profile.name): v.variant.output.name
               for v in plan.variants}
    assert outputs == {("nah", "broadcast-mxf"): "BH-test-campaign-spot-nah.mxf",
                       ("nah", "broadcast-prores"): "spot.nah.broadcast-prores.mov",
                       ("yua", "broadcast-mxf"): "BH-7-YUA.mxf",
                       ("yua", "broadcast-prores"): "spot.yua.broadcast-prores.mov"}
    assert {v.settings["clock"] for v in plan.variants} == {"BH-test-campaign-spot-nah", "BH-7-YUA"}
    # Two profiles naming files by one clock number and extension would overwrite each other.
    manifest = campaign.write([{"code": "nah", "treatment": "dub"}], profiles={
        "broadcast-prores": {"clock_in_name": True}, "broadcast": {"clock_in_name": True}},
        clock="BH-{spot}-{lang}")
    plan = build_plan([manifest])
    assert [v.status for v in plan.variants] == ["blocked", "blocked"]
    assert "would all be written to BH-spot-nah.mov" in plan.variants[0].reasons[0]


# --- R128 s1 on a spot with a loud short burst ------------------------------------------------

def test_a_master_s_slate_is_fingerprinted_by_the_font_and_colour_it_is_drawn_in(campaign):
    # The slate draws the style's font and colour alone; with the whole style in its
    # fingerprint, a burn's new outline, shadow or box re-rendered every master with a slate.
    campaign.audio("nah")
    settings = []
    for style in ({}, {"outline": 4, "shadow": 0}, {"box": True}):
        manifest = campaign.write([{"code": "nah", "treatment": "dub"}],
                                  profiles={"broadcast-mxf": None}, style=style)
        (plan,) = build_plan([manifest]).variants
        settings.append(plan.settings)
    assert settings[0]["slate"]["style"] == {"font": "Noto Sans", "color": "#FFFFFF"}
    assert settings[1] == settings[0] == settings[2]


def test_a_boxed_burn_is_not_fingerprinted_by_the_shadow_drawn_in_its_place(campaign):
    # libass draws the box where the shadow would be: a trial's boxed languages went stale
    # for a campaign's new shadow their pictures cannot show; an unboxed one does.
    campaign.subtitle("nah")
    campaign.subtitle("yua")
    settings = []
    for shadow in (1.5, 3):
        manifest = campaign.write([{"code": "nah", "treatment": "burn", "style": {"box": True}},
                                   {"code": "yua", "treatment": "burn"}],
                                  style={"shadow": shadow})
        plans = build_plan([manifest]).variants
        settings.append({v.variant.language.code: v.settings for v in plans})
    assert settings[0]["nah"] == settings[1]["nah"] and "shadow" not in settings[0]["nah"]["style"]
    assert settings[0]["yua"]["style"]["shadow"] == 1.5
    assert settings[1]["yua"] != settings[0]["yua"]


def loud_burst_spot(campaign) -> None:
    """20 s at one level with a 3 s burst 12 dB louder: levelled to -23 LUFS integrated (the
    steady part stays above the relative gate), the burst's 3 s loudness is ~-16 LUFS."""
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25:duration=20",
           "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=20",
           "-filter:a", "volume='if(between(t,10,13),0.4,0.1)':eval=frame,aformat=channel_layouts=stereo",
           "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac",
           str(campaign.root / "media/spot.mp4"))
    campaign.subtitle("nah", "1\n00:00:00,200 --> 00:00:01,800\nLos seres humanos\n")


@pytest.mark.e2e
def test_a_loud_short_burst_breaks_r128_s1_and_fails_with_its_figure(campaign):
    loud_burst_spot(campaign)
    manifest = campaign.write([{"code": "nah", "treatment": "soft"}], profiles={
        "tv": {"base": "broadcast", "width": 320, "height": 180, "preset": "ultrafast"}})
    # Said from the master's analysis when planning (render/loudness_limits.short_term_excess),
    # as validate says it: the variant is blocked, not encoded and then refused.
    for command in ("validate", "render"):
        result = CliRunner().invoke(cli, [command, str(manifest)], catch_exceptions=False)
        assert result.exit_code == 1
        assert "error: the loudest 3 s of the master's sound are " in result.output
    figure = float(result.output.split("they would reach ")[1].split(" LUFS")[0])
    assert -18.0 + 1 < figure < -18.0 + 3                         # the burst, ~1.9 LU over
    assert "1 blocked" in result.output, result.output
    assert not list(campaign.root.rglob("spot.nah.tv*"))           # nothing encoded


@pytest.mark.e2e
def test_burns_whose_sound_breaks_r128_fail_alone_each_named_and_are_not_encoded(campaign, caplog):
    # Two languages burned into two profiles of one frame, in one picture process: the profile
    # naming EBU R128 refuses the burst, and its burns are blocked (under the one error of the
    # master's sound, from planning), before any of their pictures is encoded; the other
    # profile's burns render.
    loud_burst_spot(campaign)
    campaign.subtitle("tzo", "1\n00:00:00,200 --> 00:00:01,800\nJkʼoplal\n")
    small = {"base": "web", "width": 320, "height": 180, "preset": "ultrafast"}
    manifest = campaign.write([{"code": "nah", "treatment": "burn"},
                               {"code": "tzo", "treatment": "burn"}], profiles={
        "strict": {**small, "loudness_standard": "ebu-r128"}, "loose": small})
    with caplog.at_level(logging.INFO, logger="pipeline.media.ffmpeg"):
        result = CliRunner().invoke(cli, ["render", str(manifest)], catch_exceptions=False)
    assert result.exit_code == 1, result.output
    # One master sound, refused once: said when planned, then once in the summary of the
    # variants it blocks, naming both burns.
    assert result.output.count("error: the loudest 3 s of the master's sound are ") == 2, \
        result.output
    assert "blocked 2 variants: " in result.output and "\n  test-campaign/spot.nah.strict, " \
        "test-campaign/spot.tzo.strict\n" in result.output, result.output
    for code in ("nah", "tzo"):
        assert not list(campaign.root.rglob(f"spot.{code}.strict*"))
        made = campaign.out / f"spot.{code}.loose.mp4"
        assert [s["codec_type"] for s in mediacheck.streams(made)] == ["video", "audio"]
        assert abs(mediacheck.duration(made) - 20.0) < 0.1
    assert "2 rendered" in result.output and "2 blocked" in result.output, result.output
    # The encodes burn each language's script for its frame (render/treatments.burn_files):
    # none burns one for strict.
    commands = " ".join(record.getMessage() for record in caplog.records)
    assert "nah-loose/subtitles.ass" in commands and "tzo-loose/subtitles.ass" in commands
    assert "-strict/subtitles.ass" not in commands
    assert [p.name for p in campaign.out.rglob("*partial*")] == []


def test_an_interlaced_master_for_a_progressive_master_profile_is_said_once(campaign):
    # Woven fields (320x180 TFF, coded interlaced): a ProRes master (progressive by default)
    # halves their motion; said once per spot and profile, with how to keep them.
    from tests.conformmedia import interlaced_master
    interlaced_master(campaign.root / "media/spot.mp4")
    campaign.subtitle("nah")
    campaign.subtitle("tzo")
    manifest = campaign.write([{"code": "nah", "treatment": "soft"}, {"code": "tzo", "treatment": "burn"}],
                              profiles={"broadcast-prores": None, "broadcast-mxf": None})
    result = CliRunner().invoke(cli, ["plan", str(manifest)])
    assert result.exit_code == 0, result.output
    said = [line for line in result.stderr.splitlines() if "is deinterlaced into whole frames" in line]
    # At the profile's line, where 'scan: tff' goes.
    line = manifest.read_text().splitlines().index("  broadcast-prores: null") + 1
    assert said == [f"{manifest}:{line}: warning: profile "
                    "'broadcast-prores' is progressive: spot spot's interlaced master (interlaced, "
                    "top field first) is deinterlaced into whole frames, half of its fields' "
                    "motion (hint: to keep the fields, give the profile 'scan: tff' (HD's field "
                    "order, SMPTE ST 274))"], result.stderr


def test_an_interlaced_profile_made_as_a_master_leaves_its_files_made_before_stale(campaign):
    # Made from whole frames before (half the fields' motion), now woven as a master's: its
    # files go stale once; a station master's, woven all along, keep their fingerprints.
    from tests.conformmedia import interlaced_master
    interlaced_master(campaign.root / "media/spot.mp4")
    campaign.subtitle("nah")
    small = {"base": "broadcast", "width": 320, "height": 180, "scan": "tff"}
    manifest = campaign.write([{"code": "nah", "treatment": "soft"}],
                              profiles={"tff": small, "woven": small | {"timecode": "10:00:00:00"}})
    result = CliRunner().invoke(cli, ["plan", str(manifest)])
    assert result.exit_code == 0, result.output
    assert "deinterlaced" not in result.output
    made = {plan.variant.profile.name: plan.settings for plan in build_plan([manifest]).variants}
    assert made["tff"].get("made_as") == "master" and "made_as" not in made["woven"], made


@pytest.mark.parametrize("rate, said", [("30", True), ("30000/1001", False), ("25", False)])
def test_a_tv_master_at_a_whole_ntsc_rate_is_said_once(campaign, rate, said):
    # A trial's phone video became a 30.000 fps ProRes master with no word; its stations
    # run at 29.97 (the interlaced MXF refused it and offered 'fps: 29.97').
    from tests.conftest import ffmpeg
    ffmpeg("-f", "lavfi", "-i", f"testsrc2=size=320x180:rate={rate}:duration=3", "-f", "lavfi",
           "-i", "sine=frequency=440:sample_rate=48000:duration=3", "-c:v", "libx264",
           "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac",
           str(campaign.root / "media/spot.mp4"))
    campaign.subtitle("nah")
    campaign.subtitle("tzo")
    manifest = campaign.write([{"code": "nah", "treatment": "soft"},
                               {"code": "tzo", "treatment": "burn"}],
                              profiles={"broadcast-prores": None})
    result = CliRunner().invoke(cli, ["validate", str(manifest)])
    assert result.exit_code == 0, result.output
    found = [line for line in result.stderr.splitlines() if "NTSC stations" in line]
    line = manifest.read_text().splitlines().index("  broadcast-prores: null") + 1
    assert found == ([f"{manifest}:{line}: warning: profile 'broadcast-prores' makes spot spot's "
                      "master at 30 fps, its own rate: NTSC stations run at 29.97 fps and "
                      "convert it, dropping a frame every 33 s (hint: give the profile 'fps: "
                      "29.97' to make it at their rate, or ignore this for a station that takes "
                      "it as it is)"] if said else []), result.stderr


def test_the_slate_says_its_duration_in_frames_at_the_rate_as_an_engineer_does():
    # It read "6.00 s · 150 × 25.000 fps".
    english, spanish = (translations(code).gettext for code in ("en", "es"))
    assert duration_text(150, Fraction(25), english) == "6.00 s · 150 frames at 25 fps"
    assert duration_text(450, Fraction(30000, 1001), english) == \
        "15.02 s · 450 frames at 29.97 fps"
    assert duration_text(150, Fraction(25), spanish) == "6.00 s · 150 cuadros a 25 fps"


def test_an_interlaced_master_for_the_web_profiles_is_said_once_a_spot(campaign):
    # 1080i50 came out of web and proxy as 25p, half its motion, without a word, while
    # broadcast-prores said so; now every progressive profile says it: the web family once a
    # spot (no 'scan:' of theirs keeps fields), a master profile once as before. The frame
    # rate of every output stays the master's.
    from tests.conformmedia import interlaced_master
    interlaced_master(campaign.root / "media/spot.mp4")
    campaign.subtitle("nah")
    campaign.subtitle("tzo")
    manifest = campaign.write([{"code": "nah", "treatment": "soft"},
                               {"code": "tzo", "treatment": "burn"}],
                              profiles={"web": None, "proxy": None, "broadcast-prores": None,
                                        "radio": None})
    result = CliRunner().invoke(cli, ["plan", str(manifest)])
    assert result.exit_code == 0, result.output
    said = [line for line in result.stderr.splitlines()
            if "is deinterlaced into whole frames" in line]
    line = load_manifest(manifest).line_of("profiles")
    # The master profile's at its own line: 'scan: tff' goes there.
    prores = manifest.read_text().splitlines().index("  broadcast-prores: null") + 1
    assert said == [
        f"{manifest}:{line}: warning: profiles 'web' and 'proxy' are progressive: spot spot's "
        "interlaced master (interlaced, top field first) is deinterlaced into whole frames, half "
        "of its fields' motion (hint: web and phone players show whole frames only: to keep the "
        "motion, export the master progressive at its field rate (50p or 59.94p))",
        f"{manifest}:{prores}: warning: profile 'broadcast-prores' is progressive: spot spot's "
        "interlaced master (interlaced, top field first) is deinterlaced into whole frames, half "
        "of its fields' motion (hint: to keep the fields, give the profile 'scan: tff' (HD's "
        "field order, SMPTE ST 274))"], result.stderr


def test_plan_says_each_master_s_timecode_and_where_each_profile_s_master_starts(campaign):
    # An engineer lines a master up by its own start timecode (its tmcd track) and checks
    # where each station's master starts; plan said neither.
    master = campaign.root / "media/spot.mp4"
    ffmpeg("-i", str(campaign.media["master.mp4"]), "-c", "copy", "-timecode", "01:00:00:00",
           str(master))
    campaign.audio("yua")
    manifest = campaign.write([{"code": "yua", "treatment": "dub"}], profiles={
        "small": {"base": "web", "width": 320, "height": 180}, "broadcast-mxf": None,
        "prores": {"base": "broadcast-prores", "timecode": "00:59:50:00", "leader": {"bars": 2}}})
    result = CliRunner().invoke(cli, ["plan", str(manifest)])
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    first = next(number for number, line in enumerate(lines) if line.startswith("master "))
    told = lines[first:first + 3]
    assert told[0].startswith("master test-campaign/spot: 320x180, SAR 1:1 (16:9), 25 fps, ")
    assert told[0].endswith("; timecode 01:00:00:00 at its first frame"), told
    assert told[1:] == [
        "  profile 'broadcast-mxf': file from 09:59:48:00, programme from 10:00:00:00",
        "  profile 'prores': file from 00:59:48:00, programme from 00:59:50:00"], told
    [described] = json.loads(CliRunner().invoke(cli, ["plan", str(manifest), "--json"])
                             .stdout)["masters"]
    assert described["timecode"] == "01:00:00:00"
    assert described["profiles"] == [
        {"profile": "broadcast-mxf", "file_timecode": "09:59:48:00",
         "programme_timecode": "10:00:00:00"},
        {"profile": "prores", "file_timecode": "00:59:48:00", "programme_timecode": "00:59:50:00"}]
    # A master without one is said to have none, not left to guess.
    shutil.copy(campaign.media["master.mp4"], master)
    result = CliRunner().invoke(cli, ["plan", str(manifest), "--profile", "small"])
    line = next(line for line in result.stderr.splitlines() if line.startswith("master "))
    assert line.endswith("; no start timecode"), line
    assert "  profile '" not in result.stderr, result.stderr
    # -q: errors and the summary only; the variants' lines, on stdout, stay.
    quiet = CliRunner().invoke(cli, ["-q", "plan", str(manifest)])
    assert quiet.exit_code == 0, quiet.output
    assert not any(line.startswith(("master ", "  profile '")) for line in
                   quiet.stderr.splitlines()), quiet.stderr
    assert quiet.stdout == CliRunner().invoke(cli, ["plan", str(manifest)]).stdout


@pytest.mark.e2e
def test_a_silent_spot_in_a_profile_held_to_r128_is_blocked_at_planning_with_a_way_out(campaign):
    # A trial's spot declared 'audio: silent' passed validate and failed its TV master at
    # render, told to "master the mix with less dynamic range": silence meets no integrated
    # rule. Said at planning, at the spot's audio line, naming the way out; the profile with
    # no standard renders, with its silent track.
    campaign.subtitle("nah")
    small = {"base": "web", "width": 320, "height": 180, "preset": "ultrafast"}
    data = campaign.data([{"code": "nah", "treatment": "soft"}], profiles={
        "strict": {**small, "loudness_standard": "ebu-r128"}, "loose": small})
    data["spots"][0]["audio"] = "silent"
    campaign.manifest.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    line = campaign.manifest.read_text().splitlines().index("  audio: silent") + 1
    said = (f"{campaign.manifest}:{line}: error: spot 'spot' is silent ('audio: silent'): profile "
            "'strict' holds its files to EBU R128 (2023), whose integrated loudness no silence "
            "meets; its variants of that profile are not made (hint: give the spot its sound; "
            "or, to deliver it silent, render it from a manifest of its own whose profiles set "
            "loudness_standard: null)")
    validated = CliRunner().invoke(cli, ["validate", str(campaign.manifest)])
    assert validated.exit_code == 1 and said in validated.output.splitlines(), validated.output
    rendered = CliRunner().invoke(cli, ["render", str(campaign.manifest)])
    assert rendered.exit_code == 1 and "1 rendered, 0 up-to-date, 0 failed, 1 blocked" in \
        rendered.output, rendered.output
    assert "less dynamic range" not in rendered.output
    assert not list(campaign.root.rglob("spot.nah.strict*"))
    made = campaign.out / "spot.nah.loose.mp4"
    assert [s["codec_type"] for s in mediacheck.streams(made)] == ["video", "audio", "subtitle"]
    # The way out, as the hint says it: the spot in a manifest whose profiles set no standard
    # (a review: "a profile of its own" cannot be given to a spot, which takes them all).
    data["profiles"] = {"strict": {**small, "loudness_standard": None}, "loose": small}
    campaign.manifest.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    freed = CliRunner().invoke(cli, ["validate", str(campaign.manifest)])
    assert freed.exit_code == 0 and "is silent" not in freed.output, freed.output
    data["profiles"]["strict"]["loudness_standard"] = "ebu-r128"
    # Undeclared, a master whose sound is digital silence: said at the master.
    quiet = campaign.root / "media/quiet.mp4"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25:duration=4", "-f", "lavfi",
           "-i", "anullsrc=r=48000:cl=stereo", "-t", "4", "-c:v", "libx264", "-preset",
           "ultrafast", "-c:a", "aac", "-shortest", str(quiet))
    del data["spots"][0]["audio"]
    data["spots"][0]["master"] = "../media/quiet.mp4"
    campaign.manifest.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    validated = CliRunner().invoke(cli, ["validate", str(campaign.manifest)])
    assert validated.exit_code == 1 and f"{quiet}: error: spot 'spot' is silent (its master's " \
        "sound is below -70 LUFS throughout): profile 'strict'" in validated.output, \
        validated.output
