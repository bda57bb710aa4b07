"""Small network and error-text helpers: free ports, loopback checks, URL sanitising, redaction."""
from __future__ import annotations

import ipaddress
import re
import socket
from urllib.parse import urlsplit, urlunsplit

_LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}
_KEYLIKE = re.compile(r"\b(sk|rk|pk)-[A-Za-z0-9_\-]{8,}")
_MAX_ERROR_CHARS = 400
_CONTEXT_LENGTH = re.compile(r"context (length|window)|maximum context|too many tokens|prompt is too long", re.I)


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that was free a moment ago on ``host`` (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def is_loopback_url(url: str) -> bool:
    """True when ``url`` points at this machine (localhost, 127.0.0.0/8, ::1)."""
    host = (urlsplit(url).hostname or "").lower()
    if host in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def sanitize_url(url: str) -> str:
    """Drop user:password, query string and fragment (where keys sometimes hide) from a URL."""
    parts = urlsplit(url)
    netloc = parts.hostname or ""
    if ":" in netloc:
        netloc = f"[{netloc}]"
    if parts.port:
        netloc = f"{netloc}:{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def redact(text: str, secrets: list[str] | tuple[str, ...] = ()) -> str:
    """Replace every given secret, and anything shaped like an API key, by ``***``."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "***")
    return _KEYLIKE.sub("***", text)


def one_line(text: str, secrets: list[str] | tuple[str, ...] = (), limit: int = _MAX_ERROR_CHARS) -> str:
    """A redacted, whitespace-collapsed, length-capped single line for error fields and logs."""
    flat = " ".join(redact(str(text), secrets).split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


def is_context_length_message(text: str) -> bool:
    """Whether an error message says the prompt (plus max_tokens) does not fit the model's context."""
    return bool(_CONTEXT_LENGTH.search(text))
