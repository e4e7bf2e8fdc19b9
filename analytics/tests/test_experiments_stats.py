"""The experiment statistics against published worked examples."""

import math

import pytest

from analytics import experiment_stats as st


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        # Newcombe RG (1998), "Interval estimation for the difference between independent
        # proportions: comparison of eleven methods", Statistics in Medicine 17:873-890,
        # Table II, method 10 (score interval, hybrid of Wilson intervals), 95%.
        ((56, 70, 48, 80), (0.0524, 0.3339)),  # (a)
        ((9, 10, 3, 10), (0.1705, 0.8090)),  # (b)
        ((6, 7, 2, 7), (0.0582, 0.8062)),  # (c)
        ((5, 56, 0, 29), (-0.0381, 0.1926)),  # (d)
        ((0, 10, 0, 20), (-0.1611, 0.2775)),  # (e)
        ((10, 10, 0, 20), (0.6791, 1.0000)),  # (g)
    ],
)
def test_difference_interval_matches_newcombe_1998(counts, expected):
    t_conv, t_n, c_conv, c_n = counts
    result = st.compare(control=(c_conv, c_n), treatment=(t_conv, t_n), alpha=0.05)
    assert result is not None
    assert result.diff_low == pytest.approx(expected[0], abs=5e-5)
    assert result.diff_high == pytest.approx(expected[1], abs=5e-5)


def test_z_test_matches_montgomery_st_johns_wort_example():
    # Montgomery & Runger, Applied Statistics and Probability for Engineers (St. John's Wort
    # example of the two-proportion z-test): 27 of 100 on the treatment vs 19 of 100 on the
    # placebo respond; z0 = 1.34, P-value = 0.18 (two-sided).
    result = st.compare(control=(19, 100), treatment=(27, 100), alpha=0.05)
    assert result is not None
    assert result.z == pytest.approx(1.34, abs=0.005)
    assert result.p_value == pytest.approx(0.18, abs=0.005)
    # and the pooled formula by hand: p = 0.23, se = sqrt(p(1-p)(1/100 + 1/100))
    assert result.z == pytest.approx(0.08 / math.sqrt(0.23 * 0.77 * 0.02), rel=1e-9)


def test_power_matches_cohens_table_for_h_0_2():
    # Cohen (1988), Statistical Power Analysis for the Behavioral Sciences, Table 6.4.1:
    # h = 0.20, two-sided alpha 0.05, power 0.80 -> n = 392 per group (the closed form
    # 2 * ((z_0.975 + z_0.80) / h)^2 = 392.4).
    from statsmodels.stats.power import NormalIndPower

    n = NormalIndPower().solve_power(effect_size=0.2, alpha=0.05, power=0.8, ratio=1)
    assert n == pytest.approx(392.4, abs=0.1)
    # h = 0.2 from a 50% baseline is 0.5 -> 0.5993 in rates (h = 2 asin(sqrt(p2)) - 2 asin(
    # sqrt(p1))): the service plans the same 392.4, rounded up
    target = math.sin((2 * math.asin(math.sqrt(0.5)) + 0.2) / 2) ** 2
    assert st.planned_sample_size(baseline=0.5, mde=target - 0.5, alpha=0.05, power=0.8) == 393


def test_planned_sample_for_a_typical_web_test():
    # 10% baseline, +2 points: about 3,835 per variant with the arcsine effect size (the
    # usual calculators' unpooled-variance formulas give 3,623 to 3,841 for the same plan).
    n = st.planned_sample_size(baseline=0.10, mde=0.02, alpha=0.05, power=0.8)
    assert n == 3835
    assert 3600 < n < 3850


def test_relative_uplift_and_undefined_cases():
    result = st.compare(control=(100, 1000), treatment=(130, 1000), alpha=0.05)
    assert result.ratio == pytest.approx(0.3)
    assert result.ratio_low < 0.3 < result.ratio_high
    # no exposures: nothing to compare; no conversions at all: no test, an interval still
    assert st.compare(control=(0, 0), treatment=(1, 10), alpha=0.05) is None
    empty = st.compare(control=(0, 50), treatment=(0, 50), alpha=0.05)
    assert empty.p_value is None and empty.ratio is None and empty.diff == 0
    assert empty.diff_low < 0 < empty.diff_high


def test_srm_flags_a_skewed_split_only():
    assert st.srm_p(observed=[5000, 5000], weights=[50, 50]) == pytest.approx(1.0)
    # 5,000 vs 5,300 on a 50/50 split: chi-square 8.74, p = 0.0031 (not below 0.001)
    assert st.srm_p(observed=[5000, 5300], weights=[50, 50]) == pytest.approx(0.00312, abs=1e-4)
    assert st.srm_p(observed=[5000, 5600], weights=[50, 50]) < st.SRM_THRESHOLD
    assert st.srm_p(observed=[2500, 7500], weights=[25, 75]) == pytest.approx(1.0)
    assert st.srm_p(observed=[0, 0], weights=[50, 50]) is None


def test_holm_and_independence_for_several_variants():
    assert st.holm([0.01, 0.04, None]) == pytest.approx([0.02, 0.04, None])
    assert st.holm([0.03]) == [0.03]
    p = st.independence_p([(100, 1000), (100, 1000), (150, 1000)])
    assert p is not None and p < 0.01
    assert st.independence_p([(0, 10), (0, 10), (0, 10)]) is None
