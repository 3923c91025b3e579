"""The model a warm execution environment keeps: loaded once, checked for new versions now and then.

One ``ModelCache`` per execution environment holds the loaded model in memory and its bundle bytes
in a disk folder (``/tmp`` on Lambda) keyed by version, so a re-initialised environment only asks
"still this version?" instead of downloading again. A new version is loaded and checked in full
before it replaces the old one in a single reference assignment (readers see one or the other,
never a half-loaded model). A version that fails to load is logged and counted by the caller; the
old model keeps serving.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum
from pathlib import Path

from snowleap.errors import SnowleapError
from snowleap.model import Model, load
from snowleap.serving.errors import ModelSourceError, ModelUnavailableError
from snowleap.serving.source import (
    FileModelSource,
    ModelSource,
    ModelVersion,
    S3ClientFactory,
    open_model_source,
    sha256_hex,
)

ModelCheck = Callable[[Model], None]


@dataclass(frozen=True)
class LoadedModel:
    """A model in service and where it came from."""

    model: Model
    version: ModelVersion
    source_uri: str
    loaded_at: str
    load_ms: float
    from_disk_cache: bool


class RefreshOutcome(Enum):
    LOADED = "loaded"  # first model of this environment
    UPDATED = "updated"  # a new version replaced the old one
    UNCHANGED = "unchanged"  # the source still holds the version in service
    NOT_DUE = "not_due"  # checked less than refresh_seconds ago: no request sent
    BUSY = "busy"  # another thread is checking right now
    FAILED = "failed"  # the source failed or the new bundle did not load: old model serves
    # the source still holds the version refused before: not downloaded again, not counted again
    STILL_REFUSED = "still_refused"


@dataclass(frozen=True)
class RefreshResult:
    outcome: RefreshOutcome
    error: str | None = None
    load_ms: float | None = None


class ModelCache:
    """Keeps one model loaded from ``source`` and refreshes it at most every ``refresh_seconds``.

    Example
    -------
    >>> cache = ModelCache(FileModelSource(Path("model.zip")), cache_dir=None)   # doctest: +SKIP
    >>> cache.refresh().outcome                                                # doctest: +SKIP
    <RefreshOutcome.LOADED: 'loaded'>
    >>> cache.loaded().model.describe()["name"]                                # doctest: +SKIP
    """

    def __init__(
        self,
        source: ModelSource,
        *,
        refresh_seconds: float = 60.0,
        cache_dir: Path | None = None,
        check: ModelCheck | None = None,
        clock: Callable[[], float] = time.monotonic,
        cold_retry_seconds: float = 0.0,
    ) -> None:
        self.source = source
        self.refresh_seconds = refresh_seconds
        # NOTE: with nothing loaded, a model that requests wait for is tried on every request
        # (0); one they can do without, the challenger, at most this often after a failure.
        self.cold_retry_seconds = cold_retry_seconds
        self._disk = _DiskCache(cache_dir, source.uri) if cache_dir is not None else None
        self._check = check
        self._clock = clock
        self._current: LoadedModel | None = None
        self._checked_at = 0.0
        self._last_error: str | None = None
        # NOTE: the version that failed to load or check; its tag is what the next conditional
        # GET sends, so it is downloaded once, not at every check, until the object changes.
        self._refused: ModelVersion | None = None
        self._lock = threading.Lock()

    @classmethod
    def open(
        cls,
        uri: str,
        s3_client: S3ClientFactory,
        refresh_seconds: float,
        cache_dir: Path | None,
        check: ModelCheck | None,
        *,
        cold_retry_seconds: float = 0.0,
    ) -> ModelCache:
        """The cache of the bundle at ``uri`` (``s3://bucket/key`` or a file path)."""
        source = open_model_source(uri, s3_client)
        # NOTE: a disk copy of a local file would only duplicate it.
        local = isinstance(source, FileModelSource)
        return cls(
            source,
            refresh_seconds=refresh_seconds,
            cache_dir=None if local else cache_dir,
            check=check,
            cold_retry_seconds=cold_retry_seconds,
        )

    def reopen(self, s3_client: S3ClientFactory) -> None:
        """A new source for the same URI: an ``s3://`` one gets a new client (its connections)."""
        self.source = open_model_source(self.source.uri, s3_client)

    def loaded(self) -> LoadedModel:
        """The model in service; ``ModelUnavailableError`` if none could be loaded yet."""
        current = self._current
        if current is None:
            reason = self._last_error or "the model has not been loaded yet"
            raise ModelUnavailableError(f"model not available: {reason}")
        return current

    @property
    def last_error(self) -> str | None:
        """Why the last load or refresh failed; ``None`` once a version loaded after it."""
        return self._last_error

    @property
    def is_loaded(self) -> bool:
        return self._current is not None

    def refresh(self, *, force: bool = False) -> RefreshResult:
        """Load the model if none is in service, else check for a new version when due (or forced).

        Never raises for source or bundle problems: they come back as a ``FAILED`` result.
        """
        if not force and not self._due():
            return RefreshResult(RefreshOutcome.NOT_DUE)
        # NOTE: a cold load blocks other threads (they have nothing to serve yet); a refresh of a
        # warm model does not: whoever does not get the lock serves the current model.
        if not self._lock.acquire(blocking=self._current is None):
            return RefreshResult(RefreshOutcome.BUSY)
        try:
            if not force and not self._due():
                return RefreshResult(RefreshOutcome.NOT_DUE)
            return self._refresh_locked()
        finally:
            self._lock.release()

    @property
    def due(self) -> bool:
        """Whether ``refresh`` would check the source now (or load: nothing is loaded yet)."""
        return self._due()

    @property
    def refused(self) -> ModelVersion | None:
        """The version last refused (it did not load or pass the check); ``None`` after one
        loaded, or when the object changed."""
        return self._refused

    def _due(self) -> bool:
        if self._current is None:
            failed = self._last_error is not None
            return not failed or self._clock() - self._checked_at >= self.cold_retry_seconds
        return self._clock() - self._checked_at >= self.refresh_seconds

    def _refresh_locked(self) -> RefreshResult:
        current = self._current
        refused = self._refused
        known = refused or (current.version if current is not None else self._disk_version())
        try:
            fetched = self.source.fetch(known)
        except ModelSourceError as exc:
            return self._failed(str(exc))
        finally:
            self._checked_at = self._clock()
        if fetched is None and refused is not None:
            return RefreshResult(RefreshOutcome.STILL_REFUSED, error=self._last_error)
        self._refused = None
        if (
            fetched is not None
            and current is not None
            and fetched.version.tag == current.version.tag
        ):
            # NOTE: the object went back to the version in service after a refused one.
            self._last_error = None
            return RefreshResult(RefreshOutcome.UNCHANGED)
        if fetched is None:
            if current is not None:
                return RefreshResult(RefreshOutcome.UNCHANGED)
            if known is None or self._disk is None:
                return self._failed(f"{self.source.uri}: source reported no change for no version")
            data = self._disk.read(known)
            if data is None:
                self._disk.forget()
                return self._refresh_locked()
            return self._install(data, known, from_disk=True)
        return self._install(fetched.data, fetched.version, from_disk=False)

    def _disk_version(self) -> ModelVersion | None:
        return self._disk.version() if self._disk is not None else None

    def _install(self, data: bytes, version: ModelVersion, *, from_disk: bool) -> RefreshResult:
        started = time.perf_counter()
        try:
            model = load(data)
            if self._check is not None:
                self._check(model)
        except Exception as exc:
            # NOTE: a bundle is untrusted input; whatever it breaks while loading, the model in
            # service must keep serving, so every failure here is a refused version.
            if from_disk and self._disk is not None:
                # NOTE: a damaged cached copy is not the source's fault: drop it and download.
                self._disk.forget()
                return self._refresh_locked()
            # NOTE: snowleap's own errors say what is wrong; anything else also needs its type.
            problem = str(exc) if isinstance(exc, SnowleapError) else f"{type(exc).__name__}: {exc}"
            self._refused = version
            return self._failed(
                f"version {version.label} of {self.source.uri} was not loaded: {problem}"
            )
        load_ms = (time.perf_counter() - started) * 1000.0
        if self._disk is not None and not from_disk:
            self._disk.store(data, version)
        was_cold = self._current is None
        self._current = LoadedModel(
            model=model,
            version=version,
            source_uri=self.source.uri,
            loaded_at=datetime.now(UTC).isoformat(timespec="seconds"),
            load_ms=load_ms,
            from_disk_cache=from_disk,
        )
        self._last_error = None
        outcome = RefreshOutcome.LOADED if was_cold else RefreshOutcome.UPDATED
        return RefreshResult(outcome, load_ms=load_ms)

    def _failed(self, reason: str) -> RefreshResult:
        self._last_error = reason
        return RefreshResult(RefreshOutcome.FAILED, error=reason)


class _DiskCache:
    """Bundle bytes of the version in service, in ``folder/<source hash>/``, with an index file.

    Only one version is kept: /tmp is small and shared with everything else the function does.
    """

    def __init__(self, root: Path, uri: str) -> None:
        self.folder = root / sha256_hex(uri.encode())[:16]
        self.index = self.folder / "current.json"

    def version(self) -> ModelVersion | None:
        try:
            doc = json.loads(self.index.read_text())
            return ModelVersion(
                tag=str(doc["tag"]),
                version_id=doc.get("version_id"),
                digest=doc.get("digest"),
                tag_is_etag=bool(doc.get("tag_is_etag", True)),
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def _file(self, version: ModelVersion) -> Path:
        safe = re.sub(r"[^A-Za-z0-9._-]", "_", version.label)[:120]
        return self.folder / f"{safe}.zip"

    def read(self, version: ModelVersion) -> bytes | None:
        try:
            data = self._file(version).read_bytes()
        except OSError:
            return None
        if version.digest is not None and sha256_hex(data) != version.digest:
            return None
        return data

    def store(self, data: bytes, version: ModelVersion) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            target = self._file(version)
            _atomic_write(target, data)
            _atomic_write(
                self.index,
                json.dumps(dataclasses.asdict(version)).encode(),
            )
            for old in self.folder.glob("*.zip"):
                if old != target:
                    old.unlink(missing_ok=True)
        except OSError:
            # NOTE: the disk copy only saves a download after a re-init; a full /tmp must not
            # stop a good model from serving.
            return

    def forget(self) -> None:
        self.index.unlink(missing_ok=True)


def _atomic_write(target: Path, data: bytes) -> None:
    # NOTE: imported here: only a model fetched from S3 is written to disk, and a cold start
    # pays for every import.
    import tempfile

    handle, temp = tempfile.mkstemp(dir=target.parent, prefix=".partial-")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
