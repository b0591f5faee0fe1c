"""千牛-style workbench settings: auto replies, quick phrases and sub-accounts (lesson ``02_pre_job``,
standard 001 task 2: 训练一 首句回复设置, 训练二 子账户的建立、修改、删除).

``from cslab import workbench``; ``wb = workbench.load()`` gives a :class:`Workbench` holding

* ``wb.auto_replies`` – :class:`AutoReplySettings`: welcome, first-of-the-day, keyword and offline
  rules; :func:`reply_for` / ``wb.reply_for(...)`` says which fires and why;
* ``wb.phrases`` – :class:`PhraseLibrary`: the student's quick phrases (a copy of
  :mod:`cslab.phrases` to start), CSV import/export for Excel;
* ``wb.accounts`` – :class:`SubAccounts`: sub-accounts, roles and permissions.

Settings are plain data saved to ``workbench/settings.json`` in the work folder
(:mod:`cslab.workspace`), so they survive a kernel restart and the chat simulator uses them:
``wb.reply_for(message, when=…, first_contact=…, first_today=…)``, ``wb.quick_phrases()``,
``wb.phrase("/hy")``. A damaged settings file is kept aside, the student is warned in Chinese and
the defaults (or the last good backup) are used. The widgets live in :mod:`cslab.workbench.widget`
and the routing rules in :mod:`cslab.workbench.routing`.

>>> import os, tempfile; os.environ["CSLAB_WORKDIR"] = tempfile.mkdtemp()
>>> import datetime as dt
>>> wb = load()
>>> wb.reply_for("在吗", when=dt.datetime(2026, 11, 11, 10, 0), first_contact=True, first_today=True).text[:13]
'亲，您好！欢迎光临悦衣小铺'
>>> _ = wb.phrases.add("/bz", "包装", "亲，每件都有独立包装哦～", group="商品咨询")
>>> _ = wb.save()
>>> load().phrase("/bz").title
'包装'
"""

from __future__ import annotations

import shutil
import time
import warnings

from .. import workspace
from ..errors import CslabError, InputError
from ._accounts import ACCOUNT_GROUPS, PERMISSIONS, ROLES, SubAccount, SubAccounts
from ._autoreply import (DEFAULT_SERVICE_HOURS, KINDS, MATCH_TYPES, AutoReply, AutoReplyRule, AutoReplySettings,
                         reply_for)
from ._phrases import CSV_COLUMNS, EXPORT_FILE, ImportReport, PhraseLibrary, normalise_shortcode
from ._settings import SETTINGS_FILE, SETTINGS_VERSION, SHOP_NAME, TimeRange, parse_hours

__all__ = [
    "Workbench", "load", "save", "reset", "default", "reply_for", "SECTIONS",
    "AutoReplySettings", "AutoReplyRule", "AutoReply", "KINDS", "MATCH_TYPES", "DEFAULT_SERVICE_HOURS",
    "PhraseLibrary", "ImportReport", "CSV_COLUMNS", "EXPORT_FILE", "normalise_shortcode",
    "SubAccounts", "SubAccount", "PERMISSIONS", "ROLES", "ACCOUNT_GROUPS",
    "SHOP_NAME", "SETTINGS_FILE", "SETTINGS_VERSION", "TimeRange", "parse_hours",
]

#: settings section → (attribute class, Chinese name)
SECTIONS = {
    "auto_replies": (AutoReplySettings, "自动回复"),
    "phrases": (PhraseLibrary, "快捷短语"),
    "accounts": (SubAccounts, "子账号"),
}


class Workbench:
    """The student's workbench settings: ``auto_replies``, ``phrases``, ``accounts``; missing parts start from defaults.

    >>> wb = Workbench()
    >>> wb.phrase("/hy").title, len(wb.quick_phrases()) > 80
    ('欢迎语', True)
    """

    def __init__(self, auto_replies=None, phrases=None, accounts=None, *, shop: str = SHOP_NAME):
        self.shop = shop
        self.auto_replies = AutoReplySettings.default() if auto_replies is None else auto_replies
        self.phrases = PhraseLibrary.default() if phrases is None else phrases
        self.accounts = SubAccounts.default(shop) if accounts is None else accounts
        for section, (cls, label) in SECTIONS.items():
            if not isinstance(getattr(self, section), cls):
                raise InputError(f"工作台的{label}设置应是 {cls.__name__}，现在是 {type(getattr(self, section)).__name__}。")

    def __repr__(self):
        return f"Workbench({self.shop}：{self.auto_replies!r}，{self.phrases!r}，{self.accounts!r})"

    def reply_for(self, message: str, *, when, first_contact: bool, first_today: bool, online: bool = True,
                  context: dict | None = None):
        """The auto reply for ``message`` (see :func:`reply_for`); ``{店铺名}`` is always filled.

        >>> import datetime as dt
        >>> Workbench().reply_for("有顺丰吗", when=dt.datetime(2026, 11, 11, 12), first_contact=False,
        ...                       first_today=False).rule
        '快递'
        """
        ctx = {"店铺名": self.shop, **context} if isinstance(context, dict) else context
        ctx = {"店铺名": self.shop} if ctx is None else ctx
        return reply_for(self.auto_replies, message, when=when, first_contact=first_contact,
                         first_today=first_today, online=online, context=ctx)

    def phrase(self, shortcode: str):
        """The student's phrase with this shortcode (``/hy`` or ``hy``), or None.

        >>> Workbench().phrase("/nothing") is None
        True
        """
        return self.phrases.get(shortcode)

    def quick_phrases(self) -> list:
        """The student's phrases as a list of :class:`cslab.phrases.QuickPhrase`.

        >>> Workbench().quick_phrases()[0].shortcode
        '/hy'
        """
        return list(self.phrases.phrases)

    def to_dict(self) -> dict:
        """All settings as plain JSON-ready data (what :meth:`save` writes).

        >>> sorted(Workbench().to_dict())
        ['accounts', 'auto_replies', 'phrases', 'shop', 'version']
        """
        return {"version": SETTINGS_VERSION, "shop": self.shop,
                **{section: getattr(self, section).to_dict() for section in SECTIONS}}

    @classmethod
    def from_dict(cls, data) -> "Workbench":
        """Settings from :meth:`to_dict` data; a missing section starts from its defaults; errors are Chinese.

        >>> Workbench.from_dict({"version": 1}).phrase("/hy").title
        '欢迎语'
        """
        if not isinstance(data, dict):
            raise InputError(f"工作台设置应是字典，现在是 {type(data).__name__}。")
        shop = data.get("shop", SHOP_NAME)
        parts = {}
        for section, (klass, _label) in SECTIONS.items():
            if data.get(section) is not None:
                parts[section] = klass.from_dict(data[section])
        return cls(**parts, shop=shop)

    def save(self, sections=None):
        """Save to ``workbench/settings.json`` in the work folder (the previous file is kept as ``.bak``).

        ``sections`` (e.g. ``["phrases"]``) saves only those parts and keeps the others as they are
        on disk, so two panels working on different parts never overwrite each other. Returns the path.

        >>> import os, tempfile; os.environ["CSLAB_WORKDIR"] = tempfile.mkdtemp()
        >>> Workbench().save(["phrases"]).name
        'settings.json'
        """
        if sections is None:
            data = self.to_dict()
        else:
            sections = [sections] if isinstance(sections, str) else list(sections)
            unknown = [s for s in sections if s not in SECTIONS]
            if unknown:
                raise InputError(f"没有“{unknown[0]}”这部分设置：可选 {'、'.join(SECTIONS)}。")
            data = workspace.load_json(SETTINGS_FILE, default=None)
            data = data if isinstance(data, dict) else {}
            data.update({"version": SETTINGS_VERSION, "shop": self.shop})
            data.update({s: getattr(self, s).to_dict() for s in sections})
        workspace.save_json(SETTINGS_FILE, data)
        return workspace.path_for(SETTINGS_FILE)


def default() -> Workbench:
    """Fresh default settings (course phrases, the course's auto replies, the shop's agents); nothing is saved.

    >>> len(default().accounts)
    9
    """
    return Workbench()


def _keep_aside(label: str) -> str:
    """Copy the settings file next to itself with a time stamp; returns the copy's name."""
    source = workspace.path_for(SETTINGS_FILE)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = source.with_name(f"settings.{label}-{stamp}.json")
    n = 1
    while target.exists():
        n += 1
        target = source.with_name(f"settings.{label}-{stamp}-{n}.json")
    shutil.copy2(source, target)
    return target.name


def _warn(message: str) -> None:
    warnings.warn(message, workspace.WorkspaceWarning, stacklevel=3)


def load() -> Workbench:
    """The student's saved settings, or the defaults when nothing is saved yet.

    A damaged file is kept aside and the last good backup (or the defaults) used; a part that
    does not pass the checks is kept in a copy and starts from its defaults. Either way a
    :class:`cslab.workspace.WorkspaceWarning` says in Chinese what happened.

    >>> import os, tempfile; os.environ["CSLAB_WORKDIR"] = tempfile.mkdtemp()
    >>> load().phrase("/hy").title
    '欢迎语'
    """
    data = workspace.load_json(SETTINGS_FILE, default=None)
    if data is None:
        return Workbench()
    if not isinstance(data, dict):
        aside = _keep_aside("invalid")
        _warn(f"工作台设置文件 {SETTINGS_FILE} 的内容不是设置（已另存为 {aside}），现在从默认设置开始。")
        wb = Workbench()
        wb.save()
        return wb
    shop = data.get("shop") if isinstance(data.get("shop"), str) and data.get("shop").strip() else SHOP_NAME
    parts, aside = {}, None
    for section, (klass, label) in SECTIONS.items():
        if data.get(section) is None:
            continue
        try:
            parts[section] = klass.from_dict(data[section])
        except (CslabError, TypeError, ValueError, KeyError, AttributeError) as exc:
            aside = aside or _keep_aside("invalid")
            _warn(f"工作台的{label}设置有误：{exc} 原文件已另存为 {aside}；{label}这一部分现在从默认设置开始，"
                  "其他部分不受影响。")
    wb = Workbench(**parts, shop=shop)
    if aside:
        wb.save()  # the repaired settings replace the bad ones (a copy of those was kept above)
    return wb


def save(wb: Workbench, sections=None):
    """Save ``wb`` to the work folder (same as ``wb.save()``); returns the path.

    >>> import os, tempfile; os.environ["CSLAB_WORKDIR"] = tempfile.mkdtemp()
    >>> save(default()).name
    'settings.json'
    """
    if not isinstance(wb, Workbench):
        raise InputError(f"save() 需要一个工作台（workbench.load() 的结果），现在是 {type(wb).__name__}。")
    return wb.save(sections)


def reset(section: str | None = None) -> Workbench:
    """Back to the defaults (all, or one of ``auto_replies`` / ``phrases`` / ``accounts``), saved; a copy is kept.

    The previous file is copied to ``workbench/settings.before-reset-<时间>.json`` first.

    >>> import os, tempfile; os.environ["CSLAB_WORKDIR"] = tempfile.mkdtemp()
    >>> wb = load(); _ = wb.phrases.delete("/hy"); _ = wb.save()
    >>> reset("phrases").phrase("/hy").title
    '欢迎语'
    """
    if section is not None and section not in SECTIONS:
        raise InputError(f"没有“{section}”这部分设置：可选 {'、'.join(SECTIONS)}，或不填表示全部恢复默认。")
    if workspace.path_for(SETTINGS_FILE).exists():
        _keep_aside("before-reset")
    if section is None:
        wb = Workbench()
    else:
        wb = load()
        setattr(wb, section, SECTIONS[section][0].default())
    wb.save()
    return wb
