"""The house style: a CJK font without network, both languages, fixed colours, byte-identical saving."""
from __future__ import annotations

import importlib.util
import re
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from PIL import Image  # noqa: E402

from tests.conftest import MANIFEST_PLANS  # noqa: E402
from analysis import paths  # noqa: E402
from analysis.plots import style  # noqa: E402
from analysis.coding.codebook import load_codebook  # noqa: E402


def _draw_strict(fig):
    """Draw *fig*, turning matplotlib's 'Glyph ... missing from font' warning into an error."""
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=r".*[Gg]lyph.*missing from.*")
        fig.canvas.draw()


def test_cjk_font_comes_from_the_installed_package():
    name = style.cjk_font()
    assert name, "mplfonts is a dependency: its Noto Sans CJK SC must be found"
    pkg = Path(importlib.util.find_spec("mplfonts").submodule_search_locations[0])
    from matplotlib import font_manager

    files = [f.fname for f in font_manager.fontManager.ttflist if f.name == name]
    assert any(Path(f).resolve().is_relative_to(pkg.resolve()) for f in files), files


def test_chinese_text_draws_without_missing_glyphs():
    with style.styled("zh"):
        fig, ax = plt.subplots()
        ax.set_title("芝罘区 平阴县 重庆 深圳 内蒙古自治区 科协 −1 …")
        ax.set_xlabel("Zhifu, Inner Mongolia 20%")
    _draw_strict(fig)  # also outside the style context: the font family is kept by the text
    plt.close(fig)


def test_missing_cjk_font_fails_with_install_hint(monkeypatch):
    monkeypatch.setattr(style, "cjk_font", lambda: None)
    fig, ax = plt.subplots()
    ax.set_title("Only English")
    assert style.check_figure_text(fig) is fig  # English-only charts still draw
    ax.set_xlabel("科协")
    with pytest.raises(style.MissingFontError) as err:
        style.check_figure_text(fig)
    assert "pip install mplfonts" in str(err.value) and "fonts-noto-cjk" in str(err.value)
    with pytest.raises(style.MissingFontError):
        style.figure_bytes(fig, "png")
    plt.close(fig)


def test_lang_setting():
    from analysis import config_context

    with config_context():
        assert style.set_lang("zh") == "zh" and style.tr("a", "甲") == "甲"
        assert style.tr("a", "甲", lang="en") == "a"
        with pytest.raises(ValueError):
            style.set_lang("fr")
    assert style.get_lang() == "en"  # set inside the block: gone with it


def test_plan_labels_come_from_the_documents_table():
    docs = pd.read_csv(paths.PROCESSED / "documents.csv", dtype=str)
    zh = style.plan_labels(docs, "zh")
    en = style.plan_labels(docs, "en")
    full = style.plan_labels(docs, "en", full=True)
    def base(label: str) -> str:
        """A label without what tells two like-named plans apart: ' 2017', ' 2016–2020', ' (id)'."""
        return re.sub(r"(\s*[（(][^()（）]*[)）]|\s*\d{4}(?:[–-]\d{4})?)+$", "", label)

    for row in docs.itertuples():
        j = row.jurisdiction
        assert zh[j] == j or base(zh[j]) in row.name_zh  # a short form of the manifest's name
        assert en[j] == j or base(en[j]) in row.name_en
        assert full[j] == j or base(full[j]) == row.name_en
    names = docs["name_en"].tolist()
    for j, name in zip(docs["jurisdiction"], names):  # a name no other plan has is shown as it is
        if names.count(name) == 1:
            assert full[j] == name
    assert len(set(zh.values())) == len(zh) and len(set(en.values())) == len(en)


def test_group_and_category_labels_follow_the_codebook():
    cb = load_codebook()
    assert style.group_labels("zh") == {g.id: g.zh for g in cb.groups}
    en = style.group_labels("en")
    assert all(en[g.id] and g.en.startswith(en[g.id]) for g in cb.groups)
    cats = style.category_labels("zh")
    assert cats == {c.id: c.zh for c in cb.categories}
    short = style.category_labels("en", short=True)
    assert set(short) == {c.id for c in cb.categories}


def test_plans_have_fixed_distinct_colours_and_markers():
    from analysis import config_context

    with config_context(plan_order=MANIFEST_PLANS):  # a loaded build's order
        colors = [style.plan_color(j) for j in MANIFEST_PLANS]
        n_okabe = len([c for c in style.PLAN_PALETTE if c in style.OKABE_ITO.values()]) - 1  # yellow is last
        assert colors[:n_okabe] == style.PLAN_PALETTE[:min(n_okabe, len(colors))]  # Okabe-Ito first, in order
        assert style.OKABE_ITO["yellow"] not in colors[:n_okabe]  # illegible on white: used only beyond
        assert style.plan_color("somewhere_else") == style.plan_color("somewhere_else")
    many = [f"plan_{i:03d}" for i in range(200)]  # any number of plans: every plan a distinct pair
    with config_context(plan_order=many):
        pairs = [(style.plan_color(j), style.plan_marker(j)) for j in many]
        assert len(set(pairs)) == len(pairs)
        assert len({style.plan_color(j) for j in many[:len(style.PLAN_PALETTE)]}) == len(style.PLAN_PALETTE)


def test_save_figure_is_byte_identical_and_high_resolution(tmp_path):
    def make():
        with style.styled("en"):
            fig, ax = plt.subplots(figsize=(3, 2))
            ax.plot([0, 1, 2], [2, 0, 1], label="科协")
            ax.legend()
            ax.set_title("Same data, same bytes")
        return fig

    a, b = tmp_path / "a", tmp_path / "b"
    assert style.save_figure(make(), "demo", a) is None  # prints nothing as a cell's last line
    style.save_figure(make(), "demo", b)
    assert [p.name for p in style.figure_paths("demo", a)] == ["demo.png", "demo.svg"]
    assert all(p.is_file() for p in style.figure_paths("demo", a))
    for name in ("demo.png", "demo.svg"):
        assert (a / name).read_bytes() == (b / name).read_bytes()
    svg = (a / "demo.svg").read_text(encoding="utf-8")
    assert "<dc:date>" not in svg and "Matplotlib v" not in svg
    assert "<text" not in svg  # glyphs as paths: renders without the font
    dpi = Image.open(a / "demo.png").info["dpi"]
    assert min(dpi) >= 200
    # an unchanged figure is not rewritten
    mtime = (a / "demo.png").stat().st_mtime_ns
    style.save_figure(make(), "demo", a)
    assert (a / "demo.png").stat().st_mtime_ns == mtime
    with pytest.raises(ValueError):
        style.save_figure(make(), "../escape", a)
    plt.close("all")


def test_apply_style_sets_rcparams():
    with matplotlib.rc_context():
        style.apply_style()
        assert matplotlib.rcParams["svg.fonttype"] == "path"
        assert matplotlib.rcParams["savefig.dpi"] >= 200
        assert matplotlib.rcParams["font.family"][0] == style.cjk_font()


def test_styled_restores_only_its_own_rcparams():
    """A first figure made inside the style turns interactive mode on (pyplot's lazy backend set-up in
    a notebook); leaving the style must not turn it off again, or later figures are not displayed."""
    with matplotlib.rc_context():
        matplotlib.interactive(False)
        font = matplotlib.rcParams["font.size"]
        with style.styled():
            matplotlib.interactive(True)
            assert matplotlib.rcParams["svg.fonttype"] == "path"
        assert matplotlib.is_interactive()
        assert matplotlib.rcParams["font.size"] == font
