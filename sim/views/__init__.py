"""What a person looks at: the charts of a batch (`plots`) and the HTML report (`report`).

Owns drawing results: each chart is a function of `Results` returning a matplotlib
figure, the report embeds them with the outcome table, and `formats` names the file
formats a chart is saved in. matplotlib is imported only here. Views read a results
folder (or `Results`) and draw; they never run a scenario.

May import: `sim.errors`, `sim.text`, `sim.scenario`, `sim.language`, `sim.results`.
"""
