"""The comparison benchmark's bookkeeping: output checks, ratios, goals and the README section.

No timings are asserted here (speed goals live in the benchmark's results, not in tests); these
check that a wrong answer is caught, that ratios and goals are computed from the right figures,
and that the README table is replaced between its markers and nowhere else.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from benchmarks import checks, goals, report


def test_exact_contender_with_one_off_row_is_wrong() -> None:
    # GIVEN Spark's outputs for 3 rows and a contender off by 1e-6 relative on row 1
    reference = {"price": [100.0, 200.0, 300.0], "probability": [[0.25, 0.75]] * 3}
    actual = {"price": [100.0, 200.0002, 300.0], "probability": [[0.25, 0.75]] * 3}
    # WHEN compared at the exact tolerance
    result = checks.compare(reference, actual, checks.EXACT_TOL)
    # THEN row 1 is the one mismatch, with its relative error 0.0002 / 200 = 1e-6
    assert result["mismatched_rows"] == 1
    assert result["max_rel_err"] == pytest.approx(1e-6)
    assert "row 1 price" in result["examples"][0]
    assert checks.verdict(result) == "wrong"


def test_float32_engine_gets_a_relative_and_an_absolute_tolerance() -> None:
    reference = {"probability": [[1e-9, 1.0 - 1e-9], [0.5, 0.5]], "prediction": [1.0, 0.0]}
    # 3e-8 vs 1e-9 is a huge relative error but below float32's absolute floor of 1e-6
    actual = {"probability": [[3e-8, 1.0], [0.50001, 0.49999]], "prediction": [1, 0]}
    result = checks.compare(reference, actual, checks.FLOAT32_TOL)
    assert result["mismatched_rows"] == 0
    assert checks.verdict(result) == "ok"


def test_float32_engine_with_few_wrong_rows_is_approximate_many_is_wrong() -> None:
    reference = {"y": [float(i + 1) for i in range(200)]}
    one_off = {"y": [*reference["y"][:-1], 999.0]}
    many_off = {"y": [v * 1.01 for v in reference["y"]]}
    # 1 of 200 rows (0.5%) is within the 1% allowance; all 200 rows are not
    assert checks.verdict(checks.compare(reference, one_off, checks.FLOAT32_TOL)) == "approximate"
    assert checks.verdict(checks.compare(reference, many_off, checks.FLOAT32_TOL)) == "wrong"
    # an exact engine gets no allowance at all
    assert checks.verdict(checks.compare(reference, one_off, checks.EXACT_TOL)) == "wrong"


def test_missing_output_column_counts_every_row_as_wrong() -> None:
    result = checks.compare({"y": [1.0, 2.0]}, {"z": [1.0, 2.0]})
    assert result["mismatched_rows"] == 2


def _pipeline() -> dict:
    return {
        "contenders": {
            "snowleap": {
                "row": {"median_us": 10.0, "p99_us": 20.0},
                "batches": [{"size": 100, "rows_per_s": 50_000.0}],
            },
            "onnxruntime": {
                "row": {"median_us": 25.0, "p99_us": 30.0},
                "batches": [{"size": 100, "rows_per_s": 100_000.0}],
            },
            "mleap_jvm": {"row": {"median_us": 5.0, "p99_us": 10.0}, "batches": []},
            "pyspark": {"status": "unavailable", "reason": "no Spark"},
        }
    }


def test_ratios_are_each_figure_divided_by_snowleaps() -> None:
    pipeline = _pipeline()
    goals.add_ratios(pipeline)
    onnx = pipeline["contenders"]["onnxruntime"]["ratios"]
    assert onnx["row_median"] == 2.5  # 25 / 10
    assert onnx["row_p99"] == 1.5  # 30 / 20
    assert onnx["batch_100"] == 2.0  # 100,000 / 50,000
    assert pipeline["contenders"]["pyspark"]["ratios"]["row_median"] is None


def test_goals_say_which_are_met_missed_or_not_measurable() -> None:
    results = {
        "pipelines": {"p": _pipeline()},
        "cold_start": {
            "p": {"snowleap": {"median_ms": 400.0}, "onnxruntime": {"median_ms": 700.0}}
        },
    }
    by_goal = {g["goal"]: g for g in goals.evaluate(results)}
    # 10 us * 2 = 20 <= 25: met; 10 > 5 (JVM): missed; no PySpark figure: not measurable
    assert by_goal["row latency at least 2x better than ONNX Runtime"]["met"] is True
    assert by_goal["row latency at or below MLeap JVM"]["met"] is False
    assert by_goal["over 1,000x faster than PySpark for one row"]["met"] is None
    assert "no Spark" in by_goal["over 1,000x faster than PySpark for one row"]["detail"]
    # 50,000 < 100,000 rows/s at batch 100: missed
    assert by_goal["batch throughput at least ONNX Runtime's"]["met"] is False
    # 400 * 2 = 800 is not under 700: missed
    assert by_goal["cold start under half of ONNX Runtime's"]["met"] is False


def test_readme_section_is_added_once_then_replaced_in_place(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("# project\n\nintro\n")
    report.update_readme("| first | table |", readme)
    report.update_readme("| second | table |", readme)
    text = readme.read_text()
    assert text.startswith("# project\n\nintro\n")
    assert text.count(report.START) == 1 and text.count(report.END) == 1
    assert "| second | table |" in text and "| first | table |" not in text
    readme.write_text(text + "\n## After\n\nkept\n")
    report.update_readme("| third | table |", readme)
    assert readme.read_text().endswith("## After\n\nkept\n")
