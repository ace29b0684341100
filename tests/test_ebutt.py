"""A TV master's EBU-TT Part 1 sidecar (EBU Tech 3350): SMPTE timecode on the master's own
clock, checked against what Tech 3350 requires of a document (read here from its elements, as
the EBU's informative schema for Tech 3350 v1.2, ebu/ebu-tt-xsd, states them), read back by
the pipeline's own TTML reader at 25, 29.97 drop-frame and 59.94 fps, and, on a rendered
broadcast-mxf master, against the start timecode ffprobe reads from the MXF."""

from __future__ import annotations

import json
import re
import subprocess
from fractions import Fraction

import pytest
from click.testing import CliRunner
from lxml import etree

from pipeline.cli.main import cli
from pipeline.media.timecode import counted_on, seconds
from pipeline.subtitles.master_clock import MasterClock, clock_problem
from pipeline.subtitles.frames import FrameGrid, snap_cues
from pipeline.subtitles.model import Cue
from pipeline.subtitles.sidecars import write_ebutt
from pipeline.subtitles.ttml import parse_ttml
from tests.mediacheck import FFPROBE

TT = "http://www.w3.org/ns/ttml"
TTP, TTS, TTM = TT + "#parameter", TT + "#styling", TT + "#metadata"
EBUTTM = "urn:ebu:tt:metadata"
XML = "http://www.w3.org/XML/1998/namespace"
# ebuttdt:smpteTimingType
SMPTE = re.compile(r"([0-1][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]:[0-9][0-9]")
STYLE_ATTRIBUTES = {f"{{{TTS}}}{name}" for name in (
    "backgroundColor", "color", "direction", "fontFamily", "fontSize", "fontStyle", "fontWeight",
    "lineHeight", "padding", "textAlign", "textDecoration", "unicodeBidi", "wrapOption")}
REGION_ATTRIBUTES = {f"{{{TTS}}}{name}" for name in (
    "displayAlign", "extent", "origin", "overflow", "padding", "showBackground", "writingMode")}
CONTENT_ATTRIBUTES = {"begin", "end", "style", "region", f"{{{XML}}}id", f"{{{XML}}}lang",
                      f"{{{XML}}}space", f"{{{TTM}}}agent", f"{{{TTM}}}role"}
CUES = [Cue(1, 500, 1800, "Los seres <i>humanos</i>", 1),
        Cue(2, 2200, 3600, "no están\na la venta", 5),
        Cue(3, 2200, 3000, "{\\an8}Corazón Azul", 9),
        Cue(4, 61_000, 63_500, "un minuto después", 13)]


def tech3350_problems(document: bytes) -> list[str]:
    """What the document does that EBU Tech 3350 (EBU-TT Part 1) does not allow, for a
    document timed in SMPTE timecode; [] when none."""
    problems: list[str] = []
    root = etree.fromstring(document)
    if root.tag != f"{{{TT}}}tt":
        return [f"root is {root.tag}, not tt:tt"]
    for prefix, namespace in (("ttp", TTP), ("tts", TTS), ("ebuttm", EBUTTM)):
        if root.nsmap.get(prefix, namespace) != namespace:
            problems.append(f"{prefix}: is {root.nsmap[prefix]}")
    parameters = {etree.QName(name).localname: value for name, value in root.attrib.items()
                  if etree.QName(name).namespace == TTP}
    if root.get(f"{{{XML}}}lang") is None:
        problems.append("tt:tt has no xml:lang")
    if parameters.get("timeBase") != "smpte":
        problems.append(f"ttp:timeBase is {parameters.get('timeBase')!r}")
    rate = parameters.get("frameRate", "")
    if not rate.isdigit() or int(rate) < 1:
        problems.append(f"ttp:frameRate {rate!r} is not a positive integer")
    if not re.fullmatch(r"[0]*[1-9][0-9]*\s[0]*[1-9][0-9]*",
                        parameters.get("frameRateMultiplier", "1 1")):
        problems.append(f"ttp:frameRateMultiplier {parameters['frameRateMultiplier']!r}")
    if parameters.get("markerMode") not in ("continuous", "discontinuous"):
        problems.append("ttp:markerMode is required with ttp:timeBase smpte")
    if parameters.get("dropMode") not in ("nonDrop", "dropNTSC", "dropPAL"):
        problems.append("ttp:dropMode is required with ttp:timeBase smpte")
    head = root.find(f"{{{TT}}}head")
    if head is None or [child.tag for child in head if child.tag != f"{{{TTM}}}copyright"][-2:] \
            != [f"{{{TT}}}styling", f"{{{TT}}}layout"]:
        return problems + ["tt:head holds [ttm:copyright] [tt:metadata] tt:styling tt:layout"]
    metadata = head.find(f"{{{TT}}}metadata/{{{EBUTTM}}}documentMetadata")
    if metadata is None:
        problems.append("no ebuttm:documentMetadata")
    else:
        standards = [e.text for e in metadata.iter(f"{{{EBUTTM}}}conformsToStandard")]
        versions = [e.text for e in metadata.iter(f"{{{EBUTTM}}}documentEbuttVersion")]
        if not any(s and s.startswith("urn:ebu:tt:exchange:") for s in standards) \
                and versions != ["v1.0"]:
            problems.append("the document does not say the EBU-TT it conforms to")
        start = metadata.findtext(f"{{{EBUTTM}}}documentStartOfProgramme")
        if start is not None and not SMPTE.fullmatch(start):
            problems.append(f"documentStartOfProgramme {start!r}")
    styles = {e.get(f"{{{XML}}}id") for e in head.iter(f"{{{TT}}}style")}
    if not styles or None in styles:
        problems.append("tt:styling needs tt:style elements, each with xml:id")
    for style in head.iter(f"{{{TT}}}style"):
        problems += [f"tt:style has {name}" for name in style.attrib
                     if name not in STYLE_ATTRIBUTES | {"style", f"{{{XML}}}id"}]
    regions = {}
    for region in head.iter(f"{{{TT}}}region"):
        regions[region.get(f"{{{XML}}}id")] = region
        problems += [f"tt:region has {name}" for name in region.attrib
                     if name not in REGION_ATTRIBUTES | {"style", f"{{{XML}}}id"}]
        problems += [f"tt:region lacks tts:{name}" for name in ("origin", "extent")
                     if region.get(f"{{{TTS}}}{name}") is None]
    if not regions or None in regions:
        problems.append("tt:layout needs tt:region elements, each with xml:id")
    body = root.find(f"{{{TT}}}body")
    last_begin = None
    drop = parameters.get("dropMode") == "dropNTSC"
    for element in body.iter(f"{{{TT}}}body", f"{{{TT}}}div", f"{{{TT}}}p", f"{{{TT}}}span"):
        name = etree.QName(element).localname
        problems += [f"tt:{name} has {attribute}" for attribute in element.attrib
                     if attribute not in CONTENT_ATTRIBUTES]
        problems += [f"tt:{name} refers to undefined style {reference!r}"
                     for reference in (element.get("style") or "").split()
                     if reference not in styles]
        if element.get("region") is not None and element.get("region") not in regions:
            problems.append(f"tt:{name} refers to undefined region {element.get('region')!r}")
        if name != "p":
            continue
        if element.get(f"{{{XML}}}id") is None:
            problems.append("a tt:p has no xml:id")
        times = [element.get("begin"), element.get("end")]
        for time in times:
            if time is None or not SMPTE.fullmatch(time) or int(time[-2:]) >= int(rate or 0):
                problems.append(f"tt:p time {time!r} is not a frame of a SMPTE timecode")
            elif drop and time[6:8] == "00" and int(time[3:5]) % 10 and int(time[-2:]) < 2:
                problems.append(f"tt:p time {time!r} is a label drop-frame skips")
        if times[0] and times[1] and not times[0] < times[1]:
            problems.append(f"tt:p ends at {times[1]}, not after it begins at {times[0]}")
        if last_begin is not None and times[0] and times[0] < last_begin:
            problems.append(f"tt:p begins at {times[0]}, before one before it ({last_begin})")
        last_begin = times[0]
    return problems


CLOCKS = {"25": ("10:00:00:00", Fraction(25)),
          "29.97-drop-frame": ("10:00:59;00", Fraction(30000, 1001)),
          "59.94": ("10:00:00:00", Fraction(60000, 1001))}


@pytest.mark.parametrize("which", CLOCKS)
def test_the_sidecar_is_ebu_tt_and_reads_back_as_the_cues_from_the_programme_start(tmp_path,
                                                                                    which):
    timecode, rate = CLOCKS[which]
    cues = snap_cues(CUES, float(rate))
    clock = MasterClock(timecode, rate)
    path = write_ebutt(cues, tmp_path / "spot.nah.tv.ebutt.xml", "nah", clock,
                       frame=(1920, 1080), title="Spot", media="spot.nah.tv.mxf")
    document = path.read_bytes()
    assert tech3350_problems(document) == []
    root = etree.fromstring(document)
    assert root.get(f"{{{XML}}}lang") == "nah"
    assert root.get(f"{{{TTP}}}frameRate") == str(round(rate))
    assert root.get(f"{{{TTP}}}frameRateMultiplier") == (None if which == "25" else "1000 1001")
    assert root.get(f"{{{TTP}}}dropMode") == ("dropNTSC" if ";" in timecode else "nonDrop")
    assert root.get(f"{{{TTP}}}markerMode") == "discontinuous"
    start = root.findtext(f".//{{{EBUTTM}}}documentStartOfProgramme")
    assert start == timecode.replace(";", ":")
    grid = FrameGrid(rate)
    # Each label is the programme's start counted on by the cue's frames, as the master's
    # timecode track labels them (the `timecode` library, ST 12-1).
    labels = [p.get("begin") for p in root.iter(f"{{{TT}}}p")]
    assert labels == [counted_on(timecode, rate, grid.nearest(cue.start)).replace(";", ":")
                      for cue in sorted(cues, key=lambda cue: cue.start)]
    # The pipeline's own reader: from the start of programme the file gives, the same cues.
    parsed = parse_ttml(document.decode("utf-8"), path)
    assert [d.message for d in parsed.diagnostics] == []
    assert parsed.counted_from == seconds(timecode, rate)
    assert parsed.notation.smpte == (seconds(timecode, rate), round(rate),
                                     "dropNTSC" if ";" in timecode else "nonDrop")
    read = sorted(parsed.cues, key=lambda cue: cue.start)
    assert [(grid.nearest(c.start), grid.nearest(c.end), c.text) for c in read] == [
        (grid.nearest(c.start), grid.nearest(c.end), c.text)
        for c in sorted(cues, key=lambda cue: cue.start)]
    # On frame boundaries: every time is a frame's, to the millisecond.
    assert not any(grid.off_grid(ms) for cue in read for ms in (cue.start, cue.end))


def test_a_cue_at_2_2_s_of_a_programme_from_10_00_00_00_at_25_fps_is_10_00_02_05(tmp_path):
    path = write_ebutt([Cue(1, 2200, 3000, "uno", 1)], tmp_path / "x.ebutt.xml", "nah",
                       MasterClock("10:00:00:00", Fraction(25)), frame=(1920, 1080),
                       title="Spot", media="x.mxf")
    (paragraph,) = etree.fromstring(path.read_bytes()).iter(f"{{{TT}}}p")
    assert (paragraph.get("begin"), paragraph.get("end")) == ("10:00:02:05", "10:00:03:00")


def test_drop_frame_labels_skip_the_minute_s_first_two(tmp_path):
    # From 10:00:59;00, 2 s at 29.97 fps is 60 frames on: 10:01:00;00 and ;01 do not exist,
    # so the label is 10:01:01;02, written with colons and ttp:dropMode="dropNTSC".
    path = write_ebutt([Cue(1, 2002, 3003, "uno", 1)], tmp_path / "x.ebutt.xml", "nah",
                       MasterClock("10:00:59;00", Fraction(30000, 1001)), frame=(1920, 1080),
                       title="Spot", media="x.mxf")
    (paragraph,) = etree.fromstring(path.read_bytes()).iter(f"{{{TT}}}p")
    assert paragraph.get("begin") == "10:01:01:02"


def test_clocks_ebu_tt_cannot_count_are_said():
    assert "29.97 fps only" in clock_problem("10:00:00;00", Fraction(60000, 1001), 15)
    assert clock_problem("10:00:00:00", Fraction(60000, 1001), 15) is None
    assert clock_problem("10:00:00;00", Fraction(30000, 1001), 15) is None
    assert "passes midnight" in clock_problem("23:59:50:00", Fraction(25), 15)


def test_a_59_94_drop_frame_master_has_no_ebu_tt_and_plan_says_so(campaign):
    campaign.subtitle("nah")
    manifest = campaign.write(
        [{"code": "nah", "treatment": "soft"}],
        profiles={"tv": {"base": "broadcast-prores", "fps": 59.94, "timecode": "10:00:00;00"}})
    result = CliRunner().invoke(cli, ["plan", str(manifest)])
    assert result.exit_code == 0, result.output
    assert ("note: profile 'tv': EBU-TT counts drop-frame timecode at 29.97 fps only"
            in result.output), result.output
    assert "masters of spot nah have no .ebutt.xml sidecar" in result.output


def test_the_page_lists_each_master_s_ebu_tt_with_the_master_it_goes_with():
    from pipeline.publish.cards import page_model
    from pipeline.publish.page import render_pages
    from tests.test_page_model import variant

    def master(profile: str, ext: str) -> dict:
        name = f"spot/spot.tzo.{profile}.ebutt.xml"
        return variant(profile, ext, master={"programme_timecode": "10:00:00:00"},
                       loudness_lufs=-23.0, true_peak_dbtp=-2.0, sidecars=[
            {"file": "spot/spot.tzo.srt", "url": "spot/spot.tzo.srt", "format": "SRT",
             "bytes": 100, "sha256": "2" * 64},
            {"file": name, "url": name, "format": "XML", "bytes": 2048, "sha256": "1" * 64}])

    catalog = {"campaign": "c", "title": "T", "generated": "2026-12-03T10:00:00Z",
               "pipeline_version": "0",
               "variants": [master("broadcast-mxf", "mxf"), master("broadcast-prores", "mov")]}
    (card,) = page_model(catalog)[0].cards
    assert [s["file"] for s in card.subtitles] == [
        "spot/spot.tzo.srt", "spot/spot.tzo.broadcast-mxf.ebutt.xml",
        "spot/spot.tzo.broadcast-prores.ebutt.xml"]
    pages = render_pages(catalog)
    for page, words in (("index.html", ("Subtítulos, EBU-TT, en el código de tiempo del máster "
                                        "para TV", "para: Máster para TV, MXF XDCAM HD422",
                                        "programa desde 10:00:00:00")),
                        ("index.en.html", ("Subtitles, EBU-TT, in the TV master's timecode",
                                           "for: TV master, ProRes 422 HQ",
                                           "programme from 10:00:00:00"))):
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", pages[page])).replace("&#39;", "'")
        assert all(word in text for word in words), (page, words)
        # One row each, each its own id (two rows of one id broke the labels' references).
        ids = re.findall(r'id="(f-[^"]*-xml[^"]*)"', pages[page])
        assert ids == [f"f-spot-tzo-xml-{profile}{sha}" for profile in
                       ("broadcast-mxf", "broadcast-prores") for sha in ("", "-sha")], ids


def render(*args):
    return CliRunner().invoke(cli, [*map(str, args)], catch_exceptions=False)


@pytest.mark.e2e
def test_a_rendered_mxf_s_sidecar_labels_its_cues_on_the_mxf_s_own_timecode(campaign):
    campaign.subtitle("nah")
    manifest = campaign.write(
        [{"code": "nah", "treatment": "soft"}],
        profiles={"tv": {"base": "broadcast-mxf",
                         "leader": {"bars": 0.2, "slate": 0, "black": 0.4}}})
    result = render("render", manifest)
    assert result.exit_code == 0, result.output
    mxf = campaign.out / "spot.nah.tv.mxf"
    sidecar = campaign.out / "spot.nah.tv.ebutt.xml"
    tags = json.loads(subprocess.run(
        [FFPROBE, "-v", "error", "-print_format", "json", "-show_format", str(mxf)],
        capture_output=True, text=True, check=True).stdout)["format"]["tags"]
    # The file starts 0.6 s (15 frames) before the programme's 10:00:00:00.
    assert tags["timecode"] == "09:59:59:10"
    document = sidecar.read_bytes()
    assert tech3350_problems(document) == []
    first = next(etree.fromstring(document).iter(f"{{{TT}}}p"))
    # The SRT's first cue at 0.5 s is the programme's frame 13 (a tie goes to the later
    # frame: frames.py), the file's 28: counted on from the MXF's first frame's timecode.
    assert first.get("begin") == counted_on(tags["timecode"], Fraction(25), 15 + 13) \
        == "10:00:00:13"
    record = json.loads((campaign.out / "spot.nah.tv.json").read_text(encoding="utf-8"))
    assert sidecar.name in record["sidecars"]
    catalog = json.loads((campaign.out.parent / "catalog.json").read_text(encoding="utf-8"))
    (variant,) = [v for v in catalog["variants"] if v["profile"] == "tv"]
    assert "spot/spot.nah.tv.ebutt.xml" in [s["file"] for s in variant["sidecars"]]
    # A master rendered before it had one (its record without it) gets it from its cues, the
    # master not encoded again.
    sidecar.unlink()
    record["sidecars"].remove(sidecar.name)
    del record["beside"][sidecar.name]
    (campaign.out / "spot.nah.tv.json").write_text(json.dumps(record), encoding="utf-8")
    planned = render("plan", manifest)
    assert f"{sidecar.name} missing: made again from spot.nah.tv.mxf" in planned.output, \
        planned.output
    assert render("render", manifest).exit_code == 0
    assert sidecar.read_bytes() == document
    record = json.loads((campaign.out / "spot.nah.tv.json").read_text(encoding="utf-8"))
    assert sidecar.name in record["sidecars"]
