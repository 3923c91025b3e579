"""Build the function's layers for the Lambda platform, without Docker.

``python build_layer.py --arch arm64 --out build/arm64`` installs one layer's requirements for
CPython 3.13 on manylinux (wheels only), trims what a Lambda never imports (tests, type stubs,
headers, numpy's f2py, caches), strips native symbol tables when a strip tool understands the
architecture, compiles snowleap's tree walker for the architecture into the dependencies layer
(``tree_walker.py``: zig cc for arm64) and checks its ELF header and symbols, precompiles
``.pyc`` files with
``--invalidation-mode unchecked-hash`` (so Python never stats the sources to validate them), zips
``python/`` and prints the sizes against Lambda's limits.

Three layers (``--layer``), so that a function carries only what its routes import:
``dependencies`` (Powertools: every function), ``numpy`` (batch math: ``/transform`` and
``/invocations``; the template's ``NumpyLayer`` parameter) and ``tracing`` (the X-Ray SDK, only
for ``TraceSubsegments=true``; installed with ``--no-deps``: it requires botocore, which the
runtime already provides, and wrapt is its only other dependency).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import tree_walker as tree_walker_build
from lazy_init import make_lazy

HERE = Path(__file__).resolve().parent
PYTHON_VERSION = "3.13"
# NOTE: AL2023 (the python3.13 runtime) has glibc 2.34; numpy >= 2.3 publishes only
# manylinux_2_28 wheels, older packages manylinux2014 (= 2_17): accept both.
PLATFORMS = {
    "x86_64": ["manylinux_2_28_x86_64", "manylinux2014_x86_64"],
    "arm64": ["manylinux_2_28_aarch64", "manylinux2014_aarch64"],
}
ELF_MACHINE = {"x86_64": 62, "arm64": 183}
# layer -> (requirements file, installed without dependencies)
LAYERS: dict[str, tuple[str, bool]] = {
    "dependencies": ("requirements.txt", False),
    "numpy": ("requirements-numpy.txt", False),
    "tracing": ("requirements-tracing.txt", True),
}
ZIPPED_LIMIT = 50 * 1024 * 1024
UNZIPPED_LIMIT = 262_144_000
TRIM_DIRS = {"tests", "test", "__pycache__", "include", "f2py", "_pyinstaller"}
TRIM_SUFFIXES = (".pyi", ".h", ".hpp", ".c", ".pxd", ".pyx", ".a")
# NOTE: numpy's C test extensions are only loaded by its own test suite.
NUMPY_TEST_EXTENSIONS = ("_simd", "_multiarray_tests", "_umath_tests", "_rational_tests",
                         "_struct_ufunc_tests", "_operand_flag_tests")  # fmt: skip
# NOTE: Powertools utilities the handler never imports, and the Swagger UI assets (served only
# with enable_swagger()); the layer-import test imports the handler from the trimmed layer.
UNUSED_PATHS = (
    "aws_lambda_powertools/event_handler/openapi/swagger_ui",
    # NOTE: numpy imports these subpackages only when first touched (numpy/__init__.py's
    # __getattr__), and scoring never touches them: randomness, FFTs, polynomials.
    "numpy/random", "numpy/fft", "numpy/polynomial",
    # NOTE: equally lazy (numpy.__getattr__) and never touched by serving: the testing helpers;
    # Powertools' pydantic parser is only imported by its users.
    "numpy/testing", "numpy/matlib.py", "numpy/doc",
    "aws_lambda_powertools/utilities/parser",
    *(f"aws_lambda_powertools/utilities/{name}" for name in (
        "batch", "idempotency", "data_masking", "feature_flags", "kafka",
        "streaming", "validation", "circuit_breaker", "auth_alpha",
    )),
)  # fmt: skip
NOT_PRECOMPILED = (
    r"numpy/(testing|_pyinstaller|matlib)|aws_lambda_powertools/utilities/parser"
    r"|aws_xray_sdk/ext/(django|flask|sqlalchemy|flask_sqlalchemy|pynamodb|aiohttp|aiobotocore"
    r"|psycopg|psycopg2|pymongo|pymysql|mysql|pg8000|sqlalchemy_core|httpx|bottle)"
)


def install(target: Path, arch: str, pip_python: str, layer: str = "dependencies") -> None:
    platform_args = [arg for p in PLATFORMS[arch] for arg in ("--platform", p)]
    requirements, no_deps = LAYERS[layer]
    subprocess.run(
        [pip_python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "--target", str(target), "--python-version", PYTHON_VERSION, "--implementation", "cp",
         "--only-binary=:all:", *platform_args, *(["--no-deps"] if no_deps else []),
         "-r", str(HERE / requirements)],
        check=True,
    )  # fmt: skip


def trim(root: Path) -> int:
    """Delete what is never imported at run time; returns the bytes freed."""
    freed = 0
    for relative in UNUSED_PATHS:
        target = root / relative
        if target.exists():
            freed += _size(target)
            if target.is_dir():
                shutil.rmtree(target)
            else:
                target.unlink()
    for extension in (root / "numpy" / "_core").glob("*.so"):
        if extension.name.split(".")[0] in NUMPY_TEST_EXTENSIONS:
            freed += extension.stat().st_size
            extension.unlink()
    for path in sorted(root.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        if not path.exists():
            continue
        # NOTE: numpy's tests and f2py are only imported on demand (numpy.test(), numpy.f2py);
        # "include" holds C headers for building extensions against numpy.
        if path.is_dir() and path.name in TRIM_DIRS:
            freed += _size(path)
            shutil.rmtree(path)
        elif path.is_file() and path.name.endswith(TRIM_SUFFIXES):
            freed += path.stat().st_size
            path.unlink()
    return freed


def strip_symbols(root: Path, arch: str) -> str:
    """Strip symbol tables from native libraries, with a tool that knows the architecture.

    NOTE: off by default. Wheels on PyPI are already built stripped (numpy's gain was about
    nothing), and auditwheel rewrites their ELF headers with patchelf, which strip tools then
    corrupt: a stripped numpy 2.4 fails to import with "ELF load command address/offset not
    page-aligned". Kept for wheels that are not repaired that way.
    """
    tool = shutil.which("llvm-strip")
    if tool is None and os.uname().machine in (arch, "aarch64" if arch == "arm64" else arch):
        tool = shutil.which("strip")
    if tool is None:
        return f"not stripped (no llvm-strip, and this machine is not {arch})"
    count = 0
    for library in root.rglob("*.so*"):
        if library.is_file() and _elf_machine(library) == ELF_MACHINE[arch]:
            subprocess.run([tool, "--strip-unneeded", str(library)], check=True)
            count += 1
    return f"stripped {count} native libraries with {Path(tool).name}"


def _elf_machine(path: Path) -> int | None:
    with path.open("rb") as stream:
        header = stream.read(20)
    if header[:4] != b"\x7fELF":
        return None
    return int.from_bytes(header[18:20], "little")


def precompile(root: Path, python: str | None, *, sourceless: bool = False) -> str:
    """``.pyc`` files (unchecked-hash) for every module serving may import.

    ``sourceless`` (the layer): each ``.pyc`` takes its source's place (``compileall -b``) and the
    source goes, which halves what the layer's Python code weighs; the runtime imports such a
    ``.pyc`` directly. Tracebacks through the layer's packages then show file and line without the
    line's text. The function package keeps its sources (``handler/Makefile``).
    """
    if python is None:
        return f"no Python {PYTHON_VERSION} found: .pyc not precompiled (imports compile lazily)"
    # NOTE: modules that serving never imports stay uncompiled: their .pyc would only cost space.
    subprocess.run(
        [python, "-m", "compileall", "-q", "-j", "0", "--invalidation-mode", "unchecked-hash",
         *(["-b"] if sourceless else []), "-x", NOT_PRECOMPILED, str(root)],
        check=True,
    )  # fmt: skip
    if not sourceless:
        return f"precompiled with {python}"
    dropped = 0
    for compiled in root.rglob("*.pyc"):
        source = compiled.with_suffix(".py")
        if source.is_file():
            dropped += source.stat().st_size
            source.unlink()
    return f"precompiled with {python}, sources replaced ({_mb(dropped)})"


def tree_walker(python_dir: Path, arch: str, python: str | None) -> str:
    """snowleap's compiled tree walker, built for ``arch`` into the layer (``tree_walker``)."""
    if python is None:
        return f"no Python {PYTHON_VERSION} headers: tree walker not built (pure-Python trees)"
    library = tree_walker_build.build(python_dir, arch, python, PYTHON_VERSION)
    return tree_walker_build.check(library, arch)


def make_zip(python_dir: Path, archive: Path) -> None:
    archive.unlink(missing_ok=True)
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as bundle:
        for path in sorted(python_dir.rglob("*")):
            if path.is_file():
                bundle.write(path, Path("python") / path.relative_to(python_dir))


def _size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def find_python313() -> str | None:
    """A working Python 3.13 (.pyc files are specific to the version that writes them)."""
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    candidates = [shutil.which(f"python{PYTHON_VERSION}")]
    pattern = f"{PYTHON_VERSION}*/bin/python{PYTHON_VERSION}"
    candidates += [str(p) for p in sorted(pyenv.glob(pattern))]
    for candidate in candidates:
        # NOTE: a pyenv shim is on PATH even when that version is not selected; it then fails.
        if candidate and _runs_python313(candidate):
            return candidate
    return None


def _runs_python313(python: str) -> bool:
    probe = subprocess.run(
        [python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
        capture_output=True,
        text=True,
        check=False,
    )
    return probe.returncode == 0 and probe.stdout.strip() == PYTHON_VERSION


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--arch", choices=sorted(PLATFORMS), default="arm64")
    parser.add_argument("--layer", choices=sorted(LAYERS), default="dependencies")
    parser.add_argument("--out", type=Path, required=True, help="folder to build python/ in")
    parser.add_argument("--zip", type=Path, help="also write the layer zip here")
    parser.add_argument(
        "--precompile-only",
        action="store_true",
        help="only precompile --out in place (the function package: handler/Makefile)",
    )
    parser.add_argument(
        "--strip",
        action="store_true",
        help="strip native symbol tables (off by default: see strip_symbols)",
    )
    args = parser.parse_args(argv)
    if args.precompile_only:
        print(f"function package: {precompile(args.out, find_python313())}")
        return 0

    python_dir = args.out / "python"
    if python_dir.exists():
        shutil.rmtree(python_dir)
    python_dir.mkdir(parents=True)
    install(python_dir, args.arch, sys.executable, args.layer)
    installed = _size(python_dir)
    freed = trim(python_dir)
    stripped = strip_symbols(python_dir, args.arch) if args.strip else "not stripped"
    python313 = find_python313()
    if args.layer == "dependencies":
        print(f"layer {args.arch}: {tree_walker(python_dir, args.arch, python313)}")
        print(f"layer {args.arch}: lazy imports in {', '.join(make_lazy(python_dir)) or 'none'}")
    compiled = precompile(python_dir, python313, sourceless=True)
    unzipped = _size(python_dir)
    print(f"layer {args.layer} {args.arch}: installed {_mb(installed)}, trimmed {_mb(freed)}; "
          f"{stripped}; {compiled}")  # fmt: skip
    print(f"  unzipped: {unzipped:>11,} bytes ({_mb(unzipped)}) of Lambda's {UNZIPPED_LIMIT:,} "
          f"for function + layers ({100 * unzipped / UNZIPPED_LIMIT:.0f}%)")  # fmt: skip
    if args.zip is not None:
        make_zip(python_dir, args.zip)
        zipped = args.zip.stat().st_size
        print(f"  zipped:   {zipped:>11,} bytes ({_mb(zipped)}) of Lambda's {ZIPPED_LIMIT:,} "
              f"upload limit ({100 * zipped / ZIPPED_LIMIT:.0f}%) -> {args.zip}")  # fmt: skip
    return 0 if unzipped < UNZIPPED_LIMIT else 1


if __name__ == "__main__":
    sys.exit(main())
