"""自动回复 (千牛-style auto replies) for lesson ``02_pre_job`` (训练一：首句回复设置) and the chat
simulator (lessons 04–06, 09–11), which asks :func:`reply_for` what to send when a buyer writes.

Four kinds of rule (:data:`KINDS`): a welcome for a buyer's first contact, a reply for the first
message of the day, keyword rules (match ``exact`` / ``contains`` / ``regex``) and offline replies
(outside the service hours, or nobody online). Each rule may have active hours (``09:00-23:00``,
may cross midnight). Welcome, daily and offline rules of one kind must not be active at the same
minute, so there is never a doubt which one fires.

>>> s = AutoReplySettings.default()
>>> import datetime as dt
>>> r = reply_for(s, "在吗", when=dt.datetime(2026, 11, 11, 10, 0), first_contact=True, first_today=True)
>>> r.rule, r.why
('首次咨询欢迎语', '买家第一次咨询本店，发送首次咨询欢迎语“首次咨询欢迎语”。')
"""

from __future__ import annotations

import dataclasses
import math
import re
from dataclasses import dataclass, field

from ..errors import InputError
from ..phrases import fill, variables
from ._settings import (ALL_DAY, check_bool, check_fields, check_int, check_text, check_variables, minute_of,
                        parse_hours)

__all__ = ["KINDS", "MATCH_TYPES", "DEFAULT_SERVICE_HOURS", "AutoReplyRule", "AutoReply", "AutoReplySettings",
           "reply_for"]

#: rule kind → Chinese name
KINDS = {"welcome": "首次咨询欢迎语", "daily": "当日首次回复", "keyword": "关键词回复", "offline": "离线自动回复"}
#: keyword match type → Chinese name
MATCH_TYPES = {"exact": "精确匹配", "contains": "包含关键词", "regex": "正则表达式"}
#: the shop's service hours: the agents' shifts together (早班 08:00 to 晚班 00:30)
DEFAULT_SERVICE_HOURS = "08:00-00:30"

_KIND_ALIASES = {"欢迎语": "welcome", "首次咨询": "welcome", "首次回复": "welcome", "当日首次": "daily",
                 "每日首次": "daily", "关键词": "keyword", "关键字": "keyword", "关键字回复": "keyword",
                 "离线": "offline", "离线回复": "offline", **{v: k for k, v in KINDS.items()}}
_MATCH_ALIASES = {"精确": "exact", "完全匹配": "exact", "包含": "contains", "模糊匹配": "contains",
                  "正则": "regex", **{v: k for k, v in MATCH_TYPES.items()}}
#: kinds of which only one enabled rule may be active at any minute
_ONE_AT_A_TIME = ("welcome", "daily", "offline")
_SPLIT = re.compile(r"[\n、,，;；]+")
_TRAILING = "。？！?!.～~，, "
_FIELDS = ("name", "kind", "text", "keywords", "match", "priority", "active_hours", "enabled")


def _choice(value, aliases: dict, names: dict, what: str) -> str:
    key = value.strip() if isinstance(value, str) else value
    key = key.lower() if isinstance(key, str) and key.isascii() else key
    if key in names:
        return key
    if key in aliases:
        return aliases[key]
    raise InputError(f"{what}“{value}”不认识：请从 {'、'.join(f'{k}（{v}）' for k, v in names.items())} 中选择。")


def _normalise(text: str) -> str:
    from ..zhtext import normalize

    return normalize(text).casefold()


@dataclass(frozen=True)
class AutoReplyRule:
    """One auto-reply rule; values are checked and tidied on creation (Chinese errors say what to fix).

    >>> AutoReplyRule("发货", "keyword", "亲，今天发货～", keywords="发货、几天到").keywords
    ('发货', '几天到')
    """

    name: str
    kind: str
    text: str
    keywords: tuple = ()
    match: str = "contains"
    priority: int = 50
    active_hours: str = ""
    enabled: bool = True
    _patterns: tuple = field(default=(), init=False, repr=False, compare=False)

    def __post_init__(self):
        name = check_text(self.name, "规则名称", max_len=20)
        kind = _choice(self.kind, _KIND_ALIASES, KINDS, f"规则“{name}”的类型")
        match = _choice(self.match, _MATCH_ALIASES, MATCH_TYPES, f"规则“{name}”的匹配方式")
        text = check_variables(check_text(self.text, f"规则“{name}”的回复内容"), f"规则“{name}”的回复内容")
        keywords = self.keywords
        if isinstance(keywords, str):
            keywords = keywords.splitlines() if match == "regex" else _SPLIT.split(keywords)
        if not isinstance(keywords, (list, tuple)) or not all(isinstance(k, str) for k in keywords):
            raise InputError(f"规则“{name}”的关键词应是文字列表，例如 [\"发货\", \"几天到\"]。")
        keywords = tuple(dict.fromkeys(k.strip() for k in keywords if k.strip()))
        if kind == "keyword" and not keywords:
            raise InputError(f"关键词回复“{name}”至少要有一个关键词（一行一个，或用顿号隔开）。")
        if kind != "keyword" and keywords:
            raise InputError(f"规则“{name}”是{KINDS[kind]}，不按关键词触发：请清空关键词，或把类型改成关键词回复。")
        for k in keywords:
            check_text(k, f"规则“{name}”的关键词", max_len=100)
        patterns = ()
        if match == "regex":
            patterns = tuple(_compile(name, k) for k in keywords)
        set_ = object.__setattr__
        set_(self, "name", name)
        set_(self, "kind", kind)
        set_(self, "text", text)
        set_(self, "keywords", keywords)
        set_(self, "match", match)
        set_(self, "priority", check_int(self.priority, f"规则“{name}”的优先级", 1, 99))
        hours = parse_hours(self.active_hours, f"规则“{name}”的生效时间")
        set_(self, "active_hours", "" if hours == ALL_DAY else hours.text)
        set_(self, "enabled", check_bool(self.enabled, f"规则“{name}”的启用"))
        set_(self, "_patterns", patterns)

    @property
    def hours(self):
        """The active hours as a :class:`TimeRange` (all day when ``active_hours`` is empty).

        >>> AutoReplyRule("夜间", "offline", "亲，客服下班啦～", active_hours="23:00-08:00").hours.crosses_midnight
        True
        """
        return parse_hours(self.active_hours)

    def active_at(self, when) -> bool:
        """Whether the rule is enabled and ``when`` lies in its active hours.

        >>> import datetime as dt
        >>> AutoReplyRule("白天", "welcome", "您好～", active_hours="09:00-23:00").active_at(dt.time(8, 59))
        False
        """
        return self.enabled and self.hours.contains_minute(minute_of(when))

    def matches(self, message: str):
        """The keyword (or pattern) that ``message`` matches, or None; full-width and case are ignored.

        >>> AutoReplyRule("发货", "keyword", "亲，今天发货～", keywords="发货").matches("几号发货？")
        '发货'
        """
        if not isinstance(message, str):
            raise InputError(f"买家消息应是文字，现在是 {type(message).__name__}。")
        text = _normalise(message)
        for k, pattern in zip(self.keywords, self._patterns or self.keywords):
            if self.match == "regex":
                if pattern.search(text):
                    return k
            elif self.match == "exact":
                if text.rstrip(_TRAILING) == _normalise(k).rstrip(_TRAILING):
                    return k
            elif _normalise(k) in text:
                return k
        return None

    def to_dict(self) -> dict:
        """The rule as plain JSON-ready data.

        >>> AutoReplyRule("欢迎", "welcome", "您好～").to_dict()["kind"]
        'welcome'
        """
        return {"name": self.name, "kind": self.kind, "text": self.text, "keywords": list(self.keywords),
                "match": self.match, "priority": self.priority, "active_hours": self.active_hours,
                "enabled": self.enabled}

    @classmethod
    def from_dict(cls, data) -> "AutoReplyRule":
        """A rule from :meth:`to_dict` data; unknown keys are an error.

        >>> AutoReplyRule.from_dict({"name": "欢迎", "kind": "欢迎语", "text": "您好～"}).kind
        'welcome'
        """
        if not isinstance(data, dict):
            raise InputError(f"自动回复规则应是字典（名称、类型、回复内容……），现在是 {type(data).__name__}。")
        check_fields(data, _FIELDS, "自动回复规则")
        return cls(**data)


def _compile(name: str, pattern: str):
    try:
        return re.compile(pattern, re.IGNORECASE)
    except re.error as exc:
        raise InputError(f"规则“{name}”的正则表达式“{pattern}”写错了：{exc}。"
                         "请检查括号 ()、方括号 [] 是否成对，反斜杠 \\ 后面是否完整。") from None


@dataclass(frozen=True)
class AutoReply:
    """What :func:`reply_for` decided: the text to send, the rule's name, its kind and a Chinese reason.

    ``missing`` lists the variables left as ``{变量}`` because the context did not give them.

    >>> AutoReply("您好～", "欢迎", "买家第一次咨询本店。", "welcome").text
    '您好～'
    """

    text: str
    rule: str
    why: str
    kind: str
    missing: tuple = ()


def _default_rules():
    return (
        AutoReplyRule("首次咨询欢迎语", "welcome",
                      "亲，您好！欢迎光临{店铺名}～请问有什么可以帮您？尺码、面料、发货都可以问我哦。"),
        AutoReplyRule("当日首次回复", "daily", "亲，欢迎回来！今天想看点什么呢？有问题随时告诉我～"),
        AutoReplyRule("退换货", "keyword", "亲，签收后7天内、不影响二次销售可以无理由退换，每单都送运费险，"
                      "请告诉我您的订单号，我马上为您处理～", keywords=("退货", "换货", "退款"), priority=10),
        AutoReplyRule("发货时间", "keyword", "亲，下午3点前付款当天发货，之后次日发出，发货后一般1-3天送到～",
                      keywords=("发货", "几天到", "什么时候到"), priority=20),
        AutoReplyRule("快递", "keyword", "亲，我们默认发中通或圆通快递，需要顺丰可以补差价哦～",
                      keywords=("快递", "顺丰"), priority=30),
        AutoReplyRule("尺码推荐", "keyword", "亲，麻烦您把身高、体重发我一下，我对照尺码表帮您推荐码数哦～",
                      keywords=("尺码", "码数", "多大码", "穿什么码"), priority=30),
        AutoReplyRule("订单号查询", "keyword", "亲，收到您的订单号，正在为您查询，请稍等片刻～",
                      keywords=(r"D\d{12}",), match="regex", priority=40),
        AutoReplyRule("离线自动回复", "offline", f"亲，现在是客服休息时间（每天 {DEFAULT_SERVICE_HOURS} 在线），"
                      "您先留言，我们上班后第一时间回复您～"),
    )


def _as_rule(rule) -> AutoReplyRule:
    if isinstance(rule, AutoReplyRule):
        return rule
    return AutoReplyRule.from_dict(rule)


def _hours_text(rule) -> str:
    return rule.active_hours or "全天"


def _check_rules(rules: tuple) -> tuple:
    seen = {}
    for r in rules:
        key = r.name.casefold()
        if key in seen:
            raise InputError(f"规则名称“{r.name}”重复了：每条自动回复规则要有不同的名称，请改一个名字。")
        seen[key] = r
    for kind in _ONE_AT_A_TIME:
        same = [r for r in rules if r.kind == kind and r.enabled]
        for i, a in enumerate(same):
            for b in same[i + 1:]:
                if a.hours.overlaps(b.hours):
                    raise InputError(
                        f"两条{KINDS[kind]}“{a.name}”（{_hours_text(a)}）和“{b.name}”（{_hours_text(b)}）的生效时间重叠了："
                        f"同一时刻只能有一条{KINDS[kind]}生效，请调整生效时间或停用其中一条。")
    return rules


class AutoReplySettings:
    """The shop's auto-reply rules and service hours; every change is checked as a whole and not applied on error.

    >>> s = AutoReplySettings.default()
    >>> s.add(name="包邮", kind="keyword", keywords="包邮", text="亲，全场包邮哦～").name
    '包邮'
    >>> s.add(name="包邮", kind="keyword", keywords="运费", text="亲，全场包邮哦～")
    Traceback (most recent call last):
    ...
    cslab.errors.InputError: 规则名称“包邮”重复了：每条自动回复规则要有不同的名称，请改一个名字。
    """

    def __init__(self, rules=(), service_hours: str = DEFAULT_SERVICE_HOURS):
        if not isinstance(rules, (list, tuple)):
            raise InputError(f"自动回复规则应是列表，现在是 {type(rules).__name__}。")
        hours = parse_hours(service_hours, "客服服务时间")
        self._service_hours = "" if hours == ALL_DAY else hours.text
        self._rules = _check_rules(tuple(_as_rule(r) for r in rules))

    @classmethod
    def default(cls) -> "AutoReplySettings":
        """The course's starting rules: a welcome, a daily reply, five keyword rules and an offline reply.

        >>> [r.kind for r in AutoReplySettings.default()].count("keyword")
        5
        """
        return cls(_default_rules(), DEFAULT_SERVICE_HOURS)

    @property
    def rules(self) -> tuple:
        """The rules in their order (the order breaks ties of equal priority)."""
        return self._rules

    @property
    def service_hours(self) -> str:
        """When agents are on duty, ``HH:MM-HH:MM`` (``""`` = all day); outside it offline replies fire."""
        return self._service_hours

    def __iter__(self):
        return iter(self._rules)

    def __len__(self):
        return len(self._rules)

    def __repr__(self):
        return f"AutoReplySettings({len(self._rules)} 条规则，服务时间 {self._service_hours or '全天'})"

    def get(self, name: str):
        """The rule called ``name`` (case ignored), or None.

        >>> AutoReplySettings.default().get("快递").keywords
        ('快递', '顺丰')
        """
        key = name.strip().casefold() if isinstance(name, str) else None
        return next((r for r in self._rules if r.name.casefold() == key), None)

    def _find(self, name: str) -> int:
        rule = self.get(name)
        if rule is None:
            names = "、".join(r.name for r in self._rules) or "（还没有规则）"
            raise InputError(f"没有名为“{name}”的自动回复规则：现有规则是 {names}。")
        return self._rules.index(rule)

    def add(self, rule=None, /, **fields) -> AutoReplyRule:
        """Add a rule (an :class:`AutoReplyRule`, or its fields as keywords) at the end; returns it.

        >>> AutoReplySettings().add(AutoReplyRule("欢迎", "welcome", "您好～")).kind
        'welcome'
        """
        if rule is not None and fields:
            raise InputError("add() 请只给一条规则（AutoReplyRule），或者只用 name=…、kind=…、text=… 这样的写法。")
        rule = _as_rule(rule) if rule is not None else AutoReplyRule.from_dict(fields)
        self._rules = _check_rules(self._rules + (rule,))
        return rule

    def update(self, name: str, /, **changes) -> AutoReplyRule:
        """Change fields of the rule called ``name`` (``text=…``, ``active_hours=…``, ``name=…`` to rename).

        >>> AutoReplySettings.default().update("快递", priority=5).priority
        5
        """
        i = self._find(name)
        check_fields(changes, _FIELDS, "自动回复规则")
        old = self._rules[i]
        if "kind" in changes and "keywords" not in changes:
            if _choice(changes["kind"], _KIND_ALIASES, KINDS, f"规则“{old.name}”的类型") != "keyword":
                changes["keywords"] = ()  # a welcome/daily/offline rule has no keywords
        new = dataclasses.replace(old, **changes)
        self._rules = _check_rules(self._rules[:i] + (new,) + self._rules[i + 1:])
        return new

    def remove(self, name: str) -> AutoReplyRule:
        """Delete the rule called ``name``; returns it.

        >>> AutoReplySettings.default().remove("快递").name
        '快递'
        """
        i = self._find(name)
        rule = self._rules[i]
        self._rules = self._rules[:i] + self._rules[i + 1:]
        return rule

    def move(self, name: str, position: int) -> None:
        """Move the rule called ``name`` to ``position`` (0 = first) in the order.

        >>> s = AutoReplySettings.default(); s.move("快递", 0); s.rules[0].name
        '快递'
        """
        i = self._find(name)
        position = check_int(position, "位置", 0, max(len(self._rules) - 1, 0))
        rules = list(self._rules)
        rules.insert(position, rules.pop(i))
        self._rules = tuple(rules)

    def set_service_hours(self, hours: str) -> str:
        """Set the service hours (``""`` = all day); returns them tidied.

        >>> AutoReplySettings.default().set_service_hours("9:00～22:00")
        '09:00-22:00'
        """
        parsed = parse_hours(hours, "客服服务时间")
        self._service_hours = "" if parsed == ALL_DAY else parsed.text
        return self._service_hours

    def to_dict(self) -> dict:
        """The settings as plain JSON-ready data.

        >>> sorted(AutoReplySettings().to_dict())
        ['rules', 'service_hours']
        """
        return {"service_hours": self._service_hours, "rules": [r.to_dict() for r in self._rules]}

    @classmethod
    def from_dict(cls, data) -> "AutoReplySettings":
        """Settings from :meth:`to_dict` data (checked; Chinese errors say what to fix).

        >>> len(AutoReplySettings.from_dict(AutoReplySettings.default().to_dict()))
        8
        """
        if not isinstance(data, dict) or not isinstance(data.get("rules", []), list):
            raise InputError("自动回复设置应是字典：{\"service_hours\": \"08:00-00:30\", \"rules\": [规则……]}。")
        check_fields(data, ("service_hours", "rules"), "自动回复设置")
        return cls(data.get("rules", []), data.get("service_hours", DEFAULT_SERVICE_HOURS))


def _present(value) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value)) and bool(str(value).strip())


def _filled(text: str, context):
    if context is None:
        return text, ()
    if not isinstance(context, dict):
        raise InputError(f"填充内容 context 应是字典，例如 {{\"买家昵称\": \"西瓜呀\"}}，现在是 {type(context).__name__}。")
    missing = tuple(n for n in variables(text) if not _present(context.get(n)))
    return fill(text, {**context, **{n: "{" + n + "}" for n in missing}}), missing


def reply_for(settings, message: str, *, when, first_contact: bool, first_today: bool, online: bool = True,
              context: dict | None = None):
    """The auto reply for a buyer's ``message`` at ``when``, or None; ``context`` fills ``{变量}``.

    Order: offline reply (nobody online, or outside the service hours) → welcome (first contact) →
    daily reply (first message today) → keyword rules by priority (1 first), then by their order.
    Only enabled rules whose active hours contain ``when`` take part.

    >>> import datetime as dt
    >>> s = AutoReplySettings.default()
    >>> r = reply_for(s, "几号发货？", when=dt.datetime(2026, 11, 11, 21, 30), first_contact=False, first_today=False)
    >>> r.rule, r.why
    ('发货时间', '买家消息包含“发货”（包含关键词，优先级 20），触发关键词回复“发货时间”。')
    >>> reply_for(s, "在吗", when=dt.datetime(2026, 11, 11, 3, 0), first_contact=False, first_today=False).rule
    '离线自动回复'
    """
    if not isinstance(settings, AutoReplySettings):
        settings = getattr(settings, "auto_replies", None)
        if not isinstance(settings, AutoReplySettings):
            raise InputError("reply_for 的第一个参数应是自动回复设置（AutoReplySettings）或工作台（Workbench）。")
    if not isinstance(message, str):
        raise InputError(f"买家消息应是文字，现在是 {type(message).__name__}。")
    minute = minute_of(when)
    first_contact = check_bool(first_contact, "first_contact（是否首次咨询）")
    first_today = check_bool(first_today, "first_today（是否当日首次）")
    online = check_bool(online, "online（是否有客服在线）")
    clock = f"{minute // 60:02d}:{minute % 60:02d}"
    active = [r for r in settings.rules if r.active_at(when)]

    def reply(rule, why):
        text, missing = _filled(rule.text, context)
        return AutoReply(text, rule.name, why, rule.kind, missing)

    in_hours = parse_hours(settings.service_hours).contains_minute(minute)
    if not online or not in_hours:
        offline = next((r for r in active if r.kind == "offline"), None)
        if offline is not None:
            reason = ("当前没有客服在线" if not online
                      else f"{clock} 不在客服服务时间 {settings.service_hours} 内")
            return reply(offline, f"{reason}，发送离线自动回复“{offline.name}”。")
    if first_contact:
        welcome = next((r for r in active if r.kind == "welcome"), None)
        if welcome is not None:
            return reply(welcome, f"买家第一次咨询本店，发送首次咨询欢迎语“{welcome.name}”。")
    if first_today or first_contact:
        daily = next((r for r in active if r.kind == "daily"), None)
        if daily is not None:
            lead = "买家今天第一次发消息" if not first_contact else "买家第一次咨询本店（此时没有生效的首次咨询欢迎语）"
            return reply(daily, f"{lead}，发送当日首次回复“{daily.name}”。")
    keyword_rules = sorted((r for r in active if r.kind == "keyword"), key=lambda r: r.priority)
    for rule in keyword_rules:  # sorted() is stable: equal priorities keep the rules' order
        hit = rule.matches(message)
        if hit is not None:
            verb = {"exact": "就是", "contains": "包含", "regex": "符合正则"}[rule.match]
            return reply(rule, f"买家消息{verb}“{hit}”（{MATCH_TYPES[rule.match]}，优先级 {rule.priority}），"
                               f"触发关键词回复“{rule.name}”。")
    return None
