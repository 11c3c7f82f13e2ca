"""The emerging-threats page in a real browser (Debian's chromium via Playwright), in Arabic."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.report._series import add_series, demo_series

from marsad.config import Settings
from marsad.report._data import clear_cache
from marsad.store import Store
from marsad.web import add_user, create_app

from .conftest import PASSWORD, SECRET, serve
from .test_browser import ARTEFACTS, CHROMIUM

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"),
]

# x of the first character of each number inside the growth cell, in reading order
_POSITIONS = """cell => {
  const walk = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
  let text = walk.nextNode();
  while (text && !/\\d/.test(text.data)) text = walk.nextNode();
  const out = [];
  for (const m of text.data.matchAll(/[+-]\\d+/g)) {
    const r = document.createRange();
    r.setStart(text, m.index);
    r.setEnd(text, m.index + 1);
    out.push(r.getBoundingClientRect().left);
  }
  return out;
}"""


@pytest.fixture
def threat_server(sqlite_settings: Settings) -> Iterator[str]:
    clear_cache()
    settings = sqlite_settings.replace(session_secret=SECRET)
    store = Store.open(settings.db_url)
    add_series(store, demo_series(surge=True))
    add_user(store, "vic", PASSWORD, "viewer")
    app = create_app(settings, store=store)
    with serve(app) as url:
        yield url
    store.close()


def test_arabic_threats_page_keeps_growth_and_interval_in_order(threat_server: str) -> None:
    from playwright.sync_api import sync_playwright

    ARTEFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.set_default_timeout(120_000)
            page.goto(threat_server + "/login")
            page.fill("input[name=username]", "vic")
            page.fill("input[name=password]", PASSWORD)
            page.click("form.login button[type=submit]")
            page.wait_for_url("**/indicators")
            page.goto(threat_server + "/threats?lang=ar")
            assert page.get_attribute("html", "dir") == "rtl"
            rows = page.locator("#threats-flagged tbody tr")
            assert rows.count() == 1
            assert page.locator("#threats-watch").count() == 0
            assert "sexual_deepfakes" not in page.inner_text("main")
            cell = rows.first.locator("td").nth(4)
            text = cell.inner_text().strip("\u2066\u2069 ")
            assert text.startswith("+") and "(" in text and "…" in text
            xs = cell.evaluate(_POSITIONS)
            # growth, lower bound, upper bound: drawn left to right in an RTL page
            assert len(xs) == 3 and xs[0] < xs[1] < xs[2], xs
            page.screenshot(path=str(ARTEFACTS / "dashboard-threats-ar.png"), full_page=True)
        finally:
            browser.close()
