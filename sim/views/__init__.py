"""What a person looks at: the charts of a batch and the HTML report.

matplotlib is imported only here. Views read a results folder (or `Results`) and
draw; they never run a scenario.

May import: `sim.errors`, `sim.text`, `sim.scenario`, `sim.language`, `sim.results`.
"""
