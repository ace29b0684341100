"""A profile naming ATSC A/85 and one naming EBU R128, rendered and published side by side: each
says its figures in its standard's unit (LKFS, LUFS) wherever a station reads them, the
terminal, the record, the catalog, the page in Spanish and English, and `verify`; each record
says whose rules the programme was held to; a loudness range over the profile's limit is said
as the profile's limit, not as a standard's."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest

from tests.conftest import Campaign, ffmpeg
from tests.test_radio import invoke

SMALL = {"base": "broadcast", "width": 320, "height": 180, "preset": "ultrafast"}
FILES = {"atsc": "spot.nah.atsc.mov", "tv": "spot.nah.tv.mov"}
UNITS = {"atsc": "LKFS", "tv": "LUFS"}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, media):
    """(the campaign, render's output, the published folder): the spot's master sound, soft
    subtitled, on `atsc` (ATSC A/85) and `tv` (`broadcast`: EBU R128). Its sound is a tone 16 dB
    quieter for its first half: a loudness range wider than the 7 LU both keep from
    `broadcast`."""
    campaign = Campaign(tmp_path_factory.mktemp("standards"), media)
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25:duration=8",
           "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=8",
           "-filter:a", "volume='if(lt(t,4),0.05,0.3)':eval=frame,aformat=channel_layouts=stereo",
           "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac",
           str(campaign.root / "media/spot.mp4"))
    campaign.subtitle("nah")
    manifest = campaign.write([{"code": "nah", "treatment": "soft"}], profiles={
        "atsc": {**SMALL, "loudness_standard": "atsc-a85"}, "tv": SMALL})
    render = invoke("render", manifest)
    assert render.exit_code == 0, render.output
    dist = campaign.root / "dist"
    published = invoke("publish", manifest, "--to", f"file://{dist}")
    assert published.exit_code == 0, published.output
    return campaign, render.output, dist / "test-campaign"


def _card_figures(html: str, file: str) -> str:
    """The text of the figures on the page's line of `file`."""
    line = html[:html.index(f'<code class="file-name">{file}</code>')]
    line = line[line.rindex('<span class="file-meta">'):]
    return unescape(re.sub(r"<[^>]+>", "", line))


@pytest.mark.e2e
def test_each_profile_s_figures_are_in_its_standard_s_unit_on_every_surface(rendered):
    campaign, output, folder = rendered
    # The terminal's table (it said "-24.0 LUFS" of the A/85 profile's file).
    for profile, unit in UNITS.items():
        (row,) = [line for line in output.splitlines()
                  if line.startswith(f"test-campaign/spot.nah.{profile} ")]
        assert re.search(rf"rendered .* -2[34]\.\d {unit} -?\d+\.\d dBTP$", row), row
    catalog = json.loads((folder / "catalog.json").read_text(encoding="utf-8"))
    units = {variant["profile"]: variant["loudness_unit"] for variant in catalog["variants"]}
    assert units == UNITS
    for page in ("index.html", "index.en.html"):
        html = (folder / page).read_text(encoding="utf-8")
        for profile, unit in UNITS.items():
            figures = _card_figures(html, FILES[profile])
            assert re.search(rf"-2[34]\.\d {unit}", figures), (page, figures)
            assert not re.search(r"L[UK]FS", figures.replace(unit, "")), (page, figures)
    verified = invoke("verify", folder)
    assert verified.exit_code == 0, verified.output
    for profile, unit in UNITS.items():
        (line,) = [line for line in verified.output.splitlines() if FILES[profile] in line]
        assert re.search(rf"-2[34]\.\d {unit}\b", line) and "LUFS" not in line.replace(unit, ""), \
            line


@pytest.mark.e2e
def test_each_record_says_whose_rules_its_programme_was_held_to(rendered):
    campaign, _, _ = rendered
    held = {profile: [(check["rule"], check["limit"], check["source"], check["house"])
                      for check in json.loads((campaign.out / f"spot.nah.{profile}.json")
                                              .read_text(encoding="utf-8"))
                      ["loudness_standard"]["checks"]]
            for profile in UNITS}
    assert held == {
        "atsc": [("integrated loudness", "-24.0 LKFS ± 2 LU", "ATSC A/85:2013", False),
                 ("true peak", "≤ -2.0 dBTP", "ATSC A/85:2013", False),
                 ("maximum short-term loudness", "≤ -19.0 LKFS",
                  "house rule for short-form spots, after EBU R128 s1", True), RANGE],
        "tv": [("integrated loudness", "-23.0 LUFS ± 0.5 LU", "EBU R128 (2023)", False),
               ("true peak", "≤ -1.0 dBTP", "EBU R128 (2023)", False),
               ("maximum short-term loudness", "≤ -18.0 LUFS", "EBU R128 s1", False), RANGE]}


# The profile's loudness-range limit, held beside either standard's rules as the profile's own.
RANGE = ("loudness range", "≤ 7 LU", "the profile's own limit (a QC warning)", True)


@pytest.mark.e2e
def test_a_loudness_range_over_the_profile_s_limit_is_said_as_the_profile_s(rendered):
    # An A/85 profile's warning cited EBU Tech 3342 as if it set the limit, under the kind
    # "too wide for broadcast": A/85 sets none, nor R128; Tech 3342 defines how LRA is measured.
    campaign, output, folder = rendered
    ranges = {profile: json.loads((campaign.out / f"spot.nah.{profile}.json").read_text(
        encoding="utf-8"))["loudness"]["lra_lu"] for profile in UNITS}
    for profile, lra in ranges.items():
        assert lra > 7, ranges
        # At the master, whose sound it is: once for both variants (the same range and limit).
        assert (f"{campaign.root / 'media/spot.mp4'}: warning: loudness range {lra:.1f} LU, "
                "measured per EBU Tech 3342, is wider than the limit of 7 LU of profiles atsc and "
                "tv") in output, output
        # On the page, said once for the card's two files (the same text on both), at the top.
        pages = {name: re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", (folder / name).read_text(
            encoding="utf-8")))) for name in ("index.html", "index.en.html")}
        assert pages["index.html"].count(
            "Rango de sonoridad mayor que el límite del perfil: los pasajes suaves quedan muy por "
            "debajo de los fuertes: al aire pueden perderse bajo el ruido de fondo del oyente "
            f"(rango de sonoridad: {lra:.1f} LU; el límite de «Máster para TV (MOV, audio PCM) "
            "(atsc)» y «Máster para TV (MOV, audio PCM) (tv)» es 7 LU) Escúchelo antes de "
            "emitirlo.") == 1
        assert pages["index.en.html"].count(
            "Loudness range wider than the profile's limit: loudness range "
            f"{lra:.1f} LU, measured per EBU Tech 3342, is wider than the limit of 7 LU of "
            "profiles atsc and tv Listen to it before airing.") == 1
        # The certificate a QC desk files alone says so too, without failing the standard.
        certificate = (campaign.out / FILES[profile].replace(".mov", ".loudness.html")).read_text(
            encoding="utf-8")
        assert 'id="verdict" data-passed="true"' in certificate
        house = certificate[certificate.index('<table id="house-rules"'):]
        assert re.search(rf'<tr data-passed="false"><th scope="row">rango de sonoridad</th>'
                         rf'<td>{lra:.1f} LU'
                         r'</td><td>≤ 7 LU</td><td class="source">límite propio del perfil '
                         r'\(aviso del control de calidad\)</td>'
                         r'<td class="fail">no cumple</td></tr>',
                         house[:house.index("</table>")]), house
