"""What the programs' staff download, a module per document:

    decision_summary.py  the committee's decision summary of a call (PDF)
"""
