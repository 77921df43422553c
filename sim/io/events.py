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


def events_table(traj: pd.DataFrame, start: str = "2017-08") -> pa.Table:
    """The events of trajectories (a frame with SOURCE_COLUMNS), as an EVENT_SCHEMA table."""
    import pandas as pd

    parts = []
    seed = traj["seed"].to_numpy()
    rnd = traj["round"].to_numpy()
    for actor in ("us", "china", "russia", "dprk"):
        names = traj[f"{actor}_move"].to_numpy()
        parts.append(_part(seed, rnd, ORDER[actor], actor, "move", names, MENUS[actor], actor))
    drafted = traj["resolution_drafted"].notna().to_numpy()
    for who in ("china", "russia"):
        votes = traj[f"{who}_vote"].to_numpy()
        mask = drafted & pd.notna(votes)
        parts.append(
            _part(
                seed[mask], rnd[mask], ORDER[f"{who}_vote"], who, "vote", votes[mask],
                VOTE_MOVES, "unsc",
            )
        )  # fmt: skip
    adopted = traj["resolution_adopted"].notna().to_numpy()
    n = int(adopted.sum())
    parts.append(
        _part(
            seed[adopted],
            rnd[adopted],
            ORDER["resolution"],
            "unsc",
            "resolution",
            np.full(n, RESOLUTION.name, dtype=object),
            {RESOLUTION.name: RESOLUTION},
            "dprk",
        )
    )
    df = pd.concat(parts, ignore_index=True)
    df = df.sort_values(["seed", "round", "order"], kind="stable").reset_index(drop=True)
    sqldate, monthyear, year = month_codes(df["round"].to_numpy(), start)
    df.insert(0, "Year", year)
    df.insert(0, "MonthYear", monthyear)
    df.insert(0, "SQLDATE", sqldate)
    df.insert(
        0,
        "GLOBALEVENTID",
        event_id(df["seed"].to_numpy(), df["round"].to_numpy(), df["order"].to_numpy()),
    )
    df = df[EVENT_SCHEMA.names]
    return pa.Table.from_pandas(df, schema=EVENT_SCHEMA, preserve_index=False)


def _part(seed, rnd, order, actor, kind, names, menu, target_actor) -> pd.DataFrame:
    """One kind of event (an actor's moves, its votes, the resolutions) as event rows.

    Each column is looked up once per distinct move name, not once per row.
    """
    import pandas as pd

    which, distinct = pd.factorize(np.asarray(names, dtype=object))
    moves = [menu[n] for n in distinct]
    codes = [m.cameo for m in moves]
    if kind == "move":
        targets = [TARGETS.get((actor, n), "") for n in distinct]
    else:
        targets = [ACTOR_CODES[target_actor]] * len(distinct)

    def column(values, dtype):
        return np.asarray(values, dtype=dtype)[which] if len(which) else np.empty(0, dtype)

    return pd.DataFrame(
        {
            "Actor1Code": ACTOR_CODES[actor],
            "Actor2Code": pd.Series(column(targets, object), dtype=object),
            "EventCode": pd.Series(column(codes, object), dtype=object),
            "EventBaseCode": pd.Series(column([base_code(c) for c in codes], object)),
            "EventRootCode": pd.Series(column([root_code(c) for c in codes], object)),
            "QuadClass": pd.Series(column([quad_class(c) for c in codes], np.int32)),
            "GoldsteinScale": pd.Series(column([m.goldstein for m in moves], np.float64)),
            "seed": pd.Series(seed, dtype=np.int32),
            "round": pd.Series(rnd, dtype=np.int32),
            "order": np.int32(order),
            "actor": actor,
            "kind": kind,
            "move": pd.Series(np.asarray(names, dtype=object), dtype=object),
        }
    )


def write_events(traj_path: Path | str, out_path: Path | str, start: str = "2017-08") -> Path:
    """Build events.parquet from trajectories.parquet, batch by batch; return its path."""
    from sim.io.files import partial

    traj_path, out_path = Path(traj_path), Path(out_path)
    source = pq.ParquetFile(traj_path)
    tmp = partial(out_path)
    writer = pq.ParquetWriter(tmp, EVENT_SCHEMA, compression="zstd")
    try:
        for batch in source.iter_batches(batch_size=65_536, columns=SOURCE_COLUMNS):
            writer.write_table(events_table(batch.to_pandas(), start))
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
