"""Masters as they really arrive, made tiny with lavfi, and campaigns with one spot each.

Each generator writes one file; what it should look or sound like is in its docstring, so a test
can measure the rendered variant against it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from tests.conftest import ffmpeg

SECONDS = 3
# Two cues inside the 3 s spots, with nothing on screen at 1.9-2.3 s.
SRT = "1\n00:00:00,500 --> 00:00:01,800\nLos seres humanos\n\n2\n00:00:02,300 --> 00:00:02,900\nventa\n"
X264 = ("-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p")
TONE = f"sine=frequency=440:sample_rate=48000:duration={SECONDS}"


def disc_master(path: Path, width: int, height: int, sar: tuple[int, int], radius: int) -> Path:
    """A white disc, round as displayed (stored as an ellipse), on black; non-square pixels."""
    num, den = sar
    # Drawn once (geq evaluates every pixel), then the frame is repeated.
    disc = (f"geq=lum='if(lte(pow((X-{width // 2})*{num}/{den},2)+pow(Y-{height // 2},2),"
            f"{radius * radius}),235,16)':cb=128:cr=128,loop=loop={SECONDS * 25 - 1}:size=1,"
            f"setpts=N/25/TB,setsar={num}/{den}")
    ffmpeg("-f", "lavfi", "-i", f"color=black:size={width}x{height}:rate=25:duration=0.04",
           "-f", "lavfi", "-i", TONE, "-vf", disc, *X264, "-c:a", "aac", "-ac", "2", str(path))
    return path


def bars_master(path: Path) -> Path:
    """SMPTE colour bars on an untagged 720x576 16:9 master (SAR 64:45), as an SD tape
    transfer arrives: BT.601 samples (75 % bars: 191 and 0 in R'G'B')."""
    ffmpeg("-f", "lavfi", "-i", f"smptebars=size=720x576:rate=25:duration={SECONDS}",
           "-f", "lavfi", "-i", TONE, "-vf", "setsar=64/45", *X264, "-qp", "0",
           "-c:a", "aac", "-ac", "2", str(path))
    return path


def hd_bars(path: Path, full_range: bool = False) -> Path:
    """SMPTE RP 219 bars at 640x360, BT.709 and tagged; with `full_range`, in full-range
    samples (0-255, `yuvj420p`), as many phones record."""
    conversion = ("scale=in_color_matrix=bt709:out_color_matrix=bt709:out_range=pc,"
                  "format=yuvj420p" if full_range else "format=yuv420p")
    ffmpeg("-f", "lavfi", "-i", f"smptehdbars=size=640x360:rate=25:duration={SECONDS}",
           "-f", "lavfi", "-i", TONE, "-vf", conversion, "-c:v", "libx264", "-preset",
           "ultrafast", "-qp", "0", "-color_range", "pc" if full_range else "tv",
           "-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709",
           "-c:a", "aac", "-ac", "2", str(path))
    return path


# BT.2100 tags of each master `hdr_bars` makes, and the two lights above HDR reference white
# drawn into its bottom row, as 8-bit grey levels of the HDR signal: 1000 and 500 cd/m^2 (HLG,
# with its nominal 1000 cd/m^2 display: 100 % and 89.4 %; PQ: 75.2 % and 67.5 %).
HDR_CURVES = {"hlg": ("arib-std-b67", (0xFF, 0xE4)), "pq": ("smpte2084", (0xC0, 0xAC)),
              "sdr": ("bt2020-10", ())}
HIGHLIGHTS = ((330, 280), (400, 280))    # their top-left corners, 60x60 each, at 640x360


def hdr_bars(path: Path, curve: str) -> Path:
    """`hd_bars` (SMPTE RP 219, 640x360, BT.709 SDR) as a phone's HDR video stores them:
    10-bit HEVC, BT.2020 primaries and matrix, HLG, PQ or (`sdr`) BT.2020's SDR curve, tagged.
    SDR is placed in HDR as Report ITU-R BT.2408 5.1 does (display light): its 100 % white at
    HDR reference white, 203 cd/m^2 (HLG 75 %, PQ 58 %), so an HDR-to-SDR conversion can be
    measured against the SDR bars. Lossless: what is measured is the conversion, not this
    encode. HLG and PQ masters carry two brighter grey patches (`HIGHLIGHTS`, `HDR_CURVES`)
    where RP 219's bottom row is black."""
    transfer, lights = HDR_CURVES[curve]
    graph = (f"smptehdbars=size=640x360:rate=25:duration={SECONDS},zscale=tin=bt709:pin=bt709:"
             f"min=bt709:rin=tv:t={transfer}:p=bt2020:m=bt2020nc:r=tv:npl=203,format=yuv420p10le")
    # Overlaid in 10 bits (`drawbox` would bring the whole picture down to 8 bits); brought to
    # 10 bits by zscale, which keeps grey neutral (`format`'s swscale made Cb, Cr 514 of 512).
    for n, ((x, y), level) in enumerate(zip(HIGHLIGHTS, lights)):
        graph += (f"[b{n}];color=c=0x{level:02X}{level:02X}{level:02X}:size=60x60,format=yuv420p,"
                  f"zscale,format=yuv420p10le[l{n}];"
                  f"[b{n}][l{n}]overlay={x}:{y}:format=yuv420p10:shortest=1")
    ffmpeg("-f", "lavfi", "-i", TONE, "-filter_complex", graph + "[v]", "-map", "[v]", "-map", "0:a",
           "-pix_fmt", "yuv420p10le", "-c:v", "libx265", "-preset", "ultrafast",
           "-x265-params", "log-level=error:lossless=1", "-tag:v", "hvc1",
           "-color_primaries", "bt2020", "-color_trc", transfer, "-colorspace", "bt2020nc",
           "-color_range", "tv", "-c:a", "aac", "-ac", "2", str(path))
    return path


MARKER = "drawbox=x=10:y=10:w=50:h=50:color=white:t=fill"


def upright_reference(path: Path) -> Path:
    """A 180x320 portrait picture with a white square near its top-left corner."""
    ffmpeg("-f", "lavfi", "-i", f"testsrc2=size=180x320:rate=25:duration={SECONDS}",
           "-vf", MARKER, *X264, str(path))
    return path


def phone_master(path: Path) -> Path:
    """The upright reference as a phone stores it: landscape pixels (320x180) and a display
    matrix turning them a quarter turn back to portrait."""
    stored = path.with_name(f"stored-{path.name}")
    ffmpeg("-f", "lavfi", "-i", f"testsrc2=size=180x320:rate=25:duration={SECONDS}",
           "-f", "lavfi", "-i", TONE, "-vf", f"{MARKER},transpose=clock", *X264, "-c:a", "aac",
           str(stored))
    # ffmpeg 5.1 writes the display matrix from the `rotate` tag on a stream copy.
    ffmpeg("-i", str(stored), "-c", "copy", "-metadata:s:v:0", "rotate=90", str(path))
    stored.unlink()
    return path


def portrait_phone_master(path: Path, width: int = 360, height: int = 640) -> Path:
    """A phone's upright video as phones store it (the trial's: 1920x1080 stored, a -90 degree
    display matrix, 29.97 fps, full range), small: a `width`x`height` portrait picture of flat
    grey (Y' about 128) with a white square near its top-left corner, stored on its side and
    turned back by the display matrix; a 440 Hz tone."""
    stored = path.with_name(f"stored-{path.name}")
    ffmpeg("-f", "lavfi", "-i", f"color=gray:size={width}x{height}:rate=30000/1001:"
           f"duration={SECONDS}", "-f", "lavfi", "-i", TONE, "-vf",
           f"{MARKER},transpose=cclock,format=yuvj420p", "-c:v", "libx264", "-preset",
           "ultrafast", "-color_range", "pc", "-c:a", "aac", str(stored))
    # `rotate=270` is written as a display matrix of -90 degrees (ffprobe: rotation=-90).
    ffmpeg("-i", str(stored), "-c", "copy", "-metadata:s:v:0", "rotate=270", str(path))
    stored.unlink()
    return path


MOVING = (f"testsrc2=size=320x180:rate=50:duration={SECONDS}[b];color=white:size=16x180:rate=50[bar];"
          "[b][bar]overlay=x='mod(t*600,300)':shortest=1,interlace=scan=tff")


def interlaced_master(path: Path) -> Path:
    """320x180 interlaced, top field first, fast motion; H.264 coded interlaced and flagged."""
    ffmpeg("-f", "lavfi", "-i", MOVING, "-f", "lavfi", "-i", TONE, *X264,
           "-flags", "+ildct+ilme", "-x264opts", "tff=1", "-c:a", "aac", str(path))
    return path


def misflagged_interlaced_master(path: Path) -> Path:
    """A 576i picture (PAL SD, woven fields, fast motion) coded as progressive H.264: the stream
    says `progressive`, as an edit suite's export or a careless transcode leaves it."""
    woven = (f"testsrc2=size=720x576:rate=50:duration={SECONDS}[b];"
             "color=white:size=16x576:rate=50[bar];"
             "[b][bar]overlay=x='mod(t*1200,700)':shortest=1,interlace=scan=tff")
    ffmpeg("-f", "lavfi", "-i", woven, "-f", "lavfi", "-i", TONE, *X264, "-c:a", "aac", str(path))
    return path


def progressive_coded_interlaced_master(path: Path, seconds: float = SECONDS) -> Path:
    """A 576-line progressive picture (25p, fine moving detail) coded as interlaced H.264, top
    field first, as a PAL broadcast chain carries 25p (PsF): the stream says `tt`, and `idet`
    reads its detail as combing of both field orders (6 s: the sample from 1.5 s in reads
    14 TFF, 40 BFF, 22 progressive, the whole file 76 TFF, 41 BFF, 33 progressive)."""
    ffmpeg("-f", "lavfi", "-i", f"testsrc2=size=720x576:rate=25:duration={seconds}", "-f", "lavfi",
           "-i", f"sine=frequency=440:sample_rate=48000:duration={seconds}", *X264,
           "-flags", "+ildct+ilme", "-x264opts", "tff=1", "-c:a", "aac", str(path))
    return path


def interlace_flagged_progressive_master(path: Path) -> Path:
    """320x180 progressive frames (a softened moving test card, which `idet` reads as
    progressive: 69 of 76 frames) coded as interlaced H.264 High, top field first: the stream
    says `tt`. Otherwise it fits a 320x180 `web` profile as it is (x264 High, 4:2:0, 25 fps)."""
    ffmpeg("-f", "lavfi", "-i", f"testsrc2=size=320x180:rate=25:duration={SECONDS},gblur=sigma=2",
           "-f", "lavfi", "-i", TONE, "-c:v", "libx264", "-preset", "veryfast", "-profile:v",
           "high", "-pix_fmt", "yuv420p", "-flags", "+ildct+ilme", "-top", "1", "-c:a", "aac",
           str(path))
    return path


def unflagged_interlaced_master(path: Path) -> Path:
    """The same woven fields as Motion JPEG in AVI: no field order anywhere (ffprobe: unknown)."""
    ffmpeg("-f", "lavfi", "-i", MOVING, "-f", "lavfi", "-i", TONE, "-c:v", "mjpeg", "-q:v", "3",
           "-c:a", "pcm_s16le", str(path))
    return path


def dub_track(path: Path) -> Path:
    """A 1 kHz mono dub, 2.8 s: within the 3 s spots and their length tolerance."""
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=48000:duration=2.8",
           "-filter:a", "volume=-8dB", str(path))
    return path


class Spots:
    """A campaign folder whose spots are the given masters; every spot gets the same subtitle
    file for each subtitled language and the same dub track for each dubbed one."""

    def __init__(self, root: Path, masters: dict[str, Path], dub: Path | None = None,
                 spot_keys: dict[str, dict] | None = None):
        self.root = root
        self.masters = masters
        self.dub = dub
        self.spot_keys = spot_keys or {}
        self.manifest = root / "manifests/campaign.yaml"
        self.manifest.parent.mkdir(parents=True, exist_ok=True)

    def write(self, languages: list[dict], profiles: dict) -> Path:
        for spot in self.masters:
            for language in languages:
                if language["treatment"] in ("burn", "soft"):
                    folder = self.root / "subtitles" / spot
                    folder.mkdir(parents=True, exist_ok=True)
                    (folder / f"{language['code']}.srt").write_text(SRT, encoding="utf-8")
                elif self.dub is not None:
                    folder = self.root / "audio" / spot
                    folder.mkdir(parents=True, exist_ok=True)
                    shutil.copy(self.dub, folder / f"{language['code']}{self.dub.suffix}")
        data = {"campaign": "conform", "title": "Masters as they arrive", "source_language": "spa",
                "spots": [{"id": spot, "master": str(master), **self.spot_keys.get(spot, {})}
                          for spot, master in self.masters.items()],
                "languages": languages, "profiles": profiles}
        self.manifest.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        return self.manifest

    def out(self, spot: str, language: str, profile: str, extension: str = "mp4") -> Path:
        return self.root / "build/conform" / spot / f"{spot}.{language}.{profile}.{extension}"


def flash_master(path: Path, audio_offset: float = 0.0, video_offset: float = 0.0) -> Path:
    """Black picture with one white frame and a 0.1 s 1 kHz beep, both at 1.0 s of the picture's
    own clock; each stream starts `*_offset` seconds into the file (an edit list), so on the
    file's clock the flash is at `video_offset + 1.0` and the beep with it."""
    beep = 1.0 + video_offset - audio_offset
    ffmpeg("-f", "lavfi", "-i", f"color=black:size=320x180:rate=25:duration={SECONDS},"
                                "drawbox=color=white:t=fill:enable='eq(n,25)'",
           "-f", "lavfi", "-i", f"aevalsrc='if(between(t,{beep},{beep + 0.1}),0.5*sin(2*PI*1000*t),0)'"
                                f":s=48000:d={SECONDS}",
           "-map", "0:v", "-map", "1:a", *X264, "-c:a", "pcm_s16le", str(path.with_suffix(".mov")))
    ffmpeg("-itsoffset", f"{video_offset}", "-i", str(path.with_suffix(".mov")),
           "-itsoffset", f"{audio_offset}", "-i", str(path.with_suffix(".mov")),
           "-map", "0:v", "-map", "1:a", "-c:v", "copy", "-c:a", "aac", str(path))
    path.with_suffix(".mov").unlink()
    return path


# One tone per channel, the LFE loudest of all (a downmix must leave it out).
TONES = {"FL": (300, 0.1), "FR": (400, 0.1), "FC": (500, 0.2), "LFE": (60, 0.5), "BL": (700, 0.08),
         "BR": (800, 0.08), "SL": (900, 0.08), "SR": (1000, 0.08)}
CHANNELS = {"5.1": ("FL", "FR", "FC", "LFE", "BL", "BR"),
            "7.1": ("FL", "FR", "FC", "LFE", "BL", "BR", "SL", "SR")}


def surround(layout: str) -> str:
    expressions = "|".join(f"{TONES[c][1]}*sin(2*PI*{TONES[c][0]}*t)" for c in CHANNELS[layout])
    return f"aevalsrc='{expressions}':c={layout}:s=48000:d={SECONDS}"


PICTURE = f"testsrc2=size=320x180:rate=25:duration={SECONDS}"


def sound_master(path: Path, *audio: str, codec: str = "aac") -> Path:
    """The usual small picture with one audio stream per lavfi source in `audio`."""
    inputs = ["-f", "lavfi", "-i", PICTURE]
    for source in audio:
        inputs += ["-f", "lavfi", "-i", source]
    maps = [arg for n in range(len(audio) + 1) for arg in ("-map", f"{n}:0")]
    ffmpeg(*inputs, *maps, *X264, "-profile:v", "high", "-c:a", codec, str(path))
    return path


def surround_track(path: Path, layout: str) -> Path:
    """A delivered dub as a multichannel WAV (WAVE_FORMAT_EXTENSIBLE with its channel mask)."""
    ffmpeg("-f", "lavfi", "-i", surround(layout), "-c:a", "pcm_s16le", str(path))
    return path


def windowboxed_master(path: Path) -> Path:
    """A 16:9 picture (320x180) letterboxed inside a 4:3 frame (320x240, 30 px bars above and
    below), as archives deliver widescreen spots in SD: the active picture is 320x180 at y=30."""
    ffmpeg("-f", "lavfi", "-i", PICTURE, "-f", "lavfi", "-i", TONE,
           "-vf", "pad=320:240:0:30:black", *X264, "-c:a", "aac", str(path))
    return path


def variable_rate_master(path: Path) -> Path:
    """A phone's variable-rate video: 320x180, 1 s at 30 fps, then 1 s at 15 and 1 s at 10 (light
    falling), each frame's time jittered by up to 3 ms as a phone's clock stamps it; 440 Hz tone.
    Written with the timestamps as they are (`-fps_mode passthrough`): ffprobe's base rate
    (r_frame_rate) is 30, its average about 18 fps."""
    # Keep every frame for 1 s, every 2nd for the next, every 3rd for the last.
    keep = "if(lt(t,1),1,if(lt(t,2),not(mod(n,2)),not(mod(n,3))))"
    ffmpeg("-f", "lavfi", "-i", f"testsrc2=size=320x180:rate=30:duration={SECONDS}",
           "-f", "lavfi", "-i", TONE,
           "-vf", f"select='{keep}',setpts='PTS+0.003*sin(7*N)/TB'", "-fps_mode", "passthrough",
           "-video_track_timescale", "90000", *X264, "-c:a", "aac", str(path))
    return path


def dropped_frame_master(path: Path) -> Path:
    """6 s at 30 fps with frame 40 missing (a phone that skipped one): its average rate 29.83
    is within 1 % of its base rate, so it is not taken as variable-rate; 440 Hz tone."""
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x180:rate=30:duration=6",
           "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=6",
           "-vf", "select='not(eq(n,40))'", "-fps_mode", "passthrough", *X264, "-c:a", "aac",
           str(path))
    return path


# A frame's number drawn in its top half as 8 bits, one 40 px column each (white: 1), lowest
# first; read back by mediacheck.frame_numbers.
FRAME_NUMBER = "geq=lum='if(lt(Y,90),16+219*mod(floor(N/pow(2,floor(X/40))),2),128)':cb=128:cr=128"


def timescale_phone_master(path: Path, slow_first: bool = False) -> Path:
    """A phone's variable-rate video as ffprobe gives no rate for: 320x180, 2 s at 30 fps then
    2 s at 15 (low light; `slow_first`: the other way round), each frame stamped up to 12 ms
    late on a 90 kHz clock (`-enc_time_base`: the filters' 1/30 s would round the jitter
    away). No standard rate fits the first frames' intervals, so ffprobe's r_frame_rate is the
    timescale, 90000/1 (slow first: the slow stretch's 15000/1001). Each frame shows its number
    at 30 fps (`FRAME_NUMBER`); 440 Hz tone."""
    keep = "if(lt(t,2),not(mod(n,2)),1)" if slow_first else "if(lt(t,2),1,not(mod(n,2)))"
    ffmpeg("-f", "lavfi", "-i", "color=gray:size=320x180:rate=30:duration=4",
           "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=4",
           "-vf", f"{FRAME_NUMBER},select='{keep}',settb=1/90000,"
                  "setpts='PTS+0.012*random(0)/TB'",
           "-fps_mode", "passthrough", "-enc_time_base", "1/90000",
           "-video_track_timescale", "90000", *X264, "-qp", "10", "-c:a", "aac", str(path))
    return path
