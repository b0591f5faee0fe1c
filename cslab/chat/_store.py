"""Playing, replaying and keeping transcripts: :func:`run`, :func:`replay`, saves in the student's work folder."""

from __future__ import annotations

import json
from datetime import datetime

from .. import workspace
from ..errors import InputError
from ._session import TRANSCRIPT_FORMAT, Session

__all__ = ["CHATS_DIR", "run", "replay", "save_transcript", "saved_transcripts", "load_transcript", "resume"]

#: transcripts live in ``<work folder>/chats/<scenario>/<name>.json``
CHATS_DIR = "chats"


def run(scenario, agent, seed: int = 0, response_seconds: float = 15.0, **kwargs) -> Session:
    """Play a whole session with ``agent`` (a function: customer message → reply) and return it, finished.

    Every reply is sent ``response_seconds`` after the customer's message, so a run is
    deterministic for a given seed. The scenario's ``max_turns`` bounds the conversation.

    >>> s = run("presales_dress_size", lambda msg: "亲，在的～", seed=0)
    >>> s.finished, s.outcome in ("流失", "下单")
    (True, True)
    """
    if not callable(agent):
        raise InputError("agent 应是一个函数：接收买家的话（文字），返回客服的回复（文字）。")
    session = Session(scenario, seed=seed, **kwargs)
    while not session.finished:
        reply = agent(session.last_customer_message)
        if not isinstance(reply, str):
            raise InputError(f"agent 函数应返回文字（str），现在返回了 {type(reply).__name__}。")
        session.send(reply, at=response_seconds)
    return session


def _as_data(transcript) -> dict:
    if isinstance(transcript, Session):
        return transcript.to_dict()
    if isinstance(transcript, str):
        text = transcript.strip()
        if text.startswith("{"):
            try:
                transcript = json.loads(text)
            except json.JSONDecodeError as exc:
                raise InputError(f"对话记录不是有效的 JSON（{exc}）。") from None
        else:
            transcript = load_transcript(text)
    if not isinstance(transcript, dict) or transcript.get("format") != TRANSCRIPT_FORMAT:
        raise InputError("这不是 cslab 的对话记录：需要 Session.transcript_json() 或 chat.load_transcript() 得到的内容。")
    return transcript


def replay(transcript, upto: int | None = None, **kwargs) -> Session:
    """Replay the agent's replies of a transcript (dict, JSON text, saved name or Session) and rescore them.

    Uses the same scenario, seed, start time and reply times, so with an unchanged scenario the
    customer says the same things; with a changed rubric the scores are the new ones. ``upto``
    replays only the first replies (to resume a conversation).

    >>> s = run("presales_dress_size", lambda m: "亲，您好！请问有什么可以帮您？", seed=2)
    >>> r = replay(s.transcript_json())
    >>> [t.score.total for t in r.turns] == [t.score.total for t in s.turns]
    True
    """
    data = _as_data(transcript)
    session = Session(data["scenario"], seed=int(data.get("seed", 0)), mode=data.get("mode", "practice"),
                      start=data.get("started"), **kwargs)
    replies = [m for m in data.get("messages", []) if m.get("sender") == "agent"]
    for m in replies[:upto]:
        if session.finished:
            break
        session.send(str(m["text"]), at=float(m.get("response_seconds", 0)))
    return session


def _name_for(session: Session) -> str:
    if not getattr(session, "save_name", None):
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")[:-3]
        session.save_name = f"{CHATS_DIR}/{session.scenario.id}/{stamp}.json"
    return session.save_name


def save_transcript(session: Session) -> str:
    """Save (or update) the session's transcript in the work folder; returns its name for :func:`load_transcript`."""
    name = _name_for(session)
    data = session.to_dict()
    data["saved"] = datetime.now().isoformat(sep=" ", timespec="seconds")
    data["report"] = {"score": session.report().score, "turns": len(session.turns)}
    workspace.save_json(name, data)
    return name


def load_transcript(name: str) -> dict:
    """A saved transcript by the name :func:`save_transcript` returned (see :func:`saved_transcripts`)."""
    data = workspace.load_json(name)
    if data is None:
        raise InputError(f"作业文件夹里没有对话记录 {name}：用 chat.saved_transcripts() 查看已保存的记录。")
    return data


def saved_transcripts(scenario: str | None = None) -> list:
    """Summaries of the saved transcripts (newest first): name, scenario, title, saved, finished, outcome, score."""
    root = workspace.work_dir() / CHATS_DIR
    out = []
    if not root.is_dir():
        return out
    for path in root.glob("*/*.json"):
        if scenario and path.parent.name != scenario:
            continue
        name = f"{CHATS_DIR}/{path.parent.name}/{path.name}"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        out.append({"name": name, "scenario": data.get("scenario"), "title": data.get("title"),
                    "saved": data.get("saved", ""), "finished": bool(data.get("finished")),
                    "outcome": data.get("outcome"), "score": (data.get("report") or {}).get("score"),
                    "turns": (data.get("report") or {}).get("turns")})
    out.sort(key=lambda d: (d["saved"], d["name"]), reverse=True)
    return out


def resume(name: str, **kwargs) -> Session:
    """Continue a saved conversation: replay it and keep saving under the same name."""
    session = replay(load_transcript(name), **kwargs)
    session.save_name = name
    return session
