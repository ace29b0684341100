"""A clock number, and a spot's id, on the page read as one number: a station types it into its playout system.

On a phone the page broke `UNBH-spot-nah` at a hyphen (`UNBH-spot-` over `nah`), where a
hyphen at a line's end reads as a word's hyphenation, not as part of the number. A number now
goes whole to the next line; one longer than a line breaks after one of its hyphens, marked
there by "↵" (a soft hyphen's hyphenate-character), and copying it gives the number alone. A
synthetic catalog (no media: only the page's text is looked at), in headless Chromium.
"""

from __future__ import annotations

import pytest

from pipeline.publish.page import clock_breaks, render_pages
from tests.test_page_browser import ARTIFACTS, browser, open_page  # noqa: F401

pytestmark = pytest.mark.e2e  # a browser

SHORT = ("UNBH-spot-nah", "BH-radio-20-nah-mp3")
LONG = "UNBH-not-for-sale-radio-20-nah-radio-mp3-2026-campaign-x"   # 56 of the 63 allowed


def radio(profile: str, ext: str, clock: str) -> dict:
    file = f"spot/spot.nah.{profile}.{ext}"
    return {"spot": "spot", "spot_title": "Spot", "language": "nah",
            "language_name": "Nawatlahtolli", "treatment": "dub", "profile": profile,
            "file": file, "url": file, "bytes": 1_234_567, "sha256": "0" * 64, "duration": 20.0,
            "width": None, "height": None, "loudness_lufs": -23.0, "true_peak_dbtp": -2.0,
            "sidecars": [], "warnings": [], "clock": clock}


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    folder = tmp_path_factory.mktemp("clock")
    catalog = {"campaign": "c", "title": "C", "pipeline_version": "0",
               "generated": "2026-11-29T10:00:00Z",
               "variants": [radio("radio", "wav", SHORT[0]), radio("radio-mp3", "mp3", SHORT[1]),
                            radio("voice-note", "ogg", LONG)]}
    for name, html in render_pages(catalog).items():
        (folder / name).write_text(html, encoding="utf-8")
    return folder


def lines_of(page) -> dict[str, int]:
    """Each clock number (as copied: soft hyphens left out) and its count of line boxes."""
    return dict(page.evaluate("[...document.querySelectorAll('code.clock')].map(e => "
                              "[e.textContent.replaceAll('\\u00ad', ''), "
                              "e.getClientRects().length])"))


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("name", ["index.html", "index.en.html"])
def test_a_clock_number_is_never_broken_at_a_hyphen_of_its_own(browser, pages, name, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    try:
        page = open_page(context, (pages / name).as_uri())
        lines = lines_of(page)
        ARTIFACTS.mkdir(exist_ok=True)
        page.locator("#card-spot-nah").screenshot(
            path=str(ARTIFACTS / f"clock-{width}-{name.replace('.html', '')}.png"))
        # The long one fits neither column: broken (the next test), within its file's box.
        spilled = page.evaluate("[...document.querySelectorAll('code.clock')].filter(e => "
                                "e.getBoundingClientRect().right > e.closest('.file-what')"
                                ".getBoundingClientRect().right + 1).length")
        sideways = page.evaluate("document.documentElement.scrollWidth")
    finally:
        context.close()
    assert {number: lines[number] for number in SHORT} == dict.fromkeys(SHORT, 1), lines
    assert lines[LONG] > 1 and spilled == 0 and sideways <= width, (lines, spilled, sideways)
    assert page.problems == []


def test_a_long_number_breaks_only_after_its_own_hyphens_and_copies_whole(browser, pages):
    context = browser.new_context(viewport={"width": 390, "height": 900})
    try:
        page = open_page(context, (pages / "index.html").as_uri())
        clock = page.locator("code.clock").nth(2)
        # Its one break opportunity per hyphen is the soft hyphen after it (a hyphen keeps the
        # soft hyphen after it on its line: UAX 14's LB21), shown as "↵" where it breaks.
        html = clock.inner_html()
        style = clock.evaluate("e => getComputedStyle(e).hyphenateCharacter")
        # What a station copies is the number as it types it.
        copied = clock.evaluate("""e => {
            getSelection().selectAllChildren(e);
            const data = new DataTransfer();
            document.dispatchEvent(new ClipboardEvent('copy', {clipboardData: data,
                                                               bubbles: true, cancelable: true}));
            return data.getData('text/plain'); }""")
    finally:
        context.close()
    assert html == LONG.replace("-", "-\u00ad"), html
    assert style == '"\u21b5"'
    assert copied == LONG
    # A run without a hyphen longer than a phone's line may break every 8 characters.
    assert str(clock_breaks("BH-NOTFORSALERADIO20")) == "BH-\u00adNOTFORSA\u00adLERADIO2\u00ad0"


def test_a_spot_s_id_is_never_broken_at_its_hyphen(browser, tmp_path):
    # A trial's phone showed "trata-" at the end of the title's line and "20" under it.
    spot = {**radio("radio", "wav", SHORT[0]), "spot": "trata-20",
            "spot_title": "No estás a la venta (radio, 20 s)"}
    catalog = {"campaign": "c", "title": "C", "pipeline_version": "0",
               "generated": "2026-11-29T10:00:00Z", "variants": [spot]}
    (tmp_path / "index.html").write_text(render_pages(catalog)["index.html"], encoding="utf-8")
    context = browser.new_context(viewport={"width": 390, "height": 900})
    try:
        page = open_page(context, (tmp_path / "index.html").as_uri())
        spot_id = page.locator("#spot-title-trata-20 .spot-id")
        said, lines = spot_id.text_content(), spot_id.evaluate("e => e.getClientRects().length")
        sideways = page.evaluate("document.documentElement.scrollWidth")
        ARTIFACTS.mkdir(exist_ok=True)
        page.locator("#spot-trata-20 h2").screenshot(path=str(ARTIFACTS / "spot-id-390.png"))
    finally:
        context.close()
    assert (said, lines) == ("trata-20", 1)
    assert sideways <= 390 and page.problems == []
