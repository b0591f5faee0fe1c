"""The student's own 快捷短语 library (lesson ``02_pre_job``, 训练一), built on :mod:`cslab.phrases`.

It starts as a copy of the course library (:func:`cslab.phrases.load_quick_phrases`); the student
adds, edits, deletes and moves phrases between groups, and exchanges them with Excel as CSV
(UTF-8 with BOM, columns 分组,快捷编码,标题,内容 — Excel on Chinese Windows opens it correctly). An
import is checked whole first: a file with a bad row changes nothing and names every bad row.

>>> lib = PhraseLibrary.default()
>>> lib.add("/bz", "包装", "亲，{商品名}每件都有独立包装哦～", group="商品咨询").stage
'answer'
>>> lib.fill("/bz", {"商品名": "针织连衣裙"})
'亲，针织连衣裙每件都有独立包装哦～'
"""

from __future__ import annotations

import csv
import dataclasses
import functools
import io
import os
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from .. import phrases as _course
from ..errors import InputError
from ..phrases import GROUPS, QuickPhrase
from ._settings import check_fields, check_text, check_variables

__all__ = ["CSV_COLUMNS", "EXPORT_FILE", "PhraseLibrary", "ImportReport", "normalise_shortcode"]

#: the CSV columns, in order (what Excel shows as the header row)
CSV_COLUMNS = ("分组", "快捷编码", "标题", "内容")
#: where :meth:`PhraseLibrary.export_csv` writes by default, inside the work folder
EXPORT_FILE = "workbench/快捷短语.csv"
_CODE = re.compile(r"^/[A-Za-z0-9]{1,12}$")
_FIELDS = ("shortcode", "group", "stage", "title", "text", "customer")
_SHOWN_ERRORS = 20


def normalise_shortcode(code) -> str:
    """``code`` tidied (a missing or full-width ``/`` is added) and checked: ``/`` then 1–12 letters or digits.

    >>> normalise_shortcode(" hy2 ")
    '/hy2'
    >>> normalise_shortcode("/好")
    Traceback (most recent call last):
    ...
    cslab.errors.InputError: 快捷编码“/好”格式不对：应是 / 后面跟 1–12 个英文字母或数字，例如 /hy。
    """
    if code is None or (isinstance(code, str) and not code.strip()):
        raise InputError("快捷编码不能为空：请填写以 / 开头的编码，例如 /hy。")
    if not isinstance(code, str):
        raise InputError(f"快捷编码应是文字，例如 \"/hy\"，现在是 {type(code).__name__}。")
    text = code.strip().replace("／", "/")
    text = text if text.startswith("/") else "/" + text
    if not _CODE.match(text):
        raise InputError(f"快捷编码“{code.strip()}”格式不对：应是 / 后面跟 1–12 个英文字母或数字，例如 /hy。")
    return text


@functools.lru_cache(maxsize=1)
def _course_stages() -> tuple:
    """({group: its most common stage}, {(shortcode, group): stage}) of the course library."""
    counts, known = {}, {}
    for p in _course.load_quick_phrases():
        counts.setdefault(p.group, Counter())[p.stage] += 1
        known[(p.shortcode.casefold(), p.group)] = p.stage
    return {g: c.most_common(1)[0][0] for g, c in counts.items()}, known


def _check_stage(stage, group: str, code: str = "") -> str:
    if stage is None or stage == "":
        by_group, known = _course_stages()
        return known.get((code.casefold(), group), by_group.get(group, ""))
    from ..scoring import STAGES

    if stage not in STAGES:
        raise InputError(f"接待环节“{stage}”不认识：请用 {'、'.join(f'{k}（{v}）' for k, v in STAGES.items())} 之一，或留空。")
    return stage


def _check_group(name) -> str:
    return check_text(name, "分组名称", max_len=10)


def _make(shortcode, group, title, text, stage=None, customer="") -> QuickPhrase:
    code = normalise_shortcode(shortcode)
    group = _check_group(group)
    title = check_text(title, f"短语 {code} 的标题", max_len=30)
    text = check_variables(check_text(text, f"短语 {code} 的内容"), f"短语 {code} 的内容")
    customer = check_text(customer, "示例买家消息", max_len=200, allow_empty=True)
    return QuickPhrase(code, group, _check_stage(stage, group, code), title, text, customer)


def _as_phrase(item) -> QuickPhrase:
    if isinstance(item, QuickPhrase):
        return _make(item.shortcode, item.group, item.title, item.text, item.stage, item.customer)
    if not isinstance(item, dict):
        raise InputError(f"快捷短语应是字典（shortcode、group、title、text），现在是 {type(item).__name__}。")
    check_fields(item, _FIELDS, "快捷短语")
    return _make(item.get("shortcode"), item.get("group"), item.get("title"), item.get("text"),
                 item.get("stage"), item.get("customer") or "")


@dataclass(frozen=True)
class ImportReport:
    """What a CSV import did: counts of added / updated / unchanged phrases and the groups it created.

    >>> str(ImportReport(2, 1, 5, ("618大促",), 8))
    '导入完成：共 8 条，新增 2 条，更新 1 条，未变 5 条；新建分组：618大促。'
    """

    added: int
    updated: int
    unchanged: int
    new_groups: tuple
    total: int

    def __str__(self) -> str:
        groups = f"；新建分组：{'、'.join(self.new_groups)}" if self.new_groups else ""
        return (f"导入完成：共 {self.total} 条，新增 {self.added} 条，更新 {self.updated} 条，"
                f"未变 {self.unchanged} 条{groups}。")


class PhraseLibrary:
    """The student's quick phrases in groups; shortcodes are unique (case ignored); changes are checked first.

    >>> lib = PhraseLibrary.default()
    >>> lib.add("/hy", "重复", "亲，您好～")
    Traceback (most recent call last):
    ...
    cslab.errors.InputError: 快捷编码 /hy 已经被“欢迎语”使用了：请换一个编码。
    """

    def __init__(self, phrases=(), groups=GROUPS):
        if not isinstance(groups, (list, tuple)) or not isinstance(phrases, (list, tuple)):
            raise InputError("快捷短语库需要一个短语列表和一个分组列表。")
        names = []
        for g in groups:
            g = _check_group(g)
            if g in names:
                raise InputError(f"分组“{g}”重复了：每个分组名称只能出现一次。")
            names.append(g)
        items = tuple(_as_phrase(p) for p in phrases)
        names += [g for g in dict.fromkeys(p.group for p in items) if g not in names]
        self._check_unique(items)
        self._groups, self._phrases = tuple(names), items

    @staticmethod
    def _check_unique(items) -> None:
        seen = {}
        for p in items:
            key = p.shortcode.casefold()
            if key in seen:
                raise InputError(f"快捷编码 {p.shortcode} 已经被“{seen[key].title}”使用了：请换一个编码。")
            seen[key] = p

    @classmethod
    def default(cls) -> "PhraseLibrary":
        """A copy of the course library in the course's groups.

        >>> len(PhraseLibrary.default()) == len(_course.load_quick_phrases())
        True
        """
        return cls(_course.load_quick_phrases(), GROUPS)

    @property
    def groups(self) -> tuple:
        """The group names, in display order."""
        return self._groups

    @property
    def phrases(self) -> tuple:
        """All phrases (:class:`cslab.phrases.QuickPhrase`), in library order."""
        return self._phrases

    def __iter__(self):
        return iter(self._phrases)

    def __len__(self):
        return len(self._phrases)

    def __contains__(self, shortcode):
        return self.get(shortcode) is not None

    def __repr__(self):
        return f"PhraseLibrary({len(self._phrases)} 条短语，{len(self._groups)} 个分组)"

    def get(self, shortcode):
        """The phrase with this shortcode (``/hy`` or ``hy``, case ignored), or None.

        >>> PhraseLibrary.default().get("HY").title
        '欢迎语'
        """
        if not isinstance(shortcode, str) or not shortcode.strip():
            return None
        code = shortcode.strip().replace("／", "/")
        key = (code if code.startswith("/") else "/" + code).casefold()
        return next((p for p in self._phrases if p.shortcode.casefold() == key), None)

    def _index(self, shortcode) -> int:
        p = self.get(shortcode)
        if p is None:
            raise InputError(f"没有快捷编码为 {shortcode} 的短语：可以先用 phrases 或短语列表查看现有的编码。")
        return self._phrases.index(p)

    def _need_group(self, group) -> str:
        group = _check_group(group)
        if group not in self._groups:
            raise InputError(f"没有“{group}”这个分组：现有分组是 {'、'.join(self._groups)}；"
                             f"要新建分组请用 add_group(\"{group}\")。")
        return group

    def in_group(self, group: str) -> list:
        """The phrases of one group, in library order.

        >>> [p.shortcode for p in PhraseLibrary.default().in_group("催付")][:2]
        ['/cf1', '/cf2']
        """
        group = self._need_group(group)
        return [p for p in self._phrases if p.group == group]

    def add(self, shortcode, title, text, group: str = GROUPS[0], stage=None) -> QuickPhrase:
        """Add a phrase (the group must exist; the stage follows the group unless given); returns it.

        >>> PhraseLibrary.default().add("wl9", "到驿站", "亲，快递已到驿站～", group="物流").shortcode
        '/wl9'
        """
        phrase = _make(shortcode, self._need_group(group), title, text, stage)
        items = self._phrases + (phrase,)
        self._check_unique(items)
        self._phrases = items
        return phrase

    def edit(self, shortcode, /, **changes) -> QuickPhrase:
        """Change ``shortcode=``, ``title=``, ``text=``, ``group=`` or ``stage=`` of a phrase; returns it.

        >>> PhraseLibrary.default().edit("/hy", title="首问欢迎").title
        '首问欢迎'
        """
        i = self._index(shortcode)
        check_fields(changes, ("shortcode", "title", "text", "group", "stage"), "快捷短语")
        old = self._phrases[i]
        if "group" in changes:
            changes["group"] = self._need_group(changes["group"])
            if changes["group"] != old.group and "stage" not in changes:
                changes["stage"] = None
        new = dataclasses.replace(old, **changes)
        new = _make(new.shortcode, new.group, new.title, new.text, new.stage, new.customer)
        items = self._phrases[:i] + (new,) + self._phrases[i + 1:]
        self._check_unique(items)
        self._phrases = items
        return new

    def delete(self, shortcode) -> QuickPhrase:
        """Delete a phrase; returns it.

        >>> lib = PhraseLibrary.default(); lib.delete("/hy").shortcode, "/hy" in lib
        ('/hy', False)
        """
        i = self._index(shortcode)
        phrase = self._phrases[i]
        self._phrases = self._phrases[:i] + self._phrases[i + 1:]
        return phrase

    def move(self, shortcode, group: str) -> QuickPhrase:
        """Move a phrase to another existing group; returns it.

        >>> PhraseLibrary.default().move("/hy", "关怀").group
        '关怀'
        """
        return self.edit(shortcode, group=group)

    def add_group(self, name: str) -> str:
        """Add an empty group at the end; returns its name.

        >>> PhraseLibrary.default().add_group("双11大促")
        '双11大促'
        """
        name = _check_group(name)
        if name in self._groups:
            raise InputError(f"分组“{name}”已经存在了。")
        self._groups += (name,)
        return name

    def rename_group(self, old: str, new: str) -> str:
        """Rename a group (its phrases follow); returns the new name.

        >>> PhraseLibrary.default().rename_group("告别", "礼貌告别")
        '礼貌告别'
        """
        old, new = self._need_group(old), _check_group(new)
        if new != old and new in self._groups:
            raise InputError(f"分组“{new}”已经存在了：请换一个名称。")
        self._groups = tuple(new if g == old else g for g in self._groups)
        self._phrases = tuple(dataclasses.replace(p, group=new) if p.group == old else p for p in self._phrases)
        return new

    def remove_group(self, name: str) -> None:
        """Remove an empty group (move or delete its phrases first).

        >>> lib = PhraseLibrary.default(); _ = lib.add_group("临时"); lib.remove_group("临时"); "临时" in lib.groups
        False
        """
        name = self._need_group(name)
        n = sum(p.group == name for p in self._phrases)
        if n:
            raise InputError(f"分组“{name}”里还有 {n} 条短语：请先把它们移到其他分组或删除，再删除分组。")
        self._groups = tuple(g for g in self._groups if g != name)

    def fill(self, shortcode, context: dict) -> str:
        """The phrase's text with its ``{变量}`` filled from ``context`` (see :func:`cslab.phrases.fill`).

        >>> PhraseLibrary.default().fill("/hy", {"店铺名": "悦衣小铺", "客服昵称": "小林"})[:13]
        '亲，您好！欢迎光临悦衣小铺'
        """
        return _course.fill(self._phrases[self._index(shortcode)].text, context)

    # -- CSV ----------------------------------------------------------------------------
    def to_csv(self) -> bytes:
        """The phrases as CSV bytes for Excel: UTF-8 with BOM, CRLF, columns 分组,快捷编码,标题,内容, by group.

        >>> PhraseLibrary.default().to_csv()[:3] == b"\\xef\\xbb\\xbf"
        True
        """
        order = {g: i for i, g in enumerate(self._groups)}
        buf = io.StringIO(newline="")
        writer = csv.writer(buf, lineterminator="\r\n")
        writer.writerow(CSV_COLUMNS)
        for p in sorted(self._phrases, key=lambda p: order.get(p.group, len(order))):
            writer.writerow((p.group, p.shortcode, p.title, p.text))
        return buf.getvalue().encode("utf-8-sig")

    def export_csv(self, path=None) -> Path:
        """Write :meth:`to_csv` to ``path`` (default: ``workbench/快捷短语.csv`` in the work folder); returns the path.

        >>> PhraseLibrary.default().export_csv().name
        '快捷短语.csv'
        """
        from ..workspace import path_for

        target = path_for(EXPORT_FILE) if path is None else Path(path)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(self.to_csv())
        except OSError as exc:
            raise InputError(f"无法写入 {target}：{exc.strerror or exc}。如果文件正在 Excel 里打开，请先关闭它。") from None
        return target

    def import_csv(self, source, *, replace: bool = False) -> ImportReport:
        """Import phrases from a CSV file path or its bytes; all or nothing, bad rows named by number.

        Rows whose shortcode exists update that phrase, the others are added (``replace=True``: the
        file's phrases replace all phrases). Unknown groups are created. UTF-8 (with or without
        BOM) and GBK files (Excel's plain "CSV") are both read.

        >>> lib = PhraseLibrary.default()
        >>> print(lib.import_csv("分组,快捷编码,标题,内容\\n物流,/wl9,到了吗,亲，快递已到驿站～\\n".encode()))
        导入完成：共 1 条，新增 1 条，更新 0 条，未变 0 条。
        """
        rows = _read_rows(source)
        header, body = rows[0], rows[1:]
        columns = {name.strip().lstrip("\ufeff"): i for i, name in enumerate(header)}
        missing = [c for c in CSV_COLUMNS if c not in columns]
        if missing:
            raise InputError(f"CSV 缺少列：{'、'.join(missing)}。第一行应是：{','.join(CSV_COLUMNS)}"
                             "（可以先导出一份作模板）。没有做任何修改。")
        parsed, errors, first_row = [], [], {}
        for n, row in body:
            cells = {c: (row[columns[c]] if columns[c] < len(row) else "") for c in CSV_COLUMNS}
            if not any(v.strip() for v in cells.values()):
                continue
            try:
                old = self.get(cells["快捷编码"]) if cells["快捷编码"].strip() else None
                group = _check_group(cells["分组"])
                stage = old.stage if old is not None and old.group == group else None
                p = _make(cells["快捷编码"], group, cells["标题"], cells["内容"], stage,
                          old.customer if old is not None else "")
            except InputError as exc:
                errors.append(f"第 {n} 行：{exc}")
                continue
            key = p.shortcode.casefold()
            if key in first_row:
                errors.append(f"第 {n} 行：快捷编码 {p.shortcode} 与第 {first_row[key]} 行重复了。")
                continue
            first_row[key] = n
            parsed.append(p)
        if errors:
            shown = errors[:_SHOWN_ERRORS]
            more = f"\n……还有 {len(errors) - len(shown)} 行有问题。" if len(errors) > len(shown) else ""
            raise InputError(f"导入失败，没有做任何修改：CSV 里有 {len(errors)} 行有问题，请改好后重新导入。\n"
                             + "\n".join(shown) + more)
        if not parsed:
            raise InputError("CSV 里没有短语：第一行是表头（分组,快捷编码,标题,内容），从第二行开始每行一条短语。")
        new_groups = tuple(g for g in dict.fromkeys(p.group for p in parsed) if g not in self._groups)
        incoming = {p.shortcode.casefold(): p for p in parsed}
        added = updated = unchanged = 0
        if replace:
            items = tuple(parsed)
            added = len(parsed)
        else:
            items = []
            for p in self._phrases:
                q = incoming.pop(p.shortcode.casefold(), None)
                if q is None:
                    items.append(p)
                elif (q.group, q.title, q.text, q.shortcode) == (p.group, p.title, p.text, p.shortcode):
                    items.append(p)
                    unchanged += 1
                else:
                    items.append(q)
                    updated += 1
            items = tuple(items) + tuple(incoming.values())
            added = len(incoming)
        checked = PhraseLibrary(items, self._groups + new_groups)  # the whole result checked before applying
        self._groups, self._phrases = checked._groups, checked._phrases
        return ImportReport(added, updated, unchanged, new_groups, len(parsed))

    # -- plain data ---------------------------------------------------------------------
    def to_dict(self) -> dict:
        """The library as plain JSON-ready data.

        >>> PhraseLibrary.default().to_dict()["phrases"][0]["shortcode"]
        '/hy'
        """
        out = []
        for p in self._phrases:
            item = {"shortcode": p.shortcode, "group": p.group, "stage": p.stage, "title": p.title, "text": p.text}
            if p.customer:
                item["customer"] = p.customer
            out.append(item)
        return {"groups": list(self._groups), "phrases": out}

    @classmethod
    def from_dict(cls, data) -> "PhraseLibrary":
        """A library from :meth:`to_dict` data (checked; Chinese errors say what to fix).

        >>> len(PhraseLibrary.from_dict({"groups": ["售前接待"], "phrases": []}))
        0
        """
        if not isinstance(data, dict) or not isinstance(data.get("phrases"), list) \
                or not isinstance(data.get("groups", []), list):
            raise InputError("快捷短语设置应是字典：{\"groups\": [分组……], \"phrases\": [短语……]}。")
        check_fields(data, ("groups", "phrases"), "快捷短语设置")
        return cls(data["phrases"], data.get("groups", list(GROUPS)))


def _decode(data: bytes) -> str:
    if data[:2] == b"PK":
        raise InputError("这是 Excel 工作簿（.xlsx），不是 CSV：请在 Excel 里“另存为”→“CSV UTF-8（逗号分隔）”后再导入。")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError("无法识别 CSV 的文字编码：请在 Excel 里“另存为”→“CSV UTF-8（逗号分隔）”后再导入。")


def _read_rows(source) -> list:
    """(row number as Excel shows it, cells) for every record; the first is the header."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        text = _decode(bytes(source))
    elif isinstance(source, str) and "\n" in source:
        text = source.lstrip("\ufeff")
    elif isinstance(source, (str, os.PathLike)):
        try:
            text = _decode(Path(source).read_bytes())
        except OSError as exc:
            raise InputError(f"无法读取文件 {source}：{exc.strerror or exc}。请检查文件名和位置。") from None
    else:
        raise InputError(f"请给出 CSV 文件的路径或内容（bytes），现在是 {type(source).__name__}。")
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise InputError(f"CSV 格式有误：{exc}。请用 Excel 重新另存为 CSV。没有做任何修改。") from None
    numbered = [(n, row) for n, row in enumerate(records, 1)]
    while numbered and not any(c.strip() for c in numbered[0][1]):
        numbered.pop(0)
    if not numbered:
        raise InputError(f"CSV 是空的：第一行应是表头 {','.join(CSV_COLUMNS)}，下面每行一条短语。")
    return [numbered[0][1]] + numbered[1:]
