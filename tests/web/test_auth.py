from __future__ import annotations

import pytest
from sqlalchemy import select

from marsad.config import Settings
from marsad.errors import ConfigError
from marsad.store import tables
from marsad.web import AuthError, add_user, authenticate, create_app, create_token, user_for_token

from .conftest import PASSWORD, csrf_of, login


def test_passwords_are_argon2id_and_tokens_stored_hashed(app_store, tokens) -> None:
    _, store = app_store
    with store.connect() as c:
        hashes = [r.password_hash for r in c.execute(select(tables.users.c.password_hash))]
        stored = [r.token_hash for r in c.execute(select(tables.api_tokens.c.token_hash))]
    assert hashes and all(h.startswith("$argon2id$") for h in hashes)
    assert PASSWORD not in "".join(hashes)
    assert tokens.viewer not in stored and all(len(h) == 64 for h in stored)
    assert authenticate(store, "vic", PASSWORD).role == "viewer"
    assert authenticate(store, "vic", "wrong password!") is None
    assert authenticate(store, "nobody", PASSWORD) is None
    assert user_for_token(store, tokens.analyst).username == "ana"
    assert user_for_token(store, tokens.analyst + "x") is None


def test_add_user_refuses_bad_input(app_store) -> None:
    _, store = app_store
    with pytest.raises(AuthError, match="at least 10"):
        add_user(store, "bob", "short", "viewer")
    with pytest.raises(AuthError, match="not one of"):
        add_user(store, "bob", PASSWORD, "superuser")
    with pytest.raises(AuthError, match="letters, digits"):
        add_user(store, "b o b", PASSWORD, "viewer")
    add_user(store, "bob", PASSWORD, "viewer")
    with pytest.raises(AuthError, match="already exists"):
        add_user(store, "bob", PASSWORD, "viewer")
    with pytest.raises(Exception, match="No user named"):
        create_token(store, "ghost")


@pytest.mark.parametrize("secret", [None, "changeme", "short"])
def test_create_app_refuses_missing_or_weak_session_secret(
    sqlite_settings: Settings, secret
) -> None:
    with pytest.raises(ConfigError, match="SESSION_SECRET"):
        create_app(sqlite_settings.replace(session_secret=secret))


def test_login_sets_secure_session_cookie_and_needs_csrf(client, tokens) -> None:
    r = client.get("/indicators", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login?next=/indicators")
    page = client.get("/login")
    cookie = page.headers["set-cookie"].lower()
    assert (
        "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie
    )  # http on 127.0.0.1
    bad = client.post(
        "/login",
        data={"username": "ana", "password": PASSWORD, "csrf": "forged"},
        follow_redirects=False,
    )
    assert bad.status_code == 403
    wrong = client.post(
        "/login", data={"username": "ana", "password": "nope nope nope", "csrf": csrf_of(page.text)}
    )
    assert wrong.status_code == 401
    login(client, "ana")
    assert client.get("/indicators").status_code == 200


def test_cookie_is_secure_off_loopback(app_store, tokens) -> None:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient
    app, _ = app_store
    with TestClient(app, base_url="https://marsad.example.org") as c:
        assert "secure" in c.get("/login").headers["set-cookie"].lower()


def test_session_cannot_post_to_api_without_csrf_header(client, tokens) -> None:
    login(client, "ana")
    assert client.get("/api/v1/me").json() == {"username": "ana", "role": "analyst"}
    r = client.post("/api/v1/detect", json={"text": "hello"})
    assert r.status_code == 403 and r.json()["error"]["code"] == "auth.csrf"


def test_logout_ends_session(client, tokens) -> None:
    login(client, "vic")
    page = client.get("/detect")
    r = client.post("/logout", data={"csrf": csrf_of(page.text)}, follow_redirects=False)
    assert r.status_code == 303
    assert client.get("/detect", follow_redirects=False).status_code == 303
