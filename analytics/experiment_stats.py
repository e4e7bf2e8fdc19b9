"""The statistics of an A/B test, from statsmodels and scipy (no hand-written formulas).

- Planned sample size per variant: ``NormalIndPower`` on Cohen's effect size h
  (``proportion_effectsize``: the arcsine difference of the baseline and baseline + MDE), two
  sided, equal groups.
- Absolute uplift (treatment - control): Newcombe's hybrid score interval (method 10 of
  Newcombe 1998), ``confint_proportions_2indep(method="newcomb")``: good coverage with small
  counts and rates near 0, where the Wald interval is too narrow.
- Relative uplift (treatment / control - 1): the adjusted log ratio interval
  (``method="log-adjusted"``, 0.5 added to each cell, so a zero count still has one).
- Significance: the pooled two-proportion z-test (``proportions_ztest``), the textbook test;
  with more than one treatment the p-values vs control are Holm-adjusted, and a chi-square
  test of independence over all variants (``scipy.stats.chi2_contingency``) is shown too.
- Sample ratio mismatch: chi-square goodness of fit of the exposures against the weights
  (``scipy.stats.chisquare``), flagged below p = 0.001 (the usual SRM threshold).

Every figure is ``None`` where it is undefined (no exposures yet, 0/0), never NaN.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from scipy import stats as scipy_stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    proportion_effectsize,
    proportions_ztest,
)

SRM_THRESHOLD = 0.001


def _finite(value: float) -> float | None:
    value = float(value)
    return value if math.isfinite(value) else None


def planned_sample_size(*, baseline: float, mde: float, alpha: float, power: float) -> int:
    """Units per variant to detect an absolute change of ``mde`` from ``baseline``."""
    target = min(max(baseline + mde, 1e-6), 1 - 1e-6)
    effect = abs(proportion_effectsize(target, baseline))
    n = NormalIndPower().solve_power(
        effect_size=effect, alpha=alpha, power=power, ratio=1.0, alternative="two-sided"
    )
    return math.ceil(float(n))


@dataclass(frozen=True)
class Comparison:
    """A treatment against the control (rates are conversions / exposures)."""

    diff: float
    diff_low: float | None
    diff_high: float | None
    ratio: float | None  # relative uplift, treatment / control - 1
    ratio_low: float | None
    ratio_high: float | None
    z: float | None
    p_value: float | None


def compare(
    *, control: tuple[int, int], treatment: tuple[int, int], alpha: float
) -> Comparison | None:
    """``control`` and ``treatment`` are (conversions, exposures); None without exposures."""
    c_conv, c_n = control
    t_conv, t_n = treatment
    if c_n <= 0 or t_n <= 0:
        return None
    low, high = confint_proportions_2indep(
        t_conv, t_n, c_conv, c_n, method="newcomb", compare="diff", alpha=alpha
    )
    ratio = ratio_low = ratio_high = None
    if c_conv > 0:
        ratio = (t_conv / t_n) / (c_conv / c_n) - 1
        r_low, r_high = confint_proportions_2indep(
            t_conv, t_n, c_conv, c_n, method="log-adjusted", compare="ratio", alpha=alpha
        )
        ratio_low, ratio_high = _finite(r_low - 1), _finite(r_high - 1)
    z = p = None
    if 0 < c_conv + t_conv < c_n + t_n:  # the pooled rate is neither 0 nor 1
        z_value, p_value = proportions_ztest([t_conv, c_conv], [t_n, c_n])
        z, p = _finite(z_value), _finite(p_value)
    return Comparison(
        diff=t_conv / t_n - c_conv / c_n,
        diff_low=_finite(low),
        diff_high=_finite(high),
        ratio=ratio,
        ratio_low=ratio_low,
        ratio_high=ratio_high,
        z=z,
        p_value=p,
    )


def holm(p_values: Sequence[float | None]) -> list[float | None]:
    """Holm-adjusted p-values (None stays None): several treatments against one control."""
    known = [(i, p) for i, p in enumerate(p_values) if p is not None]
    out: list[float | None] = list(p_values)
    if len(known) > 1:
        adjusted = multipletests([p for _, p in known], method="holm")[1]
        for (i, _), value in zip(known, adjusted, strict=True):
            out[i] = float(value)
    return out


def independence_p(rows: Sequence[tuple[int, int]]) -> float | None:
    """Chi-square test that conversion does not depend on the variant; rows (conv, n)."""
    table = [[conv, n - conv] for conv, n in rows if n > 0]
    if len(table) < 2 or any(sum(col) == 0 for col in zip(*table, strict=True)):
        return None
    return _finite(scipy_stats.chi2_contingency(table, correction=False).pvalue)


def srm_p(*, observed: Sequence[int], weights: Sequence[int]) -> float | None:
    """Chi-square goodness of fit of the units per variant against the planned weights."""
    total, weight_sum = sum(observed), sum(weights)
    if total == 0 or weight_sum == 0 or len(observed) < 2:
        return None
    expected = [total * w / weight_sum for w in weights]
    return _finite(scipy_stats.chisquare(list(observed), f_exp=expected).pvalue)
