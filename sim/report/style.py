"""One look for every figure: colours per outcome and per actor, calendar axes.

Outcome colours are the Okabe-Ito palette, actor colours Paul Tol's muted
scheme; both stay distinguishable under the common colour-vision deficiencies.
"""

from __future__ import annotations

import functools

from sim.core.params import ACTOR_NAMES
from sim.io.files import atomic

OUTCOME_COLORS = {
    "talks": "#009E73",
    "war": "#D55E00",
    "nuclear_war": "#000000",
    "collapse": "#E69F00",
    "standoff": "#999999",
}
OUTCOME_LABELS = {
    "talks": "Freeze talks",
    "war": "War",
    "nuclear_war": "Nuclear war",
    "collapse": "Regime collapse",
    "standoff": "Standoff",
}
# The talks states of a run still in crisis: two shades of the talks colour.
TALKS_STATE_COLORS = {"agreement": "#009E73", "negotiating": "#7FD1B9"}
TALKS_STATE_LABELS = {"agreement": "Freeze agreement in force", "negotiating": "Negotiating"}

ACTOR_COLORS = {"us": "#332288", "china": "#CC6677", "russia": "#88CCEE", "dprk": "#999933"}
ACTOR_LABELS = ACTOR_NAMES


def outcome_color(name: str) -> str:
    return OUTCOME_COLORS.get(name, NEUTRAL)


def outcome_label(name: str) -> str:
    return OUTCOME_LABELS.get(name, name.replace("_", " ").capitalize())


def state_color(name: str) -> str:
    """The colour of a run's state in a month: an ended outcome, a talks state, or standoff."""
    return TALKS_STATE_COLORS.get(name) or outcome_color(name)


def state_label(name: str) -> str:
    """The label of a run's state in a month (standoff: still in crisis without talks)."""
    if name == "standoff":
        return "In crisis, no talks"
    return TALKS_STATE_LABELS.get(name) or outcome_label(name)


MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def month_label(round_: int, start: str = "2017-08") -> str:
    """Calendar month of a round: round 1 is the `start` month ('Aug 2017')."""
    year, month = (int(x) for x in start.split("-"))
    index = year * 12 + (month - 1) + (round_ - 1)
    return f"{MONTHS[index % 12]} {index // 12}"


def when(round_: float | None, start: str | None = "2017-08") -> str:
    """A time as readers quote it: 'Apr 2018 (round 9)'; a median between two months spans both.

    The one label of a time in every table, caption and terminal line.
    """
    if round_ is None or round_ != round_:
        return ""
    r = float(round_)
    if not start:
        return f"round {r:g}"
    if r.is_integer():
        return f"{month_label(int(r), start)} (round {int(r)})"
    a, b = month_label(int(r), start), month_label(int(r) + 1, start)
    (ma, ya), (mb, yb) = a.split(), b.split()
    span = f"{ma}–{mb} {yb}" if ya == yb else f"{a}–{b}"
    return f"{span} (round {r:g})"


# --- Shared look and deterministic output ---------------------------------------------------

# Series that belong to no actor and no outcome (sanctions level, pressure, strengths).
NEUTRAL = "#444444"
# Escalation classes of the ladder, lightest (de-escalation) to darkest (violent): greys
# keep them apart from the outcome and actor colours.
ESCALATION_SHADES = {
    -2: "#FFFFFF",
    0: "#E0E0E0",
    4: "#B0B0B0",
    12: "#707070",
    28: "#303030",
    60: "#000000",
}
DPI = 150


def is_dark(hex_color: str) -> bool:
    """Whether white text reads better than black on this colour (WCAG luminance)."""
    r, g, b = (int(hex_color.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4))
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2] < 0.18


RC = {
    "figure.dpi": 100,
    "savefig.dpi": DPI,
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.labelsize": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#DDDDDD",
    "grid.linewidth": 0.6,
    "legend.fontsize": 8,
    "legend.frameon": False,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "figure.titlesize": 11,
    "svg.hashsalt": "crisis-sim",  # fixed ids: the same figure gives the same SVG bytes
    "svg.fonttype": "none",  # text stays text in SVG, editable for papers
    "pdf.fonttype": 42,
    "path.simplify": True,
}

_METADATA = {"png": {"Software": None}, "svg": {"Date": None}, "pdf": {"CreationDate": None}}


def context():
    """The shared rcParams, for the duration of a report build (no global change)."""
    import matplotlib

    return matplotlib.rc_context(RC)


def subplots(nrows: int = 1, ncols: int = 1, figsize=(7.0, 4.0), layout="constrained", **kwargs):
    """A figure and its axes: the one way every report makes a figure.

    Figures are made without pyplot: no GUI backend, no global figure list to
    leak into, no global settings changed, and rendering is Agg (PNG) or the
    vector backends.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    # Laid out at the resolution it is saved at, on the canvas that saves it: the layout and
    # the PNG then share one renderer, and each text is measured once, not twice.
    fig = Figure(figsize=figsize, layout=layout, dpi=DPI)
    FigureCanvasAgg(fig)
    return fig, fig.subplots(nrows, ncols, **kwargs)


def place(
    fig,
    left: float,
    right: float,
    top: float,
    bottom: float,
    wspace: float = 0.0,
    hspace: float = 0.0,
    title: str | None = None,
    xlabel: str | None = None,
) -> None:
    """Place a figure's grid of axes by fixed margins and gaps, in inches, and its title
    and shared x label at the top and bottom edges.

    For figures whose texts have a known size: matplotlib's constrained layout
    measures every text twice to find the margins, which costs about a quarter
    of drawing a figure. The margins given are those that layout finds for the
    baseline; tests/unit/test_report_layout.py checks, for every scenario, that
    no text leaves the figure or runs into another panel.
    """
    w, h = fig.get_size_inches()
    nrows, ncols = fig.axes[0].get_gridspec().get_geometry()
    width = (w - left - right - (ncols - 1) * wspace) / ncols
    height = (h - top - bottom - (nrows - 1) * hspace) / nrows
    fig.subplots_adjust(
        left=left / w,
        right=1 - right / w,
        bottom=bottom / h,
        top=1 - top / h,
        wspace=wspace / width,
        hspace=hspace / height,
    )
    edge = 0.05  # inches between the figure's edge and its title or x label
    if title is not None:
        fig.suptitle(title, y=1 - edge / h, va="top")
    if xlabel is not None:
        fig.supxlabel(xlabel, y=edge / h, va="bottom", fontsize=9)


@functools.cache
def warm() -> None:
    """Load matplotlib, its Agg renderer and the report's font, once per process.

    Called before a process forks its figure drawers, so that they do not each
    pay for it; leaves no global setting changed.
    """
    import io

    with context():
        fig, ax = subplots(figsize=(1.0, 1.0))
        ax.set_title("warm")
        fig.savefig(io.BytesIO(), format="png")


def save(fig, outdir, name: str, formats=("png", "svg")) -> dict:
    """Save `fig` as outdir/name.<fmt> for each format (PNG always).

    Each file is written under a temporary name and renamed into place, with
    fixed metadata so that the same figure gives the same bytes.
    """
    import sys
    from pathlib import Path

    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    paths = {}
    engine = fig.get_layout_engine()
    if engine is not None:  # lay out once, not once per format: text layout is the slow part
        engine.execute(fig)
        fig.set_layout_engine(None)  # None, not "none": a placeholder engine costs a draw a save
    for fmt in dict.fromkeys(("png", *formats)):
        path = outdir / f"{name}.{fmt}"
        extra = {"pil_kwargs": {"compress_level": 3}} if fmt == "png" else {}
        with atomic(path, "wb") as fh:
            fig.savefig(fh, format=fmt, metadata=_METADATA[fmt], **extra)
        paths[fmt] = path
    if "matplotlib.pyplot" in sys.modules:  # a pyplot-made figure must be released
        sys.modules["matplotlib.pyplot"].close(fig)
    return paths


def month_ticks(ticks, start: str) -> list[str]:
    """Concise calendar tick labels: the month, and the year where it starts or changes."""
    labels, year = [], None
    for t in ticks:
        month, y = month_label(t, start).split()
        labels.append(month if y == year else f"{month}\n{y}")
        year = y
    return labels


def time_axis(ax, rounds: int, start: str | None, label: bool = True) -> None:
    """Rounds on the x axis, ticked in calendar months when the run has a calendar."""
    step = max(1, -(-rounds // 8))  # at most ~8 ticks
    if start and step % 3 and rounds > 8:
        step = -(-step // 3) * 3  # quarters read better than odd spacings
    ticks = list(range(1, rounds + 1, step))
    ax.set_xlim(0.5, rounds + 0.5)
    ax.set_xticks(ticks)
    if start:
        ax.set_xticklabels(month_ticks(ticks, start))
    if label:
        ax.set_xlabel(time_label(start))


def time_label(start: str | None) -> str:
    if start:
        return f"Month (one round = one month; round 1 = {month_label(1, start)})"
    return "Round (month)"


# --- Labels that do not overlap -------------------------------------------------------------

# Offsets (points) tried in turn for a point's label: close first, then further out.
LABEL_OFFSETS = [
    (dx * r, dy * r)
    for r in (1, 2, 3, 4)
    for dx, dy in ((4, 4), (4, -12), (-12, 4), (-12, -12), (8, -4), (-16, -4), (-4, 10), (-4, -16))
]


def _box(x: float, y: float, w: float, h: float) -> tuple[float, float, float, float]:
    return (x, y, x + w, y + h)


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def place_labels(points, texts, fontsize: float = 8.0, marker: float = 4.0) -> list[tuple]:
    """Offsets (points) for each point's label, so labels overlap neither one another nor the
    markers; points are in points (1/72 in) on the page, in the order labels are placed.

    A greedy search over LABEL_OFFSETS; the first text gets the closest free place.
    """
    placed: list[tuple] = []
    markers = [_box(x - marker, y - marker, 2 * marker, 2 * marker) for x, y in points]
    offsets = []
    for i, ((x, y), text) in enumerate(zip(points, texts, strict=True)):
        w, h = 0.62 * fontsize * len(text) + 1, fontsize
        chosen = LABEL_OFFSETS[-1]
        for dx, dy in LABEL_OFFSETS:
            box = _box(x + dx, y + dy, w, h)
            others = [m for j, m in enumerate(markers) if j != i]
            if not any(_overlap(box, b) for b in placed + others):
                chosen = (dx, dy)
                break
        placed.append(_box(x + chosen[0], y + chosen[1], w, h))
        offsets.append(chosen)
    return offsets


def label_boxes(points, texts, offsets, fontsize: float = 8.0) -> list[tuple]:
    """The boxes (points) the labels of `place_labels` occupy, for checking them."""
    return [
        _box(x + dx, y + dy, 0.62 * fontsize * len(t) + 1, fontsize)
        for (x, y), t, (dx, dy) in zip(points, texts, offsets, strict=True)
    ]
