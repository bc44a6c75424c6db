"""What the governance notifications say, written from what happened (core.notify) in the reader's language."""

KINDS: dict = {}
