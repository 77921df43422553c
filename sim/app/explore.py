"""The `crisis-sim-explore` command: the browser explorer on this machine only."""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys

DEFAULT_PORT = 8765


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="crisis-sim-explore",
        description="Explore and play the crisis in the browser (Solara, on 127.0.0.1).",
    )
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="port (default 8765)")
    args = parser.parse_args(argv)
    if not 0 < args.port < 65536:
        parser.error(f"--port {args.port} is not a port; allowed: 1-65535")
    if importlib.util.find_spec("solara") is None:
        sys.exit("crisis-sim-explore needs solara: pip install 'crisis-sim[explore]'")
    env = {
        **os.environ,
        "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",  # nothing leaves the machine
        "SOLARA_THEME_SHOW_BANNER": "False",
        "MPLBACKEND": "Agg",
    }
    print(f"crisis-sim explorer: http://127.0.0.1:{args.port}", flush=True)
    cmd = [sys.executable, "-m", "solara", "run", "sim.app.app", "--host", "127.0.0.1",
           "--port", str(args.port), "--no-open", "--no-check-version", "--production"]  # fmt: skip
    os.execve(sys.executable, cmd, env)


if __name__ == "__main__":
    main()
