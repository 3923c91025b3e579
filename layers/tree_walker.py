"""The compiled tree walker for the layer: ``snowleap_treewalk`` built for Lambda's Python and
architecture on this machine, without Docker, and checked before it ships.

x86_64 builds with the machine's C compiler where the machine is x86_64; arm64 (and x86_64 on
another machine) with ``zig cc`` from the ``ziglang`` package, which cross-compiles C for
``aarch64-linux-gnu`` against an old glibc. The headers are those of the Python the layer's
``.pyc`` files are compiled with (3.13): CPython's API and its ``pyconfig.h`` are the same for
both 64-bit Linux targets. The result is checked by its ELF header (class, machine) and its
dynamic symbol table (``PyInit_snowleap_treewalk`` exported), read with ``readelf``, which reads
any architecture's ELF files.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [
    ROOT / "src" / "snowleap" / "_treewalk.c",
    *sorted((ROOT / "src" / "snowleap" / "treewalk").glob("*.c")),
]
MODULE = "snowleap_treewalk"
# NOTE: the flags setup.py builds with: no fused multiply-add, no fast-math.
FLAGS = ["-O2", "-std=c99", "-ffp-contract=off", "-fno-fast-math", "-fPIC", "-shared"]
ZIG_TARGETS = {"x86_64": "x86_64-linux-gnu.2.17", "arm64": "aarch64-linux-gnu.2.17"}
TRIPLETS = {"x86_64": "x86_64-linux-gnu", "arm64": "aarch64-linux-gnu"}
ELF_MACHINES = {"x86_64": ("X86-64", 62), "arm64": ("AArch64", 183)}


class WalkerBuildError(RuntimeError):
    """The walker could not be built or is not what Lambda would load."""


def compiler(arch: str) -> list[str]:
    """The command that compiles C for ``arch``: the machine's own, else ``zig cc``."""
    native = os.uname().machine in (arch, "aarch64" if arch == "arm64" else arch)
    if native and shutil.which("cc"):
        return ["cc"]
    if importlib.util.find_spec("ziglang") is None:
        raise WalkerBuildError(
            f"cross-compiling the tree walker for {arch} needs zig: pip install ziglang"
        )
    return [sys.executable, "-m", "ziglang", "cc", "-target", ZIG_TARGETS[arch]]


def python_include(python: str) -> str:
    done = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['include'])"],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def build(target_dir: Path, arch: str, python: str, version: str) -> Path:
    """Compile the walker into ``target_dir`` for ``arch`` and CPython ``version``; checked."""
    tag = version.replace(".", "")
    out = target_dir / f"{MODULE}.cpython-{tag}-{TRIPLETS[arch]}.so"
    command = [
        *compiler(arch), *FLAGS, "-DTREEWALK_TOP_LEVEL", f"-I{python_include(python)}",
        *map(str, SOURCES), "-o", str(out),
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise WalkerBuildError(f"compiling the tree walker for {arch} failed:\n{done.stderr}")
    check(out, arch)
    return out


def check(library: Path, arch: str) -> str:
    """Raise unless ``library`` is a 64-bit ELF shared object for ``arch`` exporting the
    module's init function; a one-line description otherwise."""
    header = _readelf(library, "--file-header")
    machine, code = ELF_MACHINES[arch]
    if "ELF64" not in header or "DYN" not in header or machine not in header:
        raise WalkerBuildError(f"{library.name}: not a 64-bit {machine} shared object")
    with library.open("rb") as stream:
        if int.from_bytes(stream.read(20)[18:20], "little") != code:
            raise WalkerBuildError(f"{library.name}: ELF machine is not {machine}")
    symbols = _readelf(library, "--dyn-syms")
    init = f"PyInit_{MODULE}"
    exported = [
        line for line in symbols.splitlines() if line.split()[-1:] == [init] and "GLOBAL" in line
    ]
    if not exported:
        raise WalkerBuildError(f"{library.name}: does not export {init}")
    return f"{library.name}: ELF64 {machine} shared object exporting {init}"


def _readelf(library: Path, option: str) -> str:
    tool = shutil.which("readelf") or shutil.which("llvm-readelf")
    if tool is None:
        raise WalkerBuildError("checking the tree walker needs readelf (binutils)")
    return subprocess.run(
        [tool, "-W", option, str(library)], capture_output=True, text=True, check=True
    ).stdout
