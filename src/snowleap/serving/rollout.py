"""Champion and challenger: which model answers each session of ``POST /score``.

A session's variant follows from its salted session key alone (hashed into 10,000 buckets): the
same session gets the same variant on every request and in every execution environment sharing
``SESSION_SALT``, with no state kept anywhere. The challenger answers the sessions of the first
``CHALLENGER_PERCENT`` x 100 buckets in ``split`` mode; in ``shadow`` mode the champion answers
every session and the challenger's score of it is only logged and counted.

The challenger never costs the champion a request: while it is not loaded, or when it raises on a
session, the champion answers that session (a *fallback*, counted).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from snowleap.serving.scoring import CHAMPION, SessionScore, Variant, buy_probability
from snowleap.serving.settings import ChallengerSettings

CHALLENGER = "challenger"
BUCKETS = 10_000
# NOTE: a fixed tag keeps the assignment hash apart from every other use of the session key.
_ASSIGNMENT_TAG = b"snowleap-rollout-assignment\x00"


def bucket_of(session_key: str) -> int:
    """The bucket (0-9999) of a salted session key, the same wherever the key is the same.

    Example
    -------
    >>> key = "95ac8d48d8fdb9b4e6d51b46d0b8d5b4"
    >>> bucket_of(key) == bucket_of(key)
    True
    """
    digest = hashlib.sha256(_ASSIGNMENT_TAG + session_key.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % BUCKETS


def challenger_buckets(percent: float) -> int:
    """How many of the 10,000 buckets the challenger answers at ``percent``."""
    return round(percent * BUCKETS / 100.0)


def assigned_variant(session_key: str, percent: float) -> str:
    """``challenger`` for the sessions of the challenger's buckets, else ``champion``."""
    return CHALLENGER if bucket_of(session_key) < challenger_buckets(percent) else CHAMPION


@dataclass(frozen=True)
class SessionOutcome:
    """One variant's score of one session: what the per-session log line says.

    ``session`` is the pseudonymous salted key the response names the session by (never the
    Snowplow cookie), so outcomes can be joined with labels; ``served`` is false for a shadow
    score, which no caller saw.
    """

    session: str
    variant: str
    model_version: str | None
    probability: float | None
    served: bool


@dataclass
class RolloutSummary:
    """What one request's routing did, reported to the ``ServingObserver``."""

    mode: str
    outcomes: list[SessionOutcome] = field(default_factory=list)
    challenger_errors: int = 0
    fallbacks: int = 0
    shadow_ms: float = 0.0
    error_types: list[str] = field(default_factory=list)


class RolloutRouter:
    """Routes one request's sessions between the champion and the challenger (a
    ``SessionRouter`` for ``score_events``); ``challenger`` is ``None`` while it is not loaded.
    """

    def __init__(
        self,
        champion: Variant,
        challenger: Variant | None,
        settings: ChallengerSettings | None,
    ) -> None:
        self.champion = champion
        self.challenger = challenger
        self.settings = settings
        self.summary = RolloutSummary(mode=settings.mode if settings is not None else "none")
        self._champion_only = (champion,)
        self._challenger_first = (challenger, champion) if challenger is not None else None

    def variants_for(self, session_key: str) -> Sequence[Variant]:
        settings = self.settings
        if settings is None or settings.mode != "split":
            return self._champion_only
        if assigned_variant(session_key, settings.percent) != CHALLENGER:
            return self._champion_only
        if self._challenger_first is None:
            self.summary.fallbacks += 1
            return self._champion_only
        return self._challenger_first

    def variant_failed(self, variant: Variant, error: Exception) -> None:
        # NOTE: only the error's type is kept: its message may quote the session's values.
        self.summary.challenger_errors += 1
        self.summary.fallbacks += 1
        self.summary.error_types.append(type(error).__name__)

    def session_scored(self, score: SessionScore, row: Mapping[str, Any]) -> None:
        self.summary.outcomes.append(
            SessionOutcome(
                score.session, score.variant, score.model_version, score.probability, True
            )
        )
        if self.challenger is not None and self.summary.mode == "shadow":
            self._shadow(score.session, self.challenger, row)

    def _shadow(self, session: str, challenger: Variant, row: Mapping[str, Any]) -> None:
        started = time.perf_counter()
        try:
            scored = challenger.model.transform_row(row)
            probability = None if scored is None else buy_probability(scored)
        except Exception as exc:
            # NOTE: a shadow never answers, so whatever it breaks is only counted.
            self.summary.challenger_errors += 1
            self.summary.error_types.append(type(exc).__name__)
            return
        finally:
            self.summary.shadow_ms += (time.perf_counter() - started) * 1000.0
        if scored is not None:
            self.summary.outcomes.append(
                SessionOutcome(session, challenger.name, challenger.version, probability, False)
            )
