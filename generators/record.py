"""The problem record: one JSON object per line, a superset of the public OMEGA Hugging Face rows."""
from __future__ import annotations

import hashlib
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

RECORD_SCHEMA_VERSION = 1
BOXED_SUFFIX = "\n\nPresent the answer in LaTex format: \\boxed{Your answer}"

Axis = Literal["exploratory", "compositional", "transformative", "carc"]
Split = Literal["train", "test_in", "test_out", "test", "val"]
AXES: tuple[str, ...] = ("exploratory", "compositional", "transformative", "carc")
SPLITS: tuple[str, ...] = ("train", "test_in", "test_out", "test", "val")
ID_SPLITS = frozenset({"train", "test_in"})  # in-distribution; test_out / test are out of distribution


class Message(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: Literal["system", "user", "assistant"]
    content: str


class ProblemRecord(BaseModel):
    """One problem. HF-compatible fields first, then omegactl's own."""

    model_config = ConfigDict(extra="forbid")

    # -- fields of the public OMEGA Hugging Face rows
    id: str
    setting_key: str
    setting_name: str
    messages: list[Message]
    ground_truth: str
    dataset: str
    # -- omegactl's own
    axis: Axis
    family: str
    split: Split
    level: int
    seed: int
    index: int
    answer_type: str
    answer: Any
    params: dict[str, Any] = Field(default_factory=dict)
    generator_version: str
    schema_version: int = RECORD_SCHEMA_VERSION

    @property
    def question(self) -> str:
        """The user prompt without the boxed-answer suffix."""
        content = self.messages[-1].content
        return content[: -len(BOXED_SUFFIX)] if content.endswith(BOXED_SUFFIX) else content

    def to_json(self) -> str:
        return self.model_dump_json()

    def to_hf(self) -> dict[str, Any]:
        """The six fields of the public OMEGA release rows."""
        return {
            "id": self.id,
            "setting_key": self.setting_key,
            "setting_name": self.setting_name,
            "messages": [m.model_dump() for m in self.messages],
            "ground_truth": self.ground_truth,
            "dataset": self.dataset,
        }


def content_hash(text: str) -> str:
    """Stable hex digest of a problem's text (used for ids, split buckets and dedupe)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
