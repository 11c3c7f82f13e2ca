"""Build the labelled development set from the templates (deterministic; seed 2026).

    .venv/bin/python tests/detect/data/generate.py

writes ``dev.csv`` / ``heldout.csv`` (id, language, categories, kind, split, text) and
``conversations_dev.jsonl`` / ``conversations_heldout.jsonl`` beside this file.

Hand-written conversations go in ``templates_dev.CONVERSATIONS`` (development) or
``templates_heldout.CONVERSATIONS`` (held-out), not straight into the ``.jsonl`` files: the
files are rewritten from the templates, so a line added only there would be lost.
"""

from __future__ import annotations

import csv
import itertools
import json
import random
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import templates_dev  # noqa: E402
import templates_heldout  # noqa: E402

SEED = 2026
_SLOT = re.compile(r"\{(\w+)\}")


def expand(template: str, slots: dict[str, list[str]], k: int, rng: random.Random) -> list[str]:
    names = sorted(set(_SLOT.findall(template)))
    if not names:
        return [template]
    combos = list(itertools.product(*(slots[n] for n in names)))
    rng.shuffle(combos)
    out = []
    for combo in combos[:k]:
        out.append(template.format(**dict(zip(names, combo, strict=True))))
    return out


PREFIX = {
    "fr": ["franchement, ", "wesh ", "écoute, "],
    "en": ["honestly ", "yo ", "listen, "],
    "ar": ["والله ", "اسمعي، ", "بصراحة "],
    "ary": ["والله ", "سمعي، ", "صراحة "],
    "ary-Latn": ["wallah ", "sm3i, ", "sra7a "],
}


def perturb(text: str, lang: str, rng: random.Random) -> str:
    """One generic surface change: casing, elongation, spaced letters, punctuation, prefix."""
    words = text.split(" ")
    kind = rng.choice(["upper", "elong", "spaced", "punct", "prefix"])
    if kind == "upper" and lang in ("fr", "en", "ary-Latn"):
        return text.upper()
    if kind in ("elong", "spaced", "upper"):
        cands = [i for i, w in enumerate(words) if len(w) >= 4 and w.isalpha()]
        if cands:
            i = rng.choice(cands)
            w = words[i]
            if kind == "spaced" and lang in ("fr", "en", "ary-Latn"):
                words[i] = ".".join(w)
            else:
                words[i] = w + w[-1] * rng.randint(3, 5)
            return " ".join(words)
    if kind == "punct":
        return text + rng.choice(["!!!", " ??", "...", " 😡", " 🙄"])
    return rng.choice(PREFIX[lang]) + text


def texts(module: object, split: str, k: int) -> list[dict[str, str]]:
    rng = random.Random(f"{SEED}-{split}")
    rows = []
    for lang, items in module.TEMPLATES.items():  # type: ignore[attr-defined]
        slots = module.SLOTS[lang]  # type: ignore[attr-defined]
        for t_i, (cats, kind, template) in enumerate(items):
            variants = expand(template, slots, k, rng)
            variants += [perturb(v, lang, rng) for v in variants]
            for v_i, text in enumerate(variants):
                rows.append(
                    {
                        "id": f"{split}-{lang}-{t_i:03d}-{v_i}",
                        "language": lang,
                        "categories": cats,
                        "kind": kind or ("harmful" if cats else "benign"),
                        "split": split,
                        "text": text,
                    }
                )
    for r_i, (lang, cats, kind, text) in enumerate(getattr(module, "REVIEW", ())):
        rows.append(
            {
                "id": f"{split}-{lang}-review-{r_i:03d}",
                "language": lang,
                "categories": cats,
                "kind": kind,
                "split": split,
                "text": text,
            }
        )
    return rows


def dev_conversations() -> list[dict[str, object]]:
    rng = random.Random(f"{SEED}-conv")
    out: list[dict[str, object]] = []
    money = templates_dev.SLOTS
    for lang, pool in templates_dev.STAGE_POOLS.items():

        def say(stage: str, lang: str = lang, pool: dict[str, list[str]] = pool) -> str:
            return rng.choice(pool[stage]).format(money=rng.choice(money[lang]["money"]))

        for n in range(4):
            age = rng.choice([11, 12, 13, 14])
            stages = [
                "flattery",
                "secrecy",
                "private_channel",
                "sexualisation",
                "image_request",
                "meeting",
            ]
            keep = sorted(rng.sample(range(len(stages)), k=4 + n % 3))
            turns = [
                ("A", say("contact")),
                ("B", say("reply")),
                ("A", say("age_probing")),
                ("B", say("child_age")),
            ]
            for i in keep:
                turns.append(("A", say(stages[i])))
                if rng.random() < 0.5:
                    turns.append(("B", say("reply")))
            out.append(_conv(f"dev-conv-{lang}-groom-{n}", lang, "grooming", turns, {"B": age}))
        for n in range(4):
            turns = [("A", say("contact")), ("B", say("reply"))]
            if n % 2:
                turns.append(("A", say("flattery")))
            turns += [
                ("A", say("image_request")),
                ("B", say("reply")),
                ("A", say("image_possession")),
                ("A", say("threat_expose")),
                ("A", say("payment_demand")),
            ]
            out.append(_conv(f"dev-conv-{lang}-sext-{n}", lang, "sextortion", turns, {}))
        for n in range(2):
            lines = rng.sample(pool["benign_adult"], k=4)
            turns = [("AB"[i % 2], line) for i, line in enumerate(lines)]
            out.append(_conv(f"dev-conv-{lang}-adult-{n}", lang, "benign_adult", turns, {}))
        for n in range(2):
            lines = rng.sample(pool["benign_child"], k=4)
            turns = [("AB"[i % 2], line) for i, line in enumerate(lines)]
            out.append(
                _conv(f"dev-conv-{lang}-child-{n}", lang, "benign_child", turns, {"A": 11, "B": 11})
            )
    # hand-written conversations: written out after the generated ones, never dropped
    for cid, lang, label, turns, ages in getattr(templates_dev, "CONVERSATIONS", ()):
        out.append(_conv(cid, lang, label, turns, ages))
    return out


def _conv(
    cid: str, lang: str, label: str, turns: list[tuple[str, str]], ages: dict[str, int]
) -> dict[str, object]:
    return {
        "id": cid,
        "language": lang,
        "label": label,
        "turns": [
            {
                "speaker": s,
                "text": t,
                "time": f"2026-03-01T10:{i:02d}:00",
                **({"age": ages[s]} if s in ages else {}),
            }
            for i, (s, t) in enumerate(turns)
        ],
    }


def heldout_conversations() -> list[dict[str, object]]:
    out = []
    for n, (label, lang, turns, ages) in enumerate(templates_heldout.CONVERSATIONS):
        out.append(_conv(f"heldout-conv-{lang}-{label}-{n}", lang, label, turns, ages))
    return out


def write_csv(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["id", "language", "categories", "kind", "split", "text"])
        w.writeheader()
        w.writerows(rows)


def write_jsonl(path: Path, rows: list[dict[str, object]]) -> None:
    with path.open("w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


def main() -> None:
    dev = texts(templates_dev, "dev", 5)
    held = texts(templates_heldout, "heldout", 3)
    write_csv(HERE / "dev.csv", dev)
    write_csv(HERE / "heldout.csv", held)
    dc, hc = dev_conversations(), heldout_conversations()
    write_jsonl(HERE / "conversations_dev.jsonl", dc)
    write_jsonl(HERE / "conversations_heldout.jsonl", hc)
    print(f"dev {len(dev)} texts, heldout {len(held)} texts, conversations {len(dc)} + {len(hc)}")


if __name__ == "__main__":
    main()
