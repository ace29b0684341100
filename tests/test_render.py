"""End-to-end renders of every treatment from a few seconds of lavfi media, checked for real."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import signal
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from pipeline.cli.main import cli
from pipeline.render import encoders, treatments
from tests.conftest import SRT, Campaign, ffmpeg
from tests.mediacheck import (
    band_rms_db,
    changed_fraction,
    duration,
    gray_frame,
    integrated_loudness,
    streams,
)

pytestmark = pytest.mark.e2e

W, H = 320, 180
TALL = {"base": "vertical", "width": 180, "height": 320, "preset": "ultrafast"}   # a portrait frame


def render(*args: str):
    return CliRunner().invoke(cli, ["render", *map(str, args)], catch_exceptions=False)


def render_one_per_treatment(campaign: Campaign) -> Campaign:
    """`campaign` with one language per treatment, rendered in the `small` profile."""
    campaign.subtitle("nah")
    campaign.subtitle("tzo")
    campaign.subtitle("yua")          # a dub with subtitles gets them as a track too
    campaign.audio("yua", "dub.wav")
    campaign.audio("mto", "voice.wav")
    manifest = campaign.write([
        {"code": "nah", "treatment": "burn"},
        {"code": "tzo", "treatment": "soft", "name": "Bats'i k'op tzotzil"},
        {"code": "yua", "treatment": "dub"},
        {"code": "mto", "treatment": "mix"},
    ])
    result = render(manifest, "-j", "2")
    assert result.exit_code == 0, result.output
    return campaign


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, media) -> Campaign:
    """One render shared by the tests that only read its outputs (nine renders were one each)."""
    return render_one_per_treatment(Campaign(tmp_path_factory.mktemp("rendered"), media))


def test_burned_text_is_in_the_picture_during_cues_only(rendered):
    out, master = rendered.out / "spot.nah.small.mp4", rendered.root / "media/spot.mp4"
    assert [s["codec_type"] for s in streams(out)] == ["video", "audio"]
    assert abs(duration(out) - 4.0) < 0.1
    bottom = range(int(H * 0.7), int(H * 0.95))
    in_cue = changed_fraction(gray_frame(out, 1.2, W, H), gray_frame(master, 1.2, W, H), W, bottom)
    between = changed_fraction(gray_frame(out, 2.2, W, H), gray_frame(master, 2.2, W, H), W, bottom)
    assert in_cue > 0.01, in_cue
    assert between < in_cue / 10, (between, in_cue)
    # Nothing drawn above the title-safe bottom band.
    top = range(0, int(H * 0.6))
    assert changed_fraction(gray_frame(out, 1.2, W, H), gray_frame(master, 1.2, W, H), W, top) < 0.005


def test_soft_variant_carries_a_tagged_track_and_sidecars(rendered):
    out = rendered.out / "spot.tzo.small.mp4"
    kinds = {s["codec_type"]: s for s in streams(out)}
    assert kinds["subtitle"]["codec_name"] == "mov_text"
    assert kinds["subtitle"]["tags"]["language"] == "tzo"
    # Listed by players by the language's name (the manifest's), not "SubtitleHandler".
    assert kinds["subtitle"]["tags"]["handler_name"] == "Bats'i k'op tzotzil"
    assert kinds["audio"]["tags"]["language"] == "spa"
    # 0.5 s is half-way through frame 12 at 25 fps: snapped to the start of frame 13.
    assert (rendered.out / "spot.tzo.srt").read_text(encoding="utf-8").startswith("1\n00:00:00,520")
    assert (rendered.out / "spot.tzo.vtt").read_text(encoding="utf-8").startswith("WEBVTT")
    # The master already fits the profile: its picture is copied, not re-encoded.
    master_frame = gray_frame(rendered.root / "media/spot.mp4", 1.2, W, H)
    assert gray_frame(out, 1.2, W, H) == master_frame


def test_a_soft_cue_past_the_end_is_cut_there_in_the_track_and_the_sidecars(campaign):
    # The check said "it will be cut", but the text track kept it: a 4.0 s spot became a 4.6 s
    # file (ffprobe's format duration), and the sidecars a station gets ended it at 4.600.
    campaign.subtitle("tzo", SRT + "\n3\n00:00:03,800 --> 00:00:04,600\nLajem\n")
    manifest = campaign.write([{"code": "tzo", "treatment": "soft"}])
    result = render(manifest)
    assert result.exit_code == 0, result.output
    assert "after the end of the video (00:00:04,000); it will be cut" in result.output
    out = campaign.out / "spot.tzo.small.mp4"
    assert abs(duration(out) - 4.0) < 0.05, duration(out)
    (track,) = [s for s in streams(out) if s["codec_type"] == "subtitle"]
    assert float(track["duration"]) <= 4.0
    assert (campaign.out / "spot.tzo.srt").read_text(encoding="utf-8").rstrip().endswith(
        "00:00:03,800 --> 00:00:04,000\nLajem")
    assert "00:00:04.000\nLajem" in (campaign.out / "spot.tzo.vtt").read_text(encoding="utf-8")


def test_the_output_check_refuses_a_stream_running_past_the_spot(campaign, tmp_path):
    # It measured the picture's length only: a text track running on went through.
    from pipeline.errors import RenderError
    from pipeline.render.plan import build_plan
    from pipeline.render.record import check_output

    campaign.subtitle("tzo")
    manifest = campaign.write([{"code": "tzo", "treatment": "soft"}])
    (plan,) = build_plan([manifest]).variants
    long_cue = tmp_path / "long.srt"
    long_cue.write_text("1\n00:00:03,800 --> 00:00:04,600\nLajem\n", encoding="utf-8")
    made = tmp_path / "made.mp4"      # the master's picture and sound, and that text track
    ffmpeg("-i", str(campaign.root / "media/spot.mp4"), "-i", str(long_cue), "-map", "0:v",
           "-map", "0:a", "-map", "1:s", "-c:v", "copy", "-c:a", "aac", "-ar", "48000",
           "-c:s", "mov_text", "-disposition:s:0", "default", str(made))
    assert abs(duration(made) - 4.6) < 0.05           # as a player shows it
    with pytest.raises(RenderError, match=r"its subtitle stream runs to 4\.600 s, past the "
                                          r"expected 4\.000 s"):
        check_output(plan, made)


def test_the_output_check_refuses_a_sound_stream_that_stops_short(campaign, tmp_path):
    # A trial's 44.1 kHz dub made a track 88 ms shorter than its picture, unsaid.
    from pipeline.errors import RenderError
    from pipeline.render.plan import build_plan
    from pipeline.render.record import check_output

    campaign.audio("yua")
    manifest = campaign.write([{"code": "yua", "treatment": "dub"}])
    (plan,) = build_plan([manifest]).variants
    made = tmp_path / "made.mp4"
    ffmpeg("-i", str(campaign.root / "media/spot.mp4"), "-map", "0:v", "-map", "0:a",
           "-c:v", "copy", "-c:a", "aac", "-ar", "48000", "-af", "atrim=end=3.9", str(made))
    assert abs(duration(made) - 4.0) < 0.05           # the picture's
    with pytest.raises(RenderError, match=r"its sound stream ends at 3\.9\d\d s, \d+ ms before "
                                          r"the expected 4\.000 s"):
        check_output(plan, made)


def test_dub_replaces_the_audio_with_the_language_track(rendered):
    out = rendered.out / "spot.yua.small.mp4"
    assert band_rms_db(out, 1000) - band_rms_db(out, 440) > 15
    master = rendered.root / "media/spot.mp4"
    assert band_rms_db(master, 440) - band_rms_db(master, 1000) > 15
    kinds = {s["codec_type"]: s for s in streams(out)}
    assert kinds["audio"]["tags"]["language"] == "yua"
    assert kinds["subtitle"]["tags"]["language"] == "yua"
    # The language's name where the manifest gives none: the page's.
    assert kinds["subtitle"]["tags"]["handler_name"] == "Yucateco", kinds["subtitle"]["tags"]
    assert abs(duration(out) - 4.0) < 0.1     # the 3.5 s track was padded to the picture


def test_mix_ducks_the_bed_under_the_voice(rendered):
    out = rendered.out / "spot.mto.small.mp4"
    assert band_rms_db(out, 1500, 0.3, 1.0) > band_rms_db(out, 1500, 3.1, 0.8) + 30   # voice, then none
    ducked = band_rms_db(out, 220, 0.3, 1.0)
    free = band_rms_db(out, 220, 3.1, 0.8)
    assert free - ducked > 6, (ducked, free)


@pytest.mark.parametrize("code", ["nah", "tzo", "yua", "mto"])
def test_loudness_meets_the_profile_target(rendered, code):
    out = rendered.out / f"spot.{code}.small.mp4"
    lufs, _ = integrated_loudness(out)
    assert abs(lufs - (-16.0)) <= 0.5, lufs
    record = json.loads((rendered.out / f"spot.{code}.small.json").read_text())
    # The record's figure is the same meter's reading of the same audio packets.
    assert abs(record["loudness"]["integrated_lufs"] - lufs) <= 0.15
    assert record["loudness"]["true_peak_dbtp"] <= -1.0 + 0.1


def test_records_and_catalog_describe_the_outputs(rendered):
    import hashlib
    record = json.loads((rendered.out / "spot.nah.small.json").read_text())
    out = rendered.out / record["file"]
    assert record["sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()
    assert record["bytes"] == out.stat().st_size
    assert (record["width"], record["height"]) == (W, H)
    assert "upscaled_from" not in record           # the master's own size: nothing enlarged
    assert set(record["inputs"]) == {"master", "subtitles", "font"}
    assert (rendered.out / record["poster"]).stat().st_size > 0
    catalog = json.loads((rendered.root / "build/test-campaign/catalog.json").read_text())
    assert {(v["language"], v["profile"]) for v in catalog["variants"]} == \
        {("nah", "small"), ("tzo", "small"), ("yua", "small"), ("mto", "small")}
    # The picture's rate and scan as ffprobe read the file (the page's line says them).
    assert all(v["picture"] == {"rate": "25", "scan": "progressive"} for v in catalog["variants"])
    assert not list(rendered.out.glob(".*partial*"))


def test_a_file_whose_frame_enlarges_the_master_s_picture_says_from_what_size(campaign):
    # A web file of an SD master was "1920×1080" on the page, with nothing said of the picture
    # enlarged into it (a TV master's line said it).
    campaign.subtitle("nah")
    campaign.subtitle("tzo")
    manifest = campaign.write(
        [{"code": "nah", "treatment": "burn"}, {"code": "tzo", "treatment": "soft"}],
        profiles={"big": {"base": "web", "width": 640, "height": 360, "preset": "ultrafast"}})
    assert render(manifest).exit_code == 0
    catalog = json.loads((campaign.root / "build/test-campaign/catalog.json").read_text())
    for code in ("nah", "tzo"):
        record = json.loads((campaign.out / f"spot.{code}.big.json").read_text())
        assert record["upscaled_from"] == [W, H], record
    assert {v["language"]: v.get("upscaled_from") for v in catalog["variants"]} == {
        "nah": [W, H], "tzo": [W, H]}


def test_a_language_made_for_some_spots_is_skipped_on_the_others(campaign):
    # A trial's voice-over failed on two spots without a music bed, and the only way out the
    # hint gave ("use 'dub'") changed it on every spot.
    campaign.subtitle("tzo")
    campaign.audio("ote", "voice.wav")
    data = campaign.data([{"code": "tzo", "treatment": "burn"},
                          {"code": "ote", "treatment": "mix", "spots": ["spot"]}])
    data["spots"].append({"id": "other", "master": "../media/spot.mp4"})      # no music bed
    (campaign.root / "subtitles/other").mkdir()
    campaign.manifest.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    # A translation that covers some spots: the hint names the language's spots: too.
    missing = CliRunner().invoke(cli, ["validate", str(campaign.manifest)])
    assert "subtitles missing for language 'tzo' (burn)" in missing.output and "(hint: add the " \
        "subtitle file there (SubRip, WebVTT, ASS/SSA or TTML), change the treatment, or leave " \
        "'other' out of the language's 'spots:')" in missing.output, missing.output
    (campaign.root / "subtitles/other/tzo.srt").write_text(SRT, encoding="utf-8")
    everywhere = {**data, "languages": [data["languages"][0], {"code": "ote", "treatment": "mix"}]}
    campaign.manifest.write_text(yaml.safe_dump(everywhere, allow_unicode=True), encoding="utf-8")
    blocked = CliRunner().invoke(cli, ["validate", str(campaign.manifest)])
    assert blocked.exit_code == 1 and "language 'ote' uses 'mix' but spot 'other' has no " \
        "music_bed (hint: add 'music_bed:' to the spot, use 'dub', or list the spots it is made " \
        "for in the language's 'spots:' (without 'other'))" in blocked.output, blocked.output
    campaign.manifest.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    planned = CliRunner().invoke(cli, ["plan", "-v", str(campaign.manifest)])
    assert planned.exit_code == 0, planned.output
    assert ("skipped     test-campaign/other.ote.small mix    (language 'ote' is made for spot "
            "spot only (its 'spots:'))") in planned.output, planned.output
    # Without -v, counted in one line: a 21-language campaign listed 476 of them.
    counted = CliRunner().invoke(cli, ["plan", str(campaign.manifest)])
    assert "test-campaign/other.ote" not in counted.output and "1 variant no spot makes (not " \
        "applicable, skipped) is not listed: 'plan -v' lists it with its reason" \
        in counted.output, counted.output
    assert "skipped     test-campaign/other.ote.small" in CliRunner().invoke(
        cli, ["plan", str(campaign.manifest), "--lang", "ote"]).output
    assert render(campaign.manifest).exit_code == 0
    catalog = json.loads((campaign.root / "build/test-campaign/catalog.json").read_text())
    assert sorted((v["spot"], v["language"]) for v in catalog["variants"]) == [
        ("other", "tzo"), ("spot", "ote"), ("spot", "tzo")]
    assert catalog.get("variants_missing", []) == []


def test_second_render_is_skipped_and_one_changed_file_rerenders_one_language(campaign):
    rendered = render_one_per_treatment(campaign)     # its own: it changes a subtitle file
    before = {p.name: p.stat().st_mtime_ns for p in rendered.out.glob("*.mp4")}
    result = render(rendered.manifest)
    assert result.exit_code == 0
    assert "0 rendered, 4 up-to-date" in result.output
    rendered.subtitle("tzo", (rendered.root / "subtitles/spot/tzo.srt").read_text().replace("venta", "VENTA"))
    result = render(rendered.manifest)
    assert "1 rendered, 3 up-to-date" in result.output
    after = {p.name: p.stat().st_mtime_ns for p in rendered.out.glob("*.mp4")}
    assert [name for name in before if before[name] != after[name]] == ["spot.tzo.small.mp4"]


def test_a_bad_language_is_reported_and_the_others_still_render(campaign):
    campaign.subtitle("nah")
    bad = campaign.subtitle("tzo", "1\n00:00:00,500 --> 00:00:02,000\nuno\n\n"
                                   "2\n00:00:01,500 --> 00:00:03,000\ndos\n")
    manifest = campaign.write([{"code": "nah", "treatment": "burn"},
                               {"code": "tzo", "treatment": "burn"},
                               {"code": "yua", "treatment": "dub"}])
    result = render(manifest)
    assert result.exit_code == 1
    assert f"{bad}:5: error:" in result.output and "overlap" in result.output
    assert "audio track missing for language 'yua' (dub): expected" in result.output
    assert "Traceback" not in result.output
    assert (campaign.out / "spot.nah.small.mp4").exists()
    assert not (campaign.out / "spot.tzo.small.mp4").exists()
    assert sorted(p.name for p in campaign.out.iterdir() if p.name.startswith(".")) in ([], [".work"])


def test_ffmpeg_failure_leaves_no_file_under_a_final_name(campaign, x264_refuses):
    campaign.subtitle("nah")
    x264_refuses("-bad")
    manifest = campaign.write([{"code": "nah", "treatment": "burn"}],
                              profiles={"bad": {"base": "web", "width": 320, "height": 180}})
    result = render(manifest)
    assert result.exit_code == 1
    assert "error: ffmpeg failed while rendering spot.nah.bad (exit" in result.output
    assert "ffmpeg said:" in result.output
    left = [p.name for p in campaign.out.rglob("*")] if campaign.out.exists() else []
    assert not [name for name in left if name.endswith(".mp4") or "partial" in name], left


def test_a_bug_in_one_variant_is_one_line_with_a_hint_and_the_batch_goes_on(campaign, monkeypatch, caplog):
    """Issue 8: an exception nobody planned for fails its variant, not the batch or the terminal."""
    campaign.subtitle("nah")
    campaign.subtitle("tzo")
    manifest = campaign.write([{"code": "nah", "treatment": "burn"},
                               {"code": "tzo", "treatment": "soft"}])
    real = treatments.TREATMENTS["soft"]

    def buggy(job):
        if job.plan.variant.language.code == "tzo":
            raise ZeroDivisionError("division by zero in a made-up bug")
        return real(job)

    monkeypatch.setitem(treatments.TREATMENTS, "soft", buggy)
    result = render(manifest)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    (line,) = [line for line in result.output.splitlines() if "ZeroDivisionError" in line]
    assert "error: internal error: ZeroDivisionError: division by zero in a made-up bug" in line
    assert "re-run with -vv" in line
    assert (campaign.out / "spot.nah.small.mp4").exists()           # the other language rendered
    assert not (campaign.out / "spot.tzo.small.mp4").exists()
    assert "1 rendered" in result.output and "1 failed" in result.output

    # With -vv the details are logged at DEBUG (pytest's log capture holds them here).
    assert not [r for r in caplog.records if r.exc_info]
    render(manifest, "-vv")
    (logged,) = [r for r in caplog.records if r.exc_info and r.exc_info[0] is ZeroDivisionError]
    assert logged.levelno == logging.DEBUG and "spot.tzo.small" in logged.getMessage()


def test_profiles_frame_the_picture(campaign):
    campaign.subtitle("nah")
    manifest = campaign.write([{"code": "nah", "treatment": "burn"}],
                              profiles={"tall": TALL, "sq": {"base": "square", "width": 120,
                                                             "height": 120, "preset": "ultrafast"}})
    assert render(manifest).exit_code == 0
    tall = {s["codec_type"]: s for s in streams(campaign.out / "spot.nah.tall.mp4")}["video"]
    square = {s["codec_type"]: s for s in streams(campaign.out / "spot.nah.sq.mp4")}["video"]
    assert (tall["width"], tall["height"]) == (180, 320)
    assert (square["width"], square["height"]) == (120, 120)
    # Fitted to the width: black bars above and below the 16:9 picture.
    frame = gray_frame(campaign.out / "spot.nah.tall.mp4", 2.2, 180, 320)
    assert max(frame[: 180 * 60]) < 30
    # Its poster, 480 wide, of square pixels: 480x853.3 rounded to 854 kept the frame's shape
    # in a pixel aspect of 1281:1280 (a trial's vertical poster), which viewers ignore.
    (poster,) = streams(campaign.out / "spot.nah.tall.jpg")
    assert (poster["width"], poster["height"], poster.get("sample_aspect_ratio", "1:1")) == \
        (480, 854, "1:1"), poster


def test_ctrl_c_leaves_no_partial_or_temporary_files(campaign):
    from tests.terminal import default_interrupt_signals

    import subprocess

    process = campaign.rendering(stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                 preexec_fn=default_interrupt_signals)
    os.killpg(process.pid, signal.SIGINT)       # what Ctrl-C in a terminal does
    _, err = process.communicate(timeout=30)
    assert process.returncode != 0
    assert "Traceback" not in err
    assert [p.name for p in campaign.out.iterdir() if not p.name.startswith(".work")] == []


def test_hostile_paths_reach_the_filter_graph_safely(tmp_path, media, monkeypatch):
    """Every character ffmpeg's filter syntax gives meaning to, in the campaign's folder and in
    the temporary folder that holds the ASS script."""
    from tests.conftest import Campaign

    hostile = "it's: a,b[c];d=e\\f%g"
    scratch = tmp_path / f"tmp {hostile}"
    scratch.mkdir()
    monkeypatch.setenv("TMPDIR", str(scratch))
    import tempfile
    monkeypatch.setattr(tempfile, "tempdir", None)       # re-read TMPDIR
    campaign = Campaign(tmp_path / hostile, media)
    campaign.subtitle("nah")
    result = render(campaign.write([{"code": "nah", "treatment": "burn"}]))
    assert result.exit_code == 0, result.output
    out = campaign.out / "spot.nah.small.mp4"
    master = campaign.root / "media/spot.mp4"
    bottom = range(int(H * 0.7), int(H * 0.95))
    assert changed_fraction(gray_frame(out, 1.2, W, H), gray_frame(master, 1.2, W, H), W, bottom) > 0.01


def test_broadcast_profile_is_a_mov_with_24_bit_pcm_at_minus_23_lufs(campaign):
    campaign.subtitle("nah")
    campaign.subtitle("tzo")
    manifest = campaign.write([{"code": "nah", "treatment": "burn"}, {"code": "tzo", "treatment": "soft"}],
                              profiles={"bc": {"base": "broadcast", "width": 320, "height": 180,
                                               "preset": "ultrafast", "video_bitrate": "2M"}})
    assert render(manifest).exit_code == 0
    for code in ("nah", "tzo"):
        out = campaign.out / f"spot.{code}.bc.mov"
        kinds = {s["codec_type"]: s for s in streams(out)}
        assert kinds["audio"]["codec_name"] == "pcm_s24le"
        assert int(kinds["audio"]["sample_rate"]) == 48000 and kinds["audio"]["channels"] == 2
        lufs, _ = integrated_loudness(out)
        assert abs(lufs - (-23.0)) <= 0.5, lufs
    assert {s["codec_type"] for s in streams(campaign.out / "spot.tzo.bc.mov")} == {"video", "audio", "subtitle"}


def test_real_records_publish_and_verify(rendered, tmp_path):
    """The publish tests build records by hand; this one publishes what a render really left."""
    from pipeline.cli.publish import publish, verify

    result = CliRunner().invoke(publish, [str(rendered.manifest), "--to", f"file://{tmp_path}/dist"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(verify, [str(tmp_path / "dist/test-campaign")], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "4 of 4 variants verified" in result.stdout


def test_a_language_burned_in_two_frames_in_one_process_is_laid_out_for_each(campaign):
    # One picture process burns nah into a tall and a wide frame: each burn needs its own
    # subtitle script (its frame size, its line breaks). They once shared one file, the last
    # written won, and one of the two pictures got the other's layout. A black master: only
    # the text is bright.
    ffmpeg("-f", "lavfi", "-i", "color=black:size=320x180:rate=25:duration=4",
           "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=4",
           "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac",
           str(campaign.root / "media/spot.mp4"))
    campaign.subtitle("nah", "1\n00:00:00,500 --> 00:00:03,500\n"
                             "Los seres humanos no están a la venta en ningún lugar\n")
    # 53 characters: a limit of 60 lets the wide frame keep them on one line.
    manifest = campaign.write([{"code": "nah", "treatment": "burn", "qc": {"max_line_chars": 60}}],
                              profiles={"tall": TALL, "wide": {"base": "web", "width": 320,
                                                               "height": 180, "preset": "ultrafast"}})
    assert render(manifest).exit_code == 0

    def text_lines(name: str, width: int, height: int) -> tuple[int, bool]:
        """(lines of burned text, whether the text touches the frame's sides)."""
        frame = gray_frame(campaign.out / name, 2.0, width, height)
        rows = [frame[y * width:(y + 1) * width] for y in range(height)]
        lit = [max(row) > 150 for row in rows]
        lines = sum(1 for y in range(1, height) if lit[y] and not lit[y - 1])
        touches = any(max(row[:3]) > 60 or max(row[-3:]) > 60 for row in rows)
        return lines, touches

    # Each frame laid out for itself, inside its sides: two lines in the narrow one (with the
    # wide one's script: one line, cut by both sides), one line in the wide one (with the tall
    # one's: two small lines).
    assert text_lines("spot.nah.tall.mp4", 180, 320) == (2, False)
    assert text_lines("spot.nah.wide.mp4", 320, 180) == (1, False)


def test_a_copied_picture_gets_no_first_pass_of_its_own(campaign, monkeypatch):
    # Each soft or dub variant of a size-capped profile ran x264's first pass over the shared
    # picture it then copied (`-i ….picture.mp4 … -pass 1`, 2.9 s where the remux takes 0.8):
    # statistics nobody read. The shared picture is encoded in two passes once; then each
    # variant is one remux.
    campaign.subtitle("tzo")
    campaign.audio("yua", "dub.wav")
    manifest = campaign.write([{"code": "tzo", "treatment": "soft"}, {"code": "yua", "treatment": "dub"}],
                              profiles={"capped": {"base": "messaging", "width": W, "height": H,
                                                   "preset": "ultrafast",
                                                   "soft_subtitles": "track"}})
    commands: list[list[str]] = []
    real = encoders.run_ffmpeg

    def logged(args, **kwargs):                 # notes the command, then runs the real ffmpeg
        commands.append(list(args))
        return real(args, **kwargs)

    monkeypatch.setattr(encoders, "run_ffmpeg", logged)
    result = render(manifest, "-j", "1")
    assert result.exit_code == 0 and "2 rendered" in result.output, result.output

    def first_pass(args):
        return any(a == "-pass" and b == "1" for a, b in zip(args, args[1:]))

    def input_of(args):
        return args[args.index("-i") + 1]
    passes = [input_of(args) for args in commands if first_pass(args)]
    assert not [i for i in passes if i.endswith(".picture.mp4")], passes
    assert len(passes) == 1 and passes[0].endswith("spot.mp4"), passes      # the shared picture's
    remuxes = [args for args in commands if any(a.endswith(".picture.mp4") for a in args)
               and "copy" in args]
    assert len(remuxes) == 2, commands


def test_a_burned_cue_is_measured_on_each_variants_own_frame(campaign):
    # A trial's landscape `messaging` variant carried the `vertical` profile's warnings ("on a
    # 1080x1920 frame ... drawn on 4 lines") in its record and catalog, measured on the
    # manifest's narrowest frame: false warnings on the page, and --strict failed a good file.
    # A line of TTSG's 42 characters: one line of the 320x180 frame, two of the 180x320 one.
    campaign.subtitle("nah", "1\n00:00:00,200 --> 00:00:03,900\n"
                             "En ninguna parte del mundo, nadie se vende\nni se compra\n")
    manifest = campaign.write([{"code": "nah", "treatment": "burn"}],
                              profiles={"small": {"base": "web", "width": W, "height": H,
                                                  "preset": "ultrafast"}, "tall": TALL})
    result = render(manifest)
    assert result.exit_code == 0, result.output
    said = [line for line in result.output.splitlines() if "title-safe width" in line]
    assert len(said) == 1 and "on a 180x320 frame" in said[0], result.output

    def fits(profile: str) -> list[str]:
        record = json.loads((campaign.out / f"spot.nah.{profile}.json").read_text())
        return [w["message"] for w in record["qc"]["warnings"] if w["code"] == "fit"]

    (tall,) = fits("tall")
    assert "on a 180x320 frame, so it will be drawn on 3 lines (at most 2)" in tall, tall
    assert fits("small") == []
    # --strict judges each variant by its own warnings: the landscape one renders.
    strict = render(manifest, "--strict", "--force", "--profile", "small")
    assert strict.exit_code == 0, strict.output


def _ffmpegs_writing(folder: Path) -> list[str]:
    """The command lines of running ffmpeg processes that name a file under `folder`."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            words = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:      # not a process, or ended meanwhile
            continue
        if words and words[0].endswith(b"ffmpeg") and any(str(folder).encode() in w for w in words):
            found.append(b" ".join(words).decode(errors="replace"))
    return found


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_sigterm_and_sighup_end_a_render_as_ctrl_c_does(campaign, tmp_path, signum):
    # Sent to the pipeline alone (a service manager, a closed ssh session): its ffmpegs ran on
    # ~10 s under PID 1, and its temporary folders and partial files stayed for good.
    import subprocess

    scratch = tmp_path / "tmp"
    scratch.mkdir()
    process = campaign.rendering(stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                 env={**os.environ, "TMPDIR": str(scratch)})
    os.kill(process.pid, signum)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 128 + signum, err
    assert "Traceback" not in err and "internal error" not in err, err
    assert f"stopped by {signal.Signals(signum).name}" in err, err
    assert _ffmpegs_writing(campaign.root) == []
    assert list(scratch.iterdir()) == []
    # No partial file is left. On a loaded machine the stop can land after the variant was
    # finished (CI saw its mp4, poster and record): then its file is whole, as its record says.
    left = sorted(p.name for p in campaign.out.iterdir() if not p.name.startswith(".work"))
    assert not [name for name in left if ".partial-" in name], left
    if left:
        assert left == ["spot.nah.big.jpg", "spot.nah.big.json", "spot.nah.big.mp4"], left
        record = json.loads((campaign.out / "spot.nah.big.json").read_text(encoding="utf-8"))
        assert record["sha256"] == hashlib.sha256(
            (campaign.out / "spot.nah.big.mp4").read_bytes()).hexdigest()


def test_a_soft_language_kept_a_track_in_a_messaging_file_is_said_to_show_no_subtitles(campaign):
    # A trial's Tsotsil messaging file: Spanish sound, a subtitle track WhatsApp never shows.
    # Such profiles burn a soft language's subtitles; one told to keep the track is warned of.
    from pipeline.render.plan import build_plan

    campaign.subtitle("tzo")
    campaign.subtitle("nah")
    small = {"width": 320, "height": 180, "preset": "ultrafast"}
    manifest = campaign.write([{"code": "tzo", "treatment": "soft"},
                               {"code": "nah", "treatment": "burn"}],
                              profiles={"small": {"base": "web", **small},
                                        "chat": {"base": "messaging", **small,
                                                 "soft_subtitles": "track"},
                                        "reel": {"base": "vertical", "width": 180,
                                                 "height": 320}})
    plan = build_plan([manifest])
    by_key = {(v.variant.language.code, v.variant.profile.name): v for v in plan.variants}
    unseen = [d for d in plan.diagnostics if d.code == "track-unseen"]
    assert [d.message for d in unseen] == [
        "language 'tzo' is 'soft', but profile 'chat' makes a file for messaging apps and "
        "social feeds, whose players show no subtitle track: its viewers will see no subtitles"]
    assert unseen[0].hint == ("leave out the profile's 'soft_subtitles: track' to burn them into "
                              "the picture, or leave 'chat' out of the profiles the language "
                              "is made in")
    line = next(n for n, text in enumerate(manifest.read_text().splitlines(), 1)
                if "code: tzo" in text)
    assert {(d.path, d.line) for d in unseen} == {(manifest, line)}
    # A QC warning of those files, which the page says beside them; not of the web file, nor
    # of a burned language's, nor of the reel, which burns them.
    assert [d.code for d in by_key["tzo", "chat"].warnings].count("track-unseen") == 1
    for key in (("tzo", "small"), ("nah", "chat"), ("tzo", "reel")):
        assert "track-unseen" not in [d.code for d in by_key[key].warnings], key
    assert [by_key["tzo", name].variant.treatment for name in ("small", "chat", "reel")] == \
        ["soft", "soft", "burn"]
    assert [(j["treatment"], j.get("language_treatment")) for j in
            (by_key["tzo", name].to_json() for name in ("small", "reel"))] == \
        [("soft", None), ("burn", "soft")]


def test_a_soft_language_s_messaging_file_has_its_subtitles_burned(campaign):
    # Messaging apps show no subtitle track: the file carries them in its picture, its web
    # sibling as a track, and the language's sidecars are made as for any soft language.
    campaign.subtitle("tzo")
    small = {"width": W, "height": H, "preset": "ultrafast"}
    manifest = campaign.write([{"code": "tzo", "treatment": "soft"}],
                              profiles={"small": {"base": "web", **small},
                                        "chat": {"base": "messaging", **small}})
    result = render(manifest, "-j", "2")
    assert result.exit_code == 0, result.output
    assert "track-unseen" not in result.output
    chat, web = campaign.out / "spot.tzo.chat.mp4", campaign.out / "spot.tzo.small.mp4"
    assert [s["codec_type"] for s in streams(chat)] == ["video", "audio"]
    assert [s["codec_type"] for s in streams(web)] == ["video", "audio", "subtitle"]
    master = campaign.root / "media/spot.mp4"
    bottom = range(int(H * 0.7), int(H * 0.95))
    in_cue = changed_fraction(gray_frame(chat, 1.2, W, H), gray_frame(master, 1.2, W, H), W,
                              bottom)
    between = changed_fraction(gray_frame(chat, 2.2, W, H), gray_frame(master, 2.2, W, H), W,
                               bottom)
    assert in_cue > 0.01 and between < in_cue / 10, (in_cue, between)
    assert {path.name for path in campaign.out.glob("spot.tzo.*")} >= {
        "spot.tzo.srt", "spot.tzo.vtt", "spot.tzo.ttml"}
    records = {name: json.loads((campaign.out / f"spot.tzo.{name}.json").read_text())
               for name in ("chat", "small")}
    assert [records[name]["treatment"] for name in ("chat", "small")] == ["burn", "soft"]
    assert "spot.tzo.vtt" in records["chat"]["sidecars"]
    assert records["chat"]["settings"]["sidecars"] == records["small"]["settings"]["sidecars"]
    catalog = json.loads((campaign.out.parent / "catalog.json").read_text())
    assert {v["profile"]: (v["treatment"], v.get("language_treatment"))
            for v in catalog["variants"]} == {"chat": ("burn", "soft"), "small": ("soft", None)}
    # Up to date where it stands: a second render starts no ffmpeg.
    again = render(manifest)
    assert again.exit_code == 0 and "0 rendered, 2 up-to-date" in again.output, again.output


def test_a_soft_language_s_own_styles_are_its_burned_files_alone(campaign):
    # `style: {from_file: true}`: the ASS file's styles (and their fonts, among the inputs) are
    # the messaging file's burn; its web file carries a track, with no font of them.
    from pipeline.render.plan import build_plan
    from tests.conftest import ASS

    campaign.subtitle("tzo", ASS, suffix=".ass")
    small = {"width": W, "height": H, "preset": "ultrafast"}
    manifest = campaign.write([{"code": "tzo", "treatment": "soft", "style": {"from_file": True}}],
                              profiles={"small": {"base": "web", **small},
                                        "chat": {"base": "messaging", **small}})
    plans = {v.variant.profile.name: v for v in build_plan([manifest]).variants}
    assert set(plans["chat"].file_styles) == {"Default"}
    assert any(role.startswith("font:") for role in plans["chat"].inputs)
    assert plans["small"].file_styles == {}
    assert not any(role.startswith("font:") for role in plans["small"].inputs)
