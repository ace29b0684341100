"""`pipeline publish` and `pipeline verify` as users run them (through the command group, with
-q and the environment): what they print when nothing changed, and when the store cannot be
used at all: a wrong secret key, an endpoint nobody listens on."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from pipeline.cli.main import cli
from pipeline.publish.upload import publish
from tests.faultproxy import Fault, FaultProxy
from tests.s3server import (  # noqa: F401
    aws_env,
    bucket,
    campaign,
    free_port,
    media,
    s3_client,
    s3_server,
    variant_cache,
)
from tests.test_publish import LISTS_AND_PAGES, OBJECTS, target_for

ALL = OBJECTS + LISTS_AND_PAGES


def invoke(*args, env=None):
    return CliRunner(env=env).invoke(cli, [str(a) for a in args])


def counts(summary: str) -> dict[str, int]:
    """The summary's counts by what they count ("uploaded", "unchanged", "failed", ...)."""
    return {what: int(n) for n, what in
            re.findall(r"(\d+) (uploaded|unchanged|failed|not attempted)", summary)}


def errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if ": error: " in line]


def test_quiet_publish_prints_the_summary_alone(campaign):
    first = invoke("publish", campaign.path, "-q")
    assert first.exit_code == 0, first.output
    assert first.stdout.splitlines()[0].startswith(f"blue-heart: {ALL} uploaded")
    assert "  uploaded " not in first.stdout
    again = invoke("-q", "publish", campaign.path)
    assert again.exit_code == 0, again.output
    assert again.stdout.splitlines()[0] == \
        f"blue-heart: nothing to upload, all {ALL} objects already up to date at " \
        f"{campaign.path.parent.parent / 'dist' / 'blue-heart'}"
    assert not [line for line in again.stdout.splitlines() if line.startswith("  unchanged")]
    # The fixture's records are made up, not rendered from its inputs: one warning says so.
    assert again.stderr == "blue-heart: 1 warning not shown (-q)\n"
    # Without -q, a line per object sent; those up to date are counted (a trial's re-publish
    # printed 1,048 of them), listed with -v.
    loud = invoke("publish", campaign.path)
    assert not [line for line in loud.stdout.splitlines() if line.startswith("  unchanged")]
    assert f"0 uploaded (0 bytes), {ALL} unchanged" in loud.stdout or \
        f"all {ALL} objects already up to date" in loud.stdout, loud.stdout
    listed = invoke("publish", campaign.path, "-v")
    assert len([line for line in listed.stdout.splitlines() if line.startswith("  unchanged")]) \
        == ALL


def test_publish_writes_small_sizes_in_bytes_with_their_plural(campaign):
    result = invoke("publish", campaign.path)
    assert result.exit_code == 0, result.output
    # Subtitle sidecars and the language lists (urls.txt, SHA256SUMS): under a kilobyte each.
    small = re.findall(r"  uploaded +\S+  (\d+ \w+)$", result.stdout, re.M)
    small = [size for size in small if not size.endswith("B")]
    assert small and all(re.fullmatch(r"\d+ bytes", size) for size in small), result.stdout


def test_quiet_publish_counts_the_warnings_it_does_not_show(campaign):
    quiet = invoke("publish", campaign.path, "-q", "--presign", "1d")   # no effect on a folder
    assert quiet.exit_code == 0, quiet.output
    loud = invoke("publish", campaign.path, "--presign", "1d")
    said = [line for line in loud.stderr.splitlines() if ": warning: " in line]
    assert len(said) == 2 and "warning: --presign has no effect on a folder target" in said[1]
    assert quiet.stderr == "blue-heart: 2 warnings not shown (-q)\n"
    assert "not shown" not in loud.stderr


def assert_truthful(result, target: str, problem: str) -> None:
    """Every object counted once, the counts adding up to all of them; one problem, said once,
    and the catalog's line counting it as the summary does."""
    assert result.exit_code == 1, result.output
    (summary,) = [line for line in result.stdout.splitlines() if line.startswith("blue-heart:")]
    found = counts(summary)
    assert sum(found.values()) == ALL, summary
    assert found == {"uploaded": 0, "unchanged": 0, "failed": 1, "not attempted": ALL - 1}, summary
    assert summary.endswith(f"of {ALL} objects, to {target}; 1 problem"), summary
    said = errors(result.stderr)
    assert len(said) == 2 and problem in said[0], said
    assert said[1].endswith(f"error: catalog not updated at {target}: 1 problem above; "
                            "broadcasters still see what was published there before, if "
                            "anything (hint: fix them and "
                            "publish again; objects already up are not sent twice)"), said
    assert "Traceback" not in result.output


def test_a_wrong_secret_key_is_one_problem_and_every_object_is_counted(campaign, s3_server, bucket):
    # moto takes any key: the store's answer to a wrong one comes from the proxy in front.
    with FaultProxy(s3_server) as proxy:
        proxy.add(Fault("status", times=None, status=403, code="SignatureDoesNotMatch",
                        message="The request signature we calculated does not match"))
        result = invoke("publish", campaign.path, "--to", f"s3://{bucket}/campaigns",
                        "--endpoint-url", proxy.url)
    assert_truthful(result, f"s3://{bucket}/campaigns/blue-heart", "access denied reading")


def test_an_endpoint_nobody_listens_on_is_one_problem_and_every_object_is_counted(campaign,
                                                                                  aws_env):
    endpoint = f"http://127.0.0.1:{free_port()}"
    result = invoke("publish", campaign.path, "--to", "s3://spots/campaigns", "--endpoint-url",
                    endpoint, "-q", env={"AWS_MAX_ATTEMPTS": "2"})
    assert_truthful(result, "s3://spots/campaigns/blue-heart",
                    f"cannot reach the object store at {endpoint}")
    assert result.stdout.count("\n") == 1     # -q: the summary alone on stdout


def test_a_refused_file_is_counted_as_failed(campaign):
    variant = campaign.campaign_dir / "not-for-sale-15" / "not-for-sale-15.nah.web.mp4"
    variant.write_bytes(variant.read_bytes()[:-10])
    result = invoke("publish", campaign.path)
    assert result.exit_code == 1
    (summary,) = [line for line in result.stdout.splitlines() if line.startswith("blue-heart:")]
    assert counts(summary) == {"uploaded": OBJECTS - 1, "unchanged": 0, "failed": 1,
                               "not attempted": LISTS_AND_PAGES}, summary
    assert summary.endswith("; 1 problem")
    assert "no longer matches its render record" in errors(result.stderr)[0]
    # Not also "published as rendered before its inputs changed": it is not published.
    assert f"{variant}: warning:" not in result.stderr, result.stderr


@pytest.mark.e2e
def test_a_page_a_browser_cannot_open_is_said_at_publish(campaign, s3_server, bucket, tmp_path):
    # A trial's publish to a private bucket said the page's address and exit 0; the stations
    # would have got "Access Denied", and only `verify` said why.
    result = invoke("publish", campaign.path, "--to", f"s3://{bucket}/campaigns",
                    "--endpoint-url", s3_server)
    assert result.exit_code == 0, result.output
    assert (f"warning: the page's address answers HTTP 403 to a browser: stations cannot open "
            f"{s3_server}/{bucket}/campaigns/blue-heart/index.html") in result.stderr, result.stderr
    assert "publish with --presign 7d" in result.stderr
    presigned = invoke("publish", campaign.path, "--to", f"s3://{bucket}/campaigns",
                       "--endpoint-url", s3_server, "--presign", "1h")
    folder = invoke("publish", campaign.path, "--to", f"file://{tmp_path / 'out'}")
    # Made public by a bucket policy, as stations need it (a trial's warning stayed: the
    # check's HEAD was refused where a browser's GET was not).
    s3_client(s3_server).put_bucket_policy(Bucket=bucket, Policy=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*",
                                                "Action": "s3:GetObject",
                                                "Resource": f"arn:aws:s3:::{bucket}/*"}]}))
    public = invoke("publish", campaign.path, "--to", f"s3://{bucket}/campaigns",
                    "--endpoint-url", s3_server)
    for other in (presigned, folder, public):
        assert other.exit_code == 0 and "answers HTTP" not in other.output, other.output
    # But moto refuses HEAD there, and the page's wget -N asks with HEAD when run again.
    assert "warning: the server answers HEAD with HTTP 403 where it lets anyone GET" \
        in public.stderr, public.stderr


def test_verify_speaks_of_expired_links_only_where_links_were_presigned(campaign, s3_server, bucket):
    # A private bucket read over HTTP: its plain URLs are refused (403) because it is private,
    # not because a link expired; presigned links that expired are.
    assert publish(campaign, target=target_for(s3_server, bucket)).ok
    result = invoke("verify", f"{s3_server}/{bucket}/campaigns/blue-heart/")
    assert result.exit_code == 1
    assert "answered HTTP 403" in result.stderr and "presigned" not in result.stderr.replace(
        "publish with --presign", ""), result.stderr
    assert "the bucket may be private" in result.stderr

    catalog = target_for(s3_server, bucket).url("blue-heart/catalog.json", presign_seconds=600)
    result = invoke("verify", catalog)      # the catalog presigned, the files' URLs plain
    assert result.exit_code == 1
    assert "expired" not in result.stderr and "the bucket may be private" in result.stderr

    # moto does not expire presigned links: the proxy in front refuses them as a store does.
    with FaultProxy(s3_server) as proxy:
        assert publish(campaign, presign="1h", target=target_for(proxy.url, bucket)).ok
        proxy.add(Fault("status", method="GET", contains="not-for-sale", times=None, status=403,
                        code="AccessDenied", message="Request has expired"))
        result = invoke("verify", target_for(proxy.url, bucket).url("blue-heart/catalog.json",
                                                                      presign_seconds=600))
    assert result.exit_code == 1
    assert "answered HTTP 403 (hint: the presigned links may have expired)" in result.stderr, \
        result.stderr
