"""Run the arm64 tree walker under qemu-user: same bits as the pure-Python walker, and as x86_64.

``python layers/arm64_check.py --sysroot DIR`` cross-compiles the walker (``tree_walker``) for
aarch64 and the sysroot's CPython, then, under ``qemu-aarch64-static`` with the sysroot's own
aarch64 Python (Debian's ``python3.11-minimal:arm64`` and its libraries, unpacked with
``dpkg -x``: ``make check-arm64`` sets it up), scores seeded random forests row by row with the
compiled walker and with the pure-Python one. Both must agree to the last bit, and the digest of
the outputs must equal the one this machine's walker gives. Prints both digests.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import tree_walker

ROOT = Path(__file__).resolve().parent.parent

CHECK = """
import hashlib, json, platform, random, sys
from snowleap.bundle.definitions import TreeNodeDef
from snowleap.ops.tree import compiled
from snowleap.ops.tree.leaves import vote_shares
from snowleap.ops.tree.scoring import TreeScorer
from snowleap.ops.tree.structure import layout_of

def tree(rng, depth):
    if depth == 0 or rng.random() < 0.1:
        return [TreeNodeDef("leaf", values=(float(rng.randrange(9)), rng.random() * 3))]
    feature = rng.randrange(6)
    if rng.random() < 0.4:
        cats = tuple(float(c) for c in rng.sample(range(8), 3))
        node = TreeNodeDef("categorical", feature_index=feature, categories=cats,
                           is_left=rng.random() < 0.5, num_categories=8)
    else:
        node = TreeNodeDef("continuous", feature_index=feature, threshold=rng.uniform(-3, 9))
    return [node, *tree(rng, depth - 1), *tree(rng, depth - 1)]

rng = random.Random(2026)
layout = layout_of([tree(rng, 7) for _ in range(40)], num_features=6, width=2)
shares = vote_shares(layout.leaf_values, 2)
rows = [[rng.choice([0.0, 1.0, 3.0, -0.0, float("nan"), float("inf")]) if rng.random() < 0.4
         else rng.uniform(-4, 10) for _ in range(6)] for _ in range(3000)]
digests = {}
for combine, weights in (("sum", ()), ("first", ())):
    compiled_scorer = TreeScorer(layout, shares, 2, combine, weights)
    assert compiled_scorer.compiled, "the compiled walker did not load"
    row = compiled_scorer.row_function()
    out = [[v.hex() for v in row(x)] for x in rows]
    compiled._loaded.clear()
    import os
    os.environ["SNOWLEAP_PURE_PYTHON_TREES"] = "1"
    pure = TreeScorer(layout, shares, 2, combine, weights).row_function()
    assert out == [[v.hex() for v in pure(x)] for x in rows], combine + ": walkers differ"
    del os.environ["SNOWLEAP_PURE_PYTHON_TREES"]
    digests[combine] = hashlib.sha256(json.dumps(out).encode()).hexdigest()[:16]
print(json.dumps({"machine": platform.machine(), "digests": digests,
                  "walker": compiled.compiled_walker().__file__}))
"""


def run_check(python: list[str], path: list[Path], env: dict[str, str]) -> str:
    env = {**env, "PYTHONPATH": os.pathsep.join(str(p) for p in path)}
    done = subprocess.run(
        [*python, "-S", "-c", CHECK], capture_output=True, text=True, env=env, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"check failed under {python[0]}:\n{done.stderr[-2000:]}")
    return done.stdout.strip().splitlines()[-1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sysroot", type=Path, required=True)
    parser.add_argument("--version", default="3.11", help="the sysroot's CPython version")
    args = parser.parse_args(argv)
    qemu = shutil.which("qemu-aarch64-static") or shutil.which("qemu-aarch64")
    if qemu is None:
        raise SystemExit("qemu-user is missing: apt-get install qemu-user-static")
    target_python = args.sysroot / "usr" / "bin" / f"python{args.version}"
    host_python = shutil.which(f"python{args.version}") or sys.executable
    with tempfile.TemporaryDirectory() as work:
        arm = Path(work) / "arm64"
        host = Path(work) / "host"
        arm.mkdir()
        host.mkdir()
        library = tree_walker.build(arm, "arm64", host_python, args.version)
        print(tree_walker.check(library, "arm64"))
        tree_walker.build(host, "x86_64", host_python, args.version)
        source = ROOT / "src"
        emulated = run_check([qemu, "-L", str(args.sysroot), str(target_python)], [arm, source], {})
        native = run_check([host_python], [host, source], {})
    print(f"arm64 under qemu: {emulated}")
    print(f"this machine:     {native}")
    same = json.loads(emulated)["digests"] == json.loads(native)["digests"]
    print("same outputs on both architectures" if same else "OUTPUTS DIFFER")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
