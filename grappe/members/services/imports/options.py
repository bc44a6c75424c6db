"""What staff chose for one import beyond its column mapping, kept in `ImportJob.options` (JSON).

The dry run and the commit both read them, so that the commit does exactly what the dry run said. Every choice
has a safe default: a new organisation is not a member and not listed publicly unless staff say so, an update
replaces only what the file changes, and all-or-nothing holds unless staff choose to skip the invalid rows.
"""

from dataclasses import asdict, dataclass, field, fields

from ...models import ImportJob, MembershipStatus, OrganisationKind

UPDATE_REPLACE = "replace"  # a non-empty cell replaces the current value
UPDATE_FILL_EMPTY = "fill_empty"  # a cell fills only a field that is empty in Grappe


@dataclass
class ImportOptions:
    # New organisations: these values, unless the row's own mapped column says otherwise.
    new_kind: str = OrganisationKind.OTHER
    new_membership_status: str = MembershipStatus.PROSPECT
    new_listed_in_directory: bool = False
    update_mode: str = UPDATE_REPLACE
    # Probable duplicates: the key of a pair ("row-2-row-9", "row-2-org-41"; see duplicates.py) -> "same" or
    # "different", as staff answered. The answers of one check hold for the next.
    duplicates: dict[str, str] = field(default_factory=dict)
    # Grouped errors: field -> {value as written in the file -> value to use instead ("" for empty)}.
    value_fixes: dict[str, dict[str, str]] = field(default_factory=dict)
    repair_text: bool = False  # apply the repairs offered for garbled text (mojibake)
    skip_invalid_rows: bool = False  # import the valid rows and skip the others (explicit; not the default)

    @classmethod
    def of(cls, job: ImportJob) -> "ImportOptions":
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in (job.options or {}).items() if k in known})

    def as_json(self) -> dict:
        return asdict(self)
