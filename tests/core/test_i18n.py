from __future__ import annotations

from marsad.i18n import LANGUAGES, direction, messages, t


def test_every_key_exists_in_every_language() -> None:
    keys = {lang: set(messages(lang)) for lang in LANGUAGES}
    for lang in LANGUAGES:
        missing = keys["en"] - keys[lang]
        assert not missing, f"{lang} lacks {sorted(missing)[:10]}"


def test_format_and_fallback() -> None:
    assert "/tmp/k" in t("core.key_created", "fr", path="/tmp/k")
    assert t("no.such.key", "ar") == "no.such.key"
    assert direction("ar") == "rtl" and direction("fr") == "ltr"
