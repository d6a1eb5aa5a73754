"""The stages of a guided reflection and where the practitioner is, in words and symbols
(never colour alone): done, skipped, here, still to come."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from reflect_bot.guided import GuidedReflection


def stepper_text(reflection: GuidedReflection) -> Text:
    out = Text()
    out.append(reflection.model.name, style="bold")
    out.append("\n")
    for i, answer in enumerate(reflection.answers):
        here = not reflection.done and i == reflection.index
        if here:
            mark, note, style = "▶", "you are here", "bold reverse"
        elif answer.text:
            mark, note, style = "✓", "answered", ""
        elif answer.skipped:
            mark, note, style = "↷", "skipped", "italic"
        else:
            mark, note, style = "·", "", "dim"
        out.append("\n")
        out.append(f"{mark} {i + 1}. {answer.stage.name}", style=style)
        if note:
            out.append(f"\n     {note}", style="italic")
    if reflection.done:
        out.append("\n\n")
        out.append("✓ Summary", style="bold reverse")
    return out


class Stepper(Static):
    def show(self, reflection: GuidedReflection) -> None:
        self.update(stepper_text(reflection))
