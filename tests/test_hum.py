"""A recording's mains hum (50 or 60 Hz, steady in every second) is said, at the recording, in
check and validate: a radio trial's dub carried a 60 Hz hum 20 dB under its voice, certified
"Cumple EBU R128" with nothing said. Not a bass that comes and goes, nor a broadband rumble,
nor a hum 40 dB or more under the voice. The signals are made here with ffmpeg; the band
levels are read by the pipeline's one analysis (sound_analysis.analyse_sound)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.media.sound_analysis import analyse_sound
from tests.conftest import ffmpeg
from tests.test_defects import warnings_of
from tests.test_radio import invoke

SECONDS = 8
# A voice's level moving as speech's does: a 1 kHz tone loud for half of each second, 26 dB
# down for the other half (-15 and -41 dBFS RMS; -18 LUFS).
VOICE = (f"sine=frequency=1000:sample_rate=48000:duration={SECONDS},"
         "volume=2*if(lt(mod(t\\,1)\\,0.5)\\,1\\,0.05):eval=frame")


def take(path: Path, *under: str) -> Path:
    """VOICE, mono 48 kHz, with each of `under` (a lavfi source of SECONDS) mixed under it."""
    sources = [VOICE, *under]
    graph = ";".join(f"{source}[s{n}]" for n, source in enumerate(sources))
    graph += ";" + "".join(f"[s{n}]" for n in range(len(sources)))
    graph += f"amix=inputs={len(sources)}:normalize=0[out0]" if under else "anull[out0]"
    ffmpeg("-f", "lavfi", "-i", graph, "-c:a", "pcm_s24le", str(path))
    return path


def tone(frequency: float, amplitude: float, chain: str = "") -> str:
    return (f"aevalsrc={amplitude}*sin(2*PI*{frequency}*t):s=48000:d={SECONDS}"
            + (f",{chain}" if chain else ""))


@pytest.mark.parametrize("under, hum", [
    ((tone(60, 0.06),), 60),                          # the trial's: 10 dB under the voice
    ((tone(50, 0.02), tone(100, 0.01)), 50),          # Europe's, with its second harmonic
    ((tone(60, 0.0015),), None),                      # 42 dB under: past hearing on the air
    # A bass note on 60 Hz, 2 s on, 2 s off: its floor falls between the notes.
    ((tone(60, 0.06, "volume=if(lt(mod(t\\,4)\\,2)\\,1\\,0):eval=frame"),), None),
    # Rumble (traffic, wind): as much at 50 Hz as at 60, no tone.
    (("anoisesrc=color=brown:amplitude=0.3:sample_rate=48000:duration=8,lowpass=f=120",), None),
    ((), None),
])
def test_a_steady_mains_tone_is_a_hum(tmp_path, under, hum):
    analysis = analyse_sound(take(tmp_path / "take.wav", *under), 48000, "mono")
    found = analysis.defects.hum
    assert (found[0] if found else None) == hum, (found, analysis.loudness)
    if hum:      # its floor as it is: -27.5 dBFS RMS for 0.06's sine, -37.0 for 0.02's
        assert found[1] == pytest.approx({60: -27.5, 50: -37.0}[hum], abs=1.0), found


def test_a_dub_with_a_hum_is_said_by_check_and_validate(campaign):
    path = take(campaign.root / "audio/spot/yua.wav", tone(60, 0.06))
    manifest = campaign.write([{"code": "yua", "treatment": "dub"}])
    checked = invoke("check", path)
    said = [line for line in warnings_of(checked, path) if "mains hum" in line]
    assert len(said) == 1, checked.output
    assert said[0].startswith(f"{path}: warning: the recording carries a mains hum at 60 Hz, ")
    assert "(hint: record it again away from power cables and dimmers" in said[0]
    validated = invoke("validate", manifest)
    assert any("the dub carries a mains hum at 60 Hz" in line
               for line in warnings_of(validated, path)), validated.output
