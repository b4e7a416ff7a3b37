"""SVG geometry for the report's three charts, computed from the report's data so the
templates only draw: the daily pass rate (a line over the month's days), findings opened vs
closed per week (paired bars), and rectification times by severity (median and 90th
percentile bars, in hours). All coordinates are rounded to one decimal: stable bytes."""

from __future__ import annotations

from dataclasses import dataclass, field

WIDTH, HEIGHT = 640, 200
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 12, 28


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    w: float
    h: float
    series: str
    value: float
    label: str = ""


@dataclass(frozen=True)
class Tick:
    pos: float
    label: str


@dataclass
class Chart:
    width: int = WIDTH
    height: int = HEIGHT
    bars: list[Bar] = field(default_factory=list)
    line: str = ""  # polyline points "x,y x,y"
    dots: list[tuple[float, float, float]] = field(default_factory=list)  # x, y, value
    x_ticks: list[Tick] = field(default_factory=list)
    y_ticks: list[Tick] = field(default_factory=list)
    empty: bool = False

    @property
    def plot(self) -> tuple[int, int, int, int]:
        """(left, top, right, bottom) of the plotting area."""
        return LEFT, TOP, self.width - RIGHT, self.height - BOTTOM


def _r(v: float) -> float:
    return round(v, 1)


def _nice_max(v: float) -> float:
    if v <= 0:
        return 1
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if v <= step * 4:
            return float(step * 4)
    return float(v)


def _y_ticks(c: Chart, top_value: float, fmt: str = "{:g}") -> None:
    _, top, _, bottom = c.plot
    for i in range(5):
        v = top_value * i / 4
        c.y_ticks.append(Tick(_r(bottom - (bottom - top) * i / 4), fmt.format(v)))


def pass_rate(days: list[tuple[int, float | None]]) -> Chart:
    """``days``: (day of month, rate 0..1 or None for a day without runs)."""
    c = Chart()
    left, top, right, bottom = c.plot
    n = max(len(days), 1)
    step = (right - left) / max(n - 1, 1)
    points = []
    for i, (_day, rate) in enumerate(days):
        if rate is None:
            continue
        x, y = _r(left + i * step), _r(bottom - (bottom - top) * rate)
        points.append(f"{x},{y}")
        c.dots.append((x, y, round(rate * 100, 1)))
    c.line = " ".join(points)
    c.empty = not points
    for i, (day, _rate) in enumerate(days):
        if day == 1 or day % 5 == 0:
            c.x_ticks.append(Tick(_r(left + i * step), str(day)))
    _y_ticks(c, 100, "{:g}%")
    return c


def paired_bars(groups: list[tuple[str, float, float]], series: tuple[str, str]) -> Chart:
    """Two bars per group: ``(label, first, second)``."""
    c = Chart()
    left, top, right, bottom = c.plot
    top_value = _nice_max(max([max(a, b) for _, a, b in groups] or [0]))
    slot = (right - left) / max(len(groups), 1)
    w = slot * 0.35
    for i, (label, a, b) in enumerate(groups):
        x0 = left + i * slot + slot * 0.15
        for j, v in enumerate((a, b)):
            h = (bottom - top) * v / top_value
            c.bars.append(Bar(_r(x0 + j * w), _r(bottom - h), _r(w), _r(h), series[j],
                              round(v, 1), label))
        c.x_ticks.append(Tick(_r(left + i * slot + slot / 2), label))
    c.empty = not any(a or b for _, a, b in groups)
    _y_ticks(c, top_value)
    return c
