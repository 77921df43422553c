"""The historical record of the Korean Peninsula crisis, January 2016 to December 2019.

Pure functions over ``data/history``: :func:`load_events` reads and validates ``events.csv``,
:func:`monthly_panel` turns the events into one row per month, :func:`state_at` summarises the
record at a month (a starting point for a model run), and :func:`panel_to_csv` /
:func:`read_panel` write and read the panel exactly. The coding rules are in
``data/history/README.md``.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pandas as pd

DATA_DIR = Path(__file__).resolve().parents[2] / "data" / "history"

COLUMNS = ["date", "actor", "target", "event_type", "detail", "cameo", "source"]
ACTORS = frozenset({"USA", "CHN", "RUS", "PRK", "UNSC", "KOR"})

#: The closed vocabulary of event types (see README.md for what counts as each).
EVENT_TYPES = frozenset(
    {
        "missile_test",
        "icbm_test",
        "satellite_launch",
        "nuclear_test",
        "resolution_adopted",
        "draft_failed",
        "sanctions_imposed",
        "exercise_start",
        "exercise_end",
        "exercise_suspended",
        "exercise_downsized",
        "deployment",
        "talks_opened",
        "summit",
        "agreement",
        "breakdown",
        "proposal",
        "declaration",
        "moratorium",
        "statement_threat",
    }
)
EXERCISE_TYPES = frozenset(
    {"exercise_start", "exercise_end", "exercise_suspended", "exercise_downsized"}
)

FIRST_MONTH = pd.Period("2016-01", freq="M")
LAST_MONTH = pd.Period("2019-12", freq="M")

COUNT_COLUMNS = [
    "missile_tests",
    "icbm_or_satellite_launches",
    "nuclear_tests",
    "resolutions_adopted",
    "drafts_failed",
    "exercises_suspended",
    "summits",
    "breakdowns",
    "declarations",
]
BOOL_COLUMNS = [
    "strategic_test",
    "exercises_running",
    "exercises_downsized",
    "talks_open",
    "moratorium_in_force",
]
PANEL_COLUMNS = [
    "missile_tests",
    "icbm_or_satellite_launches",
    "nuclear_tests",
    "strategic_test",
    "resolutions_adopted",
    "drafts_failed",
    "exercises_running",
    "exercises_downsized",
    "exercises_suspended",
    "talks_open",
    "summits",
    "breakdowns",
    "declarations",
    "moratorium_in_force",
]
#: Derived indicators take their coverage from the indicators they are built from.
DERIVED_COVERAGE = {
    "strategic_test": ("icbm_or_satellite_launches", "nuclear_tests"),
    "exercises_downsized": ("exercises_running",),
}

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CAMEO_RE = re.compile(r"^\d{2,4}$")
_MONTH_RE = re.compile(r"^\d{4}-\d{2}$")


def _data_path(path, name: str) -> Path:
    if path is None:
        return DATA_DIR / name
    path = Path(path)
    return path / name if path.is_dir() else path


def _months() -> pd.PeriodIndex:
    return pd.period_range(FIRST_MONTH, LAST_MONTH, freq="M", name="month")


def exercise_name(detail: str) -> str:
    """The exercise an exercise_* row refers to: the detail text before the first colon."""
    return detail.split(":", 1)[0].strip()


def load_events(path=None) -> pd.DataFrame:
    """Read ``events.csv`` and validate every row.

    ``path`` is the csv file or the directory holding it (default: the repository's
    ``data/history``). Raises ``ValueError`` naming the row and column of the first bad entry.
    Returns the events sorted by date (stable), with ``date`` as ``datetime64`` and a
    ``month`` column (``Period[M]``).
    """
    path = _data_path(path, "events.csv")
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False)
    if list(raw.columns) != COLUMNS:
        raise ValueError(f"{path}: columns must be {COLUMNS}, found {list(raw.columns)}")

    def bad(i: int, col: str, why: str) -> ValueError:
        return ValueError(f"{path}: row {i + 1} (line {i + 2}), column '{col}': {why}")

    open_exercises: set[str] = set()
    started: set[str] = set()
    for i, row in raw.iterrows():
        d = row["date"].strip()
        if not _DATE_RE.match(d):
            raise bad(i, "date", f"{d!r} is not a YYYY-MM-DD date")
        try:
            ts = pd.Timestamp(d)
        except ValueError as err:
            raise bad(i, "date", f"{d!r} does not parse ({err})") from None
        month = ts.to_period("M")
        if not FIRST_MONTH <= month <= LAST_MONTH:
            raise bad(i, "date", f"{d} is outside {FIRST_MONTH}..{LAST_MONTH}")
        if row["actor"] not in ACTORS:
            raise bad(i, "actor", f"{row['actor']!r} is not one of {sorted(ACTORS)}")
        if row["target"] and row["target"] not in ACTORS:
            raise bad(i, "target", f"{row['target']!r} is not empty or one of {sorted(ACTORS)}")
        et = row["event_type"]
        if et not in EVENT_TYPES:
            raise bad(i, "event_type", f"{et!r} is not in the vocabulary {sorted(EVENT_TYPES)}")
        if not row["detail"].strip():
            raise bad(i, "detail", "empty")
        if row["cameo"] and not _CAMEO_RE.match(row["cameo"]):
            raise bad(i, "cameo", f"{row['cameo']!r} is not a 2-4 digit CAMEO code")
        if not row["source"].strip():
            raise bad(i, "source", "empty: every event needs a public source")
        if et in EXERCISE_TYPES:
            if ":" not in row["detail"] or not exercise_name(row["detail"]):
                raise bad(i, "detail", "exercise rows must start with '<exercise name>:'")
            name = exercise_name(row["detail"])
            if et == "exercise_start":
                if name in started:
                    raise bad(i, "detail", f"exercise {name!r} started twice")
                started.add(name)
                open_exercises.add(name)
            elif et == "exercise_end":
                if name not in open_exercises:
                    raise bad(i, "detail", f"exercise_end for {name!r} without an earlier start")
                open_exercises.discard(name)

    events = raw.copy()
    events["date"] = pd.to_datetime(events["date"], format="%Y-%m-%d")
    order = events["date"].argsort(kind="stable")
    events = events.iloc[order].reset_index(drop=True)
    events["month"] = events["date"].dt.to_period("M")
    return events


def load_coverage(path=None) -> pd.DataFrame:
    """Read ``coverage.csv``: the month ranges in which each panel indicator is fully covered."""
    path = _data_path(path, "coverage.csv")
    cov = pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False)
    want = ["indicator", "first_month", "last_month", "note"]
    if list(cov.columns) != want:
        raise ValueError(f"{path}: columns must be {want}, found {list(cov.columns)}")
    own = [c for c in PANEL_COLUMNS if c not in DERIVED_COVERAGE]
    for i, row in cov.iterrows():
        where = f"{path}: row {i + 1} (line {i + 2})"
        if row["indicator"] not in own:
            raise ValueError(f"{where}, column 'indicator': {row['indicator']!r} not in {own}")
        for col in ("first_month", "last_month"):
            if not _MONTH_RE.match(row[col]):
                raise ValueError(f"{where}, column '{col}': {row[col]!r} is not YYYY-MM")
        if pd.Period(row["first_month"], "M") > pd.Period(row["last_month"], "M"):
            raise ValueError(f"{where}, column 'last_month': before first_month")
    return cov


def coverage_mask(coverage: pd.DataFrame) -> pd.DataFrame:
    """Months x indicators, True where the indicator is fully covered in that month."""
    months = _months()
    mask = pd.DataFrame(False, index=months, columns=PANEL_COLUMNS)
    for _, row in coverage.iterrows():
        lo = pd.Period(row["first_month"], "M")
        hi = pd.Period(row["last_month"], "M")
        mask.loc[(months >= lo) & (months <= hi), row["indicator"]] = True
    for col, parts in DERIVED_COVERAGE.items():
        mask[col] = mask[list(parts)].all(axis=1)
    return mask


def _month_bounds(month: pd.Period) -> tuple[pd.Timestamp, pd.Timestamp]:
    return month.start_time.normalize(), month.end_time.normalize()


def _overlaps(intervals, month: pd.Period) -> bool:
    lo, hi = _month_bounds(month)
    return any(start <= hi and end >= lo for start, end in intervals)


def exercise_intervals(events: pd.DataFrame) -> dict[str, tuple[pd.Timestamp, pd.Timestamp]]:
    """Each major exercise's [start, end] from exercise_start/exercise_end pairs.

    An exercise whose end is not recorded runs to the end of its start month only (the
    months after it are marked uncovered in coverage.csv when it may have continued).
    """
    out: dict[str, tuple[pd.Timestamp, pd.Timestamp]] = {}
    for _, ev in events[events["event_type"] == "exercise_start"].iterrows():
        out[exercise_name(ev["detail"])] = (ev["date"], _month_bounds(ev["month"])[1])
    for _, ev in events[events["event_type"] == "exercise_end"].iterrows():
        name = exercise_name(ev["detail"])
        out[name] = (out[name][0], ev["date"])
    return out


def opens_talks(ev) -> bool:
    """A talks_opened row, or a summit of the DPRK with the US or the ROK."""
    if ev["event_type"] == "talks_opened":
        return True
    if ev["event_type"] == "summit":
        pair = {ev["actor"], ev["target"]}
        return "PRK" in pair and bool(pair & {"USA", "KOR"})
    return False


def talks_intervals(events: pd.DataFrame) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """Periods in which talks are in force: opened by talks_opened or a DPRK summit with the
    US or the ROK, closed by a breakdown. Still open at the end of the record: to 2019-12-31."""
    out = []
    opened = None
    for _, ev in events.iterrows():
        if opens_talks(ev):
            if opened is None:
                opened = ev["date"]
        elif ev["event_type"] == "breakdown" and opened is not None:
            out.append((opened, ev["date"]))
            opened = None
    if opened is not None:
        out.append((opened, _month_bounds(LAST_MONTH)[1]))
    return out


def monthly_panel(events: pd.DataFrame | None = None, coverage=None) -> pd.DataFrame:
    """One row per month, 2016-01..2019-12, with the indicators of README.md.

    Counts are float (NaN where the month is not fully covered); booleans use pandas'
    nullable ``boolean`` dtype (<NA> where not covered). ``coverage`` is a coverage frame,
    a path, or None for the repository's ``coverage.csv``.
    """
    if events is None:
        events = load_events()
    if not isinstance(coverage, pd.DataFrame):
        coverage = load_coverage(coverage)
    months = _months()
    by = events.groupby(["month", "event_type"]).size()

    def count(*types: str) -> pd.Series:
        s = pd.Series(0.0, index=months)
        for t in types:
            part = by.xs(t, level="event_type") if t in by.index.get_level_values(1) else None
            if part is not None:
                s = s.add(part.reindex(months, fill_value=0).astype(float), fill_value=0)
        return s

    panel = pd.DataFrame(index=months)
    panel["missile_tests"] = count("missile_test", "icbm_test")
    panel["icbm_or_satellite_launches"] = count("icbm_test", "satellite_launch")
    panel["nuclear_tests"] = count("nuclear_test")
    panel["strategic_test"] = (panel["icbm_or_satellite_launches"] + panel["nuclear_tests"]) > 0
    panel["resolutions_adopted"] = count("resolution_adopted")
    panel["drafts_failed"] = count("draft_failed")

    ex = exercise_intervals(events)
    downsized = {
        exercise_name(d) for d in events.loc[events["event_type"] == "exercise_downsized", "detail"]
    }
    panel["exercises_running"] = [_overlaps(ex.values(), m) for m in months]
    panel["exercises_downsized"] = [
        _overlaps([iv for n, iv in ex.items() if n in downsized], m) for m in months
    ]
    panel["exercises_suspended"] = count("exercise_suspended")

    talks = talks_intervals(events)
    panel["talks_open"] = [_overlaps(talks, m) for m in months]
    panel["summits"] = count("summit")
    panel["breakdowns"] = count("breakdown")
    panel["declarations"] = count("declaration")
    mor = events.loc[events["event_type"] == "moratorium", "date"]
    first = mor.min() if len(mor) else None
    panel["moratorium_in_force"] = [
        first is not None and first <= _month_bounds(m)[1] for m in months
    ]

    panel = panel[PANEL_COLUMNS]
    mask = coverage_mask(coverage)
    for col in COUNT_COLUMNS:
        panel[col] = panel[col].astype("float64").where(mask[col])
    for col in BOOL_COLUMNS:
        panel[col] = panel[col].astype("boolean").where(mask[col], pd.NA)
    panel.index.name = "month"
    return panel


def panel_to_csv(panel: pd.DataFrame) -> str:
    """The panel as csv text (months as YYYY-MM, counts as integers, gaps empty)."""
    out = pd.DataFrame(index=panel.index.astype(str))
    out.index.name = "month"
    for col in panel.columns:
        s = panel[col]
        if col in COUNT_COLUMNS:
            out[col] = [("" if pd.isna(v) else str(int(v))) for v in s]
        else:
            out[col] = [("" if pd.isna(v) else str(bool(v))) for v in s]
    buf = io.StringIO()
    out.to_csv(buf, lineterminator="\n")
    return buf.getvalue()


def read_panel(path=None) -> pd.DataFrame:
    """Read ``panel.csv`` back into the dtypes :func:`monthly_panel` returns."""
    path = _data_path(path, "panel.csv")
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False)
    panel = pd.DataFrame(index=pd.PeriodIndex(raw["month"], freq="M", name="month"))
    for col in PANEL_COLUMNS:
        vals = raw[col].tolist()
        if col in COUNT_COLUMNS:
            panel[col] = pd.Series(
                [float("nan") if v == "" else float(v) for v in vals], index=panel.index
            )
        else:
            mapping = {"True": True, "False": False, "": pd.NA}
            panel[col] = pd.Series([mapping[v] for v in vals], index=panel.index, dtype="boolean")
    return panel


def state_at(month, events: pd.DataFrame | None = None, coverage=None) -> dict:
    """What the record says at the end of ``month`` (``"YYYY-MM"`` or a Period).

    Cumulative counts run from January 2016 to the month inclusive; the running state
    (exercises, talks, moratorium) is the panel's value for that month.
    """
    month = pd.Period(month, freq="M")
    if not FIRST_MONTH <= month <= LAST_MONTH:
        raise ValueError(f"month {month} is outside {FIRST_MONTH}..{LAST_MONTH}")
    if events is None:
        events = load_events()
    panel = monthly_panel(events, coverage)
    upto = events[events["month"] <= month]

    def of(*types):
        return upto[upto["event_type"].isin(types)]

    resolutions = of("resolution_adopted")
    strategic = of("nuclear_test", "icbm_test", "satellite_launch")
    row = panel.loc[month]

    def val(v):
        return None if pd.isna(v) else bool(v)

    return {
        "month": str(month),
        "sanctions_resolutions": [d.split(":", 1)[0] for d in resolutions["detail"]],
        "sanctions_resolutions_in_force": len(resolutions),
        "strategic_tests_so_far": len(strategic),
        "nuclear_tests_so_far": int((strategic["event_type"] == "nuclear_test").sum()),
        "icbm_tests_so_far": int((strategic["event_type"] == "icbm_test").sum()),
        "last_strategic_test": (
            None if strategic.empty else strategic["date"].iloc[-1].strftime("%Y-%m-%d")
        ),
        "summits_so_far": len(of("summit")),
        "exercises_running": val(row["exercises_running"]),
        "exercises_downsized": val(row["exercises_downsized"]),
        "talks_open": val(row["talks_open"]),
        "moratorium_in_force": val(row["moratorium_in_force"]),
    }


def record(events=None, panel=None):
    """(events, monthly panel) of the record: the ones given, else read and derived here."""
    if events is None:
        events = load_events()
    if panel is None:
        panel = monthly_panel(events)
    return events, panel
