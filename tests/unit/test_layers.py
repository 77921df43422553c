"""What the layer change promised: no global state at import, one labeller, one atomic writer."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pytest

from sim.core.params import label

SCENARIOS = Path(__file__).resolve().parents[2] / "configs" / "scenario"


def fresh_python(code: str) -> str:
    """What `code` prints in a new interpreter: imports seen from a clean start."""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return done.stdout.strip()


def test_importing_the_report_changes_no_matplotlib_setting():
    code = (
        "import matplotlib as m; before = dict(m.rcParams); backend = m.get_backend();"
        "import sim.report.sweep, sim.report.sensitivity, sim.report.build, sim.report.figures;"
        "changed = [k for k, v in m.rcParams.items() if before[k] != v];"
        "print(changed, backend == m.get_backend())"
    )
    assert fresh_python(code) == "[] True"


def test_one_label_for_a_parameter_everywhere():
    assert label("actors.us.trust_in_china") == "United States: trust in China"
    assert label("actors.china.collapse_fear") == "China: collapse fear"
    assert label("world.accident_war") == "world: accident war"
    sweep = importlib.import_module("sim.report.sweep")
    assert sweep.param_label is label


def test_the_model_imports_no_plots_or_hydra():
    """(Mesa itself brings pandas; import-linter checks the model's own imports of files.)"""
    code = (
        "import sys, sim.core.model, sim.core.agents;"
        "bad = [m for m in ('hydra', 'omegaconf', 'matplotlib') if m in sys.modules]; print(bad)"
    )
    assert fresh_python(code) == "[]"


def test_a_run_with_its_events_loads_no_mesa_pandas_or_plots(tmp_path):
    """The batch path's start-up promise (README, Performance): only what a run uses."""
    code = (
        "import sys; from sim.core.params import CrisisConfig; import sim.app.cli;"
        "from sim.runs import events, replications;"
        f"cfg = CrisisConfig(); cfg.run.seeds = 30; out = {str(tmp_path)!r};"
        "replications.run(cfg, out); events.write(cfg, out);"
        "print(sorted(m for m in ('mesa', 'pandas', 'matplotlib') if m in sys.modules))"
    )
    assert fresh_python(code).splitlines()[-1] == "[]"
    assert (tmp_path / "events.parquet").is_file()


def test_events_of_a_run_do_not_depend_on_how_its_rows_are_batched(tmp_path, config):
    import pyarrow as pa
    import pyarrow.parquet as pq

    from sim.io.events import events_table
    from sim.runs import events, replications

    cfg = config(seeds=25, rounds=24)
    replications.run(cfg, tmp_path)
    events.write(cfg, tmp_path)
    traj = pq.read_table(tmp_path / "trajectories.parquet")
    whole = pq.read_table(tmp_path / "events.parquet")
    cut = traj.num_rows // 3
    parts = [events_table(traj.slice(0, cut)), events_table(traj.slice(cut))]
    assert pa.concat_tables(parts).equals(whole)
    assert events_table(traj.to_pandas()).equals(whole)  # a frame gives the same table


def test_the_report_loads_no_kernels_or_config_framework():
    """The drawing process loads the report while the run runs: nothing it does not use."""
    code = (
        "import sys, sim.report.build, sim.report.sensitivity;"
        "print(sorted(m for m in ('numba', 'hydra', 'omegaconf', 'mesa') if m in sys.modules))"
    )
    assert fresh_python(code) == "[]"


@pytest.mark.parametrize("scenario", sorted(p.stem for p in SCENARIOS.glob("*.yaml")))
def test_the_reports_config_block_reads_as_omegaconf_prints_it(scenario):
    from dataclasses import asdict

    from omegaconf import OmegaConf

    from sim.app.api import load_config
    from sim.report.document import yaml_text

    config = asdict(load_config(scenario))
    assert yaml_text(config) == OmegaConf.to_yaml(OmegaConf.create(config))


def test_the_command_loads_the_compiler_only_where_replications_run():
    """A run handed to worker processes never loads numba in the command's process."""
    code = (
        "import sys, sim.app.cli, sim.runs.batch as b; from sim.core.params import CrisisConfig;"
        "c = b.Compiled(CrisisConfig()); before = 'numba' in sys.modules;"
        "b.simulate(c, 0, 2); print(before, 'numba' in sys.modules)"
    )
    assert fresh_python(code) == "False True"


def test_the_kernels_load_without_scipys_linear_algebra_which_stays_usable():
    """Loading the kernels skips SciPy's linalg (a quarter second of every run's start);
    numba's np.dot still works in that process, importing it when first compiled."""
    code = (
        "import sys, numpy as np, sim.runs.batch as b; from sim.core.params import CrisisConfig;"
        "b.simulate(b.Compiled(CrisisConfig()), 0, 2); skipped = 'scipy.linalg' not in sys.modules;"
        "from numba import njit; dot = njit(lambda a, c: np.dot(a, c));"
        "print(skipped, dot(np.ones(3), np.arange(3.0)), 'scipy.linalg' in sys.modules)"
    )
    assert fresh_python(code) == "True 3.0 True"
