"""What the python3.13 Lambda runtime puts beside a function, for checks run on this machine.

Lambda's ``sys.path`` is the function's code (``/var/task``), then the layers (``/opt/python``),
then the runtime's own packages: boto3, botocore and their dependencies, and the runtime interface
client (``awslambdaric``, with ``snapshot_restore_py`` for SnapStart hooks) that runs the handler.

``runtime_folder`` links this environment's copies of boto3 and its dependencies into a stand-in
folder (the layer test uses it). ``install`` installs the runtime for real, with Python 3.13's pip
from ``runtime-interface.txt`` and ``runtime-sdk.txt``, into two folders as the runtime keeps them
apart: ``runtime/`` (the interface client) and ``sdk/`` (boto3); the emulator runs (``make
invoke-rie``, ``handler/rie.py``) use those.
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
# NOTE: what the python3.13 Lambda runtime ships besides the standard library.
RUNTIME_PACKAGES = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "six")
REQUIREMENTS = {"runtime": HERE / "runtime-interface.txt", "sdk": HERE / "runtime-sdk.txt"}


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


def install(root: Path, python: str) -> None:
    """``root/runtime`` (awslambdaric) and ``root/sdk`` (boto3), installed by ``python``'s pip.

    Python 3.13's own pip writes the ``.pyc`` files as the runtime's image has them, and picks the
    wheels of this machine's platform (awslambdaric has a native extension).
    """
    for folder, requirements in REQUIREMENTS.items():
        target = root / folder
        if target.exists():
            shutil.rmtree(target)
        subprocess.run(
            [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
             "--root-user-action=ignore", "--only-binary=:all:", "--target", str(target),
             "-r", str(requirements)],
            check=True,
        )  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    sys.path.insert(0, str(HERE))
    from build_layer import find_python313

    parser = argparse.ArgumentParser(description="Install the python3.13 runtime's own packages")
    parser.add_argument("root", type=Path, help="folder to create runtime/ and sdk/ in")
    args = parser.parse_args(argv)
    python = find_python313()
    if python is None:
        raise SystemExit("needs a Python 3.13 (pyenv install 3.13, or one on PATH)")
    install(args.root, python)
    return 0


if __name__ == "__main__":
    sys.exit(main())
