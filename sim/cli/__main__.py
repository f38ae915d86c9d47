"""`python -m sim.cli`: the `wargame` command without its installed script."""

from sim.cli import main

main(prog_name="wargame")
