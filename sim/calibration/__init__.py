"""Checking the model against history: real incidents, scored.

Each incident is a scenario written as the situation stood before its end was
known, with a `history:` block saying how it really ended. `calibrate` runs
every incident, reads the probability the model gave to what happened (the
outcome and each recorded measure), and scores the model with proper scores
against naive baselines (`scoring`); `icb` holds the base rates of the
International Crisis Behavior data used as a reference row.

May import the scenario, language, results and batch stages.
"""
