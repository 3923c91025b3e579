"""Print the requirements of pyproject.toml's dependencies and the named extras, one per line.

`make test` installs a venv's third-party packages with these first, side by side with the other
environments, and then the package itself (`pip install --no-deps -e .`) under a lock: an editable
install builds in the source tree (egg-info, the compiled tree walker), so two must not overlap.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

PROJECT = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text())[
    "project"
]
SELF_REFERENCE = re.compile(rf"^{re.escape(PROJECT['name'])}\[(?P<extras>[^\]]+)\]$")


def requirements(extras: list[str]) -> list[str]:
    found: list[str] = list(PROJECT["dependencies"])
    pending, seen = list(extras), set()
    while pending:
        extra = pending.pop()
        if extra in seen:
            continue
        seen.add(extra)
        for requirement in PROJECT["optional-dependencies"][extra]:
            nested = SELF_REFERENCE.match(requirement)
            if nested:
                pending.extend(name.strip() for name in nested["extras"].split(","))
            else:
                found.append(requirement)
    return sorted(set(found))


if __name__ == "__main__":
    print("\n".join(requirements(sys.argv[1:])))
