"""Every write of the programs app, by subject (callers import the module: `from grappe.programs.services import
budget`, then `budget.commit_funds(...)`):

    budget.py        the money: funds committed from a program's envelope, disbursements against a commitment
    evaluation.py    evaluators: conflicts declared, evaluators assigned (by hand, or to a whole call at once)
"""
