"""Read and check the output files a report is built from, and nothing else.

A report must be rebuildable from an output directory alone, possibly copied
elsewhere or damaged. Every problem becomes one `ReportError` naming the file
and what is wrong with it, never a traceback from deep inside pandas.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from sim.io.files import (
    OUTCOMES_CSV,
    PARTIAL,
    PROVENANCE,
    SUMMARY,
    TRAJECTORIES,
    partials,
)

if TYPE_CHECKING:  # pandas is imported where it is used: a run does not need it
    import pandas as pd

MONTH = r"\d{4}-(0[1-9]|1[0-2])"

REQUIRED = (SUMMARY, PROVENANCE, OUTCOMES_CSV, TRAJECTORIES)
OUTCOME_COLUMNS = ["seed", "outcome", "outcome_round"]
# The trajectory columns any figure needs; the others are never read.
TRAJECTORY_COLUMNS = [
    "seed",
    "round",
    "tension",
    "escalation_score",
    "sanctions_level",
    "pressure",
    "china_enforcement",
    "russia_enforcement",
    "dprk_capability",
    "dprk_stability",
    "resolution_drafted",
    "resolution_adopted",
    "china_vote",
    "russia_vote",
    "us_move",
    "china_move",
    "russia_move",
    "dprk_move",
]


class ReportError(Exception):
    """An input of the report is missing, unreadable or inconsistent (message names the file)."""


def _missing(path: Path) -> ReportError:
    hint = ""
    if partials(path):
        hint = f" ({partials(path)[0].name} exists: the run was interrupted before it finished)"
    return ReportError(f"missing file: {path}{hint}")


def read_json(path: Path) -> dict:
    if not path.is_file():
        raise _missing(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ReportError(f"broken file: {path}: not valid JSON ({err})") from None
    if not isinstance(data, dict):
        raise ReportError(f"broken file: {path}: expected a JSON object")
    return data


def _need(path: Path, obj: dict, *keys: str) -> None:
    absent = [k for k in keys if k not in obj]
    if absent:
        raise ReportError(f"broken file: {path}: lacks {', '.join(absent)}")


@dataclass
class Run:
    """One run directory: its summary, provenance and (lazily) its tables."""

    path: Path
    summary: dict
    provenance: dict

    @property
    def config(self) -> dict:
        return self.provenance["config"]

    @property
    def scenario(self) -> str:
        return str(self.summary["scenario"])

    @property
    def seeds(self) -> int:
        return int(self.summary["seeds"])

    @property
    def rounds(self) -> int:
        return int(self.summary["rounds"])

    @property
    def start(self) -> str | None:
        """Calendar month of round 1, or None when the run has no calendar."""
        return self.summary.get("start") or self.config.get("run", {}).get("start")

    @property
    def outcome_names(self) -> list[str]:
        return list(self.summary["outcomes"])

    def check(self) -> None:
        """Read and check every table now, so a damaged file fails before any output."""
        _ = self.outcomes, self.by_round

    def _trajectory_file(self):
        """trajectories.parquet opened, with the columns the figures use checked."""
        import pyarrow.parquet as pq

        path = self.path / TRAJECTORIES
        if not path.is_file():
            raise _missing(path)
        try:
            handle = pq.ParquetFile(path)
            names = set(handle.schema_arrow.names)
        except Exception as err:  # pyarrow raises many types for a damaged file
            raise ReportError(f"broken file: {path}: {err}") from None
        absent = [c for c in TRAJECTORY_COLUMNS if c not in names]
        if absent:
            raise ReportError(f"broken file: {path}: lacks columns {', '.join(absent)}")
        if handle.metadata.num_rows == 0:
            raise ReportError(f"broken file: {path}: no rows")
        return handle

    @cached_property
    def by_round(self):
        """Per-round statistics of trajectories.parquet (sim.stats.RoundStats), read in batches.

        Memory does not grow with the number of seeds: the file is streamed
        (three passes, a row group at a time), never loaded whole.
        """
        from sim.stats import BAND_COLUMNS, RoundStats

        handle = self._trajectory_file()
        path = self.path / TRAJECTORIES
        columns = ["round", *BAND_COLUMNS, "resolution_drafted", "resolution_adopted",
                   "china_vote", "russia_vote", "outcome", "talks"]  # fmt: skip

        def batches():
            # Row group by row group: ParquetFile.iter_batches holds on to memory as it
            # goes (pyarrow 26: +0.5 GB over a 1,000,000-seed file); this stays flat.
            for i in range(handle.num_row_groups):
                yield handle.read_row_group(i, columns=columns)

        try:
            return RoundStats(batches, self.rounds, list(BAND_COLUMNS))
        except Exception as err:  # a damaged file, or rounds outside the run's horizon
            raise ReportError(f"broken file: {path}: {err}") from None

    def trajectory(self, seed: int) -> pd.DataFrame:
        """The rows of one replication, by round (read with a filter, not the whole file)."""
        import pyarrow.parquet as pq

        path = self.path / TRAJECTORIES
        self._trajectory_file()
        try:
            table = pq.read_table(path, columns=TRAJECTORY_COLUMNS, filters=[("seed", "=", seed)])
        except Exception as err:
            raise ReportError(f"broken file: {path}: {err}") from None
        return table.to_pandas().sort_values("round")

    @cached_property
    def outcomes(self) -> pd.DataFrame:
        """outcomes.csv (seed, outcome, outcome_round), checked against summary.json."""
        import pandas as pd

        path = self.path / OUTCOMES_CSV
        if not path.is_file():
            raise _missing(path)
        try:
            df = pd.read_csv(path, usecols=OUTCOME_COLUMNS)
        except (ValueError, OSError, UnicodeDecodeError) as err:  # ParserError is a ValueError
            raise ReportError(f"broken file: {path}: {err}") from None
        if len(df) != self.seeds:
            raise ReportError(
                f"broken file: {path}: {len(df)} rows, but {self.path / SUMMARY} "
                f"reports {self.seeds} seeds"
            )
        counts = df["outcome"].value_counts()
        for name, row in self.summary["outcomes"].items():
            if int(counts.get(name, 0)) != int(row["count"]):
                raise ReportError(
                    f"broken file: {path}: {int(counts.get(name, 0))} runs end in {name}, "
                    f"but {self.path / SUMMARY} reports {row['count']}"
                )
        unknown = set(counts.index) - set(self.summary["outcomes"])
        if unknown:
            raise ReportError(f"broken file: {path}: unknown outcomes {sorted(unknown)}")
        return df

    @cached_property
    def trajectories(self) -> pd.DataFrame:
        """trajectories.parquet, only the columns the figures use."""
        path = self.path / TRAJECTORIES
        if not path.is_file():
            raise _missing(path)
        try:
            import pyarrow.parquet as pq

            names = set(pq.read_schema(path).names)
            absent = [c for c in TRAJECTORY_COLUMNS if c not in names]
            if absent:
                raise ReportError(f"broken file: {path}: lacks columns {', '.join(absent)}")
            df = pq.read_table(path, columns=TRAJECTORY_COLUMNS).to_pandas()
        except ReportError:
            raise
        except Exception as err:  # pyarrow raises many types for a damaged file
            raise ReportError(f"broken file: {path}: {err}") from None
        if df.empty:
            raise ReportError(f"broken file: {path}: no rows")
        return df


def unfinished(path: Path) -> str | None:
    """Why `path` looks like a run that started and did not finish (None if it does not)."""
    if (path / SUMMARY).is_file():
        return None
    marks = sorted(p.name for p in path.glob(f"*{PARTIAL}"))
    marks += [n for n in (OUTCOMES_CSV, TRAJECTORIES, PROVENANCE) if (path / n).is_file()]
    marks += [".hydra/"] if (path / ".hydra").is_dir() else []
    if not marks:
        return None
    return (
        f"interrupted run: {path} holds {marks[0]} but no {SUMMARY}, so the run did not "
        "finish; rerun it"
    )


def _is_int(v: object) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_number(v: object) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and v == v


def _field(path: Path, key: str, value: object, allowed: str) -> ReportError:
    return ReportError(f"broken file: {path}: {key}={json.dumps(value)}; allowed: {allowed}")


def check_summary(path: Path, summary: dict) -> None:
    """Check every field of summary.json a report reads; name the file and the field."""
    _need(path, summary, "scenario", "seeds", "rounds", "outcomes")
    if not isinstance(summary["scenario"], str) or not summary["scenario"]:
        raise _field(path, "scenario", summary["scenario"], "a name")
    for key in ("seeds", "rounds"):
        if not _is_int(summary[key]) or summary[key] < 1:
            raise _field(path, key, summary[key], "an integer of at least 1")
    if "base_seed" in summary and not (_is_int(summary["base_seed"]) and summary["base_seed"] >= 0):
        raise _field(path, "base_seed", summary["base_seed"], "an integer of at least 0")
    start = summary.get("start")
    if start is not None and not (isinstance(start, str) and re.fullmatch(MONTH, start)):
        raise _field(path, "start", start, "a month YYYY-MM, e.g. 2017-08, or null")
    if "interval" in summary and not isinstance(summary["interval"], str):
        raise _field(path, "interval", summary["interval"], "a text")
    outcomes = summary["outcomes"]
    if not isinstance(outcomes, dict) or not outcomes:
        raise _field(path, "outcomes", outcomes, "an object of outcomes")
    total = 0
    for name, row in outcomes.items():
        if not isinstance(row, dict):
            raise ReportError(f"broken file: {path}: outcome {name} is not an object")
        _need(path, row, "count", "probability", "ci_low", "ci_high")
        key = f"outcomes.{name}"
        if not _is_int(row["count"]) or not 0 <= row["count"] <= summary["seeds"]:
            raise _field(
                path, f"{key}.count", row["count"], f"an integer in [0, {summary['seeds']}]"
            )
        total += row["count"]
        for part in ("probability", "ci_low", "ci_high"):
            if not _is_number(row[part]) or not 0 <= row[part] <= 1:
                raise _field(path, f"{key}.{part}", row[part], "a number in [0, 1]")
        if not row["ci_low"] <= row["probability"] <= row["ci_high"]:
            raise ReportError(
                f"broken file: {path}: {key}: probability {row['probability']} lies outside "
                f"its interval [{row['ci_low']}, {row['ci_high']}]"
            )
        if abs(row["probability"] - row["count"] / summary["seeds"]) > 1e-6:
            raise ReportError(
                f"broken file: {path}: {key}.probability={row['probability']}, but count "
                f"{row['count']} of {summary['seeds']} seeds gives "
                f"{row['count'] / summary['seeds']:g}"
            )
        median = row.get("median_round")
        # 0: talks in force before round 1 (a start month when the record has them open)
        if median is not None and not (_is_number(median) and 0 <= median <= summary["rounds"]):
            raise _field(
                path, f"{key}.median_round", median, f"a round in [0, {summary['rounds']}] or null"
            )
    if total != summary["seeds"]:
        raise ReportError(
            f"broken file: {path}: outcome counts add up to {total}, but seeds={summary['seeds']}"
        )
    for key in ("mean_peak_tension", "mean_resolutions_adopted", "mean_dprk_tests"):
        if key in summary and not (_is_number(summary[key]) and summary[key] >= 0):
            raise _field(path, key, summary[key], "a number of at least 0")


def load_run(path: Path | str) -> Run:
    """Open a run directory; fail with a ReportError naming the first bad file."""
    path = Path(path)
    if not path.is_dir():
        raise ReportError(f"not a directory: {path}")
    why = unfinished(path)
    if why is not None:
        raise ReportError(why)
    for name in REQUIRED:
        if not (path / name).is_file():
            raise _missing(path / name)
    summary = read_json(path / SUMMARY)
    check_summary(path / SUMMARY, summary)
    provenance = read_json(path / PROVENANCE)
    _need(path / PROVENANCE, provenance, "config")
    if not isinstance(provenance["config"], dict):
        raise _field(path / PROVENANCE, "config", provenance["config"], "an object")
    return Run(path, summary, provenance)


def is_run(path: Path) -> bool:
    return (path / SUMMARY).is_file() or (path / OUTCOMES_CSV).is_file()


def subruns(path: Path) -> list[Path]:
    """The job directories of a Hydra multirun (0/, 1/, ...), in job order."""
    jobs = [p for p in path.iterdir() if p.is_dir() and p.name.isdigit()]
    return sorted(jobs, key=lambda p: int(p.name))


def overrides(path: Path) -> dict[str, str]:
    """A job's Hydra command-line overrides (key -> value), empty if unknown."""
    f = path / ".hydra" / "overrides.yaml"
    if not f.is_file():
        return {}
    out = {}
    for line in f.read_text(encoding="utf-8").splitlines():
        item = line.strip().removeprefix("- ").strip().strip("'\"")
        if "=" in item:
            key, value = item.split("=", 1)
            out[key.lstrip("+~")] = value
    return out
