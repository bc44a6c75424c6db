"""A mail server that refuses some addresses, for the tests of what a failed mail must not break."""

import smtplib

import pytest

from django.core.mail.backends.locmem import EmailBackend


class RefusingBackend(EmailBackend):
    """Like the test backend (mail.outbox), but refuses every message to an address in `refused` for now (450,
    the mailbox is unavailable: tried again later) and to one in `refused_for_good` for good (550, no such
    mailbox), as mail servers do. Tests set and clear the sets."""

    refused: set[str] = set()
    refused_for_good: set[str] = set()

    def send_messages(self, messages):
        for message in messages:
            refused = {address: (450, b"Mailbox unavailable, try again later")
                       for address in message.recipients() if address in self.refused}
            refused |= {address: (550, b"No such mailbox")
                        for address in message.recipients() if address in self.refused_for_good}
            if refused:
                raise smtplib.SMTPRecipientsRefused(refused)
        return super().send_messages(messages)


@pytest.fixture
def refusing_mail(settings):
    """Mail goes through RefusingBackend, which refuses bounce@example.test for now (add or clear addresses;
    RefusingBackend.refused_for_good holds those refused for good)."""
    settings.EMAIL_BACKEND = "grappe.core.tests.mail_backends.RefusingBackend"
    RefusingBackend.refused = {"bounce@example.test"}
    RefusingBackend.refused_for_good = set()
    yield RefusingBackend.refused
    RefusingBackend.refused = set()
    RefusingBackend.refused_for_good = set()
