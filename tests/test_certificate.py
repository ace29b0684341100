"""The loudness certificate as a station reads it, written from a real measurement of a lavfi
tone (the masters that carry one are rendered in test_mastering.py and test_radio.py)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from pipeline.media.ffmpeg import ffmpeg_version
from pipeline.profiles import BUILTIN_PROFILES
from pipeline.render.certificate import measure_programme, plot_png, programme_record, \
    standard_of, write_certificate
from pipeline.standards import verdict
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
def measured(tmp_path_factory):
    """A stereo tone as a delivered `broadcast` file's programme at -23 LUFS, measured by the
    meter: a certificate that passes, as stations receive them."""
    profile = BUILTIN_PROFILES["broadcast"]
    wav = tmp_path_factory.mktemp("certificate") / "spot.yua.broadcast.wav"
    ffmpeg("-f", "lavfi", "-i", f"sine=frequency=1000:duration={SECONDS}:sample_rate=48000",
           "-filter:a", "volume=-2dB,aformat=channel_layouts=stereo", "-c:a", "pcm_s24le", str(wav))
    loudness, frames = measure_programme(wav, 0.0, profile)
    checks = verdict(standard_of(profile), loudness, SECONDS)
    record = {"campaign": "blue-heart", "spot": "spot", "spot_title": "Not for sale (4 s)",
              "language": "yua", "language_name": "Maaya tʼaan", "profile": profile.name,
              "file": wav.name, "sha256": "0" * 64, "duration": SECONDS, "ffmpeg": ffmpeg_version(),
              "rendered_at": "2026-11-29T10:00:00Z", "loudness": loudness.to_json(),
              "loudness_standard": programme_record(loudness, checks, profile, 0.0)}
    return profile, record, frames, loudness


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
