"""Package ``__init__`` files of the layer rewritten to import their names on first use (PEP 562).

Powertools' ``event_handler/__init__.py`` imports every resolver it has (AppSync's pulls in
``asyncio``; Bedrock's, VPC Lattice's ...) and ``utilities/data_classes/__init__.py`` every event
class of every AWS service, although the function uses two resolvers and a few event classes: a
third of its cold start's imports. The layer build rewrites those ``__init__`` files, mechanically
from their own ``from X import a, b`` statements, into a table of name -> module and a module
``__getattr__`` that imports a name's module the first time the name is asked for. Every name the
package exported is still exported (``from aws_lambda_powertools.event_handler import
AppSyncResolver`` still works, it just costs its import when it happens); an ``__init__`` holding
anything but imports, ``__all__`` and its docstring is left as it is.

A few module-level imports of a module only one unused path needs are made lazy the same way
(``LAZY_MODULE_IMPORTS``): Powertools' ``Logger`` imports its JMESPath helpers, and JMESPath
with them, for ``inject_lambda_context(correlation_id_path=...)``, which the handler does not use
(it reads the correlation id itself, ``telemetry.correlation_id``). The statement becomes an
object whose attributes import the module on first use; a statement no longer found fails the
build, so a new Powertools cannot silently undo it.
"""

from __future__ import annotations

import ast
from pathlib import Path

# NOTE: relative to the layer's python/ folder; checked by tests/handler/test_layer.py.
LAZY_PACKAGES = (
    "aws_lambda_powertools/event_handler",
    "aws_lambda_powertools/utilities/data_classes",
)

# NOTE: the file (relative to the layer's python/ folder) and the exact statement in it; the
# statement must import one module under the name the file uses.
LAZY_MODULE_IMPORTS = {
    "aws_lambda_powertools/logging/logger.py": (
        "from aws_lambda_powertools.utilities import jmespath_utils"
    ),
}

MODULE_TEMPLATE = '''import importlib as _lazy_importlib


class _LazyModule:
    """``{module}``, imported on first use (snowleap's layers/lazy_init.py)."""

    def __getattr__(self, name):
        return getattr(_lazy_importlib.import_module("{module}"), name)


{name} = _LazyModule()'''

TEMPLATE = '''"""{doc}

(Imports made lazy by snowleap's layers/lazy_init.py: each name's module is imported on first use.)
"""

import importlib as _importlib
{eager}
_LAZY = {table!r}
__all__ = {exported!r}


def __getattr__(name):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {{__name__!r}} has no attribute {{name!r}}")
    value = getattr(_importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_LAZY))
'''


def lazy_source(source: str) -> str | None:
    """The lazy ``__init__`` for ``source``, or ``None`` if it holds more than imports."""
    tree = ast.parse(source)
    doc = ast.get_docstring(tree) or ""
    table: dict[str, str] = {}
    eager: list[str] = []
    exported: list[str] | None = None
    for statement in tree.body:
        if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
            continue
        if isinstance(statement, ast.ImportFrom) and statement.module:
            module = "." * statement.level + statement.module
            for alias in statement.names:
                if alias.name == "*":
                    return None
                name = alias.asname or alias.name
                # NOTE: a name that is also its submodule's name (``event_source``) is imported
                # as before: once the submodule is imported by any path it would shadow the name.
                if name == statement.module.rsplit(".", 1)[-1]:
                    eager.append(f"from {module} import {alias.name} as {name}")
                else:
                    table[name] = module
            continue
        if (
            isinstance(statement, ast.Assign)
            and [getattr(t, "id", None) for t in statement.targets] == ["__all__"]
            and isinstance(statement.value, ast.List | ast.Tuple)
        ):
            exported = [ast.literal_eval(element) for element in statement.value.elts]
            continue
        return None
    if not table:
        return None
    # NOTE: an absolute module name is kept absolute; import_module resolves "." ones itself.
    return TEMPLATE.format(
        doc=doc.strip().replace('"""', "'''"),
        eager="".join(f"{line}\n" for line in eager),
        table=table,
        exported=exported if exported is not None else sorted(table),
    )


class LazyImportError(RuntimeError):
    """A statement ``LAZY_MODULE_IMPORTS`` names is not in its file (a new Powertools)."""


def lazy_module_import(source: str, statement: str) -> str:
    """``source`` with ``statement`` (``from package import module``) made lazy."""
    lines = source.split("\n")
    if lines.count(statement) != 1:
        raise LazyImportError(f"{statement!r} is not a line of its own, exactly once")
    package, _, name = statement.removeprefix("from ").partition(" import ")
    lines[lines.index(statement)] = MODULE_TEMPLATE.format(module=f"{package}.{name}", name=name)
    return "\n".join(lines)


def make_lazy(root: Path) -> list[str]:
    """Rewrite every ``LAZY_PACKAGES`` ``__init__.py`` and ``LAZY_MODULE_IMPORTS`` file under
    ``root``; returns those rewritten."""
    rewritten = []
    for file, statement in LAZY_MODULE_IMPORTS.items():
        path = root / file
        path.write_text(lazy_module_import(path.read_text(), statement))
        rewritten.append(file)
    for package in LAZY_PACKAGES:
        init = root / package / "__init__.py"
        if not init.is_file():
            continue
        lazy = lazy_source(init.read_text())
        if lazy is not None:
            init.write_text(lazy)
            rewritten.append(package)
    return rewritten
