"""Forms of listening's pages, one module per subject. They parse and check input; the services decide.

- needs: a member's need, the staff's answer to it, the staff's filters of the needs list.
- surveys: a survey and its questions (the staff), the answers to a survey (a member).
- themes: the staff's edits of the themes.
- briefs: a government brief's period and recommendations.
"""
