"""Measurements of real output files for the tests: frames, band energies, loudness."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import ffmpeg

FFMPEG = shutil.which("ffmpeg") or "ffmpeg"
FFPROBE = shutil.which("ffprobe") or "ffprobe"


def streams(path: Path) -> list[dict]:
    out = subprocess.run([FFPROBE, "-v", "error", "-print_format", "json", "-show_streams",
                          "-show_format", str(path)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)["streams"]


def probe_tags(path: Path, of: str = "format") -> dict[str, str]:
    """ffprobe's reading of a file's tags: its container's (`of="format"`), or its first
    stream's (`of="stream"`: where Ogg keeps Vorbis comments)."""
    out = subprocess.run([FFPROBE, "-v", "error", "-print_format", "json", "-show_entries",
                          f"{of}_tags", str(path)], capture_output=True, check=True).stdout
    # A WAV's INFO texts are ISO-8859-1 (media/audio_tags.py), which ffprobe passes on as is.
    found = json.loads(out.decode("utf-8", "replace"))
    return (found["format"] if of == "format" else found["streams"][0]).get("tags", {})


def duration(path: Path) -> float:
    out = subprocess.run([FFPROBE, "-v", "error", "-show_entries", "format=duration", "-of",
                          "default=nw=1:nk=1", str(path)], capture_output=True, text=True, check=True)
    return float(out.stdout)


def gray_frame(path: Path, at: float | None, width: int, height: int) -> bytes:
    """One decoded frame as 8-bit gray pixels, row by row (`at` None: a still picture's)."""
    seek = ["-ss", f"{at}"] if at is not None else []
    out = subprocess.run([FFMPEG, "-v", "error", *seek, "-i", str(path), "-frames:v", "1",
                          "-vf", f"scale={width}:{height}", "-f", "rawvideo", "-pix_fmt", "gray", "-"],
                         capture_output=True, check=True).stdout
    assert len(out) == width * height, f"no frame at {at}s in {path}"
    return out


def burned_frames(ass: Path, fontsdir: Path, width: int, height: int, seconds: float,
                  rate: int = 1, background: str = "black") -> list[bytes]:
    """8-bit gray frames of a `background` picture (black) with `ass` drawn on it the way every
    render burns (the pipeline's `burn_in`), one every 1/`rate` s from 0."""
    from pipeline.subtitles.burn import burn_in   # the path under test, not a measurement

    source = ffmpeg.input(f"color=c={background}:s={width}x{height}:d={seconds}:r={rate}",
                          f="lavfi")
    args = (burn_in(source, ass, fontsdir).output("pipe:", f="rawvideo", pix_fmt="gray")
            .compile(cmd=[FFMPEG, "-hide_banner", "-loglevel", "error"]))
    raw = subprocess.run(args, capture_output=True, check=True).stdout
    size = width * height
    return [raw[i:i + size] for i in range(0, len(raw), size)]


def changed_fraction(a: bytes, b: bytes, width: int, rows: range, threshold: int = 60) -> float:
    """Share of pixels in `rows` that differ by more than `threshold` between two gray frames."""
    changed = total = 0
    for y in rows:
        for x in range(width):
            i = y * width + x
            total += 1
            changed += abs(a[i] - b[i]) > threshold
    return changed / total


def band_rms_db(path: Path, frequency: float, start: float = 0.0, length: float | None = None) -> float:
    """RMS level (dBFS) of the audio in a narrow band around `frequency`."""
    args = [FFMPEG, "-hide_banner", "-nostats", "-ss", f"{start}"]
    if length:
        args += ["-t", f"{length}"]
    args += ["-i", str(path), "-vn", "-af",
             f"bandpass=f={frequency}:width_type=q:w=8,astats=measure_overall=RMS_level:measure_perchannel=none",
             "-f", "null", "-"]
    return _rms_db(args)


def _rms_db(args: list[str]) -> float:
    """The RMS level (dBFS) the last `astats` of an ffmpeg command prints; -200 for silence."""
    err = subprocess.run(args, capture_output=True, text=True, check=True).stderr
    found = re.findall(r"RMS level dB: (-?[\d.]+|-inf)", err)
    assert found, err[-500:]
    return -200.0 if found[-1] == "-inf" else float(found[-1])


def integrated_loudness(path: Path) -> tuple[float, float]:
    """(integrated LUFS, true peak dBTP) measured with the ebur128 filter, independently of
    the pipeline's own loudnorm measurement."""
    err = subprocess.run([FFMPEG, "-hide_banner", "-nostats", "-i", str(path), "-vn", "-af",
                          "ebur128=peak=true", "-f", "null", "-"], capture_output=True, text=True,
                         check=True).stderr
    summary = err[err.rindex("Summary:"):]
    lufs = float(re.search(r"I:\s+(-?[\d.]+) LUFS", summary).group(1))
    peak = float(re.search(r"Peak:\s+(-?[\d.]+|-inf) dBFS", summary).group(1))
    return lufs, peak


def channel_band_rms_db(path: Path, channel: int, frequency: float, stream: int = 0) -> float:
    """RMS level (dBFS) of one channel of an audio stream (the first by default), in a narrow
    band (three band-pass filters in a row: a tone half an octave away is some 50 dB down)."""
    band = f"bandpass=f={frequency}:width_type=q:w=8"
    return _rms_db([FFMPEG, "-hide_banner", "-nostats", "-i", str(path), "-map",
                    f"0:a:{stream}", "-af", f"pan=mono|c0=c{channel},{band},{band},{band},"
                    "astats=measure_overall=RMS_level:measure_perchannel=none", "-f", "null", "-"])


def difference_rms_db(path: Path) -> float:
    """RMS level (dBFS) of the first audio stream's left channel less its right: -200 when the
    two are the same samples."""
    return _rms_db([FFMPEG, "-hide_banner", "-nostats", "-i", str(path), "-map", "0:a:0", "-af",
                    "pan=mono|c0=c0-c1,astats=measure_overall=RMS_level:measure_perchannel=none",
                    "-f", "null", "-"])


def field_counts(path: Path) -> dict[str, int]:
    """ffmpeg's `idet` over the whole picture: multi-frame TFF, BFF, progressive, undetermined."""
    err = subprocess.run([FFMPEG, "-hide_banner", "-nostats", "-i", str(path), "-map", "0:v:0",
                          "-vf", "idet", "-f", "null", "-"], capture_output=True, text=True,
                         check=True).stderr
    found = re.findall(r"Multi frame detection:\s*TFF:\s*(\d+)\s*BFF:\s*(\d+)\s*Progressive:\s*(\d+)"
                       r"\s*Undetermined:\s*(\d+)", err)
    assert found, err[-500:]
    return dict(zip(("tff", "bff", "progressive", "undetermined"), map(int, found[-1])))


def flash_time(path: Path) -> float:
    """When the first bright frame of a black picture is shown, on the file's own clock
    (`blackdetect`, timestamps as stored: -copyts)."""
    err = subprocess.run([FFMPEG, "-hide_banner", "-nostats", "-copyts", "-i", str(path),
                          "-map", "0:v:0", "-vf", "blackdetect=d=0.01:pix_th=0.3", "-f", "null", "-"],
                         capture_output=True, text=True, check=True).stderr
    found = re.search(r"black_end:\s*(-?[\d.]+)", err)
    assert found, err[-500:]
    return float(found.group(1))


def beep_time(path: Path, threshold: float = 0.05) -> float:
    """When the first sample louder than `threshold` (any channel) is heard, on the file's own
    clock: the first decoded frame's time (ffprobe) plus the sample's position in the decoded
    signal (encoder delay and edit lists applied by the decoder, as players do)."""
    import array

    frames = json.loads(subprocess.run(
        [FFPROBE, "-v", "error", "-select_streams", "a:0", "-show_frames", "-read_intervals", "%+#8",
         "-show_entries", "frame=pts_time,sample_rate", "-of", "json", str(path)],
        capture_output=True, text=True, check=True).stdout)["frames"]
    first = next(f for f in frames if f.get("pts_time") not in (None, "N/A"))
    raw = subprocess.run([FFMPEG, "-v", "error", "-i", str(path), "-map", "0:a:0", "-ac", "1",
                          "-ar", "48000", "-f", "f32le", "-"], capture_output=True, check=True).stdout
    samples = array.array("f", raw)
    index = next(i for i, value in enumerate(samples) if abs(value) > threshold)
    return float(first["pts_time"]) + index / 48000


def rotation(path: Path) -> float:
    """The display rotation a player applies to the first video stream (0 when none)."""
    for stream in streams(path):
        if stream["codec_type"] == "video":
            for data in stream.get("side_data_list", []):
                if "rotation" in data:
                    return float(data["rotation"])
            return float(stream.get("tags", {}).get("rotate", 0))
    raise AssertionError(f"no video in {path}")


def bright_box(frame: bytes, width: int, height: int, threshold: int = 128) -> tuple[int, int]:
    """Width and height (pixels) of the bounding box of the pixels brighter than `threshold`."""
    columns = [x for x in range(width) if any(frame[y * width + x] > threshold for y in range(height))]
    rows = [y for y in range(height) if any(frame[y * width + x] > threshold for x in range(width))]
    assert columns and rows, "nothing bright in the frame"
    return columns[-1] - columns[0] + 1, rows[-1] - rows[0] + 1


def rgb_frame(path: Path, at: float, width: int, height: int) -> bytes:
    """One decoded frame as 8-bit RGB pixels, row by row."""
    out = subprocess.run([FFMPEG, "-v", "error", "-ss", f"{at}", "-i", str(path), "-frames:v", "1",
                          "-vf", f"scale={width}:{height}", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
                         capture_output=True, check=True).stdout
    assert len(out) == width * height * 3, f"no frame at {at}s in {path}"
    return out


# Kr, Kb of the two Y'CbCr matrices (ITU-R BT.601-7, BT.709-6).
LUMA_WEIGHTS = {"bt601": (0.299, 0.114), "bt709": (0.2126, 0.0722)}


def rgb_as_decoded(path: Path, at: float, points: list[tuple[int, int]],
                   matrix: str) -> list[tuple[float, float, float]]:
    """R'G'B' (0-255) at `points` (x, y in stored pixels) of the frame shown at `at`, from its
    4:2:0 samples as stored (no ffmpeg conversion) read with `matrix`, limited range: what a
    player that reads the file as `matrix` shows."""
    video = next(s for s in streams(path) if s["codec_type"] == "video")
    width, height = video["width"], video["height"]
    out = subprocess.run([FFMPEG, "-v", "error", "-ss", f"{at}", "-i", str(path), "-frames:v", "1",
                          "-f", "rawvideo", "-pix_fmt", "yuv420p", "-"],
                         capture_output=True, check=True).stdout
    assert len(out) == width * height * 3 // 2, f"no 4:2:0 frame at {at}s in {path}"
    kr, kb = LUMA_WEIGHTS[matrix]
    kg = 1 - kr - kb
    chroma = (width // 2) * (height // 2)
    colours = []
    for x, y in points:
        luma = (out[y * width + x] - 16) / 219
        at_chroma = width * height + (y // 2) * (width // 2) + x // 2
        cb, cr = ((out[at_chroma + offset] - 128) / 224 for offset in (0, chroma))
        red, blue = luma + 2 * (1 - kr) * cr, luma + 2 * (1 - kb) * cb
        green = (luma - kr * red - kb * blue) / kg
        colours.append(tuple(255 * value for value in (red, green, blue)))
    return colours


def counted_streams(path: Path) -> dict[str, dict]:
    """The first stream of each kind with the frames a decoder reads from it (`nb_read_frames`,
    counted, not the container's word) and its length in seconds."""
    out = subprocess.run([FFPROBE, "-v", "error", "-count_frames", "-print_format", "json",
                          "-show_streams", str(path)], capture_output=True, text=True, check=True)
    found: dict[str, dict] = {}
    for stream in json.loads(out.stdout)["streams"]:
        found.setdefault(stream["codec_type"], stream)
    return found


def track_header_flags(path: Path) -> list[tuple[str, int]]:
    """Each track's media handler type (`vide`, `soun`, `sbtl`, `text`...) and its track header's
    24-bit flags (0x1 track_enabled), in file order: the boxes read byte by byte here (ISO/IEC
    14496-12 4.2, 8.3.2, 8.4.3), not by the parser the pipeline uses."""
    data = path.read_bytes()

    def boxes(start: int, end: int):
        while start < end:
            size, kind = int.from_bytes(data[start:start + 4], "big"), data[start + 4:start + 8]
            header = 8
            if size == 1:
                size, header = int.from_bytes(data[start + 8:start + 16], "big"), 16
            elif size == 0:
                size = end - start
            assert size >= header, f"{path}: a box of {size} bytes at {start}"
            yield kind, start + header, start + size
            start += size

    def child(kind: bytes, start: int, end: int) -> tuple[int, int]:
        (found,) = [(s, e) for k, s, e in boxes(start, end) if k == kind]
        return found

    tracks = []
    for kind, start, end in boxes(*child(b"moov", 0, len(data))):
        if kind == b"trak":
            tkhd, _ = child(b"tkhd", start, end)
            hdlr, _ = child(b"hdlr", *child(b"mdia", start, end))
            tracks.append((data[hdlr + 8:hdlr + 12].decode(), int.from_bytes(data[tkhd + 1:tkhd + 4], "big")))
    return tracks


def frame_numbers(path: Path, width: int = 320, height: int = 180) -> list[int]:
    """The number each decoded frame shows (conformmedia.FRAME_NUMBER), in order: every frame
    the file holds, at its own time (`passthrough`: not made constant by the reader)."""
    raw = subprocess.run([FFMPEG, "-v", "error", "-i", str(path), "-map", "0:v:0",
                          "-fps_mode", "passthrough", "-vf", f"scale={width}:{height}",
                          "-f", "rawvideo", "-pix_fmt", "gray", "-"],
                         capture_output=True, check=True).stdout
    size = width * height
    # The middle of each bit's column, in the middle of the top half.
    return [sum((raw[start + 45 * width + 20 + 40 * bit] > 128) << bit for bit in range(8))
            for start in range(0, len(raw) - size + 1, size)]
