#!/usr/bin/env python3
"""Records brooklet's own Streamlit scenarios (tests/conformance/data/NAME/).

The shared driver (../shared/conformance/run_oracle.py) knows the widgets
AppTest can set. Since 1.55 `st.tabs`, `st.expander` and `st.popover` are
widgets too when they track state, but AppTest has no way to set them, and
it does not send their state back on the next run as the browser does.
This driver adds both, on the same AppTest API:

- a step `{"op": "set_container", "target": {"type": "tabs"|"expander"|
  "popover", "key": K}, "value": V}`: the user opens tab `V` (its label),
  or opens (`true`) / closes (`false`) the expander or popover; the app
  reruns;
- every run sends the state of each stateful container on screen, as the
  frontend holds it: what the last run drew, or what the user set since.

Usage (with a venv that has streamlit==1.67.0):

    .venv/bin/python tests/conformance/record.py [NAME ...]

It writes tests/conformance/data/NAME/expected.json for each scenario
directory there that has an app.py.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
SHARED = HERE.parents[2] / "shared" / "conformance"
sys.path.insert(0, str(SHARED))

import run_oracle  # noqa: E402
from streamlit.proto.WidgetStates_pb2 import WidgetState, WidgetStates  # noqa: E402

# Element id -> the state the "browser" holds for a stateful container.
_HELD: dict[str, WidgetState] = {}


def _containers(at):
    """(type, key, element id, state) of each stateful container drawn."""
    from streamlit.testing.v1.element_tree import Block

    for node in at._tree:
        proto = getattr(node, "proto", None) if isinstance(node, Block) else None
        if proto is None:
            continue
        kind = type(proto).__name__
        state = WidgetState()
        if kind == "Block" and proto.WhichOneof("type") == "tab_container":
            tabs = proto.tab_container
            if not tabs.id:
                continue
            labels = [c.proto.label for c in node.children.values()]
            state.id = tabs.id
            state.string_value = labels[tabs.default_tab_index]
            yield "tabs", state
        elif kind == "Expandable" and proto.id:
            state.id = proto.id
            state.bool_value = proto.expanded
            yield "expander", state
        elif kind == "Block" and proto.WhichOneof("type") == "popover":
            if not proto.popover.id:
                continue
            state.id = proto.popover.id
            state.bool_value = proto.popover.open
            yield "popover", state


def _hold_drawn(at) -> None:
    """What the frontend holds after a run: each container as it was drawn."""
    _HELD.clear()
    for _, state in _containers(at):
        _HELD[state.id] = state


def _run(at) -> None:
    states = at._tree.get_widget_states()
    for state in _HELD.values():
        states.widgets.append(state)
    at._run(states)
    _hold_drawn(at)


def _set_container(at, step) -> None:
    target = step["target"]
    key = target["key"]
    for kind, state in _containers(at):
        if kind == target["type"] and state.id.endswith("-" + key):
            held = _HELD.setdefault(state.id, state)
            if kind == "tabs":
                held.string_value = step["value"]
            else:
                held.bool_value = bool(step["value"])
            _run(at)
            return
    raise LookupError(f"no stateful container matches {target!r}")


_shared_apply = run_oracle.apply_step


def apply_step(at, step) -> None:
    """The shared steps, each run sending the containers' state too."""
    if step["op"] == "set_container":
        _set_container(at, step)
        return
    original_run = at.run
    at.run = lambda *a, **k: _run(at)  # type: ignore[method-assign]
    try:
        _shared_apply(at, step)
    finally:
        at.run = original_run  # type: ignore[method-assign]


_shared_from_json = run_oracle.from_json


def from_json(value, widget_type):
    """The shared conversion, and a date range as a tuple of dates."""
    if isinstance(value, list) and widget_type == "date_input":
        return tuple(_shared_from_json(v, widget_type) for v in value)
    return _shared_from_json(value, widget_type)


def main(names: list[str]) -> int:
    run_oracle.apply_step = apply_step
    run_oracle.from_json = from_json
    if not names:
        names = sorted(p.name for p in DATA.iterdir() if (p / "app.py").is_file())
    with tempfile.TemporaryDirectory() as out:
        for name in names:
            _HELD.clear()
            run_oracle.main(["--scenarios", str(DATA), "--expected", out, name])
            shutil.move(str(Path(out) / f"{name}.json"), DATA / name / "expected.json")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
