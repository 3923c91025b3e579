"""A tree file into the layout: the compiled protobuf decoder when it can, else the format's own.

The compiled decoder (``snowleap._treewalk.append_protobuf_tree``) reads a ``tree.pb`` of
canonical messages (what MLeap and snowleap write) straight into the layout's arrays. Anything
else, and every malformed file, goes through the format's Python decoder, which accepts every
valid encoding and words the error; so both give the same layout or the same error.
"""

from __future__ import annotations

from snowleap.bundle.reader import ModelContext
from snowleap.ops.tree.compiled import compiled_walker
from snowleap.ops.tree.structure import LayoutBuilder


def read_tree_into(model: ModelContext, builder: LayoutBuilder) -> None:
    """Append the tree in ``model``'s ``tree`` file to ``builder``."""
    data, where = model.tree_file()
    builder.begin_tree(where)
    module = compiled_walker()
    if (
        module is None
        or model.format.name != "protobuf"
        or not builder.append_compiled(module, data)
    ):
        model.format.parse_tree_into(data, where, builder)
    builder.end_tree()
