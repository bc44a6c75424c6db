"""What a person downloads from programs, a module per document:

    decision_summary.py  the committee's decision summary of a call (PDF)
    funder_report.py     the funder's report of a program (PDF, XLSX)
"""
