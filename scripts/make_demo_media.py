#!/usr/bin/env python3
"""Generate the demo campaign's media: a 15 s Blue Heart master, its music bed, sample voice tracks.

Everything is made from nothing with ffmpeg (lavfi sources, geq, drawtext) and espeak-ng, so the
demo manifest `manifests/blue-heart.yaml` can be rendered on a fresh machine:

    media/not-for-sale-15.mp4          1920x1080 25 fps H.264 High (crf 18, GOP 50) + AAC 48 kHz
                                       stereo: blue background, a heart, "Blue Heart", the Spanish
                                       line "Los seres humanos no están a la venta"; music bed plus
                                       that line spoken by espeak-ng at about 3 s
    media/not-for-sale-15.bed.wav      the music bed alone (48 kHz stereo PCM), for `mix`
    audio/not-for-sale-15/<code>.wav   a clearly labelled SAMPLE voice track for each `dub` and
                                       `mix` language of the demo (spoken in Spanish: we do not
                                       invent translations); `dub` tracks carry the bed under the
                                       voice, `mix` tracks are the voice alone (mono)
    media/not-for-sale-radio-20.wav    a 20 s radio spot (no picture; 48 kHz 24-bit stereo): its
                                       own bed and a Spanish radio line, for
                                       manifests/blue-heart-radio.yaml
    media/not-for-sale-radio-20.bed.wav  that spot's bed alone, for its `mix` languages
    audio/not-for-sale-radio-20/<code>.wav  SAMPLE voice tracks of the radio spot's languages

The lower fifth of the picture stays free of text (subtitles go there). The sample tracks are
deliberately mastered at different loudness (-30 to -14 LUFS) so the pipeline's loudness
normalisation has real work to do.

A file is generated only when it is missing or when what it was made from changed (VERSION, or its
own parameters below); a stamp file in media/ records that. A second run starts no subprocess.
Uses $FFMPEG (else `ffmpeg` on PATH) and `espeak-ng`. Prints one line per generated file.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from pipeline.media.ffmpeg import escape_filter_value

# Bump when the look or sound of anything generated here changes: every file is then remade.
VERSION = "1"

ROOT = Path(__file__).resolve().parent.parent
MEDIA_DIR = ROOT / "media"
AUDIO_DIR = ROOT / "audio"
STAMP = MEDIA_DIR / ".make_demo_media.stamp"

SPOT = "not-for-sale-15"
MASTER = MEDIA_DIR / f"{SPOT}.mp4"
BED = MEDIA_DIR / f"{SPOT}.bed.wav"

DURATION = 15.0
RATE = 48000
SAMPLES = int(DURATION * RATE)
WIDTH, HEIGHT, FPS = 1920, 1080, 25

TITLE = "Blue Heart"
LINE = "Los seres humanos no están a la venta"
TAG = "DEMO · material de muestra"
VOICE_START = 3.0            # seconds: the Spanish line is heard at about 3-6 s
BED_LUFS = -20.0             # the music bed, alone and in the master
VOICE_LUFS = -17.0           # the Spanish voice line in the master
TRUE_PEAK_LIMIT = 0.89       # ~ -1 dBFS sample peak, after the limiter

ESPEAK_VOICES = ("es-419", "es")   # Latin American Spanish if espeak-ng has it, else Spanish


@dataclass(frozen=True)
class SampleTrack:
    """A labelled sample voice track for one `dub` or `mix` language of manifests/blue-heart.yaml."""

    code: str
    treatment: str           # dub: voice over the bed, stereo; mix: the voice alone, mono
    spoken_name: str         # how the Spanish sample sentence names the language
    lufs: float              # integrated loudness the track is mastered at
    variant: str             # espeak-ng voice variant, so the samples do not all sound alike

    spot: str = SPOT

    @property
    def path(self) -> Path:
        return AUDIO_DIR / self.spot / f"{self.code}.wav"

    @property
    def text(self) -> str:
        return (f"Muestra de doblaje en {self.spoken_name}. {LINE}. "
                "Esto es una muestra, no una traducción.")


# Keep in step with the `dub` and `mix` languages of manifests/blue-heart.yaml.
TRACKS = (
    SampleTrack("yua", "dub", "maya yucateco", -14.0, "m3"),
    SampleTrack("tar", "dub", "rarámuri", -30.0, "f2"),
    SampleTrack("hch", "dub", "wixárika", -22.0, "m1"),
    SampleTrack("mto", "dub", "ayuuk, mixe", -26.0, "f4"),
    SampleTrack("tcf", "dub", "tlapaneco, mefá", -18.0, "m7"),
    SampleTrack("maj", "mix", "mazateco", -28.0, "f3"),
    SampleTrack("cuc", "mix", "chinanteco", -16.0, "m2"),
)

# The radio spot: sound alone, 20 s (a common radio slot), its own bed and a Spanish line that
# says what the picture would have shown. Its languages are in manifests/blue-heart-radio.yaml.
RADIO_SPOT = "not-for-sale-radio-20"
RADIO_MASTER = MEDIA_DIR / f"{RADIO_SPOT}.wav"
RADIO_BED = MEDIA_DIR / f"{RADIO_SPOT}.bed.wav"
RADIO_DURATION = 20.0
RADIO_LINE = ("Corazón Azul, campaña contra la trata de personas. "
              "Los seres humanos no están a la venta.")
RADIO_TRACKS = (
    SampleTrack("nah", "dub", "náhuatl", -19.0, "m2", RADIO_SPOT),
    SampleTrack("yua", "dub", "maya yucateco", -25.0, "f1", RADIO_SPOT),
    SampleTrack("tzo", "mix", "tsotsil", -21.0, "m4", RADIO_SPOT),
    SampleTrack("zai", "mix", "zapoteco del Istmo", -27.0, "f2", RADIO_SPOT),
)

# The music bed: a slow Am - F - C - G progression of sine tones (3.75 s a chord), each note with
# its own slow tremolo, the right channel slightly detuned (a gentle chorus), an arpeggio an octave
# up, a little echo and a slow auto-pan.
CHORD_SECONDS = 3.75
CHORDS = ((110.00, 220.00, 261.63, 329.63),   # Am
          (87.31, 174.61, 220.00, 261.63),    # F
          (130.81, 196.00, 261.63, 329.63),   # C
          (98.00, 196.00, 246.94, 293.66))    # G


class Failure(Exception):
    pass


# --- tools ----------------------------------------------------------------------------------

def ffmpeg_binary() -> str:
    configured = os.environ.get("FFMPEG")
    found = shutil.which(configured or "ffmpeg")
    if not found:
        where = f"$FFMPEG={configured!r}" if configured else "'ffmpeg' on PATH"
        raise Failure(f"ffmpeg not found ({where}); install it with 'apt-get install ffmpeg' "
                      "or run 'make setup'")
    return found


def espeak_binary() -> str:
    found = shutil.which("espeak-ng")
    if not found:
        raise Failure("espeak-ng not found; install it with 'apt-get install espeak-ng' "
                      "or run 'make setup'")
    return found


def run(args: list[str], what: str) -> str:
    """Run a command (an argument list, no shell); return its stderr; raise Failure on error."""
    result = subprocess.run(args, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                            encoding="utf-8", errors="replace", check=False)
    if result.returncode != 0:
        tail = "\n".join(result.stderr.strip().splitlines()[-8:])
        raise Failure(f"{what} failed (exit {result.returncode}):\n{tail}")
    return result.stderr


def ffmpeg(*args: str, what: str) -> str:
    return run([ffmpeg_binary(), "-hide_banner", "-nostdin", "-y", *args], what)


def font_file(pattern: str) -> str:
    """The font file fontconfig picks for `pattern` (e.g. 'Noto Sans:bold')."""
    try:
        found = subprocess.run(["fc-match", "--format=%{file}", pattern], capture_output=True,
                               text=True, check=False).stdout.strip()
    except FileNotFoundError:
        found = ""
    if not found or not Path(found).exists():
        raise Failure(f"font {pattern!r} not found (fc-match); install it with "
                      "'apt-get install fonts-noto-core'")
    return found


def loudness(path: Path) -> tuple[float, float]:
    """(integrated loudness in LUFS, true peak in dBTP) of an audio file, by ffmpeg's ebur128."""
    err = ffmpeg("-nostats", "-i", str(path), "-af", "ebur128=peak=true:framelog=verbose",
                 "-f", "null", "-", what=f"measuring {path.name}")
    summary = err[err.rfind("Summary:"):]
    integrated = re.search(r"I:\s+(-?[\d.]+|-inf) LUFS", summary)
    peak = re.search(r"Peak:\s+(-?[\d.]+|-inf) dBFS", summary)
    if not integrated or not peak:
        raise Failure(f"could not measure the loudness of {path}")
    return float(integrated.group(1)), float(peak.group(1))


def wav_out(path: Path, channels: int, codec: str = "pcm_s16le") -> list[str]:
    return ["-ar", str(RATE), "-ac", str(channels), "-c:a", codec, "-bitexact",
            "-map_metadata", "-1", "-f", "wav", str(path)]


def normalise(source: Path, target: Path, lufs: float, channels: int, samples: int = SAMPLES,
              codec: str = "pcm_s16le") -> float:
    """Write `source` to `target` at about `lufs` (a peak limiter keeps it off 0 dBFS),
    `samples` long."""
    measured, _ = loudness(source)
    gain = lufs - measured
    ffmpeg("-i", str(source), "-af",
           f"volume={gain:.2f}dB,alimiter=limit={TRUE_PEAK_LIMIT}:level=false:latency=true,"
           f"apad=whole_len={samples},atrim=end_sample={samples}",
           *wav_out(target, channels, codec), what=f"writing {target.name}")
    return loudness(target)[0]


def speak(text: str, target: Path, variant: str = "") -> None:
    """`text` spoken by espeak-ng (Spanish), as a WAV file."""
    last = ""
    for voice in ESPEAK_VOICES:
        name = f"{voice}+{variant}" if variant else voice
        result = subprocess.run([espeak_binary(), "-v", name, "-b", "1", "-s", "145", "-w", str(target), text],
                                stdin=subprocess.DEVNULL, capture_output=True, text=True,
                                check=False)
        if result.returncode == 0 and target.exists() and target.stat().st_size > 1000:
            return
        last = result.stderr.strip()
    raise Failure(f"espeak-ng could not speak Spanish: {last}")


# --- what each file is made of ----------------------------------------------------------------

def bed_expression(duration: float = DURATION) -> str:
    """aevalsrc expressions (left|right) of a music bed `duration` seconds long (the chords
    repeat)."""
    chords = [CHORDS[i % len(CHORDS)] for i in range(int(-(-duration // CHORD_SECONDS)))]

    def channel(detune: float, phase: float) -> str:
        terms = []
        for i, notes in enumerate(chords):
            start, end = i * CHORD_SECONDS, (i + 1) * CHORD_SECONDS
            a, b = start - 0.35, end + 0.35          # chords cross-fade over 0.7 s
            window = f"clip((t-{a:.3f})/0.7,0,1)*clip(({b:.3f}-t)/0.7,0,1)"
            tones = []
            for k, freq in enumerate(notes):
                freq *= detune
                amp = 0.30 if k == 0 else 0.16
                tones.append(f"{amp}*(0.7+0.3*sin(2*PI*{0.17 + 0.06 * k:.2f}*t+{phase + k:.1f}))"
                             f"*(sin(2*PI*{freq:.3f}*t)+0.2*sin(4*PI*{freq:.3f}*t))")
            terms.append(f"if(between(t,{a:.3f},{b:.3f}),{window}*({'+'.join(tones)}),0)")
            step = CHORD_SECONDS / 8                 # arpeggio in eighths: 1 2 3 1 2 3 3 2
            for j, k in enumerate((1, 2, 3, 1, 2, 3, 3, 2)):
                at = start + j * step
                freq = notes[k] * 2 * detune
                terms.append(f"if(between(t,{at:.4f},{at + 1.6 * step:.4f}),"
                             f"0.09*exp(-3.2*(t-{at:.4f}))*sin(2*PI*{freq:.3f}*(t-{at:.4f})),0)")
        return "0.5*(" + "+".join(terms) + ")"
    return channel(1.0, 0.0) + "|" + channel(1.0015, 1.3)


def make_bed(work: Path, target: Path, duration: float = DURATION) -> str:
    raw = work / f"{target.stem}-raw.wav"
    ffmpeg("-f", "lavfi", "-i",
           f"aevalsrc=exprs='{bed_expression(duration)}':s={RATE}:d={duration}",
           "-af", "aecho=0.8:0.6:90|170:0.25|0.15,apulsator=hz=0.08:amount=0.35,"
                  f"afade=t=in:d=1.5,afade=t=out:st={duration - 1.8}:d=1.8",
           "-c:a", "pcm_f32le", "-f", "wav", str(raw), what="generating the music bed")
    measured = normalise(raw, target, BED_LUFS, 2, int(duration * RATE))
    return f"music bed, {measured:.1f} LUFS"


VOICE_CHAIN = ("aresample=48000,highpass=f=90,"
               "acompressor=threshold=-22dB:ratio=3:attack=5:release=150:makeup=2")


def make_voice(work: Path, text: str, name: str, variant: str = "", lufs: float = VOICE_LUFS) -> Path:
    """`text` spoken, cleaned up and at `lufs`, mono 48 kHz float, not padded."""
    spoken, voice = work / f"{name}-espeak.wav", work / f"{name}-voice.wav"
    speak(text, spoken, variant)
    shaped = work / f"{name}-shaped.wav"
    ffmpeg("-i", str(spoken), "-af", VOICE_CHAIN, "-ac", "1", "-c:a", "pcm_f32le", "-f", "wav",
           str(shaped), what=f"shaping the voice {name}")
    measured, _ = loudness(shaped)
    ffmpeg("-i", str(shaped), "-af", f"volume={lufs - measured:.2f}dB", "-c:a", "pcm_f32le",
           "-f", "wav", str(voice), what=f"levelling the voice {name}")
    return voice


def voice_over_bed(bed: Path, voice: Path, start: float, target: Path, what: str,
                   samples: int = SAMPLES) -> None:
    """The bed, ducked under the voice (which starts at `start` s), mixed to `samples` of
    stereo."""
    delay = int(start * 1000)
    ffmpeg("-i", str(bed), "-i", str(voice), "-filter_complex",
           f"[1:a]aformat=channel_layouts=stereo,adelay={delay}|{delay},"
           f"apad=whole_len={samples},asplit[v][key];"
           "[0:a][key]sidechaincompress=threshold=0.03:ratio=5:attack=30:release=500[ducked];"
           "[ducked][v]amix=inputs=2:normalize=0:duration=first,"
           f"alimiter=limit={TRUE_PEAK_LIMIT}:level=false:latency=true,"
           f"atrim=end_sample={samples}[out]",
           "-map", "[out]", "-c:a", "pcm_f32le", "-ar", str(RATE), "-f", "wav", str(target),
           what=what)


def start_video(work: Path, target: Path) -> subprocess.Popen:
    """Start encoding the master's picture (no audio) in the background; returns the process."""
    size = f"{WIDTH}x{HEIGHT}"
    bg, glow, heart, halo = (work / n for n in ("bg.png", "glow.png", "heart.png", "halo.png"))
    # Deep Blue Heart blue (#0B3D91), a little lighter behind the heart, darker to the corners;
    # drawn small and scaled up (a smooth gradient loses nothing).
    light = "exp(-(pow((X-240)/260,2)+pow((Y-105)/170,2)))"
    dark = "pow(hypot(X-240,Y-135)/275,2)"
    ffmpeg("-f", "lavfi", "-i", "color=c=black:s=480x270,format=rgb24", "-frames:v", "1", "-vf",
           f"geq=r='clip(11+6*{light}-7*{dark},0,255)':g='clip(61+24*{light}-30*{dark},0,255)'"
           f":b='clip(145+38*{light}-70*{dark},0,255)',scale={size}:flags=bicubic",
           str(bg), what="drawing the background")
    # A soft light that drifts across the background (the moving vignette).
    ffmpeg("-f", "lavfi", "-i", "color=c=black:s=800x800,format=rgba", "-frames:v", "1", "-vf",
           "geq=r=150:g=200:b=255:a='255*exp(-(pow((X-400)/230,2)+pow((Y-400)/230,2)))'",
           str(glow), what="drawing the light")
    # The heart: (x^2+y^2-1)^3 - x^2*y^3 <= 0, drawn 4x larger and scaled down (anti-aliased),
    # with a light-to-deeper blue gradient, and a blurred white halo behind it.
    inside = ("lte(pow(pow((X-800)/620,2)+pow((900-Y)/620,2)-1,3)"
              "-pow((X-800)/620,2)*pow((900-Y)/620,3),0)")
    ffmpeg("-f", "lavfi", "-i", "color=c=black:s=1600x1600,format=rgba", "-frames:v", "1", "-vf",
           f"geq=r='90-40*Y/1600':g='170-70*Y/1600':b=255:a='255*{inside}',"
           "scale=420:420:flags=area", str(heart), what="drawing the heart")
    ffmpeg("-f", "lavfi", "-i", "color=c=black:s=1600x1600,format=rgba", "-frames:v", "1", "-vf",
           f"geq=r=255:g=255:b=255:a='255*{inside}',scale=320:320:flags=area,"
           "pad=460:460:70:70:color=black@0,gblur=sigma=28,colorchannelmixer=aa=0.55",
           str(halo), what="drawing the halo")

    texts = {}
    for name, text in (("title", TITLE), ("line", LINE), ("tag", TAG)):
        texts[name] = work / f"{name}.txt"
        texts[name].write_text(text, encoding="utf-8")
    regular = escape_filter_value(font_file("Noto Sans"))
    bold = escape_filter_value(font_file("Noto Sans:bold"))

    def drawtext(font: str, name: str, size: int, y: int, alpha: str, x: str = "(w-text_w)/2",
                 color: str = "white", shadow: int = 3) -> str:
        return (f"drawtext=fontfile={font}:textfile={escape_filter_value(str(texts[name]))}"
                f":fontsize={size}:fontcolor={color}:x={x}:y={y}:alpha='{alpha}'"
                f":shadowcolor=black@0.35:shadowx=0:shadowy={shadow}")

    # The heart beats gently (once every 2.5 s); everything sits above y = 864, the lower fifth.
    beat = "(1+0.04*pow(sin(PI*t/1.25),8))"
    graph = ";".join([
        "[1]format=rgba,colorchannelmixer=aa=0.22[glow]",
        f"[0][glow]overlay=x='560+500*sin(2*PI*t/{DURATION})':y='20+140*cos(2*PI*t/10)'[b1]",
        "[3]format=rgba,fade=t=in:st=0.2:d=1.5:alpha=1[halo]",
        f"[2]format=rgba,scale=w='2*trunc(210*{beat})':h='2*trunc(210*{beat})':eval=frame,"
        "fade=t=in:st=0.2:d=1.2:alpha=1[heart]",
        "[b1][halo]overlay=x='(W-w)/2':y='330-h/2'[b2]",
        "[b2][heart]overlay=x='(W-w)/2':y='330-h/2'[b3]",
        "[b3]" + ",".join([
            drawtext(bold, "title", 120, 570, "clip((t-0.8)/1.0,0,1)", shadow=4),
            drawtext(regular, "line", 60, 735, f"clip((t-{VOICE_START - 0.4})/0.8,0,1)"),
            drawtext(regular, "tag", 28, 50, "0.75", x="60"),
            f"fade=t=in:d=0.6,fade=t=out:st={DURATION - 0.7}:d=0.7,format=yuv420p",
        ]) + "[v]",
    ])
    loop = ["-loop", "1", "-framerate", str(FPS), "-t", str(DURATION)]
    args = [ffmpeg_binary(), "-hide_banner", "-nostdin", "-y",
            *loop, "-i", str(bg), *loop, "-i", str(glow), *loop, "-i", str(heart),
            *loop, "-i", str(halo), "-filter_complex", graph, "-map", "[v]",
            "-r", str(FPS), "-frames:v", str(int(DURATION * FPS)),
            "-c:v", "libx264", "-profile:v", "high", "-pix_fmt", "yuv420p", "-preset", "fast",
            "-crf", "18", "-g", str(2 * FPS), "-keyint_min", str(2 * FPS), "-sc_threshold", "0",
            "-an", "-f", "mp4", str(target)]
    with open(work / "picture.log", "wb") as log:   # a file, not a pipe: nothing blocks
        return subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=log)


def finish_video(process: subprocess.Popen, log: Path) -> None:
    process.wait()
    if process.returncode != 0:
        err = log.read_text(encoding="utf-8", errors="replace")
        tail = "\n".join(err.strip().splitlines()[-8:])
        raise Failure(f"encoding the master's picture failed (exit {process.returncode}):\n{tail}")


def make_master_audio(work: Path, bed: Path) -> Path:
    voice = make_voice(work, LINE, "master")
    mixed = work / "master-audio.wav"
    voice_over_bed(bed, voice, VOICE_START, mixed, "mixing the master's audio")
    return mixed


def mux_master(video: Path, audio: Path, target: Path) -> str:
    ffmpeg("-i", str(video), "-i", str(audio), "-map", "0:v:0", "-map", "1:a:0",
           "-c:v", "copy", "-c:a", "aac", "-b:a", "192k", "-ar", str(RATE), "-ac", "2",
           "-t", str(DURATION), "-metadata", "title=Blue Heart: Los seres humanos no están a la venta (demo)",
           "-metadata:s:a:0", "language=spa", "-metadata:s:v:0", "language=spa",
           "-movflags", "+faststart", "-f", "mp4", str(target), what="writing the master")
    measured, _ = loudness(target)
    return f"master {WIDTH}x{HEIGHT} {FPS} fps {DURATION:g} s, {measured:.1f} LUFS"


def make_track(work: Path, track: SampleTrack, bed: Path, target: Path,
               samples: int = SAMPLES) -> str:
    name = f"{track.spot}-{track.code}"
    voice = make_voice(work, track.text, name, track.variant)
    if track.treatment == "dub":
        full = work / f"{name}-full.wav"
        voice_over_bed(bed, voice, 2.0, full, f"mixing the sample track {track.code}", samples)
        measured = normalise(full, target, track.lufs, 2, samples)
        kind = "voice over the bed, stereo"
    else:
        padded = work / f"{name}-padded.wav"
        ffmpeg("-i", str(voice), "-af", f"adelay=2000,apad=whole_len={samples},"
               f"atrim=end_sample={samples}", "-c:a", "pcm_f32le", "-f", "wav", str(padded),
               what=f"placing the sample voice {track.code}")
        measured = normalise(padded, target, track.lufs, 1, samples)
        kind = "voice only, mono"
    return f"SAMPLE {track.treatment} track ({kind}), {measured:.1f} LUFS"


def make_radio_master(work: Path, bed: Path, target: Path) -> str:
    """The radio spot: the Spanish radio line over its bed, 24-bit 48 kHz stereo, 20 s."""
    samples = int(RADIO_DURATION * RATE)
    voice = make_voice(work, RADIO_LINE, "radio-master")
    mixed = work / "radio-master.wav"
    voice_over_bed(bed, voice, 1.5, mixed, "mixing the radio spot", samples)
    measured = normalise(mixed, target, -18.0, 2, samples, codec="pcm_s24le")
    return f"radio spot {RADIO_DURATION:g} s, no picture, {measured:.1f} LUFS"


# --- what is up to date -------------------------------------------------------------------------

def recipes() -> dict[Path, str]:
    """Each output and a key of what it is made from: a file whose key changed is made again."""
    keys = {BED: f"{VERSION}:bed:{BED_LUFS}", MASTER: f"{VERSION}:master:{VOICE_START}:{VOICE_LUFS}",
            RADIO_BED: f"{VERSION}:radio-bed:{RADIO_DURATION}:{BED_LUFS}",
            RADIO_MASTER: f"{VERSION}:radio-master:{RADIO_DURATION}:{RADIO_LINE}"}
    for track in TRACKS + RADIO_TRACKS:
        keys[track.path] = f"{VERSION}:track:{track}"
    return keys


def read_stamp() -> dict[str, str]:
    try:
        data = json.loads(STAMP.read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def write_stamp(stamp: dict[str, str]) -> None:
    STAMP.parent.mkdir(parents=True, exist_ok=True)
    temporary = STAMP.with_name(STAMP.name + ".tmp")
    temporary.write_text(json.dumps(stamp, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(temporary, STAMP)


def relative(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def in_place(target: Path) -> Path:
    """A temporary name next to `target`, renamed into place once the file is complete."""
    target.parent.mkdir(parents=True, exist_ok=True)
    return target.with_name(f".{target.stem}.partial{target.suffix}")


def main() -> int:
    keys = recipes()
    stamp = read_stamp()
    todo = [path for path, key in keys.items()
            if not path.exists() or stamp.get(relative(path)) != key]
    if not todo:
        return 0

    def done(target: Path, partial: Path, note: str) -> None:
        os.replace(partial, target)
        stamp[relative(target)] = keys[target]
        write_stamp(stamp)
        print(f"generated {relative(target)}: {note}", flush=True)

    with tempfile.TemporaryDirectory(prefix="demo-media-") as name:
        work = Path(name)
        video = None
        try:
            if MASTER in todo:            # the picture encodes while the audio is made
                video = start_video(work, work / "picture.mp4")
            if BED in todo:
                partial = in_place(BED)
                done(BED, partial, make_bed(work, partial))
            if MASTER in todo:
                audio = make_master_audio(work, BED)
            for track in TRACKS:
                if track.path in todo:
                    partial = in_place(track.path)
                    done(track.path, partial, make_track(work, track, BED, partial))
            if RADIO_BED in todo:
                partial = in_place(RADIO_BED)
                done(RADIO_BED, partial, make_bed(work, partial, RADIO_DURATION))
            if RADIO_MASTER in todo:
                partial = in_place(RADIO_MASTER)
                done(RADIO_MASTER, partial, make_radio_master(work, RADIO_BED, partial))
            for track in RADIO_TRACKS:
                if track.path in todo:
                    partial = in_place(track.path)
                    done(track.path, partial, make_track(work, track, RADIO_BED, partial,
                                                         int(RADIO_DURATION * RATE)))
            if video is not None:
                finish_video(video, work / "picture.log")
                video = None
                partial = in_place(MASTER)
                done(MASTER, partial, mux_master(work / "picture.mp4", audio, partial))
        finally:
            if video is not None and video.poll() is None:
                video.kill()
                video.wait()
            for path in todo:
                in_place(path).unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Failure as exc:
        print(f"make_demo_media: error: {exc}", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        print("make_demo_media: interrupted", file=sys.stderr)
        sys.exit(130)
