"""Files under a campaign's output folder that belong to no variant: reported by `plan` and
`render`, listed by `pipeline clean`, deleted only with `--delete`, and only the pipeline's."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import time
from pathlib import Path

import yaml
from click.testing import CliRunner

from pipeline.cli.main import cli
from pipeline.manifest.input_names import why_unused
from pipeline.render.intermediates import size_text
from pipeline.render.strays import delete_files
from tests.conftest import SRT
from tests.test_batch import LANGUAGES, rendered


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def test_files_of_a_removed_language_are_reported_and_cleaned_only_when_asked(campaign, tmp_path):
    # tzo is dropped from the manifest: its variant, record, poster and sidecars stayed under
    # build/ forever, unpublished, and nothing said so; a certificate of no variant the same.
    manifest = rendered(campaign)
    out = campaign.out
    tzo = sorted(p.name for p in out.iterdir() if p.name.startswith("spot.tzo."))
    assert len(tzo) == 6, tzo                   # mp4, json, jpg, srt, vtt, ttml
    (out / "spot.nah.small.loudness.html").write_text("<p>old</p>", encoding="utf-8")
    strays = sorted(tzo + ["spot.nah.small.loudness.html"])
    # The user's own files, and a link named like the pipeline's, are not its to report or delete.
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    # Named like a variant's files, but no file the pipeline writes ends in .txt or .docx.
    (out / "spot.tzo.notes.txt").write_text("mine", encoding="utf-8")
    (out / "spot.nah.guion.docx").write_bytes(b"mine")
    (out.parent / "README").write_text("mine", encoding="utf-8")
    elsewhere = tmp_path / "elsewhere.mp4"
    elsewhere.write_bytes(b"not in build")
    os.symlink(elsewhere, out / "spot.xyz.small.mp4")
    campaign.write(LANGUAGES[:1])

    result = invoke("plan", manifest)
    assert result.exit_code == 0, result.output
    assert (f"{out.parent}: warning: 7 files here belong to no variant of campaign.yaml "
            "(spot/spot.nah.small.loudness.html, spot/spot.tzo.small.jpg, "
            "spot/spot.tzo.small.json, ...)") in result.output, result.output
    assert f"'pipeline clean {manifest}' lists them" in result.output
    result = invoke("render", manifest)
    assert result.exit_code == 0 and "7 files here belong to no variant" in result.output, \
        result.output

    result = invoke("clean", manifest)
    assert result.exit_code == 0, result.output
    # tzo's poster of the shared picture (the master, which fits `small`) is no one's now either.
    posters = sorted(str(path) for path in (out / ".work").glob("poster-*.jpg"))
    assert len(posters) == 1
    assert result.stdout.split() == [str(out / name) for name in strays] + posters, result.stdout
    assert "7 files of no variant (" in result.output and "not deleted: --delete" in result.output
    assert all((out / name).exists() for name in strays), "listing deleted something"

    result = invoke("clean", manifest, "--delete")
    assert result.exit_code == 0, result.output
    assert "7 files of no variant deleted" in result.output
    assert not any((out / name).exists() for name in strays)
    assert (out / "notes.txt").exists() and (out.parent / "README").exists()
    assert (out / "spot.tzo.notes.txt").exists() and (out / "spot.nah.guion.docx").exists()
    assert (out / "spot.xyz.small.mp4").is_symlink() and elsewhere.read_bytes() == b"not in build"
    assert {p.name for p in out.iterdir() if p.name.startswith("spot.nah.small.")} == \
        {"spot.nah.small.mp4", "spot.nah.small.json", "spot.nah.small.jpg"}
    result = invoke("plan", manifest)
    assert "belong to no variant" not in result.output and "1 up to date" in result.output, \
        result.output
    assert invoke("clean", manifest).stdout == ""


def test_a_renamed_spot_s_folder_is_gone_once_cleaned(campaign):
    # A trial renamed a spot: `clean --delete` deleted its old files and left its folder and
    # `.work/`, empty. A folder holding anything else of the user's stays.
    manifest = rendered(campaign)
    old = campaign.out
    assert (old / ".work").is_dir() and any((old / ".work").iterdir())
    shutil.copytree(campaign.root / "subtitles/spot", campaign.root / "subtitles/spot-b")
    data = campaign.data(LANGUAGES)
    data["spots"][0]["id"] = "spot-b"
    manifest.write_text(yaml.safe_dump(data), encoding="utf-8")
    # What a file browser leaves in a folder it showed is no file of the user's.
    (old / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")
    (old / ".work" / "Thumbs.db").write_bytes(b"\xd0\xcf")
    result = invoke("clean", manifest, "--delete")
    assert result.exit_code == 0, result.output
    assert not old.exists(), sorted(p.name for p in old.rglob("*"))
    # Each folder removed is listed after the files, marked as a folder.
    assert result.stdout.splitlines()[-2:] == [f"{old / '.work'}/", f"{old}/"], result.stdout
    # Never the campaign's folder itself, even left empty; nor a folder outside it.
    root = campaign.root / "alone"
    (root / "sub").mkdir(parents=True)
    for name in ("x.mp4", "sub/y.mp4"):
        (root / name).write_bytes(b"")
    deleted, folders, errors = delete_files([root / "x.mp4", root / "sub/y.mp4"],
                                            lambda path: True, root)
    assert len(deleted) == 2 and folders == [root / "sub"] and not errors
    assert root.is_dir() and not any(root.iterdir())        # sub/ removed, root kept, empty
    # Rendered under its new name, then renamed back with a file of the user's in its folder.
    assert invoke("render", manifest).exit_code == 0
    renamed = old.parent / "spot-b"
    (renamed / "notes.txt").write_text("mine", encoding="utf-8")
    campaign.write(LANGUAGES)
    result = invoke("clean", manifest, "--delete")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in renamed.iterdir()) == ["notes.txt"]


def test_a_spot_renamed_in_the_manifest_alone_is_told_where_its_files_are(campaign):
    # A trial renamed a spot's id: validate said its four files missing, with no word of the
    # folders that had them; the subtitles' error said "no file in" a folder that was not there.
    campaign.subtitle("nah")
    campaign.audio("yua")
    data = campaign.data([{"code": "nah", "treatment": "burn"},
                          {"code": "yua", "treatment": "dub"}])
    data["spots"][0]["id"] = "spot-b"
    manifest = campaign.write_text(yaml.safe_dump(data))
    result = invoke("validate", manifest)
    assert result.exit_code == 1, result.output
    subtitles, audio = campaign.root / "subtitles", campaign.root / "audio"
    for folder in (subtitles, audio):
        code = "'nah'" if folder == subtitles else "'yua'"
        assert (f"(hint: {folder / 'spot'} holds a file of {code} and is the folder of no spot "
                "of the manifest: if spot spot-b was renamed, rename that folder to spot-b)") \
            in result.output, result.output
    assert f"the folder {subtitles / 'spot-b'} does not exist" in result.output
    # A second folder of no spot: which one it was cannot be told, the usual hint.
    shutil.copytree(subtitles / "spot", subtitles / "spot-old")
    result = invoke("validate", manifest)
    assert "holds a file of 'nah'" not in result.output
    assert "holds a file of 'yua'" in result.output
    assert "add the subtitle file there" in result.output


def test_clean_reads_every_manifest_before_deleting_anything(campaign):
    manifest = rendered(campaign)
    campaign.write(LANGUAGES[:1])
    broken = campaign.root / "manifests/broken.yaml"
    broken.write_text("campaign: [\n", encoding="utf-8")
    result = invoke("clean", manifest, broken, "--delete")
    assert result.exit_code == 1 and str(broken) in result.output, result.output
    assert (campaign.out / "spot.tzo.small.mp4").exists()
    # --delete from the environment, as every option (PIPELINE_<COMMAND>_<OPTION>).
    result = CliRunner().invoke(cli, ["clean", str(manifest)], env={"PIPELINE_CLEAN_DELETE": "1"})
    assert result.exit_code == 0 and "6 files of no variant deleted" in result.output, result.output
    assert not (campaign.out / "spot.tzo.small.mp4").exists()


def work_files(out) -> dict[str, tuple[int, int]]:
    """The files in the spot's .work/ by name: (inode, mtime), which a file made again changes."""
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in (out / ".work").iterdir()
            if not p.is_symlink()}


def test_intermediates_no_variant_uses_are_listed_and_deleted_and_the_used_ones_stay(campaign,
                                                                                     tmp_path):
    # A profile renamed (and its audio bitrate changed) left the old profile's shared picture
    # (hard-linked under the new name), and the tracks levelled for the old bitrate, in .work/
    # forever: named for a fingerprint, they are never made again, and `clean` never said so.
    campaign.subtitle("tzo")
    campaign.audio("yua", "dub.wav")
    campaign.audio("mto", "voice.wav")
    languages = [{"code": "tzo", "treatment": "soft"}, {"code": "yua", "treatment": "dub"},
                 {"code": "mto", "treatment": "mix"}]
    # Smaller than the master: the soft copies share a picture encoded into .work/.
    old = {"base": "web", "width": 256, "height": 144, "preset": "ultrafast", "crf": 30}
    manifest = campaign.write(languages, profiles={"old": old})
    assert invoke("render", manifest).exit_code == 0
    out = campaign.out
    before = set(work_files(out))
    assert sum(name.endswith(".picture.mp4") for name in before) == 1 and \
        sum(".audio." in name for name in before) == 3 and \
        sum(name.startswith("poster-") for name in before) == 1, before
    # Not the pipeline's to judge: a user's file and a link named like a track.
    (out / ".work/notes.txt").write_text("mine", encoding="utf-8")
    elsewhere = tmp_path / "elsewhere.m4a"
    elsewhere.write_bytes(b"not in build")
    os.symlink(elsewhere, out / ".work/spot.0123456789abcdef.audio.m4a")

    manifest = campaign.write(languages, profiles={"new": old | {"audio_bitrate": "128k"}})
    result = invoke("render", manifest)
    assert result.exit_code == 0 and "3 rendered" in result.output, result.output
    current = set(work_files(out)) - before - {"notes.txt"}
    unused = sorted(str(out / ".work" / name) for name in before
                    if name.endswith(".picture.mp4") or ".audio." in name)
    assert len(unused) == 4 and len(current) == 4, (before, current)   # a picture, 3 tracks
    assert "4 intermediate files, " in result.output and "under .work/ are used by no " \
        "variant of campaign.yaml (spot/.work/spot." in result.output, result.output
    result = invoke("plan", manifest)
    assert "4 intermediate files, " in result.output, result.output
    planned = json.loads(invoke("plan", manifest, "--json").stdout)
    assert planned["unused_intermediates"] == unused
    # A selection does not know what the other variants use: it says nothing of them.
    assert "under .work/" not in invoke("plan", manifest, "--lang", "tzo").output

    result = invoke("clean", manifest)
    assert result.exit_code == 0, result.output
    listed = [line for line in result.stdout.split() if "/.work/" in line]
    assert listed == unused, result.stdout
    size = sum(os.stat(path).st_size for path in unused)
    # The old picture is the new one's hard link: deleting it frees nothing.
    tracks = sum(os.stat(path).st_size for path in unused if ".audio." in path)
    assert (f"4 intermediate files, {size_text(size)} ({size_text(tracks)} of it freed by "
            "deleting them: the rest is hard-linked to files in use), under .work/ are used by "
            "no variant, not deleted: --delete deletes them") in result.output, result.output
    assert all(os.path.exists(path) for path in unused), "listing deleted something"

    kept = {name: stamp for name, stamp in work_files(out).items() if str(out / ".work" / name)
            not in unused}
    result = invoke("clean", manifest, "--delete")
    assert result.exit_code == 0, result.output
    assert "4 intermediate files under .work/ of no variant deleted" in result.output
    assert work_files(out) == kept and (out / ".work/notes.txt").exists()
    assert (out / ".work/spot.0123456789abcdef.audio.m4a").is_symlink() \
        and elsewhere.read_bytes() == b"not in build"
    assert "under .work/" not in invoke("plan", manifest).output
    assert "every intermediate under .work/ is used by a variant" in \
        invoke("clean", manifest).output

    # Rendered again (their files deleted), the variants copy what clean kept: nothing in
    # .work/ is encoded, levelled or taken again.
    for path in out.glob("spot.*.new.mp4"):
        path.unlink()
    result = invoke("render", manifest)
    assert result.exit_code == 0 and "3 rendered, 0 up-to-date, 0 failed" in result.output, \
        result.output
    assert work_files(out) == kept


def test_files_in_a_spots_input_folders_that_no_language_uses_are_warned_of(campaign):
    """validate (and plan, render) name each file in a spot's subtitles or audio folder that no
    variant will use, and why: a warning, once per file; a name that differs in case only is
    named in the missing file's error."""
    manifest = campaign.write([{"code": "nah", "treatment": "burn"},
                               {"code": "mix", "treatment": "soft"},
                               {"code": "tzo", "treatment": "soft"}])
    for name in ("nah.srt", "mix.srt", "xyz.srt", "nah.srt.bak", "mix-v2.srt", "TZO.SRT",
                 "nah.txt", "mix.srt.txt"):
        campaign.subtitle(name.split(".")[0], SRT, suffix=name[name.index("."):])
    campaign.audio("nah")
    result = CliRunner().invoke(cli, ["validate", str(manifest)], catch_exceptions=False)
    assert result.exit_code == 1
    folder = campaign.root / "subtitles/spot"
    wanted = {
        "nah.srt.bak": "a backup file name (only the name ending in the format's suffix is "
                       "read) (hint: move it out, or, to use it instead, move nah.srt out and "
                       "rename this one nah.srt)",
        # Beside mix.srt, the file read: never told to take its name (a trial's copy was).
        "mix-v2.srt": "language 'mix' is read from mix.<format> only (hint: move it out, or, to "
                      "use it instead, move mix.srt out and rename this one mix.srt)",
        "TZO.SRT": "the name must be lower-case (hint: rename it to tzo.srt)",
        "nah.txt": ".txt is not a subtitle format read here (.srt, .vtt, .ass, .ssa, .ttml, "
                   ".xml, .dfxp) (hint: save it in one of those formats as nah.srt, ...)",
        # Notepad's "Text Documents" (Windows hides the .txt); never a backup.
        "mix.srt.txt": "named as a text file (.txt after .srt) (hint: move it out, or, to use "
                       "it instead, move mix.srt out and rename this one mix.srt)",
    }
    for name, why in wanted.items():
        assert result.stderr.count(f"{folder / name}: warning: not used: {why}\n") == 1, name
    # Another manifest may share the folders (the demo's TV manifest takes 6 of its web
    # manifest's languages): a file of a language this one lacks, or a recording of one it
    # burns, is no file nobody uses (a trial's `make render` gave 21 such warnings).
    assert "xyz.srt: warning" not in result.stderr and "nah.wav: warning" not in result.stderr
    assert "spot/nah.srt: warning" not in result.stderr
    assert "spot/mix.srt: warning" not in result.stderr
    assert f"error: subtitles missing for language 'tzo' (soft): expected {folder}/tzo.srt (or " \
           ".vtt, .ass, .ssa, .ttml, .xml, .dfxp); the folder has TZO.SRT: the name must be " \
           "lower-case, tzo.srt (hint: " in result.stderr
    assert "there is no file for 'tzo'" not in result.stderr
    # With tzo.vtt there, renaming TZO.SRT as told would make two files of one language.
    campaign.subtitle("tzo", SRT, suffix=".vtt")
    result = CliRunner().invoke(cli, ["validate", str(manifest)], catch_exceptions=False)
    assert f"{folder / 'TZO.SRT'}: warning: not used: the name must be lower-case, and tzo.vtt " \
           "is the file read for 'tzo' (hint: move it out, or, to use it instead, move tzo.vtt " \
           "out and rename this one tzo.srt)" in result.stderr, result.stderr


def test_split_mono_tracks_and_versions_are_said_to_be_parts_of_one_file():
    # A post house's eight mono WAVs were each ".1.wav is not a audio format read here".
    audio = (".wav", ".flac", ".mp3", ".m4a", ".aac", ".ogg", ".opus")
    split = why_unused("zap.1.wav", {"zap"}, audio, "audio", {"zap.1.wav", "zap.2.wav"})
    assert split.reason == "a language's audio file is zap.wav alone: zap.1.wav names a part " \
        "or a version of it"
    assert split.hint.startswith("split mono tracks are mixed into one file (mono, stereo or 5.1)")
    version = why_unused("nah.final.srt", {"nah"}, (".srt", ".vtt"), "subtitle", {"nah.final.srt"})
    assert (version.reason, version.hint) == (
        "a language's subtitle file is nah.srt alone: nah.final.srt names a part or a version "
        "of it", "to use this version, rename it to nah.srt")
    assert why_unused("zap.txt", {"zap"}, audio, "audio", {"zap.txt"}).reason.startswith(
        ".txt is not an audio format read here")


def test_make_clean_leaves_the_masters_and_recorded_deliveries():
    # `make clean` removed media/ and audio/, where the README puts a campaign's masters and
    # its dubbers' recordings: a routine target that destroyed what cannot be made again.
    makefile = (Path(__file__).resolve().parent.parent / "Makefile").read_text(encoding="utf-8")
    recipe = re.search(r"^clean:.*\n((?:\t.*\n)+)", makefile, re.M).group(1)
    removed = {word for line in recipe.splitlines() for word in shlex.split(line)[2:]}
    assert removed and not removed & {"media", "audio", "manifests", "subtitles", "."}, removed


def test_an_input_the_pipeline_would_write_is_refused_and_left_as_it_is(campaign, tmp_path):
    # A master named at tzo's own output: render replaced it and exited 0, and every later
    # render re-encoded its own output. A subtitle file linked to a sidecar the same.
    out = campaign.out
    out.mkdir(parents=True)
    master = out / "spot.tzo.small.mp4"
    shutil.copy(campaign.media["master.mp4"], master)
    before = master.read_bytes()
    sidecar = out / "spot.tzo.srt"
    sidecar.write_text(SRT, encoding="utf-8")
    os.symlink(sidecar, campaign.root / "subtitles/spot/nah.srt")
    campaign.subtitle("tzo")
    data = campaign.data(LANGUAGES)
    data["spots"][0]["master"] = "../build/test-campaign/spot/spot.tzo.small.mp4"
    campaign.manifest.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")

    spot = campaign.manifest.read_text(encoding="utf-8").splitlines().index("- id: spot") + 1
    for command in ("validate", "render"):
        result = invoke(command, campaign.manifest)
        assert result.exit_code == 1, result.output
        assert (f"{campaign.manifest}:{spot}: error: master of spot 'spot' is a file the pipeline "
                f"writes: {master}; rendering would replace it") in result.output, result.output
        assert "Traceback" not in result.output
    assert master.read_bytes() == before
    assert sidecar.read_text(encoding="utf-8") == SRT
    assert not (out / "spot.nah.small.mp4").exists()

    # The master moved out: nah's subtitles, a link to tzo's sidecar, are refused alone, at
    # nah's line, and tzo renders (its sidecar written in place of the link's target).
    data["spots"][0]["master"] = "../media/spot.mp4"
    campaign.manifest.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    result = invoke("render", campaign.manifest)
    assert result.exit_code == 1, result.output
    line = campaign.manifest.read_text(encoding="utf-8").splitlines().index("- code: nah") + 1
    assert (f"{campaign.manifest}:{line}: error: subtitles of language 'nah' is a file the "
            f"pipeline writes: {campaign.root / 'subtitles/spot/nah.srt'}") in result.output, \
        result.output
    assert (out / "spot.tzo.small.mp4").read_bytes() != before
    assert not (out / "spot.nah.small.mp4").exists()


def test_an_input_inside_the_campaign_folder_is_warned_of(campaign):
    # `clean --delete` and a later profile's files reach there: said, not refused.
    kept = campaign.out.parent / "masters/spot.mp4"
    kept.parent.mkdir(parents=True)
    shutil.copy(campaign.media["master.mp4"], kept)
    campaign.subtitle("nah")
    campaign.subtitle("tzo")
    data = campaign.data(LANGUAGES)
    data["spots"][0]["master"] = "../build/test-campaign/masters/spot.mp4"
    campaign.manifest.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    result = invoke("validate", campaign.manifest)
    assert result.exit_code == 0, result.output
    assert (f"{campaign.manifest}:5: warning: master of spot 'spot' lies inside the campaign's "
            f"output folder") in result.output, result.output


def test_partial_files_of_a_killed_render_are_reported_and_cleaned(campaign):
    # SIGKILL leaves no chance to clean up: its `.NAME.partial-PID-...` files stayed in the
    # output folder, hidden, and no later render nor `clean` mentioned them.
    import signal
    import subprocess

    process = campaign.rendering(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    manifest = campaign.manifest
    os.killpg(process.pid, signal.SIGKILL)     # the render and its ffmpegs
    process.wait(timeout=30)
    partials = sorted(campaign.out.glob(".*.partial-*"))
    assert partials, "the render never started writing"

    result = invoke("plan", manifest)
    assert result.exit_code == 0, result.output
    assert (f"here belong{'s' if len(partials) == 1 else ''} to no variant of campaign.yaml "
            f"(spot/{partials[0].name}") in result.output, result.output
    assert "or partial files of a render that was killed" in result.output
    result = invoke("clean", manifest)
    assert result.exit_code == 0, result.output
    assert all(str(path) in result.stdout.split() for path in partials), result.stdout
    assert all(path.exists() for path in partials), "listing deleted something"
    # The next render, holding the campaign's lock, removes them and says so: a trial's cron
    # mailed the stray warning after every render until someone ran `clean --delete`. Those
    # written in the last two minutes may be another machine's running write: left.
    campaign.write([{"code": "nah", "treatment": "burn"}])
    result = invoke("render", manifest)
    assert result.exit_code == 0, result.output
    assert all(path.exists() for path in partials) and "belong" in result.output
    for path in partials:
        os.utime(path, (time.time() - 121, time.time() - 121))
    result = invoke("render", manifest)
    assert result.exit_code == 0, result.output
    assert not any(path.exists() for path in partials)
    removed = [line for line in result.output.splitlines() if "partial file" in line]
    assert len(removed) == 1 and removed[0].startswith(
        f"{campaign.out.parent}: note: removed {len(partials)} partial file"), result.output
    assert "belong" not in result.output, result.output
    # One made since, of no running process: `clean --delete` removes it too.
    left = campaign.out / ".spot.nah.small.partial-999999999-1.mp4"
    left.write_bytes(b"")
    result = invoke("clean", manifest, "--delete")
    assert result.exit_code == 0, result.output
    assert not left.exists()
