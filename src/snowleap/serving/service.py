"""``ScoringService``: what the routes and the warm-up ping do, free of any Lambda detail.

The service serves one model of one of two kinds, told apart by what the bundle takes: a
*session* model (its inputs are the Snowplow session features, its output a purchase
``probability``) scores Snowplow events on ``POST /score``; any model, session models included,
scores rows on ``POST /transform`` (MLeap's LeapFrame JSON) and ``POST /invocations`` (MLflow's
scoring-server JSON). On ``POST /score`` a second session model, the challenger, may answer a
sticky share of the sessions or score them all in its shadow (``rollout.py``).

The Lambda handler (``handler/app.py``) and the tests drive the same service; the handler only
turns events into calls and results into responses, and reports what the ``ServingObserver`` is
told as metrics.
"""

from __future__ import annotations

import random
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Protocol

from snowleap.errors import InputError
from snowleap.serving import model_documents as docs
from snowleap.serving.cache import (
    LoadedModel,
    ModelCache,
    ModelCheck,
    RefreshOutcome,
    RefreshResult,
)
from snowleap.serving.errors import ModelUnavailableError, RequestError
from snowleap.serving.model_check import check_model_scores
from snowleap.serving.refresh_worker import RefreshWorker
from snowleap.serving.request_body import parse_score_body, read_json_body
from snowleap.serving.rollout import CHALLENGER, RolloutRouter, RolloutSummary
from snowleap.serving.scoring import (
    CHAMPION,
    Variant,
    check_model_fits,
    decision_threshold,
    score_events,
    session_model_problems,
)
from snowleap.serving.settings import MODEL_KINDS, ServingSettings
from snowleap.serving.source import S3ClientFactory

if TYPE_CHECKING:
    from snowleap.serving.row_requests import RowsRequest
    from snowleap.serving.rows import ScoredRows

__all__ = ["MODEL_KINDS", "ScoringService", "ServingObserver", "ServingSettings", "model_check"]
NOT_A_SESSION_MODEL = (
    "the model in service is not a session model (its inputs are not the Snowplow session "
    "features), so it cannot score events: send its rows to POST /transform (MLeap LeapFrame "
    "JSON) or POST /invocations (MLflow's scoring format); GET /model shows its input schema"
)


class ServingObserver(Protocol):
    """What the service reports as it works (the Lambda handler turns these into EMF metrics)."""

    def model_refreshed(self, result: RefreshResult, *, variant: str = CHAMPION) -> None: ...

    def sessions_scored(self, summary: RolloutSummary) -> None:
        """Once per ``POST /score``: each session's variant and score (shadow scores too)."""
        ...

    def request_scored(
        self, *, events_scored: int, events_rejected: int, score_ms: float
    ) -> None: ...

    def rows_scored(self, *, rows_scored: int, rows_rejected: int, score_ms: float) -> None: ...


class _Silent:
    def model_refreshed(self, result: RefreshResult, *, variant: str = CHAMPION) -> None:
        return None

    def sessions_scored(self, summary: RolloutSummary) -> None:
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
        challenger: ModelCache | None = None,
    ) -> None:
        self.cache = cache
        # NOTE: the challenger is a second cache of the same kind: it loads, refreshes, fails
        # and recovers on its own, and its failures never touch the champion's cache.
        self.challenger = challenger
        self.settings = settings
        self.observer: ServingObserver = observer or _Silent()
        self._s3_client = s3_client
        # NOTE: without a configured salt, session keys are still unlinkable to the visitor's
        # cookie, but differ between execution environments; the handler logs a warning.
        self.salt = settings.session_salt or secrets.token_hex(16)
        self._kind: tuple[LoadedModel, str] | None = None
        # NOTE: requests wait for S3 at most their budget (refresh_worker.py).
        self._champion_worker = RefreshWorker(cache)
        self._challenger_worker = RefreshWorker(challenger) if challenger is not None else None

    @classmethod
    def create(
        cls,
        settings: ServingSettings,
        *,
        s3_client: S3ClientFactory,
        observer: ServingObserver | None = None,
    ) -> ScoringService:
        shared = (s3_client, settings.refresh_seconds, settings.cache_dir)
        cache = ModelCache.open(settings.model_uri, *shared, model_check(settings))
        challenger = None
        if settings.challenger is not None:
            # NOTE: a challenger only ever scores sessions, so it must fit them to load at all;
            # while it cannot load it is tried again once per refresh period, not per request.
            retry = settings.refresh_seconds
            challenger = ModelCache.open(
                settings.challenger.uri, *shared, check_model_fits, cold_retry_seconds=retry
            )
        return cls(cache, settings, observer, s3_client=s3_client, challenger=challenger)

    def current_model(self, *, force_refresh: bool = False) -> LoadedModel:
        """The model to serve, loaded or refreshed first when due; ``ModelUnavailableError``
        (answered with 503) while no model could be loaded."""
        result = self._champion_worker.refresh(self._budget(self.cache), force=force_refresh)
        if result.outcome not in (RefreshOutcome.NOT_DUE, RefreshOutcome.BUSY):
            self.observer.model_refreshed(result)
        if not self.cache.is_loaded and self._champion_worker.in_flight:
            raise ModelUnavailableError(
                # NOTE: the model's URI stays out of the answer (it names the bucket).
                "model not available: its store did not answer within "
                f"{self.settings.load_wait_seconds:g} s (still loading)"
            )
        try:
            return self.cache.loaded()
        except ModelUnavailableError:
            if self.full_details:
                raise
            # NOTE: the load error names the bucket and key; the refresh metric's log has it.
            raise ModelUnavailableError(
                "model not available: it could not be loaded (the function's logs say why)"
            ) from None

    @property
    def full_details(self) -> bool:
        return self.settings.model_details == "full"

    def _budget(self, cache: ModelCache) -> float:
        if cache.is_loaded:
            return self.settings.refresh_wait_seconds
        return self.settings.load_wait_seconds

    def current_challenger(self) -> LoadedModel | None:
        """The challenger, loaded or refreshed first when due; ``None`` when there is none or
        it could not be loaded (its sessions are then answered by the champion)."""
        if self.challenger is None or self._challenger_worker is None:
            return None
        # NOTE: the champion answers while the challenger loads: its sessions never wait for it.
        result = self._challenger_worker.refresh(self.settings.refresh_wait_seconds)
        if result.outcome not in (RefreshOutcome.NOT_DUE, RefreshOutcome.BUSY):
            self.observer.model_refreshed(result, variant=CHALLENGER)
        try:
            return self.challenger.loaded()
        except ModelUnavailableError:
            return None

    def _router(self, champion: LoadedModel) -> RolloutRouter:
        challenger, full = self.current_challenger(), self.full_details
        return RolloutRouter(
            Variant(CHAMPION, champion.model, docs.version_label(champion, full=full)),
            None
            if challenger is None
            else Variant(CHALLENGER, challenger.model, docs.version_label(challenger, full=full)),
            self.settings.challenger,
        )

    def score(self, body: bytes, content_type: str | None) -> dict[str, Any]:
        """The response document of ``POST /score``; ``RequestError`` for a bad request."""
        parsed = parse_score_body(body, content_type, max_bytes=self.settings.max_body_bytes)
        loaded = self.current_model()
        if self.model_kind(loaded) != "session":
            raise RequestError(400, NOT_A_SESSION_MODEL)
        router = self._router(loaded)
        started = time.perf_counter()
        report = score_events(
            router, parsed.result, salt=self.salt, threshold=self.settings.threshold
        )
        score_ms = (time.perf_counter() - started) * 1000.0
        accounted = report.accounted_indices()
        if accounted != list(range(parsed.events_received)):
            # NOTE: a broken promise to the caller, not a request problem: fail loudly (500).
            raise RuntimeError(
                f"event accounting mismatch: {parsed.events_received} events received, "
                f"{len(accounted)} reported"
            )
        self.observer.sessions_scored(router.summary)
        self.observer.request_scored(
            events_scored=report.events_scored,
            events_rejected=len(report.rejected),
            score_ms=score_ms,
        )
        return {
            "model": self.model_identity(loaded),
            "threshold": decision_threshold(loaded.model, self.settings.threshold),
            "events_received": parsed.events_received,
            **report.as_dict(),
        }

    def transform(
        self, body: bytes, content_type: str | None, query_fields: str | None = None
    ) -> dict[str, Any]:
        """The response document of ``POST /transform``: the output LeapFrame (the ``fields``
        asked for, else every column) and where each request row went."""
        # NOTE: the row routes' modules (LeapFrame reading and writing, row requests) are
        # imported on their first request, not in every cold start of a POST /score function.
        from snowleap.serving.row_requests import read_transform_request
        from snowleap.serving.rows import leapframe_response, select_columns

        document = read_json_body(body, content_type, max_bytes=self.settings.max_body_bytes)
        loaded = self.current_model()
        with _bad_request():
            request = read_transform_request(document, loaded.model.input_schema, query_fields)
        scored = self._score(loaded, request)
        with _bad_request():
            columns = select_columns(scored, request.fields, default=list(scored.frame))
        return {**leapframe_response(scored, columns), "model": docs.model_name(loaded)}

    def invocations(self, body: bytes, content_type: str | None) -> dict[str, Any]:
        """The response document of ``POST /invocations``, as MLflow's scoring server answers:
        ``{"predictions": [...]}`` (one record per row, ``null`` where it was rejected), and
        ``rejected`` saying why."""
        from snowleap.serving.row_requests import read_invocation_request
        from snowleap.serving.rows import predictions, select_columns

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
        from snowleap.serving.rows import score_rows

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

    def model_identity(self, loaded: LoadedModel) -> dict[str, Any]:
        """Which model answered, as ``MODEL_DETAILS`` allows (``model_docs.py``)."""
        return docs.model_identity(loaded, full=self.full_details)

    def model_metadata(self) -> dict[str, Any]:
        """The response document of ``GET /model``."""
        loaded = self.current_model()
        document = docs.model_document(
            loaded,
            kind=self.model_kind(loaded),
            threshold=decision_threshold(loaded.model, self.settings.threshold),
            full=self.full_details,
        )
        return {**document, "challenger": self.challenger_metadata()}

    def challenger_metadata(self) -> dict[str, Any] | None:
        """The challenger part of ``GET /model``: its rollout settings and identity (with
        ``MODEL_DETAILS=full``, its source and the reason it is not loaded); ``None`` without a
        challenger."""
        rollout = self.settings.challenger
        if self.challenger is None or rollout is None:
            return None
        return docs.challenger_document(
            self.current_challenger(),
            mode=rollout.mode,
            percent=rollout.percent,
            source_uri=self.challenger.source.uri,
            error=self.challenger.last_error,
            full=self.full_details,
        )

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
        for cache in (self.cache, self.challenger):
            if cache is not None and self._s3_client is not None:
                cache.reopen(self._s3_client)
        self._refresh_challenger_now()
        result = self.cache.refresh(force=True)
        self.observer.model_refreshed(result)
        return result

    def _refresh_challenger_now(self) -> dict[str, Any] | None:
        if self.challenger is None:
            return None
        result = self.challenger.refresh(force=True)
        self.observer.model_refreshed(result, variant=CHALLENGER)
        return {"refresh": result.outcome.value, "error": result.error}

    def warm_up(self) -> dict[str, Any]:
        """Load the model, or check for a new version now; never raises, never scores."""
        result = self.cache.refresh(force=True)
        self.observer.model_refreshed(result)
        # NOTE: the warm-up answers the scheduler (and an operator's invoke), no API client.
        try:
            identity: dict[str, Any] | None = docs.model_identity(self.cache.loaded(), full=True)
        except ModelUnavailableError:
            identity = None
        answer = {
            "warmup": True,
            "refresh": result.outcome.value,
            "error": result.error,
            "model": identity,
        }
        challenger = self._refresh_challenger_now()
        return answer if challenger is None else {**answer, "challenger": challenger}


def model_check(settings: ServingSettings) -> ModelCheck | None:
    """What a bundle must pass before it serves: with ``MODEL_KIND=session``, fitting the session
    features; with ``auto``, scoring a synthetic row (``check_model_scores``)."""
    return check_model_fits if settings.model_kind == "session" else check_model_scores


@contextmanager
def _bad_request() -> Iterator[None]:
    """A request that does not fit the model (``InputError``) is answered with a 400."""
    try:
        yield
    except InputError as exc:
        raise RequestError(400, str(exc)) from None
