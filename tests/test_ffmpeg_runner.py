"""The ffmpeg runner (pipeline/media/ffmpeg.py) with a progress display that fails (issue 8):
the render goes on, ffmpeg's stderr is still read to its end by the reader thread (no
"I/O operation on closed file"), and when ffmpeg itself fails, its own error is what is raised;
and a Ctrl-C's `stop_jobs` ends a running encode at once."""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from pipeline.errors import RenderError
from pipeline.media.ffmpeg import run_ffmpeg, stop_jobs

# Two seconds of a test picture, encoded to nothing: enough `-progress` lines for the display.
ENCODE = ["-f", "lavfi", "-i", "testsrc2=s=160x90:r=25:d=2", "-c:v", "mpeg4", "-f", "null", "-"]


class Broken:
    """A progress display whose every call raises, as RichReporter's did (issue 8)."""

    def __init__(self):
        self.calls = 0

    def __call__(self, seconds: float) -> None:
        self.calls += 1
        raise TypeError("'Progress' object is not callable")


@pytest.fixture
def thread_errors(monkeypatch) -> list[BaseException]:
    """Exceptions raised in any thread (the runner's stderr reader among them)."""
    seen: list[BaseException] = []
    monkeypatch.setattr(threading, "excepthook", lambda args: seen.append(args.exc_value))
    return seen


def test_a_failing_display_is_one_warning_and_the_run_completes(caplog, thread_errors):
    display = Broken()
    with caplog.at_level(logging.WARNING):
        stderr = run_ffmpeg(ENCODE, what="encoding a test picture", progress=display)
    assert display.calls == 1                            # tried once, then left alone
    warnings = [r.getMessage() for r in caplog.records if "progress display failed" in r.getMessage()]
    assert len(warnings) == 1 and "TypeError" in warnings[0], warnings
    assert "Output #0" in stderr                         # stderr was read to its end
    assert not thread_errors, thread_errors


@pytest.fixture
def corrupt(tmp_path) -> str:
    """An MPEG-TS whose second half is garbage: ffmpeg reports progress, then fails on it."""
    path = tmp_path / "corrupt.ts"
    run_ffmpeg(["-f", "lavfi", "-i", "testsrc2=s=160x90:r=25:d=4", "-c:v", "mpeg2video",
                "-f", "mpegts", str(path)], what="making a test stream")
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle:middle + 20000] = b"\x55" * 20000
    path.write_bytes(bytes(data))
    return str(path)


def test_ffmpegs_own_error_is_raised_even_when_the_display_failed(corrupt, thread_errors):
    display = Broken()
    with pytest.raises(RenderError) as caught:
        run_ffmpeg(["-xerror", "-i", corrupt, "-f", "null", "-"], what="decoding a test stream",
                   path="out.mp4", progress=display)
    assert display.calls == 1                                  # the display failed first
    assert "ffmpeg failed while decoding a test stream" in caught.value.message
    assert "corrupt" in caught.value.stderr_tail               # ffmpeg's words, not the display's
    assert not thread_errors, thread_errors


def test_stopping_ends_a_running_encode_at_once_instead_of_finishing_its_file(tmp_path):
    # ffmpeg takes SIGTERM (and the terminal's SIGINT) as "finish the file": x264 encodes the
    # frames in its lookahead and every trailer is written, for files deleted right after. On
    # the demo campaign a Ctrl-C took 12-25 s to give the prompt back.
    out = tmp_path / "long.mp4"
    args = ["-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=s=1280x720:r=25", "-t", "600",
            "-c:v", "libx264", "-preset", "veryslow", "-rc-lookahead", "250", "-f", "mp4", str(out)]
    with ThreadPoolExecutor(1) as pool:
        future = pool.submit(run_ffmpeg, args, what="a long encode", path=out)
        deadline = time.monotonic() + 30
        while not out.exists() and time.monotonic() < deadline:   # x264 has frames in hand
            time.sleep(0.05)
        time.sleep(1.0)
        asked = time.monotonic()
        stop_jobs([future])
        took = time.monotonic() - asked
        with pytest.raises(RenderError):
            future.result()
    assert took < 1.0, f"stopping took {took:.1f} s"


def test_a_full_disk_is_said_to_be_one_though_ffmpeg_exits_0(tmp_path):
    # ffmpeg exits 0 when the disk fills as it writes its trailer: a trial's full output disk
    # was said to be a bad master ("ffprobe cannot read this file: export the file again").
    # /dev/full refuses every write with ENOSPC, as a full disk does.
    with pytest.raises(RenderError) as raised:
        run_ffmpeg(["-f", "lavfi", "-i", "sine=d=1", "-f", "wav", "/dev/full"],
                   what="writing a tone", path=tmp_path / "tone.wav")
    (said,) = raised.value.diagnostics
    assert said.message.startswith("the disk is full: ffmpeg could not write while writing a "
                                   "tone (") and "No space left on device" in said.message
    assert said.hint.startswith(f"free space on the disk of {tmp_path} (df -h shows it)")


def test_a_run_of_many_outputs_reports_its_progress_in_frames(tmp_path):
    # A spot's 31 burned languages in one ffmpeg: its `-progress` reports, cut at about 1,000
    # bytes, never reached `out_time_us`, and a trial's render showed 41.4 % for five minutes.
    # Counted in frames of the first output, at its rate, the display follows it to the end.
    args = ["-f", "lavfi", "-i", "testsrc2=s=160x90:r=25:d=3", "-filter_complex",
            "split=40" + "".join(f"[v{n}]" for n in range(40))]
    for n in range(40):
        args += ["-map", f"[v{n}]", "-c:v", "libx264", "-preset", "ultrafast",
                 str(tmp_path / f"{n}.mp4")]
    seen: list[float] = []
    run_ffmpeg(args, what="forty outputs", progress=seen.append, frame_rate=25.0)
    assert seen and seen == sorted(seen), seen
    assert seen[-1] >= 2.8, seen                 # its 3 s, to the last report
    assert all((tmp_path / f"{n}.mp4").stat().st_size > 0 for n in range(40))
