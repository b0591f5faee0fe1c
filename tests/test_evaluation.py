"""cslab.evaluation: 小组自评表与交叉互评表 — validation, robust peer scores, self-rating gap, the form widget."""

import json

import matplotlib
import pytest

from cslab import evaluation as ev
from cslab.errors import InputError

matplotlib.use("Agg")

GROUP = {"2024001": "王语馨", "2024002": "何俊", "2024003": "郭俊", "2024004": "高汐天", "2024005": "袁涵远"}
KEYS = [c.key for c in ev.CRITERIA]


@pytest.fixture(autouse=True)
def workdir(tmp_path, monkeypatch):
    monkeypatch.setenv("CSLAB_WORKDIR", str(tmp_path / "work"))
    return tmp_path / "work"


def forms(scores_by_rater, task="项目一", group=GROUP):
    """Forms from {rater: {ratee: score on every criterion}}."""
    return [ev.demo_form(task, r, group, s, group="第1组") for r, s in scores_by_rater.items()]


def everyone(score, **overrides):
    """Each member rates every member ``score``; overrides = {rater: {ratee: score}}."""
    return {r: {m: overrides.get(r, {}).get(m, score) for m in GROUP} for r in GROUP}


def row(summary, sid):
    return summary.set_index("学号").loc[sid]


def test_criteria_are_data_from_standard_004():
    """Six criteria with unique English keys, Chinese names, a description and the standard's wording they come from."""
    assert len(ev.CRITERIA) == 6 and len(set(KEYS)) == 6
    assert {c.name for c in ev.CRITERIA} >= {"任务完成", "团队协作", "沟通表达", "服务意识"}
    assert all(c.description and c.source for c in ev.CRITERIA)
    assert sorted(ev.SCALE) == [1, 2, 3, 4, 5]


def test_outlier_rater_barely_moves_the_peer_score():
    """One rater giving 1 while the other three peers give 4: peer score stays 4 (trimmed), not the mean 3.25."""
    s = ev.aggregate(forms(everyone(4, **{"2024005": {"2024001": 1}})))
    r = row(s, "2024001")
    assert r["互评人数"] == 4 and r["互评得分"] == pytest.approx(4.0)
    assert r["互评百分制"] == pytest.approx(80.0)
    assert "2024005（1.0）" in r["提示"]


def test_friend_giving_five_does_not_lift_the_score():
    """One friend's 5 among 3s leaves the peer score at 3."""
    s = ev.aggregate(forms(everyone(3, **{"2024002": {"2024001": 5}})))
    assert row(s, "2024001")["互评得分"] == pytest.approx(3.0)


def test_self_rating_is_excluded_and_the_gap_flagged():
    """A student who rates themselves 5/5 while peers give 3: peer score 3, self 5, gap +2 flagged."""
    s = ev.aggregate(forms(everyone(3, **{"2024003": {"2024003": 5}})))
    r = row(s, "2024003")
    assert r["互评得分"] == pytest.approx(3.0)
    assert r["自评得分"] == 5 and r["自评−互评"] == pytest.approx(2.0)
    assert "自评比同组评价高 2.0 分" in r["提示"]
    assert row(s, "2024001")["提示"] == ""


def test_modest_self_rating_is_flagged_too():
    """A self-rating well below the peers' is flagged as over-strict."""
    s = ev.aggregate(forms(everyone(4, **{"2024004": {"2024004": 2}})))
    assert "自评比同组评价低 2.0 分" in row(s, "2024004")["提示"]


def test_per_criterion_peer_scores():
    """Per-criterion peer scores are trimmed means too."""
    fs = forms(everyone(4))
    fs[1]["ratings"]["2024001"]["scores"]["teamwork"] = 1
    s = ev.aggregate(fs)
    assert row(s, "2024001")["互评·团队协作"] == pytest.approx(4.0)


def test_small_group_uses_the_plain_mean_and_says_so():
    """With two peers nothing can be dropped: plain mean, with a note."""
    trio = {k: GROUP[k] for k in list(GROUP)[:3]}
    s = ev.aggregate(forms({r: {m: (2 if r == "2024003" and m == "2024001" else 4) for m in trio} for r in trio},
                           group=trio))
    r = row(s, "2024001")
    assert r["互评得分"] == pytest.approx(3.0) and "仅供参考" in r["提示"]


def test_trimmed_mean():
    """Drop one highest and one lowest from three or more; plain mean below that."""
    assert ev.trimmed_mean([1, 4, 4, 4, 5]) == 4
    assert ev.trimmed_mean([2, 4]) == 3
    assert ev.trimmed_mean([]) != ev.trimmed_mean([])   # NaN


def test_validation_errors():
    """All criteria rated, scores 1–5, only group members, the rater in the group."""
    good = ev.demo_form("项目一", "2024001", GROUP, {m: 4 for m in GROUP})
    missing = json.loads(json.dumps(good))
    del missing["ratings"]["2024002"]["scores"]["service"]
    with pytest.raises(InputError, match="何俊的“服务意识”"):
        ev.validate_form(missing)
    outside = json.loads(json.dumps(good))
    outside["ratings"]["2024099"] = good["ratings"]["2024002"]
    with pytest.raises(InputError, match="2024099 不是本组"):
        ev.validate_form(outside)
    for bad in (6, 0, "很好", 3.5, True):
        wrong = json.loads(json.dumps(good))
        wrong["ratings"]["2024002"]["scores"]["task"] = bad
        with pytest.raises(InputError, match="1–5 的整数"):
            ev.validate_form(wrong)
    with pytest.raises(InputError, match="不在小组名单"):
        ev.validate_form({**good, "rater": "2024099"})


def test_later_form_replaces_earlier_and_files_are_read(workdir):
    """Saved forms are read back from the work folder; a resubmission replaces the first."""
    for f in forms(everyone(4)):
        ev.save_form(f)
    ev.save_form(ev.demo_form("项目一", "2024002", GROUP, {m: 2 for m in GROUP}, group="第1组"))
    folder = workdir / "evaluation" / "项目一"
    assert len(list(folder.glob("*.json"))) == 5
    s = ev.aggregate(folder)
    assert len(s) == 5 and set(s["互评人数"]) == {4}
    assert row(s, "2024002")["自评得分"] == 2
    table = ev.ratings_table(folder)
    assert len(table) == 25


def test_chart_marks_large_gaps():
    """The chart has one bar per student; flagged gaps are orange."""
    from cslab import plotting

    s = ev.aggregate(forms(everyone(3, **{"2024003": {"2024003": 5}})))
    fig = ev.chart(s)
    bars = fig.axes[0].patches
    assert len(bars) == 5
    orange = matplotlib.colors.to_rgba(plotting.COURSE_COLORS[1])
    assert [b.get_facecolor() == orange for b in bars].count(True) == 1
    with pytest.raises(InputError):
        ev.chart(s.iloc[0:0])


def test_form_widget_validates_and_saves(workdir):
    """The student's form: outsiders refused, incomplete refused with the missing items, complete saved."""
    trio = {k: GROUP[k] for k in list(GROUP)[:3]}
    f = ev.EvaluationForm("项目一 受理客户咨询", "2024002", trio, group="第1组")
    with pytest.raises(InputError, match="只能评价自己和同组同学"):
        f.rate("2024005", 5)
    with pytest.raises(InputError, match="1–5"):
        f.rate("2024001", 7)
    with pytest.raises(InputError, match="没有评价项“态度”"):
        f.rate("2024001", {"态度": 3})
    f.rate("2024002", 5)
    f.rate("2024001", {"任务完成": 4, "teamwork": 4})
    assert f.submit() is None and "王语馨的“沟通表达”" in f.feedback
    f.rate("2024001", 4, comment="准备充分")
    f.rate("2024003", 3)
    f._submit_button.click()
    saved = json.loads((workdir / "evaluation" / "项目一_受理客户咨询" / "2024002.json").read_text(encoding="utf-8"))
    assert saved["ratings"]["2024001"]["comment"] == "准备充分"
    assert saved["ratings"]["2024002"]["scores"] == {k: 5 for k in KEYS}
    assert "已保存" in f.feedback
    again = ev.EvaluationForm("项目一 受理客户咨询", "2024002", trio)
    assert again.form()["ratings"]["2024003"]["scores"] == {k: 3 for k in KEYS}


def test_form_needs_the_rater_in_the_group():
    """A form for someone outside the member list cannot be opened."""
    with pytest.raises(InputError, match="不在小组名单"):
        ev.EvaluationForm("项目一", "2024099", GROUP)
