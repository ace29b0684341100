"""Fixtures for the publish tests: a real S3 server, AWS settings, and a rendered campaign.

The server is moto in server mode, started as a subprocess on 127.0.0.1 and spoken to by real
boto3 over HTTP. The campaign is made of real media (ffmpeg lavfi) with render records written
as the renderer writes them. Import the fixtures by name into a test module.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import shutil
import socket
import struct
import subprocess
import sys
import time
import urllib.request
import uuid
import wave
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest

from pipeline.manifest import Manifest, load_manifest
from pipeline.media.ffmpeg import ffmpeg_binary
from pipeline.media.probe import probe

CAMPAIGN = "blue-heart"
SPOTS = {"not-for-sale-15": "Human beings are not for sale (15 s)",
         "not-for-sale-30": "Human beings are not for sale (30 s)"}
LANGUAGES = [("nah", "Náhuatl", "burn"), ("yua", None, "dub"), ("tzo", "Tsotsil", "soft")]
PROFILES = ["web", "broadcast"]
SECRET = "SECRET-do-not-print-4f1c9a7e"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(url: str, process: subprocess.Popen, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"moto server exited with {process.returncode}")
        try:
            urllib.request.urlopen(url, timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"moto server did not answer at {url} within {seconds} s")


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory) -> str:
    """The endpoint URL of a moto S3 server running in its own process."""
    port = free_port()
    log = open(tmp_path_factory.mktemp("moto") / "server.log", "wb")
    process = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                               stdout=log, stderr=subprocess.STDOUT)
    endpoint = f"http://127.0.0.1:{port}"
    try:
        _wait_for(f"{endpoint}/moto-api/", process)
        yield endpoint
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture
def aws_env(monkeypatch, tmp_path) -> None:
    """Dummy credentials from the environment, and nothing of this machine's AWS set-up."""
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIATESTING")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")  # no 169.254.169.254 waits


def s3_client(endpoint: str):
    return boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id="AKIATESTING", aws_secret_access_key=SECRET)


@pytest.fixture
def bucket(s3_server, aws_env) -> str:
    name = f"spots-{uuid.uuid4().hex[:12]}"
    s3_client(s3_server).create_bucket(Bucket=name)
    return name


# --- media and a rendered campaign ------------------------------------------------------------

@dataclass(frozen=True)
class Media:
    folder: Path
    mp4: Path
    mov: Path
    poster: Path
    width: int
    height: int
    duration: float


def _ffmpeg(*args: str) -> None:
    subprocess.run([ffmpeg_binary(), "-hide_banner", "-loglevel", "error", "-nostdin", "-y", *args],
                   check=True)


@pytest.fixture(scope="session")
def media(tmp_path_factory) -> Media:
    """A one-second 320x180 spot with a tone, as MP4 and MOV, and a JPEG poster frame."""
    folder = tmp_path_factory.mktemp("media")
    mp4, mov, poster = folder / "base.mp4", folder / "base.mov", folder / "poster.jpg"
    _ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x180:duration=1:rate=25",
            "-f", "lavfi", "-i", "sine=frequency=440:duration=1:sample_rate=48000",
            "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-c:a", "aac",
            "-shortest", "-movflags", "+faststart", str(mp4))
    _ffmpeg("-i", str(mp4), "-c", "copy", str(mov))
    _ffmpeg("-ss", "0.5", "-i", str(mp4), "-frames:v", "1", "-q:v", "3", str(poster))
    info = probe(mp4)
    return Media(folder, mp4, mov, poster, info.video.width, info.video.height, round(info.duration, 3))


@pytest.fixture(scope="session")
def variant_cache(media) -> dict:
    """Distinct bytes per variant name (a metadata tag differs), made once per session."""
    return {}


def _variant_file(media: Media, cache: dict, name: str, container: str) -> Path:
    if name not in cache:
        out = media.folder / name
        _ffmpeg("-i", str(media.mov if container == "mov" else media.mp4), "-map", "0", "-c", "copy",
                "-metadata", f"comment={name}", str(out))
        cache[name] = out
    return cache[name]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _write_wav(path: Path, seconds: float = 1.0) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(48000)
        out.writeframes(b"".join(struct.pack("<h", int(8000 * math.sin(2 * math.pi * 220 * i / 48000)))
                                 for i in range(int(48000 * seconds))))


SRT = "1\n00:00:00,100 --> 00:00:00,900\nTlen amo tlanamakalistli\n"


def write_record(folder: Path, spot: str, language: str, language_name: str, treatment: str,
                 profile: str, media: Media, variant: Path, spot_title: str) -> Path:
    """A render record as the renderer leaves it (file, poster and sidecars relative to it)."""
    sidecars = [f"{spot}.{language}.srt", f"{spot}.{language}.vtt"] if treatment == "soft" else []
    record = {
        "render_version": "1", "pipeline_version": "0.1.0", "ffmpeg": "ffmpeg version 5.1.9",
        "fingerprint": hashlib.sha256(variant.name.encode()).hexdigest(),
        "campaign": CAMPAIGN, "spot": spot, "spot_title": spot_title,
        "language": language, "language_name": language_name, "treatment": treatment,
        "profile": profile, "file": variant.name, "poster": f"{spot}.{language}.{profile}.jpg",
        "sidecars": sidecars, "bytes": variant.stat().st_size, "sha256": _sha256(variant),
        "duration": media.duration, "width": media.width, "height": media.height,
        "streams": [{"index": 0, "kind": "video", "codec": "h264", "width": media.width,
                     "height": media.height, "fps": 25.0},
                    {"index": 1, "kind": "audio", "codec": "aac", "sample_rate": 48000, "channels": 1}],
        "loudness": {"integrated_lufs": -16.1 if profile == "web" else -23.0,
                     "true_peak_dbtp": -1.4, "lra_lu": 5.0},
        "inputs": {"master": {"path": f"../media/{spot}.mp4", "sha256": "0" * 64}},
        "settings": {"profile": {"name": profile}}, "qc": {"warnings": []},
        "rendered_at": "2026-11-29T10:00:00Z",
    }
    path = folder / f"{spot}.{language}.{profile}.json"
    path.write_text(json.dumps(record, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def make_campaign(root: Path, media: Media, cache: dict, title: str = "Blue Heart: not for sale",
                  spot_titles: dict | None = None, render: bool = True) -> Manifest:
    """A manifest under `root/manifests`, its inputs, and (with `render`) every variant rendered."""
    spot_titles = spot_titles or SPOTS
    (root / "manifests").mkdir(parents=True, exist_ok=True)
    (root / "media").mkdir(exist_ok=True)
    spots_yaml, languages_yaml = [], []
    for spot, spot_title in spot_titles.items():
        shutil.copyfile(media.mp4, root / "media" / f"{spot}.mp4")
        spots_yaml.append(f"  - id: {spot}\n    title: {json.dumps(spot_title)}\n"
                          f"    master: ../media/{spot}.mp4\n")
        for code, _, treatment in LANGUAGES:
            if treatment in ("burn", "soft"):
                (root / "subtitles" / spot).mkdir(parents=True, exist_ok=True)
                (root / "subtitles" / spot / f"{code}.srt").write_text(SRT, encoding="utf-8")
            else:
                _write_wav(root / "audio" / spot / f"{code}.wav")
    for code, name, treatment in LANGUAGES:
        name_line = f"    name: {json.dumps(name)}\n" if name else ""
        languages_yaml.append(f"  - code: {code}\n{name_line}    treatment: {treatment}\n")
    manifest_path = root / "manifests" / f"{CAMPAIGN}.yaml"
    manifest_path.write_text(
        f"campaign: {CAMPAIGN}\ntitle: {json.dumps(title)}\nsource_language: spa\n"
        f"spots:\n{''.join(spots_yaml)}languages:\n{''.join(languages_yaml)}"
        f"profiles: [{', '.join(PROFILES)}]\n", encoding="utf-8")
    manifest = load_manifest(manifest_path)
    if render:
        for spot in manifest.spots:
            for language in manifest.languages:
                for profile in manifest.profiles:
                    render_variant(manifest, spot.id, language.code, profile.name, media, cache)
    return manifest


def render_variant(manifest: Manifest, spot: str, code: str, profile: str, media: Media,
                   cache: dict) -> Path:
    """Put a variant, its poster, sidecars and record where the renderer would."""
    language = next(lang for lang in manifest.languages if lang.code == code)
    container = "mov" if profile == "broadcast" else "mp4"
    folder = manifest.campaign_dir / spot
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{spot}.{code}.{profile}.{container}"
    variant = folder / name
    shutil.copyfile(_variant_file(media, cache, name, container), variant)
    shutil.copyfile(media.poster, folder / f"{spot}.{code}.{profile}.jpg")
    if language.treatment == "soft":
        (folder / f"{spot}.{code}.srt").write_text(SRT, encoding="utf-8")
        (folder / f"{spot}.{code}.vtt").write_text(
            "WEBVTT\n\n00:00:00.100 --> 00:00:00.900\nTlen amo tlanamakalistli\n", encoding="utf-8")
    spot_title = next(s.title for s in manifest.spots if s.id == spot)
    return write_record(folder, spot, code, language.name, language.treatment, profile, media,
                        variant, spot_title)


@pytest.fixture
def campaign(tmp_path, media, variant_cache) -> Manifest:
    """Two spots x three languages x two profiles, all rendered: 12 variants."""
    return make_campaign(tmp_path / "project", media, variant_cache)
