"""A command said in Spanish in a Spanish terminal (cli/language.py): a translator's `check` of
a file saved by Notepad as "ANSI", with an overlap and a cue read too fast, run as typed in a
pseudo-terminal whose locale is Mexican Spanish; the same file in English in the C locale."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.cli.language import diagnostic_line, language_of
from pipeline.errors import warning
from pipeline.messages import N_, say
from tests import terminal as tty

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
            "mix.srt > mix.srt.utf8 && mv mix.srt.utf8 mix.srt)") in said
    assert ("ncx.srt:5: error: el subtítulo 2 (empieza en 00:00:02,500) se encima con el "
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
