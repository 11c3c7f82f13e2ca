"""Detection on Apache Spark: the single-process :class:`~marsad.detect.Detector` applied to
Spark DataFrames, for platform-scale corpora (billions of messages) on a cluster users already run.

* Messages go through ``mapInPandas``: Spark hands each Python worker Arrow record batches;
  the worker runs :meth:`Detector.detect_many` on each batch and returns one result row per
  input row (errors included, never dropped).
* Conversations go through ``groupBy(conversation).applyInPandas``: all turns of one
  conversation reach one worker, are sorted by turn and analysed by
  :meth:`Detector.detect_conversation`.

The detector is built **once, on the driver**, then shipped with the job as a Spark broadcast
variable (its lexicons, compiled rules and any trained model travel inside it, about 0.4 MB
for the shipped rules), and each Python worker process unpickles it once and caches it for
every later batch and task (``spark.python.worker.reuse`` is on by default). Results are
therefore identical to the single-process detector: same code, same lexicon digest
(``detector_version``), same model.

Local mode (``local[2]``) needs only a Java runtime; on a cluster, ship Marsad to the executors
as a wheel (``spark-submit --py-files marsad-*.whl``, or install it in the executors' Python) —
see docs/scale.md.

>>> from marsad.detect.spark import run_spark_detection           # doctest: +SKIP
>>> run_spark_detection("messages_parquet/", "results_parquet/")  # doctest: +SKIP
SparkDetectReport(mode='messages', rows=..., harmful=..., errors=..., ...)
"""

from __future__ import annotations

import os
import shutil
import sys
import time
import uuid
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from marsad.detect._detector import Detector
from marsad.detect._results import ConversationResult, TextResult, Turn
from marsad.errors import DetectError

if TYPE_CHECKING:  # pyspark is imported lazily: importing marsad.detect never needs Java
    import pandas as pd
    from pyspark.broadcast import Broadcast
    from pyspark.sql import DataFrame, SparkSession
    from pyspark.sql.types import DataType

__all__ = [
    "CONVERSATION_COLUMNS",
    "SparkDetectReport",
    "cli_detect_spark",
    "conversation_schema",
    "detect_conversations",
    "detect_messages",
    "message_schema",
    "report_lines",
    "run_spark_detection",
    "spark_session",
]

#: Candidate input column names for conversations, first present wins: the store's
#: ``chat_messages`` columns first, then the ``game_chat`` export layout.
CONVERSATION_COLUMNS: dict[str, tuple[str, ...]] = {
    "conversation": ("conversation_key", "conversation_id", "conversation"),
    "turn": ("turn",),
    "speaker": ("speaker_key", "speaker"),
    "time": ("sent_at", "timestamp", "time"),
    "age": ("declared_age", "age"),
}

_EVIDENCE = (
    "struct<category:string,start:int,end:int,text:string,rule:string,weight:double,turn:int>"
)
_STAGE = "struct<stage:string,turns:array<int>,speakers:array<string>,driver:string>"

# PySpark 4.x warns that pandas 3 is "not yet fully supported"; the Arrow paths we use work.
_PANDAS_WARNING = "PySpark does not yet fully support pandas"


@contextmanager
def _quiet() -> Iterator[None]:
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=_PANDAS_WARNING, category=FutureWarning)
        yield


# -- the session --------------------------------------------------------------------------------


def spark_session(
    master: str = "local[2]",
    *,
    app_name: str = "marsad-detect",
    shuffle_partitions: int | None = None,
    conf: dict[str, str] | None = None,
) -> SparkSession:
    """A SparkSession set up for Marsad (or the active one, if any, reused as is).

    Local masters (``local``, ``local[N]``, ``local[*]``) bind the driver to 127.0.0.1, turn the
    web UI off and make the Python workers use this interpreter (``sys.executable``, which has
    pyarrow and Marsad); cluster masters keep the cluster's own settings. Raises
    :class:`DetectError` (``scale.no_java`` / ``scale.spark_start``) with what to install when
    Spark cannot start.
    """
    try:
        from pyspark.sql import SparkSession
    except ImportError:  # pragma: no cover - pyspark is a declared dependency
        raise DetectError(
            "pyspark is not installed; install Marsad with its dependencies (uv sync).",
            code="scale.no_pyspark",
        ) from None
    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    local = master.startswith("local")
    if local and not (os.environ.get("JAVA_HOME") or shutil.which("java")):
        raise DetectError(
            "Spark needs a Java runtime (17 or newer) and none was found. Install one "
            "(Debian/Ubuntu: apt-get install default-jre-headless) or set JAVA_HOME.",
            code="scale.no_java",
        )
    if local:
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    builder = SparkSession.builder.master(master).appName(app_name)
    settings: dict[str, str] = {
        "spark.sql.execution.arrow.pyspark.enabled": "true",
        "spark.python.worker.reuse": "true",
        "spark.sql.session.timeZone": "UTC",
    }
    if local:
        settings |= {
            "spark.driver.host": "127.0.0.1",
            "spark.driver.bindAddress": "127.0.0.1",
            "spark.ui.enabled": "false",
            "spark.ui.showConsoleProgress": "false",
            "spark.sql.shuffle.partitions": str(shuffle_partitions or 4),
        }
    elif shuffle_partitions:
        settings["spark.sql.shuffle.partitions"] = str(shuffle_partitions)
    settings |= conf or {}
    for key, value in settings.items():
        builder = builder.config(key, value)
    try:
        session = builder.getOrCreate()
    except Exception as exc:  # the JVM did not start: Py4J/Java errors have no common base
        raise DetectError(
            f"Spark could not start with master {master!r}: {exc}".splitlines()[0],
            code="scale.spark_start",
            master=master,
        ) from exc
    session.sparkContext.setLogLevel("ERROR")
    return session


# -- shipping the detector ----------------------------------------------------------------------

_CACHE: dict[str, Detector] = {}


@dataclass(frozen=True)
class _Shipped:
    """A detector broadcast with the job, and a token naming this shipment."""

    token: str
    broadcast: Broadcast[Detector]


def _worker_detector(shipped: _Shipped) -> Detector:
    """The detector of this Python worker process: unpickled from the broadcast once, cached."""
    det = _CACHE.get(shipped.token)
    if det is None:
        det = shipped.broadcast.value
        _CACHE.clear()  # one job's detector at a time: a reused worker frees the previous one
        _CACHE[shipped.token] = det
    return det


def _ship(spark: SparkSession, detector: Detector | None) -> _Shipped:
    det = detector if detector is not None else Detector.default()
    return _Shipped(uuid.uuid4().hex, spark.sparkContext.broadcast(det))


# -- messages -----------------------------------------------------------------------------------


def message_schema(id_type: DataType | str = "string") -> str:
    """DDL schema of :func:`detect_messages` results (``id`` keeps the input's type)."""
    id_ddl = id_type if isinstance(id_type, str) else id_type.simpleString()
    return (
        f"id {id_ddl}, harmful boolean, categories array<string>, scores map<string,double>, "
        f"language string, languages array<string>, evidence array<{_EVIDENCE}>, "
        "space string, platform string, signals array<string>, detector_version string, "
        "error string"
    )


def _evidence_rows(result: TextResult | ConversationResult) -> list[dict[str, Any]]:
    return [
        {
            "category": e.category,
            "start": e.start,
            "end": e.end,
            "text": e.text,
            "rule": e.rule,
            "weight": float(e.weight),
            "turn": e.turn,
        }
        for e in result.evidence
    ]


def _text_error(text: Any, max_chars: int) -> str | None:
    if text is None or (isinstance(text, float) and text != text):
        return "missing text"
    if not isinstance(text, str):
        return f"text must be a string; got {type(text).__name__}"
    if not text.strip():
        return "empty text"
    if len(text) > max_chars:
        return f"text too long ({len(text):,} characters; limit {max_chars:,})"
    return None


def _message_rows(det: Detector, ids: Sequence[Any], texts: Sequence[Any]) -> dict[str, list[Any]]:
    """Columns of the result frame for one batch (the same for Spark and for tests)."""
    errors = [_text_error(t, det.max_chars) for t in texts]
    good = [i for i, e in enumerate(errors) if e is None]
    results = dict(zip(good, det.detect_many([texts[i] for i in good]), strict=True))
    cols: dict[str, list[Any]] = {
        k: []
        for k in (
            "id",
            "harmful",
            "categories",
            "scores",
            "language",
            "languages",
            "evidence",
            "space",
            "platform",
            "signals",
            "detector_version",
            "error",
        )
    }
    version = det.version
    for i, ident in enumerate(ids):
        r = results.get(i)
        cols["id"].append(ident)
        cols["detector_version"].append(version)
        cols["error"].append(errors[i])
        if r is None:
            for k in ("harmful", "categories", "scores", "language", "languages", "evidence"):
                cols[k].append(None)
            for k in ("space", "platform", "signals"):
                cols[k].append(None)
            continue
        cols["harmful"].append(r.harmful)
        cols["categories"].append(list(r.categories))
        cols["scores"].append({k: float(v) for k, v in r.scores.items()})
        cols["language"].append(r.language)
        cols["languages"].append(list(r.languages))
        cols["evidence"].append(_evidence_rows(r))
        cols["space"].append(r.space)
        cols["platform"].append(r.platform)
        cols["signals"].append(list(r.signals))
    return cols


def _message_mapper(
    shipped: _Shipped, id_column: str, text_column: str
) -> Callable[[Iterator[pd.DataFrame]], Iterator[pd.DataFrame]]:
    def detect_batches(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        import pandas as pd

        det = _worker_detector(shipped)
        for batch in batches:
            ids = batch[id_column].tolist()
            texts = batch[text_column].tolist()
            yield pd.DataFrame(_message_rows(det, ids, texts))

    return detect_batches


def _require(df: DataFrame, columns: Sequence[str], where: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise DetectError(
            f"{where}: column {missing[0]!r} is missing; the input has columns "
            f"{', '.join(df.columns) or '(none)'}. Name the right one with --text-column / "
            "--id-column (or the conversation options).",
            code="scale.missing_column",
            column=missing[0],
            path=where,
        )


def detect_messages(
    df: DataFrame,
    detector: Detector | None = None,
    *,
    text_column: str = "text",
    id_column: str = "id",
    where: str = "input",
) -> DataFrame:
    """Detect every row of ``df`` (one message or narrative per row) with ``mapInPandas``.

    Parameters
    ----------
    df : pyspark.sql.DataFrame
        Needs ``id_column`` (any type, copied to ``id``) and ``text_column`` (string).
    detector : Detector, optional
        Built once on the driver and broadcast; default :meth:`Detector.default`.

    Returns
    -------
    pyspark.sql.DataFrame
        One row per input row with the schema :func:`message_schema`: ``harmful``,
        ``categories``, ``scores`` (every category), ``language(s)``, ``evidence`` spans
        (offsets in the original text), ``space``, ``platform``, ``signals``,
        ``detector_version`` and ``error`` (missing, empty or too long text; the other
        result columns are then null). Lazy: nothing runs until the frame is written or
        collected.
    """
    _require(df, [id_column, text_column], where)
    shipped = _ship(df.sparkSession, detector)
    schema = message_schema(df.schema[id_column].dataType)
    with _quiet():
        return df.select(id_column, text_column).mapInPandas(
            _message_mapper(shipped, id_column, text_column), schema
        )


# -- conversations ------------------------------------------------------------------------------


def conversation_schema(id_type: DataType | str = "string") -> str:
    """DDL schema of :func:`detect_conversations` results (one row per conversation)."""
    id_ddl = id_type if isinstance(id_type, str) else id_type.simpleString()
    return (
        f"conversation {id_ddl}, turns int, harmful boolean, grooming_risk double, "
        "sextortion_risk double, risk map<string,double>, order map<string,double>, "
        f"stages array<{_STAGE}>, driver string, categories array<string>, "
        "scores map<string,double>, language string, languages array<string>, "
        f"evidence array<{_EVIDENCE}>, detector_version string, error string"
    )


def _resolve(df_columns: Sequence[str], given: dict[str, str | None]) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for role, name in given.items():
        if name is not None:
            out[role] = name
            continue
        out[role] = next((c for c in CONVERSATION_COLUMNS[role] if c in df_columns), None)
    return out


def _as_time(value: Any) -> str | None:
    if value is None:
        return None
    try:
        import pandas as pd

        if value is pd.NaT or (isinstance(value, float) and value != value):
            return None
    except ImportError:  # pragma: no cover
        pass
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


def _as_age(value: Any) -> int | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _turns_from_rows(rows: Sequence[dict[str, Any]], cols: dict[str, str | None]) -> list[Turn]:
    """Turns of one conversation, in turn order, from row dicts (``cols``: role → column)."""
    turn_col, speaker, text = cols["turn"], cols["speaker"], cols["text"]
    time_col, age_col = cols.get("time"), cols.get("age")
    assert turn_col and speaker and text
    ordered = sorted(rows, key=lambda r: r[turn_col])
    return [
        Turn(
            str(r[speaker]),
            r[text] if isinstance(r[text], str) else "",
            _as_time(r[time_col]) if time_col else None,
            _as_age(r[age_col]) if age_col else None,
        )
        for r in ordered
    ]


def _conversation_row(det: Detector, key: Any, turns: list[Turn]) -> dict[str, Any]:
    row: dict[str, Any] = {
        "conversation": key,
        "turns": len(turns),
        "detector_version": det.version,
    }
    try:
        c = det.detect_conversation(turns)
    except DetectError as exc:
        return row | {"error": exc.message}
    return row | {
        "harmful": c.harmful,
        "grooming_risk": float(c.grooming_risk),
        "sextortion_risk": float(c.sextortion_risk),
        "risk": {k: float(v) for k, v in c.risk.items()},
        "order": {k: float(v) for k, v in c.order.items()},
        "stages": [
            {
                "stage": s.stage,
                "turns": list(s.turns),
                "speakers": list(s.speakers),
                "driver": s.driver,
            }
            for s in c.stages
        ],
        "driver": c.driver,
        "categories": list(c.categories),
        "scores": {k: float(v) for k, v in c.scores.items()},
        "language": c.language,
        "languages": list(c.languages),
        "evidence": _evidence_rows(c),
        "error": None,
    }


_CONV_FIELDS = (
    "conversation",
    "turns",
    "harmful",
    "grooming_risk",
    "sextortion_risk",
    "risk",
    "order",
    "stages",
    "driver",
    "categories",
    "scores",
    "language",
    "languages",
    "evidence",
    "detector_version",
    "error",
)


def _conversation_mapper(
    shipped: _Shipped, cols: dict[str, str | None]
) -> Callable[[pd.DataFrame], pd.DataFrame]:
    def detect_group(group: pd.DataFrame) -> pd.DataFrame:
        import pandas as pd

        det = _worker_detector(shipped)
        conv = cols["conversation"]
        assert conv is not None
        key = group[conv].iloc[0]
        turns = _turns_from_rows(group.to_dict("records"), cols)
        row = _conversation_row(det, key, turns)
        return pd.DataFrame([{f: row.get(f) for f in _CONV_FIELDS}], columns=list(_CONV_FIELDS))

    return detect_group


def detect_conversations(
    df: DataFrame,
    detector: Detector | None = None,
    *,
    conversation_column: str | None = None,
    turn_column: str | None = None,
    speaker_column: str | None = None,
    text_column: str = "text",
    time_column: str | None = None,
    age_column: str | None = None,
    where: str = "input",
) -> DataFrame:
    """Detect whole conversations: ``groupBy(conversation).applyInPandas`` in turn order.

    ``df`` has one row per turn. Columns not given are found by name
    (:data:`CONVERSATION_COLUMNS`: the store's ``conversation_key``, ``turn``,
    ``speaker_key``, ``sent_at``, ``declared_age``, or the chat export's
    ``conversation_id``, ``speaker``, ``timestamp``); time and age are optional.
    Returns one row per conversation (:func:`conversation_schema`): grooming and sextortion
    risk, stages with their turns, speakers and driver, categories, scores and evidence with
    turn indices, as :meth:`Detector.detect_conversation` gives them.
    """
    cols = _resolve(
        df.columns,
        {
            "conversation": conversation_column,
            "turn": turn_column,
            "speaker": speaker_column,
            "time": time_column,
            "age": age_column,
        },
    )
    cols["text"] = text_column
    needed = {r: cols[r] for r in ("conversation", "turn", "speaker", "text")}
    for role, name in needed.items():
        if name is None:
            raise DetectError(
                f"{where}: no {role} column; expected one of "
                f"{', '.join(CONVERSATION_COLUMNS[role])} (input columns: {', '.join(df.columns)}).",
                code="scale.missing_column",
                column=role,
                path=where,
            )
    _require(df, [c for c in cols.values() if c is not None], where)
    shipped = _ship(df.sparkSession, detector)
    conv = cols["conversation"]
    assert conv is not None
    schema = conversation_schema(df.schema[conv].dataType)
    selected = df.select(*[c for c in dict.fromkeys(cols.values()) if c is not None])
    with _quiet():
        return selected.groupBy(conv).applyInPandas(_conversation_mapper(shipped, cols), schema)


# -- files in, files out ------------------------------------------------------------------------


@dataclass(frozen=True)
class SparkDetectReport:
    """What :func:`run_spark_detection` did.

    ``mode`` is ``messages`` (one result per input row) or ``conversations`` (one per
    conversation); ``rows`` results were written to ``output`` (Parquet), ``harmful`` of them
    harmful and ``errors`` of them error rows (missing, empty or too long text);
    ``input_rows`` rows were read. ``seconds`` is the wall time of the Spark job.
    """

    input: str
    output: str
    mode: str
    master: str
    input_rows: int
    rows: int
    harmful: int
    errors: int
    detector_version: str
    seconds: float

    @property
    def throughput(self) -> float:
        """Input rows per second."""
        return self.input_rows / self.seconds if self.seconds > 0 else 0.0


def _check_paths(input_dir: Path, output_dir: Path, overwrite: bool) -> None:
    if not input_dir.exists():
        raise DetectError(
            f"Input {input_dir} does not exist; give a Parquet file or a directory of Parquet files.",
            code="scale.no_input",
            path=str(input_dir),
        )
    if input_dir.is_dir() and not any(input_dir.rglob("*.parquet")):
        raise DetectError(
            f"Input directory {input_dir} holds no .parquet file.",
            code="scale.no_input",
            path=str(input_dir),
        )
    if output_dir.resolve() == input_dir.resolve():
        raise DetectError(
            f"Output {output_dir} is the input; choose another directory.",
            code="scale.output_exists",
            path=str(output_dir),
        )
    if output_dir.exists() and any(output_dir.iterdir()) and not overwrite:
        raise DetectError(
            f"Output directory {output_dir} already exists and is not empty; choose a new "
            "directory or pass overwrite=True (--overwrite).",
            code="scale.output_exists",
            path=str(output_dir),
        )


def run_spark_detection(
    input_dir: str | Path,
    output_dir: str | Path,
    *,
    master: str = "local[2]",
    text_column: str = "text",
    id_column: str = "id",
    mode: str = "auto",
    detector: Detector | None = None,
    lexicons: str | Path | Sequence[str | Path] | None = None,
    model: str | Path | None = None,
    blend: str = "max",
    conversation_column: str | None = None,
    overwrite: bool = False,
    spark: SparkSession | None = None,
) -> SparkDetectReport:
    """Read Parquet, detect on Spark, write Parquet; the engine of ``marsad detect --engine spark``.

    Parameters
    ----------
    input_dir, output_dir : path
        A Parquet file or directory (Spark's own output layout works) and a new directory.
    master : str
        Spark master URL: ``local[2]`` (default), ``local[*]``, ``spark://host:7077``,
        ``yarn``, ``k8s://...``. Ignored when ``spark`` is given or a session is active.
    mode : {"auto", "messages", "conversations"}
        ``auto`` treats the input as conversations when it has a conversation column
        (:data:`CONVERSATION_COLUMNS`) and a turn column, else as messages.
    detector, lexicons, model, blend
        The detector (built on the driver from ``lexicons``/``model``/``blend`` when not given).
    """
    if mode not in ("auto", "messages", "conversations"):
        raise DetectError(
            f"mode must be auto, messages or conversations; got {mode!r}.", code="scale.bad_mode"
        )
    src, dst = Path(input_dir), Path(output_dir)
    _check_paths(src, dst, overwrite)
    det = detector or Detector.default(lexicons, model=model, blend=blend)
    session = spark or spark_session(master)
    with _quiet():
        df = session.read.parquet(str(src))
    if mode == "auto":
        conv = _resolve(df.columns, {"conversation": conversation_column, "turn": None})
        mode = "conversations" if conv["conversation"] and conv["turn"] else "messages"
    start = time.perf_counter()
    if mode == "messages":
        out = detect_messages(df, det, text_column=text_column, id_column=id_column, where=str(src))
    else:
        out = detect_conversations(
            df,
            det,
            conversation_column=conversation_column,
            text_column=text_column,
            where=str(src),
        )
    with _quiet():
        out.write.mode("overwrite").parquet(str(dst))
        seconds = time.perf_counter() - start
        from pyspark.sql import functions as F

        written = session.read.parquet(str(dst))
        counts = written.agg(
            F.count(F.lit(1)).alias("rows"),
            F.sum(F.when(F.col("harmful"), 1).otherwise(0)).alias("harmful"),
            F.sum(F.when(F.col("error").isNotNull(), 1).otherwise(0)).alias("errors"),
        ).first()
        input_rows = df.count()
    assert counts is not None
    return SparkDetectReport(
        input=str(src),
        output=str(dst),
        mode=mode,
        master=str(session.sparkContext.master),
        input_rows=int(input_rows),
        rows=int(counts["rows"] or 0),
        harmful=int(counts["harmful"] or 0),
        errors=int(counts["errors"] or 0),
        detector_version=det.version,
        seconds=round(seconds, 3),
    )


def report_lines(report: SparkDetectReport, lang: str = "en") -> list[str]:
    """The summary of a run in ``lang`` (what ``marsad detect --engine spark`` prints)."""
    from marsad.i18n import t

    return [
        t(
            "scale.report.done",
            lang,
            master=report.master,
            rows=f"{report.rows:,}",
            mode=t(f"scale.mode.{report.mode}", lang),
            output=report.output,
            input_rows=f"{report.input_rows:,}",
            seconds=f"{report.seconds:,.1f}",
            throughput=f"{report.throughput:,.0f}",
        ),
        t("scale.report.harmful", lang, harmful=f"{report.harmful:,}", errors=f"{report.errors:,}"),
        t("scale.report.version", lang, version=report.detector_version),
    ]


def cli_detect_spark(
    input: Path,
    output: Path,
    *,
    master: str = "local[2]",
    text_column: str = "text",
    id_column: str = "id",
    mode: str = "auto",
    lexicons: Sequence[Path] | None = None,
    model: Path | None = None,
    blend: str = "max",
    overwrite: bool = False,
    lang: str = "en",
) -> SparkDetectReport:
    """The body of ``marsad detect --engine spark``: run, print the summary, exit 2 on errors.

    A thin shell for ``marsad.cli._detect`` to call with the parsed options.
    """
    from marsad.cli._common import console, fail
    from marsad.errors import MarsadError

    try:
        report = run_spark_detection(
            input,
            output,
            master=master,
            text_column=text_column,
            id_column=id_column,
            mode=mode,
            lexicons=list(lexicons) if lexicons else None,
            model=model,
            blend=blend,
            overwrite=overwrite,
        )
    except MarsadError as exc:
        fail(exc, lang)
        raise  # pragma: no cover - fail() exits
    for line in report_lines(report, lang):
        console.print(line)
    return report
