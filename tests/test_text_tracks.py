"""A variant's subtitle track shows by default only where it is the language's only carrier
(`soft`); a dub's or mix's same-language track is there to be asked for. Checked on real renders
in MP4 and MOV by ffprobe's disposition and by the track headers' flags read byte by byte, and
`media/track_header.py` on small files ffmpeg made."""

from __future__ import annotations

import hashlib
import json
import shutil

import pytest
from click.testing import CliRunner

from pipeline.cli.main import cli
from pipeline.errors import RenderError
from pipeline.media.track_header import switch_off_text_tracks
from pipeline.render import remuxes, treatments
from pipeline.render.plan import build_plan
from pipeline.render.record import check_output
from tests.conftest import SMALL_PROFILES, SRT, Campaign, ffmpeg
from tests.mediacheck import streams, track_header_flags

pytestmark = pytest.mark.e2e

TRACK_ENABLED = 0x1       # ISO/IEC 14496-12 8.3.2, tkhd flags
PROFILES = {"small": SMALL_PROFILES["small"],
            # The broadcast profile's MOV (PCM sound) at the test's size.
            "small-mov": {"base": "broadcast", "width": 320, "height": 180, "preset": "ultrafast"}}
SHOWN = {"tzo": True, "yua": False, "mto": False,     # soft, dub, mix
         "maj": True,    # a dub's forced narratives (the spot's on-screen text): shown, forced
         "tzh": True}    # soft subtitles for the deaf and hard of hearing: shown, captions
FORCED = {"maj"}
SDH = {"tzh"}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, media):
    """A soft, a dub and a mix language, each with subtitles, in an MP4 and a MOV profile: the
    dub and the mix of a profile are copied by one ffmpeg process with two outputs."""
    campaign = Campaign(tmp_path_factory.mktemp("tracks"), media)
    for code in SHOWN:
        campaign.subtitle(code)
    campaign.audio("yua", "dub.wav")
    campaign.audio("maj", "dub.wav")
    campaign.audio("mto", "voice.wav")
    manifest = campaign.write([{"code": "tzo", "treatment": "soft"},
                               {"code": "yua", "treatment": "dub"},
                               {"code": "mto", "treatment": "mix"},
                               {"code": "maj", "treatment": "dub", "forced_subtitles": True},
                               {"code": "tzh", "treatment": "soft", "sdh": True}],
                              PROFILES)
    result = CliRunner().invoke(cli, ["render", str(manifest), "-j", "2"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return campaign


@pytest.mark.parametrize("profile, extension", [("small", "mp4"), ("small-mov", "mov")])
@pytest.mark.parametrize("code", list(SHOWN))
def test_only_a_soft_variants_subtitle_track_is_on(rendered, code, profile, extension):
    out = rendered.out / f"spot.{code}.{profile}.{extension}"
    (track,) = [s for s in streams(out) if s["codec_type"] == "subtitle"]
    assert track["disposition"]["default"] == SHOWN[code], track["disposition"]
    # Flagged forced in MP4 (a MOV's text track has no flag ffmpeg writes for it: shown).
    assert track["disposition"]["forced"] == (code in FORCED and extension == "mp4"), \
        track["disposition"]
    # SDH flagged captions in MP4: the DASH role "caption" of its track's kind box, read here
    # as the bytes of the box's scheme and value (ISO/IEC 14496-12 8.10.4).
    assert (b"urn:mpeg:dash:role:2011\x00caption\x00" in out.read_bytes()) == (
        code in SDH and extension == "mp4")
    assert track["disposition"]["captions"] == (code in SDH and extension == "mp4"), \
        track["disposition"]
    flags = track_header_flags(out)
    assert [handler for handler, _ in flags] == \
        ["vide", "soun", "sbtl" if extension == "mp4" else "text"], flags
    (picture, sound, text) = (value for _, value in flags)
    assert picture & TRACK_ENABLED and sound & TRACK_ENABLED, flags
    assert bool(text & TRACK_ENABLED) == SHOWN[code], flags
    # The record describes the file as it is under its final name.
    record = json.loads((rendered.out / f"spot.{code}.{profile}.json").read_text())
    assert record["sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()
    assert [s.get("default") for s in record["streams"] if s["kind"] == "subtitle"] == [SHOWN[code]]


def test_a_dubs_file_with_its_track_on_fails_its_check(rendered):
    """The check after the render reads the track's state: a soft variant's file (track on)
    is refused as the dub's."""
    plans = {(p.variant.language.code, p.variant.profile.name): p
             for p in build_plan([rendered.manifest]).variants}
    with pytest.raises(RenderError, match="subtitle track is shown by default") as raised:
        check_output(plans["yua", "small"], rendered.out / "spot.tzo.small.mp4")
    # Said of the new file, not of the one under the variant's name (a trial read it so).
    assert raised.value.message.startswith(
        "spot.yua.small: the file just rendered failed its checks and was not put in place; "
        "the file under this name is the previous render, kept: "), raised.value.message


@pytest.fixture(scope="module")
def muxed(tmp_path_factory):
    """A 1 s MP4 with a picture, a sound and a mov_text track, as ffmpeg muxes them, and the
    same without the text track."""
    folder = tmp_path_factory.mktemp("muxed")
    (folder / "cues.srt").write_text(SRT, encoding="utf-8")
    sources = ["-f", "lavfi", "-i", "color=c=blue:s=64x36:r=25:d=1",
               "-f", "lavfi", "-i", "sine=d=1"]
    ffmpeg(*sources, "-i", str(folder / "cues.srt"), "-map", "0", "-map", "1", "-map", "2",
           "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-c:s", "mov_text",
           "-disposition:s:0", "0", str(folder / "texted.mp4"))
    ffmpeg(*sources, "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac",
           str(folder / "plain.mp4"))
    return folder


def test_switching_a_track_off_changes_its_enabled_bit_and_nothing_else(muxed, tmp_path):
    copy = tmp_path / "texted.mp4"
    shutil.copy(muxed / "texted.mp4", copy)
    assert [f & TRACK_ENABLED for _, f in track_header_flags(copy)] == [1, 1, 1]
    assert switch_off_text_tracks(copy) == 1
    before, after = (muxed / "texted.mp4").read_bytes(), copy.read_bytes()
    assert len(before) == len(after)
    changed = [i for i, (a, b) in enumerate(zip(before, after)) if a != b]
    assert len(changed) == 1 and before[changed[0]] ^ after[changed[0]] == TRACK_ENABLED, changed
    assert [f & TRACK_ENABLED for _, f in track_header_flags(copy)] == [1, 1, 0]


@pytest.mark.parametrize("shape", ["no text track", "cut short", "not an MP4"])
def test_a_file_it_cannot_walk_is_an_error_not_a_silent_pass(muxed, tmp_path, shape):
    target = tmp_path / "file.mp4"
    if shape == "no text track":
        shutil.copy(muxed / "plain.mp4", target)
    elif shape == "cut short":
        data = (muxed / "texted.mp4").read_bytes()
        moov = data.index(b"moov") - 4
        target.write_bytes(data[:moov + 200])     # the index ends inside the first track
    else:
        target.write_bytes(b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(64))
    untouched = target.read_bytes()
    with pytest.raises(RenderError) as caught:
        switch_off_text_tracks(target)
    assert caught.value.path == target
    assert target.read_bytes() == untouched


def test_a_dub_whose_track_cannot_be_switched_off_fails_alone_and_says_why(campaign, monkeypatch):
    """A dub's file that comes out of ffmpeg without its text track (a graph that lost it) is
    not put in place: one error line naming the variant's file, no traceback, no partial file."""
    for code in ("yua", "mto"):
        campaign.subtitle(code)
    campaign.audio("yua", "dub.wav")
    campaign.audio("mto", "voice.wav")
    manifest = campaign.write([{"code": "yua", "treatment": "dub"},
                               {"code": "mto", "treatment": "mix"}])
    real = treatments.build_remux

    def losing_the_dubs_track(job):
        streams = real(job)
        return streams[:2] if job.plan.variant.language.code == "yua" else streams

    # The remux group (render/remuxes.py) calls the builder by this name.
    monkeypatch.setattr(remuxes, "build_remux", losing_the_dubs_track)
    result = CliRunner().invoke(cli, ["render", str(manifest)], catch_exceptions=False)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    out = campaign.out / "spot.yua.small.mp4"
    assert f"{out}: error: spot.yua.small: it has no text track" in result.output, result.output
    assert not out.exists() and not list(campaign.out.glob(".*partial*"))
    assert (campaign.out / "spot.mto.small.mp4").exists()      # its group's other variant went on


def test_a_forced_narrative_is_said_forced_beyond_the_mp4(rendered, tmp_path):
    # A trial's SDH subtitler: a dub's forced narrative (the translated hotline number on a
    # lower third) was flagged in the MP4 only; the page's player left it off, the catalog and
    # the sidecars said nothing, and a station loading the SRT as optional captions hid it.
    from lxml import etree

    from pipeline.subtitles.imsc import ITTS
    for code in ("maj", "tzo"):
        body = etree.parse(str(rendered.out / f"spot.{code}.ttml")).getroot().find(
            "{http://www.w3.org/ns/ttml}body")
        assert body.get(f"{{{ITTS}}}forcedDisplay") == ("true" if code in FORCED else None)
    result = CliRunner().invoke(cli, ["publish", str(rendered.manifest), "--to",
                                      (tmp_path / "dist").as_uri()], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    site = tmp_path / "dist/test-campaign"
    catalog = json.loads((site / "catalog.json").read_text())
    assert {(v["language"], v.get("forced_subtitles", False)) for v in catalog["variants"]} == \
        {(code, code in FORCED) for code in SHOWN}
    page = etree.HTML((site / "index.html").read_bytes())
    for code in SHOWN:
        (card,) = page.xpath(f"//li[@id='card-spot-{code}']")
        (video,) = card.xpath(".//video")
        assert (video.get("data-show-subtitles") is not None) == (code in ("tzo", *SDH, *FORCED))
        said = " ".join(card.itertext())
        # The page is Spanish by default.
        assert ("muéstrelos siempre" in said) == (code in FORCED), said
        assert ("solo los textos en pantalla: muéstrelos siempre" in said) == (code in FORCED), said


def test_sdh_subtitles_are_said_so_in_the_catalog_the_player_and_beside_their_files(rendered,
                                                                                    tmp_path):
    # A trial's SDH subtitler: nothing marked a track as for the deaf and hard of hearing, so
    # a station could not route it to its closed captions.
    from lxml import etree

    result = CliRunner().invoke(cli, ["publish", str(rendered.manifest), "--to",
                                      (tmp_path / "dist").as_uri()], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    site = tmp_path / "dist/test-campaign"
    catalog = json.loads((site / "catalog.json").read_text())
    assert {(v["language"], v.get("sdh", False)) for v in catalog["variants"]} == \
        {(code, code in SDH) for code in SHOWN}
    page = etree.HTML((site / "index.html").read_bytes())
    for code in ("tzh", "tzo"):
        (card,) = page.xpath(f"//li[@id='card-spot-{code}']")
        assert card.xpath(".//track/@kind") == ["captions" if code in SDH else "subtitles"]
        said = " ".join(card.itertext())
        assert ("para personas sordas o con discapacidad auditiva (SDH)" in said) == \
            (code in SDH), said
        assert said.count("SDH: sonidos y quién habla") == (
            len(card.xpath(".//li[contains(@class, 'file-subtitles')]")) if code in SDH else 0)



def test_a_sign_over_the_dialogue_is_noted_where_a_track_shows_them_as_one(campaign):
    # An MP4 track holds no position: a soft language's top sign and the line under it become
    # one subtitle at the bottom (mp4_track.one_at_a_time). `check --manifest` and `validate`
    # note it, at the sign's line and in the file's own time syntax; a burned language, whose
    # pictures keep both places, is told nothing.
    vtt = ("WEBVTT\n\n00:00:00.500 --> 00:00:03.000 line:0\nLETRERO\n\n"
           "00:00:01.000 --> 00:00:02.000\nuno\n")
    soft, burned = campaign.subtitle("nah", vtt, suffix=".vtt"), campaign.subtitle("tzo", vtt,
                                                                                   suffix=".vtt")
    manifest = campaign.write([{"code": "nah", "treatment": "soft"},
                               {"code": "tzo", "treatment": "burn"}])
    said = (": note: cue 1 is shown over cue 2 from 00:00:01.000: the subtitle track of the MP4 "
            "files holds no position, so players show the two as one subtitle at the bottom")
    for path, noted in ((soft, True), (burned, False)):
        checked = CliRunner().invoke(cli, ["check", str(path), "--manifest", str(manifest)])
        assert checked.exit_code == 0, checked.output
        assert (f"{path}:3{said}" in checked.output) is noted, checked.output
    validated = CliRunner().invoke(cli, ["validate", str(manifest)])
    assert validated.exit_code == 0, validated.output
    assert validated.output.count(said) == 1 and f"{soft}:3{said}" in validated.output, \
        validated.output
