"""The oldest database Grappe still upgrades from: the migration state the test of upgrades starts from
(grappe/operations/tests/test_upgrade.py) and docs/releases.md names.

Why this state. Every commit of the main branch is a release an operator may run. A database built at a commit
upgrades when each migration it applied is still in the tree, unchanged in what it does. Replaying the history
(git rev-list --first-parent, the migration files of each commit compared with today's, docstrings aside) shows
that this holds from the second commit (d29b88f, 2026-11-25: core and members only) to today, except in two
short windows when a migration was renumbered or edited before a merge settled (2026-12-05 08:56–09:12, core's
outbox migration; 2026-12-06 06:17–07:31, programs' milestones): a database built in one of those windows needs
the release after it restored from a backup, then upgraded. The first commit (bccfbf3) is not supported: its
core 0002 was edited five minutes later.

Apps that did not exist then are absent (None: none of their migrations applied). The third-party apps are at
the migrations of the versions locked then (Django 5.2.19, django-allauth 65.21.1, django-tasks-db 0.13.0, the
same as today's): when a dependency upgrade adds migrations, this state keeps the names of that time.
"""

OLDEST_SUPPORTED_COMMIT = "d29b88f"

OLDEST_SUPPORTED: dict[str, str | None] = {
    # Grappe's apps
    "core": "0003_audit_append_only",
    "members": "0002_search_index_and_certification_types",
    "partnering": None,
    "listening": None,
    "events": None,
    "programs": None,
    "governance": None,
    "labour": None,
    "greening": None,
    "bulletins": None,
    "federation": None,
    "operations": None,
    # Third-party apps, at the migrations of the versions locked at that commit
    "admin": "0003_logentry_add_action_flag_choices",
    "auth": "0012_alter_user_first_name_max_length",
    "contenttypes": "0002_remove_content_type_name",
    "sessions": "0001_initial",
    "account": "0009_emailaddress_unique_primary_email",
    "mfa": "0003_authenticator_type_uniq",
    "django_tasks_database": "0021_conditional_partial_index_ordering",
}


def oldest_supported_targets() -> list[tuple[str, str]]:
    """The state as targets for django.db.migrations.executor.MigrationExecutor.migrate."""
    return [(app, name) for app, name in OLDEST_SUPPORTED.items() if name is not None]
