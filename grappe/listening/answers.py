"""What an answer may hold, and which questions a response asks: shared by the pages, the API and the services.

No database writes here: `clean_value` checks one value against its question, `shown_questions` applies the
branching rules to a set of values, `missing_required` names what a submission still lacks.
"""

import math
from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import MAX_TEXT_ANSWER_LENGTH, Question, QuestionKind

Value = str | list[str] | int | float | None


def is_empty(value: Value) -> bool:
    return value is None or value == "" or value == []


def clean_value(question: Question, raw) -> Value:
    """The value to store for `question`, or ValidationError saying what is wrong with it."""
    if isinstance(raw, str) and question.kind != QuestionKind.TEXT:
        raw = raw.strip()
    if is_empty(raw):
        return None
    allowed = [value for value, _label in question.choice_list()]
    if question.kind in (QuestionKind.LIKERT, QuestionKind.SINGLE):
        value = str(raw)
        if value not in allowed:
            raise ValidationError(_("Choose one of the proposed answers."), code="invalid_choice")
        return value
    if question.kind == QuestionKind.MULTIPLE:
        chosen = {str(v) for v in (raw if isinstance(raw, (list, tuple)) else [raw])}
        if chosen - set(allowed):
            raise ValidationError(_("Choose among the proposed answers."), code="invalid_choice")
        return [value for value in allowed if value in chosen] or None
    if question.kind == QuestionKind.NUMBER:
        return _number(raw)
    text = str(raw)
    if len(text) > MAX_TEXT_ANSWER_LENGTH:
        raise ValidationError(_("Keep this answer under %(limit)s characters.") % {"limit": MAX_TEXT_ANSWER_LENGTH},
                              code="too_long")
    return text if text.strip() else None


def _number(raw) -> int | float:
    try:
        number = float(str(raw).replace(",", ".").replace("\u00a0", "").replace(" ", "")) \
            if not isinstance(raw, (int, float)) else float(raw)
    except ValueError:
        raise ValidationError(_("Enter a number."), code="not_a_number") from None
    if not math.isfinite(number) or abs(number) > 1e15:
        raise ValidationError(_("Enter a number."), code="not_a_number")
    return int(number) if number.is_integer() else number


def matches(value: Value, expected: str) -> bool:
    """Whether an answer satisfies a branching condition: equal to the value, or including it."""
    if isinstance(value, list):
        return expected in value
    return value is not None and str(value) == expected


def shown_questions(questions: Iterable[Question], values: Mapping[int, Value]) -> list[Question]:
    """The questions asked, in order, given the values: a conditional question is asked when the question it
    depends on is itself asked and its answer matches."""
    shown: list[Question] = []
    shown_ids: set[int] = set()
    for question in questions:
        condition = question.show_if_question_id
        if condition is None or (condition in shown_ids and matches(values.get(condition), question.show_if_value)):
            shown.append(question)
            shown_ids.add(question.pk)
    return shown


def missing_required(questions: Iterable[Question], values: Mapping[int, Value]) -> list[Question]:
    return [q for q in shown_questions(questions, values) if q.required and is_empty(values.get(q.pk))]
