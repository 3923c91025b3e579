"""The compiled tree walker, built from source with the package (``pip install``, ``-e`` too).

Everything else about the package is in pyproject.toml. The extension is optional: where it
cannot be compiled, the install still succeeds and snowleap scores trees in pure Python (it
says so once, at the first tree model).
"""

from glob import glob

from setuptools import Extension, setup

#: the walker's parts beside the module file (src/snowleap/treewalk/treewalk.h lists them)
WALKER_PARTS = sorted(glob("src/snowleap/treewalk/*.c"))
# NOTE: the walker must give the pure-Python walkers' bits: no fused multiply-add, no
# reassociation (no -ffast-math); C99 for the declarations in loops.
TREEWALK_FLAGS = ["-O2", "-std=c99", "-ffp-contract=off", "-fno-fast-math"]

setup(
    ext_modules=[
        Extension(
            "snowleap._treewalk",
            sources=["src/snowleap/_treewalk.c", *WALKER_PARTS],
            depends=sorted(glob("src/snowleap/treewalk/*.h")),
            extra_compile_args=TREEWALK_FLAGS,
            optional=True,
        )
    ]
)
