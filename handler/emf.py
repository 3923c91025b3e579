"""EMF documents of the per-request metrics, written without Powertools' per-metric machinery.

Powertools' ``Metrics.add_metric`` validates the unit and resolution against its enums on every
call, and each document is assembled again when flushed; with a fresh ``EphemeralMetrics`` per
variant that was a quarter of a warm request. ``EmfWriter.write`` prints the same document
(CloudWatch's embedded metric format, as Powertools writes it: namespace, one dimension set with
``service`` last, every value a float in a list) from a metric definition built once per shape.
Metric names and units are the code's own constants, so they are checked once, not per request.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Mapping, Sequence
from typing import Any

from aws_lambda_powertools import Metrics
from aws_lambda_powertools.metrics import MetricUnit, SchemaValidationError
from aws_lambda_powertools.shared import constants

try:
    from aws_lambda_powertools.metrics.functions import is_metrics_disabled
except ImportError:  # pragma: no cover - Powertools before POWERTOOLS_METRICS_DISABLED

    def is_metrics_disabled() -> bool:
        return False


# NOTE: EMF's limit on the values of one metric in one document; more go into further documents.
MAX_VALUES = 100
#: one metric of a document: its name, its unit and its values
Values = tuple[str, MetricUnit, Sequence[float]]


class EmfWriter:
    """Prints EMF documents in the namespace, and with the ``service`` dimension, of a Powertools
    ``Metrics`` (read at each write, as Powertools reads its own)."""

    def __init__(self, metrics: Metrics) -> None:
        self._metrics = metrics
        self._parts: dict[tuple[Any, ...], tuple[str, str]] = {}
        self._disabled_for: tuple[str | None, str | None] | None = None
        self._disabled_now = False

    def write(self, dimensions: Mapping[str, str], metrics: Sequence[Values]) -> None:
        """One document (more if a metric has over 100 values) of ``metrics`` under
        ``dimensions``; nothing while Powertools' metrics are disabled."""
        if self._disabled():
            return
        namespace, service = self._metrics.namespace, self._metrics.service
        if namespace is None:
            raise SchemaValidationError("Must contain a metric namespace.")
        dimension_set = {**dimensions}
        if service and "service" not in dimension_set:
            dimension_set["service"] = str(service)
        if metrics and all(0 < len(values) <= MAX_VALUES for _, _, values in metrics):
            # NOTE: the usual write, one document holding every metric.
            print(self._document(namespace, dimension_set, metrics))
            return
        longest = max((len(values) for _, _, values in metrics), default=0)
        for start in range(0, max(longest, 1), MAX_VALUES):
            part = [(n, u, v[start : start + MAX_VALUES]) for n, u, v in metrics]
            part = [(n, u, v) for n, u, v in part if len(v)]
            if part:
                print(self._document(namespace, dimension_set, part))

    def _disabled(self) -> bool:
        """Powertools' ``is_metrics_disabled``, worked out again only when what it reads (two
        variables of the environment) changed."""
        environ = os.environ
        key = (
            environ.get(constants.POWERTOOLS_DEV_ENV),
            environ.get(constants.METRICS_DISABLED_ENV),
        )
        if key != self._disabled_for:
            self._disabled_now = is_metrics_disabled()
            self._disabled_for = key
        return self._disabled_now

    def _document(
        self, namespace: str, dimension_set: dict[str, str], metrics: Sequence[Values]
    ) -> str:
        shape = (namespace, *dimension_set.items(), *[metric[:2] for metric in metrics])
        parts = self._parts.get(shape)
        if parts is None:
            if len(self._parts) >= _MAX_SHAPES:
                self._parts.clear()
            parts = self._parts[shape] = _parts(namespace, dimension_set, metrics)
        head, values = parts
        floats = tuple([_floats(metric[2]) for metric in metrics])
        return f'{{"_aws":{{"Timestamp":{int(time.time() * 1000)}{head}{values % floats}}}'


_MAX_SHAPES = 256
_dumps = json.JSONEncoder(separators=(",", ":")).encode


def _floats(values: Sequence[float]) -> str:
    """``values`` as floats in a JSON array, as ``_dumps`` writes them."""
    # NOTE: JSON writes a finite float as its repr; an infinity or NaN (the only reprs holding
    #   an "n") as JSON's own words.
    if len(values) == 1:
        text = repr(float(values[0]))
        if "n" not in text:
            return f"[{text}]"
    floats = list(map(float, values))
    text = ",".join(map(float.__repr__, floats))
    return _dumps(floats) if "n" in text else f"[{text}]"


def _parts(
    namespace: str, dimension_set: dict[str, str], metrics: Sequence[Values]
) -> tuple[str, str]:
    """What a document of this shape says besides its time and values: the metric definition
    and the dimensions (serialized once), and each metric's name as JSON before a ``%s`` for
    its values."""
    definition = [
        {
            "Namespace": namespace,
            "Dimensions": [list(dimension_set)],
            "Metrics": [{"Name": name, "Unit": unit.value} for name, unit, _ in metrics],
        }
    ]
    dimensions = _dumps(dimension_set)[1:-1]
    head = f',"CloudWatchMetrics":{_dumps(definition)}}},{dimensions}{"," if dimensions else ""}'
    # NOTE: a "%" of a metric's name is doubled so that only the values' %s are formatted.
    values = ",".join(f"{_dumps(name).replace('%', '%%')}:%s" for name, _, _ in metrics)
    return head, values
