"""Scenario files: parse ``data/scenarios/<id>.yaml`` into plain dataclasses and validate them.

The format is documented in Chinese for teachers in ``data/scenarios/README.md``; this module
turns a file into a :class:`Scenario` and lists its problems in Chinese (:func:`problems`).
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ..datasets import data_dir, read_yaml
from ..errors import DataError, InputError
from ..scoring import STAGES

__all__ = ["PERSONA_TYPES", "OUTCOMES", "CATEGORIES", "CONDITIONS", "Persona", "HiddenNeed", "Transition",
           "Node", "Scenario", "scenario_dir", "scenario_ids", "parse", "problems"]

SCENARIO_DIR = "scenarios"
INTENTS_FILE = "_intents.yaml"

#: persona types → how the customer behaves (start mood, patience, pass bar, mood multipliers, reply delay s)
PERSONA_TYPES = {
    "理智型": dict(mood=60, patience=3, bar=60, gain=1.0, loss=1.0, delay=(15, 30),
                 desc="重事实和数据，问得细，不吃空话套话"),
    "冲动型": dict(mood=70, patience=2, bar=60, gain=1.5, loss=1.0, delay=(4, 12),
                 desc="决定快，容易被打动，也容易没耐心"),
    "犹豫型": dict(mood=55, patience=4, bar=60, gain=0.8, loss=1.0, delay=(20, 45),
                 desc="拿不定主意，需要耐心引导和打消顾虑"),
    "挑剔型": dict(mood=50, patience=3, bar=70, gain=0.8, loss=1.2, delay=(10, 25),
                 desc="要求高、爱挑毛病，回复要更专业才满意"),
    "易怒型": dict(mood=30, patience=2, bar=60, gain=1.0, loss=1.6, delay=(3, 10),
                 desc="情绪激动，先处理心情再处理事情"),
    "价格敏感型": dict(mood=55, patience=3, bar=60, gain=1.0, loss=1.0, delay=(10, 25),
                  desc="最在意价格和优惠，反复比价"),
    "沉默型": dict(mood=55, patience=3, bar=60, gain=1.0, loss=1.0, delay=(20, 50),
                desc="话少，不主动说需求，要靠提问了解"),
}
#: end states → whether they are a good outcome for the shop
OUTCOMES = {"下单": True, "付款": True, "好评": True, "解决": True, "满意": True,
            "流失": False, "投诉": False, "差评": False, "未解决": False}
#: what a scenario practises (the lesson groups of the course)
CATEGORIES = ("售前接待", "促成交易", "受理咨询", "催付", "物流", "退换货", "投诉处理", "评价回访", "活动高峰")
#: the condition keys a transition's ``if`` may use → what they test (Chinese, for the README and errors)
CONDITIONS = {
    "passed": "回复是否达标（true/false，达标线随买家类型，默认 60 分）",
    "score_at_least": "回复得分不低于这个数",
    "score_below": "回复得分低于这个数",
    "intent": "回复里有这个意图（意图名或列表，任一即可；意图见 _intents.yaml 或场景里的 intents）",
    "not_intent": "回复里没有这个意图（意图名或列表，都没有才算）",
    "mentions": "回复里出现列表中任意一个词",
    "mentions_all": "回复里出现列表中全部的词",
    "checkpoint": "评分检查点（英文键）得分了，例如 intent、empathy",
    "missed": "评分检查点（英文键）没得分",
    "flag": "评分标记，例如 stuffing（堆砌）、copying（照抄）、red_line（触犯红线）、no_answer",
    "slow": "响应时间超过这么多秒",
    "fast": "响应时间不超过这么多秒",
    "mood_below": "买家情绪值低于这个数（0–100）",
    "mood_at_least": "买家情绪值不低于这个数",
    "visits_at_least": "这个节点已经来过这么多次（含这次）",
    "needs_found": "已发现的隐藏需求不少于这个数",
}
_NODE_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,40}$")
_TEMPLATE = re.compile(r"\{([^{}\s]{1,12})\}")
_SPECIAL_TARGETS = ("stay",)


@dataclass(frozen=True)
class HiddenNeed:
    """A need the customer does not say until asked: ``ask`` words in a reply uncover it, ``reveal`` is what they say.

    >>> HiddenNeed("送礼", ("送人", "礼物"), "其实是送给我妈的～").need
    '送礼'
    """

    need: str
    ask: tuple
    reveal: str


@dataclass(frozen=True)
class Persona:
    """The customer: nickname, type (a key of :data:`PERSONA_TYPES`), start mood, patience, budget, hidden needs.

    >>> Persona("西瓜呀", "犹豫型", 55, 4).bar
    60
    """

    name: str
    type: str
    mood: int
    patience: int
    budget: float | None = None
    profile: str = ""
    hidden_needs: tuple = ()

    @property
    def bar(self) -> int:
        """The score a reply needs for this customer to count as good (挑剔型 asks for more)."""
        return PERSONA_TYPES[self.type]["bar"]


@dataclass(frozen=True)
class Transition:
    """One way out of a node: conditions ``when`` (all must hold), target, mood change and the reason shown.

    >>> Transition({"passed": True}, "next", 5, "回答清楚，买家满意").target
    'next'
    """

    when: dict
    target: str
    mood: int = 0
    why: str = ""
    probe: bool = False


@dataclass(frozen=True)
class Node:
    """A dialogue node: what the customer says, the stage the reply is scored at, and transitions; or an end.

    >>> Node("done", ("好的，拍了～",), end="下单").is_end
    True
    """

    id: str
    customer: tuple
    stage: str = ""
    hint: str = ""
    retry: tuple = ()
    transitions: tuple = ()
    end: str = ""
    mood_label: str = ""
    facts: tuple = ()
    narration: str = ""

    @property
    def is_end(self) -> bool:
        """True for an end state (no reply expected)."""
        return bool(self.end)


@dataclass(frozen=True)
class Scenario:
    """A parsed scenario file (see ``data/scenarios/README.md``).

    >>> s = Scenario("x", "标题", "售前接待", Persona("A", "理智型", 60, 3), {}, "a",
    ...              {"a": Node("a", ("好的",), end="下单")})
    >>> s.persona.type, s.nodes[s.start].is_end
    ('理智型', True)
    """

    id: str
    title: str
    category: str
    persona: Persona
    context: dict
    start: str
    nodes: dict
    summary: str = ""
    channel: str = "在线"
    lessons: tuple = ()
    give_up: str = "流失"
    give_up_lines: tuple = ()
    max_turns: int = 20
    intents: dict = field(default_factory=dict)
    path: str = ""


# ------------------------------------------------------------------------------ locating files
def scenario_dir() -> Path:
    """The folder holding the scenario files (``data/scenarios``).

    >>> scenario_dir().name
    'scenarios'
    """
    return data_dir() / SCENARIO_DIR


def scenario_ids() -> list:
    """The ids of the shipped scenarios (file names without ``.yaml``), sorted.

    >>> len(scenario_ids()) > 0
    True
    """
    folder = scenario_dir()
    if not folder.is_dir():
        raise DataError(f"找不到场景文件夹 {folder}：请确认课程数据完整（data/scenarios）。")
    return sorted(p.stem for p in folder.glob("*.yaml") if not p.name.startswith("_"))


def _resolve(ref) -> Path:
    if isinstance(ref, Path) or (isinstance(ref, str) and (ref.endswith((".yaml", ".yml")) or os.sep in ref
                                                           or "/" in ref)):
        return Path(ref)
    if not isinstance(ref, str) or not ref.strip():
        raise InputError(f"场景编号应是文字，例如 \"presales_dress_size\"，现在是 {ref!r}。"
                         f"用 chat.list_scenarios() 查看全部场景。")
    path = scenario_dir() / f"{ref.strip()}.yaml"
    if not path.exists():
        known = scenario_ids()
        close = [k for k in known if ref.strip() in k or k in ref][:5]
        hint = f"你是不是要找：{'、'.join(close)}？" if close else "用 chat.list_scenarios() 查看全部场景。"
        raise InputError(f"没有编号为 {ref!r} 的场景。{hint}")
    return path


@functools.lru_cache(maxsize=1)
def _shared_intents(_mtime: float) -> dict:
    raw = read_yaml(scenario_dir() / INTENTS_FILE, "意图词表", key="intents")
    return _parse_intents(raw["intents"], INTENTS_FILE)


def shared_intents() -> dict:
    """The shared intent lexicon of ``data/scenarios/_intents.yaml``: name → compiled pattern."""
    path = scenario_dir() / INTENTS_FILE
    return _shared_intents(path.stat().st_mtime if path.exists() else 0.0)


def _parse_intents(raw, where: str) -> dict:
    if not isinstance(raw, dict):
        raise DataError(f"{where}：intents 应是“意图名: 词表”的映射。")
    out = {}
    for name, spec in raw.items():
        words, patterns = (spec, []) if isinstance(spec, list) else (
            (spec.get("words") or [], spec.get("patterns") or []) if isinstance(spec, dict) else (None, None))
        if words is None or not (words or patterns):
            raise DataError(f"{where}：意图 {name} 需要 words（词语列表）或 patterns（正则表达式列表）。")
        parts = [re.escape(str(w)) for w in words]
        for p in patterns:
            try:
                re.compile(str(p))
            except re.error as exc:
                raise DataError(f"{where}：意图 {name} 的正则表达式 {p!r} 有误（{exc}）。") from None
            parts.append(f"(?:{p})")
        try:
            out[str(name)] = re.compile("|".join(parts), re.IGNORECASE)
        except re.error as exc:
            raise DataError(f"{where}：意图 {name} 的词表和正则合在一起无法编译（{exc}）。"
                            f"不要在正则里写 (?i) 这类全局标记：比对本来就不分大小写。") from None
    return out


# ------------------------------------------------------------------------------ parsing
def parse(ref) -> Scenario:
    """Read and parse a scenario (an id or a path) without validating the graph; Chinese DataError on bad shape.

    >>> parse(scenario_ids()[0]).id == scenario_ids()[0]
    True
    """
    path = _resolve(ref)
    raw = read_yaml(path, "对话场景")
    return _build(raw, path)


def _need(cond, msg):
    if not cond:
        raise DataError(msg)


def _lines(value, where: str, what: str) -> tuple:
    if isinstance(value, str):
        value = [value]
    _need(isinstance(value, list) and value and all(isinstance(v, str) and v.strip() for v in value),
          f"{where}：{what}应是一句话或一个非空的句子列表。")
    return tuple(v.strip() for v in value)


def _build(raw, path: Path) -> Scenario:
    name = path.name
    _need(isinstance(raw, dict), f"场景文件 {name} 应是一个映射（id、title、persona、nodes……），请对照 README。")
    sid = str(raw.get("id") or path.stem)
    for key in ("title", "category", "persona", "start", "nodes"):
        _need(key in raw, f"场景文件 {name} 缺少 {key}：请对照 data/scenarios/README.md 补上。")
    p = raw["persona"]
    _need(isinstance(p, dict), f"场景文件 {name}：persona 应是映射（name、type……）。")
    ptype = str(p.get("type", ""))
    _need(ptype in PERSONA_TYPES, f"场景文件 {name}：买家类型 {ptype!r} 不认识，可用：{'、'.join(PERSONA_TYPES)}。")
    defaults = PERSONA_TYPES[ptype]
    needs = []
    for i, n in enumerate(p.get("hidden_needs") or [], 1):
        where = f"场景文件 {name} 的第 {i} 个隐藏需求"
        _need(isinstance(n, dict) and n.get("need") and n.get("ask") and n.get("reveal"),
              f"{where}需要 need（需求）、ask（能问出它的词）和 reveal（买家说出来的话）。")
        needs.append(HiddenNeed(str(n["need"]), _lines(n["ask"], where, "ask "), str(n["reveal"]).strip()))
    try:
        mood = int(p.get("mood", defaults["mood"]))
        patience = int(p.get("patience", defaults["patience"]))
        budget = None if p.get("budget") in (None, "") else float(p["budget"])
    except (TypeError, ValueError):
        raise DataError(f"场景文件 {name}：persona 的 mood、patience、budget 应是数字。") from None
    _need(0 < mood <= 100 and 1 <= patience <= 10,
          f"场景文件 {name}：mood 应在 1–100 之间，patience 应在 1–10 之间。")
    persona = Persona(str(p.get("name") or "买家"), ptype, mood, patience, budget, str(p.get("profile") or ""),
                      tuple(needs))
    intents = _parse_intents(raw.get("intents") or {}, f"场景文件 {name}")
    nodes_raw = raw["nodes"]
    _need(isinstance(nodes_raw, dict) and nodes_raw, f"场景文件 {name}：nodes 应是“节点名: 内容”的映射。")
    nodes = {str(nid): _node(str(nid), spec, name) for nid, spec in nodes_raw.items()}
    context = raw.get("context") or {}
    _need(isinstance(context, dict), f"场景文件 {name}：context 应是映射（product、order、facts、start）。")
    try:
        max_turns = int(raw.get("max_turns", 20))
    except (TypeError, ValueError):
        raise DataError(f"场景文件 {name}：max_turns 应是整数。") from None
    lessons = raw.get("lessons") or []
    return Scenario(
        id=sid, title=str(raw["title"]), category=str(raw["category"]), persona=persona, context=dict(context),
        start=str(raw["start"]), nodes=nodes, summary=str(raw.get("summary") or ""),
        channel=str(raw.get("channel") or "在线"),
        lessons=tuple(lessons) if isinstance(lessons, list) else (str(lessons),),
        give_up=str(raw.get("give_up") or ("流失" if raw["category"] in ("售前接待", "促成交易", "催付", "活动高峰")
                                           else "投诉")),
        give_up_lines=_lines(raw["give_up_lines"], f"场景文件 {name}", "give_up_lines ")
        if raw.get("give_up_lines") else (),
        max_turns=max_turns, intents=intents, path=str(path))


def _node(nid: str, spec, name: str) -> Node:
    where = f"场景文件 {name} 的节点 {nid}"
    _need(isinstance(spec, dict), f"{where} 应是映射（customer、stage、next 或 end）。")
    unknown = set(spec) - {"customer", "stage", "hint", "retry", "next", "end", "mood_label", "facts", "narration"}
    _need(not unknown, f"{where} 有不认识的字段 {'、'.join(sorted(map(str, unknown)))}。")
    if spec.get("end"):
        customer = _lines(spec["customer"], where, "customer ") if spec.get("customer") else ()
        return Node(nid, customer, end=str(spec["end"]), narration=str(spec.get("narration") or "").strip())
    narration = str(spec.get("narration") or "").strip()
    _need("customer" in spec or narration, f"{where} 缺少 customer（买家说的话）；"
          f"由客服先开口的节点（如主动催付）要写 narration（旁白，说明情况）。")
    customer = _lines(spec["customer"], where, "customer ") if "customer" in spec else ()
    retry = _lines(spec["retry"], where, "retry ") if spec.get("retry") else ()
    trans = []
    nxt = spec.get("next")
    _need(isinstance(nxt, list) and nxt, f"{where} 缺少 next（去向列表），或它不是列表。")
    for i, t in enumerate(nxt, 1):
        twhere = f"{where} 的第 {i} 条去向"
        _need(isinstance(t, dict) and t.get("goto"), f"{twhere} 需要 goto（去哪个节点）。")
        extra = set(t) - {"if", "goto", "mood", "why", "probe"}
        _need(not extra, f"{twhere} 有不认识的字段 {'、'.join(sorted(map(str, extra)))}（可用 if、goto、mood、why、probe）。")
        _need(isinstance(t.get("probe", False), bool), f"{twhere}：probe 应是 true 或 false。")
        cond = t.get("if") or {}
        _need(isinstance(cond, dict), f"{twhere}：if 应是“条件: 值”的映射。")
        try:
            mood = int(t.get("mood", 0))
        except (TypeError, ValueError):
            raise DataError(f"{twhere}：mood 应是整数（情绪值的变化）。") from None
        trans.append(Transition(dict(cond), str(t["goto"]), mood, str(t.get("why") or ""), bool(t.get("probe"))))
    facts = spec.get("facts") or []
    return Node(nid, customer, stage=str(spec.get("stage") or ""), hint=str(spec.get("hint") or ""), retry=retry,
                transitions=tuple(trans), mood_label=str(spec.get("mood_label") or ""),
                facts=tuple(facts) if isinstance(facts, list) else (facts,), narration=narration)


# ------------------------------------------------------------------------------ validation
def _known_ids(kind: str) -> frozenset:
    return _ids_in(kind, str(data_dir()))


@functools.lru_cache(maxsize=8)
def _ids_in(kind: str, _folder: str) -> frozenset:
    from .. import datasets

    if kind == "product":
        return frozenset(datasets.load_products()["sku"].astype(str))
    if kind == "order":
        return frozenset(datasets.load_orders()["order_id"].astype(str))
    return frozenset(datasets.load_customers()["customer_id"].astype(str))


def problems(sc: Scenario) -> list:
    """Chinese descriptions of everything wrong with a parsed scenario (empty list = valid)."""
    from ..phrases import VARIABLES

    out = []
    name = Path(sc.path).name or sc.id
    if sc.category not in CATEGORIES:
        out.append(f"{name}：类别 {sc.category!r} 不认识，可用：{'、'.join(CATEGORIES)}。")
    if sc.give_up not in OUTCOMES:
        out.append(f"{name}：give_up 结局 {sc.give_up!r} 不认识，可用：{'、'.join(OUTCOMES)}。")
    if not 2 <= sc.max_turns <= 60:
        out.append(f"{name}：max_turns 应在 2–60 之间。")
    for kind, label in (("product", "商品"), ("order", "订单"), ("customer", "买家")):
        ref = sc.context.get(kind)
        if ref is not None and str(ref) not in _known_ids(kind):
            out.append(f"{name}：context 里的{label} {ref!r} 在店铺数据里不存在。")
    start = sc.context.get("start")
    if start is not None:
        try:
            datetime.fromisoformat(str(start))
        except ValueError:
            out.append(f"{name}：context.start {start!r} 不是时间，请写成 \"2026-11-10 20:15\"。")
    if sc.start not in sc.nodes:
        out.append(f"{name}：开始节点 start: {sc.start} 不存在。")
    intents = set(shared_intents()) | set(sc.intents)
    for node in sc.nodes.values():
        where = f"{name} 节点 {node.id}"
        if not _NODE_ID.match(node.id):
            out.append(f"{where}：节点名只能用英文字母、数字和下划线，并以字母开头。")
        for line in node.customer + node.retry:
            for var in _TEMPLATE.findall(line):
                if var not in VARIABLES:
                    out.append(f"{where}：买家的话里有未知变量 {{{var}}}。")
        if node.is_end:
            if node.end not in OUTCOMES:
                out.append(f"{where}：结局 {node.end!r} 不认识，可用：{'、'.join(OUTCOMES)}。")
            continue
        if node.stage not in STAGES:
            out.append(f"{where}：评分环节 stage {node.stage!r} 不认识，可用：{'、'.join(STAGES)}。")
        if node.mood_label and node.mood_label not in ("calm", "upset", "angry"):
            out.append(f"{where}：mood_label 只能是 calm、upset 或 angry。")
        if node.transitions and node.transitions[-1].when:
            out.append(f"{where}：最后一条去向必须没有 if（兜底去向），否则可能无路可走。")
        for i, t in enumerate(node.transitions, 1):
            if t.target not in sc.nodes and t.target not in _SPECIAL_TARGETS:
                out.append(f"{where} 第 {i} 条去向：goto 的节点 {t.target!r} 不存在。")
            for key, value in t.when.items():
                if key not in CONDITIONS:
                    out.append(f"{where} 第 {i} 条去向：条件 {key!r} 不认识，可用：{'、'.join(CONDITIONS)}。")
                elif key in ("intent", "not_intent"):
                    for it in (value if isinstance(value, list) else [value]):
                        if it not in intents:
                            out.append(f"{where} 第 {i} 条去向：意图 {it!r} 没有定义（_intents.yaml 或场景的 intents）。")
                elif key in ("mentions", "mentions_all") and not (isinstance(value, list) and value):
                    out.append(f"{where} 第 {i} 条去向：{key} 应是词语列表。")
                elif key == "passed" and not isinstance(value, bool):
                    out.append(f"{where} 第 {i} 条去向：passed 应是 true 或 false。")
    out.extend(_graph_problems(sc, name))
    return out


def _graph_problems(sc: Scenario, name: str) -> list:
    if sc.start not in sc.nodes:
        return []
    edges = {nid: {t.target if t.target != "stay" else nid for t in n.transitions if t.target in sc.nodes
                   or t.target == "stay"} for nid, n in sc.nodes.items()}
    seen, todo = set(), [sc.start]
    while todo:
        nid = todo.pop()
        if nid in seen:
            continue
        seen.add(nid)
        todo.extend(edges[nid])
    out = [f"{name}：节点 {nid} 从开始节点走不到（没有去向指向它）。" for nid in sc.nodes if nid not in seen]
    ends = {nid for nid, n in sc.nodes.items() if n.is_end}
    if not ends:
        out.append(f"{name}：没有任何结局节点（end），对话永远结束不了。")
        return out
    can_end = set(ends)
    changed = True
    while changed:
        changed = False
        for nid, targets in edges.items():
            if nid not in can_end and targets & can_end:
                can_end.add(nid)
                changed = True
    out += [f"{name}：从节点 {nid} 出发永远走不到结局（死循环）。" for nid in sorted(seen - can_end)]
    return out
