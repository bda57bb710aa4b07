"""Keep secrets out of manifests, logs, reports and error messages."""
from __future__ import annotations

import os
import re
from typing import Any

_KEY_PATTERNS = [re.compile(r"sk-[A-Za-z0-9_\-]{8,}"), re.compile(r"(?i)(bearer\s+)[A-Za-z0-9_\-\.]{8,}")]
_FLAG = re.compile(r"(--api-key(?:=|\s+))(\S+)")
_URL_USERINFO = re.compile(r"([a-zA-Z][a-zA-Z0-9+.\-]*://[^/\s:@]*:)([^@\s/]+)(@)")
_URL_QUERY_KEY = re.compile(r"(?i)([?&](?:api[_-]?key|key|token|access_token|password)=)([^&\s#]+)")


class Redactor:
    def __init__(self, secrets: list[str] | None = None):
        self.secrets = [s for s in (secrets or []) if s and len(s) >= 4]

    @classmethod
    def from_env(cls, api_key_env: str | None = None, extra: list[str] | None = None) -> "Redactor":
        names = ["OPENAI_API_KEY", "OMEGACTL_API_KEY"] + ([api_key_env] if api_key_env else [])
        return cls([os.environ.get(n, "") for n in names] + (extra or []))

    def redact(self, text: str | None) -> str | None:
        if text is None:
            return None
        for s in self.secrets:
            text = text.replace(s, "***")
        text = _FLAG.sub(r"\1***", text)
        text = _URL_USERINFO.sub(r"\1***\3", text)
        text = _URL_QUERY_KEY.sub(r"\1***", text)
        for pat in _KEY_PATTERNS:
            text = pat.sub(lambda m: (m.group(1) if m.groups() else "") + "***", text)
        return text

    def redact_obj(self, obj: Any) -> Any:
        if isinstance(obj, str):
            return self.redact(obj)
        if isinstance(obj, dict):
            return {k: ("***" if "key" in str(k).lower() and "env" not in str(k).lower() and isinstance(v, str) and v else self.redact_obj(v))
                    for k, v in obj.items()}
        if isinstance(obj, (list, tuple)):
            return [self.redact_obj(v) for v in obj]
        return obj
