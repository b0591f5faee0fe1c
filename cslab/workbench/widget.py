"""Workbench panels for lesson ``02_pre_job`` (千牛工作台): thin ipywidgets views over :mod:`cslab.workbench`.

* :class:`AutoReplyPanel` – service hours and the auto-reply rules (add / edit / delete);
* :class:`AutoReplyTester` – type a buyer message and a time: which reply fires, and why;
* :class:`QuickPhrasePanel` – quick phrases by group, add / edit / delete / move, CSV import and export;
* :class:`SubAccountPanel` – the sub-account table; create / modify / disable / enable / delete.

Each panel saves its own part of the settings after every successful change (so two panels never
overwrite each other); errors are shown in red Chinese text and change nothing. Every button has
a method, so tests drive the panels without a browser:

>>> import os, tempfile; os.environ["CSLAB_WORKDIR"] = tempfile.mkdtemp()
>>> p = QuickPhrasePanel()
>>> p.form(shortcode="/bz", title="包装", text="亲，每件都有独立包装哦～", group="商品咨询")
>>> p.add_phrase().shortcode, p.ok
('/bz', True)
"""

from __future__ import annotations

import base64
import datetime as dt

import ipywidgets as widgets
import traitlets

from ..errors import CslabError, InputError
from ..phrases import VARIABLES
from . import ACCOUNT_GROUPS, KINDS, MATCH_TYPES, PERMISSIONS, ROLES, load
from ._panel_base import _GREEN, _GREY, _LABEL, _RED, _TIME, _WIDE, Panel as _Panel, _buttons, _esc, _table

__all__ = ["AutoReplyPanel", "AutoReplyTester", "QuickPhrasePanel", "SubAccountPanel"]

class AutoReplyPanel(_Panel):
    """自动回复设置: service hours and rules. Headless: ``form(...)``, ``add_rule()``, ``update_rule()``, ``delete_rule()``.

    >>> import os, tempfile; os.environ["CSLAB_WORKDIR"] = tempfile.mkdtemp()
    >>> p = AutoReplyPanel()
    >>> p.form(name="包邮", kind="keyword", keywords="包邮", text="亲，全场包邮哦～")
    >>> p.add_rule().name, p.status
    ('包邮', '已添加规则“包邮”（已保存）')
    """

    _section = "auto_replies"

    def __init__(self, wb=None, **kwargs):
        super().__init__(wb, **kwargs)
        self._hours = widgets.Text(value=self.wb.auto_replies.service_hours, description="服务时间", style=_LABEL,
                                   placeholder="例如 08:00-00:30，留空表示全天")
        self._view = widgets.HTML()
        self._pick = widgets.Dropdown(description="选择规则", style=_LABEL)
        self._boxes = {
            "name": widgets.Text(description="规则名称", style=_LABEL),
            "kind": widgets.Dropdown(options=[(v, k) for k, v in KINDS.items()], value="keyword",
                                     description="类型", style=_LABEL),
            "match": widgets.Dropdown(options=[(v, k) for k, v in MATCH_TYPES.items()], value="contains",
                                      description="匹配方式", style=_LABEL),
            "keywords": widgets.Textarea(description="关键词", style=_LABEL, layout=_WIDE,
                                         placeholder="一行一个（包含/精确匹配也可用顿号隔开）"),
            "priority": widgets.BoundedIntText(value=50, min=1, max=99, description="优先级", style=_LABEL,
                                               tooltip="1 最优先；优先级相同时按规则顺序"),
            "active_hours": widgets.Text(description="生效时间", style=_LABEL, placeholder="例如 09:00-23:00，留空表示全天"),
            "text": widgets.Textarea(description="回复内容", style=_LABEL, layout=_WIDE,
                                     placeholder="可用变量，例如 {店铺名}"),
            "enabled": widgets.Checkbox(value=True, description="启用"),
        }
        self._pick.observe(self._on_pick_change, names="value")
        self._boxes["kind"].observe(self._on_kind_change, names="value")
        self.children = [
            widgets.HTML("<h4>自动回复设置</h4>"),
            widgets.HBox([self._hours, _buttons(("保存服务时间", self.set_service_hours, "", "clock-o"))]),
            self._view, self._pick, *self._boxes.values(),
            _buttons(("添加规则", self.add_rule, "success", "plus"), ("保存修改", self.update_rule, "", "save"),
                     ("删除规则", self.delete_rule, "danger", "trash")),
            self._status_view]
        self._refresh()

    def _refresh(self, select=None) -> None:
        s = self.wb.auto_replies
        rows = []
        for i, r in enumerate(s.rules, 1):
            trigger = (f"{MATCH_TYPES[r.match]}：{'、'.join(r.keywords)}" if r.kind == "keyword" else "—")
            rows.append([str(i), _esc(r.name), KINDS[r.kind], _esc(trigger),
                         str(r.priority) if r.kind == "keyword" else "—", r.active_hours or "全天",
                         "启用" if r.enabled else f'<span style="color:{_GREY}">停用</span>', _esc(r.text)])
        self._view.value = (f'<div style="color:{_GREY}">服务时间：{_esc(s.service_hours or "全天")}'
                            "（服务时间外或没有客服在线时发送离线自动回复）</div>"
                            + _table(["顺序", "名称", "类型", "触发条件", "优先级", "生效时间", "状态", "回复内容"], rows))
        self._choices(self._pick, "（新规则）", [r.name for r in s.rules], select)

    def _on_pick_change(self, change) -> None:
        rule = self.wb.auto_replies.get(change["new"]) if change["new"] else None
        if rule is None:
            self.form(name="", kind="keyword", match="contains", keywords="", priority=50, active_hours="",
                      text="", enabled=True)
        else:
            self.form(**{**rule.to_dict(), "keywords": "\n".join(rule.keywords)})

    def _on_kind_change(self, change) -> None:
        for key in ("match", "keywords", "priority"):
            self._boxes[key].layout.display = None if change["new"] == "keyword" else "none"

    def select(self, name: str) -> None:
        """Choose a rule, as the 选择规则 list would; its values fill the form."""
        rule = self.wb.auto_replies.get(name)
        if rule is None:
            raise InputError(f"没有名为“{name}”的自动回复规则。")
        self._pick.value = rule.name
        self._on_pick_change({"new": rule.name})

    def _fields(self) -> dict:
        fields = {k: box.value for k, box in self._boxes.items()}
        if fields["kind"] != "keyword":
            fields["keywords"] = ()
        return fields

    def add_rule(self):
        """The 添加规则 button: add the form as a new rule; returns it (None on error)."""
        return self._run(lambda: self.wb.auto_replies.add(**self._fields()), lambda r: f"已添加规则“{r.name}”",
                         select=lambda r: r.name)

    def update_rule(self):
        """The 保存修改 button: apply the form to the rule chosen in 选择规则; returns it (None on error)."""
        name = self._chosen(self._pick, "请先在“选择规则”里选一条规则，再保存修改（新规则请点“添加规则”）。")
        return None if name is None else self._run(lambda: self.wb.auto_replies.update(name, **self._fields()),
                                                    lambda r: f"已修改规则“{r.name}”", select=lambda r: r.name)

    def delete_rule(self):
        """The 删除规则 button: delete the rule chosen in 选择规则; returns it (None on error)."""
        name = self._chosen(self._pick, "请先在“选择规则”里选要删除的规则。")
        return None if name is None else self._run(lambda: self.wb.auto_replies.remove(name),
                                                    lambda r: f"已删除规则“{r.name}”")

    def set_service_hours(self, hours=None):
        """The 保存服务时间 button (or set ``hours``); returns the tidied hours (None on error)."""
        if hours is not None:
            self._hours.value = hours
        done = self._run(lambda: self.wb.auto_replies.set_service_hours(self._hours.value),
                         lambda h: f"服务时间已设为 {h or '全天'}")
        if done is not None:
            self._hours.value = done
        return done


class AutoReplyTester(widgets.VBox):
    """自动回复测试: a buyer message and a time → which reply fires and why. Headless: set values, ``test()``.

    >>> import os, tempfile; os.environ["CSLAB_WORKDIR"] = tempfile.mkdtemp()
    >>> t = AutoReplyTester()
    >>> t.message, t.time = "几号发货？", "21:30"
    >>> t.test().rule
    '发货时间'
    """

    message = traitlets.Unicode(help="买家发来的消息")
    time = traitlets.Unicode("10:00", help="消息时间 HH:MM（也可写 2026-11-11 21:30）")
    first_contact = traitlets.Bool(False, help="买家是否第一次咨询本店")
    first_today = traitlets.Bool(False, help="买家是否今天第一次发消息")
    online = traitlets.Bool(True, help="是否有客服在线")
    why = traitlets.Unicode(help="测试结果的中文说明")

    def __init__(self, wb=None, **kwargs):
        self._wb = wb
        #: the last :class:`cslab.workbench.AutoReply` (None when no rule fired or on error)
        self.result = None
        boxes = [widgets.Text(self.message, description="买家消息", style=_LABEL, layout=_WIDE,
                              placeholder="例如：几号发货？"),
                 widgets.Text(self.time, description="时间", style=_LABEL, placeholder="HH:MM，例如 21:30"),
                 widgets.Checkbox(self.first_contact, description="首次咨询"),
                 widgets.Checkbox(self.first_today, description="当日首次"),
                 widgets.Checkbox(self.online, description="有客服在线")]
        for box, name in zip(boxes, ("message", "time", "first_contact", "first_today", "online")):
            traitlets.link((box, "value"), (self, name))
        button = widgets.Button(description="测试", icon="play", button_style="primary")
        button.on_click(lambda _b: self.test())
        self._view = widgets.HTML()
        super().__init__(children=[widgets.HTML("<h4>自动回复测试</h4>"), *boxes[:2], widgets.HBox(boxes[2:]),
                                   button, self._view], **kwargs)

    def _when(self) -> dt.datetime:
        m = _TIME.match(self.time.strip())
        if not m:
            raise InputError(f"时间“{self.time}”的格式不对：请写成 HH:MM，例如 21:30（也可写 2026-11-11 21:30）。")
        y, mo, d, h, mi = m.groups()
        day = dt.date(int(y), int(mo), int(d)) if y else dt.date.today()
        try:
            return dt.datetime.combine(day, dt.time(int(h), int(mi)))
        except ValueError:
            raise InputError(f"时间“{self.time}”不存在：小时是 0–23，分钟是 0–59。") from None

    def test(self):
        """The 测试 button: returns the :class:`~cslab.workbench.AutoReply` (or None) and shows why."""
        self.result = None
        try:
            wb = self._wb if self._wb is not None else load()  # the latest saved settings
            when = self._when()
            self.result = wb.reply_for(self.message, when=when, first_contact=self.first_contact,
                                       first_today=self.first_today, online=self.online)
        except CslabError as exc:
            self.why = str(exc)
            self._view.value = f'<div style="color:{_RED}">✗ {_esc(exc)}</div>'
            return None
        r = self.result
        if r is None:
            self.why = f"{when:%H:%M} 没有规则触发：这条消息不会收到自动回复，需要客服人工回复。"
            self._view.value = f'<div style="color:{_GREY}">{_esc(self.why)}</div>'
        else:
            self.why = r.why
            note = f'<div style="color:{_GREY}">未填的变量：{_esc("、".join(r.missing))}</div>' if r.missing else ""
            self._view.value = (f'<div style="border-left:4px solid {_GREEN};padding:4px 10px">'
                                f'<div>自动回复：<b>{_esc(r.text)}</b></div>'
                                f'<div style="color:{_GREY}">原因：{_esc(r.why)}</div>{note}</div>')
        return r


# --------------------------------------------------------------------------- quick phrases
class QuickPhrasePanel(_Panel):
    """快捷短语: list by group, add / edit / delete / move, CSV import and export. Headless: ``form(...)`` and the methods.

    >>> import os, tempfile; os.environ["CSLAB_WORKDIR"] = tempfile.mkdtemp()
    >>> p = QuickPhrasePanel(); p.select("/hy"); p.form(group="告别"); p.update_phrase().group
    '告别'
    """

    _section = "phrases"

    def __init__(self, wb=None, **kwargs):
        super().__init__(wb, **kwargs)
        self._filter = widgets.Dropdown(description="查看分组", style=_LABEL)
        self._list = widgets.Select(description="短语", style=_LABEL, rows=10, layout=_WIDE)
        self._boxes = {"shortcode": widgets.Text(description="快捷编码", style=_LABEL, placeholder="例如 /hy"),
                       "title": widgets.Text(description="标题", style=_LABEL),
                       "group": widgets.Dropdown(description="分组", style=_LABEL),
                       "text": widgets.Textarea(description="内容", style=_LABEL, layout=_WIDE)}
        hint = widgets.HTML(f'<div style="color:{_GREY};font-size:.85em">可用变量：'
                            + "、".join(_esc("{" + v + "}") for v in VARIABLES) + "。改分组再保存＝移动到该分组。</div>")
        self._new_group = widgets.Text(description="新分组", style=_LABEL, placeholder="例如 双11大促")
        self._upload = widgets.FileUpload(accept=".csv", multiple=False, description="选择 CSV")
        self._replace = widgets.Checkbox(description="导入时替换全部短语（不勾选则合并）", value=False,
                                         layout=widgets.Layout(width="auto"))
        self._download = widgets.HTML()
        self._busy = False
        self._filter.observe(lambda _c: self._busy or self._refresh(), names="value")
        self._list.observe(self._on_list_change, names="value")
        self.children = [
            widgets.HTML("<h4>快捷短语</h4>"), self._filter, self._list, *self._boxes.values(), hint,
            _buttons(("添加短语", self.add_phrase, "success", "plus"), ("保存修改", self.update_phrase, "", "save"),
                     ("删除短语", self.delete_phrase, "danger", "trash")),
            widgets.HBox([self._new_group, _buttons(("新建分组", self.add_group, "", "folder"))]),
            widgets.HBox([self._upload, self._replace, _buttons(("导入 CSV", self.import_csv, "", "upload"),
                                                                ("导出 CSV", self.export_csv, "", "download"))]),
            self._download, self._status_view]
        self._refresh()

    def _refresh(self, select=None) -> None:
        lib, group_box = self.wb.phrases, self._boxes["group"]
        groups = list(lib.groups)
        shown = self._filter.value if self._filter.value in groups else "全部"
        group = group_box.value
        self._busy = True
        try:
            self._filter.options = ["全部"] + groups
            self._filter.value = shown
            group_box.options = groups
            group_box.value = group if group in groups else (groups[0] if groups else None)
        finally:
            self._busy = False
        order = {g: i for i, g in enumerate(groups)}
        items = sorted((p for p in lib if shown == "全部" or p.group == shown), key=lambda p: order[p.group])
        current = select if select is not None else self._list.value
        self._list.options = [(f"{p.shortcode}  【{p.group}】{p.title}", p.shortcode) for p in items]
        self._list.value = current if current in [p.shortcode for p in items] else None

    def _on_list_change(self, change) -> None:
        p = self.wb.phrases.get(change["new"]) if change["new"] else None
        if p is not None:
            self.form(shortcode=p.shortcode, title=p.title, group=p.group, text=p.text)

    def select(self, shortcode: str) -> None:
        """Choose a phrase in the list (as a click would); its values fill the form."""
        p = self.wb.phrases.get(shortcode)
        if p is None:
            raise InputError(f"没有快捷编码为 {shortcode} 的短语。")
        self._filter.value = "全部"
        self._list.value = p.shortcode
        self._on_list_change({"new": p.shortcode})

    def _fields(self) -> dict:
        return {k: box.value or "" for k, box in self._boxes.items()}

    def add_phrase(self):
        """The 添加短语 button: add the form as a new phrase; returns it (None on error)."""
        return self._run(lambda: self.wb.phrases.add(**self._fields()), lambda p: f"已添加短语 {p.shortcode}（{p.group}）",
                         select=lambda p: p.shortcode)

    def update_phrase(self):
        """The 保存修改 button: apply the form (a new group moves the phrase) to the chosen phrase."""
        code = self._chosen(self._list, "请先在短语列表里选一条短语，再保存修改（新短语请点“添加短语”）。")
        return None if code is None else self._run(lambda: self.wb.phrases.edit(code, **self._fields()),
                                                    lambda p: f"已修改短语 {p.shortcode}（{p.group}）",
                                                    select=lambda p: p.shortcode)

    def delete_phrase(self):
        """The 删除短语 button: delete the chosen phrase; returns it (None on error)."""
        code = self._chosen(self._list, "请先在短语列表里选要删除的短语。")
        return None if code is None else self._run(lambda: self.wb.phrases.delete(code),
                                                    lambda p: f"已删除短语 {p.shortcode}")

    def add_group(self, name=None):
        """The 新建分组 button (or give ``name``); returns the group name (None on error)."""
        if name is not None:
            self._new_group.value = name
        done = self._run(lambda: self.wb.phrases.add_group(self._new_group.value), lambda g: f"已新建分组“{g}”")
        if done is not None:
            self._new_group.value = ""
        return done

    def import_csv(self, data=None, replace=None):
        """The 导入 CSV button: import the uploaded file (or ``data`` bytes); returns the report (None on error)."""
        if data is None:
            files = self._upload.value
            if not files:
                self._show("请先点“选择 CSV”选一个文件（列：分组,快捷编码,标题,内容），再点“导入 CSV”。", False)
                return None
            data = bytes(files[0]["content"])
        if replace is not None:
            self._replace.value = bool(replace)
        report = self._run(lambda: self.wb.phrases.import_csv(data, replace=self._replace.value), str)
        if report is not None:
            self._upload.value = ()
        return report

    def export_csv(self):
        """The 导出 CSV button: write the CSV to the work folder and show a download link; returns the path."""
        try:
            path = self.wb.phrases.export_csv()
        except CslabError as exc:
            self._show(str(exc), False)
            return None
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        self._download.value = (f'<a download="{_esc(path.name)}" href="data:text/csv;base64,{data}">'
                                f"⬇ 下载 {_esc(path.name)}</a>"
                                f'<span style="color:{_GREY}">（也已保存在作业文件夹：{_esc(path)}）</span>')
        self._show(f"已导出 {len(self.wb.phrases)} 条短语到 {path}，可用 Excel 打开", True)
        return path


# --------------------------------------------------------------------------- sub-accounts
class SubAccountPanel(_Panel):
    """子账号管理: table and form. Headless: ``form(...)``, ``create_account()``, ``update_account()`` …

    ``open_sessions`` ({子账号: 进行中会话数}) is what the shop has open now; such accounts are not
    deleted or disabled.

    >>> import os, tempfile; os.environ["CSLAB_WORKDIR"] = tempfile.mkdtemp()
    >>> p = SubAccountPanel(open_sessions={"悦衣小铺:小美": 2})
    >>> p.select("小美"); p.delete_account(); p.status
    '子账号 悦衣小铺:小美 还有 2 个进行中的会话，不能删除：请先把会话转交给其他客服，再删除。'
    """

    _section = "accounts"

    def __init__(self, wb=None, open_sessions=None, **kwargs):
        super().__init__(wb, **kwargs)
        #: {子账号名或昵称: 进行中的会话数}
        self.open_sessions = dict(open_sessions or {})
        self._loading = False
        self._view = widgets.HTML()
        self._pick = widgets.Dropdown(description="选择子账号", style=_LABEL)
        self._boxes = {
            "name": widgets.Text(description="子账号名", style=_LABEL,
                                 placeholder=f"{self.wb.accounts.shop}:昵称，或只写昵称"),
            "group": widgets.Combobox(options=list(ACCOUNT_GROUPS), value="售前", description="分组", style=_LABEL,
                                      ensure_option=False, placeholder="售前 / 售后 / 主管 …"),
            "role": widgets.Dropdown(options=list(ROLES), value="客服", description="角色", style=_LABEL),
            "permissions": widgets.SelectMultiple(options=list(PERMISSIONS), value=ROLES["客服"], description="权限",
                                                  style=_LABEL, rows=len(PERMISSIONS)),
            "max_concurrent": widgets.BoundedIntText(value=5, min=1, max=50, description="最大接待", style=_LABEL,
                                                     tooltip="同时接待的买家数，1–50"),
            "shift_hours": widgets.Text(value="08:00-16:30", description="班次时间", style=_LABEL),
        }
        self._pick.observe(self._on_pick_change, names="value")
        self._boxes["role"].observe(self._on_role_change, names="value")
        self.children = [
            widgets.HTML("<h4>子账号管理</h4>"), self._view, self._pick, *self._boxes.values(),
            _buttons(("创建子账号", self.create_account, "success", "plus"), ("保存修改", self.update_account, "", "save"),
                     ("停用", self.disable_account, "warning", "pause"), ("启用", self.enable_account, "", "play"),
                     ("删除", self.delete_account, "danger", "trash")),
            self._status_view]
        self._refresh()

    def _refresh(self, select=None) -> None:
        accounts = self.wb.accounts
        rows = []
        for a in accounts:
            sessions = next((int(v) for k, v in self.open_sessions.items()
                             if isinstance(k, str) and k.strip() and accounts.full_name(k) == a.name), 0)
            state = "启用" if a.enabled else f'<span style="color:{_GREY}">停用</span>'
            rows.append([_esc(a.name), _esc(a.group), _esc(a.role), _esc("、".join(a.permissions)),
                         str(a.max_concurrent), _esc(a.shift_hours), state, str(sessions)])
        self._view.value = _table(["子账号", "分组", "角色", "权限", "最大接待", "班次", "状态", "进行中会话"], rows)
        self._choices(self._pick, "（新子账号）", [a.name for a in accounts], select)

    def _on_pick_change(self, change) -> None:
        a = self.wb.accounts.get(change["new"]) if change["new"] else None
        self._loading = True
        try:
            self.form(**{k: v for k, v in (a.to_dict() if a else {
                "name": "", "group": "售前", "role": "客服", "permissions": ROLES["客服"], "max_concurrent": 5,
                "shift_hours": "08:00-16:30"}).items() if k in self._boxes})
        finally:
            self._loading = False

    def _on_role_change(self, change) -> None:
        if not self._loading:  # the student picked another role: start from its permissions
            self._boxes["permissions"].value = ROLES[change["new"]]

    def select(self, account: str) -> None:
        """Choose an account (name or nickname), as the 选择子账号 list would; its values fill the form."""
        a = self.wb.accounts.get(account)
        if a is None:
            raise InputError(f"没有子账号“{account}”。")
        self._pick.value = a.name
        self._on_pick_change({"new": a.name})

    def _fields(self) -> dict:
        return {k: tuple(b.value) if k == "permissions" else b.value for k, b in self._boxes.items() if k != "name"}

    def _act(self, verb: str, action, done: str):
        name = self._chosen(self._pick, f"请先在“选择子账号”里选要{verb}的子账号。")
        return None if name is None else self._run(lambda: action(name), lambda a: f"{done} {a.name}",
                                                    select=lambda a: a.name if verb != "删除" else None)

    def create_account(self):
        """The 创建子账号 button: create the account in the form; returns it (None on error)."""
        return self._run(lambda: self.wb.accounts.create(self._boxes["name"].value, **self._fields()),
                         lambda a: f"已创建子账号 {a.name}", select=lambda a: a.name)

    def update_account(self):
        """The 保存修改 button: apply the form to the chosen account (a new name renames it)."""
        return self._act("修改", lambda n: self.wb.accounts.modify(n, name=self._boxes["name"].value,
                                                                   **self._fields()), "已修改子账号")

    def disable_account(self):
        """The 停用 button (refused with open sessions, or for the last enabled 主管)."""
        return self._act("停用", lambda n: self.wb.accounts.disable(n, open_sessions=self.open_sessions), "已停用")

    def enable_account(self):
        """The 启用 button."""
        return self._act("启用", self.wb.accounts.enable, "已启用")

    def delete_account(self):
        """The 删除 button (refused with open sessions, or for the last enabled 主管)."""
        return self._act("删除", lambda n: self.wb.accounts.delete(n, open_sessions=self.open_sessions), "已删除")
