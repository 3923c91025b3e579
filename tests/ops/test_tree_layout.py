"""The compact tree layout: the compiled ``tree.pb`` decoder builds exactly what the Python
decoder builds from the same file (Google's protobuf encodes it, packed and not), and leaves every
file it cannot read canonically to the Python decoder, whose error then names the fault."""

from __future__ import annotations

import logging
import random
from array import array

import pytest

import snowleap
from snowleap.bundle.proto_format import ProtoFormat
from snowleap.ops.tree import compiled
from snowleap.ops.tree.compiled import compiled_walker
from snowleap.ops.tree.layout import TreeLayout
from snowleap.ops.tree.leaves import vote_shares
from snowleap.ops.tree.scoring import TreeScorer
from snowleap.ops.tree.structure import LayoutBuilder
from tests.bundle.protobuf_bundles import ProtobufWriter
from tests.tree_nodes import random_tree_nodes, tree_leaf, tree_split

NUM_FEATURES = 4
ARRAYS = (
    "roots", "depths", "feature", "threshold", "left", "right", "split_set", "set_start",
    "set_values", "set_is_left", "written_start", "written_values", "written_num_categories",
    "leaf_values",
)  # fmt: skip


def encoded_forest(seed: int, packed: bool = True) -> list[bytes]:
    rng = random.Random(seed)
    writer = ProtobufWriter(packed=packed)
    return [
        writer.tree(random_tree_nodes(rng, NUM_FEATURES, lambda: [rng.random(), 2.0], depth=6))
        for _ in range(5)
    ]


def built(files: list[bytes], compiled: bool) -> tuple[TreeLayout, list[bool]]:
    builder = LayoutBuilder(NUM_FEATURES, 2, "class counts")
    module = compiled_walker()
    used = []
    for number, data in enumerate(files):
        builder.begin_tree(f"tree{number}.pb")
        took = compiled and module is not None and builder.append_compiled(module, data)
        if not took:
            ProtoFormat().parse_tree_into(data, f"tree{number}.pb", builder)
        used.append(took)
        builder.end_tree()
    return builder.layout(), used


def arrays(layout: TreeLayout) -> dict[str, list[float]]:
    return {name: getattr(layout, name).tolist() for name in ARRAYS}


def test_the_compiled_decoder_builds_the_python_decoders_layout() -> None:
    assert compiled_walker() is not None, "snowleap._treewalk did not load"
    files = encoded_forest(seed=7)
    compiled, used = built(files, compiled=True)
    assert all(used), "every canonical file goes through the compiled decoder"
    python, _ = built(files, compiled=False)
    assert arrays(compiled) == arrays(python)
    assert compiled.has_categorical


def test_unpacked_values_are_left_to_the_python_decoder() -> None:
    files = encoded_forest(seed=3, packed=False)
    compiled, used = built(files, compiled=True)
    assert not any(used)
    assert arrays(compiled) == arrays(built(encoded_forest(seed=3), compiled=False)[0])


@pytest.mark.parametrize(
    ("nodes", "cut", "message"),
    [
        ([tree_split(0, 1.0), tree_leaf(1.0, 2.0)], 0, "truncated: node 0 is missing its right"),
        ([tree_split(9, 1.0), tree_leaf(1.0, 2.0), tree_leaf(1.0, 2.0)], 0, "splits on feature 9"),
        ([tree_leaf(1.0)], 0, "leaf at node 0 has 1 values, expected 2 class counts"),
        ([tree_leaf(1.0, 2.0), tree_leaf(1.0, 2.0)], 0, r"node\(s\) after the end"),
        ([tree_leaf(1.0, 2.0)], 3, "runs past the end"),
    ],
)
def test_faulty_files_get_the_python_decoders_error(nodes, cut: int, message: str) -> None:
    data = ProtobufWriter().tree(nodes)
    data = data[: len(data) - cut]
    module = compiled_walker()
    assert module is not None
    builder = LayoutBuilder(NUM_FEATURES, 2, "class counts")
    builder.begin_tree("tree.pb")
    assert not builder.append_compiled(module, data)
    with pytest.raises(snowleap.BundleError, match=message):
        ProtoFormat().parse_tree_into(data, "tree.pb", builder)
        builder.end_tree()


@pytest.mark.parametrize("compiled", [True, False])
def test_vote_shares_divide_by_the_sequential_total(compiled: bool, monkeypatch) -> None:
    if not compiled:
        monkeypatch.setenv("SNOWLEAP_PURE_PYTHON_TREES", "1")
    counts = array("d", [1.0, 2.0, 0.0, 0.0, 0.1, 0.2, 3.0, 0.0])
    shares = vote_shares(counts, 2).tolist()
    assert shares == [
        1.0 / 3.0,
        2.0 / 3.0,
        0.0,
        0.0,
        0.1 / (0.1 + 0.2),
        0.2 / (0.1 + 0.2),
        1.0,
        0.0,
    ]


def test_without_the_extension_snowleap_says_so_once_and_walks_in_python(
    monkeypatch, caplog
) -> None:
    def missing() -> None:
        raise ImportError("no module named snowleap._treewalk")

    monkeypatch.delenv("SNOWLEAP_PURE_PYTHON_TREES", raising=False)
    monkeypatch.setattr(compiled, "_import_extension", missing)
    compiled.forget_compiled_walker()
    try:
        with caplog.at_level(logging.WARNING, logger="snowleap"):
            assert compiled.compiled_walker() is None
            assert compiled.compiled_walker() is None
            layout, _ = built(encoded_forest(seed=1), compiled=True)
            assert not TreeScorer(layout, layout.leaf_values, 2, "sum").compiled
    finally:
        compiled.forget_compiled_walker()
    warnings = [r for r in caplog.records if "compiled tree walker" in r.getMessage()]
    assert len(warnings) == 1
    assert "pure-Python walkers" in warnings[0].getMessage()
