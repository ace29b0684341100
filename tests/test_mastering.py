"""Masters for stations, rendered from a 2 s lavfi master and checked from the files: XDCAM
HD422 in MXF OP1a and ProRes 422 HQ in MOV (ffprobe, frame types, mediainfo's view of the
wrapper), the leader's bars, tone, slate and black at their frames and samples, the slate's
text and its shaping, timecodes, tracks, clock numbers and the loudness certificate."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from pipeline.cli.main import cli
from pipeline.manifest import load_manifest
from pipeline.publish.catalog import build_catalog, load_records
from pipeline.publish.page import render_page
from pipeline.render import slate
from pipeline.subtitles.fonts import bold_variant, resolve_font, text_width
from tests.conftest import Campaign, ffmpeg
from tests.mediacheck import FFMPEG, field_counts, rgb_as_decoded

pytestmark = pytest.mark.e2e

W, H = 1920, 1080
FPS = 25
NAME = "Ta̱ta̱ta̱ta̱"          # a language name with U+0331 under each vowel: shaped, or not
LEADER = {"bars": 1, "slate": 1, "black": 1}
SRT = "1\n00:00:00,200 --> 00:00:01,800\nLos seres humanos\n"


def render(*args):
    return CliRunner().invoke(cli, ["render", *map(str, args)], catch_exceptions=False)


@pytest.fixture(scope="module")
def masters(tmp_path_factory, media) -> Campaign:
    """One burned language rendered in both mastering profiles, with a 1 s leader of each part."""
    campaign = Campaign(tmp_path_factory.mktemp("masters"), media)
    ffmpeg("-f", "lavfi", "-i", f"testsrc2=size=320x180:rate={FPS}:duration=2",
           "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=2",
           "-filter:a", "volume=-20dB,aformat=channel_layouts=stereo", "-c:v", "libx264",
           "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac",
           str(campaign.root / "media/spot.mp4"))
    campaign.subtitle("nah", SRT)
    campaign.write([{"code": "nah", "name": NAME, "treatment": "burn"}],
                   profiles={"broadcast-mxf": {"leader": LEADER},
                             "broadcast-prores": {"leader": LEADER}},
                   clock="BH-{spot}-{lang}-{profile}")
    result = render(campaign.manifest, "-j", "2")
    assert result.exit_code == 0, result.output
    return campaign


def mxf(campaign: Campaign) -> Path:
    return campaign.out / "spot.nah.broadcast-mxf.mxf"


def mov(campaign: Campaign) -> Path:
    return campaign.out / "spot.nah.broadcast-prores.mov"


def record(campaign: Campaign, profile: str) -> dict:
    return json.loads((campaign.out / f"spot.nah.{profile}.json").read_text(encoding="utf-8"))


def probe(path: Path) -> dict:
    out = subprocess.run(["ffprobe", "-v", "error", "-print_format", "json", "-show_format",
                          "-show_streams", str(path)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def frame_types(path: Path, count: int) -> str:
    out = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-read_intervals",
                          f"%+#{count + 8}", "-show_entries", "frame=pict_type", "-of", "csv=p=0",
                          str(path)], capture_output=True, text=True, check=True).stdout
    return "".join(out.replace(",", "").split())[:count]


def mediainfo(path: Path) -> str:
    binary = shutil.which("mediainfo")
    assert binary, "mediainfo is not installed: run `make setup-test` (apt-get install mediainfo)"
    return subprocess.run([binary, str(path)], capture_output=True, text=True, check=True).stdout


def samples(path: Path, track: int, start: float, length: float) -> np.ndarray:
    """Mono track `track` (0-based) from `start` for `length` seconds, as floats."""
    out = subprocess.run([FFMPEG, "-v", "error", "-ss", f"{start}", "-t", f"{length}", "-i", str(path),
                          "-map", f"0:a:{track}", "-f", "f32le", "-ac", "1", "-"],
                         capture_output=True, check=True).stdout
    return np.frombuffer(out, dtype="<f4")


def rgb_frame(path: Path, number: int) -> np.ndarray:
    """Frame `number` (from 0) as an H x W x 3 array, selected by its index, not by seeking."""
    out = subprocess.run([FFMPEG, "-v", "error", "-i", str(path), "-vf",
                          f"select=eq(n\\,{number})", "-frames:v", "1", "-f", "rawvideo",
                          "-pix_fmt", "rgb24", "-"], capture_output=True, check=True).stdout
    assert len(out) == W * H * 3, f"no frame {number} in {path}"
    return np.frombuffer(out, dtype=np.uint8).reshape(H, W, 3).astype(int)


# --- the wrappers and their streams -----------------------------------------------------------

def test_mxf_is_xdcam_hd422_in_op1a_with_eight_mono_tracks_and_the_start_timecode(masters):
    info = probe(mxf(masters))
    video, *audio = info["streams"]
    assert (video["codec_name"], video["profile"], video["pix_fmt"]) == ("mpeg2video", "4:2:2", "yuv422p")
    assert [video.get(k) for k in ("color_primaries", "color_transfer", "color_space")] == ["bt709"] * 3
    assert (video["width"], video["height"], video["r_frame_rate"]) == (W, H, "25/1")
    assert video["field_order"] == "tt"
    assert int(video["bit_rate"]) == 50_000_000
    assert info["format"]["format_name"] == "mxf"
    assert info["format"]["tags"]["timecode"] == "09:59:57:00"      # 10:00:00:00 less 3 s
    assert info["format"]["tags"]["material_package_name"] == "BH-spot-nah-broadcast-mxf"
    assert [(a["codec_name"], a["channels"], a["sample_rate"], a["bits_per_raw_sample"])
            for a in audio] == [("pcm_s24le", 1, "48000", "24")] * 8
    # Long GOP: 12 frames, two B-frames between anchors, from the first frame on.
    assert frame_types(mxf(masters), 36) == "IBBPBBPBBPBB" * 3
    wrapper = mediainfo(mxf(masters))
    assert re.search(r"Commercial name\s*: XDCAM HD422", wrapper)
    assert re.search(r"Format profile\s*: OP-1a", wrapper)
    assert re.search(r"Scan order\s*: Top Field First", wrapper)
    assert re.search(r"Time code of first frame\s*: 09:59:57:00", wrapper)
    assert re.search(r"Package name\s*: BH-spot-nah-broadcast-mxf", wrapper)


def test_an_xdcam_master_at_29_97_has_sony_s_gop_of_15(tmp_path, media):
    """1080i at 59.94 fields is coded in GOPs of 15 (12 at 25 frames: a GOP of 12 at 29.97 is
    flagged by strict ingest checks)."""
    campaign = Campaign(tmp_path, media)
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x180:rate=30000/1001:duration=1.5",
           "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=1.5",
           "-filter:a", "volume=-20dB,aformat=channel_layouts=stereo", "-c:v", "libx264",
           "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac",
           str(campaign.root / "media/spot.mp4"))
    campaign.subtitle("nah", SRT)
    campaign.write([{"code": "nah", "name": "nah", "treatment": "burn"}],
                   profiles={"broadcast-mxf": {"leader": {"bars": 0, "slate": 0, "black": 0}}})
    result = render(campaign.manifest)
    assert result.exit_code == 0, result.output
    assert probe(mxf(campaign))["streams"][0]["r_frame_rate"] == "30000/1001"
    assert frame_types(mxf(campaign), 30) == "IBBPBBPBBPBBPBB" * 2


def test_prores_is_422_hq_with_four_mono_tracks_and_a_timecode_track(masters):
    info = probe(mov(masters))
    video = info["streams"][0]
    audio = [s for s in info["streams"] if s["codec_type"] == "audio"]
    data = [s for s in info["streams"] if s["codec_type"] == "data"]
    assert (video["codec_name"], video["profile"], video["pix_fmt"]) == ("prores", "HQ", "yuv422p10le")
    assert video["codec_tag_string"] == "apch"
    # In every frame header, not only the MOV box: ffprobe reads the frames'.
    assert [video.get(k) for k in ("color_primaries", "color_transfer", "color_space")] == ["bt709"] * 3
    # Each frame's header names its encoder: "apl0", as Apple's own writes it.
    assert re.search(rb"icpf.{4}apl0", mov(masters).read_bytes()[:2_000_000], re.DOTALL)
    assert video["field_order"] == "progressive"
    assert [(a["codec_name"], a["channels"]) for a in audio] == [("pcm_s24le", 1)] * 4
    assert data[0]["codec_tag_string"] == "tmcd" and data[0]["tags"]["timecode"] == "09:59:57:00"
    assert info["format"]["tags"]["comment"] == "clave del spot BH-spot-nah-broadcast-prores"
    wrapper = mediainfo(mov(masters))
    assert re.search(r"Format profile\s*: 422 HQ", wrapper)
    assert re.search(r"Time code of first frame\s*: 09:59:57:00", wrapper)


def test_tracks_carry_the_mix_then_silence_or_copies_of_it(masters):
    programme = 3.0
    left, right = (samples(mxf(masters), n, programme, 1.5) for n in (0, 1))
    assert np.abs(left).max() > 0.01 and np.abs(right).max() > 0.01
    for track in range(2, 8):                          # broadcast-mxf: silence past track 2
        assert not np.any(samples(mxf(masters), track, 0, 4.5))
    # broadcast-prores: tracks 3-4 are 1-2 again, sample for sample
    assert np.array_equal(samples(mov(masters), 0, 0, 5), samples(mov(masters), 2, 0, 5))
    assert np.array_equal(samples(mov(masters), 1, 0, 5), samples(mov(masters), 3, 0, 5))


# --- the leader ---------------------------------------------------------------------------------

@pytest.mark.parametrize("which", [mxf, mov])
def test_leader_bars_slate_black_and_programme_at_their_frames(masters, which):
    path = which(masters)
    last_bars, first_slate = rgb_frame(path, FPS - 1), rgb_frame(path, FPS)
    last_slate, first_black = rgb_frame(path, 2 * FPS - 1), rgb_frame(path, 2 * FPS)
    last_black, first_programme = rgb_frame(path, 3 * FPS - 1), rgb_frame(path, 3 * FPS)
    for bars in (last_bars,):
        # SMPTE RP 219 bars: 40 % grey at the left, then yellow, cyan, green, magenta, red, blue.
        row = bars[H // 4]
        colours = [row[int(W * (0.125 + 0.75 * (i + 0.5) / 7))] for i in range(7)]
        assert np.allclose(colours[0], [191, 191, 191], atol=12)       # 75 % white
        assert colours[1][2] < 40 < colours[1][0]                       # yellow: no blue
        assert colours[6][2] > 150 and colours[6][0] < 40               # blue
    for picture in (first_slate, last_slate):
        assert np.allclose(picture[5, 5], [11, 61, 145], atol=8)        # Blue Heart blue
    # Read as the file is tagged, with BT.709's own equations: the `color` source draws with
    # BT.601's weights, which showed R' 5.5 for the blue's 11.
    (shown,) = rgb_as_decoded(path, 1.5, [(6, 6)], "bt709")
    assert np.allclose(shown, [11, 61, 145], atol=3), shown
    for picture in (first_black, last_black):
        assert picture.max() <= 20
    assert first_programme.std() > 30                                  # testsrc2's picture


@pytest.mark.parametrize("which", [mxf, mov])
def test_leader_tone_is_1_khz_at_minus_18_dbfs_then_silence(masters, which):
    path = which(masters)
    tone = samples(path, 0, 0.0, 1.0)
    assert len(tone) == 48000
    peak = 20 * np.log10(np.abs(tone).max())
    assert peak == pytest.approx(-18.0, abs=0.1)                       # EBU R68 alignment level
    spectrum = np.abs(np.fft.rfft(tone))
    assert np.argmax(spectrum) * 48000 / len(tone) == pytest.approx(1000, abs=2)
    assert np.array_equal(tone, samples(path, 1, 0.0, 1.0))             # both channels of the mix
    assert not np.any(samples(path, 0, 1.0, 2.0))                       # slate and black: silent
    assert np.abs(samples(path, 0, 3.0, 1.0)).max() > 0.01              # the programme's sound


# --- the slate ----------------------------------------------------------------------------------

def _ink(picture: np.ndarray, top: int, bottom: int, left: int, right: int) -> np.ndarray:
    """Pixels of the region that are text (brighter than the blue backdrop), as a boolean mask."""
    region = picture[top:bottom, left:right]
    return region.min(axis=2) > 120


def test_slate_shows_its_rows_and_shapes_the_language_name(masters):
    picture = rgb_frame(mxf(masters), FPS + 5)
    rows_top = int(slate.ROWS_TOP * H)
    text = _ink(picture, rows_top, H - int(0.05 * H), 0, W)
    assert text.sum() > 20_000                                        # text was drawn
    # The language row's value: "Ta̱ta̱ta̱ta̱" (and its Spanish name); U+0331 sits under its vowel
    # with complex shaping; the simple shaper would put each mark after its letter.
    top = int((slate.ROWS_TOP + slate.ROW_STEP) * H)
    band = _ink(picture, top, top + int(slate.ROW_STEP * H), int(slate.VALUE * W), W)
    rows = np.flatnonzero(band.any(axis=1))
    gaps = np.flatnonzero(np.diff(rows) > 1)
    assert len(gaps) >= 1, "no separate row of marks under the letters"
    letters, marks = band[:rows[gaps[0]] + 1], band[rows[gaps[0]] + 1:]
    mark_columns = np.flatnonzero(marks.any(axis=0))
    # Every mark's ink lies within the first word's letters, which end where HarfBuzz says.
    font = bold_variant(resolve_font("Noto Sans"))
    em = slate.ROW_SIZE * H
    word = text_width(NAME, font, em)
    letter_columns = np.flatnonzero(letters.any(axis=0))
    assert abs(letter_columns[0] - 0) <= 6
    assert mark_columns.max() <= word + 2
    assert len(mark_columns) > 0 and mark_columns.min() >= letter_columns[0]


def test_a_name_the_font_cannot_draw_blocks_the_master_before_rendering(masters, tmp_path, media):
    campaign = Campaign(tmp_path, media)
    campaign.subtitle("nah")
    campaign.write([{"code": "nah", "name": "Náhuatl 𓀀", "treatment": "burn"}],
                   profiles={"broadcast-mxf": {"leader": LEADER}})
    result = CliRunner().invoke(cli, ["validate", str(campaign.manifest)])
    assert result.exit_code == 1
    assert "the slate of spot.nah.broadcast-mxf uses characters" in result.output
    assert "U+13000" in result.output and "campaign.yaml:" in result.output
    # The hint names what fontconfig finds for the character, never the font already in use.
    assert ("no installed font has them" in result.output
            or "use a font that has them (" in result.output), result.output
    assert 'e.g. "Noto Sans"' not in result.output


# --- records, certificate, page -----------------------------------------------------------------

class _Figures(HTMLParser):
    def __init__(self):
        super().__init__()
        self.values: dict[str, str] = {}
        self.verdict = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "data-key" in attrs and "data-value" in attrs:
            self.values[attrs["data-key"]] = attrs["data-value"]
        if attrs.get("id") == "verdict":
            self.verdict = attrs["data-passed"]


@pytest.mark.parametrize("profile", ["broadcast-mxf", "broadcast-prores"])
def test_certificate_says_what_the_record_says(masters, profile):
    data = record(masters, profile)
    loudness = data["loudness"]
    assert loudness["integrated_lufs"] == pytest.approx(-23.0, abs=0.25)
    assert data["loudness_standard"]["passed"] and data["loudness_standard"]["name"] == "ebu-r128"
    assert data["clock"] == f"BH-spot-nah-{profile}"
    assert data["master"]["file_timecode"] == "09:59:57:00"
    html = (masters.out / data["certificate"]).read_text(encoding="utf-8")
    figures = _Figures()
    figures.feed(html)
    for key in ("integrated_lufs", "lra_lu", "true_peak_dbtp", "max_momentary_lufs",
                "max_short_term_lufs"):
        assert figures.values[key] == str(loudness[key]), key     # None: under 3 s, no S
    assert figures.verdict == "true"
    # The rules' names in the page's language (Spanish by default), as the rest of the page.
    assert '<th scope="row">sonoridad integrada</th>' in html and \
        '<th scope="row">pico real</th>' in html
    assert "integrated loudness</th>" not in html
    assert "data:image/png;base64," in html and "<script" not in html
    png = masters.out / f"spot.nah.{profile}.loudness.png"
    assert png.name in data["sidecars"] and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # The same figures measured independently on the file's programme, by ebur128 on tracks 1-2.
    out = subprocess.run([FFMPEG, "-nostats", "-ss", "3", "-i", str(masters.out / data["file"]),
                          "-filter_complex", "[0:a:0][0:a:1]amerge=inputs=2,ebur128=peak=true",
                          "-f", "null", "-"], capture_output=True, text=True, check=True).stderr
    assert float(re.findall(r"I:\s*(-?[\d.]+) LUFS", out)[-1]) == pytest.approx(
        loudness["integrated_lufs"], abs=0.1)


def test_the_page_links_each_certificate_with_its_plot(masters):
    manifest = load_manifest(masters.manifest)
    catalog = build_catalog(manifest, load_records(manifest))
    assert {v["clock"] for v in catalog["variants"]} == {"BH-spot-nah-broadcast-mxf",
                                                         "BH-spot-nah-broadcast-prores"}
    html = render_page(catalog, "es")
    for profile in ("broadcast-mxf", "broadcast-prores"):
        assert f'href="spot/spot.nah.{profile}.loudness.html"' in html
        assert f'src="spot/spot.nah.{profile}.loudness.png"' in html
        # the number as a station reads it, without the soft hyphens it may break at
        assert f"BH-spot-nah-{profile}</code>" in html.replace("\u00ad", "")


def test_the_page_says_what_ffprobe_reads_of_each_master(masters):
    # Rate, scan, the programme's start timecode and the mono tracks, as a station's ingest
    # checks them: the page's words against what ffprobe reads of the files themselves.
    manifest = load_manifest(masters.manifest)
    catalog = build_catalog(manifest, load_records(manifest))
    html = unescape(re.sub(r"<[^>]+>", "", render_page(catalog, "es")))
    for path, profile in ((mxf(masters), "broadcast-mxf"), (mov(masters), "broadcast-prores")):
        info = probe(path)
        video = info["streams"][0]
        audio = [stream for stream in info["streams"] if stream["codec_type"] == "audio"]
        master = next(v["master"] for v in catalog["variants"] if v["profile"] == profile)
        assert master["rate"] == video["r_frame_rate"] == "25/1"
        scan = {"tt": "tff", "bb": "bff", "progressive": "progressive"}[video["field_order"]]
        assert master["scan"] == scan
        timecode = info["format"]["tags"].get("timecode") or video["tags"]["timecode"]
        assert master["file_timecode"] == timecode
        # The programme's last frame (its end of message): the file's last, counted by ffprobe
        # from the file's first timecode, at 25 fps.
        counted = subprocess.run(["ffprobe", "-v", "error", "-count_packets", "-select_streams",
                                  "v:0", "-show_entries", "stream=nb_read_packets", "-of",
                                  "csv=p=0", str(path)], capture_output=True, text=True,
                                 check=True).stdout.strip().split(",")[0]
        h, m, s, f = map(int, re.split("[:;]", timecode))
        last = ((h * 60 + m) * 60 + s) * 25 + f + int(counted) - 1
        label = (f"{last // 90000:02d}:{last // 1500 % 60:02d}:{last // 25 % 60:02d}:"
                 f"{last % 25:02d}")
        assert master["programme_last_timecode"] == label
        assert f"programa de 10:00:00:00 a {label}" in html
        assert len(master["audio_tracks"]) == len(audio) and {a["channels"] for a in audio} == {1}
        words = {"tff": "entrelazado, campo superior primero", "progressive": "progresivo"}[scan]
        assert f"25 fps, {words}" in html
    # The progressive master woven into MXF's 1080i: its fields show one moment each frame.
    assert html.count("los dos campos de cada cuadro de una misma imagen (PsF)") == 1
    assert html.count("programa de 10:00:00:00 a ") == 2
    assert "8 pistas mono: la mezcla en la 1 y la 2, silencio en las demás" in html
    assert "4 pistas mono: la mezcla en la 1 y la 2, y otra vez en cada par siguiente" in html
    # Both made from the 320x180 master, as ffprobe reads it, enlarged to 1920x1080.
    source = probe(masters.root / "media/spot.mp4")["streams"][0]
    assert (source["width"], source["height"]) == (320, 180)
    assert (video["width"], video["height"]) == (1920, 1080)
    assert html.count("escalada desde SD (320×180)") == 2


def moving_master(root: Path, media, *video_args: str) -> Campaign:
    """A campaign whose 2 s master moves at 50 pictures a second (testsrc2 at 50p; `video_args`
    make it 25i), with a tone."""
    campaign = Campaign(root, media)
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x180:rate=50:duration=2",
           "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=2",
           "-filter:a", "volume=-20dB", *video_args, "-c:v", "libx264", "-preset", "ultrafast",
           "-pix_fmt", "yuv420p", "-c:a", "aac", str(campaign.root / "media/spot.mp4"))
    return campaign


def test_an_interlaced_master_keeps_its_fields_and_a_progressive_one_becomes_segmented_frames(
        masters, tmp_path, media):
    # The progressive master's MXF: both fields of each frame from one instant.
    psf = field_counts(mxf(masters))
    assert psf["progressive"] > 5 * (psf["tff"] + psf["bff"])
    # A 25i master (50 moving moments a second, top field first) into the same profile.
    campaign = moving_master(tmp_path, media, "-filter:v", "interlace=scan=tff:lowpass=off",
                             "-flags", "+ildct+ilme", "-top", "1")
    campaign.write([{"code": "nah", "treatment": "soft"}],
                   profiles={"broadcast-mxf": {"leader": None},
                             "broadcast-prores": {"leader": None}})
    campaign.subtitle("nah", SRT)
    result = render(campaign.manifest)
    assert result.exit_code == 0, result.output
    woven = field_counts(campaign.out / "spot.nah.broadcast-mxf.mxf")
    assert woven["tff"] > 5 * (woven["progressive"] + woven["bff"]), woven
    assert record(campaign, "broadcast-mxf")["master"]["woven_from_fields"] is True
    # Its ProRes, progressive, has half the motion: the station is told on the master's line
    # (before: said at planning only; the catalog's warnings and the page had nothing).
    prores = record(campaign, "broadcast-prores")["master"]
    assert prores["scan"] == "progressive" and prores["deinterlaced"] is True
    assert record(campaign, "broadcast-mxf")["master"]["deinterlaced"] is False
    manifest = load_manifest(campaign.manifest)
    catalog = build_catalog(manifest, load_records(manifest))
    html = unescape(re.sub(r"<[^>]+>", "", render_page(catalog, "es")))
    assert html.count("25 fps, progresivo; hecho de una imagen entrelazada, un cuadro por cada "
                      "dos campos: la mitad de su movimiento") == 1, html
    assert html.count("25 fps, entrelazado, campo superior primero") == 1, html


def test_an_interlaced_profile_without_leader_or_timecode_weaves_the_fields_too(tmp_path, media):
    # A trial's 'base: broadcast' + 'scan: tff' H.264 file of a 1080i master was made from
    # whole frames and flagged top field first: idet 0 TFF, 75 progressive, half the master's
    # motion. An interlaced file is a station's (players show whole frames): made as a master.
    campaign = moving_master(tmp_path, media, "-filter:v", "interlace=scan=tff:lowpass=off",
                             "-flags", "+ildct+ilme", "-top", "1")
    campaign.subtitle("nah", SRT)
    campaign.subtitle("tzo", SRT)
    small = {"base": "broadcast", "width": 320, "height": 180, "scan": "tff"}
    # A web profile made interlaced, its sound in MP3: the master's checks named the encoder
    # (libmp3lame, where ffprobe says mp3) and failed the file; its bit rate was ffmpeg's.
    web = {"base": "web", "width": 320, "height": 180, "scan": "tff",
           "audio_codec": "libmp3lame", "audio_bitrate": "96k"}
    campaign.write([{"code": "nah", "treatment": "soft"}, {"code": "tzo", "treatment": "burn"}],
                   profiles={"tff": small, "webtff": web})
    result = render(campaign.manifest)
    assert result.exit_code == 0, result.output
    [sound] = [s for s in probe(campaign.out / "spot.nah.webtff.mp4")["streams"]
               if s["codec_type"] == "audio"]
    assert (sound["codec_name"], sound["tags"]["language"]) == ("mp3", "spa"), sound
    assert int(sound["bit_rate"]) == pytest.approx(96000, rel=0.05), sound   # not 128k
    assert field_counts(campaign.out / "spot.nah.webtff.mp4")["tff"] > 40
    for code in ("nah", "tzo"):
        out = campaign.out / f"spot.{code}.tff.mov"
        woven = field_counts(out)
        assert woven["tff"] > 5 * (woven["progressive"] + woven["bff"]), (code, woven)
        [video] = [s for s in probe(out)["streams"] if s["codec_type"] == "video"]
        assert (video["codec_name"], video["field_order"], video["r_frame_rate"]) == \
            ("h264", "tt", "25/1"), video
        made = json.loads((campaign.out / f"spot.{code}.tff.json").read_text(encoding="utf-8"))
        assert (made["master"]["scan"], made["master"]["woven_from_fields"]) == ("tff", True)
        assert made["duration"] == pytest.approx(2.0, abs=0.05)
    # Its poster (40 % in, 0.8 s) from both fields, deinterlaced: the file's own frame there,
    # shown as it is, combs where the picture moves.
    def comb(image: bytes) -> float:
        rows = np.frombuffer(image, np.uint8).reshape(-1, 480).astype(float)
        return float(np.abs(rows[1:-1] - (rows[:-2] + rows[2:]) / 2).mean())

    def gray(*args: str) -> bytes:
        return subprocess.run([FFMPEG, "-v", "error", *args, "-frames:v", "1", "-f", "rawvideo",
                               "-pix_fmt", "gray", "-"], capture_output=True, check=True).stdout
    poster = gray("-i", str(campaign.out / "spot.nah.tff.jpg"))
    woven = gray("-ss", "0.8", "-i", str(campaign.out / "spot.nah.tff.mov"), "-vf", "scale=480:-2")
    assert comb(poster) < 0.6 * comb(woven), (comb(poster), comb(woven))
    # The soft language's subtitles travel beside the file, as every master's do.
    assert (campaign.out / "spot.nah.srt").is_file()
    assert not [s for s in probe(campaign.out / "spot.nah.tff.mov")["streams"]
                if s["codec_type"] == "subtitle"]
    assert "no station master" not in result.output


def test_a_50p_master_becomes_1080i25_with_each_frame_a_field(tmp_path, media):
    # Interlaced HD has no 50-frame form: each of the 50 frames a second becomes one field.
    campaign = moving_master(tmp_path, media)
    campaign.write([{"code": "nah", "treatment": "soft"}],
                   profiles={"broadcast-mxf": {"leader": LEADER}})
    campaign.subtitle("nah", SRT)
    result = render(campaign.manifest)
    assert result.exit_code == 0, result.output
    out = campaign.out / "spot.nah.broadcast-mxf.mxf"
    probed = probe(out)
    [video] = [s for s in probed["streams"] if s["codec_type"] == "video"]
    assert (video["r_frame_rate"], video["field_order"]) == ("25/1", "tt")
    assert float(probed["format"]["duration"]) == pytest.approx(5.0, abs=0.02)   # 3 s leader + 2 s
    info = mediainfo(out)
    assert re.search(r"Frame rate\s*:\s*25\.000 FPS", info) and "Interlaced" in info
    # The programme's two fields hold two instants (combing where things move): woven, not PsF;
    # the still leader's 75 frames read progressive or undetermined.
    counts = field_counts(out)
    assert counts["tff"] >= 0.8 * 50 and counts["bff"] == 0, counts
    master = record(campaign, "broadcast-mxf")["master"]
    assert master["rate"] == "25/1" and master["woven_from_fields"] is True
    assert master["file_timecode"] == "09:59:57:00"


def lavfi_master(campaign: Campaign, rate: str, jitter: float = 0.0, seconds: int = 2) -> None:
    """A master at `rate` frames a second, its frame times off by up to `jitter` seconds (a
    phone's)."""
    timing = [] if not jitter else ["-vf", f"setpts='PTS+{jitter}*sin(N)/TB'",
                                    "-fps_mode", "passthrough"]
    ffmpeg("-f", "lavfi", "-i", f"testsrc2=size=320x180:rate={rate}:duration={seconds}",
           "-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={seconds}",
           *timing,
           "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac",
           str(campaign.root / "media/spot.mp4"))


def test_a_film_rate_master_is_refused_by_an_interlaced_profile_and_taken_by_a_progressive_one(
        tmp_path, media):
    # 1080i at 23.976 fps exists in no station's format; the 2:3 pulldown it would need is an
    # editorial decision. The master is refused before anything is encoded.
    campaign = Campaign(tmp_path, media)
    lavfi_master(campaign, "24000/1001")
    campaign.subtitle("nah", SRT)
    campaign.write([{"code": "nah", "treatment": "soft"}], profiles={"broadcast-mxf": {}})
    result = CliRunner().invoke(cli, ["validate", str(campaign.manifest)])
    assert result.exit_code == 1, result.output
    assert "a 23.976 fps master cannot be an interlaced (tff) master" in result.output
    assert "campaign.yaml:" in result.output and "Traceback" not in result.output
    campaign.write([{"code": "nah", "treatment": "soft"}],
                   profiles={"broadcast-mxf": {"scan": "progressive"}})
    assert CliRunner().invoke(cli, ["validate", str(campaign.manifest)]).exit_code == 0


def test_a_30_fps_master_is_refused_as_1080i30_and_converted_to_29_97_when_asked(tmp_path,
                                                                                   media):
    # 1080i30 was made and called XDCAM HD422, which has no such format; no station airs it.
    campaign = Campaign(tmp_path, media)
    lavfi_master(campaign, "30")
    campaign.subtitle("nah", SRT)
    campaign.write([{"code": "nah", "treatment": "burn"}],
                   profiles={"broadcast-mxf": {"leader": LEADER}})
    result = CliRunner().invoke(cli, ["validate", str(campaign.manifest)])
    assert result.exit_code == 1, result.output
    assert ("a 30.000 fps master cannot be an interlaced (tff) master" in result.output
            and "give the profile `fps: 29.97` to convert it" in result.output), result.output
    campaign.write([{"code": "nah", "treatment": "burn"}],
                   profiles={"broadcast-mxf": {"leader": LEADER, "fps": 29.97},
                             "broadcast": {"leader": None, "fps": 29.97}})
    result = render(campaign.manifest)
    assert result.exit_code == 0, result.output
    (video,) = [s for s in probe(campaign.out / "spot.nah.broadcast-mxf.mxf")["streams"]
                if s["codec_type"] == "video"]
    assert (video["r_frame_rate"], video["field_order"]) == ("30000/1001", "tt")
    # The MOV too: 29.97 typed was made 2997/100 (time base 1/11988), which no station runs.
    (video,) = [s for s in probe(campaign.out / "spot.nah.broadcast.mov")["streams"]
                if s["codec_type"] == "video"]
    assert (video["r_frame_rate"], video["avg_frame_rate"]) == ("30000/1001", "30000/1001")
    assert "judders" not in result.output      # a picture every 33 s: not worth a word
    # The leader's 3 s and the programme's 2 s, in frames of 29.97 fps.
    frames = subprocess.run(["ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0",
                             "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0",
                             str(campaign.out / "spot.nah.broadcast-mxf.mxf")],
                            capture_output=True, text=True, check=True).stdout
    assert int(frames.strip().strip(",")) == 90 + 60, frames


def test_a_master_converted_to_another_frame_rate_is_said_at_the_profile_s_fps(tmp_path, media):
    # A trial's PAL masters made at Mexico's 29.97 repeated one field in every 6, unsaid.
    campaign = Campaign(tmp_path, media)
    lavfi_master(campaign, "25")
    campaign.subtitle("nah", SRT)
    campaign.write([{"code": "nah", "treatment": "soft"}],
                   profiles={"broadcast-mxf": {"fps": 29.97}, "web": None})
    result = CliRunner().invoke(cli, ["validate", str(campaign.manifest)])
    assert result.exit_code == 0, result.output
    (said,) = [line for line in result.output.splitlines() if "judders" in line]
    line = next(n for n, text in enumerate(campaign.manifest.read_text().splitlines(), 1)
                if "fps: 29.97" in text)
    # Its frames woven into 59.94 fields (tests/test_rate_conversion.py reads such fields).
    assert said.startswith(f"{campaign.manifest}:{line}: warning: profile 'broadcast-mxf' makes "
                           "spot spot's 25 fps master at 29.97 fps: each frame of the master is "
                           "shown for 2 or 3 fields (2.40 on average) (no motion-compensated "
                           "conversion), so motion judders"), said
    # At its own rate, nothing is converted and nothing said.
    campaign.write([{"code": "nah", "treatment": "soft"}], profiles={"broadcast-mxf": {}})
    result = CliRunner().invoke(cli, ["validate", str(campaign.manifest)])
    assert result.exit_code == 0 and "judders" not in result.output, result.output


@pytest.mark.parametrize("rate, profile, said", [
    # 24 fps is not film's 23.976: made 2:3 into 59.94 fields, its cadence breaks (a trial's
    # 24p master: two 2-field frames in a row at 8.3 s, 33.3 s, 41.7 s).
    ("24", {"broadcast-mxf": {"fps": 29.97}},
     "24 fps master at 29.97 fps: each frame of the master is shown for 2 and 3 fields in "
     "turn, but 24 fps is not the rate that gives 59.94 fields 2:3 evenly (23.976): the "
     "cadence breaks every few seconds (no motion-compensated conversion), so motion judders "
     "(hint: ask for the master made at 23.976 fps, or leave the profile's fps unset"),
    # 50p made 25p keeps one frame in 2: even, no judder, no standards converter to ask for.
    ("50", {"broadcast-prores": {"fps": 25}},
     "50 fps master at 25 fps: one frame of the master in every 2 is kept (hint: leave the "
     "profile's fps unset to keep 50 fps)"),
    # 59.94, as people write it (it was 59.9401).
    ("60000/1001", {"broadcast-mxf": {"fps": 25}},
     "59.94 fps master at 25 fps: one frame of the master in every 6 is dropped"),
])
def test_what_a_rate_conversion_does_is_said_as_it_is(tmp_path, media, rate, profile, said):
    campaign = Campaign(tmp_path, media)
    lavfi_master(campaign, rate)
    campaign.subtitle("nah", SRT)
    campaign.write([{"code": "nah", "treatment": "soft"}], profiles=profile)
    result = CliRunner().invoke(cli, ["validate", str(campaign.manifest)])
    assert result.exit_code == 0, result.output
    assert said in " ".join(result.output.split()), result.output


def test_an_interlaced_profile_s_own_rate_refused_says_to_change_the_profile(tmp_path, media):
    # A profile at `fps: 30` over a 25 fps master was told to ask for a 25 fps master.
    campaign = Campaign(tmp_path, media)
    lavfi_master(campaign, "25")
    campaign.subtitle("nah", SRT)
    campaign.write([{"code": "nah", "treatment": "soft"}], profiles={"broadcast-mxf": {"fps": 30}})
    result = CliRunner().invoke(cli, ["validate", str(campaign.manifest)])
    assert result.exit_code == 1, result.output
    said = " ".join(result.output.split())
    assert "or give the profile `fps: 25` or `fps: 29.97`" in said and "ask for a 25" not in said


def test_a_jittered_30_fps_phone_master_is_made_constant_at_30_not_its_average(tmp_path, media):
    # Its average, 30.1 fps, was taken as its rate: a ProRes master at 7200/239 fps whose
    # programme was short of the spot by a frame.
    from pipeline.media.probe import probe_master

    campaign = Campaign(tmp_path, media)
    lavfi_master(campaign, "30", jitter=0.004, seconds=4)
    raw = probe(campaign.root / "media/spot.mp4")["streams"][0]
    assert raw["avg_frame_rate"] != raw["r_frame_rate"] == "30/1", raw     # 3600/119 here
    video = probe_master(campaign.root / "media/spot.mp4").video
    assert video.variable_rate and video.fps == 30.0
    campaign.subtitle("nah", SRT)
    campaign.write([{"code": "nah", "treatment": "burn"}],
                   profiles={"broadcast-prores": {"leader": LEADER}})
    result = render(campaign.manifest)
    assert result.exit_code == 0, result.output
    (out,) = [s for s in probe(campaign.out / "spot.nah.broadcast-prores.mov")["streams"]
              if s["codec_type"] == "video"]
    assert out["r_frame_rate"] == out["avg_frame_rate"] == "30/1", out
    assert int(out["nb_frames"]) == 90 + round(float(raw["duration"]) * 30), (out, raw)


def test_a_drop_frame_label_that_does_not_exist_is_refused_at_its_line(tmp_path, media):
    # 00:01:00;00 is skipped in drop-frame: taken as written, the file's timecode started two
    # frames before the label the slate and the record gave.
    campaign = Campaign(tmp_path, media)
    lavfi_master(campaign, "30000/1001")
    campaign.subtitle("nah", SRT)
    for label, problem in (("00:01:00;00", "does not exist in drop-frame"), ("00:01:00;02", None)):
        campaign.write([{"code": "nah", "treatment": "soft"}],
                       profiles={"broadcast-prores": {"timecode": label}})
        result = CliRunner().invoke(cli, ["validate", str(campaign.manifest)])
        if problem is None:
            assert result.exit_code == 0, result.output
            continue
        assert result.exit_code == 1, result.output
        assert (f"timecode '{label}' does not exist in drop-frame: frames 00 to 01 of every "
                "minute but each tenth are skipped (the first is 00:01:00;02)") in result.output
