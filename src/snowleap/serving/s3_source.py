"""A bundle stored as one S3 object, fetched with conditional GETs (boto3's S3 client)."""

from __future__ import annotations

from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from snowleap.bundle import limits
from snowleap.serving.errors import ModelSourceError
from snowleap.serving.settings import S3ClientSettings
from snowleap.serving.source import FetchedBundle, ModelVersion, S3Client, sha256_hex

# NOTE: a bundle is a model, not a data set; anything far larger is a wrong object, and reading it
# whole into a 512 MB function would fail later and less clearly.
MAX_BUNDLE_BYTES = limits.MAX_BUNDLE_BYTES


def client_config(settings: S3ClientSettings) -> Config:
    """botocore's ``Config`` of the S3 client: timeouts and attempts of ``settings``, adaptive
    retries (client-side rate limiting when S3 throttles)."""
    return Config(
        connect_timeout=settings.connect_timeout,
        read_timeout=settings.read_timeout,
        retries={"mode": "adaptive", "max_attempts": settings.max_attempts},
    )


class S3ModelSource:
    """``s3://bucket/key``; ``fetch`` sends ``If-None-Match`` with the ETag it already holds.

    Example
    -------
    >>> source = S3ModelSource("models", "snowleap.zip", boto3.client("s3"))   # doctest: +SKIP
    >>> source.fetch(None).version.label                                      # doctest: +SKIP
    '3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY+MTRCxf3vjVBH40Nr8X8gdRQBpUMLUo'
    """

    def __init__(self, bucket: str, key: str, client: S3Client) -> None:
        self.bucket = bucket
        self.key = key
        self.client = client
        self.uri = f"s3://{bucket}/{key}"

    def fetch(self, current: ModelVersion | None) -> FetchedBundle | None:
        request = {"Bucket": self.bucket, "Key": self.key}
        if current is not None:
            request["IfNoneMatch"] = current.tag
        try:
            response = self.client.get_object(**request)
            size = int(response.get("ContentLength") or 0)
            if size > MAX_BUNDLE_BYTES:
                raise ModelSourceError(
                    f"{self.uri}: object is {size} bytes, more than a bundle can be "
                    f"({MAX_BUNDLE_BYTES}, SNOWLEAP_MAX_BUNDLE_BYTES)"
                )
            data = response["Body"].read()
        except ClientError as exc:
            error = exc.response.get("Error", {})
            status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            if status == 304 or error.get("Code") in ("304", "NotModified"):
                return None
            raise ModelSourceError(
                f"{self.uri}: S3 refused the request ({error.get('Code', status)}: "
                f"{error.get('Message', 'no message')})"
            ) from None
        except BotoCoreError as exc:
            raise ModelSourceError(f"{self.uri}: S3 could not be reached ({exc})") from None
        version = ModelVersion(
            tag=str(response.get("ETag", "")),
            version_id=response.get("VersionId"),
            digest=sha256_hex(data),
        )
        return FetchedBundle(data, version)
