"""``ingest_file``: read, validate, scrub, pseudonymise and store one source file.

Crash safety and idempotence
----------------------------
1. A first streaming pass computes the file's SHA-256. An import batch is identified by
   (SHA-256, profile id and version): a batch already ``complete`` is not imported again.
2. Rows are written in chunks; each chunk's records, quarantined rows and the batch's counters
   are committed in **one** transaction. After a crash the batch (status ``running``) says
   exactly how many rows are safely stored, and running the same import again resumes after
   them. Records are also unique per (source, record key), so nothing is ever stored twice.
3. De-duplication across sources and the ``complete`` status are committed together at the end.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import queue
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from sqlalchemy import Connection, exists, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from marsad.config import Settings
from marsad.errors import IngestError, MarsadError
from marsad.ingest._convert import Records, RowIssue, RowPlan
from marsad.ingest._dedup import link_duplicates
from marsad.ingest._profile import Profile, load_profile
from marsad.ingest._pseudonym import Pseudonymiser
from marsad.ingest._readers import inspect_file, open_rows
from marsad.ingest._targets import TARGETS
from marsad.ingest._writer import Method, Writer
from marsad.store import Store, utcnow
from marsad.store import tables as s

__all__ = ["ImportReport", "ingest_file"]

DEFAULT_CHUNK = 10_000
REBUILD_INDEXES_FROM = 50_000


@dataclass(frozen=True)
class ImportReport:
    """What one import did.

    Attributes
    ----------
    rows_read
        Data rows read from the file (blank rows are not counted).
    accepted
        Rows stored in the target table.
    quarantined
        Rows stored in ``quarantine`` with their errors instead.
    skipped_existing
        Valid rows whose record was already in the store (same source and record key).
    duplicates_linked
        Cross-source duplicate links created for this batch's incidents.
    already_imported
        True when this file had already been imported with this profile: nothing was done.
    resumed
        True when this run completed an interrupted import of the same file.
    errors
        The first few error messages (already scrubbed; safe to show).
    quarantine_fixed, quarantine_superseded
        Open quarantine entries of earlier batches of the source that this batch closed: the
        record is now accepted (``fixed``) or quarantined again (``superseded``).
    quarantine_open
        Open quarantine entries of the source after this import (all its batches).
    """

    batch_id: int
    file: str
    profile: str
    target: str
    source: str
    rows_read: int
    accepted: int
    quarantined: int
    skipped_existing: int
    duplicates_linked: int
    already_imported: bool
    resumed: bool = False
    errors: tuple[str, ...] = ()
    encoding: str | None = None
    delimiter: str | None = None
    seconds: float = 0.0
    quarantine_fixed: int = 0
    quarantine_superseded: int = 0
    quarantine_open: int = 0


def ingest_file(
    store: Store,
    settings: Settings,
    path: str | Path,
    profile: str | Path | Profile,
    *,
    progress: bool | None = None,
    dedup_window_days: int = 30,
    chunk_size: int = DEFAULT_CHUNK,
    console: Console | None = None,
    method: Method = "auto",
    rebuild_indexes_from: int = REBUILD_INDEXES_FROM,
) -> ImportReport:
    """Import one file into ``store`` following ``profile`` (a shipped id, a path or a Profile).

    Parameters
    ----------
    progress
        Show a progress bar on stderr: None (default) shows it only when stderr is a terminal.
    dedup_window_days
        Largest gap between incident dates of two reports of the same incident.
    chunk_size
        Rows per transaction.
    method
        How rows are written: ``auto`` (COPY on PostgreSQL, executemany on SQLite),
        ``executemany`` or ``copy``.
    rebuild_indexes_from
        A file estimated to hold at least this many rows, and at least half as many as the
        target table already holds, is loaded with the table's non-unique indexes dropped and
        built again once at the end (before de-duplication), which is much faster than
        maintaining them row by row. On PostgreSQL the foreign keys of the tables it writes
        are dropped too and added back (and checked over every row, once) at the end. An
        interrupted load is repaired by the next import of any file.

    Raises
    ------
    ProfileError
        The profile is invalid (before anything is read).
    IngestError
        The file cannot be read at all (missing, wrong format, a named column is absent...).
    ConfigError
        No pseudonymisation key is configured.
    """
    started = time.perf_counter()
    prof = load_profile(profile)
    file = Path(path)
    pseudo = Pseudonymiser(settings.get_pseudonym_key())
    info = inspect_file(file, prof.format)
    reader = open_rows(file, info, prof.format, prof.columns)
    held = contextlib.ExitStack()
    try:
        if not held.enter_context(store.try_lock(f"marsad.ingest:{info.sha256}:{prof.key}")):
            raise IngestError(
                f"{file.name} is being imported with profile {prof.id} by another process right "
                "now; wait for it to finish (running the same import again afterwards is safe).",
                code="ingest.busy",
                file=file.name,
                profile=prof.id,
            )
        plan = RowPlan(prof, reader, pseudo, file.name)
        source_id = store.ensure_source(prof.source.code, prof.source.name, prof.source.kind)
        batch, resumed = _open_batch(store, source_id, file.name, info.sha256, prof.key)
        if batch.status == "complete":
            return _report(store, batch.id, file, prof, already=True, started=started)
        table = TARGETS[prof.target].table
        writer = Writer(store, table, batch.id, source_id, method)
        skip = int(batch.rows_read)
        resolve = prof.record_id is not None and _has_open_keyed(store, source_id, batch.id)
        show = sys.stderr.isatty() if progress is None else progress
        # the tables a load writes into: their foreign keys are dropped during a bulk load
        keyed = [table.name] + (["incident_categories"] if prof.target == "incidents" else [])
        try:
            # an earlier bulk load may have been interrupted
            store.restore_indexes(table.name)
            store.restore_foreign_keys(keyed)
            bulk = _run(
                store,
                plan,
                reader,
                writer,
                batch.id,
                skip,
                chunk_size,
                show,
                console,
                file.name,
                rebuild_indexes_from,
                resolve,
                keyed,
            )
            store.restore_indexes(table.name)
            store.restore_foreign_keys(keyed)
            if bulk:  # the planner's statistics predate the load: de-duplication needs new ones
                store.analyze(table.name)
            with store.begin() as conn:
                linked = 0
                if prof.target == "incidents":
                    linked = link_duplicates(conn, batch.id, dedup_window_days)
                conn.execute(
                    update(s.import_batches)
                    .where(s.import_batches.c.id == batch.id)
                    .values(
                        status="complete",
                        finished_at=utcnow(),
                        rows_duplicate=s.import_batches.c.rows_duplicate + linked,
                    )
                )
        except BaseException as exc:
            _mark_failed(store, batch.id, exc)
            raise
    finally:
        held.close()
        reader.close()
    return _report(
        store,
        batch.id,
        file,
        prof,
        resumed=resumed,
        started=started,
        encoding=reader.encoding,
        delimiter=reader.delimiter,
    )


def _run(
    store: Store,
    plan: RowPlan,
    reader: Any,
    writer: Writer,
    batch_id: int,
    skip: int,
    chunk_size: int,
    show: bool,
    console: Console | None,
    name: str,
    rebuild_indexes_from: int,
    resolve: bool = False,
    keyed: list[str] | None = None,
) -> bool:
    """Store the file's rows; True when it was a bulk load (indexes dropped and rebuilt).

    ``resolve``: earlier batches of the source have open quarantine entries with a record key,
    which this import's rows may fix or supersede (:func:`_resolve_quarantine`).
    """
    rows: Iterator[tuple[int, list[Any]]] = reader.rows
    if skip:
        for _ in itertools.islice(rows, skip):
            pass
    bar = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeRemainingColumn(),
        console=console or Console(stderr=True),
        disable=not show,
        transient=True,
    )
    # The file is read and converted here while a writer thread stores the previous chunk: the
    # database's work (COPY, index maintenance, commit) overlaps with the conversion, which holds
    # the GIL only between database calls. Chunks are committed one by one in file order, each
    # with its counters, so an interruption still leaves whole chunks only.
    pending: queue.Queue[tuple[Records, list[dict[str, Any]], int, Any] | None] = queue.Queue(
        maxsize=2
    )
    failure: list[BaseException] = []

    def store_chunks() -> None:
        while True:
            item = pending.get()
            if item is None or failure:
                return
            records, bad, count, now = item
            try:
                with _gc_paused():
                    _store_chunk(store, writer, batch_id, records, bad, count, now, resolve)
            except BaseException as exc:  # re-raised by the reading thread
                failure.append(exc)
                return

    thread = threading.Thread(target=store_chunks, name="marsad-ingest-writer", daemon=True)
    thread.start()
    first = True
    bulk = False
    try:
        with bar:
            task = bar.add_task(name, total=reader.total)
            while not failure:
                with _gc_paused():
                    chunk = list(itertools.islice(rows, chunk_size))
                    if not chunk:
                        break
                    now = utcnow()
                    records, invalid = plan.convert_many(chunk)
                    bad = [
                        _quarantine_row(batch_id, n, plan.safe_raw(values), issues, now, key)
                        for n, values, issues, key in invalid
                    ]
                if first:  # the writer is idle until the first chunk is queued
                    first = False
                    bulk = _maybe_drop_indexes(
                        store, writer, reader, len(chunk), rebuild_indexes_from, keyed or []
                    )
                while thread.is_alive():
                    try:
                        pending.put((records, bad, len(chunk), now), timeout=0.5)
                        break
                    except queue.Full:
                        continue
                bar.update(task, completed=reader.position())
    finally:
        if thread.is_alive():
            if sys.exc_info()[0] is not None:  # interrupted here: drop what is not stored yet
                failure.append(RuntimeError("interrupted"))
                with contextlib.suppress(queue.Empty):
                    while True:
                        pending.get_nowait()
            while thread.is_alive():
                try:
                    pending.put(None, timeout=0.5)
                    break
                except queue.Full:
                    continue
            thread.join()
    if failure:
        raise failure[0]
    return bulk


_gc_lock = threading.Lock()
_gc_holders = 0
_gc_was_enabled = True


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while a chunk is read and converted, or stored.

    A chunk allocates hundreds of thousands of lists, tuples and dictionaries, none of them in
    reference cycles; each allocation burst would otherwise start collections that walk every
    live container (about a fifth of the conversion time). The collector is enabled again when
    no chunk is being handled (unless it was off already), so at most a chunk's cycles wait
    for it. The reading and the writing threads (and concurrent imports) share one count.
    """
    global _gc_holders, _gc_was_enabled
    with _gc_lock:
        if _gc_holders == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_holders += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_holders -= 1
            if _gc_holders == 0 and _gc_was_enabled:
                gc.enable()


def _maybe_drop_indexes(
    store: Store, writer: Writer, reader: Any, first_chunk: int, threshold: int, keyed: list[str]
) -> bool:
    total, done = reader.total, reader.position()
    expected = first_chunk if not total or not done else int(first_chunk * total / done)
    if expected < threshold:
        return False
    if 2 * expected >= store.count(writer.table.name):
        store.drop_secondary_indexes(writer.table.name)
        store.drop_foreign_keys(keyed)  # PostgreSQL only: one trigger query per row otherwise
        return True
    return False


def _store_chunk(
    store: Store,
    writer: Writer,
    batch_id: int,
    records: Records,
    bad: list[dict[str, Any]],
    count: int,
    now: Any,
    resolve: bool = False,
) -> None:
    """One chunk's records, quarantined rows, counters and the quarantine entries they fix or
    supersede, in one transaction."""
    fixed = (
        [k for k in records.column("record_key") if k is not None]
        if resolve and "record_key" in records.names
        else []
    )
    with store.begin() as conn:
        accepted = writer.write(conn, records, now) if records else 0
        if resolve:
            again = [k for q in bad if (k := q["record_key"]) is not None]
            _resolve_quarantine(conn, writer.source_id, batch_id, fixed, "fixed")
            _resolve_quarantine(conn, writer.source_id, batch_id, again, "superseded")
        if bad:
            conn.execute(insert(s.quarantine), bad)
        conn.execute(
            update(s.import_batches)
            .where(s.import_batches.c.id == batch_id)
            .values(
                rows_read=s.import_batches.c.rows_read + count,
                rows_accepted=s.import_batches.c.rows_accepted + accepted,
                rows_quarantined=s.import_batches.c.rows_quarantined + len(bad),
            )
        )


def _quarantine_row(
    batch_id: int,
    n: int,
    raw: dict[str, Any],
    issues: list[RowIssue],
    now: Any,
    key: str | None = None,
) -> dict[str, Any]:
    return {
        "batch_id": batch_id,
        "row_number": n,
        "raw": raw,
        "errors": [i.as_dict() for i in issues],
        "status": "open",
        "created_at": now,
        "record_key": key,
        "resolved_batch_id": None,
    }


_KEYS_PER_STATEMENT = 5000  # well under SQLite's 32,766 bound parameters


def _has_open_keyed(store: Store, source_id: int, batch_id: int) -> bool:
    """Whether another batch of the source left open quarantine entries with a record key
    (when none did, which is the usual case, the chunks skip the look-ups)."""
    q, b = s.quarantine, s.import_batches
    with store.connect() as conn:
        return bool(
            conn.execute(
                select(
                    exists().where(
                        q.c.status == "open",
                        q.c.record_key.is_not(None),
                        q.c.batch_id != batch_id,
                        q.c.batch_id.in_(select(b.c.id).where(b.c.source_id == source_id)),
                    )
                )
            ).scalar_one()
        )


def _resolve_quarantine(
    conn: Connection, source_id: int, batch_id: int, keys: list[str], status: str
) -> None:
    """Close the open entries of earlier batches of the source whose record key is in
    ``keys``: ``fixed`` (this batch accepted the record) or ``superseded`` (this batch
    quarantined it again, so only the newest entry stays open)."""
    q, b = s.quarantine, s.import_batches
    ordered = sorted(set(keys))  # a stable order: concurrent imports lock rows alike
    for i in range(0, len(ordered), _KEYS_PER_STATEMENT):
        conn.execute(
            update(q)
            .where(
                q.c.status == "open",
                q.c.record_key.in_(ordered[i : i + _KEYS_PER_STATEMENT]),
                q.c.batch_id != batch_id,
                q.c.batch_id.in_(select(b.c.id).where(b.c.source_id == source_id)),
            )
            .values(status=status, resolved_batch_id=batch_id)
        )


@dataclass(frozen=True)
class _Batch:
    id: int
    status: str
    rows_read: int


def _open_batch(store: Store, source_id: int, name: str, sha: str, key: str) -> tuple[_Batch, bool]:
    b = s.import_batches
    for _ in range(2):
        with store.begin() as conn:
            row = conn.execute(
                select(b.c.id, b.c.status, b.c.rows_read).where(
                    b.c.sha256 == sha, b.c.profile == key
                )
            ).first()
            if row is not None:
                if row.status != "complete":
                    conn.execute(
                        update(b).where(b.c.id == row.id).values(status="running", message=None)
                    )
                return _Batch(int(row.id), row.status, int(row.rows_read)), row.status != "complete"
        try:
            with store.begin() as conn:
                result = conn.execute(
                    insert(b).values(
                        source_id=source_id,
                        file_name=name[:500],
                        sha256=sha,
                        profile=key,
                        status="running",
                        rows_read=0,
                        rows_accepted=0,
                        rows_quarantined=0,
                        rows_duplicate=0,
                        started_at=utcnow(),
                    )
                )
                new_id = result.inserted_primary_key[0]  # type: ignore[index]
            return _Batch(int(new_id), "running", 0), False
        except IntegrityError:  # another process created it meanwhile
            continue
    raise MarsadError(f"Could not open an import batch for {name}.", code="ingest.error")


def _mark_failed(store: Store, batch_id: int, exc: BaseException) -> None:
    message = exc.message if isinstance(exc, MarsadError) else type(exc).__name__
    try:
        with store.begin() as conn:
            conn.execute(
                update(s.import_batches)
                .where(s.import_batches.c.id == batch_id)
                .values(status="failed", message=str(message)[:2000])
            )
    except Exception:  # the store itself may be what failed; the batch stays 'running'
        pass


def _report(
    store: Store,
    batch_id: int,
    file: Path,
    prof: Profile,
    *,
    already: bool = False,
    resumed: bool = False,
    started: float,
    encoding: str | None = None,
    delimiter: str | None = None,
) -> ImportReport:
    b = s.import_batches
    with store.connect() as conn:
        row = conn.execute(select(b).where(b.c.id == batch_id)).one()
        errors = _first_errors(conn, batch_id)
        q = s.quarantine
        closed: dict[str, int] = {
            str(status): int(n)
            for status, n in conn.execute(
                select(q.c.status, func.count())
                .where(q.c.resolved_batch_id == batch_id)
                .group_by(q.c.status)
            )
        }
        still_open = conn.execute(
            select(func.count())
            .select_from(q)
            .where(
                q.c.status == "open",
                q.c.batch_id.in_(select(b.c.id).where(b.c.source_id == row.source_id)),
            )
        ).scalar_one()
    return ImportReport(
        batch_id=batch_id,
        file=file.name,
        profile=prof.id,
        target=prof.target,
        source=prof.source.code,
        rows_read=int(row.rows_read),
        accepted=int(row.rows_accepted),
        quarantined=int(row.rows_quarantined),
        skipped_existing=int(row.rows_read - row.rows_accepted - row.rows_quarantined),
        duplicates_linked=int(row.rows_duplicate),
        already_imported=already,
        resumed=resumed,
        errors=errors,
        encoding=encoding,
        delimiter=delimiter,
        seconds=time.perf_counter() - started,
        quarantine_fixed=int(closed.get("fixed", 0)),
        quarantine_superseded=int(closed.get("superseded", 0)),
        quarantine_open=int(still_open),
    )


def _first_errors(conn: Connection, batch_id: int, limit: int = 5) -> tuple[str, ...]:
    q = s.quarantine
    out: list[str] = []
    for (errors,) in conn.execute(
        select(q.c.errors).where(q.c.batch_id == batch_id).order_by(q.c.id).limit(limit)
    ):
        out.extend(e["message"] for e in errors)
    return tuple(out[:limit])
