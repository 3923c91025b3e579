"""``snowleap score BUNDLE INPUT --out OUTPUT``: Parquet, CSV and JSON Lines, chunk by chunk.

The model is MLeap's airbnb linear regression from ../shared, whose expected prices MLeap's own
runtime confirmed; each file holds its 25 reference listings.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import snowleap
from snowleap.cli import main
from snowleap.file_scoring import score_file
from tests.conftest import SHARED

pa = pytest.importorskip("pyarrow", reason="file scoring needs pyarrow (the export extra)")
pq = pytest.importorskip("pyarrow.parquet")
pcsv = pytest.importorskip("pyarrow.csv")

CASE = json.loads((SHARED / "mleap-reference" / "airbnb.model.lr.expected.json").read_text())
BUNDLE = SHARED / "mleap-reference" / CASE["bundle"]
NAMES = [field["name"] for field in CASE["frame"]["schema"]["fields"]]
EXPECTED = CASE["expected"]["price_prediction"]


def listings() -> list[dict[str, Any]]:
    return [
        {"listing": number, **dict(zip(NAMES, row, strict=True))}
        for number, row in enumerate(CASE["frame"]["rows"])
    ]


def write_input(path: Path, records: list[dict[str, Any]]) -> Path:
    if path.suffix == ".jsonl":
        path.write_text("".join(json.dumps(r) + "\n" for r in records))
    elif path.suffix == ".csv":
        pcsv.write_csv(pa.Table.from_pylist(records), path)
    else:
        pq.write_table(pa.Table.from_pylist(records), path, row_group_size=10)
    return path


def read_output(path: Path) -> list[dict[str, Any]]:
    if path.suffix == ".jsonl":
        return [json.loads(line) for line in path.read_text().splitlines()]
    if path.suffix == ".csv":
        return pcsv.read_csv(path).to_pylist()
    return pq.read_table(path).to_pylist()


@pytest.mark.parametrize(
    ("source", "target"),
    [("parquet", "parquet"), ("csv", "csv"), ("jsonl", "jsonl"), ("parquet", "jsonl")],
)
def test_files_score_chunk_by_chunk_as_mleap_expects(
    source: str, target: str, tmp_path: Path
) -> None:
    given = write_input(tmp_path / f"in.{source}", listings())
    out = tmp_path / f"out.{target}"
    status = main(["score", str(BUNDLE), str(given), "--out", str(out), "--chunk-rows", "4"])
    assert status == 0
    rows = read_output(out)
    # every input row comes out in order, its own columns first, then the model's outputs
    assert [row["listing"] for row in rows] == list(range(25))
    assert list(rows[0])[: len(NAMES) + 1] == ["listing", *NAMES]
    assert set(snowleap.load(BUNDLE).output_schema) <= set(rows[0])
    for row, price in zip(rows, EXPECTED, strict=True):
        assert math.isclose(row["price_prediction"], price, rel_tol=1e-9)
    assert not (tmp_path / f"out.{target}.rejected.jsonl").exists()


def test_vectors_survive_csv_as_json_text(tmp_path: Path) -> None:
    given = write_input(tmp_path / "in.parquet", listings())
    model = snowleap.load(BUNDLE)
    vector = next(name for name, t in model.output_schema.items() if t.is_vector)
    score_file(model, given, tmp_path / "out.parquet", outputs=[vector, "price_prediction"])
    score_file(model, given, tmp_path / "out.csv", outputs=[vector, "price_prediction"])
    from_parquet = read_output(tmp_path / "out.parquet")
    from_csv = read_output(tmp_path / "out.csv")
    assert [json.loads(row[vector]) for row in from_csv] == [row[vector] for row in from_parquet]
    assert list(from_csv[0])[-2:] == [vector, "price_prediction"]


def test_memory_is_bounded_by_the_chunk(tmp_path: Path) -> None:
    model = snowleap.load(BUNDLE)
    for suffix in ("parquet", "csv", "jsonl"):
        given = write_input(tmp_path / f"in.{suffix}", listings() * 8)
        run = score_file(model, given, tmp_path / f"out.{suffix}", chunk_rows=7)
        assert (run.rows_read, run.rows_scored, run.rejected) == (200, 200, 0)
        assert run.largest_chunk <= 7
        assert run.chunks >= 200 // 7


def test_rows_that_cannot_be_scored_are_listed_never_dropped(tmp_path: Path) -> None:
    records = listings()[:6]
    records[1]["bathrooms"] = "two"
    del records[3]["state"]
    lines = [json.dumps(r) for r in records]
    lines.insert(2, '{"state": "NY", "bathrooms"')  # cut short
    given = tmp_path / "in.jsonl"
    given.write_text("\n".join(lines) + "\n")
    out = tmp_path / "out.jsonl"
    status = main(["score", str(BUNDLE), str(given), "-o", str(out), "--no-progress"])
    assert status == 1
    rejected = [json.loads(line) for line in (tmp_path / "out.jsonl.rejected.jsonl").open()]
    assert [r["row"] for r in rejected] == [1, 2, 4]
    assert "'bathrooms'" in rejected[0]["reason"] and "two" not in rejected[0]["reason"]
    assert "JSON" in rejected[1]["reason"]
    assert "'state'" in rejected[2]["reason"]
    assert [row["listing"] for row in read_output(out)] == [0, 2, 4, 5]


def test_a_file_the_model_cannot_read_is_one_clear_error_and_no_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    records = listings()
    for record in records:
        record["bathrooms"] = str(record["bathrooms"])
    given = write_input(tmp_path / "in.parquet", records)
    out = tmp_path / "out.parquet"
    assert main(["score", str(BUNDLE), str(given), "-o", str(out)]) == 2
    error = capsys.readouterr().err.strip().splitlines()[-1]
    assert "column 'bathrooms' holds string values; the model takes double" in error
    assert not out.exists() and list(tmp_path.iterdir()) == [given]
    assert main(["score", str(BUNDLE), str(given), "-o", str(tmp_path / "out.xlsx")]) == 2
    assert "cannot tell the format" in capsys.readouterr().err


def test_the_command_shows_progress_and_a_summary(tmp_path: Path) -> None:
    given = write_input(tmp_path / "in.csv", listings())
    result = subprocess.run(
        [
            *(str(Path(sys.executable).parent / "snowleap"), "score", str(BUNDLE), str(given)),
            *("--out", str(tmp_path / "out.parquet"), "--fields", "price_prediction"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "scoring" in result.stderr  # tqdm's bar
    assert "25 of 25 rows scored" in result.stderr
    assert pq.read_table(tmp_path / "out.parquet").column_names == [
        "listing",
        *NAMES,
        "price_prediction",
    ]
