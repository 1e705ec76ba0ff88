"""Bio cues from lexicons written for this project: pronouns, gendered role words, occupation,
parenthood, relationship, interests, and (only when enabled) sensitive categories."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_PRONOUN_SET = re.compile(
    r"\b(she|he|they|ze|xe|it)\s*/\s*(her|hers|him|his|them|theirs|they|she|he|zir|xem|it|its)"
    r"(?:\s*/\s*(her|hers|him|his|them|theirs|they|she|he))?\b",
    re.IGNORECASE,
)
_NONBINARY_WORDS = re.compile(r"\b(non[- ]?binary|enby|genderqueer|genderfluid|agender)\b", re.IGNORECASE)
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")

FEMALE_ROLES = frozenset(
    [
        "mom",
        "mommy",
        "mum",
        "mummy",
        "mother",
        "mama",
        "momma",
        "wife",
        "wifey",
        "girlfriend",
        "girl",
        "gal",
        "sister",
        "daughter",
        "grandma",
        "grandmother",
        "granny",
        "nana",
        "aunt",
        "auntie",
        "lady",
        "queen",
        "princess",
        "actress",
        "waitress",
        "hostess",
        "fiancee",
        "bride",
        "woman",
        "businesswoman",
        "sis",
        "diva",
        "housewife",
        "stepmom",
    ]
)
MALE_ROLES = frozenset(
    [
        "dad",
        "daddy",
        "father",
        "papa",
        "husband",
        "hubby",
        "boyfriend",
        "guy",
        "boy",
        "brother",
        "son",
        "grandpa",
        "grandfather",
        "uncle",
        "gentleman",
        "king",
        "prince",
        "actor",
        "waiter",
        "fiance",
        "groom",
        "man",
        "businessman",
        "bro",
        "dude",
        "stepdad",
    ]
)
# After "my", a partner word describes the partner: "my wife" is said by a husband or wife.
_PARTNER = {
    "wife": "husband",
    "wifey": "husband",
    "girlfriend": "boyfriend",
    "fiancee": "fiance",
    "husband": "wife",
    "hubby": "wife",
    "boyfriend": "girlfriend",
    "fiance": "fiancee",
}
_POSSESSIVE = frozenset({"my", "his", "her", "our", "their", "your"})

OCCUPATIONS: dict[str, str] = {
    **dict.fromkeys(["student", "undergrad", "undergraduate", "freshman", "sophomore", "pupil"], "student"),
    **dict.fromkeys(["teacher", "educator", "professor", "lecturer", "tutor", "instructor"], "teacher"),
    **dict.fromkeys(["nurse", "rn"], "nurse"),
    **dict.fromkeys(["doctor", "physician", "md", "surgeon", "dentist", "pharmacist"], "doctor"),
    **dict.fromkeys(["engineer", "engineering"], "engineer"),
    **dict.fromkeys(["developer", "programmer", "coder", "dev", "webdev", "devops"], "developer"),
    **dict.fromkeys(["artist", "painter", "illustrator", "designer"], "artist"),
    **dict.fromkeys(["writer", "author", "novelist", "poet", "blogger"], "writer"),
    **dict.fromkeys(["journalist", "reporter", "editor", "correspondent", "anchor"], "journalist"),
    **dict.fromkeys(["founder", "cofounder", "co-founder", "entrepreneur"], "founder"),
    **dict.fromkeys(["ceo", "cto", "cfo", "coo", "president", "director"], "executive"),
    **dict.fromkeys(["manager", "marketer", "marketing"], "manager"),
    **dict.fromkeys(
        ["musician", "singer", "rapper", "songwriter", "guitarist", "drummer", "producer", "dj"], "musician"
    ),
    **dict.fromkeys(["photographer", "videographer", "filmmaker"], "photographer"),
    **dict.fromkeys(["lawyer", "attorney", "paralegal"], "lawyer"),
    **dict.fromkeys(["scientist", "researcher", "phd", "postdoc"], "scientist"),
    **dict.fromkeys(["athlete", "footballer", "player", "coach", "trainer"], "athlete"),
    **dict.fromkeys(["chef", "cook", "baker"], "chef"),
    **dict.fromkeys(["consultant", "analyst", "accountant", "banker"], "consultant"),
    **dict.fromkeys(["actor", "actress", "comedian", "model"], "performer"),
    **dict.fromkeys(["realtor"], "realtor"),
    **dict.fromkeys(["pastor", "priest", "minister"], "clergy"),
    **dict.fromkeys(["veteran", "soldier", "marine"], "military"),
    **dict.fromkeys(["youtuber", "streamer", "vlogger", "influencer", "podcaster"], "creator"),
}
_PARENT = re.compile(
    r"\b(mom|mum|mother|mama|dad|father|papa|parent)\s+(of|to)\b|"
    r"\b(momlife|dadlife|mommy|daddy|grandma|grandpa|grandmother|grandfather|"
    r"proud (mom|dad|mother|father|parent)|stepmom|stepdad|boymom|girlmom)\b",
    re.IGNORECASE,
)
RELATIONSHIP: dict[str, str] = {
    **dict.fromkeys(["married", "wife", "husband", "hubby", "wifey", "spouse"], "married"),
    **dict.fromkeys(["engaged", "fiance", "fiancee"], "engaged"),
    **dict.fromkeys(["girlfriend", "boyfriend", "taken"], "in_relationship"),
    **dict.fromkeys(["single"], "single"),
    **dict.fromkeys(["divorced"], "divorced"),
    **dict.fromkeys(["widow", "widower"], "widowed"),
}
INTERESTS: dict[str, str] = {
    **dict.fromkeys(
        [
            "music",
            "musician",
            "songs",
            "concerts",
            "guitar",
            "piano",
            "singing",
            "hiphop",
            "rap",
            "kpop",
            "edm",
        ],
        "music",
    ),
    **dict.fromkeys(
        [
            "football",
            "soccer",
            "basketball",
            "baseball",
            "hockey",
            "nfl",
            "nba",
            "mlb",
            "nhl",
            "cricket",
            "rugby",
            "golf",
            "tennis",
            "sports",
            "sport",
        ],
        "sports",
    ),
    **dict.fromkeys(
        ["gaming", "gamer", "games", "xbox", "playstation", "ps4", "nintendo", "esports", "twitch"], "gaming"
    ),
    **dict.fromkeys(["fashion", "style", "beauty", "makeup"], "fashion_beauty"),
    **dict.fromkeys(["travel", "traveler", "traveller", "wanderlust"], "travel"),
    **dict.fromkeys(
        ["food", "foodie", "cooking", "baking", "recipes", "coffee", "wine", "beer"], "food_drink"
    ),
    **dict.fromkeys(["fitness", "gym", "workout", "running", "runner", "yoga", "crossfit"], "fitness"),
    **dict.fromkeys(["tech", "technology", "coding", "startups", "ai", "crypto", "bitcoin"], "technology"),
    **dict.fromkeys(["art", "drawing", "painting", "design", "photography"], "art_photography"),
    **dict.fromkeys(["books", "reading", "reader", "bookworm", "literature"], "books"),
    **dict.fromkeys(["movies", "film", "films", "cinema", "tv", "netflix", "anime"], "film_tv"),
    **dict.fromkeys(["dogs", "cats", "pets", "animals"], "animals"),
    **dict.fromkeys(["science", "space", "astronomy"], "science"),
    **dict.fromkeys(["nature", "outdoors", "hiking", "camping", "fishing", "hunting"], "outdoors"),
}
SENSITIVE: dict[str, dict[str, str]] = {
    "religion": {
        **dict.fromkeys(
            ["christian", "jesus", "christ", "god", "catholic", "bible", "church"], "christianity"
        ),
        **dict.fromkeys(["muslim", "islam", "allah"], "islam"),
        **dict.fromkeys(["jewish", "judaism"], "judaism"),
        **dict.fromkeys(["hindu"], "hinduism"),
        **dict.fromkeys(["buddhist"], "buddhism"),
        **dict.fromkeys(["atheist", "agnostic"], "nonreligious"),
    },
    "politics": {
        **dict.fromkeys(["conservative", "republican", "gop", "maga", "patriot"], "right"),
        **dict.fromkeys(["liberal", "democrat", "progressive", "resist", "socialist"], "left"),
        **dict.fromkeys(["libertarian"], "libertarian"),
    },
    "ethnicity": {
        **dict.fromkeys(["latina", "latino", "latinx", "hispanic", "chicana", "chicano"], "hispanic_latino"),
        **dict.fromkeys(["desi"], "south_asian"),
        **dict.fromkeys(["blackgirlmagic", "melanin"], "black"),
        **dict.fromkeys(["indigenous"], "indigenous"),
    },
    "health": {
        **dict.fromkeys(
            [
                "diabetic",
                "diabetes",
                "cancer",
                "survivor",
                "autistic",
                "autism",
                "adhd",
                "depression",
                "anxiety",
                "spoonie",
                "chronic",
                "sober",
                "recovery",
                "bipolar",
                "ptsd",
            ],
            "health_condition",
        )
    },
}


@dataclass(slots=True)
class BioCues:
    pronouns: list[str] = field(default_factory=list)  # as written, e.g. "she/her"
    pronoun_signal: int = 0  # +1 she first, -1 he first, 0 none/other
    nonbinary: bool = False
    role_score: int = 0  # female role words minus male role words, capped at +-3
    role_words: list[str] = field(default_factory=list)
    occupations: list[str] = field(default_factory=list)
    parent: bool = False
    relationship: str | None = None
    interests: list[str] = field(default_factory=list)
    hashtags: list[str] = field(default_factory=list)
    words: list[str] = field(default_factory=list)


# The bio is lower-cased before matching; on ASCII text re.IGNORECASE then changes nothing
# but speed, so these case-sensitive copies of the all-lower-case patterns are used there.
_PRONOUN_SET_ASCII = re.compile(_PRONOUN_SET.pattern)
_NONBINARY_WORDS_ASCII = re.compile(_NONBINARY_WORDS.pattern)
_PARENT_ASCII = re.compile(_PARENT.pattern)
ASCII_COPIES = (_PRONOUN_SET_ASCII, _NONBINARY_WORDS_ASCII, _PARENT_ASCII)

# One set lookup per bio word decides whether any lexicon needs consulting (hot path).
_ANY_CUE = frozenset(FEMALE_ROLES | MALE_ROLES | OCCUPATIONS.keys() | RELATIONSHIP.keys()
                     | INTERESTS.keys())


def _dedupe(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def bio_cues(description: str | None) -> BioCues:
    cues = BioCues()
    if not description:
        return cues
    low = description.lower()
    ascii_text = low.isascii()
    if "/" in low:
        for m in (_PRONOUN_SET_ASCII if ascii_text else _PRONOUN_SET).finditer(low):
            cues.pronouns.append("/".join(g for g in m.groups() if g))
    if cues.pronouns:
        first = cues.pronouns[0].split("/")[0]
        cues.pronoun_signal = {"she": 1, "he": -1}.get(first, 0)
        cues.nonbinary = first in ("they", "ze", "xe")
    if (_NONBINARY_WORDS_ASCII if ascii_text else _NONBINARY_WORDS).search(low):
        cues.nonbinary = True
    words = _WORD.findall(low.replace("é", "e"))
    cues.words = words
    score = 0
    for i, w in enumerate(words):
        if w not in _ANY_CUE:
            continue
        prev = words[i - 1] if i else ""
        if w in FEMALE_ROLES or w in MALE_ROLES:
            if prev in _POSSESSIVE:
                if prev == "my" and w in _PARTNER:
                    own = _PARTNER[w]
                    score += 1 if own in FEMALE_ROLES else -1
                    cues.role_words.append(f"my {w}")
                continue  # "my mom" says nothing about the author
            score += 1 if w in FEMALE_ROLES else -1
            cues.role_words.append(w)
        occ = OCCUPATIONS.get(w)
        if occ:
            cues.occupations.append(occ)
        rel = RELATIONSHIP.get(w)
        if rel and cues.relationship is None and not (prev in _POSSESSIVE and prev != "my"):
            cues.relationship = rel
        interest = INTERESTS.get(w)
        if interest:
            cues.interests.append(interest)
    cues.role_score = max(-3, min(3, score))
    cues.parent = bool((_PARENT_ASCII if ascii_text else _PARENT).search(low))
    cues.hashtags = _dedupe(re.findall(r"#(\w+)", description))[:10] if "#" in description else []
    for tag in cues.hashtags:
        interest = INTERESTS.get(tag.lower())
        if interest:
            cues.interests.append(interest)
    cues.occupations = _dedupe(cues.occupations)
    cues.interests = _dedupe(cues.interests)
    return cues


def sensitive_cues(words: list[str]) -> dict[str, list[str]]:
    """Sensitive categories (religion, politics, ethnicity, health) named in a bio."""
    out: dict[str, list[str]] = {}
    for category, lexicon in SENSITIVE.items():
        found = _dedupe([lexicon[w] for w in words if w in lexicon])
        if found:
            out[category] = found
    return out
