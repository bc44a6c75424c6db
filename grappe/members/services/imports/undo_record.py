"""What an import keeps so that it can be undone: the ids it created and, for each row it updated, the values
before and after as the database holds them (not as the report shows them: "sme", not "PME").

Stored at commit time in `report["undo"]`, compact enough for a file of thousands of rows:

    {"created": [ids], "updated": [{"id": 7, "fields": {"city": ["Laval", "Montréal"]}}], "demoted": [ids]}

`demoted`: for people, the primary contacts the file replaced (their flag was cleared by the import).
"""

import datetime
import decimal
import uuid


def stored_value(value):
    """A field's value in a form JSON keeps exactly (dates as ISO text, decimals as text)."""
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    return value


def restored_value(model, name: str, value):
    """The Python value of `value` (as stored_value wrote it) for the field `name` of `model`."""
    return model._meta.get_field(name).to_python(value)


def undo_record(plan, demoted=()) -> dict:
    """The record of a plan just written (its creations have their ids)."""
    return {"created": [instance.pk for instance in plan.to_create], "updated": plan.raw_changes,
            "demoted": list(demoted)}
