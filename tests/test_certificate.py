"""The loudness certificate as a station reads it, written from a real measurement of a lavfi
tone (the masters that carry one are rendered in test_mastering.py and test_radio.py)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import json

import pytest
from click.testing import CliRunner

from pipeline.cli.main import cli
from pipeline.manifest import load_manifest
from pipeline.media.ffmpeg import ffmpeg_version
from pipeline.media.loudness import Loudness
from pipeline.profiles import Profile
from pipeline.render.certificate import measure_programme, plot_figure, plot_png, \
    programme_record, standard_of, write_certificate
from pipeline.standards import STANDARDS, breaches, range_checks, verdict
from tests.conftest import Campaign
from tests.pagecampaign import ffmpeg
from tests.test_page_browser import ARTIFACTS, browser  # noqa: F401

SECONDS = 4.0    # short-form (EBU R128 s1's short-term rule applies), and long enough to have one


class _Text(HTMLParser):
    """The text a reader sees, by table row (the style sheet left out); and apart, each table's
    rows as their cells, by the table's id, and the text of each heading and paragraph."""

    def __init__(self):
        super().__init__()
        self.rows: list[str] = []
        self.tables: dict[str, list[list[str]]] = {}
        self.heads: dict[str, list[list[str]]] = {}     # a table's header row, by its id
        self._id: str | None = None
        self.blocks: list[str] = []          # h1, h2, p
        self._skip = False
        self._table: list[list[str]] | None = None
        self._block = False

    def handle_starttag(self, tag, attrs):
        self._skip = tag in ("style", "title")
        if tag == "table":
            self._id = dict(attrs).get("id")
            self._table = self.tables.setdefault(self._id, [])
        elif tag == "thead":     # the columns' names, apart from the rows
            self._table = self.heads.setdefault(self._id, [])
        elif tag == "tr":
            self.rows.append("")
            self._table.append([])
        elif tag in ("th", "td"):
            self._table[-1].append("")
        elif tag in ("h1", "h2", "p"):
            self.blocks.append("")
            self._block = True

    def handle_endtag(self, tag):
        self._skip = False
        if tag == "table":
            self._table = None
        elif tag == "thead":
            self._table = self.tables[self._id]
        elif tag in ("h1", "h2", "p"):
            self._block = False

    def handle_data(self, data):
        if self._skip:
            return
        if self._block:
            self.blocks[-1] += data
        if not self.rows:
            self.rows.append("")
        self.rows[-1] += data
        if self._table and self._table[-1]:
            self._table[-1][-1] += data


@pytest.fixture(scope="module")
def profiles(tmp_path_factory, media) -> dict[str, Profile]:
    """`broadcast` (EBU R128) and a profile made from it naming ATSC A/85, as a station's
    manifest makes one."""
    campaign = Campaign(tmp_path_factory.mktemp("campaign"), media)
    manifest = load_manifest(campaign.write([{"code": "yua", "treatment": "dub"}], profiles={
        "broadcast": None, "atsc": {"base": "broadcast", "loudness_standard": "atsc-a85"}}))
    return {profile.name: profile for profile in manifest.profiles}


@pytest.fixture(scope="module")
def tone(tmp_path_factory) -> Path:
    """A stereo tone at about -23 LUFS: within both standards' tolerance."""
    wav = tmp_path_factory.mktemp("certificate") / "spot.yua.broadcast.wav"
    ffmpeg("-f", "lavfi", "-i", f"sine=frequency=1000:duration={SECONDS}:sample_rate=48000",
           "-filter:a", "volume=-2dB,aformat=channel_layouts=stereo", "-c:a", "pcm_s24le", str(wav))
    return wav


def measure(profile: Profile, wav: Path):
    """The tone as a delivered file's programme of `profile`, measured by the meter: a
    certificate that passes, as stations receive them, with the profile's range limit beside
    the standard's rules as certify holds it."""
    loudness, frames = measure_programme(wav, 0.0, profile)
    checks = verdict(standard_of(profile), loudness, SECONDS) + range_checks(
        profile.loudness_range, loudness)
    record = {"campaign": "blue-heart", "spot": "spot", "spot_title": "Not for sale (4 s)",
              "language": "yua", "language_name": "Maaya tʼaan", "profile": profile.name,
              "file": wav.name, "sha256": "0" * 64, "duration": SECONDS, "ffmpeg": ffmpeg_version(),
              "rendered_at": "2026-11-29T10:00:00Z", "loudness": loudness.to_json(),
              "loudness_standard": programme_record(loudness, checks, profile, 0.0)}
    return profile, record, frames, loudness


@pytest.fixture(scope="module")
def measured(profiles, tone):
    return measure(profiles["broadcast"], tone)


@pytest.fixture(scope="module")
def a85(profiles, tone):
    return measure(profiles["atsc"], tone)


def read_certificate(measured, language: str, folder: Path) -> _Text:
    profile, record, frames, loudness = measured
    html, png = folder / f"{language}.loudness.html", folder / f"{language}.loudness.png"
    write_certificate(record, profile, language,
                      plot_png(frames, standard_of(profile), loudness, language,
                               record["loudness_standard"]["short_form"]), html, png)
    text = _Text()
    text.feed(html.read_text(encoding="utf-8"))
    return text


def certificate(measured, language: str, folder: Path) -> list[str]:
    return read_certificate(measured, language, folder).rows


def test_a_spanish_certificate_writes_every_figure_as_mexico_does(measured, tmp_path):
    rows = certificate(measured, "es", tmp_path)
    # Its rules and its measured figures alike with a decimal point (CLDR es_MX), never Spain's
    # decimal comma ("-23,0"), which a Mexican station reads as a thousands separator.
    assert [row for row in rows if re.search(r"\d,\d{1,2}(?!\d)", row)] == []
    rules = " | ".join(rows)
    assert "-23.0 LUFS ± 0.5 LU" in rules and "≤ -1.0 dBTP" in rules and "≤ -18.0 LUFS" in rules
    # The measured figures beside them, as before.
    assert re.search(r"sonoridad integrada-2[23]\.\d LUFS-23\.0 LUFS ± 0\.5 LU", rules)


def test_an_english_certificate_keeps_its_decimal_points(measured, tmp_path):
    rules = " | ".join(certificate(measured, "en", tmp_path))
    assert "-23.0 LUFS ± 0.5 LU" in rules and "≤ -1.0 dBTP" in rules and "≤ -18.0 LUFS" in rules


def test_a_certificate_names_the_meter_s_ffmpeg_release_not_its_banner(measured, tmp_path):
    # It said "ffmpeg version 5.1.9-0+deb12u1 Copyright (c) 2000-2026 the FFmpeg developers".
    (row,) = [row for row in certificate(measured, "es", tmp_path) if row.startswith("Medido con")]
    release = re.match(r"ffmpeg version (\S+)", ffmpeg_version()).group(1)
    assert row.strip() == f"Medido conffmpeg ebur128 (ITU-R BS.1770-4), ffmpeg {release}", row


def plot_labels(measured, language: str) -> list[str]:
    """The plot's axis labels and its legend, as drawn."""
    profile, _, frames, loudness = measured
    (axes,) = plot_figure(frames, standard_of(profile), loudness, language, True).axes
    return [axes.get_xlabel(), axes.get_ylabel(),
            *(text.get_text() for text in axes.get_legend().get_texts())]


@pytest.mark.parametrize("language", ["en", "es"])
def test_an_atsc_a85_certificate_writes_lkfs_throughout_and_lu_for_differences(
        a85, language, tmp_path):
    # It wrote LKFS in its rules beside LUFS in its figures and its plot, of the same measure.
    rows = certificate(a85, language, tmp_path)
    figures = [row for row in rows if re.search(r"-\d+\.\d L[UK]FS", row)]
    assert len(figures) >= 5 and not any("LUFS" in row for row in rows), rows
    labels = plot_labels(a85, language)
    assert labels[1] == "LKFS" and not any("LUFS" in label for label in labels), labels
    assert any(re.search(r"-24\.0 LKFS ± 2\.0 LU$", label) for label in labels), labels
    assert any(re.search(r" -2[23]\.\d LKFS$", label) for label in labels), labels


@pytest.mark.parametrize("language", ["en", "es"])
def test_an_ebu_r128_certificate_writes_lufs_throughout(measured, language, tmp_path):
    rows = certificate(measured, language, tmp_path)
    assert len([row for row in rows if "LUFS" in row]) >= 5
    assert not any("LKFS" in row for row in rows), rows
    labels = plot_labels(measured, language)
    assert labels[1] == "LUFS" and not any("LKFS" in label for label in labels), labels
    assert any(re.search(r"-23\.0 LUFS ± 0\.5 LU$", label) for label in labels), labels


def _measured_cells(table: list[list[str]]) -> list[list[str]]:
    """A rules table with each measured figure (the tone's, near -23) as its unit alone."""
    return [[re.sub(r"^-\d+\.\d ", "", cell.strip()) if at == 1 else cell.strip()
             for at, cell in enumerate(row)] for row in table]


# The profile's loudness-range limit (broadcast's 7 LU), held beside any standard's rules: the
# steady tone has no range.
RANGE_ROW = {"en": ["loudness range", "0.0 LU", "≤ 7 LU",
                    "the profile's own limit (a QC warning)", "passes"],
             "es": ["rango de sonoridad", "0.0 LU", "≤ 7 LU",
                    "límite propio del perfil (aviso del control de calidad)", "cumple"]}


A85_RULES = {
    "en": {"heading": "Rules of ATSC A/85:2013",
           "rules": [["integrated loudness", "LKFS", "-24.0 LKFS ± 2 LU",
                      "ATSC A/85:2013", "passes"],
                     ["true peak", "dBTP", "≤ -2.0 dBTP", "ATSC A/85:2013", "passes"]],
           "measured": "Measured per ITU-R BS.1770-4 with its gating: 400 ms blocks under -70 "
                       "LKFS are left out, then those more than 10 LU under the loudness of the "
                       "blocks left.",
           "house heading": "Also held to (not rules of ATSC A/85:2013)",
           "house": [["maximum short-term loudness", "LKFS", "≤ -19.0 LKFS",
                      "house rule for short-form spots, after EBU R128 s1", "passes"],
                     RANGE_ROW["en"]]},
    "es": {"heading": "Reglas de ATSC A/85:2013",
           "rules": [["sonoridad integrada", "LKFS", "-24.0 LKFS ± 2 LU",
                      "ATSC A/85:2013", "cumple"],
                     ["pico real", "dBTP", "≤ -2.0 dBTP", "ATSC A/85:2013", "cumple"]],
           "measured": "Medido según ITU-R BS.1770-4, con sus umbrales: se excluyen los "
                       "bloques de 400 ms por debajo de -70 LKFS (umbral absoluto) y, luego, los "
                       "que quedan más de 10 LU por debajo de la sonoridad de los bloques "
                       "restantes (umbral relativo).",
           "house heading": "Se exige además (no son reglas de ATSC A/85:2013)",
           "house": [["sonoridad de corto plazo máxima", "LKFS", "≤ -19.0 LKFS",
                      "regla interna para spots cortos, basada en EBU R128 s1", "cumple"],
                     RANGE_ROW["es"]]},
}


@pytest.mark.parametrize("language", ["en", "es"])
def test_an_atsc_a85_certificate_lists_a85_s_rules_and_the_house_rule_apart(
        a85, language, tmp_path):
    # It listed "maximum short-term loudness (EBU R128 s1)" among the rules of ATSC A/85:2013.
    text, wanted = read_certificate(a85, language, tmp_path), A85_RULES[language]
    assert _measured_cells(text.tables["rules"]) == wanted["rules"]
    assert _measured_cells(text.tables["house-rules"]) == wanted["house"]
    # Each column named (a trial's screen reader read five cells with nothing saying which).
    columns = {"en": ["Rule", "Measured", "Limit", "Source", "Result"],
               "es": ["Regla", "Medición", "Límite", "Fuente", "Resultado"]}[language]
    assert text.heads["rules"] == text.heads["house-rules"] == [columns], text.heads
    assert [block for block in text.blocks if block.startswith(wanted["heading"][:6])] == [
        wanted["heading"]]
    assert wanted["measured"] in text.blocks and wanted["house heading"] in text.blocks
    # R128 is named by the house rule alone, never as one of A/85's.
    assert [block for block in text.blocks if "R128" in block] == []
    assert [row for row in text.tables["rules"] + text.tables["file"] if "R128" in "".join(row)] \
        == []
    labels = plot_labels(a85, language)
    assert [label for label in labels if "R128" in label] == [
        {"en": "short-term limit (house rule, after R128 s1)",
         "es": "límite de corto plazo (regla interna, basada en R128 s1)"}[language]]


R128_RULES = {
    "en": [["integrated loudness", "LUFS", "-23.0 LUFS ± 0.5 LU", "EBU R128 (2023)", "passes"],
           ["true peak", "dBTP", "≤ -1.0 dBTP", "EBU R128 (2023)", "passes"],
           ["maximum short-term loudness", "LUFS", "≤ -18.0 LUFS", "EBU R128 s1", "passes"]],
    "es": [["sonoridad integrada", "LUFS", "-23.0 LUFS ± 0.5 LU", "EBU R128 (2023)", "cumple"],
           ["pico real", "dBTP", "≤ -1.0 dBTP", "EBU R128 (2023)", "cumple"],
           ["sonoridad de corto plazo máxima", "LUFS", "≤ -18.0 LUFS", "EBU R128 s1", "cumple"]],
}


@pytest.mark.parametrize("language", ["en", "es"])
def test_an_ebu_r128_certificate_lists_r128_s_rules_with_s1_among_them(
        measured, language, tmp_path):
    text = read_certificate(measured, language, tmp_path)
    assert _measured_cells(text.tables["rules"]) == R128_RULES[language]
    # Beside them, the profile's range limit alone: R128 s1 is R128's own.
    assert _measured_cells(text.tables["house-rules"]) == [RANGE_ROW[language]]
    assert {"en": "Rules of EBU R128 (2023)", "es": "Reglas de EBU R128 (2023)"}[language] \
        in text.blocks
    assert any("-70 LUFS" in block for block in text.blocks)
    assert not any("house" in block or "interna" in block for block in text.blocks)
    assert {"en": "short-term limit (R128 s1)", "es": "límite de corto plazo (R128 s1)"}[
        language] in plot_labels(measured, language)


def test_a_long_programme_s_plot_draws_no_short_term_limit(measured):
    # Every plot drew R128 s1's limit, a programme of more than 2 minutes' too (it has no s1 rule).
    profile, _, frames, loudness = measured
    (axes,) = plot_figure(frames, standard_of(profile), loudness, "en", False).axes
    assert not [text.get_text() for text in axes.get_legend().get_texts()
                if "short-term limit" in text.get_text()]


def test_a_range_over_the_profile_s_limit_is_advisory_never_a_breach(profiles):
    # The profile's limit is a QC warning on the page: held beside the standard's rules, it
    # must not fail the variant nor the standard's verdict.
    profile = profiles["broadcast"]
    wide = Loudness(integrated=-23.0, true_peak=-3.0, lra=8.8, max_momentary=-20.0,
                    max_short_term=-21.0)
    checks = verdict(STANDARDS["ebu-r128"], wide, SECONDS) + range_checks(7.0, wide)
    (held,) = [check for check in checks if check.advisory]
    assert (held.measured, held.limit, held.passed, held.house) == (8.8, "≤ 7 LU", False, True)
    assert breaches(STANDARDS["ebu-r128"], checks) is None
    assert programme_record(wide, checks, profile, 0.0)["passed"]
    # Silence has no range to hold (its warning is silent-audio's).
    assert range_checks(7.0, Loudness(integrated=None, true_peak=None, lra=0.0)) == []


def _dub(path: Path, quiet: float, loud: float) -> None:
    """A 4 s dub of a 700 Hz tone at `quiet` amplitude that rises to `loud` for its last 0.5 s:
    a range (LRA) of about 9.5 LU when they are 18 dB apart, none when they are equal."""
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=700:sample_rate=48000:duration=4",
           "-af", f"volume='if(lt(t,3.5),{quiet},{loud})':eval=frame", str(path))


@pytest.mark.e2e
def test_a_certificate_lists_the_profile_s_range_limit_failed_beside_a_passing_verdict(campaign):
    # A station's QC desk filed a certificate saying "Cumple" with 8.8 LU and no limit, while the
    # page warned that the range was over the profile's 7 LU.
    _dub(campaign.root / "audio/spot/yua.wav", 0.25, 2.0)
    _dub(campaign.root / "audio/spot/maj.wav", 1.0, 1.0)
    manifest = campaign.write([{"code": "yua", "treatment": "dub"},
                               {"code": "maj", "treatment": "dub"}], profiles=["radio"])
    result = CliRunner().invoke(cli, ["render", str(manifest)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    marks = {}
    for code in ("yua", "maj"):
        record = json.loads((campaign.out / f"spot.{code}.radio.json").read_text("utf-8"))
        assert (campaign.out / record["file"]).is_file() and record["loudness_standard"]["passed"]
        html = (campaign.out / record["certificate"]).read_text(encoding="utf-8")
        text = _Text()
        text.feed(html)
        (row,) = [row for row in text.tables["house-rules"] if row[0] == "rango de sonoridad"]
        lra = record["loudness"]["lra_lu"]
        assert [cell.strip() for cell in row[1:4]] == [
            f"{lra:.1f} LU", "≤ 7 LU", "límite propio del perfil (aviso del control de calidad)"]
        assert 'id="verdict" data-passed="true"' in html and "Cumple EBU R128 (2023)" in html
        warned = [w["code"] for w in record["qc"]["warnings"]]
        marks[code] = (row[4].strip(), lra > 7, "loudness-range" in warned)
    # The certificate's mark and the page's warning agree, from the meter's figure.
    assert marks == {"yua": ("no cumple", True, True), "maj": ("cumple", False, False)}, marks


def test_a_record_from_before_the_range_limit_still_writes_its_certificate(measured, tmp_path):
    # Records of RENDER_VERSION 21 and before keep no range check and no `advisory` key.
    profile, record, frames, loudness = measured
    old = {**record, "loudness_standard": {**record["loudness_standard"], "checks": [
        {key: value for key, value in check.items() if key != "advisory"}
        for check in record["loudness_standard"]["checks"] if check["rule"] != "loudness range"]}}
    text = read_certificate((profile, old, frames, loudness), "en", tmp_path)
    assert _measured_cells(text.tables["rules"]) == R128_RULES["en"]
    assert "house-rules" not in text.tables


@pytest.mark.parametrize("own, after", [
    ("Maaya tʼaan", "(maya, yua)"),
    # The manifest's name says the Spanish one already (the demo's): not twice.
    ("Maaya tʼaan (maya yucateco)", "(yua)"),
    ("Maya", "(yua)"),
])
def test_the_heading_names_the_language_once_in_spanish(measured, tmp_path, own, after):
    profile, record, frames, loudness = measured
    html = tmp_path / "c.html"
    write_certificate(record | {"language_name": own}, profile, "es",
                      plot_png(frames, standard_of(profile), loudness, "es",
                               record["loudness_standard"]["short_form"]), html,
                      tmp_path / "c.png")
    text = " ".join(html.read_text(encoding="utf-8").split())
    # And what the file is, as the page's card says it, its profile's name beside it.
    assert f'<span lang="yua">{own}</span> {after} · Máster para TV (MOV, audio PCM) ' \
        f'({profile.name})</p>' in text, text[:2000]


@pytest.mark.e2e
@pytest.mark.parametrize("language", ["es", "en"])
@pytest.mark.parametrize("width", [390, 320])
def test_a_certificate_fits_a_phone_without_scrolling_sideways(browser, measured, tmp_path,
                                                               language, width):
    # A trial's certificate was 399 px wide in a 390 px viewport: 9 px of sideways scroll (the
    # rules' five columns and the SHA-256 as one word).
    read_certificate(measured, language, tmp_path)
    context = browser.new_context(viewport={"width": width, "height": 844},
                                  device_scale_factor=2, is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        page.goto((tmp_path / f"{language}.loudness.html").as_uri())
        widths = page.evaluate("({scroll: document.documentElement.scrollWidth, "
                               "inner: innerWidth})")
        # What runs past the right edge, if anything, named for the failure's message.
        over = page.evaluate("[...document.querySelectorAll('body *')].filter(e => "
                             "e.getBoundingClientRect().right > innerWidth + 0.5)"
                             ".map(e => e.tagName + ' ' + (e.id || e.className || ''))")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"certificate-{language}-{width}.png"),
                        full_page=True)
    finally:
        context.close()
    assert widths["scroll"] <= widths["inner"] == width, (widths, over)
    assert over == []
