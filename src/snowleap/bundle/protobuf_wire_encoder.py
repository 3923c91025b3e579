"""The protobuf wire format, written: the encoder beside the runtime's decoder.

Only what proto3 messages need: varints (negative ``int32``/``int64`` sign-extended to ten
bytes, as the spec says), 64- and 32-bit little-endian numbers, length-delimited bytes, strings
and embedded messages, and packed repeated numbers. Singular scalar fields holding their zero
value are left out (proto3's rule, which protobuf's own encoders follow); an embedded message is
written whenever it is given, empty or not, because its presence is what it says (a ``oneof``
member, a set sub-message).

Example
-------
>>> ProtoMessage().string(1, "node").varint(2, 150).to_bytes()
b'\\n\\x04node\\x10\\x96\\x01'
"""

from __future__ import annotations

import struct
from collections.abc import Iterable

VARINT, FIXED64, LENGTH_DELIMITED, FIXED32 = 0, 1, 2, 5

_DOUBLE = struct.Struct("<d")
_FLOAT = struct.Struct("<f")
_MAX_FIELD_NUMBER = (1 << 29) - 1


def varint(value: int) -> bytes:
    """Base-128 varint of ``value``; a negative value is taken as its 64-bit two's complement."""
    if value < 0:
        value += 1 << 64
    if not 0 <= value < 1 << 64:
        raise ValueError(f"{value} does not fit 64 bits")
    out = bytearray()
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def field_key(number: int, wire: int) -> bytes:
    if not 1 <= number <= _MAX_FIELD_NUMBER:
        raise ValueError(f"invalid protobuf field number {number}")
    return varint(number << 3 | wire)


class ProtoMessage:
    """One message being encoded; each method appends a field and returns the message."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def to_bytes(self) -> bytes:
        return b"".join(self._parts)

    # -- singular fields (zero values left out) ------------------------------------------------

    def varint(self, number: int, value: int) -> ProtoMessage:
        """An ``int32``/``int64``/``uint32``/enum field."""
        if value:
            self._parts += (field_key(number, VARINT), varint(value))
        return self

    def boolean(self, number: int, value: bool) -> ProtoMessage:
        return self.varint(number, 1 if value else 0)

    def double(self, number: int, value: float) -> ProtoMessage:
        # NOTE: -0.0 and NaN are not the zero value: their bits differ from 0.0's, so they stay.
        packed = _DOUBLE.pack(value)
        if packed != _DOUBLE.pack(0.0):
            self._parts += (field_key(number, FIXED64), packed)
        return self

    def float32(self, number: int, value: float) -> ProtoMessage:
        packed = _FLOAT.pack(value)
        if packed != _FLOAT.pack(0.0):
            self._parts += (field_key(number, FIXED32), packed)
        return self

    def byte_string(self, number: int, value: bytes) -> ProtoMessage:
        if value:
            self._length_delimited(number, value)
        return self

    def string(self, number: int, value: str) -> ProtoMessage:
        return self.byte_string(number, value.encode("utf-8"))

    def message(self, number: int, value: ProtoMessage) -> ProtoMessage:
        """An embedded message, written even when empty (its presence carries meaning)."""
        self._length_delimited(number, value.to_bytes())
        return self

    # -- repeated fields -----------------------------------------------------------------------

    def messages(self, number: int, values: Iterable[ProtoMessage]) -> ProtoMessage:
        for value in values:
            self.message(number, value)
        return self

    def strings(self, number: int, values: Iterable[str]) -> ProtoMessage:
        for value in values:
            self._length_delimited(number, value.encode("utf-8"))
        return self

    def byte_strings(self, number: int, values: Iterable[bytes]) -> ProtoMessage:
        for value in values:
            self._length_delimited(number, value)
        return self

    def packed_varints(self, number: int, values: Iterable[int]) -> ProtoMessage:
        """A packed repeated varint field (proto3's default for numbers); empty: left out."""
        payload = b"".join(varint(v) for v in values)
        if payload:
            self._length_delimited(number, payload)
        return self

    def packed_doubles(self, number: int, values: Iterable[float]) -> ProtoMessage:
        payload = b"".join(_DOUBLE.pack(v) for v in values)
        if payload:
            self._length_delimited(number, payload)
        return self

    def packed_floats(self, number: int, values: Iterable[float]) -> ProtoMessage:
        payload = b"".join(_FLOAT.pack(v) for v in values)
        if payload:
            self._length_delimited(number, payload)
        return self

    def _length_delimited(self, number: int, payload: bytes) -> None:
        self._parts += (field_key(number, LENGTH_DELIMITED), varint(len(payload)), payload)
