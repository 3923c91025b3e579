"""What the python3.13 Lambda runtime puts beside a function, for checks run on this machine.

Lambda's ``sys.path`` is the function's code (``/var/task``), then the layers (``/opt/python``),
then the runtime's own packages (``/var/runtime``: boto3, botocore and their dependencies).
``runtime_folder`` makes a stand-in for ``/var/runtime`` from this environment's copies of those
pure-Python packages, so the layer test and the cold-start benchmark see what Lambda would.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

# NOTE: what the python3.13 Lambda runtime ships besides the standard library.
RUNTIME_PACKAGES = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "six")


def runtime_folder(target: Path) -> Path:
    """A folder of links to the runtime's packages, to put last on ``sys.path``.

    Example
    -------
    >>> runtime_folder(Path("/tmp/var-runtime"))   # doctest: +SKIP
    PosixPath('/tmp/var-runtime')
    """
    target.mkdir(parents=True, exist_ok=True)
    for name in RUNTIME_PACKAGES:
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin is None:
            raise RuntimeError(f"{name} is not installed here (pip install boto3)")
        origin = Path(spec.origin)
        source = origin.parent if origin.name == "__init__.py" else origin
        link = target / source.name
        if not link.exists():
            link.symlink_to(source)
    return target
