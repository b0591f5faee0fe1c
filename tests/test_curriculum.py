"""cslab.curriculum: the coverage matrix matches the course standards and the files in the repo."""

import copy
import json
import re
from pathlib import Path

import pytest
import yaml

from cslab import curriculum
from cslab.errors import DataError

REPO = Path(curriculum.__file__).resolve().parent.parent

# The unit titles as the three course standards name them.
TASKS_001 = ["电子商务客服认知", "客服岗前知识准备", "售前客服", "售中客服", "售后客服", "客户关系管理"]
CHAPTERS_002 = ["网店客服岗前准备", "与顾客的有效沟通", "客服的销售技能", "售后服务", "给顾客满意的购物体验",
                "客户关系管理", "科学管理客服", "ITMC网店客户服务实训系统介绍"]
PROJECTS_004 = ["受理客户咨询", "促成客户交易", "处理客户投诉", "调整情绪压力"]

# Bullets per work task in 001's table 三、课程内容和要求 (知识要求, 技能要求) and 训练 in 四、教学设计.
KNOWLEDGE_001 = [5, 7, 6, 7, 8, 6]
SKILLS_001 = [3, 7, 7, 5, 6, 4]
TRAINING_001 = [1, 3, 1, 1, 1, 1]
# 主要内容 per chapter of 002.
CONTENTS_002 = [4, 4, 4, 5, 2, 5, 5, 4]
# 004 per project: 子情境, 知识, 能力.
SUBS_004 = [3, 6, 3, 2]
KNOWLEDGE_004 = [3, 3, 2, 1]
ABILITIES_004 = [3, 3, 1, 3]


# ---------------------------------------------------------------- the real matrix

def test_real_matrix_has_no_problems():
    """Every lesson and assignment the YAML names exists, nothing planned already exists, ids are sound."""
    found = curriculum.problems()
    assert found == [], "curriculum.yaml 与仓库文件不一致：\n" + "\n".join(found)


def test_every_standard_has_items():
    """All three standards contribute items, and only the known kinds are used."""
    df = curriculum.items()
    counts = df.groupby("standard").size()
    for std in ("001", "002", "004"):
        assert counts.get(std, 0) > 0, std
    assert set(df["kind"]) <= set(curriculum.KINDS)
    assert df["text"].str.strip().str.len().gt(0).all()


def _units(std):
    data = curriculum.load_curriculum()
    return next(s for s in data["standards"] if s["id"] == std)["units"]


def _kind_counts(unit, prefix=None):
    out = {}
    for item in unit["items"]:
        letter = item["id"].rsplit("-", 1)[1][0]
        key = letter if prefix else item["kind"]
        out[key] = out.get(key, 0) + 1
    return out


def test_all_001_work_tasks_with_their_bullets():
    """001 has its six work tasks in order, each with all 知识要求, 技能要求 and 训练 bullets."""
    tasks = [u for u in _units("001") if u["type"] == "工作任务"]
    assert [u["title"] for u in tasks] == TASKS_001
    for unit, k, s, p in zip(tasks, KNOWLEDGE_001, SKILLS_001, TRAINING_001):
        counts = _kind_counts(unit)
        assert (counts.get("knowledge"), counts.get("skill"), counts.get("practice")) == (k, s, p), unit["id"]
        assert counts.get("attitude", 0) > 0, f"{unit['id']} 缺少思政内容"


def test_all_002_chapters_with_their_contents():
    """002 has its eight chapters in order with every 主要内容 item, plus 职业模块 and 拓展模块."""
    chapters = [u for u in _units("002") if u["type"] == "章节"]
    assert [u["title"] for u in chapters] == CHAPTERS_002
    assert [len(u["items"]) for u in chapters] == CONTENTS_002
    titles = {u["title"] for u in _units("002")}
    assert {"职业模块", "拓展模块与课程思政"} <= titles


def test_all_004_projects_with_their_requirements():
    """004 has its four 学习情境 with every 子情境, 知识 and 能力 item, and 素质 items."""
    projects = [u for u in _units("004") if u["type"] == "学习情境"]
    assert [u["title"] for u in projects] == PROJECTS_004
    for unit, s, k, c in zip(projects, SUBS_004, KNOWLEDGE_004, ABILITIES_004):
        counts = _kind_counts(unit, prefix=True)
        assert (counts.get("S"), counts.get("K"), counts.get("C")) == (s, k, c), unit["id"]
        assert counts.get("Q") == 3, unit["id"]


def test_ids_unique_and_well_formed():
    """Item ids are unique and read <standard>-<unit>-<letter><number>."""
    ids = curriculum.items()["id"]
    assert ids.is_unique
    pattern = re.compile(r"^(001-(T[1-6]|G)-[KSPAQ]\d+|002-(C[1-8]|M|X)-\d\d|004-P[1-4]-[SKCRQ]\d+)$")
    bad = [i for i in ids if not pattern.match(i)]
    assert not bad, bad


def test_real_coverage_is_a_percentage():
    """Coverage figures of the real matrix are percentages, with a row per standard and overall."""
    table = curriculum.coverage()
    assert list(table.index) == ["001", "002", "004", "全部"]
    assert table["条目数"].sum() == 2 * table.loc["全部", "条目数"]
    values = table[["已讲授(%)", "已练习(%)", "自动检查(%)"]]
    assert ((values >= 0) & (values <= 100)).all().all()


def test_course_map_has_a_row_per_unit():
    """The course map lists every unit with a known status."""
    cmap = curriculum.course_map()
    n_units = sum(len(s["units"]) for s in curriculum.load_curriculum()["standards"])
    assert len(cmap) == n_units
    assert set(cmap["状态"]) <= {curriculum.LIVE, curriculum.PARTIAL, curriculum.PLANNED}
    assert cmap["课程"].str.len().gt(0).all()


def test_index_notebook_links_the_live_lessons():
    """00_index links every lesson that exists and only lessons that exist."""
    nb = json.loads((REPO / "lessons" / "00_index.ipynb").read_text(encoding="utf-8"))
    text = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    linked = set(re.findall(r"\]\(([^)\s]+\.ipynb)\)", text))
    missing = sorted(n for n in linked if not (REPO / "lessons" / n).is_file())
    assert not missing, f"00_index 链接到不存在的课程：{missing}"
    live = set(curriculum.lessons().query("状态 == '已上线'")["文件"]) - {"00_index.ipynb"}
    assert live <= linked, f"00_index 没有链接已上线的课程：{sorted(live - linked)}"


def test_index_notebook_is_saved_clean():
    """00_index is saved without outputs and without machine paths."""
    raw = (REPO / "lessons" / "00_index.ipynb").read_text(encoding="utf-8")
    nb = json.loads(raw)
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    assert not re.search(r"/work/|/home/|/root/|[A-Z]:\\\\", raw)


# ---------------------------------------------------------------- fixtures

def _doc():
    return {
        "lessons": [{"file": "01_a.ipynb", "title": "甲"}, {"file": "02_b.ipynb", "title": "乙"}],
        "assignments": [{"name": "a01_x", "title": "作业"}],
        "standards": [{"id": "001", "title": "标准", "units": [{
            "id": "001-T1", "number": 1, "title": "任务一", "type": "工作任务", "items": [
                {"id": "001-T1-K1", "kind": "knowledge", "text": "知识", "lesson": "01_a.ipynb",
                 "practice": "练习一", "self_check": True},
                {"id": "001-T1-S1", "kind": "skill", "text": "技能", "planned_lesson": "02_b.ipynb",
                 "planned_practice": "练习二", "planned_assignment": "a01_x"},
            ]}]}],
    }


@pytest.fixture
def tree(tmp_path, monkeypatch):
    """A fake repo: data/curriculum.yaml (via CSLAB_DATA_DIR), lessons/01_a.ipynb, source_assignments/."""
    (tmp_path / "data").mkdir()
    (tmp_path / "lessons").mkdir()
    (tmp_path / "source_assignments").mkdir()
    (tmp_path / "lessons" / "01_a.ipynb").write_text("{}", encoding="utf-8")
    monkeypatch.setenv("CSLAB_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr(curriculum, "repo_root", lambda: tmp_path)
    _write(tmp_path, _doc())
    return tmp_path


def _write(root, doc):
    text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
    (root / "data" / "curriculum.yaml").write_text(text, encoding="utf-8")


def test_fixture_is_clean(tree):
    """The small fixture itself has no problems, and CSLAB_DATA_DIR is where the YAML is read from."""
    assert curriculum.curriculum_path() == tree / "data" / "curriculum.yaml"
    assert curriculum.problems() == []
    assert list(curriculum.items()["status"]) == ["已上线", "计划中"]


def test_coverage_follows_the_file_system(tree):
    """Adding a lesson file or an assignment folder changes coverage and status; nothing is hard-coded."""
    before = curriculum.coverage().loc["全部"]
    assert (before["已讲授(%)"], before["已练习(%)"], before["自动检查(%)"]) == (50.0, 50.0, 50.0)

    (tree / "lessons" / "02_b.ipynb").write_text("{}", encoding="utf-8")
    after = curriculum.coverage().loc["全部"]
    assert after["已讲授(%)"] == 100.0
    assert after["已练习(%)"] == 50.0  # planned_practice does not count until promoted
    assert list(curriculum.items()["status"]) == ["已上线", "部分上线"]
    assert curriculum.course_map().loc[0, "状态"] == "部分上线"

    (tree / "source_assignments" / "a01_x").mkdir()
    assert curriculum.coverage().loc["001", "自动检查(%)"] == 100.0
    assert list(curriculum.items()["status"]) == ["已上线", "已上线"]
    assert curriculum.course_map().loc[0, "状态"] == "已上线"


def test_status_unknown_without_the_repository(tree, monkeypatch):
    """Installed from a wheel (no lessons/): status says 未知 and coverage trusts the declarations."""
    monkeypatch.setattr(curriculum, "repo_root", lambda: None)
    assert set(curriculum.items()["status"]) == {"未知"}
    assert set(curriculum.course_map()["状态"]) == {"未知"}
    assert curriculum.coverage().loc["全部", "已讲授(%)"] == 50.0
    assert curriculum.problems() == []  # file checks need the repository


def _item(doc, n):
    return doc["standards"][0]["units"][0]["items"][n]


def _set(n, **fields):
    def change(doc, root):
        item = _item(doc, n)
        for key, value in fields.items():
            if value is None:
                item.pop(key, None)
            else:
                item[key] = value
    return change


def _touch(rel):
    def change(doc, root):
        path = root / rel
        if rel.endswith(".ipynb"):
            path.write_text("{}", encoding="utf-8")
        else:
            path.mkdir()
    return change


@pytest.mark.parametrize("change, expected", [
    (_set(1, id="001-T1-K1"), "重复出现 2 次"),
    (_set(0, kind="knowlege"), "未知的类型"),
    (_set(1, planned_lesson=None), "既没有 lesson 也没有 planned_lesson"),
    (_set(0, planned_lesson="02_b.ipynb"), "只能写一个"),
    (_set(0, lesson="02_b.ipynb"), "lessons/02_b.ipynb 不存在，却被写成 lesson"),
    (_touch("lessons/02_b.ipynb"), "请把 planned_lesson 改为 lesson"),
    (_set(0, assignment="a01_x"), "source_assignments/a01_x 不存在，却被写成 assignment"),
    (_touch("source_assignments/a01_x"), "请把 planned_assignment 改为 assignment"),
    (_set(0, lesson="03_c.ipynb"), "课程 03_c.ipynb 不在 lessons 列表中"),
    (_set(1, planned_assignment="a09_y"), "作业 a09_y 不在 assignments 列表中"),
    (_set(1, practice="练习二", planned_practice=None), "请把 practice 改为 planned_practice"),
    (_set(1, self_check=True), "不能标记 self_check: true"),
    (_set(0, self_check="是"), "self_check 只能是 true 或 false"),
    (_set(0, text=""), "缺少课程标准原文"),
    (_set(0, id="001-T2-K1"), "编号应以所在单元编号 001-T1- 开头"),
    (_set(0, woven_in=["99_x.ipynb"]), "课程 99_x.ipynb 不在 lessons 列表中"),
    (_touch("lessons/05_new.ipynb"), "lessons/05_new.ipynb 没有登记"),
])
def test_problems_detects_each_kind_of_error(tree, change, expected):
    """Each kind of inconsistency yields a Chinese message naming it."""
    doc = copy.deepcopy(_doc())
    change(doc, tree)
    _write(tree, doc)
    found = curriculum.problems()
    assert any(expected in message for message in found), found


def test_problems_accepts_data_directly(tree):
    """problems()/items()/coverage() also take already-loaded data (no file needed)."""
    doc = _doc()
    _item(doc, 1)["kind"] = "other"
    assert any("未知的类型" in m for m in curriculum.problems(doc))
    assert len(curriculum.items(doc)) == 2


def test_missing_or_broken_yaml_is_a_clear_error(tree):
    """A missing or malformed YAML raises DataError with a Chinese message."""
    path = tree / "data" / "curriculum.yaml"
    path.write_text("standards: [\n", encoding="utf-8")
    with pytest.raises(DataError, match="格式有误"):
        curriculum.load_curriculum()
    path.unlink()
    with pytest.raises(DataError, match="找不到课程标准覆盖矩阵"):
        curriculum.load_curriculum()


def test_main_prints_table_and_check_fails_on_problems(tree, capsys):
    """`python -m cslab.curriculum` prints Chinese headers; --check exits 1 when there are problems."""
    assert curriculum.main([]) == 0
    out = capsys.readouterr().out
    assert "课程标准覆盖情况" in out and "已讲授(%)" in out and "没有发现问题" in out
    assert curriculum.main(["--map", "--check"]) == 0
    doc = _doc()
    _item(doc, 0)["lesson"] = "02_b.ipynb"
    _write(tree, doc)
    assert curriculum.main(["--check"]) == 1
    assert "发现 1 个问题" in capsys.readouterr().out
