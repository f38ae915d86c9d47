"""Reading a scenario: YAML with positions, `extends`, `--set`, the schema, the catalogue.

Owns everything between a file on disk and validated scenario data: the safe YAML
reader that remembers each node's line and column, merging a scenario with the ones
it extends, applying command-line overrides, the pydantic schema (and the JSON Schema
exported from it), mapping schema errors back to lines, and the bundled catalogue.

May import: `sim.errors`, `sim.text`. Nothing here runs or compiles a scenario.
"""
