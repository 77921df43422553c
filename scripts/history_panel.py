"""Regenerate data/history/panel.csv from data/history/events.csv and coverage.csv.

python scripts/history_panel.py            # write the panel
python scripts/history_panel.py --check    # exit 1 if panel.csv is out of date
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sim.io.history import DATA_DIR, load_events, monthly_panel, panel_to_csv  # noqa: E402


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DATA_DIR, help="data/history directory")
    ap.add_argument("--check", action="store_true", help="only check panel.csv is up to date")
    args = ap.parse_args(argv)
    text = panel_to_csv(monthly_panel(load_events(args.data), args.data))
    out = args.data / "panel.csv"
    if args.check:
        ok = out.exists() and out.read_text() == text
        print(f"{out}: {'up to date' if ok else 'OUT OF DATE'}")
        return 0 if ok else 1
    out.write_text(text)
    print(f"wrote {out} ({text.count(chr(10)) - 1} months)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
