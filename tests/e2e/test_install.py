"""The package installs like any other: a wheel in a fresh virtual environment, run elsewhere.

The wheel is built from this checkout and installed without its dependencies into a new
venv that borrows the test environment's libraries (a path file, not an editable install),
so the test checks what the wheel itself carries: the code, the configs, the experiments.
"""

from __future__ import annotations

import os
import site
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from tests.conftest import ROOT


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("wheel")
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation",
         "-w", str(tmp / "dist"), "-q"],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr[-2000:]
    wheel = next((tmp / "dist").glob("crisis_sim-*.whl"))
    env_dir = tmp / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    # The test environment's libraries, but not its editable crisis-sim (path files are not
    # read from a directory added this way).
    libs = {sysconfig.get_paths()["purelib"], *site.getsitepackages()}
    (Path(purelib) / "_borrowed.pth").write_text("\n".join(sorted(libs)) + "\n")
    done = subprocess.run(
        [python, "-m", "pip", "install", "--no-deps", "-q", str(wheel)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    return env_dir


def run(env_dir: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "HYDRA_FULL_ERROR")}
    return subprocess.run(
        [env_dir / "bin" / "crisis-sim", *args],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip


def test_the_wheel_carries_its_configs_and_runs_from_anywhere(installed, tmp_path):
    where = subprocess.run(
        [installed / "bin" / "python", "-c", "import sim; print(sim.__file__)"],
        cwd=tmp_path, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert str(installed) in where  # the installed package, not the checkout
    help_text = run(installed, "--help", cwd=tmp_path)
    assert help_text.returncode == 0 and "crisis-sim" in help_text.stdout
    out = tmp_path / "run"
    done = run(
        installed, "run.seeds=5", "report.enabled=false", f"hydra.run.dir={out}", cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert (out / "summary.json").is_file()


@pytest.mark.parametrize(
    "scenario", sorted(p.stem for p in (ROOT / "configs" / "scenario").glob("*.yaml"))
)
def test_every_scenario_runs_from_the_wheel(installed, tmp_path, scenario):
    out = tmp_path / scenario
    args = [f"scenario={scenario}", "run.seeds=3", "report.enabled=false", f"hydra.run.dir={out}"]
    done = run(installed, *args, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (out / "outcomes.csv").is_file()


@pytest.mark.parametrize(
    "experiment", sorted(p.stem for p in (ROOT / "experiments").glob("*.yaml"))
)
def test_every_experiment_composes_from_the_wheel(installed, tmp_path, experiment):
    done = run(installed, f"experiment={experiment}", "--cfg", "job", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "actors:" in done.stdout
