"""Shared plumbing of the workbench panels (:mod:`cslab.workbench.widget`): form helpers and the base panel."""

from __future__ import annotations

import html
import re

import ipywidgets as widgets
import traitlets

from ..errors import CslabError, InputError
from . import load

__all__ = ["Panel"]

_RED, _GREEN, _GREY = "#c62828", "#2e7d32", "#666"
_NEW = ""
_WIDE = widgets.Layout(width="95%")
_LABEL = {"description_width": "7em"}
_TIME = re.compile(r"^(?:(\d{4})-(\d{1,2})-(\d{1,2})\s+)?(\d{1,2})[:：](\d{2})$")


def _esc(value) -> str:
    return html.escape(str(value))


def _table(headers, rows) -> str:
    head = "".join(f'<th style="text-align:left;padding:2px 8px">{_esc(h)}</th>' for h in headers)
    body = "".join("<tr>" + "".join(f'<td style="padding:2px 8px;vertical-align:top">{c}</td>' for c in row)
                   + "</tr>" for row in rows)
    return f'<table style="border-collapse:collapse;font-size:.9em"><tr>{head}</tr>{body}</table>'


def _buttons(*specs) -> widgets.HBox:
    """An HBox of buttons from (label, callback, style, icon) tuples."""
    out = []
    for label, callback, style, icon in specs:
        b = widgets.Button(description=label, button_style=style, icon=icon)
        b.on_click(lambda _b, f=callback: f())
        out.append(b)
    return widgets.HBox(out)


class Panel(widgets.VBox):
    """Shared plumbing: the workbench, the form boxes, the chooser list, the status line, run-then-save."""

    status = traitlets.Unicode(help="最近一次操作的结果（中文）")
    ok = traitlets.Bool(True, help="最近一次操作是否成功")
    _section = ""

    def __init__(self, wb=None, **kwargs):
        #: the :class:`cslab.workbench.Workbench` this panel edits (loaded from the work folder by default)
        self.wb = load() if wb is None else wb
        self._status_view = widgets.HTML()
        self._boxes = {}
        super().__init__(**kwargs)

    def form(self, **values) -> None:
        """Fill boxes of the form by name (see ``_boxes``), as typing into them would."""
        for key, value in values.items():
            if key not in self._boxes:
                raise InputError(f"表单里没有“{key}”：可填 {'、'.join(self._boxes)}。")
            self._boxes[key].value = tuple(value) if isinstance(value, list) else value

    def form_values(self) -> dict:
        """What the form's boxes hold now, by name."""
        return {key: box.value for key, box in self._boxes.items()}

    def _show(self, message: str, ok: bool) -> None:
        self.status, self.ok = message, ok
        colour, mark = (_GREEN, "✓") if ok else (_RED, "✗")
        self._status_view.value = (f'<div style="color:{colour}">{mark} '
                                   f'{_esc(message).replace(chr(10), "<br>")}</div>')

    def _chosen(self, chooser, message: str):
        if not chooser.value:
            self._show(message, False)
        return chooser.value or None

    @staticmethod
    def _choices(chooser, new_label: str, names: list, select) -> None:
        current = select if select is not None else chooser.value
        chooser.options = [(new_label, _NEW)] + [(n, n) for n in names]
        chooser.value = current if current in names else _NEW

    def _run(self, action, success, select=None):
        """Run ``action``; on success refresh (choosing ``select(value)``), save this panel's part, say so."""
        try:
            value = action()
        except CslabError as exc:
            self._show(str(exc), False)
            return None
        self._refresh(select=select(value) if select else None)
        try:
            self.wb.save(self._section)
        except (CslabError, OSError) as exc:
            self._show(f"已修改，但保存失败：{exc}", False)
            return value
        self._show(f"{success(value)}（已保存）", True)
        return value

    def _refresh(self, select=None) -> None:  # pragma: no cover - every panel overrides it
        raise NotImplementedError


# --------------------------------------------------------------------------- auto replies
