"""Only the work that must be done: fingerprints, no-op runs, the job limit, the shared picture,
plain progress lines, and the Dask executor on a real LocalCluster."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from pipeline.cli.main import cli
from pipeline.cli.outcomes import SHARED, SHARED_NOTE
from pipeline.render import planner as planner_module
from pipeline.publish.catalog import write_catalog
from pipeline.render.batch import render_plan
from pipeline.render.plan import build_plan
from pipeline.render.schedule import build_units
from tests.conftest import SMALL_PROFILES, SRT
from tests.mediacheck import FFMPEG, FFPROBE, gray_frame, streams
from tests.s3server import aws_env, bucket, s3_server  # noqa: F401  (fixtures)


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def nearest_frame(poster: Path, frames: list[tuple[Path, float]]) -> int:
    """Which of `frames` (file, seconds) a 480x270 poster is closest to, compared on the lower
    third (where subtitles are) as 8-bit gray pixels."""
    lower = slice(480 * 180, None)
    seen = gray_frame(poster, None, 480, 270)[lower]

    def distance(frame: tuple[Path, float]) -> float:
        other = gray_frame(*frame, 480, 270)[lower]
        return sum(abs(x - y) for x, y in zip(seen, other)) / len(seen)

    distances = [distance(frame) for frame in frames]
    return distances.index(min(distances))


def fingerprints(manifest) -> dict[str, str]:
    return {v.variant.language.code: v.fingerprint for v in build_plan([manifest]).variants}


LANGUAGES = [{"code": "nah", "treatment": "burn"}, {"code": "tzo", "treatment": "soft"}]


def rendered(campaign) -> Path:
    """The campaign's manifest of LANGUAGES, rendered once."""
    campaign.subtitle("nah")
    campaign.subtitle("tzo")
    manifest = campaign.write(LANGUAGES)
    assert invoke("render", manifest).exit_code == 0
    return manifest


def test_fingerprint_changes_exactly_with_inputs_settings_and_ffmpeg(campaign, monkeypatch):
    campaign.subtitle("nah")
    campaign.subtitle("tzo")
    manifest = campaign.write(LANGUAGES)
    first = fingerprints(manifest)
    assert fingerprints(manifest) == first                     # stable
    campaign.subtitle("tzo", (campaign.root / "subtitles/spot/tzo.srt").read_text().replace("venta", "Venta"))
    changed = fingerprints(manifest)
    assert changed["nah"] == first["nah"] and changed["tzo"] != first["tzo"]
    # A style only matters where subtitles are burned.
    manifest = campaign.write(LANGUAGES, style={"size": 0.06})
    styled = fingerprints(manifest)
    assert styled["nah"] != changed["nah"] and styled["tzo"] == changed["tzo"]
    # A profile setting changes every variant of that profile.
    profiles = {"small": {"base": "web", "width": 320, "height": 180, "preset": "ultrafast", "crf": 31}}
    reprofiled = fingerprints(campaign.write(LANGUAGES, profiles=profiles, style={"size": 0.06}))
    assert all(reprofiled[code] != styled[code] for code in styled)
    # Another ffmpeg build changes everything.
    (campaign.root / "build/.pipeline-cache.json").unlink(missing_ok=True)
    monkeypatch.setattr(planner_module, "ffmpeg_version", lambda: "ffmpeg version 99")
    assert all(fingerprints(manifest)[code] != reprofiled[code] for code in styled)


def _stamps(folder: Path, pattern: str) -> dict[str, tuple[int, int]]:
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in folder.glob(pattern)}


def _consistent(campaign) -> None:
    """Each record's `beside` sizes, and the catalog's sha256 of each attachment, are those of
    the files beside the variants."""
    top = campaign.root / "build/test-campaign"
    for path in campaign.out.glob("*.json"):
        record = json.loads(path.read_text(encoding="utf-8"))
        assert record["beside"] == {n: (campaign.out / n).stat().st_size for n in record["beside"]}
    for variant in json.loads((top / "catalog.json").read_text())["variants"]:
        for attachment in variant["sidecars"]:
            assert attachment["sha256"] == hashlib.sha256((top / attachment["file"]).read_bytes()).hexdigest()


@pytest.mark.e2e
def test_a_variant_whose_poster_or_sidecar_was_deleted_or_replaced_is_made_again(campaign):
    # The catalog and page link to them: a variant missing one, or with one of another size
    # than it made, is not up to date. They are made again from the variant's file, which is
    # not encoded again (a deleted poster once cost a burn's whole x264 encode).
    manifest = rendered(campaign)
    soft = json.loads((campaign.out / "spot.tzo.small.json").read_text(encoding="utf-8"))
    encoded = _stamps(campaign.out, "*.mp4")
    (campaign.out / "spot.nah.small.jpg").unlink()
    (campaign.out / soft["sidecars"][0]).unlink()
    result = invoke("plan", manifest)
    assert "spot.nah.small.jpg missing: made again from spot.nah.small.mp4" in result.output, \
        result.output
    assert f"{soft['sidecars'][0]} missing" in result.output, result.output
    assert "0 to render, 2 to complete from their rendered files" in result.output, result.output
    assert "would remake test-campaign/spot.nah.small" in invoke("render", manifest,
                                                                  "--dry-run").output
    assert "0 rendered, 2 remade, 0 up-to-date" in invoke("render", manifest).output
    assert _stamps(campaign.out, "*.mp4") == encoded, "a variant's file was written again"
    assert (campaign.out / "spot.nah.small.jpg").stat().st_size > 1000
    assert (campaign.out / soft["sidecars"][0]).exists()
    _consistent(campaign)
    # Replaced by something else (a size of its own): made again too.
    (campaign.out / soft["sidecars"][1]).write_text("garbage", encoding="utf-8")
    (campaign.out / "spot.nah.small.jpg").write_bytes(b"")
    result = invoke("plan", manifest)
    assert f"{soft['sidecars'][1]} replaced" in result.output, result.output
    assert "spot.nah.small.jpg replaced" in result.output, result.output
    assert "0 rendered, 2 remade, 0 up-to-date" in invoke("render", manifest).output
    assert _stamps(campaign.out, "*.mp4") == encoded
    assert (campaign.out / "spot.nah.small.jpg").stat().st_size > 1000
    _consistent(campaign)
    assert "2 up to date, 0 to render, 0 blocked" in invoke("plan", manifest).output
    # A record edited by hand to list a file beside it that is not there: made again from the
    # variant's file as one replaced, not a traceback.
    path = campaign.out / "spot.tzo.small.json"
    record = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps(record | {"beside": record["beside"] | {"gone.txt": 5}}),
                    encoding="utf-8")
    result = invoke("plan", manifest)
    assert result.exit_code == 0 and "gone.txt replaced" in result.output, result.output
    assert "0 rendered, 1 remade, 1 up-to-date" in invoke("render", manifest).output
    _consistent(campaign)


@pytest.mark.e2e
def test_a_deleted_loudness_certificate_is_written_again_from_the_record(campaign):
    # The certificate says what the record says; its plot is the programme measured again in
    # the same file: the same bytes as the first time, and the file is not rendered again.
    campaign.subtitle("tzo")
    manifest = campaign.write([{"code": "tzo", "treatment": "soft"}],
                              profiles={"bc": {"base": "broadcast", "width": 320, "height": 180,
                                               "preset": "ultrafast", "video_bitrate": "1M"}})
    assert invoke("render", manifest).exit_code == 0
    html, png = (campaign.out / f"spot.tzo.bc.loudness.{suffix}" for suffix in ("html", "png"))
    before, encoded = (html.read_bytes(), png.read_bytes()), _stamps(campaign.out, "*.mov")
    html.unlink()
    png.write_bytes(b"not a plot")
    result = invoke("plan", manifest)
    assert "spot.tzo.bc.loudness.html missing; spot.tzo.bc.loudness.png replaced" in result.output
    assert "0 rendered, 1 remade, 0 up-to-date" in invoke("render", manifest).output
    assert (html.read_bytes(), png.read_bytes()) == before
    assert _stamps(campaign.out, "*.mov") == encoded
    _consistent(campaign)


def test_a_rendered_file_deleted_or_replaced_by_hand_is_rendered_again_and_plan_says_which(campaign):
    # The record stays when its file is deleted or replaced by hand: the plan names the file and
    # what happened to it. Replaced by other bytes of the same size, the file passed the size
    # check alone and stayed "up to date", its catalog entry's sha256 not its bytes'.
    manifest = rendered(campaign)
    burn, soft = campaign.out / "spot.nah.small.mp4", campaign.out / "spot.tzo.small.mp4"
    cache = json.loads((campaign.root / "build/.pipeline-cache.json").read_text())["files"]
    record = json.loads((campaign.out / "spot.nah.small.json").read_text(encoding="utf-8"))
    assert cache[str(burn.resolve())]["sha256"] == record["sha256"], "the render told the cache"
    data = bytearray(burn.read_bytes())
    data[len(data) // 2] ^= 0xFF
    burn.write_bytes(bytes(data))
    soft.unlink()
    result = invoke("plan", manifest)
    assert "spot.nah.small.mp4 replaced" in result.output, result.output
    assert "spot.tzo.small.mp4 missing" in result.output, result.output
    assert "2 rendered, 0 up-to-date" in invoke("render", manifest).output
    catalog = json.loads((campaign.root / "build/test-campaign/catalog.json").read_text())
    for variant in catalog["variants"]:
        path = campaign.root / "build/test-campaign" / variant["file"]
        assert variant["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert "2 up to date, 0 to render" in invoke("plan", manifest).output


def _record_sha(campaign, stem: str, role: str = "master") -> str:
    record = json.loads((campaign.out / f"{stem}.json").read_text(encoding="utf-8"))
    return record["inputs"][role]["sha256"]


def test_a_master_replaced_by_one_of_the_same_size_and_mtime_is_seen(campaign):
    # `cp -p` of another master of the same size (or `touch -r`) keeps size and mtime: the
    # hash cache, keyed on them alone, kept the old sha256, so nothing was made again, not
    # even with --force, and the catalog's checksums matched the stale files.
    manifest = rendered(campaign)
    master = campaign.root / "media/spot.mp4"
    before = master.stat()
    data = master.read_bytes()
    assert data.count(b"Lavf") >= 1
    master.write_bytes(data.replace(b"Lavf", b"Lavg"))   # the same size, other bytes
    os.utime(master, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (master.stat().st_size, master.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    result = invoke("plan", manifest)
    assert result.output.count("stale") >= 2 and "up-to-date" not in result.output, result.output
    assert "2 rendered" in invoke("render", manifest).output
    now = hashlib.sha256(master.read_bytes()).hexdigest()
    assert _record_sha(campaign, "spot.nah.small") == _record_sha(campaign, "spot.tzo.small") == now


def test_force_hashes_every_input_again(campaign):
    # Where a file system's stat cannot be trusted (a network mount), --force is the way out:
    # it must not take a sha256 from the cache.
    manifest = rendered(campaign)
    cache_path = campaign.root / "build/.pipeline-cache.json"
    cache = json.loads(cache_path.read_text())
    master = str((campaign.root / "media/spot.mp4").resolve())
    cache["files"][master]["sha256"] = "0" * 64
    cache_path.write_text(json.dumps(cache))
    assert "2 rendered" in invoke("render", manifest, "--force").output
    true = hashlib.sha256((campaign.root / "media/spot.mp4").read_bytes()).hexdigest()
    assert _record_sha(campaign, "spot.nah.small") == true
    saved = json.loads(cache_path.read_text())
    assert saved["files"][master]["sha256"] == true
    assert len(saved["files"]) == len(cache["files"])   # other entries kept


@pytest.mark.e2e
def test_an_unreadable_record_is_reported_and_the_catalog_lists_the_others(campaign):
    # The catalog used to stay as it was (old checksums for the files just made) when one
    # record could not be read: now it lists the others and the broken one is an error.
    manifest = rendered(campaign)
    (campaign.out / "spot.tzo.small.json").write_text('{"broken', encoding="utf-8")
    campaign.subtitle("nah", SRT.replace("humanos", "humanas"))
    result = invoke("render", manifest, "--lang", "nah")
    assert result.exit_code == 1, result.output
    assert re.search(r"spot\.tzo\.small\.json: error: render record unreadable", result.output)
    assert "1 rendered" in result.output, result.output
    catalog = json.loads((campaign.out.parent / "catalog.json").read_text(encoding="utf-8"))
    made = campaign.out / "spot.nah.small.mp4"
    assert {v["file"]: v["sha256"] for v in catalog["variants"]} == \
        {"spot/spot.nah.small.mp4": hashlib.sha256(made.read_bytes()).hexdigest()}


@pytest.mark.e2e
def test_every_picture_is_tagged_bt709_copied_or_encoded(campaign):
    # The untagged master fits `small`: soft and dub copy its stream (the burn is encoded). A
    # copy kept the master's "unknown" colour while the burn beside it said BT.709.
    campaign.subtitle("nah")
    campaign.subtitle("tzo")
    campaign.audio("yua")
    manifest = campaign.write(LANGUAGES + [{"code": "yua", "treatment": "dub"}])
    assert invoke("render", manifest).exit_code == 0
    master = next(s for s in streams(campaign.root / "media/spot.mp4") if s["codec_type"] == "video")
    assert master.get("color_space", "unknown") == "unknown"          # the test can fail
    for code in ("nah", "tzo", "yua"):
        video = next(s for s in streams(campaign.out / f"spot.{code}.small.mp4")
                     if s["codec_type"] == "video")
        assert [video.get(k) for k in ("color_primaries", "color_transfer", "color_space")] == \
            ["bt709"] * 3, code
        if code != "nah":                                              # still a copy
            assert (video["nb_frames"], video["bit_rate"]) == (master["nb_frames"], master["bit_rate"])


def processes_started(monkeypatch) -> list:
    """The arguments of every process started from now on, each recorded then run."""
    started = []
    real_popen = subprocess.Popen.__init__

    def spy(self, args, *rest, **kwargs):
        started.append(args)
        real_popen(self, args, *rest, **kwargs)

    monkeypatch.setattr(subprocess.Popen, "__init__", spy)
    return started


@pytest.mark.e2e
def test_an_up_to_date_run_starts_no_ffmpeg_or_ffprobe(campaign, monkeypatch):
    manifest = rendered(campaign)
    started = processes_started(monkeypatch)
    result = invoke("render", manifest)
    assert "0 rendered, 2 up-to-date" in result.output
    assert started == []


def test_validate_run_again_starts_no_ffmpeg_or_ffprobe(campaign, monkeypatch):
    # A trial's translators ran validate again and again: each run decoded all 49 inputs
    # (9-12 s); plan kept what it learnt, validate did not.
    campaign.subtitle("nah")
    campaign.audio("yua")
    manifest = campaign.write([{"code": "nah", "treatment": "burn"},
                               {"code": "yua", "treatment": "dub"}])
    assert invoke("validate", manifest).exit_code == 0
    started = processes_started(monkeypatch)
    result = invoke("validate", manifest)
    assert result.exit_code == 0 and "0 errors" in result.output, result.output
    assert started == []


def normalised(args: list[str]) -> tuple[str, ...]:
    """A command with the names that differ between two runs of the same work made equal:
    temporary folders, the partial names of outputs (per process and thread), and an ffmpeg's
    (last) output file: the same work written to two files is still done twice."""
    if Path(args[0]).name == "ffmpeg":
        args = args[:-1]
    return tuple(re.sub(r"\.partial-\d+-\d+", ".partial",
                        re.sub(r"/pipeline-[^/]+/", "/TMP/", str(arg))) for arg in args)


@pytest.mark.e2e
def test_a_language_name_follows_the_manifest_and_a_no_op_loads_only_what_it_uses(campaign):
    # A name given, then taken away: the catalog shows the autonym at once (nothing is
    # rendered again). An up-to-date run does not load CLDR's names table: the autonym was
    # remembered in the render cache the first time. Nor, for a soft SubRip language, the
    # libraries of templates, of the other subtitle formats or of fonts: a tenth of a second
    # of every command's start.
    import sys

    campaign.subtitle("tzo")
    named = [{"code": "tzo", "treatment": "soft", "name": "Batsʼi kʼop"}]
    assert invoke("render", campaign.write(named)).exit_code == 0
    catalog = campaign.out.parent / "catalog.json"
    names = {v["language_name"] for v in json.loads(catalog.read_text(encoding="utf-8"))["variants"]}
    assert names == {"Batsʼi kʼop"}
    manifest = campaign.write([{"code": "tzo", "treatment": "soft"}])
    for _ in range(2):      # the first run remembers the autonym, the second only reads it
        run = subprocess.run([sys.executable, "-X", "importtime", "-m", "pipeline", "render",
                              str(manifest)], capture_output=True, text=True, check=True)
        assert "0 rendered, 1 up-to-date" in run.stderr, run.stderr[-2000:]
    loaded = {line.rsplit("|", 1)[-1].strip() for line in run.stderr.splitlines()
              if line.startswith("import time:")}
    assert not loaded & {"language_data.name_data", "jinja2", "pysubs2", "webvtt", "lxml",
                         "uharfbuzz", "fontTools", "pysrt"}, sorted(loaded)
    assert {"pipeline.subtitles.srt", "pipeline.manifest"} <= loaded   # the test can see them
    names = {v["language_name"] for v in json.loads(catalog.read_text(encoding="utf-8"))["variants"]}
    assert names == {"Tzotzil"}


@pytest.mark.e2e
def test_no_ffmpeg_or_ffprobe_work_is_done_twice(campaign, monkeypatch):
    # Every treatment, three profiles (the master fits `small` and is re-framed for `tall` and
    # `box`, which has the same audio settings as `tall`), two job slots: shared audio tracks,
    # pictures and posters are used by several variants at once, and each must be made,
    # measured and probed once.
    languages = [{"code": "nah", "treatment": "burn"}, {"code": "zai", "treatment": "burn"},
                 {"code": "tzo", "treatment": "soft"}, {"code": "ote", "treatment": "soft"},
                 {"code": "yua", "treatment": "dub"}, {"code": "mto", "treatment": "mix"}]
    for code in ("nah", "zai", "tzo", "ote", "yua"):
        campaign.subtitle(code)
    campaign.audio("yua", "dub.wav")
    campaign.audio("mto", "voice.wav")
    box = {"base": "square", "width": 180, "height": 180, "preset": "ultrafast", "crf": 30}
    manifest = campaign.write(languages, profiles={**SMALL_PROFILES, "box": box})
    started = []
    real_popen = subprocess.Popen.__init__

    def spy(self, args, *rest, **kwargs):          # records, then runs the real process
        if Path(args[0]).name in ("ffmpeg", "ffprobe"):
            started.append(normalised(args))
        real_popen(self, args, *rest, **kwargs)

    monkeypatch.setattr(subprocess.Popen, "__init__", spy)
    result = invoke("render", manifest, "-j", "2")
    assert result.exit_code == 0 and "18 rendered" in result.output, result.output
    twice = [f"{n}x {' '.join(args)}" for args, n in Counter(started).items() if n > 1]
    assert not twice, "work done more than once:\n" + "\n".join(twice)
    meters = [args for args in started if any("ebur128" in arg for arg in args)]
    assert meters, "the spy saw no loudness measurement: it watches the wrong calls"


def video_md5(path: Path) -> str:
    """The MD5 of the file's video packets, copied as they are (ffmpeg's md5 muxer)."""
    return subprocess.run([FFMPEG, "-v", "error", "-i", str(path), "-map", "0:v", "-c", "copy",
                           "-f", "md5", "-"], capture_output=True, text=True, check=True).stdout


@pytest.mark.e2e
def test_a_picture_that_two_profiles_carry_is_encoded_once(campaign, monkeypatch):
    # `quiet` is `tall` with another loudness target: the same picture, its own sound. The
    # burned language's picture and the one the soft and dub variants copy are each encoded
    # once for both profiles; a third such profile added later links the shared picture there.
    from tests.mediacheck import integrated_loudness

    for code in ("nah", "tzo"):
        campaign.subtitle(code)
    campaign.audio("yua", "dub.wav")
    languages = [{"code": "nah", "treatment": "burn"}, {"code": "tzo", "treatment": "soft"},
                 {"code": "yua", "treatment": "dub"}]
    tall = SMALL_PROFILES["tall"]
    profiles = {"tall": tall, "quiet": {**tall, "loudness": -23.0}}
    encoders = []
    real_popen = subprocess.Popen.__init__

    posters = []

    def spy(self, args, *rest, **kwargs):          # counts x264 outputs, then runs the process
        encoders.extend(arg for arg in args if arg == "libx264")
        # A shared picture's poster, taken from its file (a burn's comes from its encode).
        posters.extend(arg for arg in args if Path(str(arg)).name.startswith(".poster-"))
        real_popen(self, args, *rest, **kwargs)

    monkeypatch.setattr(subprocess.Popen, "__init__", spy)
    result = invoke("render", campaign.write(languages, profiles=profiles), "-j", "2")
    assert result.exit_code == 0 and "6 rendered" in result.output, result.output
    assert len(encoders) == 2, "nah's burned picture and the shared picture, once each"
    assert len(posters) == 1, "the soft and dub variants' poster: one picture, one frame taken"
    for code in ("nah", "tzo", "yua"):
        assert video_md5(campaign.out / f"spot.{code}.tall.mp4") == \
            video_md5(campaign.out / f"spot.{code}.quiet.mp4")
    assert integrated_loudness(campaign.out / "spot.nah.tall.mp4")[0] == pytest.approx(-16, abs=1)
    assert integrated_loudness(campaign.out / "spot.nah.quiet.mp4")[0] == pytest.approx(-23, abs=1)
    assert (campaign.out / "spot.nah.tall.jpg").read_bytes() == \
        (campaign.out / "spot.nah.quiet.jpg").read_bytes()
    pictures = sorted((campaign.out / ".work").glob("*.picture.mp4"))
    assert len(pictures) == 2 and len({p.stat().st_ino for p in pictures}) == 1

    encoders.clear()
    profiles["later"] = {**tall, "loudness": -20.0}
    result = invoke("render", campaign.write(languages, profiles=profiles), "-j", "2")
    assert result.exit_code == 0 and "3 rendered" in result.output, result.output
    assert len(encoders) == 1, "only the burn: its picture without sound is not kept"
    assert video_md5(campaign.out / "spot.tzo.later.mp4") == \
        video_md5(campaign.out / "spot.tzo.tall.mp4")


@pytest.mark.e2e
def test_the_scheduler_never_runs_more_than_n_jobs(campaign, monkeypatch):
    from pipeline.media import loudness, sound_analysis
    from pipeline.render import audio, encoders, record

    languages = []
    for code in ("nah", "tzo", "yua", "mto", "tzh"):
        campaign.subtitle(code)
        languages.append({"code": code, "treatment": "burn"})
    for code in ("ote", "maz"):
        campaign.subtitle(code)
        languages.append({"code": code, "treatment": "soft"})
    manifest = campaign.write(languages)
    running, peak, lock = [0], [0], threading.Lock()

    def counting(real):
        def run(*args, **kwargs):               # counts, then runs the real ffmpeg
            with lock:
                running[0] += 1
                peak[0] = max(peak[0], running[0])
            try:
                return real(*args, **kwargs)
            finally:
                with lock:
                    running[0] -= 1
        return run

    # every caller of the runner
    for module in (encoders, audio, record, loudness, sound_analysis):
        monkeypatch.setattr(module, "run_ffmpeg", counting(module.run_ffmpeg))
    assert invoke("render", manifest, "-j", "2").exit_code == 0
    assert peak[0] == 2
    # Five burned languages on two cores with memory to spare: one process, one decode.
    units = build_units([v for v in build_plan([manifest], force=True).variants],
                        cores=2, slots=2, memory_mib=8000)
    assert [len(u.plans) for u in units if u.kind == "pictures"] == [5]


def cut_short_master(campaign, keep: float, sound: bool = True, suffix: str = "mp4") -> Path:
    """The campaign's master as an interrupted copy leaves it: 5 s of picture (and sound) of
    which only the first `keep` of the bytes arrived; an MP4 is written faststart, its index
    at the front listing all 5 s. The spot's manifest entry names it."""
    full = campaign.root / f"media/full.{suffix}"
    tone = ["-f", "lavfi", "-i", "sine=frequency=300:duration=5", "-c:a", "aac", "-ac", "2"]
    subprocess.run([FFMPEG, "-v", "error", "-f", "lavfi", "-i", "testsrc2=s=320x180:r=25:d=5",
                    *(tone if sound else []), "-c:v", "libx264", "-preset", "ultrafast",
                    "-pix_fmt", "yuv420p", "-movflags", "+faststart", str(full)], check=True)
    data = full.read_bytes()
    master = campaign.root / f"media/cut.{suffix}"
    master.write_bytes(data[:int(len(data) * keep)])
    campaign.subtitle("nah")
    campaign.subtitle("tzo")
    return master


def two_soft_languages(campaign, master: Path, silent: bool = False) -> Path:
    data = campaign.data([{"code": "nah", "treatment": "soft"}, {"code": "tzo", "treatment": "soft"}])
    data["spots"][0]["master"] = f"../media/{master.name}"
    if silent:
        data["spots"][0]["audio"] = "silent"
    campaign.manifest.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return campaign.manifest


@pytest.mark.e2e
def test_a_master_cut_short_is_found_before_anything_is_rendered(campaign):
    # ffprobe reads a faststart MP4 cut at 45 % as whole (its index is at the front): its
    # variants came out 2.28 s long and each failed its own length check. The file's size
    # against the bytes its index lists says it is cut short, in `validate` and `render`.
    master = cut_short_master(campaign, keep=0.45, sound=False)
    manifest = two_soft_languages(campaign, master, silent=True)
    said = "media/cut.mp4: error: the file is cut short: it holds 45% of the data its index lists"
    validated = invoke("validate", manifest)
    assert validated.exit_code == 1 and said in validated.output, validated.output
    result = invoke("render", manifest)
    assert result.exit_code == 1
    assert "0 rendered, 0 up-to-date, 0 failed, 2 blocked" in result.output, result.output
    assert f"blocked 2 variants: {master.parent}/cut.mp4: error: the file is cut short" \
        in result.output, result.output
    assert "  test-campaign/spot.nah.small, test-campaign/spot.tzo.small" in result.output


def test_a_master_cut_before_its_index_is_said_to_be_cut_short(campaign):
    # Not faststart, an MP4 writes its index (moov) last: a copy cut short has none, and an
    # operations trial's was told "ffprobe cannot read this file: Invalid data found when
    # processing input (hint: export the file again ...)", no word of the copy.
    full, master = campaign.root / "media/full.mp4", campaign.root / "media/cut.mp4"
    subprocess.run([FFMPEG, "-v", "error", "-f", "lavfi", "-i", "testsrc2=s=320x180:r=25:d=4",
                    "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", str(full)],
                   check=True)
    data = full.read_bytes()
    master.write_bytes(data[:data.rindex(b"moov") - 4])
    manifest = two_soft_languages(campaign, master, silent=True)
    campaign.subtitle("nah")
    campaign.subtitle("tzo")
    validated = invoke("validate", manifest)
    assert validated.exit_code == 1
    assert f"{master}: error: the file is cut short: it has no index (an MP4's or MOV's moov, " \
        "written at its end) (an interrupted copy or download?) (hint: copy the file again " \
        "from where it came from)" in validated.output, validated.output


@pytest.mark.e2e
def test_a_master_cut_in_its_last_bytes_is_found_before_anything_is_rendered(campaign):
    # Cut in its last 0.3 %, it still holds 99 % of what its index lists; the demuxer finds
    # the missing samples when the master's sound is decoded to be analysed, in planning
    # (it was found by levelling's meter, once the render had started).
    master = cut_short_master(campaign, keep=0.997)
    manifest = two_soft_languages(campaign, master)
    said = "media/cut.mp4: error: the file is cut short: its data ends before the end its index lists"
    validated = invoke("validate", manifest)
    assert validated.exit_code == 1 and validated.output.count(said) == 1, validated.output
    result = invoke("render", manifest)
    assert result.exit_code == 1
    assert "0 rendered, 0 up-to-date, 0 failed, 2 blocked" in result.output, result.output
    assert f"blocked 2 variants: {master.parent}/cut.mp4: error: the file is cut short: its data " \
        "ends" in result.output, result.output
    assert "  test-campaign/spot.nah.small, test-campaign/spot.tzo.small" in result.output


@pytest.mark.e2e
def test_variants_failed_the_same_way_are_listed_under_one_error(campaign):
    # A Matroska master without sound, cut short: its header still gives 5 s, nothing decodes
    # it before the variants, which come out short and each fail their length check. The
    # error was printed once per variant.
    master = cut_short_master(campaign, keep=0.45, sound=False, suffix="mkv")
    result = invoke("render", two_soft_languages(campaign, master, silent=True))
    assert result.exit_code == 1
    failures = [line for line in result.output.splitlines() if "failed its checks" in line]
    assert len(failures) == 1, result.output
    assert "2 variants failed the same way: test-campaign/spot.nah.small, " \
        "test-campaign/spot.tzo.small" in result.output, result.output


def test_a_picture_group_s_failure_is_said_once_for_every_variant_it_failed(campaign,
                                                                             x264_refuses):
    # One ffmpeg run makes both profiles' burns and shared pictures; its error names them, so
    # each variant's copy of it read differently once its own name was taken out: printed
    # three times (once per burn, once for the soft variants waiting for the pictures).
    campaign.subtitle("nah")
    campaign.subtitle("tzo")
    x264_refuses("-small")
    bad = {"base": "web", "width": 320, "height": 180, "x264_profile": "main"}  # not the master's
    manifest = campaign.write([{"code": "nah", "treatment": "burn"},
                               {"code": "tzo", "treatment": "soft"}],
                              profiles={"small": bad, "tiny": bad | {"width": 256, "height": 144}})
    result = invoke("render", manifest)
    assert result.exit_code == 1
    assert result.output.count("ffmpeg failed while rendering") == 1, result.output
    assert "4 variants failed with it: test-campaign/spot.nah.small, test-campaign/spot.nah.tiny, " \
        "test-campaign/spot.tzo.small, test-campaign/spot.tzo.tiny" in result.output, result.output


@pytest.mark.e2e
def test_variants_waiting_for_a_track_that_could_not_be_made_fail_with_its_error(campaign):
    # The dub's track disappears between planning and rendering: the unit making its audio
    # fails, the variant waiting for it fails with that error, the others still render.
    campaign.subtitle("nah")
    campaign.subtitle("tzo")
    track = campaign.audio("yua")
    manifest = campaign.write(LANGUAGES + [{"code": "yua", "treatment": "dub"}])
    plan = build_plan([manifest])
    track.unlink()
    outcomes = {o.plan.variant.language.code: o for o in render_plan(plan, jobs=2)}
    assert outcomes["nah"].status == outcomes["tzo"].status == "rendered"
    assert outcomes["yua"].status == "failed"
    # Planning measured the track: the levelling is what finds it gone.
    assert "levelling the yua dub of spot at -16 LUFS" in outcomes["yua"].error.message
    assert not (campaign.out / "spot.yua.small.mp4").exists()


@pytest.mark.e2e
def test_a_shared_decode_burns_the_same_pictures_as_one_render_per_language(campaign, tmp_path_factory,
                                                                           media):
    from tests.conftest import Campaign

    single = Campaign(tmp_path_factory.mktemp("single"), media)
    other = SRT.replace("Los seres humanos", "Ñuu savi ꞌa̱")
    for target in (campaign, single):
        target.subtitle("nah")
        target.subtitle("mix", other)
    languages = [{"code": "nah", "treatment": "burn"}, {"code": "mix", "treatment": "burn"}]
    together = campaign.write(languages)
    units = build_units(build_plan([together]).variants, cores=2, slots=1, memory_mib=8000)
    assert [len(u.plans) for u in units if u.kind == "pictures"] == [2]
    result = invoke("render", together, "-j", "1")
    assert result.exit_code == 0 and "2 rendered" in result.output
    # One job made both: each row gives its seconds, marked as the job's, with the note.
    marked = re.findall(r"^\S+/spot\.(nah|mix)\.small +rendered +(\d+\.\d)\* -", result.output,
                        re.MULTILINE)
    assert sorted(code for code, _ in marked) == ["mix", "nah"], result.output
    assert marked[0][1] == marked[1][1] and SHARED_NOTE % {"mark": SHARED} in result.output
    manifest = single.write(languages)
    for code in ("nah", "mix"):                 # one ffmpeg per language
        assert invoke("render", manifest, "--lang", code, "-j", "1").exit_code == 0
    for code in ("nah", "mix"):
        for at in (1.0, 2.2, 3.0):
            assert gray_frame(campaign.out / f"spot.{code}.small.mp4", at, 320, 180) == \
                gray_frame(single.out / f"spot.{code}.small.mp4", at, 320, 180)
    assert gray_frame(campaign.out / "spot.nah.small.mp4", 1.0, 320, 180) != \
        gray_frame(campaign.out / "spot.mix.small.mp4", 1.0, 320, 180)
    # Each poster, taken from the frames its encoder got, is the frame its file shows at the
    # middle of the first cue (snapped to frames 13-45: 1.16 s, frame 29), read back from the
    # file; not the frames either side, nor the other language's.
    for code, other in (("nah", "mix"), ("mix", "nah")):
        assert nearest_frame(campaign.out / f"spot.{code}.small.jpg",
                             [(campaign.out / f"spot.{name}.small.mp4", at) for name, at in
                              ((code, 1.159), (code, 1.119), (code, 1.199), (other, 1.159))]) == 0


@pytest.mark.e2e
def test_a_first_cue_past_the_end_or_one_frame_long_still_shows_on_its_poster(campaign, tmp_path):
    # nah's middle (4.9 s) is past the 4 s picture: its poster is the middle of what is shown
    # (3.5 s: frame 87, from 3.48 s). mix's cue is frame 0 alone: its middle, 0.02 s, is in it.
    from pipeline.errors import RenderError
    from pipeline.render.record import extract_poster

    campaign.subtitle("nah", "1\n00:00:03,000 --> 00:00:06,800\nhasta el final\n")
    campaign.subtitle("mix", "1\n00:00:00,000 --> 00:00:00,040\nun cuadro\n")
    result = invoke("render", campaign.write([{"code": "nah", "treatment": "burn"},
                                              {"code": "mix", "treatment": "burn"}]))
    assert result.exit_code == 0 and "2 rendered" in result.output, result.output
    output = campaign.out / "spot.nah.small.mp4"
    assert nearest_frame(campaign.out / "spot.nah.small.jpg",
                         [(output, 3.479), (output, 3.0), (output, 3.92), (output, 3.519)]) == 0
    output = campaign.out / "spot.mix.small.mp4"
    assert nearest_frame(campaign.out / "spot.mix.small.jpg", [(output, 0), (output, 0.039)]) == 0
    # Asked for a frame past the end, the reader of a file's poster says so (no traceback).
    folder = tmp_path / "posters"
    folder.mkdir()
    with pytest.raises(RenderError, match="no frame at 9.000 s"):
        extract_poster(campaign.out / "spot.nah.small.mp4", 9.0, folder / "poster.jpg")
    assert not list(folder.iterdir())


def frame_by_index(video: Path, index: int) -> bytes:
    """Frame `index` of `video` (counted, not timed) as 480x270 gray pixels."""
    return subprocess.run([FFMPEG, "-v", "error", "-i", str(video), "-vf",
                           f"select=eq(n\\,{index}),scale=480:270", "-frames:v", "1", "-f",
                           "rawvideo", "-pix_fmt", "gray", "-"], capture_output=True, check=True).stdout


@pytest.mark.parametrize("container", ["mp4", "mkv"])
def test_a_poster_is_the_frame_starting_at_its_time_on_a_keyframe_or_between(tmp_path, container):
    # 29.97 fps, a keyframe every 12 frames: frame starts are not whole microseconds, and mp4
    # (1/30000) and Matroska (1/1000, rounded) keep them in other ticks. Not MPEG-TS: ffmpeg
    # 5.1's seek there lands on the next keyframe (a known limit, see the issue 15 note).
    from fractions import Fraction

    from pipeline.render.record import extract_poster

    video = tmp_path / f"master.{container}"
    subprocess.run([FFMPEG, "-v", "error", "-f", "lavfi", "-i",
                    "testsrc2=size=320x180:rate=30000/1001:duration=2", "-c:v", "libx264",
                    "-preset", "ultrafast", "-g", "12", "-keyint_min", "12", "-sc_threshold", "0",
                    "-bf", "2", "-pix_fmt", "yuv420p", str(video)], check=True)
    for index in (12, 13, 24, 35):
        at = float(Fraction(index * 1001, 30000))
        poster = tmp_path / f"{container}-{index}.jpg"
        extract_poster(video, at, poster)
        seen = gray_frame(poster, None, 480, 270)

        def distance(other: int) -> float:
            pixels = frame_by_index(video, other)
            return sum(abs(x - y) for x, y in zip(seen, pixels)) / len(seen)

        distances = {other: distance(other) for other in (index - 1, index, index + 1)}
        assert min(distances, key=distances.get) == index, (container, distances)


@pytest.mark.e2e
def test_the_poster_of_a_copied_mpeg_ts_master_is_the_frame_its_file_shows(campaign):
    # ffmpeg 5.1's seek in MPEG-TS often lands on the next keyframe (up to a GOP late):
    # the poster of a variant copying the master's picture is read from the variant's MP4.
    import yaml

    subprocess.run([FFMPEG, "-v", "error", "-i", str(campaign.root / "media/spot.mp4"),
                    "-c:v", "libx264", "-preset", "veryfast", "-profile:v", "high", "-g", "12",
                    "-keyint_min", "12", "-sc_threshold", "0", "-bf", "2", "-an", "-f",
                    "mpegts", str(campaign.root / "media/spot.ts")], check=True)
    campaign.subtitle("tzo")
    data = campaign.data([{"code": "tzo", "treatment": "soft"}])
    data["spots"][0] |= {"master": "../media/spot.ts", "audio": "silent"}   # AAC would start first
    campaign.manifest.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    result = invoke("render", campaign.manifest)
    assert result.exit_code == 0 and "1 rendered" in result.output, result.output
    output = campaign.out / "spot.tzo.small.mp4"
    duration = float(subprocess.run([FFPROBE, "-v", "error", "-show_entries", "format=duration",
                                     "-of", "csv=p=0", str(output)], capture_output=True,
                                    check=True, text=True).stdout)
    index = int(duration * 0.4 * 25)           # 40 % of the programme, 25 fps
    seen = gray_frame(campaign.out / "spot.tzo.small.jpg", None, 480, 270)
    distances = {other: sum(abs(x - y) for x, y in zip(seen, frame_by_index(output, other)))
                 for other in (index - 1, index, index + 1, index + 6)}
    assert min(distances, key=distances.get) == index, (index, distances)
    # Precondition: the master fits the profile, so the variant copies the TS's own picture.
    assert not list((campaign.out / ".work").glob("*.picture.mp4"))


@pytest.mark.e2e
def test_plain_progress_lines_when_not_a_terminal(campaign):
    campaign.subtitle("nah")
    campaign.subtitle("tzo")
    result = invoke("render", campaign.write(LANGUAGES), "-j", "1")
    lines = [line for line in result.stdout.splitlines() if line.startswith("[")]
    variants = [line for line in lines if "test-campaign/spot.master.small sound" not in line]
    assert len(variants) == 4
    pattern = re.compile(r"^\[(\d)/2\] (start   |rendered) test-campaign/spot\.(nah|tzo)\.small( [\d.]+s)?$")
    assert all(pattern.match(line) for line in variants), lines
    # Longest first: the burned variant starts before the remux.
    assert variants[0] == "[0/2] start    test-campaign/spot.nah.small"
    assert lines[-1].startswith("[2/2] rendered")
    # The shared work, the master's levelled sound, has its own lines, a log being silent
    # while it was made.
    shared = [line for line in lines if line not in variants]
    assert [re.sub(r"^\[\d/2\] ", "", line).split(" sound")[0] for line in shared] == [
        "start    test-campaign/spot.master.small", "made     test-campaign/spot.master.small"], \
        lines
    # A track made before is no work of this render: no line says it was "made" (in 0.0 s).
    campaign.subtitle("tzo", "1\n00:00:00,500 --> 00:00:02,000\nOtra vez\n")
    again = invoke("render", campaign.write(LANGUAGES), "-j", "1")
    assert [line for line in again.stdout.splitlines() if line.startswith("[")] == [
        "[0/1] start    test-campaign/spot.tzo.small", again.stdout.splitlines()[1]], again.stdout


class Events:
    """A progress display that keeps what it is told, in order, and the total it would show."""

    def __init__(self, plan):
        from pipeline.cli.progress import work_of
        self.work = {v.variant.key: work_of(v) for v in plan.variants if v.status == "stale"}
        self.done: dict = {}
        self.said: list[tuple[str, str]] = []
        self.totals: list[float] = []

    def _moved(self, key, fraction):
        self.done[key] = max(self.done.get(key, 0.0), fraction)
        total = sum(self.work.values())
        self.totals.append(sum(self.work.get(k, 0) * f for k, f in self.done.items()) / total)

    def started(self, plan):
        self.said.append(("started", plan.variant.key))

    def progress(self, plan, fraction):
        self._moved(plan.variant.key, fraction)

    def finished(self, outcome):
        self.said.append((outcome.status, outcome.plan.variant.key))
        self._moved(outcome.plan.variant.key, 1.0)

    def expect(self, shared, work=None):
        self.said.append(("expect", ", ".join(item.label for item in shared)))
        self.work.update((key, weight) for key, weight in (work or {}).items() if key in self.work)
        self.work.update((item.key, item.work) for item in shared)

    def shared_started(self, shared):
        self.said.append(("shared", shared.label))

    def shared_progress(self, shared, fraction):
        self._moved(shared.key, fraction)

    def shared_finished(self, shared, seconds, failed):
        self.said.append(("made", shared.label))
        self._moved(shared.key, 1.0)


@pytest.mark.e2e
def test_shared_work_is_announced_before_any_outcome_and_the_total_never_falls(campaign):
    # A remade poster was counted first, then the shared work joined the total: 33 % fell to 3 %.
    campaign.subtitle("tzo")
    campaign.audio("yua")
    profiles = {"half": {"base": "web", "width": 160, "height": 90, "preset": "ultrafast"}}
    languages = [{"code": "tzo", "treatment": "soft"}, {"code": "yua", "treatment": "dub"}]
    manifest = campaign.write(languages, profiles=profiles)
    assert invoke("render", manifest, "-j", "1").exit_code == 0
    (campaign.out / "spot.tzo.half.jpg").unlink()                       # remade
    campaign.audio("yua", "voice.wav")                                  # a new track to level
    for picture in (campaign.out / ".work").glob("*.picture.mp4"):      # the picture again
        picture.unlink()
    plan = build_plan([manifest])
    events = Events(plan)
    render_plan(plan, jobs=1, reporter=events)
    # Not the master's track, made by the first render: no work of this one.
    assert events.said[0] == ("expect", "test-campaign/spot.yua.half sound, "
                                        "test-campaign/spot.half picture"), events.said
    assert ("remade", "test-campaign/spot.tzo.half") in events.said
    assert events.totals == sorted(events.totals) and events.totals[-1] == pytest.approx(1.0)


@pytest.mark.e2e
def test_shared_picture_is_identical_to_a_per_variant_encode(campaign):
    """When the master does not fit, soft/dub/mix share one encode; its frames are exactly those
    of encoding the picture inside the variant's own command."""
    campaign.subtitle("tzo")
    campaign.audio("yua")
    profiles = {"half": {"base": "web", "width": 160, "height": 90, "preset": "ultrafast", "crf": 30}}
    manifest = campaign.write([{"code": "tzo", "treatment": "soft"}, {"code": "yua", "treatment": "dub"}],
                              profiles=profiles)
    assert invoke("render", manifest, "-j", "1").exit_code == 0
    direct = campaign.root / "direct.mp4"
    subprocess.run([FFMPEG, "-v", "error", "-i", str(campaign.root / "media/spot.mp4"), "-vf",
                    "scale=160:90:force_original_aspect_ratio=decrease,pad=160:90:(ow-iw)/2:(oh-ih)/2,"
                    "setsar=1,format=yuv420p", "-c:v", "libx264", "-preset", "ultrafast", "-crf", "30",
                    "-profile:v", "high", "-an", str(direct)], check=True)
    for at in (0.5, 2.0, 3.5):
        reference = gray_frame(direct, at, 160, 90)
        assert gray_frame(campaign.out / "spot.tzo.half.mp4", at, 160, 90) == reference
        assert gray_frame(campaign.out / "spot.yua.half.mp4", at, 160, 90) == reference
    assert len(list((campaign.out / ".work").glob("*.picture.mp4"))) == 1


@pytest.mark.e2e
def test_dask_executor_renders_like_the_local_one(campaign, tmp_path_factory, media):
    from distributed import LocalCluster

    from tests.conftest import Campaign

    local = Campaign(tmp_path_factory.mktemp("local"), media)
    for target in (campaign, local):
        target.subtitle("nah")
        target.subtitle("tzo")
        target.audio("yua")
    languages = LANGUAGES + [{"code": "yua", "treatment": "dub"}]
    assert invoke("render", local.write(languages), "-j", "1").exit_code == 0
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster:
        result = invoke("render", campaign.write(languages), "--executor", "dask",
                        "--scheduler", cluster.scheduler_address)
    assert result.exit_code == 0, result.output
    assert "3 rendered" in result.output
    for code in ("nah", "tzo", "yua"):
        remote = json.loads((campaign.out / f"spot.{code}.small.json").read_text())
        here = json.loads((local.out / f"spot.{code}.small.json").read_text())
        assert remote["fingerprint"] == here["fingerprint"]
        assert remote["streams"] == here["streams"]
        assert remote["duration"] == here["duration"]
        assert abs(remote["loudness"]["integrated_lufs"] - here["loudness"]["integrated_lufs"]) < 0.2
    assert "0 rendered, 3 up-to-date" in invoke("render", campaign.manifest).output


@pytest.mark.e2e
def test_dask_workers_without_a_shared_disk_go_through_the_object_store(campaign, s3_server, bucket):
    from distributed import LocalCluster

    from tests.s3server import s3_client

    campaign.subtitle("nah")
    campaign.subtitle("tzo", SRT.replace("venta", "Venta"))
    campaign.audio("yua")
    manifest = campaign.write(LANGUAGES + [{"code": "yua", "treatment": "dub"}])
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster:
        result = invoke("render", manifest, "--executor", "dask", "--scheduler", cluster.scheduler_address,
                        "--store", f"s3://{bucket}/cache", "--endpoint-url", s3_server)
    assert result.exit_code == 0, result.output
    keys = {o["Key"] for o in s3_client(s3_server).list_objects_v2(Bucket=bucket)["Contents"]}
    # Inputs once each, by content: master, dub track, two subtitle files, the font.
    assert len([k for k in keys if k.startswith("cache/inputs/")]) == 5
    assert "cache/outputs/test-campaign/spot/spot.nah.small.mp4" in keys
    for code in ("nah", "tzo", "yua"):
        record = json.loads((campaign.out / f"spot.{code}.small.json").read_text())
        out = campaign.out / record["file"]
        import hashlib
        assert hashlib.sha256(out.read_bytes()).hexdigest() == record["sha256"]
        # The record names the media team's files, not the worker's scratch copies.
        assert record["inputs"]["master"]["path"] == str(campaign.root / "media/spot.mp4")
    assert "0 rendered, 3 up-to-date" in invoke("render", manifest).output


@pytest.mark.e2e
def test_the_soft_copies_of_a_spot_and_profile_share_one_ffmpeg_and_the_dubbed_ones_another(
        campaign, monkeypatch):
    # Soft copies take the master's track, dubbed ones their own, which may be made much later:
    # apart, the soft ones need not wait for the last recording to be levelled.
    for code in ("tzo", "ote"):
        campaign.subtitle(code)
    campaign.audio("yua")
    campaign.audio("zai")
    manifest = campaign.write([{"code": "tzo", "treatment": "soft"}, {"code": "ote", "treatment": "soft"},
                               {"code": "yua", "treatment": "dub"}, {"code": "zai", "treatment": "dub"}])
    started = []
    real_popen = subprocess.Popen.__init__

    def spy(self, args, *rest, **kwargs):          # records, then runs the real process
        if Path(args[0]).name == "ffmpeg":
            started.append([str(a) for a in args])
        real_popen(self, args, *rest, **kwargs)

    monkeypatch.setattr(subprocess.Popen, "__init__", spy)
    result = invoke("render", manifest, "-j", "2")
    assert result.exit_code == 0 and "4 rendered" in result.output, result.output
    # Files written, not read (a poster is read from a variant's partial file).
    writers = [[a for a, before in zip(args[1:], args) if before != "-i"
                and re.search(r"spot\.\w+\.small\.partial", a)] for args in started]
    assert sorted(sorted(Path(a).name.split(".")[2] for a in w) for w in writers if w) == \
        [["ote", "tzo"], ["yua", "zai"]]
    for code in ("tzo", "ote", "yua", "zai"):
        streams = json.loads(subprocess.run(
            [FFPROBE, "-v", "error", "-show_streams", "-of", "json",
             str(campaign.out / f"spot.{code}.small.mp4")], capture_output=True, check=True).stdout)
        kinds = sorted(s["codec_type"] for s in streams["streams"])
        assert kinds == (["audio", "video"] if code in ("yua", "zai") else ["audio", "subtitle", "video"])


@pytest.mark.e2e
def test_a_copy_that_cannot_be_read_fails_alone_in_its_group(campaign):
    from pipeline.render.remuxes import render_remux_group
    from pipeline.render.treatments import prepare_audio

    campaign.subtitle("tzo")
    campaign.audio("yua")
    plan = build_plan([campaign.write([{"code": "tzo", "treatment": "soft"},
                                       {"code": "yua", "treatment": "dub"}])])
    plans = sorted(plan.variants, key=lambda p: p.variant.language.code)
    cache = plan.caches[plans[0].variant.manifest.output_dir]
    tracks = [prepare_audio(p, cache).path for p in plans]
    tracks[1].write_bytes(b"not an m4a")       # the dub's shared track, made and then broken
    results = render_remux_group(plans, cache)
    assert isinstance(results[0], dict) and results[0]["language"] == "tzo"
    assert not isinstance(results[1], dict) and "yua" in results[1].message
    assert (campaign.out / "spot.tzo.small.mp4").exists()
    assert not (campaign.out / "spot.yua.small.mp4").exists()
    assert not [p for p in campaign.out.iterdir() if ".partial" in p.name]


@pytest.mark.e2e
def test_a_variant_whose_file_cannot_be_checked_fails_alone_and_leaves_nothing(campaign, tmp_path):
    # ffprobe cannot read tzo's rendered file (what a Ctrl-C reaching ffprobe looks like too):
    # tzo fails with that error; the other copies of its group are finished, and no partial
    # file is left, whichever variants were being finished then.
    import os
    import stat
    import sys

    codes = ("tzo", "ote", "zai", "nah")
    for code in codes:
        campaign.subtitle(code)
    manifest = campaign.write([{"code": code, "treatment": "soft"} for code in codes])
    wrapper = tmp_path / "ffprobe"
    wrapper.write_text(f"#!{sys.executable}\nimport os, sys\n"
                       "if '.tzo.' in sys.argv[-1] and '.partial-' in sys.argv[-1]:\n"
                       "    sys.exit('Invalid data found when processing input')\n"
                       f"os.execv({FFPROBE!r}, [{FFPROBE!r}] + sys.argv[1:])\n")
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
    run = subprocess.run([sys.executable, "-m", "pipeline", "render", str(manifest), "-j", "2"],
                         capture_output=True, text=True, env={**os.environ, "FFPROBE": str(wrapper)})
    assert run.returncode == 1, run.stderr
    assert "3 rendered, 0 up-to-date, 1 failed" in run.stderr, run.stderr
    assert re.search(r"spot\.tzo\.small\..*error: .*cannot read", run.stderr), run.stderr
    assert sorted(p.name for p in campaign.out.glob("spot.*.mp4")) == \
        ["spot.nah.small.mp4", "spot.ote.small.mp4", "spot.zai.small.mp4"]
    assert not [p for p in campaign.out.rglob("*") if ".partial" in p.name]


@pytest.mark.e2e
def test_a_burn_whose_sound_cannot_be_copied_leaves_no_file_and_no_poster(campaign):
    from pipeline.errors import RenderError
    from pipeline.render.pictures import render_picture_group
    from pipeline.render.treatments import prepare_audio

    campaign.subtitle("nah")
    plan = build_plan([campaign.write([{"code": "nah", "treatment": "burn"}])])
    (burn,) = plan.variants
    cache = plan.caches[burn.variant.manifest.output_dir]
    prepare_audio(burn, cache).path.write_bytes(b"not an m4a")   # made, then broken
    with pytest.raises(RenderError, match="adding the sound to spot.nah.small"):
        render_picture_group([burn], [], cache)
    assert not [p.name for p in campaign.out.iterdir() if p.name.startswith("spot.nah")]
    assert not [p for p in campaign.out.rglob("*") if ".partial" in p.name]


def _second_manifest(campaign, name: str, changes: dict) -> Path:
    data = campaign.data([{"code": "tzo", "treatment": "soft"}]) | changes
    path = campaign.root / "manifests" / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.mark.e2e
def test_a_manifest_whose_output_folder_cannot_be_made_is_an_error_at_its_line(campaign):
    # validate and plan said nothing; render then failed every variant of it.
    campaign.subtitle("tzo")
    (campaign.root / "not-a-folder").write_text("", encoding="utf-8")
    bad = _second_manifest(campaign, "bad.yaml", {"campaign": "elsewhere",
                                                  "output_dir": "../not-a-folder/build"})
    good = campaign.write([{"code": "tzo", "treatment": "soft"}])
    result = invoke("validate", bad, good)
    line = bad.read_text(encoding="utf-8").splitlines().index(
        next(x for x in bad.read_text(encoding="utf-8").splitlines() if x.startswith("output_dir"))) + 1
    assert result.exit_code == 1
    assert f"{bad}:{line}: error: output_dir {campaign.root}/not-a-folder/build cannot be a " \
        f"folder: {campaign.root}/not-a-folder is a file" in result.output, result.output
    result = invoke("render", bad, good)
    assert result.exit_code == 1 and "1 rendered, 0 up-to-date, 0 failed" in result.output


def test_a_manifest_whose_output_folder_breaks_during_the_render_fails_alone(campaign):
    # Listed first, it stopped the run at its cache and catalog: the other manifest's variants
    # were rendered but its catalog was not written (old checksums), no summary was shown,
    # and its variants failed as "internal error".
    campaign.subtitle("tzo")
    bad = _second_manifest(campaign, "bad.yaml", {"campaign": "elsewhere",
                                                  "output_dir": "../elsewhere"})
    good = campaign.write([{"code": "tzo", "treatment": "soft"}])
    plan = build_plan([bad, good])
    (campaign.root / "elsewhere").write_text("", encoding="utf-8")   # the folder became a file
    outcomes = render_plan(plan, jobs=2)
    assert sorted(o.status for o in outcomes) == ["failed", "rendered"]
    (failure,) = [o for o in outcomes if o.status == "failed"]
    assert "the render could not use this path: Not a directory" in failure.error.message
    assert [d.message for manifest in plan.manifests for d in write_catalog(manifest)] == [
        "the catalog cannot be written: Not a directory"]
    catalog = json.loads((campaign.out.parent / "catalog.json").read_text(encoding="utf-8"))
    assert [v["file"] for v in catalog["variants"]] == ["spot/spot.tzo.small.mp4"]
    plan.save_caches()        # a cache that cannot be saved is no error


def test_a_variant_published_after_its_inputs_changed_is_said_to_be(campaign, tmp_path):
    # A translator's corrected subtitles, not rendered yet: publish sent the old file, which
    # broadcasters would air, without a word.
    manifest = rendered(campaign)
    subtitles = campaign.subtitle("tzo", SRT.replace("humanos", "humanas"))
    result = invoke("publish", manifest, "--to", f"file://{tmp_path}/dist")
    assert result.exit_code == 0, result.output
    assert (f"{campaign.out}/spot.tzo.small.mp4: warning: published as rendered before its "
            "inputs or settings changed (marked on the page as an earlier version): subtitles "
            f"changed ({subtitles})") in result.output, result.output
    assert "spot.nah.small" not in result.output.split("warning:", 1)[-1]
    # Deleted: the variant is blocked, and cannot be rendered: the error to fix is named
    # (a trial's operator was told to render a variant whose dub render refused).
    subtitles.unlink()
    gone = invoke("publish", manifest, "--to", f"file://{tmp_path}/dist")
    (told,) = [line for line in gone.output.splitlines() if "cannot be rendered" in line]
    assert re.match(rf"{re.escape(str(manifest))}:\d+: warning: 1 variant is published as "
                    r"rendered before its inputs changed \(spot\.tzo\.small; marked on the page "
                    r"as an earlier version\), and cannot be rendered again until this is fixed: ",
                    told), told
    assert "subtitles missing" in told and "(hint: fix it (the rendered files stay" in told, told
    assert "error:" not in gone.output
    # The page marks it too: the error is at the manifest's line, the file it names is gone.
    catalog = tmp_path / "dist" / "test-campaign" / "catalog.json"
    marked = {v["language"]: v.get("outdated")
              for v in json.loads(catalog.read_text(encoding="utf-8"))["variants"]}
    assert marked["nah"] is None
    assert (marked["tzo"]["reason"], marked["tzo"]["what"]) == ("blocked", ["subtitles"])
    campaign.subtitle("tzo", SRT.replace("humanos", "humanas"))
    assert invoke("render", manifest).exit_code == 0
    again = invoke("publish", manifest, "--to", f"file://{tmp_path}/dist")
    assert again.exit_code == 0 and "warning" not in again.output, again.output
    assert all("outdated" not in v
               for v in json.loads(catalog.read_text(encoding="utf-8"))["variants"])
    # A sidecar replaced by hand: the variant is current, the file beside it is not; not
    # "rendered before its inputs changed", and render only makes the sidecar again.
    (campaign.out / "spot.tzo.vtt").write_text("WEBVTT\n\n", encoding="utf-8")
    beside = invoke("publish", manifest, "--to", f"file://{tmp_path}/dist")
    assert (f"{campaign.out}/spot.tzo.small.mp4: warning: not as rendered beside it: spot.tzo.vtt "
            "(missing or replaced since) (hint: 'pipeline render' makes them again from the "
            "rendered file, without encoding it again; then publish again)") in beside.output, \
        beside.output
    assert "inputs or settings changed" not in beside.output


def test_two_manifests_of_one_campaign_folder_are_an_error(campaign):
    # Each wrote the one catalog.json with its own variants only: the last one rendered hid
    # the other's files from publishing, and validate said nothing.
    campaign.subtitle("tzo")
    first = campaign.write([{"code": "tzo", "treatment": "soft"}])
    second = _second_manifest(campaign, "second.yaml", {"title": "Another title"})
    result = invoke("validate", first, second, first)
    assert result.exit_code == 1
    assert (f"{second}:1: error: campaign 'test-campaign' is also {first}'s, with the same "
            "output folder") in result.output, result.output
    assert result.output.count("error:") == 1      # the first named twice is the same manifest


def test_a_failed_render_is_remembered_until_the_variant_renders(campaign, tmp_path,
                                                                 x264_refuses):
    # A variant whose render failed three times showed in `plan` as "not rendered yet", and
    # publish could only guess ("not rendered yet, or its render failed"): a failed render
    # leaves no file and no record. Its memo says when it failed and with what error.
    campaign.subtitle("tzo")
    x264_refuses(".small.")
    bad = {"base": "web", "width": 320, "height": 180, "x264_profile": "main"}  # not the master's
    # `ok` is rendered: publish has something to send.
    profiles = {"small": bad, "ok": SMALL_PROFILES["small"]}
    manifest = campaign.write([{"code": "tzo", "treatment": "soft"}], profiles=profiles)
    result = invoke("render", manifest)
    assert result.exit_code == 1 and "1 rendered, 0 up-to-date, 1 failed" in result.output
    memo = campaign.out / "spot.tzo.small.failed.json"
    assert memo.is_file() and not (campaign.out / "spot.tzo.small.json").exists()
    failed = json.loads(memo.read_text(encoding="utf-8"))["failed"]
    assert failed["message"].startswith("ffmpeg failed while rendering") \
        and "\n" not in failed["message"] and failed["path"], failed

    said = (rf"its last render failed \(\d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\dZ\): "
            rf"{re.escape(failed['message'])}, at {re.escape(failed['path'])}")
    result = invoke("plan", manifest)
    assert result.exit_code == 0, result.output
    (line,) = [x for x in result.stdout.splitlines() if "spot.tzo.small" in x]
    assert line.startswith("stale") and re.search(said + r"\)$", line), line
    assert "not rendered yet" not in result.output
    result = invoke("plan", manifest, "--json")
    planned = {v["profile"]: v for v in json.loads(result.stdout)["variants"]}
    assert planned["small"]["last_failure"]["message"] == failed["message"]
    assert planned["ok"]["last_failure"] is None
    result = invoke("publish", manifest, "--to", f"file://{tmp_path}/dist")
    assert result.exit_code == 0, result.output
    # At its memo, which says it (a record's path named a file not there).
    assert re.search(re.escape(f"{memo}: warning: no rendered file, not published: spot tzo "
                               "small: ") + said, result.output), result.output
    assert "not rendered yet" not in result.output

    # The memo is its variant's while the variant exists: no stray, nothing to clean.
    assert invoke("clean", manifest).stdout == ""
    # Renamed, the profile leaves it behind: a stray now, as the variant's other files are.
    campaign.write([{"code": "tzo", "treatment": "soft"}],
                   profiles={"other": bad, "ok": SMALL_PROFILES["small"]})
    assert invoke("clean", manifest).stdout.split() == [str(memo)]

    # Fixed (and renamed back), it renders, and the memo goes.
    manifest = campaign.write([{"code": "tzo", "treatment": "soft"}],
                              profiles={"small": SMALL_PROFILES["small"],
                                        "ok": SMALL_PROFILES["small"]})
    result = invoke("render", manifest)
    assert result.exit_code == 0 and "1 rendered" in result.output, result.output
    assert not memo.exists()
    result = invoke("plan", manifest)
    assert "last render failed" not in result.output and "2 up to date" in result.output


@pytest.mark.parametrize("in_the_way", ["spot.nah.small.mp4", "spot.nah.small.jpg"])
def test_a_folder_in_the_way_fails_its_variant_alone(campaign, in_the_way):
    # nah's burn and the others' shared picture are one ffmpeg run: the folder where nah's file
    # or poster goes failed all four variants, naming nah's temporary file.
    campaign.subtitle("nah")
    campaign.subtitle("tzo")
    campaign.audio("yua")
    manifest = campaign.write(LANGUAGES + [{"code": "yua", "treatment": "dub"}])
    (campaign.out / in_the_way).mkdir(parents=True)
    result = invoke("render", manifest)
    assert result.exit_code == 1, result.output
    assert (f"{campaign.out / in_the_way}: error: a folder is in the way of spot.nah.small's "
            "file") in result.output, result.output
    assert "partial" not in result.output
    assert "0 up-to-date, 1 failed" in result.output, result.output
    for code in ("tzo", "yua"):
        assert (campaign.out / f"spot.{code}.small.mp4").is_file()
    assert (campaign.out / in_the_way).is_dir()


@pytest.mark.parametrize("text", ["[]", '"str"', "7"])
def test_a_record_of_another_shape_is_stale_as_broken_json_is(campaign, text):
    # `[]` typed into a record: validate, render and clean said "internal error:
    # AttributeError: 'list' object has no attribute 'get'".
    manifest = rendered(campaign)
    record = campaign.out / "spot.tzo.small.json"
    record.write_text(text, encoding="utf-8")
    for command in ("validate", "clean"):
        result = invoke(command, manifest)
        assert result.exit_code == 0 and "internal error" not in result.output, result.output
    result = invoke("render", manifest)
    assert result.exit_code == 0, result.output
    assert "1 rendered, 1 up-to-date" in result.output, result.output
    assert isinstance(json.loads(record.read_text(encoding="utf-8")), dict)


@pytest.mark.parametrize("field, value", [
    ("streams", "text"), ("streams", [1]), ("sidecars", 4), ("poster", 5), ("duration", "x"),
    ("bytes", True), ("qc", {"warnings": 5}), ("qc", {"warnings": [5]}),
    ("settings", {"profile": 5}), ("loudness", {"integrated_lufs": "a"}),
    ("certificate", [1]), ("master", {"leader": 3}), ("upscaled_from", 576),
    ("upscaled_from", [720, "576"]), ("master", {"upscaled_from": [720]}),
    ("qc", {"warnings": [], "from_inputs": "2"})])
def test_a_record_with_a_field_of_another_shape_is_stale_and_not_published(
        campaign, tmp_path, field, value):
    # A record edited by hand: plan, publish and clean said "internal error: TypeError"
    # (`"poster": 5`, `"sidecars": 4`), or AttributeError, or decimal's InvalidOperation.
    manifest = rendered(campaign)
    path = campaign.out / "spot.tzo.small.json"
    record = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps({**record, field: value}), encoding="utf-8")
    published = invoke("publish", manifest, "--to", f"file://{tmp_path / 'out'}")
    assert published.exit_code == 1, published.output
    assert f"{path}: error: render record has {field!r} of another kind (hint: render it " \
           "again)" in published.stderr, published.output
    for command in ("plan", "clean", "validate"):
        result = invoke(command, manifest)
        assert result.exit_code == 0 and "internal error" not in result.output, result.output
    assert "its record spot.tzo.small.json cannot be read" in invoke("plan", manifest).stdout
    result = invoke("render", manifest)
    assert "1 rendered, 1 up-to-date" in result.output, result.output
    assert json.loads(path.read_text(encoding="utf-8")).get(field) == record.get(field)


@pytest.mark.parametrize("text", ["[1, 2]", "null", '{"files": []}',
                                  '{"files": {"x": 1}, "measures": []}'])
def test_a_hash_cache_of_another_shape_is_rebuilt(campaign, text):
    manifest = rendered(campaign)
    cache = campaign.root / "build/.pipeline-cache.json"
    cache.write_text(text, encoding="utf-8")
    for command in ("validate", "plan", "clean"):
        result = invoke(command, manifest)
        assert result.exit_code == 0 and "internal error" not in result.output, result.output
    result = invoke("render", manifest)
    assert result.exit_code == 0 and "2 up-to-date" in result.output, result.output
    assert isinstance(json.loads(cache.read_text(encoding="utf-8"))["files"], dict)


def test_a_hash_cache_save_killed_before_its_rename_leaves_nothing_after_the_next_run(campaign):
    # A render SIGKILLed while saving the cache left `.pipeline-cache.<pid>.tmp` in the output
    # folder for good: no sweep looked outside the campaign's folder.
    manifest = rendered(campaign)
    dead = subprocess.Popen(["true"])
    dead.wait()
    build = campaign.root / "build"
    left = build / f"..pipeline-cache.partial-{dead.pid}-1.json"
    left.write_text('{"files": {', encoding="utf-8")
    mine = build / f"..pipeline-cache.partial-{os.getpid()}-1.json"    # a running process's
    mine.write_text("{}", encoding="utf-8")
    try:
        result = invoke("plan", manifest)
        assert result.exit_code == 0, result.output
        assert not left.exists() and mine.exists()
    finally:
        mine.unlink(missing_ok=True)


@pytest.mark.e2e
def test_a_project_copied_elsewhere_is_up_to_date_there(campaign, tmp_path):
    # A trial's `cp -a` of the project made 248 of 364 variants "to complete": each record's
    # QC warnings named their files by the old absolute paths.
    import shutil

    campaign.subtitle("nah", "1\n00:00:00,500 --> 00:00:01,100\nLos seres humanos no están a "
                             "la venta en ningún lugar\n")     # a cue read too fast: a warning
    manifest = campaign.write([{"code": "nah", "treatment": "burn"}])
    assert invoke("render", manifest).exit_code == 0
    record = json.loads((campaign.out / "spot.nah.small.json").read_text(encoding="utf-8"))
    assert any(str(campaign.root) in (w["path"] or "") for w in record["qc"]["warnings"])
    copy = tmp_path / "elsewhere"
    shutil.copytree(campaign.root, copy, symlinks=True)
    planned = invoke("plan", copy / manifest.relative_to(campaign.root))
    assert planned.exit_code == 0, planned.output
    assert "1 variant: 1 up to date, 0 to render" in planned.output, planned.output


def test_a_killed_render_s_work_folder_is_removed_by_the_next(campaign, tmp_path, monkeypatch):
    # An operations trial's render killed by SIGKILL left its $TMPDIR/pipeline-* folder, two
    # partial encodes in it, for good; later renders cleaned their partial files but not it.
    import tempfile

    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr(tempfile, "tempdir", None)
    dead = subprocess.Popen(["true"])
    dead.wait()
    left = tmp_path / f"pipeline-work-burn-{dead.pid}-abc12345"
    left.mkdir()
    (left / "burn-0.mp4").write_bytes(b"partial")
    running = tmp_path / f"pipeline-work-burn-{os.getpid()}-def45678"
    running.mkdir()
    fresh = tmp_path / f"pipeline-work-burn-{dead.pid}-ghi78901"      # written in lately
    fresh.mkdir()
    # Not ours, though its name starts alike (a CI job's, its number no process id).
    other = tmp_path / f"pipeline-job-{dead.pid}-x"
    other.mkdir()
    old = time.time() - 7 * 3600
    for path in (left / "burn-0.mp4", left, running, other):
        os.utime(path, (old, old))
    campaign.subtitle("tzo")
    manifest = campaign.write([{"code": "tzo", "treatment": "soft"}])
    result = invoke("render", manifest)
    assert result.exit_code == 0, result.output
    assert not left.exists() and running.exists() and fresh.exists() and other.exists()
