"""The banned-word engine behind :mod:`cslab.zhtext`: reading ``data/banned_words.yaml`` and matching in context.

Private: lessons use :func:`cslab.zhtext.find_banned`, :func:`cslab.zhtext.clean` and
:func:`cslab.zhtext.load_rules`. The file format is documented (in Chinese) at the top of the
data file; the matching rules are explained in the :mod:`cslab.zhtext` docstring.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

from .datasets import data_dir, read_yaml
from .errors import DataError

try:  # the regex parser, to find the characters a pattern cannot match without (see _gate)
    from re import _constants as _sre, _parser as _sre_parse  # Python 3.11+
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as _sre
    import sre_parse as _sre_parse

RULES_FILE = "banned_words.yaml"

# Full-width digits, letters and a few symbols are matched as their half-width forms; the view
# has the same length as the text, so a match's offsets index the original text directly.
_FOLD = {cp: cp - 0xFEE0 for cp in (*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B))}
_FOLD.update({0xFF05: ord("%"), 0xFF0B: ord("+"), 0xFF0E: ord("."), 0xFF0D: ord("-"),
              0xFF3F: ord("_"), 0xFF03: ord("#"), 0x3000: ord(" ")})
#: characters that end a clause: the before/after context of a match stops there
_CLAUSE_END = frozenset("，,。！？!?；;、\n\r")
_WINDOW = 20        # characters of context looked at on each side
_EXCEPT_REACH = 30  # how far an exception phrase may extend around a match
_FLAGS = re.IGNORECASE


def fold(text: str) -> str:
    """The matching view of ``text``: same length, full-width digits/letters/% as half-width."""
    return text.translate(_FOLD)


@dataclass(frozen=True)
class Rule:
    """One rule of the data file: words/patterns of one category with one suggestion, basis and exceptions."""

    category: str
    basis: str
    suggestion: str
    words: tuple = ()
    patterns: tuple = ()
    exceptions: tuple = ()
    except_before: tuple = ()
    except_after: tuple = ()
    note: str = ""
    _finders: tuple = field(default=(), repr=False, compare=False)
    _gates: tuple = field(default=(), repr=False, compare=False)
    _except_res: tuple = field(default=(), repr=False, compare=False)
    _before_res: tuple = field(default=(), repr=False, compare=False)
    _after_res: tuple = field(default=(), repr=False, compare=False)


@dataclass(frozen=True)
class Rules:
    """Everything ``data/banned_words.yaml`` holds, checked and compiled (see :func:`load`)."""

    rules: tuple
    categories: dict
    allow: tuple
    extra_words: tuple
    emoticons: tuple
    path: Path

    @property
    def words(self) -> tuple:
        """Every literal word of every rule (they go into the segmentation dictionary)."""
        return tuple(dict.fromkeys(w for r in self.rules for w in r.words))

    def table(self) -> list:
        """The rules as plain rows (dicts), e.g. ``pandas.DataFrame(load_rules().table())`` in a lesson."""
        return [{"category": r.category, "words": "、".join(r.words), "patterns": len(r.patterns),
                 "suggestion": r.suggestion or "（删去）", "basis": r.basis, "note": r.note}
                for r in self.rules]


# --------------------------------------------------------------------------- loading
def load(path=None) -> Rules:
    """Read, check and compile the rules file (default ``data/banned_words.yaml``), cached per file version."""
    path = Path(path) if path is not None else data_dir() / RULES_FILE
    try:
        st = path.stat()
    except OSError:
        raise DataError(
            f"找不到违禁词规则文件 {path}。请确认课程仓库的 data/{RULES_FILE} 存在，"
            "或把环境变量 CSLAB_DATA_DIR 设为存放课程数据的文件夹。"
        ) from None
    return _load_cached(str(path), st.st_mtime_ns, st.st_size)


@functools.lru_cache(maxsize=8)
def _load_cached(path: str, _mtime_ns: int, _size: int) -> Rules:
    name = Path(path).name
    raw = read_yaml(path, "违禁词规则")
    if not isinstance(raw, dict) or not isinstance(raw.get("rules"), list) or not raw["rules"]:
        raise DataError(f"{name} 里没有 rules 列表：请按文件开头的说明填写规则。")
    rules = tuple(_rule(item, n, name) for n, item in enumerate(raw["rules"], 1))
    categories = raw.get("categories") or {}
    if not isinstance(categories, dict):
        raise DataError(f"{name} 的 categories 应是“类别: 说明”的列表。")
    return Rules(
        rules=rules,
        categories={str(k): str(v) for k, v in categories.items()},
        allow=_str_list(raw.get("allow"), "allow", name),
        extra_words=_str_list(raw.get("extra_words"), "extra_words", name),
        emoticons=_str_list(raw.get("emoticons"), "emoticons", name),
        path=Path(path),
    )


def _str_list(value, key: str, where: str) -> tuple:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, (str, int, float)) and str(v).strip() for v in value):
        raise DataError(f"{where}：{key} 应是一串非空的文字（YAML 列表），现在是 {value!r}。")
    return tuple(str(v).strip() for v in value)


def _compile(pattern: str, what: str) -> re.Pattern:
    try:
        return re.compile(pattern, _FLAGS)
    except re.error as exc:
        raise DataError(f"{what} 的正则表达式 {pattern!r} 写错了（{exc}）：请检查括号和转义。") from None


# --------------------------------------------------------------------------- speed: gates
# find() runs every pattern over the text; most patterns cannot match most texts. A pattern's
# gate is a set of characters such that every match contains at least one of them (“瘦” for
# “显瘦10斤”, {“天”, “群”, …} for an alternation): when the text has none of them the pattern is
# skipped. Only uncased characters are used (a gate never has to reason about IGNORECASE), and a
# pattern whose gate cannot be worked out is always run, so gates change speed, never results.
_GATE_RANGE = 64  # a character class wider than this gives no gate


def _uncased(chars) -> bool:
    return all(c.lower() == c == c.upper() and c.casefold() == c for c in chars)


def _gate_seq(items):
    best = None
    for op, av in items:
        need = _gate_item(op, av)
        if need is not None and (best is None or len(need) < len(best)):
            best = need
    return best


def _gate_item(op, av):
    if op is _sre.LITERAL:
        c = chr(av)
        return frozenset(c) if _uncased(c) else None
    if op is _sre.IN:
        chars = set()
        for o, a in av:
            if o is _sre.LITERAL:
                chars.add(chr(a))
            elif o is _sre.RANGE and a[1] - a[0] <= _GATE_RANGE:
                chars.update(map(chr, range(a[0], a[1] + 1)))
            else:  # NEGATE, CATEGORY (\d, \s), wide ranges
                return None
        return frozenset(chars) if chars and _uncased(chars) else None
    if op is _sre.BRANCH:
        needs = [_gate_seq(branch) for branch in av[1]]
        return None if any(n is None for n in needs) else frozenset().union(*needs)
    if op is _sre.SUBPATTERN:
        return _gate_seq(av[-1])
    if op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT) or op is getattr(_sre, "POSSESSIVE_REPEAT", None):
        return _gate_seq(av[2]) if av[0] >= 1 else None
    if op is getattr(_sre, "ATOMIC_GROUP", None):
        return _gate_seq(av)
    return None  # ANY, NOT_LITERAL, AT, lookarounds, group references: no gate


def _gate(rx: re.Pattern):
    """Characters of which every match of ``rx`` contains at least one, or None (always run ``rx``)."""
    try:
        return _gate_seq(_sre_parse.parse(rx.pattern, rx.flags))
    except Exception:  # noqa: BLE001 - a private parser API: without a gate the pattern simply always runs
        return None


def _rule(item, n: int, name: str) -> Rule:
    where = f"{name} 第 {n} 条规则"
    if not isinstance(item, dict):
        raise DataError(f"{where} 应是“字段: 值”的形式，现在是 {item!r}。")
    unknown = set(item) - {"category", "basis", "suggestion", "words", "patterns", "except",
                           "except_before", "except_after", "note"}
    if unknown:
        raise DataError(f"{where} 有不认识的字段 {sorted(unknown)}：请对照文件开头的说明检查拼写。")
    for key in ("category", "basis"):
        if not isinstance(item.get(key), str) or not item[key].strip():
            raise DataError(f"{where} 缺少 {key}（{'类别' if key == 'category' else '依据'}），请补上。")
    suggestion = item.get("suggestion")
    if suggestion is None or not isinstance(suggestion, (str, int, float)):
        raise DataError(f'{where} 缺少 suggestion（替换建议）；要直接删掉就写 suggestion: ""。')
    words = _str_list(item.get("words"), "words", where)
    patterns = _str_list(item.get("patterns"), "patterns", where)
    if not words and not patterns:
        raise DataError(f"{where} 既没有 words 也没有 patterns：至少写一个要查的词。")
    exceptions = _str_list(item.get("except"), "except", where)
    before = _str_list(item.get("except_before"), "except_before", where)
    after = _str_list(item.get("except_after"), "except_after", where)

    finders = []
    if words:
        alternation = "|".join(re.escape(fold(w)) for w in sorted(words, key=len, reverse=True))
        finders.append(_compile(alternation, where))
    finders += [_compile(p, where) for p in patterns]
    except_res = tuple(_compile(e[3:], where) if e.startswith("re:") else _compile(re.escape(fold(e)), where)
                       for e in exceptions)
    rule = Rule(
        category=item["category"].strip(), basis=item["basis"].strip(), suggestion=str(suggestion),
        words=words, patterns=patterns, exceptions=exceptions, except_before=before,
        except_after=after, note=str(item.get("note") or "").strip(),
        _finders=tuple(finders), _gates=tuple(_gate(f) for f in finders), _except_res=except_res,
        _before_res=tuple(_compile(p, where) for p in before),
        _after_res=tuple(_compile(p, where) for p in after),
    )
    if "\\g<" in rule.suggestion:
        groups = set().union(*(f.groupindex for f in finders))
        for g in re.findall(r"\\g<(\w+)>", rule.suggestion):
            if g not in groups or not all(g in f.groupindex for f in finders):
                raise DataError(f"{where} 的替换建议用了 \\g<{g}>，但不是每个正则都有 (?P<{g}>…)。")
    return rule


# --------------------------------------------------------------------------- matching
@dataclass(frozen=True)
class Hit:
    """A raw match before it becomes a public :class:`cslab.zhtext.BannedMatch`."""

    start: int
    end: int
    rule: Rule
    suggestion: str


def _clause_before(view: str, start: int) -> str:
    lo = max(0, start - _WINDOW)
    seg = view[lo:start]
    for i in range(len(seg) - 1, -1, -1):
        if seg[i] in _CLAUSE_END:
            return seg[i + 1:]
    return seg


def _clause_after(view: str, end: int) -> str:
    seg = view[end:end + _WINDOW]
    for i, ch in enumerate(seg):
        if ch in _CLAUSE_END:
            return seg[:i]
    return seg


def _covered(regexes, view: str, start: int, end: int) -> bool:
    """True when one occurrence of one of ``regexes`` contains the span [start, end)."""
    lo, hi = max(0, start - _EXCEPT_REACH), min(len(view), end + _EXCEPT_REACH)
    for rx in regexes:
        for m in rx.finditer(view, lo, hi):
            if m.start() > start:
                break
            if m.end() >= end:
                return True
    return False


def _excepted(rule: Rule, view: str, start: int, end: int, allow_res) -> bool:
    if rule._before_res:
        before = _clause_before(view, start)
        if any(rx.search(before) for rx in rule._before_res):
            return True
    if rule._after_res:
        after = _clause_after(view, end)
        if any(rx.search(after) for rx in rule._after_res):
            return True
    return _covered(rule._except_res, view, start, end) or _covered(allow_res, view, start, end)


@functools.lru_cache(maxsize=8)
def _allow_res(allow: tuple) -> tuple:
    return tuple(re.compile(re.escape(fold(a)), _FLAGS) for a in allow)


def find(text: str, rules: Rules) -> list:
    """All non-overlapping hits in ``text`` (leftmost first, the longest at a position wins)."""
    view = fold(text)
    chars = set(view)
    allow_res = _allow_res(rules.allow)
    hits = []
    for order, rule in enumerate(rules.rules):
        templated = "\\g<" in rule.suggestion
        for rx, gate in zip(rule._finders, rule._gates):
            if gate is not None and gate.isdisjoint(chars):
                continue  # the text has none of the characters every match needs
            for m in rx.finditer(view):
                start, end = m.span()
                if start == end or _excepted(rule, view, start, end, allow_res):
                    continue
                suggestion = m.expand(rule.suggestion) if templated else rule.suggestion
                hits.append((start, -(end - start), order, Hit(start, end, rule, suggestion)))
    hits.sort(key=lambda h: h[:3])
    out, last_end = [], 0
    for _, _, _, hit in hits:
        if hit.start >= last_end:
            out.append(hit)
            last_end = hit.end
    return out


_TIDY_AFTER = frozenset("，,、；; ")
_SENTENCE_END = frozenset("。！？!?～~…")


def replace(text: str, hits) -> str:
    """``text`` with every hit replaced by its suggestion; a deletion also drops a comma it would leave dangling."""
    out, pos = [], 0
    for hit in hits:
        out.append(text[pos:hit.start])
        pos = hit.end
        if hit.suggestion:
            out.append(hit.suggestion)
            continue
        so_far = "".join(out).rstrip()
        if (not so_far or so_far[-1] in _CLAUSE_END) and pos < len(text) and text[pos] in _TIDY_AFTER:
            pos += 1  # "亲，仅此一天，快来" → "亲，快来"
        elif so_far and so_far[-1] in _TIDY_AFTER and (pos >= len(text) or text[pos] in _SENTENCE_END):
            out = [so_far[:-1]]  # "这款，无效退款。" → "这款。"
    out.append(text[pos:])
    return "".join(out)
