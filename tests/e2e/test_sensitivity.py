"""The sensitivity experiment: indices for every outcome and parameter, clear errors, determinism.

Tiny samples keep these fast; they check the plumbing and the statistics' wiring, never the
model's calibrated numbers.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from sim.core.outcomes import OUTCOMES
from sim.core.params import ConfigError, CrisisConfig, ranges
from sim.io import sensitivity as files
from sim.report import sensitivity as sensitivity_report
from sim.runs import sensitivity as S

PARAMS = ["us.hawkishness", "china.collapse_fear", "dprk.risk_tolerance"]


def tiny(method: str = "sobol", **over) -> CrisisConfig:
    c = CrisisConfig()
    c.run.rounds = 12
    c.run.progress = False
    c.report.formats = ["png"]
    c.sensitivity.method = method
    c.sensitivity.samples = 4
    c.sensitivity.seeds = 6
    c.sensitivity.parameters = list(PARAMS)
    for key, value in over.items():
        setattr(c.sensitivity, key, value)
    return c


@pytest.fixture(scope="module")
def sobol_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("sobol")
    result = S.run(tiny("sobol"), out, workers=1)
    sensitivity_report.report(out)
    return result, out


@pytest.fixture(scope="module")
def morris_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("morris")
    result = S.run(tiny("morris"), out, workers=1)
    sensitivity_report.report(out)
    return result, out


def check_indices(out, result, expected: set[str]) -> pd.DataFrame:
    table = pd.read_csv(out / files.SENSITIVITY_CSV)
    assert list(table.columns) == ["outcome", "parameter", "index", "value", "conf"]
    names = {f"actors.{p}" for p in PARAMS}
    for outcome in OUTCOMES:
        rows = table[table.outcome == outcome]
        assert set(rows.parameter) == names, outcome
        assert set(rows["index"]) == expected, outcome
        assert len(rows) == len(names) * len(expected)
        varies = result["outcomes"][outcome]["varies"]
        assert rows.value.notna().all() == varies, outcome  # NaN only when it never varies
    assert any(result["outcomes"][o]["varies"] for o in OUTCOMES)
    return table


def test_sobol_gives_s1_and_st_for_every_outcome_and_parameter(sobol_run):
    result, out = sobol_run
    table = check_indices(out, result, {"S1", "ST"})
    varying = table[table.value.notna()]
    assert (varying.conf >= 0).all() and varying.conf.notna().all()
    assert result["method"] == "sobol" and result["N"] == 4 and result["seeds"] == 6
    assert result["points"] == 4 * (len(PARAMS) + 2)
    assert result["problem"]["names"] == [f"actors.{p}" for p in PARAMS]


def test_morris_gives_mu_star_and_sigma_for_every_outcome_and_parameter(morris_run):
    result, out = morris_run
    table = check_indices(out, result, {"mu_star", "sigma", "mu"})
    mu_star = table[(table["index"] == "mu_star") & table.value.notna()]
    assert (mu_star.value >= 0).all() and mu_star.conf.notna().all()
    assert result["points"] == 4 * (len(PARAMS) + 1)


@pytest.mark.parametrize("fixture", ["sobol_run", "morris_run"])
def test_writes_every_file(fixture, request):
    result, out = request.getfixturevalue(fixture)
    meta = json.loads((out / files.RESULT_JSON).read_text())
    for key in ("problem", "method", "N", "seeds", "seconds", "outcomes"):
        assert key in meta
    samples = pd.read_parquet(out / files.SAMPLES)
    assert len(samples) == result["points"]
    probs = samples[[f"p_{o}" for o in OUTCOMES]]
    assert np.allclose(probs.sum(axis=1), 1.0)  # every replication ends in exactly one outcome
    for key, (lo, hi) in zip(meta["problem"]["names"], meta["problem"]["bounds"], strict=True):
        assert samples[key].between(lo, hi).all()
    figures = {p.name for p in (out / "figures").iterdir()}
    assert "sensitivity_overview.png" in figures
    for outcome in OUTCOMES:
        assert (f"sensitivity_{outcome}.png" in figures) == meta["outcomes"][outcome]["varies"]
    assert (out / "report.html").stat().st_size > 0 and (out / "report.md").stat().st_size > 0
    assert not list(out.rglob("*.partial"))


def test_default_problem_is_every_actor_preference():
    c = CrisisConfig()
    prob = S.problem(c)
    names = prob["names"]
    assert "actors.china.collapse_fear" in names and "actors.russia.engagement" in names
    assert not any(n.endswith((".rationality", ".trade_share")) for n in names)
    assert {n.split(".")[1] for n in names} == {"us", "china", "russia", "dprk"}
    r = ranges(c)
    for name, bounds in zip(names, prob["bounds"], strict=True):
        assert tuple(bounds) == tuple(float(x) for x in r[name])


def test_indices_find_the_one_parameter_that_matters():
    """Wiring check on a known function: P(talks) depends on hawkishness alone."""
    c = tiny("sobol", samples=256, seeds=100)
    prob = S.problem(c)
    X = S.design(c, prob)
    k = prob["names"].index("actors.us.hawkishness")
    talks = np.round(X[:, k] * c.sensitivity.seeds).astype(int)
    counts = np.zeros((len(X), 2, len(OUTCOMES)), dtype=np.int32)
    counts[:, 0, 0] = (talks + 1) // 2
    counts[:, 1, 0] = talks // 2
    counts[:, 0, -1] = (c.sensitivity.seeds + 1) // 2 - counts[:, 0, 0]
    counts[:, 1, -1] = c.sensitivity.seeds // 2 - counts[:, 1, 0]
    table, diag = S.analyse(c, prob, X, counts)
    st = table[(table.outcome == "talks") & (table["index"] == "ST")].set_index("parameter")
    assert st.loc["actors.us.hawkishness", "value"] > 0.9
    assert st.drop("actors.us.hawkishness").value.abs().max() < 0.05
    assert not diag["war"]["varies"]  # a constant outcome: undefined indices, flagged


def test_results_do_not_depend_on_workers():
    c = tiny("sobol", samples=2, seeds=4)
    prob = S.problem(c)
    X = S.design(c, prob)
    one = S.evaluate(c, prob["names"], X, workers=1, progress=False)
    two = S.evaluate(c, prob["names"], X, workers=2, progress=False)
    assert np.array_equal(one, two)
    assert np.array_equal(X, S.design(c, prob))  # the design is seeded by run.seed


@pytest.mark.parametrize(
    ("setting", "value", "match"),
    [
        ("method", "fast", r"sensitivity\.method='fast' is unknown; allowed: sobol, morris"),
        ("samples", 6, r"sensitivity\.samples=6 is not a power of 2"),
        ("parameters", ["china.nonsense"], r"'china\.nonsense'.*allowed: us\.hawkishness"),
        ("parameters", ["china.trade_share", "us.hawkishness"], r"china\.trade_share"),
        ("parameters", ["us.hawkishness"], r"at least 2"),
        ("seeds", 1, r"sensitivity\.seeds=1"),
    ],
)
def test_bad_settings_fail_clearly(tmp_path, setting, value, match):
    c = tiny()
    setattr(c.sensitivity, setting, value)
    with pytest.raises(ConfigError, match=match):
        S.run(c, tmp_path, workers=1)
    assert not list(tmp_path.iterdir())  # nothing written before the check


def test_constant_outcome_has_nan_indices_not_an_error(sobol_run):
    result, out = sobol_run
    table = pd.read_csv(out / files.SENSITIVITY_CSV)
    for outcome, diag in result["outcomes"].items():
        values = table[table.outcome == outcome].value
        if not diag["varies"]:
            assert values.isna().all() and diag["noise_share"] is None
        else:
            assert all(math.isfinite(v) for v in values)


def test_crisis_report_rebuilds_a_sensitivity_directory(cli, tmp_path):
    out = tmp_path / "morris"
    done = cli(
        "experiment=sensitivity_morris",
        "sensitivity.samples=2",
        "sensitivity.seeds=4",
        "report.enabled=false",
        f"hydra.run.dir={out}",
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert not (out / "figures").exists() and not (out / "report.html").exists()
    rebuilt = cli_report(out)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert (out / "report.html").is_file() and (
        out / "figures" / "sensitivity_overview.png"
    ).is_file()
    assert "Morris" in (out / "report.md").read_text()


def cli_report(path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    exe = Path(sys.executable).with_name("crisis-report")
    env = {k: v for k, v in os.environ.items() if k != "HYDRA_FULL_ERROR"}
    return subprocess.run([str(exe), str(path)], capture_output=True, text=True, env=env)
