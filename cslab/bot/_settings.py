"""The student's bot settings in the work folder (private; re-exported by :mod:`cslab.bot`).

``workbench/bot.json`` holds: is the bot on, the welcome text, the suggested questions and the
student's custom entries. :func:`cslab.workspace.save_json` writes it atomically with a
backup; a corrupt file is moved aside with a Chinese warning and the defaults are used
(:func:`cslab.workspace.load_json`). The chat simulator asks ``load_settings().enabled`` and
``student_kb().answer(text)``.

>>> import os, tempfile; os.environ["CSLAB_WORKDIR"] = tempfile.mkdtemp()
>>> s = load_settings(); s.enabled
False
>>> s.enabled = True; s.custom_entries = [{"topic": "运费", "question": "能发到学校吗？", "answer": "亲，可以的～"}]
>>> save_settings(s); load_settings().enabled, len(student_kb().entries) - len(KnowledgeBase.default().entries)
(True, 1)
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

from .. import workspace
from ..errors import CslabError, InputError
from ._kb import KnowledgeBase
from ._shop import check_welcome, load_shop

SETTINGS_FILE = "workbench/bot.json"


@dataclass
class BotSettings:
    """What a student configures: ``enabled``, ``welcome`` text, ``suggestions`` and ``custom_entries`` (dicts)."""

    enabled: bool = False
    welcome: str = ""
    suggestions: list = field(default_factory=list)
    custom_entries: list = field(default_factory=list)

    def __post_init__(self):
        card = load_shop().welcome
        if not self.welcome:
            self.welcome = card.text
        if not self.suggestions:
            self.suggestions = list(card.suggestions)

    def to_dict(self) -> dict:
        """Plain data for the JSON file.

        >>> BotSettings(enabled=True).to_dict()["enabled"]
        True
        """
        return {"enabled": bool(self.enabled), "welcome": self.welcome, "suggestions": list(self.suggestions),
                "custom_entries": [dict(e) for e in self.custom_entries]}

    @classmethod
    def from_dict(cls, data: dict) -> "BotSettings":
        """Settings from plain data; unknown keys are ignored, missing ones get defaults.

        >>> BotSettings.from_dict({"enabled": True}).custom_entries
        []
        """
        if not isinstance(data, dict):
            raise InputError("机器人设置应是一个字典（enabled、welcome、suggestions、custom_entries）。")
        entries = data.get("custom_entries") or []
        suggestions = data.get("suggestions") or []
        if not isinstance(entries, list) or not isinstance(suggestions, list):
            raise InputError("custom_entries 和 suggestions 都应是列表。")
        return cls(bool(data.get("enabled", False)), str(data.get("welcome") or ""), list(suggestions), list(entries))


def build_kb(settings: BotSettings, *, strict: bool = True) -> KnowledgeBase:
    """The official knowledge base + the custom entries and welcome card of ``settings``.

    ``strict``: a bad custom entry raises :class:`InputError`; otherwise it is skipped with a warning.
    """
    kb = KnowledgeBase.default()
    for i, raw in enumerate(settings.custom_entries):
        try:
            kb.add(raw)
        except CslabError as exc:
            if strict:
                raise InputError(f"第 {i + 1} 条自定义知识有误：{exc}") from None
            _warn(f"第 {i + 1} 条自定义知识有误，已跳过：{exc}")
    try:
        kb.set_welcome(settings.welcome, settings.suggestions)
    except CslabError as exc:
        if strict:
            raise
        _warn(f"欢迎语设置有误，已使用默认欢迎语：{exc}")
    return kb


def load_settings() -> BotSettings:
    """The saved settings, or the defaults (bot off, the shop's welcome card, no custom entries).

    >>> isinstance(load_settings().enabled, bool)
    True
    """
    data = workspace.load_json(SETTINGS_FILE, default=None)
    if data is None:
        return BotSettings()
    try:
        return BotSettings.from_dict(data)
    except CslabError as exc:
        _warn(f"机器人设置 {SETTINGS_FILE} 的内容不对（{exc}），现在使用默认设置。")
        return BotSettings()


def save_settings(settings: BotSettings) -> None:
    """Check ``settings`` (every custom entry, the welcome card) and save them to the work folder.

    >>> save_settings(BotSettings(enabled=True)); load_settings().enabled
    True
    """
    if not isinstance(settings, BotSettings):
        raise InputError("save_settings 需要一个 BotSettings，例如 s = bot.load_settings(); s.enabled = True。")
    kb = build_kb(settings, strict=True)
    check_welcome(settings.welcome, settings.suggestions)
    data = settings.to_dict()
    data["custom_entries"] = [{k: v for k, v in e.to_record().items()} for e in kb.entries if e.source == "custom"]
    workspace.save_json(SETTINGS_FILE, data)


def student_kb(settings: BotSettings | None = None) -> KnowledgeBase:
    """The official knowledge base + the student's custom entries and welcome card (bad entries skipped).

    >>> student_kb().answer("包邮吗").source
    'official'
    """
    return build_kb(settings if settings is not None else load_settings(), strict=False)


def _warn(message: str) -> None:
    warnings.warn(message, workspace.WorkspaceWarning, stacklevel=3)
