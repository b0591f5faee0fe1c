"""cslab.workbench.widget driven headless: values set, handlers called, results saved through the Workbench."""

import base64
import datetime as dt
import re

import pytest

from cslab import workbench
from cslab.errors import InputError
from cslab.workbench.widget import AutoReplyPanel, AutoReplyTester, QuickPhrasePanel, SubAccountPanel

RED = "#c62828"


@pytest.fixture(autouse=True)
def workdir(tmp_path, monkeypatch):
    monkeypatch.setenv("CSLAB_WORKDIR", str(tmp_path / "work"))
    return tmp_path / "work"


def shown(panel) -> str:
    return panel._status_view.value


def upload(panel, data: bytes, name="短语.csv"):
    panel._upload.value = ({"name": name, "type": "text/csv", "size": len(data), "content": memoryview(data),
                            "last_modified": dt.datetime.now(dt.timezone.utc)},)


# --------------------------------------------------------------------------- AutoReplyPanel
def test_auto_reply_panel_add_update_delete_saved():
    """Adding, editing and deleting a rule through the form is saved at once (a fresh load sees it)."""
    p = AutoReplyPanel()
    assert "首次咨询欢迎语" in p._view.value
    p.form(name="包邮", kind="keyword", match="contains", keywords="包邮\n运费", priority=5, text="亲，全场包邮哦～")
    rule = p.add_rule()
    assert p.ok and rule.keywords == ("包邮", "运费") and p._pick.value == "包邮"
    assert workbench.load().auto_replies.get("包邮").priority == 5
    p.select("包邮")
    assert p.form_values()["keywords"] == "包邮\n运费"
    p.form(active_hours="09:00～23:00")
    assert p.update_rule().active_hours == "09:00-23:00"
    assert workbench.load().auto_replies.get("包邮").active_hours == "09:00-23:00"
    assert p.delete_rule().name == "包邮" and p.status.startswith("已删除规则")
    assert workbench.load().auto_replies.get("包邮") is None


def test_auto_reply_panel_errors_in_red_change_nothing():
    """Invalid regex, overlapping offline replies and no selection: red Chinese message, nothing saved, form kept."""
    p = AutoReplyPanel()
    p.form(name="订单", kind="keyword", match="regex", keywords="(D\\d+", text="亲，查询中～")
    assert p.add_rule() is None and not p.ok
    assert "“(D\\d+”" in p.status and "missing )" in p.status and RED in shown(p)
    assert p.form_values()["name"] == "订单"  # the student's input is still there to fix
    assert workbench.load().auto_replies.get("订单") is None
    p.form(name="午休", kind="offline", text="亲，午休中～", active_hours="12:00-13:00")
    assert p.add_rule() is None and "重叠" in p.status
    p._pick.value = ""
    assert p.update_rule() is None and "请先在“选择规则”里选一条规则" in p.status
    assert p.delete_rule() is None and not p.ok


def test_auto_reply_panel_kind_hides_keyword_boxes_and_service_hours():
    """A welcome/offline rule hides the keyword boxes; service hours are tidied and saved."""
    p = AutoReplyPanel()
    p.form(kind="welcome")
    assert p._boxes["keywords"].layout.display == "none"
    p.form(kind="keyword")
    assert p._boxes["keywords"].layout.display is None
    assert p.set_service_hours("9:00-22:00") == "09:00-22:00" and p._hours.value == "09:00-22:00"
    assert workbench.load().auto_replies.service_hours == "09:00-22:00"
    assert p.set_service_hours("下午") is None and RED in shown(p)


# --------------------------------------------------------------------------- AutoReplyTester
def test_tester_shows_rule_and_reason():
    """A message and a time → the rule that fires and why; nothing firing says a human must reply."""
    t = AutoReplyTester()
    t.message, t.time = "几号发货？", "21:30"
    assert t.test().rule == "发货时间" and "包含“发货”" in t.why and "发货时间" in t._view.value
    t.first_contact = True
    assert t.test().kind == "welcome" and "悦衣小铺" in t.result.text
    t.first_contact, t.time = False, "2026-11-11 03:00"
    assert t.test().kind == "offline" and "03:00 不在客服服务时间" in t.why
    t.time, t.message = "10:00", "这件好看吗"
    assert t.test() is None and "没有规则触发" in t.why


def test_tester_bad_time_and_latest_settings():
    """A bad time is explained in red; the tester reads the latest saved settings."""
    t = AutoReplyTester()
    t.time = "晚上九点"
    assert t.test() is None and "HH:MM" in t.why and RED in t._view.value
    t.time = "25:00"
    assert t.test() is None and "不存在" in t.why
    p = AutoReplyPanel()
    p.form(name="包邮", kind="keyword", keywords="包邮", text="亲，全场包邮哦～")
    p.add_rule()
    t.time, t.message = "10:00", "包邮吗"
    assert t.test().rule == "包邮"


# --------------------------------------------------------------------------- QuickPhrasePanel
def test_phrase_panel_add_move_delete_and_groups():
    """Add, move (change group), delete and new groups through the panel, saved at once; the list follows."""
    p = QuickPhrasePanel()
    p.form(shortcode="bz", title="包装", text="亲，每件都有独立包装～", group="商品咨询")
    assert p.add_phrase().shortcode == "/bz" and p._list.value == "/bz"
    assert workbench.load().phrase("/bz").group == "商品咨询"
    assert p.add_group("双11") == "双11" and "双11" in p._boxes["group"].options
    p.select("/bz")
    p.form(group="双11")
    assert p.update_phrase().group == "双11"
    p._filter.value = "双11"
    assert [v for _label, v in p._list.options] == ["/bz"]
    assert workbench.load().phrase("/bz").group == "双11"
    p.select("/bz")
    assert p.delete_phrase().shortcode == "/bz"
    assert workbench.load().phrase("/bz") is None


def test_phrase_panel_errors():
    """Empty shortcode, duplicate and unknown variable: red Chinese text, nothing saved."""
    p = QuickPhrasePanel()
    p.form(shortcode="", title="x", text="亲～", group="告别")
    assert p.add_phrase() is None and "快捷编码不能为空" in p.status and RED in shown(p)
    p.form(shortcode="/hy", title="x", text="亲～")
    assert p.add_phrase() is None and "已经被" in p.status
    p.form(shortcode="/zz", text="亲，{优惠码}～")
    assert p.add_phrase() is None and "{优惠码}" in p.status
    assert workbench.load().phrase("/zz") is None
    p._list.value = None
    assert p.update_phrase() is None and "请先在短语列表里选一条短语" in p.status


def test_phrase_panel_csv_import_export(workdir):
    """Export writes the BOM CSV and a download link; an uploaded CSV is imported; a bad one changes nothing."""
    p = QuickPhrasePanel()
    path = p.export_csv()
    assert path == workdir / "workbench" / "快捷短语.csv" and p.ok
    link = re.search(r'href="data:text/csv;base64,([^"]+)"', p._download.value).group(1)
    assert base64.b64decode(link) == path.read_bytes() and path.read_bytes()[:3] == b"\xef\xbb\xbf"
    assert p.import_csv() is None and "选择 CSV" in p.status
    upload(p, "分组,快捷编码,标题,内容\n告别,/bye,再见,亲，再见～\n".encode("utf-8-sig"))
    report = p.import_csv()
    assert report.added == 1 and "导入完成" in p.status and p._upload.value == ()
    assert workbench.load().phrase("/bye").title == "再见"
    upload(p, "分组,快捷编码,标题,内容\n告别,/ok,好,亲～\n告别,/坏,坏,亲～\n".encode("utf-8-sig"))
    assert p.import_csv() is None and "第 3 行" in p.status and RED in shown(p)
    assert workbench.load().phrase("/ok") is None
    assert p.import_csv("分组,快捷编码,标题,内容\n告别,/only,唯一,亲～\n".encode(), replace=True).total == 1
    assert [x.shortcode for x in workbench.load().quick_phrases()] == ["/only"]


# --------------------------------------------------------------------------- SubAccountPanel
def test_account_panel_create_modify_disable_enable_delete():
    """Every button works through the Workbench and is saved."""
    p = SubAccountPanel()
    assert "悦衣小铺:林姐" in p._view.value
    p._pick.value = ""
    p.form(name="小林", group="售后", max_concurrent=6)
    a = p.create_account()
    assert a.name == "悦衣小铺:小林" and p._pick.value == "悦衣小铺:小林"
    assert workbench.load().accounts.get("小林").max_concurrent == 6
    p.form(max_concurrent=12, permissions=("接待", "处理退款"))
    assert p.update_account().permissions == ("接待", "处理退款")
    p.form(role="主管")  # the student picks another role: its permissions are filled in
    assert p.form_values()["permissions"] == workbench.ROLES["主管"]
    assert p.update_account().role == "主管"
    assert not p.disable_account().enabled and "停用" in p._view.value
    assert p.enable_account().enabled
    assert p.delete_account().name == "悦衣小铺:小林"
    assert workbench.load().accounts.get("小林") is None


def test_account_panel_rules_in_red():
    """Duplicates, open sessions and the last 主管 are refused in red Chinese text and change nothing."""
    p = SubAccountPanel(open_sessions={"小美": 2})
    p._pick.value = ""
    p.form(name="小美", group="售前")
    assert p.create_account() is None and "已经存在" in p.status and RED in shown(p)
    p.select("小美")
    assert p.delete_account() is None and "请先把会话转交给其他客服" in p.status
    assert p.disable_account() is None and "2 个进行中的会话" in p.status
    assert "<td style=\"padding:2px 8px;vertical-align:top\">2</td>" in p._view.value
    p.select("林姐")
    assert p.delete_account() is None and "最后一个启用中的主管" in p.status
    p.form(max_concurrent=51)  # the box itself stops at 50
    assert p.form_values()["max_concurrent"] == 50
    p.form(shift_hours="白班")
    assert p.update_account() is None and "班次时间" in p.status
    saved = workbench.load().accounts
    assert saved.get("小美").enabled and saved.get("林姐").max_concurrent == 4
    p._pick.value = ""
    assert p.delete_account() is None and "请先在“选择子账号”里选要删除的子账号" in p.status


def test_panels_do_not_overwrite_each_other():
    """Two panels, each with its own Workbench, both save: neither change is lost."""
    replies, phrases = AutoReplyPanel(), QuickPhrasePanel()
    replies.form(name="包邮", kind="keyword", keywords="包邮", text="亲，全场包邮哦～")
    replies.add_rule()
    phrases.form(shortcode="/bz", title="包装", text="亲～", group="告别")
    phrases.add_phrase()
    final = workbench.load()
    assert final.auto_replies.get("包邮") is not None and final.phrase("/bz") is not None


def test_form_rejects_unknown_fields():
    """form() names the boxes it has."""
    with pytest.raises(InputError, match="表单里没有“colour”"):
        QuickPhrasePanel().form(colour="red")
