"""Synthetic tweet-like posts for benchmarks and load tests.

Deterministic for a seed; written for this project (no real tweet text). The mix (hashtags,
mentions, links, emoji, prices, several languages, profiles with bios and locations, some
geotagged posts) exercises every family, so timings resemble real archives.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from ..post import Post

_OPENERS = [
    "Just tried the new", "Can't believe the", "Honestly the", "Thinking about buying a",
    "So disappointed with my", "Loving this", "Anyone else watching the", "Why is the",
    "Finally got my", "Never again with", "Best day ever at the", "Quick question about the",
    "Huge thanks to the team behind the", "Our city council voted on the", "Stuck in traffic near the",
    "My kids love the", "Reading about the", "Heading to the", "Worst customer service from",
]
_OBJECTS = [
    "coffee shop downtown", "phone update", "football match", "election debate", "pizza place",
    "concert tonight", "new album", "movie trailer", "electric car", "running shoes",
    "airline", "hotel in Lisbon", "stock market", "bitcoin rally", "science museum",
    "school board meeting", "weather forecast", "video game sequel", "skincare routine",
    "bank app", "delivery service", "laptop", "farmers market", "marathon", "TV series finale",
]
_TAILS = [
    "and it was amazing!", "... not impressed tbh", "what do you all think?", "10/10 would recommend",
    "absolutely loooove it", "SO ANNOYED right now", "for only $49.99", "again?!", "lol",
    "thanks for nothing", "can't wait for the weekend", "worth every penny", "price is €120 now",
    "help please", "see you there", "this is the future", "never buying again",
]
_FOREIGN = [
    ("es", "Hoy es un gran día para salir con amigos al parque"),
    ("fr", "Je suis vraiment content de ce nouveau restaurant à Paris"),
    ("de", "Das Wetter ist heute wirklich schön, wir gehen spazieren"),
    ("pt", "Que jogo incrível ontem à noite, estou muito feliz"),
    ("it", "Questa pizza è la migliore che abbia mai mangiato"),
    ("ar", "صباح الخير يا أصدقاء، يوم جميل اليوم"),
    ("hi", "आज का मौसम बहुत अच्छा है दोस्तों"),
    ("ja", "今日はとても良い天気ですね、散歩に行きましょう"),
]
_HASHTAGS = ["NewYork", "MondayMotivation", "tech", "WorldCup", "foodie", "crypto", "travel",
             "ClimateAction", "BlackFriday", "music", "health", "gaming", "ootd", "science"]
_CASHTAGS = ["AAPL", "TSLA", "BTC", "AMZN", "GOOG"]
_EMOJI = ["😂", "❤️", "🔥", "👍🏽", "😭", "🎉", "🙏", "😡", "🇺🇸", "☕", "⚽", "🚗"]
_FIRST = ["Maria", "James", "Aisha", "Wei", "Olivia", "Carlos", "Sofia", "Liam", "Priya", "Noah",
          "Emma", "Yuki", "Fatima", "Lucas", "Grace", "Omar", "Chloe", "Mateo", "Hannah", "Ethan"]
_LAST = ["Smith", "Garcia", "Chen", "Okafor", "Rossi", "Müller", "Khan", "Silva", "Brown", "Kim"]
_BRANDS = ["Acme Coffee", "Brightside Bank", "Nimbus Air", "Quickcart", "City News Desk"]
_LOCATIONS = ["New York, NY", "London, UK", "Paris", "Los Angeles, CA", "Toronto, Canada",
              "São Paulo, Brasil", "Earth", "in your heart", "Berlin", "Sydney NSW", "Lagos, Nigeria",
              "Philly", "Mumbai, India", "Tokyo", "", "she/her", "Chicago, IL", "Madrid, España"]
_BIOS = ["Coffee lover. Runner. Dad of 2.", "Software engineer @ somewhere. Opinions my own.",
         "Official account of {brand}. Customer care 9-5.", "22 y/o student | music | travel",
         "Nurse, mom, dreamer 🌸 she/her", "Retired teacher, grandma of 4", "",
         "Tech news and reviews daily", "Founder & CEO. Building things.", "they/them | artist"]
_SOURCES = ["Twitter for iPhone", "Twitter for Android", "Twitter Web App", "TweetDeck", "Buffer"]
_CITY_COORDS = [(-74.006, 40.7128), (-0.1276, 51.5072), (2.3522, 48.8566), (-118.2437, 34.0522),
                (139.6917, 35.6895), (-43.1729, -22.9068), (151.2093, -33.8688)]

_EPOCH = datetime(2021, 1, 1, tzinfo=UTC)


def _text(rng: random.Random, i: int) -> tuple[str, str]:
    if rng.random() < 0.12:
        lang, base = rng.choice(_FOREIGN)
        return lang, base + (" " + rng.choice(_EMOJI) if rng.random() < 0.5 else "")
    parts = [rng.choice(_OPENERS), rng.choice(_OBJECTS), rng.choice(_TAILS)]
    if rng.random() < 0.4:
        parts.insert(0, "@" + rng.choice(_FIRST).lower() + str(rng.randint(1, 99)))
    if rng.random() < 0.5:
        parts.append("#" + rng.choice(_HASHTAGS))
    if rng.random() < 0.1:
        parts.append("$" + rng.choice(_CASHTAGS))
    if rng.random() < 0.5:
        parts.append(rng.choice(_EMOJI))
    if rng.random() < 0.3:
        parts.append(f"https://t.co/{i:010x}")
    return "en", " ".join(parts)


def _user(rng: random.Random, uid: int) -> dict[str, Any]:
    brand = rng.random() < 0.1
    name = rng.choice(_BRANDS) if brand else f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
    handle = name.replace(" ", "").lower()[:12] + (str(rng.randint(0, 9999)) if rng.random() < 0.5 else "")
    created = _EPOCH - timedelta(days=rng.randint(1, 5000))
    return {
        "id": uid, "id_str": str(uid), "name": name, "screen_name": handle,
        "location": rng.choice(_LOCATIONS),
        "description": rng.choice(_BIOS).format(brand=name),
        "url": None, "protected": False, "verified": rng.random() < 0.05,
        "followers_count": int(rng.paretovariate(1.2) * 50), "friends_count": rng.randint(0, 3000),
        "listed_count": rng.randint(0, 50), "favourites_count": rng.randint(0, 20000),
        "statuses_count": rng.randint(1, 100000),
        "created_at": created.strftime("%a %b %d %H:%M:%S +0000 %Y"),
        "utc_offset": None, "time_zone": None, "lang": None,
        "default_profile": rng.random() < 0.2, "default_profile_image": rng.random() < 0.05,
        "profile_image_url_https": "https://pbs.twimg.com/profile_images/1/x_normal.jpg",
    }


def generate_records(n: int, seed: int = 0) -> Iterator[dict[str, Any]]:
    """``n`` Twitter v1.1-style post objects (what ``enrich run`` reads from JSONL)."""
    rng = random.Random(seed)
    for i in range(n):
        lang, text = _text(rng, i)
        created = _EPOCH + timedelta(seconds=rng.randint(0, 86400 * 365))
        pid = 1_350_000_000_000_000_000 + seed * 10_000_000 + i
        rec: dict[str, Any] = {
            "created_at": created.strftime("%a %b %d %H:%M:%S +0000 %Y"),
            "id": pid, "id_str": str(pid), "full_text": text, "truncated": False,
            "display_text_range": [0, len(text)], "lang": lang,
            "source": f'<a href="https://example.com" rel="nofollow">{rng.choice(_SOURCES)}</a>',
            "user": _user(rng, 10_000 + rng.randint(0, max(1, n // 3))),
            "retweet_count": rng.randint(0, 500), "favorite_count": rng.randint(0, 2000),
            "reply_count": rng.randint(0, 50), "quote_count": rng.randint(0, 20),
            "coordinates": None, "place": None, "geo": None,
        }
        if rng.random() < 0.05:
            lon, lat = rng.choice(_CITY_COORDS)
            lon += rng.uniform(-0.05, 0.05)
            lat += rng.uniform(-0.05, 0.05)
            rec["coordinates"] = {"type": "Point", "coordinates": [lon, lat]}
            rec["geo"] = {"type": "Point", "coordinates": [lat, lon]}
        yield rec


def generate_posts(n: int, seed: int = 0) -> list[Post]:
    """``n`` canonical posts, normalized from :func:`generate_records`."""
    from ..io import normalize

    posts: list[Post] = []
    for pos, rec in enumerate(generate_records(n, seed)):
        posts.extend(p for p in normalize(rec, pos) if isinstance(p, Post))
    return posts


def main(argv: list[str] | None = None) -> int:
    """``python -m enrich.bench.generate -n 100000 -o posts.jsonl``: write synthetic posts."""
    import argparse

    from ..io import JsonlWriter

    ap = argparse.ArgumentParser(prog="python -m enrich.bench.generate", description=main.__doc__)
    ap.add_argument("-n", "--posts", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("-o", "--output", default="-", help="JSONL file ('.gz' compresses; '-' stdout)")
    args = ap.parse_args(argv)
    with JsonlWriter(args.output) as out:
        for rec in generate_records(args.posts, args.seed):
            out.write(rec)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
