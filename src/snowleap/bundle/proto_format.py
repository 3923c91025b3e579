"""Bundle.ML's protobuf serialization: ``model.pb``, ``node.pb`` and length-prefixed ``tree.pb``.

The messages are those of ``bundle.proto`` (package ``ml.bundle``) and ``ext/dtree.proto``
(``ml.bundle.dtree``) in combust/bundle-protobuf; MLeap writes ``model.pb`` as one ``Model``,
``node.pb`` as one ``Node`` and a tree file as a sequence of ``dtree.Node`` messages, each after
its size as a 4-byte big-endian int (``DataOutputStream.writeInt``), in depth-first order.
``bundle.json`` stays JSON in protobuf bundles; only its ``format`` says ``"protobuf"``.

Tensor values are packed into the ``value`` bytes by MLeap's ``ArraySerializer``s: big-endian
numbers (``java.nio.ByteBuffer``), one byte per boolean, and strings as a 4-byte big-endian length
followed by the bytes. Everything parses into the same structures as ``json_format``.

The wire-format decoder is written for this job, so the runtime needs no ``protobuf`` package:
it reads varints, 64-bit, length-delimited and 32-bit fields, packed and unpacked repeated
fields, skips unknown fields, and refuses truncated input, over-long varints and lengths that run
past the end with a ``BundleError`` naming the file, the field and the byte offset.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

import numpy as np
import numpy.typing as npt

from snowleap.bundle.definitions import ModelDef, NodeDef, NodeShape, Socket, TreeNodeDef
from snowleap.bundle.values import (
    MAX_VALUE_NESTING,
    TENSOR_DTYPES,
    Attributes,
    BasicTypeName,
    DataShape,
    Tensor,
    Value,
    checked_tensor,
)
from snowleap.errors import BundleError

VARINT, FIXED64, LENGTH_DELIMITED, FIXED32 = 0, 1, 2, 5
_WIRE_NAMES = {
    VARINT: "varint",
    FIXED64: "64-bit",
    LENGTH_DELIMITED: "length-delimited",
    FIXED32: "32-bit",
}

# NOTE: enum codes of ml.bundle.BasicType and DataShapeType; 0 of BasicType is UNDEFINED.
_BASIC_TYPES: dict[int, BasicTypeName] = {
    1: "boolean",
    2: "byte",
    3: "short",
    4: "int",
    5: "long",
    6: "float",
    7: "double",
    100: "string",
    101: "byte_string",
}
_DATA_SHAPES: dict[int, Literal["scalar", "list", "tensor"]] = {0: "scalar", 1: "list", 2: "tensor"}

# NOTE: Java's ByteBuffer is big-endian; these are the element layouts MLeap writes.
_BIG_ENDIAN = {
    "byte": ">i1",
    "short": ">i2",
    "int": ">i4",
    "long": ">i8",
    "float": ">f4",
    "double": ">f8",
}


# -- the wire format ---------------------------------------------------------------------------


class _Field(NamedTuple):
    """One field occurrence: its wire type, its value and where it starts in the file.

    A varint's value is the unsigned integer; a 64-/32-bit field's is its little-endian bytes
    as an unsigned integer; a length-delimited field's is its ``(start, end)`` in the buffer.
    """

    wire: int
    value: Any
    offset: int


@dataclass
class _Message:
    """The fields of one message by number, in wire order (repeated and merged occurrences)."""

    buffer: bytes
    where: str
    # NOTE: only these field numbers are kept; others are checked for well-formedness and
    # skipped unstored, so a file of millions of unknown fields cannot exhaust memory.
    known: frozenset[int]
    fields: dict[int, list[_Field]] = field(default_factory=dict)

    def fail(self, problem: str) -> BundleError:
        return BundleError(f"{self.where}: {problem}")

    def _last(self, number: int, wire: int, what: str) -> _Field | None:
        found = self.fields.get(number)
        return self._checked(found[-1], wire, what) if found else None

    # -- singular fields: proto3 rules, absent is the zero value, the last occurrence wins ----

    def varint(self, number: int, what: str) -> int:
        found = self._last(number, VARINT, what)
        return 0 if found is None else int(found.value)

    def int32(self, number: int, what: str) -> int:
        found = self._last(number, VARINT, what)
        return 0 if found is None else _signed(found.value, 32, self, f"field {what}")

    def int64(self, number: int, what: str) -> int:
        return _signed(self.varint(number, what), 64, self, f"field {what}")

    def uint32(self, number: int, what: str) -> int:
        found = self._last(number, VARINT, what)
        if found is None:
            return 0
        if found.value >= 1 << 32:
            raise self.fail(f"field {what} at byte {found.offset} does not fit a uint32")
        return int(found.value)

    def boolean(self, number: int, what: str) -> bool:
        return self.varint(number, what) != 0

    def double(self, number: int, what: str) -> float:
        found = self._last(number, FIXED64, what)
        return 0.0 if found is None else _DOUBLE.unpack(_U64.pack(found.value))[0]

    def float32(self, number: int, what: str) -> float:
        found = self._last(number, FIXED32, what)
        return 0.0 if found is None else _FLOAT.unpack(_U32.pack(found.value))[0]

    def byte_string(self, number: int, what: str) -> bytes:
        found = self._last(number, LENGTH_DELIMITED, what)
        if found is None:
            return b""
        start, end = found.value
        return self.buffer[start:end]

    def string(self, number: int, what: str) -> str:
        found = self._last(number, LENGTH_DELIMITED, what)
        if found is None:
            return ""
        return _utf8(self.buffer, found, self, what)

    def message(self, number: int, what: str, known: frozenset[int]) -> _Message | None:
        """The embedded message, or ``None`` if absent; several occurrences merge (spec).

        ``known`` are the field numbers of the embedded message's type.
        """
        found = self.fields.get(number)
        if not found:
            return None
        return self._decode_all(found, number, what, known)

    def _decode_all(
        self, found: list[_Field], number: int, what: str, known: frozenset[int]
    ) -> _Message:
        merged = _Message(self.buffer, f"{self.where}: {what}", known)
        for occurrence in found:
            if occurrence.wire != LENGTH_DELIMITED:
                raise self.fail(
                    f"field {what} (number {number}) at byte {occurrence.offset} is "
                    f"{_WIRE_NAMES.get(occurrence.wire, occurrence.wire)}, expected a message"
                )
            start, end = occurrence.value
            _decode_into(merged, start, end)
        return merged

    def oneof(self, numbers: tuple[int, ...]) -> int | None:
        """Which member of a oneof is set: the one that occurs last on the wire (spec)."""
        best: tuple[int, int] | None = None
        for number in numbers:
            for occurrence in self.fields.get(number, ()):
                if best is None or occurrence.offset > best[0]:
                    best = (occurrence.offset, number)
        return None if best is None else best[1]

    # -- repeated fields -----------------------------------------------------------------------

    def messages(self, number: int, what: str, known: frozenset[int]) -> list[_Message]:
        return [
            self._decode_all([occurrence], number, f"{what}[{i}]", known)
            for i, occurrence in enumerate(self.fields.get(number, ()))
        ]

    def strings(self, number: int, what: str) -> list[str]:
        return [
            _utf8(self.buffer, self._checked(o, LENGTH_DELIMITED, what), self, what)
            for o in self.fields.get(number, ())
        ]

    def byte_strings(self, number: int, what: str) -> list[bytes]:
        out = []
        for occurrence in self.fields.get(number, ()):
            start, end = self._checked(occurrence, LENGTH_DELIMITED, what).value
            out.append(self.buffer[start:end])
        return out

    def packed_varints(self, number: int, what: str) -> list[int]:
        """A repeated varint field, packed (proto3's default) or not, in wire order."""
        values: list[int] = []
        for occurrence in self.fields.get(number, ()):
            if occurrence.wire == VARINT:
                values.append(int(occurrence.value))
            elif occurrence.wire == LENGTH_DELIMITED:
                pos, end = occurrence.value
                while pos < end:
                    value, pos = _varint(self.buffer, pos, end, self, what)
                    values.append(value)
            else:
                self._checked(occurrence, VARINT, what)
        return values

    def packed_fixed(self, number: int, what: str, width: Literal[4, 8]) -> list[float]:
        """A repeated double (``width`` 8) or float (4) field, packed or not, in wire order."""
        wire, layout = (FIXED64, "<f8") if width == 8 else (FIXED32, "<f4")
        values: list[float] = []
        for occurrence in self.fields.get(number, ()):
            if occurrence.wire == wire:
                packed = occurrence.value.to_bytes(width, "little")
                values.extend(np.frombuffer(packed, dtype=layout).tolist())
            elif occurrence.wire == LENGTH_DELIMITED:
                start, end = occurrence.value
                if (end - start) % width:
                    raise self.fail(
                        f"packed field {what} at byte {occurrence.offset} holds {end - start} "
                        f"bytes, not a whole number of {width}-byte values"
                    )
                count = (end - start) // width
                values.extend(np.frombuffer(self.buffer, layout, count, start).tolist())
            else:
                self._checked(occurrence, wire, what)
        return [float(v) for v in values]

    def _checked(self, occurrence: _Field, wire: int, what: str) -> _Field:
        if occurrence.wire != wire:
            raise self.fail(
                f"field {what} at byte {occurrence.offset} is "
                f"{_WIRE_NAMES.get(occurrence.wire, occurrence.wire)}, expected {_WIRE_NAMES[wire]}"
            )
        return occurrence


_U64 = struct.Struct("<Q")
_U32 = struct.Struct("<I")
_DOUBLE = struct.Struct("<d")
_FLOAT = struct.Struct("<f")


def _varint(buffer: bytes, pos: int, end: int, message: _Message, what: str) -> tuple[int, int]:
    """Read a base-128 varint at ``pos``; at most 10 bytes, as protobuf allows for 64 bits."""
    start = pos
    result = 0
    shift = 0
    while True:
        if pos >= end:
            raise message.fail(f"{what}: truncated varint at byte {start}")
        byte = buffer[pos]
        pos += 1
        if shift == 63 and byte & 0x7F > 1:
            raise message.fail(f"{what}: varint at byte {start} overflows 64 bits")
        result |= (byte & 0x7F) << shift
        if byte < 0x80:
            return result, pos
        shift += 7
        if shift > 63:
            raise message.fail(f"{what}: over-long varint at byte {start} (more than 10 bytes)")


def _decode_into(message: _Message, start: int, end: int) -> None:
    """Add the fields found in ``buffer[start:end]`` to ``message``."""
    buffer = message.buffer
    fields = message.fields
    known = message.known
    pos = start
    while pos < end:
        offset = pos
        # NOTE: most keys, small values and lengths are one byte; reading those inline
        # halves the time of a big forest's tree files.
        key = buffer[pos]
        if key < 0x80:
            pos += 1
        else:
            key, pos = _varint(buffer, pos, end, message, "field key")
        number, wire = key >> 3, key & 7
        if number == 0 or key >= 1 << 32:
            raise message.fail(f"invalid field number {number} at byte {offset}")
        value: Any
        if wire == VARINT:
            if pos < end and buffer[pos] < 0x80:
                value = buffer[pos]
                pos += 1
            else:
                value, pos = _varint(buffer, pos, end, message, f"field {number}")
        elif wire in (FIXED64, FIXED32):
            width = 8 if wire == FIXED64 else 4
            if end - pos < width:
                raise message.fail(
                    f"field {number} at byte {offset}: truncated {width * 8}-bit value"
                )
            value = int.from_bytes(buffer[pos : pos + width], "little")
            pos += width
        elif wire == LENGTH_DELIMITED:
            if pos < end and buffer[pos] < 0x80:
                length = buffer[pos]
                pos += 1
            else:
                length, pos = _varint(buffer, pos, end, message, f"length of field {number}")
            if length > end - pos:
                raise message.fail(
                    f"field {number} at byte {offset}: length {length} runs past the end "
                    f"({end - pos} bytes left)"
                )
            value = (pos, pos + length)
            pos += length
        else:
            # NOTE: wire types 3/4 are proto2 groups, never written by proto3 Bundle.ML files.
            raise message.fail(f"field {number} at byte {offset}: unsupported wire type {wire}")
        if number in known:
            fields.setdefault(number, []).append(_Field(wire, value, offset))


def _decode(
    buffer: bytes, where: str, known: frozenset[int], start: int = 0, end: int | None = None
) -> _Message:
    message = _Message(buffer, where, known)
    _decode_into(message, start, len(buffer) if end is None else end)
    return message


def _utf8(buffer: bytes, found: _Field, message: _Message, what: str) -> str:
    start, end = found.value
    try:
        return buffer[start:end].decode("utf-8")
    except UnicodeDecodeError:
        raise message.fail(f"field {what} at byte {found.offset} is not valid UTF-8") from None


# -- Bundle.ML messages ------------------------------------------------------------------------

# The field numbers of each message type (bundle.proto, ext/dtree.proto).
_MODEL = frozenset({1, 2})  # op, attributes
_ATTRIBUTES = frozenset({1})  # map<string, Value> list
_MAP_ENTRY = frozenset({1, 2})  # key, value
_VALUE = frozenset({1, 2, 3})  # oneof s, l, t
_SCALAR_OR_LIST = frozenset(range(1, 12))  # b, s, i, l, f, d, bs, t, bt, ds, m
_TENSOR = frozenset({1, 2, 3})  # base, shape, value
_TENSOR_SHAPE = frozenset({1})  # dimensions
_DIMENSION = frozenset({1})  # size (name is unused)
_DATA_SHAPE = frozenset({1, 2, 3})  # base, is_nullable, tensor_shape
_NODE = frozenset({1, 2})  # name, shape
_NODE_SHAPE = frozenset({1, 2})  # inputs, outputs
_SOCKET = frozenset({1, 2})  # port, name
_TREE_NODE = frozenset({1, 2})  # oneof internal, leaf
_INTERNAL = frozenset({1})  # split
_SPLIT = frozenset({1, 2})  # oneof categorical, continuous
_CATEGORICAL = frozenset({1, 2, 3, 4})  # feature_index, is_left, num_categories, categories
_CONTINUOUS = frozenset({1, 2})  # feature_index, threshold
_LEAF = frozenset({1})  # values


class ProtoFormat:
    """Parses the protobuf serialization of Bundle.ML.

    Example
    -------
    >>> ProtoFormat().parse_node(b"\\n\\x04node", "root/node.pb").name
    'node'
    """

    name = "protobuf"
    extension = "pb"

    def parse_model(self, data: bytes, where: str) -> ModelDef:
        return _model(_decode(bytes(data), where, _MODEL), depth=0)

    def parse_node(self, data: bytes, where: str) -> NodeDef:
        node = _decode(bytes(data), where, _NODE)
        shape = node.message(2, "shape", _NODE_SHAPE)
        return NodeDef(
            name=node.string(1, "name"),
            shape=NodeShape(
                inputs=_sockets(shape, 1, "inputs"), outputs=_sockets(shape, 2, "outputs")
            ),
        )

    def parse_tree(self, data: bytes, where: str) -> list[TreeNodeDef]:
        buffer = bytes(data)
        nodes: list[TreeNodeDef] = []
        pos = 0
        while pos < len(buffer):
            if len(buffer) - pos < 4:
                raise BundleError(
                    f"{where}: tree node {len(nodes)} at byte {pos}: truncated size prefix"
                )
            size = int.from_bytes(buffer[pos : pos + 4], "big", signed=True)
            start = pos + 4
            if size < 0 or size > len(buffer) - start:
                raise BundleError(
                    f"{where}: tree node {len(nodes)} at byte {pos}: size {size} runs past "
                    f"the end ({len(buffer) - start} bytes left)"
                )
            message = _decode(
                buffer, f"{where}: tree node {len(nodes)}", _TREE_NODE, start, start + size
            )
            nodes.append(_tree_node(message))
            pos = start + size
        return nodes


def _model(message: _Message, depth: int) -> ModelDef:
    op = message.string(1, "op")
    if not op:
        raise message.fail("'op' should be a non-empty string, got ''")
    attributes = message.message(2, "attributes", _ATTRIBUTES)
    values: dict[str, Value] = {}
    entries = attributes.messages(1, "list", _MAP_ENTRY) if attributes is not None else []
    for entry in entries:
        name = entry.string(1, "key")
        raw = entry.message(2, "value", _VALUE)
        where = f"attribute {name!r}"
        values[name] = (
            Value(kind="scalar")
            if raw is None
            else _value(_renamed(raw, message.where, where), depth)
        )
    return ModelDef(op=op, attributes=Attributes(values=values, where=message.where))


def _renamed(message: _Message, file_where: str, what: str) -> _Message:
    """The message with errors reported as ``<file>: <what>`` (attribute names, not numbers)."""
    return _Message(message.buffer, f"{file_where}: {what}", message.known, message.fields)


def _value(message: _Message, depth: int) -> Value:
    kind = message.oneof((1, 2, 3))
    if kind == 2:
        return Value(
            kind="list",
            fields=_list_fields(_must(message.message(2, "list", _SCALAR_OR_LIST)), depth),
        )
    if kind == 3:
        return Value(kind="tensor", tensor=_tensor(_must(message.message(3, "tensor", _TENSOR))))
    scalar = message.message(1, "scalar", _SCALAR_OR_LIST)
    # NOTE: a value with no member set reads as an all-zero scalar, as ScalaPB's getS does.
    return Value(kind="scalar", fields={} if scalar is None else _scalar_fields(scalar, depth))


def _must(message: _Message | None) -> _Message:
    assert message is not None, "oneof() only returns members that occur"
    return message


def _scalar_fields(message: _Message, depth: int) -> dict[str, Any]:
    """The scalar's fields that are present; absent ones read as zero, like JSON's omitted keys."""
    present = message.fields
    fields: dict[str, Any] = {}
    readers: tuple[tuple[int, str, Callable[[int, str], Any]], ...] = (
        (1, "boolean", message.boolean),
        (2, "string", message.string),
        (3, "int", message.int32),
        (4, "long", message.int64),
        (5, "float", message.float32),
        (6, "double", message.double),
        (7, "byte_string", message.byte_string),
    )
    for number, name, read in readers:
        if number in present:
            fields[name] = read(number, name)
    tensor = message.message(8, "tensor", _TENSOR)
    if tensor is not None:
        fields["tensor"] = _tensor(tensor)
    if 9 in present:
        fields["basic_type"] = _basic_type_name(message.int32(9, "basic_type"), message)
    shape = message.message(10, "data_shape", _DATA_SHAPE)
    if shape is not None:
        fields["data_shape"] = _data_shape(shape)
    model = message.message(11, "model", _MODEL)
    if model is not None:
        fields["model"] = _nested_model(model, depth)
    return fields


def _list_fields(message: _Message, depth: int) -> dict[str, Any]:
    """The list's non-empty fields, as MLeap's JSON writer keeps only non-empty lists."""
    fields: dict[str, Any] = {
        "boolean": [v != 0 for v in message.packed_varints(1, "boolean")],
        "string": message.strings(2, "string"),
        "int": [_signed(v, 32, message, "int") for v in message.packed_varints(3, "int")],
        "long": [_signed(v, 64, message, "long") for v in message.packed_varints(4, "long")],
        "float": message.packed_fixed(5, "float", 4),
        "double": message.packed_fixed(6, "double", 8),
        "byte_string": message.byte_strings(7, "byte_string"),
        "tensor": [_tensor(t) for t in message.messages(8, "tensor", _TENSOR)],
        "basic_type": [
            _basic_type_name(_signed(v, 32, message, "basic_type"), message)
            for v in message.packed_varints(9, "basic_type")
        ],
        "data_shape": [_data_shape(s) for s in message.messages(10, "data_shape", _DATA_SHAPE)],
        "model": [_nested_model(m, depth) for m in message.messages(11, "model", _MODEL)],
    }
    return {name: items for name, items in fields.items() if items}


def _signed(raw: int, bits: Literal[32, 64], message: _Message, what: str) -> int:
    """A varint as a signed int; negative int32s are written sign-extended to 64 bits."""
    value = raw - (1 << 64) if raw >= 1 << 63 else raw
    if bits == 32 and not -(1 << 31) <= value < 1 << 31:
        raise message.fail(f"{what}: {value} does not fit an int32")
    return value


def _basic_type_name(code: int, message: _Message) -> str:
    if code == 0:
        # NOTE: UNDEFINED; MLeap's JSON names it "unknown".
        return "unknown"
    name = _BASIC_TYPES.get(code)
    if name is None:
        raise message.fail(f"unknown basic type code {code}")
    return name


def _nested_model(message: _Message, depth: int) -> ModelDef:
    if depth >= MAX_VALUE_NESTING:
        raise message.fail(f"models nest deeper than {MAX_VALUE_NESTING} levels")
    return _model(message, depth + 1)


def _dimensions(message: _Message | None) -> tuple[int, ...]:
    if message is None:
        return ()
    return tuple(d.int32(1, "size") for d in message.messages(1, "dimensions", _DIMENSION))


def _data_shape(message: _Message) -> DataShape:
    code = message.int32(1, "base")
    base = _DATA_SHAPES.get(code)
    if base is None:
        raise message.fail(f"unknown data shape base code {code}")
    shape = message.message(3, "tensor_shape", _TENSOR_SHAPE)
    return DataShape(
        base=base,
        is_nullable=message.boolean(2, "is_nullable"),
        tensor_dimensions=None if shape is None else _dimensions(shape),
    )


def _tensor(message: _Message) -> Tensor:
    code = message.int32(1, "base")
    base = _BASIC_TYPES.get(code)
    if base is None:
        raise message.fail(f"tensor has no values of a known type (base code {code})")
    dimensions = _dimensions(message.message(2, "shape", _TENSOR_SHAPE))
    raw = message.byte_string(3, "value")
    return checked_tensor(base, dimensions, _tensor_values(base, raw, message), message.where)


def _tensor_values(base: BasicTypeName, raw: bytes, message: _Message) -> npt.NDArray[Any]:
    """Decode the ``value`` bytes of a tensor as MLeap's ``ArraySerializer`` wrote them."""
    if base == "boolean":
        flags = np.frombuffer(raw, dtype=np.uint8)
        if np.any(flags > 1):
            raise message.fail("tensor value: boolean bytes should be 0 or 1")
        return flags.astype(np.bool_)
    if base in ("string", "byte_string"):
        return _length_prefixed(base, raw, message)
    layout = np.dtype(_BIG_ENDIAN[base])
    if len(raw) % layout.itemsize:
        raise message.fail(
            f"tensor value: {len(raw)} bytes is not a whole number of "
            f"{layout.itemsize}-byte {base} values"
        )
    return np.frombuffer(raw, dtype=layout).astype(TENSOR_DTYPES[base])


def _length_prefixed(
    base: Literal["string", "byte_string"], raw: bytes, message: _Message
) -> npt.NDArray[np.object_]:
    items: list[str | bytes] = []
    pos = 0
    while pos < len(raw):
        if len(raw) - pos < 4:
            raise message.fail(f"tensor value: item {len(items)} has a truncated size prefix")
        size = int.from_bytes(raw[pos : pos + 4], "big", signed=True)
        pos += 4
        if size < 0 or size > len(raw) - pos:
            raise message.fail(
                f"tensor value: item {len(items)} of size {size} runs past the end "
                f"({len(raw) - pos} bytes left)"
            )
        chunk = raw[pos : pos + size]
        pos += size
        items.append(chunk if base == "byte_string" else _tensor_string(chunk))
    values = np.empty(len(items), dtype=object)
    values[:] = items
    return values


def _tensor_string(chunk: bytes) -> str:
    # NOTE: MLeap writes a string tensor with DataOutputStream.writeBytes, which keeps the low
    # byte of each char, so non-ASCII text arrives as Latin-1; other writers use UTF-8. Valid
    # UTF-8 is taken as such, anything else is the Latin-1 text MLeap meant.
    try:
        return chunk.decode("utf-8")
    except UnicodeDecodeError:
        return chunk.decode("latin-1")


def _sockets(shape: _Message | None, number: int, what: str) -> tuple[Socket, ...]:
    if shape is None:
        return ()
    return tuple(
        Socket(port=s.string(1, "port"), name=s.string(2, "name"))
        for s in shape.messages(number, what, _SOCKET)
    )


def _tree_node(message: _Message) -> TreeNodeDef:
    kind = message.oneof((1, 2))
    if kind == 2:
        leaf = _must(message.message(2, "leaf", _LEAF))
        return TreeNodeDef(kind="leaf", values=tuple(leaf.packed_fixed(1, "values", 8)))
    if kind is None:
        raise message.fail("tree node is neither internal nor leaf")
    internal = _must(message.message(1, "internal", _INTERNAL))
    split = internal.message(1, "split", _SPLIT)
    split_kind = None if split is None else split.oneof((1, 2))
    if split is None or split_kind is None:
        raise message.fail("internal node has no split")
    if split_kind == 2:
        continuous = _must(split.message(2, "continuous", _CONTINUOUS))
        return TreeNodeDef(
            kind="continuous",
            feature_index=continuous.uint32(1, "feature_index"),
            threshold=continuous.double(2, "threshold"),
        )
    categorical = _must(split.message(1, "categorical", _CATEGORICAL))
    return TreeNodeDef(
        kind="categorical",
        feature_index=categorical.uint32(1, "feature_index"),
        is_left=categorical.boolean(2, "is_left"),
        num_categories=categorical.uint32(3, "num_categories"),
        categories=tuple(categorical.packed_fixed(4, "categories", 8)),
    )
