"""``marsad detect``: classify a text, a JSON Lines file or the store; train and evaluate models.

``marsad detect "some text"`` and ``marsad detect train ...`` coexist: the group routes a first
argument that is not a subcommand name to the default command ``run``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from typer.core import TyperGroup

from marsad.cli._common import (
    DataDirOption,
    DbOption,
    LangOption,
    console,
    err_console,
    fail,
    lang_of,
    make_settings,
    open_store,
)
from marsad.errors import MarsadError
from marsad.i18n import t


class DefaultCommandGroup(TyperGroup):
    """A group that sends ``marsad detect TEXT ...`` to its default command ``run``."""

    default_command = "run"

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ctx.help_option_names:
            args = [self.default_command, *args]
        return super().parse_args(ctx, args)


detect_app = typer.Typer(
    cls=DefaultCommandGroup,
    help=(
        "Detect technology-facilitated violence in texts, conversations and the store.\n\n"
        'marsad detect "TEXT" | marsad detect --input IN.jsonl --output OUT.jsonl | '
        "marsad detect --store | marsad detect train LABELLED.csv [MORE.csv ...] --out DIR | "
        "marsad detect evaluate LABELLED.csv"
    ),
    no_args_is_help=True,
)

LexiconsOption = Annotated[
    list[Path] | None,
    typer.Option("--lexicons", help="Directory (or file) of extra lexicon YAML files; repeatable."),
]
ModelOption = Annotated[
    Path | None,
    typer.Option("--model", help="Model directory (marsad detect train, or a local transformer)."),
]
BlendOption = Annotated[
    str,
    typer.Option("--blend", help="How rule and model scores combine: max, mean, rules or model."),
]


def _detector(lexicons: list[Path] | None, model: Path | None, blend: str) -> Any:
    from marsad.detect import Detector

    return Detector.default(lexicons or None, model=model, blend=blend)


def _render(result: Any, lang: str) -> None:
    from marsad.taxonomy import load_taxonomy

    tax = load_taxonomy()
    if result.harmful:
        cats = ", ".join(tax.label("categories", c, lang) for c in result.categories)
        console.print(f"[bold red]{t('detect.harmful', lang, categories=cats)}[/]")
    else:
        console.print(f"[green]{t('detect.not_harmful', lang)}[/]")
    console.print(t("detect.language", lang, language=", ".join(result.languages)))
    if result.space or result.platform:
        space = tax.label("spaces", result.space, lang) if result.space else "-"
        console.print(t("detect.space", lang, space=space, platform=result.platform or "-"))
    if result.evidence:
        table = Table(title=t("detect.evidence", lang))
        for col in ("col_category", "col_score", "col_span", "col_text", "col_rule"):
            table.add_column(t(f"detect.{col}", lang))
        for e in result.evidence:
            table.add_row(
                e.category,
                f"{result.scores.get(e.category, 0):.2f}",
                f"{e.start}-{e.end}",
                e.text,
                e.rule,
            )
        console.print(table)


@detect_app.command("run")
def run(
    text: Annotated[str | None, typer.Argument(help="The text to classify.")] = None,
    input: Annotated[
        Path | None,
        typer.Option("--input", help="JSON Lines file: {id, text} or {id, turns}; - for stdin."),
    ] = None,
    output: Annotated[
        str, typer.Option("--output", help="Output JSON Lines file (- for stdout).")
    ] = "-",
    store: Annotated[
        bool,
        typer.Option("--store", help="Classify every narrative and conversation in the store."),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    engine: Annotated[
        str,
        typer.Option(
            "--engine",
            help="local (this process) or spark (--input and --output are Parquet folders).",
        ),
    ] = "local",
    master: Annotated[
        str, typer.Option("--master", help="Spark master URL (with --engine spark).")
    ] = "local[2]",
    overwrite: Annotated[
        bool, typer.Option("--overwrite", help="Replace an existing --output folder (Spark).")
    ] = False,
    lexicons: LexiconsOption = None,
    model: ModelOption = None,
    blend: BlendOption = "max",
    db: DbOption = None,
    data_dir: DataDirOption = None,
    lang: LangOption = None,
) -> None:
    """Classify one text (default), a JSON Lines file (--input) or the store (--store)."""
    ui = lang_of(lang)
    if engine not in ("local", "spark"):
        err_console.print(t("detect.bad_engine", ui, engine=engine))
        raise typer.Exit(code=2)
    if engine == "spark":
        if input is None or output == "-":
            err_console.print(t("detect.spark_needs_io", ui))
            raise typer.Exit(code=2)
        from marsad.detect.spark import cli_detect_spark

        cli_detect_spark(
            input,
            Path(output),
            master=master,
            lexicons=lexicons,
            model=model,
            blend=blend,
            overwrite=overwrite,
            lang=ui,
        )
        return
    chosen = sum([text is not None, input is not None, store])
    if chosen != 1:
        err_console.print(t("detect.need_input", ui))
        raise typer.Exit(code=2)
    if text is not None and not text.strip():
        err_console.print(f"[bold red]{t('cli.error', ui)}[/] {t('detect.empty_text', ui)}")
        raise typer.Exit(code=2)
    try:
        detector = _detector(lexicons, model, blend)
        if text is not None:
            result = detector.detect(text)
            if as_json:
                console.print_json(json.dumps(result.to_dict(), ensure_ascii=False))
            else:
                _render(result, ui)
            return
        if input is not None:
            from marsad.detect import detect_jsonl

            report = detect_jsonl(detector, input, output)
            out = err_console if output == "-" else console
            out.print(
                t(
                    "detect.batch_done",
                    ui,
                    lines=report.lines,
                    ok=report.ok,
                    errors=report.errors,
                    harmful=report.harmful,
                    output=output,
                )
            )
            return
        from marsad.detect import detect_store

        settings = make_settings(db, data_dir, lang)
        missing = _missing_sqlite_file(settings.db_url)
        if missing is not None:
            fail(
                MarsadError(
                    f"There is no store at {missing}: nothing to classify (check --data-dir, "
                    "--db or MARSAD_DATA_DIR; import data first with marsad ingest).",
                    code="detect.no_store",
                    path=str(missing),
                ),
                ui,
            )
            return
        with open_store(settings) as st:
            rep = detect_store(st, detector)
        if as_json:
            console.print_json(json.dumps(rep.__dict__, ensure_ascii=False))
        else:
            console.print(
                t(
                    "detect.store_done",
                    ui,
                    incidents=rep.incidents,
                    harmful=rep.incidents_harmful,
                    filled=rep.categories_filled,
                    spaces=rep.spaces_filled,
                    conversations=rep.conversations,
                    conv_harmful=rep.conversations_harmful,
                    version=rep.detector_version,
                )
            )
    except MarsadError as exc:
        fail(exc, ui)


@detect_app.command("train")
def train(
    labelled: Annotated[
        list[Path],
        typer.Argument(
            help="Labelled CSV file(s): text, categories (;-separated), optional id, language."
        ),
    ],
    out: Annotated[Path, typer.Option("--out", help="Directory for the model and its metadata.")],
    validation: Annotated[
        float,
        typer.Option(
            "--validation",
            help="Share of rows held out for the saved metrics (0: none, nothing is measured).",
        ),
    ] = 0.2,
    lang: LangOption = None,
) -> None:
    """Train the character n-gram model on labelled texts and save it with its metadata."""
    from marsad.detect import train_model

    ui = lang_of(lang)
    try:
        rep = train_model(labelled, out, validation_share=validation)
    except MarsadError as exc:
        fail(exc, ui)
        return
    console.print(
        t(
            "detect.train_done",
            ui,
            out=str(out),
            n=rep.n,
            categories=", ".join(rep.categories),
            skipped=", ".join(rep.skipped) or "-",
        )
    )
    if rep.validation is None:
        err_console.print(f"[bold yellow]{t('detect.no_validation', ui)}[/]")
    else:
        _print_eval(rep.validation, ui)


def _print_eval(rep: Any, ui: str) -> None:
    table = Table(title=t("detect.eval_categories", ui))
    for col in ("col_category", "col_precision", "col_recall", "col_f1", "col_support"):
        table.add_column(t(f"detect.{col}", ui))
    for c, s in rep.per_category.items():
        table.add_row(c, f"{s.precision:.3f}", f"{s.recall:.3f}", f"{s.f1:.3f}", str(s.support))
    console.print(table)
    table = Table(title=t("detect.eval_languages", ui))
    for col in (
        "col_language",
        "col_precision",
        "col_recall",
        "col_f1",
        "col_macro_f1",
        "col_support",
    ):
        table.add_column(t(f"detect.{col}", ui))
    for lang_code, s in rep.per_language.items():
        table.add_row(
            lang_code,
            f"{s.precision:.3f}",
            f"{s.recall:.3f}",
            f"{s.f1:.3f}",
            f"{rep.per_language_macro_f1[lang_code]:.3f}",
            str(s.support),
        )
    console.print(table)
    h = rep.harmful
    console.print(
        t(
            "detect.eval_summary",
            ui,
            n=rep.n,
            macro=f"{rep.macro_f1:.3f}",
            micro=f"{rep.micro_f1:.3f}",
            p=f"{h.precision:.3f}",
            r=f"{h.recall:.3f}",
            f1=f"{h.f1:.3f}",
        )
    )


@detect_app.command("evaluate")
def evaluate(
    labelled: Annotated[
        Path, typer.Argument(help="Labelled CSV (text, categories, optional id, language).")
    ],
    errors: Annotated[
        Path, typer.Option("--errors", help="CSV file for the misclassified rows.")
    ] = Path("detect-errors.csv"),
    conversations: Annotated[
        Path | None,
        typer.Option("--conversations", help="Labelled conversations (JSON Lines) to score too."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the metrics as JSON.")] = False,
    lexicons: LexiconsOption = None,
    model: ModelOption = None,
    blend: BlendOption = "max",
    lang: LangOption = None,
) -> None:
    """Precision, recall and F1 per category and per language, macro and micro F1; errors to a CSV."""
    from marsad.detect import evaluate_conversations, evaluate_file, read_conversations

    ui = lang_of(lang)
    try:
        # every input is read and checked before the long work and before any file is written
        conv_items = read_conversations(conversations) if conversations else None
        detector = _detector(lexicons, model, blend)
        rep = evaluate_file(detector, labelled, errors_path=errors)
        conv = evaluate_conversations(detector, conv_items) if conv_items is not None else None
    except MarsadError as exc:
        fail(exc, ui)
        return
    if as_json:
        data = rep.to_dict()
        if conv is not None:
            data["conversations"] = conv.to_dict()
        console.print_json(json.dumps(data, ensure_ascii=False))
        return
    _print_eval(rep, ui)
    if conv is not None:
        console.print(
            t(
                "detect.eval_conversations",
                ui,
                n=conv.n,
                accuracy=f"{conv.accuracy:.3f}",
                sensitive=conv.order_sensitive,
                harmful=conv.harmful,
            )
        )
    console.print(t("detect.errors_written", ui, n=rep.errors, path=str(errors)))


def register(app: typer.Typer) -> None:
    """Add ``marsad detect`` to the root app."""
    app.add_typer(detect_app, name="detect")


def _missing_sqlite_file(url: str) -> Path | None:
    """The file of an embedded (SQLite) store URL when it does not exist (classifying "the
    store" of a mistyped folder would otherwise create an empty one and report nothing)."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite") or not parsed.database:
        return None
    if parsed.database == ":memory:":
        return None
    path = Path(parsed.database)
    return None if path.exists() else path
