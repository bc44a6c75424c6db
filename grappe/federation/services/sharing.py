"""Sharing our members' items with partner clusters (owned by the items' side of cooperation).

Placeholder until that side lands: the partnerships call `send_shared_items` when a partner becomes active or
is allowed new kinds."""


def send_shared_items(partner, kinds) -> int:
    """Send a Create of every shared item of these kinds to one partner; how many were sent."""
    return 0
