"""The ``handle_invalid`` attribute shared by several ops: what to do with a value the model
cannot handle (an unseen label, a NaN, an index out of range).

Mirrors MLeap's ``HandleInvalid``: ``error`` raises, ``skip`` drops the row, ``keep`` maps the
value to an extra bucket. Some ops cannot skip (MLeap reads them with ``canSkip = false``).
"""

from __future__ import annotations

from typing import Literal

from snowleap.bundle.values import Attributes
from snowleap.errors import BundleError

HandleInvalid = Literal["error", "skip", "keep"]
_POLICIES: tuple[HandleInvalid, ...] = ("error", "skip", "keep")


def read_handle_invalid(
    attributes: Attributes,
    op_name: str,
    *,
    default: HandleInvalid | None = "error",
    can_skip: bool = True,
) -> HandleInvalid:
    """The ``handle_invalid`` attribute, or ``default`` when absent (``None``: it is required).

    Example
    -------
    >>> read_handle_invalid(node.attributes, "bucketizer")  # doctest: +SKIP
    'keep'
    """
    if "handle_invalid" not in attributes and default is not None:
        return default
    value = attributes.get_string("handle_invalid")
    allowed = _POLICIES if can_skip else ("error", "keep")
    if value not in allowed:
        raise BundleError(
            f"{attributes.where}: {op_name} 'handle_invalid' is {value!r}; "
            f"expected one of {', '.join(repr(a) for a in allowed)}"
        )
    return value
