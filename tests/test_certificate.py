"""The loudness certificate as a station reads it, written from a real measurement of a lavfi
tone (the masters that carry one are rendered in test_mastering.py and test_radio.py)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from pipeline.manifest import load_manifest
from pipeline.media.ffmpeg import ffmpeg_version
from pipeline.profiles import Profile
from pipeline.render.certificate import measure_programme, plot_figure, plot_png, \
    programme_record, standard_of, write_certificate
from pipeline.standards import verdict
from tests.conftest import Campaign
from tests.pagecampaign import ffmpeg

SECONDS = 4.0    # short-form (EBU R128 s1's short-term rule applies), and long enough to have one


class _Text(HTMLParser):
    """The text a reader sees, by table row (the style sheet left out)."""

    def __init__(self):
        super().__init__()
        self.rows: list[str] = []
        self._skip = False

    def handle_starttag(self, tag, attrs):
        self._skip = tag in ("style", "title")
        if tag == "tr":
            self.rows.append("")

    def handle_endtag(self, tag):
        self._skip = False

    def handle_data(self, data):
        if self._skip:
            return
        if not self.rows:
            self.rows.append("")
        self.rows[-1] += data


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
    certificate that passes, as stations receive them."""
    loudness, frames = measure_programme(wav, 0.0, profile)
    checks = verdict(standard_of(profile), loudness, SECONDS)
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


def certificate(measured, language: str, folder: Path) -> list[str]:
    profile, record, frames, loudness = measured
    html, png = folder / f"{language}.loudness.html", folder / f"{language}.loudness.png"
    write_certificate(record, profile, language,
                      plot_png(frames, standard_of(profile), loudness, language), html, png)
    text = _Text()
    text.feed(html.read_text(encoding="utf-8"))
    return text.rows


def test_a_spanish_certificate_writes_every_figure_as_mexico_does(measured, tmp_path):
    rows = certificate(measured, "es", tmp_path)
    # Its rules and its measured figures alike with a decimal point (CLDR es_MX), never Spain's
    # decimal comma ("-23,0"), which a Mexican station reads as a thousands separator.
    assert [row for row in rows if re.search(r"\d,\d{1,2}(?!\d)", row)] == []
    rules = " | ".join(rows)
    assert "-23.0 ± 0.5 LUFS" in rules and "≤ -1.0 dBTP" in rules and "≤ -18.0 LUFS" in rules
    # The measured figures beside them, as before.
    assert re.search(r"sonoridad integrada-2[23]\.\d LUFS-23\.0 ± 0\.5 LUFScumple", rules)


def test_an_english_certificate_keeps_its_decimal_points(measured, tmp_path):
    rules = " | ".join(certificate(measured, "en", tmp_path))
    assert "-23.0 ± 0.5 LUFS" in rules and "≤ -1.0 dBTP" in rules and "≤ -18.0 LUFS" in rules


def test_a_certificate_names_the_meter_s_ffmpeg_release_not_its_banner(measured, tmp_path):
    # It said "ffmpeg version 5.1.9-0+deb12u1 Copyright (c) 2000-2026 the FFmpeg developers".
    (row,) = [row for row in certificate(measured, "es", tmp_path) if row.startswith("Medido con")]
    release = re.match(r"ffmpeg version (\S+)", ffmpeg_version()).group(1)
    assert row.strip() == f"Medido conffmpeg ebur128 (ITU-R BS.1770-4), ffmpeg {release}", row


def plot_labels(measured, language: str) -> list[str]:
    """The plot's axis labels and its legend, as drawn."""
    profile, _, frames, loudness = measured
    (axes,) = plot_figure(frames, standard_of(profile), loudness, language).axes
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
