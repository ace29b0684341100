"""`pipeline profiles`: what each output profile makes, the built-in ones or a manifest's with its
overrides, in a terminal (a pseudo-terminal, English and Spanish) and as JSON."""

from __future__ import annotations

import json
import subprocess

import yaml
from click.testing import CliRunner

from pipeline.cli.main import cli
from pipeline.profiles import BUILTIN_PROFILES
from tests import terminal as tty
from tests.mediacheck import FFMPEG, FFPROBE
from tests.test_terminal_language import SPANISH

ENGLISH = {"LANG": "C.UTF-8", "LANGUAGE": None, "LC_ALL": None, "LC_MESSAGES": None}


def blocks(lines: list[str]) -> dict[str, list[str]]:
    """{a profile's heading line: its indented lines}."""
    found: dict[str, list[str]] = {}
    for line in lines:
        if line.startswith("  "):
            found[list(found)[-1]].append(line.strip())
        elif line.strip():
            found[line.strip()] = []
    return found


def test_every_built_in_profile_is_listed_with_what_it_makes(tmp_path):
    # A trial's media team, writing a 21-language manifest, had the README's table alone.
    shown = blocks(tty.said(tty.run(["profiles"], cwd=tmp_path, env=ENGLISH, columns=120)))
    assert list(shown) == [f"{name} (.{profile.extension})"
                           for name, profile in BUILTIN_PROFILES.items()]
    assert shown["radio (.wav)"] == [
        "sound           PCM 24-bit, 48 kHz, stereo, Broadcast WAV (bext chunk)",
        "loudness        -23 LUFS ±0.5 LU, true peak -1 dBTP, loudness range at most 7 LU, "
        "EBU R128 (2023)"]
    assert shown["broadcast-mxf (.mxf)"] == [
        "picture         1920x1080 (the picture whole, bars where its shape differs), the master's "
        "frame rate, interlaced, top field first",
        "video           MPEG-2 (XDCAM HD422), 50 Mb/s, yuv422p, a leader of 12 s, timecode "
        "from 10:00:00:00",
        "soft subtitles  in files beside it (a master carries no track)",
        "sound           PCM 24-bit, 48 kHz, 8 mono tracks: the mix on 1 and 2, silence on the "
        "others",
        "loudness        -23 LUFS ±0.5 LU, true peak -1 dBTP, loudness range at most 7 LU, "
        "EBU R128 (2023)"]
    assert shown["messaging (.mp4)"][:3] == [
        "picture         1280x720 (the picture whole, bars where its shape differs, turned for a "
        "portrait master), the master's frame rate, progressive",
        "video           H.264 Main, two passes to at most 16 MB a minute, preset medium, yuv420p",
        # Messaging apps show no subtitle track.
        "soft subtitles  burned into the picture (messaging apps and social feeds show no "
        "track)"]
    assert shown["web (.mp4)"][2] == "soft subtitles  a selectable track"
    # A mono file's figure is dual mono's: a meter on its one channel reads 3 LU less.
    assert shown["voice-note (.ogg)"] == [
        "sound           Opus 32 kb/s, 48 kHz, mono",
        "loudness        -16 LUFS ±1 LU (mono measured as dual mono: -19 LUFS on its one channel), "
        "true peak -1 dBTP, loudness range at most 11 LU"]
    listed = json.loads(CliRunner().invoke(cli, ["profiles", "--json"]).output)
    assert [p["name"] for p in listed] == list(BUILTIN_PROFILES)
    radio = next(p for p in listed if p["name"] == "radio")
    assert (radio["base"], radio["bext"], radio["loudness"], radio["medium"]) == \
        (None, True, -23.0, "audio")
    assert {p["name"]: p["soft_subtitles"] for p in listed if p["soft_subtitles"] == "burn"} == \
        {"square": "burn", "vertical": "burn", "messaging": "burn"}


def test_a_manifest_s_profiles_are_listed_with_its_overrides(campaign):
    profiles = {"web": {"crf": 23, "fps": 25},
                "whatsapp": {"base": "messaging", "max_mb_per_minute": 12},
                "atsc": {"base": "broadcast", "loudness_standard": "atsc-a85"}}
    manifest = campaign.write([{"code": "nah", "treatment": "burn"}], profiles=profiles)
    result = CliRunner().invoke(cli, ["profiles", str(manifest)])
    assert result.exit_code == 0, result.output
    shown = blocks(result.output.splitlines())
    assert list(shown) == ["web (.mp4)", "whatsapp (.mp4, based on messaging)",
                           "atsc (.mov, based on broadcast)"]
    assert shown["web (.mp4)"][:2] == [
        "picture         1920x1080 (the picture whole, bars where its shape differs), 25 fps, "
        "progressive",
        "video           H.264 High, CRF 23, preset medium, yuv420p"]
    assert "two passes to at most 12 MB a minute" in \
        shown["whatsapp (.mp4, based on messaging)"][1]
    # A profile of its own that burns them is told so, without the messaging apps' reason.
    profiles["burned"] = {"base": "web", "soft_subtitles": "burn"}
    manifest = campaign.write([{"code": "nah", "treatment": "burn"}], profiles=profiles)
    burned = blocks(CliRunner().invoke(cli, ["profiles", str(manifest), "burned"]).output
                    .splitlines())
    assert burned["burned (.mp4, based on web)"][2] == "soft subtitles  burned into the picture"
    # ATSC A/85's unit and figures, as its standard sets them.
    assert shown["atsc (.mov, based on broadcast)"][-1] == \
        "loudness        -24 LKFS ±2 LU, true peak -2 dBTP, loudness range at most 7 LU, " \
        "ATSC A/85:2013"
    listed = json.loads(CliRunner().invoke(cli, ["profiles", str(manifest), "--json"]).output)
    assert [(p["name"], p["base"], p["crf"]) for p in listed][:2] == [
        ("web", None, 23), ("whatsapp", "messaging", None)]


def test_an_ultrafast_profile_is_said_to_make_what_x264_writes(campaign, tmp_path):
    # preset ultrafast turns off what Main and High add: `profiles` said "H.264 Main" of a
    # file ffprobe reads as Constrained Baseline.
    manifest = campaign.write([{"code": "nah", "treatment": "burn"}],
                              profiles={"quick": {"base": "messaging", "preset": "ultrafast"}})
    shown = blocks(CliRunner().invoke(cli, ["profiles", str(manifest)]).output.splitlines())
    video = shown["quick (.mp4, based on messaging)"][1]
    assert video.startswith("video           H.264 Constrained Baseline, "), video
    made = tmp_path / "quick.mp4"
    subprocess.run([FFMPEG, "-v", "error", "-f", "lavfi", "-i", "testsrc2=s=320x180:d=1",
                    "-c:v", "libx264", "-preset", "ultrafast", "-profile:v",
                    BUILTIN_PROFILES["messaging"].x264_profile, "-pix_fmt", "yuv420p",
                    str(made)], check=True)
    probed = subprocess.run([FFPROBE, "-v", "error", "-show_entries", "stream=profile",
                             "-of", "csv=p=0", str(made)], capture_output=True, text=True,
                            check=True).stdout.strip()
    assert video.startswith(f"video           H.264 {probed}, "), (video, probed)


def test_a_manifest_with_a_wrong_profile_is_said_at_its_line(campaign):
    data = campaign.data([{"code": "nah", "treatment": "burn"}],
                         profiles={"web": {"crf": "lots"}})
    campaign.manifest.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    result = CliRunner().invoke(cli, ["profiles", str(campaign.manifest)])
    line = next(n for n, text in enumerate(campaign.manifest.read_text().splitlines(), 1)
                if "lots" in text)
    assert result.exit_code == 1 and f"{campaign.manifest}:{line}: error: " in result.output, \
        result.output
    assert "Traceback" not in result.output


def test_the_profiles_are_said_in_spanish_in_a_spanish_terminal(tmp_path):
    shown = blocks(tty.said(tty.run(["profiles"], cwd=tmp_path, env=SPANISH, columns=120)))
    assert shown["radio (.wav)"] == [
        "sonido             PCM de 24 bits, 48 kHz, estéreo, Broadcast WAV (bloque bext)",
        "sonoridad          -23 LUFS ±0.5 LU, pico real -1 dBTP, rango de sonoridad de 7 LU a lo "
        "más, EBU R128 (2023)"]
    assert shown["vertical (.mp4)"][:3] == [
        "imagen             1080x1920 (la imagen escalada a su ancho), la frecuencia de cuadro del "
        "máster, progresivo",
        "video              H.264 High, CRF 21, preset medium, yuv420p",
        "subtítulos 'soft'  en la imagen (las apps de mensajería y las redes sociales no "
        "muestran pistas)"]


def test_a_reader_that_stops_early_gets_no_error(tmp_path):
    # `pipeline profiles | head -2` said "error: Broken pipe" under the two lines. A pipe
    # whose reader has gone already: the first line written meets it, every time.
    import os
    import subprocess
    import sys

    read, write = os.pipe()
    os.close(read)
    try:
        shown = subprocess.run([sys.executable, "-m", "pipeline", "profiles"], cwd=tmp_path,
                               stdout=write, stderr=subprocess.PIPE, timeout=30)
    finally:
        os.close(write)
    assert shown.returncode == 1 and shown.stderr == b"", shown.stderr


def test_profiles_named_are_listed_alone_and_an_unknown_name_says_those_there_are(campaign):
    # A trial typed `pipeline profiles web`, which was read as a manifest named "web".
    named = tty.run(["profiles", "messaging", "vertical"], cwd=campaign.root, env=ENGLISH,
                    columns=120)
    assert named.status == 0, named.describe()
    assert list(blocks(tty.said(named))) == ["messaging (.mp4)", "vertical (.mp4)"]
    unknown = CliRunner().invoke(cli, ["profiles", "webb", "web"])
    assert unknown.exit_code == 2
    assert "Error: webb: no built-in profile of that name (they are: web, broadcast, " \
        in unknown.output, unknown.output
    manifest = campaign.write([{"code": "nah", "treatment": "burn"}],
                              profiles={"web": {"crf": 23}, "chat": {"base": "messaging"}})
    ours = CliRunner().invoke(cli, ["profiles", str(manifest), "chat", "--json"])
    assert ours.exit_code == 0, ours.output
    assert [(p["name"], p["base"]) for p in json.loads(ours.output)] == [("chat", "messaging")]
    theirs = CliRunner().invoke(cli, ["profiles", str(manifest), "square"])
    assert theirs.exit_code == 2
    assert f"Error: square: no profile of that name in {manifest} (its profiles: web, chat)" \
        in theirs.output, theirs.output
