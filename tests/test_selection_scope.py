"""`--spot`, `--lang` and `--profile` narrow what plan and render say to the variants they
select: a problem of another spot, language or profile is not printed, nor fails the run, and
one line counts them and says how to see them (a TV station rendering its web profile was shown,
and failed by, its MXF master's problems). The manifest's shared parts are always said."""

from __future__ import annotations

import textwrap

from tests.conformmedia import interlaced_master
from tests.test_cli import invoke

BROKEN_SRT = "1\n00:00:01,000 --> 00:00:0X,000\nhola\n"

# Two spots, the second's master missing and its nah subtitles broken; yua's voice-over has no
# bed to go on and no recording.
TWO_SPOTS = """\
    campaign: c
    title: t
    source_language: spa
    spots:
      - {id: spot, master: ../media/spot.mp4}
      - {id: later, master: ../media/later.mp4}
    languages:
      - {code: nah, treatment: burn}
      - {code: yua, treatment: mix}
    profiles:
      small: {base: web, width: 320, height: 180, preset: ultrafast}
    """


def stderr_lines(result) -> list[str]:
    assert "Traceback" not in result.output
    return result.stderr.splitlines()


def test_another_spot_s_and_language_s_problems_are_counted_not_said(campaign):
    campaign.subtitle("nah")
    (campaign.root / "subtitles/later").mkdir()
    (campaign.root / "subtitles/later/nah.srt").write_text(BROKEN_SRT, encoding="utf-8")
    manifest = campaign.write_text(textwrap.dedent(TWO_SPOTS))
    for command in (["plan"], ["render", "--dry-run"]):
        result = invoke(*command, manifest, "--spot", "spot", "--lang", "nah")
        # Before: later's broken subtitles (checked though its master is missing) and yua's
        # missing recording were said, and failed the run.
        assert result.exit_code == 0, result.output
        lines = stderr_lines(result)
        assert not [line for line in lines if ": error: " in line], lines
        assert lines[-1] == ("6 errors in spots and languages not selected (spot later; "
                             "language yua): run without --spot and --lang to see them"), lines
    result = invoke("plan", manifest, "--lang", "nah")
    assert result.exit_code == 1     # later's master and subtitles: nah's
    lines = stderr_lines(result)
    assert any(f"{manifest}:6: error: master of spot 'later' not found" in line
               for line in lines), lines
    assert any(line.startswith(f"{campaign.root / 'subtitles/later/nah.srt'}:2: error: ")
               for line in lines), lines
    assert not any("'yua'" in line for line in lines[:-1]), lines
    assert lines[-1] == "3 errors in languages not selected (yua): run without --lang to see " \
                        "them", lines
    # Without a selection, every one is said, and nothing is counted apart.
    result = invoke("plan", manifest)
    assert sum(": error: " in line for line in stderr_lines(result)) == 6, result.output
    assert "not selected" not in result.output


def test_another_profile_s_note_on_the_master_is_counted_not_said(campaign):
    interlaced_master(campaign.root / "media/spot.mp4")
    campaign.subtitle("nah")
    manifest = campaign.write([{"code": "nah", "treatment": "soft"}],
                              {"small": {"base": "web", "width": 320, "height": 180},
                               "broadcast-prores": None})
    result = invoke("plan", manifest, "--profile", "small")
    assert result.exit_code == 0, result.output
    lines = stderr_lines(result)
    said = [line for line in lines if "is deinterlaced into whole frames" in line]
    # Before: the ProRes master's too, 'profile 'broadcast-prores' is progressive: ...'.
    assert len(said) == 1 and "warning: profile 'small' is progressive" in said[0], said
    assert lines[-1] == "1 warning in profiles not selected (broadcast-prores): run without " \
                        "--profile to see them", lines
    result = invoke("plan", manifest, "--profile", "broadcast-prores")
    said = [line for line in stderr_lines(result) if "is deinterlaced into whole frames" in line]
    assert len(said) == 1 and "profile 'broadcast-prores' is progressive" in said[0], said
