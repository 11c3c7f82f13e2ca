"""Detection over the store: incident narratives and chat conversations.

Reported values are never overwritten: ``category``/``space``/``platform``/``language`` of an
incident are filled only when empty (``category_origin = 'detected'``); detected categories go
to ``incident_categories`` with origin ``detected``, their score and evidence, beside (never
over) reported ones. Re-running replaces earlier detected rows, so the run is idempotent.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, bindparam, delete, insert, select, update

from marsad.detect._detector import Detector
from marsad.detect._results import TextResult, Turn
from marsad.store import Store, utcnow
from marsad.store import tables as s
from marsad.taxonomy import load_taxonomy

__all__ = ["StoreDetectReport", "detect_store"]


@dataclass(frozen=True)
class StoreDetectReport:
    """What ``marsad detect --store`` did."""

    detector_version: str
    incidents: int
    incidents_harmful: int
    categories_filled: int
    spaces_filled: int
    detected_links: int
    conversations: int
    conversations_harmful: int
    by_category: dict[str, int]


def _primary(r: TextResult) -> str | None:
    if not r.categories:
        return None
    tax = load_taxonomy().categories
    return max(r.categories, key=lambda c: (r.scores[c], tax[c].severity))


def _chunks(rows: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def detect_store(store: Store, detector: Detector, *, batch_size: int = 500) -> StoreDetectReport:
    """Classify every incident narrative and every chat conversation in ``store``."""
    inc = s.incidents
    ic = s.incident_categories
    version = detector.version
    n = harmful = cats_filled = spaces_filled = links = 0
    by_category: dict[str, int] = {}
    with store.connect() as conn:
        rows = conn.execute(
            select(
                inc.c.id,
                inc.c.narrative,
                inc.c.category,
                inc.c.space,
                inc.c.platform,
                inc.c.language,
            )
            .where(inc.c.narrative.is_not(None))
            .order_by(inc.c.id)
        ).all()
    for chunk in _chunks(rows, batch_size):
        texts = [row.narrative[: detector.max_chars] for row in chunk]
        results = detector.detect_many(texts)
        ids = [row.id for row in chunk]
        updates: list[dict[str, Any]] = []
        new_links: list[dict[str, Any]] = []
        with store.begin() as conn:
            reported = {
                (r.incident_id, r.category)
                for r in conn.execute(
                    select(ic.c.incident_id, ic.c.category).where(
                        and_(ic.c.incident_id.in_(ids), ic.c.origin != "detected")
                    )
                )
            }
            conn.execute(
                delete(ic).where(and_(ic.c.incident_id.in_(ids), ic.c.origin == "detected"))
            )
            for row, r in zip(chunk, results, strict=True):
                n += 1
                harmful += r.harmful
                primary = _primary(r)
                u: dict[str, Any] = {
                    "b_id": row.id,
                    "detector_version": version,
                    "risk": max(r.scores.values(), default=0.0),
                    "category": row.category,
                    "category_origin": None,
                    "space": row.space,
                    "platform": row.platform,
                    "language": row.language or (r.language if r.language != "und" else None),
                }
                if row.category is None and primary is not None:
                    u["category"] = primary
                    u["category_origin"] = "detected"
                    cats_filled += 1
                    by_category[primary] = by_category.get(primary, 0) + 1
                if row.space is None and r.space is not None:
                    u["space"] = r.space
                    spaces_filled += 1
                if row.platform is None and r.platform is not None:
                    u["platform"] = r.platform[:64]
                updates.append(u)
                for c in r.categories:
                    if (row.id, c) in reported:
                        continue
                    new_links.append(
                        {
                            "incident_id": row.id,
                            "category": c,
                            "origin": "detected",
                            "score": r.scores[c],
                            "evidence": [e.to_dict() for e in r.evidence if e.category == c][:20],
                        }
                    )
            filled = [u for u in updates if u["category_origin"] == "detected"]
            kept = [u for u in updates if u["category_origin"] != "detected"]
            common: dict[str, Any] = {
                "detector_version": bindparam("detector_version"),
                "risk": bindparam("risk"),
                "space": bindparam("space"),
                "platform": bindparam("platform"),
                "language": bindparam("language"),
            }
            if filled:
                conn.execute(
                    update(inc)
                    .where(inc.c.id == bindparam("b_id"))
                    .values(category=bindparam("category"), category_origin="detected", **common),
                    filled,
                )
            if kept:
                conn.execute(
                    update(inc).where(inc.c.id == bindparam("b_id")).values(**common),
                    [
                        {k: v for k, v in u.items() if k not in ("category", "category_origin")}
                        for u in kept
                    ],
                )
            if new_links:
                conn.execute(insert(ic), new_links)
                links += len(new_links)
    convs, conv_harmful = _conversations(store, detector)
    return StoreDetectReport(
        detector_version=version,
        incidents=n,
        incidents_harmful=harmful,
        categories_filled=cats_filled,
        spaces_filled=spaces_filled,
        detected_links=links,
        conversations=convs,
        conversations_harmful=conv_harmful,
        by_category=dict(sorted(by_category.items(), key=lambda kv: -kv[1])),
    )


def _conversations(store: Store, detector: Detector) -> tuple[int, int]:
    cm = s.chat_messages
    cr = s.conversation_results
    n = harmful = 0
    with store.connect() as conn:
        rows = conn.execute(
            select(
                cm.c.source_id,
                cm.c.conversation_key,
                cm.c.turn,
                cm.c.speaker_key,
                cm.c.sent_at,
                cm.c.declared_age,
                cm.c.text,
            ).order_by(cm.c.source_id, cm.c.conversation_key, cm.c.turn)
        ).all()
    groups: dict[tuple[int, str], list[Any]] = {}
    for row in rows:
        groups.setdefault((row.source_id, row.conversation_key), []).append(row)
    out: list[dict[str, Any]] = []
    for (source_id, key), msgs in groups.items():
        turns = [
            Turn(
                m.speaker_key,
                m.text[: detector.max_chars],
                m.sent_at.isoformat() if m.sent_at is not None else None,
                m.declared_age,
            )
            for m in msgs
        ]
        r = detector.detect_conversation(turns)
        turn_no = [m.turn for m in msgs]
        stages = [
            {"stage": st.stage, "turns": [turn_no[i] for i in st.turns], "driver": st.driver}
            for st in r.stages
        ]
        n += 1
        harmful += r.harmful
        out.append(
            {
                "source_id": source_id,
                "conversation_key": key,
                "grooming_risk": r.grooming_risk,
                "sextortion_risk": r.sextortion_risk,
                "harmful": r.harmful,
                "stages": stages,
                "driver_key": r.driver,
                "detector_version": detector.version,
                "created_at": utcnow(),
            }
        )
    if out:
        with store.begin() as conn:
            for chunk in _chunks(out, 500):
                for o in chunk:
                    conn.execute(
                        delete(cr).where(
                            and_(
                                cr.c.source_id == o["source_id"],
                                cr.c.conversation_key == o["conversation_key"],
                            )
                        )
                    )
                conn.execute(insert(cr), chunk)
    return n, harmful
