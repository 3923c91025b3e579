"""A request never waits on S3 longer than its budget: the cache refreshes in a thread of its own.

A stalled S3 (it accepts the connection and never answers) holds a ``GetObject`` until boto3's
read timeout, once per attempt. Run inline, that is the request's time too. ``RefreshWorker`` runs
``ModelCache.refresh`` in a daemon thread and lets the request wait for it at most ``budget``
seconds: a cold start that cannot load in time answers 503 at once (the load goes on, and the next
request may find the model), a warm request goes on with the model in service. An outcome that
arrives after its request gave up is handed to the next call, so it is still reported (metrics,
logs) exactly once.

On Lambda the thread is frozen with the execution environment between invocations and goes on
when the next one thaws it.
"""

from __future__ import annotations

import threading

from snowleap.serving.cache import ModelCache, RefreshOutcome, RefreshResult


class RefreshWorker:
    """The one refresh thread of a ``ModelCache``.

    Example
    -------
    >>> worker = RefreshWorker(cache)                     # doctest: +SKIP
    >>> worker.refresh(budget=0.25).outcome               # doctest: +SKIP
    <RefreshOutcome.NOT_DUE: 'not_due'>
    """

    def __init__(self, cache: ModelCache) -> None:
        self.cache = cache
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._finished: RefreshResult | None = None
        # NOTE: what the refresh raised (a bug: source and bundle problems are results) is
        # raised again in the request that waits for it, as if it had run inline.
        self._raised: Exception | None = None

    @property
    def in_flight(self) -> bool:
        thread = self._thread
        return thread is not None and thread.is_alive()

    def refresh(self, budget: float, *, force: bool = False) -> RefreshResult:
        """Start a refresh when due (or ``force``) unless one runs, then wait for it at most
        ``budget`` seconds; ``BUSY`` when it is still running then."""
        with self._lock:
            if not self.in_flight and (self._finished is not None or self._raised is not None):
                return self._take()
            thread = self._thread
            if thread is None or not thread.is_alive():
                if not force and not self.cache.due:
                    return RefreshResult(RefreshOutcome.NOT_DUE)
                thread = self._thread = threading.Thread(
                    target=self._run, args=(force,), name="snowleap-refresh", daemon=True
                )
                thread.start()
        thread.join(budget)
        with self._lock:
            if not thread.is_alive() and (self._finished is not None or self._raised is not None):
                return self._take()
        return RefreshResult(RefreshOutcome.BUSY)

    def _take(self) -> RefreshResult:
        raised, self._raised = self._raised, None
        if raised is not None:
            raise raised
        result, self._finished = self._finished, None
        assert result is not None
        return result

    def _run(self, force: bool) -> None:
        try:
            result = self.cache.refresh(force=force)
        except Exception as exc:
            with self._lock:
                self._raised = exc
            return
        with self._lock:
            if result.outcome not in (RefreshOutcome.NOT_DUE, RefreshOutcome.BUSY):
                self._finished = result
