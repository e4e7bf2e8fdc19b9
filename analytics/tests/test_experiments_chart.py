"""The experiment page's interval chart: positions on one scale around zero, hand-computed."""

import pytest

from analytics.charts_experiments import uplift_chart
from analytics.experiment_stats import Comparison
from analytics.selectors.experiments import VariantResult


def _variant(name, *, control=False, diff=None, low=None, high=None, significant=False):
    comparison = (
        None
        if diff is None
        else Comparison(
            diff=diff,
            diff_low=low,
            diff_high=high,
            ratio=None,
            ratio_low=None,
            ratio_high=None,
            z=None,
            p_value=None,
        )
    )
    return VariantResult(
        id=hash(name),
        key=name.lower(),
        name=name,
        is_control=control,
        weight=50,
        comparison=comparison,
        significant=significant,
    )


def test_no_chart_before_a_treatment_has_an_interval():
    assert uplift_chart([_variant("Control", control=True), _variant("B")]) is None


def test_bars_share_one_scale_padded_around_zero_and_the_intervals():
    chart = uplift_chart(
        [
            _variant("Control", control=True),
            _variant("B", diff=0.02, low=-0.04, high=0.08),
            _variant("C", diff=0.06, low=0.01, high=0.11, significant=True),
        ]
    )
    assert chart is not None
    # scale: -0.04 .. 0.11, padded by 8% of 0.15 = 0.012 each side -> -0.052 .. 0.122
    assert (chart.scale_low, chart.scale_high) == (-5.2, 12.2)
    assert chart.zero == pytest.approx(100 * 0.052 / 0.174, abs=0.01)  # 29.89
    b, c = chart.bars
    assert b.low == pytest.approx(100 * 0.012 / 0.174, abs=0.01)  # 6.9
    assert b.low + b.width == pytest.approx(100 * 0.132 / 0.174, abs=0.02)  # 75.86
    assert b.point == pytest.approx(100 * 0.072 / 0.174, abs=0.01)  # 41.38
    assert (b.diff, b.diff_low, b.diff_high, b.direction) == (2.0, -4.0, 8.0, "unsure")
    assert (c.direction, c.significant) == ("up", True)
    assert c.low + c.width == pytest.approx(100 * 0.162 / 0.174, abs=0.02)


def test_a_worse_treatment_points_down_and_zero_stays_on_the_scale():
    chart = uplift_chart(
        [_variant("Control", control=True), _variant("B", diff=-0.05, low=-0.08, high=-0.02)]
    )
    assert chart is not None
    assert chart.bars[0].direction == "down"
    assert chart.scale_high > 0 > chart.scale_low
    assert 0 < chart.bars[0].low < chart.bars[0].point < chart.zero < 100
