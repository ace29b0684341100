"""The slate's rows on their grid: a value too long for its column is drawn smaller, with its
baseline where a full-size line's would be, inside the title-safe area and clear of the lines
around it. Measured on the slate frame of a rendered master, extracted as a PNG."""

from __future__ import annotations

import subprocess

import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image

from pipeline.cli.main import cli
from pipeline.render import slate
from tests.conftest import Campaign
from tests.mediacheck import FFMPEG

pytestmark = pytest.mark.e2e

W, H = 1920, 1080
# Capitals only: the ink's lowest row is the baseline (no descenders). Far wider than the value
# column at the row's size: drawn at about 60 % of it.
LONG_TITLE = "LOS SERES HUMANOS NO ESTAN A LA VENTA: EDICION LARGA PARA TELEVISION ABIERTA Y CABLE"


def _ink_rows(ink: np.ndarray) -> np.ndarray:
    return np.flatnonzero(ink.any(axis=1))


def test_a_value_shrunk_to_fit_keeps_its_baseline_on_the_rows_grid(tmp_path, media):
    campaign = Campaign(tmp_path, media)
    campaign.audio("yua")
    spot = campaign.data([])["spots"][0] | {"title": LONG_TITLE}
    campaign.write([{"code": "yua", "treatment": "dub"}], spots=[spot],
                   profiles={"broadcast-prores": {"leader": {"bars": 0.04, "slate": 0.2,
                                                             "black": 0.04}}})
    result = CliRunner().invoke(cli, ["render", str(campaign.manifest)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    # The slate's third frame (bars take the first).
    png = tmp_path / "slate.png"
    master = campaign.out / "spot.yua.broadcast-prores.mov"
    subprocess.run([FFMPEG, "-v", "error", "-i", str(master), "-vf", "select=eq(n\\,3)",
                    "-frames:v", "1", "-y", str(png)], check=True)
    picture = np.asarray(Image.open(png).convert("RGB")).astype(int)
    assert picture.shape == (H, W, 3)
    ink = picture.min(axis=2) > 120                     # text: brighter than the blue backdrop
    value_left, step = int(slate.VALUE * W), slate.ROW_STEP * H
    rows_top = int(slate.ROWS_TOP * H)
    # Row 0: the label "Título" (full size, no descenders) and the shrunk spot title.
    band = slice(rows_top - int(0.3 * step), rows_top + int(step))
    label = _ink_rows(ink[band, : value_left - 10]) + band.start
    value = _ink_rows(ink[band, value_left - 10:]) + band.start
    assert len(label) and len(value), "row 0 drew nothing"
    value_height = value.max() - value.min()
    assert value_height < 0.7 * (label.max() - label.min()), "the title was not shrunk"
    # Its baseline is the full-size label's (before: 17 px higher, its top at the row's top).
    assert abs(value.max() - label.max()) <= 2, (value.max(), label.max())
    # Inside the title-safe area (90 % of width and height).
    columns = np.flatnonzero(ink[band, value_left - 10:].any(axis=0)) + value_left - 10
    assert columns.max() < 0.95 * W and value.min() > 0.05 * H, (columns.max(), value.min())
    # Clear of the title above and of row 1 (the language's names, accents and all) below.
    title = _ink_rows(ink[int(0.05 * H): rows_top - int(0.3 * step)]) + int(0.05 * H)
    below = slice(int(rows_top + step), int(rows_top + 2 * step))
    next_row = _ink_rows(ink[below]) + below.start
    assert title.max() < value.min() and value.max() < next_row.min(), \
        (title.max(), value.min(), value.max(), next_row.min())
