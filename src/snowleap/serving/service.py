"""``ScoringService``: what the three routes and the warm-up ping do, free of any Lambda detail.

The Lambda handler (``handler/app.py``) and the tests drive the same service; the handler only
turns events into calls and results into responses, and reports what the ``ServingObserver`` is
told as metrics.
"""

from __future__ import annotations

import random
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from snowleap.serving.cache import LoadedModel, ModelCache, RefreshOutcome, RefreshResult
from snowleap.serving.errors import ConfigurationError, ModelUnavailableError
from snowleap.serving.request_body import parse_score_body
from snowleap.serving.scoring import check_model_fits, score_events
from snowleap.serving.source import FileModelSource, S3ClientFactory, open_model_source


@dataclass(frozen=True)
class ServingSettings:
    """The function's settings, read from its environment by ``from_environment``."""

    model_uri: str
    refresh_seconds: float = 60.0
    threshold: float = 0.5
    max_body_bytes: int = 1024 * 1024
    session_salt: str = ""
    cache_dir: Path | None = Path("/tmp/snowleap-models")

    @classmethod
    def from_environment(
        cls, environ: Mapping[str, str], *, default_model_uri: str
    ) -> ServingSettings:
        """Settings from ``MODEL_URI``, ``MODEL_REFRESH_SECONDS``, ``SCORE_THRESHOLD``,
        ``MAX_BODY_BYTES``, ``SESSION_SALT`` and ``MODEL_CACHE_DIR`` (empty: no disk copy).

        Example
        -------
        >>> ServingSettings.from_environment({"SCORE_THRESHOLD": "0.7"}, default_model_uri="m.zip")
        ... # doctest: +ELLIPSIS
        ServingSettings(model_uri='m.zip', refresh_seconds=60.0, threshold=0.7, ...)
        """
        threshold = _number(environ, "SCORE_THRESHOLD", 0.5)
        if not 0.0 <= threshold <= 1.0:
            raise ConfigurationError(f"SCORE_THRESHOLD={threshold}: must be between 0 and 1")
        refresh = _number(environ, "MODEL_REFRESH_SECONDS", 60.0)
        max_body = int(_number(environ, "MAX_BODY_BYTES", 1024 * 1024))
        if refresh < 0 or max_body <= 0:
            raise ConfigurationError(
                "MODEL_REFRESH_SECONDS must be >= 0 and MAX_BODY_BYTES must be > 0"
            )
        cache_dir = environ.get("MODEL_CACHE_DIR", "/tmp/snowleap-models")
        return cls(
            model_uri=environ.get("MODEL_URI") or default_model_uri,
            refresh_seconds=refresh,
            threshold=threshold,
            max_body_bytes=max_body,
            session_salt=environ.get("SESSION_SALT", ""),
            cache_dir=Path(cache_dir) if cache_dir else None,
        )


def _number(environ: Mapping[str, str], name: str, default: float) -> float:
    raw = environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        return float(raw)
    except ValueError:
        raise ConfigurationError(f"{name}={raw!r}: expected a number") from None


class ServingObserver(Protocol):
    """What the service reports as it works (the Lambda handler turns these into EMF metrics)."""

    def model_refreshed(self, result: RefreshResult) -> None: ...

    def request_scored(
        self, *, events_scored: int, events_rejected: int, score_ms: float
    ) -> None: ...


class _Silent:
    def model_refreshed(self, result: RefreshResult) -> None:
        return None

    def request_scored(self, *, events_scored: int, events_rejected: int, score_ms: float) -> None:
        return None


class ScoringService:
    """Scores ``POST /score`` bodies with the model its ``ModelCache`` keeps fresh.

    Example
    -------
    >>> settings = ServingSettings(model_uri="bundles/snowleap-default.zip")   # doctest: +SKIP
    >>> service = ScoringService.create(settings, s3_client=lambda: boto3.client("s3"))
    ... # doctest: +SKIP
    >>> service.score(body, "application/json")["sessions"]                    # doctest: +SKIP
    """

    def __init__(
        self,
        cache: ModelCache,
        settings: ServingSettings,
        observer: ServingObserver | None = None,
        *,
        s3_client: S3ClientFactory | None = None,
    ) -> None:
        self.cache = cache
        self.settings = settings
        self.observer: ServingObserver = observer or _Silent()
        self._s3_client = s3_client
        # NOTE: without a configured salt, session keys are still unlinkable to the visitor's
        # cookie, but differ between execution environments; the handler logs a warning.
        self.salt = settings.session_salt or secrets.token_hex(16)

    @classmethod
    def create(
        cls,
        settings: ServingSettings,
        *,
        s3_client: S3ClientFactory,
        observer: ServingObserver | None = None,
    ) -> ScoringService:
        source = open_model_source(settings.model_uri, s3_client)
        # NOTE: a disk copy of a local file would only duplicate it.
        local = isinstance(source, FileModelSource)
        cache = ModelCache(
            source,
            refresh_seconds=settings.refresh_seconds,
            cache_dir=None if local else settings.cache_dir,
            check=check_model_fits,
        )
        return cls(cache, settings, observer, s3_client=s3_client)

    def current_model(self, *, force_refresh: bool = False) -> LoadedModel:
        """The model to serve, loaded or refreshed first when due; ``ModelUnavailableError``
        (answered with 503) while no model could be loaded."""
        result = self.cache.refresh(force=force_refresh)
        if result.outcome not in (RefreshOutcome.NOT_DUE, RefreshOutcome.BUSY):
            self.observer.model_refreshed(result)
        return self.cache.loaded()

    def score(self, body: bytes, content_type: str | None) -> dict[str, Any]:
        """The response document of ``POST /score``; ``RequestError`` for a bad request."""
        parsed = parse_score_body(body, content_type, max_bytes=self.settings.max_body_bytes)
        loaded = self.current_model()
        started = time.perf_counter()
        report = score_events(
            loaded.model, parsed.result, salt=self.salt, threshold=self.settings.threshold
        )
        score_ms = (time.perf_counter() - started) * 1000.0
        accounted = report.accounted_indices()
        if accounted != list(range(parsed.events_received)):
            # NOTE: a broken promise to the caller, not a request problem: fail loudly (500).
            raise RuntimeError(
                f"event accounting mismatch: {parsed.events_received} events received, "
                f"{len(accounted)} reported"
            )
        self.observer.request_scored(
            events_scored=report.events_scored,
            events_rejected=len(report.rejected),
            score_ms=score_ms,
        )
        return {
            "model": self.model_identity(loaded),
            "threshold": self.settings.threshold,
            "events_received": parsed.events_received,
            **report.as_dict(),
        }

    @staticmethod
    def model_identity(loaded: LoadedModel) -> dict[str, Any]:
        info = loaded.model.info
        return {
            "name": info.name,
            "uid": info.uid,
            "source": loaded.source_uri,
            **loaded.version.as_dict(),
        }

    def model_metadata(self) -> dict[str, Any]:
        """The response document of ``GET /model``."""
        loaded = self.current_model()
        described = loaded.model.describe()
        return {
            "name": described["name"],
            "uid": described["uid"],
            "mleap_version": described["mleap_version"],
            "format": described["format"],
            "timestamp": described["timestamp"],
            "ops": described["ops"],
            "input_schema": described["input_schema"],
            "output_schema": described["output_schema"],
            "source": loaded.source_uri,
            **loaded.version.as_dict(),
            "loaded_at": loaded.loaded_at,
            "load_ms": round(loaded.load_ms, 3),
            "from_disk_cache": loaded.from_disk_cache,
            "threshold": self.settings.threshold,
        }

    def health(self) -> dict[str, Any]:
        """The response document of ``GET /health``: ready when a model is loaded."""
        loaded = self.current_model()
        return {"status": "ok", "model": self.model_identity(loaded)}

    def prepare_snapshot(self) -> dict[str, Any]:
        """SnapStart, before the snapshot is taken: load the model now, so that every environment
        restored from the snapshot starts with it in memory (``warm_up``'s answer)."""
        return self.warm_up()

    def restored(self) -> RefreshResult:
        """SnapStart, after a restore: draw again what the init drew, which every environment
        restored from the same snapshot would otherwise share.

        * the session salt, unless one is configured: a fresh random one for this environment;
        * ``random``'s state, reseeded from the OS (botocore's retry jitter draws from it);
        * the S3 client: the snapshot's connections and their clock are gone, a new client
          is made (the only connection the service keeps);
        * the model: checked for a newer version at once, since the snapshot may be older than
          the object in S3 (``ModelRefreshUpdated`` when it was).

        Nothing else is drawn at init: ids (``uuid4``) and keys come from the OS when used, times
        are read when needed, the disk cache is keyed by version.
        """
        if not self.settings.session_salt:
            self.salt = secrets.token_hex(16)
        random.seed()
        if self._s3_client is not None and self.settings.model_uri.startswith("s3://"):
            self.cache.source = open_model_source(self.settings.model_uri, self._s3_client)
        result = self.cache.refresh(force=True)
        self.observer.model_refreshed(result)
        return result

    def warm_up(self) -> dict[str, Any]:
        """Load the model, or check for a new version now; never raises, never scores."""
        result = self.cache.refresh(force=True)
        self.observer.model_refreshed(result)
        try:
            identity: dict[str, Any] | None = self.model_identity(self.cache.loaded())
        except ModelUnavailableError:
            identity = None
        return {
            "warmup": True,
            "refresh": result.outcome.value,
            "error": result.error,
            "model": identity,
        }
