"""``RowPlan``: how ``Model.transform_row`` scores one row, compiled once at load.

The plan asks every op of the pipeline for its row step (``Op.row_step``: the op's math,
prepared once, with its columns resolved), lets ops of one kind that run side by side share a
step (``Op.merged_row_step``: five string indexers are one lookup of five columns), and runs the
steps in order on one dict that holds the row's columns.

The input check: when every plain input (a number or a string) already has exactly the type the
model wants, which one C call tells (``exact_types`` of the compiled walker's extension), the
values are kept as they are; otherwise, and without the extension, the per-column converters
run, convert (an int for a double, ``None``, a numpy scalar) and say what was wrong. Vector, list
and map inputs are always converted (copied into lists of floats, their width checked).

NOTE: the columns stay in a dict rather than a list of slots: ``transform_row`` returns every
column by name, and building that dict from a list of slots (``dict(zip(names, slots))``) cost
more than all the dict reads and writes of the steps together (measured on the airbnb forest
and the session model).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

from snowleap.errors import InputError
from snowleap.input_conversion import RowConverter, row_converter, row_ready_type
from snowleap.ops.base import Field, Op, Row, RowStep, SkipRow
from snowleap.ops.tree.compiled import compiled_walker

Converters = tuple[tuple[str, type | None, RowConverter], ...]

_FEW_INPUTS = 6


class RowPlan:
    """The row path of one pipeline: the input check, then every op's row step in order."""

    def __init__(self, root: Op) -> None:
        plain = [f for f in root.inputs if row_ready_type(f) is not None]
        self._plain = _converters(plain)
        self._converted = _converters([f for f in root.inputs if row_ready_type(f) is None])
        self._check = _exact_check(plain)
        self._steps = tuple(plan_steps(root.leaves()))
        self._run = None if self._converted else _compiled_run(plain, self._steps)

    def __call__(self, row: Mapping[str, Any]) -> dict[str, Any] | None:
        """Every column of the scored row (inputs, intermediates, outputs); ``None`` if an op
        skips it."""
        run = self._run
        if run is not None:
            try:
                scored = run(row)
            except SkipRow:
                return None
            if scored is not None:
                return scored
        values = dict(row)
        check = self._check
        try:
            if check is None or not check(values):
                _convert(values, self._plain)
            if self._converted:
                _convert(values, self._converted)
        except KeyError as exc:
            raise InputError(f"missing input column {exc.args[0]!r}") from None
        try:
            for step in self._steps:
                step(values)
        except SkipRow:
            return None
        return values


def plan_steps(leaves: list[Op]) -> list[RowStep]:
    """The row steps of ``leaves`` in order; a run of ops of one class that read none of each
    other's outputs gets one step if the class merges them (``Op.merged_row_step``), and an op
    may take over the step of the op just before it (``Op.row_step_after``)."""
    steps: list[RowStep] = []
    alone: Op | None = None  # the op of the last step, when that step is its own
    for run in _runs(leaves):
        merged = type(run[0]).merged_row_step(run) if len(run) > 1 else None
        if merged is not None:
            steps.append(merged)
            alone = None
            continue
        for op in run:
            after = None if alone is None else op.row_step_after(alone)
            if after is not None:
                steps[-1] = after
                alone = None
            else:
                steps.append(op.row_step())
                alone = op
    return steps


def _runs(leaves: list[Op]) -> list[list[Op]]:
    """``leaves`` cut into runs of ops of one class, none reading another's outputs."""
    runs: list[list[Op]] = []
    for leaf in leaves:
        if runs and _joins(runs[-1], leaf):
            runs[-1].append(leaf)
        else:
            runs.append([leaf])
    return runs


def _joins(run: list[Op], leaf: Op) -> bool:
    if type(leaf) is not type(run[0]):
        return False
    written = {f.name for op in run for f in op.outputs}
    return not any(f.name in written for f in leaf.inputs)


def _converters(fields: list[Field]) -> Converters:
    return tuple((f.name, row_ready_type(f), row_converter(f)) for f in fields)


def _exact_check(fields: list[Field]) -> Callable[[Row], bool] | None:
    """Whether a row's plain inputs all have their exact types (``False`` sends it through the
    converters): one C call; ``None`` (the converters always) without the extension."""
    module = compiled_walker()
    # NOTE: for a few inputs the converters' own loop (which keeps exact types as they are)
    # measured faster than the C call's argument parsing.
    if module is None or not hasattr(module, "exact_types") or len(fields) < _FEW_INPUTS:
        return None
    names = tuple(f.name for f in fields)
    types = tuple(row_ready_type(f) for f in fields)
    # NOTE: a partial of a C function is called without a Python frame.
    check: Callable[[Row], bool] = partial(module.exact_types, names, types)
    return check


def _compiled_run(
    fields: list[Field], steps: tuple[RowStep, ...]
) -> Callable[[Any], Row | None] | None:
    """The input check, the copy and the steps of a row whose inputs all have their exact types
    as one C call (``run_plan``; ``None`` for any other row), or ``None`` without the extension."""
    module = compiled_walker()
    if module is None or not hasattr(module, "run_plan"):
        return None
    names = tuple(f.name for f in fields)
    types = tuple(row_ready_type(f) for f in fields)
    run: Callable[[Any], Row | None] = partial(module.run_plan, names, types, steps)
    return run


def _convert(values: Row, converters: Converters) -> None:
    for name, ready, convert in converters:
        value = values[name]
        # NOTE: a value already of the exact type the model wants is kept as it is.
        if value.__class__ is not ready:
            values[name] = convert(value)
