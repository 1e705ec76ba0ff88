"""Commerce and customer-care cues as regular expressions over the post text.

Each :class:`Rule` finds a cue ("just bought", "cancel my subscription", "highly recommend");
the object (product, brand or service) is the short noun phrase after the cue, or before it for
cues that follow their object ("... is a rip-off"). Who holds the intent is read from the words
just before the cue (I/we -> the author; he/she/my wife -> someone else; tweets often drop the
subject, so "Just ordered ..." is the author too, with a little less confidence).

Regexes run on the original text (case-insensitively), so every offset indexes
``enrichment.post.text`` directly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Side = Literal["after", "before", "none"]

INTENTS = ("want_to_buy", "bought", "recommend", "complain", "question", "churn", "sell", "price")

_I = r"(?:i|i'm|im|i am|i've|ive|i have|i'll|ill|i will|i'd|id|we|we're|we've|we'll|we'd)"
_BUY = r"(?:buy|get|order|purchase|grab|cop|pick up|pre-?order|invest in|upgrade to)"
_BUYING = r"(?:buying|getting|ordering|purchasing|grabbing|copping|picking up|pre-?ordering|upgrading to)"
_DET = r"(?:a|an|the|some|that|this|those|these|my|our|another|one|new|more)"
# "so annoyed with everyone", "disappointed in myself": frustration with people is not a complaint
# about a product or service
_PEOPLE = (r"(?:everyone|everybody|people|ppl|myself|yourself|yourselves|ourselves|him|her|them|"
           r"humans|humanity|life|my (?:life|self|mom|mum|dad|parents|family|friends?|brother|sister|"
           r"bf|gf|boyfriend|girlfriend|husband|wife|son|daughter|kids))")


@dataclass(frozen=True, slots=True)
class Rule:
    intent: str
    pattern: re.Pattern[str]
    confidence: float
    side: Side = "after"
    needs_object: bool = False  # drop the match when no object phrase follows
    default_speaker: str | None = "first_person"
    negatable: bool = True  # "don't want to buy", "never bought": the cue is negated, skip it
    # words a match must contain (one from each set): a set lookup skips the regex on most posts
    when: tuple[frozenset[str], ...] = ()

    def may_match(self, words: frozenset[str]) -> bool:
        return all(not group.isdisjoint(words) for group in self.when)


def _r(intent: str, pattern: str, confidence: float, *, flags: int = re.IGNORECASE,
       when: tuple[str, ...] = (), **kw: object) -> Rule:
    groups = tuple(frozenset(w.split()) for w in when)
    return Rule(intent, re.compile(pattern, flags), confidence, when=groups, **kw)  # type: ignore[arg-type]


WORD_RE = re.compile(r"[a-z0-9']+")
_BUY_W = "buy get order purchase grab cop pick preorder pre invest upgrade"
_STRICT_BUY = r"(?:buy|order|purchase|cop|pre-?order|invest in|upgrade to|buying|ordering|purchasing|" \
              r"copping|pre-?ordering|upgrading to)"
_STRICT_BUY_W = "buy order purchase cop preorder pre invest upgrade buying ordering purchasing copping " \
                "preordering upgrading"
_BUYING_W = "buying getting ordering purchasing grabbing copping picking preordering upgrading"


RULES: tuple[Rule, ...] = (
    # -- want / plan to buy ---------------------------------------------------------------
    _r("want_to_buy", rf"\b{_I}\s+(?:really\s+|so\s+|badly\s+|kinda\s+|seriously\s+|just\s+)?"
       rf"(?:want|wanna|need|needa|gotta|have to|must)\s+(?:to\s+)?{_BUY}\b", 0.85,
       when=("want wanna need needa gotta have must", _BUY_W)),
    _r("want_to_buy", rf"\b(?:thinking (?:about|of)|considering|planning (?:on|to)|plan to|going to|"
       rf"gonna|about to|ready to|tempted to|might|may|can't wait to|cant wait to|finna|tryna|"
       rf"trying to|will|saving (?:up )?(?:for|to))\s+(?:finally\s+)?(?:{_STRICT_BUY})\b", 0.75,
       when=(_STRICT_BUY_W,)),
    # "gonna get a new laptop": get + determiner, and the object must look like a thing to buy
    _r("want_to_buy", r"\b(?:thinking (?:about|of)|considering|planning (?:on|to)|going to|gonna|"
       r"about to|tempted to|can't wait to|cant wait to|finna|saving (?:up )?to)\s+(?:finally\s+)?"
       r"(?:get|getting|grab|grabbing|pick up|picking up)\s+(?=(?:a|an|some|one|new|myself|me|a new|"
       r"another)\b)", 0.6, needs_object=True,
       when=("get getting grab grabbing pick picking", "thinking considering planning going gonna about "
             "tempted wait can't cant finna saving")),
    _r("want_to_buy", r"\b(?:saving up for|in the market for|shopping for|on the hunt for|"
       r"looking (?:to buy|for a new|to get|to upgrade)|on my wish ?list|need a new|want a new|"
       r"wants? (?:one|that|this) so bad|i'd love (?:a new|to own)|"
       r"take my money|shut up and take my money)\b", 0.75,
       when=("saving market shopping hunt looking wish wishlist need want wants love money",)),
    _r("want_to_buy", rf"\b(?:where|how) (?:(?:can|do|should|could) (?:i|we|you)|(?:i|we) (?:can|could)"
       rf"|to) (?:{_BUY}|find)\b", 0.8,
       when=("where how", _BUY_W + " find")),
    _r("want_to_buy", rf"\b(?:should (?:i|we) (?:{_BUY}|go with)|do (?:i|we) (?:buy|order|go with))\b", 0.7,
       when=("should do", _BUY_W + " go")),
    _r("want_to_buy", r"\b(?:what|which) (?P<obj>[\w'&+-]+(?: [\w'&+-]+)?) (?:should|would|do|to) (?:i |we )?"
       r"(?:buy|get|order|go with|choose|pick)\b", 0.8,
       when=("what which", "buy get order go choose pick")),
    _r("want_to_buy", rf"\b(?:he|she|they|my (?:mom|mum|dad|wife|husband|gf|bf|girlfriend|boyfriend|"
       rf"brother|sister|son|daughter|friend|boss|partner|parents|kids))(?:'s| is| are)? (?:really |"
       rf"so |finally )?(?:wants?|needs?|going|planning|thinking|about|trying|saving up)"
       rf"(?: to| of| about| on| for)? (?:{_BUY}|{_BUYING})\b", 0.75, default_speaker="other",
       when=(_BUY_W + " " + _BUYING_W, "he she they my he's she's they're")),
    _r("want_to_buy", rf"\b{_I}\s+(?:really\s+|so\s+|badly\s+|seriously\s+)?(?:want|need|wanna)\s+"
       r"(?=(?:a|an|new|another|one of those)\b(?:\s+[\w'&+-]+){1,4}\s*(?:[.,!?;:]|$|so\b|but\b|for\b|"
       r"asap\b|now\b|lol\b|already\b|too\b|#|@|\bsoon\b))", 0.55, needs_object=True,
       when=("want need wanna",)),
    _r("want_to_buy", r"\badd(?:ed|ing)? (?:it |this |these |them )?to (?:my )?(?:cart|basket|wish ?list)\b",
       0.7, side="none",
       when=("cart basket wishlist wish",)),
    # -- bought / own ---------------------------------------------------------------------
    _r("bought", r"\b(?:just |finally |recently |already |also |today i |i |we |i've |we've |i just |"
       r"we just )?(?:bought|purchased|ordered|pre-?ordered|copped|snagged|splurged on|"
       r"treated myself to|picked up|got myself|invested in|upgraded to|paid for)\b", 0.8,
       needs_object=True,
       when=("bought purchased ordered preordered pre copped snagged splurged "
             "treated picked got invested upgraded paid",)),
    _r("bought", rf"\b(?:just|finally|recently) got (?=(?:{_DET}|me|myself)\b)", 0.7,
       needs_object=True,
       when=("got", "just finally recently")),
    _r("bought", r"\b(?:i|we)(?: own\b(?= (?:a|an|the|two|three|\d|this|that|my|one)\b)|(?:'ve| have) "
       r"(?:had|owned)\b(?= (?:my|our|this|that)\b))", 0.7, needs_object=True,
       when=("own owned had",)),
    _r("bought", r"\b(?:loving|love|enjoying|obsessed with|set up|setting up|unboxing) my new\b", 0.75,
       needs_object=True,
       when=("new",)),
    _r("bought", r"\bgot (?:a|an|the|my|me|myself|some) "
       r"(?=[^.!?]{1,40}?\bfor (?:only |just )?[$€£¥]?\d)", 0.7,
       needs_object=True,
       when=("got",)),
    _r("bought", r"\bbest (?:purchase|thing) (?:i|we)(?:'ve)? (?:ever )?(?:made|bought)\b", 0.75,
       side="before",
       when=("best",)),
    _r("bought", r"\bmy (?:order|package|parcel|delivery) (?:finally )?(?:arrived|came|is here)\b",
       0.75, side="none",
       when=("order package parcel delivery",)),
    # -- recommend ------------------------------------------------------------------------
    _r("recommend", r"\b(?:(?:highly|strongly|definitely|totally|really|100%|10/10|would|i|we|i'd|"
       r"id|i'll|always|so|def) )?recommend(?:s|ed|ing)?\b", 0.85,
       when=("recommend recommends recommended recommending",)),
    _r("recommend", r"\b(?:can't|cannot|cant) recommend(?=(?: [\w'&.#@+-]+){1,4} enough\b)", 0.9,
       negatable=False,
       when=("recommend",)),
    _r("recommend", r"\b(?:you|y'all|yall|everyone|everybody|u|people) (?:should|need to|have to|"
       r"gotta|must|needa|oughta) (?:definitely |totally |really |all )?(?:try|get|buy|check out|"
       r"download|grab|order|pick up|invest in|switch to|go to)\b", 0.8, needs_object=True,
       when=("you y'all yall everyone everybody u people", "should need have gotta must needa oughta")),
    _r("recommend", r"\b(?:go (?:get|buy|try)|try out|get yourself)\b", 0.55,
       needs_object=True,
       when=("go try get",)),
    _r("recommend", r"\b(?:worth every (?:penny|cent)|best purchase|best thing i(?:'ve)? ever bought|"
       r"must-have|a must have|must haves|(?:can't|cannot) live without|"
       r"10/10 would buy again|"
       r"would buy again)\b", 0.7, side="before",
       when=("worth best must can't cannot life would game",)),
    _r("recommend", r"\bwould (?:definitely |totally |100% )?buy(?=(?: [\w'&.+-]+){1,4} again\b)", 0.8,
       when=("again",)),
    # -- complain -------------------------------------------------------------------------
    _r("complain", r"\b(?:would not|wouldn't|do not|don't|never|won't|can't|cannot|cant|wont|dont)"
       r" (?:ever )?recommend\b(?!(?: [\w'&.#@+-]+){1,4} enough\b)", 0.85, negatable=False,
       when=("recommend",)),
    _r("complain", r"\b(?:still|been|keep|kept) waiting (?:for|on) (?:my|our|a|the|your|their|any)?\s?"
       r"(?:[\w'-]+ )?(?:order|refund|package|parcel|delivery|reply|response|callback|call back|"
       r"replacement|technician|engineer|money|email|answer|flight|bag|luggage|shipment|repair|"
       r"confirmation|update|tracking|voucher|credit)s?\b", 0.8, negatable=False,
       when=("waiting",)),
    # product failures
    _r("complain", r"\b(?:stopped working|keeps? (?:crashing|freezing|breaking|dropping (?:calls|out|"
       r"connection)|failing|disconnecting|dying|glitching|buffering|logging me out|cancell?ing)|"
       r"broke (?:again|after (?:a|one|two|three|\d+) (?:day|week|month)s?)|(?:car|van|truck|bus|train|"
       r"washer|dryer|machine|fridge|boiler|heater) broke down|"
       r"(?:doesn't|does not|won't|will not|isn't|is not|aren't|not|never) "
       r"(?:work|working|turn on|charge|charging|load|loading|connect|connecting)|"
       r"(?:car|engine|it|van|truck|laptop|phone|pc|computer) (?:won't|wont|will not) start|"
       r"is down again|(?:app|site|website|server|servers|service|internet|wifi|network|system|account|"
       r"phone|line|lines|website|portal|checkout|payment|payments) (?:is|are|was) (?:down|broken|"
       r"out of service)|"
       r"no (?:signal|service|wifi|internet) (?:again|all day|for))\b", 0.75, side="none",
       negatable=False, when=("working keep keeps kept broke work turn charge charging load loading "
                              "connect connecting start starting down broken service signal wifi internet",)),
    # billing
    _r("complain", r"\b(?:overcharged|double charged|charged (?:me )?twice|(?:been|was) (?:charged|billed) "
       r"for)\b", 0.75, side="none", negatable=False, when=("overcharged charged billed",)),
    # orders and deliveries
    _r("complain", r"\b(?:never (?:arrived|came|showed up|received)|(?:hasn't|has not|still hasn't|haven't|"
       r"have not) (?:arrived|shipped|been delivered|received)|(?:lost|damaged|broke) my (?:package|parcel|"
       r"luggage|bag|order|suitcase)|cancell?ed my (?:flight|order|booking|reservation)|"
       r"wrong (?:order|item|size|drink|food|colou?r|address)|missing (?:\w+ )?(?:items?|parts?|burger|"
       r"fries|drink|pieces?)|missing from my order|(?:came|arrived|showed up|turned up)(?: \w+){0,3} late|"
       r"(?:food|order|fries|pizza|meal|coffee) (?:was|is|came|arrived) (?:cold|wrong|late|missing|soggy)|"
       r"nowhere to be found|marked (?:as )?delivered but|never got (?:it|my)|broken on arrival|"
       r"dead on arrival)\b", 0.75, side="none", negatable=False,
       when=("arrived came showed received shipped delivered lost damaged broke cancelled canceled wrong "
             "missing late cold soggy nowhere got arrival",)),
    # service
    _r("complain", r"\b(?:(?:on|put on) hold for|hung up on me|(?:nobody|no one|noone) (?:is )?(?:answering|"
       r"responding|helping|replying)|(?:terrible|awful|horrible|worst|pathetic|useless|shocking|"
       r"appalling|abysmal|shit|shitty|trash|garbage|lousy|non-?existent|rude) (?:customer )?(?:service|"
       r"support|experience|app|product|quality|company|delivery|wifi|internet|signal|connection|update|"
       r"airline|staff|food|coverage|packaging)|(?:customer )?(?:service|support) (?:is|was|has been) "
       r"(?:terrible|awful|the worst|useless|a joke|horrible|non-?existent|shocking|appalling|pathetic))\b",
       0.75, side="none", negatable=False,
       when=("hold hung answering responding helping replying service support experience app product "
             "quality company delivery wifi internet signal connection update airline staff food coverage "
             "packaging",)),
    # money back
    _r("complain", r"\b(?:rip[- ]?off|ripped (?:me )?off|scam(?:med)?|false advertising|want (?:a|my) refund|"
       r"demand(?:ing)? a refund|refund me|give me my money back|(?:a )?waste of money)\b", 0.75,
       side="none", negatable=False, when=("rip ripoff ripped scam scammed advertising refund money",)),
    # frustration
    _r("complain", r"\b(?:(?:(?:so|very|extremely|really) (?:disappointed|frustrated|annoyed|fed up) "
       r"(?:with|by|in)|"
       r"(?:disappointed|frustrated|fed up|sick of|tired of|done dealing) with)"
       rf"(?! {_PEOPLE}\b)|"
       r"unacceptable|(?:service|support|app|lines?|queues?|delivery|company|airline|"
       r"wifi|internet|product|update|prices?|fight|website|site|store|customer service) (?:is|are|was) "
       r"a joke)\b", 0.75, side="none",
       negatable=False,
       when=("disappointed frustrated annoyed fed sick tired done fix sort unacceptable joke",)),
    # -- churn ----------------------------------------------------------------------------
    _r("churn", r"\b(?:cancell?(?:ed|ing)?|cancel|ending|terminat(?:e|ed|ing)|closing|closed|"
       r"deactivat(?:e|ed|ing)|delet(?:e|ed|ing)) (?:my|our) (?=(?:[\w'&.+-]+ ){0,3}"
       r"(?:subscription|sub|membership|account|contract|plan|service|policy|card|order)\b)",
       0.85, needs_object=True, negatable=False,
       when=("cancel cancelled canceled cancelling canceling ending terminate "
             "terminated terminating closing closed deactivate deactivated "
             "deactivating delete deleted deleting",)),
    _r("churn", r"\b(?:switch(?:ing|ed)?|mov(?:e|ing|ed)|changing|changed) (?:over )?from\b", 0.8,
       needs_object=True, negatable=False,
       when=("from",)),
    _r("churn", r"\b(?:never (?:buying|shopping|ordering|flying|using|going back|eating|staying|"
       r"booking)(?: (?:from|with|at|to))?|never again (?:with|will i (?:use|buy from|fly with))|"
       r"(?:i'll|ill|i will|we'll|we will) never (?:shop|buy|order|fly|use|eat|stay|book)"
       r"(?: (?:from|with|at|to))?|"
       r"(?:i'm|im|i am|we're|so) done with|unsubscrib(?:e|ed|ing) from|uninstall(?:ed|ing)?|"
       r"(?:last|final) time (?:i'm |i am |i )?(?:buying|ordering|flying|using|booking)"
       r"(?: (?:from|with|at))?|(?:i'm|im|i am|we're|we are) (?:leaving|quitting|ditching|dropping))\b",
       0.7, needs_object=True, negatable=False,
       when=("never done unsubscribe unsubscribed unsubscribing uninstall "
             "uninstalled uninstalling last final leaving quitting ditching "
             "dropping goodbye bye",)),
    _r("churn", r"\b(?:[Cc]ancell?(?:ed|ing)?|[Cc]ancel|CANCELL?(?:ED|ING)?) (?:my|our|MY|OUR) "
       r"(?=[A-Z])", 0.8,
       needs_object=True, negatable=False, flags=0,
       when=("cancel cancelled canceled cancelling canceling",)),
    # -- sell -----------------------------------------------------------------------------
    _r("sell", r"(?<![\w-])(?<!best )(?<!top )(?:i'm |im |i am |we're |we are |currently |now )?"
       r"(?:selling|auctioning|"
       r"getting rid of|letting go of|parting with)(?! (?:out|fast|like hot cakes|point|of)\b)\b"
       r"(?= (?:my|our|a|an|two|three|four|some|these|this|that|those|the|\d|tickets?\b|(?-i:[A-Z])))", 0.8,
       needs_object=True,
       when=("selling auctioning getting letting parting",)),
    _r("sell", r"\b(?:any ?one|anybody|who) (?:else )?(?:wants?|wanna|interested in|needs?)(?: to buy)? "
       r"(?:a |an |my |two |three |\d+ |some |a couple of |a pair of )?(?:[\w'&-]+ ){0,4}?tickets?\b", 0.7,
       side="none", when=("ticket tickets", "anyone any anybody who")),
    _r("sell", r"\b(?:want|wanna|need|looking|trying|going|planning) to sell\b", 0.85,
       when=("sell",)),
    _r("sell", r"\b(?:for sale|wts|up for grabs|(?:or best offer|o\.?b\.?o)|"
       r"(?:dm|pm|message) (?:me )?(?:if interested|for (?:price|details|offers))|"
       r"anyone (?:want|interested in) (?:buying )?my|make me an offer|taking offers)\b", 0.8,
       side="before",
       when=("sale wts grabs offer obo o dm pm message anyone offers",)),
)

# Help-seeking questions; any question addressed to an account counts too (customer care).
QUESTION_CUES = re.compile(
    r"\b(?:how (?:do|can|should|would) (?:i|we)|how do you (?:fix|reset|change|cancel|turn|set|get rid|"
    r"unsubscribe|return|use)|where (?:can|do|should) (?:i|we) (?:buy|get|find|order|watch|stream|"
    r"download|return|exchange|send|contact|complain|report|pick up|redeem)|where (?:is|are) (?:my|our)|"
    r"(?:(?:does|do) )?(?:anyone|anybody|someone|somebody|any1) (?:know|have|use|recommend|tried|"
    r"else (?:have|having|getting))|"
    r"can (?:anyone|anybody|someone|somebody|you) (?:help|recommend|tell|explain|fix)|"
    r"(?<!need )(?<!needs )(?<!want )any (?:recommendations|recs|suggestions|advice|tips|ideas)|"
    r"is (?:it|there) (?:a way|worth)|"
    r"which (?:\w+ ){0,3}(?:should|would|do) (?:i|you) (?:buy|get|choose|pick|recommend|use|go with)|"
    r"what (?:\w+ ){0,3}should i (?:get|buy|use)|"
    r"(?:does|do|will|would) (?:the|my|your|this) [\w ]{1,30}(?:cover|include|come with|work with|"
    r"support|ship|fit)|"
    r"why (?:is|does|won't|wont|isn't|can't|cant|did|has|hasn't) (?:my|your)|"
    r"when (?:will|is|does) (?:my|your) (?:[\w'-]+ )?(?:order|refund|package|parcel|delivery|"
    r"replacement|repair|flight|bag|luggage|account|card|money|credit|voucher|shipment|item|items))\b",
    re.IGNORECASE,
)
# a question that names one of these is a customer-care question even without a help cue
_CARE_WORDS = """order orders refund refunds delivery deliver delivered shipping shipped ship package parcel
    account app bill billing charge charged subscription plan price prices cost costs store
    shop stock restock warranty return exchange size sizes available availability discount code
    coupon sale booking reservation flight service wifi internet update version battery screen
    purchase product replacement voucher payment card login password download install crash
    crashes crashing error outage signal checkout cart membership"""
CARE_WORDS = frozenset(_CARE_WORDS.split())
# a post can hold a help-seeking question only if it has a "?" or one of these words
_QUESTION_WORDS = """how where anyone anybody someone somebody any1 any which what why when
    worth way recommend help tell explain fix cover include come work support ship fit"""
QUESTION_WORDS = frozenset(_QUESTION_WORDS.split())
SENTENCE_RE = re.compile(r"[^.!?\n]+[.!?]*")

def _index(rules: tuple[Rule, ...]) -> dict[str, tuple[int, ...]]:
    """word -> indexes of the rules whose first trigger set holds it."""
    index: dict[str, list[int]] = {}
    for n, rule in enumerate(rules):
        for word in rule.when[0] if rule.when else ():
            index.setdefault(word, []).append(n)
    return {w: tuple(ns) for w, ns in index.items()}


RULE_INDEX = _index(RULES)
UNTRIGGERED = tuple(n for n, rule in enumerate(RULES) if not rule.when)


def candidate_rules(words: frozenset[str]) -> list[Rule]:
    """The rules whose trigger words all occur in ``words``, in declaration order."""
    found: set[int] = set(UNTRIGGERED)
    for word in words:
        hit = RULE_INDEX.get(word)
        if hit:
            found.update(hit)
    return [RULES[n] for n in sorted(found) if RULES[n].may_match(words)]


_SELF = re.compile(rf"(?:^|\W){_I}(?:\s+(?:just|finally|really|already|also|actually|totally|"
                   r"definitely|literally|honestly|probably|def|so|still|never|might|will|would|"
                   r"have|had|am|was|do|did))*\s*$|(?:^|\W)(?:my|our|me|myself)\s+$", re.IGNORECASE)
_OTHER = re.compile(r"(?:^|\W)(?:he|she|they|he's|she's|they're|his|her|their|you|you've|you're|u|"
                    r"(?:a|the|this|some|one) (?:guy|man|woman|girl|lady|dude|kid|person|customer|couple|"
                    r"friend|family)|my (?:dads?|moms?|mums?|"
                    r"wife|husband|gf|bf|girlfriend|boyfriend|brother|sister|son|daughter|friend|"
                    r"boss|roommate|partner|parents|kids|neighbou?r)|(?:mom|mum|dad|wife|husband)"
                    r")(?:\s+\w+){0,2}\s*$", re.IGNORECASE)
# "should've bought", "wish I had ordered": a purchase that did not happen
_NEGATION = re.compile(r"(?:^|\W)(?:if|unless|whether|not|never|don't|dont|do not|didn't|didnt|did not|"
                       r"should've|shouldve|should have|shoulda|could've|could have|coulda|"
                       r"would've|would have|wish (?:i|we)(?: had|'d)?|"
                       r"won't|wont|"
                       r"wouldn't|wouldnt|no longer|can't|cant|cannot|shouldn't|shouldnt|isn't|"
                       r"haven't|havent|have not|hasn't|hasnt|has not|"
                       r"ain't|aint)(?:\s+\w+){0,2}\s*$", re.IGNORECASE)


def speaker_before(text: str, start: int, default: str | None) -> tuple[str | None, bool]:
    """Who holds the cue at ``start``, and whether the subject was explicit."""
    window = text[max(0, start - 40):start]
    if _SELF.search(window):
        return "first_person", True
    if _OTHER.search(window):
        return "other", True
    return default, False


def negated_before(text: str, start: int) -> bool:
    return bool(_NEGATION.search(text[max(0, start - 25):start]))
