"""New organisations of an import: the values staff chose for them, and the sentence the dry run states them in.

Nothing is assumed silently: an organisation the file does not describe otherwise gets the membership status,
type and directory listing chosen on the mapping page (ImportOptions; by default a prospect of type "other",
not listed in the public directory), and a mapped column's non-empty cell wins over that choice. The model's
own defaults (an active member, listed) are never used by an import.
"""

from collections import Counter

from django.utils.formats import number_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from ...models import MembershipStatus, Organisation, OrganisationKind
from .options import ImportOptions


def new_organisation(values: dict, slugs: set[str], options: ImportOptions) -> Organisation:
    """A new organisation with staff's chosen values where the row says nothing, at a free directory address."""
    chosen = {"kind": options.new_kind, "membership_status": options.new_membership_status,
              "listed_in_directory": options.new_listed_in_directory}
    organisation = Organisation(**{**chosen, **{k: v for k, v in values.items() if v not in ("", None)}})
    base = slugify(organisation.trade_name or organisation.legal_name)[:200] or "organisation"
    slug, n = base, 1
    while slug in slugs:
        n += 1
        slug = f"{base}-{n}"
    slugs.add(slug)
    organisation.slug = slug
    return organisation


def creation_summary(created: list[Organisation], *, done: bool = False) -> str:
    """'2 220 new organisations will be created as: Prospect, type Other, not listed in the public directory.'
    (or 'were created as', once `done`), with counts per value where the rows differ; '' when nothing is."""
    if not created:
        return ""
    statuses = dict(MembershipStatus.choices)
    kinds = dict(OrganisationKind.choices)
    described = (
        (Counter(o.membership_status for o in created), lambda value: str(statuses.get(value, value))),
        (Counter(o.kind for o in created), lambda value: _("type %(kind)s") % {"kind": kinds.get(value, value)}),
        (Counter(bool(o.listed_in_directory) for o in created),
         lambda listed: pgettext("new organisations", "listed in the public directory") if listed
         else pgettext("new organisations", "not listed in the public directory")),
    )
    separator = pgettext("between values that list others", "; ") if any(
        len(counts) > 1 for counts, _show in described) else ", "
    count = len(created)
    if done:
        sentence = ngettext("%(count)s new organisation was created as: %(values)s.",
                            "%(count)s new organisations were created as: %(values)s.", count)
    else:
        sentence = ngettext("%(count)s new organisation will be created as: %(values)s.",
                            "%(count)s new organisations will be created as: %(values)s.", count)
    return sentence % {
        "count": number_format(count, force_grouping=True),
        "values": separator.join(_phrase(counts, show) for counts, show in described)}


def _phrase(counts: Counter, show) -> str:
    if len(counts) == 1:
        return show(next(iter(counts)))
    ordered = sorted(counts.items(), key=lambda item: (-item[1], show(item[0])))  # the most frequent first
    return ", ".join(f"{show(value)} ({number_format(n, force_grouping=True)})" for value, n in ordered)
