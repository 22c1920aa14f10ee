"""Honest numbers: intervals and tests for counts, rates and shares.

Pure functions over plain numbers, no ORM. Counts of crimes and events are
treated as Poisson; survey shares as binomial.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

CONFIDENCE = 0.95


@dataclass(frozen=True)
class Estimate:
    value: float
    low: float
    high: float


def _special() -> ModuleType:
    """scipy.special's functions, imported on first use. The distributions of
    scipy.stats wrap the same functions at a millisecond a call (a refresh calls them
    thousands of times) and take two seconds to import; these take microseconds."""
    from scipy import special

    return special  # type: ignore[no-any-return]  # scipy ships no stubs


def _binomial() -> ModuleType:
    # The binomial distribution's functions, which scipy.stats.binomtest itself calls
    # (scipy.special does not export them by name).
    from scipy.special import _ufuncs

    return _ufuncs  # type: ignore[no-any-return]


def poisson_sf(count: int, mean: float) -> float:
    """P(X > count) for X ~ Poisson(mean)."""
    return float(_special().pdtrc(count, mean))


def poisson_interval(count: int, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Exact (Garwood) interval for a Poisson mean: the chi-square quantiles
    χ²(α/2, 2k)/2 and χ²(1-α/2, 2k+2)/2, as the inverse regularised gamma function."""
    if count < 0:
        raise ValueError("count must be non-negative")
    alpha = 1 - confidence
    gammaincinv = _special().gammaincinv
    low = 0.0 if count == 0 else gammaincinv(count, alpha / 2)
    high = gammaincinv(count + 1, 1 - alpha / 2)
    return float(low), float(high)


def count_estimate(count: int) -> Estimate:
    low, high = poisson_interval(count)
    return Estimate(float(count), low, high)


def rate_estimate(count: int, population: int, per: int = 1000) -> Estimate:
    """A rate per `per` inhabitants; the population is taken as exact."""
    if population <= 0:
        raise ValueError("population must be positive")
    low, high = poisson_interval(count)
    scale = per / population
    return Estimate(count * scale, low * scale, high * scale)


def wilson_interval(successes: int, n: int, confidence: float = CONFIDENCE) -> tuple[float, float]:
    if n <= 0 or not 0 <= successes <= n:
        raise ValueError("need 0 <= successes <= n and n > 0")
    z = float(_special().ndtri(1 - (1 - confidence) / 2))
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def share_estimate(successes: int, n: int) -> Estimate:
    low, high = wilson_interval(successes, n)
    return Estimate(successes / n, low, high)


def poisson_change_p_value(
    before: int, after: int, exposure_before: float = 1.0, exposure_after: float = 1.0
) -> float:
    """Two-sided p-value that two Poisson rates are equal: conditional on the
    total, `after` is binomial with p = exposure_after / (sum of exposures)."""
    total = before + after
    if total == 0:
        return 1.0
    p = exposure_after / (exposure_before + exposure_after)
    return binomial_two_sided_p(after, total, p)


def binomial_two_sided_p(k: int, n: int, p: float) -> float:
    """The two-sided p-value of `k` successes in `n` trials of probability `p`: the
    probability of every outcome no likelier than `k` (scipy.stats.binomtest's method,
    with the same relative tolerance, on scalars)."""
    functions = _binomial()

    def pmf(x: int) -> float:
        return float(functions._binom_pmf(x, n, p))

    def cdf(x: int) -> float:
        return float(functions._binom_cdf(x, n, p)) if x >= 0 else 0.0

    def sf(x: int) -> float:
        return float(functions._binom_sf(x, n, p)) if x >= 0 else 1.0

    d = pmf(k) * (1 + 1e-7)
    if k < p * n:
        # The first outcome above the mode no likelier than k.
        ix = _last_at_most(lambda x: -pmf(x), -d, math.ceil(p * n), n)
        y = n - ix + int(d == pmf(ix))
        value = cdf(k) + sf(n - y)
    else:
        ix = _last_at_most(pmf, d, 0, math.floor(p * n))
        value = cdf(ix) + sf(k - 1)
    return min(1.0, value)


def _last_at_most(a: Callable[[int], float], d: float, lo: int, hi: int) -> int:
    """The i in [lo, hi] with a(i) <= d < a(i + 1), `a` ascending there (binary search)."""
    while lo < hi:
        mid = lo + (hi - lo) // 2
        value = a(mid)
        if value < d:
            lo = mid + 1
        elif value > d:
            hi = mid - 1
        else:
            lo = hi = mid
    return lo if a(lo) <= d else lo - 1


def share_change_p_value(successes_a: int, n_a: int, successes_b: int, n_b: int) -> float:
    """Two-sided two-proportion z-test (pooled)."""
    pooled = (successes_a + successes_b) / (n_a + n_b)
    if pooled in (0.0, 1.0):
        return 1.0
    se = math.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
    z = (successes_b / n_b - successes_a / n_a) / se
    return float(2 * _special().ndtr(-abs(z)))


def significant(p_value: float, level: float = 1 - CONFIDENCE) -> bool:
    return p_value < level


def suppressed(count: int | None, threshold: int) -> bool:
    """Small counts are not shown, as BRÅ does, so that few events cannot be
    traced to the people involved; a suppressed value is never zero."""
    return count is not None and 0 < count < threshold
