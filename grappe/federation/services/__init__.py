"""The writes of cooperation between clusters, by subject: partnerships (approve, suspend, resume, revoke),
delivery (the outbox and its back-off), inbox (what a received activity does), sharing (an item marked
shareable, and its updates and withdrawal reaching partners), interests (across clusters, and the
introductions)."""
