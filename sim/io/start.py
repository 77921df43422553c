"""Start anywhere: the record's state at a month, as the model's initial values.

The article's parameters describe August 2017 (``ANCHOR``): the configured world values
are read as the state *at the anchor*. ``start_values`` moves them to another start month
by what the record (``data/history``) says happened between the two months, using only
events dated before the start month (a run from month m never sees m or later). At the
anchor every mapping is the identity, so ``run.start=2017-08`` runs exactly the
configured model.

Each mapping and its status (``record`` where the record fixes the quantity,
``assumption`` where the model's state has no recorded counterpart and a rule is chosen):

- ``world.sanctions0`` (assumption for the step size): each UN Security Council resolution
  adopted between the months closes ``RESOLUTION_STEP`` of the gap to full sanctions, the
  model's own rule for an adopted resolution (``level + strength * (1 - level)``):
  ``s(m) = 1 - (1 - s_anchor) * (1 - RESOLUTION_STEP) ** (k(m) - k(anchor))``, k the
  number of resolutions the record holds before the month.
- ``world.capability0`` (record for the tests, assumption for the law): the model's
  logistic capability grows in logit by about its rate per round; each recorded test adds
  the model's own gain for its kind (``world.missile_gain``, ``world.icbm_gain`` for an
  ICBM or a satellite launch, ``world.nuclear_gain``) and each month
  ``world.capability_growth``: ``logit c(m) = logit c_anchor + L(m) - L(anchor)``.
- ``world.tension0`` (assumption): tension is read as the recent testing tempo,
  ``A(m)``, the count of DPRK tests in the 12 months before m, each discounted by
  ``(1 - world.tension_decay)`` per month of age (the model's own decay).
  ``tension0(m) = TENSION_FLOOR + (t_anchor - TENSION_FLOOR) * A(m) / A(anchor)``.
- ``actors.us.exercises`` (record; assumption for the rule): False when the record's
  latest exercise event before m is a suspension (Olympics 2018, Singapore June 2018),
  True otherwise. The model ties whether exercises run at round 0 to this preference.
- ``world.talks0`` (record; assumption for the rule): the model's talks state
  (none, negotiating, agreement) at the end of the month before m. Talks are in force
  from a ``talks_opened`` row or a DPRK summit with the US or the ROK until the next
  ``breakdown`` (the panel's ``talks_open`` rule). They are an ``agreement`` (the model's
  freeze: tests stopped, exercises suspended) when, while in force, a leaders'
  ``agreement`` was signed, the DPRK has announced a test ``moratorium`` and the latest
  exercise event is a suspension; else ``negotiating``. In the record: negotiating
  2018-02..2018-06 and 2019-07, agreement 2018-07..2019-02 (Singapore, the moratorium and
  the suspended August exercises), none before 2018 and 2019-03..2019-06 (after Hanoi).
- ``world.china_enforcement0``, ``world.stability0`` and the actors' preferences are not
  mapped (assumption: as configured).
"""

from __future__ import annotations

import copy
import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pandas is imported where it is used: a run does not need it
    import pandas as pd


ANCHOR = "2017-08"
RESOLUTION_STEP = 0.08  # assumption: share of the sanctions gap one UN resolution closes
TENSION_FLOOR = 0.15  # assumption: tension of the armistice with no tests in a year
TEMPO_MONTHS = 12  # months of testing that count towards the tempo
TESTS = ("missile_test", "icbm_test", "satellite_launch", "nuclear_test")
FIRST = "2016-01"
LAST = "2020-01"  # the month after the record ends


def _period(month) -> pd.Period:
    import pandas as pd

    try:
        m = pd.Period(str(month), freq="M")
    except ValueError:
        raise ValueError(f"run.start={month!r} is not a month; allowed: YYYY-MM") from None
    if not pd.Period(FIRST, freq="M") <= m <= pd.Period(LAST, freq="M"):
        raise ValueError(f"run.start={month} is outside the record; allowed: {FIRST}..{LAST}")
    return m


def record_before(month, events: pd.DataFrame) -> dict:
    """What the record holds before ``month`` (events dated in earlier months only)."""
    import pandas as pd

    m = _period(month)
    ev = events[events["month"] < m]
    kinds = ev["event_type"]
    tests = ev[kinds.isin(TESTS)]
    ex = ev[kinds.isin(("exercise_start", "exercise_suspended"))]
    tempo = {}
    for _, t in tests.iterrows():
        age = (m - t["month"]).n - 1
        if age < TEMPO_MONTHS:
            tempo[age] = tempo.get(age, 0) + 1
    return {
        "month": str(m),
        "talks": talks_state(ev),
        "months_since_2016_01": (m - pd.Period(FIRST, freq="M")).n,
        "resolutions": int((kinds == "resolution_adopted").sum()),
        "tests": {k: int((tests["event_type"] == k).sum()) for k in TESTS},
        "tempo_by_age": dict(sorted(tempo.items())),
        "exercises_suspended": bool(len(ex) and ex["event_type"].iloc[-1] == "exercise_suspended"),
    }


def talks_state(events: pd.DataFrame) -> str:
    """The talks state after ``events`` (in date order): none, negotiating or agreement."""
    from sim.io.history import opens_talks

    open_, signed, moratorium, suspended = False, False, False, False
    for _, ev in events.iterrows():
        kind = ev["event_type"]
        if opens_talks(ev):
            open_ = True
        elif kind == "breakdown":
            open_, signed = False, False
        elif kind == "agreement" and open_:
            signed = True
        elif kind == "moratorium":
            moratorium = True
        elif kind in ("exercise_start", "exercise_suspended"):
            suspended = kind == "exercise_suspended"
    if not open_:
        return "none"
    return "agreement" if signed and moratorium and suspended else "negotiating"


def _logit(x: float) -> float:
    x = min(max(x, 1e-6), 1 - 1e-6)
    return math.log(x / (1 - x))


def start_values(cfg, events: pd.DataFrame) -> dict[str, float | bool]:
    """Dotted key -> initial value for a run from ``cfg.run.start`` (empty at the anchor)."""
    m = _period(cfg.run.start)
    if str(m) == ANCHOR:
        return {}
    w = cfg.world
    now, then = record_before(m, events), record_before(ANCHOR, events)
    k = now["resolutions"] - then["resolutions"]
    sanctions = 1.0 - (1.0 - w.sanctions0) * (1.0 - RESOLUTION_STEP) ** k

    def growth(rec: dict) -> float:
        t = rec["tests"]
        return (
            w.missile_gain * t["missile_test"]
            + w.icbm_gain * (t["icbm_test"] + t["satellite_launch"])
            + w.nuclear_gain * t["nuclear_test"]
            + w.capability_growth * rec["months_since_2016_01"]
        )

    z = _logit(w.capability0) + growth(now) - growth(then)
    capability = 1.0 / (1.0 + math.exp(-z))

    def tempo(rec: dict) -> float:
        return sum(n * (1.0 - w.tension_decay) ** age for age, n in rec["tempo_by_age"].items())

    ref = tempo(then)
    tension = (
        TENSION_FLOOR + (w.tension0 - TENSION_FLOOR) * tempo(now) / ref if ref > 0 else w.tension0
    )
    return {
        "world.sanctions0": min(max(sanctions, 0.0), 1.0),
        "world.capability0": min(max(capability, 0.0), 1.0),
        "world.tension0": min(max(tension, 0.0), 1.0),
        "actors.us.exercises": not now["exercises_suspended"],
        "world.talks0": now["talks"],
    }


def get_key(cfg, key: str):
    node = cfg
    for part in key.split("."):
        node = getattr(node, part)
    return node


def set_key(cfg, key: str, value) -> None:
    *path, last = key.split(".")
    node = cfg
    for part in path:
        node = getattr(node, part)
    setattr(node, last, value)


def apply_start(cfg, events: pd.DataFrame | None = None):
    """A copy of ``cfg`` whose initial values are the record's at ``cfg.run.start``.

    The anchor month returns ``cfg`` itself, untouched.
    """
    if cfg.run.start == ANCHOR or str(_period(cfg.run.start)) == ANCHOR:
        return cfg  # the first test needs no pandas: a default run never loads it
    if events is None:
        from sim.io.history import load_events

        events = load_events()
    values = start_values(cfg, events)
    out = copy.deepcopy(cfg)
    for key, value in values.items():
        set_key(out, key, value)
    return out
