"""Files that appear whole or not at all: written under a temporary name beside their final
name, renamed into place only when complete. A crash or Ctrl-C leaves the old file, never half
a new one."""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import stat
import tempfile
import threading
import time
import unicodedata
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from pipeline.errors import Diagnostic, error
from pipeline.messages import N_, Message, meant, say


def partial_path(final: Path) -> Path:
    """A temporary name beside `final`, unique to this process and thread."""
    final.parent.mkdir(parents=True, exist_ok=True)
    return final.with_name(f".{final.stem}.partial-{os.getpid()}-{threading.get_ident()}{final.suffix}")


@contextmanager
def atomic_output(final: Path) -> Iterator[Path]:
    """A temporary name beside `final`, renamed into place only if the block succeeds."""
    partial = partial_path(final)
    try:
        yield partial
        os.replace(partial, final)
    finally:
        partial.unlink(missing_ok=True)


def process_running(pid: int) -> bool:
    """Whether a process `pid` runs (another user's counts, though it cannot be signalled)."""
    if pid <= 0:          # 0 and below name process groups, not a process
        return False
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):
        return False
    except PermissionError:
        return True
    return True


def write_atomically(final: Path, data: bytes | str) -> None:
    """Bytes, or text as UTF-8 with `\\n` line ends, put in place whole (mode 0644 under the
    usual umask, like any file the user writes)."""
    with atomic_output(Path(final)) as partial:
        partial.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)


_PARTIAL = re.compile(r"\..+\.partial-(\d+)-\d+")


def written_now(name: str) -> bool:
    """Whether `name` is a partial file (`partial_path`) of a process that runs: another
    command's write under way, no file of the folder's (a trial's two publishes to one folder:
    one told of the other's `.index.html.partial-31061-....sha256` as withdrawn, for --prune to
    delete)."""
    found = _PARTIAL.match(name)
    return bool(found) and process_running(int(found[1]))


def remove_abandoned_partials(final: Path) -> None:
    """Delete the partial files of `final` (`partial_path`'s names) whose process no longer
    runs: a write cut short by SIGKILL or a power cut leaves one, hidden, under its name
    for good. Those of a running process are its own, left alone."""
    prefix = f".{final.stem}.partial-"
    with contextlib.suppress(OSError):           # a folder not there or not readable
        for entry in final.parent.iterdir():
            pid = entry.name[len(prefix):].split("-")[0]
            if entry.name.startswith(prefix) and entry.name.endswith(final.suffix) \
                    and pid.isdigit() and not process_running(int(pid)):
                entry.unlink(missing_ok=True)


def work_folder(kind: str) -> tempfile.TemporaryDirectory:
    """A temporary folder for one step's work (`with work_folder("burn") as folder:`), removed
    when it ends, Ctrl-C included; named with this process's id, for
    `remove_abandoned_work_folders` to take away what a SIGKILL left."""
    return tempfile.TemporaryDirectory(prefix=f"{WORK_PREFIX}{kind}-{os.getpid()}-")


WORK_PREFIX = "pipeline-work-"
ABANDONED_AFTER = 6 * 3600.0     # seconds: a folder so long untouched whose process is gone
# The whole name: WORK_PREFIX, a kind, the process id, tempfile's 8 random characters.
_WORK_FOLDER = re.compile(rf"{WORK_PREFIX}[a-z]+-(\d+)-[a-z0-9_]{{8}}")


def remove_abandoned_work_folders() -> None:
    """Remove the work folders (`work_folder`, their whole name matched) in the temporary
    folder whose process no longer runs and in which nothing was written for ABANDONED_AFTER
    (the process of another container sharing the folder is not seen here: hours leave any
    render of it time to end): a render killed by SIGKILL or the OOM killer leaves its encodes
    there for good (an operations trial's 15 s of 1080p left two 524 KB files, fonts and
    subtitles a render)."""
    now = time.time()
    with contextlib.suppress(OSError):
        for entry in os.scandir(tempfile.gettempdir()):
            found = _WORK_FOLDER.fullmatch(entry.name)
            with contextlib.suppress(OSError):
                if found and entry.is_dir(follow_symlinks=False) \
                        and not process_running(int(found[1])) \
                        and now - _last_written(entry.path) > ABANDONED_AFTER:
                    shutil.rmtree(entry.path, ignore_errors=True)


def _last_written(folder: str) -> float:
    """The newest modification time of `folder` and of what it holds (one level down)."""
    times = [os.stat(folder).st_mtime]
    with os.scandir(folder) as entries:
        times += [entry.stat(follow_symlinks=False).st_mtime for entry in entries]
    return max(times)


GROWING_POLL = 0.25   # seconds: a copy writes many times a second (render/settling.py)
QUIET_SECONDS = 2.0   # a copy under way wrote its file in the last instants
_STEADY: set[tuple[str, int, int]] = set()   # (path, size, mtime_ns) seen not growing


def still_growing(path: Path) -> bool:
    """Whether the file's size changes within `GROWING_POLL`: a copy still under way (a
    trial's cron render of a master being copied told the media team to export it again).
    A file seen steady is not waited on again while its size and time stay (a `check` of many
    subtitle files beside one unreadable master asks of it once per file). A file last
    written `QUIET_SECONDS` ago or more is not waited on at all (a `check` of many broken files
    paid the wait for each)."""
    try:
        stat = path.stat()
        seen = (str(path), stat.st_size, stat.st_mtime_ns)
        if seen in _STEADY or time.time() - stat.st_mtime_ns / 1e9 >= QUIET_SECONDS:
            return False
        time.sleep(GROWING_POLL)
        if path.stat().st_size != stat.st_size:
            return True
    except OSError:
        return False
    _STEADY.add(seen)
    return False


def link_atomically(source: Path, final: Path) -> None:
    """`final` made the same file as `source` (a hard link: no bytes copied; a copy on a file
    system without hard links), put in place whole."""
    with atomic_output(final) as partial:
        try:
            os.link(source, partial)
        except OSError:
            shutil.copyfile(source, partial)


FolderIndex = dict[str, list[str]]     # file stem -> names in the folder with that stem


def index_folder(folder: Path) -> FolderIndex:
    """The names in `folder` by stem (up to the first dot), hidden files and folders left out:
    where a language's delivery (`<code>.<ext>`) and any misnamed copies of it are found. A
    pipe or a link to nothing is listed, to be said what it is where it is read (a trial's
    FIFO named tzh.srt was "no file for 'tzh'")."""
    index: FolderIndex = defaultdict(list)
    if folder.is_dir():
        for entry in sorted(folder.iterdir()):
            if not entry.is_dir() and not entry.name.startswith("."):
                index[entry.name.split(".", 1)[0]].append(entry.name)
    return dict(index)


def nested_file(folder: Path, stem: str, suffixes: tuple[str, ...]) -> Path | None:
    """The one file named `stem` with one of `suffixes` in a folder inside `folder` (hidden
    ones and a Mac zip's `__MACOSX` left out), or None: a zip unpacked into the spot's folder
    keeps its own folder, and a trial's `Traducción náhuatl/nah.srt` was "no file for 'nah'",
    its folder unnamed. Listed only where the file is missing."""
    try:
        inside = sorted((entry for entry in os.scandir(folder) if entry.is_dir()
                         and not entry.name.startswith(".") and entry.name != "__MACOSX"),
                        key=lambda entry: entry.name)
    except OSError:
        return None
    found = [Path(entry.path) / name for entry in inside
             for name in index_folder(Path(entry.path)).get(stem, ())     # by stem already
             if Path(name).suffix.lower() in suffixes]
    return found[0] if len(found) == 1 else None


NESTED_HINT = N_("move it up into %(folder)s (a zip unpacked there keeps its own folder)")


NOT_FOUND = N_("not found")     # input_problem's words for a path with nothing there
NOT_REGULAR = N_("is not a regular file")     # theirs for a pipe or a device (`special_file`)


def special_file(path: Path) -> bool:
    """Whether `path` (links followed) is there but is neither a regular file nor a folder: a
    pipe, a device, a socket. Reading one could wait for ever (a FIFO no one writes) or never
    end (/dev/zero: `check` took 1.2 GB of memory a second, `verify` hashed without end)."""
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def name_not_utf8(path: Path) -> str | None:
    """The first of `path`'s names that is not UTF-8 text, its other bytes shown as `\\xf1`
    (`Campa\\xf1a win`), or None. Such a name (a Windows zip's Latin-1 or CP850 names, unpacked
    as they are) cannot be written into a filter graph, a record or the page, all UTF-8: a
    trial's render stopped with an internal error on every variant while `validate` passed."""
    for part in path.parts:
        try:
            part.encode("utf-8")
        except UnicodeEncodeError:
            return part.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return None


NOT_UTF8 = N_("the name %(name)s is not UTF-8 text (a zip made on Windows, unpacked with its "
              "names as they were)")
NOT_UTF8_SAID = N_("is under a name that is not UTF-8 text, %(name)s (a zip made on Windows, "
                   "unpacked with its names as they were)")     # input_problem's words
NOT_UTF8_HINT = N_("rename it, typing its name anew (mv), or unpack the zip again with its "
                   "names converted: unzip -O CP850")


def input_problem(path: Path) -> tuple[Message, Message] | None:
    """Why an input the manifest names cannot be read, in words that follow its name (`master
    of spot 'x' is a folder, not a file`), and what to do; None when it can be read (the
    manifest's paths are resolved: a link to nothing is its missing target). Checked
    before the file is hashed or probed, where the OSError would name the file without the
    manifest's line, and stop the whole run."""
    odd = name_not_utf8(path)
    if odd:
        return say(NOT_UTF8_SAID, name=odd), say(NOT_UTF8_HINT)
    if os.path.islink(path) and not path.exists():   # unresolved (`resolved`), or in a folder
        if _looped(path):
            return (say(N_("is a symbolic link that leads nowhere (a loop of links)")),
                    say(N_("make the link point to the file, or name the file itself")))
        return (say(N_("is a symbolic link to %(target)s, which is not there"),
                    target=os.readlink(path)),
                say(N_("connect the drive it is on, or put the file itself there")))
    if not path.exists():
        near = _near_name(path)
        if near:      # a media team's trial's Alerta-20.mp4 for the alerta-20.mp4 beside it
            return say(NOT_FOUND), (
                say(N_("the folder has %(name)s: names are case-sensitive"), name=near)
                if near.lower() == path.name.lower() else
                say(N_("the folder has %(name)s: did you mean it?"), name=near))
        if "\\" in str(path) or any(ord(char) < 0x20 for char in str(path)):
            # A Windows path: its '\\' is a letter of a name here, and in double quotes YAML
            # reads "\\a" as a control character (a trial's "Másters\\alto-trata-10.MP4").
            return say(NOT_FOUND), say(N_("write '/' between folders, not '\\' (in double "
                                          "quotes YAML reads '\\a' or '\\t' as a control "
                                          "character)"))
        return say(NOT_FOUND), say(N_("check the path; relative paths start from the "
                                      "manifest's folder"))
    if path.is_dir():
        return (say(N_("is a folder, not a file")),
                say(N_("name the file in that folder; relative paths start from the "
                       "manifest's folder")))
    if special_file(path):
        return say(NOT_REGULAR), say(N_("name the file itself, not a pipe or a device"))
    try:
        with open(path, "rb"):
            pass
    except OSError as exc:
        # The system's reason in its own words.
        return (say(N_("cannot be read (%(reason)s)"), reason=str(exc.strerror or exc)),
                say(N_("give this user permission to read it (chmod a+r), or copy it where it "
                       "can be read")))
    return None


def _looped(path: Path) -> bool:
    """Whether `path`'s links go round in a loop (ELOOP), not to a target that is not there."""
    try:
        os.stat(path)
    except OSError as exc:
        return exc.errno == errno.ELOOP
    return False


def _near_name(path: Path) -> str | None:
    """The name in `path`'s folder that `path`'s is a slip of (`messages.meant`), or None (and
    when the folder cannot be listed)."""
    try:
        names = [entry.name for entry in os.scandir(path.parent)]
    except OSError:
        return None
    return meant(path.name, names)


def resolved(path: Path) -> Path:
    """`path.resolve()`, or, where a symbolic link loop stops it (Python raises RuntimeError),
    `path` made absolute: the loop is said where the file is read (`input_problem`). A trial's
    master linked to itself stopped the whole render with an internal error."""
    try:
        return path.resolve()
    except (RuntimeError, OSError):
        return Path(os.path.abspath(path))


def spelt_on_disk(path: Path) -> Path:
    """`path` as its folders and file are spelt on disk where only their Unicode normal form
    differs (NFC typed, NFD stored: macOS writes accented names decomposed, and a zip or a synced
    folder from a Mac keeps them so), else `path` itself. Linux compares names byte for byte: a
    manifest's typed `Campaña.mp4` was "not found" beside the decomposed one, and the hint
    offered a name that looks the same. Folders are listed only from the first name not there."""
    if os.path.lexists(path):
        return path
    found = Path(path.anchor)
    for part in path.parts[1:]:
        if not os.path.lexists(found / part):
            try:
                twins = [entry.name for entry in os.scandir(found)
                         if unicodedata.normalize("NFC", entry.name)
                         == unicodedata.normalize("NFC", part)]
            except OSError:
                return path
            if len(twins) != 1:       # none, or two spellings side by side: neither is chosen
                return path
            part = twins[0]
        found = found / part
    return found


def empty_file(path: Path) -> Diagnostic | None:
    """The error for a file of 0 bytes, at its first line; None when it holds anything (or is
    not there, or cannot be read: its reader says so). Said before a subtitle reader or ffprobe
    looks at it: of nothing, each said something of its own (a WebVTT file must start with
    WEBVTT, a TTML file is not well-formed XML, ffprobe's "Invalid data found when processing
    input"), which sent the translator or the studio to fix a file that only had to be sent
    again."""
    try:
        if os.stat(path).st_size:
            return None
    except OSError:
        return None
    return error(say(N_("the file is empty (0 bytes)")), path, 1,
                 say(N_("nothing was written to it: a copy or a download that stopped before its "
                        "first byte, or an export that failed; copy or export it again")), "empty")


def rename_hint(name: str, read: str | None = None, version: bool = False) -> Message:
    """The hint to give a file `name`. Where `read`, beside it, is the file read (`name` itself
    or another of its language's), to move that one out first: a trial's "zai - copia.srt"
    was told to take zai.srt's name, and nah.srt.txt nah.srt's. `version`: the file is a
    version of the one read (nah_old.srt), said so."""
    if read is not None:
        return say(N_("move it out, or, to use it instead, move %(read)s out and rename this "
                      "one %(name)s"), read=read, name=name)
    if version:
        return say(N_("to use this version, rename it to %(name)s"), name=name)
    return say(N_("rename it to %(name)s"), name=name)
