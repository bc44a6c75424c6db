"""Every write of the programs app, by subject (callers import the module: `from grappe.programs.services import
budget`, then `budget.commit_funds(...)`):

    programs.py      a program set up and changed (its envelope never below what is committed)
    calls.py         a call set up (window, eligibility, documents, grid), published, changed, closed
    applications.py  an application's life: started, changed as a draft, its consortium, submitted, screened, reopened
    decisions.py     the committee's decision: funded (the amount granted) or declined
    committee.py     a whole call at once: every submitted application screened, decisions in bulk (all or nothing)
    budget.py        the money: funds committed from a program's envelope, disbursements against a commitment
    evaluation.py    evaluators: conflicts declared, evaluators assigned (by hand, or to a whole call at once)
    scoring.py       an evaluator's scores: saved as a draft, then submitted once
    milestones.py    a commitment's milestones, the lead's progress reports and claims, their review (paid via budget)
    notices.py       what the applicant's organisation is told
    reporting.py     what the observers may read of a funded project: its summary, published or withdrawn
"""
