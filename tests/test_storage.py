"""Storage targets: a folder, and boto3 over HTTP against a real S3 server (moto, own process),
with a fault-injecting proxy in front of it for what moto cannot show."""

from __future__ import annotations

import hashlib
import logging
import os
import subprocess
import time
from pathlib import Path

import pytest

from pipeline.errors import StorageError
from pipeline.fingerprint import sha256_file
from pipeline.publish.s3 import S3Target
from pipeline.publish.storage import LocalTarget, open_target
from pipeline.publish.target import MiB, TargetUnavailable
from tests.faultproxy import Fault, FaultProxy
from tests.s3server import SECRET, aws_env, bucket, free_port, s3_client, s3_server  # noqa: F401

SMALL_PARTS = {"multipart_threshold": 5 * MiB, "multipart_chunksize": 5 * MiB}


def fast_target(endpoint: str, bucket: str, **options) -> S3Target:
    """Parts of 5 MiB (the S3 minimum) and quick retries, so tests exercise multipart in seconds."""
    settings = {**SMALL_PARTS, "max_attempts": 4, "connect_timeout": 2, "read_timeout": 10,
                "max_concurrency": 2, **options}
    return S3Target(bucket, "campaigns", endpoint_url=endpoint, **settings)


@pytest.fixture
def big_file(tmp_path) -> tuple[Path, str]:
    path = tmp_path / "spot.broadcast.mov"
    path.write_bytes(os.urandom(12 * MiB))  # three parts: 5 + 5 + 2 MiB
    return path, sha256_file(path)


@pytest.fixture
def small_file(tmp_path) -> tuple[Path, str]:
    path = tmp_path / "spot.web.mp4"
    path.write_bytes(os.urandom(300_000))
    return path, sha256_file(path)


@pytest.fixture
def proxy(s3_server):
    with FaultProxy(s3_server) as running:
        yield running


def no_uploads_in_progress(endpoint: str, bucket: str) -> bool:
    return not s3_client(endpoint).list_multipart_uploads(Bucket=bucket).get("Uploads")


# --- parsing target URLs ----------------------------------------------------------------------

def test_file_url_is_relative_to_the_manifest_folder(tmp_path):
    target = open_target("file://../dist", tmp_path / "manifests")
    assert isinstance(target, LocalTarget)
    assert target.root == (tmp_path / "dist").resolve()
    assert open_target(f"file://{tmp_path}/abs", Path("/elsewhere")).root == tmp_path / "abs"


def test_s3_url_gives_bucket_and_prefix(aws_env):
    target = open_target("s3://spots/campaigns/2026/", Path("."), endpoint_url="http://127.0.0.1:9")
    assert isinstance(target, S3Target)
    assert (target.bucket, target.prefix) == ("spots", "campaigns/2026")
    assert target.location("blue-heart/catalog.json") == "s3://spots/campaigns/2026/blue-heart/catalog.json"


@pytest.mark.parametrize("url", ["http://example.org/dist", "ftp://host/x", "s3://"])
def test_unusable_urls_are_refused_with_a_hint(url):
    with pytest.raises(StorageError) as caught:
        open_target(url, Path("."))
    assert "s3://bucket" in str(caught.value)


# --- a local folder -----------------------------------------------------------------------------

def test_local_put_is_atomic_and_records_sha256_in_a_sidecar(tmp_path, small_file):
    path, sha = small_file
    target = LocalTarget(tmp_path / "dist")
    info = target.put("blue-heart/spot/spot.web.mp4", path, sha, "video/mp4")
    dest = tmp_path / "dist/blue-heart/spot/spot.web.mp4"
    assert info.sha256 == sha and dest.read_bytes() == path.read_bytes()
    assert (dest.parent / "spot.web.mp4.sha256").read_text() == f"{sha}  spot.web.mp4\n"
    assert target.head("blue-heart/spot/spot.web.mp4").sha256 == sha
    assert sorted(p.name for p in dest.parent.iterdir()) == ["spot.web.mp4", "spot.web.mp4.sha256"]
    assert target.head("blue-heart/spot/missing.mp4") is None


def test_local_file_edited_after_publishing_has_no_trusted_sha256(tmp_path, small_file):
    path, sha = small_file
    target = LocalTarget(tmp_path / "dist")
    target.put("c/f.mp4", path, sha, "video/mp4")
    dest = tmp_path / "dist/c/f.mp4"
    time.sleep(0.01)
    dest.write_bytes(b"edited in place")
    assert target.head("c/f.mp4").sha256 is None


def test_local_put_refuses_a_source_that_changed_since_it_was_hashed(tmp_path, small_file):
    path, _ = small_file
    with pytest.raises(StorageError, match="changed while"):
        LocalTarget(tmp_path / "dist").put("c/f.mp4", path, "0" * 64, "video/mp4")
    assert not (tmp_path / "dist/c/f.mp4").exists()
    assert not list((tmp_path / "dist/c").glob(".*part"))


def test_keys_cannot_escape_the_target(tmp_path, small_file):
    path, sha = small_file
    with pytest.raises(StorageError, match="refusing object key"):
        LocalTarget(tmp_path / "dist").put("../outside.mp4", path, sha, "video/mp4")


# --- S3 over HTTP -------------------------------------------------------------------------------

def test_single_part_upload_carries_sha256_and_is_confirmed(s3_server, bucket, small_file):
    path, sha = small_file
    target = fast_target(s3_server, bucket)
    info = target.put("blue-heart/spot/spot.web.mp4", path, sha, "video/mp4")
    assert (info.size, info.sha256) == (path.stat().st_size, sha)
    head = s3_client(s3_server).head_object(Bucket=bucket, Key="campaigns/blue-heart/spot/spot.web.mp4",
                                            ChecksumMode="ENABLED")
    assert head["Metadata"]["sha256"] == sha
    assert head["ContentType"] == "video/mp4"
    assert head["ChecksumSHA256"]  # the upload sent a SHA-256 the store could check
    assert target.get_bytes("blue-heart/spot/spot.web.mp4") == path.read_bytes()


def test_multipart_upload_is_confirmed_by_its_composite_checksum(s3_server, bucket, big_file, proxy):
    path, sha = big_file
    target = fast_target(proxy.url, bucket)
    info = target.put("c/big.mov", path, sha, "video/quicktime")
    assert info.sha256 == sha and info.size == 12 * MiB
    assert info.etag.endswith("-3")
    assert len(proxy.requests("PUT", "partNumber=")) == 3
    assert b"".join(target.read_chunks("c/big.mov")) == path.read_bytes()


def test_presigned_url_is_sigv4_and_downloads_the_object(s3_server, bucket, small_file):
    import urllib.request

    path, sha = small_file
    target = fast_target(s3_server, bucket)
    target.put("c/f.mp4", path, sha, "video/mp4")
    url = target.url("c/f.mp4", presign_seconds=3600)
    assert "X-Amz-Algorithm=AWS4-HMAC-SHA256" in url and "X-Amz-Expires=3600" in url
    assert hashlib.sha256(urllib.request.urlopen(url, timeout=10).read()).hexdigest() == sha
    assert "X-Amz" not in target.url("c/f.mp4")


def test_missing_bucket_names_bucket_and_endpoint(s3_server, aws_env, small_file):
    path, sha = small_file
    with pytest.raises(TargetUnavailable) as caught:
        fast_target(s3_server, "no-such-bucket-here").put("c/f.mp4", path, sha, "video/mp4")
    message = str(caught.value)
    assert "bucket 'no-such-bucket-here' does not exist" in message
    assert s3_server in message


def test_unreachable_endpoint_fails_fast_and_names_it(aws_env, small_file):
    path, sha = small_file
    endpoint = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    started = time.monotonic()
    with pytest.raises(TargetUnavailable) as caught:
        target = fast_target(endpoint, "spots", max_attempts=2, connect_timeout=1)
        target.put("c/f.mp4", path, sha, "video/mp4")
    assert time.monotonic() - started < 10
    assert f"cannot reach the object store at {endpoint}" in str(caught.value)


def test_no_credentials_is_a_clear_error(s3_server, bucket, small_file, monkeypatch):
    path, sha = small_file
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    started = time.monotonic()
    with pytest.raises(TargetUnavailable) as caught:
        fast_target(s3_server, bucket).put("c/f.mp4", path, sha, "video/mp4")
    assert time.monotonic() - started < 10
    assert "no AWS credentials found" in str(caught.value)
    assert "AWS_ACCESS_KEY_ID" in str(caught.value)


@pytest.mark.parametrize("code, expected", [
    ("AccessDenied", "access denied uploading s3://"),
    ("RequestTimeTooSkewed", "clock differs too much"),
])
def test_refusals_name_the_problem_and_never_a_secret(s3_server, bucket, proxy, small_file, caplog,
                                                      code, expected):
    caplog.set_level(logging.DEBUG)
    path, sha = small_file
    proxy.add(Fault("status", method="PUT", times=None, status=403, code=code, message="refused"))
    with pytest.raises(TargetUnavailable) as caught:
        fast_target(proxy.url, bucket).put("c/f.mp4", path, sha, "video/mp4")
    message = str(caught.value)
    assert expected in message and proxy.url in message and "c/f.mp4" in message
    for text in [message, caplog.text]:
        assert SECRET not in text and "Signature" not in text and "Authorization" not in text


# --- faults -------------------------------------------------------------------------------------

def test_connection_reset_mid_part_is_retried(s3_server, bucket, proxy, big_file):
    path, sha = big_file
    proxy.add(Fault("reset", method="PUT", contains="partNumber=2", times=1))
    started = time.monotonic()
    info = fast_target(proxy.url, bucket).put("c/big.mov", path, sha, "video/quicktime")
    assert info.sha256 == sha
    attempts = [e.outcome for e in proxy.requests("PUT", "partNumber=2")]
    assert attempts == ["reset", "forwarded 200"]
    assert len(proxy.log) <= 10 and time.monotonic() - started < 20
    assert s3_client(s3_server).get_object(Bucket=bucket, Key="campaigns/c/big.mov")["Body"].read() \
        == path.read_bytes()


def test_slowdown_is_retried_with_backoff(s3_server, bucket, proxy, small_file):
    path, sha = small_file
    proxy.add(Fault("status", method="PUT", times=2, status=503, code="SlowDown"))
    started = time.monotonic()
    fast_target(proxy.url, bucket).put("c/f.mp4", path, sha, "video/mp4")
    assert [e.outcome for e in proxy.requests("PUT")] == ["status 503", "status 503", "forwarded 200"]
    assert time.monotonic() - started < 15


def test_slowdown_that_never_ends_gives_up_after_bounded_attempts(s3_server, bucket, proxy, small_file):
    path, sha = small_file
    proxy.add(Fault("status", method="PUT", times=None, status=503, code="SlowDown"))
    with pytest.raises(StorageError, match="still throttling"):
        fast_target(proxy.url, bucket, max_attempts=2).put("c/f.mp4", path, sha, "video/mp4")
    assert len(proxy.requests("PUT")) == 2


def test_failed_multipart_upload_is_aborted(s3_server, bucket, proxy, big_file):
    path, sha = big_file
    proxy.add(Fault("reset", method="PUT", contains="partNumber=2", times=None))
    started = time.monotonic()
    with pytest.raises(StorageError, match="kept closing the connection"):
        fast_target(proxy.url, bucket, max_attempts=3).put("c/big.mov", path, sha, "video/quicktime")
    assert len(proxy.requests("PUT", "partNumber=2")) == 3
    assert len(proxy.log) <= 20 and time.monotonic() - started < 20
    # The transfer manager aborts on its own; our listing afterwards is the backstop (and one
    # before, for a killed publish's leftovers).
    order = [(e.method, "uploadId=" in e.path or "uploads&" in e.path) for e in proxy.log]
    assert ("DELETE", True) in order and ("GET", True) in order, proxy.log
    assert order.index(("DELETE", True)) < len(order) - 1 - order[::-1].index(("GET", True))
    assert no_uploads_in_progress(s3_server, bucket)
    assert fast_target(s3_server, bucket).head("c/big.mov") is None


def test_a_killed_publish_s_unfinished_upload_is_aborted_by_the_next(s3_server, bucket, big_file):
    # A trial's publish killed (kill -9) in a ProRes file's upload: its parts stayed, billed
    # and never listed, through a successful publish and a --prune after it. (moto dates every
    # upload 2010: past STALE_UPLOAD, as a killed publish's of an hour ago.)
    path, sha = big_file
    client = s3_client(s3_server)
    left = client.create_multipart_upload(Bucket=bucket, Key="campaigns/c/big.mov")
    client.upload_part(Bucket=bucket, Key="campaigns/c/big.mov", UploadId=left["UploadId"],
                       PartNumber=1, Body=os.urandom(5 * MiB))
    assert not no_uploads_in_progress(s3_server, bucket)
    fast_target(s3_server, bucket).put("c/big.mov", path, sha, "video/quicktime")
    assert no_uploads_in_progress(s3_server, bucket)
    assert fast_target(s3_server, bucket).head("c/big.mov").sha256 == sha


@pytest.mark.parametrize("which", ["multipart", "single"])
def test_a_flipped_byte_is_detected_and_the_object_removed(s3_server, bucket, proxy, big_file,
                                                           small_file, which):
    path, sha = big_file if which == "multipart" else small_file
    where = "partNumber=2" if which == "multipart" else "/c/f"
    proxy.add(Fault("flip", method="PUT", contains=where, times=1))
    with pytest.raises(StorageError, match="arrived corrupted") as caught:
        fast_target(proxy.url, bucket).put("c/f", path, sha, "application/octet-stream")
    assert [e.outcome for e in proxy.requests("PUT", where)] == ["flipped 200"]
    assert "deleted" in str(caught.value)
    # No corrupt object may keep a matching sha256: a later publish would skip it.
    assert fast_target(s3_server, bucket).head("c/f") is None
    assert no_uploads_in_progress(s3_server, bucket)


def test_store_rejecting_flexible_checksums_gets_a_plain_upload(s3_server, bucket, proxy, big_file,
                                                                small_file, caplog):
    proxy.add(Fault("status", method="PUT", header_prefix="x-amz-checksum-", times=None, status=400,
                    code="InvalidArgument", message="x-amz-checksum-sha256 is not supported"))
    proxy.add(Fault("status", method="POST", header_prefix="x-amz-checksum-", times=None, status=400,
                    code="InvalidArgument", message="x-amz-checksum-algorithm is not supported"))
    target = fast_target(proxy.url, bucket)
    for key, (path, sha) in (("c/small", small_file), ("c/big", big_file)):
        info = target.put(key, path, sha, "application/octet-stream")
        assert info.sha256 == sha
        assert s3_client(s3_server).get_object(Bucket=bucket, Key=f"campaigns/{key}")["Body"].read() \
            == path.read_bytes()
    assert target.flexible_checksums is False
    assert "rejected the SHA-256 upload checksum" in caplog.text
    assert len(proxy.log) <= 20
    assert no_uploads_in_progress(s3_server, bucket)


def test_corruption_is_still_caught_without_flexible_checksums(s3_server, bucket, proxy, big_file):
    path, sha = big_file
    proxy.add(Fault("flip", method="PUT", contains="partNumber=3", times=1))
    target = fast_target(proxy.url, bucket, flexible_checksums=False)
    with pytest.raises(StorageError, match="MD5 \\(ETag\\) differs"):
        target.put("c/big", path, sha, "application/octet-stream")
    assert fast_target(s3_server, bucket).head("c/big") is None


# --- listing and deleting, to find and remove withdrawn objects ---------------------------------

def test_local_listing_leaves_out_sidecars_and_a_deletion_takes_the_sidecar_and_empty_folder(
        tmp_path, small_file):
    path, sha = small_file
    target = LocalTarget(tmp_path / "dist")
    for key in ("c/a/one.mp4", "c/a/two.mp4", "c/b/three.mp4", "c-tv/four.mp4"):
        target.put(key, path, sha, "video/mp4")
    (tmp_path / "dist/c/b/gone.mp4.sha256").write_text(f"{sha}  gone.mp4\n")  # its file deleted
    # Another publish's write under way is not an object; a killed one's is left over.
    writing = tmp_path / f"dist/c/b/.index.html.partial-{os.getpid()}-1.sha256"
    dead = subprocess.Popen(["true"])
    dead.wait()
    left = tmp_path / f"dist/c/b/.old.mp4.partial-{dead.pid}-1.mp4"
    for partial in (writing, left):
        partial.write_text("")
    assert target.list_keys("c") == ["c/a/one.mp4", "c/a/two.mp4", f"c/b/{left.name}",
                                     "c/b/gone.mp4.sha256", "c/b/three.mp4"]
    for partial in (writing, left):
        partial.unlink()
    assert target.list_keys("nothing-here") == []

    target.delete("c/a/one.mp4")
    assert sorted(p.name for p in (tmp_path / "dist/c/a").iterdir()) == ["two.mp4",
                                                                        "two.mp4.sha256"]
    target.delete("c/b/three.mp4")
    target.delete("c/b/gone.mp4.sha256")
    assert not (tmp_path / "dist/c/b").exists()    # a dropped spot's folder goes with its files
    target.delete("c/b/three.mp4")                 # nothing there: nothing to do
    assert target.list_keys("c") == ["c/a/two.mp4"]
    assert target.list_keys("c-tv") == ["c-tv/four.mp4"]


def test_s3_listing_is_one_pass_over_its_pages_without_folder_markers(s3_server, bucket, proxy,
                                                                      small_file):
    path, sha = small_file
    client = s3_client(s3_server)
    for key in ("c/a/1.mp4", "c/a/2.mp4", "c/b/3.mp4", "c/4.txt", "c-tv/5.mp4", "other/c/6"):
        client.put_object(Bucket=bucket, Key=f"campaigns/{key}", Body=b"x")
    client.put_object(Bucket=bucket, Key="campaigns/c/b/", Body=b"")   # a console's "folder"
    client.put_object(Bucket=bucket, Key="c/7.mp4", Body=b"x")          # outside the prefix
    target = fast_target(proxy.url, bucket, list_page=2)
    assert target.list_keys("c") == ["c/4.txt", "c/a/1.mp4", "c/a/2.mp4", "c/b/3.mp4"]
    # Five keys under campaigns/c/, two a page: three requests, and nothing else asked.
    assert [e.method for e in proxy.log] == ["GET"] * 3
    assert all("list-type=2" in e.path for e in proxy.log)

    target.delete("c/a/1.mp4")
    target.delete("c/a/1.mp4")    # S3 answers a deletion of nothing as done
    assert target.list_keys("c") == ["c/4.txt", "c/a/2.mp4", "c/b/3.mp4"]


def test_s3_denied_listing_or_deletion_names_the_permission_it_needs(s3_server, bucket, proxy):
    proxy.add(Fault("status", method="GET", contains="list-type=2", times=None, status=403,
                    code="AccessDenied", message="Access Denied"))
    proxy.add(Fault("status", method="DELETE", times=None, status=403, code="AccessDenied",
                    message="Access Denied"))
    target = fast_target(proxy.url, bucket)
    with pytest.raises(TargetUnavailable) as listing:
        target.list_keys("c")
    assert listing.value.message == \
        f"access denied listing s3://{bucket}/campaigns/c/ at {proxy.url} (AccessDenied)"
    assert "s3:ListBucket" in listing.value.hint
    with pytest.raises(TargetUnavailable) as deleting:
        target.delete("c/a.mp4")
    assert "s3:DeleteObject" in deleting.value.hint
    assert SECRET not in str(listing.value) + str(deleting.value)
