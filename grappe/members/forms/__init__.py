"""The forms of members' pages, a module per subject: directory (filters), organisations (profile,
capabilities, certifications), people, taxonomy, segments, imports (upload and column mapping)."""
