"""Time each op's row step (and the batch path per row) on a bundle and a LeapFrame.

Usage: ``python benchmarks/row_steps.py [bundle.zip frame.json]``; by default the airbnb reference
bundle and its frame from ``../shared/mleap-reference``. Prints nanoseconds per row for every
leaf op, best of five runs, so the row path's hot spots show; nothing here is asserted.
"""

from __future__ import annotations

import json
import sys
import timeit
from functools import partial
from pathlib import Path
from typing import Any

import snowleap
from snowleap.input_conversion import row_converter
from snowleap.leapframe import read_leapframe

REFERENCE = Path(__file__).resolve().parent.parent.parent / "shared" / "mleap-reference"


def best_ns(function: Any, number: int) -> float:
    return min(timeit.repeat(function, number=number, repeat=5)) / number * 1e9


def main(bundle: Path, frame_file: Path, number: int = 20000) -> None:
    model = snowleap.load(bundle)
    columns = read_leapframe(json.loads(frame_file.read_text()))
    raw = {name: values[0] for name, values in columns.items()}
    whole = best_ns(lambda: model.transform_row(raw), number)
    print(f"{bundle.name}: transform_row {whole:.0f} ns")
    batch = {name: values * 1000 for name, values in columns.items() if isinstance(values, list)}
    per_row = best_ns(lambda: model.transform(batch), 20) / 1000
    print(f"{bundle.name}: transform of 1000 rows, per row {per_row:.0f} ns")
    row = dict(raw)
    for field in model.input_fields:
        row[field.name] = row_converter(field)(row[field.name])
    for leaf in model.root.leaves():
        step = leaf.row_step()
        spent = best_ns(partial(step, row), number)
        print(f"  {leaf.op_name:24s} {leaf.name:40s} {spent:7.0f} ns")


if __name__ == "__main__":
    if len(sys.argv) == 3:
        main(Path(sys.argv[1]), Path(sys.argv[2]))
    else:
        main(REFERENCE / "airbnb.model.lr.zip", REFERENCE / "frame.airbnb.json")
