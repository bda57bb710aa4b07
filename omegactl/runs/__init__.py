"""The run folder, the contract between eval, score, report and gate: its files (manifest, problems.jsonl,
the append-only samples log, results), its one-writer lock, verdicts recomputed from stored responses, and
the per-cell aggregation of verdicts.

May import: omegactl.common and omegactl.interop (problem files), and verifiers. Not eval, report or gate.
"""
