"""One sample of a scenario's uncertainty: the weather of each exam day and who of everyone shows up.

A sample's draw depends only on the sweep's seed and the sample's index (a numpy
``SeedSequence`` with the index as its spawn key), never on which worker draws it or what it
drew before. The weather is drawn first, one number per exam day in time order; then one
number per person and session, persons in team order and within a team by member number (the
contract's numbering, planner/results/roster.py), sessions in time order. A person free in a
session comes when the number is below their show-up probability. Persons appended at the end
(reserves, planner/sweep/reserves.py) leave everyone else's numbers as they were, so sweeps
with and without reserves compare the same draws.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from planner.io.uncertainty import Uncertainty
from planner.model.classes import MemberClasses
from planner.model.levers import Inputs
from planner.model.weather import PRESETS, exam_days
from planner.results.roster import member_numbers


@dataclass(frozen=True)
class People:
    """Every member of every team (at the scenario's own numbers), in drawing order.

    ``cls`` is each person's class of identical members (planner/model/classes.py), ``free``
    persons x sessions, ``show_up`` each person's probability of coming when free.
    """

    team: np.ndarray
    number: np.ndarray
    cls: np.ndarray
    free: np.ndarray
    show_up: np.ndarray

    def __len__(self) -> int:
        return len(self.team)


def everyone(classes: MemberClasses, inputs: Inputs, uncertainty: Uncertainty) -> People:
    """The persons of ``classes`` (sized by ``inputs``) in team then member-number order."""
    numbers = member_numbers(classes, inputs.volunteers, inputs.first_aid, inputs.counsellors)
    cls = np.concatenate([np.full(len(n), c, dtype="int64") for c, n in enumerate(numbers)] + [np.zeros(0, "int64")])
    number = np.concatenate([np.asarray(n, dtype="int64") for n in numbers] + [np.zeros(0, "int64")])
    team = classes.team[cls]
    teams = inputs.scenario.teams
    # Standby teams (planner/sweep/reserves.py) last, so everyone else's draws stay as they were.
    standby = (teams["standby"].fillna(False).astype(bool).to_numpy() if "standby" in teams
               else np.zeros(len(teams), dtype=bool))
    order = np.lexsort((number, team, standby[team]))
    cls, number, team = cls[order], number[order], team[order]
    team_ids = inputs.scenario.teams["team_id"].to_numpy()
    own = np.array([uncertainty.team_show_up.get(t, uncertainty.show_up) for t in team_ids], dtype=float)
    return People(team=team, number=number, cls=cls, free=classes.free[cls], show_up=own[team])


@dataclass(frozen=True)
class Draw:
    """One sample: ``weather`` the preset of each exam day ("none" for none), ``present`` persons x sessions."""

    index: int
    weather: tuple[str, ...]
    present: np.ndarray


def draw(people: People, days: list[str], uncertainty: Uncertainty, seed: int, index: int) -> Draw:
    """Sample ``index`` of the sweep with ``seed``: the weather per day, then who comes (see the module)."""
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(index,)))
    chances = rng.random(len(days))
    weather = []
    for day, u in zip(days, chances, strict=True):
        cumulative = 0.0
        chosen = "none"
        for preset in PRESETS:  # in the presets' own order, so a day's draw means one thing
            cumulative += uncertainty.weather.get(day, {}).get(preset, 0.0) if preset != "none" else 0.0
            if preset != "none" and u < cumulative:
                chosen = preset
                break
        weather.append(chosen)
    comes = rng.random(people.free.shape) < people.show_up[:, None]
    return Draw(index=index, weather=tuple(weather), present=people.free & comes)


def days_of(inputs: Inputs) -> list[str]:
    """The exam days a sample draws weather for, in time order."""
    return exam_days(inputs.scenario)


__all__ = ["Draw", "People", "days_of", "draw", "everyone"]
