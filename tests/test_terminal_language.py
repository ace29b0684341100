"""A command said in Spanish in a Spanish terminal (cli/language.py): a translator's `check` of
a file saved by Notepad as "ANSI", with an overlap and a cue read too fast, run as typed in a
pseudo-terminal whose locale is Mexican Spanish; the same file in English in the C locale."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import click
import pytest
import yaml

from pipeline.cli.language import diagnostic_line, language_of
from pipeline.cli.main import cli
from pipeline.errors import warning
from pipeline.manifest import load_manifest
from pipeline.messages import N_, say
from pipeline.publish.wording import localised
from pipeline.render.inputs import PROBES_AT_ONCE
from pipeline.render.record import RECORD_WARNINGS
from pipeline.render.recording_check import check_recording
from pipeline.subtitles.file_check import check_file
from tests import terminal as tty
from tests.conftest import SMALL_PROFILES, SRT, ffmpeg

SPANISH = {"LANG": "es_MX.UTF-8", "LANGUAGE": None, "LC_ALL": None, "LC_MESSAGES": None}


@pytest.mark.parametrize("environ, language", [
    ({"LANG": "es_MX.UTF-8"}, "es"),
    ({"LANG": "es_ES@euro"}, "es"),
    ({"LANG": "C.UTF-8"}, "en"),
    ({}, "en"),
    ({"LANG": "fr_FR.UTF-8"}, "en"),                          # no French catalog: English
    ({"LANG": "en_US.UTF-8", "LC_MESSAGES": "es_MX.UTF-8"}, "es"),
    ({"LC_ALL": "C", "LANG": "es_MX.UTF-8"}, "en"),           # LC_ALL first, as gettext
    ({"LANG": "en_US.UTF-8", "LANGUAGE": "es:en"}, "es"),     # LANGUAGE's first choice
    ({"LANG": "C.UTF-8", "LANGUAGE": "es"}, "en"),            # gettext ignores it in C
])
def test_the_language_is_the_one_gettext_would_choose(environ, language):
    assert language_of(environ) == language


def test_a_mistyped_command_line_is_said_in_spanish_in_a_spanish_terminal(tmp_path: Path):
    # A trial's Spanish terminal read Click's "Usage: ... Error: Invalid value for 'FILE...':
    # File 'loose' is a directory", and our own "'abc' is not a frame rate" in English.
    (tmp_path / "sueltos").mkdir()
    cases = {("check", "sueltos"): "Error: Valor no válido para 'ARCHIVO...': Archivo 'sueltos': "
                                   "es una carpeta, no un archivo.",
             ("check",): "Error: Falta el argumento 'ARCHIVO...'.",
             ("check", "--fps", "abc", "x.srt"): "Error: Valor no válido para '--fps': 'abc' no es "
                                                 "una frecuencia de cuadro: escriba un número como "
                                                 "25 o 23.976, o una fracción como 24000/1001",
             ("check", "--lang", "xyz", "x.srt"): "Error: Valor no válido para '--lang': 'xyz' no "
                                                  "es un código ISO 639-3 ni una etiqueta BCP 47 "
                                                  "(por ejemplo nah, yua)",
             ("check", "x.srt", "--duration", "15s"): "Error: Valor no válido para "
                                                      "'--duration': '15s' no es un número de "
                                                      "segundos: escríbalo como 15 o 14.5",
             ("chek",): "Error: No existe el comando 'chek'.",
             # A value the core refuses (`Checked`): its words were English after Click's.
             ("render", "x.yaml", "--store", "ftp://host/x"):
                 "Error: Valor no válido para '--store': no se puede publicar en ftp://host/x: "
                 "esquema no compatible (sugerencia: use s3://bucket/prefix para almacenamiento "
                 "de objetos o file://path para una carpeta)",
             ("publish", "x.yaml", "--presign", "1 week"):
                 "Error: Valor no válido para '--presign': la duración de prefirmado '1 week' no "
                 "es como 90m, 12h o 7d (sugerencia: un número seguido de s, m, h o d)"}
    for args, error in cases.items():
        result = tty.run(list(args), cwd=tmp_path, env=SPANISH, columns=400)
        lines = tty.said(result)
        assert result.status == 2 and lines[-1] == error, result.describe()
        assert lines[0].startswith("Uso: pipeline") and "para ver la ayuda" in lines[1], lines
        english = tty.run(list(args), cwd=tmp_path, env={**SPANISH, "LANG": "C.UTF-8"})
        assert tty.said(english)[0].startswith("Usage: pipeline"), english.describe()
    version = tty.said(tty.run(["--version"], cwd=tmp_path, env=SPANISH))
    assert version[0].startswith("pipeline, versión "), version
    # The help's frame too.
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    help_text = tty.said(tty.run(["check", "--help"], cwd=tmp_path, columns=400,
                                 env={**SPANISH, "TMPDIR": str(temporary)}))
    assert help_text[0] == "Uso: pipeline check [OPCIONES] ARCHIVO..."
    assert "Opciones:" in help_text and any("Muestra este mensaje y termina." in line
                                            for line in help_text), help_text
    assert not list(temporary.iterdir())      # Click's words, written for it, removed at exit


def test_every_command_s_help_is_said_in_spanish_in_a_spanish_terminal(tmp_path: Path):
    # A translator's `check --help` was English under Spanish headings ("Uso:", "Opciones:").
    listing = tty.said(tty.run(["--help"], cwd=tmp_path, env=SPANISH, columns=200))
    assert "  Genera cada variante por lengua de una campaña a partir de su manifiesto." in listing
    commands = listing[listing.index("Comandos:") + 1:]
    assert [line.split()[0] for line in commands] == sorted(cli.list_commands(None))
    for line in commands:
        assert line.split(maxsplit=1)[1].split()[0] in SPANISH_VERBS, commands
    check = tty.said(tty.run(["check", "--help"], cwd=tmp_path, env=SPANISH, columns=200))
    assert check[1].startswith("  Revisa archivos de subtítulos y grabaciones antes de "
                               "entregarlos"), check
    assert "pipeline check audio/not-for-sale-15/yua.wav" in map(str.strip, check)  # as typed
    # Its range ("[x>=1]") on the line or the next, as the metavars' column leaves room.
    assert any(line.split()[:10] == ["--max-lines", "N", "Máximo", "de", "líneas", "por",
                                     "subtítulo", "(por", "omisión", "2)."]
               for line in check), check
    # The usage line's and options' metavars too ("[OPTIONS] FILE...", "--duration SECONDS"
    # where the messages say "--duration SEGUNDOS").
    assert check[0] == "Uso: pipeline check [OPCIONES] ARCHIVO...", check
    assert any(line.split()[:2] == ["--duration", "SEGUNDOS"] for line in check), check
    assert listing[0] == "Uso: pipeline [OPCIONES] COMANDO [ARGUMENTOS]...", listing
    assert any("-q, --quiet" in line and "Solo los errores y el resumen final." in line
               for line in check), check
    # A help written with a figure (`help_text`) has it in Spanish too.
    render = " ".join(tty.run(["render", "--help"], cwd=tmp_path, env=SPANISH).text.split())
    assert f"La planificación analiza hasta {PROBES_AT_ONCE} entradas a la vez" in render
    english = tty.said(tty.run(["check", "--help"], cwd=tmp_path, columns=200,
                               env={**SPANISH, "LANG": "C.UTF-8"}))
    assert english[1].startswith("  Check subtitle files and recordings"), english


# The first word of each command's Spanish help, in the listing of `pipeline --help`.
SPANISH_VERBS = {"Revisa", "Lista", "Muestra", "Sube", "Genera", "Comprueba"}


def test_every_help_a_command_shows_has_its_spanish():
    """Each command's help and each of its options' (the lazily imported ones too) is in the
    catalog: an option added in English alone would be English in a Spanish `--help`."""
    from pipeline.cli.language import _TEMPLATES
    from pipeline.publish.i18n import translated
    ctx = click.Context(cli)
    seen = 0
    for name in cli.list_commands(ctx):
        command = cli.get_command(ctx, name)
        for part in (command, *command.params):
            text = getattr(part, "help", None)
            if text:
                seen += 1
                assert translated(_TEMPLATES.get(text, (text,))[0], "es"), (name, text[:60])
        # Its metavars: each given as a msgid, that Click would otherwise write in English
        # (an argument's name, a type's: TEXT, INTEGER); Click's own Path says its kind in
        # its own words, choices are typed as they are.
        for param in command.params:
            if isinstance(param, click.Option) and (param.is_flag or param.count or isinstance(
                    param.type, (click.Choice, click.Path))):
                continue
            assert param.metavar and translated(param.metavar, "es"), (name, param.name)
    assert seen >= 60, seen


def test_a_check_in_a_spanish_terminal_is_said_in_spanish(tmp_path: Path):
    srt = tmp_path / "mix.srt"
    # Notepad's "ANSI" (Windows-1252): U+2019 saved as byte 0x92.
    srt.write_bytes("1\r\n00:00:01,000 --> 00:00:03,000\r\nTu’un ñuu\r\n".encode("cp1252"))
    overlap = tmp_path / "ncx.srt"
    overlap.write_text("1\n00:00:01,000 --> 00:00:03,000\nNdaʼa\n\n"
                       "2\n00:00:02,500 --> 00:00:04,000\n"
                       "Tsjá̱ ngain kjuachjí̱ngasʼa̱ kʼoa tsín mano nixtjín kʼoa tsín mano\n",
                       encoding="utf-8")
    spanish = tty.run(["check", "mix.srt", "ncx.srt", "missing.srt"], cwd=tmp_path, env=SPANISH,
                      columns=400)
    english = tty.run(["check", "mix.srt", "ncx.srt", "missing.srt"], cwd=tmp_path,
                      env={**SPANISH, "LANG": "C.UTF-8"}, columns=400)
    assert spanish.status == english.status == 1
    said = spanish.text
    assert "Traceback" not in said
    assert ("mix.srt:3: error: el archivo no es UTF-8 válido: el byte 0x92 en la posición 36 no "
            "se puede decodificar (en Windows-1252 sería '’': seguramente se guardó como ANSI) "
            "(sugerencia: guarde el archivo como UTF-8 (en la mayoría de los editores: «Guardar "
            "como», codificación «UTF-8»); o, en una terminal: iconv -f WINDOWS-1252 -t UTF-8 "
            "mix.srt > .mix.srt.utf8 && mv .mix.srt.utf8 mix.srt)") in said
    assert ("ncx.srt:5: error: el subtítulo 2 (empieza en 00:00:02,500) se empalma con el "
            "subtítulo 1 (línea 1, 00:00:01,000 --> 00:00:03,000) en la parte de abajo de la "
            "pantalla (sugerencia: haga que el subtítulo 1 termine antes") in said
    assert "ncx.srt:5: aviso: el subtítulo 2 se lee demasiado rápido" in said
    assert "(sugerencia: acorte el texto, o muéstrelo por lo menos" in said
    assert ("missing.srt: error: no se encontró el archivo de subtítulos (sugerencia: revise el "
            "nombre del archivo y la carpeta)") in said
    assert "ncx.srt: nota: no se conoce la duración del video" in said
    assert "mix.srt: 0 subtítulos, 1 error, 0 avisos" in said
    assert "ncx.srt: 2 subtítulos, 1 error, 2 avisos" in said
    # The same lines in English, word for word as ever, in the C locale.
    assert "mix.srt:3: error: the file is not valid UTF-8: byte 0x92 at offset 36" in english.text
    assert "ncx.srt: 2 cues, 1 error, 2 warnings" in english.text
    assert "subtítulo" not in english.text
    assert len(said.splitlines()) == len(english.text.splitlines())


def test_what_has_no_spanish_is_said_in_english(monkeypatch):
    monkeypatch.setattr("pipeline.cli.language.terminal_language", lambda: "es")
    plain = warning("a plain English warning", "nah.srt", 3, "a plain hint")
    assert diagnostic_line(plain) == ("nah.srt:3: aviso: a plain English warning "
                                      "(sugerencia: a plain hint)")
    untranslated = warning(say(N_("a message the catalog has not")), "nah.srt", 3)
    assert diagnostic_line(untranslated) == "nah.srt:3: aviso: a message the catalog has not"


# What a subtitle file is told and may stay English: a manifest's style colour (the media
# team's, `validate`).
ENGLISH_ONLY = {("burn.py", "ass_colour")}
# The diagnostics' makers, and where each takes its hint when given by position.
MAKERS = {"error": 3, "warning": 3, "note": 3, "SubtitleError": 3, "fail": 2, "warn": 2}


def _plain(node: ast.expr | None) -> bool:
    """A text written in English where it is used: a literal, an f-string, a concatenation."""
    return isinstance(node, (ast.JoinedStr, ast.BinOp)) or \
        (isinstance(node, ast.Constant) and isinstance(node.value, str))


def test_every_message_of_a_subtitle_file_can_be_said_in_spanish():
    """Each diagnostic the subtitle checks make is a `Message` (its text and its hint), so a
    Spanish terminal says it from the catalog; a text written in place would stay English."""
    plain = [where for path in sorted(Path("pipeline/subtitles").glob("*.py"))
             for where in _plain_calls(path, MAKERS, ENGLISH_ONLY)]
    assert plain == []


def _plain_calls(path: Path, makers: dict[str, int], english_only: set) -> list[str]:
    """Where a function of `path` (but those of `english_only`) makes a diagnostic with a text
    written in place (`makers`: their names, and where each takes its hint by position)."""
    plain = []
    for function in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(function, ast.FunctionDef) or (path.name, function.name) in english_only:
            continue
        for call in ast.walk(function):
            name = getattr(call, "func", None)
            name = getattr(name, "id", None) or getattr(name, "attr", None)
            if not isinstance(call, ast.Call) or name not in makers:
                continue
            at = makers[name]
            hint = next((k.value for k in call.keywords if k.arg == "hint"),
                        call.args[at] if len(call.args) > at else None)
            if (call.args and _plain(call.args[0])) or _plain(hint):
                plain.append(f"{path}:{call.lineno} ({function.name})")
    return sorted(set(plain))


# A translator's slips in each format read here, one file each (name: text).
SLIPS = {
    "timing.srt": "1\n00:00:01,000 -> 00:00:02,000\nTuꞌun\n\n2\n00:00:03.000 --> 00:00:02,000\n"
                  "Ñuu\n\n3\n00:00:04,000 --> 00:00:05,000\n<s>Ndaꞌa</s> {\\pos(1,1)}\n"
                  "00:00:06,000 --> 00:00:07,000\nkʼoa\n\n5\n00:00:07,500 --> 00:00:07,500\n\u200b\n",
    "frames.srt": "1\n00:00:01:12 --> 00:00:03:00\nhola\n\nhola sin número\n",
    "header.vtt": "WEBVTT\n00:00:01.000 --> 00:00:02.000\nhola\n\n00:00:03,000 --> 00:00:04,000"
                  "\nkʼoa\n\nSTYLE\n::cue { color: red }\n\n00:00:05.000 --> 00:00:06.000 "
                  "size:150% line:0 region:nadie\n<v Ana>tuꞌun\n",
    "events.ass": "[Script Info]\nScriptType: v4.00+\n\n[V4+ Styles]\nFormat: Name, Fontname\n"
                  "Style: One\n\n[Events]\nFormat: Layer, Start, End, Style, Text\n"
                  "Dialogue: 0,0:00:01.5,0:00:03.00,Nadie,{\\p1}m 0 0 l 10 10{\\p0}hola\n",
    "body.ttml": '<?xml version="1.0"?>\n<tt xmlns="http://www.w3.org/ns/ttml" '
                 'xmlns:ttp="http://www.w3.org/ns/ttml#parameter" ttp:timeBase="smpte">\n<body>'
                 '<div><p begin="00:00:01:40" end="00:00:02:00" region="r9">hola</p>'
                 '<p begin="00:00:03.000">sin fin</p></div></body></tt>\n',
    "broken.ttml": "<tt><body><p>\n",
    "notes.srt": "Notas de la traducción\nsin tiempos\n",
    "scc.srt": "Scenarist_SCC V1.0\n\n00:00:01:00\t9420 9420\n",
    "nul.srt": "1\x00\n",
    # Timed on a 29.97 fps video's frames, checked against a 25 fps one.
    "ntsc.srt": "".join(f"{n}\n00:00:0{2 * n - 1},{a} --> 00:00:0{2 * n},{b}\nkʼoa\n\n"
                        for n, (a, b) in enumerate((("034", "102"), ("170", "238"),
                                                    ("305", "373")), 1)),
}


def test_a_translators_slips_in_every_format_are_said_in_spanish(tmp_path: Path):
    """What `check` says of each slip, message and hint, has its Spanish: none of it would
    fall back to English in a Spanish terminal (a template, or one of its parts, untranslated)."""
    said = []
    for name, text in SLIPS.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        said += _in_spanish(check_file(path, fps=25).diagnostics, name)
    assert len(said) >= 40
    assert "frame-grid" in {code for code, _ in said}


def _in_spanish(diagnostics, name: str) -> list[tuple[str | None, str]]:
    """(code, Spanish text) of each message and hint of `diagnostics` (of the file `name`),
    asserting each has its Spanish."""
    said = []
    for d in diagnostics:
        for part, english in ((d.detail, d.message), (d.hint_detail, d.hint)):
            if english is None:
                continue
            assert part is not None, f"{name}: English only: {english}"
            spanish = localised(part.to_json(), "es")
            assert spanish is not None, f"{name}: no Spanish for: {english}"
            said.append((d.code, spanish))
    return said


# What a recording's check is told and may stay English: a master's own problems (the media
# team's, `validate`).
RECORDING_ENGLISH_ONLY = {("master_sound.py", "master_sound_warnings"),
                          ("probe.py", "probe_video"), ("probe.py", "probe_master")}
# What `check` of a recording reaches: reading it, its name in the folder, its checks.
RECORDING_CHECK = ("pipeline/render/recording_check.py", "pipeline/render/deliveries.py",
                   "pipeline/render/sound_input.py", "pipeline/render/sound_warnings.py",
                   "pipeline/render/master_sound.py",
                   "pipeline/render/sound_sides.py", "pipeline/render/split_mono.py",
                   "pipeline/render/loudness_limits.py", "pipeline/render/unused_inputs.py",
                   "pipeline/manifest/input_names.py", "pipeline/media/cut_short.py",
                   "pipeline/media/probe.py", "pipeline/files.py")
RECORDING_MAKERS = {**MAKERS, "PipelineError": 3, "MediaError": 3}


def test_every_message_of_a_recording_can_be_said_in_spanish():
    plain = [where for path in RECORDING_CHECK
             for where in _plain_calls(Path(path), RECORDING_MAKERS, RECORDING_ENGLISH_ONLY)]
    assert plain == []


def _sound(path: Path, source: str, *args: str) -> Path:
    ffmpeg("-f", "lavfi", "-i", source, *args, str(path))
    return path


TONE = "sine=frequency=700:sample_rate=48000:duration=4"


def test_a_translators_recordings_slips_are_said_in_spanish(campaign):
    """What `check` says of each slip of a recorded track (with the manifest and without),
    message, hint and summary, has its Spanish."""
    folder = campaign.root / "audio/spot"
    campaign.write([{"code": "tar", "treatment": "dub"}, {"code": "maj", "treatment": "dub"},
                    {"code": "nah", "treatment": "burn"}, {"code": "yua", "treatment": "dub"},
                    {"code": "zai", "treatment": "mix"}])
    manifest = load_manifest(campaign.manifest)
    stereo = ("-ac", "2", "-c:a", "pcm_s24le")
    slips = [
        _sound(folder / "tar.wav", TONE, "-af", "aformat=channel_layouts=stereo,volume=30dB,"
               "asoftclip=type=hard:threshold=0.9886", "-c:a", "pcm_s24le"),
        _sound(folder / "maj.wav", TONE.replace("duration=4", "duration=6"), "-af",
               "volume=-14dB,dcshift=0.02", *stereo),
        _sound(folder / "zai.wav", "anullsrc=sample_rate=8000:channel_layout=mono", "-t", "4",
               "-c:a", "pcm_s16le"),
        _sound(folder / "nah.wav", TONE, "-af", "volume=-40dB,adelay=1500:all=1", "-c:a",
               "libmp3lame"),
        _sound(folder / "yua.L.wav", TONE, "-af", "volume=-14dB", "-c:a", "pcm_s24le"),
        _sound(folder / "YUA.WAV", TONE, "-t", "5", "-af", "volume=-14dB", *stereo),
        _sound(folder / "tar.wav.bak", TONE, "-af", "volume=-14dB", *stereo, "-f", "wav"),
        _sound(folder / "ach.m4a", TONE, "-af", "pan=5.1|LFE=c0", "-c:a", "pcm_s16le",
               "-f", "wav"),
    ]
    cut = folder / "ach.wav"
    cut.write_bytes(slips[0].read_bytes()[:20000])
    empty = folder / "mam.wav"
    empty.write_bytes(b"")
    said = set()
    for path in [*slips, cut, empty]:
        for result in (check_recording(path), check_recording(path, manifest)):
            said.update(_in_spanish(result.diagnostics, path.name))
            summary = result.summary()
            assert localised(summary.to_json(), "es") is not None, str(summary)
    codes = {code for code, _ in said}
    for code in ("clipping", "dc-offset", "silent", "low-sample-rate", "sound-past-end",
                 "wav-not-pcm", "lfe-content", "unused-input", "empty"):
        assert code in codes, sorted(codes, key=str)
    assert len(said) >= 25, sorted(said)
    # What a station does (the page's, qc_kinds.STATION_ACTIONS) is not said to who made the
    # file: a trial's translator was told to "ask the campaign" for a clean recording.
    for code, text in said:
        for station in ("pida a la campaña", "su sistema de emisión", "antes de emitirlo"):
            assert station not in text, (code, text)


def test_a_variants_warnings_read_back_from_its_record_are_said_in_spanish(campaign):
    # A trial's `render` (and `watch`, after a save) said a rendered variant's warnings in
    # English under Spanish labels ("aviso: cue 4 reads too fast ... (sugerencia: shorten the
    # text ...)"): read back from the variant's record, they had lost their messages; watch
    # then said each twice, once in Spanish from its check.
    campaign.subtitle("nah", "1\n00:00:00,500 --> 00:00:01,100\nTlaneltokilistli ika "
                             "tlakamej amo tlanamakalo\n")
    manifest = campaign.write([{"code": "nah", "treatment": "burn"}])
    checked = tty.run(["validate", str(manifest)], cwd=campaign.root, env=SPANISH, columns=300)
    assert "1 variante: 0 al día, 1 por generar, 0 bloqueadas; 0 errores, 3 avisos" in \
        tty.said(checked), checked.describe()
    result = tty.run(["render", str(manifest)], cwd=campaign.root, env=SPANISH, columns=300)
    assert result.status == 0, result.describe()
    lines = [line.strip() for line in tty.said(result) if "demasiado rápido" in line]
    assert len(lines) == 1, result.describe()
    assert lines[0].startswith("subtitles/spot/nah.srt:1: aviso: el subtítulo 1 se lee "
                               "demasiado rápido: "), lines
    assert "(sugerencia: acorte el texto" in lines[0], lines
    assert "reads too fast" not in result.text and "hint:" not in result.text, result.describe()
    # Its table and counts too (a Spanish help above English output read as half done).
    said = tty.said(result)
    assert re.match(r"variante +estado +segundos  sonoridad$", said[said.index("") + 1]
                    if "" in said else next(line for line in said if line.startswith("variante")))
    assert re.search(r"test-campaign/spot\.nah\.small +generada +\d+\.\d  -1\d\.\d LUFS",
                     result.text)
    assert "1 generada, 0 al día, 0 fallidas, 0 bloqueadas" in said, said
    assert "rendered" not in result.text, result.describe()


def test_a_diagnostic_keeps_its_messages_through_a_record():
    from pipeline.errors import diagnostic_from_json
    from pipeline.messages import N_plural, Items, Number, say_count
    found = warning(say(N_("%(clipping)s; its mean, %(level)s dBFS, is the clipping's"),
                        clipping=say_count(N_plural("%(n)s cue", "%(n)s cues"), 3, n=3),
                        level=Number(-47.9, ".1f")), "yua.wav", None,
                    say(N_("rename it to %(name)s"), name=Items(("a", "b"), "; ")), "clipping")
    back = diagnostic_from_json(found.to_json())
    assert back.to_json() == found.to_json() and "hint_detail" in found.to_json()
    assert diagnostic_line(back) == diagnostic_line(found)


def test_a_time_in_a_spanish_hint_is_written_as_the_file_writes_times(tmp_path, monkeypatch):
    # A trial's WebVTT file was told in Spanish to end a cue "a más tardar en 00:00:06,006",
    # SubRip's comma, which a .vtt does not read (its English hint said 00:00:06.006).
    monkeypatch.setattr("pipeline.cli.language.terminal_language", lambda: "es")
    vtt = tmp_path / "ctu.vtt"
    vtt.write_text("WEBVTT\n\n00:00:01.000 --> 00:00:09.000\nJtabil\n", encoding="utf-8")
    (past,) = [d for d in check_file(vtt, duration=6.006).diagnostics if d.code == "past-end"]
    line = diagnostic_line(past)
    assert "termina en 00:00:09.000" in line and "00:00:06.006" in line, line
    assert "00:00:06,006" not in line, line


def test_a_plans_reasons_are_said_in_spanish(campaign):
    # A trial's Mexican media team read `plan` in a Spanish terminal: its counts in Spanish,
    # every variant's reason in English ("not rendered yet", "subtitles changed (...)", the
    # blocking error's own line): errors.Reason keeps the message each was said from.
    campaign.subtitle("nah")
    manifest = campaign.write([{"code": "nah", "treatment": "burn"},
                               {"code": "tzo", "treatment": "burn"},
                               {"code": "yua", "treatment": "dub"}],
                              profiles={"small": SMALL_PROFILES["small"],
                                        "mp3": {"base": "radio-mp3"}})
    campaign.audio("yua")
    first = tty.run(["plan", "-v", str(manifest)], cwd=campaign.root, env=SPANISH, columns=300)
    assert re.search(r"por generar +test-campaign/spot\.nah\.small +burn +\(sin generar aún\)",
                     first.text), first.describe()
    blocked = next(line for line in tty.said(first) if line.startswith("bloqueada")
                   and ".tzo.small" in line)
    assert ": error: " in blocked and "sugerencia:" in blocked, blocked
    skipped = next(line for line in tty.said(first) if ".nah.mp3" in line)
    assert "conserva el sonido propio del máster (spa): el perfil solo de audio 'mp3'" \
        in skipped, skipped
    dry = tty.run(["render", str(manifest), "--dry-run"], cwd=campaign.root, env=SPANISH,
                  columns=300)
    assert re.search(r"se generaría +test-campaign/spot\.nah\.small +\(sin generar aún\)",
                     dry.text), dry.describe()
    rendered = tty.run(["render", str(manifest), "--lang", "nah"], cwd=campaign.root,
                       env=SPANISH, columns=300)
    assert rendered.status == 0, rendered.describe()
    # A variant completed from its file: said as the summary counts it (a trial's plan listed
    # "por generar" lines under "0 por generar, 248 por completar").
    (campaign.out / "spot.nah.small.jpg").unlink()
    remade = tty.run(["plan", str(manifest), "--lang", "nah"], cwd=campaign.root, env=SPANISH,
                     columns=300)
    assert re.search(r"por completar +test-campaign/spot\.nah\.small +burn +\(falta "
                     r"spot\.nah\.small\.jpg", remade.text), remade.describe()
    assert "0 por generar, 1 por completar" in remade.text, remade.describe()
    assert re.search(r"stale +test-campaign/spot\.nah\.small +burn", tty.run(
        ["plan", str(manifest), "--lang", "nah"], cwd=campaign.root, env={"LANG": "C.UTF-8"},
        columns=300).text)                                  # the contract's word in English
    assert localised(say(RECORD_WARNINGS).to_json(), "es") == \
        "su lista de avisos de control de calidad"
    campaign.subtitle("nah", SRT.replace("\n\n", " ya\n\n", 1))
    again = tty.run(["plan", str(manifest), "--lang", "nah"], cwd=campaign.root, env=SPANISH,
                    columns=300)
    assert re.search(r"por generar +test-campaign/spot\.nah\.small +burn +\(cambio en los "
                     r"subtítulos \(\S*nah\.srt\)\)", again.text), again.describe()
    # What the selection left out (tzo's missing file), said as a trial asked.
    assert any(re.fullmatch(r"1 error(?: y \d+ avisos?)? en lenguas que no se seleccionaron "
                            r"\(tzo(?:, yua| y yua)?\): ejecute sin --lang para verlos", line)
               for line in tty.said(again)), again.describe()
    english = tty.run(["plan", str(manifest), "--lang", "nah"], cwd=campaign.root,
                      env={"LANG": "C.UTF-8"}, columns=300)
    assert re.search(r"stale +test-campaign/spot\.nah\.small +burn +\(subtitles changed "
                     r"\(\S*nah\.srt\)\)", english.text), english.describe()
    for result in (first, dry, again):
        for english_reason in ("not rendered yet", "changed (", "keeps the master's own sound",
                               "hint:"):
            assert english_reason not in result.text, (english_reason, result.describe())


def test_publish_and_verify_are_said_in_spanish(campaign, tmp_path):
    # After a Spanish render, publish said "31 uploaded (26.7 MB), 0 unchanged" and "page:".
    campaign.subtitle("nah")
    manifest = campaign.write([{"code": "nah", "treatment": "burn"}])
    rendered = tty.run(["render", str(manifest)], cwd=campaign.root, env=SPANISH, columns=300)
    assert rendered.status == 0, rendered.describe()
    target = (tmp_path / "dist").as_uri()
    first = tty.run(["publish", str(manifest), "--to", target], cwd=campaign.root, env=SPANISH,
                    columns=300)
    assert first.status == 0, first.describe()
    said = tty.said(first)
    assert any(re.match(r"  subido +test-campaign/index\.html  \d", line) for line in said), said
    assert any(re.match(r"test-campaign: \d+ subidos \(\d+(\.\d)? kB\) y 0 sin cambios, a ", line)
               for line in said), said
    assert f"  página: {target}/test-campaign/index.html" in said, said
    again = tty.run(["publish", str(manifest), "--to", target], cwd=campaign.root, env=SPANISH,
                    columns=300)
    assert any(re.match(r"test-campaign: nada que subir, los \d+ objetos ya están al día en ",
                        line) for line in tty.said(again)), again.describe()
    checked = tty.run(["verify", str(tmp_path / "dist/test-campaign")], cwd=campaign.root,
                      env=SPANISH, columns=300)
    assert checked.status == 0 and any(
        line.startswith("test-campaign: 1 de 1 variante verificada en ")
        for line in tty.said(checked)), checked.describe()
    published = next((tmp_path / "dist/test-campaign/spot").glob("*.mp4"))
    published.write_bytes(published.read_bytes() + b"\0")
    broken = tty.run(["verify", str(tmp_path / "dist/test-campaign")], cwd=campaign.root,
                     env=SPANISH, columns=300)
    said = tty.said(broken)
    assert broken.status == 1 and any(line.startswith("  FALLA   spot/") for line in said), said
    assert any(": error: el tamaño es de " in line and "y el catálogo dice" in line
               for line in said), said
    for result in (first, again, checked, broken):
        for english in ("uploaded", "unchanged", "page:", "verified at", "FAILED", "size is"):
            assert english not in result.text, (english, result.describe())


# What publish says of a campaign (publish/*.py): its warnings and errors, and the storage
# errors they carry. `verify`'s own (verify.py) and a key the code itself refuses (target.py)
# are not publish's.
PUBLISH = ("reach.py", "freshness.py", "withdrawn.py", "upload.py", "s3.py", "s3_errors.py",
           "catalog.py", "outdated.py", "missing.py", "i18n.py", "page.py", "public_warnings.py",
           "qc_kinds.py", "storage.py")
PUBLISH_MAKERS = {**MAKERS, "PipelineError": 3, "StorageError": 3, "TargetUnavailable": 3,
                  "_not_looked_for": 3}
# Lines of the log (`-v`), not diagnostics: `log.warning` of what the target does instead.
PUBLISH_ENGLISH_ONLY = {("s3.py", "_upload"), ("s3.py", "_abort_leftovers"), ("s3.py", "_delete")}


def test_every_message_of_a_publish_can_be_said_in_spanish():
    """Each diagnostic publish makes is a `Message` (its text and its hint), and every template
    of those modules has its Spanish: a trial's Spanish terminal read publish's warnings in
    English under "aviso" and "sugerencia"."""
    _assert_said_in_spanish([Path("pipeline/publish") / name for name in PUBLISH],
                            PUBLISH_MAKERS, PUBLISH_ENGLISH_ONLY, least=100)


def _assert_said_in_spanish(paths: list[Path], makers: dict, english_only: set,
                            least: int) -> None:
    """Every diagnostic `paths` make is a `Message` (`_plain_calls`), and every template they
    mark (at least `least` of them) has its Spanish."""
    plain = [where for path in paths for where in _plain_calls(path, makers, english_only)]
    assert plain == []
    from pipeline.publish.i18n import translated
    templates = [node.args[0].value for path in paths
                 for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                 if isinstance(node, ast.Call) and getattr(node.func, "id", None) in
                 ("N_", "N_plural") and isinstance(node.args[0], ast.Constant)]
    assert len(templates) >= least
    assert [t for t in templates if not translated(t, "es")] == []


def test_a_publishs_diagnostics_are_said_in_spanish(tmp_path):
    """A sample of what publish says, each made as publish makes it, said in Spanish."""
    from pipeline.errors import StorageError
    from pipeline.publish.target import check_target_url
    from pipeline.publish.upload import parse_duration
    from pipeline.render.stored_record import shape_problem

    said = []
    for bad in ("1 week", "0m", "8d"):
        with pytest.raises(StorageError) as caught:
            parse_duration(bad)
        said += _in_spanish(caught.value.diagnostics, bad)
    for url in ("s3://", "file://", "ftp://user:secret@host/x"):
        with pytest.raises(StorageError) as caught:
            check_target_url(url)
        said += _in_spanish(caught.value.diagnostics, url)
    assert all("secret" not in text for _, text in said), said
    said += _in_spanish([warning(say(N_("render record %(problem)s"), problem=shape_problem(
        {"bytes": "12"})))], "record")
    assert ("'bytes'" in said[-1][1] and "registro" in said[-1][1]), said


def test_a_publishs_warnings_are_said_in_spanish(campaign, tmp_path):
    # A trial's Spanish terminal: "aviso: publish.related names blue-heart, blue-heart-tv, whose
    # pages are not at /tmp/pubes: the page's links answer 404 until they are published there
    # (sugerencia: publish the related campaigns' manifests to the same place (--to))".
    campaign.subtitle("nah")
    manifest = campaign.write([{"code": "nah", "treatment": "burn"},
                               {"code": "tzo", "treatment": "burn"}],
                              publish={"related": ["otra-campana", "tercera"]})
    rendered = tty.run(["render", str(manifest), "--lang", "nah"], cwd=campaign.root,
                       env=SPANISH, columns=300)
    assert rendered.status == 0, rendered.describe()
    target = (tmp_path / "dist").as_uri()
    published = tty.run(["publish", str(manifest), "--to", target], cwd=campaign.root,
                        env=SPANISH, columns=900)
    said = tty.said(published)
    related = next((line for line in said if "publish.related" in line), None)
    assert related is not None, published.describe()
    assert re.search(r": aviso: publish\.related nombra otra-campana y tercera, cuyas páginas "
                     r"no están en .*dist.*\(sugerencia: publique .*\(--to\)\)$",
                     related), related
    blocked = next((line for line in said if " tzo" in line and "aviso:" in line), None)
    assert blocked is not None and "no se publica" in blocked, published.describe()
    for english in ("whose page", "publish the related", "no rendered file", "not published",
                    "hint:", "warning:"):
        assert english not in published.text, (english, published.describe())


def test_waiting_for_another_render_is_said_in_spanish(monkeypatch, capsys):
    # A Spanish render behind another said "waiting for another render of this campaign".
    from pipeline.cli.common import say_waiting
    from pipeline.render.lock import Holder
    monkeypatch.setattr("pipeline.cli.language.terminal_language", lambda: "es")
    say_waiting(Holder(Path("build/blue-heart"), pid=4242, started=None, command="render"))
    assert capsys.readouterr().err == ("build/blue-heart: esperando a que termine otra "
                                       "ejecución de render en esta campaña (pid 4242)...\n")


# A media team's manifest with a slip in each part: a key mistyped, a code in capitals, a
# colour by name, a crop too small, a profile's CRF out of x264's range and an audio profile's
# codec, a phone without its country code, a clock pattern's unknown placeholder, and a burned
# language's missing subtitle file.
SLIPPED_MANIFEST = """\
    campaign: corazon-azul
    title: Corazón Azul
    source_language: spa
    spots:
      - id: spot
        master: ../media/spot.mp4
        crop: {width: 1, height: 1, x: 0, y: 0}
    languages:
      - code: nah
        treatmnt: burn
      - code: Zai
        treatment: dub
      - code: yua
        treatment: burn
        style: {color: red}
    profiles:
      tv:
        base: web
        crf: 60
      radio:
        base: radio-mp2
        loudness: -16
        sample_rate: 22050
    publish:
      contact: {name: Mesa, phone: "55 1234 5678"}
    clock: "BH-{spot}-{idioma}"
    """


def test_a_manifests_errors_are_said_in_spanish(campaign):
    # A trial's Spanish terminal: "manifests/x.yaml:10: error: unknown key 'treatmnt' in a
    # language (sugerencia: allowed keys: ...)": the manifest's errors were English under
    # Spanish labels.
    manifest = campaign.write_text(SLIPPED_MANIFEST)
    spanish = tty.run(["validate", str(manifest)], cwd=campaign.root, env=SPANISH, columns=900)
    english = tty.run(["validate", str(manifest)], cwd=campaign.root,
                      env={**SPANISH, "LANG": "C.UTF-8"}, columns=900)
    assert spanish.status == english.status == 1, spanish.describe()
    said = [line for line in tty.said(spanish) if ": error: " in line]
    assert len(said) == len([line for line in tty.said(english) if ": error: " in line]) >= 10
    expected = [
        ":7: error: crop es más pequeño que 2x2 píxeles",
        ":9: error: falta la clave obligatoria 'treatment' en una lengua",
        ":10: error: clave desconocida 'treatmnt' en una lengua (sugerencia: ¿quiso decir "
        "'treatment'? claves permitidas: also_called, clock, code",
        ":11: error: el código de lengua 'Zai' debe escribirse en minúsculas, 'zai'",
        ":13: error: faltan los subtítulos de la lengua 'yua' (burn): se esperaba ",
        ":15: error: style de yua.color 'red' no es un color de la forma #RRGGBB (sugerencia: "
        "escriba los colores como en HTML",
        ":19: error: perfil 'tv': crf 60 está fuera del rango de x264, de 0 a 51",
        "error: perfil 'radio': loudness -16 LUFS contradice ",
        "error: perfil 'radio': audio_bitrate 384k no es una tasa de MP2 a 22050 Hz",
        ":25: error: publish.contact.phone '55 1234 5678' no tiene código de país (sugerencia: "
        "escríbalo con + y su código de país",
        ":26: error: el patrón de clave 'BH-{spot}-{idioma}' usa un marcador desconocido "
        "{idioma} (sugerencia: use letras, dígitos y '-'",
    ]
    for text in expected:
        assert any(text in line for line in said), (text, spanish.describe())
    subtitles = next(line for line in said if "faltan los subtítulos" in line)
    assert "(sugerencia: ponga ahí el archivo de subtítulos" in subtitles, subtitles
    for english_word in ("hint:", "unknown key", "must be", "is not", "missing", "contradicts",
                         "has no", "e.g.", "profile '", "language code"):
        assert english_word not in spanish.text, (english_word, spanish.describe())
    # The same lines in English, word for word as ever.
    assert "error: unknown key 'treatmnt' in a language (hint: did you mean 'treatment'? " \
        "allowed keys: also_called, clock, code, forced_subtitles, name, qc, sdh, spots, style, " \
        "treatment)" in english.text
    assert "error: profile 'tv': crf 60 is outside x264's 0 to 51" in english.text


# What a manifest is told (pipeline/manifest/, and the checks it reads profiles, ranges and
# clock numbers with): every diagnostic, error and message a Message.
MANIFEST_FILES = (*sorted(Path("pipeline/manifest").glob("*.py")), Path("pipeline/profiles.py"),
                  Path("pipeline/ranges.py"), Path("pipeline/clock.py"))
MANIFEST_MAKERS = {**MAKERS, "PipelineError": 3, "ManifestError": 3, "MediaError": 3,
                   "RenderError": 3, "Reason": 1}


def test_every_message_of_a_manifest_can_be_said_in_spanish():
    """Each diagnostic reading a manifest makes is a `Message` (its text and its hint), and
    every template of those modules has its Spanish: a trial's Spanish terminal read the
    manifest's errors in English under "error" and "sugerencia"."""
    _assert_said_in_spanish(list(MANIFEST_FILES), MANIFEST_MAKERS, set(), least=150)


# What render/ and media/ say of a campaign's masters, profiles, variants and files, and the
# errors of ffmpeg and of the files it writes. Lines of the log (`log.warning`) are not
# diagnostics: a progress display that failed, a failure's memo not written.
RENDER = ("pipeline/render/medium.py", "pipeline/render/remake.py", "pipeline/render/strays.py",
          "pipeline/render/preview.py", "pipeline/render/preview_video.py",
          "pipeline/render/leveling.py", "pipeline/render/corrections.py",
          "pipeline/render/preview_sound.py", "pipeline/render/certificate.py",
          "pipeline/render/record.py", "pipeline/render/inputs.py",
          "pipeline/render/ebutt_sidecar.py", "pipeline/render/batch.py",
          "pipeline/render/deliveries.py", "pipeline/render/intermediates.py",
          "pipeline/render/remote.py", "pipeline/render/planner.py",
          "pipeline/render/treatments.py",
          "pipeline/render/variants.py",
          "pipeline/render/master_fit.py", "pipeline/media/audio_layout.py",
          "pipeline/media/audio_streams.py",
          "pipeline/media/programme.py", "pipeline/media/geometry.py",
          "pipeline/media/conform.py", "pipeline/media/audio_tags.py", "pipeline/media/ffmpeg.py",
          "pipeline/media/frame_times.py", "pipeline/media/track_header.py")
# Planning's `_block` (render/planner.py) makes an error of its text and hint: two of its calls
# said a mix without a bed and a master without sound in English in a Spanish terminal.
RENDER_MAKERS = {**MAKERS, "PipelineError": 3, "MediaError": 3, "RenderError": 3,
                 "StorageError": 3, "CommandLineError": 3, "_block": 2}
RENDER_ENGLISH_ONLY = {("ffmpeg.py", "_follow_progress"), ("batch.py", "_remember")}


def test_every_message_of_a_render_can_be_said_in_spanish():
    """Each diagnostic and error render/ and media/ make is a `Message` (its text and its
    hint), and every template of those modules has its Spanish: a trial's Spanish terminal read
    a radio spot's, a stray file's and a master's errors in English under "error" and
    "sugerencia"."""
    _assert_said_in_spanish([Path(path) for path in RENDER], RENDER_MAKERS,
                            RENDER_ENGLISH_ONLY, least=150)


def test_a_profiles_problems_keep_their_messages():
    """profiles.py's problems (said inside a manifest's errors) are each their English text
    and the message it was said from, which has its Spanish; none is written in English alone."""
    from dataclasses import replace

    from pipeline.profile_checks import encoder_problems, profile_problem
    from pipeline.profiles import BUILTIN_PROFILES, Profile
    web, mp2 = BUILTIN_PROFILES["web"], BUILTIN_PROFILES["radio-mp2"]
    wrong = [replace(web, video_codec="h265"), replace(web, preset="fastest"),
             replace(web, x264_profile="ultra"), replace(web, crf=60, qscale=40, fps=400.0),
             replace(web, x264_profile="baseline", pix_fmt="yuv422p"),
             replace(web, width=1919, audio_bitrate="fast", video_bitrate="0"),
             replace(web, width=100000, height=100000), replace(web, sample_rate=100),
             replace(mp2, sample_rate=24000), replace(mp2, audio_bitrate="250k"),
             replace(BUILTIN_PROFILES["voice-note"], opus_application="music"),
             Profile("x", 1920, 1080, container="wav"), Profile("x", 1, 1),
             Profile("x", 0, 0, medium="audio", container="mp3"),
             Profile("x", 0, 0, medium="audio", container="ogg", channels=6),
             Profile("x", 0, 0, medium="audio", container="webm")]
    problems = [why for profile in wrong for _, why in encoder_problems(profile)]
    problems += [found[1] for profile in wrong if (found := profile_problem(profile))]
    assert len(problems) >= 18
    for why in problems:
        assert localised(why.source.to_json(), "es") is not None, str(why)


def test_a_plans_errors_of_masters_and_files_are_said_in_spanish(campaign):
    # A trial's Spanish `plan` of a campaign with a radio spot given a subtitled language, a
    # programme_start timecode on a master that has none, and a file left in the output
    # folder: "error: language 'nah' uses 'burn', but spot 'radio' is a radio spot ...
    # (sugerencia: give the language a recorded track ...)". The video spot, blocked by its
    # timecode, is still a video spot: nah is refused on the radio spot its 'spots:' names.
    campaign.subtitle("nah")
    campaign.subtitle("tzo")
    (campaign.root / "subtitles/radio").mkdir()
    (campaign.root / "subtitles/radio/nah.srt").write_text(SRT, encoding="utf-8")
    data = campaign.data([{"code": "nah", "treatment": "burn", "spots": ["radio"]},
                          {"code": "tzo", "treatment": "soft"}])
    data["spots"][0]["programme_start"] = "10:00:00:00"
    data["spots"].append({"id": "radio", "title": "Radio", "master": "../media/spot.mp4",
                          "medium": "radio"})
    campaign.manifest.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    stray = campaign.out / "spot.yua.small.mp4"
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"left")
    spanish = tty.run(["plan", str(campaign.manifest)], cwd=campaign.root, env=SPANISH,
                      columns=900)
    said = spanish.text
    assert "Traceback" not in said, spanish.describe()
    assert re.search(r"error: la lengua 'nah' usa 'burn', pero el spot 'radio' es un spot de "
                     r"radio \(solo sonido\): sus lenguas usan 'dub' o 'mix' \(sugerencia: "
                     r"nombre un spot de video en los 'spots:' de la lengua", said), \
        spanish.describe()
    assert re.search(r"error: programme_start '10:00:00:00' es un código de tiempo, y \S+ no "
                     r"lleva ninguno en el cual contarlo \(sugerencia: dé el inicio del programa "
                     r"en segundos", said), spanish.describe()
    assert re.search(r"aviso: 1 archivo aquí no es de ninguna variante de campaign\.yaml "
                     r"\(spot/spot\.yua\.small\.mp4\): quedó de un spot, .*\(sugerencia: "
                     r"'pipeline clean \S+' los lista", said), spanish.describe()
    for english in ("uses 'burn'", "is a timecode", "belongs to no variant", "hint:",
                    "give the", "lists them"):
        assert english not in said, (english, spanish.describe())
    english = tty.run(["plan", str(campaign.manifest)], cwd=campaign.root,
                      env={"LANG": "C.UTF-8"}, columns=900)
    assert "error: language 'nah' uses 'burn', but spot 'radio' is a radio spot" in english.text
    assert "1 file here belongs to no variant of campaign.yaml" in english.text


def test_selectors_that_select_nothing_together_are_said_in_spanish(campaign):
    # `--lang nah --profile radio-mp3` of a subtitled language: said in English, its reasons
    # too, to a Spanish terminal.
    campaign.subtitle("nah")
    manifest = campaign.write([{"code": "nah", "treatment": "burn"}],
                              profiles={"small": {"base": "web", "width": 320, "height": 180},
                                        "radio-mp3": None})
    result = tty.run(["plan", str(manifest), "--lang", "nah", "--profile", "radio-mp3"],
                     cwd=campaign.root, env=SPANISH, columns=900)
    assert result.status == 2, result.describe()
    assert tty.said(result)[-1] == (
        "Error: --lang nah --profile radio-mp3: no se hace ninguna variante con todo esto a la "
        "vez (spot.nah.radio-mp3: 'burn' conserva el sonido propio del máster (spa): el perfil "
        "solo de audio 'radio-mp3' es para las lenguas dub y mix)"), result.describe()


def test_a_preview_of_a_profile_that_is_not_there_is_said_in_spanish(campaign):
    campaign.subtitle("nah")
    manifest = campaign.write([{"code": "nah", "treatment": "burn"}])
    result = tty.run(["preview", str(manifest), "--lang", "nah", "--profile", "nadie"],
                     cwd=campaign.root,
                     env=SPANISH, columns=900)
    line = tty.said(result)[-1]
    assert result.status == 2, result.describe()
    assert re.match(r"Error: --profile nadie: no hay un perfil con ese nombre en \S+campaign\.yaml,"
                    r" ni integrado \(sugerencia: perfiles ahí: small\)$", line), line


def test_clean_is_said_in_spanish_and_says_which_intermediates_it_examined(campaign):
    # A Spanish-terminal trial: clean's lines were English, and "every intermediate under
    # .work/ is used by a variant" followed the warning that a spot's .work/ was not examined.
    campaign.subtitle("nah")
    manifest = campaign.write([{"code": "nah", "treatment": "burn"}])
    rendered = tty.run(["render", str(manifest)], cwd=campaign.root, env=SPANISH, columns=300)
    assert rendered.status == 0, rendered.describe()
    stray = campaign.out / "spot.xyz.small.mp4"
    stray.write_bytes(b"an old variant")
    listed = tty.run(["clean", str(manifest)], cwd=campaign.root, env=SPANISH, columns=300)
    said = tty.said(listed)
    assert any(line.endswith(": 1 archivo de ninguna variante (14 bytes), sin borrar: --delete "
                             "lo borra") for line in said), said
    assert any(line.endswith(": cada archivo intermedio de .work/ lo usa alguna variante")
               for line in said), said
    # A language blocked (its subtitle file gone): its spot's .work/ is not examined, and the
    # line says of the folders it examined only.
    manifest = campaign.write([{"code": "nah", "treatment": "burn"},
                               {"code": "tzo", "treatment": "burn"}])
    blocked = tty.run(["clean", str(manifest)], cwd=campaign.root, env=SPANISH, columns=300)
    said = tty.said(blocked)
    assert any("no se examinó" in line or "no examinad" in line for line in said), said
    assert any(line.endswith(": cada archivo intermedio de las carpetas .work/ examinadas lo "
                             "usa alguna variante") for line in said), said
    for result in (listed, blocked):
        for english in ("of no variant", "every intermediate", "deletes them"):
            assert english not in result.text, (english, result.describe())


def test_a_diagnostic_s_line_said_inside_another_message_is_said_whole_in_spanish(monkeypatch):
    # A reason made from a diagnostic (an error of another file blocking a variant) went into
    # a Spanish sentence as its English line: "... error: ... (hint: ...)".
    from pipeline.cli.language import diagnostic_line, said
    from pipeline.errors import Reason, error, reason_message
    from pipeline.messages import N_, say

    found = error(say(N_("no bucket in %(url)s"), url="'s3:///x'"), "m.yaml", 3,
                  say(N_("write %(form)s"), form="s3://bucket/prefix"))
    inside = say(N_("%(reasons)s"), reasons=reason_message(Reason(found)))
    assert str(inside) == found.format()           # the English line, as ever
    from pipeline.cli import language

    monkeypatch.setattr(language, "terminal_language", lambda: "es")   # cached per process
    assert said(inside) == diagnostic_line(found) == (
        "m.yaml:3: error: no hay bucket en 's3:///x' (sugerencia: escriba s3://bucket/prefix)")


@pytest.mark.parametrize("codec, level", [(None, None), (None, -3.0), ("MP3", None)])
def test_a_clipped_take_in_one_block_is_said_in_one_fragment(monkeypatch, codec, level):
    # A trial's Spanish terminal: "repartidas en 1 fragmentos".
    from pipeline.cli import language
    from pipeline.cli.language import said
    from pipeline.media.defects import Defects
    from pipeline.render.sound_warnings import _clipping

    monkeypatch.setattr(language, "terminal_language", lambda: "es")
    for blocks, spanish in ((1, "un fragmento de 100 ms"), (3, "3 fragmentos de 100 ms")):
        defects = Defects(dc=(0.0,), clipped_samples=40, clipped_blocks=blocks, clipped_from=1.0,
                          clipped_to=1.1, codec=codec, clip_level=level)
        english = str(_clipping(defects, N_("dub")))
        assert ("one 100 ms block" if blocks == 1 and codec is None else "one of its 100 ms blocks"
                if blocks == 1 else "3 of its 100 ms blocks") in english, english
        assert spanish in said(_clipping(defects, N_("dub"))), said(_clipping(defects, "dub"))


def test_plans_line_of_each_master_is_said_in_spanish(campaign):
    # A Spanish-terminal trial: plan's line of how each master's picture is read was English
    # ("master .../spot: 320x180, ..., progressive (from the stream's flag); no start
    # timecode") among Spanish lines.
    campaign.subtitle("nah")
    data = campaign.data([{"code": "nah", "treatment": "burn"}])
    data["spots"][0] |= {"crop": {"width": 320, "height": 160, "x": 0, "y": 10},
                         "programme_start": 0.48}
    campaign.manifest.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    spanish = tty.run(["plan", str(campaign.manifest)], cwd=campaign.root, env=SPANISH,
                      columns=900)
    english = tty.run(["plan", str(campaign.manifest)], cwd=campaign.root,
                      env={"LANG": "C.UTF-8"}, columns=900)
    assert "máster test-campaign/spot: 320x180, SAR 1:1 (2:1), 25 fps, recortado a 320x160 en " \
        "0,10, progresivo (según el indicador del flujo); programa desde 0.480 s " \
        "(programme_start), sin código de tiempo de inicio" in tty.said(spanish), \
        spanish.describe()
    # Its English as ever: scripts and people read it.
    assert "master test-campaign/spot: 320x180, SAR 1:1 (2:1), 25 fps, cropped to 320x160 at " \
        "0,10, progressive (from the stream's flag); programme from 0.480 s in " \
        "(programme_start), no start timecode" in tty.said(english), english.describe()


def test_every_reading_of_a_masters_picture_has_its_spanish():
    """plan's line of a master in each of its shapes (a rate made constant, a display matrix, a
    crop, HDR, each way the scan was decided, a programme start and timecode) has its Spanish,
    and its English is the summary's."""
    from pipeline.media.conform import Master
    from pipeline.media.geometry import Crop, geometry_of
    from pipeline.media.probe import MediaInfo, Stream
    from pipeline.media.scan import FieldCounts, ScanDecision

    base = dict(index=0, kind="video", codec="h264", width=1920, height=1080, fps=25.0,
                sar="1:1", field_order="tt")
    videos = [Stream(**base),
              Stream(**base | dict(fps=30000 / 1001, rotation=90, variable_rate=True,
                                   average_fps=29.5, peak_fps=30.2)),
              Stream(**base | dict(variable_rate=True, average_fps=24.2, sar="4:3")),
              Stream(**base | dict(color_transfer="smpte2084", color_primaries="bt2020")),
              Stream(**base | dict(color_primaries="bt2020"))]
    some = FieldCounts(32, 30, 59, 0)
    decisions = [("flag", None), ("flag", FieldCounts(0, 0, 0, 76)), ("flag", some),
                 ("idet", some), ("idet unclear, flag", some),
                 ("idet overrules the progressive flag", some),
                 ("idet overrules the top-field-first flag (field_order tt)", some),
                 ("idet read no frame, flag", FieldCounts(0, 0, 0, 0)),
                 ("idet read no frame, no flag", FieldCounts(0, 0, 0, 0)),
                 ("no flag, no sample", None)]
    starts = [(None, 0.0), ("01:00:00:00", 0.0), ("10:00:00:00", 12.0), (None, 2.5)]
    said = []
    for n, (because, counts) in enumerate(decisions):
        video = videos[n % len(videos)]
        timecode, start = starts[n % len(starts)]
        crop = Crop(1920, 800, 0, 140) if n % 3 == 0 and not video.rotation else None
        info = MediaInfo(Path("m.mov"), 4.0, "mov", (video,), timecode=timecode,
                         programme_start=start)
        for scan in ("progressive", "tff", "bff"):
            master = Master(info, geometry_of(video, crop), ScanDecision(scan, because, counts),
                            None)
            assert str(master.summary_message()) == master.summary()
            said.append(localised(master.summary_message().to_json(), "es"))
    assert None not in said
    for english in ("from the", "frames", "progressive", "interlaced", "timecode",
                    "programme from", "stored", "cropped", "tone-mapped", "made constant", "flag",
                    "assumed"):
        assert not [line for line in said if english in line], english


def test_renders_bars_name_shared_work_and_its_state_in_spanish(campaign):
    # A Spanish-terminal trial: the rows of work variants share read "... picture" and
    # "... sound", and the levelling row's state was cut to "nivel…" in a 6-cell column.
    campaign.subtitle("tzo")
    campaign.audio("yua")
    # 640x360 from the 320x180 master: one picture for both, encoded before their copies; the
    # dub's track levelled first.
    campaign.write([{"code": "tzo", "treatment": "soft"}, {"code": "yua", "treatment": "dub"}],
                   profiles={"big": {"base": "web", "width": 640, "height": 360,
                                     "preset": "medium", "crf": 30}})
    result = tty.run(["render", str(campaign.manifest), "-j", "1"], cwd=campaign.root,
                     env=SPANISH, columns=100)
    assert result.status == 0, result.describe()
    lines = tty.drawn_lines(result.output)
    assert any("test-campaign/spot.big (imagen)" in line for line in lines), lines
    # The overall row counts the variants done ("84/364 variants") in Spanish too.
    assert any(line.startswith("0/2 variantes ") for line in lines), lines
    assert any(line.startswith("2/2 variantes ") for line in lines), lines
    assert any("test-campaign/spot.yua.big (sonido)" in line for line in lines), lines
    assert any(line.rstrip().endswith("nivelación") or " nivelación " in line
               for line in lines if "(sonido)" in line), lines
    for english in (" picture", " sound", "nivel…", "revis…"):
        assert not [line for line in lines if english in line], (english, lines)


def test_a_missing_font_and_audio_stream_are_said_in_spanish(campaign):
    # A Spanish-terminal trial: validate said "font "Nadie Sans" is not installed; fontconfig
    # would substitute ..." (its hint in English too) and "audio stream a:3 does not exist in
    # ..." in English under "error" and "sugerencia": the messages were lost on the way to
    # the manifest's line.
    campaign.subtitle("nah")
    (campaign.root / "subtitles/other").mkdir()
    (campaign.root / "subtitles/other/nah.srt").write_text(SRT, encoding="utf-8")
    data = campaign.data([{"code": "nah", "treatment": "burn", "style": {"font": "Nadie Sans"}}])
    data["spots"].append({"id": "other", "title": "Other", "master": "../media/spot.mp4",
                          "audio": {"streams": [3]}})
    campaign.manifest.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    spanish = tty.run(["validate", str(campaign.manifest)], cwd=campaign.root, env=SPANISH,
                      columns=900)
    english = tty.run(["validate", str(campaign.manifest)], cwd=campaign.root,
                      env={"LANG": "C.UTF-8"}, columns=900)
    assert spanish.status == english.status == 1, spanish.describe()
    assert re.search(r'error: la fuente "Nadie Sans" no está instalada; fontconfig la '
                     r'sustituiría por "[^"]+" \(\S+\) \(sugerencia: instálela', spanish.text), \
        spanish.describe()
    assert re.search(r"error: el flujo de audio a:3 no existe en \S+spot\.mp4 \(sus flujos de "
                     r"audio: a:0 \(flujo #1, aac stereo\)\)", spanish.text), spanish.describe()
    for english_words in ("is not installed", "does not exist", "install it", "stream #"):
        assert english_words not in spanish.text, (english_words, spanish.describe())
    assert 'error: font "Nadie Sans" is not installed; fontconfig would substitute' \
        in english.text, english.describe()
    assert re.search(r"error: audio stream a:3 does not exist in \S+spot\.mp4 \(its audio "
                     r"streams: a:0 \(stream #1, aac stereo\)\)", english.text), \
        english.describe()


def test_renders_last_lines_and_its_usage_errors_are_said_in_spanish(campaign):
    # A Spanish-terminal trial: "--strict: QC warnings on 1 variant", "exit code 1: 1 error
    # said above" and "--executor dask needs --scheduler ADDRESS" were English.
    campaign.subtitle("nah")     # the sample's last cue runs past the master's end: a warning
    manifest = campaign.write([{"code": "nah", "treatment": "burn"}],
                              publish={"contact": {"name": "Mesa", "phone": "55 1234 5678"}})
    strict = tty.run(["render", str(manifest), "--strict"], cwd=campaign.root, env=SPANISH,
                     columns=300)
    assert strict.status == 1, strict.describe()
    said = tty.said(strict)
    assert "código de salida 1: 1 error, señalado arriba" in said, strict.describe()
    assert "--strict: avisos de control de calidad en 1 variante" in said, strict.describe()
    dask = tty.run(["render", str(manifest), "--executor", "dask"], cwd=campaign.root,
                   env=SPANISH, columns=300)
    assert dask.status == 2 and tty.said(dask)[-1] == \
        "Error: --executor dask necesita --scheduler DIRECCIÓN", dask.describe()
    store = tty.run(["render", str(manifest), "--store", "s3://b/p"], cwd=campaign.root,
                    env=SPANISH, columns=300)
    assert store.status == 2 and tty.said(store)[-1] == "Error: --store va con --executor dask", \
        store.describe()
    english = tty.run(["render", str(manifest), "--strict"], cwd=campaign.root,
                      env={"LANG": "C.UTF-8"}, columns=300)
    assert "exit code 1: 1 error said above" in tty.said(english), english.describe()
    assert "--strict: QC warnings on 1 variant" in tty.said(english), english.describe()


def test_the_specimens_titles_are_in_the_terminals_language(campaign, monkeypatch):
    # A translator's preview in a Spanish terminal: every line said in Spanish, and the
    # specimen's titles drawn in English ("nah · Náhuatl · Noto Sans, 13 px em as on ...").
    from click.testing import CliRunner

    import pipeline.render.specimen as specimen
    campaign.subtitle("nah")
    manifest = campaign.write([{"code": "nah", "name": "Náhuatl", "treatment": "burn"}])
    scripts = []
    write = specimen.write_atomically
    monkeypatch.setattr(specimen, "write_atomically",
                        lambda path, text: (scripts.append(text), write(path, text))[1])
    monkeypatch.setattr("pipeline.cli.language.terminal_language", lambda: "es")
    result = CliRunner().invoke(cli, ["preview", str(manifest), "--lang", "nah", "--no-video"])
    assert result.exit_code == 0, result.output
    [script] = scripts
    assert re.search(r"nah · Náhuatl · [^,\n]+, em de \d+ px como en 320x180 \(small\)",
                     script), script
    assert "as on" not in script and "px em" not in script, script
