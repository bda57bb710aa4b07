"""An independent, array-based recomputation of a C-ARC output (the checker behind ``check``).

Works on numpy masks rather than cell sets: the indicator is found by comparing the colour-I mask with
the stored indicator mask, the shape cue by comparing the cropped object mask with S, and the rules act on
a padded canvas (shifts by slicing, reflections by flipping the bounding-box crop, rotations with
``np.rot90`` placed at the pivot-derived corner), so leaving the grid shows up as ink on the padding.
"""
from __future__ import annotations

from typing import Any

import numpy as np

_PAD = 12  # canvas margin: wider than any object, so no rule can push ink past it


def _crop(mask: np.ndarray) -> tuple[np.ndarray, int, int]:
    rows, cols = np.nonzero(mask)
    r0, r1, c0, c1 = rows.min(), rows.max(), cols.min(), cols.max()
    return mask[r0:r1 + 1, c0:c1 + 1], int(r0), int(c0)


def _shifted(mask: np.ndarray, dr: int, dc: int) -> np.ndarray:
    out = np.zeros_like(mask)
    h, w = mask.shape
    out[max(dr, 0):h + min(dr, 0), max(dc, 0):w + min(dc, 0)] = mask[max(-dr, 0):h + min(-dr, 0),
                                                                     max(-dc, 0):w + min(-dc, 0)]
    return out


def _transform(mask: np.ndarray, colour: int, rule: dict[str, Any]) -> tuple[np.ndarray, int] | None:
    """(new mask, new colour), or None when a reflection / rotation would leave the mask unchanged."""
    kind, kw = rule["type"], rule["kwargs"]
    if kind == "translation":
        step = kw.get("step", 1)
        return (_shifted(mask, 0, step) if kw["direction"] == "right" else _shifted(mask, step, 0)), colour
    if kind == "extension":
        return (mask | (_shifted(mask, -1, 0) if kw["direction"] == "up" else _shifted(mask, 0, -1))), colour
    if kind == "recolour":
        return mask, int(kw["colour"])
    crop, r0, c0 = _crop(mask)
    h, w = crop.shape
    out = np.zeros_like(mask)
    if kind == "reflection":
        out[r0:r0 + h, c0:c0 + w] = np.flipud(crop) if kw["flip"] == "upside_down" else np.fliplr(crop)
    elif kind == "rotation" and kw["direction"] == "cw":
        out[r0:r0 + w, c0 - h + 1:c0 + 1] = np.rot90(crop, k=-1)
    elif kind == "rotation" and kw["direction"] == "ccw":
        out[r0 - w + 1:r0 + 1, c0:c0 + h] = np.rot90(crop, k=1)
    else:
        raise ValueError(f"unknown rule {rule!r}")
    return (None if np.array_equal(out, mask) else (out, colour))


def expected_output(params: dict[str, Any], grid: list[list[int]]) -> tuple[np.ndarray, str] | None:
    """(output array, fired cues joined by '+') for input ``grid``; None when an invariant breaks."""
    size = params["grid_size"]
    a = np.asarray(grid, dtype=np.int64)
    if a.shape != (size, size) or a.min() < 0 or a.max() > 9:
        return None
    trig = params["triggers"]
    ind = np.zeros((size, size), dtype=bool)
    for r, c in trig["indicator"]["cells"]:
        ind[r, c] = True
    ind_colour = trig["indicator"]["colour"]
    present = bool(np.array_equal(a == ind_colour, ind))
    obj = (a != 0) & ~(ind if present else np.zeros_like(ind))
    colours = np.unique(a[obj])
    if colours.size != 1:
        return None
    colour = int(colours[0])
    s = np.array(trig["shape"])
    s_mask = np.zeros((s[:, 0].max() + 1, s[:, 1].max() + 1), dtype=bool)
    s_mask[s[:, 0], s[:, 1]] = True
    crop, _, _ = _crop(obj)
    fires = {"shape": crop.shape == s_mask.shape and bool(np.array_equal(crop, s_mask)),
             "colour": colour == trig["colour"], "neighbour": present}
    canvas = np.zeros((size + 2 * _PAD, size + 2 * _PAD), dtype=bool)
    canvas[_PAD:_PAD + size, _PAD:_PAD + size] = obj
    for role in params["composition_order"]:
        if not fires[role]:
            continue
        step = _transform(canvas, colour, params["rules"][role])
        if step is None:
            return None
        canvas, colour = step
        inside = canvas[_PAD:_PAD + size, _PAD:_PAD + size]
        if inside.sum() != canvas.sum():  # ink on the padding: the object left the grid
            return None
    inside = canvas[_PAD:_PAD + size, _PAD:_PAD + size]
    out = np.zeros((size, size), dtype=np.int64)
    out[inside] = colour
    if present:
        near = inside.copy()
        for dr in (-1, 0, 1):
            for dc in (-1, 0, 1):
                near = near | _shifted(inside, dr, dc)
        if (near & ind).any():  # the object touches the indicator in the output
            return None
        out[ind] = ind_colour
    return out, "+".join(role for role in params["composition_order"] if fires[role])


def check_output(params: dict[str, Any], grid: list[list[int]], answer: Any, kind: str | None = None) -> bool:
    """True when ``answer`` is exactly the output the stored rules give for input ``grid``.

    With ``kind`` (e.g. "shape+colour+neighbour") the input must also fire exactly those cues.
    """
    try:
        ans = np.asarray(answer, dtype=np.int64)
    except (TypeError, ValueError):
        return False
    found = expected_output(params, grid)
    if found is None or (kind is not None and found[1] != kind):
        return False
    expected = found[0]
    return ans.shape == expected.shape and bool(np.array_equal(ans, expected))
