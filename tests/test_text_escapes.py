"""A `<` the translator wrote as text stays text through every reader, the checks, the burn,
every sidecar and the MP4 track: the model stores it as `&lt;` (subtitles/model.py), SubRip
writes it with a word joiner where players would read a tag (subtitles/srt.py). Real files
through the real readers and writers; the track read back from its bytes, not ffmpeg's decode.
"""

from __future__ import annotations

import re
import subprocess
import textwrap

import pytest
from click.testing import CliRunner

from pipeline.cli.main import cli
from pipeline.manifest import Style
from pipeline.subtitles.burn import write_ass
from pipeline.subtitles.fonts import resolve_font
from pipeline.subtitles.formats import read_subtitles
from pipeline.subtitles.markup import styled_runs
from pipeline.subtitles.model import plain_text
from pipeline.subtitles.sidecars import write_sidecars
from pipeline.subtitles.srt import JOINER, write_srt
from tests.conftest import Campaign
from tests.test_burn import dialogue_texts, shown_lines
from tests.test_formats import ass

ESCAPED_VTT = textwrap.dedent("""\
    WEBVTT

    00:00:00.500 --> 00:00:01.500
    Te quiero &lt;3&gt; mucho

    00:00:01.500 --> 00:00:02.500
    Escribe &lt;i&gt; para cursiva

    00:00:02.500 --> 00:00:03.500
    <i>R&amp;B</i> y 5 &lt; 6 &amp;lt;
    """)
SHOWN = ["Te quiero <3> mucho", "Escribe <i> para cursiva", "R&B y 5 < 6 &lt;"]

# The same text in each format's own escaping: SubRip's references (its raw `<3>` is text too),
# ASS's plain text, TTML's XML entities.
SAME_TEXT = {
    ".srt": "1\n00:00:00,500 --> 00:00:01,500\nTe quiero <3> mucho\n\n"
            "2\n00:00:01,500 --> 00:00:02,500\nEscribe &lt;i&gt; para cursiva\n\n"
            "3\n00:00:02,500 --> 00:00:03,500\n<i>R&amp;B</i> y 5 < 6 &amp;lt;\n",
    ".ass": ass("Dialogue: 0,0:00:00.50,0:00:01.50,Default,,0,0,0,,Te quiero <3> mucho\n"
                "Dialogue: 0,0:00:01.50,0:00:02.50,Default,,0,0,0,,Escribe <i> para cursiva\n"
                "Dialogue: 0,0:00:02.50,0:00:03.50,Default,,0,0,0,,{\\i1}R&B{\\i0} y 5 < 6 &lt;\n"),
    ".ttml": textwrap.dedent("""\
        <?xml version="1.0" encoding="UTF-8"?>
        <tt xmlns="http://www.w3.org/ns/ttml" xmlns:tts="http://www.w3.org/ns/ttml#styling"
            xml:lang="es"><body><div>
          <p begin="0.5s" end="1.5s">Te quiero &lt;3&gt; mucho</p>
          <p begin="1.5s" end="2.5s">Escribe &lt;i&gt; para cursiva</p>
          <p begin="2.5s" end="3.5s"><span tts:fontStyle="italic">R&amp;B</span> y 5 &lt; 6 &amp;lt;</p>
        </div></body></tt>
        """),
    ".vtt": ESCAPED_VTT,
}


def read(tmp_path, suffix: str = ".vtt"):
    path = tmp_path / f"tzo{suffix}"
    path.write_text(SAME_TEXT[suffix], encoding="utf-8")
    return read_subtitles(path, duration=4.0)


@pytest.mark.parametrize("suffix", sorted(SAME_TEXT))
def test_every_reader_keeps_an_escaped_angle_bracket_as_text(tmp_path, suffix):
    subtitles = read(tmp_path, suffix)
    assert [plain_text(cue) for cue in subtitles.cues] == SHOWN
    assert not [d for d in subtitles.diagnostics if d.code == "unbalanced-tags"]
    # Only R&B is in italics: the literal <i> turned nothing on.
    assert [[(text, sorted(on)) for text, on in styled_runs(cue.text)] for cue in subtitles.cues] \
        == [[(SHOWN[0], [])], [(SHOWN[1], [])], [("R&B", ["i"]), (" y 5 < 6 &lt;", [])]]


def test_check_warns_of_no_unclosed_tag_for_an_escaped_one(tmp_path):
    path = tmp_path / "escaped.vtt"
    path.write_text(ESCAPED_VTT, encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(path), "--duration", "4"])
    assert result.exit_code == 0, result.output
    assert "not closed" not in result.output and "italics" not in result.output, result.output
    assert f"{path}:3: note: cue 1: SubRip players may read <3> as a tag" in result.output


def test_the_burn_draws_the_angle_brackets_as_typed(tmp_path):
    script = tmp_path / "burn.ass"
    write_ass(read(tmp_path).cues, script, style=Style(), width=1920, height=1080,
              font=resolve_font("Noto Sans"))
    texts = dialogue_texts(script.read_text(encoding="utf-8"))
    assert [" ".join(shown_lines(text)) for text in texts] == SHOWN
    assert [text.count("{\\i1}") for text in texts] == [0, 0, 1]


def test_every_sidecar_keeps_the_angle_brackets_as_text(tmp_path):
    written = {path.suffix: path.read_text(encoding="utf-8") for path in write_sidecars(
        read(tmp_path).cues, lambda suffix: tmp_path / f"spot.tzo.{suffix}", "tzo")}
    vtt = written[".vtt"]
    assert "Escribe &lt;i&gt; para cursiva\n" in vtt and "Te quiero &lt;3&gt; mucho\n" in vtt
    assert "<i>R&amp;B</i> y 5 &lt; 6 &amp;lt;\n" in vtt
    ttml = written[".ttml"]
    assert ">Escribe &lt;i&gt; para cursiva<" in ttml and ttml.count("italic") == 1
    # SubRip has no escapes: a joiner after a `<` players would read as a tag's, nothing else.
    srt = written[".srt"]
    assert f"Te quiero <{JOINER}3> mucho\n" in srt and f"Escribe <{JOINER}i> para cursiva\n" in srt
    assert f"<i>R&B</i> y 5 < 6 &{JOINER}lt;\n" in srt
    # Read back by the pipeline's own reader as the same text.
    again = tmp_path / "again.srt"
    again.write_text(srt, encoding="utf-8")
    assert [plain_text(cue) for cue in read_subtitles(again).cues] == SHOWN


def track_samples(path) -> list[str]:
    """The text of each sample of the first subtitle track, from its bytes (a mov_text sample
    is a 16-bit big-endian length, the UTF-8 text, then style boxes)."""
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", str(path), "-map", "0:s:0", "-c", "copy",
                          "-f", "data", "-"], capture_output=True, check=True).stdout
    packets = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "s:0", "-show_entries",
                              "packet=size", "-of", "csv=p=0", str(path)],
                             capture_output=True, text=True, check=True).stdout.split()
    texts, at = [], 0
    for size in map(int, packets):
        length = int.from_bytes(raw[at:at + 2], "big")
        texts.append(raw[at + 2:at + 2 + length].decode("utf-8"))
        at += size
    return [text for text in texts if text]


def test_the_mov_text_track_keeps_the_angle_brackets(tmp_path):
    """The track is made by ffmpeg from the SubRip `write_srt` writes (render/treatments.py),
    whose decoder dropped `<3>`: only the joiner after `<` is added."""
    track = tmp_path / "track.srt"
    write_srt(read(tmp_path).cues, track)
    out = tmp_path / "soft.mp4"
    subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "color=size=64x64:duration=4",
                    "-i", str(track), "-map", "0", "-map", "1", "-c:v", "libx264",
                    "-c:s", "mov_text", str(out)], check=True)
    assert [text.replace(JOINER, "") for text in track_samples(out)] == SHOWN


@pytest.mark.e2e
def test_a_soft_render_keeps_them_in_the_track_and_every_sidecar(tmp_path, media):
    campaign = Campaign(tmp_path, media)
    campaign.subtitle("tzo", ESCAPED_VTT, suffix=".vtt")
    manifest = campaign.write([{"code": "tzo", "treatment": "soft"}])
    result = CliRunner().invoke(cli, ["render", str(manifest)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    samples = track_samples(campaign.out / "spot.tzo.small.mp4")
    assert [text.replace(JOINER, "") for text in samples] == SHOWN
    assert re.search(r"Escribe &lt;i&gt; para cursiva",
                     (campaign.out / "spot.tzo.vtt").read_text(encoding="utf-8"))
