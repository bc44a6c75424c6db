"""Partnering's reads, shared by the pages, the API and the services, one module per subject.

- opportunities: the opportunities a user sees in lists (theirs, published ones, all of them for the staff).
- introductions: the introductions a user sees, and both sides' contacts once one is accepted.
- analysis: one opportunity's analysis as the page and the API show it (the engine's answer, turned back
  into capabilities and organisations).
- staff: what the cluster staff read across the cluster (activity, pooling, succession, consolidation).
- relations: the organisations an organisation works with (open introductions): programs reads it for
  conflicts of interest, the only module of partnering another capability may import.
"""
