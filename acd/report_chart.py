"""The staffing picture managers know, as one SVG (pure): per interval, calls offered and
answered (bars), the service level within 20 s against its target (a line), and the agents
logged in on average (a line): ``acd report --chart FILE.svg``.

Every plotted value is also in the element's ``data-value``, so the chart can be checked
against the report's lines, and read by a screen reader through its ``<title>``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from xml.sax.saxutils import escape, quoteattr

WIDTH, PANEL, TOP, LEFT, GAP = 1200, 160, 56, 60, 34
RIGHT = WIDTH - 20
COLOURS = {"offered": "#9db7d5", "answered": "#2b5d8c", "service_level": "#2e8b57",
           "target": "#c0392b", "agents": "#7d3c98"}  # fmt: skip


def chart(title: str, intervals: Sequence[str], queues: Mapping[str, Mapping[str, float]],
          agents_in: Mapping[str, float], target: float = 0.8) -> str:  # fmt: skip
    """``queues``: per interval, ``offered``, ``answered``, ``service_level_20s`` (all call
    types together); ``agents_in``: per interval, the agents logged in on average."""
    step = (RIGHT - LEFT) / max(1, len(intervals))
    height = TOP + 3 * (PANEL + GAP) + 40
    out = [
        _el("title", title),
        _el("rect", width=WIDTH, height=height, fill="white"),
        _el("text", title, x=LEFT, y=22, font_size=15, font_weight="bold"),
    ]
    top = max([1.0, *(q.get("offered", 0) for q in queues.values())])
    y = TOP + PANEL
    out += _axis("calls offered / answered", y, f"{top:g}")
    for n, key in enumerate(("offered", "answered")):  # the legend
        x = RIGHT - 170 + n * 85
        out.append(_el("rect", x=x, y=y - PANEL - 16, width=10, height=10, fill=COLOURS[key]))
        out.append(_el("text", key, x=x + 14, y=y - PANEL - 7))
    for i, name in enumerate(intervals):
        for key, shift in (("offered", 0.1), ("answered", 0.5)):
            value = queues.get(name, {}).get(key, 0)
            h = PANEL * value / top
            out.append(_el("rect", f"{name} {key} {value:g}", class_=key,
                           x=f"{LEFT + (i + shift) * step:.1f}", y=f"{y - h:.1f}",
                           width=f"{step * 0.4:.1f}", height=f"{h:.1f}", fill=COLOURS[key],
                           data_interval=name, data_value=f"{value:g}"))  # fmt: skip
    y += GAP + PANEL
    out += _axis("service level within 20 s (target dashed)", y, "100%")
    ty = f"{y - PANEL * target:.1f}"
    out.append(_el("line", class_="target", x1=LEFT, x2=RIGHT, y1=ty, y2=ty,
                   stroke=COLOURS["target"], stroke_dasharray="6 4",
                   data_value=f"{target:g}"))  # fmt: skip
    levels = {n: q["service_level_20s"] for n, q in queues.items()
              if q.get("service_level_20s") is not None}  # fmt: skip
    out += _line("service_level", intervals, levels, (y, 1.0, step))
    y += GAP + PANEL
    most = max([1.0, *agents_in.values()])
    out += _axis("agents logged in (average)", y, f"{most:g}")
    out += _line("agents", intervals, agents_in, (y, most, step))
    every = 1 if len(intervals) <= 48 else len(intervals) // 24
    for i, name in enumerate(intervals[::every]):
        at = f"{LEFT + (i * every + 0.5) * step:.1f}"
        out.append(_el("text", name[5:16].replace("T", " "), x=at, y=y + 14, font_size=9,
                       text_anchor="end", transform=f"rotate(-45 {at} {y + 14})"))  # fmt: skip
    svg = _el("svg", "", xmlns="http://www.w3.org/2000/svg", width=WIDTH, height=height,
              viewBox=f"0 0 {WIDTH} {height}", font_family="sans-serif", font_size=11,
              role="img", aria_label=title)  # fmt: skip
    return svg.replace("></svg>", ">\n" + "\n".join(out) + "\n</svg>") + "\n"


def _el(tag: str, text: str = "", **attrs: object) -> str:
    """An element; attribute names: ``_`` for ``-``, a trailing ``_`` dropped (``class_``);
    the text is a ``<title>`` inside shapes (a tooltip, and what a screen reader says)."""
    names = {k: k.rstrip("_").replace("_", "-") for k in attrs}
    shown = "".join(f" {names[k]}={quoteattr(str(v))}" for k, v in attrs.items())
    inner = escape(text)
    if text and tag not in ("title", "text"):
        inner = f"<title>{inner}</title>"
    return f"<{tag}{shown}>{inner}</{tag}>"


def _axis(label: str, y: float, top: str) -> list[str]:
    return [
        _el("line", x1=LEFT, x2=RIGHT, y1=y, y2=y, stroke="#555"),
        _el("line", x1=LEFT, x2=LEFT, y1=y - PANEL, y2=y, stroke="#555"),
        _el("text", top, x=LEFT - 4, y=y - PANEL + 4, text_anchor="end"),
        _el("text", "0", x=LEFT - 4, y=y, text_anchor="end"),
        _el("text", label, x=LEFT + 4, y=y - PANEL - 6, font_weight="bold"),
    ]


def _line(key: str, intervals: Sequence[str], values: Mapping[str, float],
          frame: tuple[float, float, float]) -> list[str]:  # fmt: skip
    """``values`` as a line with a dot per interval; ``frame``: (baseline, top, step)."""
    y, top, step = frame
    points, dots = [], []
    for i, name in enumerate(intervals):
        if name in values:
            x, v = LEFT + (i + 0.5) * step, values[name]
            at = f"{y - PANEL * v / top:.1f}"
            points.append(f"{x:.1f},{at}")
            dots.append(_el("circle", f"{name} {key} {v:g}", class_=key, cx=f"{x:.1f}", cy=at,
                            r=2.5, fill=COLOURS[key], data_interval=name,
                            data_value=f"{v:g}"))  # fmt: skip
    if not points:
        return []
    line = _el("polyline", points=" ".join(points), fill="none", stroke=COLOURS[key],
               stroke_width=2)  # fmt: skip
    return [line, *dots]
