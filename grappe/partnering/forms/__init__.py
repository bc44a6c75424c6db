"""Forms of partnering's pages, one module per subject. They parse and check input; the services decide.

- opportunities: describe an opportunity, confirm its competencies, the consortium's rules.
- introductions: ask for an introduction, write in its thread.
- needs: a member's declared needs and its confidential succession wish.
"""
