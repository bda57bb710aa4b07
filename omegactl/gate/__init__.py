"""`omegactl gate`: baseline vs candidate on the same items, an exact paired test per axis and overall, and a
pass / regression / cannot-judge verdict with exit codes 0 / 1 / 2.

May import: omegactl.common and omegactl.runs (verdicts recomputed from run folders). Not eval or report.
"""
