"""Keep secrets out of manifests, logs, reports, samples and error messages.

Two kinds of redaction:

- ``redact`` (for commands, configs, URLs, error text): every known secret, ``--api-key`` values, key-shaped
  tokens, and in every URL the userinfo (``http://TOKEN@host``, ``http://user:pass@host``) and every query
  value and fragment (``?sig=…&auth=…``) become ``***``;
- ``redact_secrets`` (for model responses, which are scored): only the known secrets, exactly.

Known secrets are the API key (from the environment variables it may live in or ``--api-key``) and the
credentials found in base URLs (userinfo parts and query values of 8 characters or more). They are also
kept in a process-wide set (``remember``) so that error lines printed after a command has ended are
redacted too.
"""
from __future__ import annotations

import os
import re
from typing import Any, Iterable
from urllib.parse import quote, unquote

_KEY_PATTERNS = [re.compile(r"sk-[A-Za-z0-9_\-]{8,}"), re.compile(r"(?i)(bearer\s+)[A-Za-z0-9_\-\.]{8,}")]
_FLAG = re.compile(r"(--api-key(?:=|\s+))(\S+)")
_URL = re.compile(r"[a-zA-Z][a-zA-Z0-9+.\-]*://[^\s'\"<>`]+")
_NEXT_URL = re.compile(r",(?=[a-zA-Z][a-zA-Z0-9+.\-]*://)")  # comma-separated replicas
MIN_SECRET = 4
MIN_URL_SECRET = 8  # shorter URL parts ("json", "true") are too common to replace in responses

_REMEMBERED: set[str] = set()


def remember(secrets: Iterable[str | None]) -> None:
    """Add secrets to the process-wide set every ``Redactor`` also removes."""
    _REMEMBERED.update(s for s in secrets if s and len(s) >= MIN_SECRET)


def url_secrets(urls: str | None) -> list[str]:
    """Credentials inside base URL(s): userinfo parts and query / fragment values (long enough to be keys)."""
    found: list[str] = []
    for url in _NEXT_URL.split(urls or ""):
        m = re.match(r"\s*[a-zA-Z][a-zA-Z0-9+.\-]*://([^/?#]*)([^?#]*)(?:\?([^#]*))?(?:#(.*))?", url)
        if not m:
            continue
        authority, _, query, fragment = m.groups()
        parts: list[str] = []
        if "@" in authority:
            userinfo = authority.rsplit("@", 1)[0]
            parts += [userinfo, *userinfo.split(":", 1)]
        for item in (query or "").split("&"):
            parts.append(item.split("=", 1)[1] if "=" in item else item)
        parts.append(fragment or "")
        for p in parts:
            for form in (p, unquote(p)):
                if len(form) >= MIN_URL_SECRET:
                    found.append(form)
    return found


def redact_url(url: str) -> str:
    """A URL with its userinfo, every query value and the fragment replaced by ``***``."""
    return ",".join(_redact_one_url(u) for u in _NEXT_URL.split(url))


def _redact_one_url(url: str) -> str:
    m = re.match(r"([a-zA-Z][a-zA-Z0-9+.\-]*://)([^/?#]*)([^?#]*)(\?[^#]*)?(#.*)?$", url, re.S)
    if not m:
        return url
    scheme, authority, path, query, fragment = m.groups()
    if "@" in authority:
        authority = "***@" + authority.rsplit("@", 1)[1]
    if query:
        items = [(i.split("=", 1)[0] + "=***") if "=" in i else ("***" if i else "") for i in query[1:].split("&")]
        query = "?" + "&".join(items)
    return scheme + authority + path + (query or "") + ("#***" if fragment and len(fragment) > 1 else fragment or "")


class Redactor:
    def __init__(self, secrets: list[str] | None = None):
        found = {s for s in (secrets or []) if s and len(s) >= MIN_SECRET}
        found |= {quote(s, safe="") for s in found}  # as it would appear inside a URL
        self.secrets = sorted(found, key=len, reverse=True)  # longest first: no partial leftovers

    @classmethod
    def from_env(cls, api_key_env: str | None = None, extra: list[str] | None = None,
                 urls: list[str | None] | None = None) -> "Redactor":
        names = ["OPENAI_API_KEY", "OMEGACTL_API_KEY"] + ([api_key_env] if api_key_env else [])
        from_urls = [s for u in (urls or []) for s in url_secrets(u)]
        secrets = [os.environ.get(n, "") for n in names] + (extra or []) + from_urls
        remember(secrets)
        return cls(secrets)

    def _all(self) -> list[str]:
        if not _REMEMBERED.difference(self.secrets):
            return self.secrets
        return sorted(set(self.secrets) | _REMEMBERED, key=len, reverse=True)

    def redact_secrets(self, text: str | None) -> str | None:
        """Only the known secrets, exactly (model responses: the rest of the text is scored as is)."""
        if not text:
            return text
        for s in self._all():
            if s in text:
                text = text.replace(s, "***")
        return text

    def redact(self, text: str | None) -> str | None:
        if text is None:
            return None
        text = self.redact_secrets(text)
        text = _FLAG.sub(r"\1***", text)
        text = _URL.sub(lambda m: redact_url(m.group(0)), text)
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


def redact_text(text: str) -> str:
    """Redact with the process-wide secrets and the environment's keys (for error lines)."""
    return Redactor.from_env().redact(text) or ""
