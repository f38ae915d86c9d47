"""Overlaying a scenario that `extends` another on it, as its author means.

Mappings merge by key and lists of items with an `id` (ladder, rules, events,
outcomes, options) by id, so a variant names only what it changes. An item or an
actor of the variant may say where it goes (`before:`/`after:` an id), that it is
new (`new: true`, needed when its id is a near miss of an existing one, which is
otherwise taken for a typo), and a mapping may list keys whose values replace the
base's wholesale (`replace: [rules]`). These control keys are consumed here.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import TypeGuard

from sim.errors import Problem, ScenarioError, did_you_mean
from sim.scenario.yaml_reader import Key, Located

PLACES = ("before", "after")
CONTROLS = ("new", "before", "after", "replace")
ENTRY_MAPPINGS = ("actors",)  # mappings whose entries are placed and checked like items
NEAR_MISS = 0.85  # similarity above which an unknown id is taken for a typo of a known one

Item = dict[str, object]
Entry = tuple[str, object, Located]  # an item's id (or an entry's key), its value, its position


def merge(base: object, base_at: Located, over: object, over_at: Located) -> tuple[object, Located]:
    """Overlay the scenario `over` on `base`, consuming the control keys of `over`."""
    return _merge(base, base_at, over, over_at, unit=True, top=True)


def _merge(
    base: object, base_at: Located, over: object, over_at: Located, unit: bool, top: bool = False
) -> tuple[object, Located]:
    """`over` on `base`; `unit` for mappings that may hold control keys (`top`: the scenario)."""
    if isinstance(over, dict):
        base = base if isinstance(base, dict) else {}
        replaced = _replaced(over, over_at) if unit else set()
        result = dict(base)
        at = Located(base_at.file, base_at.line, base_at.column, children=dict(base_at.children))
        for key, value in over.items():
            if unit and key in CONTROLS:
                continue
            child_at = over_at.children.get(key, over_at)
            below = base.get(key) if key not in replaced else None
            below_at = base_at.children.get(key, base_at) if below is not None else child_at
            if top and key in ENTRY_MAPPINGS and isinstance(value, dict):
                result[key], at.children[key] = _merge_entries(below, below_at, value, child_at)
            else:
                result[key], at.children[key] = _merge(below, below_at, value, child_at, False)
        return result, at
    if _is_id_list(over):
        return _merge_by_id(base if _is_id_list(base) else [], base_at, over, over_at)
    return over, over_at


def _fresh(value: object, at: Located) -> tuple[object, Located]:
    """A new item or entry: its control keys consumed, its own id-lists placed."""
    return _merge(None, at, value, at, unit=True)


def _merge_by_id(
    base: list[Item], base_at: Located, over: list[Item], over_at: Located
) -> tuple[object, Located]:
    """Items of `over` update the item of `base` with their id, or are added: at their
    `before`/`after` anchor, else at the end."""
    known = [str(item["id"]) for item in base]
    entries: list[Entry] = [
        (str(item["id"]), item, base_at.children.get(i, base_at)) for i, item in enumerate(base)
    ]
    for j, item in enumerate(over):
        item_at = over_at.children.get(j, over_at)
        entries = _place(entries, str(item["id"]), item, item_at, known, "item")
    at = Located(over_at.file, over_at.line, over_at.column)
    at.children = {i: entry[2] for i, entry in enumerate(entries)}
    return [entry[1] for entry in entries], at


def _merge_entries(
    base: object, base_at: Located, over: dict[Key, object], over_at: Located
) -> tuple[object, Located]:
    """Entries of a mapping such as `actors`, merged by key and placed like items."""
    base = base if isinstance(base, dict) else {}
    known = [str(key) for key in base]
    entries: list[Entry] = [
        (str(key), value, base_at.children.get(key, base_at)) for key, value in base.items()
    ]
    for key, value in over.items():
        entries = _place(entries, str(key), value, over_at.children.get(key, over_at), known, "key")
    at = Located(base_at.file, base_at.line, base_at.column)
    at.children = {entry[0]: entry[2] for entry in entries}
    return {entry[0]: entry[1] for entry in entries}, at


def _place(
    entries: list[Entry], name: str, value: object, value_at: Located, known: list[str], kind: str
) -> list[Entry]:
    """`entries` with `value` merged into the one called `name`, or added, then placed."""
    controls = value if isinstance(value, dict) else {}
    names = [entry[0] for entry in entries]
    new = _flag(controls, value_at, "new")
    anchor = _anchor(controls, value_at, name, names)
    if name in names:
        index = names.index(name)
        if new:
            raise _error(
                f"`new: true`, but the scenario it extends already has {name!r}",
                value_at.children.get("new", value_at),
                "drop `new: true` to change that one, or give this one another "
                f"{'id' if kind == 'item' else 'name'}",
            )
        merged, merged_at = _merge(entries[index][1], entries[index][2], value, value_at, True)
        if anchor is None:
            return [*entries[:index], (name, merged, merged_at), *entries[index + 1 :]]
        entries = entries[:index] + entries[index + 1 :]
        entry: Entry = (name, merged, merged_at)
    else:
        if not new:
            _refuse_near_miss(name, controls, value_at, known, kind)
        entry = (name, *_fresh(value, value_at))
    if anchor is None:
        return [*entries, entry]
    side, target = anchor
    index = [e[0] for e in entries].index(target) + (side == "after")
    return [*entries[:index], entry, *entries[index:]]


def _refuse_near_miss(
    name: str, controls: object, value_at: Located, known: list[str], kind: str
) -> None:
    """An unknown id close to a known one is a typo unless it says `new: true`."""
    what = "id" if kind == "item" else "name"
    where = value_at.children.get("id", value_at) if kind == "item" else _key_of(value_at)
    close = difflib.get_close_matches(name, known, n=1, cutoff=NEAR_MISS)
    if isinstance(controls, dict) and controls.get("remove") is True:
        raise _error(
            f"`remove: true`, but the scenario it extends has no {name!r}",
            where,
            did_you_mean(name, known),
        )
    if close:
        raise _error(
            f"{name!r} is not in the scenario it extends, and so close to {close[0]!r} "
            "that it looks like a typo",
            where,
            f"did you mean {close[0]!r}? If it is a new {what}, add `new: true`",
        )


def _key_of(at: Located) -> Located:
    if at.key_line is None:
        return at
    return Located(at.file, at.key_line, at.key_column or 1)


def _flag(controls: dict[Key, object], at: Located, key: str) -> bool:
    value = controls.get(key, False)
    if not isinstance(value, bool):
        raise _error(f"`{key}` is true or false, not {value!r}", at.children.get(key, at))
    return value


def _anchor(
    controls: dict[Key, object], at: Located, name: str, names: list[str]
) -> tuple[str, str] | None:
    """`("before"|"after", id)` if the item says where it goes; its id must exist."""
    given = [side for side in PLACES if side in controls]
    if not given:
        return None
    if len(given) > 1:
        raise _error("give `before` or `after`, not both", at.children.get("after", at))
    side = given[0]
    target = controls[side]
    where = at.children.get(side, at)
    if not isinstance(target, str):
        hint = "to delay effects, write them under `delayed: [{after: 2, effects: ...}]`"
        raise _error(f"`{side}` names the id it goes {side}, not {target!r}", where, hint)
    if target == name:
        raise _error(f"{name!r} cannot go {side} itself", where)
    if target not in names:
        raise _error(
            f"`{side}: {target}` names nothing in this list",
            where,
            did_you_mean(target, [n for n in names if n != name]),
        )
    return side, target


def _replaced(over: dict[Key, object], at: Located) -> set[Key]:
    """The keys listed by `replace:`, each of which must be set in the same mapping."""
    if "replace" not in over:
        return set()
    listed = over["replace"]
    where = at.children.get("replace", at)
    if not isinstance(listed, list) or not all(isinstance(k, str) for k in listed):
        raise _error("`replace` lists keys, e.g. replace: [rules, outcomes]", where)
    settable = [str(k) for k in over if k not in CONTROLS]
    for index, key in enumerate(listed):
        if key not in settable:
            raise _error(
                f"`replace` names {key!r}, which this file does not set here",
                where.children.get(index, where),
                did_you_mean(key, settable),
            )
    return set(listed)


def refuse_controls(data: object, located: Located) -> None:
    """A scenario that extends nothing may not use the control keys: they would mean nothing."""
    for mapping, at in _units(data, located, top=True):
        for key in CONTROLS:
            if key in mapping:
                raise _error(
                    f"`{key}` only means something in a scenario that `extends` another",
                    _key_of(at.children.get(key, at)),
                )


def _units(data: object, at: Located, top: bool = False) -> Iterator[tuple[dict, Located]]:
    """Every mapping where control keys are read: the scenario, items of id-lists, actors."""
    if not isinstance(data, dict):
        return
    yield data, at
    for key, value in data.items():
        child_at = at.children.get(key, at)
        if _is_id_list(value):
            for i, item in enumerate(value):
                yield from _units(item, child_at.children.get(i, child_at))
        elif top and key in ENTRY_MAPPINGS and isinstance(value, dict):
            for name, entry in value.items():
                yield from _units(entry, child_at.children.get(name, child_at))


def _is_id_list(value: object) -> TypeGuard[list[Item]]:
    return isinstance(value, list) and all(isinstance(i, dict) and "id" in i for i in value)


def _error(message: str, at: Located, hint: str | None = None) -> ScenarioError:
    return ScenarioError(
        [Problem(message, file=at.file, line=at.line, column=at.column, hint=hint)]
    )
