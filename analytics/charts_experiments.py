"""The experiment page's interval chart: each treatment's absolute uplift over the control
with its 95% interval, drawn as bars on one scale around zero (server-side positions, no
script; the results table beside it holds the same figures)."""

from collections.abc import Sequence
from dataclasses import dataclass

from analytics.selectors.experiments import VariantResult


@dataclass(frozen=True)
class UpliftBar:
    name: str
    low: float  # left edge of the interval, % of the track
    width: float  # the interval's width, % of the track
    point: float  # the estimate, % of the track
    diff: float  # the estimate, in percentage points
    diff_low: float
    diff_high: float
    significant: bool
    direction: str  # "up" (interval above zero), "down" (below) or "unsure" (crosses it)


@dataclass(frozen=True)
class UpliftChart:
    zero: float  # where zero is, % of the track
    scale_low: float  # the track's ends, in percentage points
    scale_high: float
    bars: list[UpliftBar]


def uplift_chart(variants: Sequence[VariantResult]) -> UpliftChart | None:
    """None until a treatment has an interval (exposures on both sides)."""
    rows = [
        v
        for v in variants
        if not v.is_control
        and v.comparison is not None
        and v.comparison.diff_low is not None
        and v.comparison.diff_high is not None
    ]
    if not rows:
        return None
    lows = [
        v.comparison.diff_low for v in rows if v.comparison and v.comparison.diff_low is not None
    ]
    highs = [
        v.comparison.diff_high for v in rows if v.comparison and v.comparison.diff_high is not None
    ]
    low, high = min(0.0, *lows), max(0.0, *highs)
    pad = (high - low) * 0.08 or 0.01
    low, high = low - pad, high + pad

    def at(x: float) -> float:
        return round(100 * (x - low) / (high - low), 2)

    bars = []
    for v in rows:
        c = v.comparison
        assert c is not None and c.diff_low is not None and c.diff_high is not None
        direction = "up" if c.diff_low > 0 else "down" if c.diff_high < 0 else "unsure"
        bars.append(
            UpliftBar(
                name=v.name,
                low=at(c.diff_low),
                width=round(at(c.diff_high) - at(c.diff_low), 2),
                point=at(c.diff),
                diff=round(100 * c.diff, 2),
                diff_low=round(100 * c.diff_low, 2),
                diff_high=round(100 * c.diff_high, 2),
                significant=v.significant,
                direction=direction,
            )
        )
    return UpliftChart(
        zero=at(0.0), scale_low=round(100 * low, 2), scale_high=round(100 * high, 2), bars=bars
    )
