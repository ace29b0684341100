"""QC warnings said in the page's language: every template a check writes has its Spanish, with
the same placeholders; a real render's warnings read in Spanish on the Spanish page, with the
locale's figures, and stay as they were in English (terminal, record, catalog, English page)."""

from __future__ import annotations

import ast
import json
import re
from html import unescape
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from pipeline.messages import N_, N_plural, Items, Number, say, say_count
from pipeline.publish.i18n import LOCALE_DIR
from pipeline.publish.wording import localised
from pipeline.subtitles.model import line_list
from tests.conftest import ffmpeg
from tests.test_radio import invoke

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"%\((\w+)\)s")

# Warnings only the terminal shows (plan-time, clean, publish): they never reach a record.
TERMINAL_ONLY = {
    ("pipeline/render/strays.py", "stray_warning"),
    ("pipeline/render/unused_inputs.py", "not_used"),        # validate, plan, render, check
    ("pipeline/render/intermediates.py", "unused_warning"),
    ("pipeline/render/intermediates.py", "unjudged_warning"),
    ("pipeline/render/master_fit.py", "_note_deinterlaced"),  # said once a spot and profile
    ("pipeline/render/master_fit.py", "_note_pre_roll"),     # said once a spot
    ("pipeline/render/master_fit.py", "_note_whole_rate"),   # said once a spot and profile
    ("pipeline/render/master_fit.py", "_note_rate_converted"),   # once a spot and profile
    ("pipeline/subtitles/off_grid.py", None),              # check, watch, preview
    ("pipeline/subtitles/qc.py", "late_start"),            # check without the video's length
    ("pipeline/subtitles/in_campaign.py", None),           # check --manifest, watch
    ("pipeline/render/recording_check.py", None),          # check of a recording
    ("pipeline/publish/freshness.py", None),
    ("pipeline/publish/upload.py", None),
    ("pipeline/publish/withdrawn.py", None),               # publish: objects left at the target
    ("pipeline/publish/reach.py", None),                   # publish: the page, its links
    ("pipeline/publish/i18n.py", "unnamed_languages"),     # validate and plan, on the manifest
    ("pipeline/publish/i18n.py", "misnamed_languages"),    # the same
    ("pipeline/render/settling.py", "warnings"),           # watch, of a file still copying
    ("pipeline/render/sound_input.py", "misnamed"),        # an input's name: validate, render
    ("pipeline/render/record.py", "limited_once"),         # the terminal's: records keep their own
}


def _text(node: ast.expr) -> str | None:
    """A string literal, or literals joined by implicit concatenation (one Constant to ast)."""
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def marked_templates() -> dict[tuple[str, ...], str]:
    """{(msgid,) or (msgid, msgid_plural): where} of every `N_` and `N_plural` in pipeline/."""
    found = {}
    for path in sorted((ROOT / "pipeline").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("N_", "N_plural"):
                texts = tuple(_text(arg) for arg in node.args)
                if texts and None not in texts:
                    found[texts] = f"{path.relative_to(ROOT)}:{node.lineno}"
    return found


def spanish() -> dict:
    with open(LOCALE_DIR / "es" / "LC_MESSAGES" / "page.po", "rb") as handle:
        catalog = read_po(handle, locale="es")
    return {message.id if isinstance(message.id, tuple) else (message.id,): message
            for message in catalog if message.id}


def test_every_template_has_spanish_with_the_same_placeholders():
    templates = {key: where for key, where in marked_templates().items()
                 if any(PLACEHOLDER.search(text) for text in key)}
    assert len(templates) > 40      # the warnings' templates, not only the page's labels
    assert ("the cue at line %(lines)s", "the cues at lines %(lines)s") in templates
    catalog, problems = spanish(), {}
    for key, where in templates.items():
        message = catalog.get(key)
        strings = () if message is None else (
            message.string if isinstance(message.string, tuple) else (message.string,))
        if not strings or not all(strings) or (message and message.fuzzy):
            problems[key[0]] = f"{where}: no Spanish (make translations, then page.po)"
            continue
        wanted = set(PLACEHOLDER.findall(key[-1]))
        for form, string in enumerate(strings):
            found = set(PLACEHOLDER.findall(string))
            # The form said of one may leave the count out, as its English does ("in one block").
            fits = (set(PLACEHOLDER.findall(key[0])) <= found <= wanted if form == 0 and len(key) > 1
                    else found == wanted)
            if not fits:
                problems[key[0]] = f"{where}: placeholders {sorted(wanted)} in {string!r}"
    assert problems == {}


def test_every_warning_a_record_keeps_is_a_template_with_parameters():
    """A warning written as an f-string or plain text could only be shown in English."""
    plain = []
    for path in sorted((ROOT / "pipeline").rglob("*.py")):
        relative = str(path.relative_to(ROOT))
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef) or (relative, None) in TERMINAL_ONLY \
                    or (relative, function.name) in TERMINAL_ONLY:
                continue
            name = function.name
            for node in ast.walk(function):
                if isinstance(node, ast.Call) and node.args and \
                        (getattr(node.func, "id", None) == "warning"
                         or getattr(node.func, "attr", None) == "warn") and \
                        isinstance(node.args[0], (ast.JoinedStr, ast.Constant, ast.BinOp)):
                    plain.append(f"{relative}:{node.lineno} ({name})")
    assert sorted(set(plain)) == []


def test_figures_lists_and_plurals_are_said_as_the_locale_writes_them():
    lines = line_list([3, 7, 9], cues=True)
    assert str(lines) == "the cues at lines 3, 7, 9"                     # English as ever
    assert localised(lines.to_json(), "es") == "los subtítulos de las líneas 3, 7 y 9"
    many = line_list(list(range(1, 12)))
    assert str(many) == "lines 1, 2, 3, 4, 5, 6, 7, 8 and 3 more"
    assert localised(many.to_json(), "es") == "líneas 1, 2, 3, 4, 5, 6, 7, 8 y 3 más"
    assert localised(line_list([12]).to_json(), "es") == "línea 12"
    # The template of records written before the warning named its profiles: still said.
    loud = say(N_("loudness range %(range)s LU, measured per EBU Tech 3342, is wider than the "
                  "profile's limit of %(limit)s LU"), range=Number(12.34, ".1f"),
               limit=Number(20.0))
    assert str(loud) == ("loudness range 12.3 LU, measured per EBU Tech 3342, is wider than the "
                         "profile's limit of 20 LU")
    assert localised(loud.to_json(), "es").endswith(
        "(rango de sonoridad: 12.3 LU; el límite del archivo es 20 LU)")
    frames = say_count(N_plural("%(count)s frame", "%(count)s frames"), 1, count=1)
    assert (str(frames), localised(frames.to_json(), "es")) == ("1 frame", "1 cuadro")
    offsets = Items((say(N_("left %(offset)s"), offset=Number(-0.25, "+.4f")),
                     say(N_("right %(offset)s"), offset=Number(0.2, "+.4f"))))
    assert str(offsets) == "left -0.2500, right +0.2000"
    assert localised(say(N_("the %(what)s has a DC offset of %(level)s dBFS (%(channels)s of full "
                            "scale): it would click where the sound starts and ends and takes "
                            "headroom; it is subtracted from the rendered sound"),
                         what=say(N_("dub")), level=Number(-14.04, ".1f"),
                         channels=offsets).to_json(), "es").startswith(
        "el doblaje tiene una componente continua (DC) de -14.0 dBFS (izquierdo -0.2500 y "
        "derecho +0.2000 de la escala completa)")
    # The English page shows the record's text; a template without Spanish, or a part of one,
    # falls back to it too; so does a parameter that does not fill the template.
    assert localised(loud.to_json(), "en") is None
    assert localised(say("an untranslated %(x)s", x=1).to_json(), "es") is None
    assert localised(say(N_("left %(offset)s"), offset=say("no Spanish")).to_json(), "es") is None
    assert localised(say(N_("left %(offset)s")).to_json(), "es") is None
    assert localised(None, "es") is None
    # A template of placeholders and punctuation only needs no words of its own: its parts say
    # it, and one of them without Spanish still leaves the English.
    listed = say(N_("%(problem)s (%(lines)s)"), problem=say(N_("dub")), lines=line_list([3, 7]))
    assert (str(listed), localised(listed.to_json(), "es")) == ("dub (lines 3, 7)",
                                                                 "el doblaje (líneas 3 y 7)")
    assert localised(say(N_("%(problem)s (%(lines)s)"), problem=say("no Spanish"),
                         lines=line_list([3, 7])).to_json(), "es") is None


# A trial's radio catalog: a dub that stops at 6.2 s of a 20 s spot, another that starts late.
TRAILING = {"template": "the last %(silence)s s of the spot would be silence: the %(what)s's sound "
                        "ends at %(end)s s (under %(level)s dBFS after it; more than %(limit)s s is "
                        "dead air on radio)",
            "params": {"silence": {"number": 13.8, "format": ".1f"},
                       "what": {"template": "dub", "params": {}},
                       "end": {"number": 6.2, "format": ".1f"},
                       "level": {"number": -60.0, "format": "g"},
                       "limit": {"number": 2.0, "format": "g"}}}
LEADING = {"template": "the %(what)s starts with %(silence)s s of silence (under %(level)s dBFS; "
                       "more than %(limit)s s is dead air on radio)",
           "params": {"what": {"template": "dub", "params": {}},
                      "silence": {"number": 2.019, "format": ".2f"},
                      "level": {"number": -60.0, "format": "g"},
                      "limit": {"number": 0.5, "format": "g"}}}


def test_dead_air_is_said_as_a_fact_with_what_a_station_does_about_it():
    # The page said "quedarían en silencio" of a WAV that holds the silence, and no more: the
    # station reads what goes to air, then what to do, then the figures.
    assert localised(TRAILING, "es") == (
        "el spot termina con 13.8 s de silencio: el doblaje deja de sonar a los 6.2 s. Al aire "
        "serían 13.8 s de aire muerto (silencio: por debajo de -60 dBFS; en radio, más de 2 s ya "
        "es aire muerto)")
    assert localised(LEADING, "es") == (
        "el doblaje empieza con 2.02 s de silencio. Al aire serían 2.02 s de aire muerto antes "
        "de que se oiga (silencio: por debajo de -60 dBFS; en radio, más de 0.5 s ya es aire "
        "muerto)")


# The same catalog: a voice-over driven into full scale, a dub recorded on its left side alone.
CLIPPED = {"template": "the %(what)s is clipped: %(samples)s samples held at full scale (runs of "
                       "%(run)s or more within %(level)s dB of it) in one %(block)s ms block, "
                       "between %(start)s s and %(end)s s%(channels)s",
           "plural": "the %(what)s is clipped: %(samples)s samples held at full scale (runs of "
                     "%(run)s or more within %(level)s dB of it) in %(blocks)s of its %(block)s "
                     "ms blocks, between %(start)s s and %(end)s s%(channels)s", "n": 55,
           "params": {"run": 3, "level": {"number": 0.1, "format": "g"},
                      "what": {"template": "voice-over", "params": {}},
                      "samples": {"number": 30908, "format": "d"},
                      "blocks": {"number": 55, "format": "d"},
                      "block": {"number": 100.0, "format": ".0f"},
                      "start": {"number": 0.3, "format": ".1f"},
                      "end": {"number": 6.9, "format": ".1f"}, "channels": ""}}
ONE_SIDED = {"template": "the %(what)s has sound on its %(side)s channel only, its %(silent)s "
                         "channel is %(quiet)s: a mono recording stored on one track, which would "
                         "go to air on one side (and 3 dB under other spots where a station sums "
                         "to mono); its %(side)s channel is used on both sides, centred",
             "params": {"what": {"template": "dub", "params": {}},
                        "side": {"template": "left", "params": {}},
                        "silent": {"template": "right", "params": {}},
                        "quiet": {"template": "silent (no 100 ms block over %(floor)s dBFS RMS)",
                                  "params": {"floor": {"number": -70.0, "format": "g"}}}}}


def test_the_radio_warnings_say_what_goes_to_air_before_their_figures():
    # A station technician read "30,908 muestras pegadas ... en 55 de sus bloques de 100 ms"
    # and could not tell whether to air it.
    clipped = localised(CLIPPED, "es")
    assert clipped == (
        "la voz en off tiene saturación (recorte): la distorsión se oye entre 0.3 s y 6.9 s, y así "
        "saldrá al aire (30,908 muestras pegadas al máximo, en tramos de 3 o más a menos de 0.1 dB "
        "de él, repartidas en 55 fragmentos de 100 ms)")
    one_sided = localised(ONE_SIDED, "es")
    assert one_sided == (
        "el doblaje llegó con sonido solo en su canal izquierdo, y su canal derecho está en "
        "silencio (nunca pasa de -70 dBFS): al aire se habría oído por un solo lado (y 3 dB más "
        "bajo que otros spots donde una estación suma a mono), así que las versiones generadas "
        "llevan su canal izquierdo en ambos lados, centrado")
    wide = say_count(N_plural("loudness range %(range)s LU, measured per EBU Tech 3342, is wider "
                              "than the limit of %(limit)s LU of profile %(profiles)s",
                              "loudness range %(range)s LU, measured per EBU Tech 3342, is wider "
                              "than the limit of %(limit)s LU of profiles %(profiles)s"), 1,
                     range=Number(13.4, ".1f"), limit=Number(11.0), profiles=Items(("«Radio, MP3»",)))
    assert localised(wide.to_json(), "es") == (
        "los pasajes suaves quedan muy por debajo de los fuertes: al aire pueden perderse bajo el "
        "ruido de fondo del oyente (rango de sonoridad: 13.4 LU; el límite de «Radio, MP3» es "
        "11 LU)")
    for said in (clipped, one_sided, localised(wide.to_json(), "es")):
        for jargon in ("bloques de 100 ms", "dBFS RMS", "EBU Tech 3342"):
            assert jargon not in said, (jargon, said)


# --- a real render, published -----------------------------------------------------------------

FAST = "1\n00:00:00,500 --> 00:00:01,100\nLos seres humanos no están a la venta en ningún lugar\n"


def _warning_items(html: str, file: str) -> list[str]:
    """The text of each QC warning listed under the variant `file` on a page."""
    row = html[html.index(f'<code class="file-name">{file}</code>'):]
    box = row[row.index('<div class="warnings"'):row.index("</div>", row.index('<div class="warnings"'))]
    return re.findall(r"<li>(.*?)</li>", box, re.S)


@pytest.mark.e2e
def test_a_rendered_variant_s_warnings_read_in_spanish_on_the_spanish_page(campaign, tmp_path):
    # Quiet tone, then the same tone driven into 16 bits past full scale: a loudness range wider
    # than 1 LU, and flat tops from 2 s on.
    dub = campaign.root / "audio/spot/yua.wav"
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=200:sample_rate=48000:duration=4",
           "-filter:a", "volume='if(lt(t,2),0.5,16)':eval=frame", "-c:a", "pcm_s16le", str(dub))
    campaign.subtitle("yua", FAST)     # 53 characters in 0.6 s
    manifest = campaign.write([{"code": "yua", "treatment": "dub"}],
                              profiles={"narrow": {"base": "proxy", "width": 320, "height": 180,
                                                   "preset": "ultrafast", "loudness_range": 1.0}})
    rendered = invoke("render", manifest)
    assert rendered.exit_code == 0, rendered.output
    record = json.loads((campaign.out / "spot.yua.narrow.json").read_text(encoding="utf-8"))
    codes = [w["code"] for w in record["qc"]["warnings"]]
    assert {"clipping", "reading-speed", "loudness-range"} <= set(codes), codes
    # The terminal says them in English, as before.
    lra = record["loudness"]["lra_lu"]
    assert (f"warning: loudness range {lra:.1f} LU, measured per EBU Tech 3342, is wider than "
            "the limit of 1 LU of profile narrow") in rendered.output
    assert re.search(r"yua\.srt:1: warning: cue 1 reads too fast: 53 characters in 0\.600 s is "
                     r"88\.3 characters per second \(at most \d+\)", rendered.output), rendered.output

    published = invoke("publish", manifest, "--to", f"file://{tmp_path / 'dist'}")
    assert published.exit_code == 0, published.output
    folder = tmp_path / "dist" / "test-campaign"
    catalog = json.loads((folder / "catalog.json").read_text(encoding="utf-8"))
    (variant,) = catalog["variants"]
    assert len(variant["warning_details"]) == len(variant["warnings"]) == len(codes)
    spanish_page = (folder / "index.html").read_text(encoding="utf-8")
    english_page = (folder / "index.en.html").read_text(encoding="utf-8")
    said = [unescape(re.sub(r"<[^>]+>", "", item))
            for item in _warning_items(spanish_page, "spot.yua.narrow.mp4")]
    english = [unescape(re.sub(r"<[^>]+>", "", item))
               for item in _warning_items(english_page, "spot.yua.narrow.mp4")]
    assert len(said) == len(english) == len(codes)
    assert 'lang="en"' not in "".join(_warning_items(spanish_page, "spot.yua.narrow.mp4"))
    by_code = dict(zip(codes, said))
    # Not at the translator's file (yua.wav, yua.srt), which no station has; the profile as
    # the page labels its file ("Light preview video", which `narrow` derives from).
    assert by_code["loudness-range"] == (
        "Rango de sonoridad mayor que el límite del perfil: los pasajes suaves quedan muy por "
        "debajo de los fuertes: al aire pueden perderse bajo el ruido de fondo del oyente (rango "
        f"de sonoridad: {lra:.1f} LU; el límite de «Video ligero de vista previa» es 1 LU) "
        "Escúchelo antes de emitirlo.")
    assert by_code["reading-speed"].startswith(
        "Subtítulo demasiado rápido para leerlo: el subtítulo 1 se lee demasiado "
        "rápido: 53 caracteres en 0.600 s son 88.3 caracteres por segundo (máximo ")
    clipped = by_code["clipping"]
    assert re.fullmatch(r"Grabación saturada \(recortada\): el doblaje tiene saturación "
                        r"\(recorte\): la distorsión se oye entre \d+\.\d s y \d+\.\d s, y así "
                        r"saldrá al aire \(\d{1,3}(,\d{3})* muestras pegadas al máximo, en tramos "
                        r"de \d+ o más a menos de [\d.]+ dB de él, repartidas en \d+ fragmentos "
                        r"de 100 ms\) Escúchelo antes de emitirlo; si la distorsión molesta, pida "
                        r"a la campaña una grabación limpia\.", clipped), clipped
    # No English words of the checks' texts are left on the Spanish page's warnings.
    for word in ("characters", "samples", "wider", "the dub", "cue 1"):
        assert not any(word in text for text in said), (word, said)
    # The English page shows each warning as the catalog has it, but for the file it was found
    # in, then what a station does of it.
    from pipeline.publish.qc_kinds import STATION_ACTIONS
    assert [text.split(": ", 1)[1] for text in english] == [
        " ".join((text.split(": ", 1)[1], *filter(None, [STATION_ACTIONS.get(code)])))
        for text, code in zip(variant["warnings"], codes)]
