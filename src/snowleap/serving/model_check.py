"""A model is installed only if it can score: checked once per version, before the swap.

A bundle can load and still fail every request: an assembler whose declared width differs from
its inputs, a one-hot encoder declaring two billion categories (every row then allocates
gigabytes). ``check_model_scores`` refuses such a model while the previous one keeps serving:
every vector it declares must stay within ``SNOWLEAP_MAX_TENSOR_ELEMENTS``, and a synthetic row
(zeros, empty strings, zero vectors of the declared widths) must go through ``transform_row``,
the path ``POST /score`` takes, with every declared output width kept.

NOTE: the batch path (``transform``) is not run here: it imports numpy, most of a cold start,
which loading and row scoring never do. Both paths share each op's checks of widths and types.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from snowleap.bundle import limits
from snowleap.errors import BundleError, InputError
from snowleap.model import Model
from snowleap.ops.base import ColumnType

_ZEROS: dict[str, Any] = {"string": "", "boolean": False, "double": 0.0, "float": 0.0}


def check_model_scores(model: Model, row: Mapping[str, Any] | None = None) -> None:
    """``BundleError`` when ``model`` declares absurd widths or cannot score ``row`` (by default
    a synthetic row of its input schema)."""
    schemas = {"input": model.input_schema, "output": model.output_schema}
    for side, schema in schemas.items():
        for name, ctype in schema.items():
            if ctype.size is not None and ctype.size > limits.MAX_TENSOR_ELEMENTS:
                raise BundleError(
                    f"{side} {name!r} is a vector of {ctype.size} values, more than "
                    f"{limits.MAX_TENSOR_ELEMENTS} (SNOWLEAP_MAX_TENSOR_ELEMENTS)"
                )
    if row is None:
        if any(c.shape == "vector" and c.size is None for c in model.input_schema.values()):
            return
        row = {name: synthetic_value(ctype) for name, ctype in model.input_schema.items()}
    try:
        scored = model.transform_row(row)
    except InputError:
        # NOTE: the model refused the synthetic values themselves (an unseen label under
        # handle_invalid=error): it validates its inputs, which is no fault.
        return
    except Exception as exc:
        raise BundleError(
            f"the model cannot score a row of its own input schema: {type(exc).__name__}: {exc}"
        ) from None
    if scored is not None:
        _check_widths(scored, model.output_schema)


def synthetic_value(ctype: ColumnType) -> Any:
    """A value of ``ctype``: zero, an empty string, a zero vector of the declared width."""
    if ctype.shape == "vector":
        return [0.0] * (ctype.size or 0)
    if ctype.shape == "list":
        return []
    if ctype.shape == "map":
        return {}
    return _ZEROS.get(ctype.base, 0)


def _check_widths(scored: Mapping[str, Any], schema: Mapping[str, ColumnType]) -> None:
    for name, ctype in schema.items():
        value = scored.get(name)
        if ctype.shape != "vector" or ctype.size is None or value is None:
            continue
        width = len(value)
        if width != ctype.size:
            raise BundleError(
                f"output {name!r} declares {ctype.size} values, the model builds {width}"
            )
