"""The S3 target: `s3://bucket/prefix` on AWS S3 or any S3-compatible store, through boto3.

The object's sha256 is stored as user metadata `x-amz-meta-sha256`. boto3 and botocore are
imported inside the methods that need them, so a run that never touches a bucket never loads them.
Messages name the bucket, endpoint and key, never a credential, signature or presigned URL
(publish/s3_errors.py).
"""

from __future__ import annotations

import base64
import logging
import os
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

from pipeline.errors import StorageError
from pipeline.messages import N_, Items, say
from pipeline.publish.s3_checksums import Expected, expected_checksums
from pipeline.publish.s3_errors import (
    CHECKSUM_REJECTIONS,
    DENIED,
    error_code,
    explain,
    http_status,
    quiet_sdk_loggers,
)
from pipeline.publish.target import (
    READ_CHUNK,
    MiB,
    ObjectInfo,
    Target,
    _check_key,
    check_endpoint,
    redact_url,
)

log = logging.getLogger(__name__)

# Transfer tuning. A 30 s web spot is ~10-20 MB and goes up in one PUT, whose SHA-256 the store
# checks as a whole; a 20 Mb/s broadcast MOV (~80 MB) goes in 16 MiB parts, four at a time:
# parts of 8-16 MiB are what AWS recommends, a reset connection resends at most 16 MiB, and 4 x 16
# MiB of buffers stays small on a 2-core machine whose uplink, not its CPU, is the limit.
STALE_UPLOAD = 3600.0      # seconds: an unfinished multipart upload older is a killed one's
MULTIPART_THRESHOLD = 32 * MiB
MULTIPART_CHUNKSIZE = 16 * MiB
MAX_CONCURRENCY = 4
MAX_ATTEMPTS = 5           # botocore "standard" mode: 1 try + 4 retries with jittered backoff
LIST_PAGE = 1000           # keys per listing request: the most S3 returns
CONNECT_TIMEOUT = 10.0     # seconds
READ_TIMEOUT = 60.0        # seconds without a byte from the store

_ETAG = re.compile(r"^[0-9a-f]{32}(?:-(\d+))?$")


@dataclass
class S3Target(Target):
    """`s3://bucket/prefix` on AWS S3 or any S3-compatible store (MinIO, Ceph, R2, moto).

    Uploads ask the store to verify a SHA-256 (`ChecksumAlgorithm="SHA256"`). A store that
    rejects flexible checksums gets the same upload once more without them (and without
    botocore's default CRC32), and that choice sticks for this target. Either way a HEAD after
    the upload must show the right size and sha256 metadata, and whatever the store computed
    (its SHA-256, or an MD5 ETag) must match the local bytes; a mismatch deletes the object so
    no corrupt object ever carries a matching sha256.
    """

    bucket: str
    prefix: str = ""
    endpoint_url: str | None = None
    max_attempts: int | None = None        # None: $AWS_MAX_ATTEMPTS, else MAX_ATTEMPTS
    connect_timeout: float = CONNECT_TIMEOUT
    read_timeout: float = READ_TIMEOUT
    multipart_threshold: int = MULTIPART_THRESHOLD
    multipart_chunksize: int = MULTIPART_CHUNKSIZE
    max_concurrency: int = MAX_CONCURRENCY
    list_page: int = LIST_PAGE
    flexible_checksums: bool = True
    _clients: dict = field(default_factory=dict, repr=False)
    supports_presign = True
    public_urls = True
    stores_encoding = True

    def __post_init__(self) -> None:
        self.prefix = self.prefix.strip("/")
        self.endpoint_url = (self.endpoint_url or os.environ.get("AWS_ENDPOINT_URL_S3")
                             or os.environ.get("AWS_ENDPOINT_URL") or None)
        check_endpoint(self.endpoint_url)
        if self.max_attempts is None:
            env = os.environ.get("AWS_MAX_ATTEMPTS", "")
            self.max_attempts = int(env) if env.isdigit() and int(env) > 0 else MAX_ATTEMPTS
        quiet_sdk_loggers()

    # clients ----------------------------------------------------------------------------

    def _client(self, kind: str = "checked"):
        """`checked`: flexible checksums; `plain`: only what the API requires; `unsigned`: URLs."""
        if kind not in self._clients:
            import boto3
            from botocore import UNSIGNED
            from botocore.config import Config

            checksums = "when_supported" if kind == "checked" else "when_required"
            config = Config(
                signature_version=UNSIGNED if kind == "unsigned" else "s3v4",
                retries={"mode": "standard", "total_max_attempts": self.max_attempts},
                connect_timeout=self.connect_timeout, read_timeout=self.read_timeout,
                request_checksum_calculation=checksums, response_checksum_validation=checksums,
                max_pool_connections=max(10, self.max_concurrency * 2))
            self._clients[kind] = boto3.session.Session().client(
                "s3", endpoint_url=self.endpoint_url, config=config)
        return self._clients[kind]

    @property
    def endpoint(self) -> str:
        try:
            return redact_url(self._client().meta.endpoint_url)
        except Exception:  # an unusable configuration still deserves a message
            return redact_url(self.endpoint_url) if self.endpoint_url else "the default AWS endpoint"

    def _key(self, key: str) -> str:
        _check_key(key)
        return f"{self.prefix}/{key}" if self.prefix else key

    def location(self, key: str = "") -> str:
        path = "/".join(p for p in (self.prefix, key) if p)
        return f"s3://{self.bucket}/{path}" if path else f"s3://{self.bucket}"

    # reading ----------------------------------------------------------------------------

    def head(self, key: str) -> ObjectInfo | None:
        from botocore.exceptions import BotoCoreError, ClientError

        args = {"Bucket": self.bucket, "Key": self._key(key)}
        if self.flexible_checksums:
            args["ChecksumMode"] = "ENABLED"
        try:
            response = self._client().head_object(**args)
        except ClientError as exc:
            if http_status(exc) == 404:
                return None
            raise explain(self, exc, "reading", key) from None
        except BotoCoreError as exc:
            raise explain(self, exc, "reading", key) from None
        return ObjectInfo(
            key, int(response["ContentLength"]), response.get("Metadata", {}).get("sha256"),
            etag=(response.get("ETag") or "").strip('"') or None,
            checksum_sha256=response.get("ChecksumSHA256"), checksum_type=response.get("ChecksumType"),
            encrypted=response.get("ServerSideEncryption") == "aws:kms"
            or bool(response.get("SSECustomerAlgorithm")))

    def _get(self, key: str):
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return self._client().get_object(Bucket=self.bucket, Key=self._key(key))["Body"]
        except ClientError as exc:
            if error_code(exc) == "NoSuchKey":
                return None
            raise explain(self, exc, "reading", key) from None
        except BotoCoreError as exc:
            raise explain(self, exc, "reading", key) from None

    def get_bytes(self, key: str) -> bytes | None:
        from botocore.exceptions import BotoCoreError

        body = self._get(key)
        try:
            return body.read() if body is not None else None
        except BotoCoreError as exc:
            raise explain(self, exc, "reading", key) from None

    def read_chunks(self, key: str) -> Iterator[bytes]:
        from botocore.exceptions import BotoCoreError

        body = self._get(key)
        if body is None:
            raise StorageError(say(N_("%(object)s does not exist at %(endpoint)s"),
                                   object=self.location(key), endpoint=self.endpoint))
        try:
            yield from body.iter_chunks(READ_CHUNK)
        except BotoCoreError as exc:
            raise explain(self, exc, "reading", key) from None

    def list_keys(self, folder: str) -> list[str]:
        from botocore.exceptions import BotoCoreError, ClientError

        root = f"{self.prefix}/" if self.prefix else ""
        keys = []
        try:
            pages = self._client().get_paginator("list_objects_v2").paginate(
                Bucket=self.bucket, Prefix=f"{self._key(folder)}/",
                PaginationConfig={"PageSize": self.list_page})
            for page in pages:
                # A key ending in "/" is a console's "folder": nothing a station can download.
                keys += [item["Key"][len(root):] for item in page.get("Contents", [])
                         if not item["Key"].endswith("/")]
        except (ClientError, BotoCoreError) as exc:
            raise explain(self, exc, "listing", f"{folder}/") from None
        return sorted(keys)

    def url(self, key: str, presign_seconds: int | None = None, download: bool = False) -> str:
        from botocore.exceptions import BotoCoreError

        params = {"Bucket": self.bucket, "Key": self._key(key)}
        try:
            if presign_seconds:
                if download:
                    # A presigned URL's query would end up in the name wget saves it under; the
                    # store's Content-Disposition names it after the object instead (S3 allows
                    # response-* overrides on signed requests only).
                    name = key.rpartition("/")[2].replace('"', "")
                    params["ResponseContentDisposition"] = f'attachment; filename="{name}"'
                return self._client().generate_presigned_url(
                    "get_object", Params=params, ExpiresIn=presign_seconds)
            return self._client("unsigned").generate_presigned_url("get_object", Params=params)
        except BotoCoreError as exc:
            raise explain(self, exc, "presigning", key) from None

    # writing ----------------------------------------------------------------------------

    def put(self, key: str, local_path: Path, sha256: str, content_type: str,
            cache_control: str | None = None, content_encoding: str | None = None) -> ObjectInfo:
        from botocore.exceptions import BotoCoreError, ClientError

        size = Path(local_path).stat().st_size
        expected = expected_checksums(Path(local_path), size, self.multipart_threshold, self.multipart_chunksize)
        if expected.sha256 != sha256:
            raise StorageError(say(N_("%(path)s changed since it was hashed; not uploaded"),
                                   path=str(local_path)),
                               hint=say(N_("publish again once nothing writes to it")))
        extra = {"Metadata": {"sha256": sha256}, "ContentType": content_type}
        if cache_control:
            extra["CacheControl"] = cache_control
        if content_encoding:
            extra["ContentEncoding"] = content_encoding
        if expected.parts > 1:
            # A publish killed (kill -9, a power cut) could not abort its upload of this key:
            # its parts, billed and never listed, go before this one starts; those begun in
            # the last STALE_UPLOAD may be another command's under way (a watch and a render
            # --store sending one master), kept.
            self._abort_leftovers(key, older_than=STALE_UPLOAD)
        try:
            self._upload(Path(local_path), key, extra)
        except BaseException as exc:  # Ctrl-C included: no orphaned parts billed forever
            if expected.parts > 1:
                self._abort_leftovers(key)
            if isinstance(exc, (ClientError, BotoCoreError)):
                raise explain(self, exc, "uploading", key) from None
            raise
        return self._confirm(key, size, sha256, expected)

    def _upload(self, path: Path, key: str, extra: dict) -> None:
        from botocore.exceptions import ClientError

        if self.flexible_checksums:
            try:
                self._transfer("checked", path, key, {**extra, "ChecksumAlgorithm": "SHA256"})
                return
            except ClientError as exc:
                if error_code(exc) not in CHECKSUM_REJECTIONS:
                    raise
                log.warning("%s rejected the SHA-256 upload checksum (%s); uploading without "
                            "flexible checksums and checking size, sha256 metadata and ETag "
                            "after each upload instead", self.endpoint, error_code(exc))
                if path.stat().st_size >= self.multipart_threshold:
                    self._abort_leftovers(key)
                self.flexible_checksums = False
        self._transfer("plain", path, key, extra)

    def _transfer(self, kind: str, path: Path, key: str, extra: dict) -> None:
        from boto3.s3.transfer import TransferConfig, create_transfer_manager

        config = TransferConfig(
            multipart_threshold=self.multipart_threshold, multipart_chunksize=self.multipart_chunksize,
            max_concurrency=self.max_concurrency, use_threads=True,
            preferred_transfer_client="classic")  # the CRT client aborts and checksums differently
        with create_transfer_manager(self._client(kind), config) as manager:
            manager.upload(str(path), self.bucket, self._key(key), extra_args=extra).result()

    def _abort_leftovers(self, key: str, older_than: float = 0.0) -> None:
        """Abort unfinished multipart uploads of this key begun `older_than` seconds ago or
        more (the transfer manager tries too). A store that does not answer stops the command
        (`explain`'s TargetUnavailable): each upload would wait its retries again.

        Another publisher of the very same key at the same moment would lose its upload; two
        publishers of one campaign at once is already a conflict.
        """
        from botocore.exceptions import (
            ConnectTimeoutError,
            EndpointConnectionError,
            ReadTimeoutError,
        )

        client, full_key = self._client("plain"), self._key(key)
        now = datetime.now(timezone.utc)
        try:
            listing = client.list_multipart_uploads(Bucket=self.bucket, Prefix=full_key)
            for upload in listing.get("Uploads", []):
                begun = upload.get("Initiated")
                if upload["Key"] == full_key and (not older_than or begun is None or (
                        now - begun).total_seconds() >= older_than):
                    client.abort_multipart_upload(Bucket=self.bucket, Key=full_key,
                                                  UploadId=upload["UploadId"])
        except (ConnectTimeoutError, EndpointConnectionError, ReadTimeoutError) as exc:
            raise explain(self, exc, "uploading", key) from None
        except Exception as exc:  # best effort: the upload's own error is what the user needs
            if error_code(exc) in ("NoSuchBucket", *DENIED):
                return  # nothing can have been started there, or we may not look
            log.warning("could not abort unfinished uploads of %s at %s (%s)",
                        self.location(key), self.endpoint, type(exc).__name__)

    def _confirm(self, key: str, size: int, sha256: str, expected: Expected) -> ObjectInfo:
        info = self.head(key)
        if info is None:
            raise StorageError(say(N_("%(object)s is missing right after its upload to "
                                      "%(endpoint)s"), object=self.location(key),
                                   endpoint=self.endpoint), hint=say(N_("publish again")))
        problems = []
        if info.size != size:
            problems.append(say(N_("the store holds %(stored)s bytes instead of %(size)s"),
                                stored=info.size, size=size))
        if info.sha256 != sha256:
            problems.append(say(N_("its sha256 metadata is missing or different")))
        stored_checksum = (info.checksum_sha256 or "").split("-")[0]
        if stored_checksum and stored_checksum != self._checksum_for(info, expected):
            problems.append(say(N_("the SHA-256 the store computed differs from the local "
                                   "file's")))
        etag = _ETAG.match(info.etag or "")
        if etag and not info.encrypted and int(etag.group(1) or 1) == expected.parts \
                and info.etag != expected.etag:
            problems.append(say(N_("the store's MD5 (ETag) differs from the local file's")))
        if problems:
            self._delete(key)
            raise StorageError(
                say(N_("upload of %(object)s to %(endpoint)s arrived corrupted: %(problems)s; "
                       "the object was deleted"), object=self.location(key),
                    endpoint=self.endpoint, problems=Items(tuple(problems), join="; ")),
                hint=say(N_("publish again; if it repeats, something between here and the store "
                            "alters data (a proxy, a faulty network card)")))
        return info

    def move(self, source: str, key: str, size: int, sha256: str) -> ObjectInfo:
        """CopyObject (server-side, metadata and all; up to 5 GB, far above a spot), checked,
        then the source deleted."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self._client("plain").copy_object(
                Bucket=self.bucket, Key=self._key(key), MetadataDirective="COPY",
                CopySource={"Bucket": self.bucket, "Key": self._key(source)})
        except (ClientError, BotoCoreError) as exc:
            raise explain(self, exc, "copying", key) from None
        info = self.head(key)
        if info is None or (info.size, info.sha256) != (size, sha256):
            raise StorageError(say(N_("%(object)s is not what was copied there at %(endpoint)s"),
                                   object=self.location(key), endpoint=self.endpoint),
                               hint=say(N_("publish again")))
        self.delete(source)
        return info

    @staticmethod
    def _checksum_for(info: ObjectInfo, expected: Expected) -> str:
        if info.checksum_type == "FULL_OBJECT":
            return base64.b64encode(bytes.fromhex(expected.sha256)).decode()
        return expected.checksum_sha256

    def delete(self, key: str) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self._client("plain").delete_object(Bucket=self.bucket, Key=self._key(key))
        except (ClientError, BotoCoreError) as exc:
            raise explain(self, exc, "deleting", key) from None

    def _delete(self, key: str) -> None:
        try:
            self.delete(key)
        except StorageError as exc:  # the corruption is the error to report; this one is logged
            log.warning("could not delete corrupted %s: %s", self.location(key), exc.message)
