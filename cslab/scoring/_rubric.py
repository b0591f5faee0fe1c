"""Read and compile ``data/rubric.yaml`` (stages, checkpoints, weights, lexicons, patterns)."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..datasets import data_dir, read_yaml
from ..errors import DataError

__all__ = ["Lexicon", "CheckDef", "StageDef", "Rubric", "load_rubric", "RUBRIC_FILE"]

RUBRIC_FILE = "rubric.yaml"
DIMENSIONS = ("礼貌", "专业", "及时", "促成", "合规")
_FLAGS = re.IGNORECASE


class Lexicon:
    """A named word list (matched literally) plus optional regular expressions."""

    __slots__ = ("name", "words", "regex")

    def __init__(self, name: str, words, patterns=()):
        self.name = name
        self.words = tuple(dict.fromkeys(str(w) for w in words if str(w)))
        parts = [re.escape(w) for w in sorted(self.words, key=len, reverse=True)]
        parts += [f"(?:{p})" for p in patterns]
        self.regex = re.compile("|".join(parts), _FLAGS) if parts else None

    def find(self, text: str) -> list:
        """The distinct matches in ``text``, in order."""
        if self.regex is None:
            return []
        return list(dict.fromkeys(m.group(0) for m in self.regex.finditer(text) if m.group(0)))

    def search(self, text: str):
        return None if self.regex is None else self.regex.search(text)


@dataclass(frozen=True)
class CheckDef:
    key: str
    name: str
    check: str
    weight: int
    dimension: str
    fix: str
    lexicons: tuple
    half: tuple
    na_if_exclusion: bool
    na_if_progress: bool = False
    na_if_reply: bool = False


@dataclass(frozen=True)
class StageDef:
    key: str
    name: str
    core: tuple
    min_chars: int
    max_chars: int
    checkpoints: tuple
    deductions: tuple


@dataclass(frozen=True)
class Rubric:
    pass_mark: int
    caps: dict
    anti: dict
    response_time: dict
    deductions: dict          # key -> {name, weight, dimension, fix}
    lexicons: dict            # name -> Lexicon
    patterns: dict            # name -> compiled regex
    intents: dict             # key -> (name, ask regex, answer regex)
    needs: tuple              # (ask, answer, opposite or None)
    topic_words: dict         # word -> group
    topic_regex: object
    filler_regex: object      # every plain lexicon word (for stuffing)
    filler_words: tuple
    stopwords: frozenset
    stages: dict              # key -> StageDef
    red_lines: tuple = ()
    clarify: dict = field(default_factory=dict)   # intent key -> (ask-back regex, already-given regex)


def _fail(msg: str):
    raise DataError(f"评分标准文件 {RUBRIC_FILE} 有误：{msg}。请对照文件开头的说明修改。")


def _regex(text, where: str):
    if isinstance(text, (list, tuple)):
        text = "|".join(f"(?:{t})" for t in text)
    try:
        return re.compile(str(text), _FLAGS)
    except re.error as exc:
        _fail(f"{where} 的正则表达式无法编译（{exc}）")


def _build(raw: dict) -> Rubric:
    if not isinstance(raw, dict) or "stages" not in raw:
        _fail("缺少 stages")
    lexicons = {}
    for name, spec in (raw.get("lexicons") or {}).items():
        if isinstance(spec, dict):
            words, pats = spec.get("words") or [], spec.get("patterns") or []
        elif isinstance(spec, list):
            words, pats = spec, []
        else:
            _fail(f"词表 {name} 应是一串词，或带 words/patterns 的写法")
        for p in pats:
            _regex(p, f"词表 {name}")
        lexicons[name] = Lexicon(name, words, pats)
    patterns = {name: _regex(p, f"patterns.{name}") for name, p in (raw.get("patterns") or {}).items()}
    intents = {k: (v["name"], _regex(v["ask"], f"intents.{k}.ask"), _regex(v["answer"], f"intents.{k}.answer"))
               for k, v in (raw.get("intents") or {}).items()}
    clarify = {k: (_regex(v["clarify"], f"intents.{k}.clarify"), _regex(v.get("given") or "(?!)", f"intents.{k}.given"))
               for k, v in (raw.get("intents") or {}).items() if v.get("clarify")}
    needs = tuple((_regex(n["ask"], "needs.ask"), _regex(n["answer"], "needs.answer"),
                   _regex(n["opposite"], "needs.opposite") if n.get("opposite") else None)
                  for n in raw.get("needs") or [])
    deductions = {}
    for key, d in (raw.get("deductions") or {}).items():
        if d.get("dimension") not in DIMENSIONS or int(d.get("weight", 0)) >= 0:
            _fail(f"扣分项 {key} 的 dimension 或 weight 不对（weight 应为负数）")
        deductions[key] = {"name": str(d["name"]), "issue": str(d.get("issue") or d["name"]),
                           "weight": int(d["weight"]), "dimension": d["dimension"], "fix": str(d.get("fix", ""))}
    common = tuple(raw.get("common_deductions") or ())
    topic_words = {str(w): group for group, ws in (raw.get("topic_words") or {}).items() for w in ws}
    plain = {w for lex in lexicons.values() for w in lex.words if len(w) >= 2} | set(topic_words)
    filler = re.compile("|".join(re.escape(w) for w in sorted(plain, key=len, reverse=True)), _FLAGS)
    topic_regex = re.compile("|".join(re.escape(w) for w in sorted(topic_words, key=len, reverse=True)), _FLAGS)
    limits = raw.get("limits") or {}
    stages = {}
    for key, s in raw["stages"].items():
        checks = []
        for c in s.get("checkpoints") or []:
            if c.get("dimension") not in DIMENSIONS:
                _fail(f"环节 {key} 的检查点 {c.get('key')} 的 dimension 应是 {'/'.join(DIMENSIONS)} 之一")
            for lex in (*c.get("lexicons", ()), *c.get("half", ())):
                if lex not in lexicons:
                    _fail(f"环节 {key} 的检查点 {c['key']} 用到的词表 {lex} 不存在")
            checks.append(CheckDef(str(c["key"]), str(c["name"]), str(c["check"]), int(c["weight"]),
                                   c["dimension"], str(c.get("fix", "")), tuple(c.get("lexicons", ())),
                                   tuple(c.get("half", ())), bool(c.get("na_if_exclusion", False)),
                                   bool(c.get("na_if_progress", False)), bool(c.get("na_if_reply", False))))
        extra = tuple(s.get("extra_deductions") or ())
        for d in (*common, *extra):
            if d not in deductions:
                _fail(f"环节 {key} 用到的扣分项 {d} 没有在 deductions 里定义")
        stages[key] = StageDef(key, str(s["name"]), tuple(s.get("core") or ()),
                               int(s.get("min_chars", limits.get("min_chars", 6))),
                               int(s.get("max_chars", limits.get("max_chars", 150))), tuple(checks),
                               (*common, *extra))
    return Rubric(int(raw.get("pass_mark", 60)), dict(raw.get("caps") or {}), dict(raw.get("anti_gaming") or {}),
                  dict(raw.get("response_time") or {}), deductions, lexicons, patterns, intents, needs,
                  topic_words, topic_regex, filler, tuple(sorted(w.lower() for w in plain)),
                  frozenset(raw.get("stopwords") or ()), stages, tuple(raw.get("red_lines") or ()), clarify)


@functools.lru_cache(maxsize=4)
def _load(path: str, _mtime_ns: int, _size: int) -> Rubric:
    raw = read_yaml(path, "评分标准")
    try:
        return _build(raw)
    except (KeyError, TypeError, ValueError) as exc:
        _fail(f"字段缺失或类型不对（{exc}）")


def load_rubric(path=None) -> Rubric:
    """The compiled rubric of ``data/rubric.yaml`` (cached; re-read when the file changes)."""
    file = Path(path) if path else data_dir() / RUBRIC_FILE
    try:
        st = file.stat()
    except OSError as exc:
        raise DataError(f"找不到评分标准文件 {RUBRIC_FILE}（查找位置：{file}）。") from exc
    return _load(str(file), st.st_mtime_ns, st.st_size)
