"""Dashboard pages in French and Arabic name legal instruments, not their codes."""

from __future__ import annotations

import html as htmllib
import re

from .conftest import login

CODES = re.compile(r"\b(eu_vaw|budapest|uncc|lanzarote|uk_osa)\b")


def test_legal_page_names_instruments(client, tokens, seeded) -> None:
    from marsad.i18n import t

    login(client, "vic")
    for lang in ("fr", "ar"):
        page = client.get(f"/legal?lang={lang}")
        assert page.status_code == 200
        tables = re.findall(r"<table.*?</table>", page.text, flags=re.S)
        assert tables, "no gaps table"
        text = htmllib.unescape(re.sub(r"<[^>]+>", " ", tables[0]))
        assert not CODES.findall(text), CODES.findall(text)
        assert t("legal.framework.istanbul", lang) in text
        assert "\u066a" not in htmllib.unescape(page.text)  # '%', not the Arabic percent sign
