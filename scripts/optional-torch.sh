#!/usr/bin/env bash
# Optional: the transformer backend's tests need torch + transformers. Install them only where a
# CPU build of torch lies on disk (/opt/wheels on this workplace's machines): from PyPI, plain
# `torch` is a multi-GB CUDA build. Elsewhere the transformer test skips and says why.
set -euo pipefail
pip="$1"; python="$2"
wheel=$(ls /opt/wheels/torch-*+cpu-cp311-*.whl 2>/dev/null | head -1 || true)
[ -n "$wheel" ] || exit 0
if "$python" -c "import torch, transformers" 2>/dev/null; then exit 0; fi
echo "Installing the optional transformer backend (torch CPU from $wheel, transformers)"
"$pip" --python "$python" install --quiet --disable-pip-version-check --find-links /opt/wheels "$wheel" "transformers>=4.40" 2>&1 | grep -v "is ignored" || true
"$python" -c "import torch, transformers" 
