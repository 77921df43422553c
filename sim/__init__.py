"""crisis-sim: a scenario simulator of the 2017 Korean Peninsula crisis.

The Python API (see the README's "From Python" section):

    sim.load_config(scenario=..., overrides=[...])   # a typed, checked CrisisConfig
    sim.run(cfg, seeds=...)                           # summary, outcomes and trajectories
    sim.CrisisModel(cfg, seed)                        # one replication, stepped by hand

Names are imported on first use, so `import sim` stays cheap.
"""

__version__ = "0.1.0"

_API = {
    "load_config": "sim.app.api",
    "run": "sim.app.api",
    "Result": "sim.app.api",
    "ConfigError": "sim.core.params",
    "CrisisConfig": "sim.core.params",
    "CrisisModel": "sim.core.model",
}

__all__ = ["__version__", *_API]


def __getattr__(name: str):
    if name in _API:
        import importlib

        return getattr(importlib.import_module(_API[name]), name)
    raise AttributeError(f"module 'sim' has no attribute {name!r}")
