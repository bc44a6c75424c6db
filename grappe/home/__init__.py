"""The top app: the home page, and what spans every capability (the demo data, the daily background work).

It may import every app below it (core, members, the capability apps); no app imports it."""
