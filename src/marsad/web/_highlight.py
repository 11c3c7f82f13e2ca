"""Evidence highlighting: the detector's character offsets as ``<mark>`` spans (HTML-escaped)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from markupsafe import Markup, escape

__all__ = ["highlight"]


def highlight(text: str, spans: Iterable[Mapping[str, Any]]) -> Markup:
    """``text`` with each evidence span wrapped in ``<mark data-category=...>``.

    Spans are ``{"start", "end", "category", "rule"}`` in characters of ``text``; overlapping
    spans are merged (their categories joined), out-of-range offsets are clipped.
    """
    clean: list[tuple[int, int, set[str], set[str]]] = []
    for sp in spans:
        try:
            a, b = int(sp["start"]), int(sp["end"])
        except (KeyError, TypeError, ValueError):
            continue
        a, b = max(0, a), min(len(text), b)
        if b > a:
            clean.append((a, b, {str(sp.get("category", ""))}, {str(sp.get("rule", ""))}))
    clean.sort(key=lambda x: (x[0], x[1]))
    merged: list[tuple[int, int, set[str], set[str]]] = []
    for a, b, cats, rules in clean:
        if merged and a < merged[-1][1]:
            pa, pb, pc, pr = merged[-1]
            merged[-1] = (pa, max(pb, b), pc | cats, pr | rules)
        else:
            merged.append((a, b, cats, rules))
    out: list[str] = []
    pos = 0
    for a, b, cats, rules in merged:
        out.append(str(escape(text[pos:a])))
        label = " ".join(sorted(c for c in cats if c))
        title = ", ".join(sorted(r for r in rules if r))
        out.append(
            f'<mark data-category="{escape(label)}" title="{escape(title)}">{escape(text[a:b])}</mark>'
        )
        pos = b
    out.append(str(escape(text[pos:])))
    return Markup("".join(out))
