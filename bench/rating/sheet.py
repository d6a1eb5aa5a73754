"""Build a blind rating sheet from two reply dumps (see dump.py).

    python bench/rating/sheet.py BEFORE.json AFTER.json OUTDIR [--stories N --short N --seed S]

Samples N long and N short messages (ids starting R?-Q or SQ are short), takes both systems'
replies to each, shuffles all of them, and writes OUTDIR/sheet.md (what the rater sees) and
OUTDIR/key.json (item -> system and id; the rater never sees it)."""

from __future__ import annotations

import argparse
import json
import random
import re
from pathlib import Path

SHORT = re.compile(r"^(SQ|R\d+-Q)")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("before")
    ap.add_argument("after")
    ap.add_argument("outdir")
    ap.add_argument("--stories", type=int, default=22)
    ap.add_argument("--short", type=int, default=8)
    ap.add_argument("--seed", type=int, default=11)
    a = ap.parse_args()
    systems = {"A": json.loads(Path(a.before).read_text("utf-8")),
               "B": json.loads(Path(a.after).read_text("utf-8"))}
    by_id = {s: {r["id"]: r for r in recs} for s, recs in systems.items()}
    ids = [r["id"] for r in systems["A"] if r["id"] in by_id["B"]]
    rng = random.Random(a.seed)
    long_ids = [i for i in ids if not SHORT.match(i)]
    short_ids = [i for i in ids if SHORT.match(i)]
    chosen = rng.sample(long_ids, min(a.stories, len(long_ids)))
    chosen += rng.sample(short_ids, min(a.short, len(short_ids)))
    items = [(s, i) for i in chosen for s in systems]
    rng.shuffle(items)
    out = Path(a.outdir)
    out.mkdir(parents=True, exist_ok=True)
    parts, key = [], []
    for n, (system, sid) in enumerate(items, 1):
        rec = by_id[system][sid]
        parts.append(f"## Item {n}\n")
        if rec["context"]:
            parts.append("Earlier in the conversation the practitioner wrote:\n")
            parts += [f"> {c}\n" for c in rec["context"]]
        parts.append(f"**Practitioner wrote:**\n\n> {rec['message']}\n\n**Reply:**\n\n"
                     f"```\n{rec['reply']}\n```\n")
        key.append({"item": n, "system": system, "id": sid})
    (out / "sheet.md").write_text("# Replies to rate\n\n" + "\n".join(parts), encoding="utf-8")
    (out / "key.json").write_text(json.dumps(key, indent=1), encoding="utf-8")
    print(f"{len(items)} items -> {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
