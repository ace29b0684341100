"""The published page names whom a station asks (the manifest's `publish.contact`).

Stations are told a file is an earlier version, or not available yet, and must decide whether
to air it: the page named nobody to ask. One small render (one language in one profile) of a
campaign with a contact, then that language's subtitles corrected (its file an earlier
version), its other profile and a second language not rendered (not available yet); published
to a folder; the catalog read as JSON, the page in headless Chromium (tests/test_page_missing.py's
way), in Spanish and English, with a name that tries to inject markup.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import SMALL_PROFILES, SRT
from tests.pagecampaign import HOSTILE
from tests.test_page_browser import (  # noqa: F401
    ARTIFACTS,
    AXE,
    browser,
    context,
    open_page,
)
from tests.test_page_missing import invoke

pytestmark = pytest.mark.e2e  # a real render and a browser

NAME = f"Mesa de ayuda {HOSTILE}"
CONTACT = {"name": {"es": NAME, "en": "Help desk"}, "email": "dudas@example.org",
           "phone": "+52 55 1234 5678", "url": "https://example.org/contacto"}
HREFS = ["mailto:dudas@example.org", "tel:+525512345678", "https://example.org/contacto"]


@pytest.fixture
def dist(campaign, tmp_path) -> Path:
    campaign.subtitle("tzo")
    campaign.audio("nah")
    manifest = campaign.write([{"code": "tzo", "treatment": "burn"},
                               {"code": "nah", "treatment": "dub"}], SMALL_PROFILES,
                              publish={"contact": CONTACT})
    rendered = invoke("render", manifest, "--lang", "tzo", "--profile", "small")
    assert rendered.exit_code == 0, rendered.output
    campaign.subtitle("tzo", SRT.replace("humanos", "humanas"))   # corrected since
    published = invoke("publish", manifest, "--to", (tmp_path / "dist").as_uri())
    assert published.exit_code == 0, published.output
    return tmp_path / "dist" / "test-campaign"


def said(locator) -> list[str]:
    return [" ".join(text.split()) for text in locator.all_inner_texts()]


def test_the_page_names_whom_to_ask_under_the_title_and_in_its_notes(context, dist):
    catalog = json.loads((dist / "catalog.json").read_text(encoding="utf-8"))
    assert catalog["contact"] == {
        "name": NAME, "names": {"es": NAME, "en": "Help desk"}, "email": "dudas@example.org",
        "phone": "+525512345678", "phone_display": "+52 55 1234 5678", "phone_extension": None,
        "url": "https://example.org/contacto"}

    page = open_page(context, (dist / "index.html").as_uri())
    # The hostile name is text, not markup: said as written, nothing injected.
    assert page.locator("#contact .contact-label").text_content() == "Contacto"
    assert said(page.locator("#contact .contact-ways")) == [
        f"¿Dudas sobre estos archivos? Consulte a {NAME}: escriba a dudas@example.org, "
        "llame al +52 55 1234 5678 o visite https://example.org/contacto."]
    assert page.locator("#contact a").evaluate_all("links => links.map(a => a.href)") == HREFS
    assert page.locator("[data-pwned], #contact img").count() == 0
    assert page.evaluate("document.body.hasAttribute('data-pwned')") is False
    # Its file an earlier version: the note ends with whom to ask, the name linked.
    tzo = page.locator("#card-spot-tzo")
    ask = f"Antes de emitirlo, consulte a {NAME}."
    assert said(tzo.locator(".earlier")) == [
        "Versión anterior: hubo cambios en los subtítulos después de generar este archivo; la "
        f"versión nueva aún no está disponible. {ask}"]
    assert tzo.locator(".earlier a").get_attribute("href") == HREFS[0]
    # Not available yet: a file of a language that has others, and a language that has none.
    when = f"Para saber cuándo estará disponible, consulte a {NAME}."
    assert said(tzo.locator(".file-unavailable .ask")) == [when]
    assert said(page.locator("#card-spot-nah .unavailable-note")) == [
        f"Esta versión aún no está disponible. {when}"]
    # The new block's contrast on the dark masthead, and the notes' links (axe-core).
    assert AXE.is_file(), f"{AXE} missing: run `make setup-test` (npm install axe-core)"
    page.evaluate(AXE.read_text(encoding="utf-8"))
    results = page.evaluate("""axe.run({include: [['#contact'], ['#card-spot-tzo'],
        ['#card-spot-nah']]}, {runOnly: {type: 'tag', values: ['wcag2aa', 'wcag21aa']}})""")
    assert [v["id"] for v in results["violations"]] == []

    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("header.masthead").screenshot(path=str(ARTIFACTS / "page-contact-1280.png"))
    page.set_viewport_size({"width": 390, "height": 844})
    page.locator("header.masthead").screenshot(path=str(ARTIFACTS / "page-contact-390.png"))
    tzo.screenshot(path=str(ARTIFACTS / "page-contact-card-390.png"))

    english = open_page(context, (dist / "index.en.html").as_uri())
    assert english.locator("#contact .contact-label").text_content() == "Contact"
    assert said(english.locator("#contact .contact-ways")) == [
        "Questions about these files? Ask Help desk: email dudas@example.org, call "
        "+52 55 1234 5678, or visit https://example.org/contacto."]
    assert english.locator("#contact a").evaluate_all("links => links.map(a => a.href)") == HREFS
    assert said(english.locator("#card-spot-tzo .earlier"))[0].endswith(
        "the new version is not available yet. Before airing it, ask Help desk.")
    assert said(english.locator("#card-spot-nah .unavailable-note")) == [
        "This version is not available yet. To find out when it will be available, ask Help "
        "desk."]
    assert page.problems == english.problems == []       # no CSP refusal, no script error


def test_a_mistake_in_the_page_s_contact_holds_no_render_back_and_publish_refuses_it(campaign,
                                                                                      tmp_path):
    # A trial's phone number without its country code: "could not be planned because of its
    # 1 error", and nothing rendered, for a line only the page shows.
    campaign.subtitle("tzo")
    manifest = campaign.write([{"code": "tzo", "treatment": "burn"}], SMALL_PROFILES,
                              publish={"contact": {**CONTACT, "phone": "5512345678"}})
    said = "publish.contact.phone '5512345678' has no country code"
    rendered = invoke("render", manifest)
    assert rendered.exit_code == 1 and said in rendered.output, rendered.output
    assert "2 rendered, 0 up-to-date, 0 failed, 0 blocked" in rendered.output
    assert "could not be planned" not in rendered.output
    # Its summary clean, the render says why it exits 1.
    assert rendered.output.rstrip().endswith("exit code 1: 1 error said above"), rendered.output
    assert (campaign.out / "spot.tzo.small.mp4").is_file()
    published = invoke("publish", manifest, "--to", (tmp_path / "dist").as_uri())
    assert published.exit_code == 1 and said in published.output, published.output
    assert not (tmp_path / "dist").exists()
