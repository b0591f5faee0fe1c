"""聊天模拟器 (chat simulator): customers that answer back, driven by scenario files.

Used by lessons ``04_pre_sales`` (售前客服), ``05_closing_deals`` (促成客户交易),
``06_enquiries`` (受理客户咨询) and the after-sales lessons; the widget is
:class:`cslab.chat.widget.ChatSimulator`.

A scenario (``data/scenarios/<id>.yaml``, format in ``data/scenarios/README.md``) holds a
customer persona (type 理智型/冲动型/犹豫型/挑剔型/易怒型 …, mood, patience, budget, hidden
needs), the product or order involved, and a dialogue graph: each node has what the customer
says (variants chosen by the seed), the stage the agent's reply is scored at
(:func:`cslab.scoring.score_reply`), and transitions chosen by the score, the *intents* of the
reply (``data/scenarios/_intents.yaml``: did the agent ask for height and weight, apologise,
offer a remedy …), the response time and the customer's mood. End nodes are outcomes
(下单、流失、投诉、好评 …). A customer whose mood reaches 0, or who gets ``patience`` poor replies
in a row, gives up.

>>> s = Session("presales_dress_size", seed=0)
>>> s.last_customer_message != "" and not s.finished
True
>>> t = s.send("亲，您好！欢迎光临悦衣小铺，请问有什么可以帮您？", at=10)
>>> t.stage, t.score.total >= 60
('greet', True)
>>> done = run("presales_dress_size", agent=lambda msg: "嗯", seed=0)
>>> done.finished, done.outcome
(True, '流失')

Headless API: :func:`list_scenarios`, :func:`load_scenario`, :func:`validate_scenario`,
:class:`Session` (``send``, ``last_customer_message``, ``transcript``, ``finished``,
``outcome``, ``report()``, ``transcript_json()``), :func:`run` (a function as the agent),
:func:`replay` (rescore a transcript), :func:`save_transcript` / :func:`saved_transcripts` /
:func:`resume` (the student's work folder, ``chats/``).
"""

from __future__ import annotations

from ._report import OUTCOME_POINTS, SessionReport
from ._scenario import CATEGORIES, CONDITIONS, OUTCOMES, PERSONA_TYPES, Scenario, scenario_ids
from ._session import MAX_CHARS, SENDERS, Session, Turn, load_scenario, validate_scenario
from ._store import load_transcript, replay, resume, run, save_transcript, saved_transcripts

__all__ = ["PERSONA_TYPES", "OUTCOMES", "CATEGORIES", "CONDITIONS", "MAX_CHARS", "SENDERS", "OUTCOME_POINTS",
           "Scenario", "Session", "Turn", "SessionReport", "list_scenarios", "scenarios_frame", "load_scenario",
           "validate_scenario", "run", "replay", "save_transcript", "saved_transcripts", "load_transcript",
           "resume"]


def list_scenarios(category: str | None = None, lesson: str | None = None) -> list:
    """The shipped scenarios as dicts (id, title, category, persona, persona_type, channel, lessons, summary).

    ``category`` (e.g. ``"售前接待"``) and ``lesson`` (e.g. ``"04_pre_sales"``) filter the list.

    >>> any(s["id"] == "presales_dress_size" for s in list_scenarios(lesson="04_pre_sales"))
    True
    """
    from ._scenario import parse

    out = []
    for sid in scenario_ids():
        sc = parse(sid)
        if category and sc.category != category:
            continue
        if lesson and not any(str(x).startswith(lesson) for x in sc.lessons):
            continue
        out.append({"id": sc.id, "title": sc.title, "category": sc.category, "persona": sc.persona.name,
                    "persona_type": sc.persona.type, "channel": sc.channel, "lessons": list(sc.lessons),
                    "summary": sc.summary})
    return out


def scenarios_frame(category: str | None = None, lesson: str | None = None):
    """:func:`list_scenarios` as a pandas DataFrame with Chinese column names (编号、标题、类别、买家类型 …)."""
    import pandas as pd

    rows = list_scenarios(category, lesson)
    frame = pd.DataFrame(rows, columns=["id", "title", "category", "persona_type", "channel", "summary"])
    return frame.rename(columns={"id": "编号", "title": "标题", "category": "类别", "persona_type": "买家类型",
                                 "channel": "渠道", "summary": "练什么"})
