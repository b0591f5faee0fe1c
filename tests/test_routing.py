"""Tests of cslab.workbench.routing (旺旺分流): strategies, limits, shifts, the day simulation, charts, panel."""

import datetime as dt

import pytest

from cslab.errors import InputError
from cslab.workbench import routing
from cslab.workbench.routing import RoutingState, route, simulate_day

DAY = "2025-11-11"


def acct(nick, group="售前", max_concurrent=5, shift="00:00-24:00", **extra):
    return {"name": f"店:{nick}", "group": group, "enabled": True, "max_concurrent": max_concurrent,
            "shift_hours": shift, **extra}


def chat(topic="售前咨询", at="10:00:00", sid="S1", handle=600, **extra):
    return {"session_id": sid, "topic": topic, "started_at": f"{DAY} {at}", "handle_seconds": handle, **extra}


TEAM = [acct("小美", "售前"), acct("阿杰", "售前"), acct("安安", "售后"), acct("林姐", "主管", 2)]


def at(now="10:00", **open_chats):
    return RoutingState(now=now, open_chats={f"店:{k}": v for k, v in open_chats.items()})


# --------------------------------------------------------------------------- strategies
@pytest.mark.parametrize("topic, group", [
    ("售前咨询", "售前"), ("活动优惠", "售前"), ("催付", "售前"),
    ("退换货", "售后"), ("物流", "售后"), ("修改地址", "售后"), ("发票", "售后"), ("投诉", "主管"),
])
def test_group_strategy_sends_each_topic_to_its_group(topic, group):
    d = route({"topic": topic}, TEAM, "group", at())
    names = {a["name"]: a["group"] for a in TEAM}
    assert names[d.account] == group and not d.queued
    assert "按分组" in d.reason


def test_group_strategy_balances_inside_the_group_and_complaints_fall_back_to_after_sales():
    assert route({"topic": "售前咨询"}, TEAM, "group", at(小美=2)).account == "店:阿杰"
    d = route({"topic": "投诉"}, TEAM, "group", at(林姐=2))  # 主管 full → 售后
    assert d.account == "店:安安"


def test_busy_group_falls_back_to_another_online_account():
    d = route({"topic": "物流"}, TEAM, "group", at(安安=5))
    assert d.account in {"店:小美", "店:阿杰", "店:林姐"} and not d.queued
    assert "转给其他在线客服" in d.reason


def test_weight_strategy_is_a_weighted_round_robin():
    team = [acct("小美", weight=2, max_concurrent=99), acct("阿杰", weight=1, max_concurrent=99),
            acct("小舟", weight=0, max_concurrent=99)]
    state = RoutingState(now="10:00")
    picks = [route({"topic": "物流"}, team, "weight", state).account for _ in range(30)]
    assert picks.count("店:小美") == 20 and picks.count("店:阿杰") == 10 and "店:小舟" not in picks
    assert picks[:3] == ["店:小美", "店:阿杰", "店:小美"]  # smooth: never three in a row
    again = RoutingState(now="10:00")
    assert [route({"topic": "物流"}, team, "weight", again).account for _ in range(30)] == picks


def test_product_strategy_prefers_the_bound_account_then_the_group():
    team = [acct("小美", "售前"), acct("安安", "售后", products=["SP0001"])]
    assert route({"topic": "售前咨询", "sku": "SP0001"}, team, "product", at()).account == "店:安安"
    d = route({"topic": "售前咨询", "sku": "SP0002"}, team, "product", at())
    assert d.account == "店:小美" and "没有客服绑定商品 SP0002" in d.reason
    d = route({"topic": "售前咨询", "sku": "SP0001"}, team, "product", at(安安=5))
    assert d.account == "店:小美" and "都忙或不在班" in d.reason


def test_page_source_is_derived_from_the_chat():
    assert routing.page_source({"topic": "活动优惠", "sku": "SP1"}) == "活动页"
    assert routing.page_source({"topic": "售前咨询", "sku": "SP1", "opening": "请问材质是什么"}) == "商品详情页"
    assert routing.page_source({"topic": "售前咨询", "sku": "SP1", "opening": "hello，有人吗"}) == "店铺首页"
    assert routing.page_source({"topic": "售前咨询", "order_id": "D1"}) == "店铺首页"
    assert routing.page_source({"topic": "退换货", "order_id": "D1", "sku": "SP1"}) == "订单页"
    assert routing.page_source({"topic": "物流", "sku": "SP1"}) == "商品详情页"
    assert routing.page_source({"topic": "物流"}) == "店铺首页"
    assert routing.page_source({"topic": "物流", "order_id": "D1", "page_source": "活动页"}) == "活动页"
    with pytest.raises(InputError, match="可选 商品详情页"):
        routing.page_source({"page_source": "首页"})


def test_source_strategy_uses_bound_sources_then_the_source_group():
    team = [acct("小美", "售前"), acct("安安", "售后"), acct("小舟", "售后", sources=["活动页"])]
    assert route({"topic": "活动优惠"}, team, "source", at()).account == "店:小舟"
    assert route({"topic": "退换货", "order_id": "D1"}, team, "source", at()).account == "店:安安"
    assert route({"topic": "售前咨询", "sku": "SP1"}, team, "source", at()).account == "店:小美"
    d = route({"topic": "活动优惠"}, team, "source", at(小舟=5))
    assert d.account == "店:小美" and "绑定活动页的客服都忙" in d.reason


def test_least_busy_uses_open_chats_relative_to_max_concurrent():
    team = [acct("小美", max_concurrent=10), acct("阿杰", "售后", max_concurrent=2)]
    assert route({"topic": "物流"}, team, "least_busy", at(小美=5)).account == "店:阿杰"
    assert route({"topic": "物流"}, team, "least_busy", at(小美=1, 阿杰=1)).account == "店:小美"
    assert route({"topic": "物流"}, team, "least_busy", at()).account == "店:小美"  # tie → list order


# --------------------------------------------------------------------------- limits and shifts
@pytest.mark.parametrize("strategy", list(routing.STRATEGIES))
def test_full_accounts_queue_and_off_accounts_never_get_chats(strategy):
    team = [acct("小美", max_concurrent=1), acct("停用", enabled=False), acct("早班", shift="08:00-09:00"),
            acct("安安", "售后", max_concurrent=1)]
    d = route({"topic": "物流"}, team, strategy, at("10:00", 小美=1, 安安=1))
    assert d.account is None and d.queued and not d.offline and "接满" in d.reason
    for n in range(20):
        d = route({"topic": ["物流", "售前咨询", "投诉"][n % 3], "sku": "SP1"}, team, strategy, at("10:00"))
        assert d.account in {"店:小美", "店:安安"}


def test_max_concurrent_is_respected_in_the_simulation():
    chats = [chat("物流", "10:00:00", f"S{i}", 600) for i in range(3)]
    r = simulate_day(DAY, "group", [acct("安安", "售后", max_concurrent=2)], chats)
    rows = r.chats_frame().set_index("session_id")
    assert list(rows["wait_seconds"]) == [0, 0, 600]
    assert rows.loc["S2", "queued"] and not rows.loc["S2", "offline"]
    loads = r.accounts_frame().iloc[0]
    assert loads["peak_concurrent"] == 2 and loads["handled"] == 3 and loads["busy_minutes"] == 20


@pytest.mark.parametrize("strategy", list(routing.STRATEGIES))
def test_disabled_and_off_shift_accounts_get_nothing_in_a_day(strategy):
    team = [acct("小美", max_concurrent=1, shift="08:00-20:00"), acct("停用", max_concurrent=9, enabled=False),
            acct("夜班", max_concurrent=9, shift="22:00-23:00")]
    chats = [chat(["物流", "售前咨询", "投诉"][i % 3], f"{9 + i // 6}:{i % 6 * 10:02d}:00", f"S{i}", 900,
                  sku="SP1") for i in range(30)]
    r = simulate_day(DAY, strategy, team, chats)
    got = set(r.chats_frame()["account"])
    assert got == {"店:小美"}
    assert r.accounts_frame().set_index("nickname").loc[["停用", "夜班"], "handled"].tolist() == [0, 0]


def test_shift_across_midnight():
    assert routing.on_shift("22:00-02:00", 60) and routing.on_shift("22:00-02:00", 23 * 60)
    assert not routing.on_shift("22:00-02:00", 3 * 60) and not routing.on_shift("22:00-02:00", 21 * 60 + 59)
    team = [acct("夜班", shift="22:00-02:00"), acct("早班", shift="08:00-16:30")]
    assert route(chat(at="01:00:00"), team, "group").account == "店:夜班"
    assert route(chat(at="23:30:00"), team, "least_busy").account == "店:夜班"
    assert route(chat(at="03:00:00"), team, "group").offline
    r = simulate_day(DAY, "group", team, [chat(at="01:59:00", handle=600), chat(at="02:00:00", sid="S2")])
    rows = r.chats_frame().set_index("session_id")
    assert rows.loc["S1", "account"] == "店:夜班" and rows.loc["S1", "wait_seconds"] == 0
    assert rows.loc["S2", "account"] == "店:早班" and rows.loc["S2", "wait_seconds"] == 6 * 3600


def test_everyone_offline_gives_offline_rows_that_wait_for_the_shift():
    team = [acct("小美", shift="08:00-16:30", max_concurrent=1)]
    chats = [chat(at="03:00:00"), chat(at="05:30:00", sid="S2", handle=300)]
    r = simulate_day(DAY, "weight", team, chats)
    rows = r.chats_frame().set_index("session_id")
    assert rows["offline"].all() and rows["queued"].all()
    assert rows.loc["S1", "wait_seconds"] == 5 * 3600
    assert rows.loc["S2", "wait_seconds"] == 2.5 * 3600 + 600  # behind S1 (10 min) with one slot
    assert rows.loc["S1", "assigned_at"] == dt.datetime(2025, 11, 11, 8, 0)
    assert "离线留言" in rows.loc["S1", "reason"]
    s = r.summary()
    assert s["offline"] == 2 and s["queued"] == 0 and s["within_3min"] == 0


def test_chats_after_the_evening_shift_wait_until_the_next_morning():
    team = [acct("小美", shift="08:00-16:30")]
    r = simulate_day(DAY, "group", team, [chat(at="23:00:00")])
    assert r.rows[0]["wait_seconds"] == 9 * 3600
    assert r.rows[0]["assigned_at"] == dt.datetime(2025, 11, 12, 8, 0)


# --------------------------------------------------------------------------- handling time
def test_handling_time_comes_from_the_data_with_a_cap_a_floor_and_a_default():
    team = [acct("小美", "售前", max_concurrent=9)]
    base = {"topic": "售前咨询", "started_at": f"{DAY} 10:00:00"}
    chats = [
        {**base, "session_id": "a", "ended_at": f"{DAY} 10:10:00", "first_response_seconds": 120},
        {**base, "session_id": "b", "ended_at": f"{DAY} 13:00:00"},
        {**base, "session_id": "c", "ended_at": None},
        {**base, "session_id": "d", "ended_at": f"{DAY} 10:00:05"},
    ]
    handle = simulate_day(DAY, "group", team, chats).chats_frame().set_index("session_id")["handle_seconds"]
    assert handle.to_dict() == {"a": 480, "b": routing.HANDLE_CAP_SECONDS,
                                "c": routing.DEFAULT_HANDLE_SECONDS, "d": routing.MIN_HANDLE_SECONDS}


def test_a_chat_outside_its_group_takes_longer():
    team = [acct("小美", "售前")]
    rows = simulate_day(DAY, "group", team, [chat("物流"), chat("售前咨询", sid="S2")]).chats_frame()
    assert rows["handle_seconds"].tolist() == [600 * routing.MISMATCH_FACTOR, 600]
    assert rows["matched"].tolist() == [False, True]


def test_load_factor_replays_each_chat_a_minute_apart():
    r = simulate_day(DAY, "group", TEAM, [chat()], load_factor=3)
    frame = r.chats_frame()
    assert frame["session_id"].tolist() == ["S1", "S1#2", "S1#3"]
    assert (frame["arrival"].diff().dropna() == dt.timedelta(minutes=1)).all()


# --------------------------------------------------------------------------- bad input
@pytest.mark.parametrize("accounts, message", [
    ([], "至少一个"),
    ([{"name": "店:甲", "group": "售前", "enabled": True, "shift_hours": "08:00-16:30"}], "缺少 max_concurrent"),
    ([acct("甲", max_concurrent=0)], "不小于 1"),
    ([acct("甲", max_concurrent=2.5)], "max_concurrent"),
    ([acct("甲", shift="8点到16点")], "格式不对"),
    ([acct("甲", shift="08:00-08:00")], "同一时刻"),
    ([acct("甲", enabled="yes")], "True 或 False"),
    ([acct("甲", weight=-1)], "weight"),
    ([acct("甲", products="SP0001")], "文字列表"),
    ([acct("甲", sources=["首页"])], "未知的页面来源"),
    ([acct("甲"), acct("甲")], "出现了两次"),
])
def test_bad_accounts_raise_chinese_errors(accounts, message):
    with pytest.raises(InputError, match=message):
        routing.check_accounts(accounts)


def test_bad_strategy_date_topic_and_load_factor():
    with pytest.raises(InputError, match="可选 group（按分组）、weight"):
        route(chat(), TEAM, "random")
    with pytest.raises(InputError, match="可选 group"):
        simulate_day(DAY, "fastest")
    with pytest.raises(InputError, match="2025-11-01 至 2026-10-31.*2025-11-11，70 个会话"):
        simulate_day("2027-01-01", "group")
    with pytest.raises(InputError, match="年-月-日"):
        simulate_day("11月11日", "group")
    with pytest.raises(InputError, match="可选 售前咨询"):
        route({"topic": "闲聊"}, TEAM, "group", at())
    with pytest.raises(InputError, match="不知道现在几点"):
        route({"topic": "物流"}, TEAM, "group")
    with pytest.raises(InputError, match="load_factor"):
        simulate_day(DAY, "group", TEAM, [chat()], load_factor=0)
    with pytest.raises(InputError, match="没有启用的子账号"):
        simulate_day(DAY, "group", [acct("甲", enabled=False)], [chat()])


# --------------------------------------------------------------------------- real data
def test_accounts_from_agents_disables_staff_who_left_or_were_not_hired_yet():
    now = {a["nickname"]: a["enabled"] for a in routing.accounts_from_agents()}
    assert now["米粒"] is False and now["小满"] is True and sum(now.values()) == 8
    then = {a["nickname"]: a["enabled"] for a in routing.accounts_from_agents(on=DAY)}
    assert then["米粒"] is True and then["小满"] is False and then["小柚"] is False


@pytest.fixture(scope="module")
def busy_day():
    return {key: simulate_day(DAY, key) for key in routing.STRATEGIES}


def test_simulation_on_the_busiest_day_is_sane(busy_day):
    from cslab import datasets

    chats = datasets.load_chats()
    expected = int((chats["started_at"].dt.date == dt.date(2025, 11, 11)).sum())
    assert routing.DEFAULT_DATE == DAY and expected == chats["started_at"].dt.date.value_counts().max()
    for key, result in busy_day.items():
        frame, loads = result.chats_frame(), result.accounts_frame()
        assert len(frame) == expected and frame["session_id"].is_unique
        assert frame["account"].notna().all() and (frame["wait_seconds"] >= 0).all()
        assert (frame["assigned_at"] >= frame["arrival"]).all()
        assert loads["handled"].sum() == expected
        assert (loads["peak_concurrent"] <= loads["max_concurrent"]).all()
        assert loads.set_index("nickname").loc[["小柚", "小满"], "handled"].tolist() == [0, 0]
        offline = frame[frame["offline"]]
        assert len(offline) > 0 and (offline["arrival"].dt.hour < 8).all()
        assert (offline["assigned_at"].dt.hour == 8).all()
        online = frame[~frame["offline"]]
        assert (online["wait_seconds"] < 180).all()  # nobody queues long on a normal-sized crowd
        s = result.summary()
        assert s["strategy"] == key and 0 < s["within_3min"] < 1 and s["p90_wait_s"] <= s["max_wait_s"]


def test_strategy_differences_on_the_busiest_day(busy_day):
    s = {k: r.summary() for k, r in busy_day.items()}
    assert s["least_busy"]["mean_wait_s"] <= s["weight"]["mean_wait_s"]
    assert s["group"]["matched_share"] > s["weight"]["matched_share"]
    assert s["group"]["matched_share"] > s["least_busy"]["matched_share"]
    assert s["product"] == {**s["group"], "strategy": "product", "name": "按商品绑定"}  # nothing bound


def test_simulation_and_comparison_are_deterministic(busy_day):
    again = simulate_day(DAY, "weight")
    assert again.rows == busy_day["weight"].rows and again.accounts == busy_day["weight"].accounts
    a, b = routing.compare_strategies(DAY, load_factor=3), routing.compare_strategies(DAY, load_factor=3)
    assert a.equals(b)
    assert list(a["strategy"]) == list(routing.STRATEGIES) and list(a["name"]) == list(routing.STRATEGIES.values())
    one = routing.compare_strategies(DAY).to_dict("records")
    assert one == [busy_day[k].summary() for k in routing.STRATEGIES]


# --------------------------------------------------------------------------- charts
def test_charts_have_chinese_titles_and_one_bar_per_strategy(busy_day):
    fig = routing.plot_simulation(busy_day["group"])
    assert [ax.get_title() for ax in fig.axes] == ["各时段平均等待", "各子账号接待量"]
    assert "按分组" in fig._suptitle.get_text()
    fig.canvas.draw()
    frame = routing.compare_strategies(DAY)
    fig = routing.plot_comparison(frame)
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == list(routing.STRATEGIES.values())
    assert len(fig.axes[0].patches) == 5
    fig.canvas.draw()
    with pytest.raises(InputError):
        routing.plot_comparison(frame[["strategy"]])
    with pytest.raises(InputError):
        routing.plot_simulation(frame)


# --------------------------------------------------------------------------- panel
def test_panel_edits_accounts_and_runs_headless():
    from cslab.workbench.routing_widget import RoutingPanel

    p = RoutingPanel()
    assert p.account == "悦衣小铺:小美" and p._weight.value == 1
    p.account = "悦衣小铺:林姐"
    p._enabled.value = False
    p.account = "悦衣小铺:安安"
    p._weight.value = 3
    p._products.value = "sp0001， SP9999"
    assert "SP9999" in p._edit_message.value
    p._sources.value = ("订单页",)
    p._max.value = 7
    a = next(x for x in p.accounts if x["name"] == "悦衣小铺:安安")
    assert (a["weight"], a["products"], a["sources"], a["max_concurrent"]) == (3, ["SP0001"], ["订单页"], 7)
    p.account = "悦衣小铺:小美"
    p.account = "悦衣小铺:安安"  # coming back shows the edited values
    assert (p._weight.value, p._products.value, p._sources.value) == (3, "SP0001", ("订单页",))
    p.strategy = "weight"
    assert "按权重" in p._strategy_box.options[1][0] and "权重" in p._strategy_help.value
    result = p.run()
    loads = result.accounts_frame().set_index("nickname")
    assert loads.loc["林姐", "handled"] == 0 and loads.loc["安安", "handled"] > loads.loc["小美", "handled"]
    assert "平均等待" in p.summary_html and p._summary_view.value == p.summary_html
    assert p._chart.value and p.figure is not None
    frame = p.compare()
    assert len(frame) == 5 and "五种分流策略对比" in p.summary_html


def test_panel_shows_errors_and_resets():
    from cslab.workbench.routing_widget import RoutingPanel

    p = RoutingPanel(show_chart=False)
    p.date = "2030-01-01"
    assert p.run() is None and "没有会话" in p.summary_html
    assert p.compare() is None
    p.date = "2026-10-28"  # not edited yet: accounts follow the date (小满 hired 2026-10-12)
    assert next(a for a in p.accounts if a["nickname"] == "小满")["enabled"]
    assert p.run().summary()["date"] == "2026-10-28"
    p.account = "悦衣小铺:小满"
    p._enabled.value = False
    p.date = DAY  # edited: the accounts stay as the student set them
    assert not next(a for a in p.accounts if a["nickname"] == "小满")["enabled"]
    p.reset_accounts()
    assert not next(a for a in p.accounts if a["nickname"] == "小满")["enabled"]  # not hired on 2025-11-11
    assert next(a for a in p.accounts if a["nickname"] == "米粒")["enabled"]
    with pytest.raises(InputError):
        p.strategy = "fastest"
    with pytest.raises(InputError):
        p.account = "悦衣小铺:不存在"


def test_panel_saves_routing_fields_into_the_workbench(tmp_path, monkeypatch):
    """Routing edits survive a restart: saved into the workbench's sub-accounts, unknown accounts reported."""
    from cslab import workbench
    from cslab.workbench.routing_widget import RoutingPanel

    monkeypatch.setenv("CSLAB_WORKDIR", str(tmp_path))
    wb = workbench.load()
    accounts = [a.to_dict() for a in wb.accounts]
    panel = RoutingPanel(accounts=accounts, show_chart=False)
    panel.account = accounts[0]["name"]
    panel._weight.value = 7
    panel._products.value = "SP0001, SP0002"
    saved = panel.save_to_workbench()
    assert accounts[0]["name"] in saved
    again = workbench.load().accounts.get(accounts[0]["name"])     # a fresh load = a kernel restart
    assert again.weight == 7 and tuple(again.products) == ("SP0001", "SP0002")
    panel.accounts.append(dict(accounts[0], name="悦衣小铺:不存在", nickname="不存在"))
    panel.save_to_workbench()
    assert "不存在" in panel._edit_message.value
