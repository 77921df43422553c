"""Batch driver: many replications inside compiled code, the same kernels as the Mesa face.

`simulate(cfg, start, stop)` runs replications start..stop-1 of `cfg` (with
the streams of sim.core.streams: SeedSequence([run.seed, i])) in one call of
`run_chunk` (sim.runs.chunk, the only part that loads numba) and returns a
`Block` of numpy arrays: per replication the fields of outcomes.csv, and
unless `trajectories=False` per round the columns of trajectories.parquet.
`blocks` splits a run across worker processes and hands the results back in
seed order, in blocks of run.batch seeds. `outcome_rows`, `outcome_lines`,
`trajectory_rows` and `trajectory_table` decode a block into the Mesa path's
rows and the files' lines and tables.
"""

from __future__ import annotations

import functools
import multiprocessing as mp
from collections import deque
from collections.abc import Iterator

import numpy as np
import pyarrow as pa

from sim.core import layout
from sim.core.layout import ROUND_COLUMNS
from sim.core.params import CrisisConfig
from sim.io import arrow
from sim.io.files import OUTCOME_COLUMNS, TRAJECTORY_SCHEMA, encode_trajectories
from sim.io.processes import die_with_parent
from sim.runs import pool

# Per-round columns, split by type, in the order of the trajectories schema (restored on
# output). Derived from the schema, so a new column is declared in one place.
TRAJ_FLOAT = tuple(f.name for f in TRAJECTORY_SCHEMA if pa.types.is_floating(f.type))
TRAJ_INT = tuple(f.name for f in TRAJECTORY_SCHEMA if not pa.types.is_floating(f.type))
_TF = {name: i for i, name in enumerate(TRAJ_FLOAT)}
_TI = {name: i for i, name in enumerate(TRAJ_INT)}
# State fields of the float trajectory columns, in TRAJ_FLOAT order (first 12).
_TRAJ_STATE = np.array(
    [
        layout.S_TENSION,
        layout.S_SANCTIONS,
        layout.S_PRESSURE,
        layout.S_CHINA_ENF,
        layout.S_RUSSIA_ENF,
        layout.S_CAPABILITY,
        layout.S_STABILITY,
        layout.S_TRUST,
        layout.S_CHINA_COST,
        layout.S_WAR,
        layout.S_NUCLEAR,
        layout.S_COLLAPSE,
    ],
    dtype=np.int64,
)
TF_DRAFTED, TF_ADOPTED, TF_ESCALATION = 12, 13, 14
TI_SEED, TI_ROUND, TI_EXERCISES, TI_US, TI_CHINA, TI_RUSSIA, TI_DPRK = range(7)
TI_CHINA_VOTE, TI_RUSSIA_VOTE, TI_OUTCOME, TI_TALKS = 7, 8, 9, 10
# The compiled loop writes by these positions: the schema must keep them.
assert TRAJ_FLOAT[12:] == ("resolution_drafted", "resolution_adopted", "escalation_score")
assert TRAJ_INT == ("seed", "round", "exercises", "us_move", "china_move", "russia_move",
                    "dprk_move", "china_vote", "russia_vote", "outcome", "talks")  # fmt: skip

OUT_FLOAT = (
    "peak_tension",
    "china_cost",
    "final_tension",
    "final_sanctions_level",
    "final_pressure",
    "final_china_enforcement",
    "final_russia_enforcement",
    "final_dprk_capability",
    "final_dprk_stability",
    "final_us_trust_in_china",
)
OUT_INT = (
    "seed",
    "outcome",
    "outcome_round",
    "rounds_played",
    "resolutions_adopted",
    "dprk_tests",
    "final_exercises",
    "talks_opened_round",
    "talks_breakdowns",
    "agreement_round",
    "war_cause",
)
_OUT_STATE = np.array(
    [
        layout.S_CHINA_COST,
        layout.S_TENSION,
        layout.S_SANCTIONS,
        layout.S_PRESSURE,
        layout.S_CHINA_ENF,
        layout.S_RUSSIA_ENF,
        layout.S_CAPABILITY,
        layout.S_STABILITY,
        layout.S_TRUST,
    ],
    dtype=np.int64,
)
assert set(OUT_FLOAT) | set(OUT_INT) == set(OUTCOME_COLUMNS)
assert set(TRAJ_FLOAT) | set(TRAJ_INT) == {"seed", *ROUND_COLUMNS}

MOVE_NAMES = layout.MOVE_NAMES
VOTE_NAMES = layout.VOTES
OUTCOME_NAMES = layout.OUTCOMES


class Compiled:
    """A config's arrays for the kernels, built once (params, perceptions, base seed)."""

    def __init__(self, cfg: CrisisConfig):
        self.cfg = cfg
        self.q = layout.params_array(cfg)
        self.phys = layout.perceptions_array(cfg)
        self.rounds = cfg.run.rounds

    @functools.cached_property
    def seed_w(self) -> np.ndarray:
        """run.seed as SeedSequence words, made where replications run (sim.core.rng loads
        numba)."""
        from sim.core.rng import seed_words

        return seed_words(self.cfg.run.seed)


class Block:
    """Replications start..stop-1 as arrays: one row per replication, one per round.

    Codes: outcome (into OUTCOME_NAMES; -1 in trajectories for none), moves
    (into MOVE_NAMES), votes (into VOTE_NAMES; -1 for none), outcome_round -1
    for none, exercises 0/1; a missing resolution strength is NaN.
    """

    __slots__ = ("start", "stop", "of", "oi", "tf", "ti")

    def __init__(self, start, stop, of, oi, tf=None, ti=None):
        self.start, self.stop = start, stop
        self.of, self.oi, self.tf, self.ti = of, oi, tf, ti

    def __len__(self) -> int:
        return self.stop - self.start

    @property
    def outcomes(self) -> dict[str, np.ndarray]:
        return {
            **{name: self.oi[:, k] for k, name in enumerate(OUT_INT)},
            **{name: self.of[:, k] for k, name in enumerate(OUT_FLOAT)},
        }

    @property
    def trajectories(self) -> dict[str, np.ndarray] | None:
        if self.tf is None:
            return None
        return {
            **{name: self.ti[:, k] for k, name in enumerate(TRAJ_INT)},
            **{name: self.tf[:, k] for k, name in enumerate(TRAJ_FLOAT)},
        }

    def part(self, start: int, stop: int) -> Block:
        """Replications start..stop-1 of this block (views, no copy)."""
        a, b = start - self.start, stop - self.start
        if self.tf is None:
            return Block(start, stop, self.of[a:b], self.oi[a:b])
        rows = np.concatenate(([0], np.cumsum(self.oi[:, OI_ROUNDS])))
        ra, rb = rows[a], rows[b]
        return Block(start, stop, self.of[a:b], self.oi[a:b], self.tf[ra:rb], self.ti[ra:rb])

    @staticmethod
    def join(parts: list[Block]) -> Block:
        """Consecutive blocks as one."""
        if len(parts) == 1:
            return parts[0]
        traj = parts[0].tf is not None
        return Block(
            parts[0].start,
            parts[-1].stop,
            np.concatenate([p.of for p in parts]),
            np.concatenate([p.oi for p in parts]),
            np.concatenate([p.tf for p in parts]) if traj else None,
            np.concatenate([p.ti for p in parts]) if traj else None,
        )


OI_OUTCOME, OI_ROUND, OI_ROUNDS, OI_RESOLUTIONS, OI_TESTS = 1, 2, 3, 4, 5
OF_PEAK = 0
assert OUT_INT[OI_ROUNDS] == "rounds_played" and OUT_FLOAT[OF_PEAK] == "peak_tension"


def simulate(
    cfg: CrisisConfig | Compiled,
    start: int = 0,
    stop: int | None = None,
    trajectories: bool = True,
) -> Block:
    """Run replications start..stop-1 (default: all of run.seeds) in compiled code."""
    c = cfg if isinstance(cfg, Compiled) else Compiled(cfg)
    if stop is None:
        stop = c.cfg.run.seeds
    n = max(0, stop - start)
    of = np.empty((n, len(OUT_FLOAT)))
    oi = np.empty((n, len(OUT_INT)), dtype=np.int64)
    cap = n * c.rounds if trajectories else 0
    tf = np.empty((cap, len(TRAJ_FLOAT)))
    ti = np.empty((cap, len(TRAJ_INT)), dtype=np.int64)
    from sim.runs.chunk import run_chunk  # the compiler, only where it runs

    rows = run_chunk(c.seed_w, start, stop, c.rounds, c.q, c.phys, trajectories, of, oi, tf, ti)
    if not trajectories:
        return Block(start, stop, of, oi)
    # Keep only the rows written, without holding on to the unused capacity.
    return Block(start, stop, of, oi, tf[:rows].copy(), ti[:rows].copy())


# ---------------------------------------------------------------- many seeds, many processes
MAX_UNIT_ROWS = 2_000_000  # trajectory rows a worker computes at a time (memory bound)


def worker_count(cfg: CrisisConfig, seeds: int) -> int:
    """Processes a run of `seeds` replications uses: run.workers (0: all cores), if worth it."""
    wanted = cfg.run.workers
    if not wanted and mp.parent_process() is not None:
        wanted = 1  # inside a launcher's worker process the cores are shared out already
    return pool.workers_for(seeds, wanted)


def _unit_size(seeds: int, workers: int, rounds: int) -> int:
    """Seeds per task: several tasks per worker to balance, few enough to amortise a task."""
    size = max(250, min(2_000, -(-seeds // (workers * 8))))
    return max(1, min(size, MAX_UNIT_ROWS // rounds))


def plan(start: int, stop: int, size: int, unit: int) -> list[list[tuple[int, int]]]:
    """Tasks of about `unit` seeds, each a list of pieces (a, b) that never cross a block edge.

    Blocks are start + k * size; a task holds several small blocks whole, or a
    part of a large one, so its pieces can be put back together block by block.
    """
    tasks: list[list[tuple[int, int]]] = []
    task: list[tuple[int, int]] = []
    count = 0
    for b0 in range(start, stop, size):
        b1 = min(b0 + size, stop)
        for a in range(b0, b1, unit):
            piece = (a, min(a + unit, b1))
            task.append(piece)
            count += piece[1] - piece[0]
            if count >= unit:
                tasks.append(task)
                task, count = [], 0
    if task:
        tasks.append(task)
    return tasks


class Output:
    """A piece of a run as it goes to disk: its outcomes, outcomes.csv lines, trajectories.

    The trajectories are a table, or (for a whole block, from `of` with
    `encode`) that table already encoded as a row group of trajectories.parquet.
    """

    __slots__ = ("block", "lines", "table", "encoded")

    def __init__(self, block: Block, lines: str, table: pa.Table | None, encoded=None):
        self.block, self.lines, self.table, self.encoded = block, lines, table, encoded

    @classmethod
    def of(cls, block: Block, encode: bool = False) -> Output:
        table = trajectory_table(block) if block.tf is not None else None
        encoded = None
        if encode and table is not None and table.num_rows:
            encoded, table = encode_trajectories(table), None
        return cls(
            Block(block.start, block.stop, block.of, block.oi), outcome_lines(block), table, encoded
        )

    @staticmethod
    def join(parts: list[Output]) -> Output:
        if len(parts) == 1:
            return parts[0]
        tables = [p.table for p in parts]
        table = None if tables[0] is None else pa.concat_tables(tables).combine_chunks()
        block = Block.join([p.block for p in parts])
        return Output(block, "".join(p.lines for p in parts), table)


def _task(c: Compiled, pieces: list, trajectories: bool, render: bool, whole=None) -> list:
    """One task: its replications in one compiled call, handed back piece by piece.

    Rendered, a piece that is a whole block (`whole`) comes back encoded for
    trajectories.parquet: the parent then only copies bytes.
    """
    block = simulate(c, pieces[0][0], pieces[-1][1], trajectories)
    parts = [block.part(a, b) for a, b in pieces]
    if not render:
        return parts
    whole = whole or [False] * len(parts)
    return [Output.of(p, encode=w) for p, w in zip(parts, whole, strict=True)]


def _pool(workers: int):
    """Worker processes forked from a server that has the batch driver and its kernels loaded.

    Forked from it, a worker neither imports the program again nor loads the
    compiled kernels from disk; the server itself has no threads to fork.
    """
    from concurrent.futures import ProcessPoolExecutor

    pool.start_server()
    # A worker dies with the server it was forked from, and the server with the command
    # (sim.runs.worker): killed, the command leaves no process behind.
    return ProcessPoolExecutor(
        max_workers=workers, mp_context=pool.context(), initializer=die_with_parent
    )


def _pieces(
    c: Compiled, tasks: list, wholes: list, trajectories: bool, render: bool, workers: int
) -> Iterator:
    """Every task's pieces in seed order; at most two tasks per worker in flight."""
    if workers == 1:
        for task, whole in zip(tasks, wholes, strict=True):
            yield from _task(c, task, trajectories, render, whole)
        return
    with _pool(workers) as executor:
        pending: deque = deque()
        todo = zip(tasks, wholes, strict=True)
        try:
            while True:
                while len(pending) < 2 * workers:
                    task, whole = next(todo, (None, None))
                    if task is None:
                        break
                    pending.append(executor.submit(_task, c, task, trajectories, render, whole))
                if not pending:
                    return
                yield from pending.popleft().result()
        except BaseException:  # Ctrl-C or a failed task: no worker outlives the run
            executor.shutdown(wait=True, cancel_futures=True)
            raise
        finally:
            for f in pending:
                f.cancel()


def _chunks(cfg, start, stop, size, trajectories, workers, render) -> Iterator:
    stop = cfg.run.seeds if stop is None else stop
    size = size or cfg.run.batch
    seeds = max(0, stop - start)
    workers = workers or worker_count(cfg, seeds)
    tasks = plan(start, stop, size, _unit_size(seeds, workers, cfg.run.rounds))
    wholes = [
        [(a - start) % size == 0 and ((b - start) % size == 0 or b == stop) for a, b in task]
        for task in tasks
    ]
    join = Output.join if render else Block.join
    held: list = []
    for piece in _pieces(Compiled(cfg), tasks, wholes, trajectories, render, workers):
        held.append(piece)
        end = (piece.block if render else piece).stop
        if (end - start) % size == 0 or end == stop:
            yield join(held)
            held = []


def blocks(
    cfg: CrisisConfig,
    start: int = 0,
    stop: int | None = None,
    size: int | None = None,
    trajectories: bool = True,
    workers: int | None = None,
) -> Iterator[Block]:
    """Replications start..stop-1 in consecutive blocks of `size` (default run.batch) seeds.

    Contiguous ranges of seeds go to worker processes (default: `worker_count`)
    and come back in seed order; the blocks are the same whatever the number
    of workers, and at most two tasks per worker are in flight, so memory does
    not grow with seeds.
    """
    return _chunks(cfg, start, stop, size, trajectories, workers, render=False)


def outputs(cfg: CrisisConfig, workers: int | None = None) -> Iterator[Output]:
    """Every replication of `cfg` as blocks of run.batch seeds, rendered for the files.

    The workers format the outcomes.csv lines and build the trajectory tables,
    so the parent process only writes.
    """
    return _chunks(cfg, 0, None, None, True, workers, render=True)


# ---------------------------------------------------------------- decoding
def outcome_rows(block: Block) -> list[tuple]:
    """The rows of sim.runs.replications.outcome_row, as Python values."""
    cols = {k: v.tolist() for k, v in block.outcomes.items()}
    cols["outcome"] = [OUTCOME_NAMES[v] for v in cols["outcome"]]
    cols["outcome_round"] = [None if v < 0 else v for v in cols["outcome_round"]]
    cols["final_exercises"] = [v != 0 for v in cols["final_exercises"]]
    for name in ("talks_opened_round", "agreement_round"):
        cols[name] = [None if v < 0 else v for v in cols[name]]
    cols["war_cause"] = [layout.WAR_CAUSES[v] for v in cols["war_cause"]]
    return list(zip(*(cols[name] for name in OUTCOME_COLUMNS), strict=True))


def outcome_lines(block: Block) -> str:
    """The block's lines of outcomes.csv (no header), as sim.io.files.OutcomeWriter writes them.

    Column by column rather than through csv.writer: the same text (repr of a
    float, str of an int, no field that needs quoting) in a fraction of the time.
    """
    if not len(block):
        return ""
    cols = {k: v.tolist() for k, v in block.outcomes.items()}
    text = {name: list(map(repr, cols[name])) for name in OUT_FLOAT}
    text.update({name: list(map(str, cols[name])) for name in OUT_INT})
    text["outcome"] = [OUTCOME_NAMES[v] for v in cols["outcome"]]
    for name in ("outcome_round", "talks_opened_round", "agreement_round"):
        text[name] = ["" if v < 0 else s for v, s in zip(cols[name], text[name], strict=True)]
    text["final_exercises"] = ["True" if v else "False" for v in cols["final_exercises"]]
    text["war_cause"] = [layout.WAR_CAUSES[v] for v in cols["war_cause"]]
    rows = zip(*(text[name] for name in OUTCOME_COLUMNS), strict=True)
    return "\n".join(map(",".join, rows)) + "\n"


# The names written unquoted: csv.writer would quote none of them.
assert all(n.isidentifier() for n in OUTCOME_NAMES)
assert all(not set(n) & set(',"\r\n') for n in layout.WAR_CAUSES)


def trajectory_rows(block: Block) -> list[tuple]:
    """(seed, *CrisisModel.rows[k]) for every round, as Python values."""
    t = block.trajectories
    cols = {k: v.tolist() for k, v in t.items()}
    for name in ("us_move", "china_move", "russia_move", "dprk_move"):
        cols[name] = [MOVE_NAMES[v] for v in cols[name]]
    for name in ("china_vote", "russia_vote"):
        cols[name] = [None if v < 0 else VOTE_NAMES[v] for v in cols[name]]
    cols["outcome"] = [OUTCOME_NAMES[v] if v >= 0 else "" for v in cols["outcome"]]
    cols["exercises"] = [v != 0 for v in cols["exercises"]]
    cols["talks"] = [layout.TALKS_STATES[v] for v in cols["talks"]]
    for name in ("resolution_drafted", "resolution_adopted"):
        cols[name] = [None if v != v else v for v in cols[name]]
    return list(zip(*(cols[name] for name in ("seed", *ROUND_COLUMNS)), strict=True))


@functools.cache
def _names() -> tuple[pa.Array, pa.Array, pa.Array, pa.Array]:
    """The code tables as Arrow strings; code -1 of an outcome is the last entry, ""."""
    return (
        arrow.strings(MOVE_NAMES),
        arrow.strings(VOTE_NAMES),
        arrow.strings([*OUTCOME_NAMES, ""]),
        arrow.strings(layout.TALKS_STATES),
    )


def trajectory_table(block: Block) -> pa.Table:
    """The block's rows of trajectories.parquet (sim.io.files.TRAJECTORY_SCHEMA)."""
    t = block.trajectories
    move_names, vote_names, outcome_names, talks_names = _names()
    i8 = pa.int8()
    arrays = []
    for field in TRAJECTORY_SCHEMA:
        name = field.name
        v = t[name]
        if name in ("us_move", "china_move", "russia_move", "dprk_move"):
            arr = move_names.take(arrow.from_numpy(v, i8))
        elif name in ("china_vote", "russia_vote"):
            arr = vote_names.take(arrow.from_numpy(np.maximum(v, 0), i8, null=v < 0))
        elif name == "outcome":
            arr = outcome_names.take(arrow.from_numpy(np.where(v < 0, len(OUTCOME_NAMES), v), i8))
        elif name == "talks":
            arr = talks_names.take(arrow.from_numpy(v, i8))
        elif name == "exercises":
            arr = arrow.from_numpy(v != 0, field.type)
        elif name in ("resolution_drafted", "resolution_adopted"):
            arr = arrow.from_numpy(v, field.type, null=np.isnan(v))
        else:
            arr = arrow.from_numpy(v, field.type)
        arrays.append(arr)
    return pa.Table.from_arrays(arrays, schema=TRAJECTORY_SCHEMA)
