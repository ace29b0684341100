"""catalog.json and the broadcasters' page, the page opened in headless Chromium."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
import subprocess
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from pipeline.publish.catalog import build_catalog, load_records, write_catalog
from pipeline.publish.page import render_index_html, safe_url
from pipeline.publish.upload import publish
from tests.s3server import campaign, make_campaign, media, variant_cache  # noqa: F401

ARTIFACTS = Path(__file__).parent / "artifacts"
HOSTILE_TITLE = "Blue Heart <script>document.title='pwned'</script> & \"friends\""
HOSTILE_SPOT = "Spot </td><script>document.body.setAttribute('data-pwned','1')</script> (30 s)"
CONTRACT_KEYS = {"spot", "language", "language_name", "treatment", "profile", "file", "url", "bytes",
                 "sha256", "duration", "width", "height", "loudness_lufs", "true_peak_dbtp"}


# --- catalog.json -----------------------------------------------------------------------------

def test_catalog_has_the_contract_shape(campaign):
    catalog = build_catalog(campaign, load_records(campaign))
    assert {"campaign", "title", "generated", "variants"} <= set(catalog)
    assert catalog["campaign"] == "blue-heart"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", catalog["generated"])
    first = catalog["variants"][0]
    assert CONTRACT_KEYS <= set(first)
    assert first["file"] == "not-for-sale-15/not-for-sale-15.nah.web.mp4"
    assert first["url"] == first["file"]  # relative to the catalog: works wherever it is served
    assert first["language_name"] == "Náhuatl" and first["treatment"] == "burn"
    assert (first["loudness_lufs"], first["true_peak_dbtp"]) == (-16.1, -1.4)
    assert first["poster"] == "not-for-sale-15/not-for-sale-15.nah.web.jpg"
    soft = next(v for v in catalog["variants"] if v["treatment"] == "soft")
    assert [s["file"] for s in soft["sidecars"]] == ["not-for-sale-15/not-for-sale-15.tzo.srt",
                                                     "not-for-sale-15/not-for-sale-15.tzo.vtt"]
    json.dumps(catalog)


def test_write_catalog_is_atomic_and_stable(campaign):
    path = write_catalog(campaign)
    assert path == campaign.campaign_dir / "catalog.json"
    first = json.loads(path.read_bytes())
    # An unchanged campaign keeps the catalog's date, so a re-publish uploads nothing.
    path.write_text(json.dumps(first | {"generated": "2000-01-01T00:00:00Z"}), encoding="utf-8")
    again = json.loads(write_catalog(campaign).read_bytes())
    assert again == first | {"generated": "2000-01-01T00:00:00Z"}
    assert not list(path.parent.glob(".catalog.json.*"))
    assert len(first["variants"]) == 12


# --- the page as text -------------------------------------------------------------------------

def page_for(campaign, **changes) -> str:
    catalog = build_catalog(campaign, load_records(campaign))
    catalog.update(changes)
    return render_index_html(catalog)


def test_every_string_is_escaped(campaign):
    html = page_for(campaign, title=HOSTILE_TITLE)
    assert "<script>document.title" not in html
    assert "&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt; &amp; &#34;friends&#34;" in html
    assert html.count("<script>") == 1  # the page's own


def test_inline_script_and_style_match_the_content_security_policy(campaign):
    html = page_for(campaign)
    policy = unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html).group(1))
    for tag in ("script", "style"):
        body = re.search(rf"<{tag}>(.*?)</{tag}>", html, re.S).group(1)
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in policy


@pytest.mark.parametrize("url, expected", [("a/b.mp4", "a/b.mp4"), ("https://x/y?z=1", "https://x/y?z=1"),
                                           ("javascript:alert(1)", "#"), ("data:text/html,x", "#"),
                                           (None, "#")])
def test_only_catalog_kinds_of_link_survive(url, expected):
    assert safe_url(url) == expected


# --- the page in Chromium -----------------------------------------------------------------------

def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        pytest.fail("chromium not found: the catalog page test needs it "
                    "(apt-get install chromium)")
    return found


def run_chromium(tmp_path: Path, url: str, *extra: str) -> str:
    command = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
               "--no-first-run", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--disable-extensions", f"--user-data-dir={tmp_path / 'chromium-profile'}",
               "--virtual-time-budget=2000", *extra, url]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


class Page(HTMLParser):
    """What a test needs from a dumped DOM: variant rows, their links, the title texts."""

    def __init__(self, html: str):
        super().__init__()
        self.rows: list[dict] = []
        self.root: dict = {}
        self.texts: dict[str, str] = {"title": "", "h1": ""}
        self.pwned = False
        self._in: str | None = None
        self._row: dict | None = None
        self._in_code = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.pwned = self.pwned or "data-pwned" in attrs
        if tag == "html":
            self.root = attrs
        elif tag == "tr" and "variant" in (attrs.get("class") or ""):
            self._row = {**attrs, "links": [], "img": None, "sha": ""}
            self.rows.append(self._row)
        elif self._row and tag == "a" and "download" in attrs:
            self._row["links"].append(attrs["href"])
        elif self._row and tag == "img":
            self._row["img"] = attrs["src"]
        elif tag in self.texts:
            self._in = tag
        self._in_code = tag == "code" and self._row is not None

    def handle_endtag(self, tag):
        if tag == self._in:
            self._in = None
        if tag == "code":
            self._in_code = False
        if tag == "tr":
            self._row = None

    def handle_data(self, data):
        if self._in:
            self.texts[self._in] += data
        if self._in_code:
            self._row["sha"] += data.strip()


@pytest.fixture
def published_page(tmp_path, media, variant_cache) -> Path:
    manifest = make_campaign(tmp_path / "project", media, variant_cache, title=HOSTILE_TITLE,
                             spot_titles={"not-for-sale-15": "Human beings are not for sale (15 s)",
                                          "not-for-sale-30": HOSTILE_SPOT})
    assert publish(manifest).ok
    return tmp_path / "project" / "dist" / "blue-heart" / "index.html"


def local_path(page_url: str, href: str) -> Path:
    return Path(unquote(urlsplit(urljoin(page_url, href)).path))


@pytest.mark.e2e
def test_page_lists_every_variant_and_its_links_resolve(tmp_path, published_page):
    url = published_page.as_uri()
    page = Page(run_chromium(tmp_path, url, "--dump-dom"))
    assert page.root.get("data-ready") == "true"  # the page's script ran under its CSP
    assert len(page.rows) == 12
    assert not any("hidden" in row for row in page.rows)
    for row in page.rows:
        download = local_path(url, row["links"][0])
        assert download.is_file(), download
        assert hashlib.sha256(download.read_bytes()).hexdigest() == row["sha"]
        assert local_path(url, row["img"]).is_file()
        for sidecar in row["links"][1:]:
            assert local_path(url, sidecar).is_file()
    assert sum(len(row["links"]) - 1 for row in page.rows) == 8  # SRT + VTT of 4 soft variants


@pytest.mark.e2e
@pytest.mark.parametrize("suffix, language, profile, shown", [
    ("#lang=nah", "nah", None, 4),
    ("?profile=broadcast", None, "broadcast", 6),
    ("?lang=yua#lang=tzo&profile=web", "tzo", "web", 2),
])
def test_filters_preselected_from_the_url(tmp_path, published_page, suffix, language, profile, shown):
    page = Page(run_chromium(tmp_path, published_page.as_uri() + suffix, "--dump-dom"))
    visible = [row for row in page.rows if "hidden" not in row]
    assert len(visible) == shown
    assert all((language is None or row["data-lang"] == language) and
               (profile is None or row["data-profile"] == profile) for row in visible)


@pytest.mark.e2e
def test_a_hostile_title_is_shown_as_text_and_never_runs(tmp_path, published_page):
    page = Page(run_chromium(tmp_path, published_page.as_uri(), "--dump-dom"))
    assert page.root.get("data-ready") == "true"
    assert page.texts["h1"] == HOSTILE_TITLE
    assert page.texts["title"].startswith(HOSTILE_TITLE)
    assert not page.pwned


@pytest.mark.e2e
def test_screenshot_of_the_page(tmp_path, published_page):
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "catalog-page.png"
    shot.unlink(missing_ok=True)
    run_chromium(tmp_path, published_page.as_uri(), "--window-size=1400,1800", "--hide-scrollbars",
                 f"--screenshot={shot}")
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 50_000
