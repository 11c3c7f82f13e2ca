"""What a French or Arabic reader still saw after the first review: instrument codes in the
legal gaps table, an English model description, counts with decimals, mixed digit and
percent conventions in Arabic, and right-to-left bar labels running into the axis."""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Iterator

import pytest
from rich.console import Console

from marsad import synth
from marsad.config import Settings
from marsad.report import build_report
from marsad.store import Store

from ..conftest import TEST_KEY

SECTIONS = [
    "marsad.report._sections:comparison",
    "marsad.report._sections:legal",
    "marsad.report._sections:estimates",
]
INSTRUMENT_CODES = re.compile(r"\b(eu_vaw|istanbul|budapest|uncc|lanzarote|crc|uk_osa)\b")


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """A small synthetic national dataset ingested into an embedded store (once per module)."""
    from marsad.demo import DemoContext
    from marsad.ingest import demo_step

    base = tmp_path_factory.mktemp("polish")
    settings = Settings.from_env({}, data_dir=str(base / "data"), pseudonym_key=TEST_KEY)
    with Store.open(settings.db_url) as store:
        ctx = DemoContext(settings=settings, store=store, console=Console(quiet=True), size=1500)
        ctx.outputs["synth"] = synth.generate(base / "synth", size=1500, seed=7)
        demo_step(ctx)
    yield settings


@pytest.fixture(scope="module")
def pages(synthetic: Settings, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    out = tmp_path_factory.mktemp("polish-out")
    result = {}
    with Store.open(synthetic.db_url) as store:
        for lang in ("fr", "ar"):
            res = build_report(
                store, synthetic, out / lang, lang=lang, pdf=False, sections=SECTIONS
            )
            result[lang] = res.html.read_text(encoding="utf-8")
    return result


def _tables(page: str) -> list[list[list[str]]]:
    """Every table of the page as rows of visible cell texts (header rows included)."""
    out = []
    for table in re.findall(r"<table.*?</table>", page, flags=re.S):
        rows = []
        for tr in re.findall(r"<tr.*?</tr>", table, flags=re.S):
            cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr, flags=re.S)
            rows.append([htmllib.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in cells])
        out.append(rows)
    return out


def _column(page: str, header: str) -> list[str]:
    """The cells under ``header`` in the first table that has it."""
    for rows in _tables(page):
        if rows and header in rows[0]:
            i = rows[0].index(header)
            return [r[i] for r in rows[1:] if len(r) > i]
    raise AssertionError(f"no table with a {header!r} column")


STANDARD = {"fr": "Normes", "ar": "المعايير"}
MODEL = {"fr": "Modèle", "ar": "النموذج"}


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_gap_table_names_instruments(pages: dict[str, str], lang: str) -> None:
    from marsad.i18n import t

    standards = _column(pages[lang], t("report.col.standard", lang))
    assert standards and all(standards), standards
    joined = " | ".join(standards)
    assert not INSTRUMENT_CODES.findall(joined), joined
    assert t("legal.framework.istanbul", lang) in joined
    # the burden column names a withheld burden in words too
    burden = _column(pages[lang], t("report.col.burden", lang))
    assert not any(c in ("suppressed", "unavailable") for c in burden), burden


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_estimate_model_in_words(pages: dict[str, str], lang: str) -> None:
    from marsad.i18n import t

    models = [m for m in _column(pages[lang], t("report.col.model", lang)) if m]
    assert models
    for m in models:
        assert "avg of" not in m and m != "independence", m
    averaged = {"fr": "moyenne de", "ar": "متوسط"}[lang]
    assert any(averaged in m for m in models), models


def test_counts_without_decimals(pages: dict[str, str]) -> None:
    """Counts (incidents recorded) print as whole numbers in the comparison table."""
    from marsad.i18n import t

    for lang, counted in (("fr", "Incidents enregistrés"), ("ar", "الحوادث المسجلة")):
        national = t("report.col.national", lang)
        rows = [
            r for table in _tables(pages[lang]) if table and national in table[0] for r in table[1:]
        ]
        counts = [r for r in rows if r and r[0].startswith(counted)]
        assert counts, rows
        for r in counts:
            assert re.fullmatch(r"[\d,]+", r[1]) and re.fullmatch(r"[\d,]+", r[2]), r


def test_arabic_numbers_follow_one_convention(pages: dict[str, str]) -> None:
    """Western digits, '.' decimal and '%' throughout the Arabic report (no ٪ nor ٠-٩)."""
    page = re.sub(r"<svg.*?</svg>", "", pages["ar"], flags=re.S)
    text = htmllib.unescape(re.sub(r"<[^>]+>", " ", page))
    assert "\u066a" not in text  # ARABIC PERCENT SIGN
    assert not re.search(r"[\u0660-\u0669\u06f0-\u06f9]", text)
    assert not re.search(r"\d\u066b\d|\d,\d(?!\d\d)", text)  # no decimal comma


LONG = [
    "الاستغلال الجنسي للأطفال (الاستدراج ومواد الاعتداء الجنسي) / أنثى / قاصرون — المسجَّل",
    "الاستغلال الجنسي للأطفال (الاستدراج ومواد الاعتداء الجنسي) / أنثى / قاصرون — المقدَّر",
    "التحرش الإلكتروني",
    "انتحال الهوية والاستيلاء على الحسابات",
]


def test_rtl_bar_labels_fit_beside_the_axis() -> None:
    """Arabic labels sit right of the axis, flush on their right edge, inside the figure;
    a withheld value's dash stays on the bars' side; long labels keep their end."""
    from marsad.report._charts import bar_figure

    fig = bar_figure(
        LONG, [12, 40, None, 7], [None, 30, None, 5], [None, 60, None, 9], title="t", rtl=True
    )
    fig.tight_layout()
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    ax = fig.axes[0]
    axis_x = ax.get_window_extent(renderer).x1
    boxes = [tl.get_window_extent(renderer) for tl in ax.get_yticklabels()]
    assert all(b.x0 > axis_x for b in boxes)  # no label over the axis or the bars
    rights = [b.x1 for b in boxes]
    assert max(rights) - min(rights) < 1.5  # aligned where Arabic starts reading
    assert max(rights) <= fig.bbox.width + 0.5  # and inside the figure
    texts = [t.get_text() for t in ax.get_yticklabels()]
    assert texts[0].endswith("المسجَّل") and texts[1].endswith("المقدَّر")
    for t in ax.texts:  # the dash of the withheld value
        assert t.get_window_extent(renderer).x1 <= axis_x + 0.5


def test_rtl_heatmap_labels_and_title_inside_the_figure() -> None:
    """The Arabic coverage heatmap: category labels right of the grid, none over it; the
    title inside the figure."""
    import matplotlib

    from marsad.report._charts import heatmap

    rows = [
        "التحرش الإلكتروني",
        "التحرش الجنسي عبر الإنترنت (بما فيه إرسال صور جنسية غير مرغوب فيها)",
        "الملاحقة الإلكترونية (بما فيها برامج التجسس)",
    ]
    chart = heatmap(
        rows,
        ["النساء", "الفتيات"],
        [[1, 2], [2, 2], [0, None]],
        title="التغطية في القانون الوطني (الفئة × فئة الضحايا)",
        level_names=["غير مشمول", "مشمول جزئيًا", "مشمول صراحةً"],
        rtl=True,
    )
    import io

    image = matplotlib.image.imread(io.BytesIO(chart.png))
    # the rightmost column of pixels is background: no label runs off the figure's edge
    assert (image[:, -2, :3] > 0.95).all()


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_refused_pairs_name_the_reference_not_its_id(pages: dict[str, str], lang: str) -> None:
    from marsad.i18n import t

    refs = [
        rows[1:]
        for rows in _tables(pages[lang])
        if rows
        and t("report.col.reference", lang) in rows[0]
        and t("report.col.national", lang) not in rows[0]
    ]
    cells = [r[1] for table in refs for r in table if len(r) > 1]
    assert cells
    ids = [c for c in cells if re.fullmatch(r"[A-Z0-9_]+", c)]
    assert not ids, ids
