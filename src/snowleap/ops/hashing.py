"""MurmurHash3 (x86, 32-bit) exactly as Spark's ``Murmur3_x86_32`` computes it, seed 42.

Spark's ``HashingTF`` and ``FeatureHasher`` (Spark 3) hash a string's UTF-8 bytes with
``hashUnsafeBytes2``, the standard MurmurHash3 tail. Spark 2's ``HashingTF``, and so MLeap's
``hashing_term_frequency`` unless the bundle says ``hashUnsafeBytesVersion`` 2, used
``hashUnsafeBytes``, which mixes each tail byte (sign-extended) as a block of its own. Both are
here, as ``string_hash(text, version)``; other values hash as Spark's ``murmur3Hash`` does.
Results are Java ints (signed 32-bit); ``non_negative_mod`` is Spark's ``Utils.nonNegativeMod``.

Example
-------
>>> string_hash("a", 2), string_hash("a", 1)
(-1293573533, 1485273170)
>>> non_negative_mod(-7, 5)
3
"""

from __future__ import annotations

import struct

SEED = 42
_MASK = 0xFFFFFFFF
_C1 = 0xCC9E2D51
_C2 = 0x1B873593


def _mix_k1(k1: int) -> int:
    k1 = (k1 * _C1) & _MASK
    k1 = ((k1 << 15) | (k1 >> 17)) & _MASK
    return (k1 * _C2) & _MASK


def _mix_h1(h1: int, k1: int) -> int:
    h1 ^= k1
    h1 = ((h1 << 13) | (h1 >> 19)) & _MASK
    return (h1 * 5 + 0xE6546B64) & _MASK


def _fmix(h1: int, length: int) -> int:
    h1 ^= length
    h1 ^= h1 >> 16
    h1 = (h1 * 0x85EBCA6B) & _MASK
    h1 ^= h1 >> 13
    h1 = (h1 * 0xC2B2AE35) & _MASK
    h1 ^= h1 >> 16
    return h1 - (1 << 32) if h1 & 0x80000000 else h1


def bytes_hash(data: bytes, version: int, seed: int = SEED) -> int:
    """``hashUnsafeBytes2`` (``version`` 2) or ``hashUnsafeBytes`` (1) of ``data``."""
    length = len(data)
    aligned = length - length % 4
    h1 = seed & _MASK
    for (block,) in struct.iter_unpack("<I", data[:aligned]):
        h1 = _mix_h1(h1, _mix_k1(block))
    if version == 1:
        for byte in data[aligned:]:
            # NOTE: Java's signed byte, sign-extended to an int
            signed = byte - 256 if byte > 127 else byte
            h1 = _mix_h1(h1, _mix_k1(signed & _MASK))
    elif aligned < length:
        k1 = 0
        for shift, byte in enumerate(data[aligned:]):
            k1 ^= byte << (8 * shift)
        h1 ^= _mix_k1(k1)
    return _fmix(h1, length)


def string_hash(text: str, version: int = 2) -> int:
    """The hash of ``text``'s UTF-8 bytes (Java's ``getBytes("UTF-8")``)."""
    return bytes_hash(text.encode("utf-8", "surrogatepass"), version)


def int_hash(value: int, seed: int = SEED) -> int:
    """``hashInt``: one 4-byte block."""
    return _fmix(_mix_h1(seed & _MASK, _mix_k1(value & _MASK)), 4)


def long_hash(value: int, seed: int = SEED) -> int:
    """``hashLong``: the low then the high 4 bytes."""
    h1 = _mix_h1(seed & _MASK, _mix_k1(value & _MASK))
    h1 = _mix_h1(h1, _mix_k1((value >> 32) & _MASK))
    return _fmix(h1, 8)


def double_hash(value: float) -> int:
    """``hashLong(doubleToLongBits(value))`` (every NaN as Java's one canonical NaN)."""
    if value != value:
        return long_hash(0x7FF8000000000000)
    (bits,) = struct.unpack("<q", struct.pack("<d", value))
    return long_hash(bits)


def non_negative_mod(value: int, mod: int) -> int:
    """``value % mod`` made non-negative, as Spark's ``Utils.nonNegativeMod`` (Python's ``%``
    of a positive ``mod`` is already non-negative and equal to it)."""
    return value % mod
