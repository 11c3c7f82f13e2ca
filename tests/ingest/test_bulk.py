"""Bulk loads: a large file into a small table is loaded with the non-unique indexes dropped and
built again at the end; the store ends identical to a row-by-row load, and an interrupted bulk
load is repaired by the next import. On SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from marsad.config import Settings
from marsad.ingest import _writer, ingest_file
from marsad.store import Store, tables
from tests.ingest.conftest import POLICE_PROFILE, police_row, write_csv, write_profile

ROWS = 3_000


def _indexes(store: Store) -> set[str]:
    with store.connect() as c:
        return {str(ix["name"]) for ix in sa.inspect(c).get_indexes("incidents")}


def _declared() -> set[str]:
    return {str(ix.name) for ix in tables.incidents.indexes}


def _content(store: Store) -> list[tuple[object, ...]]:
    i = tables.incidents
    cols = [c for c in i.columns if c.name not in ("id", "batch_id", "created_at")]
    with store.connect() as c:
        rows = c.execute(sa.select(*cols).order_by(i.c.source_id, i.c.source_row)).all()
        cats = c.execute(
            sa.select(sa.func.count()).select_from(tables.incident_categories)
        ).scalar_one()
    return [tuple(r) for r in rows] + [("categories", cats)]


def _files(tmp_path: Path) -> tuple[Path, Path, Path]:
    police = write_csv(
        tmp_path / "police.csv",
        [police_row(i, age="1O" if i % 700 == 3 else str(10 + i % 50)) for i in range(ROWS)],
    )
    # a second source reporting some of the same victims a few days later: duplicates to link
    hotline = write_csv(
        tmp_path / "hotline.csv",
        [police_row(i, num_plainte=f"HL-{i:06d}") for i in range(0, ROWS, 3)],
    )
    profile = write_profile(
        tmp_path / "hot.yaml",
        {
            **POLICE_PROFILE,
            "id": "test_hotline",
            "source": {"code": "hotline", "name": "Hotline", "kind": "hotline"},
        },
    )
    return police, hotline, profile


def test_bulk_load_with_deferred_indexes_equals_row_by_row_load(
    tmp_path: Path, store: Store, settings: Settings, police_profile: Path
) -> None:
    police, hotline, hot_profile = _files(tmp_path)
    seen: list[set[str]] = []

    def spy_drop(table: str) -> list[str]:
        names = Store.drop_secondary_indexes(store, table)
        seen.append(_indexes(store))
        return names

    store.drop_secondary_indexes = spy_drop  # type: ignore[method-assign]
    bulk = [
        ingest_file(
            store,
            settings,
            police,
            police_profile,
            progress=False,
            chunk_size=500,
            rebuild_indexes_from=1,
        ),
        ingest_file(
            store,
            settings,
            hotline,
            hot_profile,
            progress=False,
            chunk_size=500,
            rebuild_indexes_from=1,
        ),
    ]
    # the first file went into an empty table: its load ran without the secondary indexes;
    # the second is smaller than the table: indexes maintained as usual
    assert len(seen) == 1
    assert not seen[0] & {str(ix.name) for ix in tables.incidents.indexes if not ix.unique}
    assert _indexes(store) >= _declared()
    bulk_content = _content(store)

    ref_dir = tmp_path / "ref"
    ref_dir.mkdir()
    with Store.open(f"sqlite:///{ref_dir / 'ref.db'}") as ref:
        plain = [
            ingest_file(
                ref,
                settings,
                police,
                police_profile,
                progress=False,
                chunk_size=500,
                rebuild_indexes_from=10**9,
            ),
            ingest_file(
                ref,
                settings,
                hotline,
                hot_profile,
                progress=False,
                chunk_size=500,
                rebuild_indexes_from=10**9,
            ),
        ]
        ref_content = _content(ref)
    counts = [(r.rows_read, r.accepted, r.quarantined, r.duplicates_linked) for r in bulk]
    assert counts == [(r.rows_read, r.accepted, r.quarantined, r.duplicates_linked) for r in plain]
    assert bulk[1].duplicates_linked >= ROWS // 3  # every hotline row repeats a police case
    assert bulk_content == ref_content


def test_an_interrupted_bulk_load_gets_its_indexes_back(
    tmp_path: Path, store: Store, settings: Settings, police_profile: Path
) -> None:
    police, hotline, hot_profile = _files(tmp_path)
    ingest_file(store, settings, police, police_profile, progress=False)
    # what a bulk load killed before its end leaves behind
    dropped = store.drop_secondary_indexes("incidents")
    assert dropped and not set(dropped) & _indexes(store)
    report = ingest_file(store, settings, hotline, hot_profile, progress=False)
    assert report.duplicates_linked >= ROWS // 3
    assert _indexes(store) >= _declared()


def _foreign_keys(store: Store) -> dict[str, bool]:
    """PostgreSQL: the foreign keys of the tables a load writes, and whether each is validated."""
    with store.connect() as c:
        return {
            str(name): bool(valid)
            for name, valid in c.execute(
                sa.text(
                    "SELECT conname, convalidated FROM pg_constraint WHERE contype = 'f' AND "
                    "conrelid IN ('incidents'::regclass, 'incident_categories'::regclass)"
                )
            )
        }


def _declared_keys() -> set[str]:
    return {
        str(fk.name)
        for t in (tables.incidents, tables.incident_categories)
        for fk in t.foreign_key_constraints
    }


def test_a_bulk_load_on_postgresql_runs_without_foreign_keys_and_ends_with_all_validated(
    tmp_path: Path, store: Store, settings: Settings, police_profile: Path
) -> None:
    police, _, _ = _files(tmp_path)
    seen: list[dict[str, bool]] = []
    write = _writer.Writer.write

    def spy_write(self: _writer.Writer, *args: object) -> int:
        if store.dialect == "postgresql":
            seen.append(_foreign_keys(store))
        return write(self, *args)  # type: ignore[arg-type]

    _writer.Writer.write = spy_write  # type: ignore[method-assign,assignment]
    try:
        report = ingest_file(
            store, settings, police, police_profile, progress=False, rebuild_indexes_from=1
        )
    finally:
        _writer.Writer.write = write  # type: ignore[method-assign]
    assert report.accepted > 0
    if store.dialect != "postgresql":
        assert store.drop_foreign_keys(["incidents"]) == []  # SQLite keeps its cheap checks
        return
    assert seen and all(not keys for keys in seen)  # every chunk was written without them
    assert _foreign_keys(store) == dict.fromkeys(_declared_keys(), True)


def test_an_interrupted_bulk_load_on_postgresql_gets_its_foreign_keys_back(
    tmp_path: Path, store: Store, settings: Settings, police_profile: Path
) -> None:
    if store.dialect != "postgresql":
        return
    police, hotline, hot_profile = _files(tmp_path)
    ingest_file(store, settings, police, police_profile, progress=False)
    # what a bulk load killed before its end leaves behind: keys dropped, or one added back
    # but not validated yet
    dropped = store.drop_foreign_keys(["incidents", "incident_categories"])
    assert set(dropped) == _declared_keys() and not _foreign_keys(store)
    with store.begin() as c:
        c.execute(
            sa.text(
                "ALTER TABLE incidents ADD CONSTRAINT fk_incidents_source_id_sources "
                "FOREIGN KEY (source_id) REFERENCES sources (id) NOT VALID"
            )
        )
    report = ingest_file(store, settings, hotline, hot_profile, progress=False)
    assert report.duplicates_linked >= ROWS // 3
    assert _foreign_keys(store) == dict.fromkeys(_declared_keys(), True)
    # and they hold: an incident of an unknown batch is refused
    with store.begin() as c, pytest.raises(sa.exc.IntegrityError):
        c.execute(sa.text("UPDATE incidents SET batch_id = 999999 WHERE id = 1"))
