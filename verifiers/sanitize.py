"""Make raw model output safe to scan: decode bytes, drop NULs and control characters, lone surrogates."""
from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def sanitize(text: str | bytes | None) -> str | None:
    """Return clean text (``None`` stays ``None``); bytes are decoded as UTF-8 with replacement."""
    if text is None:
        return None
    if isinstance(text, (bytes, bytearray)):
        text = bytes(text).decode("utf-8", errors="replace")
    elif not isinstance(text, str):
        text = str(text)
    if not text.isascii():
        # lone surrogates (from surrogateescape decoding) cannot be encoded or JSON-dumped
        text = text.encode("utf-8", errors="replace").decode("utf-8")
    return _CONTROL.sub("", text)
