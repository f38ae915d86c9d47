"""Checks of a scenario's structure before its expressions are compiled: names, members, ids."""

from __future__ import annotations

from collections.abc import Iterable

from sim.errors import did_you_mean
from sim.language.problems import Problems
from sim.scenario import schema


def check_names(spec: schema.ScenarioSpec, problems: Problems) -> None:
    """Parameters, world variables and actors: unique names, none reserved."""
    owners: dict[str, str] = {}
    groups: list[tuple[str, Iterable[str]]] = [
        ("parameters", spec.parameters),
        ("world", spec.world),
        ("actors", spec.actors),
    ]
    for section, names in groups:
        for name in names:
            if name in schema.RESERVED_NAMES:
                problems.add((section, name), f"{name!r} is a reserved name", "choose another name")
            elif name in owners:
                problems.add(
                    (section, name),
                    f"{name!r} is used both in {owners[name]} and in {section}",
                    "names must be unique across parameters, world variables and actors",
                )
            else:
                owners[name] = section


def check_actors(spec: schema.ScenarioSpec, problems: Problems) -> None:
    """Alliances: members that are actors, states, listed once."""
    actors = spec.actors
    for actor_id, actor in actors.items():
        for i, member in enumerate(actor.members):
            path = ("actors", actor_id, "members", i)
            if member not in actors:
                problems.add(path, f"unknown member {member!r}", did_you_mean(member, actors))
            elif member == actor_id:
                problems.add(path, f"{actor_id!r} cannot be its own member")
            elif actors[member].members:
                problems.add(path, f"{member!r} is itself an alliance; members must be states")
        if len(set(actor.members)) != len(actor.members):
            problems.add(("actors", actor_id, "members"), "a member is listed twice")


def check_unique_ids(spec: schema.ScenarioSpec, problems: Problems) -> None:
    """Ids used once: ladder, outcomes, and rules and events together."""
    for section, ids in (
        ("ladder", [level.id for level in spec.ladder]),
        ("outcomes", [outcome.id for outcome in spec.outcomes]),
    ):
        for i in repeated(ids):
            problems.add((section, i, "id"), f"id {ids[i]!r} is used twice in {section}")
    # rules and events share one set of ids
    shared = [("events", i, e.id) for i, e in enumerate(spec.events)]
    shared += [("rules", i, r.id) for i, r in enumerate(spec.rules)]
    for j in repeated([rule_id for _, _, rule_id in shared]):
        section, i, rule_id = shared[j]
        problems.add(
            (section, i, "id"),
            f"id {rule_id!r} is used twice",
            "rules and events share one set of ids (each gets a column in runs.parquet)",
        )


def repeated(ids: list[str]) -> list[int]:
    """The positions of ids already given earlier in the list."""
    seen: set[str] = set()
    repeated = []
    for i, id_ in enumerate(ids):
        if id_ in seen:
            repeated.append(i)
        seen.add(id_)
    return repeated
