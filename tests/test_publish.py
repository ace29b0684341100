"""Publishing a rendered campaign and verifying it: to a folder, and to a real S3 server."""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import shutil
import time
import unicodedata
import urllib.request

import pytest
from click.testing import CliRunner

from pipeline.cli.publish import publish as publish_command
from pipeline.cli.publish import verify as verify_command
from pipeline.errors import StorageError
from pipeline.publish.catalog import load_records
from pipeline.publish.s3 import S3Target
from pipeline.publish.target import MiB
from pipeline.publish.upload import parse_duration, publish
from pipeline.publish.verify import verify
from tests.faultproxy import Fault, FaultProxy
from tests.s3server import (  # noqa: F401
    SECRET,
    aws_env,
    bucket,
    campaign,
    free_port,
    media,
    s3_client,
    s3_server,
    variant_cache,
)

OBJECTS = 12 + 12 + 4  # variants, posters, sidecars (srt + vtt of one soft language x 2 spots)
# urls.txt and SHA256SUMS of 3 languages, and of each one's web and TV files (`web` and
# `broadcast`: bundles.py); catalog.json, index.html, index.en.html
LISTS_AND_PAGES = 3 * 2 + 3 * 2 * 2 + 3


def target_for(endpoint: str, bucket: str, **options) -> S3Target:
    settings = {"multipart_threshold": 5 * MiB, "multipart_chunksize": 5 * MiB, "max_attempts": 3,
                "connect_timeout": 2, "read_timeout": 10, **options}
    return S3Target(bucket, "campaigns", endpoint_url=endpoint, **settings)


def flip_a_byte_keeping_the_size(path) -> None:
    data = bytearray(path.read_bytes())
    data[-100] ^= 0xFF
    path.write_bytes(bytes(data))


def rerecord(manifest, variant_path) -> None:
    """The renderer's record for a variant re-rendered with different bytes."""
    record_path = variant_path.with_suffix(".json")
    record = json.loads(record_path.read_text(encoding="utf-8"))
    record["sha256"] = hashlib.sha256(variant_path.read_bytes()).hexdigest()
    record["bytes"] = variant_path.stat().st_size
    record_path.write_text(json.dumps(record), encoding="utf-8")


# --- presign durations --------------------------------------------------------------------------

@pytest.mark.parametrize("text, seconds", [("90m", 5400), ("1h", 3600), ("7d", 604800),
                                           ("1h30m", 5400), ("3600", 3600)])
def test_presign_durations(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text, message", [("8d", "longer than 7 days"), ("169h", "longer than 7 days"),
                                           ("soon", "not like 90m"), ("0m", "zero")])
def test_bad_presign_durations_are_refused(text, message):
    with pytest.raises(StorageError, match=message):
        parse_duration(text)


def test_presign_over_7_days_is_a_usage_error(campaign):
    result = CliRunner().invoke(publish_command, [str(campaign.path), "--presign", "8d"])
    assert result.exit_code == 2
    assert "longer than 7 days" in result.output
    assert "Traceback" not in result.output


# --- to a folder (the default target) ---------------------------------------------------------

def test_publish_to_the_default_folder_then_verify(campaign):
    report = publish(campaign)
    assert report.ok, report.diagnostics
    dist = campaign.path.parent.parent / "dist" / "blue-heart"
    assert len(report.uploaded) == OBJECTS + LISTS_AND_PAGES and report.catalog_updated
    catalog = json.loads((dist / "catalog.json").read_text(encoding="utf-8"))
    assert len(catalog["variants"]) == 12
    assert (dist / "index.html").exists()
    assert all(c.ok for c in verify(str(dist)).checks)
    by_url = verify(dist.as_uri())
    assert by_url.ok and len(by_url.checks) == 12

    again = publish(campaign)
    assert again.ok and again.uploaded == [] and len(again.skipped) == OBJECTS + LISTS_AND_PAGES


def test_a_new_render_published_to_a_folder_replaces_its_file_with_its_sidecar(campaign):
    # Staged under .staging/ and renamed into place with its sidecar; a file a publish cut
    # short left staged, unused since, is removed once one completes.
    import subprocess

    publish(campaign)
    dist = campaign.path.parent.parent / "dist" / "blue-heart"
    leftover = dist / ".staging" / "not-for-sale-30" / "not-for-sale-30.yua.web.mp4"
    leftover.parent.mkdir(parents=True)
    leftover.write_bytes(b"a render since replaced")
    replaced = campaign.campaign_dir / "not-for-sale-15" / "not-for-sale-15.nah.web.mp4"
    flip_a_byte_keeping_the_size(replaced)
    rerecord(campaign, replaced)
    report = publish(campaign)
    assert report.ok, [d.format() for d in report.diagnostics]
    assert [(o.action, o.replaced) for o in report.uploaded if o.path == replaced] == [
        ("uploaded", True)]
    published = dist / "not-for-sale-15" / replaced.name
    assert published.read_bytes() == replaced.read_bytes()
    checked = subprocess.run(["sha256sum", "-c", published.name + ".sha256"],
                             cwd=published.parent, capture_output=True, text=True)
    assert checked.returncode == 0 and checked.stdout.strip().endswith(": OK"), checked
    assert not (dist / ".staging").exists()
    assert not report.removed and "withdrawn" not in " ".join(
        d.message for d in report.diagnostics)
    assert verify(str(dist)).ok


def test_verify_checks_each_subtitle_file_and_each_language_s_checksum_list(campaign):
    # A trial's station: an SRT edited after publishing and a checksum list with a wrong
    # line were "364 of 364 variants verified", exit 0; its own `sha256sum -c` said FAILED.
    from click.testing import CliRunner

    assert publish(campaign).ok
    dist = campaign.path.parent.parent / "dist" / "blue-heart"
    report = verify(str(dist))
    assert report.ok and report.files
    assert {check.file for check in report.files} >= {"nah.SHA256SUMS"}
    assert any(check.file.endswith(".srt") for check in report.files)
    sidecar = next(dist.glob("*/*.srt"))
    language = sidecar.name.split(".")[-2]
    sums = dist / f"{language}.SHA256SUMS"
    with open(sidecar, "a", encoding="utf-8") as edited:
        edited.write("\n")
    lines = sums.read_text(encoding="utf-8").splitlines()
    lines[0] = ("0" if lines[0][0] != "0" else "1") + lines[0][1:]
    sums.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = verify(str(dist))
    assert not report.ok and all(check.ok for check in report.checks)
    failed = {check.file: check.problem for check in report.files if not check.ok}
    assert set(failed) == {str(sidecar.relative_to(dist)), sums.name}, failed
    assert failed[sums.name].line == 1 and "is listed with sha256" in failed[sums.name].message
    result = CliRunner().invoke(verify_command, [str(dist)])
    assert result.exit_code == 1, result.output
    assert f"of {len(report.checks)} variants verified" in result.output
    assert f"{len(report.files) - 2} of {len(report.files)} attached files (subtitles, " \
        "certificates) and checksum lists verified" in result.output


def test_publish_refuses_a_variant_changed_since_its_record(campaign):
    variant = campaign.campaign_dir / "not-for-sale-15" / "not-for-sale-15.nah.web.mp4"
    flip_a_byte_keeping_the_size(variant)
    report = publish(campaign)
    assert not report.ok
    assert any("no longer matches its render record" in d.message and d.path == variant
               for d in report.failures)
    assert not report.catalog_updated
    assert not (campaign.path.parent.parent / "dist" / "blue-heart" / "catalog.json").exists()


def test_unrendered_variants_are_left_out_with_a_warning(campaign):
    (campaign.campaign_dir / "not-for-sale-30" / "not-for-sale-30.yua.broadcast.json").unlink()
    report = publish(campaign)
    assert report.ok
    # (This campaign's records are written by hand, not rendered: every variant is also
    # "published as rendered before its inputs changed", tested in test_batch.py.)
    assert [d.message for d in report.diagnostics if d.severity == "warning"
            and d.message.startswith("no rendered file")] == \
        ["no rendered file, not published: not-for-sale-30 yua: not rendered yet in broadcast; "
         "shown on the page as not available yet"]
    (said,) = [d for d in report.diagnostics if d.message.startswith("no rendered file")]
    assert "pipeline render" in said.hint
    # At the language's line: the record it named is not there yet.
    yua_line = campaign.path.read_text().splitlines().index("  - code: yua") + 1
    assert (said.path, said.line) == (campaign.path, yua_line)
    catalog = json.loads((campaign.path.parent.parent / "dist/blue-heart/catalog.json").read_text())
    assert len(catalog["variants"]) == 11
    assert [(m["spot"], m["language"], m["profile"], m["reason"])
            for m in catalog["variants_missing"]] == [
        ("not-for-sale-30", "yua", "broadcast", "not-rendered")]


def test_blocked_variants_are_said_blocked_and_their_language_missing(campaign):
    # A variant blocked by a problem of its inputs was "not rendered yet" with the hint that
    # 'pipeline render' renders it, which it cannot; and the page silently lacked its language.
    for spot in ("not-for-sale-15", "not-for-sale-30"):
        for profile in ("web", "broadcast"):
            (campaign.campaign_dir / spot / f"{spot}.yua.{profile}.json").unlink()
    (campaign.path.parent.parent / "audio/not-for-sale-30/yua.wav").unlink()
    report = publish(campaign)
    assert report.ok
    said = [d for d in report.diagnostics if d.severity == "warning"]
    yua_line = campaign.path.read_text().splitlines().index("  - code: yua") + 1
    (blocked,) = [d for d in said if "blocked:" in d.message and "published (" in d.message]
    assert blocked.message.startswith(
        "2 variants have no rendered file, not published (not-for-sale-30 yua web, "
        "not-for-sale-30 yua broadcast): blocked: audio track missing for language 'yua' (dub)")
    assert (blocked.path, blocked.line) == (campaign.path, yua_line)
    assert "add the recording" in blocked.hint and "pipeline render" not in blocked.hint
    # Once for the spot and language, with its profiles, at the language's line.
    assert [(d.message, d.path, d.line) for d in said if "not rendered yet" in d.message
            and d.message.startswith("no rendered file")] == [
        ("no rendered file, not published: not-for-sale-15 yua: not rendered yet in web, "
         "broadcast; shown on the page as not available yet", campaign.path, yua_line)]
    (languages,) = [d for d in said if "no published variant" in d.message]
    assert languages.message.startswith(
        "1 of the manifest's 3 languages has no published variant yet, shown on the page as not "
        "available yet: "
        "yua (blocked: audio track missing for language 'yua' (dub)")
    assert languages.line == yua_line


def test_verify_finds_a_tampered_download(campaign):
    publish(campaign)
    dist = campaign.path.parent.parent / "dist" / "blue-heart"
    flip_a_byte_keeping_the_size(dist / "not-for-sale-30" / "not-for-sale-30.tzo.broadcast.mov")
    result = CliRunner().invoke(verify_command, [str(dist)])
    assert result.exit_code == 1
    assert "11 of 12 variants verified" in result.stdout
    assert "not-for-sale-30/not-for-sale-30.tzo.broadcast.mov: error: sha256 is" in result.stderr
    assert "(hint: download it again from the page, and do not air this copy" in result.stderr


def test_a_stop_among_the_moves_into_place_lets_the_catalog_follow(campaign, monkeypatch):
    # An operations trial's Ctrl-C 2 s into a publish of a re-render: the replaced files were
    # moved into place, the catalog not, and verify said 4 of 12 variants verified.
    from pipeline.publish.storage import LocalTarget

    assert publish(campaign).ok
    dist = campaign.path.parent.parent / "dist" / "blue-heart"
    for name in ("not-for-sale-15/not-for-sale-15.nah.web.mp4",
                 "not-for-sale-30/not-for-sale-30.nah.web.mp4"):
        flip_a_byte_keeping_the_size(campaign.campaign_dir / name)
        rerecord(campaign, campaign.campaign_dir / name)
    moves, move = [], LocalTarget.move

    def stopped_at_the_first(self, *args):
        moves.append(args[0])
        if len(moves) == 1:
            raise KeyboardInterrupt
        return move(self, *args)

    monkeypatch.setattr(LocalTarget, "move", stopped_at_the_first)
    with pytest.raises(KeyboardInterrupt):
        publish(campaign)
    assert len(moves) == 3, moves           # the one stopped, again, and the other
    assert verify(str(dist)).ok


def test_a_stop_after_a_move_ended_does_not_move_it_again(campaign, monkeypatch):
    # A review's: a stop landing once a move had done its work made the move run again, on a
    # staged file no longer there ("cannot write ...: No such file or directory").
    from pipeline.publish.storage import LocalTarget

    assert publish(campaign).ok
    dist = campaign.path.parent.parent / "dist" / "blue-heart"
    name = "not-for-sale-15/not-for-sale-15.nah.web.mp4"
    flip_a_byte_keeping_the_size(campaign.campaign_dir / name)
    rerecord(campaign, campaign.campaign_dir / name)
    moves, move = [], LocalTarget.move

    def stopped_once_moved(self, *args):
        moves.append(args[0])
        info = move(self, *args)
        if len(moves) == 1:
            raise KeyboardInterrupt
        return info

    monkeypatch.setattr(LocalTarget, "move", stopped_once_moved)
    with pytest.raises(KeyboardInterrupt) as stop:
        publish(campaign)
    assert len(moves) == 1, moves
    assert not stop.value.report.failures, stop.value.report.failures
    assert verify(str(dist)).ok


def test_verify_takes_the_page_address_publish_prints(campaign, tmp_path):
    # A trial's campaign folder, "Campaña trata 2027": verify of the address publish printed
    # (file:///.../Campan%CC%83a%20trata%202027/.../index.html) looked for the folder by its
    # escapes, and for the catalog under index.html.
    publish(campaign)
    folder = tmp_path / unicodedata.normalize("NFD", "Campaña trata 2027")
    shutil.copytree(campaign.path.parent.parent / "dist" / "blue-heart", folder)
    for address in ((folder / "index.html").as_uri(), (folder / "catalog.json").as_uri()):
        assert "%20" in address and "%CC%83" in address
        result = CliRunner().invoke(verify_command, [address])
        assert result.exit_code == 0, result.output
        assert "12 of 12 variants verified" in result.stdout, result.output


def test_verify_reports_malformed_catalog_entries_without_a_traceback(tmp_path):
    (tmp_path / "catalog.json").write_text(json.dumps({"campaign": "x", "variants": [
        {"file": None}, {"file": "a.mp4", "url": 7, "bytes": 1, "sha256": "0"},
        {"file": "b.mp4", "bytes": "12", "sha256": "0"}]}))
    result = CliRunner().invoke(verify_command, [str(tmp_path)], catch_exceptions=False)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "0 of 3 variants verified" in result.stdout
    for problem in ("no file", "url is not text", "bytes is not a whole number"):
        assert f"catalog entry is malformed: {problem}" in result.stderr


def test_dry_run_uploads_nothing(campaign):
    report = publish(campaign, dry_run=True)
    assert report.ok and len(report.uploaded) == OBJECTS + LISTS_AND_PAGES
    assert {o.action for o in report.objects} == {"would upload"}
    assert not (campaign.path.parent.parent / "dist").exists()


# --- to S3 --------------------------------------------------------------------------------------

def test_publish_to_s3_verify_and_republish_uploads_nothing(campaign, s3_server, bucket):
    report = publish(campaign, target=target_for(s3_server, bucket))
    assert report.ok, report.diagnostics
    assert len(report.uploaded) == OBJECTS + LISTS_AND_PAGES
    keys = [o.key for o in report.objects]
    assert keys[-2:] == ["blue-heart/catalog.json", "blue-heart/index.html"]  # last, always
    # The pages go gzip-compressed, said by their Content-Encoding; the catalog as it is, for
    # the scripts that read it.
    for name in ("index.html", "index.en.html", "catalog.json"):
        stored = s3_client(s3_server).get_object(Bucket=bucket, Key=f"campaigns/blue-heart/{name}")
        body = stored["Body"].read()
        if name == "catalog.json":
            assert "ContentEncoding" not in stored and json.loads(body)["campaign"] == "blue-heart"
            continue
        assert stored["ContentEncoding"] == "gzip" and stored["ContentType"].startswith("text/html")
        page = gzip.decompress(body).decode("utf-8")
        assert page.lower().startswith("<!doctype html>") and "</html>" in page
        assert len(body) * 3 < len(page.encode("utf-8")), (len(body), len(page))

    checked = verify(f"s3://{bucket}/campaigns/blue-heart", endpoint_url=s3_server)
    assert checked.ok and len(checked.checks) == 12

    again = publish(campaign, target=target_for(s3_server, bucket))
    assert again.ok and again.uploaded == [] and len(again.skipped) == OBJECTS + LISTS_AND_PAGES


@pytest.mark.e2e
def test_changed_content_of_the_same_size_is_uploaded(campaign, s3_server, bucket):
    publish(campaign, target=target_for(s3_server, bucket))
    variant = campaign.campaign_dir / "not-for-sale-15" / "not-for-sale-15.yua.web.mp4"
    size = variant.stat().st_size
    flip_a_byte_keeping_the_size(variant)
    rerecord(campaign, variant)
    assert variant.stat().st_size == size

    report = publish(campaign, target=target_for(s3_server, bucket))
    assert report.ok
    assert [o.key for o in report.uploaded] == ["blue-heart/not-for-sale-15/not-for-sale-15.yua.web.mp4",
                                                "blue-heart/yua.SHA256SUMS", "blue-heart/yua.web.SHA256SUMS",
                                                    "blue-heart/index.en.html",
                                                "blue-heart/catalog.json", "blue-heart/index.html"]
    assert verify(f"s3://{bucket}/campaigns/blue-heart", endpoint_url=s3_server).ok


def test_presigned_catalog_urls_download_the_right_bytes(campaign, s3_server, bucket):
    report = publish(campaign, presign="1h", target=target_for(s3_server, bucket))
    assert report.ok
    catalog = json.loads(s3_client(s3_server).get_object(
        Bucket=bucket, Key="campaigns/blue-heart/catalog.json")["Body"].read())
    assert catalog["expires"]
    for variant in catalog["variants"][:3]:
        assert "X-Amz-Signature=" in variant["url"] and "X-Amz-Expires=3600" in variant["url"]
        data = urllib.request.urlopen(variant["url"], timeout=10).read()
        assert hashlib.sha256(data).hexdigest() == variant["sha256"]
        assert "X-Amz-Signature=" in variant["poster_url"]

    catalog_url = target_for(s3_server, bucket).url("blue-heart/catalog.json", presign_seconds=600)
    checked = verify(catalog_url)
    assert checked.ok and len(checked.checks) == 12
    assert "X-Amz" not in checked.source  # never shown to anyone
    # The page's presigned address, which publish tells to send to stations: a trial's verify
    # of it fetched the catalog beside it unsigned, refused 403. Its own link is followed.
    page_url = target_for(s3_server, bucket).url("blue-heart/index.html", presign_seconds=600)
    checked = verify(page_url)
    assert checked.ok and len(checked.checks) == 12 and "X-Amz" not in checked.source
    with pytest.raises(StorageError) as refused:      # its error said without the signature
        verify(page_url.replace("index.html", "gone.html"))
    assert "HTTP 404" in refused.value.message, refused.value.message
    assert "X-Amz" not in str(refused.value.path) + refused.value.message, refused.value


def test_a_page_s_catalog_link_is_followed_only_on_its_own_host_over_http(tmp_path):
    # verify of a page's address takes the catalog the page links (a presigned page's is
    # signed), never a link elsewhere or of another scheme (file:, data:).
    import functools
    import gzip
    import http.server
    import threading

    from pipeline.publish.verify import _page_catalog
    pages = {"signed.html": '<a href="catalog.json?X-Amz-Signature=1&amp;b=2">catalog.json</a>',
             "away.html": '<a href="http://elsewhere.example/catalog.json">catalog.json</a>',
             "file.html": '<a href="file:///etc/passwd">catalog.json</a>',
             "none.html": '<a href="catalog.json">the catalog</a>'}
    for name, html in pages.items():
        (tmp_path / name).write_text(html, encoding="utf-8")
    (tmp_path / "packed.html").write_bytes(gzip.compress(pages["signed.html"].encode()))
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_port}/"
        for name in ("signed.html", "packed.html"):
            assert _page_catalog(base + name) == base + "catalog.json?X-Amz-Signature=1&b=2"
        for name in ("away.html", "file.html", "none.html"):
            assert _page_catalog(base + name) is None, name
        with pytest.raises(StorageError, match="gone.html answered HTTP 404"):
            _page_catalog(base + "gone.html")
    finally:
        server.shutdown()


@pytest.mark.e2e
def test_cli_publish_and_verify_against_s3(campaign, s3_server, bucket, caplog):
    caplog.set_level(logging.DEBUG)
    runner = CliRunner()
    args = [str(campaign.path), "--to", f"s3://{bucket}/campaigns", "--endpoint-url", s3_server,
            "--presign", "2h"]
    first = runner.invoke(publish_command, args)
    assert first.exit_code == 0, first.stderr
    # The private page's address is kept for its owner, never printed (it names the key).
    link = campaign.path.parent.parent / "build" / "blue-heart" / "page-link.txt"
    assert f"page: {s3_server}/{bucket}/campaigns/blue-heart/index.html (private: its presigned " \
        f"address, valid as long as its links, is in {link}: send that to the stations)" \
        in first.stdout, first.stdout
    assert "X-Amz-Signature" in link.read_text() and link.stat().st_mode & 0o777 == 0o600
    assert f"blue-heart: {OBJECTS + LISTS_AND_PAGES} uploaded" in first.stdout
    assert "uploaded       blue-heart/not-for-sale-15/not-for-sale-15.nah.web.mp4" in first.stdout

    second = runner.invoke(publish_command, args[:-2])  # plain URLs: only catalog and page change
    assert second.exit_code == 0
    third = runner.invoke(publish_command, args[:-2])
    assert third.exit_code == 0
    assert f"nothing to upload, all {OBJECTS + LISTS_AND_PAGES} objects already up to date" in third.stdout

    checked = runner.invoke(verify_command, [f"s3://{bucket}/campaigns/blue-heart",
                                             "--endpoint-url", s3_server])
    assert checked.exit_code == 0, checked.stderr
    assert "12 of 12 variants verified" in checked.stdout
    for text in (first.stdout, first.stderr, second.stdout, checked.stdout, caplog.text):
        assert SECRET not in text and "X-Amz-Signature" not in text


def test_cli_missing_bucket_is_one_clear_error(campaign, s3_server, aws_env):
    result = CliRunner().invoke(
        publish_command, [str(campaign.path), "--to", "s3://no-such-bucket/campaigns",
                          "--endpoint-url", s3_server])
    assert result.exit_code == 1
    assert "error: bucket 'no-such-bucket' does not exist at " + s3_server in result.stderr
    # Stopped at the first object, not 28 errors; the catalog, pages and lists not attempted.
    assert f"1 failed, {OBJECTS + LISTS_AND_PAGES - 1} not attempted of " \
        f"{OBJECTS + LISTS_AND_PAGES} objects" in result.stdout
    assert result.stderr.count("does not exist") == 1
    assert "Traceback" not in result.stderr + result.stdout


def test_cli_unreachable_endpoint_is_bounded_and_clear(campaign, aws_env, monkeypatch):
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "2")
    endpoint = f"http://127.0.0.1:{free_port()}"
    started = time.monotonic()
    result = CliRunner().invoke(
        publish_command, [str(campaign.path), "--to", "s3://spots", "--endpoint-url", endpoint])
    assert time.monotonic() - started < 10
    assert result.exit_code == 1
    assert f"cannot reach the object store at {endpoint}" in result.stderr


def test_a_store_that_stops_answering_stops_the_publish_at_its_first_object(
        campaign, s3_server, bucket):
    # A trial's store paused (kill -STOP): each object failed alone after its 5 tries of 60 s,
    # and the publish ran 12 minutes in silence, 150 objects to go.
    with FaultProxy(s3_server) as proxy:
        proxy.add(Fault("delay", seconds=3, times=None))
        started = time.monotonic()
        report = publish(campaign, target=target_for(proxy.url, bucket, read_timeout=1,
                                                     max_attempts=2))
    assert time.monotonic() - started < 30
    assert not report.ok
    actions = [o.action for o in report.objects]
    assert actions.count("failed") == 1 and actions.count("not attempted") == len(actions) - 1
    (said,) = [d for d in report.failures if "did not answer" in d.message]
    assert said.message.startswith(f"{proxy.url} did not answer within 1 s while"), said
    assert "publish again" in said.hint


@pytest.mark.parametrize("given", ["option", "environment"])
def test_an_endpoint_with_a_password_is_refused_unsaid(campaign, s3_server, bucket, monkeypatch,
                                                      given):
    # A trial's --endpoint-url http://minioadmin:S3cretPassw0rd@...: published, its password
    # in the terminal's page line, and 12 times in catalog.json and index.html for stations.
    endpoint = s3_server.replace("://", "://minioadmin:S3cretPassw0rd@")
    args = [str(campaign.path), "--to", f"s3://{bucket}/campaigns"]
    if given == "option":
        args += ["--endpoint-url", endpoint]
    else:
        monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
    result = CliRunner().invoke(publish_command, args)
    assert result.exit_code == 1, result.output
    assert "S3cretPassw0rd" not in result.output and "minioadmin" not in result.output
    assert "carries a user name or password" in result.stderr
    assert "AWS_SECRET_ACCESS_KEY" in result.stderr


def test_cli_no_credentials(campaign, s3_server, bucket, monkeypatch):
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    result = CliRunner().invoke(
        publish_command, [str(campaign.path), "--to", f"s3://{bucket}", "--endpoint-url", s3_server])
    assert result.exit_code == 1
    assert "no AWS credentials found" in result.stderr


def test_a_failed_publish_leaves_the_previous_catalog_and_every_file_it_describes(
        campaign, s3_server, bucket):
    publish(campaign, target=target_for(s3_server, bucket))
    client = s3_client(s3_server)
    before = client.get_object(Bucket=bucket, Key="campaigns/blue-heart/catalog.json")["Body"].read()
    replaced_key = "blue-heart/not-for-sale-15/not-for-sale-15.nah.web.mp4"
    previous = client.get_object(Bucket=bucket, Key=f"campaigns/{replaced_key}")["Body"].read()

    # Two new renders to publish, one of which keeps failing its upload; the other, uploaded
    # in place, replaced its previous render under the previous catalog (an operations
    # trial's station would have downloaded a file its page's checksum refuses).
    variant = campaign.campaign_dir / "not-for-sale-30" / "not-for-sale-30.nah.web.mp4"
    flip_a_byte_keeping_the_size(variant)
    rerecord(campaign, variant)
    replaced = campaign.campaign_dir / "not-for-sale-15" / "not-for-sale-15.nah.web.mp4"
    flip_a_byte_keeping_the_size(replaced)
    rerecord(campaign, replaced)
    with FaultProxy(s3_server) as proxy:
        proxy.add(Fault("reset", method="PUT", contains="not-for-sale-30.nah.web.mp4", times=None))
        report = publish(campaign, target=target_for(proxy.url, bucket, max_attempts=2))
    assert not report.ok
    failed_key = "blue-heart/not-for-sale-30/not-for-sale-30.nah.web.mp4"
    assert [o.action for o in report.objects if o.key == failed_key] == ["failed"]
    assert {o.action for o in report.objects if o.key.endswith(("catalog.json", "index.html"))} \
        == {"not attempted"}
    after = client.get_object(Bucket=bucket, Key="campaigns/blue-heart/catalog.json")["Body"].read()
    assert after == before
    assert any("catalog not updated" in d.message for d in report.failures)
    # What stations download is what the previous catalog describes: a station's check passes.
    assert client.get_object(Bucket=bucket, Key=f"campaigns/{replaced_key}")["Body"].read() \
        == previous
    assert verify(f"s3://{bucket}/campaigns/blue-heart", endpoint_url=s3_server).ok
    assert not [d for d in report.failures if "does not describe" in d.message]

    # Published again: the file staged then is not sent again, both are moved into place, and
    # nothing is left waiting.
    with FaultProxy(s3_server) as proxy:
        report = publish(campaign, target=target_for(proxy.url, bucket))
        assert report.ok, [d.format() for d in report.diagnostics]
        assert proxy.requests("PUT", "/.staging/not-for-sale-15/") == []
        assert len(proxy.requests("PUT", "/.staging/not-for-sale-30/")) == 1
    for key, path in ((replaced_key, replaced), (failed_key, variant)):
        assert client.get_object(Bucket=bucket, Key=f"campaigns/{key}")["Body"].read() \
            == path.read_bytes()
    assert client.list_objects_v2(Bucket=bucket, Prefix="campaigns/blue-heart/.staging/")[
        "KeyCount"] == 0
    assert verify(f"s3://{bucket}/campaigns/blue-heart", endpoint_url=s3_server).ok


def test_a_publish_failing_while_it_moves_files_into_place_names_those_it_moved(
        campaign, s3_server, bucket):
    # The moves are server-side copies, a fraction of a second each: a failure there still
    # leaves the files moved before it new under the previous catalog, and says which.
    publish(campaign, target=target_for(s3_server, bucket))
    client = s3_client(s3_server)
    for spot in ("not-for-sale-15", "not-for-sale-30"):
        path = campaign.campaign_dir / spot / f"{spot}.nah.web.mp4"
        flip_a_byte_keeping_the_size(path)
        rerecord(campaign, path)
    with FaultProxy(s3_server) as proxy:
        proxy.add(Fault("status", method="PUT", contains="not-for-sale-30.nah.web.mp4",
                        header_prefix="x-amz-copy-source", times=None, status=403,
                        code="AccessDenied", message="Access Denied"))
        report = publish(campaign, target=target_for(proxy.url, bucket, max_attempts=1))
    moved, stopped = ("blue-heart/{0}/{0}.nah.web.mp4".format(spot)
                      for spot in ("not-for-sale-15", "not-for-sale-30"))
    assert [(o.action, o.replaced) for o in report.objects if o.key == moved] == [
        ("uploaded", True)]
    assert [o.action for o in report.objects if o.key == stopped] == ["failed"]
    (said,) = [d for d in report.failures if "does not describe" in d.message]
    assert said.message.endswith(f"the previous one's size and sha256): {moved}"), said
    # The one not moved is as the previous catalog says; it waits, staged, for the next publish.
    stopped_object = client.head_object(Bucket=bucket, Key=f"campaigns/{stopped}")
    assert stopped_object["Metadata"]["sha256"] != hashlib.sha256(
        (campaign.campaign_dir / "not-for-sale-30/not-for-sale-30.nah.web.mp4").read_bytes()
    ).hexdigest()
    assert publish(campaign, target=target_for(s3_server, bucket)).ok
    assert verify(f"s3://{bucket}/campaigns/blue-heart", endpoint_url=s3_server).ok


def test_records_are_read_for_current_variants_only(campaign):
    records = load_records(campaign)
    assert [(r["spot"], r["language"], r["profile"]) for r in records][:3] == [
        ("not-for-sale-15", "nah", "web"), ("not-for-sale-15", "nah", "broadcast"),
        ("not-for-sale-15", "yua", "web")]
    assert len(records) == 12


def test_verify_over_http_resolves_relative_urls_against_the_catalog(campaign, s3_server, bucket):
    assert publish(campaign, target=target_for(s3_server, bucket)).ok
    # A public bucket, as a CDN or a website bucket in front of the catalog would be.
    s3_client(s3_server).put_bucket_policy(Bucket=bucket, Policy=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*",
                                                "Action": "s3:GetObject",
                                                "Resource": f"arn:aws:s3:::{bucket}/*"}]}))
    checked = verify(f"{s3_server}/{bucket}/campaigns/blue-heart/")
    assert checked.ok and len(checked.checks) == 12
    # The page's address, which a station's technician has: its catalog, beside it.
    for page in ("index.html", "index.en.html#medium=radio"):
        assert verify(f"{s3_server}/{bucket}/campaigns/blue-heart/{page}").ok, page
    assert verify(f"s3://{bucket}/campaigns/blue-heart/index.html", endpoint_url=s3_server).ok
    s3_client(s3_server).delete_object(
        Bucket=bucket, Key="campaigns/blue-heart/not-for-sale-15/not-for-sale-15.nah.web.mp4")
    checked = verify(f"{s3_server}/{bucket}/campaigns/blue-heart/catalog.json")
    assert [c.file for c in checked.failures] == ["not-for-sale-15/not-for-sale-15.nah.web.mp4"]
    assert "answered HTTP 404" in checked.failures[0].message


def test_to_on_the_command_line_is_relative_to_the_current_folder(campaign, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(publish_command, [str(campaign.path), "--to", "file://out"])
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "out" / "blue-heart" / "catalog.json").is_file()
    result = CliRunner().invoke(verify_command, ["out/blue-heart"])
    assert result.exit_code == 0 and "12 of 12 variants verified" in result.stdout
    result = CliRunner().invoke(verify_command, ["out/blue-heart/index.html"])
    assert result.exit_code == 0 and "12 of 12 variants verified" in result.stdout


def test_bad_targets_and_catalogs_are_errors_with_a_path(campaign, tmp_path):
    # On the command line, a URL of a kind nothing here writes to is the command line's mistake.
    for url, said in (("ftp://host/x", "cannot publish to ftp://host/x: unsupported scheme"),
                      ("s3:///x", "no bucket in 's3:///x'"),
                      # It published into the folder the command ran in.
                      ("file://", "no folder in 'file://'")):
        result = CliRunner().invoke(publish_command, [str(campaign.path), "--to", url])
        assert result.exit_code == 2, result.output
        assert "Error: Invalid value for '--to': " + said in result.stderr
        assert str(campaign.path) not in result.stderr
    # In the manifest, it is the manifest's error, at its file.
    with open(campaign.path, "a", encoding="utf-8") as manifest:
        manifest.write("publish:\n  to: ftp://host/x\n")
    result = CliRunner().invoke(publish_command, [str(campaign.path)])
    assert result.exit_code == 1
    # At its line (validate says it too, since the manifest is read).
    line = len(campaign.path.read_text(encoding="utf-8").splitlines())
    assert result.stderr.startswith(
        f"{campaign.path}:{line}: error: cannot publish to ftp://host/x"), result.stderr
    (tmp_path / "bogus").mkdir()
    (tmp_path / "bogus" / "catalog.json").write_text('{"variants": 3}')
    result = CliRunner().invoke(verify_command, [str(tmp_path / "bogus")])
    assert result.exit_code == 1
    assert f"{tmp_path / 'bogus'}: error: not a pipeline catalog" in result.stderr
    result = CliRunner().invoke(verify_command, [str(tmp_path / "nothing-here")])
    assert result.exit_code == 1 and "error: no catalog at" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize("special", ["variant", "catalog"])
def test_verify_refuses_a_pipe_or_a_device_instead_of_reading_it(tmp_path, special):
    # A variant linked to /dev/zero was hashed for ever; a catalog that is a FIFO hung.
    import os

    from tests.test_check_cli import run_bounded

    catalog = tmp_path / "catalog.json"
    if special == "catalog":
        os.mkfifo(catalog)
    else:
        catalog.write_text(json.dumps({"campaign": "x", "variants": [
            {"file": "s1/a.mp4", "bytes": 1, "sha256": "0" * 64}]}))
        (tmp_path / "s1").mkdir()
        os.symlink("/dev/zero", tmp_path / "s1/a.mp4")
    result = run_bounded("verify", str(tmp_path), cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    # Paths under the current folder are shown relative to it.
    said = "catalog.json: error: catalog.json" if special == "catalog" else "s1/a.mp4: error: a.mp4"
    assert f"{said} is not a regular file" in result.stderr, result.stderr


def test_a_related_page_that_is_not_there_is_said(campaign, s3_server, bucket, tmp_path):
    # A trial's station followed the radio page's link to the video campaign's: 404, for that
    # campaign was never published to the bucket; and a presigned page, which leaves the links
    # out, said nothing of them.
    from dataclasses import replace

    related = replace(campaign, related=("blue-heart-radio",))
    out = tmp_path / "out"

    def said(report) -> list[str]:
        return [d.message for d in report.diagnostics if "publish.related" in d.message]

    missing = [f"publish.related names blue-heart-radio, whose page is not at {out}: the page's "
               "links answer 404 until they are published there"]
    assert said(publish(related, to=f"file://{out}", dry_run=True)) == missing
    assert said(publish(related, to=f"file://{out}")) == missing
    # Published by the same command (`make publish`), or there already: nothing to say.
    assert said(publish(related, to=f"file://{tmp_path / 'two'}", along={"blue-heart-radio"})) == []
    (out / "blue-heart-radio").mkdir()
    (out / "blue-heart-radio" / "index.html").write_text("<!doctype html>", encoding="utf-8")
    assert said(publish(related, to=f"file://{out}")) == []
    assert said(publish(campaign, to=f"file://{out}")) == []        # no publish.related
    presigned = publish(related, presign="1h", target=target_for(s3_server, bucket))
    assert said(presigned) == ["the page does not link the campaigns of publish.related "
                               "(blue-heart-radio): a presigned page cannot link another "
                               "campaign's page, which needs signed links of its own"]


def test_what_a_publish_stopped_by_ctrl_c_left_is_said_by_whether_its_catalog_was_put(campaign):
    # A reviewer: a Ctrl-C after catalog.json was put was said to have left the catalog as it
    # was, and the files it replaced not described by it.
    from pipeline.manifest import load_manifest
    from pipeline.publish.held_back import interrupted
    from pipeline.publish.report import ObjectResult, PublishReport

    manifest = load_manifest(campaign.path)
    replaced = ObjectResult("blue-heart/s/s.nah.web.mp4", None, "uploaded", 9, replaced=True)
    before = PublishReport("blue-heart", "s3://spots/blue-heart", objects=[replaced])
    (stopped, named) = interrupted(manifest, before)
    assert stopped.message == "publish interrupted: the catalog at s3://spots/blue-heart was " \
        "not updated" and named.message.endswith(": blue-heart/s/s.nah.web.mp4")
    after = PublishReport("blue-heart", "s3://spots/blue-heart", objects=[
        replaced, ObjectResult("blue-heart/catalog.json", None, "uploaded", 2)])
    (stopped,) = interrupted(manifest, after)
    assert stopped.message == "publish interrupted after the catalog at s3://spots/blue-heart " \
        "was updated"
    assert interrupted(manifest, None) == []       # before its target was open: nothing done
