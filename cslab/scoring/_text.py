"""Text measurements behind the rubric: length, script, copying from the customer, keyword stuffing."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from .. import zhtext

__all__ = ["Text", "analyse", "copy_mask", "stuffing", "script"]

_CLAUSE = re.compile(r"(?:[，,。！!？?；;、～~…|：:（）()【】\[\]“”\"'《》]|(?<![A-Za-z0-9])\s|\s(?![A-Za-z0-9])"
                     r"|(?<!\d)\.|\.(?!\d))+")
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z]+")
_UNITS = {"cm", "mm", "kg", "ml", "mah", "m", "g", "pcs", "km", "mg", "upf", "oversize", "ok", "vip", "app"}
_STAGE_DIRECTION = re.compile(r"^[（(][^）)]*[）)]$")


@dataclass(frozen=True)
class Text:
    """A normalised reply (emoticons removed) and what the rubric measures on it."""

    raw: str
    text: str             # normalised, emoticons stripped
    chars: int            # characters without spaces
    content: int          # letters, digits and 汉字


def _content_count(text: str) -> int:
    return sum(1 for ch in text if ch.isalnum())


def analyse(reply: str) -> Text:
    text = zhtext.strip_emoticons(zhtext.normalize(reply)) if reply.strip() else ""
    return Text(reply, text, sum(1 for ch in text if not ch.isspace()), _content_count(text))


def customer_text(message: str) -> str:
    """The customer's message, normalised; a stage direction in brackets counts as no message."""
    text = zhtext.normalize(message) if message.strip() else ""
    return "" if _STAGE_DIRECTION.match(text) else text


def clauses(text: str) -> list:
    """(start, end) spans of the clauses of ``text`` (split at punctuation and spaces)."""
    out, pos = [], 0
    for m in _CLAUSE.finditer(text):
        if m.start() > pos:
            out.append((pos, m.start()))
        pos = m.end()
    if pos < len(text):
        out.append((pos, len(text)))
    return out


def copy_mask(reply: str, customer: str, n: int = 3) -> list:
    """For each character of ``reply``: is it inside a run of ≥ ``n`` letters/digits/汉字 also in ``customer``?

    Punctuation and spaces are skipped on both sides, so “好的，谢谢你” copies “好的谢谢你”.

    >>> "".join("^" if c else "." for c in copy_mask("亲，您想要一件薄外套呀", "我想要一件薄外套"))
    '...^^^^^^^.'
    """
    mask = [False] * len(reply)
    dense_c = "".join(ch for ch in customer.lower() if ch.isalnum())
    where = [i for i, ch in enumerate(reply) if ch.isalnum()]
    dense_r = "".join(reply[i] for i in where).lower()
    if len(dense_c) < n or len(dense_r) < n:
        return mask
    grams = {dense_c[i:i + n] for i in range(len(dense_c) - n + 1)}
    for i in range(len(dense_r) - n + 1):
        if dense_r[i:i + n] in grams:
            for j in range(i, i + n):
                mask[where[j]] = True
    return mask


def copy_share(reply: str, mask: list) -> tuple:
    """(copied content characters, share of the reply's content characters that is copied)."""
    total = copied = 0
    for ch, m in zip(reply, mask):
        if ch.isalnum():
            total += 1
            copied += m
    return copied, (copied / total if total else 0.0)


def without_echoes(text: str, mask: list, question) -> str:
    """``text`` without the clauses that repeat the customer's question (≥ 70 % copied and a question form)."""
    parts, pos = [], 0
    for start, end in clauses(text):
        clause = text[start:end]
        n = _content_count(clause)
        copied = sum(1 for ch, m in zip(clause, mask[start:end]) if m and ch.isalnum())
        if n >= 3 and copied >= 0.7 * n and question.search(clause):
            parts.append(text[pos:start] + "，")
            pos = end
    parts.append(text[pos:])
    return "".join(parts)


def without_copied(text: str, customer: str, share: float = 0.7) -> str:
    """``text`` without the clauses that are mostly (``share``) copied from ``customer``.

    >>> without_copied("亲，颜色跟图片有色差。感谢您的评价～", "颜色跟图片有色差")
    '亲，。感谢您的评价～'
    """
    mask = copy_mask(text, customer)
    parts, pos = [], 0
    for start, end in clauses(text):
        n = _content_count(text[start:end])
        copied = sum(1 for ch, m in zip(text[start:end], mask[start:end]) if m and ch.isalnum())
        if n >= 3 and copied >= share * n:
            parts.append(text[pos:start])
            pos = end
    parts.append(text[pos:])
    return "".join(parts)


def script(text: str) -> tuple:
    """(汉字 count, English words, English letters): words of two or more letters with a lower-case letter.

    Sizes and codes (XL, TD, EMS, JT0528…) and units (cm, kg) are not English words.

    >>> script("亲，M size is OK, 165cm")
    (1, ['size', 'is'], 6)
    """
    han = len(_HAN.findall(text))
    words = [w for w in _LATIN_WORD.findall(text)
             if len(w) >= 2 and not w.isupper() and w.lower() not in _UNITS]
    return han, words, sum(len(w) for w in words)


_LAUGH = set("哈呵嘻嘿")


def _quote(pieces) -> str:
    return "、".join(f"“{p}”" for p in list(dict.fromkeys(pieces))[:3])


def doubled_pieces(dense: str) -> list:
    """Pieces of 2–6 汉字 said twice back to back, and 汉字 said 3+ times in a row (laughter aside).

    >>> doubled_pieces("亲您好欢迎光临欢迎光临在的在的请问有什么可以帮您帮您的吗亲亲亲")
    ['欢迎光临', '在的', '帮您', '亲亲亲']
    >>> doubled_pieces("有的有的亲我是客服小美谢谢您看看")
    ['有的']
    """
    out, i, n = [], 0, len(dense)
    while i < n:
        ch = dense[i]
        if "\u4e00" <= ch <= "\u9fff":
            j = i
            while j < n and dense[j] == ch:
                j += 1
            if j - i >= 3 and ch not in _LAUGH:
                out.append(dense[i:j])
                i = j
                continue
            for k in range(6, 1, -1):
                piece = dense[i:i + k]
                if len(piece) == k and dense[i + k:i + 2 * k] == piece and all("\u4e00" <= c <= "\u9fff" for c in piece) \
                        and len(set(piece)) > 1 and not set(piece) <= _LAUGH:
                    out.append(piece)
                    i += 2 * k
                    break
            else:
                i += 1
            continue
        i += 1
    return out


def repeated_share(dense: str, n: int = 4) -> float:
    """The share of ``dense`` covered by ``n``-grams that already occurred earlier (not overlapping)."""
    if len(dense) < 2 * n:
        return 0.0
    first, covered = {}, [False] * len(dense)
    for i in range(len(dense) - n + 1):
        g = dense[i:i + n]
        if g in first and first[g] + n <= i:
            for j in range(i, i + n):
                covered[j] = True
        else:
            first.setdefault(g, i)
    return sum(covered) / len(dense)


def stuffing(text: str, rubric) -> str:
    """Why ``text`` is keyword stuffing (a Chinese reason), or "" when it is not.

    Any one sign is enough: a lexicon word (2+ characters) or another content word repeated
    ``repeat_times`` times; a 2–4 character piece repeated back to back ``run_times`` times
    (您好您好您好) or one 汉字 ``single_char_run`` times (亲亲亲亲); ``doubled_pieces`` places where a
    piece is said twice in a row (or 2 of them making up ``doubled_share`` of the reply); half the
    reply (``repeated_share``) being ``repeat_gram``-character runs said before; the same clause
    ``repeat_times`` times; a list of short fragments (``list_min_clauses`` clauses or more,
    ``list_bare_share`` of them at most 4 characters); or a reply made almost only of topic
    keywords from several topics.

    >>> from cslab.scoring import load_rubric
    >>> stuffing("亲，尺码，价格，优惠，发货，快递，谢谢", load_rubric())
    '7 个分句里有 7 个只是罗列的词语，不成句子'
    >>> stuffing("亲，这款M码有现货，今天下单今天发出哦～", load_rubric())
    ''
    """
    a = rubric.anti
    repeat = int(a.get("repeat_times", 3))
    dense = "".join(ch for ch in text if ch.isalnum())
    if not dense:
        return ""
    # 1) the same lexicon word again and again
    low = text.lower()
    found = {m.group(0).lower() for m in rubric.filler_regex.finditer(low)}
    counts = Counter({w: low.count(w) for w in found | {w for w in rubric.filler_words if w in low}})
    for word, k in counts.most_common():
        if k < repeat:
            break
        if word in rubric.stopwords:
            continue
        if len(dense) >= 40 and k * len(word) < 0.2 * len(dense):
            continue  # a longer reply may use a word three times naturally
        return f"“{word}”重复了 {k} 次"
    # 2) back-to-back runs
    m = re.search(r"([\u4e00-\u9fff]{2,4}?)\1{%d,}" % (int(a.get("run_times", 3)) - 1), dense)
    if m:
        return f"“{m.group(1)}”连续重复"
    m = re.search(r"([\u4e00-\u9fff])\1{%d,}" % (int(a.get("single_char_run", 4)) - 1), dense)
    if m and m.group(1) not in "哈呵嘻":
        return f"“{m.group(1)}”连续重复"
    # 2b) several pieces said twice in a row (欢迎光临欢迎光临…在的在的…帮您帮您…亲亲亲)
    reps = doubled_pieces(dense)
    rep_chars = sum(len(r) for r in reps)
    if len(reps) >= int(a.get("doubled_pieces", 3)) or \
            (len(reps) >= 2 and rep_chars >= float(a.get("doubled_share", 0.2)) * len(dense)):
        return f"{_quote(reps)}等片段紧挨着重复说了两遍（{len(reps)} 处）"
    # 2c) much of the reply is material said before (the same sentence twice …)
    share = repeated_share(dense, int(a.get("repeat_gram", 4)))
    if len(dense) >= 12 and share >= float(a.get("repeated_share", 0.5)):
        return f"{share:.0%} 的内容是前面说过的话再说一遍"
    # 3) other content words repeated (segmented), when they make up much of the reply
    words = [w for w in zhtext.cut(text) if len(w) >= 2 and _HAN.search(w) and w not in rubric.stopwords]
    for word, k in Counter(words).most_common(1):
        if k >= repeat and k * len(word) >= 0.25 * len(dense):
            return f"“{word}”重复了 {k} 次"
    spans = [text[s:e] for s, e in clauses(text)]
    spans = [c for c in spans if _content_count(c)]
    # 4) the same clause again and again
    for clause, k in Counter(c for c in spans if _content_count(c) >= 2).most_common(1):
        if k >= repeat:
            return f"同一句“{clause[:12]}”重复了 {k} 次"
    # 5) a list of bare keywords
    if len(spans) >= int(a.get("list_min_clauses", 6)):
        bare = sum(1 for c in spans if _content_count(c) <= 4)
        if bare >= float(a.get("list_bare_share", 0.75)) * len(spans):
            return f"{len(spans)} 个分句里有 {bare} 个只是罗列的词语，不成句子"
    # 6) almost only topic keywords from several topics
    hits = list(rubric.topic_regex.finditer(text)) if rubric.topic_words else []
    if hits and len(dense) >= 8:
        covered = sum(len(m.group(0)) for m in rubric.filler_regex.finditer(dense))
        covered += sum(1 for ch in re.sub(rubric.filler_regex, "", dense) if ch in "亲您")
        groups = {rubric.topic_words.get(h.group(0), h.group(0)) for h in hits}
        if covered >= float(a.get("topic_share", 0.85)) * len(dense) and len(groups) >= int(a.get("topic_groups", 3)):
            return "几乎全部由不同话题的关键词拼成"
    return ""
