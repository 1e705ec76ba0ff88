"""A spaCy tokenizer that keeps tweet tokens whole.

spaCy's English rules split ``#NewYork`` into ``#`` + ``NewYork``, ``$AAPL`` into ``$`` + ``AAPL``
and emoji sequences (skin tones, ZWJ families, flags) into their code points. For tweets those
are single units, so the tokenizer is adjusted in place:

* ``#`` / ``＃`` and ``$`` stop being prefixes when a word follows them, and a ``token_match``
  keeps hashtags, cashtags and @mentions whole (URLs are already kept by spaCy's ``url_match``);
* a structural emoji-sequence pattern comes first among prefixes and suffixes, so a whole
  sequence (base + modifiers + ZWJ parts, or a flag pair) is split off as one token.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spacy.language import Language

# Pictographic ranges (Unicode emoji blocks, dingbats, misc symbols); structural, not a list of
# every emoji, which keeps the regex small and fast.
_PICTO = (r"\u00a9\u00ae\u203c\u2049\u2122\u2139\u2194-\u21aa\u231a-\u23ff\u24c2\u25aa-\u25fe"
          r"\u2600-\u27bf\u2934\u2935\u2b00-\u2bff\u3030\u303d\u3297\u3299\U0001F000-\U0001FAFF")
_MODIFIERS = r"\ufe0e\ufe0f\u20e3\U0001F3FB-\U0001F3FF\U000E0020-\U000E007F"
_ATOM = rf"(?:[\U0001F1E6-\U0001F1FF]{{2}}|[#*0-9]\ufe0f?\u20e3|[{_PICTO}][{_MODIFIERS}]*)"
EMOJI_SEQUENCE = rf"{_ATOM}(?:\u200d{_ATOM})*"

HASHTAG = r"[#＃](?=[\w\u200c]*[^\W\d_])[\w\u200c]+"
CASHTAG = r"\$[A-Za-z]{1,6}(?:[._][A-Za-z]{1,2})?"
MENTION = r"[@＠]\w{1,30}"

_TOKEN_MATCH = re.compile(rf"^(?:{HASHTAG}|{CASHTAG}|{MENTION}|{EMOJI_SEQUENCE})$")


def tweet_tokenizer(nlp: Language) -> None:
    """Adjust ``nlp.tokenizer`` in place for tweets (see the module docstring)."""
    from spacy.util import compile_prefix_regex, compile_suffix_regex

    prefixes = [p for p in nlp.Defaults.prefixes or () if p not in ("#", r"\$")]
    prefixes = [EMOJI_SEQUENCE, r"[#＃](?!\w)", r"\$(?![A-Za-z])", *prefixes]
    suffixes = [EMOJI_SEQUENCE, *(nlp.Defaults.suffixes or ())]
    tok: Any = nlp.tokenizer
    tok.prefix_search = compile_prefix_regex(prefixes).search
    tok.suffix_search = compile_suffix_regex(suffixes).search
    tok.token_match = _TOKEN_MATCH.match
