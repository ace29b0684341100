"""A language listed twice in one manifest, each entry with its own spots: subtitled (burn) on
the TV spot, recorded (dub) on the radio spot, as the UN campaign this is for did it. Rendered,
recorded, planned, cleaned, catalogued and published as one language of two treatments."""

from __future__ import annotations

import json
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli.main import cli
from tests.mediacheck import streams
from tests.test_radio import radio_master  # noqa: F401  (a fixture)

TWO = [{"code": "tzh", "name": "Bats'il k'op", "treatment": "burn", "spots": ["spot"]},
       {"code": "tzh", "treatment": "dub", "spots": ["radio"]},
       {"code": "yua", "treatment": "dub", "spots": ["radio"]}]


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def two_spots(campaign, radio_master, languages=TWO) -> Path:
    """The test campaign with its video spot and a radio spot beside it."""
    (campaign.root / "media/radio.wav").write_bytes(radio_master.read_bytes())
    for folder in ("audio", "subtitles"):
        (campaign.root / folder / "radio").mkdir(exist_ok=True)
    return campaign.write(languages, {"small": {"base": "web", "width": 320, "height": 180,
                                                "preset": "ultrafast", "crf": 30},
                                      "radio-mp3": None},
                          spots=[{"id": "spot", "title": "TV spot", "master": "../media/spot.mp4"},
                                 {"id": "radio", "title": "Radio spot",
                                  "master": "../media/radio.wav"}])


class _Cards(HTMLParser):
    """The page's cards (id, data-lang) and the names of the files it links to."""

    def __init__(self):
        super().__init__()
        self.cards, self.links = [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "li" and "card" in (attrs.get("class") or "").split():
            self.cards.append((attrs["id"], attrs.get("data-lang")))
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])


@pytest.mark.e2e
def test_a_language_burned_on_the_tv_spot_and_dubbed_on_the_radio_spot(campaign, radio_master,
                                                                        tmp_path):
    campaign.subtitle("tzh")
    (campaign.root / "audio/radio").mkdir()
    shutil.copy(campaign.media["dub.wav"], campaign.root / "audio/radio/tzh.wav")
    shutil.copy(campaign.media["dub.wav"], campaign.root / "audio/radio/yua.wav")
    manifest = two_spots(campaign, radio_master)

    result = invoke("validate", manifest)
    assert result.exit_code == 0, result.output
    assert "listed twice" not in result.output

    plan = json.loads(invoke("plan", manifest, "--json").stdout)
    status = {(v["spot"], v["language"], v["profile"]): (v["treatment"], v["status"])
              for v in plan["variants"]}
    assert status[("spot", "tzh", "small")] == ("burn", "stale")
    assert status[("radio", "tzh", "radio-mp3")] == ("dub", "stale")
    assert status[("radio", "yua", "radio-mp3")] == ("dub", "stale")
    # One variant a spot, language and profile: the other entry is not the spot's.
    keys = [(v["spot"], v["language"], v["profile"]) for v in plan["variants"]]
    assert len(keys) == len(set(keys)), keys
    assert sorted(k for k, (_, s) in status.items() if s != "skipped") == [
        ("radio", "tzh", "radio-mp3"), ("radio", "yua", "radio-mp3"), ("spot", "tzh", "small")]

    # --lang tzh selects both entries.
    shown = invoke("plan", manifest, "--lang", "tzh", "--json")
    assert shown.exit_code == 0, shown.output
    chosen = {(v["spot"], v["profile"]) for v in json.loads(shown.stdout)["variants"]
              if v["status"] != "skipped"}
    assert chosen == {("spot", "small"), ("radio", "radio-mp3")}
    dry = invoke("render", manifest, "--lang", "tzh", "--dry-run")
    assert "spot.tzh.small" in dry.output and "radio.tzh.radio-mp3" in dry.output, dry.output

    result = invoke("render", manifest)
    assert result.exit_code == 0, result.output
    out = campaign.root / "build/test-campaign"
    burned = out / "spot/spot.tzh.small.mp4"
    assert [s["codec_type"] for s in streams(burned)] == ["video", "audio"]   # burned: no track
    radio = out / "radio/radio.tzh.radio-mp3.mp3"
    assert [s["codec_type"] for s in streams(radio)] == ["audio"]
    assert streams(radio)[0]["codec_name"] == "mp3"
    assert not (out / "spot/spot.tzh.radio-mp3.mp3").exists()
    assert not (out / "radio/radio.tzh.small.mp4").exists()
    records = {p.name: json.loads(p.read_text()) for p in out.glob("*/*.json")}
    assert records["spot.tzh.small.json"]["treatment"] == "burn"
    assert records["radio.tzh.radio-mp3.json"]["treatment"] == "dub"
    assert {r["language_name"] for n, r in records.items() if ".tzh." in n} == {"Bats'il k'op"}
    assert invoke("plan", manifest).exit_code == 0
    again = json.loads(invoke("plan", manifest, "--json").stdout)
    assert {v["status"] for v in again["variants"]} <= {"up-to-date", "skipped"}
    # Nothing either entry made is taken for a stray file of the other.
    cleaned = invoke("clean", manifest)
    assert cleaned.exit_code == 0 and cleaned.stdout == "", cleaned.output

    dist = tmp_path / "dist"
    result = invoke("publish", manifest, "--to", dist.as_uri())
    assert result.exit_code == 0, result.output
    catalog = json.loads((dist / "test-campaign/catalog.json").read_text())
    variants = {(v["spot"], v["language"]): v for v in catalog["variants"]}
    assert variants["spot", "tzh"]["treatment"] == "burn"
    assert variants["radio", "tzh"]["treatment"] == "dub"
    assert variants["spot", "tzh"]["language_name"] == "Bats'il k'op"
    assert variants["radio", "tzh"]["language_name"] == "Bats'il k'op"
    assert catalog["languages_missing"] == []
    assert catalog.get("variants_missing", []) == []
    sums = (dist / "test-campaign/tzh.SHA256SUMS").read_text().splitlines()
    assert sorted(line.split("  ")[1] for line in sums) == ["radio.tzh.radio-mp3.mp3",
                                                            "spot.tzh.small.mp4"]
    urls = (dist / "test-campaign/tzh.urls.txt").read_text().splitlines()
    assert urls == ["spot/spot.tzh.small.mp4", "radio/radio.tzh.radio-mp3.mp3",
                    "tzh.SHA256SUMS"]
    page = _Cards()
    page.feed((dist / "test-campaign/index.html").read_text(encoding="utf-8"))
    assert page.cards == [("card-spot-tzh", "tzh"), ("card-radio-tzh", "tzh"),
                          ("card-radio-yua", "yua")]
    html = (dist / "test-campaign/index.html").read_text(encoding="utf-8")
    assert "2 lenguas" in html, "the page counts tzh once"


# A pasted paragraph: five lines burned, an error; as a dub's subtitle track, a warning.
PARAGRAPH = """\
1
00:00:00,200 --> 00:00:03,800
Los seres humanos no están a la venta. La trata de personas es un delito que afecta a millones de mujeres, niñas, niños y hombres en todo el mundo; si sabes de un caso o necesitas ayuda, llama a la línea nacional contra la trata, gratuita y confidencial, las 24 horas del día, todos los días del año.
"""


def test_check_with_the_manifest_takes_the_entry_of_the_file_s_spot(campaign, radio_master):
    # The radio entry (dub) came last: looked up by code alone, the TV spot's subtitles were
    # checked as a dub's track (not laid out), its recording as a burned language's.
    manifest = two_spots(campaign, radio_master, TWO[:2])
    subtitles = campaign.subtitle("tzh", PARAGRAPH)
    burned = invoke("check", subtitles, "--manifest", manifest)
    assert burned.exit_code == 1, burned.output
    assert f"{subtitles}:1: error: cue 1 would be burned on more than twice the 2 lines" \
        in burned.stderr
    recording = campaign.root / "audio/radio/tzh.wav"
    shutil.copy(campaign.media["dub.wav"], recording)
    voiced = invoke("check", recording, "--manifest", manifest)
    assert "checked as validate checks tzh's dub for spot 'radio'" in voiced.output, voiced.output
    assert "has treatment 'burn'" not in voiced.output
    # The TV spot's entry takes no recording: one there is said to be of no variant.
    (campaign.root / "audio/spot").mkdir(exist_ok=True)
    shutil.copy(campaign.media["dub.wav"], campaign.root / "audio/spot/tzh.wav")
    unused = invoke("check", campaign.root / "audio/spot/tzh.wav", "--manifest", manifest)
    assert "language 'tzh' has treatment 'burn' in campaign.yaml" in unused.output, unused.output


def test_a_language_listed_twice_is_one_language_where_languages_are_counted(campaign,
                                                                          radio_master):
    from pipeline.manifest import load_manifest
    from pipeline.publish.catalog import build_catalog
    from pipeline.publish.freshness import unpublished_languages

    manifest = load_manifest(two_spots(campaign, radio_master, TWO[:2]))
    assert build_catalog(manifest, [])["languages_missing"] == [
        {"code": "tzh", "name": "Bats'il k'op"}]
    (said,) = unpublished_languages(manifest, [], [])
    assert said.message.startswith("1 of the manifest's 1 languages has no published variant "
                                   "yet"), said.message
    assert str(said.message).endswith(": tzh (not rendered yet)"), said.message


def test_each_entry_of_a_language_has_its_own_clock_number(campaign, radio_master):
    from pipeline.manifest import load_manifest
    from pipeline.render.plan import build_plan

    manifest = two_spots(campaign, radio_master, [
        {**TWO[0], "clock": "BH-TZH-TV"}, {**TWO[1], "clock": "BH-TZH-RADIO"}])
    load_manifest(manifest)      # no number given to two spots
    plan = build_plan([manifest])
    assert {(v.variant.spot.id, v.variant.clock) for v in plan.variants} == {
        ("spot", "BH-TZH-TV"), ("radio", "BH-TZH-RADIO")}


@pytest.mark.e2e
def test_preview_of_a_language_listed_twice_previews_each_spot_as_its_entry_makes_it(
        campaign, radio_master):
    from pipeline.render.preview import make_previews

    campaign.subtitle("tzh")
    (campaign.root / "audio/radio").mkdir()
    shutil.copy(campaign.media["dub.wav"], campaign.root / "audio/radio/tzh.wav")
    manifest = two_spots(campaign, radio_master, TWO[:2])
    made = {(p.spot, p.language): p for p in make_previews(manifest, languages=("tzh",))}
    assert set(made) == {("spot", "tzh"), ("radio", "tzh")}
    assert made["spot", "tzh"].sheet is not None          # burned: its contact sheet
    assert made["radio", "tzh"].sheet is None             # its recording, heard
