"""The state a scenario's expressions read: parameters, state slots, and their namespace."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from sim.language.elements import Parameter, Slot
from sim.language.expressions import compile_expression
from sim.language.positions import OWN_NAMES, Positions
from sim.language.problems import Path, Problems
from sim.language.types import BOOL, FLOAT, INT, Compiled, Namespace, Symbol, Type
from sim.scenario import schema
from sim.scenario.kinds import parameter_kind

SCALAR_TYPES = {"bool": BOOL, "int": INT, "float": FLOAT}
ZEROS: dict[str, bool | int | float] = {"bool": False, "int": 0, "float": 0.0}


def parameters(spec: schema.ScenarioSpec, problems: Problems) -> tuple[Parameter, ...]:
    """Every parameter with its type, in the order written."""
    return tuple(_parameter(name, value, problems) for name, value in spec.parameters.items())


def _parameter(name: str, spec: schema.ParameterSpec, problems: Problems) -> Parameter:
    kind = parameter_kind(spec)
    if isinstance(spec, schema.FixedSpec):
        if kind != "enum":
            return Parameter(name, SCALAR_TYPES[kind], spec, spec.value)
        values = tuple(spec.values or (str(spec.value),))
        return Parameter(name, Type("enum", values, name), spec, values.index(str(spec.value)))
    if isinstance(spec, schema.ChoiceSpec):
        distinct = list(dict.fromkeys(spec.values))
        if len(distinct) != len(spec.values):
            problems.add(("parameters", name, "values"), "choice values must be distinct")
        if kind == "enum":
            return Parameter(name, Type("enum", tuple(str(v) for v in distinct), name), spec)
    return Parameter(name, SCALAR_TYPES[kind], spec)


def parameter_symbol(parameter: Parameter) -> Symbol:
    """A sampled parameter is read from the state; a fixed one folds in as a constant."""
    if parameter.sampled:
        return Symbol(parameter.type, key=parameter.key)
    return Symbol(parameter.type, constant=parameter.value)


def slots(
    spec: schema.ScenarioSpec,
    parameters: tuple[Parameter, ...],
    problems: Problems,
    variates: dict[str, str],
) -> Iterator[Slot]:
    """World variables, then each actor's, with initial values over the parameters
    (random variates in them are recorded in `variates`, site -> function)."""
    names = parameter_names(parameters, variates)
    for name, var in spec.world.items():
        yield _slot(("world", name), name, var, names, problems)
    for actor_id, actor in spec.actors.items():
        for name, var in actor.state.items():
            path = ("actors", actor_id, "state", name)
            yield replace(_slot(path, f"{actor_id}.{name}", var, names, problems), owner=actor_id)


def parameter_names(parameters: tuple[Parameter, ...], variates: dict[str, str]) -> Namespace:
    """The names an initial value may read: the parameters."""
    names = Namespace({p.name: parameter_symbol(p) for p in parameters}, {})
    names.variates = variates
    return names


def _slot(
    path: Path, key: str, var: schema.VariableSpec, names: Namespace, problems: Problems
) -> Slot:
    kind = var.kind
    if kind == "enum":
        values = tuple(var.values or ())
        type_ = Type("enum", values, key)
        code = values.index(str(var.initial)) if var.initial is not None else 0
        initial = compile_expression(code, names)
        return Slot(
            key,
            type_,
            Compiled(initial.evaluate, type_, True),
            description=var.description,
            hidden=var.hidden,
        )
    type_ = SCALAR_TYPES[kind]
    default = ZEROS[kind]
    if var.initial is None:
        start = default  # zero, moved inside the bounds if they exclude it
        if var.min is not None:
            start = max(start, var.min)
        if var.max is not None:
            start = min(start, var.max)
        initial = compile_expression(type(default)(start), names)
    else:
        compiled = problems.expression(path + ("initial",), var.initial, names, type_)
        initial = compiled if compiled is not None else compile_expression(default, names)
    return Slot(key, type_, initial, var.min, var.max, var.description, var.hidden)


def namespace(
    spec: schema.ScenarioSpec,
    ladder: Type,
    parameters: tuple[Parameter, ...],
    slots: tuple[Slot, ...],
    positions: Positions,
) -> Namespace:
    """Every name an expression may read: parameters, variables, the ladder, the clock, and
    the rungs of actors that hold one (`alpha.level`, `alpha.peak`)."""
    symbols = {p.name: parameter_symbol(p) for p in parameters}
    symbols.update({s.key: Symbol(s.type, key=s.key) for s in slots})
    symbols["level"] = Symbol(ladder, key="level")
    symbols["peak"] = Symbol(ladder, key="peak")
    symbols["turn"] = Symbol(INT, key="turn")
    symbols["horizon"] = Symbol(INT, constant=spec.horizon)
    actors = {a: list(actor.state) for a, actor in spec.actors.items()}
    for actor in positions.actors:
        actors[actor] = [*OWN_NAMES, *actors[actor]]
        symbols.update(
            {f"{actor}.{name}": Symbol(ladder, key=f"{actor}.{name}") for name in OWN_NAMES}
        )
    names = Namespace(symbols, actors)
    names.unavailable["outcome"] = OUTCOME_ONLY_AT_THE_END
    return names


OUTCOME_ONLY_AT_THE_END = (
    "`outcome` is known only once a run has ended: use it in a check `checked: at-end` "
    "or in a measure's `value`"
)
