"""Tests for cslab.plotting: Chinese chart text renders with the bundled font, everywhere."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path

import pytest

from cslab import plotting

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import font_manager  # noqa: E402

CACHE_NAME = f"fontlist-v{font_manager.FontManager.__version__}.json"

#: draws a chart with Chinese everywhere, prints what happened as JSON (run in a subprocess)
CHART_SCRIPT = textwrap.dedent("""
    import json, sys, warnings
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import font_manager
    from matplotlib.font_manager import FontProperties
    from cslab import plotting

    family = plotting.use_chinese_font()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig, ax = plt.subplots()
        ax.bar(["咨询", "下单", "付款"], [500, 80, 72], label="近30天")
        ax.plot([0, 1, 2], [-5, 100, 60], label="环比 −5%")
        ax.set_title("询单转化率【示例】", fontsize=16, fontweight="bold")
        ax.set_xlabel("环节")
        ax.set_ylabel("人数（人）")
        ax.legend(title="图例")
        fig.canvas.draw()
        texts = [ax.title, ax.xaxis.label, ax.yaxis.label, *ax.get_xticklabels(),
                 *ax.get_legend().get_texts(), ax.get_legend().get_title()]
        used = sorted({str(font_manager.fontManager._find_fonts_by_props(
            t.get_fontproperties())[0]) for t in texts})
    found = font_manager.findfont(FontProperties(family=family), fallback_to_default=False)
    print(json.dumps({
        "family": family,
        "warnings": [str(w.message) for w in caught],
        "used": used,
        "findfont": str(found),
        "ours": [str(p) for p in plotting.font_files()],
    }))
""")


def _draw_chinese_chart():
    """Draw a chart with Chinese title, labels, tick labels and legend; return warnings."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig, ax = plt.subplots()
        try:
            ax.bar(["咨询", "下单"], [500, 80], label="近30天")
            ax.set_title("询单转化率 16%")
            ax.set_xlabel("环节")
            ax.set_ylabel("人数（人）")
            ax.legend(title="图例")
            fig.canvas.draw()
            texts = [ax.title, ax.xaxis.label, ax.yaxis.label, *ax.get_xticklabels(),
                     *ax.get_legend().get_texts()]
            used = {str(font_manager.fontManager._find_fonts_by_props(
                t.get_fontproperties())[0]) for t in texts}
        finally:
            plt.close(fig)
    return [str(w.message) for w in caught], used


def _missing_glyph(messages):
    return [m for m in messages if "missing from font" in m]


def _run_chart(tmp_path: Path, cache_json: str | None = None) -> dict:
    """Run CHART_SCRIPT with a private MPLCONFIGDIR, optionally seeded with a cache file."""
    config = tmp_path / "mplconfig"
    config.mkdir()
    if cache_json is not None:
        (config / CACHE_NAME).write_text(cache_json, encoding="utf-8")
    env = {**os.environ, "MPLCONFIGDIR": str(config), "MPLBACKEND": "Agg"}
    proc = subprocess.run([sys.executable, "-c", CHART_SCRIPT], env=env, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "not found" not in proc.stderr, proc.stderr  # findfont's log warnings
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _assert_chart_ok(result: dict) -> None:
    assert result["family"] == plotting.FONT_FAMILY
    assert _missing_glyph(result["warnings"]) == []
    regular, bold = result["ours"]
    assert os.path.samefile(result["findfont"], regular)
    assert set(result["used"]) == {regular, bold}  # title is bold, everything else regular


@pytest.fixture(scope="module")
def fresh_cache(tmp_path_factory) -> str:
    """A font cache freshly built by this matplotlib, as JSON text."""
    config = tmp_path_factory.mktemp("mplconfig-fresh")
    env = {**os.environ, "MPLCONFIGDIR": str(config)}
    subprocess.run([sys.executable, "-c", "import matplotlib.font_manager"], env=env,
                   check=True, timeout=120)
    return (config / CACHE_NAME).read_text(encoding="utf-8")


def test_bundled_font_files_exist_and_are_ofl_licensed():
    """The font files and their licence ship inside the package."""
    files = plotting.font_files()
    assert [p.name for p in files] == ["NotoSansSC-Subset.otf", "NotoSansSC-Subset-Bold.otf"]
    for path in files:
        assert path.is_file() and path.stat().st_size < 3_000_000
    licence = (files[0].parent / "LICENSE-OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence
    assert "Adobe" in licence


def test_without_our_font_chinese_is_missing():
    """Control: with matplotlib's default font the same chart does warn (the check works)."""
    with matplotlib.rc_context({"font.family": ["DejaVu Sans"]}):
        messages, _ = _draw_chinese_chart()
    assert _missing_glyph(messages)


def test_chinese_chart_draws_without_missing_glyphs():
    """Title, axis labels, tick labels and legend render with the bundled font, no warning."""
    with plotting.course_style():
        messages, used = _draw_chinese_chart()
    assert _missing_glyph(messages) == []
    regular, bold = map(str, plotting.font_files())
    assert used == {regular, bold}  # the course style's titles are bold


def test_chosen_font_is_the_bundled_file_not_a_system_noto():
    """Our family resolves to the file inside the package, even where system Noto CJK exists."""
    family = plotting.use_chinese_font()
    package_dir = Path(plotting.__file__).resolve().parent
    for weight, path in zip(("normal", "bold"), plotting.font_files()):
        found = font_manager.findfont(
            font_manager.FontProperties(family=family, weight=weight),
            fallback_to_default=False)
        assert os.path.samefile(found, path)
        assert Path(found).resolve().parent == package_dir / "fonts"
    assert matplotlib.rcParams["font.family"][:2] == [family, "DejaVu Sans"]
    assert matplotlib.rcParams["font.sans-serif"][:2] == [family, "DejaVu Sans"]
    assert matplotlib.rcParams["axes.unicode_minus"] is False


def test_symbols_outside_the_subset_fall_back_to_dejavu():
    """A check mark (not in Noto CJK) comes from DejaVu Sans, still with no warning."""
    plotting.use_chinese_font()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig, ax = plt.subplots()
        ax.set_title("已处理 ✔ ①")
        fig.canvas.draw()
        plt.close(fig)
    assert _missing_glyph([str(w.message) for w in caught]) == []


def test_use_chinese_font_is_idempotent():
    """Calling twice registers each font file once and still works."""
    plotting.use_chinese_font()
    plotting.use_chinese_font()
    ours = [e for e in font_manager.fontManager.ttflist if e.name == plotting.FONT_FAMILY]
    assert sorted(e.weight for e in ours) == [400, 700]
    sans = matplotlib.rcParams["font.sans-serif"]
    assert sans.count(plotting.FONT_FAMILY) == 1 and sans.count("DejaVu Sans") == 1
    messages, _ = _draw_chinese_chart()
    assert _missing_glyph(messages) == []


def test_use_chinese_font_registers_again_after_a_rebuild():
    """If matplotlib rebuilt its font list (dropping our fonts), the next call adds them back."""
    fm = font_manager.fontManager
    plotting.use_chinese_font()
    fm.ttflist = [e for e in fm.ttflist if e.name != plotting.FONT_FAMILY]  # what a rebuild does
    fm._findfont_cached.cache_clear()
    assert plotting.use_chinese_font() == plotting.FONT_FAMILY
    assert len([e for e in fm.ttflist if e.name == plotting.FONT_FAMILY]) == 2
    messages, _ = _draw_chinese_chart()
    assert _missing_glyph(messages) == []


def test_course_style_restores_settings():
    """course_style() changes rcParams inside the block only."""
    before = matplotlib.rcParams["axes.spines.top"]
    with plotting.course_style() as family:
        assert family == plotting.FONT_FAMILY
        assert matplotlib.rcParams["axes.spines.top"] is False
        assert matplotlib.rcParams["axes.prop_cycle"].by_key()["color"][0] == "#0072B2"
    assert matplotlib.rcParams["axes.spines.top"] == before


@pytest.mark.slow
def test_fresh_matplotlib_config_dir(tmp_path):
    """A first run (no font cache at all) renders Chinese with our font."""
    _assert_chart_ok(_run_chart(tmp_path))


@pytest.mark.slow
def test_corrupt_font_cache(tmp_path):
    """A garbage fontlist JSON (half-written shared cache) does not break Chinese charts."""
    _assert_chart_ok(_run_chart(tmp_path, '{"_version": "3.11.0", "ttflist": [ {"fname": '))


@pytest.mark.slow
def test_font_cache_from_another_version(tmp_path, fresh_cache):
    """A cache file written by a different matplotlib version does not break Chinese charts."""
    data = json.loads(fresh_cache)
    data["_version"] = "0.0.1"
    _assert_chart_ok(_run_chart(tmp_path, json.dumps(data)))


@pytest.mark.slow
def test_stale_font_cache_naming_deleted_fonts(tmp_path, fresh_cache):
    """A shared cache listing deleted font files (which makes matplotlib rebuild it in the
    middle of drawing, dropping fonts added with addfont) does not break Chinese charts."""
    data = json.loads(fresh_cache)
    stale = 0
    for entry in data["ttflist"]:
        if entry["name"] == "DejaVu Sans":  # our fallback font: looked up on every draw
            entry["fname"] = "/nonexistent/old-system/" + Path(entry["fname"]).name
            stale += 1
    assert stale
    _assert_chart_ok(_run_chart(tmp_path, json.dumps(data)))


def test_import_does_not_load_matplotlib():
    """`import cslab.plotting` stays light: matplotlib loads only when a function is called."""
    code = ("import sys, cslab, cslab.plotting; "
            "assert 'matplotlib' not in sys.modules, 'matplotlib imported'; "
            "cslab.plotting.font_files(); assert 'matplotlib' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
