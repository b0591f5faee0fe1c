"""Retrieval index of the bot: BM25 over character n-grams, then a coverage + rapidfuzz re-rank (private).

Every standard and similar question is one document. A question is scored in two steps:

1. **Recall** – BM25 (k1 = 1.2, b = 0.75) over the features of :class:`~cslab.bot._lexicon.Lexicon`
   (bigrams, weighted single characters, ASCII words), with numpy arrays per feature, so a
   knowledge base of thousands of entries answers in about a millisecond.
2. **Re-rank and confidence** – for the best :data:`TOP_K` documents: how much of the buyer's
   question the document explains (``cover_q``: IDF mass of the shared features over the
   question's, where a feature the knowledge base never uses counts as rare), how much of the
   document the question explains (``cover_d``), and :func:`rapidfuzz.fuzz.ratio` /
   :func:`rapidfuzz.fuzz.partial_ratio` of the two canonical strings (edit distance: a typo
   the synonym table does not know still lands close). The confidence is a weighted sum of
   these, in 0–1; an entry keeps its best document. A topic keyword of the entry's topic
   found in the question adds :data:`CUE_BONUS`.

>>> from cslab.bot._lexicon import Lexicon
>>> lex = Lexicon({"发货": ["法货"]}, ["吗"])
>>> idx = Index([["什么时候发货", "几天发货"], ["支持花呗付款吗"]], lex, [("发货",), ()])
>>> [e for e, c in idx.search("什么时候法货", None)]
[0]
"""

from __future__ import annotations

import math

from ._lexicon import LIGHT_WEIGHT

TOP_K = 40
K1, B = 1.2, 0.75
CUE_BONUS = 0.16
#: a question with less information than this (IDF mass, e.g. one common character) is scaled down
MIN_MASS = 3.0
#: weights of the confidence parts (cover_q, cover_d, ratio, partial ratio)
W_COVER_Q, W_COVER_D, W_RATIO, W_PARTIAL = 0.3, 0.2, 0.2, 0.15
W_TOPIC = 1.0
#: a question made only of light question words (怎么办, 啥意思) keeps this share of its confidence
LIGHT_ONLY_FACTOR = 0.4


class Index:
    """Documents = ``sentences[i]`` (a list of questions per entry i); ``cues[i]`` = topic keywords of entry i."""

    def __init__(self, sentences, lexicon, cues=None, topics=None, answers=None):
        import numpy as np
        from rapidfuzz import fuzz

        self._np, self._fuzz = np, fuzz
        self.lexicon = lexicon
        doc_entry, doc_feats, doc_keys = [], [], []
        for i, group in enumerate(sentences):
            for s in group:
                feats, key = lexicon.features(s)
                if not feats:
                    continue
                doc_entry.append(i)
                doc_feats.append(feats)
                doc_keys.append(key)
        self.n_entries = len(sentences)
        self.doc_entry = np.array(doc_entry, dtype=np.int64)
        self.doc_keys = doc_keys
        # IDF over every text of the knowledge base (questions, answers, keywords), so a word
        # that only an answer uses (申通) is known, not counted as the rarest possible
        extra_feats = [lexicon.features(t)[0] for t in (answers or ())]
        extra_feats += [lexicon.features(c)[0] for group in (cues or ()) for c in group]
        n = max(len(doc_feats) + len(extra_feats), 1)
        df = {}
        for feats in (*doc_feats, *extra_feats):
            for f in feats:
                df[f] = df.get(f, 0) + 1
        self.idf = {f: math.log(1 + (n - c + 0.5) / (c + 0.5)) for f, c in df.items()}
        # 同音错字: a pair of characters the knowledge base never uses → a shop term's pair that sounds the same
        terms = {*lexicon.canon, *(c for group in (cues or ()) for c in group)}
        self.sounds = lexicon.sound_table((f for f in df if len(f) == 2), sorted(terms))
        #: the IDF of a feature no document has (as rare as can be)
        self.idf_unknown = math.log(1 + (n + 0.5) / 0.5)
        lengths = [sum(f.values()) for f in doc_feats]
        avg = sum(lengths) / len(lengths) if lengths else 1.0
        postings = {}
        for d, (feats, length) in enumerate(zip(doc_feats, lengths)):
            norm = (K1 + 1) / (1 + K1 * (1 - B + B * length / avg))
            for f, w in feats.items():
                postings.setdefault(f, ([], []))
                postings[f][0].append(d)
                postings[f][1].append(w * self.idf[f] * norm)
        self.postings = {f: (np.array(ids, dtype=np.int64), np.array(ws)) for f, (ids, ws) in postings.items()}
        # IDF mass of each document, for cover_d
        self.doc_feats = doc_feats
        self.doc_mass = [sum(w * self.idf[f] for f, w in feats.items()) for feats in doc_feats]
        self.cues = [tuple(k for k in ("".join(lexicon.runs(c)) for c in group) if k)
                     for group in (cues or [()] * self.n_entries)]
        # the vocabulary of each topic: features of its questions, answers and keywords
        self.topics = list(topics) if topics is not None else list(range(self.n_entries))
        vocab = {}
        for d, feats in enumerate(doc_feats):
            vocab.setdefault(self.topics[doc_entry[d]], set()).update(feats)
        for e, feats in enumerate(extra_feats[:len(answers or ())]):
            vocab.setdefault(self.topics[e], set()).update(feats)
        for e, group in enumerate(cues or ()):
            for c in group:
                vocab.setdefault(self.topics[e], set()).update(lexicon.features(c)[0])
        self.vocab = vocab

    def search(self, question: str, entry_mask=None, limit: int = 5):
        """``[(entry index, confidence)]``, best first, at most ``limit`` entries; ``entry_mask`` = allowed entries."""
        np = self._np
        qfeats, qkey = self.lexicon.features(question, fix=self.sounds)
        if not qfeats or len(self.doc_entry) == 0:
            return []
        scores = np.zeros(len(self.doc_entry))
        for f, w in qfeats.items():
            post = self.postings.get(f)
            if post is not None:
                scores[post[0]] += w * post[1]
        if entry_mask is not None:
            scores[~entry_mask[self.doc_entry]] = -1.0
        k = min(TOP_K, len(scores))
        top = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
        q_mass = sum(w * self.idf.get(f, self.idf_unknown) for f, w in qfeats.items())
        qkeys = qfeats.keys()
        tcover = {}
        best = {}
        for d in top.tolist():
            if scores[d] <= 0:
                continue
            feats = self.doc_feats[d]
            shared = sum(qfeats[f] * self.idf[f] for f in qkeys & feats.keys())
            cover_q = shared / q_mass
            cover_d = shared / self.doc_mass[d]
            key = self.doc_keys[d]
            ratio = self._fuzz.ratio(qkey, key) / 100.0
            partial = self._fuzz.partial_ratio(qkey, key) / 100.0 if min(len(qkey), len(key)) >= 2 else ratio
            e = int(self.doc_entry[d])
            t = self.topics[e]
            if t not in tcover:
                v = self.vocab.get(t, ())
                tcover[t] = sum(w * self.idf.get(f, self.idf_unknown) for f, w in qfeats.items() if f in v) / q_mass
            conf = (W_COVER_Q * cover_q + W_COVER_D * cover_d + W_RATIO * ratio + W_PARTIAL * partial
                    + W_TOPIC * tcover[t]) / (1 + W_TOPIC)
            if conf > best.get(e, -1.0):
                best[e] = conf
        out = []
        scale = min(1.0, q_mass / MIN_MASS)
        if max(qfeats.values()) <= LIGHT_WEIGHT:  # only question words (怎么办, 什么情况): no topic at all
            scale *= LIGHT_ONLY_FACTOR
        cue_hit = {}
        for e, conf in best.items():
            t = self.topics[e]
            if t not in cue_hit:
                cue_hit[t] = any(c in qkey for c in self.cues[e])
            if cue_hit[t]:
                conf += CUE_BONUS
            conf *= scale
            out.append((e, min(conf, 1.0)))
        out.sort(key=lambda x: (-x[1], x[0]))
        return out[:limit]
