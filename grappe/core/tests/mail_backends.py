"""A mail server that refuses some addresses, for the tests of what a failed mail must not break."""

import smtplib

import pytest

from django.core.mail.backends.locmem import EmailBackend


class RefusingBackend(EmailBackend):
    """Like the test backend (mail.outbox), but refuses every message to an address in `refused`, as a mail
    server does with a mailbox that does not exist. Tests set and clear `refused`."""

    refused: set[str] = set()

    def send_messages(self, messages):
        for message in messages:
            refused = {address for address in message.recipients() if address in self.refused}
            if refused:
                raise smtplib.SMTPRecipientsRefused({address: (550, b"No such mailbox")
                                                     for address in refused})
        return super().send_messages(messages)


@pytest.fixture
def refusing_mail(settings):
    """Mail goes through RefusingBackend, which refuses bounce@example.test (add or clear addresses)."""
    settings.EMAIL_BACKEND = "grappe.core.tests.mail_backends.RefusingBackend"
    RefusingBackend.refused = {"bounce@example.test"}
    yield RefusingBackend.refused
    RefusingBackend.refused = set()
