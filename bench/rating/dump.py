"""Dump the replies the current code gives to labelled messages, for a blind rating.

    python bench/rating/dump.py OUT.json STORIES.yaml [STORIES.yaml ...]

Each record: id, earlier messages, the message, and the reply as plain text (what `ask`
prints). `sheet.py` shuffles two dumps (before and after a change) into one sheet."""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    from reflect_bot.evaluation import load_stories
    from reflect_bot.reply import RetrievalComposer, Turn
    from reflect_bot.retrieval import Retriever

    out, *paths = argv
    composer = RetrievalComposer(Retriever.open())
    records = []
    for path in paths:
        for story in load_stories(Path(path)):
            history: list = []
            for earlier in story.context:
                history.append(Turn(earlier, composer.compose(earlier, tuple(history))))
            reply = composer.compose(story.message, tuple(history))
            records.append({"id": story.id, "context": list(story.context),
                            "message": story.message, "reply": reply.to_text()})
    Path(out).write_text(json.dumps(records, indent=1, ensure_ascii=False), encoding="utf-8")
    print(f"{len(records)} replies -> {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
