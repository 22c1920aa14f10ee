"""Statistics checked against values computed by hand or from tables."""

import pytest

from samverkan.indicators import statistics as s


def test_exact_poisson_interval_matches_the_garwood_table():
    # Garwood (1936), 95 %: 0 → (0, 3.689), 1 → (0.0253, 5.572), 10 → (4.795, 18.39)
    assert s.poisson_interval(0) == pytest.approx((0.0, 3.6889), abs=1e-4)
    assert s.poisson_interval(1) == pytest.approx((0.02532, 5.5716), abs=1e-4)
    assert s.poisson_interval(10) == pytest.approx((4.7954, 18.3904), abs=1e-4)


def test_a_rate_scales_the_count_interval():
    estimate = s.rate_estimate(10, 20_000)  # per 1,000
    assert estimate.value == pytest.approx(0.5)
    assert (estimate.low, estimate.high) == pytest.approx((4.7954 / 20, 18.3904 / 20), abs=1e-4)


def test_wilson_interval_by_hand():
    # p = 0.5, n = 100, z = 1.95996: centre 0.5, half = z*sqrt(0.0025 + z²/40000)/(1 + z²/100)
    low, high = s.wilson_interval(50, 100)
    assert (low, high) == pytest.approx((0.4038, 0.5962), abs=1e-4)
    assert s.wilson_interval(0, 10)[0] == 0.0
    assert s.wilson_interval(0, 10)[1] == pytest.approx(0.2775, abs=1e-4)


def test_a_change_is_significant_only_when_the_counts_say_so():
    assert not s.significant(s.poisson_change_p_value(10, 14))  # p ≈ 0.54
    assert s.significant(s.poisson_change_p_value(100, 150))
    # Exact: 2·P(X ≥ 150 | n = 250, p = ½); the normal approximation gives 0.0019.
    assert s.poisson_change_p_value(100, 150) == pytest.approx(0.00188, abs=2e-5)
    # With twice the population, 150 against 100 is a fall in the rate, not a rise.
    # Expected 166.7 of 250 under equal rates: z ≈ −2.24, p ≈ 0.027.
    assert s.poisson_change_p_value(100, 150, 1.0, 2.0) == pytest.approx(0.0269, abs=5e-4)


def test_share_change_by_hand():
    # 30/100 against 45/100: pooled 0.375, se 0.06847, z 2.191, p 0.0285
    assert s.share_change_p_value(30, 100, 45, 100) == pytest.approx(0.0285, abs=1e-3)


def test_small_counts_are_suppressed_but_zero_is_zero():
    assert s.suppressed(3, threshold=5)
    assert not s.suppressed(0, threshold=5)
    assert not s.suppressed(5, threshold=5)
    assert not s.suppressed(None, threshold=5)


def test_bad_input_is_refused():
    with pytest.raises(ValueError):
        s.poisson_interval(-1)
    with pytest.raises(ValueError):
        s.rate_estimate(1, 0)
    with pytest.raises(ValueError):
        s.wilson_interval(11, 10)


def test_the_fast_functions_give_scipy_stats_own_figures():
    """The tests and intervals call scipy.special directly (microseconds a call rather than
    a millisecond); they must give what scipy.stats gives, to the last digit."""
    import random

    from scipy import stats as scipy_stats

    from samverkan.indicators import statistics as ours

    chooser = random.Random(7)  # noqa: S311 - reproducible test inputs
    for _ in range(3000):
        n = chooser.choice([1, 2, 3, 7, 40, 300, 2500, 40000])
        k, p = chooser.randint(0, n), chooser.choice([0.5, 0.25, 0.9, chooser.random()])
        assert ours.binomial_two_sided_p(k, n, p) == pytest.approx(
            scipy_stats.binomtest(k, n, p).pvalue, rel=1e-12, abs=1e-300
        ), (k, n, p)
    for count in (0, 1, 4, 37, 999, 123456):
        low = 0.0 if count == 0 else scipy_stats.chi2.ppf(0.025, 2 * count) / 2
        high = scipy_stats.chi2.ppf(0.975, 2 * count + 2) / 2
        assert ours.poisson_interval(count) == pytest.approx((low, high), rel=1e-12)
        assert ours.poisson_sf(count, 40.0) == pytest.approx(scipy_stats.poisson.sf(count, 40.0), rel=1e-12)
    assert ours.share_change_p_value(30, 100, 45, 100) == pytest.approx(
        2 * scipy_stats.norm.sf((0.45 - 0.30) / (0.375 * 0.625 * 0.02) ** 0.5), rel=1e-12
    )
