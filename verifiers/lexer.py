"""Tokenise a cleaned answer string (LaTeX or plain/sympy syntax) into a flat token list.

Token kinds: ``num`` (digits with an optional decimal point), ``name`` (a run of letters/digits/underscores
starting with a letter, split later by the parser), ``cmd`` (``\\word`` or ``\\`` + one symbol), ``op``
(one operator or bracket character; ``**`` becomes ``^``). Whitespace and ``\\,`` are dropped but the
token after them is marked ``spaced`` (two numbers separated only by space are never multiplied).
"""
from __future__ import annotations

import re
from typing import NamedTuple

from .errors import ParseError, TooLarge
from .limits import MAX_TOKENS

_TOKEN = re.compile(
    r"(?P<ws>(?:\s|\\,)+)"
    r"|(?P<num>\d+(?:\.\d*)?|\.\d+)"
    r"|(?P<name>[A-Za-z][A-Za-z0-9_]*)"
    r"|(?P<cmd>\\[A-Za-z]+|\\[^A-Za-z\s])"
    r"|(?P<pow>\*\*)"
    r"|(?P<op>[-+*/^_()\[\]{}|!,=<>'&;:.])"
)

_TOKEN_LATEX = re.compile(_TOKEN.pattern.replace("[A-Za-z][A-Za-z0-9_]*", "[A-Za-z]+"))


class Token(NamedTuple):
    kind: str
    text: str
    spaced: bool = False


def tokenize(text: str, plain_names: bool = False) -> list[Token]:
    """Tokens of ``text``. With ``plain_names`` (sympy syntax) ``x_1``/``x1``/``alpha`` stay one name;
    otherwise (LaTeX) a name token holds letters only and ``_``/digits become their own tokens."""
    pattern = _TOKEN if plain_names else _TOKEN_LATEX
    tokens: list[Token] = []
    pos = 0
    spaced = False
    n = len(text)
    while pos < n:
        m = pattern.match(text, pos)
        if not m:
            raise ParseError(f"unexpected character {text[pos]!r}")
        kind = m.lastgroup
        pos = m.end()
        if kind == "ws":
            spaced = True
            continue
        if kind == "pow":
            tokens.append(Token("op", "^", spaced))
        else:
            tokens.append(Token(kind, m.group(), spaced))
        spaced = False
        if len(tokens) > MAX_TOKENS:
            raise TooLarge("too many tokens")
    return tokens
