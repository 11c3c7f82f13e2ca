from __future__ import annotations

import hmac
from hashlib import sha256

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marsad.ingest import Pseudonymiser, normalise_identifier, scrub


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Appelle-moi au 06 12 34 56 78 stp", "Appelle-moi au [PHONE] stp"),
        ("num: 0612345678, 06.12.34.56.78, 07-12-34-56-78", "num: [PHONE], [PHONE], [PHONE]"),
        (
            "+212 6 12 34 56 78 / 00212612345678 / +212 (0)6 12 34 56 78",
            "[PHONE] / [PHONE] / [PHONE]",
        ),
        ("fixe 05 22 12 34 56, France +33 6 12 34 56 78", "fixe [PHONE], France [PHONE]"),
        ("رقمي ٠٦١٢٣٤٥٦٧٨ اتصلي بي", "رقمي [PHONE] اتصلي بي"),
        ("صيفطي ليا ف 0661234567 ولا غادي نفضحك", "صيفطي ليا ف [PHONE] ولا غادي نفضحك"),
        ("sift liya 3la 0661234567 wla ghadi nfda7k", "sift liya 3la [PHONE] wla ghadi nfda7k"),
        ("CIN BE123456 et cin ja98765, CNIE: AB 123456", "CIN [CIN] et cin [CIN], CNIE: [CIN]"),
        ("écris à Fatima.Z99@gmail.com ou x@y.ma.", "écris à [EMAIL] ou [EMAIL]."),
        ("voir https://instagram.com/fati_99?x=1. et www.site.ma", "voir [URL]. et [URL]"),
        ("lien bit.ly/3abcD envoyé", "lien [URL] envoyé"),
        ("suivez @fati_zahra99 sur insta", "suivez [HANDLE] sur insta"),
        ("RIB 011 780 0000123456789012 34 ok", "RIB [RIB] ok"),
        ("RIB 011780000012345678901234", "RIB [RIB]"),
        ("IBAN MA64 0117 8000 0012 3456 7890 1234", "IBAN [IBAN]"),
        # what must stay
        (
            "Elle avait 14 ans en 2023, le 12/03/2023 à 10h30, 1500 dirhams.",
            "Elle avait 14 ans en 2023, le 12/03/2023 à 10h30, 1500 dirhams.",
        ),
        (
            "wa 3afak sa7bi, ghadi nchouf m3ak f 7 dyal sba7",
            "wa 3afak sa7bi, ghadi nchouf m3ak f 7 dyal sba7",
        ),
        ("He threatened her on Roblox every day", "He threatened her on Roblox every day"),
    ],
)
def test_scrub_examples(text: str, expected: str) -> None:
    assert scrub(text) == expected


def test_names_from_name_columns_are_removed_as_words() -> None:
    text = "Salma Bennani a porté plainte; BENNANI l'a menacée. Salmane n'est pas concerné."
    assert scrub(text, ["Salma Bennani"]) == (
        "[NAME] a porté plainte; [NAME] l'a menacée. Salmane n'est pas concerné."
    )
    assert scrub("سلمى بناني تلقت تهديدات", ["سلمى بناني"]) == "[NAME] تلقت تهديدات"
    # parts shorter than 3 letters ("El") are not removed on their own
    assert scrub("El Amrani a reçu", ["Fatima El Amrani"]) == "El [NAME] a reçu"


_WORDS = st.lists(
    st.sampled_from(
        [
            "la",
            "victime",
            "reçoit",
            "des",
            "messages",
            "تهديد",
            "رسائل",
            "3la",
            "wa",
            "khouya",
            "the",
            "threats",
            "14",
            "ans",
            "2023",
            "!",
            ",",
            "menace",
        ]
    ),
    max_size=12,
).map(" ".join)
_SEPS = st.sampled_from(["", " ", ".", "-"])


@st.composite
def moroccan_phone(draw: st.DrawFn) -> tuple[str, str]:
    digits = draw(st.sampled_from("5678")) + "".join(
        draw(st.lists(st.sampled_from("0123456789"), min_size=8, max_size=8))
    )
    sep = draw(_SEPS)
    groups = [digits[0:1], digits[1:3], digits[3:5], digits[5:7], digits[7:9]]
    prefix = draw(st.sampled_from(["0", "+212 ", "+212", "00212", "+212 (0)"]))
    if prefix == "0":
        written = "0" + groups[0] + sep + sep.join(groups[1:])
    else:
        written = prefix + groups[0] + sep + sep.join(groups[1:])
    return written, "+212" + digits


@settings(max_examples=150, deadline=None)
@given(before=_WORDS, after=_WORDS, phone=moroccan_phone())
def test_any_written_phone_is_scrubbed_and_the_rest_kept(
    before: str, after: str, phone: tuple[str, str]
) -> None:
    written, canonical = phone
    out = scrub(f"{before} {written} {after}")
    assert out == f"{before} [PHONE] {after}"
    assert normalise_identifier("phone", written) == canonical


@settings(max_examples=100, deadline=None)
@given(
    before=_WORDS,
    after=_WORDS,
    user=st.from_regex(r"[a-z][a-z0-9._]{0,12}[a-z0-9]", fullmatch=True),
    domain=st.sampled_from(["gmail.com", "menara.ma", "yahoo.fr", "uni.ac.ma"]),
)
def test_any_email_is_scrubbed(before: str, after: str, user: str, domain: str) -> None:
    out = scrub(f"{before} {user}@{domain} {after}")
    assert out == f"{before} [EMAIL] {after}"


def test_pseudonyms_are_keyed_hmacs_of_normalised_values() -> None:
    key = b"test-pseudonym-key-0123456789abcdef"
    p = Pseudonymiser(key)
    forms = [
        "06 12 34 56 78",
        "+212612345678",
        "00212 6 12 34 56 78",
        "0612-345-678",
        "612345678",
        "٠٦١٢٣٤٥٦٧٨",
    ]
    assert {p("phone", f) for f in forms} == {
        hmac.new(key, b"phone:+212612345678", sha256).hexdigest()
    }
    assert p("cin", "be 123456") == p("cin", "BE123456")
    assert p("email", " Fatima@Gmail.com ") == p("email", "fatima@gmail.com")
    assert p("handle", "@Fati_99") == p("handle", "fati_99")
    assert p("phone", "0612345678") != Pseudonymiser(b"another-key-0123456789abcdef")(
        "phone", "0612345678"
    )
    assert p("phone", "0612345678") != p("id", "0612345678")  # the kind is part of the message
    assert "key" not in repr(p) or "***" in repr(p)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("اتصلت بي وسلمى كانت معي", "اتصلت بي و[NAME] كانت معي"),  # wa + name
        ("أرسل لسلمى صورا", "أرسل ل[NAME] صورا"),  # li + name
        ("يتحرش بسلمى يوميا", "يتحرش ب[NAME] يوميا"),  # bi + name
        ("عائلة البناني تشتكي", "عائلة ال[NAME] تشتكي"),  # al + family name
        ("وبالبناني ولسلمى بناني", "وبال[NAME] ول[NAME]"),  # combined proclitics, whole name
        ("سلمىات وبسلمى", "سلمىات وب[NAME]"),  # a longer word is not the name
        ("Salma, wSalma et lSalma", "[NAME], wSalma et lSalma"),  # Latin names: whole words only
    ],
)
def test_arabic_names_with_attached_proclitics_are_scrubbed(text: str, expected: str) -> None:
    name = "Salma" if text.startswith("Salma") else "سلمى بناني"
    assert scrub(text, [name]) == expected
