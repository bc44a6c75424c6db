"""What a person downloads from shared governance, built from the selectors' reads (a module per document): invitation (the .ics of a meeting), minutes (page and PDF)."""
