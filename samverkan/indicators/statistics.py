"""Honest numbers: intervals and tests for counts, rates and shares.

Pure functions over plain numbers, no ORM. Counts of crimes and events are
treated as Poisson; survey shares as binomial.
"""

import math
from dataclasses import dataclass
from types import ModuleType

CONFIDENCE = 0.95


@dataclass(frozen=True)
class Estimate:
    value: float
    low: float
    high: float


def _stats() -> ModuleType:
    """scipy.stats, imported on first use: two seconds of start-up that a process
    serving pages without computing a figure (and every test process) never pays."""
    from scipy import stats

    return stats  # type: ignore[no-any-return]  # scipy ships no stubs


def poisson_sf(count: int, mean: float) -> float:
    """P(X > count) for X ~ Poisson(mean)."""
    return float(_stats().poisson.sf(count, mean))


def poisson_interval(count: int, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Exact (Garwood) interval for a Poisson mean, from chi-square quantiles."""
    if count < 0:
        raise ValueError("count must be non-negative")
    alpha = 1 - confidence
    low = 0.0 if count == 0 else _stats().chi2.ppf(alpha / 2, 2 * count) / 2
    high = _stats().chi2.ppf(1 - alpha / 2, 2 * count + 2) / 2
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
    z = _stats().norm.ppf(1 - (1 - confidence) / 2)
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
    return float(_stats().binomtest(after, total, p).pvalue)


def share_change_p_value(successes_a: int, n_a: int, successes_b: int, n_b: int) -> float:
    """Two-sided two-proportion z-test (pooled)."""
    pooled = (successes_a + successes_b) / (n_a + n_b)
    if pooled in (0.0, 1.0):
        return 1.0
    se = math.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
    z = (successes_b / n_b - successes_a / n_a) / se
    return float(2 * _stats().norm.sf(abs(z)))


def significant(p_value: float, level: float = 1 - CONFIDENCE) -> bool:
    return p_value < level


def suppressed(count: int | None, threshold: int) -> bool:
    """Small counts are not shown, as BRÅ does, so that few events cannot be
    traced to the people involved; a suppressed value is never zero."""
    return count is not None and 0 < count < threshold
