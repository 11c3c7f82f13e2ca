"""`legal check`: each kind of error is caught and named by file, provision, article, field."""

from __future__ import annotations

from typing import Any

import pytest

from marsad.errors import LegalDataError
from marsad.legal import check_files, load_provisions

from .conftest import WriteFn, instrument, provision

GOOD_COVER = [{"category": "threats", "elements": ["threat_of_violence"]}]


def _one(report: Any) -> Any:
    assert len(report.issues) == 1, [str(i) for i in report.issues]
    return report.issues[0]


def _check(write: WriteFn, provs: list[dict[str, Any]], **inst: Any) -> Any:
    path = write("mine.yaml", instrument("mine", "national", "national", provs, **inst))
    return path, check_files([path], include_shipped=False)


def test_valid_user_file(write: WriteFn) -> None:
    _, report = _check(write, [provision("1", GOOD_COVER)])
    assert report.ok and report.provisions == 1


def test_unknown_category(write: WriteFn) -> None:
    path, report = _check(
        write,
        [
            provision("1", GOOD_COVER),
            provision("2", [{"category": "cyberbullying", "elements": ["x"]}]),
        ],
    )
    issue = _one(report)
    assert issue.code == "legal.unknown_category"
    assert issue.provision == 2 and issue.article == "2" and issue.field == "covers[0].category"
    text = str(issue)
    assert str(path) in text and "provision 2 (article 2)" in text and "cyberbullying" in text


def test_missing_source(write: WriteFn) -> None:
    _, report = _check(write, [provision("7", GOOD_COVER, sources=None)])
    issue = _one(report)
    assert (issue.code, issue.field, issue.article) == ("legal.missing_source", "sources", "7")


def test_missing_status(write: WriteFn) -> None:
    _, report = _check(write, [provision("7", GOOD_COVER, article_status=None)])
    issue = _one(report)
    assert (issue.code, issue.field) == ("legal.missing_status", "article_status")


def test_missing_penalty_status(write: WriteFn) -> None:
    _, report = _check(write, [provision("7", GOOD_COVER, penalty={"prison_months": [1, 6]})])
    assert _one(report).field == "penalty_status"


def test_duplicate_article(write: WriteFn) -> None:
    _, report = _check(write, [provision("9", GOOD_COVER), provision("9", GOOD_COVER)])
    issue = _one(report)
    assert issue.code == "legal.duplicate_article" and issue.provision == 2
    assert "'9' already appears in instrument 'mine'" in issue.message


def test_duplicate_allowed_with_replace(write: WriteFn) -> None:
    _, report = _check(
        write, [provision("9", GOOD_COVER), provision("9", GOOD_COVER, replace=True)]
    )
    assert report.ok and report.provisions == 1


@pytest.mark.parametrize("bad", ["12/09/2018", "2018-13-01", "2018-02-30", "soon"])
def test_bad_dates(write: WriteFn, bad: str) -> None:
    _, report = _check(
        write, [provision("3", GOOD_COVER, in_force=bad, in_force_status="VERIFIED")]
    )
    issue = _one(report)
    assert (issue.code, issue.field) == ("legal.bad_date", "in_force") and bad in issue.message


def test_bad_date_in_instrument_status(write: WriteFn) -> None:
    _, report = _check(
        write,
        [provision("3", GOOD_COVER)],
        morocco={
            "status": "signed",
            "dates": {"signed": "25/10/2025"},
            "sources": ["s"],
            "verification": "VERIFIED",
        },
    )
    issue = _one(report)
    assert issue.field == "instrument.morocco.dates.signed" and issue.provision is None


def test_unknown_instrument(write: WriteFn) -> None:
    path = write(
        "edit.yaml", {"extends": "ma_penal_codex", "provisions": [provision("1", GOOD_COVER)]}
    )
    issue = _one(check_files([path]))
    assert issue.code == "legal.unknown_instrument" and "ma_penal_codex" in issue.message
    assert issue.file == str(path)


def test_user_edit_extends_shipped_instrument(write: WriteFn) -> None:
    path = write(
        "edit.yaml", {"extends": "ma_penal_code", "provisions": [provision("999-9", GOOD_COVER)]}
    )
    assert check_files([path]).ok
    corpus = load_provisions([path])
    assert corpus.provision("ma_penal_code:999-9").sources == ("source for 999-9",)


def test_user_edit_duplicating_shipped_article(write: WriteFn) -> None:
    path = write(
        "edit.yaml", {"extends": "ma_penal_code", "provisions": [provision("447-1", GOOD_COVER)]}
    )
    issue = _one(check_files([path]))
    assert issue.code == "legal.duplicate_article" and issue.article == "447-1"


@pytest.mark.parametrize(
    ("field", "value", "where"),
    [
        ("electronic", "sometimes", "electronic"),
        ("kind", "crime", "kind"),
        ("article_status", "PROBABLY", "article_status"),
    ],
)
def test_bad_enum_values(write: WriteFn, field: str, value: str, where: str) -> None:
    _, report = _check(write, [provision("5", GOOD_COVER, **{field: value})])
    issue = _one(report)
    assert issue.code == "legal.bad_enum" and issue.field == where and value in issue.message


def test_bad_reading_limit_and_element(write: WriteFn) -> None:
    covers = [{"category": "threats", "elements": ["threat_of_violence"], "reading": "maybe"}]
    _, report = _check(write, [provision("5", covers)])
    assert _one(report).field == "covers[0].reading"
    covers = [{"category": "threats", "elements": ["threat_of_violence"], "limits": ["huge"]}]
    _, report = _check(write, [provision("5", covers)])
    assert _one(report).field == "covers[0].limits"
    covers = [{"category": "threats", "elements": ["stalking"]}]
    _, report = _check(write, [provision("5", covers)])
    issue = _one(report)
    assert issue.code == "legal.unknown_element" and "'stalking'" in issue.message


def test_bad_morocco_status_and_yaml(write: WriteFn) -> None:
    _, report = _check(
        write,
        [provision("1", GOOD_COVER)],
        morocco={"status": "acceded", "sources": ["s"], "verification": "VERIFIED"},
    )
    assert _one(report).field == "instrument.morocco.status"
    path = write("broken.yaml", "instrument: [unclosed\n")
    issue = _one(check_files([path], include_shipped=False))
    assert issue.code == "legal.yaml" and issue.file == str(path)


def test_load_raises_with_every_issue(write: WriteFn) -> None:
    path = write(
        "mine.yaml",
        instrument(
            "mine", "national", "national", [provision("1", GOOD_COVER, sources=None, kind="x")]
        ),
    )
    with pytest.raises(LegalDataError) as exc:
        load_provisions([path], include_shipped=False)
    assert "sources" in exc.value.message and "kind" in exc.value.message
    assert exc.value.context["count"] == 2
