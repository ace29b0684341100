"""Files under a campaign's output folder that belong to no variant: reported by `plan` and
`render`, listed by `pipeline clean`, deleted only with `--delete`, and only the pipeline's."""

from __future__ import annotations

import os

from click.testing import CliRunner

from pipeline.cli.main import cli
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
    assert result.stdout.split() == [str(out / name) for name in strays], result.stdout
    assert "7 files of no variant (" in result.output and "not deleted: --delete" in result.output
    assert all((out / name).exists() for name in strays), "listing deleted something"

    result = invoke("clean", manifest, "--delete")
    assert result.exit_code == 0, result.output
    assert "7 files of no variant deleted" in result.output
    assert not any((out / name).exists() for name in strays)
    assert (out / "notes.txt").exists() and (out.parent / "README").exists()
    assert (out / "spot.xyz.small.mp4").is_symlink() and elsewhere.read_bytes() == b"not in build"
    assert {p.name for p in out.iterdir() if p.name.startswith("spot.nah.small.")} == \
        {"spot.nah.small.mp4", "spot.nah.small.json", "spot.nah.small.jpg"}
    result = invoke("plan", manifest)
    assert "belong to no variant" not in result.output and "1 up to date" in result.output, \
        result.output
    assert invoke("clean", manifest).stdout == ""


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
