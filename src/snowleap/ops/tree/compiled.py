"""The compiled tree walker (``snowleap._treewalk``, C), or ``None`` and a warning, once.

The extension is built from ``src/snowleap/_treewalk.c`` and ``src/snowleap/treewalk/*.c`` by
``pip install`` (``setup.py``) and by the Lambda layer's build for both architectures
(``layers/build_layer.py``, as the top-level ``snowleap_treewalk``). Where it cannot load (no
compiler at install time, a foreign platform), snowleap logs one warning and scores with the
pure-Python walkers, which give bit-identical numbers. ``SNOWLEAP_PURE_PYTHON_TREES=1`` forces
the pure-Python walkers (the parity suite runs both ways).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType

FORCE_PURE_PYTHON = "SNOWLEAP_PURE_PYTHON_TREES"
EXTENSION = "snowleap._treewalk"

_logger = logging.getLogger("snowleap")
_loaded: dict[str, ModuleType | None] = {}


def compiled_walker() -> ModuleType | None:
    """The extension module, or ``None`` if it is forced off or cannot be imported."""
    if os.environ.get(FORCE_PURE_PYTHON, "") not in ("", "0"):
        return None
    if EXTENSION not in _loaded:
        try:
            _loaded[EXTENSION] = _import_extension()
        except ImportError as exc:
            _loaded[EXTENSION] = None
            _logger.warning(
                "snowleap: the compiled tree walker %s cannot be loaded (%s); tree models are "
                "scored by the pure-Python walkers (same numbers, slower)",
                EXTENSION,
                exc,
            )
    return _loaded[EXTENSION]


def _import_extension() -> ModuleType:
    try:
        from snowleap import _treewalk  # type: ignore[attr-defined]
    except ImportError:
        # NOTE: on Lambda the extension comes with the layer (built for its architecture and
        # Python), as a top-level module: the function package holds snowleap's sources only.
        import snowleap_treewalk  # type: ignore[import-not-found]

        return snowleap_treewalk  # type: ignore[no-any-return]
    return _treewalk  # type: ignore[no-any-return]


@contextmanager
def pure_python_trees() -> Iterator[None]:
    """Tree models loaded inside score with the pure-Python walkers (tests compare both)."""
    before = os.environ.get(FORCE_PURE_PYTHON)
    os.environ[FORCE_PURE_PYTHON] = "1"
    try:
        yield
    finally:
        if before is None:
            del os.environ[FORCE_PURE_PYTHON]
        else:
            os.environ[FORCE_PURE_PYTHON] = before


def forget_compiled_walker() -> None:
    """Try the import again at the next use (tests that hide the extension)."""
    _loaded.clear()
