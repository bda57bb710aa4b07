"""Terminal tables that never cut a name: a rich Table when it fits the console, else one block per row.

The block layout puts the row's name (first column) on its own line and packs the other cells as
``header value`` items under it, so at 80 columns nothing is truncated to ``ari…``.
"""
from __future__ import annotations

from rich.console import Console, ConsoleOptions, Group, RenderResult
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text


class FitTable:
    """Renders as a rich Table if its natural width fits, else as blocks (name line + packed items).

    headers/rows: strings; ``long`` names columns rendered as an indented paragraph in block mode (e.g. a
    description); ``bare`` names columns whose header is left out in block mode (the value says what it is).
    """

    def __init__(self, title: str | None, headers: list[str], rows: list[list[str]], *, long: tuple[str, ...] = (),
                 bare: tuple[str, ...] = (), left: tuple[str, ...] = (), name_style: str = "bold cyan"):
        self.title, self.headers, self.rows = title, headers, rows
        self.long, self.bare, self.left, self.name_style = long, bare, left, name_style

    LONG_MIN = 32  # a long (paragraph) column wraps inside the table if it gets at least this many columns

    def table(self, *, drop_long: bool = False) -> Table:
        from rich.markup import escape  # cells are plain text, as in the block layout: never markup

        t = Table(title=escape(self.title) if self.title else None, header_style="bold", title_justify="left")
        for i, h in enumerate(self.headers):
            justify = "left" if i == 0 or h in self.left or h in self.long else "right"
            t.add_column(h, justify=justify, no_wrap=(i == 0 or h not in self.long), style="cyan" if i == 0 else None)
        for r in self.rows:
            t.add_row(*[("" if drop_long and h in self.long else escape(v)) for h, v in zip(self.headers, r)])
        return t

    def fits(self, console: Console, options: ConsoleOptions) -> bool:
        """True when every column but the long ones shows its full content and long ones get ≥ LONG_MIN."""
        wide = options.update(width=10_000)
        need = Measurement.get(console, wide, self.table(drop_long=True)).maximum
        need += sum(self.LONG_MIN for h in self.headers if h in self.long)
        return need <= options.max_width

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if self.fits(console, options):
            yield self.table()
            return
        yield from self.blocks(options.max_width)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(min(20, options.max_width), options.max_width)

    def blocks(self, width: int) -> RenderResult:
        if self.title:
            yield Text(self.title, style="italic")
        for r in self.rows:
            yield Text(r[0], style=self.name_style)
            items, paragraphs = [], []
            for h, v in zip(self.headers[1:], r[1:]):
                if v in ("", None):
                    continue
                h, v = h.replace("\n", " "), v.replace("\n", " ")
                if h in self.long:
                    paragraphs.append(v)
                else:
                    items.append(v if h in self.bare else f"{h} {v}")
            for line in pack(items, width - 2):
                yield Text("  " + line)
            for p in paragraphs:
                para = Text(p, style="dim")
                yield Group(*[Text("  ") + x for x in para.wrap(Console(width=width), width - 2)])
        yield Text("")


def pack(items: list[str], width: int, sep: str = " · ") -> list[str]:
    """Greedy packing of short items into lines of at most ``width``; an item longer than that gets lines of
    its own, broken at spaces, continuation lines indented by two."""
    lines: list[str] = []
    cur = ""
    for it in items:
        cand = it if not cur else cur + sep + it
        if len(cand) <= width:
            cur = cand
            continue
        if cur:
            lines.append(cur)
        if len(it) <= width:
            cur = it
            continue
        cur = ""
        for word in it.split(" "):
            cand = word if not cur else cur + " " + word
            if len(cand) <= width or not cur.strip():
                cur = cand
            else:
                lines.append(cur)
                cur = "  " + word
        lines.append(cur)  # what follows a broken item starts on a fresh line
        cur = ""
    if cur:
        lines.append(cur)
    return lines
