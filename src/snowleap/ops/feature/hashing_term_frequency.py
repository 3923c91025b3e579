"""``hashing_term_frequency``: counts tokens into a sparse vector of ``num_features`` slots by
their MurmurHash3; mirrors MLeap's ``HashingTermFrequencyModel`` (Spark's ``HashingTF``).

A token's slot is ``nonNegativeMod(murmur3(token), num_features)`` (``ops.hashing``, Spark's hash
to the bit); a slot counts its tokens, or holds 1.0 when ``binary``. The output is always sparse
(a 2^18-wide vector holds only its tokens' slots, on both paths). ``hashUnsafeBytesVersion`` 2
is Spark 3's string hash; a bundle without it (MLeap < 0.20, Spark 2) hashes with version 1, as
MLeap reads it. A null token hashes as Spark hashes null (the seed); a null list is refused.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from snowleap.bundle import store as attr
from snowleap.bundle.store import StoredNode, simple_node
from snowleap.errors import BundleError
from snowleap.ops.base import vector
from snowleap.ops.cell_map import CellFunction, CellMapOp, require_tokens
from snowleap.ops.feature.tokenizer import TOKENS
from snowleap.ops.hashing import SEED, non_negative_mod, string_hash
from snowleap.ops.sparse import SparseVector

if TYPE_CHECKING:
    from snowleap.bundle.definitions import NodeShape
    from snowleap.bundle.reader import NodeContext

# NOTE: the hashes of recent tokens, so a row's repeated words are hashed once; bounded, since
# a caller's text is unbounded. Clearing it all at once keeps it simple and cheap.
_CACHE_SIZE = 1 << 16


class TermHasher:
    """Token -> slot, Spark's ``HashingTF.indexOf``, with a bounded cache of recent tokens."""

    def __init__(self, num_features: int, version: int) -> None:
        self.num_features = num_features
        self.version = version
        self._slots: dict[str, int] = {}

    def slot(self, token: str | None) -> int:
        if token is None:
            return non_negative_mod(SEED, self.num_features)
        slot = self._slots.get(token)
        if slot is None:
            if len(self._slots) >= _CACHE_SIZE:
                self._slots.clear()
            slot = non_negative_mod(string_hash(token, self.version), self.num_features)
            self._slots[token] = slot
        return slot


def term_frequencies(tokens: list[Any], hasher: TermHasher, binary: bool) -> SparseVector:
    """The hashed counts of one token list, slots in increasing order."""
    counts: dict[int, float] = {}
    slot = hasher.slot
    for token in tokens:
        index = slot(token)
        counts[index] = 1.0 if binary else counts.get(index, 0.0) + 1.0
    indices = sorted(counts)
    return SparseVector(hasher.num_features, indices, [counts[i] for i in indices])


class HashingTermFrequencyOp(CellMapOp):
    op_name = "hashing_term_frequency"

    def __init__(
        self,
        name: str,
        input_col: str,
        output_col: str,
        num_features: int,
        binary: bool,
        version: int | None,
        *,
        ports: NodeShape | None = None,
    ) -> None:
        super().__init__(name, input_col, output_col, TOKENS, vector(num_features), ports=ports)
        self.num_features = num_features
        self.binary = binary
        self.version = version
        self.hasher = TermHasher(num_features, version if version is not None else 1)

    @classmethod
    def from_bundle(cls, node: NodeContext) -> HashingTermFrequencyOp:
        attributes = node.attributes
        num_features = attributes.get_long("num_features")
        if not 0 < num_features < 1 << 31:
            raise BundleError(
                f"{node.where}: 'num_features' should be in [1, 2^31), got {num_features}"
            )
        version = None
        if "hashUnsafeBytesVersion" in attributes:
            version = attributes.get_int("hashUnsafeBytesVersion")
            if version not in (1, 2):
                raise BundleError(
                    f"{node.where}: 'hashUnsafeBytesVersion' should be 1 or 2, got {version}"
                )
        # NOTE: legacy form (MLeap < 0.20): no version stored; MLeap hashes with version 1.
        return cls(
            node.name,
            node.shape.standard_input(node.node_where),
            node.shape.output("output", node.node_where),
            num_features,
            attributes.get_bool("binary", False),
            version,
            ports=node.shape,
        )

    def cell_function(self) -> CellFunction:
        hasher, binary = self.hasher, self.binary

        def count(value: Any) -> SparseVector:
            return term_frequencies(require_tokens(value), hasher, binary)

        return count

    def store(self) -> StoredNode:
        return stored(
            self.name,
            self.input_col,
            self.output_col,
            self.num_features,
            self.binary,
            self.version,
        )


def stored(
    name: str,
    input_col: str,
    output_col: str,
    num_features: int,
    binary: bool,
    version: int | None,
) -> StoredNode:
    """The ``hashing_term_frequency`` node MLeap writes (``version`` as newer MLeaps do)."""
    attributes = {"num_features": attr.long(num_features), "binary": attr.boolean(binary)}
    if version is not None:
        attributes["hashUnsafeBytesVersion"] = attr.int32(version)
    return simple_node(name, "hashing_term_frequency", input_col, output_col, attributes)
