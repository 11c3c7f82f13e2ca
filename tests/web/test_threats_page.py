"""The dashboard's emerging-threats page: flagged series only, taxonomy labels, bidi-safe numbers."""

from __future__ import annotations

import html as htmllib
import re

from tests.report._series import add_series, demo_series

from marsad.report._data import clear_cache
from marsad.taxonomy import load_taxonomy

from .conftest import login


def _text(page: str) -> str:
    page = re.sub(r"<svg.*?</svg>", "", page, flags=re.S)
    return htmllib.unescape(re.sub(r"<[^>]+>", " ", page))


def test_threats_page_says_when_nothing_is_flagged(client, tokens, app_store) -> None:
    _, store = app_store
    clear_cache()
    add_series(store, demo_series(surge=False))
    login(client, "vic")
    page = client.get("/threats?lang=fr")
    assert page.status_code == 200
    text = _text(page.text)
    assert "2 séries testées, 0 signalées" in text
    assert "Aucune série n'est signalée" in text
    assert 'id="threats-flagged"' not in page.text
    watch = text.split("Plus forte croissance, non signalées")[1]
    tax = load_taxonomy()
    assert tax.label("categories", "virtual_sexual_assault", "fr") in watch
    assert tax.label("spaces", "virtual_world", "fr") in watch
    for code in ("virtual_sexual_assault", "virtual_world", "sextortion", "social_network"):
        assert code not in text, code


def test_threats_page_lists_flagged_series_with_labels(client, tokens, app_store) -> None:
    _, store = app_store
    clear_cache()
    add_series(store, demo_series(surge=True))
    login(client, "vic")
    page = client.get("/threats?lang=ar")
    text = _text(page.text)
    assert 'id="threats-flagged"' in page.text and 'id="threats-watch"' not in page.text
    flagged = page.text.split('id="threats-flagged"')[1].split("</table>")[0]
    tax = load_taxonomy()
    assert tax.label("categories", "sexual_deepfakes", "ar") in flagged
    assert tax.label("spaces", "messaging", "ar") in flagged
    assert tax.label("categories", "sextortion", "ar") not in flagged
    assert "sexual_deepfakes" not in text and "messaging" not in text
    # growth with its interval is one isolated left-to-right run
    assert re.search(r'<bdi dir="ltr">\u2066\+\d+ % \(\+\d+ … \+\d+\)\u2069</bdi>', flagged)


def test_indicator_units_are_words(client, tokens, app_store) -> None:
    _, store = app_store
    clear_cache()
    add_series(store, demo_series(surge=False))
    login(client, "vic")
    page = client.get("/indicators?lang=fr&indicator=incidents_recorded")
    assert page.status_code == 200
    cells = re.findall(r"<td>([^<]*)</td>\s*</tr>", page.text)  # the unit is the last cell
    assert cells and set(cells) == {"nombre"}, cells
