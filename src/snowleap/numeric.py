"""numpy for batch math, imported at its first use; the array types every module annotates with.

House rule: loading a bundle and scoring one row (``transform_row``) never import numpy. On
Lambda, importing numpy costs 60-90 ms of a cold start that only a batch needs. So the load and
row paths hold plain Python values (lists, tuples, floats), and modules that also do batch math
use ``np`` from here, which imports numpy the first time one of its attributes is read:

    from snowleap.numeric import np          # reads like ``import numpy as np``
    from snowleap.numeric import FloatArray  # for annotations

    def scale_batch(values: FloatArray, factor: float) -> FloatArray:
        return np.multiply(values, factor)   # numpy is imported here, on the first batch

Nothing in a loader, an op's ``__init__`` or a row step may touch ``np``, not even to build a
constant: arrays a batch needs are built from the op's Python values on first use (a
``functools.cached_property``). ``tests/test_numpy_rule.py`` loads every op's sample bundle and
scores a row in a fresh interpreter, and fails if numpy was imported.

The array aliases are strings at run time (``npt`` is only imported by the type checker), so
importing them costs nothing; use them in annotations, never at run time.
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType
from typing import TYPE_CHECKING, Any, TypeAlias

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
else:

    class _LazyNumpy:
        """Stands for numpy until an attribute is read, then imports it and mirrors it."""

        def __getattr__(self, attribute: str) -> Any:
            # NOTE: only called for names not found the normal way: the first access imports
            # numpy and copies its namespace here, so later reads are plain attribute reads;
            # names numpy itself creates lazily (np.linalg...) still come through.
            import numpy

            self.__dict__.update(vars(numpy))
            return getattr(numpy, attribute)

        def __repr__(self) -> str:
            state = "imported" if "numpy" in sys.modules else "not imported yet"
            return f"<numpy, imported on first use ({state})>"

    np = _LazyNumpy()

FloatArray: TypeAlias = "npt.NDArray[np.float64]"
BoolArray: TypeAlias = "npt.NDArray[np.bool_]"
IndexArray: TypeAlias = "npt.NDArray[np.intp]"
ObjectArray: TypeAlias = "npt.NDArray[np.object_]"
AnyArray: TypeAlias = "npt.NDArray[Any]"


def numpy_importable() -> bool:
    """Whether numpy can be imported here (without importing it). A function deployed without
    its numpy layer (``NumpyLayer=false``, the default) has none: the row routes then score row
    by row, which gives the same numbers as a batch (the two paths are bit-identical)."""
    if "numpy" in sys.modules:
        return True
    global _IMPORTABLE
    if _IMPORTABLE is None:
        _IMPORTABLE = importlib.util.find_spec("numpy") is not None
    return _IMPORTABLE


_IMPORTABLE: bool | None = None


def numpy_if_imported() -> ModuleType | None:
    """numpy if something imported it already, else ``None`` (without importing it).

    For the row path's type checks: a value can only be a numpy scalar once numpy is loaded.

    Example
    -------
    >>> numpy_if_imported() is None or numpy_if_imported().__name__ == "numpy"
    True
    """
    return sys.modules.get("numpy")


__all__ = [
    "AnyArray",
    "BoolArray",
    "FloatArray",
    "IndexArray",
    "ObjectArray",
    "np",
    "numpy_if_imported",
    "numpy_importable",
]
