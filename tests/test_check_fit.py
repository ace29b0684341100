"""`pipeline check --manifest` of a burned subtitle file, run as subtitlers run it (the real
script on a terminal): the title-safe fit on every frame the spot's variants burn it into.

A trial's phone spot (a portrait master; `web`, `proxy` and `messaging`): check --manifest
fitted its Hñähñu file on 1920x1080 alone and said "0 errors", while validate blocked the
language, a cue burned on 6 lines of the 720x1280 frame `messaging` takes for a portrait master
(its em is the frame's width). Check's lines are compared with validate's own for the file.
"""

from __future__ import annotations

import shutil
import textwrap

import pytest

from tests import terminal as tty
from tests.conformmedia import portrait_phone_master
from tests.conftest import Campaign

MANIFEST = "manifests/campaign.yaml"

# A pasted paragraph: three lines that fit a 1920x1080 frame as written (28 ems of the 31 it
# holds), which take five lines of a 720x1280 one (17.8 ems), over twice the 2 allowed.
PASTED = """\
    1
    00:00:00,200 --> 00:00:02,800
    Ngu'bu̱ ya jä'i hinda ja ya t'ot'e ngu ya ntsa̱di, ha̱ ya mbo̱ni
    ma hñä ma hmunts'i, ngu'bu̱ ya jä'i hinda ja ya t'ot'e ngu ya
    ntsa̱di, ha̱ ya mbo̱ni ma hñä ma hmunts'i ngu'bu̱ ya jä'i hinda
    """

SHORT = """\
    1
    00:00:00,200 --> 00:00:01,400
    Ngu'bu̱ ya jä'i

    2
    00:00:01,600 --> 00:00:02,800
    hinda ja ya t'ot'e
    """

FIT_WORDS = ("title-safe", "would be burned on", "cannot fit the frame")


@pytest.fixture(scope="module")
def phone_master(tmp_path_factory):
    """A phone's portrait video as phones store it (on its side, a display matrix)."""
    return portrait_phone_master(tmp_path_factory.mktemp("phone") / "phone.mp4")


@pytest.fixture
def phone(campaign: Campaign, phone_master) -> Campaign:
    shutil.copy(phone_master, campaign.root / "media/spot.mp4")
    campaign.write([{"code": "nah", "treatment": "burn"},
                    {"code": "ote", "treatment": "burn", "style": {"box": True}},
                    {"code": "tzo", "treatment": "soft"}], profiles=["web", "messaging"])
    return campaign


def run(campaign: Campaign, *args) -> tty.TerminalRun:
    """`pipeline ARGS` in the campaign's folder, as a subtitler types it."""
    return tty.typed(campaign.root, *args)


said = tty.said


def subtitle(campaign: Campaign, code: str, text: str) -> str:
    """The file written where the campaign reads it; its path as typed in the campaign."""
    path = campaign.subtitle(code, textwrap.dedent(text))
    return str(path.relative_to(campaign.root))


def checked_as_validate_checks(campaign: Campaign, path: str) -> tuple[tty.TerminalRun, list]:
    """check --manifest of `path`: its run, and its lines (the summary left out), asserted the
    same as validate's lines of that file."""
    validate = said(run(campaign, "validate", MANIFEST))
    check = run(campaign, "check", path, "--manifest", MANIFEST)
    *lines, _ = said(check)
    assert lines == [line for line in validate if line.startswith(f"{path}:")], \
        (check.describe(), validate)
    return check, lines


@pytest.mark.parametrize("code", ["nah", "ote"])
def test_a_cue_the_portrait_frame_cannot_hold_is_validate_s_error_in_check(phone, code):
    # ote's box takes width on every frame, as the outline and shadow do on nah's.
    path = subtitle(phone, code, PASTED)
    check, lines = checked_as_validate_checks(phone, path)
    assert check.status == 1, check.describe()
    blocked = [line for line in lines if ": error: " in line]
    assert len(blocked) == 1 and blocked[0].startswith(
        f"{path}:1: error: cue 1 would be burned on "), lines
    assert blocked[0].startswith(
        f"{path}:1: error: cue 1 would be burned on more than twice the 2 lines a cue may take "
        "(qc: max_lines), over the picture (a pasted paragraph?): "), blocked[0]
    assert ' lines at 0.05 of the width in "Noto Sans" on a 720x1280 frame (hint: ' in blocked[0]
    # The web frame holds it as written: nothing is said of it there.
    assert not any("1920x1080" in line for line in lines), lines
    warnings = len(lines) - 1
    assert said(check)[-1] == (f"{path}: 1 cue, 1 error, "
                               f"{warnings} warning{'s' * (warnings != 1)}"), check.describe()
    # Without the manifest, check is as it was: on a 1920x1080 frame, where it fits.
    alone = run(phone, "check", path, "--duration", "3")
    assert alone.status == 0, alone.describe()
    assert not any(word in alone.text for word in FIT_WORDS), alone.describe()


def test_a_file_that_fits_every_frame_has_no_fit_problem(phone):
    path = subtitle(phone, "nah", SHORT)
    check, lines = checked_as_validate_checks(phone, path)
    assert check.status == 0, check.describe()
    assert not any(word in line for line in lines for word in FIT_WORDS), lines
    assert said(check)[-1].startswith(f"{path}: 2 cues, 0 errors, "), check.describe()


def test_a_soft_language_s_file_is_fitted_on_the_frames_that_burn_it_only(phone):
    # Its web file carries a track its player draws; its messaging file has it burned (no
    # messaging app shows a track), on the 720x1280 frame of the phone's spot.
    path = subtitle(phone, "tzo", PASTED)
    check, lines = checked_as_validate_checks(phone, path)
    assert check.status == 1, check.describe()
    blocked = [line for line in lines if ": error: " in line]
    assert len(blocked) == 1 and blocked[0].startswith(
        f"{path}:1: error: cue 1 would be burned on more than twice"), lines
    assert "on a 720x1280 frame" in blocked[0], blocked[0]
    assert not any("1920x1080" in line for line in lines), lines


def test_a_soft_language_kept_a_track_everywhere_is_not_fitted(phone):
    # Nothing of it is burned: its subtitles reach viewers as a track and sidecar files.
    phone.write([{"code": "tzo", "treatment": "soft"}],
                profiles={"web": {"crf": 20}, "messaging": {"soft_subtitles": "track"}})
    path = subtitle(phone, "tzo", PASTED)
    check, lines = checked_as_validate_checks(phone, path)
    assert check.status == 0, check.describe()
    assert not any(word in line for line in lines for word in FIT_WORDS), lines
    # Asked to check it as burned (`--font`), it is fitted on every frame of the campaign.
    burned = run(phone, "check", path, "--manifest", MANIFEST, "--font", "Noto Sans")
    assert burned.status == 1, burned.describe()
    assert "cue 1 would be burned on more than twice" in burned.text, burned.describe()
    assert "on a 720x1280 frame" in burned.text, burned.describe()


def test_a_file_with_a_reading_error_is_fitted_on_the_turned_frame_too(phone):
    # validate fits a file its reading errors block on the frames of its variants, said in the
    # same run: it took them as the manifest writes them, messaging 1280x720 for the phone's
    # spot, and the cue burned on 5 lines of 720x1280 was said only once the times were fixed.
    path = subtitle(phone, "nah", PASTED + """
    2
    00:00:02,900 --> 00:00:02,850
    al revés
    """)
    check, lines = checked_as_validate_checks(phone, path)
    assert check.status == 1, check.describe()
    assert any(line.startswith(f"{path}:7: error: cue 2 ends before it starts") for line in lines)
    assert any(line.startswith(f"{path}:1: error: cue 1 would be burned on ")
               and line.endswith("on a 720x1280 frame (hint: split it into cues of one or two "
                                 "lines each, timed with the speech)")
               for line in lines), lines


# A trial's pasted paragraph: one cue of 300 characters, five lines of either landscape frame.
PARAGRAPH = """\
    1
    00:00:00,200 --> 00:00:03,800
    Los seres humanos no están a la venta. La trata de personas es un delito que afecta a millones de mujeres, niñas, niños y hombres en todo el mundo; si sabes de un caso o necesitas ayuda, llama a la línea nacional contra la trata, gratuita y confidencial, las 24 horas del día, todos los días del año.
    """


def test_a_cue_no_frame_holds_is_one_error_naming_every_frame(campaign):
    # Checked on the demo's web and proxy frames, check and validate gave the same error twice,
    # once a frame, and watch (which prints check's) too.
    campaign.write([{"code": "nah", "treatment": "burn"}], profiles=["web", "proxy"])
    path = subtitle(campaign, "nah", PARAGRAPH)
    check, lines = checked_as_validate_checks(campaign, path)
    assert check.status == 1, check.describe()
    (blocked,) = [line for line in lines if ": error: " in line]
    assert blocked == (
        f"{path}:1: error: cue 1 would be burned on more than twice the 2 lines a cue may take "
        "(qc: max_lines), over the picture (a pasted paragraph?): 5 lines at 0.05 of the height "
        'in "Noto Sans" on a 1920x1080 frame; 5 lines at 0.05 of the height in "Noto Sans" on a '
        "640x360 frame (hint: split it into cues of one or two lines each, timed with the "
        "speech)")
    assert said(check)[-1] == f"{path}: 1 cue, 1 error, 2 warnings", check.describe()


def test_a_word_that_would_shrink_its_cue_past_half_is_an_error_a_little_is_a_warning(campaign):
    # A pasted 520-letter "word" was burned 3 px high and the render exited 0 with a warning.
    campaign.write([{"code": "nah", "treatment": "burn"}], profiles=["web"])
    path = subtitle(campaign, "nah", f"""\
        1
        00:00:00,200 --> 00:00:01,400
        {"Nemaktilistlahtolnamakaltikpakayotl" * 2}

        2
        00:00:01,600 --> 00:00:02,800
        {"Tlamatiliztli" * 40}
        """)
    check, lines = checked_as_validate_checks(campaign, path)
    assert check.status == 1, check.describe()
    shrunk = [line for line in lines if "the whole cue" in line]
    assert shrunk[0].startswith(f"{path}:1: warning: cue 1: the word "), lines
    assert shrunk[0].endswith("the whole cue will be drawn smaller (hint: hyphenate or shorten "
                              "the word)"), shrunk
    assert shrunk[1].startswith(f"{path}:5: error: cue 2: the word 'TlamatiliztliTlamatiliztli"
                                "TlamatiliztliT…' is "), shrunk
    share = int(shrunk[1].split("drawn at ")[1].split(" %")[0])
    assert 10 <= share < 50, shrunk[1]
    render = run(campaign, "render", MANIFEST)
    assert render.status == 1 and "1 blocked" in render.text, render.describe()
    assert not list((campaign.root / "build").rglob("*.nah.web.mp4"))
