"""A rendered campaign of every kind of deliverable the page shows, for the page's tests.

Real files made with ffmpeg's lavfi sources (each variant's bytes distinct): a video spot in
`web`, `proxy`, `broadcast-mxf` (MXF with a 2 s leader of bars and tone before its 1 s programme,
a loudness certificate and its plot), `radio-mp3` and `messaging`; a radio spot in `radio`
(WAV), `radio-mp3` and `voice-note` (Ogg Opus). Subtitle sidecars (SRT, WebVTT, TTML) for the
soft language, QC warnings on one variant, and records written as the renderer writes them, so
`load_records`, `build_catalog` and `publish` read them for real. Profiles the manifest does not
have built in yet are declared with a `base`.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from pipeline.manifest import Manifest, load_manifest
from pipeline.media.ffmpeg import ffmpeg_binary

CAMPAIGN = "blue-heart"
VIDEO_SPOT, RADIO_SPOT = "not-for-sale-15", "radio-20"
HOSTILE = "<img src=x onerror=\"document.body.setAttribute('data-pwned','1')\">"
# code, the community's name, treatment, spots
LANGUAGES = [
    ("ote", "Hñähñu (otomí del Valle del Mezquital)", "burn", (VIDEO_SPOT,)),
    ("tzo", "Batsʼi kʼop (tsotsil)", "soft", (VIDEO_SPOT,)),
    ("yua", "Maaya tʼaan", "dub", (VIDEO_SPOT, RADIO_SPOT)),
    ("tar", f"Rarámuri {HOSTILE}", "mix", (RADIO_SPOT,)),
]
# Other names a language is known by (its card shows them, the search finds them).
ALSO_CALLED = {"ote": ["Ñähñu"]}
VIDEO_PROFILES = ["web", "proxy", "broadcast-mxf", "radio-mp3", "messaging"]
RADIO_PROFILES = ["radio", "radio-mp3", "voice-note"]
EXTENSIONS = {"web": "mp4", "proxy": "mp4", "messaging": "mp4", "broadcast-mxf": "mxf",
              "radio": "wav", "radio-mp3": "mp3", "voice-note": "ogg"}
LEADER_SECONDS = 2          # before the programme in the broadcast master (render/leader.py)
WARNING = "true peak -0.4 dBTP is above -1.0 dBTP <b>check</b>"
# A warning as a render records it: with the path on the machine that rendered, and its code.
CLIPPED = {"severity": "warning", "path": "/home/media/recordings/radio-20/yua.wav", "line": None,
           "message": "the recording is clipped: 12 samples held at full scale (at 3.2 s)",
           "hint": "ask for the take again", "code": "clipping"}
# A warning as this version records it: its template and parameters too (pipeline/messages.py).
WIDE = {"severity": "warning", "path": "/home/media/build/radio-20/radio-20.yua.radio-mp3.mp3",
        "line": None, "code": "loudness-range", "hint": None,
        "message": "loudness range 12.3 LU, measured per EBU Tech 3342, is wider than the "
                   "profile's limit of 20 LU",
        "detail": {"template": "loudness range %(range)s LU, measured per EBU Tech 3342, is wider "
                               "than the profile's limit of %(limit)s LU",
                   "params": {"range": {"number": 12.34, "format": ".1f"},
                              "limit": {"number": 20.0, "format": "g"}}}}
VTT = "WEBVTT\n\n00:00:00.000 --> 00:00:00.900\nJaʼ ta sventa\n"
SRT = "1\n00:00:00,000 --> 00:00:00,900\nJaʼ ta sventa\n"
TTML = ('<?xml version="1.0" encoding="UTF-8"?>\n<tt xmlns="http://www.w3.org/ns/ttml" xml:lang="tzo">'
        '<body><div><p begin="0s" end="0.9s">Jaʼ ta sventa</p></div></body></tt>\n')


def ffmpeg(*args: str) -> None:
    subprocess.run([ffmpeg_binary(), "-hide_banner", "-loglevel", "error", "-nostdin", "-y", *args],
                   check=True)


def make_sources(folder: Path) -> dict[str, Path]:
    """One second of each kind of file, made once per session."""
    folder.mkdir(parents=True, exist_ok=True)
    picture = ["-f", "lavfi", "-i", "testsrc2=size=320x180:duration=1:rate=25"]
    tone = ["-f", "lavfi", "-i", "sine=frequency=440:duration=1:sample_rate=48000"]
    sources = {ext: folder / f"source.{ext}" for ext in ("mp4", "mxf", "wav", "mp3", "ogg", "jpg", "png")}
    ffmpeg(*picture, *tone, "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p",
           "-c:a", "aac", "-ac", "2", "-movflags", "+faststart", "-shortest", str(sources["mp4"]))
    # A TV master carries its leader before the programme: bars and tone, then the second.
    bars = ["-f", "lavfi", "-i", f"smptehdbars=size=320x180:duration={LEADER_SECONDS}:rate=25",
            "-f", "lavfi", "-i", f"sine=frequency=1000:duration={LEADER_SECONDS}:sample_rate=48000"]
    ffmpeg(*bars, *picture, *tone, "-filter_complex", "[0:v][1:a][2:v][3:a]concat=n=2:v=1:a=1[v][a]",
           "-map", "[v]", "-map", "[a]", "-c:v", "mpeg2video", "-pix_fmt", "yuv422p", "-b:v", "2M",
           "-c:a", "pcm_s24le", "-f", "mxf", str(sources["mxf"]))
    ffmpeg(*tone, "-ac", "2", "-c:a", "pcm_s24le", str(sources["wav"]))
    ffmpeg(*tone, "-ac", "2", "-c:a", "libmp3lame", "-b:a", "128k", str(sources["mp3"]))
    ffmpeg(*tone, "-ac", "1", "-c:a", "libopus", "-b:a", "32k", str(sources["ogg"]))
    ffmpeg("-ss", "0.5", "-i", str(sources["mp4"]), "-frames:v", "1", str(sources["jpg"]))
    ffmpeg("-f", "lavfi", "-i", "color=c=0x1b2330:size=240x120", "-frames:v", "1", str(sources["png"]))
    return sources


def _tagged_copy(source: Path, out: Path) -> None:
    """The source's streams under a metadata tag naming `out`: distinct bytes per variant (made
    once per session, beside the source)."""
    tagged = source.parent / out.name
    if not tagged.exists():
        ffmpeg("-i", str(source), "-map", "0", "-c", "copy", "-metadata", f"comment={out.name}",
               str(tagged))
    shutil.copyfile(tagged, out)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_manifest(root: Path, page_language: str | None = None) -> Path:
    (root / "manifests").mkdir(parents=True, exist_ok=True)
    languages = "".join(f"  - code: {code}\n    name: {json.dumps(name)}\n    treatment: {treatment}\n"
                        + (f"    also_called: {json.dumps(ALSO_CALLED[code])}\n"
                           if code in ALSO_CALLED else "")
                        for code, name, treatment, _ in LANGUAGES)
    publish = f"publish:\n  page_language: {page_language}\n" if page_language else ""
    path = root / "manifests" / f"{CAMPAIGN}.yaml"
    path.write_text(
        f"campaign: {CAMPAIGN}\ntitle: \"Blue Heart: not for sale\"\nsource_language: spa\n"
        f"spots:\n  - id: {VIDEO_SPOT}\n    title: \"Not for sale (15 s)\"\n    master: ../media/spot.mp4\n"
        f"  - id: {RADIO_SPOT}\n    title: \"Not for sale, radio (20 s)\"\n    master: ../media/radio.wav\n"
        f"languages:\n{languages}"
        "profiles:\n  web: {width: 320, height: 180}\n  proxy:\n  broadcast-mxf: {base: broadcast}\n"
        "  radio: {base: web}\n  radio-mp3: {base: web}\n  voice-note: {base: web}\n"
        "  messaging: {base: web}\n" + publish, encoding="utf-8")
    return path


def make_page_campaign(root: Path, sources: dict[str, Path], page_language: str | None = None) -> Manifest:
    """The manifest, and every variant of it that makes sense rendered with its record."""
    manifest = load_manifest(write_manifest(root, page_language))
    for code, name, treatment, spots in LANGUAGES:
        for spot in spots:
            profiles = VIDEO_PROFILES if spot == VIDEO_SPOT else RADIO_PROFILES
            for profile in profiles:
                _render(manifest, spot, code, name, treatment, profile, sources)
    return manifest


def _render(manifest: Manifest, spot: str, code: str, name: str, treatment: str, profile: str,
            sources: dict[str, Path]) -> None:
    folder = manifest.campaign_dir / spot
    folder.mkdir(parents=True, exist_ok=True)
    ext = EXTENSIONS[profile]
    stem = f"{spot}.{code}.{profile}"
    variant = folder / f"{stem}.{ext}"
    _tagged_copy(sources[ext], variant)
    video = ext in ("mp4", "mxf")
    record = {
        "render_version": "1", "pipeline_version": "0.1.0", "campaign": CAMPAIGN,
        "spot": spot, "spot_title": spot, "language": code, "language_name": name,
        "treatment": treatment, "profile": profile, "file": variant.name,
        "poster": None, "sidecars": [], "bytes": variant.stat().st_size, "sha256": _sha256(variant),
        "duration": 1.0, "width": 320 if video else None, "height": 180 if video else None,
        "loudness": {"integrated_lufs": -23.0 if profile in ("broadcast-mxf", "radio") else -16.0,
                     "true_peak_dbtp": -1.5},
        "qc": {"warnings": [WARNING] if (code, profile) == ("yua", "broadcast-mxf") else
               [CLIPPED] if (code, spot, profile) == ("yua", RADIO_SPOT, "radio") else
               [WIDE] if (code, spot, profile) == ("yua", RADIO_SPOT, "radio-mp3") else []},
        "rendered_at": "2026-11-29T10:00:00Z",
    }
    if ext == "mp4":     # as ffprobe reads the render's file (media/probe.py's Stream)
        record["streams"] = [{"index": 0, "kind": "video", "codec": "h264", "width": 320,
                              "height": 180, "fps": 25.0, "field_order": "progressive"}]
    if spot == RADIO_SPOT:
        record["medium"] = "radio"
    if profile == "voice-note":      # mono: measured as dual mono, as render/audio_only.py says
        record["loudness"] |= {"measured_as": "dual-mono", "single_channel_lufs": -19.0}
    if ext == "mxf":
        # As render/mastering.py's master_record: the file is the leader and the programme.
        record["duration"] = 1.0 + LEADER_SECONDS
        record["master"] = {"leader": {"bars_frames": 25 * LEADER_SECONDS, "slate_frames": 0,
                                       "black_frames": 0, "seconds": float(LEADER_SECONDS)},
                            "rate": "25/1", "programme_frames": 25, "programme_seconds": 1.0,
                            "programme_timecode": "10:00:00:00", "file_timecode": "09:59:58:00",
                            "scan": "tff", "woven_from_fields": False,
                            "audio_tracks": ["mix L", "mix R"] + ["silence"] * 6}
    if video:
        shutil.copyfile(sources["jpg"], folder / f"{stem}.jpg")
        record["poster"] = f"{stem}.jpg"
    if treatment == "soft" and spot == VIDEO_SPOT:
        for suffix, text in (("srt", SRT), ("vtt", VTT), ("ttml", TTML)):
            (folder / f"{spot}.{code}.{suffix}").write_text(text, encoding="utf-8")
            record["sidecars"].append(f"{spot}.{code}.{suffix}")
    if profile in ("broadcast-mxf", "radio"):
        (folder / f"{stem}.loudness.html").write_text(
            f"<!doctype html><title>Loudness {stem}</title><p>-23.0 LUFS</p>\n", encoding="utf-8")
        record["certificate"] = f"{stem}.loudness.html"
        if profile == "broadcast-mxf":
            shutil.copyfile(sources["png"], folder / f"{stem}.loudness.png")
            record["sidecars"].append(f"{stem}.loudness.png")
    (folder / f"{stem}.json").write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")


@pytest.fixture(scope="session")
def page_sources(tmp_path_factory) -> dict[str, Path]:
    return make_sources(tmp_path_factory.mktemp("page-sources"))


@pytest.fixture
def page_campaign(tmp_path, page_sources) -> Manifest:
    return make_page_campaign(tmp_path / "project", page_sources)
