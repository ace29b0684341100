"""Withdrawn objects: a language, profile or spot taken out of the manifest after a publish leaves
its files at their old addresses, where a station that saved a link can still download them.
`publish` names them, and `--prune` removes them: on a folder and on a real S3 server."""

from __future__ import annotations

import json
import os

import yaml

from tests.faultproxy import Fault, FaultProxy
from tests.s3server import (  # noqa: F401
    aws_env,
    bucket,
    campaign,
    media,
    s3_client,
    s3_server,
    variant_cache,
)
from tests.test_publish import flip_a_byte_keeping_the_size, rerecord
from tests.test_publish_cli import invoke

SPOTS = ("not-for-sale-15", "not-for-sale-30")
# What tzo (soft: subtitle sidecars shared by its profiles) publishes, below the campaign.
TZO = sorted([f"{spot}/{spot}.tzo.{name}" for spot in SPOTS for name in
              ("web.mp4", "web.jpg", "broadcast.mov", "broadcast.jpg", "srt", "vtt")]
             + [f"tzo{medium}.{kind}" for medium in ("", ".tv", ".web")
                for kind in ("urls.txt", "SHA256SUMS")])


def keep(manifest, languages=None, spots=None) -> None:
    """The manifest rewritten with only these of the fixture's languages (and spots), as an
    editor would."""
    original = manifest.path.with_name(manifest.path.name + ".orig")
    if not original.exists():
        original.write_bytes(manifest.path.read_bytes())
    data = yaml.safe_load(original.read_text(encoding="utf-8"))
    data["languages"] = [lang for lang in data["languages"]
                         if languages is None or lang["code"] in languages]
    data["spots"] = [spot for spot in data["spots"] if spots is None or spot["id"] in spots]
    manifest.path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                             encoding="utf-8")


def bucket_keys(endpoint: str, name: str) -> dict[str, str]:
    """Every key in the bucket with its ETag, read with boto3 alone."""
    pages = s3_client(endpoint).get_paginator("list_objects_v2").paginate(Bucket=name)
    return {item["Key"]: item["ETag"] for page in pages for item in page.get("Contents", [])}


def folder_files(root) -> set[str]:
    return {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()}


def said(stderr: str, code: str = "") -> list[str]:
    return [line for line in stderr.splitlines() if f": {code}" in line]


def to_s3(endpoint: str, name: str) -> list[str]:
    return ["--to", f"s3://{name}/campaigns", "--endpoint-url", endpoint]


def test_a_withdrawn_language_is_named_with_a_hint_and_left_in_place(campaign):
    keep(campaign, languages=["nah", "tzo"])
    first = invoke("publish", campaign.path)
    assert first.exit_code == 0, first.output
    assert "withdrawn object" not in first.output

    keep(campaign, languages=["nah"])
    second = invoke("publish", campaign.path)
    assert second.exit_code == 0, second.output      # a warning: the publish itself went well
    dist = campaign.path.parent.parent / "dist" / "blue-heart"
    (warning,) = [line for line in said(second.stderr, "warning") if "withdrawn object" in line]
    assert warning == (
        f"{campaign.path}: warning: 18 withdrawn objects still at {dist}, no longer in its "
        f"catalog: {', '.join(TZO[:10])} and 8 more; a station with their address (a saved "
        "link, an earlier <lang>.urls.txt) can still download them and air them (hint: "
        "'pipeline publish --prune' removes them; '--prune --dry-run' says which it would)")
    assert all((dist / name).is_file() for name in TZO)
    catalog = json.loads((dist / "catalog.json").read_text(encoding="utf-8"))
    assert {variant["language"] for variant in catalog["variants"]} == {"nah"}

    dry = invoke("publish", campaign.path, "--dry-run")     # said as what would happen
    assert dry.exit_code == 0, dry.output
    assert f"{campaign.path}: warning: 18 objects at {dist} would be withdrawn, not in the " \
        f"catalog this publish would write: {TZO[0]}, " in dry.stderr


def test_prune_on_s3_says_what_it_would_remove_then_removes_exactly_that(campaign, s3_server,
                                                                         bucket):
    # Through a proxy that counts what is asked of the store; every publish through the same
    # one, as the page's links name the endpoint.
    with FaultProxy(s3_server) as proxy:
        to = to_s3(proxy.url, bucket)
        keep(campaign, languages=["nah", "tzo"])
        assert invoke("publish", campaign.path, *to).exit_code == 0
        keep(campaign, languages=["nah"])
        warned = invoke("publish", campaign.path, *to)
        assert warned.exit_code == 0, warned.output
        assert f"18 withdrawn objects still at s3://{bucket}/campaigns/blue-heart" in warned.stderr
        before = bucket_keys(s3_server, bucket)
        withdrawn = {f"campaigns/blue-heart/{name}" for name in TZO}
        assert withdrawn <= set(before)

        dry = invoke("publish", campaign.path, *to, "--prune", "--dry-run")
        assert dry.exit_code == 0, dry.output
        assert [line.split()[-1] for line in dry.stdout.splitlines()
                if line.startswith("  would remove ")] == [f"blue-heart/{name}" for name in TZO]
        assert f"blue-heart: dry run: 18 withdrawn objects would be removed from " \
            f"s3://{bucket}/campaigns/blue-heart" in dry.stdout.splitlines()
        assert "withdrawn object" not in dry.stderr
        assert bucket_keys(s3_server, bucket) == before

        proxy.log.clear()
        pruned = invoke("publish", campaign.path, *to, "--prune")
        assert pruned.exit_code == 0, pruned.output
        assert [line.split()[-1] for line in pruned.stdout.splitlines()
                if line.startswith("  removed ")] == [f"blue-heart/{name}" for name in TZO]
        assert [line for line in pruned.stdout.splitlines() if line.startswith("blue-heart:")] == [
            f"blue-heart: nothing to upload, all 17 objects already up to date at "
            f"s3://{bucket}/campaigns/blue-heart",
            f"blue-heart: removed 18 withdrawn objects from s3://{bucket}/campaigns/blue-heart"]
        after = bucket_keys(s3_server, bucket)
        # Exactly the withdrawn ones gone; the page, catalog and nah's files as they were.
        assert after == {key: etag for key, etag in before.items() if key not in withdrawn}
        assert {"campaigns/blue-heart/index.html", "campaigns/blue-heart/catalog.json"} \
            <= set(after)
        # One listing; a HEAD for each object published, none for those removed, and a GET of
        # the page's first byte as a browser asks for it (is it open to the stations?); a
        # DELETE each.
        assert len(proxy.requests("GET", "list-type=2")) == 1
        assert len(proxy.requests("HEAD")) == 17
        assert len(proxy.requests("GET", "blue-heart/index.html")) == 1
        assert sorted(e.path.split("?")[0] for e in proxy.requests("DELETE")) == \
            sorted(f"/{bucket}/{key}" for key in withdrawn)

        again = invoke("publish", campaign.path, *to, "--prune")
    assert again.exit_code == 0 and "withdrawn object" not in again.stderr
    assert f"blue-heart: no withdrawn object to remove at s3://{bucket}/campaigns/blue-heart" \
        in again.stdout.splitlines()


def test_prune_on_a_folder_removes_a_dropped_spot_with_its_sidecars_and_folder(campaign):
    first = invoke("publish", campaign.path)
    assert first.exit_code == 0, first.output
    dist = campaign.path.parent.parent / "dist" / "blue-heart"
    published = folder_files(dist)
    keep(campaign, spots=["not-for-sale-15"])
    quiet = invoke("publish", campaign.path, "--prune", "-q")
    assert quiet.exit_code == 0, quiet.output
    assert "  removed " not in quiet.stdout      # -q: the count alone
    gone = {name for name in published if name.startswith("not-for-sale-30/")}
    # 14 files of the spot (its srt and vtt among them) and their sidecars (.sha256): the
    # files counted, not the sidecars.
    assert len(gone) == 28
    assert f"blue-heart: removed 14 withdrawn objects from {dist}" in quiet.stdout.splitlines()
    assert not (dist / "not-for-sale-30").exists()
    assert folder_files(dist) == published - gone


def test_a_publish_that_failed_removes_nothing_and_says_why(campaign, s3_server, bucket):
    keep(campaign, languages=["nah", "tzo"])
    assert invoke("publish", campaign.path, *to_s3(s3_server, bucket)).exit_code == 0
    before = bucket_keys(s3_server, bucket)
    keep(campaign, languages=["nah"])
    variant = campaign.campaign_dir / "not-for-sale-30" / "not-for-sale-30.nah.web.mp4"
    flip_a_byte_keeping_the_size(variant)           # re-rendered: to be uploaded again
    rerecord(campaign, variant)
    with FaultProxy(s3_server) as proxy:
        proxy.add(Fault("reset", method="PUT", contains="not-for-sale-30.nah.web.mp4", times=None))
        result = invoke("publish", campaign.path, *to_s3(proxy.url, bucket), "--prune",
                        env={"AWS_MAX_ATTEMPTS": "2"})
    assert result.exit_code == 1, result.output
    assert result.stdout.splitlines()[-1].endswith("; 1 problem")   # the refusal is no problem
    assert said(result.stderr, "error")[-1] == (
        f"{campaign.path}: error: --prune removed nothing: 1 problem above; withdrawn objects "
        "are removed only after a publish in which everything arrived, as the previous catalog "
        "may still link them (hint: fix them and publish again with --prune)")
    assert "removed " not in result.stdout and not proxy.requests("DELETE")
    assert not proxy.requests("GET", "list-type=2")
    assert bucket_keys(s3_server, bucket) == before


def test_nothing_outside_the_campaign_is_ever_removed(campaign, s3_server, bucket, tmp_path):
    client = s3_client(s3_server)
    outside = ["campaigns/blue-heart-tv/blue-heart-tv.nah.web.mp4", "campaigns/blue-heart.zip",
               "campaigns/blue-heart", "campaigns/index.html", "blue-heart/old.nah.web.mp4",
               "campaigns/blue-heart/"]     # the last a console's "folder": not a file
    for key in outside:
        client.put_object(Bucket=bucket, Key=key, Body=b"someone else's")
    keep(campaign, languages=["nah", "tzo"])
    assert invoke("publish", campaign.path, *to_s3(s3_server, bucket)).exit_code == 0
    keep(campaign, languages=["nah"])
    pruned = invoke("publish", campaign.path, *to_s3(s3_server, bucket), "--prune")
    assert pruned.exit_code == 0, pruned.output
    assert "removed 18 withdrawn objects" in pruned.stdout
    assert set(outside) <= set(bucket_keys(s3_server, bucket))

    # A folder: beside the campaign, and behind a link inside it.
    dist = campaign.path.parent.parent / "dist"
    elsewhere = tmp_path / "archive"
    elsewhere.mkdir()
    (elsewhere / "old.tzo.web.mp4").write_bytes(b"archived")
    (dist / "blue-heart-tv").mkdir(parents=True)
    (dist / "blue-heart-tv" / "spot.nah.web.mp4").write_bytes(b"another campaign")
    (dist / "notes.txt").write_text("mine", encoding="utf-8")
    keep(campaign, languages=["nah", "tzo"])
    assert invoke("publish", campaign.path).exit_code == 0
    os.symlink(elsewhere, dist / "blue-heart" / "archive")
    keep(campaign, languages=["nah"])
    local = invoke("publish", campaign.path, "--prune")
    assert local.exit_code == 0, local.output
    assert "removed 18 withdrawn objects" in local.stdout
    assert (elsewhere / "old.tzo.web.mp4").read_bytes() == b"archived"
    assert (dist / "blue-heart-tv" / "spot.nah.web.mp4").is_file()
    assert (dist / "notes.txt").is_file()


def test_publishing_into_the_rendered_folder_never_prunes_its_records(campaign):
    build = campaign.path.parent.parent / "build"
    records = set(build.rglob("*.json"))
    result = invoke("publish", campaign.path, "--to", build.as_uri(), "--prune")
    assert result.exit_code == 1, result.output
    (error,) = said(result.stderr, "error")
    assert "--prune removed nothing: withdrawn objects not looked for: " \
        f"{build / 'blue-heart'} holds the rendered campaign itself" in error
    assert records < set(build.rglob("*.json"))     # and the catalog the publish put


def test_a_listing_denied_is_a_warning_and_with_prune_an_error(campaign, s3_server, bucket):
    denied = Fault("status", method="GET", contains="list-type=2", times=None, status=403,
                   code="AccessDenied", message="Access Denied")
    with FaultProxy(s3_server) as proxy:            # write-only credentials, as often
        proxy.add(denied)
        result = invoke("publish", campaign.path, *to_s3(proxy.url, bucket))
        pruning = invoke("publish", campaign.path, *to_s3(proxy.url, bucket), "--prune")
    assert result.exit_code == 0, result.output
    where = f"s3://{bucket}/campaigns/blue-heart/"
    (warning,) = [line for line in said(result.stderr, "warning") if "withdrawn object" in line]
    assert warning == (
        f"{campaign.path}: warning: withdrawn objects not looked for: access denied listing "
        f"{where} at {proxy.url} (AccessDenied); one still there can be downloaded by a station "
        "with its address (hint: check the credentials in use and that their policy allows "
        "s3:ListBucket here)")
    assert pruning.exit_code == 1         # asked to remove them, and could not
    assert said(pruning.stderr, "error") == [
        f"{campaign.path}: error: --prune removed nothing: withdrawn objects not looked for: "
        f"access denied listing {where} at {proxy.url} (AccessDenied) (hint: check the "
        "credentials in use and that their policy allows s3:ListBucket here)"]


def test_prune_leaves_the_files_of_a_variant_the_manifest_still_makes(campaign):
    # A variant blocked by a broken save, or not rendered on the machine that publishes, is not
    # on the new page, but it is not withdrawn: its last good files stay for the stations.
    keep(campaign, languages=["nah", "tzo"])
    assert invoke("publish", campaign.path).exit_code == 0
    dist = campaign.path.parent.parent / "dist" / "blue-heart"
    for spot in SPOTS:
        for name in (f"{spot}.tzo.web.json", f"{spot}.tzo.web.mp4"):
            (campaign.campaign_dir / spot / name).unlink()
    keep(campaign, languages=["nah", "tzo", "zai"])     # zai's files were never published
    keep(campaign, languages=["tzo"])                  # nah withdrawn
    pruned = invoke("publish", campaign.path, "--prune")
    assert pruned.exit_code == 0, pruned.output
    unsent = sorted(f"{spot}/{spot}.tzo.{name}" for spot in SPOTS for name in ("web.mp4", "web.jpg"))
    assert all((dist / name).is_file() for name in unsent)
    (spared,) = [line for line in said(pruned.stderr, "warning") if "left in place" in line]
    assert spared.startswith(f"{campaign.path}: warning: 4 objects at {dist} of variants the "
                             "manifest still makes, not sent by this publish (said above), left "
                             f"in place: {', '.join(unsent)} (hint: ")
    # nah, withdrawn, is removed: its 8 files (burned: no sidecars) and its 6 lists (all, TV,
    # web); so are tzo's TV and web lists, superseded: this publish sends its TV files alone.
    assert not [name for name in folder_files(dist) if ".nah." in name or name.startswith("nah.")]
    assert f"blue-heart: removed 18 withdrawn objects from {dist}" in pruned.stdout, pruned.stdout
