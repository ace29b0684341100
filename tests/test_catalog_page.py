"""catalog.json, and the broadcasters' pages as text (the pages in Chromium: test_page_browser.py)."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from html import unescape
from html.parser import HTMLParser

import pytest

from pipeline.errors import ValidationError
from pipeline.manifest import load_manifest
from pipeline.publish.catalog import build_catalog, load_records, write_catalog
from pipeline.publish.page import page_names, render_pages, safe_url
from pipeline.publish.upload import publish
from tests.pagecampaign import CLIPPED, HOSTILE, WARNING, page_campaign, page_sources, write_manifest  # noqa: F401
from tests.s3server import campaign, media, variant_cache  # noqa: F401

HOSTILE_TITLE = "Blue Heart <script>document.title='pwned'</script> & \"friends\""
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
    assert first["warnings"] == [] and "medium" not in first
    soft = next(v for v in catalog["variants"] if v["treatment"] == "soft")
    assert [s["file"] for s in soft["sidecars"]] == ["not-for-sale-15/not-for-sale-15.tzo.srt",
                                                     "not-for-sale-15/not-for-sale-15.tzo.vtt"]
    srt = campaign.campaign_dir / "not-for-sale-15" / "not-for-sale-15.tzo.srt"
    assert soft["sidecars"][0]["bytes"] == srt.stat().st_size
    assert soft["sidecars"][0]["sha256"] == hashlib.sha256(srt.read_bytes()).hexdigest()
    json.dumps(catalog)


def test_write_catalog_is_atomic_and_stable(campaign):
    assert write_catalog(campaign) == []                 # every record listed
    path = campaign.campaign_dir / "catalog.json"
    first = json.loads(path.read_bytes())
    # An unchanged campaign keeps the catalog's date, so a re-publish uploads nothing.
    path.write_text(json.dumps(first | {"generated": "2000-01-01T00:00:00Z"}), encoding="utf-8")
    assert write_catalog(campaign) == []
    again = json.loads(path.read_bytes())
    assert again == first | {"generated": "2000-01-01T00:00:00Z"}
    assert not list(path.parent.glob(".catalog.json.*"))
    assert len(first["variants"]) == 12


def test_catalog_carries_medium_warnings_and_certificates(page_campaign):
    catalog = build_catalog(page_campaign, load_records(page_campaign))
    by_name = {v["file"].rsplit("/", 1)[1]: v for v in catalog["variants"]}
    assert by_name["radio-20.yua.radio.wav"]["medium"] == "radio"
    mxf = by_name["not-for-sale-15.yua.broadcast-mxf.mxf"]
    assert (mxf["warnings"], mxf["warning_codes"]) == ([WARNING], [None])
    wav = by_name["radio-20.yua.radio.wav"]
    # The file's name only: never a folder of the machine that rendered.
    assert wav["warnings"] == ["yua.wav: " + CLIPPED["message"]]
    assert wav["warning_codes"] == ["clipping"]
    assert [s["file"].rsplit("/", 1)[1] for s in mxf["sidecars"]] == [
        "not-for-sale-15.yua.broadcast-mxf.loudness.png", "not-for-sale-15.yua.broadcast-mxf.loudness.html"]
    certificate = page_campaign.campaign_dir / "not-for-sale-15" / "not-for-sale-15.yua.broadcast-mxf.loudness.html"
    assert mxf["sidecars"][1]["sha256"] == hashlib.sha256(certificate.read_bytes()).hexdigest()


def test_a_card_gives_the_programme_s_length_not_the_master_s_file_with_its_leader(page_campaign):
    catalog = build_catalog(page_campaign, load_records(page_campaign))
    by_name = {v["file"].rsplit("/", 1)[1]: v for v in catalog["variants"]}
    mxf = by_name["not-for-sale-15.yua.broadcast-mxf.mxf"]
    assert (mxf["duration"], mxf["programme_duration"], mxf["leader_duration"]) == (3.0, 1.0, 2.0)
    web = by_name["not-for-sale-15.yua.web.mp4"]
    assert (web["programme_duration"], "leader_duration" in web) == (1.0, False)
    pages = render_pages(catalog)
    for name, programme, master in (("index.html", "1 s", "3 s con barras y claqueta"),
                                    ("index.en.html", "1 sec", "3 sec with leader")):
        card = pages[name].split('id="card-not-for-sale-15-yua"', 1)[1].split('<li class="card"', 1)[0]
        # The master is the card's first file: its length used to be the card's.
        assert f'<span class="duration">{programme}</span>' in card
        lines = re.findall(r'<li class="file" data-medium="(\w+)">(.*?)</li>', card, re.S)
        with_leader = [medium for medium, line in lines if master in line]
        assert with_leader == ["tv"], name  # the master's own line, and no other


def test_a_web_file_s_line_says_its_rate_and_scan_too(page_campaign):
    # A trial's TV station could not tell from the page whether the web MP4 could air: its
    # rate and scan were on the masters' lines alone.
    catalog = build_catalog(page_campaign, load_records(page_campaign))
    by_name = {v["file"].rsplit("/", 1)[1]: v for v in catalog["variants"]}
    web = by_name["not-for-sale-15.yua.web.mp4"]
    assert web["picture"] == {"rate": "25", "scan": "progressive"}, web.get("picture")
    assert "picture" not in by_name["not-for-sale-15.yua.broadcast-mxf.mxf"]   # its facts say it
    assert "picture" not in by_name["radio-20.yua.radio.wav"]
    card = render_pages(catalog)["index.html"].split('id="card-not-for-sale-15-yua"', 1)[1]
    (line,) = [line for line in re.findall(r'<li class="file" data-medium="\w+">(.*?)</li>', card,
                                           re.S) if "yua.web.mp4" in line]
    assert '<span class="scan">25 fps, progresivo</span>' in line, line


def test_a_tv_master_s_line_says_its_rate_scan_start_timecode_and_tracks(page_campaign):
    # What a station's ingest checks before the spot airs, on the master's line and no other.
    catalog = build_catalog(page_campaign, load_records(page_campaign))
    by_name = {v["file"].rsplit("/", 1)[1]: v for v in catalog["variants"]}
    assert by_name["not-for-sale-15.yua.broadcast-mxf.mxf"]["master"] == {
        "rate": "25/1", "scan": "tff", "woven_from_fields": False,
        "programme_timecode": "10:00:00:00", "file_timecode": "09:59:58:00",
        # Its 25 frames' last: where a playout list books it to (a trial's master control
        # found it on the slate alone).
        "programme_last_timecode": "10:00:00:24",
        "audio_tracks": ["mix L", "mix R"] + ["silence"] * 6}
    assert "master" not in by_name["not-for-sale-15.yua.web.mp4"]
    pages = render_pages(catalog)
    for name, facts in (
            ("index.html", ["25 fps, entrelazado, campo superior primero; los dos campos de cada "
                            "cuadro de una misma imagen (PsF)",
                            "programa de 10:00:00:00 a 10:00:00:24",
                            "8 pistas mono: la mezcla en la 1 y la 2, silencio en las demás"]),
            ("index.en.html", ["25 fps, interlaced, top field first; each frame's two fields from "
                               "one picture (PsF)",
                               "programme from 10:00:00:00 to 10:00:00:24",
                               "8 mono tracks: the mix on 1 and 2, silence on the others"])):
        card = pages[name].split('id="card-not-for-sale-15-yua"', 1)[1].split('<li class="card"', 1)[0]
        lines = re.findall(r'<li class="file" data-medium="(\w+)">(.*?)</li>', card, re.S)
        for fact in facts:
            said = [medium for medium, line in lines if fact in unescape(re.sub(r"<[^>]+>", "", line))]
            assert said == ["tv"], (name, fact)
    # A Mexican station's master, 29.97 fps (before: publish stopped on it, "internal error:
    # InvalidOperation", after copying the files: no catalog, no page).
    master = by_name["not-for-sale-15.yua.broadcast-mxf.mxf"]["master"]
    master.update(rate="30000/1001", programme_timecode="00:59:50;00")
    assert "29.97 fps, entrelazado, campo superior primero" in render_pages(catalog)["index.html"]


# --- the pages as text ------------------------------------------------------------------------

def pages_for(campaign, **changes) -> dict[str, str]:
    catalog = build_catalog(campaign, load_records(campaign))
    catalog.update(changes)
    return render_pages(catalog)


def test_every_string_is_escaped(page_campaign):
    # The page heads with its language's title (`titles`), the catalog's `title` the default's.
    hostile = {"title": HOSTILE_TITLE, "titles": {"es": HOSTILE_TITLE, "en": HOSTILE_TITLE}}
    for html in pages_for(page_campaign, **hostile).values():
        assert "<script>document.title" not in html
        assert "&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt; &amp; &#34;friends&#34;" in html
        assert HOSTILE not in html and "&lt;img src=x onerror=" in html  # a language's name
        assert "<b>check</b>" not in html and "&lt;b&gt;check&lt;/b&gt;" in html  # a QC warning
        assert html.count("<script>") == 2  # the page's own


def test_inline_scripts_and_style_match_the_content_security_policy(page_campaign):
    for html in pages_for(page_campaign).values():
        policy = unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html).group(1))
        assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
        bodies = re.findall(r"<(script|style)>(.*?)</\1>", html, re.S)
        assert sorted(tag for tag, _ in bodies) == ["script", "script", "style"]
        for tag, body in bodies:
            digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
            assert f"'sha256-{digest}'" in re.search(rf"{tag}-src ([^;]+)", policy).group(1)
        assert not [name for name in attribute_names(html) if name == "style" or name.startswith("on")]


def attribute_names(html: str) -> set[str]:
    names: set[str] = set()

    class Attributes(HTMLParser):
        def handle_starttag(self, tag, attrs):
            names.update(name for name, _ in attrs)

    Attributes().feed(html)
    return names


def test_a_warning_says_what_kind_of_problem_it_is_in_the_page_s_language(page_campaign):
    pages = pages_for(page_campaign)
    detail = '<span lang="en">yua.wav: the recording is clipped: 12 samples held at full scale'
    assert '<span class="warning-kind">Grabación saturada (recortada)</span>: ' + detail \
        in pages["index.html"]
    assert '<span class="warning-kind">Clipped recording</span>: ' + detail in pages["index.en.html"]
    # A warning without a code (an older record's) is its text alone.
    assert '<li><span lang="en">true peak -0.4 dBTP' in pages["index.html"]


def test_spanish_first_english_beside_it(page_campaign):
    pages = pages_for(page_campaign)
    assert set(pages) == {"index.html", "index.en.html"}
    spanish, english = pages["index.html"], pages["index.en.html"]
    assert '<html lang="es" data-figures="es-MX" data-default-page="true">' in spanish
    assert '<html lang="en" data-figures="en" data-default-page="false">' in english
    assert "Buscar una lengua" in spanish and "Find a language" in english
    # The community's name first, then the language's name in the page's language.
    assert '<span class="local-name">tsotsil</span>' in spanish
    assert '<span class="local-name">Tzotzil</span>' in english
    assert "Máster para TV, MXF XDCAM HD422" in spanish and "TV master, MXF XDCAM HD422" in english
    # Figures as each locale writes them (CLDR through Babel).
    mxf = page_campaign.campaign_dir / "not-for-sale-15" / "not-for-sale-15.yua.broadcast-mxf.mxf"
    kilobytes = mxf.stat().st_size / 1000
    assert f"{kilobytes:.1f} kB" in spanish and f"{kilobytes:.1f} kB" in english
    # Mexico writes a decimal point (CLDR es_MX), as English does.
    figure = re.compile(r'-23\.0 <abbr title="[^"]+">LUFS</abbr>')     # its unit said in words
    assert figure.search(spanish) and figure.search(english) and "-23,0" not in spanish
    assert re.search(r"publicado el <time[^>]*>\d{1,2} de [a-z]+ de \d{4}", spanish)
    assert re.search(r"published <time[^>]*>[A-Z][a-z]+ \d{1,2}, \d{4}", english)


def test_the_manifest_names_the_default_language(tmp_path, page_sources):
    manifest = load_manifest(write_manifest(tmp_path, page_language="en"))
    assert manifest.page_language == "en"
    assert page_names(manifest.page_language) == {"en": "index.html", "es": "index.es.html"}


def test_an_unknown_page_language_is_an_error_with_its_line(tmp_path):
    path = write_manifest(tmp_path, page_language="fr")
    with pytest.raises(ValidationError) as caught:
        load_manifest(path)
    (problem,) = caught.value.diagnostics
    line = path.read_text().splitlines().index("  page_language: fr") + 1
    assert (problem.path, problem.line) == (path, line)
    assert "publish.page_language 'fr' is not one of: es, en" in problem.message


def test_publish_puts_both_pages_and_the_language_lists(page_campaign):
    report = publish(page_campaign)
    assert report.ok, report.diagnostics
    dist = page_campaign.path.parent.parent / "dist" / "blue-heart"
    keys = [o.key.removeprefix("blue-heart/") for o in report.objects]
    assert keys[-2:] == ["catalog.json", "index.html"] and "index.en.html" in keys
    assert {"ote", "tzo", "yua", "tar"} == {k.split(".")[0] for k in keys if k.endswith(".SHA256SUMS")}
    catalog = json.loads((dist / "catalog.json").read_text(encoding="utf-8"))
    yua = next(b for b in catalog["bundles"] if b["language"] == "yua")
    assert yua["files"] == 11 and yua["urls"]["absolute"] is None  # a folder has no address
    assert (dist / "yua.urls.txt").read_text().splitlines()[-1] == "yua.SHA256SUMS"


@pytest.mark.parametrize("url, expected", [("a/b.mp4", "a/b.mp4"), ("https://x/y?z=1", "https://x/y?z=1"),
                                           ("javascript:alert(1)", "#"), ("data:text/html,x", "#"),
                                           (None, "#")])
def test_only_catalog_kinds_of_link_survive(url, expected):
    assert safe_url(url) == expected


def test_a_warning_names_files_not_the_rendering_machine_s_paths():
    """A trial's station page read "las pistas de audio a:0 y a:1 de /tmp/t12/media/master.mov":
    a path of the machine that rendered, in a warning's text and its parameters."""
    from pipeline.errors import warning
    from pipeline.messages import N_, say
    from pipeline.publish.public_warnings import public_detail, public_warning

    found = warning(say(N_("audio streams of %(file)s look like stems (ATSC A/85, 24000/1001)"),
                        file="/tmp/t12/media/master.mov"),
                    "/tmp/t12/manifests/c.yaml", 6, code="stems").to_json()
    assert public_warning(found) == ("c.yaml:6: audio streams of master.mov look like stems "
                                     "(ATSC A/85, 24000/1001)")
    detail = public_detail(found)
    assert "/tmp" not in json.dumps(detail) and "master.mov" in json.dumps(detail), detail


def test_a_subtitled_card_in_the_spots_own_language_says_its_sound_is_in_it(page_campaign):
    # A trial's Spanish SDH card (a soft language that is the spot's own) read "the sound is
    # the spot's own, in Spanish, not in this language".
    for source, said in (("tzo", "El sonido es el original del spot, en esta lengua."),
                         ("spa", "El sonido es el original del spot, en español, no en esta "
                                 "lengua.")):
        card = pages_for(page_campaign, source_language=source)["index.html"].split(
            'id="card-not-for-sale-15-tzo"', 1)[1]
        sound = re.search(r'<span class="sound-language">(.*?)</span>', card, re.S).group(1)
        assert sound.strip() == said, sound


def test_a_screen_reader_hears_which_file_and_language_each_control_is_for(page_campaign):
    # A trial's blind producer: eight "Copy the SHA-256 checksum" buttons of one name, the
    # 64 digits read with no label, and on the English page a Spanish spot title read as
    # English (WCAG 2.4.6, 1.3.1, 3.1.2).
    from lxml import etree

    catalog = build_catalog(page_campaign, load_records(page_campaign))
    for variant in catalog["variants"]:      # the titles in the spots' language alone
        variant.pop("spot_titles", None)
    pages = render_pages(catalog)
    for name, language in (("index.html", "es"), ("index.en.html", "en")):
        page = etree.HTML(pages[name])
        buttons = page.xpath("//button[contains(@class, 'copy')]")
        assert len(buttons) > 8
        for card in page.xpath("//li[contains(@class, 'card')]"):    # a spot's card
            names = ["".join(button.itertext()).strip()
                     for button in card.xpath(".//button[contains(@class, 'copy')]")]
            assert len(set(names)) == len(names), sorted(n for n in names if names.count(n) > 1)
        for button in buttons:
            assert button.xpath(".//span[@lang]"), etree.tostring(button)     # the language
        assert page.xpath("//*[@aria-hidden='true'][contains(@class, 'sha-label')]") == []
        titles = page.xpath("//section[@class='spot']/h2")
        assert titles
        for title in titles:
            marked = title.xpath("./span[@lang]")
            assert [span.get("lang") for span in marked] == (["es"] if language == "en"
                                                              else []), etree.tostring(title)
