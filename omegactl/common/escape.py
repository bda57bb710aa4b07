"""Escaping for text that comes from files or servers (setting names, model names, labels, paths, warnings)
at the points where it is written out: the terminal, markdown (reports and the GitHub step summary) and CSV.

- ``terminal`` / ``terminal_markup``: no control characters (ANSI escape sequences, carriage returns, bells,
  bidirectional overrides) reach the terminal; ``terminal_markup`` also escapes rich markup (``[blink]``,
  ``[link=…]``) for strings that rich will parse;
- ``md``: one line, with ``|``, brackets, backticks and angle brackets escaped, so a value can neither break
  a table nor start a heading, a link, an image or HTML;
- ``csv_cell``: one line without control characters; a text cell starting with ``=``, ``+``, ``-``, ``@``
  is prefixed with ``'``, so spreadsheets show it as text instead of running it as a formula.

HTML reports escape with ``html.escape`` where they are built.
"""
from __future__ import annotations

import re
from typing import Any

# CSI / OSC / other ESC sequences first (so their parameters go with them), then single control characters:
# C0 (tab and newline included: a value is one line), DEL, C1, and the bidi overrides and isolates
_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
_MD_SPECIAL = re.compile(r"([\\|\[\]`<>])")
CSV_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _show(ch: str) -> str:
    return " " if ch in "\t\n\r\u2028\u2029" else f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}"


def terminal(value: Any) -> str:
    """One printable line: escape sequences removed, other control characters shown as ``\\xNN``."""
    text = _ANSI.sub("", str(value))
    return _CONTROL.sub(lambda m: _show(m.group(0)), text)


def terminal_block(value: Any) -> str:
    """Like ``terminal`` but keeps line breaks and tabs: for multi-line text (prompts, model responses)."""
    return "\n".join(_block_line(line) for line in str(value).split("\n"))


def _block_line(line: str) -> str:
    text = _ANSI.sub("", line)
    return _CONTROL.sub(lambda m: m.group(0) if m.group(0) == "\t" else _show(m.group(0)), text)


def terminal_markup(value: Any) -> str:
    """``terminal`` and rich markup escaped: for strings passed to rich tables, titles and ``print``."""
    from rich.markup import escape

    return escape(terminal(value))


def md(value: Any) -> str:
    """A markdown-safe single line for a table cell or a heading."""
    text = _CONTROL.sub(lambda m: _show(m.group(0)), _ANSI.sub("", str(value)))
    return _MD_SPECIAL.sub(r"\\\1", text)


def csv_cell(value: Any) -> Any:
    """A CSV cell that spreadsheets will not evaluate; numbers and other non-text values pass unchanged."""
    if not isinstance(value, str):
        return value
    value = terminal(value)  # one line, no escape sequences: a stray CR cannot split a row
    return "'" + value if value.startswith(CSV_TRIGGERS) else value
