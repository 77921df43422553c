"""Hashes of the data files of four reference runs, to prove a change leaves results alone.

    python scripts/golden.py            # run them and compare with tests/golden.json
    python scripts/golden.py --write    # record new hashes (a change meant to move results)

The runs: a baseline run, a 2x2 sweep, the tipping-point experiment and a Morris screening, each
small enough to take seconds. Only files that are a pure function of config and seed are hashed
(not provenance, logs, figures or reports, which carry times and versions; nor the timing
keys of sensitivity.json).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden.json"
DATA = {
    "outcomes.csv",
    "summary.json",
    "trajectories.parquet",
    "sweep.parquet",
    "tipping_point.json",
    "sensitivity.csv",
    "sensitivity.json",
    "samples.parquet",
}

RUNS = {
    "baseline": ["run.seeds=200"],
    "sweep_2x2": [
        "-m",
        "actors.us.hawkishness=0.3,0.8",
        "actors.china.collapse_fear=0.2,0.9",
        "run.seeds=100",
    ],
    "tipping_point": ["experiment=tipping_point", "run.seeds=60", "hydra/launcher=basic"],
    "morris": [
        "experiment=sensitivity_morris",
        "sensitivity.samples=4",
        "sensitivity.seeds=8",
    ],
}


def console() -> str:
    beside = Path(sys.executable).with_name("crisis-sim")
    return str(beside) if beside.exists() else (shutil.which("crisis-sim") or "crisis-sim")


# Keys of sensitivity.json that say how long a run took or which figures it drew, not its results.
TIMING = ("seconds", "seconds_simulating", "workers", "files")


def digest(path: Path) -> str:
    data = path.read_bytes()
    if path.name == "sensitivity.json":
        obj = json.loads(data)
        kept = {k: v for k, v in obj.items() if k not in TIMING}
        data = json.dumps(kept, sort_keys=True).encode()
    return hashlib.sha256(data).hexdigest()


def run(name: str, args: list[str], where: Path) -> dict[str, str]:
    out = where / name
    key = "hydra.sweep.dir" if ("-m" in args or name == "tipping_point") else "hydra.run.dir"
    cmd = [console(), *args, f"{key}={out}", "report.enabled=false", "run.progress=false"]
    env = {k: v for k, v in os.environ.items() if k != "HYDRA_FULL_ERROR"}
    done = subprocess.run(cmd, cwd=where, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        raise SystemExit(f"{name}: {' '.join(cmd)} failed:\n{done.stderr[-2000:]}")
    return {
        str(p.relative_to(out)): digest(p)
        for p in sorted(out.rglob("*"))
        if p.name in DATA and p.is_file()
    }


def measure() -> dict[str, dict[str, str]]:
    with tempfile.TemporaryDirectory() as tmp:
        return {name: run(name, args, Path(tmp)) for name, args in RUNS.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="record the hashes")
    args = parser.parse_args()
    hashes = measure()
    if args.write:
        GOLDEN.write_text(json.dumps(hashes, indent=2, sort_keys=True) + "\n")
        print(f"wrote {GOLDEN}")
        return 0
    expected = json.loads(GOLDEN.read_text())
    bad = [
        f"{run}/{f}"
        for run in expected
        for f in sorted(set(expected[run]) | set(hashes.get(run, {})))
        if expected[run].get(f) != hashes.get(run, {}).get(f)
    ]
    if bad:
        print("changed: " + ", ".join(bad))
        return 1
    print(f"identical: {sum(len(v) for v in hashes.values())} files in {len(hashes)} runs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
