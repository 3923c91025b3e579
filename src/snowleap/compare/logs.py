"""Reading the function's ``"session scored"`` log lines and a label file."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from snowleap.errors import InputError

SESSION_SCORED = "session scored"
_TRUE = {"1", "true", "yes", "buy"}
_FALSE = {"0", "false", "no", "defer"}


@dataclass
class SessionScores:
    """Each variant's latest score of each session, and what the file held besides.

    A session scored by several requests (its events arrived in parts) counts once per variant,
    with its latest score: that is the one the session's outcome answers.
    """

    scores: dict[str, dict[str, float | None]] = field(default_factory=dict)
    served: dict[str, int] = field(default_factory=dict)
    shadow: dict[str, int] = field(default_factory=dict)
    versions: dict[str, set[str]] = field(default_factory=dict)
    lines_read: int = 0
    lines_skipped: int = 0


def read_session_scores(path: Path) -> SessionScores:
    """The session scores in a file of log lines.

    Each line holds one JSON log record, alone (the function's stdout, ``sam logs``) or after a
    prefix (``aws logs tail``, ``filter-log-events --output text``); lines that are no
    ``"session scored"`` record are skipped and counted. ``InputError`` when none is found.
    """
    result = SessionScores()
    for line in _lines(path):
        result.lines_read += 1
        record = _record(line)
        if record is None:
            result.lines_skipped += 1
            continue
        variant = str(record["variant"])
        probability = record.get("probability")
        score = float(probability) if isinstance(probability, int | float) else None
        result.scores.setdefault(variant, {})[str(record["session"])] = score
        counter = result.served if record.get("served", True) else result.shadow
        counter[variant] = counter.get(variant, 0) + 1
        if record.get("model_version"):
            result.versions.setdefault(variant, set()).add(str(record["model_version"]))
    if not result.scores:
        raise InputError(
            f"{path}: no 'session scored' log lines among {result.lines_read} lines (the "
            "function writes one per session it scores on POST /score)"
        )
    return result


def read_labels(path: Path) -> dict[str, bool]:
    """Session outcomes: CSV with a header ``session,label`` or JSON Lines of
    ``{"session": ..., "label": ...}``; a label is 1/0, true/false, yes/no or buy/defer.

    ``session`` is the salted session key a ``POST /score`` response named the session by.
    """
    text = "\n".join(_lines(path))
    rows: list[tuple[int, Any, Any]] = []
    if text.lstrip().startswith("{"):
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                record = _json_object(line, path, number)
                rows.append((number, record.get("session"), record.get("label")))
    else:
        reader = csv.DictReader(io.StringIO(text))
        if reader.fieldnames is None or not {"session", "label"} <= set(reader.fieldnames):
            raise InputError(f"{path}: expected a CSV header with 'session' and 'label' columns")
        rows = [(n, row["session"], row["label"]) for n, row in enumerate(reader, start=2)]
    labels: dict[str, bool] = {}
    for number, session, label in rows:
        if not session:
            raise InputError(f"{path}: line {number} has no session key")
        labels[str(session)] = _label(label, path, number)
    if not labels:
        raise InputError(f"{path}: no labels")
    return labels


def _lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(f"{path}: cannot read it ({exc.strerror})") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text ({exc.reason})") from None


def _record(line: str) -> dict[str, Any] | None:
    start = line.find("{")
    if start < 0 or SESSION_SCORED not in line:
        return None
    try:
        record = json.loads(line[start:])
    except (json.JSONDecodeError, RecursionError):
        return None
    if not isinstance(record, dict) or record.get("message") != SESSION_SCORED:
        return None
    if "variant" not in record or "session" not in record:
        return None
    return record


def _json_object(line: str, path: Path, number: int) -> dict[str, Any]:
    try:
        record = json.loads(line)
    except (json.JSONDecodeError, RecursionError):
        raise InputError(f"{path}: line {number} is not valid JSON") from None
    if not isinstance(record, dict):
        raise InputError(f"{path}: line {number} should be a JSON object")
    return record


def _label(value: Any, path: Path, number: int) -> bool:
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise InputError(
        f"{path}: line {number}: label {str(value)[:20]!r} is not one of 1/0, true/false, "
        "yes/no, buy/defer"
    )
