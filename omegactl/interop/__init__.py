"""Interoperability with files omegactl did not write or that other tools read: the official OMEGA and
Compositional-ARC releases, problem files for `eval --problems`, `export` (training formats), RL reward
functions and `overlap` (instance duplicates between any two problem files).

May import: omegactl.common (and generators/verifiers). Not eval, report or gate.
"""
