"""The OpenAPI schema fuzzed with schemathesis, in process (ASGI), bounded examples."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, settings

from marsad.config import Settings
from marsad.store import Store
from marsad.web import add_user, create_app, create_token

from .conftest import PASSWORD, SECRET, seed


def _app(tmp: str):  # type: ignore[no-untyped-def]
    s = Settings.from_env(
        {}, data_dir=tmp, session_secret=SECRET, pseudonym_key="fuzz-key-0123456789abcdef"
    )
    store = Store.open(s.db_url)
    seed(store)
    add_user(store, "ada", PASSWORD, "admin")
    token = create_token(store, "ada")
    app = create_app(s, store=store)
    app.state.fuzz_token = token
    return app


_SKIP_POST = {"/api/v1/imports"}  # uploads are covered by test_api.py


def test_api_never_errors_and_keeps_one_error_shape(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from hypothesis import given

    app = _app(str(tmp_path))
    headers = {"Authorization": f"Bearer {app.state.fuzz_token}"}
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    seen = 0
    for result in schema.get_all_operations():
        op = result.ok()
        if op.method.upper() == "POST" and op.path in _SKIP_POST:
            continue

        @given(case=op.as_strategy())
        @settings(
            max_examples=6, deadline=None, suppress_health_check=list(HealthCheck), database=None
        )
        def run(case) -> None:  # type: ignore[no-untyped-def]
            response = case.call(headers=headers, timeout=180)
            assert response.status_code < 500, (case.method, case.path, response.text[:300])
            if response.status_code >= 400:
                body = response.json()
                assert set(body) == {"error"}, (case.method, case.path, body)
                assert set(body["error"]) == {"code", "message", "details"}

        run()
        seen += 1
    assert seen >= 15  # every route of the API was exercised
