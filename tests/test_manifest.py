"""Manifest loading: the schema, every problem with its line, YAML 1.1 surprises."""

from __future__ import annotations

import re
import textwrap

import pytest

from pipeline.errors import ManifestError, SubtitleError, ValidationError
from pipeline.manifest import load_manifest
from pipeline.manifest.load import InvalidManifest
from pipeline.profiles import BUILTIN_PROFILES
from tests.conftest import SRT

GOOD = """\
    campaign: blue-heart
    title: "Blue Heart"
    source_language: spa
    spots:
      - id: spot
        title: "Spot"
        master: ../media/spot.mp4
        music_bed: ../media/spot.bed.wav
    languages:
      - code: nah
        name: "Náhuatl"
        treatment: burn
      - code: yua
        treatment: dub
      - code: no
        treatment: soft
        style: {size: 0.06}
    profiles: [web, proxy]
    style:
      font: "Noto Sans"
      size: 0.05
"""


# A manifest's first lines, one spot and one language, for tests of its other keys.
ONE_SPOT = textwrap.dedent("""\
    campaign: c
    title: t
    source_language: spa
    spots: [{id: s, master: spot.mp4}]
    languages: [{code: nah, treatment: soft}]
    """)


def errors_of(campaign, text: str) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        load_manifest(campaign.write_text(text))
    return [d.format() for d in caught.value.diagnostics]


def test_good_manifest_resolves_paths_names_and_styles(campaign):
    manifest = load_manifest(campaign.write_text(GOOD))
    assert manifest.campaign == "blue-heart"
    assert manifest.spots[0].master == (campaign.root / "media/spot.mp4").resolve()
    assert [l.code for l in manifest.languages] == ["nah", "yua", "no"]
    assert manifest.languages[0].name == "Náhuatl"
    assert manifest.languages[1].name == "Yucateco"          # from the language table
    # YAML 1.1 would read `no` as false; the schema keeps it as Norwegian's code. With no
    # name given, the language's name in itself (CLDR's autonym), as the page shows it.
    assert manifest.languages[2].name == "norsk"
    assert manifest.languages[2].style.size == 0.06
    assert manifest.languages[2].style.font == "Noto Sans"   # the rest inherited
    assert [p.name for p in manifest.profiles] == ["web", "proxy"]
    (campaign.root / "subtitles/spot/nah.vtt").write_text("WEBVTT\n", encoding="utf-8")
    assert manifest.subtitle_path(manifest.spots[0], manifest.languages[0]) == \
        (campaign.root / "subtitles/spot/nah.vtt").resolve()
    assert manifest.output_dir == (campaign.root / "build").resolve()
    assert manifest.languages[0].alpha3 == "nah" and manifest.languages[2].alpha3 == "nor"


def test_a_language_s_other_names_are_read_and_checked_at_their_line(campaign):
    names = '        also_called: [mexicano, "Macehualtlahtolli"]\n'
    text = GOOD.replace('        name: "Náhuatl"\n', '        name: "Náhuatl"\n' + names)
    manifest = load_manifest(campaign.write_text(text))
    assert manifest.languages[0].also_called == ("mexicano", "Macehualtlahtolli")
    assert manifest.languages[1].also_called == ()
    path = campaign.manifest
    wrong = errors_of(campaign, text.replace("[mexicano, \"Macehualtlahtolli\"]", "mexicano"))
    assert wrong == [f"{path}:12: error: also_called must be a non-empty list"], wrong
    blank = errors_of(campaign, text.replace("[mexicano, ", "[\"\", "))
    assert len(blank) == 1 and blank[0].startswith(f"{path}:12: error: a name in also_called"), \
        blank


def test_a_dub_s_subtitles_may_be_forced_narratives_and_nothing_else_s(campaign):
    # A trial's dub had its spot's on-screen text translated in a subtitle file, and no way
    # to deliver it as forced narratives: its track stayed off.
    text = GOOD.replace("        treatment: dub\n", "        treatment: dub\n"
                                                   "        forced_subtitles: true\n")
    manifest = load_manifest(campaign.write_text(text))
    assert [language.forced_subtitles for language in manifest.languages] == [False, True, False]
    soft = GOOD.replace("        treatment: soft\n", "        treatment: soft\n"
                                                   "        forced_subtitles: true\n")
    (wrong,) = errors_of(campaign, soft)
    assert "error: language" in wrong and "forced_subtitles is for a dub or mix language's " \
        "subtitle file (a soft language's subtitles are shown already)" in wrong, wrong
    assert errors_of(campaign, text.replace("forced_subtitles: true", "forced_subtitles: yes"))


def test_sdh_marks_a_subtitled_language_and_is_an_error_on_a_dub(campaign):
    text = GOOD.replace("        treatment: soft\n", "        treatment: soft\n        sdh: true\n")
    manifest = load_manifest(campaign.write_text(text))
    assert [(l.treatment, l.sdh) for l in manifest.languages] == [
        ("burn", False), ("dub", False), ("soft", True)]
    dub = GOOD.replace("        treatment: dub\n", "        treatment: dub\n        sdh: true\n")
    (wrong,) = errors_of(campaign, dub)
    assert wrong.endswith("error: language 'yua': sdh marks a burn or soft language's subtitles "
                          "(a dub language's track is there to be asked for) (hint: leave it "
                          "out, or make the language burn or soft)"), wrong


def test_a_language_s_spots_name_spots_of_the_manifest_once_each(campaign):
    text = GOOD.replace("        treatment: dub\n", "        treatment: dub\n        spots: [spot]\n")
    manifest = load_manifest(campaign.write_text(text))
    assert manifest.languages[1].spots == ("spot",) and manifest.languages[0].spots == ()
    assert manifest.languages[1].made_for("spot") and not manifest.languages[1].made_for("x")
    path = campaign.manifest
    assert errors_of(campaign, text.replace("spots: [spot]", "spots: [spot, otro]")) == [
        f"{path}:15: error: language 'yua': no spot 'otro' in the manifest (hint: spots: spot)"]
    assert errors_of(campaign, text.replace("spots: [spot]", "spots: [spot, spot]")) == [
        f"{path}:15: error: language 'yua': spot 'spot' is named twice"]


def test_unknown_and_duplicate_keys_are_reported_with_their_lines(campaign):
    text = GOOD.replace("    title: \"Blue Heart\"\n",
                        "    title: \"Blue Heart\"\n    colour: blue\n    title: again\n")
    found = errors_of(campaign, text)
    path = campaign.manifest
    assert f"{path}:3: error: unknown key 'colour' in the manifest" in found[0]
    assert f"{path}:4: error: duplicate key 'title' in the manifest (first given on line 2)" in found[1]


def test_a_slip_of_a_name_is_offered_the_name_meant(campaign):
    # A radio trial's 'dubb' and a profile typed with an underscore were "not one of" a list.
    text = (GOOD.replace("treatment: burn", "treatment: dubb")
            .replace("profiles: [web, proxy]", "profiles: [web, radio_mp3, podcast]"))
    found = errors_of(campaign, text)
    assert any("treatment 'dubb' is not one of: burn, soft, dub, mix (hint: did you mean "
               "'dub'?)" in f for f in found), found
    assert any(f.endswith("(hint: did you mean 'radio-mp3'?)") and "'radio_mp3'" in f
               for f in found), found
    # Another name altogether is not offered one ('broadcast' is as near as 0.75).
    assert any(f.endswith("radio-mp2, voice-note") and "'podcast'" in f for f in found), found


def test_every_problem_is_reported_in_one_run(campaign):
    text = (GOOD.replace("campaign: blue-heart", "campaign: ../escape")
            .replace("code: yua", "code: xx")
            .replace("treatment: burn", "treatment: shout")
            .replace("size: 0.05", "size: 1:30"))
    found = errors_of(campaign, text)
    path = campaign.manifest
    assert any(f"{path}:1: error: campaign '../escape' is not a valid id" in f for f in found)
    assert any(f"{path}:12: error: treatment 'shout' is not one of: burn, soft, dub, mix" in f for f in found)
    assert not any("did you mean" in f for f in found if "'shout'" in f)
    assert any(f"{path}:13: error: language code 'xx' is not a valid ISO 639-3" in f for f in found)
    # YAML 1.1 reads 1:30 as 90; here it is simply not a number.
    assert any(f"{path}:21: error: style.size must be a number, got '1:30'" in f for f in found)
    assert len(found) == 4


@pytest.mark.parametrize("spot_id", ["../up", "a/b", "UPPER", "-dash", "x" * 64, ""])
def test_ids_that_could_escape_a_folder_or_key_are_refused(campaign, spot_id):
    found = errors_of(campaign, GOOD.replace("id: spot", f"id: '{spot_id}'"))
    assert any(":5: error: spot id" in f for f in found), found


def test_duplicate_language_and_missing_required_keys(campaign):
    text = GOOD.replace("code: yua", "code: nah").replace("    source_language: spa\n", "")
    found = errors_of(campaign, text)
    assert any("missing required key 'source_language' in the manifest" in f for f in found)
    assert any(":12: error: language 'nah' is listed twice (first on line 9)" in f for f in found)


def test_an_empty_path_is_an_error_at_its_line(campaign):
    found = errors_of(campaign, GOOD.replace("master: ", "master: '' #"))
    assert any(":7: error: master is empty: give a file's path" in f for f in found), found


def test_no_profiles_and_yaml_nested_too_deep_are_errors(campaign):
    # `profiles: {}` made no variant and passed; render then called every file of the output
    # folder one of no variant. 20,000 '[' was an internal RecursionError.
    found = errors_of(campaign, GOOD.replace("profiles: [web, proxy]", "profiles: {}"))
    assert any(": error: profiles must not be empty" in f for f in found), found
    campaign.manifest.write_text("title: [" + "[" * 20000 + "]" * 20001 + "\n")
    with pytest.raises(ManifestError) as caught:
        load_manifest(campaign.manifest)
    assert caught.value.diagnostics[0].format() == (
        f"{campaign.manifest}: error: invalid YAML: lists or mappings nested too deep to read "
        "(hint: a manifest nests a few levels; look for a run of '[' or '{')")


def test_a_language_code_in_capitals_is_an_error_at_its_line(campaign):
    # 'Zai' wanted a Zai.srt (files are named by the lower-case code), and 'Nah' beside 'nah'
    # passed as a second language.
    found = errors_of(campaign, GOOD.replace("code: yua", "code: Nah"))
    assert any(":13: error: language code 'Nah' must be written in lower case, 'nah'" in f
               for f in found), found


def test_profiles_mapping_overrides_builtins_and_defines_new_ones(campaign):
    text = GOOD.replace("profiles: [web, proxy]", """profiles:
      web: {crf: 23}
      small: {base: proxy, width: 320, height: 180}
      broadcast:""")
    manifest = load_manifest(campaign.write_text(text))
    web, small, broadcast = manifest.profiles
    assert web.crf == 23 and web.width == 1920
    assert (small.name, small.width, small.height, small.preset) == ("small", 320, 180, "veryfast")
    assert broadcast == BUILTIN_PROFILES["broadcast"]


def test_null_drops_a_base_s_value_where_the_key_may_have_none(campaign):
    """docs/manifest.md: `crf`, `timecode`, `loudness_standard`, `fps`... take "or null". Before,
    `crf: null` kept the base's crf without a word and `timecode: null` was "is empty"."""
    manifest = load_manifest(campaign.write_text(ONE_SPOT + textwrap.dedent("""\
        profiles:
          web: {crf: null, video_bitrate: 4M}
          tv: {base: broadcast-mxf, loudness_standard: null, timecode: ~, fps:}
        """)))
    web, tv = manifest.profiles
    assert (web.crf, web.video_bitrate) == (None, "4M")
    assert BUILTIN_PROFILES["broadcast-mxf"].loudness_standard is not None
    assert (tv.loudness_standard, tv.timecode, tv.fps) == (None, None, None)
    # A key that must have a value: said at its line, not taken as the default unsaid.
    assert errors_of(campaign, ONE_SPOT + "qc: {max_lines: null}\n") == [
        f"{campaign.manifest}:6: error: qc.max_lines cannot be null: give a value, or leave the "
        "key out for the default"]


def test_unknown_profile_and_field(campaign):
    text = GOOD.replace("profiles: [web, proxy]", "profiles:\n      web: {speed: 3}\n      custom: {width: 3}")
    found = errors_of(campaign, text)
    assert any(":19: error: unknown key 'speed' in profile web" in f for f in found)
    assert any(":20: error: profile 'custom' is not built in and names no base" in f for f in found)


# An operator's slips in YAML, each at the line to fix and with its fix (a media team's trial
# read PyYAML's words alone: "expected <block end>, but found '<block mapping start>'").
YAML_SLIPS = [
    ("campaign: x\nspots:\n  - id: a\n\tmaster: a.mp4\n", 4,
     "invalid YAML: a tab: YAML indents with spaces only (hint: replace the tab with spaces)"),
    ("campaign: x\nspots:\n  - id: a\n    title: A\n   master: a.mp4\n", 5,
     "invalid YAML: this line is not in step with the lines above it (its column 4) (hint: "
     "start each key of a mapping, and each '- ' of a list, in the same column as the others "
     "of it)"),
    ("campaign: x\nspots:\n  - id: a\n    master: a.mp4\n      music_bed: b.wav\n", 5,
     "invalid YAML: a ': ' where no key can start: this line is indented more than the key "
     "above it, or a value holds ': ' unquoted (hint: line the key up with the keys above it, "
     "or put the value in quotes)"),
    # Noticed at the next key, two lines on; said where the key starts.
    ("campaign: x\noutput_dir:../build\n\ntitle: T\n", 2,
     "invalid YAML: a key without ': ' after it (a colon, then a space) (hint: write 'key: "
     "value', with a space after the colon)"),
    ("languages:\n  - {code: tzo, name: Batsʼi kʼop: tsotsil, treatment: soft}\n", 2,
     "invalid YAML: a ':' or '{' inside a value of a list or mapping written in brackets (hint: "
     "put the value in quotes: name: \"...\")"),
    # A '[' left open: the next line's key read as its item (a review's: "a ':' inside").
    ("campaign: x\nlanguages: [nah, tzo\nspots: []\n", 2,
     "invalid YAML: a '[' or '{' opened on this line is never closed (hint: close it on the "
     "line it opens)"),
    ("campaign: x\ntitle: \"Alerta\" 20\n", 2,
     "invalid YAML: text where none can go: after a value's closing quote, or on a line without "
     "'key: ' (hint: put the whole value in the quotes, or write 'key: value')"),
    ("campaign: x\ntitle: \"Alerta\nspots: []\n", 2,
     "invalid YAML: a quote, '[' or '{' opened on this line is never closed (hint: close it on "
     "the line it opens)"),
    # Left open on the last line: said there, not on the line after it (an operations trial's).
    ("campaign: [\n\n", 1,
     "invalid YAML: a quote, '[' or '{' opened on this line is never closed (hint: close it on "
     "the line it opens)"),
    ("campaign: x\ntitle: \"C:\\Spots\\nuevo\"\n", 2,
     "invalid YAML: a backslash in a value in double quotes, which YAML reads as an escape "
     "(hint: write the value in single quotes, or the backslash twice)"),
    ("campaign: *x\n", 1,
     "invalid YAML: found undefined alias 'x' (hint: check the indentation (spaces only, each "
     "key of a mapping and each '- ' of a list in the column of the others) and put in quotes "
     "a value that holds ': ', ' #', '{' or '[')"),
]


@pytest.mark.parametrize("text, line, said", YAML_SLIPS)
def test_a_yaml_slip_is_said_at_its_line_with_its_fix(campaign, text, line, said):
    with pytest.raises(ManifestError) as caught:
        load_manifest(campaign.write_text(text))
    assert caught.value.diagnostics[0].format() == f"{campaign.manifest}:{line}: error: {said}"


def test_a_yaml_slip_is_said_in_spanish(campaign):
    from pipeline.publish.wording import localised
    with pytest.raises(ManifestError) as caught:
        load_manifest(campaign.write_text("campaign: x\nspots:\n  - id: a\n\tmaster: a.mp4\n"))
    found = caught.value.diagnostics[0]
    assert localised(found.detail.to_json(), "es") == ("YAML no válido: un tabulador: YAML "
                                                       "sangra solo con espacios")
    assert localised(found.hint_detail.to_json(), "es") == "cambie el tabulador por espacios"


def test_yaml_syntax_error_names_the_line(campaign):
    with pytest.raises(ManifestError) as caught:
        load_manifest(campaign.write_text("campaign: x\nspots: [\n  - a\n"))
    assert caught.value.line is not None
    assert "invalid YAML" in caught.value.message


def test_python_tags_are_not_constructed(campaign):
    with pytest.raises(ValidationError):
        load_manifest(campaign.write_text("campaign: !!python/object/apply:os.system ['true']\n"))


# --- where a language's subtitle file is ---------------------------------------------------------

def test_a_languages_file_may_be_any_subtitle_format_in_any_case_of_suffix(campaign):
    manifest = load_manifest(campaign.write_text(GOOD))
    spot, nah = manifest.spots[0], manifest.languages[0]
    path = campaign.subtitle("nah", "WEBVTT\n", suffix=".VTT")
    assert manifest.subtitle_files(spot, nah) == [path]
    assert manifest.subtitle_path(spot, nah) == path


def test_two_files_for_one_language_are_an_error_naming_both(campaign):
    manifest = load_manifest(campaign.write_text(GOOD))
    srt = campaign.subtitle("nah")
    ttml = campaign.subtitle("nah", "<tt/>", suffix=".ttml")
    with pytest.raises(SubtitleError) as caught:
        manifest.subtitle_path(manifest.spots[0], manifest.languages[0])
    problem = caught.value
    assert (problem.path, problem.line) == (campaign.manifest, 10)
    assert f"language 'nah' has 2 subtitle files for spot 'spot': {srt}, {ttml}" in problem.message
    assert "keep only the one" in problem.hint


def test_a_missing_file_names_what_is_there_for_the_language(campaign):
    manifest = load_manifest(campaign.write_text(GOOD))
    spot, nah = manifest.spots[0], manifest.languages[0]
    with pytest.raises(SubtitleError, match="there is no file for 'nah' in "):
        manifest.subtitle_path(spot, nah)
    # As Notepad saves it: a BOM and CRLF line ends (a trial's file went unrecognised).
    campaign.subtitle("nah", "\ufeff" + SRT.replace("\n", "\r\n"), suffix=".srt.txt")
    campaign.subtitle("nah", "{1}{25}MicroDVD\n", suffix=".sub")
    campaign.subtitle("nah", b"PK\x03\x04", suffix=".docx")
    campaign.subtitle("nahu", suffix=".srt")          # another code: not listed
    with pytest.raises(SubtitleError) as caught:
        manifest.subtitle_path(spot, nah)
    message = caught.value.message
    assert message.startswith("subtitles missing for language 'nah' (burn): expected "
                              f"{campaign.root / 'subtitles/spot/nah.srt'} (or .vtt, .ass, .ssa, "
                              ".ttml, .xml, .dfxp); the folder has nah.srt.txt (SubRip under "
                              "another name: rename it to nah.srt), nah.sub (a MicroDVD file "
                              "(times counted in frames), a format not read here), nah.docx (not "
                              "a subtitle format read here)"), message
    assert caught.value.hint == "rename the file as said"


def test_encoder_settings_ffmpeg_would_refuse_are_errors_at_their_line(tmp_path):
    # A bogus preset passed validate, then failed at render every variant sharing its ffmpeg
    # run, the same error printed once per variant.
    manifest = tmp_path / "m.yaml"
    manifest.write_text(ONE_SPOT + textwrap.dedent("""\
        profiles:
          proxy: {preset: bogus}
          tiny:
            base: proxy
            crf: 60
            audio_bitrate: 96 kbps
            x264_profile: ultra
          note: {base: voice-note, opus_application: speech}
        """), encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        load_manifest(manifest)
    found = [(d.line, d.message) for d in caught.value.diagnostics if "profile" in d.message]
    assert found == [
        (7, "profile 'proxy': preset 'bogus' is not an x264 preset (ultrafast, superfast, "
            "veryfast, faster, fast, medium, slow, slower, veryslow, placebo)"),
        (12, "profile 'tiny': x264_profile 'ultra' is not one of baseline, main, high, high10, "
             "high422, high444"),
        (10, "profile 'tiny': crf 60 is outside x264's 0 to 51"),
        (11, "profile 'tiny': audio_bitrate '96 kbps' is not a bit rate (like 192k or 20M)"),
        (13, "profile 'note': opus_application is one of voip, audio, lowdelay, not 'speech'")]


def test_an_h264_profile_that_cannot_carry_the_picture_format_is_an_error_at_its_line(tmp_path):
    # validate passed it; x264 refused it once encoding ("baseline profile doesn't support
    # 4:4:4"), an error on the output file, not the manifest's line.
    manifest = tmp_path / "m.yaml"
    manifest.write_text(ONE_SPOT + textwrap.dedent("""\
        profiles:
          full: {base: web, x264_profile: baseline, pix_fmt: yuv444p}
          fine: {base: web, x264_profile: high422, pix_fmt: yuv422p}
        """), encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        load_manifest(manifest)
    assert [(d.line, d.message) for d in caught.value.diagnostics] == [
        (7, "profile 'full': x264_profile 'baseline' cannot carry pix_fmt 'yuv444p' (H.264 Annex "
            "A; high444 can)")]


# --- titles per page language -----------------------------------------------------------------

TITLED = GOOD.replace('    title: "Blue Heart"\n', textwrap.indent(textwrap.dedent("""\
    title:
      es: "Corazón Azul"
      en: "Blue Heart"
    """), "    ")).replace('        title: "Spot"\n', '        title: {es: "Anuncio", en: "Spot"}\n')


def test_a_title_is_given_per_page_language_or_plainly_for_every_one(campaign):
    manifest = load_manifest(campaign.write_text(TITLED))
    assert manifest.title == "Corazón Azul"                  # the default page's (Spanish)
    assert (manifest.title_in("es"), manifest.title_in("en")) == ("Corazón Azul", "Blue Heart")
    assert (manifest.spots[0].title, manifest.spots[0].title_in("en")) == ("Anuncio", "Spot")
    english = load_manifest(campaign.write_text(TITLED + "    publish: {page_language: en}\n"))
    assert english.title == "Blue Heart" and english.spots[0].title == "Spot"
    plain = load_manifest(campaign.write_text(GOOD))
    assert plain.title_in("es") == plain.title_in("en") == plain.title == "Blue Heart"
    only = load_manifest(campaign.write_text(TITLED.replace('  es: "Corazón Azul"\n', "")))
    assert only.title == only.title_in("es") == "Blue Heart"  # one language stands for both


def test_a_title_of_a_bad_shape_or_an_unknown_language_is_an_error_at_its_line(campaign):
    path = campaign.manifest
    found = errors_of(campaign, TITLED.replace('  en: "Blue Heart"', '  fr: "Coeur bleu"')
                      .replace('title: {es: "Anuncio", en: "Spot"}', "title: [Anuncio, Spot]"))
    assert f"{path}:4: error: title has an unknown language 'fr'" in found[0], found
    assert f"{path}:8: error: spot title must be text, or a mapping of a language code to " \
        "text (es, en)" in found[1], found
    found = errors_of(campaign, TITLED.replace('  en: "Blue Heart"', "  en: {a: b}"))
    assert found == [f"{path}:4: error: title.en must be a single value, not a list or mapping"]


def test_each_page_and_the_slate_show_the_title_in_their_language(campaign):
    from pipeline.publish.catalog import build_catalog
    from pipeline.publish.page import render_pages
    from pipeline.render.slate import slate_text
    from pipeline.render.variants import Variant

    manifest = load_manifest(campaign.write_text(TITLED))
    catalog = build_catalog(manifest, [])
    assert catalog["title"] == "Corazón Azul"
    assert catalog["titles"] == {"es": "Corazón Azul", "en": "Blue Heart"}
    pages = render_pages(catalog)
    assert '<h1 id="campaign-title">Corazón Azul</h1>' in pages["index.html"]
    assert '<h1 id="campaign-title">Blue Heart</h1>' in pages["index.en.html"]
    text = slate_text(Variant(manifest, manifest.spots[0], manifest.languages[0],
                              BUILTIN_PROFILES["broadcast-mxf"]))
    assert text.splitlines()[:2] == ["Corazón Azul", "Título Anuncio"], text
    english = load_manifest(campaign.write_text(TITLED + "    publish: {page_language: en}\n"))
    text = slate_text(Variant(english, english.spots[0], english.languages[0],
                              BUILTIN_PROFILES["broadcast-mxf"]))
    assert text.splitlines()[:2] == ["Blue Heart", "Title Spot"], text


# --- every numeric setting has its range, checked at its line ---------------------------------

RANGED = """\
    profiles:
      whatsapp:
        base: %s
        %s
"""


@pytest.mark.parametrize("base, setting, message", [
    # A negative cap passed validate; render then encoded twice and failed on the file's size.
    ("messaging", "max_mb_per_minute: -3", "max_mb_per_minute must be positive, not -3"),
    ("web", "loudness: -80", "loudness must be between -70 and 0 LUFS, not -80 LUFS"),
    ("web", "true_peak: 1", "true_peak must be at most 0 dBTP, not 1 dBTP"),
    ("web", "loudness_tolerance: 0", "loudness_tolerance must be positive, not 0 LU"),
    ("web", "loudness_range: -2", "loudness_range must be positive, not -2 LU"),

    ("web", "channels: 0", "channels must be between 1 and 8, not 0"),
    ("web", "max_level: 9", "max_level must be between 1 and 6.2, not 9"),
    ("web", "fps: nan", "fps must be a finite number, not nan"),
    ("web", "crf: -1", "crf must be at least 0, not -1"),
    ("web", "width: 1281", "width must be even for yuv420p, not 1281"),
    # 100000x100000 and 40000x16 passed validate.
    ("web", "width: 100000", "a 100000x1080 frame is larger than any H.264 level allows"),
    ("web", "width: 17000", "a 17000x1080 frame is larger than any H.264 level allows"),
    ("web", "audio_bitrate: 0k", "audio_bitrate must be positive, not '0k'"),
    ("broadcast", "video_bitrate: 0M", "video_bitrate must be positive, not '0M'"),
])
def test_a_profile_figure_out_of_its_range_is_an_error_at_its_line(tmp_path, base, setting,
                                                                  message):
    manifest = tmp_path / "b8.yaml"
    manifest.write_text(ONE_SPOT + textwrap.dedent(RANGED % (base, setting)), encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        load_manifest(manifest)
    found = [d.format() for d in caught.value.diagnostics]
    assert any(f.startswith(f"{manifest}:9: error: ") and message in f for f in found), found


@pytest.mark.parametrize("profile, message", [
    # ATSC A/85 writes the measure LKFS: a profile held to it is said so; one held to EBU R128,
    # or to none, in LUFS.
    ("{base: broadcast, loudness_standard: atsc-a85, loudness_tolerance: -1}",
     "loudness_tolerance must be positive, not -1 LU"),
    # Said once: the base's figure it was left at is not said to contradict the standard.
    ("{base: broadcast, loudness_standard: atsc-a85, loudness: -80}",
     "loudness must be between -70 and 0 LKFS, not -80 LKFS"),
    ("{base: broadcast, loudness: 3}", "loudness must be between -70 and 0 LUFS, not 3 LUFS"),
    ("{base: broadcast, loudness_standard: null, loudness: 3}",
     "loudness must be between -70 and 0 LUFS, not 3 LUFS"),
])
def test_a_loudness_out_of_its_range_is_said_in_the_profile_s_standard_s_unit(tmp_path, profile,
                                                                             message):
    manifest = tmp_path / "m.yaml"
    manifest.write_text(ONE_SPOT + f"profiles:\n  tv: {profile}\n", encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        load_manifest(manifest)
    found = [d.format() for d in caught.value.diagnostics]
    assert found == [f"{manifest}:7: error: {message} (profile tv)"], found


@pytest.mark.parametrize("profile, message", [
    ("{base: broadcast, loudness_standard: ebu-r128, loudness: -16}",
     "loudness -16 LUFS contradicts EBU R128 (2023) (-23 LUFS)"),
    ("{base: broadcast, loudness_standard: atsc-a85, loudness: -23}",
     "loudness -23 LKFS contradicts ATSC A/85:2013 (-24 LKFS)"),
    ("{base: broadcast, loudness_standard: atsc-a85, loudness_tolerance: 3}",
     "loudness_tolerance 3 LU contradicts ATSC A/85:2013 (2 LU)"),
    ("{base: broadcast, true_peak: -0.5}",
     "true_peak -0.5 dBTP contradicts EBU R128 (2023) (-1 dBTP), which built-in profile "
     "'broadcast' is held to"),
])
def test_a_figure_that_contradicts_the_profile_s_standard_is_said_with_its_units(tmp_path,
                                                                                 profile,
                                                                                 message):
    # Figures without units left a station to guess whether -23 was LUFS, LKFS or dB.
    manifest = tmp_path / "m.yaml"
    manifest.write_text(ONE_SPOT + f"profiles:\n  tv: {profile}\n", encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        load_manifest(manifest)
    assert [d.format() for d in caught.value.diagnostics] == [
        f"{manifest}:7: error: profile 'tv': {message} (hint: leave "
        f"{message.split()[0]} out: the standard sets it)"]


@pytest.mark.parametrize("section, message", [
    ("style: {size: 1.5}", "size must be more than 0 and at most 1, not 1.5 (style)"),
    ("style: {outline: -1}", "outline must be between 0 and 10 px, not -1 px (style)"),
    ("style: {shadow: -1.5}", "shadow must be between 0 and 10 px, not -1.5 px (style)"),
    # A trial's typo: the fit's messages then gave widths of -1999998278 px.
    ("style: {shadow: 1e9}", "shadow must be between 0 and 10 px, not 1e+09 px (style)"),
    ("style: {outline: 12}", "outline must be between 0 and 10 px, not 12 px (style)"),
    ("style: {box: {opacity: 1.5}}", "opacity must be more than 0 and at most 1, not 1.5 "
                                     "(style.box)"),
    ("style: {box: {opacity: 0}}", "opacity must be more than 0 and at most 1, not 0 (style.box)"),
    ("qc: {max_cps: 0}", "max_cps must be positive, not 0 (qc)"),
    ("qc: {max_lines: 0}", "max_lines must be at least 1, not 0 (qc)"),
    ("qc: {max_duration: 0}", "max_duration must be positive, not 0 (qc)"),
    ("qc: {duration_tolerance: -0.5}", "duration_tolerance must be at least 0, not -0.5 (qc)"),
])
def test_a_style_or_qc_figure_out_of_its_range_is_an_error_at_its_line(tmp_path, section,
                                                                      message):
    manifest = tmp_path / "m.yaml"
    manifest.write_text(ONE_SPOT + textwrap.dedent(RANGED % ("web", "crf: 20")) + section + "\n",
                        encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        load_manifest(manifest)
    assert [d.format() for d in caught.value.diagnostics] == [f"{manifest}:10: error: {message}"]


def test_a_box_is_true_false_or_its_colour_and_opacity_and_a_language_may_drop_it(campaign):
    from pipeline.manifest import Box

    manifest = load_manifest(campaign.write_text(ONE_SPOT.replace(
        "languages: [{code: nah, treatment: soft}]",
        "languages: [{code: nah, treatment: burn, style: {box: false}},\n"
        "            {code: yua, treatment: burn, style: {box: {opacity: 0.8}}},\n"
        "            {code: mix, treatment: burn, style: {box: {color: \"#202040\"}}},\n"
        "            {code: maz, treatment: burn, style: {box: false, shadow: 0.5}}]")
        + "style: {box: true}\n"))
    assert manifest.style.box == Box("#000000", 0.6) and manifest.style.shadow == 1.5
    assert [language.style.box for language in manifest.languages] == [
        None, Box("#000000", 0.8), Box("#202040", 0.6), None]
    assert manifest.languages[3].style.shadow == 0.5


@pytest.mark.parametrize("top, language", [
    ("style: {box: true, shadow: 3}\n", ""),
    ("style: {box: true}\n", ", style: {shadow: 3}"),      # the campaign's box
])
def test_a_shadow_asked_for_beside_a_box_is_an_error_at_its_line(campaign, top, language):
    # libass draws the box in the shadow's place: a trial's {box: true, shadow: 3} drew no
    # shadow, unsaid.
    path = campaign.write_text(ONE_SPOT.replace(
        "languages: [{code: nah, treatment: soft}]",
        f"languages: [{{code: nah, treatment: burn{language}}}]") + top)
    with pytest.raises(ValidationError) as caught:
        load_manifest(path)
    where = "style" if not language else "style of nah"
    line = 1 + next(n for n, text in enumerate(path.read_text().splitlines()) if "shadow" in text)
    assert [d.format() for d in caught.value.diagnostics] == [
        f"{path}:{line}: error: {where}: a shadow is not drawn with a box (the box is drawn in "
        "its place) (hint: leave out 'shadow', or give 'box: false')"]


@pytest.mark.parametrize("style, message", [
    ("{box: yes}", "style.box must be true, false or a mapping of color and opacity, got 'yes' "
                   '(hint: e.g. box: true, or box: {color: "#000000", opacity: 0.6})'),
    # A slip of a key offered as the key meant (a radio trial's 'dubb' was "not one of").
    ("{box: {colour: \"#000000\"}}", "unknown key 'colour' in style.box (hint: did you mean "
                                      "'color'? allowed keys: color, opacity)"),
    ("{box: {shade: 0.5}}", "unknown key 'shade' in style.box (hint: allowed keys: color, "
                            "opacity)"),
    ("{box: {color: black}}", "style.box.color 'black' is not a colour of the form #RRGGBB "
                              '(hint: write colours as in HTML, e.g. "#FFFFFF" for white '
                              "(quoted: YAML reads # as a comment))"),
    # Before, a colour the burn cannot read passed validate and failed the render.
    ("{color: red}", "style.color 'red' is not a colour of the form #RRGGBB (hint: write "
                     'colours as in HTML, e.g. "#FFFFFF" for white (quoted: YAML reads # as a '
                     "comment))"),
    ("{outline_color: \"#12345\"}", "style.outline_color '#12345' is not a colour of the form "
                                     '#RRGGBB (hint: write colours as in HTML, e.g. "#FFFFFF" '
                                     "for white (quoted: YAML reads # as a comment))"),
])
def test_a_box_or_colour_written_wrong_is_an_error_at_its_line(campaign, style, message):
    assert errors_of(campaign, ONE_SPOT + f"style: {style}\n") == [
        f"{campaign.manifest}:6: error: {message}"]


# --- publish.contact: whom the page says to ask -------------------------------------------------

CONTACT = ONE_SPOT + textwrap.dedent("""\
    publish:
      contact:
        name: {es: "Mesa de ayuda", en: "Help desk"}
        email: dudas@example.org
        phone: +52 55 1234 5678
        url: https://example.org/contacto
    """)


def test_a_contact_is_read_with_its_number_as_written_and_as_dialled(campaign):
    from pipeline.manifest import Contact
    from pipeline.publish.catalog import build_catalog

    manifest = load_manifest(campaign.write_text(CONTACT))
    assert manifest.contact == Contact(
        "Mesa de ayuda", (("es", "Mesa de ayuda"), ("en", "Help desk")), "dudas@example.org",
        "+525512345678", "+52 55 1234 5678", None, "https://example.org/contacto")
    assert build_catalog(manifest, [])["contact"] == {
        "name": "Mesa de ayuda", "names": {"es": "Mesa de ayuda", "en": "Help desk"},
        "email": "dudas@example.org", "phone": "+525512345678",
        "phone_display": "+52 55 1234 5678", "phone_extension": None,
        "url": "https://example.org/contacto"}
    # A number alone, with an extension; written as digits it is still read as text.
    alone = load_manifest(campaign.write_text(
        ONE_SPOT + "publish: {contact: {phone: +525512345678 ext. 12}}\n")).contact
    assert (alone.name, alone.phone, alone.phone_display, alone.phone_extension) == (
        None, "+525512345678", "+52 55 1234 5678 ext. 12", "12")
    # Without the key: no contact, and the catalog as before.
    plain = load_manifest(campaign.write_text(ONE_SPOT))
    assert plain.contact is None and "contact" not in build_catalog(plain, [])


@pytest.mark.parametrize("wrong, said", [
    ("email: juan@@example.org", "publish.contact.email 'juan@@example.org' is not an email "
     "address: the part after the @-sign contains invalid characters: '@' (hint: write the "
     "address alone, as name@example.org)"),
    # A station abroad cannot dial it: said with how to write it.
    ("phone: 55 1234 5678", "publish.contact.phone '55 1234 5678' has no country code (hint: "
     "write it with + and its country code, as it is dialled from another country: "
     "+52 55 1234 5678 for a number in Mexico City)"),
    # Its code written otherwise (a trial's): said how to write it.
    ("phone: 0052 55 1234 5678", "publish.contact.phone '0052 55 1234 5678' starts with the "
     "international prefix 00 (hint: write + in its place: +52 55 1234 5678)"),
    ('phone: "tel:+52 55 1234 5678"', "publish.contact.phone 'tel:+52 55 1234 5678' is written "
     "as a link (hint: write the number alone: +52 55 1234 5678)"),
    ("phone: +52 55 1234", "publish.contact.phone '+52 55 1234' is not a valid number of "
     "country code +52: it has too few digits (hint: check its digits as it is dialled from "
     "another country, e.g. +52 55 1234 5678)"),
    # Another country's number is shown one of that country (a trial's +1 got Mexico's).
    ("phone: +1 951 123 4567", "publish.contact.phone '+1 951 123 4567' is not a valid number "
     "of country code +1 (hint: check its digits as it is dialled from another country, e.g. "
     "+1 201-555-0123)"),
    ("url: ftp://example.org/contacto", "publish.contact.url 'ftp://example.org/contacto' is "
     "not a web address (http:// or https://)"),
])
def test_a_wrong_contact_value_is_an_error_at_its_line(campaign, wrong, said):
    key = wrong.split(":")[0]
    text = re.sub(rf"(?m)^    {key}: .*$", f"    {wrong}", CONTACT)
    line = text.splitlines().index(f"    {wrong}") + 1
    (found,) = errors_of(campaign, text)
    assert found.startswith(f"{campaign.manifest}:{line}: error: {said}"), found


@pytest.mark.parametrize("contact, said", [
    ("  contact:\n", "publish.contact is empty"),
    ("  contact: {}\n", "publish.contact is empty"),
    ('  contact: {name: "Mesa de ayuda"}\n', "publish.contact has no email, phone or url: a name "
     "alone says no one how to reach them"),
])
def test_a_contact_that_reaches_no_one_is_an_error_at_its_line(campaign, contact, said):
    text = ONE_SPOT + "publish:\n" + contact
    (found,) = errors_of(campaign, text)
    assert found.startswith(f"{campaign.manifest}:{len(text.splitlines())}: error: {said} "
                            "(hint: "), found


def test_validate_says_each_wrong_contact_value_at_its_line_and_exits_1(campaign):
    from click.testing import CliRunner

    from pipeline.cli.main import cli

    text = (CONTACT.replace("dudas@example.org", "dudas@@example.org")
            .replace("+52 55 1234 5678", "55 1234 5678").replace("https:", "ftp:"))
    path = campaign.write_text(text)
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    lines = text.splitlines()
    for key in ("email", "phone", "url"):
        line = next(at for at, said in enumerate(lines, 1) if said.startswith(f"    {key}:"))
        assert f"{path}:{line}: error: publish.contact.{key} " in result.output, result.output


def test_a_manifest_saved_as_windows_1252_is_said_at_its_line_and_utf16_is_read(campaign):
    # "manifest is not UTF-8 (byte 184)": no line, no guess, where a subtitle file got both.
    text = textwrap.dedent(GOOD).replace('title: "Blue Heart"', 'title: "Corazón Azul"')
    campaign.manifest.write_bytes(text.encode("cp1252"))
    with pytest.raises(ValidationError) as caught:
        load_manifest(campaign.manifest)
    (problem,) = caught.value.diagnostics
    assert problem.line == 2 and "in Windows-1252 it would be 'ó'" in problem.message, \
        problem.format()
    assert "iconv -f WINDOWS-1252 -t UTF-8" in problem.hint
    campaign.manifest.write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
    assert load_manifest(campaign.manifest).title == "Corazón Azul"


# --- publish.related: the pages the page links to ----------------------------------------------

def test_related_campaigns_are_read_with_their_titles_from_their_catalogs(campaign):
    # A trial's station, given the video campaign's page, never learnt of the radio campaign's
    # Broadcast WAV in its language: no page linked to another.
    import json

    from pipeline.publish.catalog import build_catalog
    from pipeline.publish.page import render_pages

    manifest = load_manifest(campaign.write_text(
        ONE_SPOT + "output_dir: out\npublish: {related: [c-radio, c-tv]}\n"))
    assert manifest.related == ("c-radio", "c-tv")
    radio = manifest.output_dir / "c-radio/catalog.json"
    radio.parent.mkdir(parents=True)
    radio.write_text(json.dumps({"title": "Radio", "titles": {"es": "En la radio",
                                                             "en": "On the radio"},
                                 "variants": [{"language": "tzh", "language_name": "Bats'il k'op"},
                                              {"language": "tzh", "language_name": "Bats'il k'op"}],
                                 "also_called": {"tzh": ["tzeltal de Oxchuc"]}}))
    catalog = build_catalog(manifest, [])
    assert catalog["related"] == [
        {"campaign": "c-radio", "titles": {"es": "En la radio", "en": "On the radio"},
         "languages": [{"code": "tzh", "name": "Bats'il k'op",
                        "also_called": ["tzeltal de Oxchuc"]}]},
        {"campaign": "c-tv", "titles": None, "languages": None}]   # not rendered here: its id
    pages = render_pages(catalog)
    assert ('<p>Otros spots de esta campaña, cada uno en su página:\n'
            '<a href="../c-radio/index.html">En la radio</a> · '
            '<a href="../c-tv/index.html">c-tv</a></p>') in pages["index.html"]
    assert '<a href="../c-radio/index.html">On the radio</a>' in pages["index.en.html"]
    # What the page's search finds on each (a language's names, folded): c-tv's, not known.
    assert ('<span class="related-page" data-search="batsil kop tzh tzeltal de oxchuc tseltal '
            'tzeltal"><a href="../c-radio/index.html">En la radio</a></span><span '
            'class="related-page"><a href="../c-tv/index.html">c-tv</a></span>') in pages[
        "index.html"]
    # A catalog of another shape (an older one, one edited by hand) is named by its id.
    radio.write_text(json.dumps({"titles": ["Radio"], "variants": [{"language": "tzh"}],
                                 "also_called": {"tzh": "tzeltal"}}))
    assert build_catalog(manifest, [])["related"][0] == {"campaign": "c-radio", "titles": None,
                                                        "languages": None}
    radio.write_text(json.dumps({"title": "Radio", "also_called": {"tzh": "tzeltal"},
                                 "variants": [{"language": "tzh", "language_name": "Tseltal"}]}))
    assert build_catalog(manifest, [])["related"][0]["languages"] == [
        {"code": "tzh", "name": "Tseltal", "also_called": []}]     # not split into letters
    assert render_pages(build_catalog(manifest, []))["index.html"]
    # From a private bucket's presigned page a plain link would be refused: none.
    assert 'id="related"' not in render_pages(catalog, link=lambda name: name + "?sig")[
        "index.html"]
    # Without the key: nothing, and the catalog as before.
    assert "related" not in build_catalog(load_manifest(campaign.write_text(ONE_SPOT)), [])


def test_a_related_campaign_written_wrong_is_an_error_at_its_line(campaign):
    written = ONE_SPOT + "publish:\n  related: [c-radio, c, Bad Id, c-radio]\n"
    assert errors_of(campaign, written) == [
        f"{campaign.manifest}:7: error: publish.related names this campaign itself ('c') (hint: "
        "list the other campaigns whose pages stations should find from this one)",
        f"{campaign.manifest}:7: error: publish.related 'Bad Id' is not a valid id (hint: use "
        "lower-case letters, digits and '-', starting with a letter or digit (at most 63 "
        "characters); ids become folder names and object keys)",
        f"{campaign.manifest}:7: error: publish.related campaign 'c-radio' is listed twice (first "
        "on line 7)"]
    assert errors_of(campaign, ONE_SPOT + "publish: {related: []}\n") == [
        f"{campaign.manifest}:6: error: publish.related must be a non-empty list"]


def test_an_output_folder_on_a_read_only_disk_is_said_to_be_one(campaign, tmp_path,
                                                                monkeypatch):
    # A trial's read-only mount was said "not writable by this user ... change its
    # permissions", to a user who was root. The file system says it is mounted read-only by
    # statvfs's flag, as a read-only mount's does (mounting one needs root).
    import os

    folder = tmp_path / "ro"
    folder.mkdir()
    real = os.statvfs

    def statvfs(path):
        found = real(path)
        if os.fspath(path) != os.fspath(folder):
            return found
        return os.statvfs_result((*found[:8], found.f_flag | os.ST_RDONLY, found.f_namemax))

    monkeypatch.setattr(os, "statvfs", statvfs)
    found = errors_of(campaign, ONE_SPOT + f"output_dir: {folder / 'build'}\n")
    assert [line for line in found if "output_dir" in line] == [
        f"{campaign.manifest}:6: error: output_dir {folder / 'build'} cannot be written: "
        f"{folder} is on a read-only file system (hint: point output_dir at a folder on a "
        "writable disk, or mount it read-write)"], found


def test_a_publish_url_no_target_writes_to_is_said_by_validate_and_holds_no_render_back(
        campaign):
    # Only `publish` refused `publish.to: ftp://...`: validate and plan said nothing of it.
    with pytest.raises(InvalidManifest) as caught:
        load_manifest(campaign.write_text(ONE_SPOT + "publish:\n  to: ftp://example.org/spots\n"))
    (found,) = caught.value.diagnostics
    assert found.format() == (
        f"{campaign.manifest}:7: error: cannot publish to ftp://example.org/spots: unsupported "
        "scheme (hint: use s3://bucket/prefix for object storage or file://path for a folder)")
    assert caught.value.page_only(found)
    assert errors_of(campaign, ONE_SPOT + "publish:\n  to: s3:///spots\n") == [
        f"{campaign.manifest}:7: error: no bucket in 's3:///spots' (hint: write "
        "s3://bucket/prefix)"]
    for good in ("s3://bucket/spots", "file://../dist", "../dist"):
        assert load_manifest(campaign.write_text(ONE_SPOT + f"publish:\n  to: {good}\n"))


def test_an_output_folder_the_system_will_not_make_is_said_before_any_render(campaign):
    # As root every permission allows it, yet /proc takes no new folder: validate said
    # nothing and every render then failed with the system's words alone.
    found = errors_of(campaign, ONE_SPOT + "output_dir: /proc/no-such/build\n")
    assert [line for line in found if "output_dir" in line] == [
        f"{campaign.manifest}:6: error: output_dir /proc/no-such/build cannot be made: /proc "
        "takes no new folder (No such file or directory) (hint: point output_dir at a folder "
        "on a disk you can write to)"], found
    # Where it can be made, nothing is left of the look: no folder made, none left behind.
    assert load_manifest(campaign.write_text(ONE_SPOT + "output_dir: out/build\n"))
    assert list(campaign.manifest.parent.iterdir()) == [campaign.manifest]


# --- a language listed more than once, each entry for its own spots ---------------------------

TWO_SPOTS = """\
    campaign: c
    title: t
    source_language: spa
    spots:
      - {id: tv-15, master: spot.mp4}
      - {id: tv-30, master: spot.mp4}
      - {id: radio-20, master: radio.wav}
    languages:
"""


def test_a_language_listed_again_for_other_spots_is_two_entries_of_one_language(campaign):
    manifest = load_manifest(campaign.write_text(TWO_SPOTS + """\
          - {code: tzh, name: "Batsʼil kʼop", treatment: burn, spots: [tv-15, tv-30]}
          - {code: tzh, treatment: dub, spots: [radio-20], also_called: [tseltal]}
    """))
    first, second = manifest.languages
    assert (first.treatment, first.spots, second.treatment, second.spots) == (
        "burn", ("tv-15", "tv-30"), "dub", ("radio-20",))
    # One language, one name: given in one entry, it is every entry's.
    assert first.name == second.name == "Batsʼil kʼop"
    assert first.also_called == second.also_called == ("tseltal",)
    assert manifest.language_for("radio-20", "tzh") is second
    assert manifest.language_for("tv-30", "tzh") is first
    assert manifest.language_codes() == ("tzh",)


def test_a_language_listed_twice_without_spots_is_an_error_at_the_second_entry(campaign):
    found = errors_of(campaign, TWO_SPOTS + """\
          - {code: tzh, treatment: burn, spots: [tv-15]}
          - {code: yua, treatment: dub}
          - {code: tzh, treatment: dub}
    """)
    assert found == [f"{campaign.manifest}:11: error: language 'tzh' is listed twice (first on "
                     "line 9) (hint: to give a language one treatment on some spots and another "
                     "on others, give each of its entries a 'spots:' with different spots)"]
    # Neither entry with its spots: the same error, the same hint.
    found = errors_of(campaign, TWO_SPOTS + """\
          - code: tzh
            treatment: burn
          - code: tzh
            treatment: dub
    """)
    assert found == [f"{campaign.manifest}:11: error: language 'tzh' is listed twice (first on "
                     "line 9) (hint: to give a language one treatment on some spots and another "
                     "on others, give each of its entries a 'spots:' with different spots)"]


def test_a_spot_in_two_entries_of_a_language_is_an_error_naming_it(campaign):
    found = errors_of(campaign, TWO_SPOTS + """\
          - {code: tzh, treatment: burn, spots: [tv-15, tv-30]}
          - {code: tzh, treatment: dub, spots: [radio-20, tv-30]}
    """)
    assert found == [f"{campaign.manifest}:10: error: language 'tzh' is listed twice for spot "
                     "'tv-30' (first on line 9) (hint: a spot takes one entry of a language: "
                     "leave 'tv-30' out of the 'spots:' of one of them)"]
    found = errors_of(campaign, TWO_SPOTS + """\
          - {code: tzh, treatment: burn, spots: [tv-15, tv-30]}
          - {code: tzh, treatment: soft, spots: [tv-30, tv-15]}
    """)
    assert found == [f"{campaign.manifest}:10: error: language 'tzh' is listed twice for spots "
                     "'tv-30' and 'tv-15' (first on line 9) (hint: a spot takes one entry of a "
                     "language: leave 'tv-30' and 'tv-15' out of the 'spots:' of one of them)"]


def test_two_entries_of_a_language_with_different_names_is_an_error_at_the_second(campaign):
    found = errors_of(campaign, TWO_SPOTS + """\
          - {code: tzh, name: "Batsʼil kʼop", treatment: burn, spots: [tv-15]}
          - code: tzh
            name: "Tseltal"
            treatment: dub
            spots: [radio-20]
    """)
    assert found == [f"{campaign.manifest}:11: error: language 'tzh': name 'Tseltal' differs from "
                     "the one on line 9 ('Batsʼil kʼop') (hint: a language has one name on every "
                     "spot: give it in one of its entries, or the same in each)"]
