"""A protobuf wire-format decoder, written for Bundle.ML's files so the runtime needs no
``protobuf`` package (and no numpy). It knows nothing of Bundle.ML: ``proto_format`` maps its
messages to the format's structures.

It reads varints, 64-bit, length-delimited and 32-bit fields, packed and unpacked repeated
fields, merges repeated occurrences of embedded messages, skips unknown fields, and refuses
truncated input, over-long varints and lengths that run past the end with a ``BundleError``
naming the file, the field and the byte offset.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

from snowleap.bundle import limits
from snowleap.errors import BundleError

VARINT, FIXED64, LENGTH_DELIMITED, FIXED32 = 0, 1, 2, 5
_WIRE_NAMES = {
    VARINT: "varint",
    FIXED64: "64-bit",
    LENGTH_DELIMITED: "length-delimited",
    FIXED32: "32-bit",
}

_U64 = struct.Struct("<Q")
_U32 = struct.Struct("<I")
_DOUBLE = struct.Struct("<d")
_FLOAT = struct.Struct("<f")
_PACKED = {8: (FIXED64, "d"), 4: (FIXED32, "f")}


class WireField(NamedTuple):
    """One field occurrence: its wire type, its value and where it starts in the file.

    A varint's value is the unsigned integer; a 64-/32-bit field's is its little-endian bytes
    as an unsigned integer; a length-delimited field's is its ``(start, end)`` in the buffer.
    """

    wire: int
    value: Any
    offset: int


@dataclass
class Message:
    """The fields of one message by number, in wire order (repeated and merged occurrences).

    The typed readers take the field number and a name for error messages (the field's name in
    the ``.proto`` file).
    """

    buffer: bytes
    where: str
    # NOTE: only these field numbers are kept; others are checked for well-formedness and
    # skipped unstored, so a file of millions of unknown fields cannot exhaust memory.
    known: frozenset[int]
    fields: dict[int, list[WireField]] = field(default_factory=dict)

    def fail(self, problem: str) -> BundleError:
        return BundleError(f"{self.where}: {problem}")

    def renamed(self, where: str) -> Message:
        """The same message, its errors reported as ``where`` (an attribute's name, say)."""
        return Message(self.buffer, where, self.known, self.fields)

    def _last(self, number: int, wire: int, what: str) -> WireField | None:
        found = self.fields.get(number)
        return self._checked(found[-1], wire, what) if found else None

    # -- singular fields: proto3 rules, absent is the zero value, the last occurrence wins ----

    def varint(self, number: int, what: str) -> int:
        found = self._last(number, VARINT, what)
        return 0 if found is None else int(found.value)

    def int32(self, number: int, what: str) -> int:
        found = self._last(number, VARINT, what)
        return 0 if found is None else signed(found.value, 32, self, f"field {what}")

    def int64(self, number: int, what: str) -> int:
        return signed(self.varint(number, what), 64, self, f"field {what}")

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

    def message(self, number: int, what: str, known: frozenset[int]) -> Message | None:
        """The embedded message, or ``None`` if absent; several occurrences merge (spec).

        ``known`` are the field numbers of the embedded message's type.
        """
        found = self.fields.get(number)
        if not found:
            return None
        return self._decode_all(found, number, what, known)

    def _decode_all(
        self, found: list[WireField], number: int, what: str, known: frozenset[int]
    ) -> Message:
        merged = Message(self.buffer, f"{self.where}: {what}", known)
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

    def messages(self, number: int, what: str, known: frozenset[int]) -> list[Message]:
        return [
            self._decode_all([occurrence], number, f"{what}[{i}]", known)
            for i, occurrence in enumerate(self.fields.get(number, ()))
        ]

    def strings(self, number: int, what: str) -> list[str]:
        found = self.fields.get(number, ())
        if len(found) > limits.MAX_LABELS:
            raise self.fail(
                f"field {what}: {len(found)} strings, more than {limits.MAX_LABELS} "
                "(SNOWLEAP_MAX_LABELS)"
            )
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
        wire, code = _PACKED[width]
        values: list[float] = []
        for occurrence in self.fields.get(number, ()):
            if occurrence.wire == wire:
                values.extend(struct.unpack(f"<{code}", occurrence.value.to_bytes(width, "little")))
            elif occurrence.wire == LENGTH_DELIMITED:
                start, end = occurrence.value
                if (end - start) % width:
                    raise self.fail(
                        f"packed field {what} at byte {occurrence.offset} holds {end - start} "
                        f"bytes, not a whole number of {width}-byte values"
                    )
                count = (end - start) // width
                values.extend(struct.unpack_from(f"<{count}{code}", self.buffer, start))
            else:
                self._checked(occurrence, wire, what)
        return values

    def _checked(self, occurrence: WireField, wire: int, what: str) -> WireField:
        if occurrence.wire != wire:
            raise self.fail(
                f"field {what} at byte {occurrence.offset} is "
                f"{_WIRE_NAMES.get(occurrence.wire, occurrence.wire)}, expected {_WIRE_NAMES[wire]}"
            )
        return occurrence


def decode(
    buffer: bytes, where: str, known: frozenset[int], start: int = 0, end: int | None = None
) -> Message:
    """The message in ``buffer[start:end]``; ``known`` are its type's field numbers."""
    message = Message(buffer, where, known)
    _decode_into(message, start, len(buffer) if end is None else end)
    return message


def signed(raw: int, bits: Literal[32, 64], message: Message, what: str) -> int:
    """A varint as a signed int; negative int32s are written sign-extended to 64 bits."""
    value = raw - (1 << 64) if raw >= 1 << 63 else raw
    if bits == 32 and not -(1 << 31) <= value < 1 << 31:
        raise message.fail(f"{what}: {value} does not fit an int32")
    return value


def _varint(buffer: bytes, pos: int, end: int, message: Message, what: str) -> tuple[int, int]:
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


def _decode_into(message: Message, start: int, end: int) -> None:
    """Add the fields found in ``buffer[start:end]`` to ``message``."""
    buffer = message.buffer
    fields = message.fields
    known = message.known
    pos = start
    # NOTE: a field costs an object; a file of tiny fields must not cost gigabytes.
    budget = limits.MAX_FILE_VALUES
    while pos < end:
        budget -= 1
        if budget < 0:
            raise message.fail(
                f"more than {limits.MAX_FILE_VALUES} fields in one message "
                "(SNOWLEAP_MAX_FILE_VALUES)"
            )
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
            fields.setdefault(number, []).append(WireField(wire, value, offset))


def _utf8(buffer: bytes, found: WireField, message: Message, what: str) -> str:
    start, end = found.value
    if end - start > 4 * limits.MAX_STRING_LENGTH:
        raise message.fail(
            f"field {what} at byte {found.offset}: a string of {end - start} bytes, more than "
            f"{limits.MAX_STRING_LENGTH} characters can take (SNOWLEAP_MAX_STRING_LENGTH)"
        )
    try:
        return buffer[start:end].decode("utf-8")
    except UnicodeDecodeError:
        raise message.fail(f"field {what} at byte {found.offset} is not valid UTF-8") from None
