"""Stance over time as plot geometry; the template draws it as inline SVG.

Stacked bars count negative, neutral and positive stances per month (left
axis); a line marks the net stance, (positive - negative) / all, from -1 to +1
(right axis). Only numbers are computed here: every label goes through the
template's escaping, and colours come from the stylesheet (CSP allows no inline
style).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import get_args

from saywho.model import Polarity
from saywho.store.rows import PeriodCounts, StanceSeries

WIDTH, HEIGHT = 640, 210
LEFT, RIGHT, TOP, BOTTOM = 40, 40, 12, 34
MAX_MONTHS = 60  # beyond this many months, years
MAX_X_LABELS = 10
POLARITY_ORDER: tuple[Polarity, ...] = get_args(Polarity)  # bottom to top


@dataclass(frozen=True)
class Part:
    polarity: str
    y: float
    height: float


@dataclass(frozen=True)
class Column:
    label: str
    x: float
    width: float
    parts: list[Part]
    counts: dict[str, int]
    total: int


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class Plot:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int  # y of the x axis
    columns: list[Column]
    y_ticks: list[Tick]  # counts, on the left
    net_ticks: list[Tick]  # net stance, on the right
    x_labels: list[Tick]
    net_points: str  # an SVG polyline's points
    net_dots: list[tuple[float, float, str]]  # x, y, tooltip
    total: int
    undated: int


def stance_plot(series: StanceSeries) -> Plot:
    periods = _fill(series.periods)
    plot_width = WIDTH - LEFT - RIGHT
    plot_bottom = HEIGHT - BOTTOM
    plot_height = plot_bottom - TOP
    peak = max((sum(p.counts.values()) for p in periods), default=0)
    step = _nice_step(peak)
    scale_max = max(step * math.ceil(peak / step), 1)
    band = plot_width / max(len(periods), 1)
    bar = min(band * 0.72, 36.0)
    columns: list[Column] = []
    net_dots: list[tuple[float, float, str]] = []
    for index, period in enumerate(periods):
        x = LEFT + index * band + (band - bar) / 2
        total = sum(period.counts.values())
        parts: list[Part] = []
        y = float(plot_bottom)
        for polarity in POLARITY_ORDER:
            count = period.counts.get(polarity, 0)
            if count:
                height = plot_height * count / scale_max
                y -= height
                parts.append(Part(polarity, round(y, 2), round(height, 2)))
        columns.append(
            Column(period.period, round(x, 2), round(bar, 2), parts, period.counts, total)
        )
        if total:
            net = (period.counts.get("positive", 0) - period.counts.get("negative", 0)) / total
            net_y = TOP + plot_height * (1 - (net + 1) / 2)
            tooltip = f"{period.period}: net stance {net:+.2f} over {total}"
            net_dots.append((round(x + bar / 2, 2), round(net_y, 2), tooltip))
    every = max(1, math.ceil(len(columns) / MAX_X_LABELS))
    return Plot(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        right=WIDTH - RIGHT,
        top=TOP,
        bottom=plot_bottom,
        columns=columns,
        y_ticks=[
            Tick(round(plot_bottom - plot_height * value / scale_max, 2), str(value))
            for value in range(0, scale_max + 1, step)
        ],
        net_ticks=[
            Tick(round(TOP + plot_height * (1 - (value + 1) / 2), 2), f"{value:+g}")
            for value in (-1, 0, 1)
        ],
        x_labels=[
            Tick(round(column.x + column.width / 2, 2), column.label) for column in columns[::every]
        ],
        net_points=" ".join(f"{x},{y}" for x, y, _ in net_dots),
        net_dots=net_dots,
        total=sum(column.total for column in columns),
        undated=series.undated,
    )


def _fill(periods: list[PeriodCounts]) -> list[PeriodCounts]:
    """Every month from the first to the last (an empty month is a gap, not skipped).

    Spans longer than ``MAX_MONTHS`` are counted by year instead.
    """
    valid = [p for p in periods if _month_index(p.period) is not None]
    if not valid:
        return []
    first = _month_index(valid[0].period)
    last = _month_index(valid[-1].period)
    assert first is not None and last is not None
    by_period = {p.period: p.counts for p in valid}
    if last - first < MAX_MONTHS:
        months = [f"{index // 12:04d}-{index % 12 + 1:02d}" for index in range(first, last + 1)]
        return [PeriodCounts(m, by_period.get(m, {})) for m in months]
    years: dict[str, dict[str, int]] = {}
    for period in valid:
        counts = years.setdefault(period.period[:4], {})
        for polarity, count in period.counts.items():
            counts[polarity] = counts.get(polarity, 0) + count
    first_year, last_year = first // 12, last // 12
    return [
        PeriodCounts(f"{year:04d}", years.get(f"{year:04d}", {}))
        for year in range(first_year, last_year + 1)
    ]


def _month_index(period: str) -> int | None:
    """Months since year 0 for 'YYYY-MM'; None for anything else a database may hold."""
    year, _, month = period.partition("-")
    if not (year.isdigit() and month.isdigit() and len(year) == 4 and 1 <= int(month) <= 12):
        return None
    return int(year) * 12 + int(month) - 1


def _nice_step(peak: int) -> int:
    """A tick step of 1, 2 or 5 times a power of ten giving at most five ticks."""
    if peak <= 5:
        return 1
    magnitude = int(10 ** math.floor(math.log10(peak / 5)))
    for factor in (1, 2, 5, 10):
        if peak / (factor * magnitude) <= 5:
            return factor * magnitude
    return 10 * magnitude
