"""The page's model (cards, kinds of deliverable, previews, search keys), its language lists,
and its i18n layer: message catalogs, language names, figures per locale."""

from __future__ import annotations

import ast
import re
from html import unescape
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from pipeline.errors import PipelineError
from pipeline.manifest import PAGE_LANGUAGES, load_manifest
from pipeline.publish.bundles import bundle_stems, language_bundles
from pipeline.publish.cards import page_model
from pipeline.publish.deliverables import kind_of, playable
from pipeline.publish.i18n import (LOCALE_DIR, SOURCE_LANGUAGE, Formats, fold, language_name,
                                   misnamed_languages, translations, unnamed_languages)
from pipeline.publish.page import render_page
from pipeline.publish.qc_kinds import qc_kind

ROOT = Path(__file__).parent.parent


def variant(profile: str, ext: str, language: str = "tzo", spot: str = "spot", size: int = 1000,
            width: int | None = 640, **extra) -> dict:
    file = f"{spot}/{spot}.{language}.{profile}.{ext}"
    return {"spot": spot, "spot_title": "Spot", "language": language, "language_name": "Batsʼi kʼop",
            "treatment": "soft", "profile": profile, "file": file, "url": file, "bytes": size,
            "sha256": "0" * 64, "duration": 30.0, "width": width, "height": 360 if width else None,
            "sidecars": [], "warnings": [], **extra}


def page_catalog(*variants: dict) -> dict:
    """A catalog of `variants` with what the page's header reads."""
    return {"campaign": "c", "title": "C", "pipeline_version": "0",
            "generated": "2026-11-29T10:00:00Z", "variants": list(variants)}


def warned(*warnings: dict) -> dict:
    """A variant's `warnings` and `warning_codes` of {"code", "message"} dicts."""
    return {"warnings": [w["message"] for w in warnings],
            "warning_codes": [w["code"] for w in warnings]}


# --- kinds and previews -----------------------------------------------------------------------

@pytest.mark.parametrize("profile, ext, medium, label", [
    ("broadcast", "mov", "tv", "TV master (MOV, PCM audio)"),
    ("broadcast-mxf", "mxf", "tv", "TV master, MXF XDCAM HD422"),
    ("broadcast-prores", "mov", "tv", "TV master, ProRes 422 HQ"),
    ("radio", "wav", "radio", "Radio master, Broadcast WAV"),
    ("radio-mp3", "mp3", "radio", "Radio, MP3"),
    ("radio-mp2", "mp2", "radio", "Radio, MP2"),
    ("voice-note", "ogg", "messaging", "Voice note"),
    ("messaging", "mp4", "messaging", "Video for messaging apps"),
    ("vertical", "mp4", "web", "Vertical video for stories and reels"),
    # A manifest's own profile names: known by their file's extension.
    ("station-a", "mxf", "tv", "TV master (MXF)"),
    ("radio-aac", "m4a", "radio", "Radio, AAC"),
    ("radio-mp2-256", "mp2", "radio", "Radio, MP2"),
    ("whatsapp", "opus", "messaging", "Voice note"),
    ("small", "mp4", "web", "Video (MP4)"),
    ("odd", "xyz", "web", "Other file"),
])
def test_a_deliverable_is_known_by_its_profile_else_its_extension(profile, ext, medium, label):
    kind = kind_of(variant(profile, ext))
    assert (kind.medium, kind.label) == (medium, label)


def test_the_mp3_sends_stations_to_the_broadcast_wav_only_where_the_card_has_one():
    # The demo's video campaign (web, proxy, radio-mp3) told stations "to air, use the
    # Broadcast WAV" under every MP3, and had none.
    sound = {"loudness_lufs": -16.0, "true_peak_dbtp": -1.5, "poster_url": None, "width": None}
    alone = page_catalog(variant("web", "mp4", **{**sound, "width": 640}),
                         variant("radio-mp3", "mp3", **sound))
    with_wav = page_catalog(variant("radio", "wav", **sound), variant("radio-mp3", "mp3", **sound))
    uses = {}
    for name, catalog in (("alone", alone), ("with_wav", with_wav)):
        (spot,) = page_model(catalog)
        uses[name] = [d.kind.use for d in spot.cards[0].deliverables if d.kind.label == "Radio, MP3"]
    # Two trials' stations without loudness normalisation were not told which file is theirs.
    # A third took "no audio processor" as not its case (most FM stations have one on air).
    assert uses["with_wav"] == ["For streaming, and to air as it is at a station whose "
                                "automation does not level each file's loudness, with or "
                                "without an audio processor on air; where it does, air the "
                                "Broadcast WAV"]
    assert uses["alone"] == ["For streaming, and to air as it is at a station whose automation "
                             "does not level each file's loudness, with or without an audio "
                             "processor on air (it is louder than broadcast loudness, -23 LUFS)"]
    html = render_page(alone, "es")
    assert "emita el Broadcast WAV" not in html and "emitirlo tal como está" in html
    # What such a station does with a file at broadcast loudness, said once, on a page that
    # has one (the MP3s alone are near -16 LUFS: nothing to say).
    assert "unlevelled" not in html
    html = render_page(with_wav, "es")
    assert html.count('class="unlevelled"') == 0
    quiet = page_catalog(variant("radio", "wav", medium="radio",
                                 **{**sound, "loudness_lufs": -23.0, "true_peak_dbtp": -7.8}),
                         variant("radio-mp3", "mp3", **sound))
    html = render_page(quiet, "es")
    assert html.count('class="unlevelled"') == 1
    # How much its own file takes, on its line (a trial's station read the figure of another
    # language's file, 0.5 dB more than its own took); none on the MP3's.
    assert re.findall(r'<span class="headroom">([^<]*)</span>', html) == [
        "admite 6.8 dB más antes de que su pico real llegue a -1 dBTP"]
    # A TV page's -24 LKFS master is no radio file: no word of radio stations' music there.
    tv = page_catalog(variant("broadcast-mxf", "mxf", **{**sound, "loudness_lufs": -24.0}),
                      variant("web", "mp4", **{**sound, "width": 640}))
    assert 'class="unlevelled"' not in render_page(tv, "es")


def test_a_profile_derived_from_a_built_in_is_known_as_it(tmp_path):
    # `whatsapp: {base: messaging}`: a messaging video, not "Video (MP4)" filed under web.
    kind = kind_of(variant("whatsapp", "mp4", profile_base="messaging"))
    assert (kind.medium, kind.label) == ("messaging", "Video for messaging apps")
    manifest = tmp_path / "m.yaml"
    manifest.write_text("campaign: c\ntitle: C\nsource_language: spa\n"
                        "spots: [{id: s, master: s.mp4}]\n"
                        "languages: [{code: nah, treatment: burn}]\n"
                        "profiles: {whatsapp: {base: messaging, crf: 26}, web: {crf: 22}, "
                        "proxy: ~}\n", encoding="utf-8")
    profiles = {p.name: p for p in load_manifest(manifest).profiles}
    assert [profiles[name].kind for name in ("whatsapp", "web", "proxy")] == \
        ["messaging", "web", "proxy"]
    # Not a setting of the render: variants keep their fingerprints.
    assert "base" not in profiles["whatsapp"].settings()


def test_a_profile_that_changes_its_built_in_s_file_is_known_by_its_own(tmp_path):
    # A trial's `podcast-m4a: {base: radio-mp3, container: mp4, audio_codec: aac}` was headed
    # "Radio, MP3" (and its download "Descargar: Radio, MP3, Náhuatl") above its `.m4a` file.
    from pipeline.publish.catalog import build_catalog
    manifest = tmp_path / "m.yaml"
    manifest.write_text(
        "campaign: c\ntitle: C\nsource_language: spa\nspots: [{id: s, master: s.mp4}]\n"
        "languages: [{code: nah, name: Náhuatl, treatment: dub}]\n"
        "profiles: {podcast-m4a: {base: radio-mp3, container: mp4, audio_codec: aac,"
        " audio_bitrate: 128k}, mp3-128: {base: radio-mp3, audio_bitrate: 128k},"
        " radio-mp3: {container: mp4, audio_codec: aac}, radio: {audio_codec: pcm_s16le},"
        " mov-prores: {base: broadcast, video_codec: prores_ks, qscale: 2}}\n",
        encoding="utf-8")
    profiles = {p.name: p for p in load_manifest(manifest).profiles}
    # A bit rate or a PCM sample size keeps the built-in's kind; a container or codec does not.
    assert {name: p.file_kind for name, p in profiles.items()} == {
        "podcast-m4a": None, "mp3-128": "radio-mp3", "radio-mp3": None, "radio": "radio",
        "mov-prores": None}
    records = [{"spot": "s", "language": "nah", "profile": name,
                "file": f"s.nah.{name}.{profiles[name].extension}", "bytes": 1,
                "sha256": "0" * 64} for name in profiles]
    catalog = build_catalog(load_manifest(manifest), records, hashes={})
    labels = {v["profile"]: kind_of(v).label for v in catalog["variants"]}
    assert labels == {"podcast-m4a": "Radio, AAC", "mp3-128": "Radio, MP3",
                      "radio-mp3": "Radio, AAC", "radio": "Radio master, Broadcast WAV",
                      "mov-prores": "TV master (MOV)"}, labels
    catalog["variants"] = [v for v in catalog["variants"] if v["profile"] == "podcast-m4a"]
    page = render_page(catalog, "es")
    assert "Radio, MP3" not in page and "Para streaming y radio por internet" not in page
    assert '<span class="sr-only">: Radio, AAC, <span lang="nah">Náhuatl</span></span>' in page
    # A variant not generated yet is filed so too, by the extension its file would have.
    from pipeline.publish.missing import Missing, catalog_entries
    manifest_ = load_manifest(manifest)
    (entry,) = catalog_entries([Missing(manifest_.spots[0], manifest_.languages[0],
                                        profiles["podcast-m4a"], "not-rendered")])
    assert (kind_of({"file": "", **entry}).label, kind_of({"file": "", **entry}).medium) == \
        ("Radio, AAC", "radio")


def test_what_plays_in_place():
    assert playable(variant("web", "mp4")) == "video"
    assert playable(variant("broadcast-mxf", "mxf")) is None  # browsers do not play MXF
    assert playable(variant("radio", "wav", width=None)) == "audio"
    assert playable(variant("messaging", "mp4", width=None, medium="radio")) == "audio"


def test_one_card_per_spot_and_language_with_its_previews():
    catalog = {"variants": [
        variant("web", "mp4", size=9000),
        variant("proxy", "mp4", size=3000, sidecars=[
            {"file": "spot/spot.tzo.vtt", "url": "spot/spot.tzo.vtt", "format": "VTT"},
            {"file": "spot/spot.tzo.srt", "url": "spot/spot.tzo.srt", "format": "SRT"}]),
        variant("messaging", "mp4", size=1000),
        variant("radio", "wav", size=5000, width=None),
        variant("voice-note", "ogg", size=100, width=None),
        variant("radio-mp3", "mp3", size=2000, width=None),
        variant("broadcast-mxf", "mxf", size=90000, sidecars=[
            {"file": "spot/spot.tzo.broadcast-mxf.loudness.html", "url": "c.html", "format": "HTML"}]),
        variant("web", "mp4", language="ote"),
        variant("web", "mp4", spot="other"),
    ], "bundles": [{"language": "tzo"}]}
    spots = page_model(catalog)
    assert [(s.id, [c.language for c in s.cards]) for s in spots] == [("spot", ["tzo", "ote"]),
                                                                     ("other", ["tzo"])]
    card = spots[0].cards[0]
    assert [d.variant["profile"] for d in card.deliverables] == [
        "broadcast-mxf", "radio", "radio-mp3", "web", "messaging", "voice-note", "proxy"]
    assert card.media == ["tv", "radio", "web", "messaging"]
    # The proxy even though messaging is lighter; radio's lightest sound before the voice note.
    assert card.video.variant["profile"] == "proxy" and card.video.type == "video/mp4"
    assert [t["file"] for t in card.video.tracks] == ["spot/spot.tzo.vtt"]
    assert card.audio.variant["profile"] == "radio-mp3" and card.audio.type == "audio/mpeg"
    assert [s["file"] for s in card.subtitles] == ["spot/spot.tzo.srt", "spot/spot.tzo.vtt"]
    assert card.deliverables[0].certificate["url"] == "c.html"
    assert card.bundle == {"language": "tzo"} and spots[0].cards[1].bundle is None
    assert spots[0].cards[1].audio is None


def test_a_soft_language_s_burned_social_files_say_so_and_play_without_its_track():
    # Messaging apps and social feeds show no track: such a file of a soft language has its
    # subtitles burned (its catalog variant's treatment, the language's `language_treatment`),
    # which its row says; its card is the soft language's.
    vtt = [{"file": "spot/spot.tzo.vtt", "url": "spot/spot.tzo.vtt", "format": "VTT",
            "bytes": 900, "sha256": "1" * 64}]
    figures = {"loudness_lufs": -16.0, "true_peak_dbtp": -1.5, "poster_url": None}
    chat = variant("messaging", "mp4", size=1000, treatment="burn", language_treatment="soft",
                   sidecars=vtt, **figures)
    web = variant("web", "mp4", size=9000, sidecars=vtt, **figures)
    for order in ((chat, web), (web, chat)):
        (card,) = page_model({"variants": list(order)})[0].cards
        assert card.treatment == "soft"
        assert card.video.variant["profile"] == "messaging"     # the lighter
        assert card.video.tracks == ()                           # burned: no second text
    (card,) = page_model({"variants": [web]})[0].cards
    assert [t["file"] for t in card.video.tracks] == ["spot/spot.tzo.vtt"]
    # Its files all burned (a campaign for phones alone): a soft language's card still.
    (card,) = page_model({"variants": [chat]})[0].cards
    assert card.treatment == "soft"
    assert '<span class="burned">' in render_page(page_catalog(chat), "es")
    html = render_page(page_catalog(chat, web), "es")
    rows = dict(re.findall(r'<li class="file" data-medium="(\w+)">(.*?)</li>', html, re.S))
    assert '<span class="burned">subtítulos en la imagen</span>' in rows["messaging"]
    assert 'class="burned"' not in rows["web"]
    assert html.count('class="treatment treatment-soft"') == 1, html
    # A burn language's files say nothing more: its card says it once.
    burn = variant("messaging", "mp4", language="nah", treatment="burn", **figures)
    assert 'class="burned"' not in render_page(page_catalog(burn), "es")


def test_a_radio_spot_s_preview_is_a_coded_file_not_its_broadcast_wav():
    # A trial's community station on a 400 kbit/s line waited 30 s, stalling four times, to
    # hear a 5 s spot from its Broadcast WAV (2,304 kbit/s), beside a 16 kB voice note.
    sound = {"loudness_lufs": -23.0, "true_peak_dbtp": -3.0, "poster_url": None, "width": None,
             "duration": 5.0}
    wav = variant("radio", "wav", size=1_440_000, **sound)   # 2,304 kbit/s
    note = variant("voice-note", "ogg", size=15_600, **sound)
    mp3 = variant("radio-mp3", "mp3", size=160_000, **sound)
    flac = variant("radio", "flac", size=600_000, language="ote", **sound)
    (card,) = page_model({"variants": [wav, note]})[0].cards
    assert card.audio.variant["profile"] == "voice-note", card.audio
    (card,) = page_model({"variants": [wav, note, mp3]})[0].cards
    assert card.audio.variant["profile"] == "radio-mp3", card.audio     # the radio's, coded
    (card,) = page_model({"variants": [flac]})[0].cards
    assert card.audio.variant["file"].endswith(".flac")                  # the only one
    html = render_page(page_catalog(wav, note), "es")
    assert re.search(r'<p class="listen" [^>]*>Escuchar: Nota de voz[^<]* · 15[.,]6 kB</p>',
                     html), re.findall(r'<p class="listen".*?</p>', html)


def test_a_video_preview_says_what_it_downloads():
    # What play downloads, said beside the player: a 15-30 s spot's web file is megabytes, a
    # trial's station was on a 400 kbit/s line.
    sound = {"loudness_lufs": -16.0, "true_peak_dbtp": -1.5, "poster_url": None}
    html = render_page(page_catalog(variant("web", "mp4", size=2_400_000, **sound),
                                    variant("proxy", "mp4", size=830_000, **sound)), "es")
    assert re.findall(r'<p class="preview-size">(.*?)</p>', html) == [
        "Vista previa: Video ligero de vista previa · 830 kB"]


def test_subtitle_files_beside_a_master_with_a_leader_say_where_their_times_start():
    # A trial's station would have loaded the SRT against the MXF: every cue 12 s early.
    srt = {"file": "spot/spot.tzo.srt", "url": "spot/spot.tzo.srt", "format": "SRT", "bytes": 9,
           "sha256": "0" * 64}
    ebutt = {**srt, "file": "spot/spot.tzo.broadcast-mxf.ebutt.xml", "url": "e.xml"}
    master = variant("broadcast-mxf", "mxf", leader_duration=12.0, programme_duration=30.0,
                     sidecars=[ebutt], master={"programme_timecode": "10:00:00:00"})
    plain = {"poster_url": None, "loudness_lufs": None, "true_peak_dbtp": None}
    web = variant("web", "mp4", sidecars=[srt], **plain)
    html = render_page(page_catalog(web, {**master, **plain}), "es")
    rows = re.findall(r'<li class="file file-subtitles"[^>]*>(.*?)</li>', html, re.S)
    said = "tiempos contados desde el inicio del programa, que empieza a los 12 s del archivo"
    assert [said in row for row in rows] == [True, False], rows     # not on the EBU-TT's row
    alone = render_page(page_catalog(web), "es")
    assert "tiempos contados desde" not in alone
    # Two masters whose leaders differ: each said of its own master.
    prores = variant("broadcast-prores", "mov", leader_duration=5.0, programme_duration=30.0,
                     master={"programme_timecode": "10:00:00:00"})
    html = render_page(page_catalog(web, {**master, **plain}, {**prores, **plain}), "es")
    (srt_row,) = [row for row in re.findall(r'<li class="file file-subtitles"[^>]*>(.*?)</li>',
                                            html, re.S) if "tzo.srt" in row]
    timing = " ".join(re.search(r'<span class="timing">(.*?)</span>', srt_row, re.S)[1].split())
    assert timing == ("tiempos contados desde el inicio del programa, que empieza a los 5 s del "
                      "archivo de Máster para TV, ProRes 422 HQ; tiempos contados desde el inicio "
                      "del programa, que empieza a los 12 s del archivo de Máster para TV, MXF "
                      "XDCAM HD422"), timing


def test_the_card_plays_a_progressive_video_before_a_lighter_interlaced_one():
    # An interlaced H.264 file for a station (`scan: tff`) plays combed in a browser.
    woven = {"master": {"scan": "tff", "woven_from_fields": True}}
    both = page_model({"variants": [variant("tff", "mp4", size=1000, **woven),
                                    variant("web", "mp4", size=9000)]})
    assert both[0].cards[0].video.variant["profile"] == "web"
    alone = page_model({"variants": [variant("tff", "mp4", size=1000, **woven)]})
    assert alone[0].cards[0].video.variant["profile"] == "tff"      # combed beats none


@pytest.mark.parametrize("upscaled_from, said", [
    ([720, 480], "escalada desde SD (720×480)"),
    ([1280, 720], "imagen ampliada desde 1280×720"),
    (None, None)])
def test_a_master_made_by_enlarging_its_picture_says_from_what(upscaled_from, said):
    master = {"rate": "30000/1001", "scan": "tff", "woven_from_fields": True,
              **({"upscaled_from": upscaled_from} if upscaled_from else {})}
    catalog = page_catalog(variant("broadcast-mxf", "mxf", width=1920, loudness_lufs=-23.0,
                                   true_peak_dbtp=-1.0, poster_url=None, master=master))
    html = unescape(re.sub(r"<[^>]+>", "", render_page(catalog, "es")))
    line = next(line for line in html.splitlines() if "29,97 fps" in line or "29.97 fps" in line)
    expected = "entrelazado, campo superior primero" + (f"; {said}" if said else "")
    assert expected in line and ("escalada" in line or "ampliada" in line) == bool(said), line


def test_a_language_s_other_names_are_shown_but_those_the_card_shows_already():
    # "maya · también llamado maya": yua's Spanish name is maya.
    catalog = page_catalog(variant("web", "mp4", language="yua", loudness_lufs=-16.0,
                                   true_peak_dbtp=-1.0, poster_url=None))
    catalog["also_called"] = {"yua": ["Maya", "maaya"]}
    html = unescape(re.sub(r"<[^>]+>", "", render_page(catalog, "es")))
    assert "también llamado maaya" in html and "también llamado Maya" not in html, html


def test_a_web_file_of_an_enlarged_picture_says_so_beside_its_size():
    levelled = {"loudness_lufs": -16.0, "true_peak_dbtp": -1.0, "poster_url": None}
    catalog = page_catalog(variant("web", "mp4", width=1920, height=1080,
                                   upscaled_from=[720, 576], **levelled),
                           variant("proxy", "mp4", **levelled))
    html = unescape(re.sub(r"<[^>]+>", "", render_page(catalog, "es")))
    assert "1920×1080 · escalada desde SD (720×576)" in html, html
    assert "640×360 ·" in html and html.count("escalada") == 1


@pytest.mark.parametrize("converted, said", [
    ({"converted_from": "25/1", "pulldown": False},
     "convertida desde 25 fps sin compensación de movimiento: el movimiento da saltos"),
    ({"converted_from": "24000/1001", "pulldown": True}, "pulldown 2:3 desde 23.976 fps"),
    # 50p made 25p, a frame in 2 kept: no judder, and a station is not told of one.
    ({"converted_from": "50/1", "pulldown": False, "judders": False},
     "convertida desde 50 fps con movimiento regular"),
    ({}, None)])
def test_a_master_made_at_another_rate_says_from_which_and_how(converted, said):
    # A 25 fps master made at Mexico's 29.97 judders on air: the station is told on the page.
    master = {"rate": "30000/1001", "scan": "tff", "woven_from_fields": True, **converted}
    catalog = page_catalog(variant("broadcast-mxf", "mxf", width=1920, loudness_lufs=-23.0,
                                   true_peak_dbtp=-1.0, poster_url=None, master=master))
    html = unescape(re.sub(r"<[^>]+>", "", render_page(catalog, "es")))
    line = next(line for line in html.splitlines() if "29,97 fps" in line or "29.97 fps" in line)
    assert ("desde" in line) == bool(said) and (said is None or said in line), line


def test_each_subtitle_file_says_what_a_station_does_with_it():
    figures = {"loudness_lufs": -23.0, "true_peak_dbtp": -1.0, "poster_url": None}
    sidecars = [{"file": f"spot/spot.tzo.{ext}", "url": f"spot/spot.tzo.{ext}",
                 "format": ext.upper(), "bytes": 900, "sha256": "1" * 64}
                for ext in ("srt", "vtt", "ttml")]
    ebutt = {"file": "spot/spot.tzo.broadcast-mxf.ebutt.xml", "format": "EBU-TT",
             "url": "spot/spot.tzo.broadcast-mxf.ebutt.xml", "bytes": 2000, "sha256": "2" * 64}
    catalog = page_catalog(variant("web", "mp4", sidecars=sidecars, **figures),
                           variant("broadcast-mxf", "mxf", sidecars=[ebutt], **figures,
                                   master={"programme_timecode": "10:00:00:00"}))
    html = render_page(catalog, "es")
    rows = re.findall(r'<li class="file file-subtitles"[^>]*>.*?</li>', html, re.S)
    uses = {re.search(r'class="file-name">([^<]+)<', row)[1]:
            re.search(r'class="file-use">([^<]+)<', row)[1] for row in rows}
    assert uses == {
        "spot.tzo.srt": "Para sistemas de edición y de emisión que cargan los subtítulos desde un "
                        "archivo; también lo abre la mayoría de los reproductores",
        "spot.tzo.vtt": "Para sitios y reproductores web (los subtítulos de un video HTML5)",
        "spot.tzo.ttml": "Para plataformas de streaming y sistemas de subtítulos que aceptan "
                         "IMSC1 (TTML)",
        "spot.tzo.broadcast-mxf.ebutt.xml": "Para el sistema de subtítulos que los emite junto "
                                            "con el máster para TV"}


def test_a_warning_on_every_file_of_a_language_is_said_once_on_its_card():
    # A short dub's length and dead air are in each of its radio, MP3 and voice-note files:
    # listed under each, a station read them three times and lost the one of a single file.
    short = {"code": "duration-mismatch", "message": "the dub is 20.00 s long, the spot 29.70 s"}
    dead = {"code": "dead-air", "message": "the last 9.7 s of the spot would be silence"}
    wide = {"code": "loudness-range", "message": "loudness range 7.5 LU is wider than 7 LU"}
    texts = [w["message"] for w in (short, dead, wide)]
    figures = {"loudness_lufs": -23.0, "true_peak_dbtp": -2.0}
    catalog = {"campaign": "c", "title": "C", "pipeline_version": "0",
               "generated": "2026-11-29T10:00:00Z", "variants": [
                   variant("radio", "wav", width=None, **figures, warnings=texts,
                           warning_codes=["duration-mismatch", "dead-air", "loudness-range"]),
                   variant("radio-mp3", "mp3", width=None, **figures, warnings=texts[:2],
                           warning_codes=["duration-mismatch", "dead-air"]),
                   variant("voice-note", "ogg", width=None, **figures, warnings=texts[1::-1],
                           warning_codes=["dead-air", "duration-mismatch"]),
                   variant("radio", "wav", language="ote", width=None, **figures,
                           warnings=texts[:1],
                           warning_codes=["duration-mismatch"])]}
    (spot,) = page_model(catalog)
    tzo, ote = spot.cards
    assert [text for *_, text in tzo.shared_warnings] == texts[:2]
    assert [[text for *_, text in tzo.own_warnings(d)] for d in tzo.deliverables] == [
        texts[2:], [], []]
    # A card of one file keeps its warnings under it: there is no "every file" to speak of.
    assert ote.shared_warnings == [] and [t for *_, t in ote.own_warnings(ote.deliverables[0])] \
        == texts[:1]
    html = render_page(catalog, "es")
    tzo_html = html[html.index('id="card-spot-tzo"'):html.index('id="card-spot-ote"')]
    assert tzo_html.count(texts[0]) == tzo_html.count(texts[1]) == 1
    assert tzo_html.count(texts[2]) == 1
    shared = tzo_html.index("Avisos del control de calidad, en todos los archivos de esta lengua")
    assert shared < tzo_html.index(texts[0]) < tzo_html.index('class="files"') \
        < tzo_html.index(texts[2])
    assert tzo_html.count('class="warnings') == 2       # the card's and the WAV's
    ote_html = html[html.index('id="card-spot-ote"'):]
    assert "en todos los archivos" not in ote_html and ote_html.count(texts[0]) == 1


def test_a_warning_for_the_translator_alone_stays_off_the_page_and_in_the_catalog():
    # A letter typed composed in one cue and decomposed in another is burned alike and written
    # composed: nothing a station airs differs, so the page does not make it wonder.
    # Nor do an ASS file's own colours and fonts, left out (a trial's page told stations of the
    # file's lines 16, 17 and 18), or a ♪ drawn from a fallback font.
    forms = {"code": "unicode-forms", "message": "the same letter is typed in two Unicode forms"}
    style = {"code": "style", "message": "the colours and fonts of this ASS file are not used"}
    glyph = {"code": "glyph-fallback", "message": "font Noto Sans has no glyph for ♪"}
    # Nor a spelling's mix of apostrophes, with lines of a file the station never gets.
    marks = {"code": "apostrophes", "message": "look-alike apostrophes are mixed: U+0027 ' 2 "
             "times, in the cues of lines 1 and 11"}
    # Nor a voice-over that ends before its spot, its bed playing on (a trial's page said
    # "Grabación de duración distinta a la del spot" of a 5 s voice-over in a 20 s spot).
    short = {"code": "voice-over-short", "message": "the voice-over is 5.26 s long, the spot "
             "20.00 s: the sound under it plays alone for its last 14.74 s"}
    fast = {"code": "reading-speed", "message": "cue 2 reads at 25.0 characters per second"}
    catalog = page_catalog(variant("web", "mp4", poster_url=None, loudness_lufs=-23.0,
                                   true_peak_dbtp=-2.0, **warned(forms, style, glyph, marks,
                                                                 short, fast)))
    (spot,) = page_model(catalog)
    (deliverable,) = spot.cards[0].deliverables
    assert [text for *_, text in deliverable.warnings] == [fast["message"]]
    for language in ("es", "en"):
        html = render_page(catalog, language)
        assert fast["message"] in html
        assert not any(alone["message"] in html for alone in (forms, style, glyph, marks,
                                                              short))
    assert catalog["variants"][0]["warning_codes"] == [
        "unicode-forms", "style", "glyph-fallback", "apostrophes", "voice-over-short",
        "reading-speed"]


def test_a_warning_names_no_translator_s_file_and_profiles_as_the_page_labels_their_files():
    # A trial's page said "nah.wav: ... del perfil radio-mp3": a station has neither the
    # translator's recording nor the manifest. The records' texts and details, as a trial's.
    wide = ("loudness range %(range)s LU, measured per EBU Tech 3342, is wider than the limit of "
            "%(limit)s LU of profile %(profiles)s")
    detail = {"where": "nah.wav", "template": wide, "n": 2,
              "plural": wide.replace("of profile", "of profiles"),
              "params": {"range": {"number": 13.4, "format": ".1f"},
                         "limit": {"number": 11.0, "format": "g"},
                         "profiles": {"list": ["radio", "radio-mp3"]}}}
    fast = {"where": "nah.srt:5", "template": "no Spanish for %(cue)s", "params": {"cue": 2}}
    texts = ["nah.wav: loudness range 13.4 LU, measured per EBU Tech 3342, is wider than the "
             "limit of 11 LU of profiles radio and radio-mp3", "nah.srt:5: no Spanish for 2"]
    catalog = page_catalog(*(variant(profile, ext, language="nah", width=None, warnings=texts,
                                     loudness_lufs=-23.0, true_peak_dbtp=-2.0,
                                     warning_codes=["loudness-range", "reading-speed"],
                                     warning_details=[detail, fast])
                             for profile, ext in (("radio", "wav"), ("radio-mp3", "mp3"))))
    said = [unescape(re.sub(r"<[^>]+>", "", item)) for item in
            re.findall(r"<li><span class=\"warning-kind\">(.*?)</li>", render_page(catalog, "es"),
                       re.S)]
    assert said == [
        "Rango de sonoridad mayor que el límite del perfil: los pasajes suaves quedan muy por "
        "debajo de los fuertes: al aire pueden perderse bajo el ruido de fondo del oyente (rango "
        "de sonoridad: 13.4 LU; el límite de «Máster de radio, Broadcast WAV» y «Radio, MP3» es "
        "11 LU) Escúchelo antes de emitirlo.",     # what a station does of it (STATION_ACTIONS)
        # Said in English (no Spanish for it), without the file either.
        "Subtítulo demasiado rápido para leerlo: no Spanish for 2"]
    english = render_page(catalog, "en")
    assert "nah.wav" not in english and "nah.srt" not in english
    assert texts[0].removeprefix("nah.wav: ") in english       # the record's English text


def test_the_footer_says_how_a_station_checks_a_file_on_linux_and_windows():
    # A trial's footer told stations to run "pipeline verify", a tool they do not have, and
    # only sha256sum, which a Windows playout PC lacks.
    catalog = page_catalog(variant("radio", "wav", width=None, loudness_lufs=-23.0,
                                   true_peak_dbtp=-2.0))
    html = render_page(catalog, "es")
    footer = re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", html[html.index("<footer"):])))
    assert footer.startswith(
        " Compruebe un archivo antes de emitirlo: la suma SHA-256 que uno de estos comandos "
        "calcula para él debe ser la que se muestra junto a él en esta página. En Linux: sha256sum "
        "ARCHIVO En Windows (Símbolo del sistema o PowerShell): certutil -hashfile ARCHIVO SHA256 "
        "Para el equipo de medios de la campaña, que tiene el pipeline: "), footer
    assert "pipeline verify" in footer.split("equipo de medios", 1)[1]
    english = render_page(catalog, "en")
    assert '<code class="mono" id="check-windows">certutil -hashfile FILE SHA256</code>' in english


def test_a_warning_of_what_the_pipeline_corrected_says_there_is_nothing_to_do():
    # A station read that a dub "saldría al aire por un solo lado" and asked whether it could
    # air it: the pipeline had put its one side on both.
    one_sided = {"code": "one-sided", "message": "the dub has sound on its left channel only"}
    clipped = {"code": "clipping", "message": "the dub is clipped in 3 places"}
    catalog = page_catalog(variant("radio", "wav", width=None, loudness_lufs=-23.0,
                                   true_peak_dbtp=-2.0, **warned(one_sided, clipped)))
    html = render_page(catalog, "es")
    items = re.findall(r"<li><span class=\"warning-kind\">(.*?)</li>", html, re.S)
    assert len(items) == 2, items
    done = "Ya corregido en estos archivos: no hace falta hacer nada."
    assert items[0].startswith("Grabación en un solo canal") and done in items[0]
    assert items[1].startswith("Grabación saturada") and done not in items[1]
    assert "Corrected in these files: nothing to do." in render_page(catalog, "en")
    # A dub padded to its spot is corrected, but not when the padding is dead air to cut (a
    # radio trial's 8 s dub of a 30 s spot read "nothing to do" above "22.0 s of dead air").
    from pipeline.messages import N_, Number, say

    def length(seconds: float) -> dict:
        """A `length` warning as render/deliveries.py makes it, of a dub of `seconds` for a 4 s
        spot."""
        said = say(N_("the %(what)s is %(length)s s long, the spot %(spot)s s: %(difference)s "
                      "s shorter (tolerance %(tolerance)s s); it will be padded with silence")
                   if seconds < 4 else
                   N_("the %(what)s is %(length)s s long, the spot %(spot)s s: %(difference)s "
                      "s longer (tolerance %(tolerance)s s); its end is silence and will be cut"),
                   what="dub", length=Number(seconds, ".2f"), spot=Number(4.0, ".2f"),
                   difference=Number(abs(4.0 - seconds), ".2f"), tolerance=Number(0.5))
        return {"code": "length", "message": str(said), "detail": said.to_json()}

    short, longer = length(3.0), length(6.0)      # a longer one is cut: corrected
    dead = {"code": "trailing-silence", "message": "the dub's last 1.0 s is silence",
            "detail": None}
    for warnings, corrected in (((short,), True), ((short, dead), False), ((longer, dead), True)):
        figures = warned(*warnings) | {"warning_details": [w["detail"] for w in warnings]}
        html = render_page(page_catalog(variant("radio", "wav", width=None, loudness_lufs=-23.0,
                                                true_peak_dbtp=-2.0, **figures)), "es")
        items = re.findall(r"<li><span class=\"warning-kind\">(.*?)</li>", html, re.S)
        assert (done in items[0]) == corrected, items
        assert items[0].startswith("Grabación más corta que el spot, rellenada con silencio"
                                   if not corrected else "Grabación de duración distinta"), items
    # The master's streams the pipeline chose: the media team's, with the manifest key that
    # chooses them; nothing for a station (a trial's page showed it them).
    streams = {"code": "audio-streams", "message": "master.mp4 has two mono audio streams"}
    shown = render_page(page_catalog(variant("web", "mp4", loudness_lufs=-16.0, poster_url=None,
                                             true_peak_dbtp=-1.0, **warned(streams))), "es")
    assert "two mono audio streams" not in shown and 'class="warning-kind"' not in shown
    # A dub a second longer than the spot, its end silence: cut to the spot in every file (a
    # radio trial's station read "se cortará" as a cut to make).
    longer = {"code": "length", "message": "the dub is 26.00 s long, the spot 25.00 s"}
    (item,) = re.findall(r"<li><span class=\"warning-kind\">(.*?)</li>", render_page(
        page_catalog(variant("radio", "wav", width=None, loudness_lufs=-23.0,
                             true_peak_dbtp=-2.0, **warned(longer))), "es"), re.S)
    assert done in item, item


def test_an_earlier_version_is_said_once_when_every_file_of_a_language_is_one():
    old = {"reason": "changed", "what": ["subtitles"], "text": "Earlier version: ..."}
    srt = {"file": "spot/spot.tzo.srt", "url": "spot/spot.tzo.srt", "format": "SRT", "bytes": 10,
           "sha256": "1" * 64}
    shown = {"poster_url": None, "loudness_lufs": -16.0, "true_peak_dbtp": -1.0}
    catalog = {"campaign": "c", "title": "C", "pipeline_version": "0",
               "generated": "2026-11-29T10:00:00Z", "variants": [
                   variant("small", "mp4", outdated=old, sidecars=[srt], **shown),
                   variant("tall", "mp4", outdated=old, sidecars=[srt], **shown),
                   # ote: a new profile rendered since the settings changed: only its old
                   # file is an earlier version.
                   variant("small", "mp4", language="ote", outdated={**old, "what": ["settings"]},
                           **shown),
                   variant("tall", "mp4", language="ote", **shown)]}
    (spot,) = page_model(catalog)
    tzo, ote = spot.cards
    assert tzo.shared_outdated == old and ote.shared_outdated is None
    html = render_page(catalog, "es")
    tzo_html = html[html.index('id="card-spot-tzo"'):html.index('id="card-spot-ote"')]
    ote_html = html[html.index('id="card-spot-ote"'):]
    assert tzo_html.count('class="earlier ') == 1 and tzo_html.count("file-earlier") == 3
    assert tzo_html.index("después de generar estos archivos") < tzo_html.index('class="files"')
    assert ote_html.count('class="earlier ') == ote_html.count("file-earlier") == 1
    assert "hubo cambios en la configuración después de generar este archivo" in ote_html
    assert ote_html.index('class="files"') < ote_html.index('class="earlier ')


@pytest.mark.parametrize("what, marked", [
    (["master"], True), (["software"], True), (["subtitles", "settings"], True),
    (["settings"], False), (["dub recording"], False), (["music bed"], False),
    (["settings", "subtitle settings"], True)])
def test_subtitle_files_are_earlier_versions_with_the_files_made_from_their_sources(what, marked):
    # A trial's master re-cut, its soft language blocked by a cue now past the end: its MP4s
    # were said earlier versions, the old cut's subtitle files beside them were not.
    old = {"reason": "blocked", "what": what, "text": "Earlier version: ..."}
    srt = {"file": "spot/spot.tzo.srt", "url": "spot/spot.tzo.srt", "format": "SRT", "bytes": 10,
           "sha256": "1" * 64}
    shown = {"poster_url": None, "loudness_lufs": -16.0, "true_peak_dbtp": -1.0}
    both = [variant(name, "mp4", outdated=old, sidecars=[srt], **shown)
            for name in ("small", "tall")]
    (card,) = page_model({"variants": both})[0].cards
    subtitles = {"reason": "blocked", "what": [w for w in what if w != "settings"]}
    assert card.subtitles_outdated == {
        "spot/spot.tzo.srt": (old if subtitles["what"] == what else subtitles) if marked else None}
    # Said of what they are made from alone: not "the music bed was removed" (its files are
    # the last for now), which changed nothing of theirs.
    old = {"reason": "blocked", "what": ["master", "music bed"], "removed": ["music bed"],
           "text": "Last version for now: ..."}
    both = [variant(name, "mp4", outdated=old, sidecars=[srt], **shown)
            for name in ("small", "tall")]
    (card,) = page_model({"variants": both})[0].cards
    assert card.subtitles_outdated == {"spot/spot.tzo.srt": {"reason": "blocked",
                                                             "what": ["master"]}}
    html = unescape(render_page(page_catalog(*both), "en"))
    assert "the master changed after this file was generated" in html
    # One of them rendered since: the file is the current one.
    (card,) = page_model({"variants": [both[0], variant("tall", "mp4", sidecars=[srt],
                                                        **shown)]})[0].cards
    assert card.subtitles_outdated == {"spot/spot.tzo.srt": None}


def test_a_file_showing_no_subtitles_sends_stations_to_the_card_s_burned_one_if_it_has_one():
    # A messaging file told to keep a soft language's track: its page told stations to ask the
    # campaign for a version with the subtitles in the picture, the vertical file beside it.
    unseen = {"warnings": ["language 'tzo' is 'soft', but profile 'chat' makes a file for "
                           "messaging apps and social feeds, whose players show no subtitle "
                           "track: its viewers will see no subtitles"],
              "warning_codes": ["track-unseen"]}
    figures = {"loudness_lufs": -16.0, "true_peak_dbtp": -1.5, "poster_url": None}
    burned = {"treatment": "burn", "language_treatment": "soft", **figures}
    chat = variant("chat", "mp4", profile_base="messaging", **unseen, **figures)
    reel, square, web = (variant(name, "mp4", **burned) for name in ("vertical", "square", "web"))

    def action(*variants: dict, language: str = "es") -> str:
        html = unescape(re.sub(r"<[^>]+>", "", render_page(page_catalog(*variants), language)))
        return re.sub(r"\s+", " ", html.split("its viewers will see no subtitles", 1)[-1]
                      if language == "en" else html)

    assert "pida a la campaña una versión con los subtítulos en la imagen" in \
        action(chat, web).lower()     # a burned web file is no file for phones
    for variants, offered in (((chat, reel), "spot.tzo.vertical.mp4"),
                              ((chat, square, reel), "spot.tzo.square.mp4")):
        said = action(*variants)
        assert "use spot.tzo" in said.lower() and offered in said.split("subtítulos", 1)[1], said
        assert "pida a la campaña" not in said.lower(), said
        assert f"use {offered}, whose subtitles are in the picture" in action(
            *variants, language="en")
    (card,) = page_model({"variants": [chat, reel]})[0].cards
    assert [d.burned for d in card.deliverables] == ["spot.tzo.vertical.mp4"] * 2


def test_files_of_two_profiles_sharing_a_label_are_told_apart_by_their_profiles():
    # A profile of the campaign's own made from `web` and `web` itself: two rows "Video web",
    # two "Descargar: Video web" for a screen reader, and a preview of either.
    figures = {"loudness_lufs": -16.0, "true_peak_dbtp": -1.5, "poster_url": None}
    web = variant("web", "mp4", size=9000, **figures)
    small = variant("web-sd", "mp4", profile_base="web", size=3000, **figures)
    radio = variant("radio-mp3", "mp3", width=None, **figures)
    html = render_page(page_catalog(web, small, radio), "es")
    labels = re.findall(r'<span class="file-label" id="[^"]+">([^<]*)</span>', html)
    assert labels == ["Radio, MP3", "Video web (web)", "Video web (web-sd)"], labels
    downloads = re.findall(r'Descargar<span class="sr-only">: (.*?), <span lang', html)
    assert [unescape(said) for said in downloads] == labels
    assert "Vista previa: Video web (web-sd)" in unescape(html)
    # Alone, each says its label as before.
    html = render_page(page_catalog(small), "es")
    assert re.findall(r'<span class="file-label" id="[^"]+">([^<]*)</span>', html) == \
        ["Video web"]


def test_files_not_available_of_two_profiles_sharing_a_label_are_told_apart():
    # A trial's blocked card listed "Radio, MP3 · Radio, MP2 · Radio, MP3": its radio-mp3 and
    # its own MP3 profile made from it, told apart everywhere else on the page.
    figures = {"loudness_lufs": -16.0, "true_peak_dbtp": -1.5, "poster_url": None}
    catalog = page_catalog(variant("radio-mp3", "mp3", language="nah", width=None, **figures))
    catalog["variants_missing"] = [
        {"spot": "spot", "spot_title": "Spot", "language": "tzo", "language_name": "Batsʼi kʼop",
         "treatment": "dub", "profile": profile, "extension": "mp3",
         **({"profile_base": "radio-mp3"} if profile == "stream" else {}), "reason": "blocked",
         "reason_text": "blocked", "reason_detail": None}
        for profile in ("radio-mp3", "stream")]
    html = render_page(catalog, "en")
    (labels,) = re.findall(r'<li class="file file-unavailable"[^>]*>\s*<div class="file-what">'
                           r'\s*<span class="file-label">([^<]*)</span>', html)
    assert labels == "Radio, MP3 (radio-mp3) · Radio, MP3 (stream)", labels


def test_a_language_named_in_english_is_marked_english_for_screen_readers():
    # A trial's Mixtepec Mixtec, unnamed in its manifest and with no name of its own in CLDR:
    # its heading and every file's name for screen readers said "Mixtepec Mixtec" in lang="mix".
    shown = {"loudness_lufs": -16.0, "true_peak_dbtp": -1.5, "poster_url": None}
    catalog = page_catalog(variant("web", "mp4", language="mix", language_name="Mixtepec Mixtec",
                                   **shown),
                           variant("web", "mp4", language="tzo", **shown))
    html = render_page(catalog, "es")
    assert set(re.findall(r' lang="(\w+)">Mixtepec Mixtec', html)) == {"en"}, html
    assert html.count(' lang="en">Mixtepec Mixtec') >= 3      # heading, jump list, download
    assert set(re.findall(r' lang="(\w+)">Batsʼi kʼop', html)) == {"tzo"}


def test_a_portrait_spot_previews_in_the_video_its_picture_fills():
    # The trial's phone spot played on the page in its proxy: a 640x360 strip, 68 % black bars.
    bars = {"warnings": ["the 1080x1920 portrait picture fills 32 % of the frame"],
            "warning_codes": ["bars"]}
    catalog = {"variants": [variant("web", "mp4", size=9000, **bars),
                            variant("proxy", "mp4", size=3000, **bars),
                            variant("vertical", "mp4", size=8000, width=1080),
                            variant("web", "mp4", language="ote", size=9000, **bars),
                            variant("proxy", "mp4", language="ote", size=3000, **bars)]}
    tzo, ote = page_model(catalog)[0].cards
    assert tzo.video.variant["profile"] == "vertical"
    assert ote.video.variant["profile"] == "proxy"      # nothing fills its frame: as before


@pytest.mark.parametrize("written, typed", [
    ("Hñähñu", "hnahnu"), ("Batsʼi kʼop", "batsi kop"), ("Tuꞌun savi", "tuun savi"),
    ("Rarámuri", "raramuri"), ("Meʼphaa", "mephaa"), ("Jñatrjo", "jnatrjo"),
    ("Ñomndaa", "nomndaa"), ("NgiGua Ɨ", "ngigua i"), ("Diidxazá  (ZAPOTECO)", "diidxaza (zapoteco)"),
])
def test_search_keys_fold_what_people_cannot_type(written, typed):
    assert fold(written) == typed


def test_a_card_is_found_by_every_name_and_its_code():
    (spot,) = page_model({"variants": [variant("web", "mp4")]})
    key = spot.cards[0].search
    for query in ("batsi kop", "tzo", "tsotsil", "tzotzil"):
        assert fold(query) in key


# --- the language lists -----------------------------------------------------------------------

def records() -> list[dict]:
    return [{"spot": spot, "language": language, "profile": profile,
             "file": f"{spot}.{language}.{profile}.mp4", "poster": f"{spot}.{language}.{profile}.jpg",
             "sidecars": [f"{spot}.{language}.vtt"] if language == "tzo" else [],
             "certificate": f"{spot}.{language}.{profile}.loudness.html" if profile == "tv" else None}
            for spot in ("a", "b") for language in ("tzo", "yua") for profile in ("web", "tv")]


def test_language_lists_name_files_as_wget_saves_them():
    hashes = {}
    for record in records():
        for name in (record["file"], record["poster"], *record["sidecars"],
                     *([record["certificate"]] if record["certificate"] else [])):
            hashes[f"{record['spot']}/{name}"] = (1, name[:1] * 64)
    bundles = language_bundles(records(), hashes, lambda relative: f"https://cdn.example/c/{relative}")
    assert [b.language for b in bundles] == ["tzo", "yua"]
    tzo = bundles[0]
    lines = tzo.sums.decode().splitlines()
    assert lines[0] == f"{'a' * 64}  a.tzo.web.mp4"
    assert [line.split("  ")[1] for line in lines] == [
        "a.tzo.web.mp4", "a.tzo.vtt", "a.tzo.tv.mp4", "a.tzo.tv.loudness.html",
        "b.tzo.web.mp4", "b.tzo.vtt", "b.tzo.tv.mp4", "b.tzo.tv.loudness.html"]  # no posters
    urls = tzo.urls.decode().splitlines()
    assert urls[0] == "https://cdn.example/c/a/a.tzo.web.mp4"
    assert urls[-1] == "https://cdn.example/c/tzo.SHA256SUMS" and len(urls) == len(lines) + 1
    assert (tzo.sums_name, tzo.urls_name) == ("tzo.SHA256SUMS", "tzo.urls.txt")


def test_a_language_serving_several_media_has_a_bundle_for_each():
    """A community radio ticking Radio was offered a language's TV masters and web videos too."""
    hashes = {f"{r['spot']}/{name}": (1, name[:1] * 64) for r in records()
              for name in (r["file"], r["poster"], *r["sidecars"],
                           *([r["certificate"]] if r["certificate"] else []))}
    media = {"web.mp4": "web", "tv.mp4": "tv"}
    bundles = language_bundles(records(), hashes, str,
                               lambda relative: media[relative.split(".", 2)[-1]])
    assert [(b.language, b.medium) for b in bundles] == [
        ("tzo", None), ("tzo", "tv"), ("tzo", "web"), ("yua", None), ("yua", "tv"), ("yua", "web")]
    names = {b.stem: [line.split("  ")[1] for line in b.sums.decode().splitlines()] for b in bundles}
    # The WebVTT goes with both; the loudness certificate with the TV master it measures.
    assert names["tzo.tv"] == ["a.tzo.vtt", "a.tzo.tv.mp4", "a.tzo.tv.loudness.html",
                               "b.tzo.vtt", "b.tzo.tv.mp4", "b.tzo.tv.loudness.html"]
    assert names["tzo.web"] == ["a.tzo.web.mp4", "a.tzo.vtt", "b.tzo.web.mp4", "b.tzo.vtt"]
    assert bundles[1].urls.decode().splitlines()[-1] == "tzo.tv.SHA256SUMS"
    assert bundle_stems(records(), lambda relative: media[relative.split(".", 2)[-1]]) == [
        "tzo", "tzo.tv", "tzo.web", "yua", "yua.tv", "yua.web"]
    # A language made for one medium has its one bundle: its subtitle files add none.
    web_only = [r for r in records() if r["profile"] == "web"]
    assert bundle_stems(web_only, lambda relative: "web") == ["tzo", "yua"]


def test_two_files_of_a_language_on_one_basename_are_refused():
    clash = [{"spot": spot, "language": "tzo", "profile": "web", "file": "same.mp4", "poster": None,
              "sidecars": []} for spot in ("a", "b")]
    with pytest.raises(PipelineError, match="another file of language tzo has the name 'same.mp4'"):
        language_bundles(clash, {"a/same.mp4": (1, "a" * 64), "b/same.mp4": (1, "b" * 64)}, str)


# --- the i18n layer ---------------------------------------------------------------------------

def extracted_messages() -> set:
    """Every message the page's Python and templates mark, extracted as `make translations` does."""
    method_map = [("pipeline/publish/**.py", "python"), ("pipeline/publish/templates/**.j2", "jinja2")]
    options = {"pipeline/publish/templates/**.j2": {"trim_blocks": "True", "lstrip_blocks": "True",
                                                     "extensions": "jinja2.ext.i18n"}}
    return {message if isinstance(message, str) else message[0]
            for _, _, message, _, _ in extract_from_dir(str(ROOT), method_map, options,
                                                        keywords={"_": None, "N_": None,
                                                                  "gettext": None,
                                                                  "ngettext": (1, 2)})}


@pytest.mark.parametrize("language", [lang for lang in PAGE_LANGUAGES if lang != SOURCE_LANGUAGE])
def test_every_message_of_the_page_is_translated(language):
    with open(LOCALE_DIR / language / "LC_MESSAGES" / "page.po", "rb") as handle:
        catalog = read_po(handle, locale=language)
    translated = {m.id if isinstance(m.id, str) else m.id[0]: m for m in catalog if m.id}
    wanted = extracted_messages()
    assert len(wanted) > 60
    assert wanted - set(translated) == set(), "run `make translations` and translate the new messages"
    for message_id in wanted:
        message = translated[message_id]
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        assert all(strings) and not message.fuzzy, f"untranslated or fuzzy: {message_id!r}"
    assert [(m.id, errors) for m, errors in catalog.check() if errors] == []  # %(name)s placeholders


def test_the_loudness_gate_is_said_as_spanish_broadcast_engineers_say_it():
    # ITU-R BS.1770's gating (EBU R128's integrated loudness) keeps the 400 ms blocks over an
    # absolute threshold, then those within 10 LU of their loudness: "umbral absoluto" and
    # "umbral relativo" in Spanish broadcast usage. The page said "con compuerta", a noise
    # gate's word (a device that mutes a signal under its threshold), not a measurement's.
    with open(LOCALE_DIR / "es" / "LC_MESSAGES" / "page.po", "rb") as handle:
        catalog = read_po(handle, locale="es")
    gated = {message.id: message.string for message in catalog if message.id
             and re.search(r"\bgat(e|ed|ing)\b", str(message.id))}
    assert len(gated) == 12, sorted(gated)
    for english, spanish in gated.items():
        assert "compuerta" not in spanish and "umbral" in spanish, (english, spanish)
    gated_rms = [spanish for english, spanish in gated.items() if "RMS, gated)" in english
                 or "RMS (gated)" in english]
    assert len(gated_rms) == 6 and all("con umbral relativo)" in s for s in gated_rms), gated_rms


def test_translations_are_compiled_from_the_po():
    assert translations("es").gettext("Download") == "Descargar"
    assert translations("es").ngettext("%(num)s language", "%(num)s languages", 21) == "%(num)s lenguas"
    assert translations("en").gettext("Download") == "Download"


@pytest.mark.parametrize("code, spanish, english", [
    ("tzo", "tsotsil", "Tzotzil"),          # the curated catalog (CLDR has no Spanish name)
    ("zap", "zapoteco", "Zapotec"),         # CLDR, through langcodes and language_data
    ("es-MX", "español (México)", "Spanish (Mexico)"),
    ("yua", "maya", "Yucateco"),
])
def test_language_names_in_the_page_language(code, spanish, english):
    assert (language_name(code, "es"), language_name(code, "en")) == (spanish, english)


def test_figures_as_each_locale_writes_them():
    spanish, english = Formats("es"), Formats("en")
    # A TV master's rate as the catalog keeps it (before: "30000/1001" raised InvalidOperation
    # in Babel, and publish of a 29.97 fps campaign wrote its files but no catalog nor page).
    assert [spanish.frame_rate(rate) for rate in ("25/1", "30000/1001", "24000/1001",
                                                  "60000/1001", "50/1")] == [
        "25", "29.97", "23.976", "59.94", "50"]
    assert english.frame_rate("30000/1001") == "29.97"
    assert (spanish.size(12_345_678), english.size(12_345_678)) == ("12.3 MB", "12.3 MB")
    assert (spanish.size(999), spanish.size(1_500), spanish.size(2_000_000_000)) == \
        ("999 bytes", "1.5 kB", "2 GB")
    assert (english.size(695), english.size(1), spanish.size(1)) == ("695 bytes", "1 byte", "1 byte")
    assert (spanish.duration(29.97), english.duration(29.97)) == ("30 s", "30 sec")
    assert (spanish.duration(14.96), spanish.duration(90)) == ("15 s", "1 min 30 s")
    # The Spanish page is Mexico's: a decimal point and grouping commas (CLDR es_MX), not
    # Spain's "-23,0" and "63.840", which read as sixty-three point eight there.
    assert (spanish.decimal(-23.04), english.decimal(-23.04)) == ("-23.0", "-23.0")
    assert spanish.number(63_840) == "63,840"
    assert spanish.datetime("2026-11-29T10:00:00Z") == "29 de noviembre de 2026, 10:00:00\u202fa.m. UTC"
    assert english.datetime("2026-11-29T10:00:00Z") == "November 29, 2026, 10:00:00\u202fAM UTC"
    assert spanish.datetime("not a date") == "not a date"


# The trial's campaign (21 languages) showed these five in English on the Spanish page, its
# download links ("Todo en San Jerónimo Tecóatl Mazatec de una vez") and its certificates.
@pytest.mark.parametrize("code, spanish, english", [
    ("maa", "mazateco de San Jerónimo Tecóatl", "San Jerónimo Tecóatl Mazatec"),
    ("cux", "cuicateco de Tepeuxila", "Tepeuxila Cuicatec"),
    ("huv", "huave de San Mateo del Mar", "San Mateo Del Mar Huave"),
    ("chj", "chinanteco de Ojitlán", "Ojitlán Chinantec"),
    ("mfy", "mayo (yoreme)", "Mayo"),
])
def test_the_trials_languages_are_named_in_spanish_and_english(code, spanish, english):
    assert (language_name(code, "es"), language_name(code, "en")) == (spanish, english)


def spanish_catalog() -> dict[str, tuple[str, str]]:
    """{code: (ISO's English name, the Spanish name)} of locale/es/LC_MESSAGES/languages.po."""
    with open(LOCALE_DIR / "es" / "LC_MESSAGES" / "languages.po", "rb") as handle:
        catalog = read_po(handle, locale="es", domain="languages")
    return {m.id: (" ".join(m.auto_comments), m.string) for m in catalog if m.id}


# ISO's English words that a Spanish name must not keep: families, directions, landforms, and
# ISO's capitalised "De", "Del", "La" of place names ("San Mateo Del Mar").
ENGLISH = re.compile(
    r"\b(Mazatec|Chinantec|Mixtec|Zapotec|Cuicatec|Totonac|Huastec|Tepehuan|Ixcatec|Chontal"
    r"|Nahuatl|Otomi|Purepecha|Tlapanec|Me'phaa|Amuzgo|Triqui|Chatino|Popoloca|Popoluca|Huave"
    r"|Zoque|Mixe|Pame|Cora|Mazahua|Matlatzinca|Tarahumara|Huarijio|Kanjobal|Kekchí|Aguacateco"
    r"|Northern|Southern|Eastern|Western|Central|North|South|East|West|Northwest|Southeastern"
    r"|Southwestern|Highland|Lowland|Upper|Isthmus|Valley|Sign|Language|Creole|Classical"
    r"|Epigraphic|Mayan|Mexican|De|Del|La)\b")


def test_every_spanish_name_is_spanish():
    names = spanish_catalog()
    assert len(names) > 280                       # every ISO 639-3 language of Mexico
    for code, (iso, spanish) in names.items():
        assert re.fullmatch(r"[a-z]{3}", code), code
        assert iso, f"{code}: keep ISO's English name as the entry's comment"
        assert spanish and spanish[0].islower(), f"{code}: {spanish!r}, lower case first"
        assert not ENGLISH.search(spanish), f"{code}: {spanish!r} keeps English words"


LOCAL = '<span class="local-name">%s</span>'   # the name in the page's language, on a card


def mazatec_catalog() -> dict:
    """A campaign of one language, San Jerónimo Tecóatl Mazatec as its community writes it."""
    return {"campaign": "c", "title": "C", "pipeline_version": "0", "generated": "2026-11-29T10:00:00Z",
            "variants": [variant("vertical", "mp4", language="maa", language_name="Énná", poster_url=None,
                                 loudness_lufs=-23.0, true_peak_dbtp=-2.0, clock="BH-1", sha="0" * 64)]}


def test_a_language_without_a_spanish_name_is_not_named_in_english(monkeypatch):
    # As a code of Mexico not in the catalog: langcodes names it in English only.
    spanish = translations("es", "languages")
    monkeypatch.setattr(spanish, "gettext", lambda code: code)
    assert language_name("maa", "es", "Énná") == "Énná"           # the community's name
    assert language_name("maa", "es") == "maa"
    assert language_name("maa", "en", "Énná") == "San Jerónimo Tecóatl Mazatec"
    assert language_name("zap", "es", "Diidxazá") == "zapoteco"    # CLDR still names it
    catalog = mazatec_catalog()
    html = render_page(catalog, "es")
    # The community's name once, then the code; no English (the search keys are folded).
    assert '<span lang="maa">Énná</span>' in html and 'class="local-name"' not in html
    assert "Mazatec" not in html
    assert LOCAL % "San Jerónimo Tecóatl Mazatec" in render_page(catalog, "en")


def test_the_english_page_keeps_english_names():
    catalog = mazatec_catalog()
    english, spanish = render_page(catalog, "en"), render_page(catalog, "es")
    assert LOCAL % "San Jerónimo Tecóatl Mazatec" in english
    assert LOCAL % "mazateco de San Jerónimo Tecóatl" in spanish and "Mazatec" not in spanish


def test_validate_warns_of_a_language_the_pages_cannot_name(tmp_path, monkeypatch):
    manifest = tmp_path / "m.yaml"
    manifest.write_text("campaign: c\ntitle: C\nsource_language: spa\n"
                        "spots: [{id: s, master: s.mp4}]\n"
                        "languages:\n  - {code: maa, name: Énná, treatment: burn}\n"
                        "  - {code: zap, treatment: burn}\n", encoding="utf-8")
    loaded = load_manifest(manifest)
    assert unnamed_languages(loaded) == []
    spanish = translations("es", "languages")
    monkeypatch.setattr(spanish, "gettext", lambda code: code)
    found = unnamed_languages(loaded)
    assert [(d.line, d.code) for d in found] == [(6, "language-name")]
    assert "the Spanish page has no name in Spanish for 'maa', San Jerónimo Tecóatl Mazatec in " \
        "ISO 639: it shows the manifest's name, 'Énná', alone" in found[0].format()
    assert "(hint: if 'maa', San Jerónimo Tecóatl Mazatec, is the language you meant, ask the " \
        "pipeline's maintainers to name it in " in found[0].format()
    assert "languages.po" in found[0].format()


def test_validate_warns_of_a_name_that_says_another_language_than_its_code(tmp_path):
    # A trial's "(mazateco)" on `maz`, Mazahua's code: the page said "mazahua · maz" under it,
    # and nothing before it did.
    manifest = tmp_path / "m.yaml"
    manifest.write_text("campaign: c\ntitle: C\nsource_language: spa\n"
                        "spots: [{id: s, master: s.mp4}]\n"
                        "languages:\n  - {code: maz, name: Ayuuk (mazateco), treatment: burn}\n"
                        "  - {code: mxt, name: Mixteco Jamiltepec, treatment: burn}\n"
                        "  - {code: tzo, name: Batsʼi kʼop (tsotsil), treatment: burn}\n"
                        "  - {code: ote, name: Hñähñu, treatment: burn}\n"
                        "  - {code: nah, name: Náhuatl (mexicano), treatment: burn}\n"
                        "  - {code: cco, name: Jujmi (mazateco), treatment: burn}\n",
                        encoding="utf-8")
    found = misnamed_languages(load_manifest(manifest))
    # Each misnamed language, whatever the first one's family (a reviewer: the second was
    # left out once the first's family codes took the place of the codes asked for).
    assert [(d.line, d.code) for d in found] == [(6, "language-name"), (11, "language-name")], \
        found
    assert found[0].message == ("language 'maz' is named 'Ayuuk (mazateco)', which says mazateco; "
                                "'maz' is mazahua")
    assert found[0].hint.startswith("check the code: mazateco is maa, maj, maq, mau,")


def test_validate_warns_of_a_code_of_a_group_of_languages_left_without_a_name(tmp_path):
    # A trial's Spanish page headed cards "Zapotec" and "Otomian languages" (a macrolanguage
    # and a collective code, whose English names CLDR gives as their own), and validate said
    # nothing. Nahuatl's collective code has a name of its own; Tzotzil is one language.
    from click.testing import CliRunner

    from pipeline.cli.main import cli

    manifest = tmp_path / "m.yaml"
    manifest.write_text("campaign: c\ntitle: C\nsource_language: spa\n"
                        "spots: [{id: s, master: s.mp4}]\n"
                        "languages:\n  - {code: zap, treatment: burn}\n"
                        "  - {code: oto, treatment: burn}\n"
                        "  - {code: myn, name: Maaya t'aan, treatment: soft}\n"
                        "  - {code: nah, treatment: burn}\n  - {code: tzo, treatment: burn}\n",
                        encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(manifest)])
    said = [line for line in result.output.splitlines() if "group of languages" in line]
    assert said == [
        f"{manifest}:6: warning: language 'zap' has no name: and its code names a group of "
        "languages ('Zapotec', the page's heading for it): stations cannot tell which one it is "
        "(hint: use the code of the language the files are in (ISO 639-3) and give it a name: "
        "as its speakers write it)",
        f"{manifest}:7: warning: language 'oto' has no name: and its code names a group of "
        "languages ('Otomian languages', the page's heading for it): stations cannot tell which "
        "one it is (hint: use the code of the language the files are in (ISO 639-3) and give "
        "it a name: as its speakers write it)"], result.output


def test_the_families_of_mexico_have_spanish_names():
    # A trial's campaign gave "oto" (Otomian, ISO 639-5) for Otomí: validate asked the media
    # team to edit the package's catalog.
    assert language_name("oto", "es") == "lenguas otomíes (otomí y mazahua)"
    assert language_name("myn", "es") == "lenguas mayas"
    assert language_name("oto", "en") == "Otomian languages"


def test_every_language_of_the_demo_has_a_spanish_name():
    demo = load_manifest(ROOT / "manifests" / "blue-heart.yaml")
    english_only = [lang.code for lang in demo.languages
                    if language_name(lang.code, "es") == language_name(lang.code, "en")]
    assert english_only == [], "add them to locale/es/LC_MESSAGES/languages.po"


def parsed(path: Path) -> tuple[ast.Module, dict[str, ast.expr]]:
    """A module's tree, and its constants' values by name: a code given as a module's constant
    (`code=LIMITED`) is read from its assignment."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return tree, {target.id: node.value for node in tree.body if isinstance(node, ast.Assign)
                  for target in node.targets if isinstance(target, ast.Name)}


def warning_codes_in_the_code_base() -> dict[str, str]:
    """{code: where} of every code a check gives its warnings: `warning(..., code)` (fifth
    argument or keyword), the subtitle readers' `self.warn(..., code)` (last argument, or the
    keyword, or the default of their `def warn`)."""
    found: dict[str, str] = {}
    for path in sorted((ROOT / "pipeline").rglob("*.py")):
        tree, constants = parsed(path)
        for node in ast.walk(tree):
            candidates: list[ast.expr] = []
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                candidates = [k.value for k in node.keywords if k.arg == "code"]
                if name == "warning" and len(node.args) >= 5:
                    candidates.append(node.args[4])
                elif name == "warn" and len(node.args) >= 3:
                    candidates.append(node.args[-1])
                if name not in ("warning", "warn"):
                    candidates = []
            elif isinstance(node, ast.FunctionDef) and node.name == "warn":
                candidates = [d for a, d in zip(node.args.args[::-1], node.args.defaults[::-1])
                              if a.arg == "code"]
            for value in candidates:
                if isinstance(value, ast.Name):
                    value = constants.get(value.id, value)
                if isinstance(value, ast.Constant) and isinstance(value.value, str):
                    found[value.value] = f"{path.relative_to(ROOT)}:{node.lineno}"
    return found


def test_every_kind_of_qc_warning_is_named_for_the_page():
    codes = warning_codes_in_the_code_base()
    assert {"reading-speed", "clipping", "structure", "tags", "event", "loudness-range"} <= set(codes)
    unnamed = {code: where for code, where in codes.items() if qc_kind(code) is None}
    assert unnamed == {}, "add a label to pipeline/publish/qc_kinds.py"


# The modules that find, read and check a language's own recording (render/inputs.py's
# `_recording`, `find_delivery`): the errors they give it block its variants, and the page says
# each by its code. Others' errors on it lose their code there (probe.py's "empty" becomes
# recording-unreadable, inputs.py's `_recording`).
RECORDING_MODULES = ["render/deliveries.py", "render/delivery_files.py", "render/inputs.py",
                     "render/sound_warnings.py", "render/loudness_limits.py",
                     "render/sound_input.py", "render/split_mono.py", "media/probe.py",
                     "media/audio_layout.py", "media/audio_streams.py", "media/loudness.py",
                     "media/defects.py"]
ERRORS = {"error", "PipelineError", "MediaError", "RenderError"}


def error_codes_in(modules: list[str]) -> dict[str, str]:
    """{code: where} of every code the errors of `modules` carry: `error(...)` and the error
    classes' (fifth argument or `code=`), both sides of an `if ... else`, a module's constant
    by its name (one imported is found where it is made), and a code set on a caught error
    (`exc.code = exc.code or CODE`)."""
    found: dict[str, str] = {}
    for module in modules:
        path = ROOT / "pipeline" / module
        tree, constants = parsed(path)
        for node in ast.walk(tree):
            values: list[ast.expr] = []
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if name in ERRORS:
                    values = [k.value for k in node.keywords if k.arg == "code"]
                    values += node.args[4:5]
            elif isinstance(node, ast.Assign) and any(
                    isinstance(t, ast.Attribute) and t.attr == "code" for t in node.targets):
                values = [node.value]
            while values:
                value = values.pop()
                if isinstance(value, ast.IfExp):
                    values += [value.body, value.orelse]
                elif isinstance(value, ast.BoolOp):
                    values += value.values
                elif isinstance(value, ast.Name) and value.id in constants:
                    values.append(constants[value.id])
                elif isinstance(value, ast.Constant) and isinstance(value.value, str):
                    found.setdefault(value.value, f"pipeline/{module}:{node.lineno}")
    return found


def test_every_error_a_recording_can_carry_is_said_in_the_page_s_words():
    # A trial's Spanish page said a dub blocked by its wrong channel order in the check's
    # English, "blocked: the dub is loudest in a surround, its BL channel, ...", marked lang="en".
    from pipeline.publish.reasons import OTHER, blocked_message
    from pipeline.publish.wording import localised
    codes = error_codes_in(RECORDING_MODULES)
    assert {"recording-missing", "recording-unreadable", "recordings-several", "split-mono",
            "sound-past-end", "silent", "near-silent", "mostly-silent", "centre-empty",
            "lfe-content", "short-term-loudness"} <= set(codes), codes
    for treatment in ("dub", "mix"):
        said = {code: localised(blocked_message(code, treatment).to_json(), "es")
                for code in codes}
        generic = localised({"template": OTHER}, "es")
        unsaid = {code: codes[code] for code, words in said.items()
                  if words is None or words == generic}
        assert unsaid == {}, "give them words in pipeline/publish/reasons.py, Spanish in page.po"
        assert all("grabación" in words for words in said.values()), said
    assert localised(blocked_message("centre-empty", "dub").to_json(), "es") == (
        "la grabación del doblaje tiene un problema que el equipo está corrigiendo: sus canales "
        "llegaron en otro orden")
    # Any other error (a master's, a subtitle file's, one without a code): words of its own.
    for code in (None, "empty", "overlap"):
        assert localised(blocked_message(code, "dub").to_json(), "es") == (
            "uno de los archivos con que se hace tiene un problema que el equipo está corrigiendo")


def test_a_file_not_available_is_said_in_the_page_s_language_whatever_the_catalog_says(
        tmp_path):
    # A catalog written before the page had words for every reason has `reason_detail` null (or
    # a template the page's language lacks): its English `reason_text` was shown, "blocked:"
    # and all.
    from pipeline.publish.catalog import build_catalog
    from pipeline.publish.reasons import OTHER
    manifest = tmp_path / "m.yaml"
    manifest.write_text("campaign: c\ntitle: C\nsource_language: spa\n"
                        "spots: [{id: spot, master: s.mp4}]\n"
                        "languages: [{code: yua, treatment: dub}]\n"
                        "profiles: {web: ~}\n", encoding="utf-8")
    entry = {"spot": "spot", "spot_title": "Spot", "language": "yua", "language_name": "Maaya",
             "treatment": "dub", "profile": "web", "extension": "mp4", "reason": "blocked",
             "reason_text": "blocked: the dub is loudest in a surround, its BL channel",
             "reason_detail": None}
    for detail in (None, {"template": "a reason said later", "params": {}}):
        catalog = build_catalog(load_manifest(manifest), [], hashes={})
        catalog["variants_missing"] = [{**entry, "reason_detail": detail},
                                       {**entry, "profile": "proxy", "reason": "not-rendered",
                                        "reason_text": "not rendered yet", "reason_detail": detail}]
        spanish, english = render_page(catalog, "es"), render_page(catalog, "en")
        assert "blocked:" not in spanish and "loudest" not in spanish
        assert '<span lang="en">' not in spanish
        assert ("No disponible todavía: uno de los archivos con que se hace tiene un problema "
                "que el equipo está corrigiendo") in spanish
        assert "No disponible todavía: aún no se ha generado" in spanish
        # English is the templates' language: a later catalog's words are said as written.
        assert f"Not available yet: {detail['template'] if detail else OTHER}" in english
        assert "blocked:" not in english


def test_the_catalog_says_which_built_in_a_profile_derives_from(tmp_path):
    from pipeline.publish.catalog import build_catalog
    manifest = tmp_path / "m.yaml"
    manifest.write_text("campaign: c\ntitle: C\nsource_language: spa\n"
                        "spots: [{id: s, master: s.mp4}]\nlanguages: [{code: nah, treatment: burn}]\n"
                        "profiles: {whatsapp: {base: messaging}, web: ~}\n", encoding="utf-8")
    records = [{"spot": "s", "language": "nah", "profile": name, "file": f"s.nah.{name}.mp4",
                "bytes": 1, "sha256": "0" * 64} for name in ("whatsapp", "web")]
    whatsapp, web = build_catalog(load_manifest(manifest), records, hashes={})["variants"]
    assert whatsapp["profile_base"] == "messaging" and "profile_base" not in web
    assert kind_of(whatsapp).label == "Video for messaging apps"


def test_the_languages_a_campaign_has_but_the_page_does_not_are_named(tmp_path):
    # A trial's campaign of 8 languages was published with 2 blocked: the page said "6
    # languages", and a station took the campaign for one of 6.
    from pipeline.publish.catalog import build_catalog
    manifest = tmp_path / "m.yaml"
    manifest.write_text("campaign: c\ntitle: C\nsource_language: spa\n"
                        "spots: [{id: s, master: s.mp4}]\n"
                        "languages: [{code: nah, treatment: burn}, {code: yua, treatment: dub},"
                        " {code: tar, name: Rarámuri, treatment: dub}]\n"
                        "profiles: {web: ~}\n", encoding="utf-8")
    records = [{"spot": "s", "language": "nah", "profile": "web", "file": "s.nah.web.mp4",
                "bytes": 1, "sha256": "0" * 64}]
    catalog = build_catalog(load_manifest(manifest), records, hashes={})
    assert [item["code"] for item in catalog["languages_missing"]] == ["yua", "tar"]
    spanish, english = render_page(catalog, "es"), render_page(catalog, "en")
    # Each named as the page names languages (language_name), with its code.
    assert ('id="languages-missing">Aún no disponibles: maya (yua) y tarahumara (tar)<'
            in spanish)
    # The header counts the languages of the cards, as the filter does: these have none here.
    assert re.search(r"· 1 lengua\s+·", spanish), spanish[:3000]
    # Blocked ones have their cards (a radio trial's page said "11 lenguas" above "Se muestran
    # 13 de 13 lenguas"): counted there.
    catalog["variants_missing"] = [
        {"spot": "s", "spot_title": "S", "language": code, "language_name": code,
         "treatment": "dub", "profile": "web", "extension": "mp4", "reason": "blocked",
         "reason_text": "blocked", "reason_detail": None} for code in ("yua", "tar")]
    blocked = render_page(catalog, "es")
    assert re.search(r"· 3 lenguas\s+·", blocked), blocked[:3000]
    assert "Ir a una lengua (3)" in blocked
    assert (f'id="languages-missing">Not available yet: {language_name("yua", "en")} (yua) '
            f'and {language_name("tar", "en", "Rarámuri")} (tar)<' in english)
    # A catalog without missing languages, or older than the key, says nothing.
    del catalog["languages_missing"]
    assert "languages-missing" not in render_page(catalog, "es")


def test_each_built_in_file_says_what_a_station_does_with_it():
    # A radio operator could not tell which file to air: the MP3 (streaming's -16 LUFS) sat
    # beside the Broadcast WAV (R128's -23) with nothing between them but their names.
    catalog = {"campaign": "c", "title": "C", "pipeline_version": "0",
               "generated": "2026-11-29T10:00:00Z",
               "variants": [variant(profile, ext, width=None, poster_url=None, loudness_lufs=-23.0,
                                    true_peak_dbtp=-2.0, clock=None, sha="0" * 64)
                            for profile, ext in (("radio", "wav"), ("radio-mp3", "mp3"),
                                                 ("proxy", "mp4"))]}
    spanish, english = render_page(catalog, "es"), render_page(catalog, "en")
    uses = re.findall(r'<span class="file-use">([^<]*)</span>', spanish)
    assert uses == ["Para emitir en radio donde la automatización nivela la sonoridad de cada "
                    "archivo (EBU R128, -23 LUFS): para la consola o el sistema de "
                    "automatización; reproducido tal como está, suena más bajo que casi todo lo "
                    "que se emite",
                    "Para streaming, y para emitirlo tal como está en una emisora cuya "
                    "automatización no nivela la sonoridad de cada archivo, tenga o no "
                    "procesador de audio al aire; donde sí la nivela, emita el Broadcast WAV",
                    "Solo para revisar; no para emitir"], uses
    assert "To air on radio where the automation levels each file's loudness" in english
    # A kind known only by its file's extension (a manifest's own profile) claims no use.
    catalog["variants"] = [variant("mine", "flac", width=None, poster_url=None,
                                   loudness_lufs=-23.0, true_peak_dbtp=-2.0, clock=None,
                                   sha="0" * 64)]
    assert 'class="file-use"' not in render_page(catalog, "es")


def test_the_manifest_s_order_is_put_back_from_its_parts():
    """Cards of files and of missing files, each list in manifest order, interleave as the
    manifest has them (manifest_order.manifest_order); repeats and names with no order stay
    as met."""
    from pipeline.publish.manifest_order import manifest_order

    rank = manifest_order([["ote", "yua", "yua", "tar"], ["tzo", "tar"], ["ote", "tzo"],
                           ["mto"]])
    assert sorted(rank, key=rank.get) == ["ote", "yua", "tzo", "tar", "mto"]
    many = [f"l{n:04d}" for n in range(2000)]
    rank = manifest_order([many[::2], many[1::2], many])     # linear, not quadratic, in names
    assert sorted(rank, key=rank.get) == many


# --- whom to ask (the catalog's contact) --------------------------------------------------------

def test_whom_to_ask_is_said_by_the_ways_the_contact_gives():
    from pipeline.publish.contact import page_contact

    phone = {"phone": "+525512345678", "phone_display": "+52 55 1234 5678"}
    alone = page_contact(phone, "es")
    tel = '<a href="tel:+525512345678">+52 55 1234 5678</a>'
    assert alone.sentence == f"¿Dudas sobre estos archivos? Llame al {tel}."
    # All of a language's files, and a number with its extension, dialled after the number.
    assert alone.before_airing(2) == f"Antes de emitirlos, llame al {tel}."
    extension = page_contact({**phone, "phone_extension": "12"}, "en")
    assert 'href="tel:+525512345678;ext=12"' in extension.ask
    web = page_contact({"name": "Desk", "url": "https://example.org/x?a=1&b=2"}, "en")
    assert web.sentence == ('Questions about these files? Ask <strong>Desk</strong>: visit '
                            '<a href="https://example.org/x?a=1&amp;b=2">https://example.org/'
                            'x?a=1&amp;b=2</a>.')
    assert web.ask == 'ask <a href="https://example.org/x?a=1&amp;b=2">Desk</a>'
    # What a catalog may not make a link of is none; nothing left to reach them by, no block.
    assert page_contact({"name": "Desk", "url": "javascript:alert(1)"}, "es") is None
    assert page_contact(None, "es") is None
    evil = page_contact({"email": 'a"><script>@x.org'}, "es")
    assert "<script>" not in evil.sentence and 'href="mailto:a%22%3E%3Cscript%3E@x.org"' in evil.ask


def test_the_figures_say_where_a_clock_number_goes_on_a_page_that_has_one():
    # A trial's station read "Clave del spot" with no word of what its automation does with it.
    sound = {"loudness_lufs": -23.0, "true_peak_dbtp": -1.5, "poster_url": None, "width": None}
    with_clock = render_page(page_catalog(variant("radio", "wav", clock="UNBH-15-nah", **sound)),
                             "es")
    help_box = with_clock.split('id="figures-help"', 1)[1].split("</details>", 1)[0]
    assert "<dt>Clave del spot</dt>" in help_box and "chunk cart (CutID)" in help_box
    without = render_page(page_catalog(variant("radio", "wav", **sound)), "es")
    assert "<dt>Clave del spot</dt>" not in without
