"""Eval run configuration: typed fields, `--config run.yaml` loading (CLI overrides the file), identity."""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from omegactl.common.errors import UserError

# fields that define what a run measures: resuming with any of them changed is refused (the base URL is
# transport, not identity: a resumed run may reach the same model on another host or port)
IDENTITY_FIELDS = (
    "model", "model_args", "samples", "temperature", "top_p", "max_tokens", "seed",
    "system_prompt", "gen_kwargs",
)


class EvalConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    model: str = "local"
    model_args: dict[str, Any] = Field(default_factory=dict)
    base_url: str | None = None
    api_key_env: str | None = None
    suite: str | None = None
    problems: str | None = None
    problem_seed: int | None = None
    limit: int | None = None
    samples: int = 1
    temperature: float = 0.0
    top_p: float = 1.0
    max_tokens: int | None = None
    seed: int = 0
    system_prompt: str | None = None
    gen_kwargs: dict[str, Any] = Field(default_factory=dict)
    concurrency: int = 8
    request_timeout: float = 600.0
    retry_budget: float = 900.0
    max_retries: int = 8
    max_error_rate: float = 0.05
    out: str | None = None

    @field_validator("model")
    @classmethod
    def _model_alias(cls, v: str) -> str:
        """inspect_ai's ``openai/NAME`` and ``vllm/NAME`` spell our ``openai:NAME`` and ``vllm:NAME``."""
        for prefix in ("openai/", "vllm/"):
            if v.startswith(prefix) and len(v) > len(prefix):
                return prefix[:-1] + ":" + v[len(prefix):]
        return v

    @field_validator("samples", "concurrency")
    @classmethod
    def _positive(cls, v: int) -> int:
        if v < 1:
            raise ValueError("must be ≥ 1")
        return v

    @field_validator("limit")
    @classmethod
    def _limit(cls, v):
        if v is not None and v < 1:
            raise ValueError("must be ≥ 1")
        return v

    @field_validator("temperature")
    @classmethod
    def _temperature(cls, v: float) -> float:
        if v < 0:
            raise ValueError("temperature must be ≥ 0")
        return v

    @field_validator("top_p")
    @classmethod
    def _top_p(cls, v: float) -> float:
        if not 0 < v <= 1:
            raise ValueError("top_p must be in (0, 1]")
        return v

    @field_validator("max_tokens")
    @classmethod
    def _max_tokens(cls, v):
        if v is not None and v < 1:
            raise ValueError("must be ≥ 1")
        return v

    @field_validator("max_error_rate")
    @classmethod
    def _rate(cls, v: float) -> float:
        if not 0 <= v <= 1:
            raise ValueError("must be between 0 and 1")
        return v

    def identity(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in IDENTITY_FIELDS}


def parse_kv(text: str | None, flag: str) -> dict[str, Any]:
    """``a=1,b=x,c={"d":1,"e":2}`` → a dict with YAML/JSON scalar typing; commas inside brackets or quotes
    do not split. Malformed input is a one-line error."""
    if not text:
        return {}
    from models.model_args import split_top_level

    out: dict[str, Any] = {}
    for part in split_top_level(text):
        if not part.strip():
            continue
        if "=" not in part:
            raise UserError(f"malformed {flag} {text!r}: expected key=value pairs separated by commas")
        k, v = part.split("=", 1)
        k = k.strip()
        if not k:
            raise UserError(f"malformed {flag} {text!r}: empty key")
        try:
            out[k] = yaml.safe_load(v.strip()) if v.strip() else ""
        except yaml.YAMLError:
            out[k] = v.strip()
    return out


def load_config_file(path: str | None) -> dict[str, Any]:
    if not path:
        return {}
    p = Path(path)
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"config file {path!r} does not exist") from None
    except yaml.YAMLError as exc:
        raise UserError(f"config file {path!r} is not valid YAML: {str(exc).splitlines()[0]}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise UserError(f"config file {path!r} must hold a mapping of option: value")
    return {str(k).replace("-", "_"): v for k, v in data.items()}


def build_config(file_values: dict[str, Any], cli_values: dict[str, Any]) -> EvalConfig:
    """CLI values (only those the user gave) override the file; unknown keys are errors."""
    merged = {**file_values, **cli_values}
    try:
        return EvalConfig.model_validate(merged)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(x) for x in err.get("loc", ()))
        msg = err.get("msg", "invalid").removeprefix("Value error, ")
        if err.get("type") == "extra_forbidden":
            valid = ", ".join(sorted(EvalConfig.model_fields))
            raise UserError(f"unknown config option {loc!r} (valid: {valid})") from None
        raise UserError(f"invalid value for {loc!r}: {msg}") from None


def problem_set_hash(lines) -> str:
    """sha256 over the records' JSON lines (any iterable; nothing is kept)."""
    h = hashlib.sha256()
    for line in lines:
        h.update(line.encode("utf-8"))
        h.update(b"\n")
    return h.hexdigest()


def describe_difference(old: dict[str, Any], new: dict[str, Any]) -> str:
    diffs = []
    for k in sorted(set(old) | set(new)):
        if old.get(k) != new.get(k):
            diffs.append(f"{k} (run has {old.get(k)!r}, this command has {new.get(k)!r})")
    return "; ".join(diffs)
