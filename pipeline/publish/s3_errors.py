"""What the S3 target says when something goes wrong: botocore's exceptions turned into a
`StorageError` (or `TargetUnavailable`) that names the bucket, endpoint and key, says what to
do, and never shows a credential, signature or presigned URL; and the SDK's own loggers kept
from writing request headers into `-v`.

It is separate from the target's transfers (publish/s3.py): every one of them ends here on
failure, and what a store's error means (which codes are a denial, which a throttle) is one
concern, read and changed on its own.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from pipeline.errors import StorageError
from pipeline.messages import N_, Message, Number, say
from pipeline.publish.target import TargetUnavailable

if TYPE_CHECKING:   # the target is only read here: s3.py imports this module
    from pipeline.publish.s3 import S3Target

# Error codes of stores that do not understand flexible checksums (x-amz-checksum-*, trailers).
CHECKSUM_REJECTIONS = {"NotImplemented", "InvalidArgument", "InvalidRequest", "UnsupportedHeader",
                       "XAmzContentSHA256Mismatch", "MissingContentLength", "InvalidDigest"}
DENIED = {"AccessDenied", "403", "AllAccessDisabled", "InvalidAccessKeyId", "SignatureDoesNotMatch",
          "InvalidToken", "ExpiredToken", "InvalidSecurity"}
THROTTLED = {"SlowDown", "503", "ServiceUnavailable", "Throttling", "RequestLimitExceeded"}
# What a policy must allow for an action; uploads and reads by default. Write-only credentials
# are common for publishing: a denied listing or deletion names what it lacked.
PERMISSIONS = {"listing": "s3:ListBucket", "deleting": "s3:DeleteObject"}
UPLOADING = "s3:GetObject, s3:PutObject and s3:AbortMultipartUpload"
# What was being done, as the messages below say it ("while reading <bucket>/<key>").
ACTIONS = {"reading": N_("reading"), "listing": N_("listing"), "uploading": N_("uploading"),
           "deleting": N_("deleting"), "presigning": N_("presigning"), "copying": N_("copying")}


def _doing(action: str) -> Message | str:
    return say(ACTIONS[action]) if action in ACTIONS else action


def quiet_sdk_loggers() -> None:
    # botocore logs request headers (Authorization, signatures) at DEBUG; keep them out of `-v`.
    for name in ("botocore", "boto3", "s3transfer", "urllib3"):
        logger = logging.getLogger(name)
        if logger.getEffectiveLevel() < logging.INFO:
            logger.setLevel(logging.INFO)


def explain(target: S3Target, exc: Exception, action: str, key: str | None) -> StorageError:
    """A message that says what happened and where, and how to fix it; nothing secret."""
    from botocore.exceptions import (
        ClientError,
        ConnectionClosedError,
        ConnectTimeoutError,
        EndpointConnectionError,
        NoCredentialsError,
        PartialCredentialsError,
        ReadTimeoutError,
    )

    where, endpoint = target.location(key or ""), target.endpoint
    doing = _doing(action)
    if isinstance(exc, (NoCredentialsError, PartialCredentialsError)):
        return TargetUnavailable(
            say(N_("no AWS credentials found for %(action)s %(where)s (%(endpoint)s)"),
                action=doing, where=where, endpoint=endpoint),
            hint=say(N_("set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE, or run "
                        "where an instance role is available")))
    if isinstance(exc, (EndpointConnectionError, ConnectTimeoutError)):
        return TargetUnavailable(
            say(N_("cannot reach the object store at %(endpoint)s while %(action)s %(where)s "
                   "(tried %(attempts)s times)"), endpoint=endpoint, action=doing, where=where,
                attempts=target.max_attempts),
            hint=say(N_("check --endpoint-url / AWS_ENDPOINT_URL and that the store is "
                        "running")))
    if isinstance(exc, ReadTimeoutError):
        # A store that takes connections and answers nothing answers no other object either:
        # stopped as one refused is. Said per object, a trial's publish to a paused store ran
        # 12 minutes in silence, each of its 150 objects to wait its 5 tries of 60 s.
        return TargetUnavailable(
            # Without a count of tries: botocore retries a request's, not a body's, stall.
            say(N_("%(endpoint)s did not answer within %(seconds)s s while %(action)s "
                   "%(where)s"), endpoint=endpoint, seconds=Number(target.read_timeout, "g"),
                action=doing, where=where),
            hint=say(N_("check that the store is running and answering; publish again then: "
                        "objects already up are not re-sent")))
    if isinstance(exc, ConnectionClosedError):
        return StorageError(say(N_("%(endpoint)s kept closing the connection while %(action)s "
                                   "%(where)s (tried %(attempts)s times)"), endpoint=endpoint,
                                action=doing, where=where, attempts=target.max_attempts),
                            hint=say(N_("try again later")))
    if not isinstance(exc, ClientError):
        return StorageError(say(N_("%(action)s %(where)s at %(endpoint)s failed: %(error)s"),
                                action=doing, where=where, endpoint=endpoint,
                                error=type(exc).__name__))
    code, message = error_code(exc), exc.response.get("Error", {}).get("Message", "")
    if code == "NoSuchBucket":
        return TargetUnavailable(say(N_("bucket %(bucket)s does not exist at %(endpoint)s"),
                                     bucket=repr(target.bucket), endpoint=endpoint),
                                 hint=say(N_("create it first (%(command)s), or fix the bucket "
                                             "in --to / publish.to"),
                                          command=f"aws s3 mb s3://{target.bucket}"))
    if code == "RequestTimeTooSkewed":
        return TargetUnavailable(
            say(N_("%(endpoint)s refused %(action)s %(where)s: this machine's clock differs too "
                   "much from the store's (%(code)s)"), endpoint=endpoint, action=doing,
                where=where, code=code),
            hint=say(N_("synchronise the clock (e.g. %(command)s or chrony)"),
                     command="'timedatectl set-ntp true'"))
    if code in DENIED:
        return TargetUnavailable(say(N_("access denied %(action)s %(where)s at %(endpoint)s "
                                        "(%(code)s)"), action=doing, where=where,
                                     endpoint=endpoint, code=code),
                                 hint=say(N_("check the credentials in use and that their policy "
                                             "allows %(permissions)s here"),
                                          permissions=PERMISSIONS.get(action, UPLOADING)))
    if code in THROTTLED:
        return StorageError(say(N_("%(endpoint)s is still throttling (%(code)s) after "
                                   "%(attempts)s attempts at %(action)s %(where)s"),
                                endpoint=endpoint, code=code, attempts=target.max_attempts,
                                action=doing, where=where),
                            hint=say(N_("publish again later; objects already up are not "
                                        "re-sent")))
    detail = f"{code}: {message}" if message else code
    return StorageError(say(N_("%(action)s %(where)s at %(endpoint)s failed (%(detail)s)"),
                            action=doing, where=where, endpoint=endpoint, detail=detail))


def error_code(exc) -> str:
    response = getattr(exc, "response", None) or {}
    return str(response.get("Error", {}).get("Code", ""))


def http_status(exc) -> int:
    response = getattr(exc, "response", None) or {}
    return int(response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
