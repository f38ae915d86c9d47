"""Where blocks are simulated: in this process, in worker processes, or on a Dask cluster.

`REGISTRY` is the one list of backends: a name, the module under this package that
holds its `Backend` subclass (see `base`), and, for one that needs an optional
extra, what to install. A backend's module is imported only when it is used, so
an optional extra such as Dask is imported only by batches that ask for it. A new
backend is a new module and one line here (its name also goes in `BackendName`).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from sim.batch.backends.base import Backend, BackendError, Simulate
from sim.errors import suggest

if TYPE_CHECKING:
    from sim.batch.blocks import BlockResult, Task
    from sim.language.compiled import CompiledScenario

BackendName = Literal["serial", "processes", "dask"]


@dataclass(frozen=True)
class Registered:
    """A backend: its module and class, and the extra it needs (`pip install` hint)."""

    module: str  # under sim.batch.backends
    backend: str  # the `Backend` subclass in it
    needs: str | None = None  # what the extra provides, as the user knows it
    extra: str | None = None  # escalation-wargame[extra]


REGISTRY: dict[BackendName, Registered] = {
    "serial": Registered("serial", "SerialBackend"),
    "processes": Registered("processes", "ProcessesBackend"),
    "dask": Registered("dask", "DaskBackend", needs="Dask", extra="dask"),
}
BACKENDS: tuple[BackendName, ...] = tuple(REGISTRY)  # the names, for choices and messages

__all__ = ["BACKENDS", "REGISTRY", "Backend", "BackendError", "BackendName", "backend_for"]


def backend_for(name: str, workers: int = 1, scheduler: str | None = None) -> Backend:
    """The backend called `name`, checked and ready; `BackendError` if it cannot be used."""
    if name not in BACKENDS:
        hint = suggest(name, BACKENDS)
        raise BackendError(f"unknown backend {name!r}" + (f"; {hint}" if hint else ""))
    registered = REGISTRY[name]
    try:
        module = importlib.import_module(f"{__name__}.{registered.module}")
    except ImportError as error:
        if (error.name or "").startswith("sim") or registered.extra is None:
            raise
        install = f"pip install 'escalation-wargame[{registered.extra}]'"
        raise BackendError(f"the {name} backend needs {registered.needs}: {install}") from None
    backend: Backend = getattr(module, registered.backend)(workers, scheduler)
    backend.check()
    return backend


def simulate_blocks(
    simulate: Simulate,
    scenario: CompiledScenario,
    seed: int,
    todo: list[Task],
    backend: str = "serial",
    workers: int = 1,
    scheduler: str | None = None,
) -> Iterator[BlockResult]:
    """Yield `simulate(scenario, seed, block, runs)` for every task, in completion order.

    `simulate` must be a module-level function (it is sent to workers by name).
    """
    yield from backend_for(backend, workers, scheduler).simulate_blocks(
        simulate, scenario, seed, todo
    )
