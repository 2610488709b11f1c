"""SVG charts for the stats page, drawn at build time: bar charts and sparklines.

A chart is plain SVG the page's stylesheet colours (light and dark); its scale's top is a
round number at or above the highest bar, written in `data-top`, and each bar carries its
value in `data-value`, so a bar's height is `value / top` of the chart's. Axis labels and data
tables are the page's HTML: SVG text would shrink with a narrow screen.
"""

from dataclasses import dataclass
from html import escape

from markupsafe import Markup

HEIGHT = 100
"""Height of a chart's plot area, in its own units."""
MARK = 8
"""Room under the plot for marks (a post published that day)."""
STEP = 10
BAR = 8
SPARK_HEIGHT = 24


@dataclass(frozen=True)
class Bar:
    """One bar: its label (a day, week or month), value, and a note when it is marked."""

    label: str
    value: int
    mark: str = ""


def scale_top(values: list[int]) -> int:
    """The smallest round number (1, 2 or 5 times a power of ten) at or above every value; 1
    when all are zero."""
    highest = max(values, default=0)
    top = 1
    while True:
        for factor in (1, 2, 5):
            if top * factor >= highest:
                return top * factor
        top *= 10


def bar_height(value: int, top: int, height: int = HEIGHT) -> float:
    """A bar's height for `value` on a scale from 0 to `top`, in `height` units."""
    return round(value / top * height, 3)


def bar_chart(bars: list[Bar], labelled_by: str, unit: str = "views") -> Markup:
    """Bars side by side, with a mark under each marked one, labelled by the element whose id
    is `labelled_by` (the figure's caption)."""
    top = scale_top([bar.value for bar in bars])
    width = max(1, len(bars)) * STEP
    shapes = [
        f'<line class="grid" x1="0" x2="{width}" y1="{y}" y2="{y}" '
        'vector-effect="non-scaling-stroke"/>'
        for y in (0, HEIGHT / 2, HEIGHT)
    ]
    for position, bar in enumerate(bars):
        x = position * STEP + (STEP - BAR) / 2
        height = bar_height(bar.value, top)
        title = f"{bar.label}: {bar.value:,} {unit}" + (f"; {bar.mark}" if bar.mark else "")
        shapes.append(
            f'<rect class="bar" x="{x}" y="{HEIGHT - height}" width="{BAR}" height="{height}" '
            f'data-value="{bar.value}"><title>{escape(title)}</title></rect>'
        )
        if bar.mark:
            shapes.append(
                f'<rect class="mark" x="{x}" y="{HEIGHT + 2}" width="{BAR}" height="{MARK - 2}">'
                f"<title>{escape(bar.mark)}</title></rect>"
            )
    return Markup(
        f'<svg class="chart" viewBox="0 0 {width} {HEIGHT + MARK}" preserveAspectRatio="none" '
        f'role="img" aria-labelledby="{escape(labelled_by)}" data-top="{top}" '
        f'focusable="false">{"".join(shapes)}</svg>'
    )


def sparkline_symbol(symbol_id: str, values: list[int]) -> Markup:
    """A post's days as a `<symbol>`, drawn where a table cell `<use>`s it (the page shows
    one table per sort order, and draws each post's days once): one path of bars, a unit
    wide each, the values in `data-values`."""
    top = scale_top(values)
    bars = "".join(
        f"M{position} {SPARK_HEIGHT}v-{h:g}h1v{h:g}z"
        for position, value in enumerate(values)
        if (h := bar_height(value, top, SPARK_HEIGHT))
    )
    return Markup(
        f'<symbol id="{escape(symbol_id)}" viewBox="0 0 {max(1, len(values))} {SPARK_HEIGHT}" '
        f'preserveAspectRatio="none" data-top="{top}" '
        f'data-values="{",".join(map(str, values))}">'
        f'<path d="M0 {SPARK_HEIGHT}H{len(values)}" stroke="currentColor" '
        f'vector-effect="non-scaling-stroke"/><path d="{bars}" fill="currentColor"/></symbol>'
    )


def sparkline(symbol_id: str, label: str) -> Markup:
    """One drawing of a sparkline symbol, described by `label`."""
    return Markup(
        f'<svg class="spark" role="img" aria-label="{escape(label)}">'
        f'<use href="#{escape(symbol_id)}"/></svg>'
    )
