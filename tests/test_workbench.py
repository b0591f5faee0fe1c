"""cslab.workbench: auto replies, quick phrases, sub-accounts and their persistence (lesson 02_pre_job)."""

import csv
import datetime as dt
import io
import json
import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from cslab import phrases as course_phrases
from cslab import workbench, workspace, zhtext
from cslab.errors import InputError
from cslab.phrases import QuickPhrase
from cslab.workbench import (AutoReplyRule, AutoReplySettings, PhraseLibrary, SubAccount, SubAccounts, Workbench,
                             reply_for)

ROOT = Path(__file__).resolve().parents[1]
NOON = dt.datetime(2026, 11, 11, 12, 0)


@pytest.fixture(autouse=True)
def workdir(tmp_path, monkeypatch):
    monkeypatch.setenv("CSLAB_WORKDIR", str(tmp_path / "work"))
    return tmp_path / "work"


def ask(settings, message, when=NOON, first_contact=False, first_today=False, online=True, **kw):
    return reply_for(settings, message, when=when, first_contact=first_contact, first_today=first_today,
                     online=online, **kw)


def kw_rule(name, keywords, text="亲，收到～", **kw):
    return AutoReplyRule(name, "keyword", text, keywords=keywords, **kw)


# --------------------------------------------------------------------------- auto replies
def test_default_rules_fire_in_order_welcome_daily_keyword():
    """First contact → welcome; first of the day → daily reply; otherwise keywords; nothing matching → None."""
    s = AutoReplySettings.default()
    assert ask(s, "几号发货", first_contact=True, first_today=True).kind == "welcome"
    assert ask(s, "几号发货", first_today=True).rule == "当日首次回复"
    r = ask(s, "几号发货")
    assert (r.rule, r.kind) == ("发货时间", "keyword") and "发货" in r.why and "优先级 20" in r.why
    assert ask(s, "这件好看吗") is None


def test_first_contact_without_welcome_falls_back_to_daily_reply():
    """With the welcome disabled, a first contact still gets the first-of-the-day reply, and the reason says so."""
    s = AutoReplySettings.default()
    s.update("首次咨询欢迎语", enabled=False)
    r = ask(s, "在吗", first_contact=True, first_today=True)
    assert r.kind == "daily" and "没有生效的首次咨询欢迎语" in r.why


def test_default_texts_are_clean_and_use_known_variables():
    """The course's default replies contain no banned advertising words."""
    for rule in AutoReplySettings.default():
        assert not zhtext.has_banned(rule.text), rule.name


def test_match_types_exact_contains_regex():
    """exact ignores spaces and trailing punctuation only; contains folds width and case; regex searches."""
    s = AutoReplySettings([kw_rule("在吗", "在吗", match="exact"),
                           kw_rule("顺丰", "sf", match="contains"),
                           kw_rule("订单", [r"D\d{12}"], match="regex")])
    assert ask(s, " 在吗？ ").rule == "在吗"
    assert ask(s, "在吗亲") is None
    assert ask(s, "能发ＳＦ吗").rule == "顺丰"  # full-width, upper case
    r = ask(s, "订单 D202610290019 到哪了")
    assert r.rule == "订单" and "符合正则" in r.why
    assert ask(s, "订单 D2026 到哪了") is None


def test_match_type_accepts_chinese_names():
    """Match types and kinds may be given by their Chinese names."""
    r = AutoReplyRule("x", "关键词回复", "亲～", keywords="a", match="精确匹配")
    assert (r.kind, r.match) == ("keyword", "exact")
    with pytest.raises(InputError, match="匹配方式“模糊一点”不认识"):
        AutoReplyRule("x", "keyword", "亲～", keywords="a", match="模糊一点")


def test_invalid_regex_quotes_pattern_and_re_error():
    """A broken regex is refused with the pattern and Python's own error in the message."""
    with pytest.raises(InputError) as info:
        kw_rule("坏正则", ["(发货"], match="regex")
    msg = str(info.value)
    assert "“(发货”" in msg and "missing )" in msg and "坏正则" in msg
    s = AutoReplySettings.default()
    before = s.to_dict()
    with pytest.raises(InputError, match=r"“\[abc”"):
        s.add(name="x", kind="keyword", match="regex", keywords="[abc", text="亲～")
    assert s.to_dict() == before


def test_priority_then_order_decides():
    """The lowest priority number wins; equal priorities go by the rules' order; move() changes that order."""
    s = AutoReplySettings([kw_rule("A", "发货", priority=30), kw_rule("B", "发货", priority=10),
                           kw_rule("C", "发货", priority=10)])
    assert ask(s, "发货了吗").rule == "B"
    s.move("C", 0)
    assert ask(s, "发货了吗").rule == "C"
    s.update("A", priority=1)
    assert ask(s, "发货了吗").rule == "A"


def test_active_hours_including_across_midnight():
    """A rule answers only inside its active hours; 22:00-02:00 covers 01:00 but not 03:00 or 21:59."""
    s = AutoReplySettings([kw_rule("白天", "发货", active_hours="09:00-23:00"),
                           kw_rule("夜里", "发货", active_hours="22:00-02:00", priority=60)],
                          service_hours="")
    at = lambda h, m=0: dt.datetime(2026, 11, 11, h, m)  # noqa: E731
    assert ask(s, "发货", when=at(22, 30)).rule == "白天"
    assert ask(s, "发货", when=at(23, 0)).rule == "夜里"
    assert ask(s, "发货", when=at(1, 0)).rule == "夜里"
    assert ask(s, "发货", when=at(3, 0)) is None
    assert ask(s, "发货", when=at(8, 59)) is None


def test_bad_hours_are_refused():
    """Hours that are not HH:MM-HH:MM, impossible times and equal start/end are refused in Chinese."""
    for bad in ("9点到23点", "25:00-26:00", "09:00-09:00", "09:60-10:00"):
        with pytest.raises(InputError, match="生效时间"):
            kw_rule("x", "a", active_hours=bad)
    assert kw_rule("x", "a", active_hours="9:00～23:00").active_hours == "09:00-23:00"
    with pytest.raises(InputError, match="客服服务时间"):
        AutoReplySettings.default().set_service_hours("晚上")


def test_overlapping_offline_replies_are_refused():
    """Two enabled offline replies active at the same minute are an error naming both; disjoint or disabled is fine."""
    night = AutoReplyRule("夜间", "offline", "亲，客服下班啦～", active_hours="23:00-08:00")
    lunch = AutoReplyRule("午休", "offline", "亲，客服午休中～", active_hours="12:00-13:30")
    s = AutoReplySettings([night, lunch])
    with pytest.raises(InputError) as info:
        s.add(AutoReplyRule("凌晨", "offline", "亲～", active_hours="07:00-09:00"))
    assert "“夜间”（23:00-08:00）" in str(info.value) and "“凌晨”（07:00-09:00）" in str(info.value)
    with pytest.raises(InputError, match="重叠"):
        s.add(AutoReplyRule("全天离线", "offline", "亲～"))
    s.add(AutoReplyRule("全天离线", "offline", "亲～", enabled=False))
    with pytest.raises(InputError, match="重叠"):
        s.update("全天离线", enabled=True)
    assert not s.get("全天离线").enabled  # the failed update changed nothing
    with pytest.raises(InputError, match="首次咨询欢迎语"):
        AutoReplySettings([AutoReplyRule("a", "welcome", "您好"), AutoReplyRule("b", "welcome", "您好")])


def test_offline_reply_when_nobody_online_or_outside_service_hours():
    """Offline replies win when nobody is online or outside the service hours; the reason says which."""
    s = AutoReplySettings.default()
    r = ask(s, "几号发货", online=False, first_contact=True)
    assert r.kind == "offline" and "没有客服在线" in r.why
    r = ask(s, "几号发货", when=dt.datetime(2026, 11, 11, 3, 0))
    assert r.kind == "offline" and "03:00 不在客服服务时间 08:00-00:30 内" in r.why
    assert ask(s, "几号发货", when=dt.datetime(2026, 11, 12, 0, 15)).kind == "keyword"  # 00:15 is inside


def test_offline_reply_outside_its_own_hours_falls_through():
    """An offline reply limited to 23:00-08:00 does not fire at noon even when nobody is online."""
    s = AutoReplySettings([AutoReplyRule("欢迎", "welcome", "您好～"),
                           AutoReplyRule("夜间", "offline", "下班啦～", active_hours="23:00-08:00")])
    assert ask(s, "在吗", online=False, first_contact=True).rule == "欢迎"
    assert ask(s, "在吗", online=False, first_contact=True, when=dt.datetime(2026, 1, 1, 23, 30)).rule == "夜间"


def test_variables_filled_from_context_missing_ones_listed():
    """{变量} are filled from the context; missing ones stay visible and are listed; unknown ones are refused."""
    s = AutoReplySettings([AutoReplyRule("欢迎", "welcome", "{买家昵称}您好，欢迎光临{店铺名}～")])
    assert ask(s, "在吗", first_contact=True).text == "{买家昵称}您好，欢迎光临{店铺名}～"
    r = ask(s, "在吗", first_contact=True, context={"店铺名": "悦衣小铺"})
    assert r.text == "{买家昵称}您好，欢迎光临悦衣小铺～" and r.missing == ("买家昵称",)
    r = ask(s, "在吗", first_contact=True, context={"店铺名": "悦衣小铺", "买家昵称": "西瓜呀"})
    assert r.text == "西瓜呀您好，欢迎光临悦衣小铺～" and r.missing == ()
    with pytest.raises(InputError) as info:
        AutoReplyRule("x", "welcome", "{昵称}您好")
    assert "{昵称}" in str(info.value) and "{买家昵称}" in str(info.value) and "{退款金额}" in str(info.value)


def test_rule_checks_and_duplicate_names():
    """Duplicate names (case ignored), empty text, keywords on a welcome, a keyword rule without keywords, bad priority."""
    s = AutoReplySettings.default()
    with pytest.raises(InputError, match="重复"):
        s.add(kw_rule("快递", "顺丰"))
    with pytest.raises(InputError, match="重复"):
        s.update("尺码推荐", name="快递")
    with pytest.raises(InputError, match="回复内容不能为空"):
        AutoReplyRule("x", "welcome", "  ")
    with pytest.raises(InputError, match="清空关键词"):
        AutoReplyRule("x", "welcome", "您好", keywords="在吗")
    with pytest.raises(InputError, match="至少要有一个关键词"):
        AutoReplyRule("x", "keyword", "您好", keywords=" 、 ")
    for bad in (0, 100, "高"):
        with pytest.raises(InputError, match="优先级"):
            kw_rule("x", "a", priority=bad)
    with pytest.raises(InputError, match="没有名为“不存在”"):
        s.remove("不存在")
    with pytest.raises(InputError, match="没有“colour”这一项"):
        s.update("快递", colour="红")
    assert s.update("快递", kind="离线自动回复", enabled=False).keywords == ()


def test_reply_for_bad_arguments():
    """Non-datetime times, non-text messages and a wrong settings object raise Chinese errors."""
    s = AutoReplySettings.default()
    with pytest.raises(InputError, match="datetime"):
        ask(s, "在吗", when="10:00")
    with pytest.raises(InputError, match="买家消息应是文字"):
        ask(s, None)
    with pytest.raises(InputError, match="AutoReplySettings"):
        ask({}, "在吗")


def test_auto_reply_settings_round_trip_json():
    """to_dict is JSON-ready and from_dict gives the same settings back."""
    s = AutoReplySettings.default()
    s.set_service_hours("09:00-23:30")
    again = AutoReplySettings.from_dict(json.loads(json.dumps(s.to_dict(), ensure_ascii=False)))
    assert again.to_dict() == s.to_dict() and again.service_hours == "09:00-23:30"
    with pytest.raises(InputError, match="自动回复设置"):
        AutoReplySettings.from_dict([1, 2])


# --------------------------------------------------------------------------- quick phrases
def test_library_starts_from_course_phrases():
    """The default library is the course library, in the course groups."""
    lib = PhraseLibrary.default()
    assert lib.phrases == tuple(course_phrases.load_quick_phrases())
    assert lib.groups == course_phrases.GROUPS


def test_add_edit_move_delete_phrase():
    """A phrase is added (stage follows the group), edited, moved, renamed and deleted."""
    lib = PhraseLibrary.default()
    p = lib.add("bz", "包装", "亲，{商品名}有独立包装～", group="商品咨询")
    assert (p.shortcode, p.stage) == ("/bz", "answer") and lib.get("/BZ") == p
    assert lib.edit("/bz", text="亲，每件都有独立包装～").text == "亲，每件都有独立包装～"
    moved = lib.move("/bz", "售后退换")
    assert moved.group == "售后退换" and moved.stage == "refund"
    assert lib.edit("/bz", shortcode="/bz2").shortcode == "/bz2" and "/bz" not in lib
    lib.delete("/bz2")
    assert "/bz2" not in lib and len(lib) == len(course_phrases.load_quick_phrases())


def test_shortcode_checks():
    """Empty, badly formed and duplicate (case-insensitive) shortcodes are refused."""
    lib = PhraseLibrary.default()
    for empty in ("", "   ", None):
        with pytest.raises(InputError, match="快捷编码不能为空"):
            lib.add(empty, "标题", "亲～")
    for bad in ("/好评", "/a b", "/abcdefghijklm", "//"):
        with pytest.raises(InputError, match="格式不对"):
            lib.add(bad, "标题", "亲～")
    with pytest.raises(InputError, match="已经被“欢迎语”使用"):
        lib.add("/HY", "标题", "亲～")
    with pytest.raises(InputError, match="已经被"):
        lib.edit("/hy2", shortcode="/hy")
    assert lib.get("/hy2").title == "老顾客欢迎"  # unchanged after the failed edit


def test_phrase_text_title_group_checks():
    """Unknown variables list the allowed ones; empty titles and unknown groups are refused; groups are managed."""
    lib = PhraseLibrary.default()
    with pytest.raises(InputError) as info:
        lib.add("/x", "标题", "亲，{优惠券}可以用哦")
    assert "{优惠券}" in str(info.value) and all("{" + v + "}" in str(info.value) for v in course_phrases.VARIABLES)
    with pytest.raises(InputError, match="标题不能为空"):
        lib.add("/x", " ", "亲～")
    with pytest.raises(InputError, match="add_group"):
        lib.add("/x", "标题", "亲～", group="双11")
    lib.add_group("双11")
    assert lib.add("/x", "标题", "亲～", group="双11").stage == ""
    with pytest.raises(InputError, match="还有 1 条短语"):
        lib.remove_group("双11")
    lib.rename_group("双11", "大促")
    assert lib.get("/x").group == "大促" and "双11" not in lib.groups
    with pytest.raises(InputError, match="已经存在"):
        lib.add_group("催付")


def test_fill_phrase_from_context():
    """fill() uses cslab.phrases.fill: values in, missing ones named."""
    lib = PhraseLibrary.default()
    text = lib.fill("/hy", {"店铺名": "悦衣小铺", "客服昵称": "小林"})
    assert "悦衣小铺" in text and "小林" in text and "{" not in text
    with pytest.raises(InputError, match="缺少变量 {客服昵称}"):
        lib.fill("/hy", {"店铺名": "悦衣小铺"})
    with pytest.raises(InputError, match="没有快捷编码为 /nope"):
        lib.fill("/nope", {})


def test_csv_round_trip_with_bom(tmp_path):
    """Export: UTF-8 with BOM, CRLF, the four Chinese columns; importing it into an empty library gives the same phrases."""
    lib = PhraseLibrary.default()
    lib.add("/q", "引号", '亲，"限时"活动，满2件9折，\n详情见首页～', group="促成下单")
    data = lib.to_csv()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["分组", "快捷编码", "标题", "内容"] and len(rows) == len(lib) + 1
    path = lib.export_csv(tmp_path / "out.csv")
    assert path.read_bytes() == data
    fresh = PhraseLibrary([], groups=())
    report = fresh.import_csv(path)
    assert (report.added, report.updated, report.total) == (len(lib), 0, len(lib))
    key = lambda lib_: sorted((p.shortcode, p.group, p.title, p.text, p.stage) for p in lib_)  # noqa: E731
    assert key(fresh) == key(lib)
    assert lib.import_csv(data).unchanged == len(lib)  # the same file again changes nothing


def test_csv_default_export_goes_to_work_folder(workdir):
    """Without a path the CSV lands in the work folder as workbench/快捷短语.csv."""
    path = PhraseLibrary.default().export_csv()
    assert path == workdir / "workbench" / "快捷短语.csv" and path.read_bytes()[:3] == b"\xef\xbb\xbf"


def test_csv_import_merges_and_creates_groups():
    """Existing shortcodes are updated, new ones added, unknown groups created; GBK files (Excel's plain CSV) work."""
    lib = PhraseLibrary.default()
    text = "分组,快捷编码,标题,内容\r\n售前接待,/hy,欢迎语,亲，欢迎～\r\n双11,/d11,双11,亲，{活动截止}结束哦～\r\n"
    report = lib.import_csv(text.encode("gb18030"))
    assert (report.added, report.updated, report.new_groups) == (1, 1, ("双11",))
    assert lib.get("/hy").text == "亲，欢迎～" and lib.get("/hy").stage == "greet"
    assert lib.groups[-1] == "双11" and "新建分组：双11" in str(report)


def test_csv_import_replace():
    """replace=True keeps only the file's phrases."""
    lib = PhraseLibrary.default()
    lib.import_csv("分组,快捷编码,标题,内容\n告别,/bye,再见,亲，再见～\n".encode("utf-8-sig"), replace=True)
    assert [p.shortcode for p in lib] == ["/bye"] and "售前接待" in lib.groups


def test_csv_with_bad_rows_is_rejected_whole():
    """One bad row → nothing imported; every bad row named by its row number as Excel shows it."""
    lib = PhraseLibrary.default()
    before = lib.to_dict()
    text = ("分组,快捷编码,标题,内容\n"
            "告别,/bye,再见,亲，再见～\n"        # row 2: fine
            "告别,,没编码,亲～\n"                # row 3: empty shortcode
            "\n"                                 # row 4: blank, skipped
            "物流,/wl1,坏变量,亲，{单号}～\n"     # row 5: unknown variable
            "告别,/BYE,重复,亲～\n")              # row 6: duplicate of row 2
    with pytest.raises(InputError) as info:
        lib.import_csv(text.encode("utf-8-sig"))
    msg = str(info.value)
    assert "没有做任何修改" in msg and "3 行有问题" in msg
    assert "第 3 行：快捷编码不能为空" in msg and "第 5 行" in msg and "{单号}" in msg
    assert "第 6 行：快捷编码 /BYE 与第 2 行重复" in msg and "第 2 行：" not in msg
    assert lib.to_dict() == before


def test_csv_import_file_problems():
    """Missing columns, an Excel workbook, an empty file and a missing path are explained in Chinese."""
    lib = PhraseLibrary.default()
    with pytest.raises(InputError, match="缺少列：快捷编码"):
        lib.import_csv("分组,编码,标题,内容\n告别,/a,b,c\n".encode())
    with pytest.raises(InputError, match="xlsx"):
        lib.import_csv(b"PK\x03\x04rest-of-a-zip")
    with pytest.raises(InputError, match="CSV 是空的"):
        lib.import_csv(b"\xef\xbb\xbf\r\n")
    with pytest.raises(InputError, match="没有短语"):
        lib.import_csv("分组,快捷编码,标题,内容\n".encode())
    with pytest.raises(InputError, match="无法读取文件"):
        lib.import_csv("no/such/file.csv")


def test_library_round_trip_json():
    """to_dict / from_dict keep groups (also empty ones) and phrases."""
    lib = PhraseLibrary.default()
    lib.add_group("空分组")
    again = PhraseLibrary.from_dict(json.loads(json.dumps(lib.to_dict(), ensure_ascii=False)))
    assert again.phrases == lib.phrases and again.groups == lib.groups
    with pytest.raises(InputError, match="已经被"):
        PhraseLibrary.from_dict({"groups": [], "phrases": [
            {"shortcode": "/a", "group": "g", "title": "t", "text": "x"},
            {"shortcode": "/A", "group": "g", "title": "t", "text": "x"}]})


# --------------------------------------------------------------------------- sub-accounts
def test_accounts_start_from_shop_agents():
    """The shop's agents: 在职 → enabled; 主管 has every permission; 售后 may also 处理退款."""
    accounts = SubAccounts.default()
    assert len(accounts) == 9 and all(a.name.startswith("悦衣小铺:") for a in accounts)
    assert not accounts.get("米粒").enabled and accounts.get("小美").enabled
    boss = accounts.get("林姐")
    assert boss.role == "主管" and set(workbench.ROLES["主管"]) <= set(boss.permissions)
    assert accounts.can("安安", "处理退款") and not accounts.can("小美", "处理退款")
    assert accounts.get("小雅").shift_hours == "16:00-00:30"


def test_account_to_dict_has_routing_keys():
    """to_dict gives what cslab.workbench.routing reads, with the documented defaults, and is JSON-ready."""
    d = SubAccounts.default().get("小美").to_dict()
    for key in ("name", "nickname", "group", "role", "enabled", "max_concurrent", "weight", "products", "sources",
                "shift_hours"):
        assert key in d
    assert (d["name"], d["nickname"], d["weight"], d["products"], d["sources"], d["shift_hours"]) == \
        ("悦衣小铺:小美", "小美", 1, [], [], "08:00-16:30")
    json.dumps(d, ensure_ascii=False)


def test_create_modify_and_permissions():
    """create (nickname only is fine), modify, rename, role change resets permissions, grant/revoke, can."""
    accounts = SubAccounts.default()
    a = accounts.create("小林", group="售后", max_concurrent=6, products=["SP0001"], sources="商品详情页")
    assert a.name == "悦衣小铺:小林" and a.role == "客服" and a.products == ("SP0001",) and a.sources == ("商品详情页",)
    assert accounts.modify("小林", name="悦衣小铺：林林").name == "悦衣小铺:林林"  # full-width colon accepted
    assert accounts.get("小林") is None
    b = accounts.modify("林林", role="主管")
    assert b.permissions == workbench.ROLES["主管"]
    c = accounts.modify("林林", permissions=["接待", "查看绩效"])
    assert c.role == "主管" and c.permissions == ("接待", "查看绩效")
    assert accounts.can("林林", "查看绩效") and not accounts.can("林林", "分配会话")
    accounts.grant("小美", "修改价格")
    accounts.revoke("小美", "修改备注")
    assert accounts.get("小美").permissions == ("接待", "查看订单", "修改价格")
    accounts.disable("小美")
    assert not accounts.can("小美", "接待")
    with pytest.raises(InputError, match="权限“飞行”不存在"):
        accounts.grant("小美", "飞行")


def test_account_name_and_value_checks():
    """Bad names (format, other shop, spaces), duplicates, max concurrent outside 1–50, unknown role/group are refused."""
    accounts = SubAccounts.default()
    before = accounts.to_dict()
    for bad, words in (("别的店:小林", "应以本店的店铺名开头"), ("悦衣小铺:", "昵称"), ("悦衣小铺:小 林", "不能有空格"),
                       ("悦衣小铺:a:b", "店铺名:昵称"), (":小林", "店铺名:昵称"), ("", "不能为空")):
        with pytest.raises(InputError, match=words):
            accounts.create(bad)
    with pytest.raises(InputError, match="已经存在"):
        accounts.create("悦衣小铺:小美")
    with pytest.raises(InputError, match="已经存在"):
        accounts.modify("小雅", name="小美")
    for bad in (0, 51, "很多", 2.5, True):
        with pytest.raises(InputError, match="最大接待人数"):
            accounts.create("小林", max_concurrent=bad)
    with pytest.raises(InputError, match="角色“老板”不存在"):
        accounts.create("小林", role="老板")
    with pytest.raises(InputError, match="分组不能为空"):
        accounts.create("小林", group="")
    with pytest.raises(InputError, match="班次时间"):
        accounts.create("小林", shift_hours="早班")
    with pytest.raises(InputError, match="没有子账号“小黑”"):
        accounts.delete("小黑")
    assert accounts.to_dict() == before
    assert accounts.create("小林", max_concurrent="50").max_concurrent == 50


def test_cannot_delete_or_disable_with_open_sessions():
    """Open sessions (a count or {name: count}) block delete and disable; the message says to transfer first."""
    accounts = SubAccounts.default()
    for sessions in (3, {"悦衣小铺:小美": 3}, {"小美": 3}):
        with pytest.raises(InputError, match="还有 3 个进行中的会话.*请先把会话转交给其他客服"):
            accounts.delete("小美", open_sessions=sessions)
    with pytest.raises(InputError, match="不能停用：请先把会话转交给其他客服"):
        accounts.disable("小美", open_sessions={"小美": 1})
    assert accounts.get("小美").enabled
    accounts.delete("小美", open_sessions={"小雅": 4, "小美": 0})
    assert accounts.get("小美") is None
    with pytest.raises(InputError, match="open_sessions"):
        accounts.delete("小雅", open_sessions=-1)


def test_last_enabled_supervisor_is_protected():
    """The last enabled 主管 cannot be deleted, disabled or made a 客服; with a second 主管 it can."""
    accounts = SubAccounts.default()
    for action in (lambda: accounts.delete("林姐"), lambda: accounts.disable("林姐"),
                   lambda: accounts.modify("林姐", role="客服"), lambda: accounts.modify("林姐", enabled=False)):
        with pytest.raises(InputError, match="最后一个启用中的主管"):
            action()
    assert accounts.get("林姐").enabled and accounts.get("林姐").role == "主管"
    accounts.create("阿强", group="主管", enabled=False)
    with pytest.raises(InputError, match="最后一个启用中的主管"):
        accounts.delete("林姐")  # a disabled 主管 does not count
    accounts.enable("阿强")
    accounts.delete("林姐")
    assert [a.nickname for a in accounts if a.role == "主管"] == ["阿强"]
    with pytest.raises(InputError, match="至少要有一个启用中的主管"):
        SubAccounts([SubAccount("悦衣小铺:小林", "售前")])


def test_accounts_round_trip_and_frame():
    """to_dict / from_dict round trip; frame() has Chinese headers."""
    accounts = SubAccounts.default()
    accounts.modify("小美", weight=3, products=["SP0001", "SP0002"])
    again = SubAccounts.from_dict(json.loads(json.dumps(accounts.to_dict(), ensure_ascii=False)))
    assert again.accounts == accounts.accounts
    assert list(accounts.frame()["状态"]).count("停用") == 1
    with pytest.raises(InputError, match="没有“salary”这一项"):
        SubAccounts.from_dict({"accounts": [{"name": "悦衣小铺:小林", "group": "售前", "salary": 1}]})


# --------------------------------------------------------------------------- persistence
def test_simulator_interface():
    """What the chat simulator calls: load(), reply_for(...) with {店铺名} filled, quick_phrases(), phrase()."""
    wb = workbench.load()
    r = wb.reply_for("在吗", when=dt.datetime(2026, 11, 11, 10, 0), first_contact=True, first_today=True, online=True)
    assert r.rule == "首次咨询欢迎语" and "悦衣小铺" in r.text and "{" not in r.text and r.why
    phrases = wb.quick_phrases()
    assert phrases and all(isinstance(p, QuickPhrase) for p in phrases)
    assert wb.phrase("/hy").title == "欢迎语" and wb.phrase("hy") == wb.phrase("/hy")
    assert wb.phrase("/nope") is None


def test_settings_survive_a_restart(workdir):
    """Saved settings come back in a fresh Workbench and in a new Python process."""
    wb = workbench.load()
    assert not (workdir / "workbench" / "settings.json").exists()  # loading alone writes nothing
    wb.phrases.add("/bz", "包装", "亲，每件都有独立包装～", group="商品咨询")
    wb.auto_replies.update("首次咨询欢迎语", text="亲，欢迎光临{店铺名}！")
    wb.accounts.create("小林", max_concurrent=7)
    path = workbench.save(wb)
    assert path == workdir / "workbench" / "settings.json"
    again = workbench.load()
    assert again is not wb and again.to_dict() == wb.to_dict()
    code = ("import datetime as dt; from cslab import workbench; wb = workbench.load(); "
            "print(wb.phrase('/bz').title, wb.accounts.get('小林').max_concurrent, "
            "wb.reply_for('在吗', when=dt.datetime(2026,1,1,10), first_contact=True, first_today=True).text)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120,
                         env={**os.environ, "CSLAB_WORKDIR": str(workdir), "PYTHONIOENCODING": "utf-8"})
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["包装", "7", "亲，欢迎光临悦衣小铺！"]


def test_settings_file_is_plain_json(workdir):
    """settings.json is readable UTF-8 JSON with a version and the three parts."""
    workbench.load().save()
    raw = json.loads((workdir / "workbench" / "settings.json").read_text(encoding="utf-8"))
    assert raw["version"] == workbench.SETTINGS_VERSION and raw["shop"] == "悦衣小铺"
    assert {"auto_replies", "phrases", "accounts"} <= set(raw)


def test_corrupt_settings_file_keeps_copy_warns_and_starts_from_defaults(workdir):
    """A damaged file (no backup): kept aside, a Chinese warning, default settings."""
    target = workdir / "workbench" / "settings.json"
    target.parent.mkdir(parents=True)
    target.write_text('{"phrases": {"groups": [', encoding="utf-8")
    with pytest.warns(workspace.WorkspaceWarning, match="已损坏.*默认设置"):
        wb = workbench.load()
    assert wb.to_dict() == workbench.default().to_dict()
    kept = list(target.parent.glob("settings.json.corrupt-*"))
    assert kept and kept[0].read_text(encoding="utf-8") == '{"phrases": {"groups": ['


def test_corrupt_settings_file_recovers_last_good_backup(workdir):
    """With a sound backup (.bak from the previous save) the student's earlier settings come back."""
    wb = workbench.load()
    wb.phrases.add("/v1", "版本一", "亲～")
    wb.save()
    wb.phrases.add("/v2", "版本二", "亲～")
    wb.save()
    (workdir / "workbench" / "settings.json").write_text("garbage", encoding="utf-8")
    with pytest.warns(workspace.WorkspaceWarning, match="备份恢复"):
        again = workbench.load()
    assert again.phrase("/v1") is not None and again.phrase("/v2") is None


def test_invalid_part_of_settings_only_resets_that_part(workdir):
    """Valid JSON but a bad part: that part starts from defaults, the others are kept, a copy and a warning."""
    wb = workbench.load()
    wb.phrases.add("/mine", "我的", "亲～")
    wb.save()
    target = workdir / "workbench" / "settings.json"
    raw = json.loads(target.read_text(encoding="utf-8"))
    raw["accounts"]["accounts"][0]["max_concurrent"] = 99
    target.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    with pytest.warns(workspace.WorkspaceWarning, match="子账号设置有误：.*最大接待人数.*其他部分不受影响"):
        again = workbench.load()
    assert again.phrase("/mine") is not None
    assert again.accounts.to_dict() == SubAccounts.default().to_dict()
    copies = list(target.parent.glob("settings.invalid-*.json"))
    assert len(copies) == 1 and json.loads(copies[0].read_text(encoding="utf-8")) == raw
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        workbench.load()  # repaired on disk: no second warning


def test_settings_that_are_not_a_dict(workdir):
    """A JSON list instead of settings: warned, kept, defaults."""
    target = workdir / "workbench" / "settings.json"
    target.parent.mkdir(parents=True)
    target.write_text("[1, 2]", encoding="utf-8")
    with pytest.warns(workspace.WorkspaceWarning, match="不是设置"):
        assert workbench.load().to_dict() == workbench.default().to_dict()
    assert list(target.parent.glob("settings.invalid-*.json"))


def test_reset_keeps_a_copy(workdir):
    """reset() restores defaults and keeps the old file; reset(part) touches only that part."""
    wb = workbench.load()
    wb.phrases.delete("/hy")
    wb.accounts.create("小林")
    wb.save()
    wb = workbench.reset("phrases")
    assert wb.phrase("/hy") is not None and wb.accounts.get("小林") is not None
    assert workbench.load().phrase("/hy") is not None
    wb = workbench.reset()
    assert wb.accounts.get("小林") is None and workbench.load().to_dict() == workbench.default().to_dict()
    copies = sorted((workdir / "workbench").glob("settings.before-reset-*.json"))
    assert len(copies) == 2
    assert any("悦衣小铺:小林" in c.read_text(encoding="utf-8") for c in copies)
    with pytest.raises(InputError, match="没有“orders”这部分设置"):
        workbench.reset("orders")


def test_saving_one_part_keeps_the_others(workdir):
    """Two workbenches saving different parts (two panels) do not overwrite each other's changes."""
    a, b = workbench.load(), workbench.load()
    a.phrases.add("/aa", "甲", "亲～")
    a.save("phrases")
    b.accounts.create("小林")
    b.save(["accounts"])
    final = workbench.load()
    assert final.phrase("/aa") is not None and final.accounts.get("小林") is not None
    with pytest.raises(InputError, match="没有“bot”这部分设置"):
        a.save("bot")
    with pytest.raises(InputError, match="需要一个工作台"):
        workbench.save({"phrases": []})


def test_workbench_from_dict_checks():
    """Invalid settings given directly raise Chinese errors saying what to fix."""
    with pytest.raises(InputError, match="工作台设置应是字典"):
        Workbench.from_dict("x")
    with pytest.raises(InputError, match="快捷短语设置应是字典"):
        Workbench.from_dict({"phrases": ["/hy"]})
    with pytest.raises(InputError, match="工作台的快捷短语设置应是 PhraseLibrary"):
        Workbench(phrases=[])


def test_import_stays_light():
    """import cslab.workbench loads neither ipywidgets nor pandas."""
    code = "import sys, cslab.workbench; print(sorted(m for m in ('pandas', 'ipywidgets') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
