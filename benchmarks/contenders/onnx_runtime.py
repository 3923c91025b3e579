"""ONNX Runtime on the pipeline converted by onnxmltools (and corrected, see onnx_conversion).

Scoring one row means what a Python caller with a dict must do: one ``[1, 1]`` array per input
column, then ``InferenceSession.run``. Batches are the same from numpy columns. Both are timed
with the same loops as snowleap (``runtime_bench``), through a small adapter object.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import numpy as np

from benchmarks.checks import FLOAT32_TOL, compare, verdict
from benchmarks.settings import Settings, batch_repeats
from benchmarks.workdir import CaseWork

NAME = "onnxruntime"


def available() -> str | None:
    try:
        import onnxruntime  # noqa: F401
    except ImportError as exc:
        return f"onnxruntime not installed: {exc}"
    return None


class OnnxScorer:
    """An ONNX model behind snowleap's ``transform_row`` / ``transform`` call shapes."""

    def __init__(self, model_bytes: bytes, input_types: dict[str, str]) -> None:
        import onnxruntime

        self.session = onnxruntime.InferenceSession(model_bytes, providers=["CPUExecutionProvider"])
        names = {i.name for i in self.session.get_inputs()}
        self._inputs = [(n, t) for n, t in input_types.items() if n in names]
        self.output_names = [o.name for o in self.session.get_outputs()]

    def transform_row(self, row: dict[str, Any]) -> dict[str, Any]:
        feeds = {
            name: np.array([[row[name]]], dtype=object if kind == "string" else np.float32)
            for name, kind in self._inputs
        }
        return dict(zip(self.output_names, self.session.run(None, feeds), strict=True))

    def transform(self, columns: dict[str, Any]) -> dict[str, Any]:
        feeds = {
            name: (
                columns[name].reshape(-1, 1)
                if kind == "string"
                else columns[name].astype(np.float32).reshape(-1, 1)
            )
            for name, kind in self._inputs
        }
        return dict(zip(self.output_names, self.session.run(None, feeds), strict=True))


def _plain_columns(out: dict[str, Any], outputs: tuple[str, ...]) -> dict[str, list[Any]]:
    columns: dict[str, list[Any]] = {}
    for name in outputs:
        if name not in out:
            continue
        values = np.asarray(out[name])
        if values.ndim == 2 and values.shape[1] == 1 and name != "probability":
            values = values[:, 0]
        columns[name] = [v.tolist() if isinstance(v, np.ndarray) else float(v) for v in values]
    return columns


def _check_model(path: str, work: CaseWork) -> tuple[OnnxScorer | None, dict[str, Any]]:
    try:
        with open(path, "rb") as handle:
            scorer = OnnxScorer(handle.read(), work.input_types)
        out = scorer.transform(work.batch_columns(len(work.rows)))
    except Exception as exc:  # a model ORT refuses is a result to report
        return None, {"status": "wrong", "reason": f"{type(exc).__name__}: {exc}"[:500]}
    check = compare(work.reference, _plain_columns(out, work.outputs), FLOAT32_TOL)
    return scorer, {"status": verdict(check), "check": check}


VARIANTS = {
    "converted": "as converted by onnxmltools",
    "cast_only": "converted + int64 Concat inputs cast to float (tree splits as converted)",
    "corrected": "corrected in the benchmark: casts + categorical splits as BRANCH_EQ chains",
}


def measure(work: CaseWork, settings: Settings) -> dict[str, Any]:
    """Check every model variant the conversion produced; time the last (most corrected) one."""
    files = work.onnx_files
    if not files:
        return {"status": "unavailable", "reason": "the pipeline was not converted to ONNX"}
    variants: dict[str, Any] = {}
    scorer, result = None, {}
    for label, description in VARIANTS.items():
        if label in files:
            scorer, result = _check_model(files[label], work)
            variants[label] = {"model": description, **result}
    result = dict(result)
    result["model"] = "corrected" if "corrected" in files else "as converted"
    result["variants"] = variants
    if scorer is None or result["status"] not in ("ok", "approximate"):
        return result
    result["row"] = asdict(
        _runtime_bench().time_transform_row(scorer, work.rows[0], calls=settings.row_iterations)
    )
    result["batches"] = []
    for size in settings.batch_sizes:
        timing = asdict(
            _runtime_bench().time_transform(
                scorer, work.batch_columns(size), repeats=batch_repeats(size)
            )
        )
        timing["size"] = timing.pop("rows")
        result["batches"].append(timing)
    return result


def _runtime_bench() -> Any:
    from benchmarks import runtime_bench

    return runtime_bench
