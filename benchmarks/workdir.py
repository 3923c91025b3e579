"""What the Spark phase left for one case, read back by the other phases."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np


@dataclass(frozen=True)
class CaseWork:
    """One case's benchmark rows, Spark's reference outputs and the files to score with."""

    name: str
    title: str
    folder: Path
    outputs: tuple[str, ...]
    input_types: dict[str, str]
    rows: list[dict[str, Any]]
    reference: dict[str, list[Any]]
    bundle: Path | None
    onnx_files: dict[str, str]

    @property
    def frame_path(self) -> Path:
        return self.folder / "frame.json"

    def batch_columns(self, size: int) -> dict[str, np.ndarray[Any, Any]]:
        """``size`` rows (the benchmark rows repeated) as numpy columns."""
        columns: dict[str, np.ndarray[Any, Any]] = {}
        for name, kind in self.input_types.items():
            values = [row[name] for row in self.rows]
            array = np.array(values, dtype=object if kind == "string" else np.float64)
            columns[name] = np.resize(array, size)
        return columns

    @classmethod
    def load(cls, info: dict[str, Any], folder: Path) -> CaseWork:
        return cls(
            name=info["name"],
            title=info["title"],
            folder=folder,
            outputs=tuple(info["outputs"]),
            input_types=info["input_types"],
            rows=json.loads((folder / "rows.json").read_text()),
            reference=json.loads((folder / "reference.json").read_text()),
            bundle=Path(info["bundle"]) if info.get("bundle") else None,
            onnx_files=info.get("onnx_conversion", {}).get("files", {}),
        )
