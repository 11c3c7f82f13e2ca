"""Optional backend: a local transformer sequence-classification checkpoint.

Used only when the user has a model directory (``config.json``, weights, tokenizer) and
``transformers`` and ``torch`` are installed; nothing is ever downloaded
(``local_files_only=True``). The checkpoint's labels (``config.id2label``) that are taxonomy
category ids are scored; a multi-label checkpoint (``problem_type =
"multi_label_classification"``) uses a sigmoid per label, otherwise a softmax. A transformer
gives no character-level evidence, so a positive category it alone raised gets the whole
text as its span with rule ``transformer:<label>``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from marsad.detect._results import Evidence
from marsad.errors import DetectError
from marsad.taxonomy import load_taxonomy

__all__ = ["TransformerModel"]

INSTALL = "pip install 'transformers>=4.40' torch  (CPU wheels: --index-url https://download.pytorch.org/whl/cpu)"


class TransformerModel:
    """A loaded local checkpoint; build it with :meth:`load`."""

    def __init__(
        self,
        path: Path,
        model: Any,
        tokenizer: Any,
        labels: dict[int, str],
        multi_label: bool,
        max_length: int = 256,
    ) -> None:
        self.path = path
        self.model = model
        self.tokenizer = tokenizer
        self.labels = labels
        self.multi_label = multi_label
        self.max_length = max_length
        h = hashlib.sha256((path / "config.json").read_bytes()).hexdigest()
        self._version = f"transformer-{h[:10]}"

    @property
    def version(self) -> str:
        return self._version

    @classmethod
    def load(cls, path: str | Path, max_length: int = 256) -> TransformerModel:
        p = Path(path)
        try:
            import torch  # noqa: F401
            from transformers import AutoModelForSequenceClassification, AutoTokenizer
        except ImportError:
            raise DetectError(
                f"{p} is a transformer checkpoint, but transformers and torch are not installed: {INSTALL}",
                code="detect.transformers_missing",
            ) from None
        try:
            tokenizer = AutoTokenizer.from_pretrained(str(p), local_files_only=True)
            model = AutoModelForSequenceClassification.from_pretrained(
                str(p), local_files_only=True
            )
        except (OSError, ValueError) as exc:
            raise DetectError(
                f"Cannot load the transformer checkpoint {p}: {exc}", code="detect.model_invalid"
            ) from None
        model.eval()
        known = set(load_taxonomy().categories)
        id2label = {int(i): str(lab) for i, lab in (model.config.id2label or {}).items()}
        labels = {i: lab for i, lab in id2label.items() if lab in known}
        if not labels:
            raise DetectError(
                f"The checkpoint {p} has no label that is a taxonomy category (labels: "
                f"{', '.join(id2label.values())}); set config.id2label to category ids.",
                code="detect.model_invalid",
            )
        multi = getattr(model.config, "problem_type", None) == "multi_label_classification"
        return cls(p, model, tokenizer, labels, multi, max_length)

    def predict_scores(self, texts: Sequence[str]) -> list[dict[str, float]]:
        import torch

        out: list[dict[str, float]] = []
        for i in range(0, len(texts), 32):
            batch = list(texts[i : i + 32])
            enc = self.tokenizer(
                batch,
                padding=True,
                truncation=True,
                max_length=self.max_length,
                return_tensors="pt",
            )
            with torch.no_grad():
                logits = self.model(**enc).logits
            probs = torch.sigmoid(logits) if self.multi_label else torch.softmax(logits, dim=-1)
            for row in probs.tolist():
                out.append({lab: float(row[j]) for j, lab in self.labels.items()})
        return out

    def explain(self, text: str, category: str, limit: int = 3) -> list[Evidence]:
        if not text:
            return []
        return [Evidence(category, 0, len(text), text, f"transformer:{category}", 1.0)]
