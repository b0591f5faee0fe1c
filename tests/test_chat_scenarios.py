"""Every shipped scenario validates, is deterministic, and can be won and lost (walkthroughs in tests/data)."""

from pathlib import Path

import pytest
import yaml

from cslab import chat

WALK = Path(__file__).parent / "data" / "chat_walkthroughs"
IDS = [s["id"] for s in chat.list_scenarios()]


def _walk(sid: str) -> dict:
    path = WALK / f"{sid}.yaml"
    assert path.exists(), f"scenario {sid} has no walkthrough {path.name}"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_enough_scenarios_and_persona_types():
    assert len(IDS) >= 30
    assert len({s["persona_type"] for s in chat.list_scenarios()}) >= 5
    assert {s["category"] for s in chat.list_scenarios()} >= set(chat.CATEGORIES)


@pytest.mark.parametrize("sid", IDS)
def test_scenario_validates(sid):
    assert chat.validate_scenario(sid) == []


@pytest.mark.parametrize("sid", IDS)
def test_good_replies_reach_a_good_end(sid):
    walk = _walk(sid)
    assert walk["scenario"] == sid
    for seed in (0, 1, 2):
        s = chat.Session(sid, seed=seed)
        for reply in walk["good"]["replies"]:
            if s.finished:
                break
            s.send(reply, at=15)
        assert s.finished, f"seed {seed}: not finished after the good replies; at node {s.node_id}"
        assert s.outcome == walk["good"]["expect"], (seed, s.outcome, [(t.node, t.score.total, t.why) for t in s.turns])
        assert chat.OUTCOMES[s.outcome]


@pytest.mark.parametrize("sid", IDS)
def test_bad_replies_reach_a_bad_end(sid):
    walk = _walk(sid)
    replies = walk["bad"]["replies"]
    s = chat.run(sid, agent=lambda msg, it=iter(replies * 40): next(it), seed=0)
    assert s.outcome == walk["bad"]["expect"], [(t.node, t.score.total, t.why) for t in s.turns]
    assert not chat.OUTCOMES[s.outcome]


@pytest.mark.parametrize("sid", IDS)
def test_same_seed_same_session(sid):
    replies = _walk(sid)["good"]["replies"]
    a = chat.run(sid, agent=lambda m, it=iter(replies + ["好的，亲～"] * 40): next(it), seed=3)
    b = chat.run(sid, agent=lambda m, it=iter(replies + ["好的，亲～"] * 40): next(it), seed=3)
    strip = (lambda s: [{k: v for k, v in m.items()} for m in s.to_dict()["messages"]])
    assert strip(a) == strip(b)
