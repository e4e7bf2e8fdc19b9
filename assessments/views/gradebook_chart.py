"""The class's grade distribution as the numbers an inline SVG bar chart needs (drawn by the
template, with a table of the same numbers as its text alternative)."""

from decimal import Decimal
from typing import Any

WIDTH, HEIGHT, GAP, TOP = 300, 120, 4, 14


def you_bin(percent: Decimal | None, bins: int) -> int | None:
    if percent is None:
        return None
    return min(int(percent // (100 // bins)), bins - 1)


def distribution_chart(counts: list[int], percent: Decimal | None) -> dict[str, Any]:
    bins = len(counts)
    tallest = max(counts) or 1
    step = WIDTH / bins
    mine = you_bin(percent, bins)
    bars = []
    for index, count in enumerate(counts):
        height = round((HEIGHT - TOP) * count / tallest, 1)
        low = index * 100 // bins
        high = 100 if index == bins - 1 else (index + 1) * 100 // bins
        bars.append(
            {
                "x": round(index * step + GAP / 2, 1),
                "y": round(HEIGHT - height, 1),
                "width": round(step - GAP, 1),
                "height": height,
                "count": count,
                "label": f"{low}-{high}",
                "low": low,
                "you": index == mine,
                "middle": round(index * step + step / 2, 1),
            }
        )
    return {"bars": bars, "width": WIDTH, "height": HEIGHT, "total": sum(counts), "you": mine}
