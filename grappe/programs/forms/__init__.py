"""Input checking for the programs' pages, by subject like views/."""
