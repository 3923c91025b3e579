"""``word_to_vector``: the mean of a sentence's word vectors; mirrors MLeap's
``WordToVectorModel`` (Spark's ``Word2VecModel``).

Each known word's vector is added in sentence order onto zeros (BLAS ``axpy``), then the sum is
scaled by ``1 / len(sentence)`` (BLAS ``scal``): unknown words count in the length but add
nothing. Kernel ``sqrt`` (MLeap's) divides by the sum's norm instead. An empty sentence gives
zeros (Spark and MLeap give an empty sparse vector of the same width: the same values).
``words``, ``indices`` (optional: the words' order) and ``word_vectors`` (flat, one row per
index) are MLeap's attributes.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from snowleap.bundle import store as attr
from snowleap.bundle.store import StoredNode, simple_node
from snowleap.errors import BundleError
from snowleap.ops.base import vector
from snowleap.ops.cell_map import CellError, CellFunction, CellMapOp, require_tokens
from snowleap.ops.feature.tokenizer import TOKENS
from snowleap.ops.linalg import sequential_sum

if TYPE_CHECKING:
    from snowleap.bundle.definitions import NodeShape
    from snowleap.bundle.reader import NodeContext

KERNELS = ("default", "sqrt")


def sentence_vector(
    tokens: list[Any], vectors: dict[str, list[float]], size: int, kernel: str
) -> list[float]:
    """The sentence's vector, MLeap's kernel on the known words' vectors."""
    if not tokens:
        return [0.0] * size
    total = [0.0] * size
    for token in tokens:
        found = vectors.get(token)
        if found is not None:
            total = [t + 1.0 * v for t, v in zip(total, found, strict=True)]
    if kernel == "sqrt":
        norm = math.sqrt(sequential_sum(t * t for t in total))
        return [t / norm for t in total]
    scale = 1.0 / len(tokens)
    return [scale * t for t in total]


class WordToVectorOp(CellMapOp):
    op_name = "word_to_vector"

    def __init__(
        self,
        name: str,
        input_col: str,
        output_col: str,
        words: list[str],
        word_vectors: list[list[float]],
        kernel: str,
        *,
        ports: NodeShape | None = None,
    ) -> None:
        size = len(word_vectors[0]) if word_vectors else 0
        super().__init__(name, input_col, output_col, TOKENS, vector(size), ports=ports)
        self.words = words
        self.word_vectors = word_vectors
        self.kernel = kernel
        self.size = size
        self._vectors = dict(zip(words, word_vectors, strict=True))

    @classmethod
    def from_bundle(cls, node: NodeContext) -> WordToVectorOp:
        attributes = node.attributes
        words = attributes.get_string_list("words")
        if "indices" in attributes:
            indices = attributes.get_long_list("indices")
        else:
            # NOTE: legacy form: no indices; the words are in index order, as MLeap assumes
            indices = list(range(len(words)))
        flat = attributes.get_double_vector("word_vectors")
        if not words or len(flat) % len(words) or len(indices) != len(words):
            raise BundleError(
                f"{node.where}: {len(flat)} word vector values and {len(indices)} indices for "
                f"{len(words)} words"
            )
        size = len(flat) // len(words)
        if sorted(indices) != list(range(len(words))):
            raise BundleError(f"{node.where}: 'indices' should number the words 0..n-1")
        rows = [flat[i * size : (i + 1) * size] for i in indices]
        kernel = attributes.get_string("kernel", "default")
        if kernel not in KERNELS:
            raise BundleError(f"{node.where}: kernel {kernel!r} is not one of {list(KERNELS)}")
        return cls(
            node.name,
            node.shape.standard_input(node.node_where),
            node.shape.output("output", node.node_where),
            words,
            rows,
            kernel,
            ports=node.shape,
        )

    def cell_function(self) -> CellFunction:
        vectors, size, kernel = self._vectors, self.size, self.kernel

        def average(value: Any) -> list[float]:
            tokens = require_tokens(value)
            if None in tokens:
                raise CellError("a token is null")
            return sentence_vector(tokens, vectors, size, kernel)

        return average

    def store(self) -> StoredNode:
        return stored(
            self.name, self.input_col, self.output_col, self.words, self.word_vectors, self.kernel
        )


def stored(
    name: str,
    input_col: str,
    output_col: str,
    words: list[str],
    word_vectors: list[list[float]],
    kernel: str,
) -> StoredNode:
    """The ``word_to_vector`` node MLeap writes: words, their indices, the flat vectors; the
    kernel only when it is not the default (MLeap's writer of a Spark stage writes none)."""
    attributes = {
        "words": attr.string_list(words),
        "indices": attr.long_list(list(range(len(words)))),
        "word_vectors": attr.double_list([v for row in word_vectors for v in row]),
    }
    if kernel != "default":
        attributes["kernel"] = attr.string(kernel)
    return simple_node(name, "word_to_vector", input_col, output_col, attributes)
