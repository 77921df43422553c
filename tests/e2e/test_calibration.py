"""A tiny calibration and hindcast end to end: outputs, the training-only rule, determinism."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from sim.app.config import to_config
from sim.io.history import load_events, monthly_panel
from sim.runs import calibrate, hindcast

TINY = ["calibrate.population=6", "calibrate.generations=2", "calibrate.seeds=2"]


def compose(*overrides: str):
    from hydra import compose as hydra_compose
    from hydra import initialize_config_dir

    from sim.app.resources import CONFIGS

    with initialize_config_dir(str(CONFIGS), version_base="1.3"):
        cfg = hydra_compose("config", overrides=["run.progress=false", *overrides])
    return to_config(cfg)


@pytest.fixture(scope="module")
def record():
    events = load_events()
    return events, monthly_panel(events)


@pytest.fixture(scope="module")
def calibrated(tmp_path_factory, record):
    events, panel = record
    out = tmp_path_factory.mktemp("calib")
    cfg = compose("task=calibrate", *TINY)
    summary = calibrate.run(cfg, out, panel=panel, events=events)
    return cfg, out, summary


def test_outputs(calibrated):
    cfg, out, summary = calibrated
    for name in ("posterior.parquet", "diagnostics.csv", "ppc.parquet", "calibration.json"):
        assert (out / name).exists(), name
    assert (out / "abc.db").exists()
    diag = pd.read_csv(out / "diagnostics.csv")
    assert list(diag["generation"]) == [0, 1]
    assert ((diag["acceptance_rate"] > 0) & (diag["acceptance_rate"] <= 1)).all()
    assert (diag["ess"] <= cfg.calibrate.population + 1e-9).all()
    post = pd.read_parquet(out / "posterior.parquet")
    keys = [p.key for p in cfg.calibrate.priors]
    assert set(keys) <= set(post.columns)
    last = post[post["generation"] == 1]
    assert len(last) == cfg.calibrate.population
    assert last["weight"].sum() == pytest.approx(1.0)
    for p in cfg.calibrate.priors:  # every particle inside its prior
        assert last[p.key].between(p.low, p.high).all(), p.key
    ppc = pd.read_parquet(out / "ppc.parquet")
    assert set(ppc["month"]) == {str(m) for m in calibrate.months("2016-01", "2017-07")}
    assert summary["train"] == ["2016-01", "2017-07"]


def test_deterministic_for_a_fixed_seed(calibrated, record, tmp_path):
    cfg, out, _ = calibrated
    events, panel = record
    calibrate.run(cfg, tmp_path, panel=panel, events=events)
    a = pd.read_parquet(out / "posterior.parquet")
    b = pd.read_parquet(tmp_path / "posterior.parquet")
    pd.testing.assert_frame_equal(a, b)


def test_another_seed_differs(calibrated, record, tmp_path):
    cfg, out, _ = calibrated
    events, panel = record
    other = compose("task=calibrate", *TINY, "calibrate.seed=7")
    calibrate.run(other, tmp_path, panel=panel, events=events)
    a = pd.read_parquet(out / "posterior.parquet")
    b = pd.read_parquet(tmp_path / "posterior.parquet")
    assert not np.allclose(a.drop(columns="generation").values, b.drop(columns="generation").values)


def test_reads_no_month_after_training(calibrated, record, tmp_path):
    """Garbage in every month from 2017-08 on (panel and events) changes nothing."""
    cfg, out, _ = calibrated
    events, panel = record
    bad = panel.copy()
    later = bad.index > pd.Period("2017-07", "M")
    for col in bad.columns:
        if str(bad[col].dtype) == "boolean":
            bad.loc[later, col] = ~bad.loc[later, col].fillna(False)
        else:
            bad.loc[later, col] = 99.0
    bad_events = events[events["month"] <= pd.Period("2017-07", "M")]
    calibrate.run(cfg, tmp_path, panel=bad, events=bad_events)
    a = pd.read_parquet(out / "posterior.parquet")
    b = pd.read_parquet(tmp_path / "posterior.parquet")
    pd.testing.assert_frame_equal(a, b)
    with pytest.raises(ValueError, match="up to 2017-07"):
        calibrate.training_panel(panel, "2017-08")


def test_resume_runs_only_the_missing_generations(calibrated, record, tmp_path):
    import shutil

    cfg, out, _ = calibrated
    events, panel = record
    shutil.copytree(out, tmp_path / "c")
    more = compose("task=calibrate", "calibrate.population=6", "calibrate.generations=3",
                   "calibrate.seeds=2")  # fmt: skip
    summary = calibrate.run(more, tmp_path / "c", panel=panel, events=events)
    assert summary["resumed_from_generation"] == 2
    assert list(pd.read_csv(tmp_path / "c" / "diagnostics.csv")["generation"]) == [0, 1, 2]


def test_hindcast_scores_every_forecaster(calibrated, record, tmp_path):
    _, out, _ = calibrated
    events, panel = record
    cfg = compose("task=hindcast", "hindcast.seeds=4", "hindcast.every=9", "hindcast.horizon=3",
                  f"calibration.path={out}")  # fmt: skip
    summary = hindcast.run(cfg, tmp_path, panel=panel, events=events)
    assert summary["origin_months"] == ["2017-08", "2018-05", "2019-02"]
    scores = pd.read_csv(tmp_path / "scores.csv")
    assert set(scores["forecaster"]) == {"posterior", "defaults", "climatology", "persistence"}
    assert set(scores["indicator"]) >= set(hindcast.SCORED) | {"all", "missile_tests"}
    fc = pd.read_parquet(tmp_path / "forecasts.parquet")
    assert fc["month"].max() <= "2019-07" and fc["month"].min() >= "2017-08"
    assert fc["horizon"].between(1, 3).all()
    clim = scores[(scores["forecaster"] == "climatology")]
    assert (clim["skill_climatology"] == 0).all()
    # intervals: a bootstrap over whole origins, deterministic for the run's seed
    assert (clim[["skill_climatology_low", "skill_climatology_high"]] == 0).all().all()
    ok = scores.dropna(subset=["value_low"])
    assert len(ok) == len(scores) and (ok["value_low"] <= ok["value_high"]).all()
    assert summary["intervals"]["level"] == 0.9
    cc = pd.read_parquet(tmp_path / "count_forecasts.parquet")
    again = hindcast.score(fc, cc, cfg.run.seed)
    pd.testing.assert_frame_equal(again, scores, check_exact=False, rtol=1e-5)
    # climatology is the training base rate: the 2017 tests in the training window
    p = fc[(fc["forecaster"] == "climatology") & (fc["indicator"] == "nuclear_test")]["p"]
    assert p.iloc[0] == pytest.approx(2 / 19)


def test_cli_reports_and_errors(calibrated, cli, tmp_path):
    _, out, _ = calibrated
    args = ["task=hindcast", "hindcast.seeds=2", "hindcast.every=12", "hindcast.horizon=2"]
    done = cli(*args, f"calibration.path={out}", f"hydra.run.dir={tmp_path / 'h'}", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "h" / "report.html").exists()
    assert json.loads((tmp_path / "h" / "hindcast.json").read_text())["origins"] == 2
    bad = cli("task=hindcast", f"calibration.path={tmp_path / 'none'}",
              f"hydra.run.dir={tmp_path / 'x'}", cwd=tmp_path)  # fmt: skip
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1, bad.stderr
    assert "posterior.parquet" in bad.stderr


def test_calibration_report(calibrated):
    from sim.report.calibration import calibration_report

    _, out, _ = calibrated
    html = calibration_report(out, ["png"])
    assert html.exists() and (out / "report.md").exists()
    assert "Posterior predictive" in (out / "report.md").read_text()


def test_fit_section_writes_between_markers(calibrated, record, tmp_path):
    import importlib.util
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    _, out, _ = calibrated
    events, panel = record
    cfg = compose("task=hindcast", "hindcast.seeds=2", "hindcast.every=12", "hindcast.horizon=2")
    hindcast.run(cfg, tmp_path / "h", panel=panel, events=events)
    spec = importlib.util.spec_from_file_location("fit_section", root / "scripts/fit_section.py")
    fit = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fit)
    readme = tmp_path / "README.md"
    readme.write_text("# x\n\n<!-- fit:begin -->\nSTALE-TEXT\n<!-- fit:end -->\n\n## Performance\n")
    assert fit.main([str(tmp_path / "h"), "--readme", str(readme), "--check"]) == 1
    assert fit.main([str(tmp_path / "h"), "--readme", str(readme)]) == 0
    text = readme.read_text()
    assert "STALE-TEXT" not in text and text.count("<!-- fit:begin -->") == 1
    assert "| all | defaults |" in text and text.endswith("## Performance\n")
    assert fit.main([str(tmp_path / "h"), "--readme", str(readme), "--check"]) == 0


def test_uncertainty_splits_variance(calibrated, cli, tmp_path):
    _, out, _ = calibrated
    args = ["uncertainty=posterior", f"uncertainty.path={out}", "uncertainty.draws=3"]
    done = cli(*args, "run.seeds=12", "run.rounds=6", f"hydra.run.dir={tmp_path / 'u'}",
               cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    summary = json.loads((tmp_path / "u" / "uncertainty.json").read_text())
    assert summary["draws"] == 3 and summary["seeds_per_draw"] == 4
    draws = pd.read_parquet(tmp_path / "u" / "draws.parquet")
    assert len(draws) == 12 and set(draws["draw"]) == {0, 1, 2}
    total = 0.0
    for r in summary["outcomes"].values():
        assert r["param_q05"] <= r["probability"] <= r["param_q95"]
        v = r["probability"] * (1 - r["probability"])
        assert r["variance_parameters"] + r["variance_dice"] == pytest.approx(v, abs=1e-5)
        assert r["variance_parameters"] >= 0 and r["variance_dice"] >= -1e-9
        total += r["probability"]
    assert total == pytest.approx(1.0)
    bad = cli("uncertainty=posterior", f"hydra.run.dir={tmp_path / 'x'}", cwd=tmp_path)
    assert bad.returncode == 2 and "uncertainty.path" in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1


UNC = ["uncertainty.draws=3", "run.seeds=12", "run.rounds=6"]


def test_uncertainty_report_rebuilds_from_files(calibrated, cli, tmp_path):
    from sim.app import report_cli

    _, out, _ = calibrated
    u = tmp_path / "u"
    done = cli("uncertainty=posterior", f"uncertainty.path={out}", *UNC, f"hydra.run.dir={u}",
               cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    summary = json.loads((u / "uncertainty.json").read_text())
    md = (u / "report.md").read_text()
    assert (u / "report.html").is_file() and (u / "figures/odds_across_parameters.png").is_file()
    # the key finding names the odds with their parameter intervals, and the fixed odds
    top = max(summary["outcomes"], key=lambda o: summary["outcomes"][o]["probability"])
    q = summary["outcomes"][top]
    assert f"{100 * q['param_q05']:.1f}%–{100 * q['param_q95']:.1f}%" in md.split("##")[0]
    assert "With the configured parameters" in md and "Dice and parameters" in md
    fixed = summary["fixed"]
    assert sum(f["count"] for f in fixed.values()) == summary["seeds"] == 12
    # crisis-report rebuilds the same report from the files alone
    for name in ("report.md", "report.html"):
        (u / name).unlink()
    assert report_cli.main([str(u)]) == 0
    assert (u / "report.md").read_text() == md
    off = tmp_path / "off"
    done = cli("uncertainty=posterior", f"uncertainty.path={out}", *UNC, "report.enabled=false",
               f"hydra.run.dir={off}", cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert (off / "uncertainty.json").is_file()
    assert not (off / "report.html").exists() and not (off / "figures").exists()
    # the same seed gives the same draws and odds
    assert (off / "draws.parquet").read_bytes() == (u / "draws.parquet").read_bytes()


def test_uncertainty_prior_draws_within_the_priors(cli, tmp_path):
    u = tmp_path / "p"
    done = cli("uncertainty=prior", *UNC, "report.enabled=false", f"hydra.run.dir={u}",
               cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    summary = json.loads((u / "uncertainty.json").read_text())
    assert summary["mode"] == "prior" and summary["calibration"] is None
    params = pd.read_parquet(u / "parameters.parquet")
    cfg = compose()
    assert len(params) == 3 and len(summary["drawn_keys"]) == len(cfg.calibrate.priors)
    for p in cfg.calibrate.priors:
        assert params[p.key].between(p.low, p.high).all(), p.key
        assert params[p.key].nunique() == 3, p.key  # each set draws its own value


def test_uncertainty_multirun_over_scenarios(calibrated, cli, tmp_path):
    """Each scenario is a run of its own; a scenario's own values are held, not drawn."""
    from sim.app import report_cli

    _, out, _ = calibrated
    sweep = tmp_path / "m"
    done = cli("-m", "scenario=baseline,china_strict", "uncertainty=posterior",
               f"uncertainty.path={out}", *UNC, f"hydra.sweep.dir={sweep}",
               cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "error" not in done.stderr.lower(), done.stderr
    base = json.loads((sweep / "0" / "uncertainty.json").read_text())
    strict = json.loads((sweep / "1" / "uncertainty.json").read_text())
    assert base["scenario"] == "baseline" and base["held"] == {}
    assert strict["held"] == {"actors.china.enforcement_floor": 1.0, "actors.china.skirting": 0.0}
    params = pd.read_parquet(sweep / "1" / "parameters.parquet")
    assert (params["actors.china.enforcement_floor"] == 1.0).all()
    assert "actors.china.skirting" not in strict["drawn_keys"]
    for job in ("0", "1"):
        assert (sweep / job / "report.html").is_file()
    table = (sweep / "report.md").read_text()
    assert "scenario=baseline" in table and "scenario=china_strict" in table
    (sweep / "report.md").unlink()
    assert report_cli.main([str(sweep)]) == 0 and (sweep / "report.md").read_text() == table
