"""Watch mode and files copied in: a dub written over seconds, as a copy from a share or a USB
stick writes it, is waited for, then checked and rendered once, whole; the wait is said,
bounded, and ended by a stop. Real files, a real watcher, a thread writing as a copy does."""

from __future__ import annotations

import queue
import threading
import time
from pathlib import Path
from typing import Callable, Iterable

import pytest
from click.testing import CliRunner

from pipeline.cli.main import cli
from pipeline.cli.watching import print_event
from pipeline.manifest import load_manifest
from pipeline.render.intermediates import size_text
from pipeline.render.settling import (GIVE_UP_AFTER, NOTICE_AFTER, POLL_INTERVAL, Growing,
                                      Settled, Signature, Waits, signature)
from pipeline.render.watch import WatchEvent, handle_changes, watch
from tests.conftest import ffmpeg
from tests.mediacheck import band_rms_db, duration
from tests.test_watch import SRT_NEW, WAIT, rendered_once

TONE = 700      # Hz: the copied dub's, told from the first dub's 1 kHz and the bed's 220 Hz


def dub_wav(path: Path, rf64: bool = False) -> bytes:
    """A 4 s dub, the spot's length: 48 kHz stereo 24-bit, 1.15 MB (as a studio sends it)."""
    ffmpeg("-f", "lavfi", "-i", f"sine=frequency={TONE}:sample_rate=48000:duration=4",
           "-filter:a", "volume=-12dB", "-ac", "2", "-c:a", "pcm_s24le",
           *(["-rf64", "always"] if rf64 else []), str(path))
    return path.read_bytes()


class Copy(threading.Thread):
    """Writes `data` to `path` as a copy does: the file created (or emptied) under its final
    name, then `chunks` writes `pause` seconds apart; `halt` ends it early."""

    def __init__(self, data: bytes, path: Path, *, chunks: int, pause: float):
        super().__init__(daemon=True)
        self.data, self.path, self.chunks, self.pause = data, path, chunks, pause
        self.halt = threading.Event()
        self.ended: float | None = None      # time.monotonic() of the last write

    def run(self) -> None:
        step = -(-len(self.data) // self.chunks)
        with open(self.path, "wb") as out:
            for start in range(0, len(self.data), step):
                if self.halt.wait(self.pause):
                    return
                out.write(self.data[start:start + step])
                out.flush()
        self.ended = time.monotonic()


@pytest.fixture
def dubbed(campaign):
    """yua dubbed (the conftest's 3.5 s 1 kHz dub) and rendered once, then watched."""
    campaign.audio("yua")
    manifest = campaign.write([{"code": "yua", "treatment": "dub"}])
    result = CliRunner().invoke(cli, ["render", str(manifest)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return campaign


class Watching:
    """`watch` running in a thread, each event kept with the time it came; started, with
    `until_ready`, once it says it is watching."""

    def __init__(self, manifest: Path, until_ready: bool = True):
        self.events: queue.Queue[tuple[float, WatchEvent]] = queue.Queue()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=watch, args=(manifest,), daemon=True, kwargs={
            "on_event": lambda event: self.events.put((time.monotonic(), event)),
            "stop_event": self.stop})
        self.thread.start()
        if until_ready:
            assert self.next(WAIT)[1].kind == "ready"

    def next(self, seconds: float) -> tuple[float, WatchEvent] | None:
        try:
            return self.events.get(timeout=seconds)
        except queue.Empty:
            return None

    def until(self, kind: str) -> list[tuple[float, WatchEvent]]:
        """The events up to the first of `kind`, each within `WAIT` of the one before (a
        loaded machine plans and renders slowly: no gap between them is assumed)."""
        came = []
        while (item := self.next(WAIT)) is not None:
            came.append(item)
            if item[1].kind == kind:
                break
        return came

    def until_quiet(self, seconds: float) -> list[tuple[float, WatchEvent]]:
        """The events that come until none has for `seconds` (at most `WAIT` in all)."""
        came, deadline = [], time.monotonic() + WAIT
        while time.monotonic() < deadline and (item := self.next(seconds)) is not None:
            came.append(item)
        return came

    def end(self) -> None:
        self.stop.set()
        self.thread.join(timeout=WAIT)
        assert not self.thread.is_alive()


def errors_of(events: list[WatchEvent]) -> list[str]:
    return [d.format() for event in events for d in
            (*event.diagnostics, *(d for check in event.checks for d in check.diagnostics))
            if d.severity == "error"]


@pytest.mark.e2e
def test_a_dub_copied_in_over_seconds_is_rendered_once_whole_after_the_copy(dubbed, tmp_path,
                                                                             capsys):
    # The watcher's batch came while the copy went on: the dub was said to be cut short
    # (its header lists 4 s), its variant blocked, then checked and rendered again with
    # every later batch of the copy's writes.
    data = dub_wav(tmp_path / "yua.wav")
    path = (dubbed.root / "audio/spot/yua.wav").resolve()
    watching = Watching(dubbed.manifest)
    copy = Copy(data, path, chunks=30, pause=0.1)      # 3 s
    try:
        copy.start()
        came = watching.until("changed")
        came += watching.until_quiet(3.0)       # the copy's later batches: nothing more
    finally:
        copy.halt.set()
        watching.end()
    events = [event for _, event in came]
    assert [event.kind for event in events] == ["copying", "checked", "changed"], events
    assert errors_of(events) == []
    (waited_for, so_far), = events[0].growing
    assert waited_for == path and 0 < so_far < len(data)
    assert came[1][0] > copy.ended       # checked after the copy's last write, not before
    assert [(o.plan.variant.language.code, o.status) for o in events[2].outcomes] == [
        ("yua", "rendered")]
    rendered = dubbed.out / "spot.yua.small.mp4"
    assert abs(duration(rendered) - 4.0) < 0.05
    # The copy's last second is in the render: a dub cut short would be silence there.
    assert band_rms_db(rendered, TONE, start=3.0, length=0.8) > -40
    capsys.readouterr()
    print_event(events[0])
    said = capsys.readouterr().err
    assert said == f"waiting for {path} to finish copying ({size_text(so_far)} so far)\n"


@pytest.mark.e2e
def test_a_stop_while_a_copy_is_waited_for_ends_watch_within_a_second(dubbed, tmp_path):
    data = dub_wav(tmp_path / "yua.wav")
    watching = Watching(dubbed.manifest)
    copy = Copy(data, dubbed.root / "audio/spot/yua.wav", chunks=200, pause=0.1)    # 20 s
    try:
        copy.start()
        told = watching.next(WAIT)
        assert told is not None and told[1].kind == "copying", told
        stopped = time.monotonic()
        watching.stop.set()
        watching.thread.join(timeout=WAIT)
        assert time.monotonic() - stopped < 1.0
    finally:
        copy.halt.set()
        watching.end()
    assert watching.events.empty()       # nothing checked nor rendered of the part copied



def wait_until_settled(paths: Iterable[Path], *, stop_event: threading.Event | None = None,
                       on_waiting: Callable[[Growing], None] | None = None,
                       interval: float = POLL_INTERVAL, notice_after: float = NOTICE_AFTER,
                       limit: float = GIVE_UP_AFTER) -> Settled | None:
    """`Waits` driven as watch drives it, to the end: wait until every file of `paths` has settled (`Waits`, `interval` seconds between
    looks), or has been given up on after `limit` seconds; None if `stop_event` was set
    meanwhile (checked at every look). `on_waiting(growing)` is called with the files still
    changing and their sizes once they have been waited for `notice_after` seconds."""
    start = time.monotonic()
    pause = stop_event or threading.Event()   # never set: a plain sleep until the next look
    waits = Waits(interval=interval, notice_after=notice_after, limit=limit)
    waits.add(paths)
    signatures: dict[Path, Signature | None] = {}
    growing: list[Path] = []
    while waits:
        if pause.wait(waits.next_look()):
            return None
        settled, noticed = waits.poll()
        if noticed and on_waiting is not None:
            on_waiting(noticed)
        signatures.update(settled.signatures)
        growing += settled.growing
    return Settled(signatures, tuple(growing), time.monotonic() - start)


def test_a_file_still_growing_at_the_limit_is_handed_on_with_a_warning(tmp_path):
    growing, still, missing = tmp_path / "yua.wav", tmp_path / "nah.srt", tmp_path / "tzo.srt"
    still.write_text("1\n00:00:00,500 --> 00:00:01,800\nYancuic\n", encoding="utf-8")
    told = []
    growing.touch()                      # as the watcher saw it: there
    copy = Copy(b"x" * 4_000_000, growing, chunks=400, pause=0.01)       # 4 s
    copy.start()
    try:
        started = time.monotonic()
        settled = wait_until_settled([growing, still, missing], on_waiting=told.append,
                                     notice_after=0.6, limit=1.6)
        waited = time.monotonic() - started
    finally:
        copy.halt.set()
        copy.join()
    assert 1.6 <= waited < 2.4
    assert settled.growing == (growing,)
    assert settled.signatures[still] == signature(still) and settled.signatures[missing] is None
    (said,) = told                       # once, naming only the file still changing
    assert [path for path, _ in said] == [growing] and 0 < said[0][1] < 4_000_000
    (warning,) = settled.warnings
    assert warning.format().startswith(f"{growing}: warning: still being written after 2 s (")
    assert "MB so far): checked as it is now" in warning.format()


def test_a_small_file_s_copy_is_said_in_bytes_or_kilobytes(capsys):
    # 'waiting for .../tzh.srt to finish copying (0.0 MB so far)' of a few hundred bytes.
    path = Path("subtitles/spot/tzh.srt")
    print_event(WatchEvent("copying", growing=((path, 412),)))
    assert capsys.readouterr().err == f"waiting for {path} to finish copying (412 bytes so far)\n"
    assert [size_text(size) for size in (0, 1, 999, 1_000, 35_400, 960_000, 999_960,
                                         12_400_000, 1_234_000_000)] == [
        "0 bytes", "1 byte", "999 bytes", "1.0 kB", "35.4 kB", "960.0 kB", "1.0 MB", "12.4 MB",
        "1.2 GB"]


def test_files_settle_a_second_after_their_last_change_and_a_stop_ends_the_wait(tmp_path):
    saved = tmp_path / "nah.srt"
    saved.write_text("1\n00:00:00,500 --> 00:00:01,800\nYancuic\n", encoding="utf-8")
    started = time.monotonic()
    settled = wait_until_settled([saved], on_waiting=lambda growing: pytest.fail("said"))
    assert 1.0 <= time.monotonic() - started < 1.5
    assert settled.growing == () and settled.signatures == {saved: signature(saved)}
    stop = threading.Event()
    (tmp_path / "yua.wav").touch()
    copy = Copy(b"x" * 1_000_000, tmp_path / "yua.wav", chunks=1000, pause=0.01)    # 10 s
    copy.start()
    try:
        threading.Timer(0.7, stop.set).start()
        started = time.monotonic()
        assert wait_until_settled([copy.path], stop_event=stop) is None
        assert time.monotonic() - started < 0.7 + 0.6
    finally:
        copy.halt.set()
        copy.join()


@pytest.mark.parametrize("rf64", [False, True], ids=["riff", "rf64"])
@pytest.mark.parametrize("keep", [0.4, 60], ids=["in its sound", "in its header"])
def test_a_wav_copy_that_stopped_short_is_an_error_at_the_file_when_watch_checks_it(
        campaign, tmp_path, rf64, keep):
    # Cut inside its header, ffprobe cannot read it: it was said to be unreadable, to be
    # exported again, when it only needed copying again.
    whole = dub_wav(tmp_path / "whole.wav", rf64=rf64)
    path = campaign.root / "audio/spot/yua.wav"
    path.write_bytes(whole[:int(len(whole) * keep) if keep < 1 else keep])
    manifest = load_manifest(campaign.write([{"code": "yua", "treatment": "dub"}]))
    told = []
    event, _ = handle_changes(manifest, {path}, on_checked=told.append)
    assert [(o.plan.variant.language.code, o.status) for o in event.outcomes] == [
        ("yua", "blocked")]
    (said,) = errors_of(told)
    assert said.startswith(f"{path}: error: the file is cut short: it holds "), said
    assert said.endswith("(hint: copy the file again from where it came from)"), said


@pytest.mark.e2e
def test_a_copy_going_on_as_watch_starts_holds_up_its_own_language_only(two_languages, tmp_path):
    # The catch-up waited for the copy to end (minutes, for a programme's dub) before it
    # checked and rendered anything, nah's subtitles edited before watch started too. Before
    # that, it planned at once: the dub copied so far was said to be cut short and its variant
    # blocked, then checked and rendered again with the copy's next writes.
    data = dub_wav(tmp_path / "yua.wav")
    path = (two_languages.root / "audio/spot/yua.wav").resolve()
    two_languages.subtitle("nah", SRT_NEW)
    copy = Copy(data, path, chunks=35, pause=0.2)      # 7 s
    copy.start()
    time.sleep(0.5)
    watching = Watching(two_languages.manifest, until_ready=False)
    try:
        before = watching.until("ready")
        after = watching.until("changed")
        after += watching.until_quiet(3.0)      # the copy's later batches: nothing more
    finally:
        copy.halt.set()
        watching.end()
    # The catch-up: nah alone, checked and rendered while the dub was still being copied.
    assert [event.kind for _, event in before] == ["checked", "changed", "ready"], before
    checked, changed = before[0][1], before[1][1]
    assert [check.path.name for check in checked.checks] == ["nah.srt"]
    assert [(o.plan.variant.language.code, o.status) for o in changed.outcomes] == [
        ("nah", "rendered")]
    assert before[1][0] < copy.ended
    # The dub: once, whole, after its copy's last write.
    events = [event for _, event in after if event.kind != "copying"]
    assert [event.kind for event in events] == ["checked", "changed"], after
    assert next(when for when, event in after if event.kind == "checked") > copy.ended
    assert events[1].paths == (path,)
    assert [(o.plan.variant.language.code, o.status) for o in events[1].outcomes] == [
        ("yua", "rendered")]
    assert errors_of([event for _, event in before + after]) == []
    assert abs(duration(two_languages.out / "spot.yua.small.mp4") - 4.0) < 0.05


@pytest.fixture
def two_languages(campaign):
    """nah subtitled (burn) and yua dubbed, rendered once, then watched."""
    campaign.subtitle("nah")
    campaign.audio("yua")
    return rendered_once(campaign, [{"code": "nah", "treatment": "burn"},
                                    {"code": "yua", "treatment": "dub"}])


@pytest.mark.e2e
def test_a_save_is_checked_and_rendered_while_a_dub_beside_it_is_still_being_copied(
        two_languages, tmp_path):
    # Waited for together, the translator's save, settled in a second, waited behind the dub
    # until its copy ended (minutes for a 500 MB programme over a share).
    data = dub_wav(tmp_path / "yua.wav")
    path = (two_languages.root / "audio/spot/yua.wav").resolve()
    saved = (two_languages.root / "subtitles/spot/nah.srt").resolve()
    watching = Watching(two_languages.manifest)
    copy = Copy(data, path, chunks=35, pause=0.2)      # 7 s
    try:
        copy.start()
        time.sleep(1.0)
        two_languages.subtitle("nah", SRT_NEW)
        came = watching.until("changed")
        came += watching.until("changed")
        came += watching.until_quiet(3.0)       # the copy's later batches: nothing more
    finally:
        copy.halt.set()
        watching.end()
    changes = [(when, event) for when, event in came if event.kind == "changed"]
    assert [event.paths for _, event in changes] == [(saved,), (path,)], came
    (nah_checked, _), (yua_checked, _) = [(when, event) for when, event in came
                                          if event.kind == "checked"]
    # The save: checked and rendered while the copy went on.
    assert nah_checked < changes[0][0] < copy.ended
    assert [(o.plan.variant.language.code, o.status) for o in changes[0][1].outcomes] == [
        ("nah", "rendered")]
    # The dub: said to be copying, then checked once, whole, after its last write.
    (copying,) = [event for _, event in came if event.kind == "copying"]
    assert [waited for waited, _ in copying.growing] == [path]
    assert yua_checked > copy.ended
    assert [(o.plan.variant.language.code, o.status) for o in changes[1][1].outcomes] == [
        ("yua", "rendered")]
    assert errors_of([event for _, event in came]) == []
    rendered = two_languages.out / "spot.yua.small.mp4"
    assert abs(duration(rendered) - 4.0) < 0.05
    assert band_rms_db(rendered, TONE, start=3.0, length=0.8) > -40


def test_each_file_is_waited_for_on_its_own(tmp_path):
    # A batch's files were waited for together: a save waited for the slowest copy beside it,
    # and a copy named later was said and given up on by the first one's clock.
    saved, early, late = tmp_path / "nah.srt", tmp_path / "yua.wav", tmp_path / "tzo.wav"
    saved.write_text(SRT_NEW, encoding="utf-8")
    copies = [Copy(b"x" * 400_000, target, chunks=400, pause=0.01) for target in (early, late)]
    waits = Waits(interval=0.1, notice_after=0.6, limit=1.5)
    looks: list[tuple[float, Settled, tuple]] = []
    started = time.monotonic()
    try:
        early.touch()
        copies[0].start()
        waits.add([saved, early])
        while waits or not looks or time.monotonic() - started < 0.8:
            if len(looks) == 5:      # named 0.5 s after the first
                late.touch()
                copies[1].start()
                waits.add([late, early])         # named again: its wait goes on
            time.sleep(waits.next_look())
            looks.append((time.monotonic() - started, *waits.poll()))
    finally:
        for copy in copies:
            copy.halt.set()
            copy.join()
    settled_at = {path: when for when, settled, _ in looks for path in settled.signatures}
    noticed_at = {path: when for when, _, noticed in looks for path, _ in noticed}
    given_up = [(when, settled) for when, settled, _ in looks if settled.growing]
    # Each by its own clock; the upper bounds leave a loaded machine's late wake-ups room.
    assert 0.2 <= settled_at[saved] < 0.6        # two looks, not the copies' wait
    assert 0.6 <= noticed_at[early] < 1.0 and 1.1 <= noticed_at[late] < 1.6
    assert [settled.growing for _, settled in given_up] == [(early,), (late,)]
    assert 1.5 <= given_up[0][0] < 2.0 and 2.0 <= given_up[1][0] < 2.6
    (warning,) = given_up[1][1].warnings
    assert warning.format().startswith(f"{late}: warning: still being written after 2 s (")


def test_an_empty_file_is_said_to_be_empty_by_watch_check_validate_and_render(campaign,
                                                                              capsys):
    # A copy that created the file and wrote nothing, or an export that failed: the WebVTT
    # file was said not to start with WEBVTT, the dub to be "Invalid data found when
    # processing input" to ffprobe, to be exported again as MP4/MOV or WAV/FLAC.
    campaign.subtitle("nah")
    subtitles = campaign.subtitle("tzo", "", suffix=".vtt")
    dub = campaign.root / "audio/spot/yua.wav"
    dub.touch()
    manifest = campaign.write([{"code": "nah", "treatment": "burn"},
                               {"code": "tzo", "treatment": "soft"},
                               {"code": "yua", "treatment": "dub"}])
    hint = (" (hint: nothing was written to it: a copy or a download that stopped before its "
            "first byte, or an export that failed; copy or export it again)")
    # A text file's line 1; a recording has no lines.
    said = {path: f"{path}{':1' if path == subtitles else ''}: error: the file is empty "
                  f"(0 bytes){hint}" for path in (subtitles, dub)}

    def told(text: str, paths=(subtitles, dub)) -> None:
        for path in paths:     # nothing else of that file (render's summary repeats it)
            lines = [line for line in text.splitlines() if str(path) in line]
            assert said[path] in lines and all(line.endswith(said[path]) for line in lines), text

    checked = CliRunner().invoke(cli, ["check", str(subtitles)])
    assert checked.exit_code == 1, checked.output
    told(checked.stderr, [subtitles])
    assert checked.stdout == f"{subtitles}: 0 cues, 1 error, 0 warnings\n"
    validated = CliRunner().invoke(cli, ["validate", str(manifest)])
    assert validated.exit_code == 1, validated.output
    told(validated.stderr)
    rendered = CliRunner().invoke(cli, ["render", str(manifest)])
    assert rendered.exit_code == 1, rendered.output
    told(rendered.stderr)
    assert [path.name for path in campaign.out.glob("*.mp4")] == ["spot.nah.small.mp4"]
    capsys.readouterr()
    event, _ = handle_changes(load_manifest(manifest), {subtitles, dub}, on_checked=print_event)
    print_event(event)
    assert sorted((o.plan.variant.language.code, o.status) for o in event.outcomes) == [
        ("tzo", "blocked"), ("yua", "blocked")]
    told(capsys.readouterr().err)
