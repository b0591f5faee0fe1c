"""cslab: helpers for the e-commerce customer-service course (电子商务客服).

Submodules load on first use so that ``import cslab`` stays light:

>>> import cslab
>>> cslab.__version__
'0.1.0'
"""

import importlib

__version__ = "0.1.0"

#: submodules reachable as ``cslab.<name>`` (imported lazily on first access)
_SUBMODULES = (
    "bot",
    "chat",
    "curriculum",
    "datagen",
    "datasets",
    "errors",
    "evaluation",
    "gradebook",
    "grading",
    "labsetup",
    "phrases",
    "plotting",
    "reply_practice",
    "scoring",
    "situations",
    "typing_practice",
    "widgets",
    "workbench",
    "workspace",
    "zhtext",
)

__all__ = ["__version__", *_SUBMODULES]


def __getattr__(name):
    if name in _SUBMODULES:
        module = importlib.import_module(f"{__name__}.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module 'cslab' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_SUBMODULES))
