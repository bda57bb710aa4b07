"""ARC-AGI JSON export of a C-ARC record: study pairs become ``train``, the query becomes ``test``."""
from __future__ import annotations

from typing import Any


def to_arc_json(record: Any) -> dict[str, list[dict[str, Any]]]:
    """``{"train": [{"input", "output"}, ...], "test": [{"input", "output"}]}`` for one C-ARC record.

    Accepts a ``ProblemRecord`` or its JSON-decoded dict.
    """
    data = record if isinstance(record, dict) else record.model_dump()
    params = data["params"]
    return {
        "train": [{"input": p["input"], "output": p["output"]} for p in params["study"]],
        "test": [{"input": params["query"]["input"], "output": data["answer"]}],
    }
