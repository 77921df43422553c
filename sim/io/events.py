"""events.parquet: every move, vote and adopted resolution of a run, as event data.

One row per event, with the column names of GDELT 1.0/2.0 where GDELT has the field
(GLOBALEVENTID, SQLDATE, MonthYear, Year, Actor1Code, Actor2Code, EventCode,
EventBaseCode, EventRootCode, QuadClass, GoldsteinScale) and the model's own keys
beside them (seed, round, order, actor, kind, move). The CAMEO code and the Goldstein
score of every event are those of `sim.core.ladder`; the root code and the QuadClass
follow from the CAMEO code by the CAMEO rules. The schema is documented in
docs/events.md.

The table is a pure function of trajectories.parquet, which it leaves unchanged.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from sim.core.ladder import MENUS, RESOLUTION, VOTE_MOVES
from sim.io import arrow

if TYPE_CHECKING:  # pandas is imported where it is used: a run does not need it
    import pandas as pd

EVENTS = "events.parquet"

# CAMEO actor codes: states by ISO 3166 alpha-3, the UN as an intergovernmental organisation.
ACTOR_CODES = {"us": "USA", "china": "CHN", "russia": "RUS", "dprk": "PRK", "unsc": "IGOUNO"}

# Whom each move is directed at (Actor2Code); "" where a move has no single target.
TARGETS: dict[tuple[str, str], str] = {
    **{("us", m): "PRK" for m in MENUS["us"]},
    **{("china", m): "PRK" for m in MENUS["china"]},
    **{("dprk", m): "USA" for m in MENUS["dprk"]},
    ("russia", "urge_talks"): "USA",
    ("russia", "hold"): "",
    ("russia", "back_china"): "CHN",
    ("russia", "warn_us"): "USA",
}

# Order of the events within a round: the council sits in phase 2, the moves follow in phase 4.
ORDER = {
    "china_vote": 0,
    "russia_vote": 1,
    "resolution": 2,
    "us": 3,
    "china": 4,
    "russia": 5,
    "dprk": 6,
}

_i32, _i64, _s, _f = pa.int32(), pa.int64(), pa.string(), pa.float64()
EVENT_SCHEMA = pa.schema(
    [
        ("GLOBALEVENTID", _i64),
        ("SQLDATE", _i32),
        ("MonthYear", _i32),
        ("Year", _i32),
        ("Actor1Code", _s),
        ("Actor2Code", _s),
        ("EventCode", _s),
        ("EventBaseCode", _s),
        ("EventRootCode", _s),
        ("QuadClass", _i32),
        ("GoldsteinScale", _f),
        ("seed", _i32),
        ("round", _i32),
        ("order", _i32),
        ("actor", _s),
        ("kind", _s),
        ("move", _s),
    ]
)

# The trajectory columns the events are built from.
SOURCE_COLUMNS = [
    "seed",
    "round",
    "us_move",
    "china_move",
    "russia_move",
    "dprk_move",
    "resolution_drafted",
    "resolution_adopted",
    "china_vote",
    "russia_vote",
]


def root_code(cameo: str) -> str:
    """The two-digit CAMEO root of an event code ('0256' -> '02', '195' -> '19')."""
    return cameo[:2]


def base_code(cameo: str) -> str:
    """The three-digit CAMEO base code ('0256' -> '025')."""
    return cameo[:3]


def quad_class(cameo: str) -> int:
    """CAMEO QuadClass: 1 verbal cooperation (roots 01-05), 2 material cooperation (06-08),
    3 verbal conflict (09-13), 4 material conflict (14-20)."""
    root = int(root_code(cameo))
    if not 1 <= root <= 20:
        raise ValueError(f"CAMEO code {cameo!r} has no root in 01-20")
    return 1 if root <= 5 else 2 if root <= 8 else 3 if root <= 13 else 4


def event_id(seed: np.ndarray, round_: np.ndarray, order: np.ndarray) -> np.ndarray:
    """GLOBALEVENTID: unique within a run, (seed * 100,000 + round) * 100 + order."""
    return (seed.astype(np.int64) * 100_000 + round_.astype(np.int64)) * 100 + order


def month_codes(rounds: np.ndarray, start: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(SQLDATE, MonthYear, Year) of each round: round 1 is the month `start` (YYYY-MM), day 1."""
    year, month = (int(x) for x in start.split("-"))
    months = (year * 12 + month - 1) + (rounds.astype(np.int64) - 1)
    y, m = months // 12, months % 12 + 1
    return (
        ((y * 100 + m) * 100 + 1).astype(np.int32),
        (y * 100 + m).astype(np.int32),
        y.astype(np.int32),
    )


def events_table(traj, start: str = "2017-08") -> pa.Table:
    """The events of trajectories (an Arrow table or batch, or a frame, with SOURCE_COLUMNS),
    as an EVENT_SCHEMA table, ordered by seed, round and order within the round.

    Built with numpy and Arrow alone: a run that writes its events does not load pandas.
    """
    if not isinstance(traj, (pa.Table, pa.RecordBatch)):
        traj = pa.Table.from_pandas(traj[SOURCE_COLUMNS], preserve_index=False)
    seed = arrow.to_numpy(traj["seed"]).astype(np.int32)
    rnd = arrow.to_numpy(traj["round"]).astype(np.int32)
    rows = len(seed)
    parts = []
    every = np.ones(rows, dtype=bool)  # every actor moves in every round
    for actor in ("us", "china", "russia", "dprk"):
        which, names = arrow.codes(traj[f"{actor}_move"])
        if (which < 0).any():
            raise ValueError(f"trajectories hold a round without a {actor} move")
        parts.append(
            _part(seed, rnd, every, which, names, ORDER[actor], actor, "move", MENUS[actor], actor)
        )
    drafted = arrow.valid(traj["resolution_drafted"])
    for who in ("china", "russia"):
        which, names = arrow.codes(traj[f"{who}_vote"])
        parts.append(
            _part(seed, rnd, drafted & (which >= 0), which, names, ORDER[f"{who}_vote"], who,
                  "vote", VOTE_MOVES, "unsc")
        )  # fmt: skip
    adopted = arrow.valid(traj["resolution_adopted"])
    parts.append(
        _part(seed, rnd, adopted, np.zeros(rows, dtype=np.int64), [RESOLUTION.name],
              ORDER["resolution"], "unsc", "resolution", {RESOLUTION.name: RESOLUTION}, "dprk")
    )  # fmt: skip
    # (seed, round, order) is unique to an event, so this order is total
    numbers = {k: np.concatenate([part[k] for part in parts]) for k in _NUMBERS}
    rank = np.lexsort((numbers["order"], numbers["round"], numbers["seed"]))
    numbers = {k: v[rank] for k, v in numbers.items()}
    sqldate, monthyear, year = month_codes(numbers["round"], start)
    numbers["GLOBALEVENTID"] = event_id(numbers["seed"], numbers["round"], numbers["order"])
    numbers.update(SQLDATE=sqldate, MonthYear=monthyear, Year=year)
    columns = []
    for field in EVENT_SCHEMA:
        if field.name in numbers:
            columns.append(arrow.from_numpy(numbers[field.name], field.type))
            continue
        names, which, offset = [], [], 0  # each part's names, one list: rows index into it
        for part in parts:
            part_names, part_which = part[field.name]
            names += part_names
            which.append(part_which + offset)
            offset += len(part_names)
        index = np.concatenate(which)[rank].astype(np.int32)
        columns.append(arrow.strings(names).take(arrow.from_numpy(index, pa.int32())))
    return pa.Table.from_arrays(columns, schema=EVENT_SCHEMA)


# The event columns that are numbers; the others are strings.
_NUMBERS = ("QuadClass", "GoldsteinScale", "seed", "round", "order")


def _part(seed, rnd, rows, which, names, order, actor, kind, menu, target_actor) -> dict:
    """One kind of event (an actor's moves, its votes, the resolutions), for the trajectory
    rows where `rows` holds: numbers as arrays, strings as (names, each row's index).

    Each value is looked up once per distinct move name, not once per row.
    """
    which = which[rows]
    n = len(which)
    moves = [menu[name] for name in names]
    codes = [m.cameo for m in moves]
    if kind == "move":
        targets = [TARGETS.get((actor, name), "") for name in names]
    else:
        targets = [ACTOR_CODES[target_actor]] * len(names)
    zeros = np.zeros(n, dtype=np.int64)

    def numbers(values, dtype):
        return np.asarray(values, dtype=dtype)[which] if names else np.empty(0, dtype)

    return {
        "Actor1Code": ([ACTOR_CODES[actor]], zeros),
        "Actor2Code": (targets, which),
        "EventCode": (codes, which),
        "EventBaseCode": ([base_code(c) for c in codes], which),
        "EventRootCode": ([root_code(c) for c in codes], which),
        "QuadClass": numbers([quad_class(c) for c in codes], np.int32),
        "GoldsteinScale": numbers([m.goldstein for m in moves], np.float64),
        "seed": seed[rows],
        "round": rnd[rows],
        "order": np.full(n, order, dtype=np.int32),
        "actor": ([actor], zeros),
        "kind": ([kind], zeros),
        "move": (list(names), which),
    }


def write_events(traj_path: Path | str, out_path: Path | str, start: str = "2017-08") -> Path:
    """Build events.parquet from trajectories.parquet, batch by batch; return its path."""
    from sim.io.files import partial

    traj_path, out_path = Path(traj_path), Path(out_path)
    source = pq.ParquetFile(traj_path)
    tmp = partial(out_path)
    writer = pq.ParquetWriter(tmp, EVENT_SCHEMA, compression="zstd")
    try:
        for batch in source.iter_batches(batch_size=65_536, columns=SOURCE_COLUMNS):
            writer.write_table(events_table(batch, start))
        writer.close()
        tmp.replace(out_path)
    finally:
        if tmp.exists():
            writer.close()
            tmp.unlink()
    return out_path


def read_events(path: Path | str) -> pd.DataFrame:
    return pq.read_table(path).to_pandas()


# Goldstein weights of the CAMEO codes found in data/history/events.csv that no move of the
# ladder carries (the CAMEO codebook's Goldstein scale, as GDELT publishes it).
CODEBOOK_GOLDSTEIN = {
    "036": 4.0,  # express intent to meet or negotiate
    "043": 2.8,  # host a visit
    "044": 2.5,  # meet at a third location
    "046": 7.0,  # engage in negotiation
    "057": 8.0,  # sign formal agreement
    "087": 9.0,  # de-escalate military engagement
    "138": -7.0,  # threaten with military force
    "139": -7.0,  # give ultimatum
    "150": -7.2,  # demonstrate military or police power
    "163": -8.0,  # impose embargo, boycott or sanctions
    "164": -7.0,  # halt negotiations
}


def goldstein_of(cameo: str) -> float | None:
    """The Goldstein score of a CAMEO code: the ladder's where a move has it, else the
    codebook's."""
    from sim.core.ladder import all_moves

    for m in [*all_moves(), *VOTE_MOVES.values(), RESOLUTION]:
        if m.cameo == cameo:
            return m.goldstein
    return CODEBOOK_GOLDSTEIN.get(cameo)
