"""A phone's portrait video as it arrives (stored on its side, a -90 degree display matrix, full
range, 29.97 fps) in landscape and portrait profiles: the bars a landscape frame gives it said
where the user looks, with the share of the frame measured in the output's pixels; burned
subtitles sized for a portrait frame, their lines counted in the output; the preview laid out on
the portrait frame."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest
import yaml
from click.testing import CliRunner
from PIL import Image

from pipeline.cli.main import cli
from pipeline.media.geometry import Geometry, bars_warning
from pipeline.publish.cards import page_model
from pipeline.publish.page import render_page
from pipeline.profiles import BUILTIN_PROFILES, Profile
from pipeline.render.contact_sheet import sheet_size
from tests.conformmedia import portrait_phone_master
from tests.mediacheck import gray_frame, rotation, streams

W, H = 360, 640           # the phone's upright picture
WIDE = {"base": "web", "width": 640, "height": 360, "preset": "ultrafast"}
TALL = {"base": "vertical", "width": 360, "height": 640, "preset": "ultrafast"}
CHAT = {"base": "messaging", "width": 640, "height": 360, "preset": "ultrafast"}
BOX = {"base": "square", "width": 360, "height": 360, "preset": "ultrafast"}
# The trial's cue: its first line (29 characters) took two lines of the 720x1280 `messaging`
# frame at 0.05 of the height, so the cue was burned on three.
CUE = "1\n00:00:00,500 --> 00:00:01,600\n¿Sabes de alguien en peligro?\nLlama: 800 553 3000\n"
SHOWN, CLEAR = 1.0, 2.2    # seconds: the cue on screen; nothing on screen


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def phone(tmp_path_factory):
    root = tmp_path_factory.mktemp("portrait")
    (root / "media").mkdir()
    (root / "subtitles/phone").mkdir(parents=True)
    (root / "subtitles/phone/nah.srt").write_text(CUE, encoding="utf-8")
    manifest = root / "manifests/campaign.yaml"
    manifest.parent.mkdir()
    manifest.write_text(yaml.safe_dump({
        "campaign": "portrait", "title": "Phone video", "source_language": "spa",
        "spots": [{"id": "phone", "master": str(portrait_phone_master(root / "media/phone.mp4"))}],
        "languages": [{"code": "nah", "treatment": "burn"}],
        "profiles": {"wide": WIDE, "tall": TALL, "chat": CHAT, "box": BOX}}, sort_keys=False),
        encoding="utf-8")
    return manifest


@pytest.fixture(scope="module")
def rendered(phone):
    result = invoke("render", phone, "-j", "2")
    assert result.exit_code == 0, result.output
    return phone


def out(manifest, profile: str, suffix: str = "mp4"):
    return manifest.parent.parent / "build/portrait/phone" / f"phone.nah.{profile}.{suffix}"


def spot_line(manifest) -> int:
    return next(n for n, line in enumerate(manifest.read_text().splitlines(), 1)
                if "id: phone" in line)


# --- the bars -------------------------------------------------------------------------------

@pytest.mark.e2e
def test_validate_says_how_little_of_a_landscape_frame_a_portrait_picture_fills(phone):
    # A trial's phone video went into `web` as a frame 70 % black, and nothing said so.
    result = invoke("validate", phone)
    assert result.exit_code == 0, result.output
    said = [line for line in result.output.splitlines() if "picture fills" in line]
    assert said == [
        f"{phone}:{spot_line(phone)}: warning: spot phone, profile 'wide': the 360x640 portrait "
        "picture fills 32 % of the 640x360 frame, pillarboxed (hint: the manifest's 'vertical' "
        "variants are made for this picture: its 1080x1920 frame holds it whole)"], result.output


@pytest.mark.e2e
def test_the_bars_of_one_frame_are_said_once_naming_its_profiles(phone, tmp_path):
    # A trial's phone video in web, broadcast and broadcast-mxf (one 1920x1080 frame) was said
    # three times a spot, once a profile, and on each of the three files of its card.
    text = phone.read_text().replace("profiles:\n", "profiles:\n  site:\n    base: web\n"
                                     "    width: 640\n    height: 360\n", 1)
    manifest = phone.parent / "site.yaml"
    manifest.write_text(text, encoding="utf-8")
    result = invoke("validate", manifest)
    said = [line for line in result.output.splitlines() if "picture fills" in line]
    assert len(said) == 1 and ": warning: spot phone, profiles 'site' and 'wide': the 360x640 " \
        "portrait picture fills 32 % of the 640x360 frame" in said[0], result.output
    # 'chat' turns its frame for the phone's picture: no bars, not named.
    assert "'chat'" not in said[0]


@pytest.mark.e2e
def test_the_stated_fill_is_the_picture_s_share_of_the_rendered_frame(rendered):
    wide = out(rendered, "wide")
    video = next(s for s in streams(wide) if s["codec_type"] == "video")
    assert (video["width"], video["height"]) == (640, 360) and rotation(wide) == 0
    frame = gray_frame(wide, SHOWN, 640, 360)
    # Columns of picture: grey (Y' ~128) above the subtitles' rows; the bars are black.
    columns = [x for x in range(640) if max(frame[y * 640 + x] for y in range(150)) > 60]
    left, right = columns[0], columns[-1]
    assert right - left + 1 == len(columns)                  # one block of picture
    assert abs((right - left + 1) - 202) <= 2, (left, right)  # 360x640 scaled to 360 lines
    assert abs(left - 219) <= 2 and abs((639 - right) - 219) <= 2, (left, right)
    # The marker, top-left of the upright picture: the phone's video stands the right way up.
    assert min(frame[y * 640 + x] for y in range(14, 30) for x in range(left + 14, left + 30)) > 200
    record = json.loads(out(rendered, "wide", "json").read_text())
    (bars,) = [w for w in record["qc"]["warnings"] if w["code"] == "bars"]
    stated = bars["detail"]["params"]["fill"]["number"]
    measured = 100 * (right - left + 1) / 640
    assert abs(stated - measured) < 1, (stated, measured)
    assert "fills 32 % of the 640x360 frame, pillarboxed" in bars["message"]
    assert record["settings"]["bars"] == {"kind": "pillarbox", "fill": 0.316}


@pytest.mark.e2e
def test_only_the_landscape_variant_carries_the_bars_warning_to_the_catalog(rendered):
    catalog = json.loads((rendered.parent.parent / "build/portrait/catalog.json").read_text())
    codes = {v["profile"]: v["warning_codes"] for v in catalog["variants"]}
    assert "bars" in codes["wide"]
    assert "bars" not in codes["tall"] and "bars" not in codes["chat"]
    (wide,) = [v for v in catalog["variants"] if v["profile"] == "wide"]
    (detail,) = [d for d, code in zip(wide["warning_details"], wide["warning_codes"])
                 if code == "bars"]
    assert detail["params"]["shape"] == {"template": "portrait", "params": {}}
    # The portrait frames are filled: no bars in their pixels.
    for profile in ("tall", "chat"):
        frame = gray_frame(out(rendered, profile), CLEAR, W, H)
        assert min(frame[y * W + x] for y in range(0, H, 8) for x in (0, W - 1)) > 60, profile


@pytest.mark.e2e
def test_a_square_file_s_crop_is_said_and_the_card_plays_the_whole_picture(rendered):
    # A trial's portrait spot played its square file on the page, the top and bottom of every
    # shot cut, beside the vertical one showing it whole.
    catalog = json.loads((rendered.parent.parent / "build/portrait/catalog.json").read_text())
    shown = {v["profile"]: v.get("picture_shown") for v in catalog["variants"]}
    assert shown == {"wide": None, "tall": None, "chat": None, "box": 0.562}, shown
    # Measured on the pixels: the marker at the top of the upright picture is in the tall
    # file's frame, and cut from the square one's, which shows its middle 360 of 640 rows.
    tall, box = gray_frame(out(rendered, "tall"), CLEAR, W, H), \
        gray_frame(out(rendered, "box"), CLEAR, W, W)
    assert min(tall[y * W + x] for y in range(14, 30) for x in range(14, 30)) > 200
    assert max(box[y * W + x] for y in range(14, 30) for x in range(14, 30)) < 200
    (card,) = page_model(catalog)[0].cards
    assert card.video.variant["profile"] == "tall"
    page = render_page(catalog, "es")
    assert page.count("recortado: se ve el 56 % de la imagen del máster") == 1, page


def test_the_bars_warning_says_the_fill_of_each_shape_and_which_profile_fits_it(monkeypatch):
    web, vertical = BUILTIN_PROFILES["web"], BUILTIN_PROFILES["vertical"]
    landscape, square = Geometry(1920, 1080), Geometry(1080, 1080)
    found = bars_warning(landscape, vertical, "s", "m.yaml", 3)
    assert "the 1920x1080 landscape picture fills 32 % of the 1080x1920 frame, letterboxed" \
        in found.message and "'fit: crop' (it keeps the centre 32 % of" in found.hint
    found = bars_warning(square, web, "s", "m.yaml", 3)
    assert "fills 56 % of the 1920x1080 frame, pillarboxed" in found.message
    assert found.hint.startswith("add the 'square' profile")
    # Each hint is said in Spanish too (a trial's Spanish terminal read "(sugerencia: a portrait
    # frame needs a picture framed for it: ...)").
    from pipeline.cli import language

    landscape_in_portrait = bars_warning(landscape, vertical, "s", "m.yaml", 3)
    square_in_web = bars_warning(square, web, "s", "m.yaml", 3)
    portrait_in_web = bars_warning(Geometry(1080, 1920), web, "s", "m.yaml", 3, ["web"])
    assert portrait_in_web.hint == ("add the 'vertical' profile to the manifest's profiles: a "
                                    "portrait picture fills its 1080x1920 frame ('messaging' "
                                    "turns its frame for one too)")
    monkeypatch.setattr(language, "terminal_language", lambda: "es")
    said = [language.diagnostic_line(d)
            for d in (landscape_in_portrait, square_in_web, portrait_in_web)]
    assert "(sugerencia: una salida vertical necesita una imagen encuadrada para ella: edite " \
        "esa versión del spot como un spot aparte, o dele al perfil 'fit: crop' (conserva el " \
        "32 % central del ancho de la imagen))" in said[0], said[0]
    assert "(sugerencia: agregue el perfil 'square' a los perfiles del manifiesto: una imagen " \
        "cuadrada llena su cuadro de 1080x1080)" in said[1], said[1]
    assert "(sugerencia: agregue el perfil 'vertical' a los perfiles del manifiesto: una imagen " \
        "vertical llena su cuadro de 1080x1920 ('messaging' también pone su cuadro en vertical " \
        "para una imagen así))" in said[2], said[2]
    # An anamorphic 4:3 SD picture pillarboxed in 16:9 covers 75 %: the bars viewers know.
    assert bars_warning(Geometry(720, 576, Fraction(16, 15)), web, "s", "m.yaml", 3) is None
    assert bars_warning(Geometry(1080, 1920), BUILTIN_PROFILES["square"], "s", "m", 3) is None
    assert bars_warning(Geometry(1080, 1920), Profile("p", 1920, 1080, medium="audio"), "s",
                        "m", 3) is None


# --- subtitles on a portrait frame ----------------------------------------------------------

def text_rows(shown: bytes, clear: bytes, width: int, height: int) -> list[tuple[int, int]]:
    """The bands of rows where the burned text is: rows where the frame with the cue differs
    from the frame without it, runs closer than 3 rows joined."""
    rows = [y for y in range(height) if sum(abs(shown[y * width + x] - clear[y * width + x]) > 80
                                            for x in range(width)) > 2]
    bands: list[list[int]] = []
    for y in rows:
        if bands and y - bands[-1][1] <= 3:
            bands[-1][1] = y
        else:
            bands.append([y, y])
    return [tuple(band) for band in bands]


@pytest.mark.e2e
@pytest.mark.parametrize("profile", ["tall", "chat"])
def test_a_normal_line_is_burned_on_one_line_of_a_portrait_frame(rendered, profile):
    variant = out(rendered, profile)
    video = next(s for s in streams(variant) if s["codec_type"] == "video")
    assert (video["width"], video["height"]) == (W, H)       # `chat` turned for the phone video
    bands = text_rows(gray_frame(variant, SHOWN, W, H), gray_frame(variant, CLEAR, W, H), W, H)
    # Two lines as written: at 0.05 of the height (a 32 px em) the 29-character line took two.
    assert len(bands) == 2, bands
    # Each line about the em of 0.05 of the width, 18 px (ascenders to descenders: ~1.3 em).
    assert all(bottom - top + 1 <= 28 for top, bottom in bands), bands
    # Clear of the bottom 35 % and the top 14 %, where Reels and TikTok lay their caption and
    # buttons (a media team's trial's text was 105 px from the bottom of 1920).
    assert 0.14 * H <= bands[0][0] and bands[-1][1] < 0.65 * H, bands
    record = json.loads(out(rendered, profile, "json").read_text())
    assert not [w for w in record["qc"]["warnings"] if w["code"] == "fit"], record["qc"]
    assert record["settings"]["em_of"] == "width"
    assert record["settings"]["clear_rows"] == [0.14, 0.35]


@pytest.mark.e2e
def test_a_landscape_frame_s_subtitles_keep_their_size(rendered):
    wide = out(rendered, "wide")
    bands = text_rows(gray_frame(wide, SHOWN, 640, 360), gray_frame(wide, CLEAR, 640, 360),
                      640, 360)
    assert len(bands) == 2, bands
    record = json.loads(out(rendered, "wide", "json").read_text())
    assert "em_of" not in record["settings"]


# --- the preview ----------------------------------------------------------------------------

@pytest.mark.e2e
def test_preview_lays_a_portrait_master_s_subtitles_out_on_the_portrait_frame(phone):
    # The trial's preview showed the landscape frame only: the translator never saw the cue
    # burned on three lines of `messaging`.
    result = invoke("preview", phone, "--lang", "nah", "--no-video")
    assert result.exit_code == 0, result.output
    assert "frame:         360x640 of profile 'tall' (--profile NAME for another)" in result.stdout
    sheet = Image.open(phone.parent.parent / "build/portrait/phone/phone.nah.preview.png")
    assert sheet.size == sheet_size(Profile("tall", W, H), 1)
    # --profile chat: the messaging frame turned for the phone video, as its variant is.
    result = invoke("preview", phone, "--lang", "nah", "--no-video", "--profile", "chat")
    assert result.exit_code == 0, result.output
    assert "frame:         360x640 of profile 'chat'" in result.stdout
    assert "(--profile NAME" not in result.stdout
