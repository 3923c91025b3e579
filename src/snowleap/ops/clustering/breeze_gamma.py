"""Breeze's ``Gamma(shape, scale)`` draws over commons-math3's ``MersenneTwister(seed)``, bit
for bit: the random start of Spark's LDA topic inference.

Spark 3.5 and 4.x start every document's variational ``gamma`` from ``k`` draws of
``new Gamma(gammaShape, 1 / gammaShape)(new RandBasis(new MersenneTwister(seed)))``, a generator
seeded afresh with the model's seed for each document, so the start is one fixed vector per
model. This module reproduces it:

- ``MersenneTwister.setSeed(long)`` is MT19937's ``init_by_array`` over the two 32-bit words
  ``{seed >>> 32, seed & 0xffffffff}``; the 624-word state is handed to Python's own MT19937
  (``random.Random.setstate``), whose ``getrandbits(32)`` is the tempered output ``next(32)``;
- ``nextDouble`` is ``((next(26) << 26) | next(26)) * 2^-52`` (commons-math3's
  ``BitsStreamGenerator``: 52 bits, not ``java.util.Random``'s 53);
- ``nextGaussian`` is Box-Muller, ``sqrt(-2 log y) * cos(2 pi x)`` first, the ``sin`` twin kept
  for the next call;
- ``Gamma.draw`` is Marsaglia-Tsang for ``shape > 1`` (``nextGaussian`` then a uniform),
  ``-scale log(u)`` for ``shape == 1`` and the rejection method of numpy's ``distributions.c``
  for ``shape < 1``, as Breeze 2.1 draws them.

The JVM computes the logarithms and the cosine with ``FastMath``, within one ulp of libm's, so a
draw here can differ from the JVM's in its last bit; the inference that starts from it converges
to the same distribution far inside the 1e-9 parity bar.
"""

from __future__ import annotations

import math
import random

_N = 624
_MASK_32 = 0xFFFFFFFF
_DOUBLE_UNIT = 2.0**-52  # 0x1.0p-52: BitsStreamGenerator's 52-bit doubles


def _signed_64(value: int) -> int:
    return (value & 0xFFFFFFFFFFFFFFFF) - ((value >> 63) & 1) * (1 << 64)


def mersenne_state(seed: int) -> list[int]:
    """The 624 words ``MersenneTwister.setSeed(long)`` leaves (MT19937's ``init_by_array``)."""
    unsigned = seed & 0xFFFFFFFFFFFFFFFF
    key = [unsigned >> 32, unsigned & _MASK_32]
    mt = [0] * _N
    mt[0] = 19650218
    for i in range(1, _N):
        mt[i] = (1812433253 * (mt[i - 1] ^ (mt[i - 1] >> 30)) + i) & _MASK_32
    i, j = 1, 0
    for _ in range(max(_N, len(key))):
        mixed = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) * 1664525)) + key[j] + j
        mt[i] = mixed & _MASK_32
        i, j = i + 1, j + 1
        if i >= _N:
            mt[0], i = mt[_N - 1], 1
        if j >= len(key):
            j = 0
    for _ in range(_N - 1):
        mixed = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) * 1566083941)) - i
        mt[i] = mixed & _MASK_32
        i += 1
        if i >= _N:
            mt[0], i = mt[_N - 1], 1
    mt[0] = 0x80000000
    return mt


class CommonsMersenneTwister:
    """commons-math3's ``MersenneTwister(seed)``: ``next_double`` and ``next_gaussian``."""

    def __init__(self, seed: int) -> None:
        self._generator = random.Random()
        # NOTE: a state whose index is 624 regenerates the whole block before its first output,
        # as commons-math3's ``mti = N`` after seeding.
        self._generator.setstate((3, (*mersenne_state(_signed_64(seed)), _N), None))
        self._spare_gaussian: float | None = None

    def _next(self, bits: int) -> int:
        return self._generator.getrandbits(32) >> (32 - bits)

    def next_double(self) -> float:
        high = self._next(26) << 26
        return (high | self._next(26)) * _DOUBLE_UNIT

    def next_gaussian(self) -> float:
        spare = self._spare_gaussian
        if spare is not None:
            self._spare_gaussian = None
            return spare
        x = self.next_double()
        y = self.next_double()
        alpha = 2 * math.pi * x
        radius = math.sqrt(-2.0 * math.log(y))
        self._spare_gaussian = radius * math.sin(alpha)
        return radius * math.cos(alpha)


def gamma_draws(shape: float, scale: float, count: int, seed: int) -> list[float]:
    """``count`` draws of Breeze's ``Gamma(shape, scale)`` from a generator seeded with
    ``seed``: Spark's ``Gamma(shape, scale)(RandBasis(MersenneTwister(seed))).samplesVector``.
    """
    if not (shape > 0.0 and scale > 0.0):
        raise ValueError(
            f"a Gamma distribution needs a positive shape and scale, got {shape}, {scale}"
        )
    generator = CommonsMersenneTwister(seed)
    return [_draw(shape, scale, generator) for _ in range(count)]


def _draw(shape: float, scale: float, generator: CommonsMersenneTwister) -> float:
    if shape == 1.0:
        return scale * -_log(generator.next_double())
    if shape < 1.0:
        return scale * _draw_small_shape(shape, generator)
    d = shape - 1.0 / 3.0
    c = 1.0 / math.sqrt(9.0 * d)
    while True:
        while True:
            x = generator.next_gaussian()
            v = 1.0 + c * x
            if v > 0:
                break
        v = v * v * v
        x2 = x * x
        u = generator.next_double()
        if u < 1.0 - 0.0331 * (x2 * x2) or _log(u) < 0.5 * x2 + d * (1.0 - v + _log(v)):
            return scale * d * v


def _draw_small_shape(shape: float, generator: CommonsMersenneTwister) -> float:
    while True:
        u = generator.next_double()
        v = -_log(generator.next_double())
        if u <= 1.0 - shape:
            x = math.pow(u, 1.0 / shape)
            if x <= v:
                return x
        else:
            y = -_log((1 - u) / shape)
            x = math.pow(1.0 - shape + shape * y, 1.0 / shape)
            if x <= v + y:
                return x


def _log(x: float) -> float:
    """``Math.log``: ``-inf`` at zero (a uniform draw can be exactly 0), where Python raises."""
    return math.log(x) if x > 0.0 else -math.inf
