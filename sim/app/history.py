"""task=calibrate and task=hindcast: run, print a short table, build the report."""

from __future__ import annotations

from pathlib import Path

from sim.app.console import say
from sim.core.params import CrisisConfig


def run(conf: CrisisConfig, outdir: Path) -> dict:
    """Run the task; bad input (a missing calibration, a bad prior) ends in one line."""
    from sim.app.errors import fail
    from sim.core.params import ConfigError

    try:
        if conf.task == "calibrate":
            return calibrate(conf, outdir)
        if conf.task == "hindcast":
            return hindcast(conf, outdir)
        return uncertainty(conf, outdir)
    except (ConfigError, FileNotFoundError) as err:
        fail(str(err))


def calibrate(conf: CrisisConfig, outdir: Path) -> dict:
    from sim.runs import calibrate as runs

    summary = runs.run(conf, outdir)
    say(f"{'parameter':<40} {'prior':>14} {'posterior median [90%]':>28} {'sd/prior sd':>11}")
    for row in summary["posterior"]:
        prior = f"[{row['low']:g}, {row['high']:g}]"
        post = f"{row['median']:.3g} [{row['q05']:.3g}, {row['q95']:.3g}]"
        say(f"{row['key']:<40} {prior:>14} {post:>28} {row['sd_ratio']:>11.2f}")
    say(
        f"ABC-SMC: {summary['generations']} generations x {summary['population']} particles x "
        f"{summary['seeds_per_particle']} seeds, {summary['simulations']} simulations in "
        f"{summary['seconds']:.1f} s; final epsilon {summary['final_epsilon']:.3g}"
    )
    if summary["resumed_from_generation"]:
        done = summary["resumed_from_generation"]
        say(f"resumed: generations 0-{done - 1} came from abc.db; the time is this call's")
    if conf.report.enabled:
        from sim.report import calibration

        calibration.calibration_report(outdir, conf.report.formats)
    say(f"outputs: {outdir}")
    return summary


def hindcast(conf: CrisisConfig, outdir: Path) -> dict:
    from sim.runs import hindcast as runs

    summary = runs.run(conf, outdir)
    level = f"{summary['intervals']['level']:.0%}"
    head = ("indicator", "forecaster", "n", "Brier", "BSS clim", "BSS pers", f"pers {level}")
    say("{:<20} {:<12} {:>4} {:>7} {:>9} {:>9} {:>16}".format(*head))
    for row in summary["scores"]:
        if row["score"] != "brier":
            continue
        lo, hi = row["skill_persistence_low"], row["skill_persistence_high"]
        say(
            f"{row['indicator']:<20} {row['forecaster']:<12} {row['n']:>4} {row['value']:>7.3f} "
            f"{row['skill_climatology']:>9.3f} {row['skill_persistence']:>9.3f} "
            f"{f'[{lo:.2f}, {hi:.2f}]':>16}"
        )
    say(
        f"hindcast: {summary['origins']} origins, {summary['seconds']:.1f} s; intervals: "
        f"{level}, bootstrap over whole origins"
    )
    if conf.report.enabled:
        from sim.report import calibration

        calibration.hindcast_report(outdir, conf.report.formats)
    say(f"outputs: {outdir}")
    return summary


def uncertainty(conf: CrisisConfig, outdir: Path) -> dict:
    from sim.io import files
    from sim.report.uncertainty import finding
    from sim.runs import uncertainty as runs

    files.clear_report(outdir)  # no report of an earlier run survives beside this one
    summary = runs.run(conf, outdir)
    head = ("outcome", "p", "params 5%", "params 95%", "var params", "var dice", "fixed p")
    say("{:<12} {:>7} {:>10} {:>11} {:>11} {:>9} {:>8}".format(*head))
    for name, r in summary["outcomes"].items():
        say(
            f"{name:<12} {r['probability']:>7.3f} {r['param_q05']:>10.3f} {r['param_q95']:>11.3f} "
            f"{r['variance_parameters']:>11.4f} {r['variance_dice']:>9.4f} "
            f"{summary['fixed'][name]['probability']:>8.3f}"
        )
    source = "posterior" if summary["mode"] == "posterior" else "prior"
    say(
        f"{summary['draws']} {source} draws x {summary['seeds_per_draw']} replications "
        f"(common random numbers across draws); fixed p: the configured parameters"
    )
    if summary["held"]:
        say(f"held at the configured value: {', '.join(sorted(summary['held']))}")
    say(finding(summary))
    if conf.report.enabled:
        from sim.report import uncertainty as report

        say(f"report: {report.report(outdir, conf.report.formats)}")
    say(f"outputs: {outdir}")
    return summary
