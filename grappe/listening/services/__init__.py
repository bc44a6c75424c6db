"""Listening's writes, one module per subject; callers import the module (`from grappe.listening.services import
needs` then `needs.submit_need(...)`). Each write checks the actor's right (rules.py), works in one
transaction and leaves an audit entry.

- needs: a member submits a need, the staff answer it (and the notifications that follow).
- surveys: the staff build a survey, its questions, open and close it.
- invitations: invitations and reminders to answer a survey, and their mails (a background job's work).
- responses: an organisation answers a survey.
- themes: the theme run (a background job's work), new texts placed between runs, the staff's edits of the
  themes, the alert of rising themes.
- briefs: the government brief, made, edited and published (its documents are in documents.py).
"""
