"""A file published as rendered before its inputs changed is marked on the page as an earlier
version, in words, in the page's language.

A translator corrected a language's subtitles after the render and the media team published
without rendering again: publish sent the old file and warned in the terminal, but catalog.json
and the page said nothing, and a station aired subtitles since corrected. A real render of a
small campaign; then one language's subtitles corrected (changed: rendering makes it again) and
another's given an error (blocked: it cannot be rendered until that is fixed), a third's dub
recording taken out of the folder (blocked, and said as removed); published to a
folder; the catalog read as JSON, the page in headless Chromium (tests/test_page_missing.py's
way).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.fingerprint import HashCache
from pipeline.manifest import load_manifest
from pipeline.publish.outdated import Outdated, of_subtitles, page_note
from pipeline import RENDER_VERSION
from pipeline.render.status import what_changed
from pipeline.render.variants import Variant, VariantPlan
from tests.conftest import SMALL_PROFILES, SRT
from tests.test_page_browser import (  # noqa: F401
    ARTIFACTS,
    browser,
    context,
    open_page,
)
from tests.test_page_missing import invoke


# Cue 2 starts before cue 1 ends, at the same row of the screen: an error (subtitles/checks.py).
OVERLAPPING = SRT.replace("00:00:00,500 --> 00:00:01,800", "00:00:00,500 --> 00:00:02,800")


@pytest.mark.parametrize("code, reasons, what", [
    ("yua", ["audio changed (/home/media/audio/spot/yua.wav)"], ["dub recording"]),
    ("tar", ["audio changed (/a/tar.wav)", "music_bed changed (/a/bed.wav)"],
     ["voice-over recording", "music bed"]),
    ("yua", ["master changed (/m.mp4)", "settings changed: loudness.target",
             "render version 3 -> 4", "ffmpeg version changed"],
     ["master", "settings", "software"]),
    ("tzo", ["font:Title changed (/f.ttf)", "new input: subtitles", "input dropped: font"],
     ["font", "subtitles"]),
    # Said of a stale variant but not of its inputs: not which changed.
    ("tzo", ["its last render failed (2026-11-30T10:02:11Z): ffmpeg failed"], ["inputs"]),
])
def test_what_changed_is_said_in_stable_words(campaign, tmp_path, code, reasons, what):
    manifest = load_manifest(campaign.write([{"code": "yua", "treatment": "dub"},
                                             {"code": "tar", "treatment": "mix"},
                                             {"code": "tzo", "treatment": "burn"}]))
    language = next(language for language in manifest.languages if language.code == code)
    plan = VariantPlan(Variant(manifest, manifest.spots[0], language, manifest.profiles[0]),
                       status="stale", reasons=reasons)
    record = {"spot": "spot", "language": code, "profile": "small"}
    outdated = Outdated(plan, record, HashCache(tmp_path / "cache.json"))
    assert outdated.to_json()["what"] == what
    assert outdated.reason == "changed" and "/" not in outdated.text
    # Spanish, with the locale's list; a word a later catalog adds said as the inputs.
    assert page_note({"reason": "blocked", "what": ["subtitles", "dub recording", "new thing"]},
                     "es") == ("Versión anterior", "hubo cambios en los subtítulos, la grabación "
                               "del doblaje y los archivos de los que se genera después de generar "
                               "este archivo; la versión nueva tiene un error que se está "
                               "corrigiendo.")


def test_a_removed_input_is_said_as_removed_not_as_changed(campaign, tmp_path):
    # A recording taken out after the render blocks its variant: no fix is under way, as
    # "has an error that is being fixed" said; a new version waits for a new delivery.
    manifest = load_manifest(campaign.write([{"code": "yua", "treatment": "dub"}]))
    plan = VariantPlan(Variant(manifest, manifest.spots[0], manifest.languages[0],
                               manifest.profiles[0]), status="blocked")
    kept = campaign.subtitle("yua")
    record = {"spot": "spot", "language": "yua", "profile": "small",
              "inputs": {"audio": {"path": str(tmp_path / "gone.wav"), "sha256": "0"},
                         "master": {"path": str(kept), "sha256": "1"}}}
    outdated = Outdated(plan, record, HashCache(tmp_path / "cache.json"))
    assert outdated.to_json() == {
        "reason": "blocked", "what": ["dub recording", "master"], "removed": ["dub recording"],
        "text": "Last version for now: the file of the dub's recording was removed "
                "after this file was generated; a new version can be generated only when it is "
                "delivered again."}
    # A stale plan has what replaced a gone file (a rename): nothing is said removed.
    plan.status = "stale"
    assert "removed" not in Outdated(plan, record, HashCache(tmp_path / "c2.json")).to_json()
    two = {"reason": "blocked", "what": ["subtitles", "dub recording"],
           "removed": ["subtitles", "dub recording"]}
    # Headed with what a station needs: these are the last files made, none newer is on its
    # way (a corrected file's heading, "Earlier version", said one was).
    assert page_note(two, "en", files=2) == (
        "Last version for now", "the files of the subtitles and the dub's recording were removed "
        "after these files were generated; new versions can be generated only when they are "
        "delivered again.")
    assert page_note(two, "es") == (
        "Última versión por ahora", "quitaron los subtítulos y la grabación del doblaje "
        "después de generar este archivo; la versión nueva solo se podrá generar con una nueva "
        "entrega.")


def test_what_changed_reads_the_reasons_as_the_plan_writes_them(campaign, tmp_path):
    # outdated.py reads render/status.py's sentences: written by `what_changed` itself here,
    # so a change of their wording fails this test, not the page's words unseen.
    manifest = load_manifest(campaign.write([{"code": "tar", "treatment": "mix"}]))
    plan = VariantPlan(Variant(manifest, manifest.spots[0], manifest.languages[0],
                               manifest.profiles[0]), status="stale",
                       inputs={"master": {"path": "/m.mp4", "sha256": "1"},
                               "audio": {"path": "/tar.wav", "sha256": "2"},
                               "music_bed": {"path": "/bed.wav", "sha256": "3"},
                               "font:Title": {"path": "/f.ttf", "sha256": "4"}},
                       settings={"loudness": {"target": -16}})
    record = {"spot": "spot", "language": "tar", "profile": "small", "ffmpeg": "5.1",
              "render_version": RENDER_VERSION, "settings": {"loudness": {"target": -23}},
              "inputs": {"master": {"sha256": "0"}, "audio": {"sha256": "0"},
                         "music_bed": {"sha256": "3"}, "font:Title": {"sha256": "0"},
                         "subtitles": {"sha256": "0"}}}
    plan.reasons = what_changed(record, plan, "6.0")
    what = Outdated(plan, record, HashCache(tmp_path / "cache.json")).to_json()["what"]
    assert what == ["master", "voice-over recording", "font", "subtitles", "settings",
                    "software"], plan.reasons


def test_a_change_of_the_settings_subtitle_files_are_written_by_is_said_of_them(campaign,
                                                                                 tmp_path):
    # A soft language's subtitle files are written by three settings keys (a newer version
    # ending its cues with the master): a change of one made its MP4 an earlier version, and
    # its SRT, VTT and TTML beside it, the same cues as the new ones would not be, were not.
    manifest = load_manifest(campaign.write([{"code": "tzo", "treatment": "soft"}]))
    now = {"loudness": {"target": -16}, "sidecars": [".srt", ".vtt", ".ttml"],
           "cues_within_master": True, "subtitle_language_tag": "tzo"}
    plan = VariantPlan(Variant(manifest, manifest.spots[0], manifest.languages[0],
                               manifest.profiles[0]), status="stale", settings=now)
    record = {"spot": "spot", "language": "tzo", "profile": "small", "ffmpeg": "5.1",
              "render_version": RENDER_VERSION, "inputs": {}}
    for before, what in (({**now, "cues_within_master": False}, ["subtitle settings"]),
                         ({**now, "loudness": {"target": -23}}, ["settings"]),
                         ({"loudness": {"target": -23}, "sidecars": [".srt"]},
                          ["settings", "subtitle settings"])):
        plan.reasons = what_changed(record | {"settings": before}, plan, "5.1")
        entry = Outdated(plan, record | {"settings": before},
                         HashCache(tmp_path / "cache.json")).to_json()
        assert entry["what"] == what, plan.reasons
        said = of_subtitles(entry)
        assert (said and {key: said[key] for key in ("reason", "what")}) == (
            {"reason": "changed", "what": ["subtitle settings"]} if "subtitle settings" in what
            else None)
    assert page_note({"reason": "changed", "what": ["subtitle settings"]}, "es")[1] == (
        "hubo cambios en la configuración de los subtítulos después de generar este archivo; la "
        "versión nueva aún no está disponible.")


@pytest.fixture
def dist(campaign, tmp_path) -> tuple[Path, str]:
    campaign.audio("yua")
    removed = campaign.audio("mam")
    for code in ("tzo", "nah"):
        campaign.subtitle(code)
    manifest = campaign.write([{"code": "tzo", "treatment": "soft"},
                               {"code": "nah", "treatment": "soft"},
                               {"code": "yua", "treatment": "dub"},
                               {"code": "mam", "treatment": "dub"}], SMALL_PROFILES)
    rendered = invoke("render", manifest)
    assert rendered.exit_code == 0, rendered.output
    campaign.subtitle("tzo", SRT.replace("humanos", "humanas"))   # corrected
    campaign.subtitle("nah", OVERLAPPING)                         # corrected, with an error
    removed.unlink()                                              # taken out
    published = invoke("publish", manifest, "--to", (tmp_path / "dist").as_uri())
    assert published.exit_code == 0, published.output
    return tmp_path / "dist" / "test-campaign", published.output


def notes(page, card: str) -> list[str]:
    # Scrolled to first: a card far down the page is laid out (and has inner text) only when
    # near the screen (page.css: content-visibility).
    page.locator(f"#card-spot-{card}").scroll_into_view_if_needed()
    return [" ".join(text.split())
            for text in page.locator(f"#card-spot-{card} .earlier").all_inner_texts()]


@pytest.mark.e2e  # real renders and a browser
def test_a_file_older_than_its_inputs_is_marked_as_an_earlier_version(context, dist):
    folder, said = dist
    # The terminal's warnings stay, and say that the page marks them.
    # tzo's two, each with what changed; nah's and mam's two once each, at the error that
    # blocks them.
    assert said.count("marked on the page as an earlier version") == 4, said
    assert "spot.tzo.small.mp4: warning: published as rendered before its inputs or settings " \
           "changed (marked on the page as an earlier version): subtitles changed (" in said, said
    assert "nah.srt:5: warning: 2 variants are published as rendered before their inputs " \
           "changed (spot.nah.small, spot.nah.tall; marked on the page as an earlier version), " \
           "and cannot be rendered again until this is fixed: " in said, said
    assert "(spot.mam.small, spot.mam.tall; marked on the page as an earlier version), and " \
           "cannot be rendered again until this is fixed: audio track missing for language " \
           "'mam' (dub)" in said, said

    catalog = json.loads((folder / "catalog.json").read_text(encoding="utf-8"))
    marked = {(v["language"], v["profile"]): v.get("outdated") for v in catalog["variants"]}
    assert sorted(marked) == [(code, profile) for code in ("mam", "nah", "tzo", "yua")
                              for profile in ("small", "tall")]
    for profile in ("small", "tall"):
        assert marked["tzo", profile] == {
            "reason": "changed", "what": ["subtitles"],
            "text": "Earlier version: the subtitles changed after this file was generated; "
                    "the new version is not available yet."}
        assert marked["nah", profile] == {
            "reason": "blocked", "what": ["subtitles"],
            "text": "Earlier version: the subtitles changed after this file was generated; "
                    "the new version has an error that is being fixed."}
        # Its recording taken out: no fix under way, as "an error being fixed" said.
        assert marked["mam", profile] == {
            "reason": "blocked", "what": ["dub recording"], "removed": ["dub recording"],
            "text": "Last version for now: the file of the dub's recording was "
                    "removed after this file was generated; a new version can be generated only "
                    "when it is delivered again."}
        assert "outdated" not in next(v for v in catalog["variants"]
                                      if (v["language"], v["profile"]) == ("yua", profile))
    assert "variants_missing" in catalog and catalog["variants_missing"] == []

    page = open_page(context, (folder / "index.html").as_uri())
    changed = ("Versión anterior: hubo cambios en los subtítulos después de generar estos "
               "archivos; las versiones nuevas aún no están disponibles.")
    blocked = ("Versión anterior: hubo cambios en los subtítulos después de generar estos "
               "archivos; las versiones nuevas tienen un error que se está corrigiendo.")
    # The language's two videos and its subtitle files (the old text too) are all earlier
    # versions: said once, at the top of its card, and each row edged as one.
    for code, said_once in (("tzo", changed), ("nah", blocked)):
        assert notes(page, code) == [said_once], notes(page, code)
        assert page.locator(f"#card-spot-{code} .card-earlier .earlier").is_visible()
        assert page.locator(f"#card-spot-{code} li.file").count() == \
            page.locator(f"#card-spot-{code} li.file-earlier").count() == 5  # 2 videos, 3 sidecars
    assert notes(page, "yua") == [] and page.locator("#card-spot-yua .file-earlier").count() == 0
    assert notes(page, "mam") == ["Última versión por ahora: quitaron la grabación "
                                  "del doblaje después de generar estos archivos; las versiones "
                                  "nuevas solo se podrán generar con una nueva entrega."]
    # The file can still be downloaded: it is what was approved before.
    assert page.locator("#card-spot-tzo li.file").first.locator("a.download").is_visible()
    assert page.locator("[data-pwned]").count() == 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("#card-spot-tzo").screenshot(path=str(ARTIFACTS / "page-outdated-es.png"))

    english = open_page(context, (folder / "index.en.html").as_uri())
    assert notes(english, "tzo") == ["Earlier version: the subtitles changed after these files "
                                     "were generated; the new versions are not available yet."]
    assert notes(english, "nah") == ["Earlier version: the subtitles changed after these files "
                                     "were generated; the new versions have an error that is "
                                     "being fixed."]
    assert notes(english, "yua") == []
    assert notes(english, "mam") == ["Last version for now: the file of the dub's "
                                     "recording was removed after these files were generated; "
                                     "new versions can be generated only when it is delivered "
                                     "again."]
    english.locator("#card-spot-nah").screenshot(path=str(ARTIFACTS / "page-outdated-en.png"))
    assert page.problems == english.problems == []
