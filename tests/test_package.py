"""The package as a whole: light import, every module declares __all__, no import cycles upward."""

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import cslab

PKG = Path(cslab.__file__).parent
HEAVY = ("pandas", "numpy", "matplotlib", "ipywidgets", "nbgrader", "rjieba", "jieba", "yaml")


def _modules():
    for path in sorted(PKG.rglob("*.py")):
        rel = path.relative_to(PKG.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__main__":
            continue
        if parts[-1] == "__init__":
            parts = parts[:-1]
        yield ".".join(parts), path


def test_import_is_light():
    """`import cslab` loads none of the heavy libraries."""
    out = subprocess.run(
        [sys.executable, "-c", "import cslab, sys; print(' '.join(sys.modules))"],
        check=True, capture_output=True, text=True,
    ).stdout.split()
    loaded = {name.split(".")[0] for name in out}
    assert not loaded & set(HEAVY), f"import cslab loaded {sorted(loaded & set(HEAVY))}"


def test_every_module_declares_all():
    """Every module has a docstring and an __all__ whose names exist."""
    for name, path in _modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        assert ast.get_docstring(tree), f"{name} has no module docstring"
        if path.name.startswith("_") and path.name != "__init__.py":
            continue
        module = importlib.import_module(name)
        assert hasattr(module, "__all__"), f"{name} has no __all__"
        for item in module.__all__:
            assert hasattr(module, item), f"{name}.__all__ names missing {item}"


def test_lazy_submodules_resolve():
    """Each lazily exposed submodule is importable as an attribute."""
    for name in cslab._SUBMODULES:
        assert getattr(cslab, name).__name__ == f"cslab.{name}"
