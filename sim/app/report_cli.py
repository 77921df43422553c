"""The `crisis-report` command: rebuild the report of an output directory."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sim.io.run import ReportError

FORMATS = ("png", "svg", "pdf")


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(
        prog="crisis-report",
        description=(
            "Rebuild the report (figures, report.html, report.md) of a crisis-sim run "
            "directory, a multirun over scenarios, or a parameter sweep, from its files alone."
        ),
    )
    ap.add_argument("path", help="output directory of a run or of a multirun")
    ap.add_argument(
        "--formats",
        help="figure formats besides PNG, comma-separated (png, svg, pdf); "
        "default: the run's report.formats",
    )
    ap.add_argument(
        "--gather",
        action="store_true",
        help="for a sweep directory, gather its jobs into sweep.parquet first "
        "(e.g. after cluster jobs whose launcher did not survive)",
    )
    ap.add_argument(
        "--no-subruns",
        action="store_true",
        help="for a multirun, build only the comparison, not each job's report",
    )
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    formats = None
    if args.formats:
        formats = [f.strip().lower() for f in args.formats.split(",") if f.strip()]
        bad = [f for f in formats if f not in FORMATS]
        if bad:
            print(
                f"crisis-report: error: unknown format {bad}; allowed: png, svg, pdf",
                file=sys.stderr,
            )
            return 2
    try:
        from sim.report.build import report

        if args.gather:
            from sim.runs import sweep

            sweep.finish(Path(args.path).absolute())
        path = Path(args.path).absolute()  # figures are embedded by path: keep it whole
        html = report(path, formats, subrun_reports=not args.no_subruns)
    except (ReportError, FileNotFoundError, RuntimeError) as err:
        print(f"crisis-report: error: {err}", file=sys.stderr)
        return 1
    except OSError as err:  # a full disk, a read-only directory, ...
        where = f": {err.filename}" if err.filename else ""
        print(f"crisis-report: error: {err.strerror or err}{where}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(
            f"crisis-report: error: interrupted; the report of {args.path} is incomplete: "
            "rerun crisis-report",
            file=sys.stderr,
        )
        return 130
    print(html)
    return 0


if __name__ == "__main__":
    sys.exit(main())
