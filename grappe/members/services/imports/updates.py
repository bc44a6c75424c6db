"""What a row may change in an organisation or a person it found: staff's update mode, and the rules that keep
the names people know.

- "Fill empty fields only" (ImportOptions.update_mode) keeps every value Grappe already has.
- A name that differs only by case, accents or punctuation ("CLUB DE GOLF LE ST-REMI" for "Club de golf le
  St-Rémi") is never replaced: a registry's capitals are not a better spelling.
- A different legal name (from a registry, say; not from Grappe's own export) goes to the legal name, and
  the name people know stays displayed: an organisation without a trade name keeps its current name as its trade name ("Musée POP" stays
  shown when its legal name becomes "MUSÉE QUÉBÉCOIS DE CULTURE POPULAIRE"). A legal name that is already the
  trade name is not copied into the legal name.
"""

from django.utils.translation import gettext as _

from ...search import fold
from .options import UPDATE_FILL_EMPTY


def fill_empty_only(instance, values: dict) -> dict:
    """The values for the fields that are empty in Grappe (None or ""); a yes/no is never empty."""
    return {name: value for name, value in values.items() if getattr(instance, name) in (None, "")}


def update_values(instance, values: dict, update_mode: str) -> dict:
    return fill_empty_only(instance, values) if update_mode == UPDATE_FILL_EMPTY else values


def organisation_update(organisation, values: dict, update_mode: str,
                        keep_shown_name: bool = True) -> tuple[dict, list[str]]:
    """What a row changes in an organisation it found, and what it did with the names, said for the report.
    Without `keep_shown_name` (a row of Grappe's own export, found by its Grappe ID), a new legal name is a
    rename: the current name does not become the trade name."""
    values = dict(update_values(organisation, values, update_mode))
    notes = []
    for name in ("legal_name", "trade_name"):
        current, new = getattr(organisation, name), values.get(name)
        if new and new != current and fold(new) == fold(current):
            del values[name]
            notes.append(_("“%(current)s” is kept: the file's “%(new)s” differs only by case or accents.")
                         % {"current": current, "new": new})
    legal_name = values.get("legal_name")
    if legal_name and organisation.trade_name and fold(legal_name) == fold(organisation.trade_name):
        del values["legal_name"]
        notes.append(_("“%(new)s” is already the trade name: the legal name “%(current)s” is kept.")
                     % {"new": legal_name, "current": organisation.legal_name})
    elif keep_shown_name and legal_name and legal_name != organisation.legal_name and not organisation.trade_name \
            and not values.get("trade_name"):
        values["trade_name"] = organisation.legal_name
        notes.append(_("“%(new)s” becomes the legal name; “%(current)s” stays the name shown, as the trade name.")
                     % {"new": legal_name, "current": organisation.legal_name})
    return values, notes
