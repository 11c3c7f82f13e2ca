"""Detection on Spark (local[2]) gives exactly what the single-process detector gives.

Inputs are the labelled development texts and conversations of tests/detect/data (plus error
rows); the reference is :class:`marsad.detect.Detector` run in this process on the same rows.
"""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from marsad.detect import Detector, Turn
from marsad.detect.spark import (
    SparkDetectReport,
    detect_conversations,
    detect_messages,
    run_spark_detection,
)
from marsad.errors import DetectError

pytestmark = [
    pytest.mark.spark,
    pytest.mark.xdist_group("spark"),
    pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning"),
]

DATA = Path(__file__).resolve().parents[1] / "detect" / "data"


def _texts(n: int) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    for name in ("heldout.csv", "dev.csv"):
        with (DATA / name).open(encoding="utf-8") as f:
            rows += [(r["id"], r["text"]) for r in csv.DictReader(f)]
    random.Random(7).shuffle(rows)
    return rows[:n]


def _evidence(ev: Any) -> list[tuple[Any, ...]]:
    return [
        (e["category"], e["start"], e["end"], e["text"], e["rule"], e["weight"], e["turn"])
        for e in (ev if ev is not None else [])
    ]


def _map(value: Any) -> dict[str, float]:
    return dict(value) if not isinstance(value, dict) else value


def test_messages_on_spark_equal_the_single_process_detector(
    spark: Any, detector: Detector, tmp_path: Path
) -> None:
    sample = _texts(200)
    ids = [i for i, _ in sample] + ["e-empty", "e-blank", "e-null"]
    texts: list[str | None] = [t for _, t in sample] + ["", "   ", None]
    src = tmp_path / "in"
    src.mkdir()
    table = pa.table({"id": ids, "text": pa.array(texts, pa.string())})
    pq.write_table(table.slice(0, 100), src / "part-0.parquet")
    pq.write_table(table.slice(100), src / "part-1.parquet")

    report = run_spark_detection(src, tmp_path / "out", spark=spark, detector=detector)

    assert isinstance(report, SparkDetectReport)
    assert (report.mode, report.input_rows, report.rows, report.errors) == ("messages", 203, 203, 3)
    out = pq.read_table(tmp_path / "out").to_pylist()
    by_id = {r["id"]: r for r in out}
    assert sorted(by_id) == sorted(ids)
    harmful = 0
    for ident, text in sample:
        got = by_id[ident]
        want = detector.detect(text)
        harmful += want.harmful
        assert got["error"] is None
        assert got["harmful"] == want.harmful, ident
        assert got["categories"] == list(want.categories), ident
        assert _map(got["scores"]) == want.scores, ident
        assert (got["language"], got["languages"]) == (want.language, list(want.languages))
        assert (got["space"], got["platform"]) == (want.space, want.platform)
        assert _evidence(got["evidence"]) == [
            (e.category, e.start, e.end, e.text, e.rule, e.weight, e.turn) for e in want.evidence
        ], ident
        assert got["detector_version"] == detector.version
    assert harmful > 25 and report.harmful == harmful
    assert by_id["e-empty"]["error"] == "empty text" and by_id["e-empty"]["harmful"] is None
    assert by_id["e-blank"]["error"] == "empty text"
    assert by_id["e-null"]["error"] == "missing text"


def _conversation_rows() -> tuple[list[dict[str, Any]], dict[str, list[Turn]]]:
    rows: list[dict[str, Any]] = []
    turns: dict[str, list[Turn]] = {}
    for line in (DATA / "conversations_heldout.jsonl").read_text(encoding="utf-8").splitlines():
        conv = json.loads(line)
        turns[conv["id"]] = [
            Turn(str(t["speaker"]), t["text"], t.get("time"), t.get("age")) for t in conv["turns"]
        ]
        for i, t in enumerate(conv["turns"]):
            rows.append(
                {
                    "conversation_id": conv["id"],
                    "turn": i,
                    "speaker": t["speaker"],
                    "timestamp": t.get("time"),
                    "declared_age": t.get("age"),
                    "text": t["text"],
                }
            )
    random.Random(3).shuffle(rows)  # Spark must put the turns back in order
    return rows, turns


def test_conversations_on_spark_equal_the_single_process_detector(
    spark: Any, detector: Detector, tmp_path: Path
) -> None:
    rows, turns = _conversation_rows()
    src = tmp_path / "chat"
    src.mkdir()
    frame = pd.DataFrame(rows).astype({"declared_age": "Int64"})
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), src / "chat.parquet")

    report = run_spark_detection(src, tmp_path / "res", spark=spark, detector=detector)

    assert (report.mode, report.input_rows, report.rows, report.errors) == (
        "conversations",
        len(rows),
        len(turns),
        0,
    )
    out = {r["conversation"]: r for r in pq.read_table(tmp_path / "res").to_pylist()}
    assert set(out) == set(turns)
    risky = 0
    for key, conv in turns.items():
        got, want = out[key], detector.detect_conversation(conv)
        risky += (
            want.grooming_risk >= detector.threshold or want.sextortion_risk >= detector.threshold
        )
        assert got["turns"] == len(conv)
        assert (got["grooming_risk"], got["sextortion_risk"]) == (
            want.grooming_risk,
            want.sextortion_risk,
        ), key
        assert _map(got["risk"]) == want.risk and _map(got["order"]) == want.order
        assert [(s["stage"], s["turns"], s["speakers"], s["driver"]) for s in got["stages"]] == [
            (s.stage, list(s.turns), list(s.speakers), s.driver) for s in want.stages
        ], key
        assert got["driver"] == want.driver
        assert got["categories"] == list(want.categories) and got["harmful"] == want.harmful
        assert _map(got["scores"]) == want.scores
        assert _evidence(got["evidence"]) == [
            (e.category, e.start, e.end, e.text, e.rule, e.weight, e.turn) for e in want.evidence
        ]
    assert risky >= 5  # the sample really holds grooming / sextortion conversations


def test_dataframe_api_keeps_id_type_and_named_columns(spark: Any, detector: Detector) -> None:
    df = spark.createDataFrame(
        pd.DataFrame({"msg_no": [10, 11], "body": ["je vais te tuer", "bonne journée"]})
    )
    out = detect_messages(df, detector, text_column="body", id_column="msg_no")
    assert out.schema["id"].dataType.simpleString() == "bigint"
    rows = {r["id"]: r for r in out.collect()}
    assert rows[10]["harmful"] is True and "threats" in rows[10]["categories"]
    assert rows[11]["harmful"] is False and rows[11]["evidence"] == []


def test_missing_columns_are_named(spark: Any, detector: Detector) -> None:
    df = spark.createDataFrame(pd.DataFrame({"id": [1], "message": ["x"]}))
    with pytest.raises(DetectError, match=r"column 'text' is missing.*id, message") as err:
        detect_messages(df, detector, where="chats.parquet")
    assert err.value.code == "scale.missing_column" and "chats.parquet" in err.value.message
    with pytest.raises(DetectError, match="no conversation column"):
        detect_conversations(df, detector)


def test_bad_paths_fail_before_spark_starts(tmp_path: Path) -> None:
    with pytest.raises(DetectError, match="does not exist") as err:
        run_spark_detection(tmp_path / "nope", tmp_path / "out")
    assert err.value.code == "scale.no_input"
    (tmp_path / "empty").mkdir()
    with pytest.raises(DetectError, match=r"holds no \.parquet"):
        run_spark_detection(tmp_path / "empty", tmp_path / "out")
    src = tmp_path / "in"
    src.mkdir()
    pq.write_table(pa.table({"id": [1], "text": ["x"]}), src / "a.parquet")
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("keep me")
    with pytest.raises(DetectError, match="not empty") as err:
        run_spark_detection(src, tmp_path / "full")
    assert err.value.code == "scale.output_exists"
    with pytest.raises(DetectError, match="mode must be"):
        run_spark_detection(src, tmp_path / "o2", mode="tweets")


def test_cli_body_exits_2_with_the_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import typer

    from marsad.detect.spark import cli_detect_spark

    with pytest.raises(typer.Exit) as exit_info:
        cli_detect_spark(tmp_path / "missing", tmp_path / "out", lang="fr")
    assert exit_info.value.exit_code == 2
    err = capsys.readouterr().err
    assert "missing" in err and "fichier Parquet" in err  # French, naming the path


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
def test_report_lines_in_every_language(lang: str) -> None:
    from marsad.detect.spark import report_lines

    report = SparkDetectReport(
        "in", "out", "conversations", "local[2]", 1200, 40, 7, 1, "rules-x", 2.0
    )
    lines = report_lines(report, lang)
    assert "40" in lines[0] and "1,200" in lines[0] and "600" in lines[0]  # 1,200 rows / 2 s
    assert "7" in lines[1] and "rules-x" in lines[2]
    assert not any("{" in line for line in lines)
