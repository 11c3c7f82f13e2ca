"""The quarantine review page offers every status as a filter, 'superseded' included."""

from __future__ import annotations

from sqlalchemy import update
from tests.web.conftest import login

from marsad.store import tables


def test_quarantine_page_filters_superseded_entries(client, tokens, seeded, app_store) -> None:
    _, store = app_store
    login(client, "ana")
    page = client.get("/quarantine")
    assert page.status_code == 200
    assert 'href="/quarantine?status=superseded"' in page.text
    assert "Superseded" in page.text or "Remplacée" in page.text or "superseded" in page.text
    with store.begin() as c:
        c.execute(
            update(tables.quarantine)
            .where(tables.quarantine.c.id == seeded["quarantine"])
            .values(status="superseded")
        )
    assert "1O" not in client.get("/quarantine?status=open").text
    assert "1O" in client.get("/quarantine?status=superseded").text
