"""`omegactl eval` and `omegactl score`: run configuration and model spec, suites and their cache, secret
redaction, sending problems to a backend and logging samples into the run folder, re-scoring a run.

May import: omegactl.common, omegactl.interop (problem files), omegactl.generate (suite building),
omegactl.runs (the run folder), and the models, verifiers and generators packages. Not report or gate.
"""
