"""A tracker request's events read a parameter at a time across all of them, not an event at a time.

Reading one event's parameters costs a few interpreter steps per parameter; a request of 30
events, each with a dozen parameters, spent most of its parse in those steps. The events of one
tracker mostly carry the same parameter keys, so the request is read as columns instead: one
column per parameter (``itemgetter`` over the events of one key set), each column checked and
typed in one pass (``values.*_column``): the canonical fields ``tracker._canonical`` would give,
a field at a time, which ``EventBuilder.build_columns`` turns into events.

Only the plain case is read this way: every event a JSON object of strings, a known event code,
no empty parameter that is read, no contexts or self-describing event, every value in its plain
form. Anything else returns ``None`` and the request is read event by event, which names each
problem; the results are the same either way (``tests/snowplow/test_tracker.py`` checks it).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from itertools import repeat
from operator import itemgetter
from typing import Any, Final

from snowleap.snowplow.errors import EventError
from snowleap.snowplow.values import (
    check_epoch_millis,
    epoch_millis_column,
    epoch_time_column,
    int_column,
    parse_epoch_millis,
    parse_int,
)

Parser = Callable[[str, str], Any]
#: the one-pass version of a value parser, ``None`` when a value needs the parser itself
_COLUMN_READERS: Final[dict[Any, Callable[[Sequence[str]], list[Any] | None]]] = {
    parse_epoch_millis: epoch_time_column,
    check_epoch_millis: epoch_millis_column,
    parse_int: int_column,
}
_DICT: Final[set[type]] = {dict}
#: canonical field name -> its value in each event of a group
Columns = dict[str, Sequence[Any]]


class TrackerColumns:
    """Reads the plain case of a tracker request (see the module's docstring).

    ``readers`` maps a parameter to its field name and parser (``text`` for text kept as it
    is), ``codes`` an event code to its event type; ``required`` must be present in every event
    and ``excluded`` in none.
    """

    def __init__(
        self,
        readers: Mapping[str, tuple[str, Parser]],
        codes: Mapping[str, str],
        *,
        text: Parser,
        required: Sequence[str],
        excluded: frozenset[str],
    ) -> None:
        self._readers = readers
        self._codes = codes
        self._text = text
        self._required = required
        self._excluded = excluded

    def groups(self, items: list[Any]) -> list[tuple[Sequence[int], Columns]] | None:
        """The request's events as groups of one key set each: their positions and their
        canonical fields a field at a time; ``None`` when the request is not the plain case."""
        if not items or {*map(type, items)} != _DICT:
            return None
        keys = tuple(items[0])
        if len({*map(len, items)}) == 1 and len(keys) > 1:
            # NOTE: events of one size that all hold the first one's keys hold exactly those.
            values = _transposed(keys, items)
            if values is not None:
                columns = self._columns(keys, values)
                return None if columns is None else [(range(len(items)), columns)]
        positions: dict[tuple[str, ...], list[int]] = {}
        for index, shape in enumerate(map(tuple, items)):
            positions.setdefault(shape, []).append(index)
        groups: list[tuple[Sequence[int], Columns]] = []
        for shape, indices in positions.items():
            if len(shape) < 2:
                return None
            values = _transposed(shape, [items[i] for i in indices])
            columns = None if values is None else self._columns(shape, values)
            if columns is None:
                return None
            groups.append((indices, columns))
        return groups

    def _columns(self, keys: tuple[str, ...], values: list[tuple[Any, ...]]) -> Columns | None:
        """The canonical fields of events that all have ``keys`` (``values``: each key's value
        in every event), or ``None``."""
        if not self._excluded.isdisjoint(keys) or not all(k in keys for k in self._required):
            return None
        try:
            # NOTE: a join fails on any value that is not text: one C-level pass per column.
            list(map("".join, values))
        except TypeError:
            return None
        by_key = dict(zip(keys, values, strict=True))
        events = list(map(self._codes.get, by_key["e"]))
        # NOTE: a self-describing event needs ue_pr or ue_px, which the plain case excludes.
        if None in events or "unstruct" in events:
            return None
        columns: Columns = {"event": events}
        for key in keys:
            reader = self._readers.get(key)
            if reader is None:
                continue
            column = by_key[key]
            if "" in column:
                # NOTE: an empty parameter is no field at all: the event-by-event reading's way.
                return None
            name, parse = reader
            typed = column if parse is self._text else _typed(parse, name, column)
            if typed is None:
                return None
            columns[name] = typed
        return columns


def _transposed(keys: tuple[str, ...], items: list[Any]) -> list[tuple[Any, ...]] | None:
    """Each of ``keys``' value in every one of ``items`` (two keys at least, so that itemgetter
    gives tuples), ``None`` if an item lacks one."""
    try:
        return list(zip(*map(itemgetter(*keys), items), strict=True))
    except KeyError:
        return None


def _typed(parse: Parser, name: str, column: Sequence[str]) -> Sequence[Any] | None:
    """``parse`` of every value of ``column``; ``None`` if one fails."""
    read = _COLUMN_READERS.get(parse)
    typed = None if read is None else read(column)
    if typed is not None:
        return typed
    try:
        return list(map(parse, repeat(name), column))
    except EventError:
        return None
