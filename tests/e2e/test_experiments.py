"""Every named experiment in experiments/ composes, documents its command, and is valid.

Sweeping experiments are also expanded into their jobs, and every job's values
are checked against the model's ranges, so a typo in a grid fails here rather
than minutes into a run.
"""

from __future__ import annotations

import pytest
from hydra import compose, initialize_config_dir
from hydra.types import RunMode
from omegaconf import OmegaConf

from sim.app import experiments
from sim.app.callbacks import _base, plan
from sim.app.resources import CONFIGS
from sim.core.params import CrisisConfig, validate
from sim.runs import sweep

NAMES = experiments.names()
REQUIRED = ("china_leverage", "exercise_suspension", "russia_role", "tipping_point")


def composed(*overrides: str):
    with initialize_config_dir(config_dir=str(CONFIGS), version_base="1.3"):
        return compose("config", overrides=list(overrides), return_hydra_config=True)


def test_the_issue_experiments_exist():
    assert set(REQUIRED) <= set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_experiment_composes_and_is_valid(name):
    cfg = composed(f"experiment={name}")
    task = OmegaConf.masked_copy(cfg, [k for k in cfg if k != "hydra"])
    conf = OmegaConf.to_object(OmegaConf.merge(OmegaConf.structured(CrisisConfig), task))
    validate(conf)
    text = (experiments.EXPERIMENTS / f"{name}.yaml").read_text()
    assert text.startswith("# @package _global_")
    assert f"crisis-sim experiment={name}" in text  # the command is documented in the file


@pytest.mark.parametrize("name", [n for n in NAMES if n in REQUIRED])
def test_sweeping_experiment_runs_as_multirun_over_valid_jobs(name):
    cfg = composed(f"experiment={name}")
    assert cfg.hydra.mode == RunMode.MULTIRUN
    assert cfg.hydra.sweeper.params, "a sweeping experiment names its grid"
    jobs = plan(cfg)
    assert len(jobs.jobs) > 1
    assert set(jobs.swept) == set(cfg.hydra.sweeper.params)
    sweep.check(_base(cfg), jobs)  # raises ConfigError naming the job if a value is out of range


def test_tipping_point_grid_is_fine_and_ordered():
    cfg = composed("experiment=tipping_point")
    values = plan(cfg).values
    grid = [v["actors.us.hawkishness"] for v in values]
    assert grid == sorted(grid) and len(grid) >= 11
    assert grid[0] == 0.0 and grid[-1] == 1.0


def test_command_line_overrides_apply_on_top_of_an_experiment():
    cfg = composed("experiment=china_leverage", "run.seeds=7", "scenario=no_exercises")
    assert cfg.run.seeds == 7 and cfg.actors.us.exercises is False
    assert len(plan(cfg).jobs) == 25


@pytest.mark.parametrize("launcher", ["joblib", "submitit_local", "slurm"])
def test_launcher_configs_compose(launcher):
    cfg = composed(f"hydra/launcher={launcher}")
    assert "_target_" in cfg.hydra.launcher


def test_slurm_config_documents_its_resources():
    cfg = composed("hydra/launcher=slurm")
    launcher = cfg.hydra.launcher
    assert launcher._target_.endswith("SlurmLauncher")
    assert launcher.cpus_per_task == 1 and launcher.timeout_min > 0 and launcher.mem_gb > 0
    assert launcher.array_parallelism > 0
