"""What a person downloads from programs, one module per document (funder_report: the funder's report)."""
