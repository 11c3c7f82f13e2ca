"""The dashboard in a real browser: Debian's chromium driven by Playwright (never downloaded)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from marsad.config import Settings
from marsad.store import Store
from marsad.web import add_user, create_app

from .conftest import PASSWORD, SECRET, seed, serve

CHROMIUM = "/usr/bin/chromium"
ARTEFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"),
]


@pytest.fixture
def server(sqlite_settings: Settings) -> Iterator[str]:
    settings = sqlite_settings.replace(session_secret=SECRET)
    store = Store.open(settings.db_url)
    seed(store)
    add_user(store, "ana", PASSWORD, "analyst")
    app = create_app(settings, store=store)
    with serve(app) as url:
        yield url
    store.close()


def test_dashboard_login_filter_chart_arabic_detect(server: str) -> None:
    from playwright.sync_api import sync_playwright

    ARTEFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.set_default_timeout(120_000)
            page.goto(server + "/indicators")
            assert page.url.startswith(server + "/login")
            assert page.get_attribute("html", "lang") == "fr"  # French by default
            page.fill("input[name=username]", "ana")
            page.fill("input[name=password]", PASSWORD)
            page.click("form.login button[type=submit]")
            page.wait_for_url("**/indicators")
            page.select_option("select[name=space]", "social_network")
            page.click("#filters button[type=submit]")
            page.wait_for_url("**space=social_network**")
            assert page.locator("select[name=space]").input_value() == "social_network"
            if page.locator(".unavailable").count() == 0:
                assert page.locator("#indicator-chart svg").count() == 1  # the chart is drawn
            page.screenshot(path=str(ARTEFACTS / "dashboard-indicators.png"), full_page=True)
            page.click("a[lang=ar]")
            page.wait_for_url("**lang=ar**")
            assert page.get_attribute("html", "dir") == "rtl"
            assert page.get_attribute("html", "lang") == "ar"
            page.screenshot(path=str(ARTEFACTS / "dashboard-indicators-ar.png"), full_page=True)
            page.goto(server + "/detect")
            assert page.get_attribute("html", "dir") == "rtl"  # the language stays in the session
            text = "Si tu ne paies pas je publie tes photos intimes partout."
            page.fill("textarea[name=text]", text)
            page.click("form.detect button[type=submit]")
            page.wait_for_selector("#detect-result, .unavailable")
            if page.locator("#detect-result").count():
                marks = page.locator("#detect-result blockquote mark")
                assert marks.count() >= 1
                assert all(m in text for m in marks.all_inner_texts())
                assert (
                    marks.first.evaluate("e => getComputedStyle(e).backgroundColor")
                    != "rgba(0, 0, 0, 0)"
                )
            page.screenshot(path=str(ARTEFACTS / "dashboard-detect-ar.png"), full_page=True)
        finally:
            browser.close()
