"""The scenario language: types and namespaces, expressions, and the compiler.

Owns turning validated scenario data into a `CompiledScenario`: every condition,
chance and effect parsed with a whitelist of `ast` nodes and compiled once into a
function over numpy arrays, every name checked against the namespace it is read in.
`load_scenario` (in `load`) reads and compiles in one call.

May import: `sim.errors`, `sim.text`, `sim.scenario`.
"""
