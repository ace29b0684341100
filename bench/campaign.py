"""The benchmark's campaign shapes, and the media, subtitles and manifests they are made of.

Every shape renders from the same generated media under bench/work/campaign-<seconds>s/ (made
once; a stamp says with what): one or two 1920x1080p25 H.264 masters, an SRT per language and
spot, a WAV per dubbed language and spot. Each shape has its own manifest and output folders.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from bench.tools import RATE, BenchError, ffmpeg
from pipeline.media.ffmpeg import escape_filter_value

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
# Where the media and outputs go; tests/test_bench.py points it at a temporary folder.
WORK = Path(os.environ.get("BENCH_WORK") or BENCH / "work")

GENERATOR_VERSION = "4"      # bump when the generated media change: they are made again
WIDTH, HEIGHT, FPS, GOP = 1920, 1080, 25, 50
CAMPAIGN = "bench"


@dataclass(frozen=True)
class Profile:
    """A built-in profile of the contract, as the hand-written contenders spell it."""

    name: str
    width: int
    height: int
    video: tuple[str, ...]
    audio: tuple[str, ...]
    loudnorm: str = "loudnorm=I=-16:TP=-1:LRA=11"

    @property
    def fits_master(self) -> bool:
        return (self.width, self.height) == (WIDTH, HEIGHT)

    def fit(self) -> str:
        """The filter that frames the master for this profile (none when it fits)."""
        return "" if self.fits_master else f"scale={self.width}:{self.height},setsar=1"


PROFILES = {
    "web": Profile("web", 1920, 1080,
                   ("-c:v", "libx264", "-preset", "medium", "-crf", "20", "-profile:v", "high",
                    "-pix_fmt", "yuv420p"),
                   ("-c:a", "aac", "-b:a", "192k", "-ar", str(RATE), "-ac", "2")),
    "proxy": Profile("proxy", 640, 360,
                     ("-c:v", "libx264", "-preset", "veryfast", "-crf", "28", "-pix_fmt", "yuv420p"),
                     ("-c:a", "aac", "-b:a", "96k", "-ar", str(RATE), "-ac", "2")),
}
MP4 = ("-movflags", "+faststart", "-f", "mp4")

# Every language any shape uses; a burn or soft language needs an SRT, a dub one a WAV.
SUBTITLED = ("nah", "tzh", "zai", "mix", "tzo", "ote", "tsz", "amu")
DUBBED = ("yua", "tar", "hch", "mto", "cux", "huv")
DUB_GAIN_DB = {"yua": 4.0, "tar": -12.0, "hch": -4.0, "mto": -8.0, "cux": -2.0,
               "huv": -10.0}   # ~ -14 .. -30 LUFS: loudness normalisation has real work
# Short enough that a 10 s spot's cues pass the pipeline's reading-speed QC without warnings.
CUE_TEXTS = (
    "Nadie está en venta.",
    "Corazón Azul\ncontra la trata.",
    "Si sabes algo, llama.",
    "Muestra · {code}",
)


@dataclass(frozen=True)
class Shape:
    """One campaign shape: which languages, how many spots, which profiles."""

    key: str
    title: str
    languages: tuple[tuple[str, str], ...]     # (code, treatment)
    spots: int = 1
    profiles: tuple[str, ...] = ("web",)

    def codes(self, treatment: str) -> list[str]:
        return [code for code, t in self.languages if t == treatment]

    @property
    def picture_encodes(self) -> bool:
        return bool(self.codes("burn")) or any(not PROFILES[p].fits_master for p in self.profiles)


def _languages(burn: tuple[str, ...], soft: tuple[str, ...], dub: tuple[str, ...]):
    return tuple((c, "burn") for c in burn) + tuple((c, "soft") for c in soft) \
        + tuple((c, "dub") for c in dub)


SHAPES = {shape.key: shape for shape in (
    Shape("a", "12 languages: 4 burn, 4 soft, 4 dub (web)",
          _languages(SUBTITLED[:4], SUBTITLED[4:], DUBBED[:4])),
    Shape("b", "6 languages: 2 burn, 2 soft, 2 dub (web)",
          _languages(SUBTITLED[:2], SUBTITLED[4:6], DUBBED[:2])),
    Shape("c", "8 burn (web)", _languages(SUBTITLED, (), ())),
    Shape("d", "12 languages, no picture to encode: 6 soft, 6 dub (web)",
          _languages((), SUBTITLED[:6], DUBBED)),
    Shape("e", "2 spots x 6 languages (2 burn, 2 soft, 2 dub) x web + proxy",
          _languages(SUBTITLED[:2], SUBTITLED[4:6], DUBBED[:2]), spots=2, profiles=("web", "proxy")),
)}


@dataclass(frozen=True)
class Variant:
    spot: str
    code: str
    treatment: str
    profile: Profile

    @property
    def stem(self) -> str:
        return f"{self.spot}.{self.code}.{self.profile.name}"


@dataclass
class Campaign:
    """The generated media of one master length, and where one shape's runs write."""

    folder: Path
    seconds: float
    shape: Shape

    @property
    def spots(self) -> list[str]:
        return [f"spot{n}-{seconds_label(self.seconds)}s" for n in range(1, self.shape.spots + 1)]

    def master(self, spot: str) -> Path:
        return self.folder / "media" / f"{spot}.mp4"

    def srt(self, spot: str, code: str) -> Path:
        return self.folder / "subtitles" / spot / f"{code}.srt"

    def wav(self, spot: str, code: str) -> Path:
        return self.folder / "audio" / spot / f"{code}.wav"

    @property
    def manifest(self) -> Path:
        return self.folder / "manifests" / f"shape-{self.shape.key}.yaml"

    @property
    def out(self) -> Path:
        return WORK / f"out-{seconds_label(self.seconds)}s" / f"shape-{self.shape.key}"

    @property
    def pipeline_out(self) -> Path:
        return self.out / "pipeline"

    @property
    def logs(self) -> Path:
        return self.out / "logs"

    def variants(self) -> list[Variant]:
        return [Variant(spot, code, treatment, PROFILES[profile]) for spot in self.spots
                for code, treatment in self.shape.languages for profile in self.shape.profiles]

    def pipeline_record(self, variant: Variant) -> Path:
        return self.pipeline_out / CAMPAIGN / variant.spot / f"{variant.stem}.json"

    def hand_output(self, contender: str, variant: Variant) -> Path:
        return self.out / contender / f"{variant.stem}.mp4"


def seconds_label(seconds: float) -> str:
    return f"{seconds:g}".replace(".", "-")


def make_campaign(seconds: float, shape: Shape) -> Campaign:
    """The media under bench/work/campaign-<seconds>s/ (made once for every shape) and the
    shape's manifest."""
    folder = WORK / f"campaign-{seconds_label(seconds)}s"
    most = max(s.spots for s in SHAPES.values())
    media = Campaign(folder, seconds, Shape("all", "", (), spots=most))
    stamp = folder / ".stamp"
    key = json.dumps({"version": GENERATOR_VERSION, "seconds": seconds, "spots": most,
                      "subtitled": SUBTITLED, "gains": DUB_GAIN_DB})
    if not (stamp.exists() and stamp.read_text() == key):
        shown = folder.relative_to(ROOT) if folder.is_relative_to(ROOT) else folder
        print(f"building the campaign media in {shown} (once) ...", flush=True)
        if folder.exists():
            shutil.rmtree(folder)
        for number, spot in enumerate(media.spots, 1):
            for sub in ("media", "manifests", f"subtitles/{spot}", f"audio/{spot}"):
                (folder / sub).mkdir(parents=True, exist_ok=True)
            make_master(media.master(spot), seconds, number)
            for code in SUBTITLED:
                write_srt(media.srt(spot, code), code, seconds)
            for code in DUBBED:
                make_dub(media.wav(spot, code), seconds, DUB_GAIN_DB[code])
        stamp.write_text(key)
    campaign = Campaign(folder, seconds, shape)
    write_manifest(campaign)
    return campaign


def font_file(pattern: str) -> str:
    found = subprocess.run(["fc-match", "--format=%{file}", pattern], capture_output=True,
                           text=True, check=False).stdout.strip()
    if not found or not Path(found).exists():
        raise BenchError(f"font {pattern!r} not found (apt-get install fonts-noto-core)")
    return found


def make_master(path: Path, seconds: float, number: int) -> None:
    """Moving gradients with light film grain, a moving test card and a title; music-like audio.
    The grain keeps x264 honest: a flat synthetic picture would encode unrealistically fast. At
    alls=2 one frame costs x264 medium ~0.065 CPU-s, close to MEASURED.md's 30 s master (0.083);
    alls=4 would triple it."""
    d = seconds
    bold = escape_filter_value(font_file("Noto Sans:bold"))
    graph = ";".join([
        f"gradients=s={WIDTH}x{HEIGHT}:r={FPS}:d={d}:speed=0.03:nb_colors=3:seed={number}"
        ":c0=0x0b2e6b:c1=0x1d5fbf:c2=0x0a1a3a[bg]",
        f"testsrc2=s=640x360:r={FPS}:d={d}[card]",
        f"[bg][card]overlay=x='200+900*t/{d}':y='120+200*sin(t)',"
        f"drawtext=fontfile='{bold}':text='Blue Heart {number}':fontsize=110:fontcolor=white"
        ":x=(w-tw)/2:y=560:shadowx=3:shadowy=3,"
        "noise=alls=2:allf=t,format=yuv420p[v]",
        f"aevalsrc=exprs='0.12*sin(2*PI*220*t)*(0.6+0.4*sin(2*PI*0.5*t))"
        f"+0.08*sin(2*PI*277.2*t)+0.06*sin(2*PI*329.6*t)"
        f"|0.12*sin(2*PI*220.4*t)*(0.6+0.4*cos(2*PI*0.5*t))+0.08*sin(2*PI*330*t)'"
        f":s={RATE}:d={d}[tone]",
        f"anoisesrc=c=pink:a=0.03:r={RATE}:d={d}[hiss]",
        "[tone][hiss]amix=inputs=2:normalize=0,volume=-6dB[a]",
    ])
    partial = path.with_name(".partial.mp4")
    ffmpeg("-filter_complex", graph, "-map", "[v]", "-map", "[a]", "-t", f"{d}",
           "-c:v", "libx264", "-profile:v", "high", "-pix_fmt", "yuv420p", "-preset", "fast",
           "-crf", "18", "-g", str(GOP), "-keyint_min", str(GOP), "-sc_threshold", "0",
           *PROFILES["web"].audio, "-metadata:s:a:0", "language=spa", *MP4, str(partial),
           what="generating a master")
    os.replace(partial, path)


def cue_time(seconds: float) -> str:
    ms = round(seconds * 1000)
    return f"{ms // 3600000:02d}:{ms // 60000 % 60:02d}:{ms // 1000 % 60:02d},{ms % 1000:03d}"


def write_srt(path: Path, code: str, seconds: float) -> None:
    """3 or 4 cues spread over the spot."""
    texts = CUE_TEXTS if code in ("nah", "zai", "tzo", "tsz") else CUE_TEXTS[:3]
    slot = seconds / len(texts)
    blocks = []
    for i, text in enumerate(texts):
        start, end = i * slot + 0.1 * slot, (i + 1) * slot - 0.1 * slot
        blocks.append(f"{i + 1}\n{cue_time(start)} --> {cue_time(end)}\n{text.format(code=code)}\n")
    path.write_text("\n".join(blocks), encoding="utf-8")


def make_dub(path: Path, seconds: float, gain_db: float) -> None:
    """A voice-like track (a pitched tone in syllable bursts) over a quiet bed, at some gain."""
    expr = ("0.25*sin(2*PI*(160+40*sin(2*PI*0.7*t))*t)*gt(sin(2*PI*3.1*t),-0.2)"
            "*gt(sin(2*PI*0.37*t+1),-0.6)+0.04*sin(2*PI*110*t)")
    ffmpeg("-f", "lavfi", "-i", f"aevalsrc=exprs='{expr}|{expr}':s={RATE}:d={seconds}",
           "-af", f"volume={gain_db}dB,alimiter=limit=0.89:level=false",
           "-ar", str(RATE), "-ac", "2", "-c:a", "pcm_s16le", "-f", "wav", str(path),
           what=f"generating {path.name}")


def write_manifest(c: Campaign) -> None:
    lines = [
        f"# Generated by bench/campaign.py: benchmark shape {c.shape.key}, {c.shape.title}.",
        f"campaign: {CAMPAIGN}",
        f'title: "Benchmark campaign, shape {c.shape.key}"',
        "source_language: spa",
        "spots:",
        *[line for spot in c.spots for line in (
            f"  - id: {spot}", f'    title: "Benchmark spot {spot}"',
            f"    master: ../media/{c.master(spot).name}")],
        "languages:",
        *[f"  - {{code: {code}, treatment: {treatment}}}" for code, treatment in c.shape.languages],
        f"profiles: [{', '.join(c.shape.profiles)}]",
        "subtitles_dir: ../subtitles",
        "audio_dir: ../audio",
        f"output_dir: {os.path.relpath(c.pipeline_out, c.manifest.parent)}",
    ]
    c.manifest.parent.mkdir(parents=True, exist_ok=True)
    c.manifest.write_text("\n".join(lines) + "\n", encoding="utf-8")
