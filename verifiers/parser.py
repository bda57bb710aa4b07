"""Recursive-descent parser from tokens to a small maths AST (no eval, bounded depth).

Two syntaxes share one grammar: ``latex`` (model predictions: ``\\frac{1}{2}``, ``2\\sqrt{3}x``,
``\\sin^2 x``, ``e^{i\\pi}``, plain ``pi/2`` and ``exp(16)`` too) and ``sympy`` (stored golds:
``x**2 + 2*x``, ``sqrt(2)/2``, ``E``, ``I``, ``oo``, multi-letter symbol names). AST nodes are tuples:

    ("num", Fraction, text)      ("sym", name)          ("const", "pi" | "E" | "I" | "oo")
    ("add", (a, b, ...))         ("mul", (a, b, ...))   ("neg", a)       ("div", a, b)
    ("pow", a, b)                ("func", name, (args...))                ("pm", a | None, b)
    ("pct", a)                   ("deg", a)

Helpers over the tree (free symbols, \\pm expansion, rendering) live in ``mathast``.

Decisions: ``x^23`` (no braces) means x^23, not TeX's x^2*3; ``1/2x`` is (1/2)*x; an integer directly
followed by ``\\frac{p}{q}`` with integer p, q is a mixed number (``3\\frac12`` = 7/2); two numbers
separated only by space are an error (never multiplied), so ``1 2`` never equals 2.
In LaTeX syntax the letters ``e`` and ``i`` come out as symbols; the evaluators decide whether they are
Euler's number and the imaginary unit (they are, unless the gold itself uses a variable of that name).
"""
from __future__ import annotations

from fractions import Fraction

from .errors import ParseError, TooLarge
from .lexer import Token, tokenize
from .limits import MAX_DEPTH

Node = tuple

FUNCTIONS = {
    "sin": "sin", "cos": "cos", "tan": "tan", "sec": "sec", "csc": "csc", "cot": "cot",
    "arcsin": "asin", "arccos": "acos", "arctan": "atan", "asin": "asin", "acos": "acos", "atan": "atan",
    "sinh": "sinh", "cosh": "cosh", "tanh": "tanh", "ln": "log", "log": "log", "exp": "exp",
    "sqrt": "sqrt", "abs": "abs", "Abs": "abs", "floor": "floor", "ceil": "ceil", "ceiling": "ceil",
    "factorial": "factorial", "binomial": "binomial", "binom": "binomial", "Rational": "rational",
}
_INVERSE = {"sin": "asin", "cos": "acos", "tan": "atan"}
_CONST_WORDS = {"pi": "pi", "infty": "oo", "infinity": "oo", "inf": "oo"}
_SYMPY_CONSTS = {"pi": "pi", "E": "E", "I": "I", "oo": "oo", "zoo": "zoo"}
_GREEK = {
    "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa", "lambda", "mu",
    "nu", "xi", "rho", "sigma", "tau", "upsilon", "phi", "chi", "psi", "omega",
    "Gamma", "Delta", "Theta", "Lambda", "Xi", "Sigma", "Upsilon", "Phi", "Psi", "Omega",
}
_GREEK_ALIASES = {"varepsilon": "epsilon", "vartheta": "theta", "varphi": "phi", "varrho": "rho", "varsigma": "sigma"}
# longest first, so "arcsin" wins over "sin" and "sinh" over "sin"
_WORDS = sorted(set(FUNCTIONS) - {"Abs", "Rational", "binomial", "factorial", "binom"} | set(_CONST_WORDS), key=len, reverse=True)
_MUL = {"*", r"\cdot", r"\times", r"\ast"}
_DIV = {"/", r"\div"}


def number_node(text: str) -> Node:
    return ("num", Fraction(text.rstrip(".") or "0"), text)


class Parser:
    def __init__(self, tokens: list[Token], syntax: str):
        self.toks = tokens
        self.pos = 0
        self.syntax = syntax
        self.depth = 0
        self.abs_depth = 0

    # -- token helpers
    def peek(self, k: int = 0) -> Token | None:
        i = self.pos + k
        return self.toks[i] if i < len(self.toks) else None

    def take(self) -> Token:
        tok = self.peek()
        if tok is None:
            raise ParseError("unexpected end of input")
        self.pos += 1
        return tok

    def at(self, text: str) -> bool:
        tok = self.peek()
        return tok is not None and tok.text == text and tok.kind in ("op", "cmd")

    def expect(self, text: str) -> None:
        tok = self.take()
        if tok.text != text:
            raise ParseError(f"expected {text!r}, found {tok.text!r}")

    def push_front(self, tok: Token) -> None:
        self.toks.insert(self.pos, tok)

    def enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise TooLarge("nesting too deep")

    # -- grammar
    def parse(self) -> Node:
        if not self.toks:
            raise ParseError("empty answer")
        node = self.expression()
        if self.pos != len(self.toks):
            raise ParseError(f"unexpected {self.toks[self.pos].text!r}")
        return node

    def expression(self) -> Node:
        self.enter()
        terms: list[Node] = []
        first = True
        while True:
            tok = self.peek()
            sign = None
            if tok is not None and tok.text in ("+", "-", r"\pm", r"\mp") and tok.kind in ("op", "cmd"):
                sign = self.take().text
            elif not first:
                break
            if first and sign in (r"\pm", r"\mp"):
                terms.append(("pm", None, self.term()))
            elif sign in (r"\pm", r"\mp"):
                left = ("add", tuple(terms)) if len(terms) > 1 else terms[0]
                terms = [("pm", left, self.term())]
            elif sign == "-":
                terms.append(("neg", self.term()))
            else:
                terms.append(self.term())
            first = False
        self.depth -= 1
        return terms[0] if len(terms) == 1 else ("add", tuple(terms))

    def term(self) -> Node:
        node = self.unary()
        while True:
            tok = self.peek()
            if tok is None:
                break
            if tok.text in _MUL and tok.kind in ("op", "cmd"):
                self.take()
                node = ("mul", (node, self.unary()))
            elif tok.text in _DIV and tok.kind in ("op", "cmd"):
                self.take()
                node = ("div", node, self.unary())
            elif self.starts_primary(tok):
                if tok.kind == "num" and self.ends_with_number(node):
                    raise ParseError("two numbers side by side")
                node = ("mul", (node, self.postfix()))
            else:
                break
        return node

    @staticmethod
    def ends_with_number(node: Node) -> bool:
        while node[0] == "mul":
            node = node[1][-1]
        return node[0] == "num"

    def unary(self) -> Node:
        tok = self.peek()
        if tok is not None and tok.kind == "op" and tok.text in "+-":
            self.take()
            self.enter()
            inner = self.unary()
            self.depth -= 1
            return ("neg", inner) if tok.text == "-" else inner
        return self.postfix()

    def starts_primary(self, tok: Token) -> bool:
        if tok.kind in ("num", "name"):
            return True
        if tok.kind == "op":
            return tok.text in "([{" or (tok.text == "|" and self.abs_depth == 0)
        return tok.text in _PRIMARY_CMDS or tok.text[1:] in FUNCTIONS or tok.text[1:] in _GREEK or tok.text[1:] in _GREEK_ALIASES

    def postfix(self) -> Node:
        node = self.primary()
        while True:
            tok = self.peek()
            if tok is None:
                break
            if tok.text == "^" and tok.kind == "op":
                self.take()
                node = ("pow", node, self.exponent())
            elif tok.text == "!" and tok.kind == "op":
                self.take()
                node = ("func", "factorial", (node,))
            elif tok.text == r"\%":
                self.take()
                node = ("pct", node)
            elif tok.text == r"\degree":
                self.take()
                node = ("deg", node)
            else:
                break
        return node

    def exponent(self) -> Node:
        self.enter()
        tok = self.take()
        if tok.kind == "op" and tok.text in "+-":
            inner = self.exponent()
            node = ("neg", inner) if tok.text == "-" else inner
        elif tok.kind == "op" and tok.text in "{(":
            node = self.expression()
            self.expect("}" if tok.text == "{" else ")")
        elif tok.kind == "num":
            node = number_node(tok.text)
        elif tok.kind == "name" and self.syntax == "latex":
            if len(tok.text) > 1:
                self.push_front(Token("name", tok.text[1:]))
            node = self.name_atom(tok.text[0])
        elif tok.text == r"\degree":
            raise ParseError("degree sign in exponent")
        else:
            self.pos -= 1
            node = self.primary()
        if self.at("^"):
            self.take()
            node = ("pow", node, self.exponent())
        self.depth -= 1
        return node

    def group(self, open_text: str, close_text: str) -> Node:
        self.expect(open_text)
        node = self.expression()
        self.expect(close_text)
        return node

    def single_arg(self) -> Node:
        """A TeX macro argument: a braced group or one token (``\\frac12``: first digit only)."""
        tok = self.peek()
        if tok is None:
            raise ParseError("missing argument")
        if tok.kind == "op" and tok.text == "{":
            return self.group("{", "}")
        if tok.kind == "num" and len(tok.text) > 1:
            self.take()
            self.push_front(Token("num", tok.text[1:]))
            return number_node(tok.text[0])
        if tok.kind == "name" and len(tok.text) > 1:
            self.take()
            self.push_front(Token("name", tok.text[1:]))
            return self.name_atom(tok.text[0])
        return self.primary()

    def primary(self) -> Node:
        self.enter()
        node = self._primary()
        self.depth -= 1
        return node

    def _primary(self) -> Node:
        tok = self.take()
        if tok.kind == "num":
            return self.number(tok)
        if tok.kind == "name":
            return self.name(tok.text)
        if tok.kind == "op":
            if tok.text == "(":
                node = self.expression()
                self.expect(")")
                return node
            if tok.text == "[":
                node = self.expression()
                self.expect("]")
                return node
            if tok.text == "{":
                node = self.expression()
                self.expect("}")
                return node
            if tok.text == "|":
                self.abs_depth += 1
                node = self.expression()
                self.abs_depth -= 1
                self.expect("|")
                return ("func", "abs", (node,))
            raise ParseError(f"unexpected {tok.text!r}")
        return self.command(tok.text)

    def number(self, tok: Token) -> Node:
        node = number_node(tok.text)
        if self.at(r"\overline"):  # repeating decimal 0.1\overline{6}
            self.take()
            rep = self.take_braced_digits()
            int_part, _, frac = tok.text.partition(".")
            value = Fraction(int(int_part or "0")) + Fraction(
                int(frac + rep) - int(frac or "0"), 10 ** len(frac) * (10 ** len(rep) - 1)
            )
            return ("num", value, tok.text + "(" + rep + ")")
        nxt = self.peek()
        if nxt is not None and nxt.text == r"\frac" and "." not in tok.text:
            mixed = self.try_mixed(node)
            if mixed is not None:
                return mixed
        return node

    def take_braced_digits(self) -> str:
        self.expect("{")
        tok = self.take()
        if tok.kind != "num" or "." in tok.text:
            raise ParseError("bad repeating digits")
        self.expect("}")
        return tok.text

    def try_mixed(self, whole: Node) -> Node | None:
        start, toks = self.pos, list(self.toks)
        self.take()
        try:
            num, den = self.single_arg(), self.single_arg()
        except ParseError:
            num = den = None
        if num is not None and num[0] == "num" and den[0] == "num" and num[1].denominator == 1 and den[1].denominator == 1 and den[1] != 0:
            return ("num", whole[1] + num[1] / den[1], f"{whole[2]} {num[2]}/{den[2]}")
        self.pos, self.toks = start, toks
        return None

    def name(self, text: str) -> Node:
        if self.syntax == "sympy":
            if text in _SYMPY_CONSTS:
                return ("const", _SYMPY_CONSTS[text])
            if text in FUNCTIONS and self.at("("):
                return self.function(FUNCTIONS[text])
            if text in FUNCTIONS:
                raise ParseError(f"function {text} without argument")
            return ("sym", text)
        for word in _WORDS:  # split a letter run: "sinx" -> sin x, "xy" -> x y
            if text.startswith(word):
                if len(text) > len(word):
                    self.push_front(Token("name", text[len(word) :]))
                if word in _CONST_WORDS:
                    return ("const", _CONST_WORDS[word])
                return self.function(FUNCTIONS[word])
        if len(text) > 1:
            self.push_front(Token("name", text[1:]))
        return self.name_atom(text[0])

    def name_atom(self, letter: str) -> Node:
        return ("sym", letter + self.subscript())

    def subscript(self) -> str:
        if not self.at("_"):
            return ""
        self.take()
        tok = self.take()
        if tok.text == "{":
            parts = []
            while not self.at("}"):
                parts.append(self.take().text)
                if len(parts) > 20:
                    raise ParseError("subscript too long")
            self.take()
            return "_" + "".join(parts)
        if tok.kind not in ("num", "name"):
            raise ParseError("bad subscript")
        if tok.kind == "name" and len(tok.text) > 1:
            self.push_front(Token("name", tok.text[1:]))
            return "_" + tok.text[0]
        return "_" + tok.text

    def command(self, cmd: str) -> Node:
        word = cmd[1:]
        if cmd == r"\frac":
            num = self.single_arg()
            den = self.single_arg()
            return ("div", num, den)
        if cmd == r"\sqrt":
            if self.at("["):
                self.take()
                index = self.expression()
                self.expect("]")
                return ("func", "root", (self.sqrt_arg(), index))
            return ("func", "sqrt", (self.sqrt_arg(),))
        if cmd == r"\binom":
            return ("func", "binomial", (self.single_arg(), self.single_arg()))
        if cmd in (r"\lfloor", r"\lceil"):
            node = self.expression()
            self.expect(r"\rfloor" if cmd == r"\lfloor" else r"\rceil")
            return ("func", "floor" if cmd == r"\lfloor" else "ceil", (node,))
        if word in _CONST_WORDS:
            return ("const", _CONST_WORDS[word])
        if word in _GREEK or word in _GREEK_ALIASES:
            return ("sym", _GREEK_ALIASES.get(word, word) + self.subscript())
        if word in FUNCTIONS:
            return self.function(FUNCTIONS[word])
        raise ParseError(f"unsupported {cmd}")

    def sqrt_arg(self) -> Node:
        if self.at("("):  # plain-text sqrt(2) and the malformed 4\sqrt(2)
            return self.group("(", ")")
        return self.single_arg()

    def function(self, name: str) -> Node:
        power = None
        if self.at("^") and self.syntax == "latex":  # \sin^2 x, \sin^{-1} x
            self.take()
            power = self.exponent()
            if power == ("neg", ("num", Fraction(1), "1")) and name in _INVERSE:
                name, power = _INVERSE[name], None
        base = None
        if name == "log" and self.at("_"):
            self.take()
            base = self.single_arg()
        if self.at("("):
            self.take()
            args = [self.expression()]
            while self.at(","):
                self.take()
                args.append(self.expression())
            self.expect(")")
        elif self.at("{"):
            args = [self.group("{", "}")]
        elif self.syntax == "latex":
            args = [self.bare_argument()]
        else:
            raise ParseError(f"{name} needs parentheses")
        if base is not None:
            args.append(base)
        node = self.build_function(name, args)
        return ("pow", node, power) if power is not None else node

    def bare_argument(self) -> Node:
        """``\\sin 2x`` = sin(2x); the argument stops at an operator or the next function."""
        node = self.postfix()
        while True:
            tok = self.peek()
            if tok is None or not self.starts_primary(tok) or tok.text[1:] in FUNCTIONS or (tok.kind == "name" and tok.text.startswith(tuple(FUNCTIONS))):
                break
            if tok.kind == "num" and self.ends_with_number(node):
                raise ParseError("two numbers side by side")
            node = ("mul", (node, self.postfix()))
        return node

    @staticmethod
    def build_function(name: str, args: list[Node]) -> Node:
        arity = {"log": (1, 2), "binomial": (2, 2), "rational": (2, 2)}.get(name, (1, 1))
        if not arity[0] <= len(args) <= arity[1]:
            raise ParseError(f"{name} takes {arity} arguments")
        if name == "rational":
            return ("div", args[0], args[1])
        return ("func", name, tuple(args))


_PRIMARY_CMDS = {r"\frac", r"\sqrt", r"\binom", r"\lfloor", r"\lceil", r"\pi", r"\infty"}


def parse(text: str, syntax: str = "latex") -> Node:
    """Parse one scalar expression; raises ParseError / TooLarge."""
    tokens = tokenize(text, plain_names=syntax == "sympy")
    return Parser(tokens, syntax).parse()
