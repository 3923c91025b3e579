"""The bounds a bundle must stay within, checked before anything of that size is allocated.

A bundle is untrusted input: a 2 MB zip can hold a 250 MB op name, a 2-million-node tree or a
string indexer of 10 million labels, each of which would cost seconds and gigabytes to load. Each
bound below is far above what Spark pipelines need and low enough that a bundle crossing it is
refused in milliseconds, with a ``BundleError`` naming the bound and the environment variable
that raises it. Read once, at import, from the environment (``SNOWLEAP_<NAME>``); documented in
the README ("Security and limits").
"""

from __future__ import annotations

import os
from typing import Final


def _limit(name: str, default: int) -> int:
    raw = os.environ.get(f"SNOWLEAP_{name}", "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"SNOWLEAP_{name}={raw!r}: expected a whole number") from None
    if value <= 0:
        raise ValueError(f"SNOWLEAP_{name}={raw!r}: must be positive")
    return value


MIB: Final[int] = 1024 * 1024
#: bytes of the bundle zip (an S3 object larger than this is not downloaded)
MAX_BUNDLE_BYTES: Final[int] = _limit("MAX_BUNDLE_BYTES", 64 * MIB)
#: bytes all the entries of a zip unpack to, together
MAX_DECOMPRESSED_BYTES: Final[int] = _limit("MAX_DECOMPRESSED_BYTES", 256 * MIB)
#: bytes one file of a bundle (model, node, tree file) unpacks to
MAX_FILE_BYTES: Final[int] = _limit("MAX_FILE_BYTES", 64 * MIB)
#: values (array elements, message fields) in one model, node or tree file
MAX_FILE_VALUES: Final[int] = _limit("MAX_FILE_VALUES", 2_000_000)
#: labels of one string indexer column, values of one list attribute
MAX_LABELS: Final[int] = _limit("MAX_LABELS", 1_000_000)
#: characters of an op, node, port, column or attribute name
MAX_NAME_LENGTH: Final[int] = _limit("MAX_NAME_LENGTH", 256)
#: characters of one string value (a label, a string attribute)
MAX_STRING_LENGTH: Final[int] = _limit("MAX_STRING_LENGTH", 64 * 1024)
#: nodes of one decision tree
MAX_TREE_NODES: Final[int] = _limit("MAX_TREE_NODES", 65_536)
#: elements of one tensor, and the width of any vector a model declares or builds
MAX_TENSOR_ELEMENTS: Final[int] = _limit("MAX_TENSOR_ELEMENTS", 10_000_000)
#: digits of an integer in a JSON bundle file (a long has 19)
MAX_INTEGER_DIGITS: Final[int] = 40
#: characters of a BundleError message (a message quoting a hostile value stays this short)
MAX_MESSAGE_LENGTH: Final[int] = 2000
