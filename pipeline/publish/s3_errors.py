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
    if isinstance(exc, (NoCredentialsError, PartialCredentialsError)):
        return TargetUnavailable(
            f"no AWS credentials found for {action} {where} ({endpoint})",
            hint="set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE, "
                 "or run where an instance role is available")
    if isinstance(exc, (EndpointConnectionError, ConnectTimeoutError)):
        return TargetUnavailable(
            f"cannot reach the object store at {endpoint} while {action} {where} "
            f"(tried {target.max_attempts} times)",
            hint="check --endpoint-url / AWS_ENDPOINT_URL and that the store is running")
    if isinstance(exc, ReadTimeoutError):
        return StorageError(f"{endpoint} did not answer within {target.read_timeout:g} s while "
                            f"{action} {where}", hint="try again; check the network")
    if isinstance(exc, ConnectionClosedError):
        return StorageError(f"{endpoint} kept closing the connection while {action} {where} "
                            f"(tried {target.max_attempts} times)", hint="try again later")
    if not isinstance(exc, ClientError):
        return StorageError(f"{action} {where} at {endpoint} failed: {type(exc).__name__}")
    code, message = error_code(exc), exc.response.get("Error", {}).get("Message", "")
    if code == "NoSuchBucket":
        return TargetUnavailable(f"bucket {target.bucket!r} does not exist at {endpoint}",
                            hint=f"create it first (aws s3 mb s3://{target.bucket}), "
                                 "or fix the bucket in --to / publish.to")
    if code == "RequestTimeTooSkewed":
        return TargetUnavailable(
            f"{endpoint} refused {action} {where}: this machine's clock differs too much "
            "from the store's (RequestTimeTooSkewed)",
            hint="synchronise the clock (e.g. 'timedatectl set-ntp true' or chrony)")
    if code in DENIED:
        return TargetUnavailable(f"access denied {action} {where} at {endpoint} ({code})",
                            hint="check the credentials in use and that their policy allows "
                                 f"{PERMISSIONS.get(action, UPLOADING)} here")
    if code in THROTTLED:
        return StorageError(f"{endpoint} is still throttling ({code}) after "
                            f"{target.max_attempts} attempts at {action} {where}",
                            hint="publish again later; objects already up are not re-sent")
    detail = f"{code}: {message}" if message else code
    return StorageError(f"{action} {where} at {endpoint} failed ({detail})")


def error_code(exc) -> str:
    response = getattr(exc, "response", None) or {}
    return str(response.get("Error", {}).get("Code", ""))


def http_status(exc) -> int:
    response = getattr(exc, "response", None) or {}
    return int(response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
