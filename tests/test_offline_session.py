"""A whole practitioner session with every outbound connection refused: the index loads,
a message gets a cited reply, the words are redacted, saved to the journal and exported;
the planted identifiers never reach the database files or the export."""

from __future__ import annotations

from pathlib import Path

from reflect_bot.cli import main
from reflect_bot.journal import Draft, Journal
from reflect_bot.redact import redact
from reflect_bot.reply import Conversation, RetrievalComposer
from reflect_bot.retrieval import Retriever

MESSAGE = (
    "Mr Tobias Wainwright-Hale (CRN X918273, 07700 900461) shouted at me when I mentioned "
    "a warning, and his kids were in the room. I froze and I keep replaying it."
)
PLANTED = ["Wainwright-Hale", "Tobias", "X918273", "07700 900461", "900461"]


def test_whole_session_offline(tmp_path: Path, no_network, capsys, retriever) -> None:
    # index load: from the session's cache, as the app does on start
    opened = Retriever.open()
    assert opened.opened.status == "loaded"

    conversation = Conversation(RetrievalComposer(opened))
    reply = conversation.send(MESSAGE)
    assert reply.grounded and reply.points and not reply.crisis
    for point in reply.points:  # every quoted sentence is in the passage it cites
        assert point.text in opened.corpus.get(point.passage_id).key_points

    redacted = redact(MESSAGE).text
    assert not any(p in redacted for p in PLANTED)

    db = tmp_path / "journal" / "journal.db"
    with Journal(db) as journal:
        prepared = journal.prepare(
            Draft(
                kind="conversation",
                turns=[("practitioner", MESSAGE), ("reply", reply.to_markdown())],
                cited=list(reply.passage_ids),
            )
        )
        entry_id = journal.save(prepared)
        export = journal.export_markdown([entry_id])
    assert "[NAME-1]" in export and "[CRN-1]" in export
    out = tmp_path / "export.md"
    out.write_text(export, encoding="utf-8")

    # the CLI path too: `reflect-bot ask` with the network still blocked
    assert main(["ask", "I froze when he started shouting"]) == 0
    assert "From the guidance" in capsys.readouterr().out

    stored = b"".join(p.read_bytes() for p in db.parent.iterdir() if p.is_file())
    for identifier in PLANTED:
        assert identifier.encode() not in stored
        assert identifier not in out.read_text(encoding="utf-8")
    assert no_network == []  # nothing even tried to connect
