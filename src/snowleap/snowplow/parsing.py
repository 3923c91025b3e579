"""What parsing a request gives: the events that parsed, with their positions, and each rejected
one with the reason, never dropped; ``parse_each`` turns any source's items into that, one
``EventBuilder`` per request, and ``logged`` reports it (reasons quote no personal value).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, TypeVar

from snowleap.snowplow.errors import EventError
from snowleap.snowplow.event import Event, EventBuilder
from snowleap.snowplow.selfdesc import SelfDescribing

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Rejected:
    """An event that could not be used: its position in the request and the precise reason."""

    index: int
    reason: str


@dataclass
class ParseResult:
    """Events that parsed (with their positions in the request) and those that did not."""

    events: list[tuple[int, Event]] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)


CanonicalFields = tuple[Mapping[str, Any], SelfDescribing | None]


def parse_each(
    items: Iterable[T],
    canonical: Callable[[T], CanonicalFields],
    source: str,
    label: str = "",
) -> ParseResult:
    """One ``Event`` per item, or one ``Rejected`` whose reason says what was wrong.

    ``canonical`` turns one item of a source's own shape into canonical fields, raising
    ``EventError`` for what it cannot read; ``label`` (``"line"``, ``"item"``) prefixes each reason
    with the item's 1-based number, as a person counts lines. A bad item never stops the others.
    """
    result = ParseResult()
    build = EventBuilder().build
    for index, item in enumerate(items):
        try:
            result.events.append((index, build(*canonical(item))))
        except EventError as exc:
            reason = f"{label} {index + 1}: {exc}" if label else str(exc)
            result.rejected.append(Rejected(index, reason))
    return logged(result, source)


_LOGGER: Final = logging.getLogger("snowleap.snowplow")


def logged(result: ParseResult, source: str) -> ParseResult:
    """Log how many events of ``source`` parsed and why each rejected one was rejected.

    Reasons never quote personal values (see ``values.shown``), so they are safe to log.
    """
    _LOGGER.debug(
        "%s: %d events parsed, %d rejected", source, len(result.events), len(result.rejected)
    )
    for rejected in result.rejected:
        _LOGGER.info("%s: event %d rejected: %s", source, rejected.index, rejected.reason)
    return result
