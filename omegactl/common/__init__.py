"""Shared helpers every command uses: one-line user errors, atomic writes, terminal escaping, tables,
problem rendering for `ls`/`show`, and row-file I/O (JSONL, gzip, parquet).

May import: nothing else from omegactl (the bottom layer).
"""
