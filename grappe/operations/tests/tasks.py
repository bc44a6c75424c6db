"""Background tasks for the operations tests: one that fails, one that works."""

from django_tasks import task


class Broken(Exception):
    pass


@task()
def failing_task(organisation_id: int, *, reason: str = "") -> None:
    raise Broken(f"the partner's server answered 502 ({reason})")


@task()
def working_task(organisation_id: int, *, reason: str = "") -> int:
    return organisation_id
