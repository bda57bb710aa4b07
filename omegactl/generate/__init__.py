"""`omegactl generate`: resolve settings, splits and levels and write records; the worker pool that draws
items on every core with output byte-identical to one process (also used to build eval suites).

May import: omegactl.common (and generators).
"""
