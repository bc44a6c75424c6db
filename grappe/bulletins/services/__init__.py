"""Every write of information circulation that matters: one function each, a check, one transaction, an audit
entry."""
