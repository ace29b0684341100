"""A profile's mistakes are said at the line of the key to change, in a manifest of several
profiles as a station writes one: its loudness figures against its standard, its master's
timecode and tracks, the format of its file."""

from __future__ import annotations

from tests.test_cli import invoke

# Every profile below has one mistake, on the line marked `# <- profile: message`.
STATION = """\
    campaign: station
    title: t
    source_language: spa
    spots: [{id: spot, master: ../media/spot.mp4}]
    languages: [{code: yua, treatment: dub}]
    profiles:
      web: ~
      air:
        base: broadcast-mxf
        loudness_standard: ebu-r128
        loudness: -16             # <- air: loudness -16 LUFS contradicts EBU R128 (2023)
      air-loose:
        base: broadcast-prores
        loudness_standard: ebu-r128
        loudness_tolerance: 1     # <- air-loose: loudness_tolerance 1 LU contradicts EBU R128
      air-peak:
        base: broadcast-mxf
        loudness_standard: ebu-r128
        true_peak: -0.5           # <- air-peak: true_peak -0.5 dBTP contradicts EBU R128
      late:
        base: broadcast-mxf
        timecode: "25:00:00:00"   # <- late: timecode '25:00:00:00' has 25 hours
      many:
        base: broadcast-prores
        audio_tracks: 20          # <- many: audio_tracks 20 must be 0 (one track) or 2 to 16
      mono:
        base: broadcast-mxf
        channels: 1               # <- mono: audio_tracks carries a stereo mix: channels must be 2
      wav-video:
        base: web
        container: wav            # <- wav-video: a video profile's container is one of
      flat:
        base: web
        height: 0                 # <- flat: a video profile needs a width and a height
      capped-tff:
        base: messaging
        scan: tff                 # <- capped-tff: a size cap (max_mb_per_minute) is a web or
      radio-aac:
        base: radio-mp3
        audio_codec: aac          # <- radio-aac: audio codec 'aac' does not go in 'mp3'
      surround:
        base: radio
        channels: 6               # <- surround: an audio profile is mono (channels: 1) or
      mp3-bext:
        base: radio-mp3
        bext: true                # <- mp3-bext: a bext chunk goes in a WAV file only
      radio-tc:
        base: radio
        timecode: "10:00:00:00"   # <- radio-tc: an audio profile has no leader, timecode
      sd-pal:                     # (a trial's: 720x576 square pixels, 5:4, "XDCAM HD422")
        base: broadcast-mxf
        width: 720                # <- sd-pal: a TV master (a leader, timecode, mono tracks or
        height: 576
      sd-ntsc:
        base: broadcast-prores
        scan: progressive
        height: 480
        width: 720                # <- sd-ntsc: a TV master (a leader, timecode, mono tracks or
    """


def test_each_profile_s_mistake_is_said_at_its_key_s_line(campaign):
    manifest = campaign.write_text(STATION)
    expected = {}
    for number, line in enumerate(manifest.read_text().splitlines(), start=1):
        if "# <- " in line:
            name, message = line.split("# <- ")[1].split(": ", 1)
            expected[name] = (number, f"profile {name!r}: {message}")
    result = invoke("validate", manifest)
    assert result.exit_code == 1
    said = [line for line in result.output.splitlines() if ": error: profile '" in line]
    for name, (number, message) in expected.items():
        # Before: at the profile's name (the line of `air:`), a line or three above.
        assert any(line.startswith(f"{manifest}:{number}: error: {message}") for line in said), \
            (name, number, said)
    assert len(said) == len(expected), said


def test_a_rate_no_interlaced_master_has_is_said_at_the_profile_s_fps(campaign):
    # A 25 fps master made 24 fps by the profile: interlaced HD has no 24, and the key to
    # change is fps (before: at the profile's name, which does not set `scan`).
    manifest = campaign.write([{"code": "yua", "treatment": "dub"}],
                              {"web": None, "air": {"base": "broadcast-mxf", "fps": 24}})
    campaign.audio("yua")
    result = invoke("validate", manifest)
    assert result.exit_code == 1
    line = manifest.read_text().splitlines().index("    fps: 24") + 1
    assert f"{manifest}:{line}: error: profile 'air': the profile's fps 24.000 cannot be an " \
           "interlaced (tff) master" in result.output, result.output


def test_a_figure_against_the_standard_a_profile_starts_with_is_an_error_at_its_line(campaign):
    # broadcast-mxf is held to EBU R128: a target of -16 LUFS or a ceiling of -0.5 dBTP on it
    # passed validate, was levelled to, and failed its certificate after the whole encode.
    manifest = campaign.write([{"code": "yua", "treatment": "dub"}], {
        "broadcast-mxf": {"loudness": -16},
        "air-peak": {"base": "broadcast-prores", "true_peak": -0.5},
        "air-strict": {"base": "broadcast-prores", "true_peak": -2, "loudness_tolerance": 0.2}})
    result = invoke("validate", manifest)
    assert result.exit_code == 1
    lines = manifest.read_text().splitlines()
    said = [line for line in result.output.splitlines() if ": error: profile '" in line]
    assert said == [
        f"{manifest}:{lines.index('    loudness: -16') + 1}: error: profile 'broadcast-mxf': "
        "loudness -16 LUFS contradicts EBU R128 (2023) (-23 LUFS), which built-in profile "
        "'broadcast-mxf' is held to (hint: leave loudness out: the standard sets it)",
        f"{manifest}:{lines.index('    true_peak: -0.5') + 1}: error: profile 'air-peak': "
        "true_peak -0.5 dBTP contradicts EBU R128 (2023) (-1 dBTP), which built-in profile "
        "'broadcast-prores' is held to (hint: leave true_peak out: the standard sets it)"], result.output
