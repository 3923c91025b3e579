"""Scoring a request's events: group them by session, build each session's features, score them.

Every event of the request ends up in exactly one place of the ``ScoreReport``: used by a
session, excluded from its session's features (it came after the session's first purchase, which
is what the model predicts, so counting it would leak the answer), or rejected with a reason.
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from snowleap.errors import BundleError
from snowleap.model import Model
from snowleap.serving.model_check import check_model_scores
from snowleap.snowplow import (
    FEATURE_SCHEMA,
    ParseResult,
    Rejected,
    group_sessions,
    session_features,
)

PROBABILITY_COLUMN = "probability"
BUY_INDEX = 1
#: a calibrated purchase probability (a double), when the bundle has one: it is served instead
#: of ``probability[1]`` (training/train.py: Spark's isotonic regression on held-out scores)
CALIBRATED_COLUMN = "calibrated_probability"
#: the bundle's decision, ``calibrated_probability > threshold`` (a Binarizer): where the
#: threshold chosen on held-out sessions is stored with the model
DECISION_COLUMN = "buy_decision"
DEFAULT_THRESHOLD = 0.5
CHAMPION = "champion"


@dataclass(frozen=True)
class Variant:
    """A model answering as one arm of a rollout (``champion`` or ``challenger``)."""

    name: str
    model: Model
    version: str | None = None


class SessionRouter(Protocol):
    """Which model scores a session, and what happens once it is scored (``snowleap.serving.
    rollout``)."""

    def variants_for(self, session_key: str) -> Sequence[Variant]:
        """The variants to try in turn: the first that scores answers the session."""
        ...

    def variant_failed(self, variant: Variant, error: Exception) -> None:
        """``variant`` raised on a session; the next variant of ``variants_for`` answers it."""
        ...

    def session_scored(self, score: SessionScore, row: Mapping[str, Any]) -> None:
        """``score`` answers the session whose features are ``row``."""
        ...


class _OnlyModel:
    def __init__(self, model: Model) -> None:
        self._variants = (Variant(CHAMPION, model),)

    def variants_for(self, session_key: str) -> Sequence[Variant]:
        return self._variants

    def variant_failed(self, variant: Variant, error: Exception) -> None:
        return None

    def session_scored(self, score: SessionScore, row: Mapping[str, Any]) -> None:
        return None


@dataclass(frozen=True)
class SessionScore:
    """One session's score: ``segment`` is ``"buy"`` when ``probability`` reaches the threshold."""

    session: str
    probability: float | None
    segment: str
    events: list[int]
    events_excluded: list[int]
    variant: str = CHAMPION
    model_version: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "session": self.session,
            "probability": self.probability,
            "segment": self.segment,
            "variant": self.variant,
            "model_version": self.model_version,
            "events_used": len(self.events),
            "events": self.events,
            "events_excluded": self.events_excluded,
        }


@dataclass
class ScoreReport:
    """What ``POST /score`` answers (without the model identity, which the service adds)."""

    sessions: list[SessionScore] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)

    @property
    def events_scored(self) -> int:
        return sum(len(s.events) + len(s.events_excluded) for s in self.sessions)

    def accounted_indices(self) -> list[int]:
        """Every event index the report mentions, sorted (each must appear once)."""
        indices = [i for s in self.sessions for i in (*s.events, *s.events_excluded)]
        indices.extend(r.index for r in self.rejected)
        return sorted(indices)

    def as_dict(self) -> dict[str, Any]:
        return {
            "sessions": [s.as_dict() for s in self.sessions],
            "rejected": [{"index": r.index, "reason": r.reason} for r in self.rejected],
        }


def check_model_fits(model: Model) -> None:
    """Refuse a model that cannot score session features: ``BundleError`` saying what differs.

    Run when a bundle is loaded (with ``MODEL_KIND=session``), so a wrong bundle is refused
    before it serves (and the previous one keeps serving) rather than failing every request.

    Example
    -------
    >>> check_model_fits(snowleap.load("bundles/snowleap-default.zip"))   # doctest: +SKIP
    """
    problems = session_model_problems(model)
    if problems:
        raise BundleError(f"model does not fit the session features: {'; '.join(problems)}")
    # NOTE: a session made of no event: zeros and "unknown", the row POST /score builds.
    check_model_scores(model, session_features([]).row)
    check_model_scores(model)


def session_model_problems(model: Model) -> list[str]:
    """What keeps ``model`` from scoring session features; empty for a session model."""
    problems: list[str] = []
    for name, ctype in model.input_schema.items():
        wanted = FEATURE_SCHEMA.get(name)
        if wanted is None:
            problems.append(f"input {name!r} is not a session feature")
        elif ctype.shape != "scalar" or (ctype.base == "string") != (wanted == "string"):
            problems.append(f"input {name!r} is {ctype}, the session feature is {wanted}")
    output = model.output_schema.get(PROBABILITY_COLUMN)
    if output is None or output.shape != "vector" or output.size not in (None, 2):
        found = "missing" if output is None else str(output)
        problems.append(f"output {PROBABILITY_COLUMN!r} should be a vector of 2, found {found}")
    return problems


def bundled_threshold(model: Model) -> float | None:
    """The decision threshold stored in a session bundle (the threshold of the binarizer that
    writes ``buy_decision``), or ``None`` if the bundle has none."""
    # NOTE: looked up once per loaded model: a walk of every op was asked for on each request.
    try:
        return _bundled_thresholds[model]
    except KeyError:
        threshold = _bundled_thresholds[model] = _find_bundled_threshold(model)
        return threshold


#: each loaded model's bundled threshold, forgotten with the model
_bundled_thresholds: weakref.WeakKeyDictionary[Model, float | None] = weakref.WeakKeyDictionary()


def _find_bundled_threshold(model: Model) -> float | None:
    for op in model.root.leaves():
        if op.op_name == "binarizer" and any(f.name == DECISION_COLUMN for f in op.outputs):
            threshold = getattr(op, "threshold", None)
            if isinstance(threshold, (int, float)):
                return float(threshold)
    return None


def decision_threshold(model: Model, configured: float | None) -> float:
    """The threshold a session reaches to be "buy": ``SCORE_THRESHOLD`` when set, else the
    bundle's own, else 0.5."""
    if configured is not None:
        return configured
    bundled = bundled_threshold(model)
    return DEFAULT_THRESHOLD if bundled is None else bundled


def score_events(
    model: Model | SessionRouter,
    parsed: ParseResult,
    *,
    salt: str,
    threshold: float | None,
) -> ScoreReport:
    """Score every session of ``parsed``; report each event as used, excluded or rejected.

    ``model`` is one model for every session, or a ``SessionRouter`` choosing one per session.
    ``threshold`` (``None``: each model's own, see ``decision_threshold``) splits "buy" from
    "defer".

    Example
    -------
    >>> parsed = parse_tracker_payload(body)                                     # doctest: +SKIP
    >>> report = score_events(model, parsed, salt="s3cret", threshold=0.5)       # doctest: +SKIP
    >>> report.sessions[0].segment                                               # doctest: +SKIP
    'buy'
    """
    router = _OnlyModel(model) if isinstance(model, Model) else model
    report = ScoreReport(rejected=list(parsed.rejected))
    thresholds: dict[int, float] = {}
    grouped = group_sessions(parsed.events, salt)
    for key, members in grouped.items():
        features = session_features([event for _, event in members])
        indices = [index for index, _ in members]
        excluded = [members[position][0] for position in features.excluded_at]
        used = sorted(set(indices) - set(excluded))
        variant, scored = _first_to_score(router, key, features.row)
        if scored is None:
            reason = "the model skipped this session (one of its ops drops invalid rows)"
            report.rejected.extend(Rejected(i, reason) for i in indices)
            continue
        probability = buy_probability(scored)
        bar = thresholds.get(id(variant.model))
        if bar is None:
            bar = thresholds[id(variant.model)] = decision_threshold(variant.model, threshold)
        segment = "buy" if probability is not None and probability >= bar else "defer"
        score = SessionScore(
            key, probability, segment, used, excluded, variant.name, variant.version
        )
        report.sessions.append(score)
        router.session_scored(score, features.row)
    if sum(map(len, grouped.values())) != len(parsed.events):
        _reject_ungrouped(report, parsed)
    report.sessions.sort(key=lambda s: min(s.events + s.events_excluded))
    report.rejected.sort(key=lambda r: r.index)
    return report


def _first_to_score(
    router: SessionRouter, key: str, row: Mapping[str, Any]
) -> tuple[Variant, dict[str, Any] | None]:
    """The answer of the first variant that scores ``row``; the last one's errors propagate."""
    *fallible, last = router.variants_for(key)
    for variant in fallible:
        try:
            return variant, variant.model.transform_row(row)
        except Exception as exc:
            # NOTE: a challenger is untrusted code paths on untrusted data: whatever it breaks,
            # the session is answered by the next variant (the champion) instead.
            router.variant_failed(variant, exc)
    return last, last.model.transform_row(row)


def buy_probability(scored: Mapping[str, Any]) -> float | None:
    """The purchase probability of a scored session row (``None`` where the model cannot tell):
    its calibrated probability if the bundle has one, else ``probability[1]``."""
    calibrated = scored.get(CALIBRATED_COLUMN)
    if calibrated is not None:
        probability = float(calibrated)
    else:
        probability = float(scored[PROBABILITY_COLUMN][BUY_INDEX])
    # NOTE: JSON has no NaN; a model that cannot tell says so with null, segment "defer".
    return None if math.isnan(probability) else probability


def _reject_ungrouped(report: ScoreReport, parsed: ParseResult) -> None:
    """Events that parsed but belong to no session (no session id) are rejected, not lost."""
    grouped = {i for s in report.sessions for i in (*s.events, *s.events_excluded)}
    grouped.update(r.index for r in report.rejected)
    for index, _ in parsed.events:
        if index not in grouped:
            report.rejected.append(
                Rejected(index, "no domain_sessionid (sid): the event belongs to no session")
            )
