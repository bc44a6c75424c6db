"""Listening's reads, shared by the pages, the API and the documents, one module per subject; callers import
the module (`from grappe.listening.selectors import surveys as survey_selectors`) or its functions.

- needs: an organisation's needs, the staff's list, the rows the figures count.
- surveys: who a survey is sent to, surveys, responses and answers, the rows the survey results count.
- themes: a theme's name outside the staff, rising themes, themed texts by date, the last run.
- dashboards: every figure shown (dashboards, API, briefs), through grappe.core.aggregates.
- insights_cache: the cache of those figures, renewed by every write that changes them.
- briefs: the briefs a user may list, and the figures and quotes a brief is made of.
"""
