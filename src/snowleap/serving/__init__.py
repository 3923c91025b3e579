"""Serving snowleap models behind an HTTP API: model source and cache, request parsing, scoring.

Nothing here depends on AWS Lambda or Powertools; ``handler/app.py`` adapts it to Lambda events.
"""

from snowleap.serving.cache import LoadedModel, ModelCache, RefreshOutcome, RefreshResult
from snowleap.serving.errors import ModelSourceError, ModelUnavailableError, RequestError
from snowleap.serving.scoring import ScoreReport, SessionScore, check_model_fits, score_events
from snowleap.serving.service import ScoringService, ServingObserver, ServingSettings
from snowleap.serving.source import FileModelSource, ModelSource, ModelVersion, open_model_source

__all__ = [
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
    "ScoreReport",
    "ScoringService",
    "ServingObserver",
    "ServingSettings",
    "SessionScore",
    "check_model_fits",
    "open_model_source",
    "score_events",
]
