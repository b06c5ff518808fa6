"""Files in S3-compatible object storage (AWS S3, MinIO, Ceph...), shared by every server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urlsplit

from circle.storage.base import Entry

PENDING = "pending/"


class S3Storage:
    """Objects <prefix>/<ab>/<key>; pending ones under <prefix>/pending/<key>."""

    kind = "s3"

    def __init__(self, client: Any, bucket: str, prefix: str = "") -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""

    @classmethod
    def from_config(cls, url: str, config: dict) -> S3Storage:
        """Build from STORAGE_URL=s3://bucket/prefix and the S3_* / AWS_* settings."""
        import boto3
        from botocore.config import Config

        parts = urlsplit(url)
        if not parts.netloc:
            raise ValueError("STORAGE_URL needs a bucket: s3://bucket/prefix")
        client = boto3.client(
            "s3",
            endpoint_url=config.get("S3_ENDPOINT_URL") or None,
            region_name=config.get("S3_REGION") or None,
            aws_access_key_id=config.get("S3_ACCESS_KEY_ID") or None,
            aws_secret_access_key=config.get("S3_SECRET_ACCESS_KEY") or None,
            config=Config(
                retries={"max_attempts": 5, "mode": "standard"},
                s3={"addressing_style": config.get("S3_ADDRESSING_STYLE") or "auto"},
            ),
        )
        return cls(client, parts.netloc, parts.path)

    def _name(self, key: str) -> str:
        if not key or "/" in key or "\\" in key or key.startswith("."):
            raise ValueError("bad storage key")
        return f"{self.prefix}{key[:2]}/{key}"

    def _pending(self, key: str) -> str:
        self._name(key)  # the same checks
        return f"{self.prefix}{PENDING}{key}"

    def put_pending(self, key: str, data: bytes) -> None:
        """Upload the bytes under the pending name."""
        self.client.put_object(Bucket=self.bucket, Key=self._pending(key), Body=data)

    def publish(self, key: str) -> bool:
        """Copy the pending object to its key and remove the pending one."""
        source = self._pending(key)
        if not self._head(source):
            return False
        self.client.copy_object(
            Bucket=self.bucket,
            Key=self._name(key),
            CopySource={"Bucket": self.bucket, "Key": source},
        )
        self.client.delete_object(Bucket=self.bucket, Key=source)
        return True

    def delete(self, key: str) -> None:
        """Remove both names of the object."""
        for name in (self._name(key), self._pending(key)):
            self.client.delete_object(Bucket=self.bucket, Key=name)

    def _head(self, name: str) -> dict | None:
        from botocore.exceptions import ClientError

        try:
            return self.client.head_object(Bucket=self.bucket, Key=name)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}:
                return None
            raise

    def open(self, key: str) -> BinaryIO:
        """Stream the published object."""
        from botocore.exceptions import ClientError

        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self._name(key))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}:
                raise FileNotFoundError(key) from exc
            raise
        return answer["Body"]

    def read(self, key: str) -> bytes:
        """Return the published object's bytes."""
        body = self.open(key)
        try:
            return body.read()
        finally:
            body.close()

    def exists(self, key: str, *, pending: bool = False) -> bool:
        """Tell whether the object is there under the given name."""
        return self._head(self._pending(key) if pending else self._name(key)) is not None

    def entries(self) -> Iterator[Entry]:
        """List every object under the prefix."""
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.prefix
        )
        for page in pages:
            for item in page.get("Contents", []):
                name = item["Key"][len(self.prefix) :]
                pending = name.startswith(PENDING)
                key = name[len(PENDING) :] if pending else name.rpartition("/")[2]
                yield Entry(
                    key=key, pending=pending, modified=item["LastModified"], size=item["Size"]
                )

    def local_path(self, key: str) -> Path | None:
        """Objects are not on this machine's disk."""
        return None
