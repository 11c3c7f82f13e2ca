"""Detection on Spark (local[2]) against the single-process detector, same data, same run.

    .venv/bin/python benchmarks/detect_spark.py                 # 10,000,000 messages
    .venv/bin/python benchmarks/detect_spark.py --rows 200000
    .venv/bin/python benchmarks/detect_spark.py --small         # 20,000 messages

Writes N short synthetic chat messages (French, Arabic, Darija in both scripts, English; about
one in five harmful) to Parquet, then times

1. the single-process detector: ``Detector.detect_many`` in batches of 10,000 over the same
   rows, in this process;
2. ``marsad.detect.spark.run_spark_detection`` on ``--master`` (default ``local[2]``): read
   Parquet, ``mapInPandas`` with the broadcast detector, write Parquet. Spark's own start-up
   (JVM, session) and a warm-up job on one file (Python workers start, import Marsad and
   unpickle the detector) are timed apart and not counted in the measured job.

and prints both throughputs (messages per second), the ratio, and whether both found the same
number of harmful messages. See docs/scale.md for how to read the ratio.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from marsad.detect import Detector

TEMPLATES = [
    "salut {n}, on joue ce soir ?",
    "gg {n} bien joué",
    "t'es qu'une pute {n}, personne t'aime",
    "je vais te tuer {n}",
    "envoie-moi tes photos ou je publie tout",
    "see you at {k} pm",
    "you are so ugly {n}, kill yourself",
    "send nudes or I share your pics",
    "wach nta m9wd {n}",
    "salam {n} labas?",
    "ghadi nfdh7ek 3la facebook",
    "مرحبا {n} كيف حالك",
    "سأنشر صورك إن لم ترسلي المال",
    "يا قحبة {n}",
    "nice build {n}, want to team up?",
    "merci pour hier {n}",
    "ok {k} min",
    "lol {n}",
    "allume ta caméra {n}",
    "ma3ndi walo {k}",
]
NAMES = ["Sara", "Yassine", "Hiba", "Omar", "Leila", "Karim", "Nora", "Adam", "Imane", "Rayan"]


def write_messages(rows: int, folder: Path, seed: int = 2026, files: int = 8) -> None:
    """``rows`` short messages in ``files`` Parquet files (id, text)."""
    rng = np.random.default_rng(seed)
    per = -(-rows // files)
    for f in range(files):
        start, stop = f * per, min(rows, (f + 1) * per)
        if start >= stop:
            break
        n = stop - start
        tpl = rng.integers(0, len(TEMPLATES), size=n)
        names = rng.integers(0, len(NAMES), size=n)
        ks = rng.integers(1, 60, size=n)
        texts = [
            TEMPLATES[t].format(n=NAMES[a], k=k) for t, a, k in zip(tpl, names, ks, strict=True)
        ]
        table = pa.table({"id": np.arange(start, stop, dtype=np.int64), "text": texts})
        pq.write_table(table, folder / f"part-{f:03d}.parquet")


def single_process(detector: Detector, folder: Path, batch: int = 10_000) -> tuple[float, int, int]:
    start = time.perf_counter()
    n = harmful = 0
    for path in sorted(folder.glob("*.parquet")):
        texts = pq.read_table(path, columns=["text"]).column("text").to_pylist()
        for i in range(0, len(texts), batch):
            results = detector.detect_many(texts[i : i + batch])
            harmful += sum(r.harmful for r in results)
            n += len(results)
    return time.perf_counter() - start, n, harmful


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--small", action="store_true", help="20,000 messages")
    ap.add_argument("--master", default="local[2]")
    ap.add_argument("--files", type=int, default=8, help="Parquet files (Spark input partitions)")
    args = ap.parse_args(argv)
    rows = 20_000 if args.small else args.rows
    warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas")
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from marsad.detect.spark import run_spark_detection, spark_session

    with tempfile.TemporaryDirectory(prefix="marsad-detect-spark-") as tmp:
        src, dst = Path(tmp) / "in", Path(tmp) / "out"
        src.mkdir()
        t0 = time.perf_counter()
        write_messages(rows, src, files=args.files)
        print(f"{rows:,} messages written in {time.perf_counter() - t0:.1f} s", flush=True)

        t0 = time.perf_counter()
        detector = Detector.default()
        print(
            f"detector built in {time.perf_counter() - t0:.1f} s ({detector.version})", flush=True
        )
        seconds1, n1, harmful1 = single_process(detector, src)
        print(
            f"single process : {n1:,} in {seconds1:,.1f} s = {n1 / seconds1:,.0f} msg/s "
            f"({harmful1:,} harmful)",
            flush=True,
        )

        t0 = time.perf_counter()
        spark = spark_session(args.master)
        startup = time.perf_counter() - t0
        # Cold job on one file: starts the Python workers (imports, detector unpickled); the
        # timed job then finds them warm, as every job after the first one does on a cluster.
        first = sorted(src.glob("*.parquet"))[0]
        cold = run_spark_detection(first, Path(tmp) / "warm", spark=spark, detector=detector)
        print(
            f"spark warm-up  : {cold.input_rows:,} in {cold.seconds:,.1f} s (workers start)",
            flush=True,
        )
        report = run_spark_detection(src, dst, spark=spark, detector=detector)
        spark.stop()
        print(
            f"spark {args.master}: {report.input_rows:,} in {report.seconds:,.1f} s = "
            f"{report.throughput:,.0f} msg/s ({report.harmful:,} harmful; "
            f"session start-up {startup:.1f} s not counted)",
            flush=True,
        )
    ratio = (report.throughput / (n1 / seconds1)) if seconds1 else float("nan")
    print(f"ratio spark/single = {ratio:.2f}x on {os.cpu_count()} CPUs")
    print(f"same harmful count: {report.harmful == harmful1}")


if __name__ == "__main__":
    sys.exit(main())
