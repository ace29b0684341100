"""Shared fixtures: tiny real media generated once per session with ffmpeg's lavfi sources,
and a factory for small campaigns (manifest + subtitle and audio files) in tmp_path."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest
import yaml

# The tests read what commands say in English, and a Spanish desktop's locale would have them
# say it in Spanish (cli/language.py): English for every test and every command it runs; the
# tests of the Spanish terminal set their locale themselves.
for _name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
    os.environ.pop(_name, None)
os.environ["LANG"] = "C.UTF-8"

FFMPEG = shutil.which("ffmpeg")
DURATION = 4.0


def made_after_failing(folder: Path, stem: str) -> list[Path]:
    """What a failed variant left under its name in `folder`: nothing but its failure memo
    (render/failures.py) may be there, no part of a file under a final name. Asserts the memo
    is there."""
    memo = folder / f"{stem}.failed.json"
    assert memo.is_file(), f"{memo} not written"
    return [path for path in folder.glob(f"{stem}.*") if path != memo]


def ffmpeg(*args: str) -> None:
    assert FFMPEG, "ffmpeg is not installed: run `make setup` (apt-get install ffmpeg)"
    subprocess.run([FFMPEG, "-hide_banner", "-loglevel", "error", "-nostdin", "-y", *args], check=True)


@pytest.fixture(autouse=True)
def logger_levels():
    """The root's and the pipeline's logger levels as they were before each test: a command
    run with -q (cli/common.py sets them, once a process in real use) left the pipeline's at
    ERROR for every later test in its worker, whose warnings then never reached caplog."""
    loggers = [logging.getLogger(), logging.getLogger("pipeline")]
    levels = [logger.level for logger in loggers]
    yield
    for logger, level in zip(loggers, levels):
        logger.setLevel(level)


@pytest.fixture(scope="session")
def media(tmp_path_factory) -> dict[str, Path]:
    """A 4 s 320x180 25 fps master (moving test picture, 440 Hz tone at about -32 LUFS), a music
    bed, a dubbed track and a voice-over at other loudnesses, all generated here."""
    folder = tmp_path_factory.mktemp("media")
    files = {name: folder / name for name in
             ("master.mp4", "bed.wav", "dub.wav", "voice.wav", "silent.mp4", "audio-only.m4a")}
    ffmpeg("-f", "lavfi", "-i", f"testsrc2=size=320x180:rate=25:duration={DURATION}",
           "-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={DURATION}",
           "-filter:a", "volume=-10dB,aformat=channel_layouts=stereo",
           "-c:v", "libx264", "-preset", "veryfast", "-profile:v", "high", "-pix_fmt", "yuv420p",
           "-g", "25", "-c:a", "aac", "-b:a", "96k", str(files["master.mp4"]))
    ffmpeg("-f", "lavfi", "-i", f"sine=frequency=220:sample_rate=48000:duration={DURATION}",
           "-filter:a", "volume=-18dB", "-ac", "2", str(files["bed.wav"]))
    # The dub is a 1 kHz tone, so a test can tell it from the master's 440 Hz by its spectrum.
    ffmpeg("-f", "lavfi", "-i", f"sine=frequency=1000:sample_rate=44100:duration={DURATION - 0.5}",
           "-filter:a", "volume=-8dB", str(files["dub.wav"]))
    # The voice-over speaks for the first 2.6 s, then the bed plays alone.
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=1500:sample_rate=48000:duration=2.6",
           "-filter:a", "volume=-12dB,apad=whole_dur=4", str(files["voice.wav"]))
    ffmpeg("-f", "lavfi", "-i", f"testsrc2=size=320x180:rate=25:duration={DURATION}",
           "-c:v", "libx264", "-preset", "ultrafast", str(files["silent.mp4"]))
    ffmpeg("-f", "lavfi", "-i", f"sine=duration={DURATION}", "-c:a", "aac", str(files["audio-only.m4a"]))
    return files


SRT = textwrap.dedent("""\
    1
    00:00:00,500 --> 00:00:01,800
    Los seres humanos

    2
    00:00:02,500 --> 00:00:03,600
    no están a la venta
    """)

# The same two cues as SRT, in every other format a translator may deliver.
VTT = textwrap.dedent("""\
    WEBVTT

    00:00:00.500 --> 00:00:01.800
    Los seres humanos

    00:00:02.500 --> 00:00:03.600
    no están a la venta
    """)

ASS_STYLES = ("Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, "
              "BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, "
              "BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding\n"
              "Style: Default,Noto Sans,24,&H00FFFFFF,&H000000FF,&H00000000,&H00000000,0,0,0,0,"
              "100,100,0,0,1,2,0,2,10,10,10,1\n")
ASS = ("[Script Info]\nScriptType: v4.00+\nPlayResX: 640\nPlayResY: 360\n\n[V4+ Styles]\n"
       + ASS_STYLES + "\n[Events]\n"
       "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n"
       "Dialogue: 0,0:00:00.50,0:00:01.80,Default,,0,0,0,,Los seres humanos\n"
       "Dialogue: 0,0:00:02.50,0:00:03.60,Default,,0,0,0,,no están a la venta\n")

# ASS as Aegisub saves it: its [Script Info] comments and settings, its [Aegisub Project
# Garbage], a 1080p PlayRes, and every style in Arial, its default (no Arial here: fontconfig
# gives Noto Sans), Cursiva used by no line; one style in Noto Sans. Styles on lines 22-26,
# events on lines 30-34.
AEGISUB_ASS = textwrap.dedent("""\
    [Script Info]
    ; Script generated by Aegisub 3.2.2
    ; http://www.aegisub.org/
    Title: Spot Salud
    ScriptType: v4.00+
    WrapStyle: 0
    ScaledBorderAndShadow: yes
    YCbCr Matrix: TV.709
    PlayResX: 1920
    PlayResY: 1080

    [Aegisub Project Garbage]
    Audio File: ../../media/spot.mp4
    Video File: ../../media/spot.mp4
    Video AR Mode: 4
    Video AR Value: 1.777778
    Video Zoom Percent: 0.500000
    Active Line: 4

    [V4+ Styles]
    Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, \
BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, \
Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding
    Style: Default,Arial,72,&H00FFFFFF,&H000000FF,&H00000000,&H00000000,0,0,0,0,100,100,0,0,1,3,2,2,60,60,50,1
    Style: Cartel,Arial,60,&H00FFFFFF,&H000000FF,&H00000000,&H00000000,-1,0,0,0,100,100,0,0,1,3,2,8,60,60,50,1
    Style: Cursiva,Arial,72,&H00FFFFFF,&H000000FF,&H00000000,&H00000000,0,-1,0,0,100,100,0,0,1,3,2,2,60,60,50,1
    Style: Narrador,Arial,72,&H00FFFFFF,&H000000FF,&H00000000,&H00000000,0,0,0,0,100,100,0,0,1,3,2,2,60,60,50,1
    Style: Creditos,Noto Sans,48,&H00FFFFFF,&H000000FF,&H00000000,&H00000000,0,0,0,0,100,100,0,0,1,2,1,2,60,60,40,1

    [Events]
    Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text
    Dialogue: 0,0:00:00.20,0:00:00.90,Default,,0,0,0,,Los seres humanos
    Dialogue: 0,0:00:01.00,0:00:01.70,Default,,0,0,0,,no están a la venta
    Dialogue: 0,0:00:01.80,0:00:02.50,Cartel,,0,0,0,,CLÍNICA
    Dialogue: 0,0:00:02.60,0:00:03.30,Narrador,,0,0,0,,Llame al 800
    Dialogue: 0,0:00:03.40,0:00:03.90,Creditos,,0,0,0,,Fin
    """)

TTML = textwrap.dedent("""\
    <?xml version="1.0" encoding="UTF-8"?>
    <tt xmlns="http://www.w3.org/ns/ttml" xml:lang="es">
      <body>
        <div>
          <p begin="00:00:00.500" end="00:00:01.800">Los seres humanos</p>
          <p begin="2.5s" end="3.6s">no están a la venta</p>
        </div>
      </body>
    </tt>
    """)

# WebVTT as YouTube's download writes it (auto captions): a header with Kind: and Language:,
# lines of one space inside cues, a cue of only spaces; and a line of spaces where a blank line
# should be, before an identifier. Joined by hand: textwrap.dedent empties lines of spaces.
YOUTUBE_VTT = "\n".join([
    "WEBVTT", "Kind: captions", "Language: es", "",
    "00:00:00.500 --> 00:00:01.800 align:start position:0%", " ",
    "Los seres<00:00:01.000><c> humanos</c>", "",                          # lines 5-7
    "00:00:01.800 --> 00:00:02.400 align:start position:0%", " ", "  ", "",  # a cue of spaces
    "00:00:02.500 --> 00:00:03.600 align:start position:0%", "no están a la venta", " ",
    "4", "00:00:03.600 --> 00:00:04.000", "fin", ""])                       # lines 13-18

# DFXP as Amara exports it: its regions placed in pixels (no origin: the frame's top left),
# and no tts:extent on <tt> to say what a pixel is; one more region as translators edit them.
AMARA_DFXP = textwrap.dedent("""\
    <?xml version="1.0" encoding="utf-8"?>
    <tt xmlns="http://www.w3.org/ns/ttml" xmlns:tts="http://www.w3.org/ns/ttml#styling" xml:lang="es">
        <head>
            <metadata xmlns:ttm="http://www.w3.org/ns/ttml#metadata">
                <ttm:title/>
                <ttm:description/>
                <ttm:copyright/>
            </metadata>
            <styling xmlns:tts="http://www.w3.org/ns/ttml#styling">
                <style xml:id="amara-style" tts:color="white" tts:fontFamily="proportionalSansSerif" tts:fontSize="18px" tts:textAlign="center"/>
            </styling>
            <layout xmlns:tts="http://www.w3.org/ns/ttml#styling">
                <region xml:id="amara-subtitle-area" style="amara-style" tts:extent="560px 62px" tts:padding="5px 3px" tts:displayAlign="after"/>
                <region xml:id="r1" style="amara-style" tts:origin="10px 40px" tts:extent="620px 60px"/>
            </layout>
        </head>
        <body region="amara-subtitle-area">
            <div>
                <p begin="00:00:00.500" end="00:00:01.800">Los seres humanos</p>
                <p begin="00:00:02.500" end="00:00:03.600" region="r1">no están a la venta</p>
            </div>
        </body>
    </tt>
    """)

# Small profiles keep end-to-end renders to a second or two each.
SMALL_PROFILES = {
    "small": {"base": "web", "width": 320, "height": 180, "preset": "ultrafast", "crf": 30},
    # A soft language's subtitles kept a track, which a vertical burns unless told: its
    # variants copy the picture shared with dubs, as these tests of sharing expect.
    "tall": {"base": "vertical", "width": 180, "height": 320, "preset": "ultrafast", "crf": 30,
             "soft_subtitles": "track"},
}


class Campaign:
    """A campaign folder: manifest, subtitles/, audio/, media, written by tests."""

    def __init__(self, root: Path, media: dict[str, Path]):
        self.root = root
        self.media = media
        for sub in ("manifests", "subtitles/spot", "audio/spot", "media"):
            (root / sub).mkdir(parents=True, exist_ok=True)
        shutil.copy(media["master.mp4"], root / "media/spot.mp4")
        shutil.copy(media["bed.wav"], root / "media/spot.bed.wav")
        self.manifest = root / "manifests/campaign.yaml"

    def data(self, languages: list[dict], profiles=None, **extra) -> dict:
        return {
            "campaign": "test-campaign", "title": "Test campaign", "source_language": "spa",
            "spots": [{"id": "spot", "title": "Test spot", "master": "../media/spot.mp4",
                       "music_bed": "../media/spot.bed.wav"}],
            "languages": languages,
            "profiles": profiles if profiles is not None else {"small": SMALL_PROFILES["small"]},
            **extra,
        }

    def write(self, languages: list[dict], profiles=None, **extra) -> Path:
        self.manifest.write_text(yaml.safe_dump(self.data(languages, profiles, **extra),
                                                allow_unicode=True, sort_keys=False), encoding="utf-8")
        return self.manifest

    def write_text(self, text: str) -> Path:
        self.manifest.write_text(textwrap.dedent(text), encoding="utf-8")
        return self.manifest

    def subtitle(self, code: str, text: str = SRT, encoding: str = "utf-8",
                 suffix: str = ".srt") -> Path:
        path = self.root / "subtitles/spot" / f"{code}{suffix}"
        path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
        return path

    def audio(self, code: str, source: str = "dub.wav") -> Path:
        path = self.root / "audio/spot" / f"{code}.wav"
        shutil.copy(self.media[source], path)
        return path

    @property
    def out(self) -> Path:
        return self.root / "build/test-campaign/spot"

    def rendering(self, **popen) -> subprocess.Popen:
        """`pipeline render` of a slow burn (x264 `slow` at 720p), in a process of its own
        session started with `popen`'s arguments, returned once it writes its partial file:
        a render to interrupt or kill in the middle."""
        import sys
        import time

        self.subtitle("nah")
        manifest = self.write([{"code": "nah", "treatment": "burn"}],
                              profiles={"big": {"base": "web", "width": 1280, "height": 720,
                                                "preset": "slow"}})
        process = subprocess.Popen([sys.executable, "-m", "pipeline", "render", str(manifest)],
                                   start_new_session=True, **popen)
        deadline = time.monotonic() + 30
        while not list(self.out.glob(".*partial*")) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert list(self.out.glob(".*partial*")), "the render never started writing"
        return process


@pytest.fixture
def campaign(tmp_path, media) -> Campaign:
    return Campaign(tmp_path, media)


@pytest.fixture
def x264_refuses(tmp_path, monkeypatch):
    """`x264_refuses(marker)`: from then on, every ffmpeg command with an argument containing
    `marker` has its x264 outputs asked for 4:2:2 in the Baseline profile, which x264 refuses
    only when it opens (a real ffmpeg failure after the decode started). Validation refuses
    such a profile in a manifest, so a render can meet it only like this: a failure that no
    check before the render could foresee."""
    import os
    import sys

    from pipeline.media.ffmpeg import ffmpeg_binary

    def arm(marker: str) -> None:
        wrapper = tmp_path / "ffmpeg-x264-refuses"
        wrapper.write_text(
            f"#!{sys.executable}\nimport os, sys\nargs = sys.argv[1:]\n"
            f"if any({marker!r} in arg for arg in args):\n"
            "    for at in reversed([i for i, arg in enumerate(args) if arg == '-profile:v']):\n"
            "        args[at + 1:at + 2] = ['baseline', '-pix_fmt', 'yuv422p']\n"
            f"os.execv({FFMPEG!r}, [{FFMPEG!r}] + args)\n", encoding="utf-8")
        wrapper.chmod(0o755)
        monkeypatch.setenv("FFMPEG", str(wrapper))
        ffmpeg_binary.cache_clear()

    assert os.access(FFMPEG or "", os.X_OK)
    yield arm
    ffmpeg_binary.cache_clear()
