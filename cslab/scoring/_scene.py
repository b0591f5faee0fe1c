"""What the checks look at for one reply (the scene), and a quoting helper."""

from __future__ import annotations

from dataclasses import dataclass

from . import _facts, _text

__all__ = ["Scene", "quote"]


@dataclass
class Scene:
    """Everything the checks look at for one reply."""

    stage: str
    rubric: object
    sdef: object
    reply: _text.Text
    answer: str               # the reply without clauses that echo the customer's question
    customer: str
    ctx: _facts.Context
    intents: list
    upset: bool
    exclusion: str            # a legitimate exclusion from 7-day returns, quoted, or ""
    wrong: list               # claims contradicting the context

    def lex(self, name: str):
        return self.rubric.lexicons[name]

    def pat(self, name: str):
        return self.rubric.patterns.get(name)


def quote(words, limit: int = 3) -> str:
    return "、".join(f"“{w}”" for w in list(words)[:limit])
