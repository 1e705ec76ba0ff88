"""Fast linear text classifiers shared by the sentiment, emotion, safety and irony families.

One pass per post normalizes the text for tweets (placeholders, emoji and emoticons as tokens,
elongation, all-caps, negation scope, hashtags split into words), hashes word and character
n-grams into a fixed sparse space and adds a few dense lexicon features (VADER). Every shipped
classifier is a linear head over that same space, stored as ``.npz`` weights plus JSON
metadata, so the features of a batch are computed once and shared by all heads.
"""
