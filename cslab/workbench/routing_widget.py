"""旺旺分流 panel for lesson 02_pre_job 客服岗前知识准备: a thin ipywidgets view over :mod:`cslab.workbench.routing`.

:class:`RoutingPanel` lets the student pick a strategy and a day, edit one sub-account at a time
(weight, bound products, bound page sources, max concurrent chats, enabled), replay the day and
see the summary, the per-account load and a chart; “对比全部策略” runs all five strategies.
Everything works headless, so tests and nbval drive it without a browser:

>>> p = RoutingPanel(show_chart=False)
>>> p.strategy = "least_busy"
>>> p.run().summary()["chats"]
70
>>> "平均等待" in p.summary_html
True
"""

from __future__ import annotations

import html
import io

import ipywidgets as widgets
import traitlets

from ..errors import CslabError, InputError
from . import routing

__all__ = ["RoutingPanel", "summary_html"]

_RED = "#c62828"
_GREY = "#666"
_FIELDS = {"weight": "权重", "max_concurrent": "最大接待量", "products": "绑定商品", "sources": "页面来源"}
_HELP = {
    "group": "按买家咨询的主题分给对应分组：售前咨询、活动优惠、催付 → 售前；退换货、物流、修改地址、发票 → 售后；投诉 → 先主管，再售后。",
    "weight": "所有在线客服按权重轮流接待：权重 2 的客服接待量约是权重 1 的两倍；权重 0 不参与轮流。",
    "product": "买家咨询的商品绑定给了哪个客服就分给谁；没有绑定或绑定的客服忙时，改按分组。",
    "source": "按买家进入聊天的页面分：绑定了该页面的客服优先；否则商品详情页、店铺首页、活动页 → 售前，订单页 → 售后。",
    "least_busy": "分给当前接待人数占最大接待量比例最低的在线客服，不看分组。",
}


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:.1f} 分钟"


def summary_html(result) -> str:
    """HTML of a simulation's key figures and its per-account table (Chinese labels); lesson 02_pre_job.

    >>> "3分钟内接入" in summary_html(routing.simulate_day("2025-11-11", "group"))
    True
    """
    s = result.summary()
    cells = [
        ("会话数", s["chats"]), ("平均等待", _minutes(s["mean_wait_s"])), ("90% 的买家等待不超过", _minutes(s["p90_wait_s"])),
        ("3分钟内接入", f"{s['within_3min']:.0%}"), ("离线留言", f"{s['offline']} 个"),
        ("在线时段排队", f"{s['queued']} 个"), ("在线时段平均等待", _minutes(s["online_mean_wait_s"])),
        ("专业对口", f"{s['matched_share']:.0%}"),
    ]
    head = "".join(f"<th style='padding:2px 8px'>{html.escape(k)}</th>" for k, _ in cells)
    body = "".join(f"<td style='padding:2px 8px;text-align:center'>{html.escape(str(v))}</td>" for _, v in cells)
    frame = result.accounts_frame()
    frame["utilisation"] = frame["utilisation"].map(lambda x: f"{x:.1%}")
    frame["enabled"] = frame["enabled"].map(lambda x: "是" if x else "否")
    table = frame.drop(columns=["account"]).rename(columns={**routing.LABELS, "enabled": "启用"}).to_html(
        index=False, border=0, classes="cslab-routing-accounts")
    return (f"<div class='cslab-routing-summary'><h4 style='margin:4px 0'>{s['date']} "
            f"{html.escape(s['name'])}分流的模拟结果</h4>"
            f"<table><tr>{head}</tr><tr>{body}</tr></table>"
            f"<div style='margin-top:6px'>{table}</div></div>")


def _error_html(text: str) -> str:
    return f'<div class="cslab-routing-error" style="color:{_RED}">✗ {html.escape(text)}</div>'


class RoutingPanel(widgets.VBox):
    """旺旺分流 settings and day simulation (lesson 02_pre_job); edits change ``accounts`` (plain dicts).

    ``accounts`` default: the shop's sub-accounts employed on ``date``
    (:func:`routing.accounts_from_agents`), rebuilt when the date changes until the student edits
    one. Headless: set ``strategy``, ``date``, ``load_factor``, ``account`` and the editor
    widgets, then call :meth:`run` or :meth:`compare`.

    >>> p = RoutingPanel(show_chart=False)
    >>> p.account = "悦衣小铺:小美"
    >>> p._weight.value = 3
    >>> p.accounts[0]["weight"]
    3
    """

    strategy = traitlets.Unicode("group", help="分流策略代码：group / weight / product / source / least_busy")
    date = traitlets.Unicode(routing.DEFAULT_DATE, help="模拟哪一天，写成 2025-11-11")
    load_factor = traitlets.Int(1, help="客流倍数：每个会话重复几次（1 = 原始客流）")
    account = traitlets.Unicode("", help="正在编辑的子账号（name，如 悦衣小铺:小美）")
    summary_html = traitlets.Unicode("", help="上一次运行的结果（HTML）或错误提示")

    def __init__(self, accounts=None, date=routing.DEFAULT_DATE, strategy="group", *, show_chart=True, **kwargs):
        self._custom = accounts is not None
        self.accounts = routing.check_accounts(accounts) if accounts is not None else routing.accounts_from_agents(on=date)
        self._show_chart = show_chart
        self._skus = None
        self._loading = False
        #: the last :class:`routing.SimulationResult` / comparison DataFrame / matplotlib Figure
        self.result = self.comparison = self.figure = None

        self._strategy_box = widgets.Dropdown(
            options=[(f"{name}（{key}）", key) for key, name in routing.STRATEGIES.items()], description="分流策略")
        self._strategy_help = widgets.HTML()
        self._date_box = widgets.Text(description="日期", placeholder="2025-11-11")
        self._load_box = widgets.IntSlider(min=1, max=20, description="客流倍数")
        self._account_box = widgets.Dropdown(description="子账号")
        self._enabled = widgets.Checkbox(description="启用")
        self._weight = widgets.BoundedIntText(min=0, max=100, description="权重")
        self._max = widgets.BoundedIntText(min=1, max=50, description="最大接待量")
        self._products = widgets.Text(description="绑定商品", placeholder="SP0001, SP0002")
        self._sources = widgets.SelectMultiple(options=routing.PAGE_SOURCES, rows=4, description="页面来源")
        self._account_info = widgets.HTML()
        self._edit_message = widgets.HTML()
        self._run_button = widgets.Button(description="运行模拟", icon="play", button_style="success",
                                          tooltip="用当前策略和子账号设置重放这一天的咨询")
        self._compare_button = widgets.Button(description="对比全部策略", icon="bar-chart",
                                              tooltip="同一天、同样的子账号，五种策略各跑一遍")
        self._reset_button = widgets.Button(description="恢复默认账号", icon="undo",
                                            tooltip="放弃修改，按这一天在职的客服重建子账号")
        self._save_button = widgets.Button(description="保存到工作台", icon="save",
                                           tooltip="把权重、绑定商品、页面来源、启用和接待量写进工作台的子账号设置")
        self._summary_view = widgets.HTML()
        self._chart = widgets.Image(format="png", layout=widgets.Layout(display="none", max_width="100%"))
        super().__init__(children=[
            widgets.HTML("<h4 style='margin:4px 0'>旺旺分流模拟</h4>"),
            widgets.HBox([self._strategy_box, self._date_box, self._load_box]), self._strategy_help,
            widgets.HTML("<b>子账号设置</b>"),
            widgets.HBox([self._account_box, self._enabled]), self._account_info,
            widgets.HBox([self._weight, self._max]), widgets.HBox([self._products, self._sources]),
            self._edit_message,
            widgets.HBox([self._run_button, self._compare_button, self._reset_button, self._save_button]),
            self._summary_view, self._chart,
        ], **kwargs)
        traitlets.link((self._strategy_box, "value"), (self, "strategy"))
        traitlets.link((self._date_box, "value"), (self, "date"))
        traitlets.link((self._load_box, "value"), (self, "load_factor"))
        self._account_box.observe(lambda ch: setattr(self, "account", ch["new"] or ""), "value")
        self._enabled.observe(self._on_enabled_change, "value")
        self._weight.observe(self._on_weight_change, "value")
        self._max.observe(self._on_max_change, "value")
        self._products.observe(self._on_products_change, "value")
        self._sources.observe(self._on_sources_change, "value")
        self._run_button.on_click(lambda _b: self.run())
        self._compare_button.on_click(lambda _b: self.compare())
        self._reset_button.on_click(lambda _b: self.reset_accounts())
        self._save_button.on_click(lambda _b: self.save_to_workbench())
        self.date = str(date)
        self.strategy = strategy
        self._on_strategy_change({"new": self.strategy})
        self._fill_accounts()

    # -- trait handlers ---------------------------------------------------------------
    @traitlets.validate("strategy")
    def _valid_strategy(self, proposal):
        if proposal["value"] not in routing.STRATEGIES:
            raise InputError(f"没有分流策略 {proposal['value']!r}：可选 {'、'.join(routing.STRATEGIES)}。")
        return proposal["value"]

    @traitlets.validate("account")
    def _valid_account(self, proposal):
        names = [a["name"] for a in self.accounts]
        if proposal["value"] not in names:
            raise InputError(f"没有子账号 {proposal['value']!r}：可选 {'、'.join(names)}。")
        return proposal["value"]

    @traitlets.observe("strategy")
    def _on_strategy_change(self, change):
        self._strategy_help.value = f'<div style="color:{_GREY}">{html.escape(_HELP[change["new"]])}</div>'

    @traitlets.observe("date")
    def _on_date_change(self, change):
        if self._custom:
            return
        try:
            self.accounts = routing.accounts_from_agents(on=change["new"])
        except InputError:
            return  # a half-typed date: keep the accounts; run() reports the problem
        self._fill_accounts()

    @traitlets.observe("account")
    def _on_account_change(self, change):
        self._account_box.value = change["new"]
        a = self._current()
        self._loading = True
        try:
            self._enabled.value = a["enabled"]
            self._weight.value = a["weight"]
            self._max.value = a["max_concurrent"]
            self._products.value = ", ".join(a["products"])
            self._sources.value = tuple(a["sources"])
        finally:
            self._loading = False
        self._account_info.value = (f'<div style="color:{_GREY}">{html.escape(a["group"])}组，'
                                    f'班次 {html.escape(a["shift_hours"])}</div>')

    @traitlets.observe("summary_html")
    def _on_summary_html_change(self, change):
        self._summary_view.value = change["new"]

    def _on_enabled_change(self, change):
        self._edit("enabled", bool(change["new"]))

    def _on_weight_change(self, change):
        self._edit("weight", int(change["new"]))

    def _on_max_change(self, change):
        self._edit("max_concurrent", int(change["new"]))

    def _on_products_change(self, change):
        items = [x.strip().upper() for x in change["new"].replace("，", ",").replace("、", ",").split(",") if x.strip()]
        if self._loading:
            return
        if self._skus is None:
            from .. import datasets

            self._skus = set(datasets.load_products()["sku"])
        unknown = [x for x in items if x not in self._skus]
        self._edit("products", [x for x in items if x in self._skus])
        if unknown:
            self._edit_message.value = _error_html(f"没有这些商品编号：{'、'.join(unknown)}（应像 SP0001 这样），它们没有绑定。")

    def _on_sources_change(self, change):
        self._edit("sources", list(change["new"]))

    # -- helpers ----------------------------------------------------------------------
    def _current(self) -> dict:
        return next(a for a in self.accounts if a["name"] == self.account)

    def _edit(self, key, value):
        if self._loading or not self.account:
            return
        a = self._current()
        if a.get(key) != value:
            a[key] = value
            self._custom = True
        self._edit_message.value = (f'<div style="color:{_GREY}">已修改 {html.escape(a["nickname"])}：'
                                    f'{_FIELDS.get(key, key)} = {html.escape(str(value))}</div>'
                                    if key != "enabled" else
                                    f'<div style="color:{_GREY}">{html.escape(a["nickname"])} 已'
                                    f'{"启用" if value else "停用"}</div>')

    def _fill_accounts(self):
        self._account_box.options = [(f"{a['nickname']}（{a['group']}）", a["name"]) for a in self.accounts]
        self.account = self.accounts[0]["name"]
        self._on_account_change({"new": self.account})

    def _show(self, fig):
        self.figure = fig
        if not self._show_chart:
            self._chart.layout.display = "none"
            return
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=96)
        self._chart.value = buf.getvalue()
        self._chart.layout.display = None

    # -- actions ----------------------------------------------------------------------
    def reset_accounts(self) -> list:
        """Throw away the edits: the sub-accounts employed on ``date``; returns them."""
        self._custom = False
        self.accounts = routing.accounts_from_agents(on=self.date)
        self._fill_accounts()
        self._edit_message.value = ""
        return self.accounts

    def save_to_workbench(self) -> list:
        """Write the routing fields of the accounts into the student's workbench (sub-accounts); returns the names saved.

        Accounts the workbench does not have are reported, not created (create them in the
        sub-account panel first); the settings survive a kernel restart.
        """
        from . import load

        wb = load()
        saved, missing = [], []
        try:
            for a in self.accounts:
                if wb.accounts.get(a["name"]) is None:
                    missing.append(a["nickname"])
                    continue
                wb.accounts.modify(a["name"], weight=a["weight"], products=tuple(a["products"]),
                                   sources=tuple(a["sources"]), enabled=a["enabled"],
                                   max_concurrent=a["max_concurrent"])
                saved.append(a["name"])
            wb.save(sections=["accounts"])
        except CslabError as exc:
            self._edit_message.value = _error_html(f"没有保存：{exc}")
            return []
        note = f"；工作台里没有这些子账号，没有保存：{'、'.join(missing)}（先在子账号面板里创建）" if missing else ""
        self._edit_message.value = (f'<div style="color:{_GREY}">已把 {len(saved)} 个子账号的分流设置保存到工作台'
                                    f'{html.escape(note)}。</div>')
        return saved

    def run(self):
        """Simulate the day with the current settings; shows summary and chart, returns the result (None on bad input)."""
        try:
            result = routing.simulate_day(self.date, self.strategy, self.accounts, load_factor=self.load_factor)
        except CslabError as exc:
            self.result = None
            self.summary_html = _error_html(str(exc))
            return None
        self.result = result
        self.summary_html = summary_html(result)
        self._show(routing.plot_simulation(result))
        return result

    def compare(self):
        """Run every strategy on the same day and accounts; shows the table and chart, returns the DataFrame (None on bad input)."""
        try:
            frame = routing.compare_strategies(self.date, self.accounts, load_factor=self.load_factor)
        except CslabError as exc:
            self.comparison = None
            self.summary_html = _error_html(str(exc))
            return None
        self.comparison = frame
        shown = frame.drop(columns=["strategy", "date"]).copy()
        for col in ("mean_wait_s", "p90_wait_s", "max_wait_s", "online_mean_wait_s"):
            shown[col] = (shown[col] / 60).round(1)
        for col in ("within_3min", "matched_share"):
            shown[col] = shown[col].map(lambda x: f"{x:.0%}")
        labels = {k: v.replace("（秒）", "（分钟）") for k, v in routing.LABELS.items()}
        table = shown.rename(columns=labels).to_html(index=False, border=0, classes="cslab-routing-compare")
        self.summary_html = (f"<div class='cslab-routing-summary'><h4 style='margin:4px 0'>{html.escape(self.date)} "
                             f"五种分流策略对比</h4>{table}</div>")
        self._show(routing.plot_comparison(frame))
        return frame
