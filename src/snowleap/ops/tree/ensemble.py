"""Trees and ensembles as flat arrays for batches, and as nested tuples for single rows.

Batch path (hummingbird's layout): the nodes of all trees are concatenated into flat arrays of
feature, threshold and children; a leaf points to itself, so routing every row through every
tree is a fixed loop of ``depth`` steps of gather / compare / gather over a ``(rows, trees)``
array of node indices (a block of rows at a time), with no Python per row.

Categorical splits (MLeap's ``CategoricalSplit``: left iff ``(x in categories) == is_left``, the
category being the feature's double value) use a table beside the thresholds: each distinct
category value of the ensemble gets a code, the values met at categorical nodes are coded with a
binary search (a value equal to no category, NaN included, gets the extra "unseen" code), and each
categorical node has a row of the table saying, per code, whether the row goes left. Continuous
splits (MLeap's ``ContinuousSplit``) go left iff ``x <= threshold``, so NaN goes right.

Row path: each tree becomes nested tuples ``(feature, threshold, left, right)`` whose leaves are
the op's leaf payloads (never tuples), walked with one comparison per node. A categorical split
becomes such a node too: the row's feature list is extended, in front, with one 0.0/1.0 value per
distinct (feature, categories) test of the ensemble (1.0 iff the value is one of the categories,
computed once per row), and the node goes right iff that value is above 0.5. Measured on the
airbnb forest (21 distinct tests, 368 categorical nodes), a third less time per walk than testing
set membership and the node kind at each visit.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Literal

from snowleap.errors import BundleError
from snowleap.numeric import np

if TYPE_CHECKING:
    from snowleap.numeric import BoolArray, FloatArray, IndexArray
    from snowleap.ops.tree.structure import DecisionTree

RowWalker = Callable[[list[float]], list[Any]]
LeafOutput = Callable[[tuple[float, ...]], Any]
#: The row path's two ways through categorical splits (``FlatEnsemble.row_walker``).
CategoryWalk = Literal["tests_up_front", "tests_where_met"]
CATEGORY_WALKS: tuple[CategoryWalk, ...] = ("tests_up_front", "tests_where_met")

# NOTE: (row, tree) pairs routed at once: a level's temporaries (a few arrays of this many
# 8-byte values) fit in a core's L2 cache. Measured on the airbnb forest (20 trees): blocks of
# 1k to 2k rows were fastest; 100k rows at once 2.5 times slower.
BLOCK_ELEMENTS = 1 << 15
# NOTE: bounds the memory of the categorical table (one byte per categorical node and code).
MAX_CATEGORY_TABLE = 1 << 26


class FlatEnsemble:
    """The trees of a model (one for a single decision tree), ready to route rows to leaves.

    Example
    -------
    >>> from snowleap.bundle.definitions import TreeNodeDef
    >>> from snowleap.ops.tree.structure import build_tree
    >>> tree = build_tree(
    ...     [TreeNodeDef("continuous", feature_index=0, threshold=1.5),
    ...      TreeNodeDef("leaf", values=(10.0,)), TreeNodeDef("leaf", values=(20.0,))],
    ...     num_features=1, where="tree.json")
    >>> ensemble = FlatEnsemble([tree])
    >>> ensemble.leaf_nodes(np.array([[1.0], [2.0]])).tolist()
    [[1], [2]]
    >>> ensemble.leaf_table(lambda values: values[0])[[1, 2]].tolist()
    [10.0, 20.0]
    """

    def __init__(self, trees: Sequence[DecisionTree]) -> None:
        if not trees:
            raise ValueError("an ensemble needs at least one tree")
        self.trees = tuple(trees)
        offsets = np.cumsum([0] + [tree.size for tree in trees])
        self.roots: IndexArray = offsets[:-1].astype(np.intp)
        self.depth = max(tree.depth for tree in trees)
        self.feature: IndexArray = np.concatenate(
            [np.asarray(tree.feature, dtype=np.intp) for tree in trees]
        )
        self.threshold: FloatArray = np.concatenate(
            [np.asarray(tree.threshold, dtype=np.float64) for tree in trees]
        )
        starts = offsets[:-1].tolist()
        left = np.concatenate(
            [np.asarray(t.left, dtype=np.intp) + s for t, s in zip(trees, starts, strict=True)]
        )
        right = np.concatenate(
            [np.asarray(t.right, dtype=np.intp) + s for t, s in zip(trees, starts, strict=True)]
        )
        # NOTE: node i's children side by side, right first: ``2 * i + go_left`` picks the next
        # node in one gather, where a left and a right gather plus a select would take three.
        self.children: IndexArray = np.empty(2 * len(left), dtype=np.intp)
        self.children[0::2] = right
        self.children[1::2] = left
        self._build_category_table()

    def _build_category_table(self) -> None:
        splits = [
            (categories, is_left)
            for tree in self.trees
            for categories, is_left in zip(tree.categories, tree.is_left, strict=True)
        ]
        categorical = [categories is not None for categories, _ in splits]
        self.is_categorical = np.asarray(categorical, dtype=np.bool_)
        self.has_categorical = any(categorical)
        # NOTE: NaN equals no category in MLeap (``Array.contains`` compares with ``==``).
        known = sorted(
            {c for categories, _ in splits if categories is not None for c in categories if c == c}
        )
        self.category_values: FloatArray = np.asarray(known, dtype=np.float64)
        unseen = len(known)
        slots = int(self.is_categorical.sum())
        if (slots + 1) * (unseen + 1) > MAX_CATEGORY_TABLE:
            raise BundleError(
                f"{self.trees[0].where} (and the model's other trees): {slots} categorical "
                f"splits over {unseen} category values are more than snowleap's table allows "
                f"({MAX_CATEGORY_TABLE} entries)"
            )
        # NOTE: row 0 serves continuous nodes and leaves; it is never selected for them.
        table = np.zeros((slots + 1, unseen + 1), dtype=np.bool_)
        slot_of = np.zeros(len(splits), dtype=np.intp)
        slot = 0
        for index, (categories, is_left) in enumerate(splits):
            if categories is None:
                continue
            slot += 1
            slot_of[index] = slot
            member = np.zeros(unseen + 1, dtype=np.bool_)
            codes = np.searchsorted(self.category_values, [c for c in categories if c == c])
            member[codes] = True
            table[slot] = member if is_left else ~member
        # NOTE: flattened, so a categorical node's answer for a code is one gather at
        # ``category_base[node] + code``.
        self.category_base: IndexArray = slot_of * (unseen + 1)
        self.goes_left: BoolArray = table.ravel()

    @property
    def num_trees(self) -> int:
        return len(self.trees)

    def _category_codes(self, features: FloatArray) -> IndexArray:
        """Each feature value's category code; values equal to no category get the last code."""
        known = self.category_values
        if len(known) == 0:
            return np.zeros(features.shape, dtype=np.intp)
        position = np.searchsorted(known, features)
        clipped = np.minimum(position, len(known) - 1)
        return np.where(known[clipped] == features, clipped, len(known))

    def leaf_nodes(self, features: FloatArray) -> IndexArray:
        """The leaf each row reaches in each tree: global node indices of shape (rows, trees)."""
        rows, width = features.shape
        trees = self.num_trees
        reached = np.empty((rows, trees), dtype=np.intp)
        flat = np.ascontiguousarray(features).ravel()
        # NOTE: rows are routed a block at a time: the (rows, trees) temporaries of one level
        # then stay in the CPU cache, which makes the whole walk about 2.5 times faster than
        # one pass over a large batch. Still no Python work per row.
        step = max(1, BLOCK_ELEMENTS // trees)
        for start in range(0, rows, step):
            stop = min(rows, start + step)
            block = stop - start
            node = np.tile(self.roots, block)
            if self.depth:
                first = start * width
                row_start = np.repeat(np.arange(first, first + block * width, width), trees)
                node = self._walk(node, row_start, flat)
            reached[start:stop] = node.reshape(block, trees)
        return reached

    def _walk(
        self,
        node: IndexArray,
        row_start: IndexArray,
        flat: FloatArray,
    ) -> IndexArray:
        """Move every (row, tree) from the roots down ``depth`` levels; leaves point to self."""
        for _ in range(self.depth):
            position = row_start + self.feature.take(node)
            value = flat.take(position)
            go_left = value <= self.threshold.take(node)
            if self.has_categorical:
                # NOTE: only the pairs sitting on a categorical node code their value and look
                # up the table.
                at_category = np.flatnonzero(self.is_categorical.take(node))
                if len(at_category):
                    go_left[at_category] = self.goes_left.take(
                        self.category_base.take(node.take(at_category))
                        + self._category_codes(value.take(at_category))
                    )
            node = self.children.take(2 * node + go_left)
        return node

    def leaf_table(self, leaf_output: LeafOutput) -> FloatArray:
        """``leaf_output(values)`` of every leaf, by global node index (zeros for inner nodes)."""
        outputs = {
            offset + i: leaf_output(tree.values[i])
            for tree, offset in zip(self.trees, self.roots.tolist(), strict=True)
            for i in tree.leaf_indices()
        }
        sample = np.asarray(next(iter(outputs.values())), dtype=np.float64)
        table = np.zeros((len(self.feature), *sample.shape), dtype=np.float64)
        for index, output in outputs.items():
            table[index] = output
        return table

    def row_walker(self, leaf_output: LeafOutput, walk: CategoryWalk | None = None) -> RowWalker:
        """A function giving, for one row's feature list, each tree's ``leaf_output(values)``.

        The outputs are built once here, so the row path shares them with ``leaf_table``.
        ``walk`` forces one of ``CATEGORY_WALKS`` (tests do, to check both); by default the
        faster one for this ensemble is chosen.
        """
        tests: dict[CategoryTest, int] = {}
        for tree in self.trees:
            for feature, categories in zip(tree.feature, tree.categories, strict=True):
                if categories is not None:
                    tests.setdefault(_category_test(feature, categories), len(tests))
        if walk is None:
            walk = self._faster_walk(len(tests))
        if walk == "tests_where_met":
            return _mixed_walker(tuple(_nested(tree, leaf_output, None) for tree in self.trees))
        roots = tuple(_nested(tree, leaf_output, tests) for tree in self.trees)
        return _walker(roots, tuple(tests))

    def _faster_walk(self, test_count: int) -> CategoryWalk:
        # NOTE: evaluating every test up front pays when a row meets more categorical nodes
        # than there are tests; else testing membership where a categorical node is met is
        # faster. Measured per walk: airbnb forest (21 tests, about 36 categorical visits)
        # 6.8 -> 5.8 us up front; the 8-tree forest fixture (27 tests, about 13) 1.65 us where
        # met, 2.6 us up front; default Snowplow bundle (13 tests, about 14) alike both ways.
        internal = sum(tree.size - len(tree.leaf_indices()) for tree in self.trees)
        visits = sum(tree.depth for tree in self.trees)
        categorical_visits = visits * int(self.is_categorical.sum()) / max(1, internal)
        return "tests_where_met" if categorical_visits < test_count else "tests_up_front"


CategoryTest = tuple[int, frozenset[float]]


def _category_test(feature: int, categories: tuple[float, ...]) -> CategoryTest:
    # NOTE: NaN equals no category in MLeap (``Array.contains`` compares with ``==``).
    return feature, frozenset(c for c in categories if c == c)


def _nested(
    tree: DecisionTree, leaf_output: LeafOutput, tests: dict[CategoryTest, int] | None
) -> Any:
    """The tree as nested tuples, built bottom-up (children follow parents in pre-order).

    With ``tests``, feature ``f`` is read at ``len(tests) + f`` and a categorical node reads its
    test ``j`` at ``j``. Without, a categorical node holds ``~feature`` (negative), the set of
    its categories in place of the threshold, and its member child first.
    """
    offset = len(tests) if tests is not None else 0
    built: list[Any] = [None] * tree.size
    for i in range(tree.size - 1, -1, -1):
        if tree.is_leaf(i):
            output = leaf_output(tree.values[i])
            if isinstance(output, tuple):
                raise TypeError("leaf outputs of the row path must not be tuples")
            built[i] = output
            continue
        categories = tree.categories[i]
        left, right = built[tree.left[i]], built[tree.right[i]]
        if categories is None:
            built[i] = (offset + tree.feature[i], tree.threshold[i], left, right)
            continue
        member, other = (left, right) if tree.is_left[i] else (right, left)
        test = _category_test(tree.feature[i], categories)
        if tests is None:
            built[i] = (~tree.feature[i], test[1], member, other)
        else:
            # NOTE: the test's value is 1.0 for a member, which is above 0.5: members go right.
            built[i] = (tests[test], 0.5, other, member)
    return built[0]


def _walker(roots: tuple[Any, ...], tests: tuple[CategoryTest, ...]) -> RowWalker:
    def leaves(x: list[float]) -> list[Any]:
        if tests:
            x = [1.0 if x[feature] in members else 0.0 for feature, members in tests] + x
        reached = []
        for node in roots:
            while node.__class__ is tuple:
                feature, threshold, left, right = node
                node = left if x[feature] <= threshold else right
            reached.append(node)
        return reached

    return leaves


def _mixed_walker(roots: tuple[Any, ...]) -> RowWalker:
    def leaves(x: list[float]) -> list[Any]:
        reached = []
        for node in roots:
            while node.__class__ is tuple:
                feature, test, first, second = node
                # NOTE: the sign of the feature index tells a categorical node: an int test is
                # the cheapest check on this hot loop.
                if feature >= 0:
                    node = first if x[feature] <= test else second
                else:
                    node = first if x[~feature] in test else second
            reached.append(node)
        return reached

    return leaves
