"""``ScoringService``: what the routes and the warm-up ping do, free of any Lambda detail.

The service serves one model of one of two kinds, told apart by what the bundle takes: a
*session* model (its inputs are the Snowplow session features, its output a purchase
``probability``) scores Snowplow events on ``POST /score``; any model, session models included,
scores rows on ``POST /transform`` (MLeap's LeapFrame JSON) and ``POST /invocations`` (MLflow's
scoring-server JSON).

The Lambda handler (``handler/app.py``) and the tests drive the same service; the handler only
turns events into calls and results into responses, and reports what the ``ServingObserver`` is
told as metrics.
"""

from __future__ import annotations

import random
import secrets
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from snowleap.errors import InputError
from snowleap.leapframe import leapframe_schema
from snowleap.serving.cache import (
    LoadedModel,
    ModelCache,
    ModelCheck,
    RefreshOutcome,
    RefreshResult,
)
from snowleap.serving.errors import ConfigurationError, ModelUnavailableError, RequestError
from snowleap.serving.request_body import parse_score_body, read_json_body
from snowleap.serving.row_requests import (
    RowsRequest,
    read_invocation_request,
    read_transform_request,
)
from snowleap.serving.rows import (
    ScoredRows,
    leapframe_response,
    predictions,
    score_rows,
    select_columns,
)
from snowleap.serving.scoring import check_model_fits, score_events, session_model_problems
from snowleap.serving.source import FileModelSource, S3ClientFactory, open_model_source

# NOTE: ``auto`` serves any bundle (its kind decides whether /score works); ``session`` refuses a
# bundle that is not a session model, so a wrong upload never replaces the one serving /score.
MODEL_KINDS = ("auto", "session")
NOT_A_SESSION_MODEL = (
    "the model in service is not a session model (its inputs are not the Snowplow session "
    "features), so it cannot score events: send its rows to POST /transform (MLeap LeapFrame "
    "JSON) or POST /invocations (MLflow's scoring format); GET /model shows its input schema"
)


@dataclass(frozen=True)
class ServingSettings:
    """The function's settings, read from its environment by ``from_environment``."""

    model_uri: str
    refresh_seconds: float = 60.0
    threshold: float = 0.5
    max_body_bytes: int = 1024 * 1024
    session_salt: str = ""
    cache_dir: Path | None = Path("/tmp/snowleap-models")
    model_kind: str = "auto"

    @classmethod
    def from_environment(
        cls, environ: Mapping[str, str], *, default_model_uri: str
    ) -> ServingSettings:
        """Settings from ``MODEL_URI``, ``MODEL_REFRESH_SECONDS``, ``SCORE_THRESHOLD``,
        ``MAX_BODY_BYTES``, ``SESSION_SALT``, ``MODEL_CACHE_DIR`` (empty: no disk copy) and
        ``MODEL_KIND`` (``auto`` or ``session``).

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
        kind = environ.get("MODEL_KIND") or "auto"
        if kind not in MODEL_KINDS:
            raise ConfigurationError(
                f"MODEL_KIND={kind!r}: expected one of {', '.join(MODEL_KINDS)}"
            )
        return cls(
            model_uri=environ.get("MODEL_URI") or default_model_uri,
            refresh_seconds=refresh,
            threshold=threshold,
            max_body_bytes=max_body,
            session_salt=environ.get("SESSION_SALT", ""),
            cache_dir=Path(cache_dir) if cache_dir else None,
            model_kind=kind,
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

    def rows_scored(self, *, rows_scored: int, rows_rejected: int, score_ms: float) -> None: ...


class _Silent:
    def model_refreshed(self, result: RefreshResult) -> None:
        return None

    def request_scored(self, *, events_scored: int, events_rejected: int, score_ms: float) -> None:
        return None

    def rows_scored(self, *, rows_scored: int, rows_rejected: int, score_ms: float) -> None:
        return None


class ScoringService:
    """Scores the routes' bodies with the model its ``ModelCache`` keeps fresh.

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
        self._kind: tuple[LoadedModel, str] | None = None

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
            check=model_check(settings),
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
        if self.model_kind(loaded) != "session":
            raise RequestError(400, NOT_A_SESSION_MODEL)
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

    def transform(
        self, body: bytes, content_type: str | None, query_fields: str | None = None
    ) -> dict[str, Any]:
        """The response document of ``POST /transform``: the output LeapFrame (the ``fields``
        asked for, else every column) and where each request row went."""
        document = read_json_body(body, content_type, max_bytes=self.settings.max_body_bytes)
        loaded = self.current_model()
        with _bad_request():
            request = read_transform_request(document, loaded.model.input_schema, query_fields)
        scored = self._score(loaded, request)
        with _bad_request():
            columns = select_columns(scored, request.fields, default=list(scored.frame))
        return {**leapframe_response(scored, columns), "model": _model_name(loaded)}

    def invocations(self, body: bytes, content_type: str | None) -> dict[str, Any]:
        """The response document of ``POST /invocations``, as MLflow's scoring server answers:
        ``{"predictions": [...]}`` (one record per row, ``null`` where it was rejected), and
        ``rejected`` saying why."""
        document = read_json_body(body, content_type, max_bytes=self.settings.max_body_bytes)
        loaded = self.current_model()
        with _bad_request():
            request = read_invocation_request(document, loaded.model.input_schema)
        scored = self._score(loaded, request)
        with _bad_request():
            columns = select_columns(scored, request.fields, list(loaded.model.output_schema))
        return {
            "predictions": predictions(scored, columns),
            "rejected": [r.as_dict() for r in scored.rejected],
        }

    def _score(self, loaded: LoadedModel, request: RowsRequest) -> ScoredRows:
        started = time.perf_counter()
        scored = score_rows(loaded.model, request.rows)
        score_ms = (time.perf_counter() - started) * 1000.0
        if not scored.accounted():
            # NOTE: a broken promise to the caller, not a request problem: fail loudly (500).
            raise RuntimeError(f"row accounting mismatch: {scored.received} rows received")
        self.observer.rows_scored(
            rows_scored=len(scored.indices), rows_rejected=len(scored.rejected), score_ms=score_ms
        )
        return scored

    def model_kind(self, loaded: LoadedModel) -> str:
        """``"session"`` when the model scores session features, else ``"pipeline"``."""
        # NOTE: worked out once per loaded version, not per request.
        known = self._kind
        if known is None or known[0] is not loaded:
            kind = "pipeline" if session_model_problems(loaded.model) else "session"
            known = self._kind = (loaded, kind)
        return known[1]

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
            "kind": self.model_kind(loaded),
            "input_schema": leapframe_schema(loaded.model.input_schema),
            "output_schema": leapframe_schema(loaded.model.output_schema),
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


def model_check(settings: ServingSettings) -> ModelCheck | None:
    """What a bundle must pass before it serves: with ``MODEL_KIND=session``, fitting the session
    features; with ``auto``, only loading."""
    return check_model_fits if settings.model_kind == "session" else None


@contextmanager
def _bad_request() -> Iterator[None]:
    """A request that does not fit the model (``InputError``) is answered with a 400."""
    try:
        yield
    except InputError as exc:
        raise RequestError(400, str(exc)) from None


def _model_name(loaded: LoadedModel) -> dict[str, Any]:
    return {"name": loaded.model.info.name, "uid": loaded.model.info.uid}
