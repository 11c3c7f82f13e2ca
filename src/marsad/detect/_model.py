"""The trainable backend: character n-gram TF-IDF + calibrated linear models, one per category.

Method: texts are normalised (:func:`normalize_text`), turned into TF-IDF weights of character
n-grams inside word boundaries (``char_wb``, 2 to 4 characters by default; robust to spelling variation
and code-switching, Cavnar & Trenkle 1994; Zampieri et al. 2017), and each category gets a
one-vs-rest logistic regression (class-balanced) whose probabilities are calibrated by Platt
scaling with cross-validation (``CalibratedClassifierCV(method="sigmoid")``; Platt 1999).

It follows scikit-learn's estimator conventions: ``__init__`` only stores parameters, ``fit``
returns ``self``, learned attributes end in ``_``, and using an unfitted model raises
``NotFittedError``. Saved models carry metadata (taxonomy version, data hash, metrics, Marsad
and scikit-learn versions) and the SHA-256 of the model file; :meth:`CharNgramModel.load`
refuses a file whose hash or metadata does not match.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import numpy as np

from marsad.detect._normalize import normalize, normalize_text
from marsad.detect._results import Evidence
from marsad.errors import DetectError
from marsad.taxonomy import load_taxonomy

__all__ = ["MODEL_FORMAT", "CharNgramModel", "is_marsad_model"]

MODEL_FORMAT = "marsad-charngram-v1"
_MODEL_FILE = "model.joblib"
_META_FILE = "metadata.json"


def is_marsad_model(path: Path) -> bool:
    return (path / _META_FILE).is_file()


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _marsad_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("marsad")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0+unknown"


class CharNgramModel:
    """Character n-gram TF-IDF + calibrated one-vs-rest logistic regression.

    Parameters
    ----------
    ngram_range : tuple of int
        Character n-gram lengths (``char_wb`` analyser).
    min_df : int
        Minimum document frequency of an n-gram.
    C : float
        Inverse regularisation strength of the logistic regressions.
    cv : int
        Folds of the Platt calibration; a category needs ``cv`` positive and negative examples
        to be modelled (others are listed in ``skipped_`` and always score 0).
    max_features : int
        Largest vocabulary kept.
    """

    def __init__(
        self,
        ngram_range: tuple[int, int] = (2, 4),
        min_df: int = 2,
        C: float = 4.0,
        cv: int = 3,
        max_features: int = 100_000,
    ) -> None:
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.C = C
        self.cv = cv
        self.max_features = max_features

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        return {
            "ngram_range": self.ngram_range,
            "min_df": self.min_df,
            "C": self.C,
            "cv": self.cv,
            "max_features": self.max_features,
        }

    def _validate(self) -> None:
        lo, hi = self.ngram_range
        if not (1 <= lo <= hi <= 8):
            raise DetectError(
                f"ngram_range must satisfy 1 <= low <= high <= 8; got {self.ngram_range}.",
                code="detect.bad_param",
            )
        if self.C <= 0:
            raise DetectError(f"C must be positive; got {self.C}.", code="detect.bad_param")
        if self.cv < 2:
            raise DetectError(f"cv must be 2 or more; got {self.cv}.", code="detect.bad_param")

    # -- fitting ----------------------------------------------------------------------------
    def fit(
        self, texts: Sequence[str], labels: Sequence[frozenset[str] | set[str]]
    ) -> CharNgramModel:
        """Fit on ``texts`` with their sets of gold categories (empty set = not harmful)."""
        from sklearn.calibration import CalibratedClassifierCV
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        self._validate()
        if len(texts) != len(labels):
            raise DetectError(
                f"texts and labels differ in length ({len(texts)} vs {len(labels)}).",
                code="detect.bad_param",
            )
        if len(texts) < 2 * self.cv:
            raise DetectError(
                f"need at least {2 * self.cv} labelled texts to train; got {len(texts)}.",
                code="detect.too_few",
            )
        categories = tuple(load_taxonomy().categories)
        vec = TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=self.ngram_range,
            min_df=self.min_df,
            max_features=self.max_features,
            preprocessor=normalize_text,
            lowercase=False,
            sublinear_tf=True,
            dtype=np.float32,
        )
        X = vec.fit_transform(list(texts))
        classifiers: dict[str, Any] = {}
        coefs: dict[str, np.ndarray] = {}
        skipped: list[str] = []
        for c in categories:
            y = np.array([c in lab for lab in labels], dtype=int)
            pos = int(y.sum())
            if pos < self.cv or len(y) - pos < self.cv:
                skipped.append(c)
                continue
            base = LogisticRegression(
                C=self.C, class_weight="balanced", solver="liblinear", max_iter=1000
            )
            clf = CalibratedClassifierCV(base, cv=self.cv, method="sigmoid")
            clf.fit(X, y)
            classifiers[c] = clf
            coefs[c] = np.mean(
                [cc.estimator.coef_[0] for cc in clf.calibrated_classifiers_], axis=0
            )
        self.vectorizer_ = vec
        self.classifiers_ = classifiers
        self.coef_ = coefs
        self.categories_ = categories
        self.skipped_ = tuple(skipped)
        self.n_samples_ = len(texts)
        return self

    def __getstate__(self) -> dict[str, Any]:
        """What is saved: everything but the prediction matrix derived from the classifiers."""
        state = dict(self.__dict__)
        state.pop("_stack", None)
        return state

    def _check_fitted(self) -> None:
        if not hasattr(self, "classifiers_"):
            from sklearn.exceptions import NotFittedError

            raise NotFittedError(
                "This CharNgramModel is not fitted yet: call fit(texts, labels) or load a saved "
                "model with CharNgramModel.load(DIR)."
            )

    # -- prediction -------------------------------------------------------------------------
    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Calibrated probabilities, shape ``(n_texts, n_categories)`` in ``categories_`` order."""
        self._check_fitted()
        X = self.vectorizer_.transform(list(texts))
        out = np.zeros((len(texts), len(self.categories_)), dtype=float)
        stack = self._linear_stack()
        if stack is None:
            for j, c in enumerate(self.categories_):
                clf = self.classifiers_.get(c)
                if clf is not None:
                    out[:, j] = clf.predict_proba(X)[:, 1]
            return out
        W, intercept, a, b, column = stack
        # each calibrated fold: Platt's sigmoid of its logistic regression's decision value;
        # a category's probability is the mean over its folds (as CalibratedClassifierCV does)
        product = X @ W
        decision = np.asarray(product.toarray() if hasattr(product, "toarray") else product)
        decision = decision.astype(float) + intercept
        proba = 1.0 / (1.0 + np.exp(a * decision + b))
        np.add.at(out.T, column, proba.T)
        counts = np.bincount(column, minlength=len(self.categories_))
        nonzero = counts > 0
        out[:, nonzero] /= counts[nonzero]
        return out

    def _linear_stack(self) -> tuple[Any, np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None:
        """Every fold's coefficients, intercept and sigmoid in one matrix, so one sparse
        product scores all categories (42 scikit-learn calls cost ~28 ms for one text).
        None when a classifier is not the expected linear model with a sigmoid calibration."""
        cached = self.__dict__.get("_stack")
        if cached is not None:
            return cast(tuple[Any, np.ndarray, np.ndarray, np.ndarray, np.ndarray], cached)
        from scipy import sparse

        cols, intercepts, a, b, column = [], [], [], [], []
        try:
            for j, c in enumerate(self.categories_):
                clf = self.classifiers_.get(c)
                if clf is None:
                    continue
                for cc in clf.calibrated_classifiers_:
                    est, (cal,) = cc.estimator, cc.calibrators
                    cols.append(np.asarray(est.coef_[0], dtype=float))
                    intercepts.append(float(est.intercept_[0]))
                    a.append(float(cal.a_))
                    b.append(float(cal.b_))
                    column.append(j)
        except (AttributeError, ValueError, TypeError):
            return None
        if not cols:
            return None
        stack = (
            sparse.csr_matrix(np.vstack(cols).T),
            np.array(intercepts),
            np.array(a),
            np.array(b),
            np.array(column),
        )
        self.__dict__["_stack"] = stack
        return stack

    def predict_scores(self, texts: Sequence[str]) -> list[dict[str, float]]:
        if not texts:
            return []
        proba = self.predict_proba(texts)
        return [{c: float(row[j]) for j, c in enumerate(self.categories_)} for row in proba]

    def predict(self, texts: Sequence[str], threshold: float = 0.5) -> list[tuple[str, ...]]:
        proba = self.predict_proba(texts)
        return [
            tuple(c for j, c in enumerate(self.categories_) if row[j] >= threshold) for row in proba
        ]

    def explain(self, text: str, category: str, limit: int = 3) -> list[Evidence]:
        """The n-grams of ``text`` that pushed ``category`` up most, as spans of the original."""
        self._check_fitted()
        coef = self.coef_.get(category)
        if coef is None:
            return []
        x = self.vectorizer_.transform([text])
        idx = x.indices
        if len(idx) == 0:
            return []
        contrib = x.data * coef[idx]
        order = np.argsort(-contrib)[: limit * 3]
        names = self.vectorizer_.get_feature_names_out()
        norm = normalize(text)
        out: list[Evidence] = []
        used: set[tuple[int, int]] = set()
        for k in order:
            if contrib[k] <= 0 or len(out) >= limit:
                break
            gram = str(names[idx[k]])
            core = gram.strip()
            pos = norm.text.find(core) if core else -1
            if pos < 0:
                continue
            a, b = norm.span(pos, pos + len(core))
            if (a, b) in used:
                continue
            used.add((a, b))
            out.append(Evidence(category, a, b, text[a:b], f"model:{gram}", float(contrib[k])))
        return out

    # -- persistence ------------------------------------------------------------------------
    @property
    def version(self) -> str:
        return f"model-{getattr(self, 'model_sha256_', 'unsaved')[:10]}"

    def save(
        self, out_dir: str | Path, *, data_sha256: str, metrics: dict[str, Any] | None = None
    ) -> Path:
        """Write ``model.joblib`` and ``metadata.json`` (with the model file's SHA-256)."""
        import joblib
        import sklearn

        self._check_fitted()
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        model_path = out / _MODEL_FILE
        joblib.dump(self, model_path, compress=3)
        digest = _sha256(model_path)
        self.model_sha256_ = digest
        meta = {
            "format": MODEL_FORMAT,
            "marsad_version": _marsad_version(),
            "sklearn_version": sklearn.__version__,
            "taxonomy_version": load_taxonomy().version,
            "data_sha256": data_sha256,
            "model_file": _MODEL_FILE,
            "model_sha256": digest,
            "n_samples": self.n_samples_,
            "categories": [c for c in self.categories_ if c not in self.skipped_],
            "skipped_categories": list(self.skipped_),
            "params": {
                k: list(v) if isinstance(v, tuple) else v for k, v in self.get_params().items()
            },
            "metrics": metrics or {},
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        (out / _META_FILE).write_text(
            json.dumps(meta, indent=2, ensure_ascii=False), encoding="utf-8"
        )
        return out

    @classmethod
    def read_metadata(cls, path: str | Path) -> dict[str, Any]:
        p = Path(path) / _META_FILE
        try:
            meta = json.loads(p.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise DetectError(
                f"Cannot read model metadata {p}: {exc}", code="detect.model_invalid"
            ) from None
        if not isinstance(meta, dict) or meta.get("format") != MODEL_FORMAT:
            raise DetectError(
                f"{p} is not a {MODEL_FORMAT} model (format {meta.get('format') if isinstance(meta, dict) else None!r}).",
                code="detect.model_invalid",
            )
        return meta

    @classmethod
    def load(cls, path: str | Path) -> CharNgramModel:
        """Load a saved model, refusing it unless its hash and metadata match."""
        import joblib
        import sklearn

        d = Path(path)
        meta = cls.read_metadata(d)
        model_path = d / _MODEL_FILE
        if not model_path.is_file():
            raise DetectError(f"Model file {model_path} is missing.", code="detect.model_invalid")
        digest = _sha256(model_path)
        if digest != meta.get("model_sha256"):
            raise DetectError(
                f"Refusing to load {model_path}: its SHA-256 ({digest[:12]}…) does not match "
                f"metadata.json ({str(meta.get('model_sha256'))[:12]}…). The file was changed or "
                "corrupted; retrain with `marsad detect train`.",
                code="detect.model_tampered",
                path=str(model_path),
            )
        tax = load_taxonomy().version
        if meta.get("taxonomy_version") != tax:
            raise DetectError(
                f"Model {d} was trained on taxonomy {meta.get('taxonomy_version')}, but this Marsad "
                f"uses taxonomy {tax}; retrain it with `marsad detect train`.",
                code="detect.model_stale",
            )
        if (
            str(meta.get("sklearn_version", "")).split(".")[:2]
            != sklearn.__version__.split(".")[:2]
        ):
            raise DetectError(
                f"Model {d} was saved with scikit-learn {meta.get('sklearn_version')}, this is "
                f"{sklearn.__version__}; retrain it with `marsad detect train`.",
                code="detect.model_stale",
            )
        model = joblib.load(model_path)
        if not isinstance(model, cls):
            raise DetectError(
                f"{model_path} does not hold a CharNgramModel.", code="detect.model_invalid"
            )
        model.model_sha256_ = digest
        model.metadata_ = meta  # type: ignore[attr-defined]
        return model
