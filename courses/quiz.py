"""Quizzes: a key-free view for the browser, parsing answers, grading, feedback.

The answer key (``correct`` and ``feedback`` of every answer) stays on the
server: templates receive only what ``public_quiz`` returns before a
submission, and only the feedback on the answers a learner chose after it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

SINGLE = "single"
MULTIPLE = "multiple"


@dataclass(frozen=True)
class PublicQuestion:
    number: int
    field: str
    text: str
    kind: str
    answers: list[tuple[int, str]]

    @property
    def is_multiple(self) -> bool:
        return self.kind == MULTIPLE


def public_quiz(quiz) -> dict:
    """What the learner's browser may see of a quiz before submitting it."""
    return {
        "title": quiz["title"],
        "intro": quiz["intro"],
        "pass_mark": quiz["pass_mark"],
        "max_attempts": quiz["max_attempts"],
        "questions": [
            PublicQuestion(
                number=n + 1,
                field=f"q{n}",
                text=question["text"],
                kind=question["kind"],
                answers=[(i, answer["text"]) for i, answer in enumerate(question["answers"])],
            )
            for n, question in enumerate(quiz["questions"])
        ],
    }


def parse_answers(quiz, data) -> list[list[int]]:
    """The chosen answer indexes per question, from a submitted form.

    Every question must be answered; a one-answer question takes exactly
    one. Raises ``ValidationError`` (in the learner's language) otherwise.
    """
    chosen: list[list[int]] = []
    unanswered: list[str] = []
    for n, question in enumerate(quiz["questions"]):
        raw = data.getlist(f"q{n}") if hasattr(data, "getlist") else data.get(f"q{n}", [])
        if isinstance(raw, str | int):
            raw = [raw]
        indexes = set()
        for value in raw:
            try:
                index = int(value)
            except (TypeError, ValueError):
                raise ValidationError(_("That answer is not one of the choices.")) from None
            if not 0 <= index < len(question["answers"]):
                raise ValidationError(_("That answer is not one of the choices."))
            indexes.add(index)
        if not indexes:
            unanswered.append(str(n + 1))
        elif question["kind"] == SINGLE and len(indexes) > 1:
            raise ValidationError(
                _("Question %(number)s takes only one answer.") % {"number": n + 1}
            )
        chosen.append(sorted(indexes))
    if unanswered:
        raise ValidationError(
            _("Answer every question before you submit. Unanswered: %(numbers)s.")
            % {"numbers": ", ".join(unanswered)}
        )
    return chosen


def grade_question(question, chosen: list[int]) -> float:
    """1 for right, 0 for wrong, and partial credit on several-answer questions.

    A several-answer question scores (right answers chosen − wrong answers
    chosen) / right answers, never below 0, so ticking every box earns nothing.
    """
    correct = {i for i, answer in enumerate(question["answers"]) if answer["correct"]}
    picked = set(chosen)
    if question["kind"] == SINGLE:
        return 1.0 if picked and picked <= correct else 0.0
    if not correct:
        return 0.0
    return max(0.0, (len(picked & correct) - len(picked - correct)) / len(correct))


def grade(quiz, answers: list[list[int]]) -> tuple[list[float], int]:
    """Per-question results and the score in percent (rounded half up)."""
    results = [
        round(grade_question(question, chosen), 4)
        for question, chosen in zip(quiz["questions"], answers, strict=True)
    ]
    total = len(results)
    score = int(100 * sum(results) / total + 0.5) if total else 0
    return results, score


def feedback(quiz, attempt) -> list[dict]:
    """Per question: its text, how it went, and feedback on the chosen answers only."""
    items = []
    for n, question in enumerate(quiz["questions"]):
        if n >= len(attempt.answers):
            break
        result = attempt.results[n] if n < len(attempt.results) else 0
        chosen = [i for i in attempt.answers[n] if 0 <= i < len(question["answers"])]
        items.append(
            {
                "number": n + 1,
                "text": question["text"],
                "state": "right" if result >= 1 else ("partial" if result > 0 else "wrong"),
                "chosen": [
                    {
                        "text": question["answers"][i]["text"],
                        "correct": bool(question["answers"][i]["correct"]),
                        "feedback": question["answers"][i]["feedback"],
                    }
                    for i in chosen
                ],
            }
        )
    return items
