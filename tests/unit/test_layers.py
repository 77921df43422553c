"""What the layer change promised: no global state at import, one labeller, one atomic writer."""

from __future__ import annotations

import importlib
import subprocess
import sys

from sim.core.params import label


def test_importing_the_report_changes_no_matplotlib_setting():
    code = (
        "import matplotlib as m; before = dict(m.rcParams); backend = m.get_backend();"
        "import sim.report.sweep, sim.report.sensitivity, sim.report.build, sim.report.figures;"
        "changed = [k for k, v in m.rcParams.items() if before[k] != v];"
        "print(changed, backend == m.get_backend())"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[] True"


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
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
