"""Serving snowleap models behind an HTTP API: model source and cache, request parsing, scoring.

Nothing here depends on AWS Lambda or Powertools; ``handler/app.py`` adapts it to Lambda events.
"""

from snowleap.serving.cache import LoadedModel, ModelCache, RefreshOutcome, RefreshResult
from snowleap.serving.errors import (
    ConfigurationError,
    ModelSourceError,
    ModelUnavailableError,
    RequestError,
)
from snowleap.serving.rollout import CHALLENGER, RolloutSummary, SessionOutcome, bucket_of
from snowleap.serving.scoring import (
    CHAMPION,
    ScoreReport,
    SessionScore,
    check_model_fits,
    score_events,
)
from snowleap.serving.service import ScoringService, ServingObserver
from snowleap.serving.settings import ChallengerSettings, ServingSettings
from snowleap.serving.source import FileModelSource, ModelSource, ModelVersion, open_model_source

__all__ = [
    "CHALLENGER",
    "CHAMPION",
    "ChallengerSettings",
    "ConfigurationError",
    "FileModelSource",
    "LoadedModel",
    "ModelCache",
    "ModelSource",
    "ModelSourceError",
    "ModelUnavailableError",
    "ModelVersion",
    "RefreshOutcome",
    "RefreshResult",
    "RequestError",
    "RolloutSummary",
    "ScoreReport",
    "ScoringService",
    "ServingObserver",
    "ServingSettings",
    "SessionOutcome",
    "SessionScore",
    "bucket_of",
    "check_model_fits",
    "open_model_source",
    "score_events",
]
