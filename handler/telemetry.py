"""What the function reports: Powertools' logger and EMF metrics, fed by the ``ServingObserver``.

Log lines never carry personal data: a session appears only as its salted key, the one the
response names it by. Metrics of one variant (champion, challenger) are EMF documents of their
own with a ``Variant`` dimension; the champion's refresh outcomes are also counted without one,
which is what the template's rollback alarm watches.

What every ``POST /score`` writes (a line per session and one for the request, the per-variant
and the request's metrics) goes through ``LineWriter`` and ``EmfWriter``: the same lines and
documents as Powertools' ``Logger.info`` and ``Metrics`` write, at a tenth of their cost. The
rare ones (model loads, refresh outcomes, errors) keep Powertools' own calls.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Mapping
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.metrics.provider import cold_start

from emf import EmfWriter
from log_lines import LineWriter
from snowleap.serving import CHAMPION, RefreshOutcome, RefreshResult
from snowleap.serving.rollout import RolloutSummary

logger = Logger()
metrics = Metrics()
lines = LineWriter(logger)
emf = EmfWriter(metrics)


class PowertoolsObserver:
    """Turns what the service reports into EMF metrics (and log lines without personal data)."""

    def model_refreshed(self, result: RefreshResult, *, variant: str = CHAMPION) -> None:
        name = {
            RefreshOutcome.LOADED: "ModelLoaded",
            RefreshOutcome.UPDATED: "ModelRefreshUpdated",
            RefreshOutcome.UNCHANGED: "ModelRefreshUnchanged",
            RefreshOutcome.FAILED: "ModelRefreshFailed",
        }.get(result.outcome)
        values: list[tuple[str, MetricUnit, list[float]]] = []
        if name is not None:
            values.append((name, MetricUnit.Count, [1]))
        if result.load_ms is not None:
            values.append(("ModelLoadMs", MetricUnit.Milliseconds, [result.load_ms]))
        if values:
            emf.write({"Variant": variant}, values)
        if variant == CHAMPION:
            # NOTE: the champion's outcomes also go without a Variant dimension: the template's
            # rollback alarm watches those, and a broken challenger must not roll a deploy back.
            for metric, unit, (value,) in values:
                metrics.add_metric(name=metric, unit=unit, value=value)
        if result.outcome is RefreshOutcome.FAILED:
            logger.error(
                "model load or refresh failed", extra={"variant": variant, "reason": result.error}
            )
        elif result.outcome in (RefreshOutcome.LOADED, RefreshOutcome.UPDATED):
            logger.info("model loaded", extra={"variant": variant, "outcome": result.outcome.value})

    def sessions_scored(self, summary: RolloutSummary) -> None:
        """One log line per session (variant, version, score; ``snowleap compare`` reads them)
        and, per variant, ``Requests``, ``SessionsScored`` and each ``Probability`` (its Average
        is the mean probability)."""
        sessions: dict[str, int] = {}
        probabilities: dict[str, list[float]] = {}
        mode = summary.mode
        for outcome in summary.outcomes:
            lines.info(
                "session scored",
                {
                    "session": outcome.session,
                    "variant": outcome.variant,
                    "model_version": outcome.model_version,
                    "probability": outcome.probability,
                    "served": outcome.served,
                    "rollout_mode": mode,
                },
            )
            variant = outcome.variant
            sessions[variant] = sessions.get(variant, 0) + 1
            scores = probabilities.setdefault(variant, [])
            if outcome.probability is not None:
                # NOTE: one value per session (EMF holds up to 100 per document; EmfWriter
                #   writes further documents for more).
                scores.append(outcome.probability)
        for variant, count in sessions.items():
            # NOTE: a request counts once for every variant that scored one of its sessions.
            emf.write(
                {"Variant": variant},
                (
                    ("Probability", MetricUnit.NoUnit, probabilities[variant]),
                    ("Requests", MetricUnit.Count, (1,)),
                    ("SessionsScored", MetricUnit.Count, (count,)),
                ),
            )
        if summary.challenger_errors or summary.fallbacks:
            metrics.add_metric(
                name="ChallengerErrors", unit=MetricUnit.Count, value=summary.challenger_errors
            )
            metrics.add_metric(
                name="ChallengerFallbacks", unit=MetricUnit.Count, value=summary.fallbacks
            )
            logger.warning(
                "challenger did not answer every session it was given",
                extra={"errors": sorted(set(summary.error_types)), "fallbacks": summary.fallbacks},
            )

    def request_scored(self, *, events_scored: int, events_rejected: int, score_ms: float) -> None:
        emf.write(
            {},
            (
                ("EventsScored", MetricUnit.Count, (events_scored,)),
                ("EventsRejected", MetricUnit.Count, (events_rejected,)),
                ("ScoreMs", MetricUnit.Milliseconds, (score_ms,)),
            ),
        )
        lines.info(
            "request scored", {"events_scored": events_scored, "events_rejected": events_rejected}
        )

    def rows_scored(self, *, rows_scored: int, rows_rejected: int, score_ms: float) -> None:
        emf.write(
            {},
            (
                ("RowsScored", MetricUnit.Count, (rows_scored,)),
                ("RowsRejected", MetricUnit.Count, (rows_rejected,)),
                ("ScoreMs", MetricUnit.Milliseconds, (score_ms,)),
            ),
        )
        lines.info("rows scored", {"rows_scored": rows_scored, "rows_rejected": rows_rejected})


def count_server_error(response: dict[str, Any]) -> dict[str, Any]:
    """Count a 5xx answer as ``ServerErrorResponses`` of this function version: the template's
    alarm on the new version's count rolls a canary deploy back."""
    if isinstance(response.get("statusCode"), int) and response["statusCode"] >= 500:
        version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        emf.write({"FunctionVersion": version}, (("ServerErrorResponses", MetricUnit.Count, (1,)),))
    return response


def correlation_id(event: Any) -> Any:
    """``requestContext.requestId || id`` (JMESPath) of an event: API Gateway's REST (1.0) and
    HTTP API (2.0) payloads and EventBridge events all carry one; read without JMESPath's
    interpreter, which cost more than parsing a tracker event."""
    if not isinstance(event, Mapping):
        return None
    context = event.get("requestContext")
    request_id = context.get("requestId") if isinstance(context, Mapping) else None
    # NOTE: JMESPath's || takes the right side when the left is false-like (null, "", [], {}).
    if request_id is None or request_id in ("", [], {}) or request_id is False:
        return event.get("id")
    return request_id


def publish_metrics(handler: Callable[..., Any]) -> Callable[..., Any]:
    """Powertools' ``log_metrics(capture_cold_start_metric=True)`` for this handler: the
    ``ColdStart`` metric once per environment, and the metrics added through ``metrics`` flushed
    after each invocation when there are any (no warning on every request that has none: the
    per-request ones go through ``emf``)."""

    @functools.wraps(handler)
    def decorate(event: Any, context: Any) -> Any:
        try:
            response = handler(event, context)
            # NOTE: Powertools' own flag (false under provisioned concurrency), as log_metrics.
            if cold_start.is_cold_start:
                metrics.provider.add_cold_start_metric(context=context)
                cold_start.is_cold_start = False
        finally:
            if metrics.metric_set:
                metrics.flush_metrics()
        return response

    return decorate
