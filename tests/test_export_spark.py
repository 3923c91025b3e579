"""``snowleap export-spark``: a saved PipelineModel folder to a bundle, with no Spark and no JVM.

The committed ``bundles/spark-pipeline`` is the pipeline ``make train`` saved with Spark 3.5 and
``bundles/snowleap-default.zip`` the bundle MLeap 0.16 wrote for the same fitted pipeline, so the
bundle snowleap writes from the folder must match MLeap's node for node and score alike.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

import snowleap
from snowleap.cli import main
from tests.parity.bundle_diff import bundle_differences

ROOT = Path(__file__).resolve().parents[1]
SAVED = ROOT / "bundles" / "spark-pipeline"
MLEAPS = ROOT / "bundles" / "snowleap-default.zip"

pytest.importorskip("pyarrow", reason="export-spark needs pyarrow (the spark or export extra)")


def stage_uid(stage_folder: Path) -> str:
    """``StringIndexer_2fc0...`` of a saved stage folder ``0_StringIndexer_2fc0...``."""
    return stage_folder.name.split("_", 1)[1]


def export(tmp_path: Path, *args: str) -> tuple[int, Path]:
    out = tmp_path / "out.zip"
    return main(["export-spark", *args, str(out)]), out


def test_the_saved_pipeline_becomes_mleaps_bundle_node_for_node(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out = export(tmp_path, str(SAVED))
    assert status == 0
    assert f"wrote {out}" in capsys.readouterr().out
    assert bundle_differences(out, MLEAPS) == []


@pytest.mark.parametrize("fmt", ["json", "protobuf"])
def test_the_exported_bundle_scores_like_mleaps(tmp_path: Path, fmt: str) -> None:
    status, out = export(tmp_path, str(SAVED), "--format", fmt)
    assert status == 0
    ours, theirs = snowleap.load(out), snowleap.load(MLEAPS)
    assert ours.describe()["format"] == fmt
    rng = np.random.default_rng(5)
    rows = 500
    frame = {}
    for name, ctype in theirs.input_schema.items():
        if ctype.base == "string":
            labels = ["direct", "search", "social", "mobile", "desktop", "web", "unseen"]
            frame[name] = np.array(rng.choice(labels, rows), dtype=object)
        else:
            frame[name] = rng.integers(0, 50, rows).astype(np.float64)
    got, want = ours.transform(dict(frame)), theirs.transform(dict(frame))
    for column in theirs.output_schema:
        np.testing.assert_allclose(got[column], want[column], rtol=1e-12)
    row = {name: values[0] for name, values in frame.items()}
    assert ours.transform_row(dict(row)) == theirs.transform_row(dict(row))


def copy_saved(tmp_path: Path) -> Path:
    folder = tmp_path / "saved"
    shutil.copytree(SAVED, folder)
    return folder


def assert_one_line_error(
    capsys: pytest.CaptureFixture[str], status: int, out: Path, *needles: str
) -> None:
    err = capsys.readouterr().err
    assert status == 2
    assert err.count("\n") == 1, err
    for needle in needles:
        assert needle in err, err
    assert not out.exists()
    assert [p.name for p in out.parent.iterdir() if p.name.startswith(".out.zip")] == []


def test_a_folder_that_is_not_a_pipeline_model(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "not-a-model"
    (folder / "data").mkdir(parents=True)
    status, out = export(tmp_path, str(folder))
    assert_one_line_error(capsys, status, out, str(folder), "not a saved Spark ML model")


def test_a_stage_with_no_op(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = copy_saved(tmp_path)
    stage = next((folder / "stages").glob("5_RandomForest*"))
    metadata = stage / "metadata" / "part-00000"
    doc = json.loads(metadata.read_text())
    # NOTE: LDA's "em" optimizer fits a DistributedLDAModel, which no Bundle.ML op writes
    doc["class"] = "org.apache.spark.ml.clustering.DistributedLDAModel"
    metadata.write_text(json.dumps(doc))
    status, out = export(tmp_path, str(folder))
    assert_one_line_error(
        capsys,
        status,
        out,
        doc["uid"],
        "DistributedLDAModel",
        "no Bundle.ML op writes this Spark class",
        "LocalLDAModel",
    )


def test_a_corrupt_parquet_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = copy_saved(tmp_path)
    parquet = next((folder / "stages").glob("0_StringIndexer*/data/*.parquet"))
    parquet.write_bytes(b"PAR1 this is not parquet PAR1")
    status, out = export(tmp_path, str(folder))
    assert_one_line_error(
        capsys, status, out, str(parquet), stage_uid(parquet.parents[1]), "not a readable Parquet"
    )


def test_a_missing_stage_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = copy_saved(tmp_path)
    assembler = next((folder / "stages").glob("4_VectorAssembler*"))
    shutil.rmtree(assembler)
    status, out = export(tmp_path, str(folder))
    assert_one_line_error(capsys, status, out, f"stage 4 ({stage_uid(assembler)})")


def test_a_bad_input_schema(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out = export(tmp_path, str(SAVED), "--input-schema", "x=vector")
    assert_one_line_error(capsys, status, out, "--input-schema", "vector:WIDTH")


def test_runs_without_spark_or_a_jvm(tmp_path: Path) -> None:
    import subprocess

    code = (
        "import sys; from snowleap.cli import main; "
        f"status = main(['export-spark', {str(SAVED)!r}, {str(tmp_path / 'm.zip')!r}]); "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('pyspark', 'py4j')]; "
        "print(status, bad)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip().splitlines()[-1] == "0 []"


def test_the_node_comparison_reports_what_differs(tmp_path: Path) -> None:
    # GIVEN MLeap's bundle with one label of one string indexer changed
    import zipfile

    changed = tmp_path / "changed.zip"
    with zipfile.ZipFile(MLEAPS) as source, zipfile.ZipFile(changed, "w") as target:
        indexer = min(
            name
            for name in source.namelist()
            if name.startswith("root/StringIndexer_") and name.endswith(".node/model.json")
        )
        for info in source.infolist():
            data = source.read(info)
            if info.filename == indexer:
                doc = json.loads(data)
                doc["attributes"]["labels"]["string"][0] = "changed"
                data = json.dumps(doc).encode()
            target.writestr(info, data)
    # WHEN it is compared with MLeap's own, THEN exactly that model file differs
    problems = bundle_differences(changed, MLEAPS)
    assert len(problems) == 1
    assert problems[0].startswith(indexer)
    assert "'changed'" in problems[0]
