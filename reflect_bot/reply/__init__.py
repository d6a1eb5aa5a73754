"""Replies to a practitioner: the pipeline (composer.py) and the reply as data (model.py)."""

from reflect_bot.reply.composer import (
    NO_FIT_MARGIN,
    NO_FIT_THRESHOLD,
    Fit,
    RetrievalComposer,
    listening_reply,
    safety_parts,
)
from reflect_bot.reply.model import Cited, Composer, Conversation, Focus, Point, Reply, Turn

__all__ = [
    "NO_FIT_MARGIN", "NO_FIT_THRESHOLD", "Cited", "Composer", "Conversation", "Fit", "Focus",
    "Point", "Reply", "RetrievalComposer", "Turn", "listening_reply", "safety_parts",
]
