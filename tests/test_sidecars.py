"""Sidecars keep what the translator's file said: times, text, italics and the place on screen,
re-read here by independent readers (pysrt, webvtt-py, ttconv), not by our own."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from dataclasses import replace
from pathlib import Path

import pysrt
import pytest
import webvtt
from ttconv.filters.doc.imsc11text import IMSC11TextFilter
from ttconv.imsc.reader import to_model
from ttconv.isd import ISD
from ttconv.model import Br, P
import ttconv.srt.writer as srt_writer
from ttconv.style_properties import DisplayAlignType, StyleProperties

from pipeline.errors import RenderError
from pipeline.manifest import Language
from pipeline.subtitles.formats import read_subtitles
from pipeline.subtitles.model import Cue, Margins
from pipeline.subtitles.sidecars import _compare, read_back_ttml, shown, write_sidecars
from tests.test_formats import ass

CUES = (Cue(1, 500, 1800, "{\\an8}Los seres <i>humanos</i>", 1),
        Cue(2, 2500, 3600, "no están\na la venta & &lt;más>", 5),   # a literal "<": model.py
        Cue(3, 3700, 3900, "{\\an1}ʼa̱ ẍʉ", 9, Margins(0.2, 0.0, 0.25)),
        Cue(4, 4000, 4500, "alzado", 13, Margins(0.0, 0.0, 0.45)))   # bottom, lifted to the middle


@pytest.fixture
def sidecars(tmp_path) -> dict[str, Path]:
    written = write_sidecars(CUES, lambda suffix: tmp_path / f"spot.nah.{suffix}", "nah")
    return {path.suffix[1:]: path for path in written}


def test_srt_reads_back_through_pysrt(sidecars):
    items = pysrt.open(str(sidecars["srt"]), encoding="utf-8")
    assert [(i.start.ordinal, i.end.ordinal) for i in items] == [(c.start, c.end) for c in CUES]
    # {\an8} is SubRip's own "top"; a literal "<" players would read as a tag's has a joiner;
    # a bottom cue its margin lifts to the middle is said in the middle ({\an5}: SubRip has
    # no margins).
    assert [i.text for i in items] == [CUES[0].text, "no están\na la venta & <\u2060más>",
                                       CUES[2].text, "{\\an5}alzado"]


def test_vtt_reads_back_through_webvtt_py_with_positions(sidecars):
    captions = webvtt.read(str(sidecars["vtt"]))
    assert [(c.start, c.end) for c in captions] == [
        ("00:00:00.500", "00:00:01.800"), ("00:00:02.500", "00:00:03.600"),
        ("00:00:03.700", "00:00:03.900"), ("00:00:04.000", "00:00:04.500")]
    top, plain, bottom_left, lifted = captions
    assert top.settings.line == "5%,start"      # the {\an8} cue: top of the title-safe area
    assert top.raw_text == "Los seres <i>humanos</i>"
    assert plain.settings.line is None                    # the default: bottom
    assert plain.raw_text == "no están\na la venta &amp; &lt;más&gt;"
    assert (bottom_left.settings.line, bottom_left.settings.position,
            bottom_left.settings.align) == ("75%,end", "20%,line-left", "left")
    assert (lifted.settings.line, lifted.settings.align) == ("55%,end", None)


def paragraphs(path: Path):
    document = to_model(ElementTree.parse(path))
    return document, [p for division in document.get_body() for p in division]


def test_ttml_reads_back_through_ttconv_with_regions_and_language(sidecars):
    document, found = paragraphs(sidecars["ttml"])
    assert document.get_lang() == "nah"
    # ttconv's own SubRip conversion of what it read, read by pysrt: times, text and italics.
    converted = pysrt.from_string(srt_writer.from_model(document))
    assert [(i.start.ordinal, i.end.ordinal, i.text) for i in converted] == [
        (500, 1800, "Los seres <i>humanos</i>"),
        (2500, 3600, "no están\na la venta & <más>"), (3700, 3900, "ʼa̱ ẍʉ"),
        (4000, 4500, "alzado")]
    top, plain, bottom_left, lifted = (p.get_region() for p in found)
    assert top.get_style(StyleProperties.DisplayAlign) == DisplayAlignType.before
    assert top.get_style(StyleProperties.Origin).y.value == 5.0       # the title-safe top
    assert plain.get_style(StyleProperties.DisplayAlign) == DisplayAlignType.after
    origin, extent = (bottom_left.get_style(p) for p in (StyleProperties.Origin,
                                                         StyleProperties.Extent))
    assert (origin.x.value, origin.y.value + extent.height.value) == (20.0, 75.0)
    origin, extent = (lifted.get_style(p) for p in (StyleProperties.Origin, StyleProperties.Extent))
    assert origin.y.value + extent.height.value == 55.0


# A sign at the top over three lines of dialogue at the bottom, then a bottom cue lifted into
# the middle third under another sign: cues of different rows on screen at once.
SIGN_OVER_DIALOGUE = (
    Cue(1, 0, 4000, "{\\an8}SALIDA DE EMERGENCIA", 1),
    Cue(2, 1000, 3000, "Los seres humanos no están a la venta,\nni aquí ni en ningún lugar\n"
                       "del mundo, nunca.", 5),
    Cue(3, 4000, 6000, "{\\an8}FARMACIA", 10),
    Cue(4, 4500, 5500, "alzado\nen dos líneas", 14, Margins(0.0, 0.0, 0.45)))


def presented(path: Path):
    """(seconds, [(region id, top, bottom, left, right in % of the frame, lines, line height
    in % of the height)]) of every intermediate synchronic document ttconv computes."""
    for begin, isd in ISD.generate_isd_sequence(to_model(ElementTree.parse(path))):
        boxes = []
        for region in isd.iter_regions():
            if not region.is_presented():
                continue
            origin, extent = (region.get_style(StyleProperties.Origin),
                              region.get_style(StyleProperties.Extent))
            (paragraph,) = [e for e in region.dfs_iterator() if isinstance(e, P)]
            lines = 1 + sum(isinstance(e, Br) for e in paragraph.dfs_iterator())
            boxes.append((region.get_id(), origin.y.value, origin.y.value + extent.height.value,
                          origin.x.value, origin.x.value + extent.width.value, lines,
                          paragraph.get_style(StyleProperties.LineHeight).value))
        yield begin, boxes


def test_regions_of_cues_shown_at_once_do_not_overlap(tmp_path):
    """IMSC 1.0.1, Dimensions and Position: no two presented regions of an intermediate
    synchronic document overlap. Checked on ttconv's ISDs, and by ttconv's own IMSC text
    profile filter, which raises on overlapping regions."""
    write_sidecars(SIGN_OVER_DIALOGUE, lambda suffix: tmp_path / f"spot.es.{suffix}", "es")
    path = tmp_path / "spot.es.ttml"
    at_once = [boxes for _, boxes in presented(path) if len(boxes) > 1]
    assert len(at_once) == 2
    for boxes in at_once:
        for number, (name, top, bottom, left, right, *_) in enumerate(boxes):
            for other, top2, bottom2, left2, right2, *_ in boxes[number + 1:]:
                apart = bottom <= top2 or bottom2 <= top or right <= left2 or right2 <= left
                assert apart, (name, other)
    IMSC11TextFilter().process(to_model(ElementTree.parse(path)))
    # Each where the file put it, as ttconv reads it: the sign at the top of the title-safe
    # area, the dialogue at its bottom, the lifted cue's last line 45 % above the frame's bottom.
    rows = [row for *_, row in read_back_ttml(path)[0]]
    assert rows == ["top", "bottom", "top", "middle"]
    sign, dialogue = at_once[0]
    assert (sign[0], sign[1]) == ("top", 5.0) and (dialogue[0], dialogue[2]) == ("bottom", 95.0)
    lifted = at_once[1][1]
    assert lifted[2] == 55.0


def test_every_region_holds_its_cues_lines(tmp_path):
    """Regions small enough not to overlap still hold three lines (the QC's two and one the
    player wraps) at the line height ttconv computes: 8.333 % of the height, 1c of 15 rows at
    125 %. Every cue of `CUES` and `SIGN_OVER_DIALOGUE`, one of them of three lines."""
    cues = SIGN_OVER_DIALOGUE + CUES
    cues = [replace(cue, start=cue.start + 10_000 * (n >= len(SIGN_OVER_DIALOGUE)),
                    end=cue.end + 10_000 * (n >= len(SIGN_OVER_DIALOGUE)))
            for n, cue in enumerate(cues)]
    write_sidecars(cues, lambda suffix: tmp_path / f"spot.es.{suffix}", "es")
    seen = 0
    for _, boxes in presented(tmp_path / "spot.es.ttml"):
        for name, top, bottom, _, _, lines, line_height in boxes:
            assert line_height == pytest.approx(100 / 15 * 1.25)
            assert bottom - top >= 3 * line_height - 1e-9, name   # one line to spare for wrapping
            assert bottom - top >= lines * line_height - 1e-9, name
            seen = max(seen, lines)
    assert seen == 3


def test_a_cue_of_more_lines_than_a_region_holds_is_not_clipped(tmp_path):
    """A region clips what overflows it: one of a cue of five lines (over the QC's limit, a
    warning, but the file is the translator's) grows to hold them; the others keep their size."""
    five = Cue(2, 1000, 3000, "uno\ndos\ntres\ncuatro\ncinco", 5)
    write_sidecars([SIGN_OVER_DIALOGUE[0], five], lambda suffix: tmp_path / f"spot.es.{suffix}", "es")
    heights = {name: (bottom - top, lines * line_height)
               for _, boxes in presented(tmp_path / "spot.es.ttml")
               for name, top, bottom, _, _, lines, line_height in boxes}
    assert heights["bottom"][0] == pytest.approx(heights["bottom"][1], abs=0.001)   # five lines
    assert heights["bottom"][1] == pytest.approx(5 * 100 / 15 * 1.25)
    assert heights["top"][0] == pytest.approx(3 * 100 / 15 * 1.25, abs=0.001)


@pytest.mark.parametrize("name, text", [
    ("nah.srt", "1\n00:00:01,000 --> 00:00:02,000\n{\\an8}arriba\n"),
    ("nah.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:02.000 line:0\narriba\n"),
    ("nah.ass", None),
    ("nah.ttml", '<tt xmlns="http://www.w3.org/ns/ttml" '
                 'xmlns:tts="http://www.w3.org/ns/ttml#styling"><head><layout>'
                 '<region xml:id="t" tts:origin="10% 10%" tts:extent="80% 80%" '
                 'tts:displayAlign="before"/></layout></head><body><div>'
                 '<p begin="1s" end="2s" region="t">arriba</p></div></body></tt>'),
])
def test_a_top_cue_of_every_format_is_top_in_every_sidecar(tmp_path, name, text):
    source = tmp_path / name
    source.write_text(text or ass("Dialogue: 0,0:00:01.00,0:00:02.00,Default,,0,0,0,,"
                                  "{\\an8}arriba\n"), encoding="utf-8")
    cues = read_subtitles(source).cues
    written = write_sidecars(cues, lambda suffix: tmp_path / f"out.{suffix}", "nah")
    assert [p.name for p in written] == ["out.srt", "out.vtt", "out.ttml"]
    assert webvtt.read(str(tmp_path / "out.vtt"))[0].settings.line in ("5%,start", "10%,start")
    _, (paragraph,) = paragraphs(tmp_path / "out.ttml")
    assert paragraph.get_region().get_style(StyleProperties.DisplayAlign) == DisplayAlignType.before
    assert pysrt.open(str(tmp_path / "out.srt"))[0].text == cues[0].text


# The trial's sign, \pos(300,200) on a 1080p script: its nearest column is the left, with no
# margin of its own; then a sign on the right, and one placed 20.83 % in from the left.
SIGNS = ("Dialogue: 0,0:00:04.00,0:00:06.50,Top,,0,0,0,,{\\pos(300,200)}Tlacuilolli\n"
         "Dialogue: 0,0:00:07.00,0:00:08.00,Top,,0,0,0,,{\\pos(1650,200)}Amatl\n"
         "Dialogue: 0,0:00:08.50,0:00:09.00,Top,,0,0,0,,{\\an7\\pos(400,200)}Calli\n")


def test_a_left_or_right_sign_is_where_the_ttml_region_is_in_the_vtt_sidecar(tmp_path):
    """Before: `line:18.52%,start align:left` with no position:, which WebVTT puts at 0 %, on
    the frame's edge (WebVTT, "computed position"), while the TTML region starts at 5 %."""
    source = tmp_path / "nah.ass"
    source.write_text(ass(SIGNS, "PlayResX: 1920\nPlayResY: 1080\n"), encoding="utf-8")
    write_sidecars(read_subtitles(source).cues, lambda suffix: tmp_path / f"out.{suffix}", "nah")
    vtt = tmp_path / "out.vtt"
    # Valid cue settings: one setting a word, read by webvtt-py's strict validators.
    written = [line.split(" --> ")[1].split(" ", 1)[1] for line in
               vtt.read_text(encoding="utf-8").splitlines() if " --> " in line]
    assert written[0] == "line:18.52%,start position:5%,line-left size:90% align:left"
    for settings in written:
        webvtt.models.CueSettings.from_string(settings, strict=True)
    boxes = []
    for caption in webvtt.read(str(vtt)):
        at, anchor = caption.settings.position.split(",")
        size = float(caption.settings.size.rstrip("%"))
        left = float(at.rstrip("%")) - (size if anchor == "line-right" else 0)
        boxes.append((round(left, 2), round(left + size, 2), caption.settings.align))
    assert boxes == [(5, 95, "left"), (5, 95, "right"), (20.83, 95, "left")]
    _, found = paragraphs(tmp_path / "out.ttml")
    regions = []
    for paragraph in found:
        origin, extent = (paragraph.get_region().get_style(p)
                          for p in (StyleProperties.Origin, StyleProperties.Extent))
        regions.append((round(origin.x.value, 2), round(origin.x.value + extent.width.value, 2)))
    assert regions == [box[:2] for box in boxes]


def test_colours_and_fonts_of_the_file_are_in_no_sidecar(tmp_path):
    """The reader warns that a file's colours and fonts are not used: no sidecar carries them."""
    cue = Cue(1, 500, 1800, '<font color="#ff0000">rojo</font> y <FONT face="Arial">sub</FONT>', 1)
    written = write_sidecars([cue], lambda suffix: tmp_path / f"spot.nah.{suffix}", "nah")
    for path in written:
        text = path.read_text(encoding="utf-8").lower()
        assert "rojo y sub" in text and "<font" not in text and "ff0000" not in text, path.name
        assert "arial" not in text, path.name


def test_a_sidecar_that_reads_back_differently_is_refused(tmp_path):
    wrote = [shown(cue) for cue in CUES]
    read = list(wrote)
    read[1] = (2500, 3600, ("no están", "a la venta"), "bottom")
    with pytest.raises(RenderError, match="cue 2 reads back as"):
        _compare("WebVTT", wrote, read, tmp_path / "x.vtt")
    with pytest.raises(RenderError, match="reads back as 2 cues, not 4"):
        _compare("TTML", wrote, wrote[:2], tmp_path / "x.ttml")


def test_language_tags_are_bcp47():
    assert Language("spa", "Español", "soft").bcp47 == "es"
    assert Language("nah", "Náhuatl", "soft").bcp47 == "nah"
    assert Language("es-MX", "Español de México", "soft").bcp47 == "es-MX"


def test_a_master_profile_says_its_soft_languages_travel_as_sidecars_only(campaign):
    """A trial's station found its soft language's MXF master held no subtitles while it
    expected a track: a master carries none (render/treatments.py build_master), and plan
    says so once, at the profile's line, with the leader the sidecars are not timed from."""
    from tests.test_cli import invoke

    campaign.subtitle("nah")
    campaign.subtitle("tzo")
    manifest = campaign.write_text("""\
        campaign: c
        title: t
        source_language: spa
        spots:
          - {id: spot, master: ../media/spot.mp4}
        languages:
          - {code: nah, treatment: soft}
          - {code: tzo, treatment: soft}
          - {code: yua, treatment: burn}
        profiles:
          small: {base: web, width: 320, height: 180}
          tv: {base: broadcast-mxf, leader: {bars: 2, black: 1}}
        """)
    campaign.subtitle("yua")
    result = invoke("plan", manifest)
    assert result.exit_code == 0, result.output
    notes = [line for line in result.stderr.splitlines() if ": note: " in line]
    assert notes == [
        f"{manifest}:12: note: profile 'tv' makes MXF masters, which carry no subtitle track: "
        "the subtitles of nah, tzo (treatment 'soft') reach stations only as the files beside "
        "each master (.srt, .vtt, .ttml), timed from the programme's first frame, not from the "
        "file's, which starts with a 3 s leader; and as <spot>.<lang>.tv.ebutt.xml (EBU-TT), "
        "in the master's own timecode, from 10:00:00:00 (hint: for subtitles in the master's "
        "picture, give the profile 'soft_subtitles: burn', or the language 'treatment: "
        "burn')"], result.stderr
    # Not of the web profile, whose files carry the track; and not with --profile small.
    assert "sidecars-only" not in invoke("plan", manifest, "--profile", "small").stderr
    # Nor of a master that burns them, as it says.
    manifest.write_text(manifest.read_text().replace(
        "leader: {bars: 2, black: 1}}", "leader: {bars: 2, black: 1}, soft_subtitles: burn}"))
    burned = invoke("plan", manifest, "--profile", "tv")
    assert burned.exit_code == 0, burned.output
    assert "sidecars-only" not in burned.stderr and "note: profile 'tv'" not in burned.stderr
    assert [line.split()[1:3] for line in burned.output.splitlines() if ".tv " in line] == \
        [[f"c/spot.{code}.tv", "burn"] for code in ("nah", "tzo", "yua")], burned.output
    # Its subtitles in the picture, it gets no EBU-TT to air over them; the language's SubRip,
    # WebVTT and TTML are made still, as the web file's.
    from pipeline.render.ebutt_sidecar import ebutt_name
    from pipeline.render.plan import build_plan
    from pipeline.render.strays import variant_files

    plans = {v.variant.stem: v for v in build_plan([manifest]).variants}
    tv = plans["spot.nah.tv"]
    assert ebutt_name(tv) is None
    assert {path.name for path in variant_files(tv.variant)} >= {"spot.nah.srt", "spot.nah.vtt"}
    assert not any(path.name.endswith(".ebutt.xml") for path in variant_files(tv.variant))

