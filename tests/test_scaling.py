"""Time grows at most n log n with the input (issue 15): the same work is timed on n and on 4n
items, and 4n must take under 6x as long (linear is 4x, n log n a little more, quadratic 16x).

Ratios, not absolute times, so that a slow or busy machine does not fail them: CPU time of this
process (other processes on a shared machine do not count), the least of a few repetitions, n
large enough to be measured. A run of 4n is stopped when it passes the limit, so a cubic
regression fails in seconds instead of hanging the suite.
"""

from __future__ import annotations

import gc
import random
import signal
import time
from pathlib import Path
from typing import Callable

import ftfy.bad_codecs  # noqa: F401 (registers the codec "sloppy-windows-1252")
from click.testing import CliRunner

from pipeline.cli.main import cli
from pipeline.manifest import Style
from pipeline.subtitles.linebreak import Layout, layout_cue
from pipeline.subtitles.fonts import advance, resolve_font

GROWTH = 4
LIMIT = 6.0
REPEATS = 5
PATIENCE = 20.0  # CPU seconds for n: tens of times what a linear time needs here
SYLLABLES = ["tla", "ka", "mej", "ni", "si", "ua", "ko", "ne", "ʼa", "chʼi", "xo", "ā", "ti",
             "pak", "ma", "kin", "na", "ya", "tsʼo", "lo", "se", "hu", "ñu", "a\u0331"]


class _TooSlow(Exception):
    pass


def _cpu_seconds(work: Callable[[], object], deadline: float | None = None) -> float:
    """CPU seconds `work()` took, or infinity once it passes `deadline` CPU seconds."""
    def stop(signum, frame):
        raise _TooSlow

    # The collector off while timing: its full passes walk every object the test run holds
    # (some 280,000 late in `make test`), a cost of the heap, not of the work timed.
    # (With it off, cyclic garbage piles up until the deadline stops the work: a few seconds.)
    collecting = gc.isenabled()
    gc.collect()
    previous = signal.signal(signal.SIGPROF, stop)
    try:
        gc.disable()
        if deadline is not None:
            signal.setitimer(signal.ITIMER_PROF, deadline)
        start = time.process_time()
        work()
        return time.process_time() - start
    except _TooSlow:
        return float("inf")
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)
        if collecting:
            gc.enable()


def assert_scales(prepare: Callable[[int, int], Callable[[], object]], n: int) -> None:
    """`prepare(size, repetition)` sets up the input and returns the work to time on it."""
    # n and 4n in turns, not all of n first: a spell of load on the other core can slow this
    # one's CPU seconds too, and must fall on both sizes alike (in one full test run, wrapping
    # 20000 words took over 6x the time of 5000, measured after them; alone it takes 4x).
    small = large = float("inf")
    for rep in range(REPEATS):
        small = min(small, _cpu_seconds(prepare(n, rep), PATIENCE))
        assert small < PATIENCE, f"n={n} took over {PATIENCE} s: far from linear, or n too large"
        large = min(large, _cpu_seconds(prepare(GROWTH * n, rep), LIMIT * small))
    assert small > 0.05, f"n={n} is too small to time ({small:.3f} s)"
    assert large < LIMIT * small, (f"{GROWTH}x the input took {large / small:.1f}x the time "
                                   f"({small:.3f} s for {n}, {large:.3f} s for {GROWTH * n})")


def words(count: int, seed: int) -> list[str]:
    generator = random.Random(seed)
    return ["".join(generator.choice(SYLLABLES) for _ in range(generator.randint(1, 4)))
            for _ in range(count)]


def srt_time(ms: int) -> str:
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d},{ms % 1000:03d}"


def write_srt(path: Path, texts: list[str], seconds: float = 3.0) -> Path:
    step = round(seconds * 1000) + 500
    path.write_text("".join(f"{i}\n{srt_time(i * step)} --> {srt_time(i * step + step - 500)}\n"
                            f"{text}\n\n" for i, text in enumerate(texts, 1)), encoding="utf-8")
    return path


def test_wrapping_a_cue_grows_linearly_with_its_words():
    layout = Layout.for_cues(Style(), resolve_font("Noto Sans"), 1920, 1080, [])

    def prepare(size: int, rep: int):
        text = " ".join(words(size, rep))
        advance.cache_clear()  # every word shaped again, as in a fresh process
        return lambda: layout_cue(text, layout)

    assert_scales(prepare, 5000)


def test_check_of_one_pasted_paragraph_grows_linearly_with_its_words(tmp_path):
    def prepare(size: int, rep: int):
        path = write_srt(tmp_path / f"nah-{size}-{rep}.srt", [" ".join(words(size, rep))])
        advance.cache_clear()
        return lambda: CliRunner().invoke(cli, ["check", str(path)])

    assert_scales(prepare, 4000)


def test_check_of_a_file_grows_linearly_with_its_cues(tmp_path):
    def prepare(size: int, rep: int):
        generator = random.Random(rep)
        texts = []
        for index in range(size):
            # Mostly one or two short lines; every tenth cue too wide for one line, so wrapping
            # is measured too.
            count = generator.choice([3, 5, 7, 4, 6, 5, 3, 8, 6, 30 if index % 10 == 0 else 5])
            line = " ".join(words(count, rep * 1_000_003 + index))
            texts.append(line.replace(" ", "\n", 1) if index % 3 == 0 else line)
        path = write_srt(tmp_path / f"nah-{size}-{rep}.srt", texts)
        advance.cache_clear()
        # On a 29.97 fps video's frames: each time is put on the grid and looked at against
        # each editor's frame rate too (subtitles/off_grid.py), the most work per cue.
        return lambda: CliRunner().invoke(cli, ["check", str(path), "--fps", "29.97"])

    assert_scales(prepare, 2000)


def test_check_of_a_file_decoded_twice_grows_linearly_with_its_cues(tmp_path):
    """Every cue is mojibake (subtitles/mojibake.py): found, undone and quoted in each."""
    def prepare(size: int, rep: int):
        generator = random.Random(rep)
        texts = [" ".join(words(generator.choice([3, 5, 7]), rep * 1_000_003 + index))
                 .encode("utf-8").decode("sloppy-windows-1252") for index in range(size)]
        path = write_srt(tmp_path / f"nah-{size}-{rep}.srt", texts)
        advance.cache_clear()
        return lambda: CliRunner().invoke(cli, ["check", str(path)])

    assert_scales(prepare, 2000)


def test_plan_s_masters_and_their_timecodes_grow_linearly_with_spots():
    # `plan` took 2.5 s for 800 spots and 18 s for 3,200: it went over every variant once a
    # spot to find the spot's profiles. The variants here stand for a plan's (campaign, spot,
    # profile, conform), two profiles a spot; the broadcast profile sets a timecode.
    from types import SimpleNamespace

    from pipeline.cli.plan_report import plan_masters
    from pipeline.profiles import BUILTIN_PROFILES

    manifest = SimpleNamespace(campaign="c")
    master = SimpleNamespace(info=SimpleNamespace(video=SimpleNamespace(fps=25.0)))
    profiles = [BUILTIN_PROFILES["web"], BUILTIN_PROFILES["broadcast"]]

    plans = {}    # one a size: building them is most of the test's time

    def prepare(size: int, rep: int):
        if size not in plans:
            spots = [SimpleNamespace(id=f"s{spot}") for spot in range(size)]
            plans[size] = SimpleNamespace(skipped=[], variants=[
                SimpleNamespace(conform=master, variant=SimpleNamespace(
                    manifest=manifest, spot=spot, profile=profile))
                for spot in spots for profile in profiles])
        return lambda: plan_masters(plans[size])

    assert_scales(prepare, 30000)


def test_plan_lists_each_input_folder_once_whatever_its_languages(campaign, monkeypatch):
    # A trial's plan of 168 languages listed a spot's subtitle folder for each lookup of each
    # language (85,000 stat calls, a time that grew with the square of the languages).
    import pipeline.files
    import pipeline.manifest.model
    from pipeline.render.plan import build_plan
    from tests.conftest import SRT

    codes = ["nah", "nhe", "nch", "yua", "tzo", "tzh", "zai", "mix", "ote", "maz", "tar", "mto",
             "huv", "cux", "toj", "chd", "hch", "tee", "mxt", "ncj", "poi", "mam", "lac", "cso"]
    for code in codes[:12]:
        campaign.subtitle(code, SRT)
    for code in codes[12:]:
        campaign.audio(code)
    manifest = campaign.write([{"code": code, "name": code, "treatment": "burn"}
                               for code in codes[:12]] +
                              [{"code": code, "name": code, "treatment": "dub"}
                               for code in codes[12:]])
    listed: list[Path] = []
    real = pipeline.files.index_folder

    def counted(folder: Path):
        listed.append(folder)
        return real(folder)

    monkeypatch.setattr(pipeline.manifest.model, "index_folder", counted)
    plan = build_plan([manifest])
    assert len(plan.variants) == 24 and not [v for v in plan.variants if v.status == "blocked"], \
        [(v.variant.stem, v.reasons) for v in plan.variants]
    assert sorted(map(str, listed)) == sorted({str(folder) for folder in listed}), listed
    assert len(listed) == 2, listed     # the spot's subtitles and audio folders
