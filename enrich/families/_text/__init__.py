"""Helpers of the text-based families (not a family): twitter-text extraction, weighted length,
emoji/emoticon/money/script features, and the twitter-text conformance runner."""
