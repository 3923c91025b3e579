"""The families and links of a generalized linear model, as Spark's ``GeneralizedLinearRegression``
defines them for scoring: a link's inverse (linear predictor -> mean) and a family's projection of
the mean into its valid range (``FamilyAndLink.fitted``).

Each function exists for one value and for a batch, with the same operations in the same order
(libm's ``exp`` and ``erf`` element by element, Java's ``pow``), so both paths agree to the bit.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from snowleap.errors import BundleError
from snowleap.numeric import np
from snowleap.ops.classification.probability_math import (
    exp_batch,
    exp_row,
    sigmoid_batch,
    sigmoid_row,
)
from snowleap.ops.jvm_math import elementwise, java_pow

if TYPE_CHECKING:
    from snowleap.numeric import FloatArray

RowFunction = Callable[[float], float]
BatchFunction = Callable[["FloatArray"], "FloatArray"]

TWEEDIE = "tweedie"
POWER = "power"
#: Each named family's link when the model names none (Spark's and MLeap's ``defaultLink``)
DEFAULT_LINKS = {"gaussian": "identity", "binomial": "logit", "poisson": "log", "gamma": "inverse"}
LINKS = ("identity", "logit", "log", "inverse", "probit", "cloglog", "sqrt")
#: The named family Spark's tweedie of this variance power is (``Family.fromParams``)
TWEEDIE_FAMILIES = {0.0: "gaussian", 1.0: "poisson", 2.0: "gamma"}
#: The named link Spark's power link of this power is (``Link.fromParams``)
POWER_LINKS = {0.0: "log", 1.0: "identity", -1.0: "inverse", 0.5: "sqrt"}

EPSILON = 1e-16
_SQRT2 = math.sqrt(2.0)
_MAX = sys.float_info.max


@dataclass(frozen=True)
class FamilyAndLink:
    """A resolved pair: ``family`` a named family or ``tweedie`` (then ``variance_power``),
    ``link`` a named link or ``power`` (then ``link_power``)."""

    family: str
    link: str
    variance_power: float | None = None
    link_power: float | None = None

    @property
    def named(self) -> bool:
        """Whether MLeap's names say it all (MLeap has no tweedie family, no power link)."""
        return self.family != TWEEDIE and self.link != POWER


@dataclass(frozen=True)
class GlmParams:
    """A model's family and link as its node gives them (``None``: absent)."""

    family: str
    link: str | None = None
    variance_power: float | None = None
    link_power: float | None = None

    def resolved(self, where: str) -> FamilyAndLink:
        return resolve(self.family, self.link, self.variance_power, self.link_power, where)


def resolve(
    family: str,
    link: str | None,
    variance_power: float | None,
    link_power: float | None,
    where: str,
) -> FamilyAndLink:
    """The pair Spark scores with for these params (``FamilyAndLink.apply``): a tweedie family
    of power 0, 1 or 2 is the Gaussian, Poisson or gamma family; a power link of power 0, 1, -1
    or 0.5 is the log, identity, inverse or sqrt link; no link is the family's default."""
    if family == TWEEDIE:
        if variance_power is None:
            raise BundleError(f"{where}: a tweedie family needs 'variance_power'")
        named_family = TWEEDIE_FAMILIES.get(variance_power)
        power = link_power
        if power is None:
            if named_family is not None:
                return FamilyAndLink(named_family, DEFAULT_LINKS[named_family])
            power = 1.0 - variance_power
        chosen = POWER_LINKS.get(power) if link_power is not None else None
        if named_family is None:
            if chosen is not None:
                return FamilyAndLink(TWEEDIE, chosen, variance_power)
            return FamilyAndLink(TWEEDIE, POWER, variance_power, power)
        if chosen is not None:
            return FamilyAndLink(named_family, chosen)
        return FamilyAndLink(named_family, POWER, link_power=power)
    if family not in DEFAULT_LINKS:
        raise BundleError(
            f"{where}: unknown family {family!r} (expected one of "
            f"{', '.join([*DEFAULT_LINKS, TWEEDIE])})"
        )
    chosen_link = link if link is not None else DEFAULT_LINKS[family]
    if chosen_link not in LINKS:
        raise BundleError(
            f"{where}: unknown link {chosen_link!r} (expected one of {', '.join(LINKS)})"
        )
    return FamilyAndLink(family, chosen_link)


def _inverse_row(eta: float) -> float:
    # NOTE: Java's 1 / 0 is an infinity of the zero's sign, not an error.
    return 1.0 / eta if eta != 0.0 else math.copysign(math.inf, eta)


def _probit_row(eta: float) -> float:
    # breeze's Gaussian(0, 1).cdf: 0.5 * (1 + erf((x - mu) / sqrt2 / sigma))
    return 0.5 * (1.0 + math.erf(eta / _SQRT2))


def _cloglog_row(eta: float) -> float:
    return 1.0 - exp_row(-1.0 * exp_row(eta))


def _inverse_batch(eta: FloatArray) -> FloatArray:
    with np.errstate(divide="ignore"):
        return 1.0 / eta


def _probit_batch(eta: FloatArray) -> FloatArray:
    return 0.5 * (1.0 + elementwise(math.erf, eta / _SQRT2))


def _cloglog_batch(eta: FloatArray) -> FloatArray:
    return 1.0 - exp_batch(-1.0 * exp_batch(eta))


_UNLINKS: dict[str, tuple[RowFunction, BatchFunction]] = {
    "identity": (lambda eta: eta, lambda eta: eta),
    "logit": (sigmoid_row, sigmoid_batch),
    "log": (exp_row, exp_batch),
    "inverse": (_inverse_row, _inverse_batch),
    "probit": (_probit_row, _probit_batch),
    "cloglog": (_cloglog_row, _cloglog_batch),
    "sqrt": (lambda eta: eta * eta, lambda eta: eta * eta),
}


def _power_unlinks(power: float) -> tuple[RowFunction, BatchFunction]:
    if power == 0.0:
        return exp_row, exp_batch
    exponent = 1.0 / power

    def unlink_row(eta: float) -> float:
        return java_pow(eta, exponent)

    def unlink_batch(eta: FloatArray) -> FloatArray:
        return elementwise(unlink_row, eta)

    return unlink_row, unlink_batch


def _project_gaussian_row(mu: float) -> float:
    if mu == -math.inf:
        return -_MAX
    return _MAX if mu == math.inf else mu


def _project_binomial_row(mu: float) -> float:
    if mu < EPSILON:
        return EPSILON
    return 1.0 - EPSILON if mu > 1.0 - EPSILON else mu


def _project_positive_row(mu: float) -> float:
    # the tweedie family's (Poisson, gamma and every other power)
    if mu < EPSILON:
        return EPSILON
    return _MAX if mu == math.inf else mu


def _project_gaussian_batch(mu: FloatArray) -> FloatArray:
    return np.where(mu == -math.inf, -_MAX, np.where(mu == math.inf, _MAX, mu))


def _project_binomial_batch(mu: FloatArray) -> FloatArray:
    return np.where(mu < EPSILON, EPSILON, np.where(mu > 1.0 - EPSILON, 1.0 - EPSILON, mu))


def _project_positive_batch(mu: FloatArray) -> FloatArray:
    return np.where(mu < EPSILON, EPSILON, np.where(mu == math.inf, _MAX, mu))


_PROJECTIONS: dict[str, tuple[RowFunction, BatchFunction]] = {
    "gaussian": (_project_gaussian_row, _project_gaussian_batch),
    "binomial": (_project_binomial_row, _project_binomial_batch),
    "poisson": (_project_positive_row, _project_positive_batch),
    "gamma": (_project_positive_row, _project_positive_batch),
    TWEEDIE: (_project_positive_row, _project_positive_batch),
}


def fitted_functions(pair: FamilyAndLink) -> tuple[RowFunction, BatchFunction]:
    """``family.project(link.unlink(eta))``, for one value and for a batch."""
    if pair.link == POWER:
        assert pair.link_power is not None, "resolve gives a power link its power"
        unlink_row, unlink_batch = _power_unlinks(pair.link_power)
    else:
        unlink_row, unlink_batch = _UNLINKS[pair.link]
    project_row, project_batch = _PROJECTIONS[pair.family]

    def fitted_row(eta: float) -> float:
        return project_row(unlink_row(eta))

    def fitted_batch(eta: FloatArray) -> FloatArray:
        with np.errstate(all="ignore"):
            return project_batch(unlink_batch(eta))

    return fitted_row, fitted_batch
