"""`validate` and `plan` report every problem of a manifest in one run: the files of its valid
spots and languages are checked even when other entries have schema errors, and a file that
cannot be read (a folder, a link to nothing) is an error at the manifest's line, not an OSError
that stops the run."""

from __future__ import annotations

import os
import shutil
import textwrap
import unicodedata

import pytest

from tests.test_cli import invoke

BROKEN_SRT = "1\n00:00:01,000 --> 00:00:0X,000\nhola\n"


def lines_of(result) -> list[str]:
    assert "Traceback" not in result.output
    return result.output.splitlines()


def test_schema_errors_do_not_hide_a_missing_master(campaign):
    manifest = campaign.write_text(textwrap.dedent("""\
        campaign: c
        title: t
        source_language: spa
        spots:
          - {id: spot, master: ../media/spot.mp4}
          - {id: gone, master: ../media/nope.mp4}
        languages:
          - {code: nah, treatment: burn}
          - {code: yua, treatment: sing}
          - {code: xx1, treatment: soft}
        profiles: [web, bogus]
        colour: red
        """))
    result = invoke("validate", manifest)
    assert result.exit_code == 1
    lines = lines_of(result)
    expected = [(12, "unknown key 'colour'"), (9, "treatment 'sing' is not one of"),
                (10, "language code 'xx1' is not a valid"), (11, "profile 'bogus' is not one of"),
                # Before, said only once the four above were fixed.
                (6, f"master of spot 'gone' not found: {campaign.root / 'media/nope.mp4'}"),
                (8, "subtitles missing for language 'nah' (burn)")]
    for line, message in expected:
        assert any(text.startswith(f"{manifest}:{line}: error: {message}") for text in lines), \
            (line, message, lines)
    assert lines[-1].endswith("errors, 0 warnings"), lines


def test_a_stream_listed_twice_does_not_hide_the_spots_other_problems(campaign):
    shutil.copy(campaign.media["silent.mp4"], campaign.root / "media/spot.mp4")
    data = campaign.data([{"code": "nah", "treatment": "burn"}])
    data["spots"][0]["audio"] = {"streams": [0, 0]}
    manifest = campaign.write_text(__import__("yaml").safe_dump(data))
    result = invoke("validate", manifest)
    assert result.exit_code == 1
    text = result.output
    assert "error: audio.streams lists a stream twice" in text
    assert "has no audio stream: its burn and soft languages would have no sound" in text, text
    assert "subtitles missing for language 'nah' (burn)" in text, text


def test_a_master_that_is_a_folder_is_an_error_at_its_line_with_the_rest(campaign):
    campaign.subtitle("nah", BROKEN_SRT)
    manifest = campaign.write_text(textwrap.dedent("""\
        campaign: c
        title: t
        source_language: spa
        spots:
          - {id: spot, master: ../media}
        languages:
          - {code: nah, treatment: burn}
          - {code: tzo, treatment: soft}
        profiles: [web]
        """))
    for command in ("validate", "plan"):
        result = invoke(command, manifest)
        assert result.exit_code == 1, command
        lines = lines_of(result)
        assert f"{manifest}:5: error: master of spot 'spot' is a folder, not a file: " \
               f"{campaign.root / 'media'} (hint: name the file in that folder" in result.output
        assert "Is a directory" not in result.output
        # The language's own files are checked all the same.
        assert any(line.startswith(f"{campaign.root / 'subtitles/spot/nah.srt'}:2: error: "
                                   "malformed timing line") for line in lines), lines
        assert any(line.startswith(f"{manifest}:8: error: subtitles missing for language 'tzo'")
                   for line in lines), lines
    assert lines_of(invoke("validate", manifest))[-1].startswith("2 variants: "), lines


def test_a_master_linked_to_nothing_is_said_at_its_line(campaign):
    master = campaign.root / "media/spot.mp4"
    master.unlink()
    master.symlink_to(campaign.root / "media/moved.mp4")
    campaign.subtitle("tzo")
    manifest = campaign.write([{"code": "tzo", "treatment": "soft"}])
    result = invoke("validate", manifest)
    assert result.exit_code == 1
    # The manifest's paths are resolved: the link's target is the file named.
    assert f"{manifest}:5: error: master of spot 'spot' not found: " \
           f"{campaign.root / 'media/moved.mp4'}" in result.output
    assert lines_of(result)[-1].endswith("1 error, 0 warnings")


def test_a_master_named_with_a_slip_is_told_the_name_beside_it(campaign):
    # A media team's trial's Alerta-20.mp4 for the alerta-20.mp4 in the folder: "check the
    # path", as a wrong-case subtitle file was told its name.
    campaign.subtitle("tzo")
    for written, hint in (("Spot.mp4", "the folder has spot.mp4: names are case-sensitive"),
                          ("spots.mp4", "the folder has spot.mp4: did you mean it?")):
        manifest = campaign.write([{"code": "tzo", "treatment": "soft"}],
                                  spots=[{"id": "spot", "title": "S",
                                          "master": f"../media/{written}"}])
        result = invoke("validate", manifest)
        assert f"error: master of spot 'spot' not found: {campaign.root / 'media' / written} " \
               f"(hint: {hint})" in result.output, result.output


def test_a_master_typed_composed_is_found_stored_decomposed(campaign):
    # A Mac writes accented names decomposed (NFD), and a zip of its folder keeps them so: the
    # manifest's typed "Campaña/Alerta señal.mp4" (NFC) was "not found" on Linux, and the hint
    # offered a name that looks the same.
    campaign.subtitle("tzo")
    folder = campaign.root / unicodedata.normalize("NFD", "Campaña")
    folder.mkdir()
    stored = folder / unicodedata.normalize("NFD", "Alerta señal.mp4")
    shutil.copy(campaign.root / "media/spot.mp4", stored)
    typed = unicodedata.normalize("NFC", "../Campaña/Alerta señal.mp4")
    assert typed != unicodedata.normalize("NFD", typed)
    manifest = campaign.write([{"code": "tzo", "treatment": "soft"}],
                              spots=[{"id": "spot", "title": "S", "master": typed}])
    result = invoke("validate", manifest)
    assert result.exit_code == 0, result.output
    assert "not found" not in result.output, result.output
    # Two other spellings side by side (one all decomposed, one half) are two files: neither
    # is taken for the one typed, which is said not found.
    shutil.copy(stored, folder / "Canci\u00f3n sen\u0303al.mp4")
    shutil.copy(stored, folder / unicodedata.normalize("NFD", "Canción señal.mp4"))
    manifest = campaign.write([{"code": "tzo", "treatment": "soft"}],
                              spots=[{"id": "spot", "title": "S",
                                      "master": "../Campaña/Canción señal.mp4"}])
    result = invoke("validate", manifest)
    assert result.exit_code == 1 and "not found" in result.output, result.output


def test_a_path_typed_composed_on_the_command_line_finds_a_mac_s_folder(campaign, tmp_path):
    # A trial's `validate "Campaña trata 2027/alto-trata.yaml"` and `check "subtítulos/.../
    # nah.srt"`, the folders stored decomposed: "manifest not found", "subtitle file not found".
    campaign.subtitle("tzo")
    manifest = campaign.write([{"code": "tzo", "treatment": "soft"}])
    folder = tmp_path / unicodedata.normalize("NFD", "Campaña")
    shutil.copytree(campaign.root, folder)
    typed = tmp_path / unicodedata.normalize("NFC", "Campaña")
    assert not typed.exists()
    result = invoke("validate", typed / manifest.relative_to(campaign.root))
    assert result.exit_code == 0 and "not found" not in result.output, result.output
    result = invoke("check", typed / "subtitles/spot/tzo.srt")
    assert result.exit_code == 0 and "tzo.srt: 2 cues, 0 errors" in result.output, result.output


@pytest.mark.parametrize("written, shown", [
    ('"..\\avisos\\alerta.mp4"', "..\\x07visos\\x07lerta.mp4"),     # "\a": a bell
    ("..\\media\\spot.mp4", "..\\media\\spot.mp4")])
def test_a_windows_path_is_told_its_separator_and_blocks_its_spot_alone(campaign, written,
                                                                         shown):
    # A trial's master: "Másters\alto-trata-10.MP4" in double quotes, whose "\a" YAML reads
    # as a bell: "not found: Másterslto-trata-10.MP4", the bell rung, no word of the '\'; and
    # its subtitled languages were refused on the radio spot beside it, the video spot unread.
    campaign.subtitle("tzo")
    manifest = campaign.write_text(f"""
        campaign: test-campaign
        title: T
        source_language: spa
        spots:
          - {{id: spot, title: S, master: {written}}}
          - {{id: radio, title: R, master: ../media/spot.bed.wav, medium: radio}}
        languages:
          - {{code: tzo, treatment: soft}}
        """)
    result = invoke("validate", manifest)
    assert result.exit_code == 1
    (said,) = [line for line in result.output.splitlines() if ": error: " in line]
    assert said.endswith(f"not found: {campaign.root / 'manifests'}/{shown} (hint: write '/' "
                         "between folders, not '\\' (in double quotes YAML reads '\\a' or "
                         "'\\t' as a control character))"), said
    assert "\a" not in result.output


def test_a_loop_of_links_blocks_what_it_names_alone(campaign):
    # A trial's master linked to itself, and an output_dir likewise: "internal error:
    # RuntimeError: Symlink loop", nothing rendered, the good spot neither.
    (campaign.root / "subtitles/other").mkdir()
    shutil.copy(campaign.subtitle("tzo"), campaign.root / "subtitles/other/tzo.srt")
    (campaign.root / "media/loop.mp4").symlink_to("loop.mp4")
    manifest = campaign.write([{"code": "tzo", "treatment": "soft"}],
                              spots=[{"id": "spot", "title": "S", "master": "../media/loop.mp4"},
                                     {"id": "other", "title": "O", "master": "../media/spot.mp4"}])
    result = invoke("render", manifest)
    assert result.exit_code == 1 and "internal error" not in result.output, result.output
    assert f"error: master of spot 'spot' is a symbolic link that leads nowhere (a loop of " \
        f"links): {campaign.root / 'media/loop.mp4'}" in result.output, result.output
    assert (campaign.out.parent / "other/other.tzo.small.mp4").exists(), result.output
    (campaign.root / "looped").symlink_to("looped")
    manifest = campaign.write([{"code": "tzo", "treatment": "soft"}], output_dir="../looped")
    result = invoke("validate", manifest)
    assert result.exit_code == 1 and "internal error" not in result.output, result.output
    assert f"error: output_dir {campaign.root / 'looped'} cannot be a folder: " \
        f"{campaign.root / 'looped'} is a symbolic link that leads nowhere" in result.output


def test_a_pipe_named_as_a_manifest_is_refused_not_waited_on(campaign):
    # A trial's `render manifests/small.yaml manifests/fifo.yaml` waited for ever on the FIFO.
    fifo = campaign.root / "manifests/fifo.yaml"
    os.mkfifo(fifo)
    result = invoke("validate", fifo)
    assert result.exit_code == 1
    assert f"{fifo}: error: the manifest is not a regular file" in result.output, result.output


def test_a_pipe_or_a_loop_named_as_a_language_s_file_is_said_what_it_is(campaign):
    # A trial's FIFO named tzh.srt and yua.wav linked to itself: "there is no file for 'tzh'",
    # "nothing named yua.* is there".
    os.mkfifo(campaign.root / "subtitles/spot/tzo.srt")
    (campaign.root / "audio/spot/yua.wav").symlink_to("yua.wav")
    manifest = campaign.write([{"code": "tzo", "treatment": "soft"},
                               {"code": "yua", "treatment": "dub"}])
    result = invoke("validate", manifest)
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if ": error: " in line]
    assert errors[0].endswith("error: subtitle file of language 'tzo' is not a regular file: "
                              f"{campaign.root / 'subtitles/spot/tzo.srt'} (hint: name the file "
                              "itself, not a pipe or a device)"), errors
    assert errors[1].endswith("error: audio track of language 'yua' is a symbolic link that "
                              f"leads nowhere (a loop of links): {campaign.root}/audio/spot/"
                              "yua.wav (hint: make the link point to the file, or name the file "
                              "itself)"), errors
    # A link to a drive not mounted is no loop: its target is not found.
    (campaign.root / "audio/spot/yua.wav").unlink()
    (campaign.root / "audio/spot/yua.wav").symlink_to("/Volumes/USB/yua.wav")
    said = invoke("validate", manifest).output
    assert "error: audio track of language 'yua' is a symbolic link to /Volumes/USB/yua.wav, " \
        "which is not there" in said and "(a loop of links)" not in said, said


def test_a_name_not_in_utf8_is_refused_before_it_stops_a_render(campaign, tmp_path):
    # A Windows zip's Latin-1 folder name, unpacked as it was: validate passed, and render
    # stopped every variant with an internal error (UnicodeEncodeError) and no word of why.
    (campaign.root / "subtitles/other").mkdir()
    shutil.copy(campaign.subtitle("tzo"), campaign.root / "subtitles/other/tzo.srt")
    odd = os.fsdecode(b"Campa\xf1a win")
    (campaign.root / odd).mkdir()
    shutil.copy(campaign.root / "media/spot.mp4", campaign.root / odd / "spot.mp4")
    manifest = campaign.write([{"code": "tzo", "treatment": "soft"}],
                              spots=[{"id": "spot", "title": "S", "master": f"../{odd}/spot.mp4"},
                                     {"id": "other", "title": "O", "master": "../media/spot.mp4"}])
    result = invoke("render", manifest)
    assert result.exit_code == 1, result.output
    line = manifest.read_text().splitlines().index("- id: spot") + 1       # as not found
    assert f"{manifest}:{line}: error: master of spot 'spot' is under a name that is not UTF-8 " \
        "text, Campa\\xf1a win" in result.output, result.output
    assert "unzip -O CP850" in result.output and "Traceback" not in result.output
    assert (campaign.out.parent / "other/other.tzo.small.mp4").exists(), result.output
    # A manifest in such a folder is refused at once, its name shown as ls shows it.
    folder = tmp_path / odd / "manifests"
    folder.mkdir(parents=True)
    copy = folder / "campaign.yaml"
    copy.write_text("campaign: x\n")
    result = invoke("validate", copy)
    assert result.exit_code == 1 and "Campa\\xf1a win/manifests/campaign.yaml: error: the " \
        "name Campa\\xf1a win is not UTF-8 text" in result.output, result.output


def test_a_blocked_dub_does_not_hide_its_profile_s_timecode(campaign):
    # A community channel's one language, its dub missing, in a master profile whose timecode a
    # 25 fps picture cannot have: the timecode was said only once the dub was delivered.
    manifest = campaign.write([{"code": "yua", "treatment": "dub"}],
                              {"broadcast-mxf": {"timecode": "10:00:00;00"}})
    result = invoke("validate", manifest)
    assert result.exit_code == 1
    text = result.output
    assert "error: audio track missing for language 'yua' (dub)" in text, text
    # At the timecode's own line, not at `profiles:` (before: a station with several profiles
    # was left to guess which one).
    line = manifest.read_text().splitlines().index("    timecode: 10:00:00;00") + 1
    assert f"{manifest}:{line}: error: profile 'broadcast-mxf': timecode '10:00:00;00' is " \
        "drop-frame" in text, text
    assert "2 errors" in text, text


def test_a_manifest_with_schema_errors_is_said_not_planned_not_empty(campaign):
    # After its errors, validate summed up "0 variants: 0 up to date, 0 to render, 0 blocked",
    # which read as a valid manifest with nothing in it.
    campaign.subtitle("nah")
    good = campaign.write([{"code": "nah", "treatment": "burn"}])
    broken = campaign.root / "manifests/broken.yaml"
    broken.write_text(good.read_text().replace("campaign: test-campaign", "campaign: other")
                      .replace("treatment: burn", "treatment: sing") + "colour: red\n",
                      encoding="utf-8")
    result = invoke("validate", broken)
    assert result.exit_code == 1
    assert lines_of(result)[-1] == f"{broken} could not be planned because of its 2 errors; " \
                                   "in all: 2 errors, 0 warnings"
    result = invoke("plan", broken)
    assert result.exit_code == 1
    assert lines_of(result)[-1] == f"{broken} could not be planned because of its 2 errors; " \
                                   "in all: 2 errors, 0 warnings"
    # Beside a manifest that could be: its variants counted, the other said.
    result = invoke("validate", good, broken)
    assert result.exit_code == 1
    assert lines_of(result)[-1] == f"1 variant: 0 up to date, 1 to render, 0 blocked; {broken} " \
                                   "could not be planned because of its 2 errors; in all: 2 " \
                                   "errors, 1 warning"     # the good one's subtitles read too fast
    result = invoke("render", broken)
    assert result.exit_code == 1
    assert lines_of(result)[-1] == f"{broken} could not be planned because of its 2 errors"
