"""Every write of shared governance that matters: one function each, a check, one transaction, an audit entry."""
