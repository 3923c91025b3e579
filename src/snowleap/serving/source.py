"""Where a model's bundle comes from: an S3 object or a local ``.zip`` file.

A source answers one question, cheaply when nothing changed: "is there a newer bundle than the
version I hold, and if so what are its bytes?". S3 answers with a conditional GET on the object's
ETag (``If-None-Match``: a 304 costs no download); a local file with its size and modification time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlparse

from snowleap.serving.errors import ConfigurationError, ModelSourceError


@dataclass(frozen=True)
class ModelVersion:
    """What identifies one version of a bundle at its source.

    ``tag`` is what a conditional check compares (an S3 ETag, or a file's size and mtime:
    ``tag_is_etag`` says which); ``version_id`` is the S3 object version when the bucket is
    versioned; ``digest`` the sha256 of the bytes, the same wherever the bundle is stored.
    """

    tag: str
    version_id: str | None = None
    digest: str | None = None
    tag_is_etag: bool = True

    @property
    def label(self) -> str:
        """The most specific identity: the S3 version id when there is one, else the tag."""
        return self.version_id or self.tag

    def as_dict(self) -> dict[str, str | None]:
        """Identity fields of the API's answers: ``etag``, ``version_id``, ``sha256``."""
        etag = self.tag if self.tag_is_etag else None
        return {"etag": etag, "version_id": self.version_id, "sha256": self.digest}


@dataclass(frozen=True)
class FetchedBundle:
    data: bytes
    version: ModelVersion


class ModelSource(Protocol):
    """A place a bundle is read from; ``fetch`` returns ``None`` when ``current`` is the newest."""

    uri: str

    def fetch(self, current: ModelVersion | None) -> FetchedBundle | None: ...


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class FileModelSource:
    """A bundle ``.zip`` on the local file system (the embedded default, or a path for local runs).

    Example
    -------
    >>> source = FileModelSource(Path("bundles/snowleap-default.zip"))   # doctest: +SKIP
    >>> fetched = source.fetch(None)                                    # doctest: +SKIP
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.uri = str(path)

    def fetch(self, current: ModelVersion | None) -> FetchedBundle | None:
        try:
            stat = self.path.stat()
            if not self.path.is_file():
                raise ModelSourceError(f"{self.path}: not a file (MODEL_URI must name a .zip)")
            tag = f"{stat.st_size}-{stat.st_mtime_ns}"
            if current is not None and current.tag == tag:
                return None
            data = self.path.read_bytes()
        except OSError as exc:
            raise ModelSourceError(
                f"{self.path}: cannot read the bundle ({exc.strerror})"
            ) from None
        version = ModelVersion(tag=tag, digest=sha256_hex(data), tag_is_etag=False)
        return FetchedBundle(data, version)


class S3Client(Protocol):
    """The one call of boto3's S3 client that serving uses."""

    def get_object(self, **kwargs: Any) -> Mapping[str, Any]: ...


S3ClientFactory = Callable[[], S3Client]


def open_model_source(uri: str, s3_client: S3ClientFactory) -> ModelSource:
    """The source a ``MODEL_URI`` names: ``s3://bucket/key`` or a local file path.

    ``s3_client`` is called only for an ``s3://`` URI, so local runs never need boto3.

    Example
    -------
    >>> open_model_source("bundles/model.zip", s3_client=lambda: None).uri   # doctest: +SKIP
    'bundles/model.zip'
    """
    if uri.startswith("s3://"):
        parsed = urlparse(uri)
        key = parsed.path.lstrip("/")
        if not parsed.netloc or not key:
            raise ConfigurationError(f"MODEL_URI {uri!r}: expected s3://bucket/key")
        from snowleap.serving.s3_source import S3ModelSource

        return S3ModelSource(bucket=parsed.netloc, key=key, client=s3_client())
    if "://" in uri:
        raise ConfigurationError(f"MODEL_URI {uri!r}: only s3:// URIs and file paths are supported")
    return FileModelSource(Path(uri))
