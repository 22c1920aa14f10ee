"""Diagrams for pages and exports: the fishbone of a problem's causes and
small interval charts of evidence figures.

Each diagram is laid out once as plain primitives (lines, boxes, texts) and
then drawn as SVG (pages, PDF) or PNG (Word documents). No ORM here.
"""

import io
import math
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

FONT_FILES = [
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"),
]


@dataclass
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    width: float = 1.5
    colour: str = "#1f2937"
    dashed: bool = False


@dataclass
class Box:
    x: float
    y: float
    w: float
    h: float
    fill: str = "#e0ecf8"
    colour: str = "#1f2937"


@dataclass
class Text:
    x: float
    y: float
    text: str
    size: float = 13
    bold: bool = False
    anchor: str = "start"  # start, middle or end
    colour: str = "#111827"


@dataclass
class Diagram:
    width: float
    height: float
    title: str
    parts: list = field(default_factory=list)


def _wrap(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width) or [""]


# --- fishbone ------------------------------------------------------------------


@dataclass
class CauseNode:
    text: str
    confidence: str = ""
    children: list["CauseNode"] = field(default_factory=list)


def fishbone(problem: str, branches: list[tuple[str, list[CauseNode]]], *, title: str) -> Diagram:
    """Three ribs on a spine pointing at the problem; every cause is listed
    along its rib, sub-causes indented under it (the cause tree)."""

    def lines_of(nodes: list[CauseNode], depth=0) -> list[str]:
        result = []
        for node in nodes:
            label = f"{node.text} ({node.confidence})" if node.confidence else node.text
            marker = "• " if depth == 0 else "↳ " * depth
            for i, part in enumerate(_wrap(label, 30)):
                result.append((marker if i == 0 else "") + part)
            result += lines_of(node.children, depth + 1)
        return result

    listed = [(name, lines_of(nodes)) for name, nodes in branches]
    line_h = 17
    top_n = max([len(lines) for _, lines in listed[0::2]] + [1])
    bottom_n = max([len(lines) for _, lines in listed[1::2]] + [1])
    spine_y = 30 + 24 + top_n * line_h + 24
    height = spine_y + 24 + bottom_n * line_h + 40
    head_lines = _wrap(problem, 22)
    head_w, width = 210, 980
    spine_end = width - head_w - 20
    d = Diagram(width, height, title)
    d.parts.append(Line(20, spine_y, spine_end, spine_y, width=3))
    head_h = max(60, 18 * len(head_lines) + 20)
    d.parts.append(Box(spine_end, spine_y - head_h / 2, head_w, head_h))
    for i, part in enumerate(head_lines):
        y = spine_y - head_h / 2 + 24 + i * 18
        d.parts.append(Text(spine_end + head_w / 2, y, part, size=14, bold=True, anchor="middle"))
    step = (spine_end - 40) / max(len(listed), 1)
    for i, (name, lines) in enumerate(listed):
        above = i % 2 == 0
        x_spine = 40 + step * (i + 1)
        y_end = 36 if above else height - 36
        x_end = x_spine - 70
        d.parts.append(Line(x_end, y_end, x_spine, spine_y, width=2))
        d.parts.append(Text(x_end, 24 if above else height - 14, name, size=14, bold=True, anchor="middle"))

        def rib_x(y, x_end=x_end, x_spine=x_spine, y_end=y_end):
            return x_end + (x_spine - x_end) * (y - y_end) / (spine_y - y_end)

        first = 30 + 24 if above else spine_y + 24 + 12
        for j, text in enumerate(lines):
            y = first + j * line_h
            # Each line ends just left of the rib, so the rib never crosses the text.
            d.parts.append(Text(rib_x(y - 4) - 8, y, text, size=12, anchor="end"))
    return d


# --- evidence chart ------------------------------------------------------------


def interval_chart(
    labels: list[str],
    values,
    lows,
    highs,
    comparison,
    *,
    title: str,
    unit: str,
    own: str,
    other: str,
    levels: list[tuple[str, float]] | None = None,
    apart: list[bool] | None = None,
    apart_label: str = "",
    hidden: list[bool] | None = None,
) -> Diagram:
    """Points with their intervals for an area, and the municipality as a
    dashed line. `levels` are named horizontal lines, such as a measure's
    baseline and target. A period marked in `apart` (a part period) is an open
    square that no line joins; a value marked in `hidden` is ".." on the axis."""
    levels = levels or []
    apart = apart or [False] * len(labels)
    hidden = hidden or [False] * len(labels)
    width, left, right, top, bottom = 560, 60, 20, 34, 50 + (18 if levels else 0)
    height = 190 + bottom
    numbers = [v for v in [*values, *lows, *highs, *comparison, *(v for _n, v in levels)] if v is not None]
    top_value = max(numbers) * 1.15 if numbers else 1.0
    d = Diagram(width, height, title)
    d.parts.append(Text(left, 18, title, size=13, bold=True))
    plot_h = height - top - bottom

    def y(v):
        return top + plot_h * (1 - v / top_value)

    d.parts.append(Line(left, top, left, top + plot_h, width=1))
    d.parts.append(Line(left, top + plot_h, width - right, top + plot_h, width=1))
    for fraction in (0, 0.5, 1):
        v = top_value * fraction
        d.parts.append(Text(left - 6, y(v) + 4, f"{v:.1f}".replace(".", ","), size=10, anchor="end"))
    n = max(len(labels), 1)
    gap = (width - left - right) / n
    previous = None
    for i, label in enumerate(labels):
        x = left + gap * (i + 0.5)
        d.parts.append(Text(x, height - bottom + 16, label, size=10, anchor="middle"))
        if lows[i] is not None and highs[i] is not None:
            d.parts.append(Line(x, y(lows[i]), x, y(highs[i]), width=2, colour="#1d4ed8"))
            d.parts.append(Line(x - 5, y(lows[i]), x + 5, y(lows[i]), width=2, colour="#1d4ed8"))
            d.parts.append(Line(x - 5, y(highs[i]), x + 5, y(highs[i]), width=2, colour="#1d4ed8"))
        if values[i] is not None:
            fill = "#ffffff" if apart[i] else "#1d4ed8"
            d.parts.append(Box(x - 4, y(values[i]) - 4, 8, 8, fill=fill, colour="#1d4ed8"))
        elif hidden[i]:
            d.parts.append(Text(x, y(0) - 4, "..", size=12, bold=True, anchor="middle"))
        if comparison and comparison[i] is not None:
            if previous is not None and not apart[i]:
                d.parts.append(Line(*previous, x, y(comparison[i]), width=1.5, colour="#b45309", dashed=True))
            previous = None if apart[i] else (x, y(comparison[i]))
    level_colours = ["#4b5563", "#15803d"]
    for i, (name, level) in enumerate(levels):
        colour = level_colours[i % len(level_colours)]
        d.parts.append(Line(left, y(level), width - right, y(level), width=1.5, colour=colour, dashed=True))
        x0 = left + 250 * i
        d.parts.append(Line(x0, height - 8, x0 + 25, height - 8, width=1.5, colour=colour, dashed=True))
        d.parts.append(Text(x0 + 31, height - 4, f"{name} {level:.1f}".replace(".", ","), size=10))
    legend_y = height - 12 - (18 if levels else 0)
    d.parts.append(Box(left, legend_y - 8, 8, 8, fill="#1d4ed8", colour="#1d4ed8"))
    d.parts.append(Text(left + 14, legend_y, f"{own} ({unit})" if unit else own, size=10))
    if any(c is not None for c in comparison):
        d.parts.append(
            Line(left + 250, legend_y - 4, left + 275, legend_y - 4, colour="#b45309", dashed=True)
        )
        d.parts.append(Text(left + 281, legend_y, other, size=10))
    if any(apart) and apart_label:
        d.parts.append(Box(left + 400, legend_y - 8, 8, 8, fill="#ffffff", colour="#1d4ed8"))
        d.parts.append(Text(left + 414, legend_y, apart_label, size=10))
    return d


# --- progress bars -------------------------------------------------------------


def progress_bars(rows: list[tuple[str, float | None]], *, title: str, none_label: str) -> Diagram:
    """Horizontal bars of progress in per cent, one per label; a row without
    a value says so instead of drawing an empty bar."""
    left, right, top, bar, gap = 230, 60, 34, 18, 10
    width = 620
    height = top + len(rows) * (bar + gap) + 10
    d = Diagram(width, height, title)
    d.parts.append(Text(8, 18, title, size=13, bold=True))
    span = width - left - right
    for i, (label, percent) in enumerate(rows):
        y = top + i * (bar + gap)
        for j, line in enumerate(_wrap(label, 34)[:2]):
            d.parts.append(
                Text(
                    left - 8,
                    y + 13 + (j - 0.5 * (min(len(_wrap(label, 34)), 2) - 1)) * 12,
                    line,
                    size=11,
                    anchor="end",
                )
            )
        d.parts.append(Box(left, y, span, bar, fill="#f3f4f6", colour="#9ca3af"))
        if percent is None:
            d.parts.append(Text(left + 6, y + 13, none_label, size=11, colour="#374151"))
            continue
        d.parts.append(
            Box(left, y, span * max(0.0, min(percent, 100)) / 100, bar, fill="#1d4ed8", colour="#1d4ed8")
        )
        # Rounded half up, as the tables next to it round.
        d.parts.append(Text(left + span + 6, y + 13, f"{math.floor(percent + 0.5)} %", size=11))
    return d


# --- backends ------------------------------------------------------------------


def to_svg(d: Diagram) -> str:
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {d.width:.0f} {d.height:.0f}" '
        f'width="100%" role="img" aria-label="{escape(d.title, {chr(34): "&quot;"})}" class="diagram">',
        f"<title>{escape(d.title)}</title>",
    ]
    for p in d.parts:
        if isinstance(p, Line):
            dash = ' stroke-dasharray="6 4"' if p.dashed else ""
            out.append(
                f'<line x1="{p.x1:.1f}" y1="{p.y1:.1f}" x2="{p.x2:.1f}" y2="{p.y2:.1f}" '
                f'stroke="{p.colour}" stroke-width="{p.width}"{dash}/>'
            )
        elif isinstance(p, Box):
            out.append(
                f'<rect x="{p.x:.1f}" y="{p.y:.1f}" width="{p.w:.1f}" height="{p.h:.1f}" '
                f'fill="{p.fill}" stroke="{p.colour}"/>'
            )
        else:
            weight = ' font-weight="bold"' if p.bold else ""
            out.append(
                f'<text x="{p.x:.1f}" y="{p.y:.1f}" font-size="{p.size}" text-anchor="{p.anchor}" '
                f'fill="{p.colour}" font-family="DejaVu Sans, Arial, sans-serif"{weight}>{escape(p.text)}</text>'
            )
    out.append("</svg>")
    return "".join(out)


def _font(size: float):
    from PIL import ImageFont

    for path in FONT_FILES:
        if path.exists():
            return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size)


def to_png(d: Diagram, scale: float = 2.0) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (int(d.width * scale), int(d.height * scale)), "white")
    draw = ImageDraw.Draw(image)
    for p in d.parts:
        if isinstance(p, Line):
            draw.line(
                [(p.x1 * scale, p.y1 * scale), (p.x2 * scale, p.y2 * scale)],
                fill=p.colour,
                width=max(1, int(p.width * scale)),
            )
        elif isinstance(p, Box):
            draw.rectangle(
                [p.x * scale, p.y * scale, (p.x + p.w) * scale, (p.y + p.h) * scale],
                fill=p.fill,
                outline=p.colour,
            )
        else:
            font = _font(p.size * scale)
            anchor = {"start": "ls", "middle": "ms", "end": "rs"}[p.anchor]
            draw.text((p.x * scale, p.y * scale), p.text, fill=p.colour, font=font, anchor=anchor)
    buffer = io.BytesIO()
    image.save(buffer, "PNG", compress_level=3)  # much quicker than the default 6, a little larger
    return buffer.getvalue()
