"""`omegactl report` and the terminal summaries: per-axis degradation tables from run folders (statistics,
frames, terminal/Markdown/CSV/JSON/HTML rendering, the samples browser), and `omegactl stats` (a setting's
guessability and repeats before any model runs).

May import: omegactl.common and omegactl.runs (run folders, verdicts, aggregates). Not eval or gate.
"""
