"""Charts drawn on the server with matplotlib and the Japanese font of matplotlib-fontja, as SVG.

The same SVG is shown on the page, printed and put into the PDF. Text is drawn as paths (no font needed by
the reader) and the SVG carries no date and fixed ids (svg.hashsalt), so the same figure gives the same bytes.
"""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")

import matplotlib_fontja
from matplotlib.figure import Figure as MplFigure

from .figures import Result

matplotlib_fontja.japanize()
matplotlib.rcParams["svg.hashsalt"] = "yorisoi"
matplotlib.rcParams["svg.fonttype"] = "path"

BAR_COLOUR = "#2f6f8f"


def bar_chart_svg(result: Result, *, suppressed: set[str] | None = None) -> str:
    """A horizontal bar chart of the figure's rows (top to bottom in table order). Suppressed rows get no bar."""
    suppressed = suppressed or set()
    labels = [row.label for row in result.rows]
    values = [0 if row.key in suppressed else row.count for row in result.rows]
    height = 0.9 + 0.32 * max(len(labels), 1)
    fig = MplFigure(figsize=(6.4, height), dpi=96)
    ax = fig.add_subplot()
    positions = list(range(len(labels)))[::-1]
    ax.barh(positions, values, color=BAR_COLOUR)
    ax.set_yticks(positions, labels, fontsize=9)
    ax.set_title(result.title, fontsize=10, loc="left")
    ax.spines[["top", "right"]].set_visible(False)
    ax.xaxis.get_major_locator().set_params(integer=True)
    for y, value, row in zip(positions, values, result.rows, strict=True):
        text = "＊" if row.key in suppressed else str(value)
        ax.text(value, y, f" {text}", va="center", fontsize=8)
    ax.set_xlim(0, max(max(values, default=0) * 1.15, 1))
    fig.tight_layout()
    out = io.StringIO()
    fig.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
    svg = out.getvalue()
    return svg[svg.index("<svg"):]  # without the XML prolog and doctype: inlined into HTML
