"""String-level clean-up of an extracted answer before tokenising.

Type-independent (``clean``): unwrap a whole-answer ``\\boxed``; map Unicode maths to LaTeX; drop ``$``,
``\\( \\)``, ``\\[ \\]``, markdown ``**``/backticks, ``\\left``/``\\right``, ``\\displaystyle`` and spacing
commands; ``\\dfrac``/``\\tfrac``/``\\cfrac`` -> ``\\frac``; unwrap font commands (``\\mathrm``, ``\\mathbf``...);
``^\\circ``/``°`` -> ``\\degree``; ``%`` -> ``\\%``.
Numeric scalars only (``strip_units``, ``join_digit_groups``): a trailing ``\\text{...}`` unit (no digits
inside) or a trailing multi-letter unit word is dropped - never a single letter (``5m`` stays wrong);
``1,000`` / ``1\\,000`` / ``1 000`` are joined only when the whole answer is one grouped number.
``last_side`` keeps what follows the last top-level ``=`` / ``\\approx`` (``x = 3`` -> ``3``).
"""
from __future__ import annotations

import re

_UNICODE = {
    "\u2212": "-", "\u2013": "-", "\u2014": "-", "\u00d7": r"\times ", "\u22c5": r"\cdot ", "\u00b7": r"\cdot ",
    "\u00f7": r"\div ", "\u2264": r"\le ", "\u2265": r"\ge ", "\u2260": r"\ne ", "\u221e": r"\infty ",
    "\u03c0": r"\pi ", "\u221a": r"\sqrt", "\u222a": r"\cup ", "\u2229": r"\cap ", "\u2205": r"\emptyset ",
    "\u00b0": r"\degree ", "\u00b2": "^2", "\u00b3": "^3", "\u00b9": "^1", "\u2009": " ", "\u00a0": " ",
    "\u202f": " ", "\u2208": r"\in ", "\u00b1": r"\pm ", "\u2213": r"\mp ", "\u27e8": r"\langle ",
    "\u27e9": r"\rangle ", "\u2061": "", "\u200b": "", "\uff0c": ",", "\uff1a": ":",
    "\u00bd": r"\frac{1}{2}", "\u2153": r"\frac{1}{3}", "\u2154": r"\frac{2}{3}", "\u00bc": r"\frac{1}{4}",
    "\u00be": r"\frac{3}{4}", "\u2155": r"\frac{1}{5}", "\u215b": r"\frac{1}{8}",
}
_UNICODE_RE = re.compile("|".join(map(re.escape, _UNICODE)))
_FONT = re.compile(r"\\(?:mathrm|mathbf|mathit|mathsf|mathtt|mathnormal|boldsymbol|bm|textbf|textit|emph|mathbb)\s*\{")
_FONT_BARE = re.compile(r"\\(?:mathrm|mathbf|mathit|mathsf|mathtt|mathnormal|boldsymbol|bm|mathbb)\s+(?=[A-Za-z0-9\\])")
_TEXT = re.compile(r"\\(?:text|textrm|textnormal|mbox|hbox)\s*\{")
_OPERATORNAME = re.compile(r"\\operatorname\*?\s*\{\s*([A-Za-z]+)\s*\}")
_SIZED = re.compile(r"\\(?:left|right|bigl|bigr|Bigl|Bigr|biggl|biggr|Biggl|Biggr|big|Big|bigg|Bigg)(?![A-Za-z])\s*")
_DROP = re.compile(r"(?<!\\)\\(?:displaystyle|textstyle|scriptstyle|limits|nolimits|!)(?![A-Za-z])|\\(?:displaystyle|textstyle)")
_SPACES = re.compile(r"(?<!\\)\\(?:quad|qquad|enspace|thinspace|medspace|thickspace|[;: ])(?![A-Za-z])|~")
_FRAC = re.compile(r"\\(?:dfrac|tfrac|cfrac)(?![A-Za-z])")
_BINOM = re.compile(r"\\(?:dbinom|tbinom)(?![A-Za-z])")
_DEGREE = re.compile(r"\^\s*\{\s*\\circ\s*\}|\^\s*\\circ(?![A-Za-z])|\\circ(?![A-Za-z])|\^\s*\{\s*\\degree\s*\}|\\textdegree")
_PERCENT = re.compile(r"\\?%")
_BARS = re.compile(r"\\(?:lvert|rvert|vert|lVert|rVert|Vert)(?![A-Za-z])|\\\|")
_BRACE_WORDS = {r"\lbrace": r"\{", r"\rbrace": r"\}"}
_WHOLE_BOX = re.compile(r"^\\(?:boxed|fbox)\s*\{(.*)\}$", re.DOTALL)
_DELIMS = re.compile(r"^\$+|\$+$|^\\\(|\\\)$|^\\\[|\\\]$")
_GROUPED = re.compile(r"^([+-]?)(\d{1,3})((?:(?:,|\\,|\{,\}| |')\d{3})+)(\.\d+)?$")
_GROUP_SEP = re.compile(r"\\,|\{,\}|[, ']")
_UNIT_WORDS = (
    "cm|mm|km|nm|meters?|metres?|kilometers?|centimeters?|millimeters?|inch(?:es)?|feet|foot|ft|yards?|miles?|"
    "kg|grams?|kilograms?|pounds?|lbs?|ounces?|oz|liters?|litres?|ml|seconds?|secs?|minutes?|mins?|hours?|hrs?|"
    "days?|weeks?|months?|years?|dollars?|cents?|euros?|units?|sq|square|cubic|degrees?|deg|radians?|rad|"
    "ways|people|students|persons?|points?|times|apples?|marbles?|balls?|coins?|steps?|moves?|items?|numbers?|"
    "integers?|digits?|solutions?|pairs?|triangles?|squares?|rectangles?|paths?|arrangements?|outcomes?"
)
_TRAILING_UNIT = re.compile(rf"(?<=[\d}}).\s])\s*(?:(?:{_UNIT_WORDS})\b\s*(?:\^\s*\{{?[23]\}}?)?\s*)+$", re.IGNORECASE)
_TRAILING_TEXT = re.compile(r"\s*\\text\{([^{}\d]*)\}\s*(?:\^\s*\{?[23]\}?)?\s*$")
_LEADING_CURRENCY = re.compile(r"^\\\$\s*|^\$\s*|\\\$\s*$")
_EQUALS = re.compile(r"\\approx|\\simeq|\\equiv|=")


def _match_brace(text: str, open_pos: int) -> int:
    """Index of the '}' matching the '{' at ``open_pos`` (escaped braces ignored), or -1."""
    depth = 0
    i = open_pos
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


def _unwrap(text: str, pattern: re.Pattern, keep=lambda inner: inner) -> str:
    """Replace every ``\\cmd{inner}`` matched by ``pattern`` (which ends at the '{') with ``keep(inner)``."""
    for _ in range(200):
        m = pattern.search(text)
        if not m:
            return text
        close = _match_brace(text, m.end() - 1)
        if close < 0:
            return text[: m.start()] + text[m.end() :]
        text = text[: m.start()] + keep(text[m.end() : close]) + text[close + 1 :]
    return text


def _text_content(inner: str) -> str:
    word = inner.strip()
    if word.lower() in ("or", "and"):
        return f" {word.lower()} "
    return r"\text{" + inner + "}" if re.search(r"[A-Za-z]{2,}", inner) and not re.search(r"\d", inner) else inner


def clean(text: str) -> str:
    """Type-independent clean-up (see module docstring)."""
    text = text.strip()
    for _ in range(5):
        m = _WHOLE_BOX.match(text)
        if not m or _match_brace(text, text.index("{")) != len(text) - 1:
            break
        text = m.group(1).strip()
    text = _UNICODE_RE.sub(lambda m: _UNICODE[m.group()], text)
    text = text.replace("**", "") if "**" in text and not re.search(r"[\w)\]}]\s*\*\*\s*[\w(\-{]", text) else text
    text = text.replace("`", "")
    for _ in range(3):
        text = _DELIMS.sub("", text.strip()).strip()
    text = text.replace("$", " ")
    for word, brace in _BRACE_WORDS.items():
        text = text.replace(word, brace)
    text = _SIZED.sub("", text)
    text = re.sub(r"(?<!\\)\.(?=\s*(?:\\right|$))", "", text) if text.endswith(".") else text
    text = _DROP.sub("", text)
    text = _FRAC.sub(r"\\frac", text)
    text = _BINOM.sub(r"\\binom", text)
    text = _OPERATORNAME.sub(lambda m: "\\" + m.group(1), text)
    text = _unwrap(text, _FONT)
    text = _FONT_BARE.sub("", text)
    text = _unwrap(text, _TEXT, _text_content)
    text = _DEGREE.sub(r"\\degree ", text)
    text = _PERCENT.sub(r"\\% ", text)
    text = _BARS.sub("|", text)
    text = _SPACES.sub(" ", text)
    text = re.sub(r"\s+", " ", text).strip()
    return text.rstrip(".;,").strip()


def join_digit_groups(text: str) -> str:
    """``1,000`` / ``1\\,000`` / ``1 000`` / ``1{,}000`` -> ``1000`` when the whole text is one grouped number."""
    m = _GROUPED.match(text.strip())
    if not m:
        return text
    return m.group(1) + m.group(2) + _GROUP_SEP.sub("", m.group(3)) + (m.group(4) or "")


def strip_units(text: str, words: bool = True) -> str:
    """Drop a leading/trailing currency sign, a trailing ``\\text{unit}`` and (``words``) trailing unit words."""
    prev = None
    while prev != text:
        prev = text
        text = _LEADING_CURRENCY.sub("", text).strip()
        if re.search(r"[\d}).]", text[:-1]):
            text = _TRAILING_TEXT.sub("", text).strip()
            if words:
                text = _TRAILING_UNIT.sub("", text).strip()
    return text


def unwrap_text(text: str) -> str:
    """Remove remaining ``\\text{...}`` wrappers, keeping their content."""
    return _unwrap(text, _TEXT)


def split_top(text: str, separators: re.Pattern) -> list[str]:
    """Split at separators that sit outside every bracket pair ((), [], {}, mixed kinds allowed)."""
    parts: list[str] = []
    depth = 0
    start = 0
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "\\" and i + 1 < n and text[i + 1] in "{}":
            depth += 1 if text[i + 1] == "{" else -1
            i += 2
            continue
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif depth == 0:
            m = separators.match(text, i)
            if m and m.end() > i:
                parts.append(text[start:i])
                start = i = m.end()
                continue
        i += 1
    parts.append(text[start:])
    return parts


def last_side(text: str) -> str:
    """What follows the last top-level ``=`` (or ``\\approx``): ``x = 3`` -> ``3``; unchanged when none."""
    parts = split_top(text, _EQUALS)
    if len(parts) < 2:
        return text
    return parts[-1].strip()


def has_top_level(text: str, separators: re.Pattern) -> bool:
    return len(split_top(text, separators)) > 1
