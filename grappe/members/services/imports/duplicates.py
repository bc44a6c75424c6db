"""Probable duplicates in an import of organisations, within the file and against the directory: each pair is a
question for staff, "same organisation" or "different", whose answers the job keeps (ImportOptions.duplicates).

The comparison itself is matching.duplicates (no database); this module turns rows and organisations into its
records and its pairs into questions. A question's key stays the same from one check to the next, so an answer
holds: "row-12-row-40" for two rows of the file, "row-12-org-345" for a row and an organisation. The answers:
- two rows, "same": the later row is left out (the earlier one is imported); "different": both are imported;
- a row and an organisation, "same": the row updates that organisation; "different": the row creates one.
A row found by a sure key (Grappe ID, NEQ, its one legal name) asks nothing. While a question is unanswered
the import cannot be committed: nothing is created without staff having seen it.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy

from matching.duplicates import (
    NAME_WITHIN,
    SAME_NAME,
    SAME_NEQ,
    SAME_POSTAL_CODE,
    SAME_WEBSITE,
    SIMILAR_NAME,
    Record,
    find_duplicates,
)

from ...models import Organisation

SAME, DIFFERENT = "same", "different"
DECISIONS = (SAME, DIFFERENT)
REASONS = {
    SAME_NEQ: gettext_lazy("same NEQ"), SAME_WEBSITE: gettext_lazy("same website"),
    SAME_NAME: gettext_lazy("same name"), SIMILAR_NAME: gettext_lazy("nearly the same name"),
    NAME_WITHIN: gettext_lazy("one name within the other"), SAME_POSTAL_CODE: gettext_lazy("same postal code"),
}
DETAILS = ("neq", "city", "postal_code", "website")  # what the page shows of each side, to help decide


@dataclass
class Questions:
    """The pairs asked about in one plan, with the answers already given."""

    answers: dict[str, str]
    asked: list[dict] = field(default_factory=list)
    undecided: int = 0

    def ask(self, key: str, row, other: dict, reasons: tuple[str, ...]) -> str:
        """The answer to this pair ("same", "different", or "" while undecided); the pair goes to the report."""
        answer = self.answers.get(key, "")
        if answer not in DECISIONS:
            answer = ""
            self.undecided += 1
        self.asked.append({"key": key, "row": row.number, "label": _name(row.values),
                           "details": _details(row.values), "other": other,
                           "reasons": [str(REASONS[r]) for r in reasons], "decision": answer})
        return answer


def _name(values: dict) -> str:
    trade_name = values.get("trade_name")
    return f"{values['legal_name']} ({trade_name})" if trade_name else values["legal_name"]


def _details(values: dict) -> str:
    return " · ".join(str(values[name]) for name in DETAILS if values.get(name))


def _row_record(row) -> Record:
    values = row.values
    return Record(row.number, (values["legal_name"], values.get("trade_name", "")), values.get("neq") or "",
                  values.get("website", ""), values.get("postal_code", ""))


def _organisation_record(organisation: Organisation) -> Record:
    return Record(organisation.pk, (organisation.legal_name, organisation.trade_name), organisation.neq or "",
                  organisation.website, organisation.postal_code)


def _organisation_side(organisation: Organisation) -> dict:
    values = {name: getattr(organisation, name) for name in DETAILS}
    return {"organisation": organisation.pk, "label": _name({"legal_name": organisation.legal_name,
                                                             "trade_name": organisation.trade_name}),
            # The slug, not the page's address: reversing thousands of addresses costs seconds, and the page
            # links only the pairs it shows.
            "details": _details(values), "slug": organisation.slug}


def rows_repeated(rows: list, found: dict[int, Organisation], questions: Questions) -> dict[int, int]:
    """Ask about the rows that may describe the same organisation twice; return the rows staff said repeat an
    earlier one (row number -> that earlier row's), to be left out. Two rows that sure keys tie to two different
    organisations are not asked about (Grappe's own export of two organisations of the same name)."""
    by_number = {row.number: row for row in rows}
    repeated = {}
    for pair in find_duplicates(_row_record(row) for row in rows):
        first, second = by_number[pair.left], by_number[pair.right]
        known = found.get(first.number), found.get(second.number)
        if None not in known and known[0].pk != known[1].pk:
            continue
        other = {"row": first.number, "label": _name(first.values), "details": _details(first.values)}
        if questions.ask(f"row-{first.number}-row-{second.number}", second, other, pair.reasons) == SAME:
            # The row left out is the later one, unless only the later one is tied to an organisation by a sure
            # key (its NEQ, its Grappe ID): that one is kept, so that it updates the organisation it names.
            if known[0] is None and known[1] is not None:
                repeated.setdefault(first.number, second.number)
            else:
                repeated.setdefault(second.number, first.number)
    return repeated


def organisations_chosen(rows: list, organisations: list[Organisation], same_name: dict[int, list[Organisation]],
                         questions: Questions) -> dict[int, Organisation]:
    """Ask about the organisations of the directory that rows no sure key found may be (`same_name`: those that
    share a row's legal name with others); return, by row number, the one staff said a row is."""
    by_pk = {organisation.pk: organisation for organisation in organisations}
    candidates = defaultdict(dict)  # row number -> {organisation id: reasons}
    for number, namesakes in same_name.items():
        for organisation in namesakes:
            candidates[number][organisation.pk] = (SAME_NAME,)
    for pair in find_duplicates(map(_row_record, rows), map(_organisation_record, organisations)):
        candidates[pair.left].setdefault(pair.right, pair.reasons)
    chosen = {}
    for row in rows:
        for pk, reasons in candidates.get(row.number, {}).items():
            organisation = by_pk[pk]
            if questions.ask(f"row-{row.number}-org-{pk}", row, _organisation_side(organisation), reasons) == SAME:
                chosen.setdefault(row.number, organisation)
    return chosen
