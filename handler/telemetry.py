"""What the function reports: Powertools' logger and EMF metrics, fed by the ``ServingObserver``.

Log lines never carry personal data: a session appears only as its salted key, the one the
response names it by. Metrics of one variant (champion, challenger) are EMF documents of their
own with a ``Variant`` dimension; the champion's refresh outcomes are also counted without one,
which is what the template's rollback alarm watches.
"""

from __future__ import annotations

import os
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import EphemeralMetrics, MetricUnit

from snowleap.serving import CHAMPION, RefreshOutcome, RefreshResult
from snowleap.serving.rollout import RolloutSummary

logger = Logger()
metrics = Metrics()


class PowertoolsObserver:
    """Turns what the service reports into EMF metrics (and log lines without personal data)."""

    def model_refreshed(self, result: RefreshResult, *, variant: str = CHAMPION) -> None:
        name = {
            RefreshOutcome.LOADED: "ModelLoaded",
            RefreshOutcome.UPDATED: "ModelRefreshUpdated",
            RefreshOutcome.UNCHANGED: "ModelRefreshUnchanged",
            RefreshOutcome.FAILED: "ModelRefreshFailed",
        }.get(result.outcome)
        # NOTE: the champion's outcomes also go without a Variant dimension: the template's
        # rollback alarm watches those, and a broken challenger must not roll a deploy back.
        targets = [variant_metrics(variant)] + ([metrics] if variant == CHAMPION else [])
        for target in targets:
            if name is not None:
                target.add_metric(name=name, unit=MetricUnit.Count, value=1)
            if result.load_ms is not None:
                target.add_metric(
                    name="ModelLoadMs", unit=MetricUnit.Milliseconds, value=result.load_ms
                )
        if name is not None or result.load_ms is not None:
            targets[0].flush_metrics()
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
        by_variant: dict[str, EphemeralMetrics] = {}
        sessions: dict[str, int] = {}
        for outcome in summary.outcomes:
            logger.info(
                "session scored",
                extra={
                    "session": outcome.session,
                    "variant": outcome.variant,
                    "model_version": outcome.model_version,
                    "probability": outcome.probability,
                    "served": outcome.served,
                    "rollout_mode": summary.mode,
                },
            )
            target = by_variant.get(outcome.variant)
            if target is None:
                target = by_variant[outcome.variant] = variant_metrics(outcome.variant)
                sessions[outcome.variant] = 0
            sessions[outcome.variant] += 1
            if outcome.probability is not None:
                # NOTE: one value per session (EMF holds up to 100 per document; Powertools
                # writes a document whenever that fills up).
                target.add_metric(
                    name="Probability", unit=MetricUnit.NoUnit, value=outcome.probability
                )
        for variant, target in by_variant.items():
            # NOTE: a request counts once for every variant that scored one of its sessions.
            target.add_metric(name="Requests", unit=MetricUnit.Count, value=1)
            target.add_metric(name="SessionsScored", unit=MetricUnit.Count, value=sessions[variant])
            target.flush_metrics()
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
        metrics.add_metric(name="EventsScored", unit=MetricUnit.Count, value=events_scored)
        metrics.add_metric(name="EventsRejected", unit=MetricUnit.Count, value=events_rejected)
        metrics.add_metric(name="ScoreMs", unit=MetricUnit.Milliseconds, value=score_ms)
        logger.info(
            "request scored",
            extra={"events_scored": events_scored, "events_rejected": events_rejected},
        )

    def rows_scored(self, *, rows_scored: int, rows_rejected: int, score_ms: float) -> None:
        metrics.add_metric(name="RowsScored", unit=MetricUnit.Count, value=rows_scored)
        metrics.add_metric(name="RowsRejected", unit=MetricUnit.Count, value=rows_rejected)
        metrics.add_metric(name="ScoreMs", unit=MetricUnit.Milliseconds, value=score_ms)
        logger.info(
            "rows scored", extra={"rows_scored": rows_scored, "rows_rejected": rows_rejected}
        )


def variant_metrics(variant: str) -> EphemeralMetrics:
    """Metrics of one variant: their own EMF document with the ``Variant`` dimension."""
    target = EphemeralMetrics()
    target.add_dimension(name="Variant", value=variant)
    return target


def count_server_error(response: dict[str, Any]) -> dict[str, Any]:
    """Count a 5xx answer as ``ServerErrorResponses`` of this function version: the template's
    alarm on the new version's count rolls a canary deploy back."""
    if isinstance(response.get("statusCode"), int) and response["statusCode"] >= 500:
        target = EphemeralMetrics()
        version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        target.add_dimension(name="FunctionVersion", value=version)
        target.add_metric(name="ServerErrorResponses", unit=MetricUnit.Count, value=1)
        target.flush_metrics()
    return response
