"""The cycle workspace's phase buttons: the move a person pressed, made from what they saw."""

from __future__ import annotations

import functools

import streamlit as st

from experiments import loop
from experiments.models import Cycle
from experiments.store import Store
from views.common import attempt, done, enum_label, seen, tr


def moves_pressed(s: Store, cycle: Cycle) -> None:
    """Make the phase move whose button was pressed. Handled by the phase the page showed (kept
    by the button's callback), not by the button's answer: when someone else moved the cycle
    meanwhile, the button drawn now has another label, Streamlit counts it as another button
    and reports no click, and the person's move would vanish without a word. Tried with what
    they saw, it is refused as changed meanwhile, with the reason."""
    for key, move in (("phase_back", loop.step_back), ("phase_advance", loop.advance)):
        if f"_seen_{key}" in st.session_state:
            shown = seen(key, cycle.phase)
            moved = attempt(functools.partial(move, s, cycle.id, shown))
            if moved is not None:
                done(tr("cycle.moved", phase=enum_label(moved.phase, "phase")))
