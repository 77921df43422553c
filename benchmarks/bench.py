"""How fast and how lean crisis-sim is, measured the way users run it.

    python benchmarks/bench.py            # full: about 10 minutes on 2 cores
    python benchmarks/bench.py --quick    # smaller sizes, about 2 minutes
    python benchmarks/bench.py --profile  # also cProfile a 1,000-seed baseline run
    python benchmarks/bench.py --repeat 3 # best of 3 per row, on a busy machine

Every measurement runs in its own process, so its wall time includes start-up
and its peak memory (maximum resident set size, from wait4) is its own. The
end-to-end rows run the `crisis-sim` command exactly as a user would. The
results go to stdout and benchmarks/results.md as Markdown tables; with
--readme the table also replaces the text between the markers
`<!-- benchmarks:begin -->` and `<!-- benchmarks:end -->` of that file.

The targets (2-core machine): a 1,000-seed baseline run, outputs and report
included, under 10 s wall; 10,000 seeds under 1 GB peak memory; a 5x5 sweep at
500 seeds per point under 60 s wall with the joblib launcher.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results.md"
BEGIN, END = "<!-- benchmarks:begin -->", "<!-- benchmarks:end -->"
MB = 1024 * 1024


@dataclass
class Measure:
    wall: float
    peak_rss: int  # bytes
    returncode: int
    stdout: str = ""
    stderr: str = ""
    extra: dict = field(default_factory=dict)


REPEAT = 1  # set by --repeat: every measurement is the best of this many runs


def measure(cmd: list[str], cwd: Path = ROOT) -> Measure:
    """Best wall time and largest peak RSS of `cmd` over REPEAT runs.

    The minimum is the least disturbed by other work on the machine.
    """
    runs = [measure_once(cmd, cwd) for _ in range(REPEAT)]
    best = min(runs, key=lambda m: m.wall)
    best.peak_rss = max(m.peak_rss for m in runs)
    return best


def measure_once(cmd: list[str], cwd: Path = ROOT) -> Measure:
    """Run `cmd` to its end; its wall time and peak RSS (its own and its descendants')."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        m = Measure(wall, usage.ru_maxrss * 1024, proc.returncode, out.read(), err.read())
    if m.returncode != 0:
        tail = "\n".join(m.stderr.strip().splitlines()[-15:])
        raise SystemExit(f"bench: command failed ({m.returncode}): {' '.join(cmd)}\n{tail}")
    return m


def crisis_sim(outdir: Path, *overrides: str, multirun: bool = False) -> list[str]:
    exe = shutil.which("crisis-sim", path=str(Path(sys.executable).parent)) or "crisis-sim"
    where = "hydra.sweep.dir" if multirun else "hydra.run.dir"
    return [
        exe,
        *(["-m"] if multirun else []),
        f"{where}={outdir}",
        "run.progress=false",
        *overrides,
    ]


def report_available() -> bool:
    return importlib.util.find_spec("sim.report.build") is not None


def rounds_played(outdir: Path) -> int:
    import pandas as pd

    return int(pd.read_csv(outdir / "outcomes.csv", usecols=["rounds_played"]).sum().iloc[0])


# --- child: in-process replications on one pinned core -------------------------------------


def child_throughput(seeds: int, rounds: int) -> None:
    """Print JSON: seconds and rounds for `seeds` baseline replications, nothing written."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    from sim.core.model import Perceptions
    from sim.core.params import CrisisConfig
    from sim.runs.replications import replicate

    cfg = CrisisConfig()
    cfg.run.rounds = rounds
    per = Perceptions.of(cfg)
    replicate(cfg, 0, per)  # warm caches and imports
    played = 0
    t0 = time.perf_counter()
    for i in range(seeds):
        played += replicate(cfg, i, per).state.round
    seconds = time.perf_counter() - t0
    print(json.dumps({"seconds": seconds, "rounds_played": played}))


def child_sensitivity(samples: int, seeds: int, workers: int) -> None:
    """Print JSON: seconds and points of a small Sobol' run over every actor preference."""
    from sim.core.params import CrisisConfig
    from sim.runs import sensitivity

    cfg = CrisisConfig()
    cfg.run.progress = False
    cfg.report.enabled = False
    cfg.sensitivity.samples, cfg.sensitivity.seeds = samples, seeds
    with tempfile.TemporaryDirectory() as tmp:
        res = sensitivity.run(cfg, Path(tmp), workers=workers)
    print(
        json.dumps(
            {
                "seconds": res["seconds_simulating"],
                "points": res["points"],
                "replications": res["replications"],
            }
        )
    )


def child(args: list[str]) -> tuple[Measure, dict]:
    """Run a --child measurement; its result is the JSON on its last line of output."""
    m = measure([sys.executable, __file__, "--child", *args])
    return m, json.loads(m.stdout.strip().splitlines()[-1])


# --- the benchmarks -------------------------------------------------------------------------


def bench(quick: bool, tmp: Path, log) -> dict:
    small, large = (200, 2_000) if quick else (1_000, 10_000)
    grid, sweep_seeds = (3, 100) if quick else (5, 500)
    with_report = report_available()
    rows: list[list[str]] = []
    scaling: list[list[str]] = []

    def row(name, setting, m: Measure, rate: str, target: str = "", ok: bool | None = None):
        status = "" if ok is None else ("pass" if ok else "**miss**")
        rows.append(
            [name, setting, f"{m.wall:.1f}", rate, f"{m.peak_rss / MB:.0f}", target, status]
        )
        log(f"  {name} ({setting}): {m.wall:.1f} s, {m.peak_rss / MB:.0f} MB, {rate}")

    log("1. replications per second, one core, in-process")
    m, r = child(["throughput", str(small), "24"])
    rate = small / r["seconds"]
    per_round = 1e6 * r["seconds"] / r["rounds_played"]
    row("replications, 1 core", f"{small} seeds x 24 rounds", m, f"{rate:.0f} runs/s")
    result = {"runs_per_second": rate, "us_per_round": per_round}

    log("2. a baseline run end to end (crisis-sim, outputs and report)")
    out = tmp / "baseline"
    m = measure(crisis_sim(out, f"run.seeds={small}", f"report.enabled={with_report}"))
    what = "outputs + report" if with_report else "outputs (no report module)"
    ok = m.wall < 10 if small == 1_000 and with_report else None
    row("baseline run", f"{small} seeds, {what}", m, f"{small / m.wall:.0f} runs/s", "< 10 s", ok)

    log("3. scaling with seeds and rounds (outputs, no report)")
    m = measure(crisis_sim(tmp / "startup", "run.seeds=1", "report.enabled=false"))
    startup = m.wall
    row("start-up", "1 seed, no report", m, "")
    for rounds in (24, 96):
        for seeds in (small, large):
            out = tmp / f"scale_{seeds}_{rounds}"
            m = measure(
                crisis_sim(
                    out, f"run.seeds={seeds}", f"run.rounds={rounds}", "report.enabled=false"
                )
            )
            played = rounds_played(out)
            scaling.append(
                [
                    f"{seeds:,}",
                    str(rounds),
                    f"{m.wall:.1f}",
                    f"{played:,}",
                    f"{1e6 * (m.wall - startup) / played:.0f}",
                    f"{1e3 * (m.wall - startup) / seeds:.2f}",
                    f"{m.peak_rss / MB:.0f}",
                ]
            )
            log(f"  {seeds} seeds x {rounds} rounds: {m.wall:.1f} s, {played} rounds played")
            shutil.rmtree(out, ignore_errors=True)

    log(f"4. peak memory at {large:,} seeds (outputs and report)")
    out = tmp / "large"
    m = measure(crisis_sim(out, f"run.seeds={large}", f"report.enabled={with_report}"))
    ok = m.peak_rss < 1024 * MB if large == 10_000 else None
    row("peak memory", f"{large:,} seeds, {what}", m, f"{large / m.wall:.0f} runs/s", "< 1 GB", ok)
    shutil.rmtree(out, ignore_errors=True)

    log(f"5. a {grid}x{grid} sweep at {sweep_seeds} seeds per point")
    values = ",".join(f"{x:g}" for x in [round(0.2 + 0.8 * i / (grid - 1), 2) for i in range(grid)])
    for launcher, report in (("basic", with_report), ("joblib", with_report), ("joblib", False)):
        out = tmp / f"sweep_{launcher}_{report}"
        m = measure(
            crisis_sim(
                out,
                f"actors.us.hawkishness={values}",
                f"actors.china.collapse_fear={values}",
                f"run.seeds={sweep_seeds}",
                f"report.enabled={report}",
                f"hydra/launcher={launcher}",
                multirun=True,
            )
        )
        jobs = grid * grid
        target, ok = "", None
        if launcher == "joblib" and report == with_report:
            target = "< 60 s"
            ok = m.wall < 60 if (grid, sweep_seeds) == (5, 500) else None
        row(
            f"sweep, {launcher} launcher",
            f"{grid}x{grid} x {sweep_seeds} seeds, {what if report else 'outputs, no report'}",
            m,
            f"{jobs * 60 / m.wall:.0f} jobs/min",
            target,
            ok,
        )
        shutil.rmtree(out, ignore_errors=True)

    log("6. sensitivity throughput (Sobol', every actor preference, both cores)")
    samples, seeds = (4, 8) if quick else (8, 16)
    m, r = child(["sensitivity", str(samples), str(seeds), "2"])
    row(
        "sensitivity, 2 workers",
        f"Sobol' N={samples}: {r['points']} points x {seeds} seeds",
        m,
        f"{r['replications'] / r['seconds']:.0f} runs/s",
    )
    result.update(
        rows=rows, scaling=scaling, report=with_report, load_after=load(), startup=startup
    )
    return result


def load() -> str:
    """The 1, 5 and 15 minute load averages: other work on the machine slows every row."""
    return ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"


def environment() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count()
    try:
        commit = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = ""
    return (
        f"{dt.date.today().isoformat()}; {cpu}, {cores} cores; Python {platform.python_version()}; "
        f"commit {commit or 'unknown'}; load average before the run {load()}"
    )


def markdown(res: dict, quick: bool, env: str) -> str:
    head = ["measure", "setting", "wall (s)", "throughput", "peak RSS (MB)", "target", "status"]
    lines = [
        f"Measured {env}{' (quick mode: smaller sizes, targets not judged)' if quick else ''}.",
        "",
        _table(head, res["rows"], "llrrrll"),
        "",
        f"One core, in-process: {res['runs_per_second']:.0f} replications/s, "
        f"{res['us_per_round']:.0f} µs per simulated round (all four actors' choices, "
        "the council and the world update).",
        "",
        "Cost against seeds and rounds, end to end (crisis-sim with outputs, no report). Runs "
        "stop at an absorbing outcome, so the work is the rounds actually played; the per-round "
        "and per-seed columns subtract the start-up time of a 1-seed run. A constant cost per "
        "played round means the cost is linear.",
        "",
        _table(
            [
                "seeds",
                "rounds",
                "wall (s)",
                "rounds played",
                "µs per played round, net",
                "ms per seed, net",
                "peak RSS (MB)",
            ],
            res["scaling"],
            "rrrrrrr",
        ),
        "",
        f"Wall times include interpreter and Hydra start-up ({res['startup']:.1f} s). Peak RSS "
        "is the largest resident set of the command and its child processes. Load average "
        f"after the run: {res['load_after']}; a load above the core count means other work "
        "shared the machine and the times are upper bounds.",
    ]
    if not res["report"]:
        lines += ["", "The report module was not available; report time is not included."]
    return "\n".join(lines) + "\n"


def _table(head: list[str], rows: list[list[str]], align: str) -> str:
    rule = ["---:" if a == "r" else "---" for a in align]
    out = ["| " + " | ".join(head) + " |", "| " + " | ".join(rule) + " |"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(out)


def write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".partial")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def update_readme(path: Path, table: str) -> None:
    text = path.read_text(encoding="utf-8")
    if BEGIN not in text or END not in text:
        raise SystemExit(f"bench: {path} has no {BEGIN} ... {END} markers to replace")
    before, rest = text.split(BEGIN, 1)
    _, after = rest.split(END, 1)
    write_atomic(path, f"{before}{BEGIN}\n{table}{END}{after}")


def profile(seeds: int, tmp: Path, top: int = 25) -> str:
    """cProfile of one baseline run with its outputs, the hottest functions first."""
    import cProfile
    import io
    import pstats

    from sim.core.params import CrisisConfig
    from sim.runs import replications

    cfg = CrisisConfig()
    cfg.run.seeds = seeds
    cfg.run.progress = False
    prof = cProfile.Profile()
    prof.enable()
    replications.run(cfg, tmp / "profile")
    prof.disable()
    text = io.StringIO()
    stats = pstats.Stats(prof, stream=text).strip_dirs()
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return text.getvalue()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes (about 2 minutes)")
    parser.add_argument("--out", type=Path, default=RESULTS, help="Markdown file to write")
    parser.add_argument("--readme", type=Path, help="also update the marked table in this file")
    parser.add_argument("--profile", action="store_true", help="cProfile a baseline run too")
    parser.add_argument("--profile-only", action="store_true", help="only the profile")
    parser.add_argument(
        "--repeat", type=int, default=1, help="best of this many runs per measurement"
    )
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    global REPEAT
    REPEAT = max(1, args.repeat)

    if args.child:
        kind, *rest = args.child
        if kind == "throughput":
            child_throughput(int(rest[0]), int(rest[1]))
        elif kind == "sensitivity":
            child_sensitivity(int(rest[0]), int(rest[1]), int(rest[2]))
        return

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    with tempfile.TemporaryDirectory(prefix="crisis-bench-") as d:
        tmp = Path(d)
        if not args.profile_only:
            env = environment() + (f"; best of {REPEAT} runs" if REPEAT > 1 else "")
            res = bench(args.quick, tmp, log)
            table = markdown(res, args.quick, env)
            print(table)
            write_atomic(args.out, "# Benchmarks\n\n" + table)
            log(f"written: {args.out}")
            if args.readme:
                update_readme(args.readme, table)
                log(f"updated: {args.readme}")
        if args.profile or args.profile_only:
            text = profile(200 if args.quick else 1_000, tmp)
            path = args.out.with_name("profile.txt")
            write_atomic(path, text)
            print(text)
            log(f"written: {path}")


if __name__ == "__main__":
    main()
