"""Partnering's writes, one module per subject; callers import the module and call its function
(`from grappe.partnering.services import opportunities` then `opportunities.describe_opportunity(...)`).

- opportunities: describe an opportunity, confirm its competencies, analyse it, publish or close it.
- introductions: ask to be introduced to a partner, answer the request, talk in its thread.
- needs: what a member declares it needs.
- succession: a member's confidential succession wish, told to the staff.
- notices: who hears about an opportunity or an introduction, in their language.
"""
