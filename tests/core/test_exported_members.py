"""Every public package declares ``__all__`` and every name in it exists (as in httpx)."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import marsad

PACKAGES = sorted(
    m.name
    for m in pkgutil.walk_packages(marsad.__path__, "marsad.")
    if m.ispkg
    and not any(part.startswith("_") for part in m.name.split(".")[1:])
    and ".locales" not in m.name
    and ".migrations" not in m.name
    and not m.name.endswith(".data")
)


@pytest.mark.parametrize("name", PACKAGES)
def test_package_exports_exist(name: str) -> None:
    module = importlib.import_module(name)
    if name == "marsad.cli":
        assert module.__all__ == ["app", "main"]
    exported = getattr(module, "__all__", None)
    assert exported is not None, f"{name} has no __all__"
    for attr in exported:
        assert hasattr(module, attr), f"{name}.__all__ names {attr!r}, which does not exist"
    assert sorted(exported) == sorted(set(exported)), f"{name}.__all__ has duplicates"
