"""A language's version the manifest makes and nobody can download yet is on the page, with why.

A trial's page had no card for a language whose dub was silent (its variants blocked): the
stations could not tell "not delivered yet" from "never planned". A real render of a small
campaign, one dub silent (blocked) and one language not rendered yet, published to a folder;
the catalog read as JSON, the page in headless Chromium as tests/test_page_browser.py opens it.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from pipeline.cli.main import cli
from tests.conftest import DURATION, SMALL_PROFILES, ffmpeg
from tests.test_channel_order import VOICE, five_one
from tests.test_page_browser import (  # noqa: F401
    ARTIFACTS,
    browser,
    context,
    open_page,
    visible_cards,
)

pytestmark = pytest.mark.e2e  # real renders and a browser


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def dist(campaign, tmp_path) -> tuple[Path, str]:
    campaign.audio("yua")
    campaign.audio("nah")
    ffmpeg("-f", "lavfi", "-i", "anullsrc=sample_rate=48000:channel_layout=stereo", "-t", "4",
           str(campaign.root / "audio/spot/mto.wav"))
    manifest = campaign.write([{"code": "yua", "treatment": "dub"},
                               {"code": "mto", "treatment": "dub"},
                               {"code": "nah", "treatment": "dub"}], SMALL_PROFILES)
    rendered = invoke("render", manifest, "--lang", "yua")
    assert rendered.exit_code == 0, rendered.output
    published = invoke("publish", manifest, "--to", (tmp_path / "dist").as_uri())
    assert published.exit_code == 0, published.output
    return tmp_path / "dist" / "test-campaign", published.output


def test_missing_versions_are_in_the_catalog_and_on_the_page_with_why(context, dist):
    folder, said = dist
    # The terminal's warnings stay, and say the page shows them.
    assert "mto.wav: warning: 2 variants have no rendered file, not published (spot mto small, " \
           "spot mto tall): blocked: the dub is silent" in said, said
    # mto; nah's two profiles in one line; the languages with no file at all, mto and nah
    assert said.count("shown on the page as not available yet") == 3, said
    assert "no rendered file, not published: spot nah: not rendered yet in small, tall; " \
           "shown on the page as not available yet" in said, said

    catalog = json.loads((folder / "catalog.json").read_text(encoding="utf-8"))
    assert [v["language"] for v in catalog["variants"]] == ["yua", "yua"]
    missing = {(m["language"], m["profile"]): m for m in catalog["variants_missing"]}
    assert sorted(missing) == [("mto", "small"), ("mto", "tall"), ("nah", "small"),
                               ("nah", "tall")]
    blocked = missing["mto", "small"]
    assert blocked["reason"] == "blocked" and blocked["spot"] == "spot"
    assert blocked["spot_title"] == "Test spot" and blocked["profile_base"] == "web"
    assert blocked["reason_text"].startswith(
        "blocked: the dub is silent: its loudness is undefined")
    assert blocked["reason_detail"] == {"template": "the dub's recording is silent", "params": {}}
    assert "/" not in blocked["reason_text"].split("(")[0]        # no path of the machine
    later = missing["nah", "tall"]
    assert (later["reason"], later["reason_text"]) == ("not-rendered", "not rendered yet")
    assert later["reason_detail"] == {"template": "not generated yet", "params": {}}
    assert [item["code"] for item in catalog["languages_missing"]] == ["mto", "nah"]  # as it was
    page = open_page(context, (folder / "index.html").as_uri())
    # In the manifest's order, where each language's card would be.
    assert visible_cards(page) == ["card-spot-yua", "card-spot-mto", "card-spot-nah"]
    mto, nah = page.locator("#card-spot-mto"), page.locator("#card-spot-nah")
    assert mto.locator(".unavailable-note").inner_text() == \
        "Esta versión aún no está disponible."
    assert [" ".join(t.split()) for t in mto.locator(".file-unavailable").all_inner_texts()] == [
        "Video web · Video vertical para historias y reels No disponible todavía: la grabación "
        "del doblaje es silenciosa"]       # the two profiles, one reason: one line
    assert [" ".join(t.split()) for t in nah.locator(".unavailable-why").all_inner_texts()] == [
        "No disponible todavía: aún no se ha generado"]
    assert mto.locator("a, video, audio").count() == 0 and nah.locator("a").count() == 0
    # The count is of the cards shown, those without files too: a trial's page said "8 de 8"
    # under 11 cards, counting those with files alone (here it said "1 de 1").
    assert page.locator("#count").inner_text() == "Se muestran 3 de 3 lenguas"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "page-missing-es.png"), full_page=True)

    # Picking the language finds its card, in the search and by a shared link.
    page.get_by_label("Buscar una lengua").fill("mto")
    assert visible_cards(page) == ["card-spot-mto"] and page.locator("#no-match").is_hidden()
    assert page.locator("#count").inner_text() == "Se muestra 1 de 3 lenguas"
    linked = open_page(context, (folder / "index.html").as_uri() + "#lang=nah")
    assert visible_cards(linked) == ["card-spot-nah"]

    english = open_page(context, (folder / "index.en.html").as_uri())
    assert [" ".join(t.split()) for t in english.locator("#card-spot-mto .unavailable-why")
            .all_inner_texts()] == ["Not available yet: the dub's recording is silent"]
    assert page.problems == linked.problems == english.problems == []


def test_what_the_plan_skips_on_a_radio_spot_is_not_promised_on_the_page(campaign, tmp_path):
    # A burned language on a radio spot is skipped by the plan ("'burn' subtitles go on the
    # manifest's video spots"); publish listed its radio files as "not rendered yet", and a
    # trial's page told stations to ask when they would come.
    campaign.subtitle("nah")
    (campaign.root / "audio/radio").mkdir()
    shutil.copy(campaign.media["dub.wav"], campaign.root / "audio/radio/yua.wav")
    campaign.audio("yua")
    shutil.copy(campaign.media["bed.wav"], campaign.root / "media/radio.wav")
    data = campaign.data([{"code": "nah", "treatment": "burn"},
                          {"code": "yua", "treatment": "dub"}],
                         {"small": SMALL_PROFILES["small"], "radio": {"base": "radio"}})
    data["spots"].append({"id": "radio", "master": "../media/radio.wav"})
    campaign.manifest.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert invoke("render", campaign.manifest).exit_code == 0
    published = invoke("publish", campaign.manifest, "--to", (tmp_path / "dist").as_uri())
    assert published.exit_code == 0, published.output
    assert "not rendered yet" not in published.output, published.output
    catalog = json.loads((tmp_path / "dist/test-campaign/catalog.json").read_text())
    assert catalog.get("variants_missing", []) == [], catalog["variants_missing"]


def test_a_missing_recording_is_said_in_spanish_on_the_page(context, campaign, tmp_path):
    # A dub never delivered was the most common reason, and the Spanish page said it in the
    # error's English, marked lang="en": its error had no code for the page's words.
    campaign.audio("yua")
    manifest = campaign.write([{"code": "yua", "treatment": "dub"},
                               {"code": "mto", "treatment": "dub"}], SMALL_PROFILES)
    assert invoke("render", manifest, "--lang", "yua").exit_code == 0
    published = invoke("publish", manifest, "--to", (tmp_path / "dist").as_uri())
    assert published.exit_code == 0, published.output
    folder = tmp_path / "dist" / "test-campaign"
    catalog = json.loads((folder / "catalog.json").read_text(encoding="utf-8"))
    assert {(m["language"], m["reason"], json.dumps(m["reason_detail"]))
            for m in catalog["variants_missing"]} == {
        ("mto", "blocked", json.dumps({"template": "the dub's recording is missing",
                                       "params": {}}))}
    page = open_page(context, (folder / "index.html").as_uri())
    mto = page.locator("#card-spot-mto")
    assert [" ".join(t.split()) for t in mto.locator(".file-unavailable").all_inner_texts()] == [
        "Video web · Video vertical para historias y reels No disponible todavía: falta la "
        "grabación del doblaje"]
    assert english_but_its_name(mto, "mto") == []
    assert page.problems == []


def test_a_recording_s_problem_and_any_other_error_are_said_in_spanish_on_the_page(
        context, campaign, tmp_path):
    # A trial's Spanish page said a 5.1 dub whose sound is all on the surrounds (a wrong
    # channel order) as "No disponible todavía: blocked: the dub is loudest in a surround, its
    # BL channel, ...", the check's English marked lang="en": a station can do nothing with it.
    # An empty subtitle file (its error's code has no words of the page's) was said so too.
    campaign.audio("yua")
    hus = campaign.root / "audio/spot/hus.wav"
    ffmpeg("-f", "lavfi", "-i", f"{five_one('0', '0', '0', '0', VOICE, VOICE)}:sample_rate=48000"
           f":duration={DURATION}", "-c:a", "pcm_s24le", str(hus))
    campaign.subtitle("tzo", "")
    manifest = campaign.write([{"code": "yua", "treatment": "dub"},
                               {"code": "hus", "name": "Tének", "treatment": "dub"},
                               {"code": "tzo", "treatment": "burn"}],
                              {"small": SMALL_PROFILES["small"]})
    assert invoke("render", manifest, "--lang", "yua").exit_code == 0
    published = invoke("publish", manifest, "--to", (tmp_path / "dist").as_uri())
    assert published.exit_code == 0, published.output
    # The media team's terminal keeps the check's words, and so does the catalog.
    assert f"{hus}: warning: variant has no rendered file, not published (spot hus small): " \
           "blocked: the dub is loudest in a surround, its Ls channel" in published.output, \
        published.output
    folder = tmp_path / "dist" / "test-campaign"
    catalog = json.loads((folder / "catalog.json").read_text(encoding="utf-8"))
    missing = {m["language"]: m for m in catalog["variants_missing"]}
    assert missing["hus"]["reason_text"].startswith(
        "blocked: the dub is loudest in a surround, its Ls channel")
    assert missing["hus"]["reason_detail"] == {
        "template": "the dub's recording has a problem the team is fixing: %(problem)s",
        "params": {"problem": {"template": "its channels arrived in another order",
                               "params": {}}}}
    assert missing["tzo"]["reason_text"].startswith("blocked: the file is empty (0 bytes)")

    page = open_page(context, (folder / "index.html").as_uri())
    said = {code: [" ".join(t.split()) for t in page.locator(f"#card-spot-{code} .unavailable-why")
                   .all_inner_texts()] for code in ("hus", "tzo")}
    assert said == {
        "hus": ["No disponible todavía: la grabación del doblaje tiene un problema que el equipo "
                "está corrigiendo: sus canales llegaron en otro orden"],
        "tzo": ["No disponible todavía: uno de los archivos con que se hace tiene un problema "
                "que el equipo está corrigiendo"]}
    assert page.locator(".file-unavailable [lang=en]").count() == 0
    assert "blocked" not in page.locator("main").inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "page-missing-words-es.png"), full_page=True)
    english = open_page(context, (folder / "index.en.html").as_uri())
    assert [" ".join(t.split()) for t in english.locator("#card-spot-hus .unavailable-why")
            .all_inner_texts()] == [
        "Not available yet: the dub's recording has a problem the team is fixing: its channels "
        "arrived in another order"]
    assert page.problems == english.problems == []


def test_a_variant_whose_render_failed_is_said_so_on_the_page(context, campaign, tmp_path,
                                                               x264_refuses):
    # A real ffmpeg failure (x264 refuses what it is asked, once it opens): the variant's
    # failure memo is all it leaves, and the catalog and page say its last attempt failed.
    campaign.subtitle("tzo")
    x264_refuses(".small.")
    bad = {"base": "web", "width": 320, "height": 180, "x264_profile": "main"}  # not the master's
    manifest = campaign.write([{"code": "tzo", "treatment": "soft"}],
                              {"small": bad, "ok": SMALL_PROFILES["small"]})
    rendered = invoke("render", manifest)
    assert rendered.exit_code == 1 and "1 rendered, 0 up-to-date, 1 failed" in rendered.output
    memo = json.loads((campaign.out / "spot.tzo.small.failed.json").read_text(encoding="utf-8"))
    first_line = memo["failed"]["message"]
    assert first_line.startswith("ffmpeg failed while rendering"), first_line
    published = invoke("publish", manifest, "--to", (tmp_path / "dist").as_uri())
    assert published.exit_code == 0, published.output
    folder = tmp_path / "dist" / "test-campaign"
    catalog = json.loads((folder / "catalog.json").read_text(encoding="utf-8"))
    assert [v["profile"] for v in catalog["variants"]] == ["ok"]
    (failed,) = catalog["variants_missing"]
    assert (failed["language"], failed["profile"], failed["reason"]) == ("tzo", "small", "failed")
    # Its first line, with no path of the machine that rendered.
    assert failed["reason_text"] == ("its last render failed: ffmpeg failed while rendering "
                                     "the shared picture of spot for small (exit 1)")
    assert failed["reason_text"] == f"its last render failed: {first_line}"
    assert failed["reason_detail"] == {"template": "its last attempt to generate it failed",
                                       "params": {}}
    page = open_page(context, (folder / "index.html").as_uri())
    card = page.locator("#card-spot-tzo")
    assert [" ".join(t.split()) for t in card.locator(".file-unavailable").all_inner_texts()] == [
        # Its profile shares its label with 'ok': told apart by its id, as its rows are.
        "Video web (small) No disponible todavía: su último intento de generarla falló"]
    assert english_but_its_name(card, "tzo") == []
    assert page.problems == []


def test_a_font_no_style_can_have_is_said_once_in_the_catalog_and_on_the_page(
        context, campaign, tmp_path):
    # An Aegisub file, its styles in Arial (not installed), burned with its own styles: its
    # variant is blocked by one error naming the font once and its styles, not the first of
    # one error a style; the page says it in a station's words, once.
    from tests.conftest import AEGISUB_ASS

    campaign.audio("yua")
    path = campaign.subtitle("amu", AEGISUB_ASS, suffix=".ass")
    manifest = campaign.write([{"code": "yua", "treatment": "dub"},
                               {"code": "amu", "treatment": "burn",
                                "style": {"from_file": True}}],
                              {"small": SMALL_PROFILES["small"]})
    assert invoke("render", manifest, "--lang", "yua").exit_code == 0
    published = invoke("publish", manifest, "--to", (tmp_path / "dist").as_uri())
    assert published.exit_code == 0, published.output
    said = [line for line in published.output.splitlines() if "(spot amu small)" in line]
    assert len(said) == 1 and said[0].startswith(
        f"{path}:22: warning: variant has no rendered file, not published (spot amu small): "
        "blocked: the font \"Arial\" is not installed, and 3 styles of the file use it: "
        "'Default' (2 lines), 'Cartel' (1 line) and 'Narrador' (1 line); "), published.output
    folder = tmp_path / "dist" / "test-campaign"
    catalog = json.loads((folder / "catalog.json").read_text(encoding="utf-8"))
    [missing] = [m for m in catalog["variants_missing"] if m["language"] == "amu"]
    assert missing["reason_text"].startswith("blocked: the font \"Arial\" is not installed, and 3 "
                                             "styles of the file use it: 'Default' (2 lines)")
    assert missing["reason_text"].count("Arial") == 1
    page = open_page(context, (folder / "index.html").as_uri())
    assert [" ".join(t.split()) for t in page.locator("#card-spot-amu .unavailable-why")
            .all_inner_texts()] == [
        "No disponible todavía: uno de los archivos con que se hace tiene un problema que el "
        "equipo está corrigiendo"]
    assert page.problems == []


def english_but_its_name(card, code: str) -> list[str]:
    """The texts of `card` marked English but the language's English name, which the manifest
    left it (no name of its own in CLDR: marked so, for screen readers)."""
    from pipeline.publish.i18n import named_in

    return [text for text in card.locator("[lang=en]").all_inner_texts()
            if " ".join(text.split()) != named_in(code, "en")]
