"""The versions a member organisation's cached feed is kept under (grappe/bulletins/feed.py).

The feed is one list of everything that concerns an organisation: the bulletins sent to it, the open calls it
is eligible for, the events taking registrations and those its people registered to, the approved minutes of
the bodies where it holds a seat, the open surveys it has not answered, the open votes it has not cast. Each
organisation's feed is kept built (per language) under a key holding two versions of
grappe.core.cache_versions, read in one query before the feed is read:

- the cluster version (`CLUSTER`), bumped when something every organisation's feed may show changes: a
  bulletin sent or edited after sending; a call published, changed or closed; minutes approved; a survey
  opened, changed, closed or its invitations sent; a resolution published or counted; an event saved or moved
  to another phase; a body or meeting renamed;
- the organisation's version (`organisation_name(pk)`), bumped when something only it sees changes: its
  survey answered, its vote cast, its registration to an event made, validated, refused or cancelled, a seat of
  its people on a body given, accepted or ended.

What eligibility for calls reads of an organisation (its kind, size, region, membership, certifications) is
versioned by the directory version (members.directory_cache), which the feed's key holds too.

The apps below bulletins cannot import it, so the names live here and those apps' services call `bump_cluster`
and `bump_organisation` at their write points, inside the transaction of the write (the bump lands on commit).
"""

from . import cache_versions

CLUSTER = "bulletins.feed"


def organisation_name(organisation_id: int) -> str:
    return f"bulletins.feed.organisation:{organisation_id}"


def bump_cluster() -> None:
    """Renew every organisation's cached feed once the current transaction commits."""
    cache_versions.bump_on_commit(CLUSTER)


def bump_organisation(organisation_id: int | None) -> None:
    """Renew one organisation's cached feed once the current transaction commits (nothing for None: a guest's
    registration has no organisation)."""
    if organisation_id is not None:
        cache_versions.bump_on_commit(organisation_name(organisation_id))
