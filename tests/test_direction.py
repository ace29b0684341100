"""Base direction: right-to-left cues burn right-to-left, with neutral punctuation at the right
end for the script (checked from the pixels of a real burn)."""

from __future__ import annotations

import pytest

from pipeline.manifest import Style
from pipeline.subtitles.burn import ass_fontsdir, write_ass
from pipeline.subtitles.direction import cue_direction, language_direction
from pipeline.subtitles.fonts import resolve_font
from pipeline.subtitles.model import Cue
from tests.mediacheck import burned_frames

W, H = 480, 120
HELLO = "مرحبا بالعالم."   # "hello, world." in logical order: the full stop typed last


@pytest.mark.parametrize("tag, direction", [
    ("ar", "rtl"), ("arb", "rtl"), ("he", "rtl"), ("fa", "rtl"), ("ur", "rtl"), ("dv", "rtl"),
    ("yi", "rtl"), ("az-Arab", "rtl"), ("ote", "ltr"), ("nah", "ltr"), ("sr", "ltr"),
    ("ar-Latn", "ltr"), (None, None)])
def test_language_direction_comes_from_its_likely_script(tag, direction):
    assert language_direction(tag) == direction


def test_cue_direction():
    assert cue_direction("UN " + HELLO, "ar") == "rtl"      # the language decides...
    assert cue_direction("2024.", "ar") == "rtl"             # ...numbers and stops have none
    assert cue_direction(HELLO, "ote") == "rtl"              # ...unless no letter is its own
    assert cue_direction("Tsʼi. " + HELLO, "ote") == "ltr"
    assert cue_direction("UNICEF", "ar") == "ltr"
    assert cue_direction("…", None) == "ltr"


def ink_groups(frame: bytes) -> list[tuple[int, int, int, int]]:
    """(left, right, top, bottom) of each run of columns holding white text pixels, left first."""
    lit = lambda x, y: frame[y * W + x] > 160     # noqa: E731 - the outline is dark
    groups, start = [], None
    for x in range(W + 1):
        inked = x < W and any(lit(x, y) for y in range(H))
        if inked and start is None:
            start = x
        elif not inked and start is not None:
            rows = [y for y in range(H) if any(lit(c, y) for c in range(start, x))]
            groups.append((start, x - 1, rows[0], rows[-1]))
            start = None
    return groups


def burn_frames(tmp_path, texts: list[str], language: str, font_name: str) -> list[bytes]:
    """One frame per text (each on screen for a second), burned as the render burns."""
    cues = [Cue(n, n * 1000, n * 1000 + 1000, text, 1) for n, text in enumerate(texts)]
    font = resolve_font(font_name)
    ass = tmp_path / "rtl.ass"
    write_ass(cues, ass, style=Style(font=font_name, size=0.3, outline=0), width=W, height=H,
              font=font, language=language)
    return burned_frames(ass, ass_fontsdir(font, tmp_path), W, H, len(cues))


def is_full_stop(group, text_top: int, text_bottom: int) -> bool:
    left, right, top, bottom = group
    return right - left < 0.1 * H and top > (text_top + text_bottom) / 2


@pytest.mark.e2e
def test_a_right_to_left_full_stop_lands_at_the_left(tmp_path):
    frames = burn_frames(tmp_path, [HELLO, "UN " + HELLO], "ar", "Noto Sans Arabic") + \
        burn_frames(tmp_path, ["Tsʼi. " + HELLO], "ote", "Noto Sans Arabic")
    for number, frame in enumerate(frames):
        groups = ink_groups(frame)
        top = min(g[2] for g in groups)
        bottom = max(g[3] for g in groups)
        stops = [i for i, group in enumerate(groups) if is_full_stop(group, top, bottom)]
        if number < 2:    # Arabic: the stop typed last is drawn leftmost
            assert stops == [0], (number, groups)
        else:             # Latin first: "Tsʼi." keeps its stop at its right, the Arabic ends right
            assert stops and stops[-1] == len(groups) - 1, (number, groups)
