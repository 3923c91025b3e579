"""The ``snowleap`` command: ``inspect`` a bundle, ``score`` a frame with it.

``snowleap inspect BUNDLE [--json]`` prints the bundle's identity, its nodes (op, ports and the
columns they read and write), and the model's input and output schemas. Nodes of ops snowleap
does not implement are marked UNSUPPORTED (and listed), not refused.

``snowleap score BUNDLE FRAME`` scores FRAME, a LeapFrame JSON document
(``{"schema": {"fields": [...]}, "rows": [[...], ...]}``) or JSON Lines of row objects (one
``{"column": value, ...}`` per line), a path or ``-`` for stdin, and writes the output LeapFrame
JSON (every column, vectors dense) to stdout.

``snowleap score BUNDLE INPUT --out OUTPUT [--fields a,b] [--chunk-rows N]`` streams a big
Parquet, CSV or JSON Lines file into another (``snowleap.file_scoring``): the input's columns and
the model's outputs, chunk by chunk, with a progress bar; rows that cannot be scored go to
``OUTPUT.rejected.jsonl`` (or ``--rejected``), and the status is 1 when there were any.

``snowleap export-spark SAVED_PIPELINE_DIR OUT.zip [--format json|protobuf]`` writes a
``PipelineModel`` saved by Spark (``metadata/`` + ``data/`` Parquet) as a bundle, with no Spark
session and no JVM (needs pyarrow: the ``spark`` or ``export`` extra).

``snowleap compare LOG_FILE [--labels LABELS] [--png OUT.png]`` reads the function's
``"session scored"`` log lines and prints each variant's (champion, challenger) score
distribution and, with a label file (CSV ``session,label`` or JSON Lines), its ROC AUC; ``--png``
draws both (needs matplotlib: the ``compare`` extra).

A bad bundle, frame or saved model exits with status 2 and one line on stderr saying what and
where.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

import snowleap
from snowleap.errors import InputError, SnowleapError
from snowleap.input_rows import read_records
from snowleap.leapframe import read_leapframe, write_leapframe
from snowleap.model import inspect as inspect_bundle
from snowleap.ops.base import ColumnType

EXIT_BAD_INPUT = 2


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status.

    Example
    -------
    >>> main(["inspect", "bundle.zip", "--json"])   # doctest: +SKIP
    0
    """
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "inspect":
            return _inspect(args.bundle, as_json=args.json, out=sys.stdout)
        if args.command == "export-spark":
            from snowleap.spark.export_cli import export_spark

            return export_spark(args.saved, args.out, args.format, args.input_schema, sys.stdout)
        if args.command == "compare":
            return _compare(args.log_file, args.labels, args.png, out=sys.stdout)
        if args.out is not None:
            return _score_file(args)
        return _score(args.bundle, args.frame, out=sys.stdout)
    except SnowleapError as exc:
        # NOTE: a bad bundle, frame or saved model (BundleError, InputError, spark.ExportError);
        # the Spark side is imported only by export-spark, so scoring stays numpy-free to load.
        print(f"snowleap: {' '.join(str(exc).split())}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        # NOTE: the reader (``| head``) went away; nothing more to say.
        return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="snowleap", description="Inspect MLeap Bundle.ML bundles and score frames with them."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    inspect = commands.add_parser("inspect", help="show a bundle's nodes and schemas")
    inspect.add_argument("bundle", help="a bundle .zip or unzipped bundle folder")
    inspect.add_argument("--json", action="store_true", help="print JSON for machines")
    export = commands.add_parser(
        "export-spark", help="write a saved Spark PipelineModel folder as a bundle (no JVM)"
    )
    export.add_argument("saved", help="the folder PipelineModel.save wrote (or mlflow's sparkml/)")
    export.add_argument("out", help="the bundle .zip to write")
    export.add_argument("--format", choices=["json", "protobuf"], default="json")
    export.add_argument(
        "--input-schema",
        default="",
        help="types of raw input columns the saved model cannot tell, e.g. 'sparse=vector:8'",
    )
    compare = commands.add_parser(
        "compare", help="champion vs challenger: score distributions and ROC AUC from the logs"
    )
    compare.add_argument("log_file", type=Path, help="the function's log lines (JSON records)")
    compare.add_argument(
        "--labels", type=Path, help="session outcomes: CSV 'session,label' or JSON Lines"
    )
    compare.add_argument("--png", type=Path, help="write the chart here (needs matplotlib)")
    score = commands.add_parser(
        "score", help="score a LeapFrame, or stream a Parquet/CSV/JSON Lines file into another"
    )
    score.add_argument("bundle", help="a bundle .zip or unzipped bundle folder")
    score.add_argument(
        "frame", help="LeapFrame JSON or JSON Lines (- for stdin); with --out: the file to score"
    )
    score.add_argument("-o", "--out", type=Path, help="write here (.parquet, .csv or .jsonl)")
    score.add_argument("--fields", help="the output columns to add, e.g. 'probability'")
    score.add_argument("--chunk-rows", type=int, default=50_000, help="rows per chunk (--out)")
    score.add_argument("--rejected", type=Path, help="where rows that cannot be scored go")
    formats = ("parquet", "csv", "jsonl")
    score.add_argument("--input-format", choices=formats, help="default: from the suffix")
    score.add_argument("--output-format", choices=formats, help="default: from the suffix")
    score.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    return parser


# -- inspect -------------------------------------------------------------------------------------


def _inspect(bundle: str, as_json: bool, out: TextIO) -> int:
    described = inspect_bundle(bundle)
    if as_json:
        out.write(json.dumps(described, indent=2) + "\n")
        return 0
    lines = [
        f"bundle   {described['name']}",
        f"uid      {described['uid']}",
        f"format   {described['format']} (MLeap {described['mleap_version']}, "
        f"written {described['timestamp']})",
        f"ops      {', '.join(described['ops'])}",
    ]
    unsupported = described["unsupported"]
    if unsupported:
        missing = sorted({node["op"] for node in unsupported})
        lines += [
            f"NOT SUPPORTED  {len(unsupported)} node(s) use ops snowleap lacks: "
            f"{', '.join(missing)}; this bundle cannot be scored (column types '?' unknown)",
            f"supported      {', '.join(described['supported_ops'])}",
        ]
    lines += ["", "nodes"]
    _node_lines(described["root"], 1, lines)
    for title in ("input schema", "output schema"):
        schema = described[title.replace(" ", "_")]
        width = max((len(name) for name in schema), default=0)
        lines += ["", title] + [f"  {name:<{width}}  {kind}" for name, kind in schema.items()]
    out.write("\n".join(lines) + "\n")
    return 0


def _node_lines(node: dict[str, Any], depth: int, lines: list[str]) -> None:
    indent = "  " * depth
    mark = "  UNSUPPORTED" if node.get("unsupported") else ""
    lines.append(f"{indent}{node['name']}  [{node['op']}]{mark}")
    if "nodes" in node:
        for child in node["nodes"]:
            _node_lines(child, depth + 1, lines)
        return
    for direction, arrow in (("inputs", "in "), ("outputs", "out")):
        types = node[direction]
        sockets = node.get("ports", {}).get(direction) or [
            {"port": "", "name": name} for name in types
        ]
        for socket in sockets:
            port = f"{socket['port']}: " if socket["port"] else ""
            kind = types.get(socket["name"], "?")
            lines.append(f"{indent}    {arrow} {port}{socket['name']} ({kind})")


# -- compare -------------------------------------------------------------------------------------


def _compare(log_file: Path, labels: Path | None, png: Path | None, out: TextIO) -> int:
    from snowleap.compare import compare, read_labels, read_session_scores
    from snowleap.compare.report import table, write_png

    scores = read_session_scores(log_file)
    summaries = compare(scores, read_labels(labels) if labels is not None else None)
    out.write(table(summaries))
    out.write(f"\n{scores.lines_read} log lines read, {scores.lines_skipped} not session scores\n")
    if png is not None:
        write_png(summaries, png)
        out.write(f"chart: {png}\n")
    return 0


# -- score ---------------------------------------------------------------------------------------


def _score(bundle: str, frame_path: str, out: TextIO) -> int:
    model = snowleap.load(bundle)
    where = "stdin" if frame_path == "-" else frame_path
    text = _read_text(frame_path, where)
    columns = _read_frame(text, where, model.input_schema)
    scored = _with_where(where, lambda: model.transform(columns))
    doc = write_leapframe(scored, list(scored), {**model.input_schema, **model.output_schema})
    out.write(json.dumps(doc) + "\n")
    return 0


def _score_file(args: argparse.Namespace) -> int:
    from snowleap.file_scoring import score_file

    model = snowleap.load(args.bundle)
    fields = [name.strip() for name in args.fields.split(",")] if args.fields else None
    run = score_file(
        model,
        Path(args.frame),
        args.out,
        outputs=fields,
        chunk_rows=args.chunk_rows,
        formats=(args.input_format, args.output_format),
        rejected_path=args.rejected,
        progress=None if args.no_progress else sys.stderr,
    )
    print(f"snowleap: {run.summary(args.out)}", file=sys.stderr)
    return 1 if run.rejected else 0


def _read_text(path: str, where: str) -> str:
    try:
        if path == "-":
            return sys.stdin.read()
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except OSError as exc:
        raise InputError(f"{where}: cannot read the frame ({exc.strerror})") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{where}: not UTF-8 text ({exc.reason})") from None


def _read_frame(text: str, where: str, schema: dict[str, ColumnType]) -> dict[str, Any]:
    """The columns of a LeapFrame document or of JSON Lines rows."""
    try:
        whole = json.loads(text)
    except json.JSONDecodeError:
        whole = None  # NOTE: JSON Lines of more than one row is not one JSON document.
    except RecursionError:
        raise InputError(f"{where}: JSON nests too deeply") from None
    if isinstance(whole, dict) and ("schema" in whole or "rows" in whole):
        return _with_where(where, lambda: read_leapframe(whole))
    if isinstance(whole, dict) and schema and not any(name in whole for name in schema):
        raise InputError(
            f"{where}: neither a LeapFrame (no 'schema' and 'rows') nor a row object with the "
            f"model's inputs (keys: {', '.join(list(whole)[:5])})"
        )
    rows = [whole] if isinstance(whole, dict) else _json_lines(text, where)
    return _with_where(where, lambda: _rows_to_columns(rows, schema))


def _with_where(where: str, read: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """``read()``, with the frame's name put in front of any error about its data."""
    try:
        return read()
    except InputError as exc:
        raise type(exc)(f"{where}: {exc}") from None


def _json_lines(text: str, where: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(
                f"{where}: line {number} is not valid JSON ({exc.msg}, column {exc.colno}); "
                "expected a LeapFrame document or JSON Lines of row objects"
            ) from None
        except RecursionError:
            raise InputError(f"{where}: line {number}: JSON nests too deeply") from None
        if not isinstance(row, dict):
            raise InputError(f"{where}: line {number} should be a JSON object (one row)")
        rows.append(row)
    if not rows:
        raise InputError(f"{where}: no rows")
    return rows


def _rows_to_columns(rows: list[dict[str, Any]], schema: dict[str, ColumnType]) -> dict[str, Any]:
    """Row objects as the model's input columns; the first row that does not fit is an error.

    Other keys pass through as they are, so an id column comes out beside the predictions.
    """
    read = read_records(rows, schema, keep_extra=True)
    if read.rejected:
        first = read.rejected[0]
        raise InputError(f"row {first.index + 1}: {first.reason}")
    return read.columns


if __name__ == "__main__":
    sys.exit(main())
