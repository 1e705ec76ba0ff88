"""Turns rule matches into intent items: cue, object phrase, speaker, confidence and offsets."""

from __future__ import annotations

import re
from typing import Any

from .money import find_money
from .rules import (
    CARE_WORDS,
    QUESTION_CUES,
    QUESTION_WORDS,
    SENTENCE_RE,
    WORD_RE,
    Rule,
    candidate_rules,
    negated_before,
    speaker_before,
)


def _words(spaced: str) -> frozenset[str]:
    return frozenset(spaced.split())


_TOKEN = re.compile(r"[$€£¥]\d[\d,.]*\w*|[#@$]?[\w][\w'’&+\-/]*(?:\.[\w]+)*|\S")
_SKIP_LEAD = _words("""a an the my our your his her their this that these those some another
    new brand-new brand used myself me yourself yourselves ourselves us first second pair couple
    of few two three both more extra few any""")
_PRONOUNS = _words("""it its it's them they one ones that this these those something
    anything everything stuff things thing nothing lots everyone you u y'all yall him her
    there here what which""")
_STOP = _words("""and or but because cause cuz bc so for from to with at in on of by via as
    today tonight tomorrow yesterday now again already yet soon lol lmao lmfao haha hahaha omg
    which that who whom whose when where why how if since after before while until till is are
    was were be been being am it's its will would could should can can't cant cannot won't
    just than then enough asap please pls plz rn tbh ngl imo idk fr i you we he she they me
    it him them us my your our his her their this these those here there ever anymore too very
    really so such like about tho though right all every any over off up out back down
    has have had do does did don't doesn't didn't not never no yes also even still only
    literally honestly actually based next last later someday one day week month year weekend""")
_BEFORE_SKIP = _words("""is are was were 's a an the so such totally definitely honestly
    really truly literally seriously absolutely = : - – — only just costs cost costing priced
    at for was were be been now on sale down to discounted reduced budget around about under
    approximately roughly ~ up went rose jumped increased above below over past beyond near hit
    hits reached reaches topped tops fell falls dropped drops""")
# "I need a nap": wants that are not purchases
_NOT_FOR_SALE = _words("""nap naps hug hugs break vacation holiday drink drinks coffee minute
    moment day days life job friend friends hand miracle sleep shower rest hero reason chance
    favor favour ride lift word clue answer plan win beer therapist massage hobby boyfriend
    girlfriend date partner change distraction laugh cry walk ready there in up out home better
    started going rid used married paid killed hurt done through over away email emails call calls
    text texts message messages letter news notification notifications word reply response account
    profile boss bf gf favorite favourite fav obsession number address neighbor neighbors neighbour
    neighbours roommate coworker coworkers colleague colleagues year life avi icon header bio
    username followers follower kind birthday idea ideas feeling feelings shot shots notice info
    information threesome sounds sound music video videos song songs track tracks single blog post
    posts team fave hands chance heart hearts hopes ass butt mind soul period blessing blessings
    crowd""")
# a question about "my order", "your app", "the delivery": a customer-care question
_CARE_RE = re.compile(r"\b(?:my|our|your|the)\s+(?:[\w'-]+\s+)?(?:" + "|".join(sorted(CARE_WORDS)) + r")\b",
                      re.IGNORECASE)
# "what's the plan?" names a care word ("plan") but is small talk, not a question about a phone plan
_SMALL_TALK = re.compile(r"\bwhat(?:'s| is| are|s)(?: the| ur| your| our)? plans?\b", re.IGNORECASE)
_MENTION = re.compile(r"@\w{1,30}")
_ADDRESSEE = _words("you u y'all yall")
_SELF_HEAD = re.compile(r"(?:i|i'm|im|i've|ive|i'd|id|i'll|we|we're|we've|(?:my|our) (?:new|first|"
                        r"order|package|parcel|delivery))\b")
_DET_RE = re.compile(r"\b(?:my|your|our|the|this|these|those|his|her|their|a|an)\s+", re.IGNORECASE)
_CUE_NOUN = re.compile(r"(?:customer )?(?:service|support|experience|app|product|quality|delivery|wifi|"
                       r"internet|signal|connection|update|airline|staff|food|coverage|packaging)$",
                       re.IGNORECASE)
_MAX_OBJECT = 5


def _tokens_after(text: str, pos: int, limit: int) -> list[re.Match[str]]:
    out: list[re.Match[str]] = []
    for m in _TOKEN.finditer(text, pos, min(len(text), pos + 160)):
        out.append(m)
        if len(out) >= limit:
            break
    return out


def _is_word(tok: str) -> bool:
    return tok[0].isalnum() or (tok[0] in "#@$" and len(tok) > 1)


def object_after(text: str, pos: int) -> tuple[str, int, int] | None:
    """The noun phrase starting at ``pos``: determiners skipped, up to five words."""
    toks = _tokens_after(text, pos, _MAX_OBJECT + 6)
    i = 0
    while i < len(toks) and toks[i].group().lower() in _SKIP_LEAD and i < 4:
        i += 1
    if i < len(toks) and toks[i].group().lower() in _PRONOUNS:
        return ("", toks[i].start(), toks[i].end())  # a pronoun: resolved against earlier objects
    words: list[re.Match[str]] = []
    for tok in toks[i:]:
        word = tok.group()
        low = word.lower().rstrip(".")
        if not _is_word(word) or low.startswith(("http", "www.")):
            break
        if low in _STOP:
            break
        if words and tok.start() - words[-1].end() > 1 and text[words[-1].end():tok.start()].strip():
            break
        words.append(tok)
        if len(words) >= _MAX_OBJECT or word.endswith("."):
            break
    if not words:
        return None
    start, end = words[0].start(), words[-1].end()
    while end > start and text[end - 1] in ".'’-":
        end -= 1
    return (text[start:end], start, end) if end > start else None


def object_before(text: str, pos: int) -> tuple[str, int, int] | None:
    """The noun phrase ending just before ``pos`` (for cues that follow their object)."""
    toks = list(_TOKEN.finditer(text, max(0, pos - 120), pos))
    while toks and toks[-1].group().lower() in _BEFORE_SKIP:
        toks.pop()
    words: list[re.Match[str]] = []
    for tok in reversed(toks):
        word = tok.group()
        low = word.lower()
        if not _is_word(word) or low in _STOP or low in _SKIP_LEAD or low.startswith("http") \
                or (low[0] in "$€£¥" and low[1:2].isdigit()):
            break
        words.append(tok)
        if len(words) >= _MAX_OBJECT:
            break
    if not words:
        return None
    words.reverse()
    start, end = words[0].start(), words[-1].end()
    return text[start:end], start, end


def _det_object(text: str, at: int, limit: int) -> tuple[str, int, int] | None:
    found = object_after(text, at)
    if found is None or not found[0]:
        return None
    name, start, end = found
    if end > limit:  # the object must not run into the cue
        name = text[start:limit].rstrip()
        end = start + len(name)
    return (name, start, end) if name else None


def _object_in_sentence(text: str, sent_start: int, cue_start: int, cue_end: int,
                        sent_end: int, mention_first: bool) -> tuple[str, int, int] | None:
    """For cues without a slot (complaints, questions): "my X", "the X" before the cue (the
    subject: "my phone keeps crashing"), an @mention, or "my X" after the cue."""
    window = text[sent_start:sent_end]
    before: tuple[str, int, int] | None = None
    after: tuple[str, int, int] | None = None
    for m in _DET_RE.finditer(window):
        at = sent_start + m.end()
        if at <= cue_start and before is None:
            before = _det_object(text, at, cue_start)
        elif at >= cue_start and after is None:
            after = _det_object(text, at, sent_end)
    mention = _MENTION.search(window)
    found_mention = ((mention.group(), sent_start + mention.start(), sent_start + mention.end())
                     if mention else None)
    order = (before, found_mention, after) if mention_first else (before, after, found_mention)
    for candidate in order:
        if candidate is not None:
            return candidate
    return None


def _addressee(text: str) -> tuple[str, int, int] | None:
    """The one account a post mentions, which "you" means in "@airline never flying with you
    again"; None when it mentions none or several."""
    found = list(_MENTION.finditer(text))
    if not found or len({m.group().lower() for m in found}) > 1:
        return None
    return found[0].group(), found[0].start(), found[0].end()


def _sentence_bounds(text: str, pos: int) -> tuple[int, int]:
    for m in SENTENCE_RE.finditer(text):
        if m.start() <= pos < m.end():
            return m.start(), m.end()
    return 0, len(text)


def extract(text: str) -> list[dict[str, Any]]:
    norm = text.replace("’", "'")  # same length: offsets still index ``text``
    items: list[dict[str, Any]] = []
    words = frozenset(WORD_RE.findall(norm.lower()))
    for rule in candidate_rules(words):
        for m in rule.pattern.finditer(norm):
            item = _from_rule(norm, text, rule, m)
            if item is not None:
                items.append(item)
    if "?" in norm or not QUESTION_WORDS.isdisjoint(words):
        items.extend(_questions(norm, text))
    items.extend(_prices(norm, text, words))
    return _resolve_pronouns(_dedupe(items))


def _resolve_pronouns(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """"My new Kindle is great, highly recommend it": "it" takes the nearest earlier object; an
    item with no object takes the object of an item whose span overlaps its own ("Where can I
    buy winter boots?" is a question about the boots the want_to_buy item found)."""
    for n, it in enumerate(items):
        if it["object"] == "":
            earlier = [k["object"] for k in items[:n] if k["object"]]
            it["object"] = earlier[-1] if earlier else None
    for it in items:
        if it["object"] is None:
            for k in items:
                if k is not it and k["object"] and k["start"] < it["end"] and it["start"] < k["end"]:
                    it["object"] = k["object"]
                    break
    return items


def _from_rule(norm: str, text: str, rule: Rule, m: re.Match[str]) -> dict[str, Any] | None:
    if rule.negatable and negated_before(norm, m.start()):
        return None
    if rule.intent == "recommend" and _ASKS_FOR.search(norm, max(0, m.start() - 30), m.start()):
        return None  # "can anyone recommend ...?", "do y'all recommend it?": asking, not recommending
    if rule.intent == "recommend" and _ATTRIBUTIVE.search(norm, max(0, m.start() - 12), m.start()):
        return None  # "the recommended settings", "your recommended dose": an adjective
    cue = text[m.start():m.end()].strip()
    obj: tuple[str, int, int] | None = None
    if "obj" in m.re.groupindex and m.group("obj"):
        obj = (text[m.start("obj"):m.end("obj")], m.start("obj"), m.end("obj"))
    elif rule.side == "after":
        obj = object_after(text, m.end())
    elif rule.side == "before":
        obj = object_before(text, m.start()) or object_after(text, m.end())
    else:
        s0, s1 = _sentence_bounds(norm, m.start())
        obj = _object_in_sentence(text, s0, m.start(), m.end(), s1, mention_first=True)
    if (rule.intent in ("churn", "complain") and obj is not None and not obj[0]
            and text[obj[1]:obj[2]].lower() in _ADDRESSEE):
        obj = _addressee(text) or obj
    if obj is None and rule.intent == "complain":
        noun = _CUE_NOUN.search(text, m.start(), m.end())
        if noun:
            obj = (noun.group(), noun.start(), noun.end())
    if rule.needs_object and obj is None:
        return None
    if rule.intent in ("want_to_buy", "bought") or (rule.intent == "recommend"
                                                    and m.group().lower().endswith("get")):
        if obj is not None and obj[0]:
            words = obj[0].lower().split()
            if obj[0].lower() in _NOT_FOR_SALE or words[0] in _NOT_FOR_SALE or words[-1] in _NOT_FOR_SALE:
                return None
        elif m.group().lower().endswith(("get", "got", "getting")):
            return None  # "I have to get them from ...": "get" with no thing to buy is not buying
    head = norm[m.start():m.end()].lower()
    speaker: str | None
    if _SELF_HEAD.match(head):
        speaker, explicit = "first_person", True
    else:
        speaker, explicit = speaker_before(norm, m.start(), rule.default_speaker)
        if not explicit and head.endswith(("recommends", "wants to buy", "needs to buy")):
            speaker = "other"  # third person singular verb with its subject out of reach
    confidence = rule.confidence
    if not explicit and rule.intent in ("want_to_buy", "bought", "sell"):
        confidence -= 0.1
    if obj is None and rule.side == "after":
        confidence -= 0.1
    start = min(m.start(), obj[1]) if obj else m.start()
    end = max(m.end(), obj[2]) if obj else m.end()
    return _item(rule.intent, obj[0] if obj else None, speaker, confidence, start, end, cue)


def _item(intent: str, obj: str | None, speaker: str | None, confidence: float, start: int,
          end: int, cue: str, amount: float | None = None,
          currency: str | None = None) -> dict[str, Any]:
    return {"intent": intent, "object": obj, "speaker": speaker,
            "confidence": round(max(0.05, min(0.99, confidence)), 2), "start": start, "end": end,
            "cue": cue, "amount": amount, "currency": currency}


def _questions(norm: str, text: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    addressed = norm.lstrip().startswith("@")
    for sent in SENTENCE_RE.finditer(norm):
        body = sent.group()
        cue = QUESTION_CUES.search(body)
        asks = body.rstrip().endswith("?")
        if cue is None and not (asks and _CARE_RE.search(body) and not _SMALL_TALK.search(body)):
            continue
        s0, s1 = sent.start(), sent.end()
        c0 = s0 + (cue.start() if cue else len(body) - len(body.lstrip()))
        c1 = s0 + cue.end() if cue else c0
        obj = _object_in_sentence(text, s0, c0, c1, s1, mention_first=False)
        if obj is None and addressed:
            first = _MENTION.search(norm)
            obj = (first.group(), first.start(), first.end()) if first else None
        confidence = 0.8 if cue and asks else 0.7 if cue else 0.6
        start = s0 + len(body) - len(body.lstrip())
        end = s0 + len(body.rstrip())
        out.append(_item("question", obj[0] if obj else None, "first_person", confidence,
                         start, end, text[c0:c1] if cue else "?"))
    return out


_NOT_A_PRICE = re.compile(r"\b(?:donat\w*|gave|give|giving|raised?|raising|win|won|winning|prize|reward|"
                          r"fined?|seized|stole|stolen|debt|owe[sd]?|bail)\s+(?:\w+\s+)?$", re.IGNORECASE)
_ASKS_FOR = re.compile(r"\b(?:you|y'all|yall|u|anyone|anybody|someone|somebody|any1|would|which one)\s+"
                       r"(?:\w+\s+)?$", re.IGNORECASE)
# "$400 in her paycheck", "$50 in my account": money someone has, not the price of anything
_HELD_AFTER = re.compile(r"\s*(?:in|into|on) (?:my|her|his|their|our|your|the) (?:\w+ )?"
                         r"(?:paycheck|pay ?check|account|bank|wallet|pocket|purse|savings|salary)\b",
                         re.IGNORECASE)
_ATTRIBUTIVE = re.compile(r"\b(?:the|your|their|its|his|her)\s+$", re.IGNORECASE)
_PRICE_FOR = re.compile(r"\s*for\s+", re.IGNORECASE)
_SPENT_ON = re.compile(r"\s*on\s+", re.IGNORECASE)  # "spent $500 on shoes", not "$40 on sale"
_PAID = re.compile(r"(?:paid|spent|spend|spending|pay|paying|costs? me|dropped|blew)\s*$", re.IGNORECASE)


def _prices(norm: str, text: str, words: frozenset[str]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for money in find_money(norm, words):
        if _NOT_A_PRICE.search(norm, max(0, money.start - 25), money.start):
            continue  # a donation, a prize, a fine, a debt: money, but nothing is being priced
        if _HELD_AFTER.match(norm, money.end):
            continue
        obj: tuple[str, int, int] | None = None
        before = norm[max(0, money.start - 40):money.start]
        paid = _PAID.search(before)
        after = _PRICE_FOR.match(norm, money.end) or (_SPENT_ON.match(norm, money.end) if paid else None)
        if after:
            obj = object_after(text, after.end())
        if obj is None or not obj[0]:
            obj = object_before(text, money.start)
        speaker = "first_person" if paid else None
        if speaker and re.search(r"\b(?:he|she|they)\s+\w*\s*$", before, re.IGNORECASE):
            speaker = "other"
        start = min(money.start, obj[1]) if obj else money.start
        end = max(money.end, obj[2]) if obj else money.end
        out.append(_item("price", obj[0] if obj else None, speaker, 0.9, start, end,
                         text[money.start:money.end], money.amount, money.currency))
    return out


def _dedupe(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Keep the most confident of overlapping items with the same intent."""
    items.sort(key=lambda x: (-x["confidence"], x["start"]))
    kept: list[dict[str, Any]] = []
    for it in items:
        if any(k["intent"] == it["intent"] and k["start"] < it["end"] and it["start"] < k["end"]
               for k in kept):
            continue
        kept.append(it)
    kept.sort(key=lambda x: (x["start"], x["intent"]))
    return kept
