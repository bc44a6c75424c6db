"""The addresses of cooperation between clusters: `protocol` is what partner instances speak to (the actor, its
inbox and outbox, the items' ids; no language prefix, JSON only), `pages` what people read (under /<lang>/clusters/)."""
