"""Chinese fonts for matplotlib and the course's chart style.

Every lesson with a chart calls :func:`use_chinese_font` (or :func:`apply_style`, which calls
it) before plotting. The font is a subset of Noto Sans CJK SC (SIL OFL 1.1) shipped inside the
package, ``cslab/fonts/``, so Chinese titles, labels and legends render on a pip-only install
with no system CJK font. Importing this module does not import matplotlib; the functions do.

>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import matplotlib.pyplot as plt
>>> from cslab import plotting
>>> plotting.use_chinese_font()
'Noto Sans SC Subset cslab'
>>> with plotting.course_style():
...     fig, ax = plt.subplots()
...     bars = ax.bar(["咨询人数", "下单人数"], [500, 80], label="近30天")
...     title = ax.set_title("询单转化率 = 80 ÷ 500 = 16%")
...     legend = ax.legend()
...     fig.canvas.draw()
>>> plt.close(fig)
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

__all__ = [
    "COURSE_COLORS",
    "FONT_FAMILY",
    "apply_style",
    "course_rc",
    "course_style",
    "font_files",
    "use_chinese_font",
]

#: family name of the bundled font (renamed so it never clashes with a system Noto font)
FONT_FAMILY = "Noto Sans SC Subset cslab"

#: the course colour cycle: Okabe–Ito, readable for colour-blind students and in grey print
COURSE_COLORS = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#D55E00",  # vermilion
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#F0E442",  # yellow
    "#7F7F7F",  # grey
)

_FONT_DIR = Path(__file__).resolve().parent / "fonts"
_FONT_FILES = (_FONT_DIR / "NotoSansSC-Subset.otf", _FONT_DIR / "NotoSansSC-Subset-Bold.otf")

#: the ``fontManager.ttflist`` object we last registered our fonts in (a cache rebuild
#: replaces the list, which is how the fast path notices it)
_registered_in: list | None = None


def font_files() -> tuple[Path, ...]:
    """The bundled font files (Regular, Bold); used by every lesson with a chart.

    >>> [p.name for p in font_files()]
    ['NotoSansSC-Subset.otf', 'NotoSansSC-Subset-Bold.otf']
    >>> all(p.is_file() for p in font_files())
    True
    """
    return _FONT_FILES


def _same_file(a, b) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _has_our_fonts(fm) -> bool:
    names = {os.path.normcase(str(p)) for p in _FONT_FILES}
    found = {os.path.normcase(os.path.realpath(e.fname)) for e in fm.ttflist
             if e.name == FONT_FAMILY}
    return names <= found


def _rebuild_if_stale(fm, font_manager) -> None:
    """Rebuild the font list now if the (maybe shared) cache names font files that are gone.

    matplotlib would otherwise rebuild it lazily, at the first look-up that hits a missing
    file, and that rebuild silently drops every font registered with ``addfont``.
    """
    ours = {os.path.normcase(str(p)) for p in _FONT_FILES}
    stale = any(
        not os.path.isfile(e.fname)
        for e in (*fm.ttflist, *fm.afmlist)
        if os.path.normcase(e.fname) not in ours
    )
    if not stale:
        return
    load = getattr(font_manager, "_load_fontmanager", None)
    new = load(try_read_cache=False) if load else font_manager.FontManager()
    vars(fm).update(vars(new))  # in place, as matplotlib itself does: others hold `fm`
    fm._findfont_cached.cache_clear()


def _register(fm) -> None:
    # Drop entries of our family that point elsewhere (another checkout, a deleted file).
    ours = {os.path.normcase(str(p)) for p in _FONT_FILES}
    fm.ttflist[:] = [e for e in fm.ttflist if e.name != FONT_FAMILY
                     or os.path.normcase(os.path.realpath(e.fname)) in ours]
    for path in _FONT_FILES:
        if not any(e.name == FONT_FAMILY and _same_file(e.fname, path) for e in fm.ttflist):
            fm.addfont(str(path))
    fm._findfont_cached.cache_clear()


def _findable(font_manager) -> bool:
    FontProperties = font_manager.FontProperties
    for weight, path in zip(("normal", "bold"), _FONT_FILES):
        try:
            found = font_manager.findfont(
                FontProperties(family=FONT_FAMILY, weight=weight), fallback_to_default=False)
        except ValueError:
            return False
        if not _same_file(found, path):
            return False
    return True


def _set_font_rc(rc) -> None:
    rc["font.family"] = [FONT_FAMILY, "DejaVu Sans"]
    rc["font.sans-serif"] = [FONT_FAMILY, "DejaVu Sans", *(
        f for f in rc["font.sans-serif"] if f not in (FONT_FAMILY, "DejaVu Sans"))]
    rc["axes.unicode_minus"] = False


def use_chinese_font() -> str:
    """Make matplotlib draw Chinese with the bundled font; returns its family name.

    Used by every lesson with a chart (and by :func:`apply_style`). Registers the bundled
    Noto Sans SC subset with matplotlib (surviving a stale shared font cache), puts it first in
    ``font.family`` with DejaVu Sans as fallback for symbols outside the subset, and sets
    ``axes.unicode_minus = False``. Safe to call many times; later calls are fast.

    >>> use_chinese_font()
    'Noto Sans SC Subset cslab'
    >>> import matplotlib
    >>> matplotlib.rcParams["font.family"]
    ['Noto Sans SC Subset cslab', 'DejaVu Sans']
    """
    global _registered_in
    import matplotlib
    from matplotlib import font_manager

    fm = font_manager.fontManager  # importing font_manager loads (or rebuilds) the cache
    if fm.ttflist is not _registered_in or not _has_our_fonts(fm):
        _rebuild_if_stale(fm, font_manager)
        _register(fm)
        if not _findable(font_manager):  # a rebuild raced us: add again, once
            _register(fm)
            if not _findable(font_manager):
                raise RuntimeError(
                    f"matplotlib cannot find the bundled font {FONT_FAMILY!r} "
                    f"({_FONT_FILES[0]}); is the cslab installation complete?")
        _registered_in = fm.ttflist
    _set_font_rc(matplotlib.rcParams)
    return FONT_FAMILY


def course_rc() -> dict:
    """The course chart style as an rcParams dict (font settings not included).

    Used by :func:`apply_style` and :func:`course_style`, so by every lesson with a chart.

    >>> rc = course_rc()
    >>> rc["axes.grid"], rc["axes.spines.top"]
    (True, False)
    """
    from cycler import cycler

    return {
        "figure.figsize": (8.0, 4.5),
        "figure.dpi": 100,
        "figure.constrained_layout.use": True,
        "font.size": 11,
        "axes.titlesize": 14,
        "axes.titleweight": "bold",
        "axes.titlepad": 10,
        "axes.labelsize": 11,
        "xtick.labelsize": 10,
        "ytick.labelsize": 10,
        "legend.fontsize": 10,
        "legend.frameon": False,
        "axes.prop_cycle": cycler(color=list(COURSE_COLORS)),
        "axes.grid": True,
        "axes.axisbelow": True,
        "grid.color": "#DDDDDD",
        "grid.linestyle": "-",
        "grid.linewidth": 0.8,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.edgecolor": "#555555",
        "lines.linewidth": 2.0,
        "lines.markersize": 6,
        "patch.edgecolor": "none",
    }


def apply_style() -> str:
    """Use the Chinese font and the course chart style for the rest of the session.

    Used at the top of every lesson with charts; returns the font family name.

    >>> import matplotlib
    >>> with matplotlib.rc_context():
    ...     apply_style()
    ...     matplotlib.rcParams["axes.spines.right"]
    'Noto Sans SC Subset cslab'
    False
    """
    import matplotlib

    family = use_chinese_font()
    matplotlib.rcParams.update(course_rc())
    return family


@contextlib.contextmanager
def course_style():
    """Draw with the Chinese font and the course style inside a ``with`` block only.

    Used by chart helpers in the lessons (and ``cslab`` reports) that must not change the
    notebook's global settings; yields the font family name.

    >>> import matplotlib
    >>> with course_style() as family:
    ...     matplotlib.rcParams["axes.grid"]
    True
    >>> family
    'Noto Sans SC Subset cslab'
    """
    import matplotlib

    with matplotlib.rc_context():
        yield apply_style()
