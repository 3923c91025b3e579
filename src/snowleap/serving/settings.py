"""The function's settings, read from its environment: the model, its challenger, the limits."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from snowleap.serving.errors import ConfigurationError

# NOTE: ``auto`` serves any bundle (its kind decides whether /score works); ``session`` refuses a
# bundle that is not a session model, so a wrong upload never replaces the one serving /score.
MODEL_KINDS = ("auto", "session")
# NOTE: ``split`` answers a share of the sessions with the challenger; ``shadow`` answers every
# session with the champion and only logs and counts what the challenger would have said.
CHALLENGER_MODES = ("split", "shadow")
# NOTE: ``minimal`` keeps the S3 URI, ETag, version id and sha256 out of every API answer.
MODEL_DETAILS = ("minimal", "full")


@dataclass(frozen=True)
class ChallengerSettings:
    """A second bundle scored beside the model in service (the champion) on ``POST /score``.

    ``percent`` is the share of sessions the challenger answers in ``split`` mode; in ``shadow``
    mode it scores every session and answers none.
    """

    uri: str
    percent: float = 0.0
    mode: str = "split"

    @classmethod
    def from_environment(cls, environ: Mapping[str, str]) -> ChallengerSettings | None:
        """``CHALLENGER_URI`` (none: no challenger), ``CHALLENGER_PERCENT`` (0-100, in steps of
        0.01) and ``CHALLENGER_MODE`` (``split`` or ``shadow``).

        Example
        -------
        >>> ChallengerSettings.from_environment({"CHALLENGER_URI": "s3://b/c.zip",
        ...     "CHALLENGER_PERCENT": "10"})
        ChallengerSettings(uri='s3://b/c.zip', percent=10.0, mode='split')
        """
        uri = (environ.get("CHALLENGER_URI") or "").strip()
        if not uri:
            return None
        percent = _number(environ, "CHALLENGER_PERCENT", 0.0)
        if not 0.0 <= percent <= 100.0:
            raise ConfigurationError(f"CHALLENGER_PERCENT={percent}: must be between 0 and 100")
        mode = (environ.get("CHALLENGER_MODE") or "split").strip()
        if mode not in CHALLENGER_MODES:
            raise ConfigurationError(
                f"CHALLENGER_MODE={mode!r}: expected one of {', '.join(CHALLENGER_MODES)}"
            )
        return cls(uri=uri, percent=percent, mode=mode)


@dataclass(frozen=True)
class ServingSettings:
    """The function's settings, read from its environment by ``from_environment``."""

    model_uri: str
    refresh_seconds: float = 60.0
    #: ``None``: each bundle's own decision threshold (0.5 for a bundle without one)
    threshold: float | None = None
    max_body_bytes: int = 1024 * 1024
    session_salt: str = ""
    cache_dir: Path | None = Path("/tmp/snowleap-models")
    model_kind: str = "auto"
    challenger: ChallengerSettings | None = None
    #: how long a request waits for the first load of the model (then 503, the load goes on)
    load_wait_seconds: float = 3.0
    #: how long a warm request waits for a refresh it triggered (then the model in service)
    refresh_wait_seconds: float = 0.25
    #: ``minimal``: answers never name the model's source; ``full`` (operators) adds it
    model_details: str = "minimal"

    @classmethod
    def from_environment(
        cls, environ: Mapping[str, str], *, default_model_uri: str
    ) -> ServingSettings:
        """Settings from ``MODEL_URI``, ``MODEL_REFRESH_SECONDS``, ``SCORE_THRESHOLD``,
        ``MAX_BODY_BYTES``, ``SESSION_SALT``, ``MODEL_CACHE_DIR`` (empty: no disk copy),
        ``MODEL_KIND`` (``auto`` or ``session``), ``MODEL_LOAD_WAIT_SECONDS``,
        ``MODEL_REFRESH_WAIT_SECONDS``, ``MODEL_DETAILS`` (``minimal`` or ``full``) and the
        ``CHALLENGER_*`` settings.

        Example
        -------
        >>> ServingSettings.from_environment({"SCORE_THRESHOLD": "0.7"}, default_model_uri="m.zip")
        ... # doctest: +ELLIPSIS
        ServingSettings(model_uri='m.zip', refresh_seconds=60.0, threshold=0.7, ...)
        """
        threshold = _optional_number(environ, "SCORE_THRESHOLD")
        if threshold is not None and not 0.0 <= threshold <= 1.0:
            raise ConfigurationError(f"SCORE_THRESHOLD={threshold}: must be between 0 and 1")
        refresh = _number(environ, "MODEL_REFRESH_SECONDS", 60.0)
        max_body = int(_number(environ, "MAX_BODY_BYTES", 1024 * 1024))
        if refresh < 0 or max_body <= 0:
            raise ConfigurationError(
                "MODEL_REFRESH_SECONDS must be >= 0 and MAX_BODY_BYTES must be > 0"
            )
        load_wait = _number(environ, "MODEL_LOAD_WAIT_SECONDS", 3.0)
        refresh_wait = _number(environ, "MODEL_REFRESH_WAIT_SECONDS", 0.25)
        if load_wait < 0 or refresh_wait < 0:
            raise ConfigurationError(
                "MODEL_LOAD_WAIT_SECONDS and MODEL_REFRESH_WAIT_SECONDS must be >= 0"
            )
        cache_dir = environ.get("MODEL_CACHE_DIR", "/tmp/snowleap-models")
        kind = environ.get("MODEL_KIND") or "auto"
        if kind not in MODEL_KINDS:
            raise ConfigurationError(
                f"MODEL_KIND={kind!r}: expected one of {', '.join(MODEL_KINDS)}"
            )
        details = (environ.get("MODEL_DETAILS") or "minimal").strip()
        if details not in MODEL_DETAILS:
            raise ConfigurationError(
                f"MODEL_DETAILS={details!r}: expected one of {', '.join(MODEL_DETAILS)}"
            )
        return cls(
            model_uri=environ.get("MODEL_URI") or default_model_uri,
            refresh_seconds=refresh,
            threshold=threshold,
            max_body_bytes=max_body,
            session_salt=environ.get("SESSION_SALT", ""),
            cache_dir=Path(cache_dir) if cache_dir else None,
            model_kind=kind,
            challenger=ChallengerSettings.from_environment(environ),
            load_wait_seconds=load_wait,
            refresh_wait_seconds=refresh_wait,
            model_details=details,
        )


def _optional_number(environ: Mapping[str, str], name: str) -> float | None:
    raw = environ.get(name)
    return None if raw is None or not raw.strip() else _number(environ, name, 0.0)


@dataclass(frozen=True)
class S3ClientSettings:
    """boto3's S3 client settings, fitted inside the function's timeout (15 s by default).

    A stalled S3 costs at most ``max_attempts x (connect_timeout + read_timeout)`` plus the
    adaptive mode's backoff: 3 x (1 + 2) s + under 2 s, well within 15 s, so a refresh always ends
    before the function times out. No request waits for it that long: see ``RefreshWorker``.
    ``read_timeout`` bounds each wait for bytes, not a whole download.
    """

    connect_timeout: float = 1.0
    read_timeout: float = 2.0
    max_attempts: int = 3

    @classmethod
    def from_environment(cls, environ: Mapping[str, str]) -> S3ClientSettings:
        """``S3_CONNECT_TIMEOUT_SECONDS``, ``S3_READ_TIMEOUT_SECONDS``, ``S3_MAX_ATTEMPTS``."""
        settings = cls(
            connect_timeout=_number(environ, "S3_CONNECT_TIMEOUT_SECONDS", 1.0),
            read_timeout=_number(environ, "S3_READ_TIMEOUT_SECONDS", 2.0),
            max_attempts=int(_number(environ, "S3_MAX_ATTEMPTS", 3)),
        )
        if settings.connect_timeout <= 0 or settings.read_timeout <= 0 or settings.max_attempts < 1:
            raise ConfigurationError(
                "S3_CONNECT_TIMEOUT_SECONDS and S3_READ_TIMEOUT_SECONDS must be > 0, "
                "S3_MAX_ATTEMPTS >= 1"
            )
        return settings


def _number(environ: Mapping[str, str], name: str, default: float) -> float:
    raw = environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        return float(raw)
    except ValueError:
        raise ConfigurationError(f"{name}={raw!r}: expected a number") from None
