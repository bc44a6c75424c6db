"""Forms of the events pages, by audience like the pages: organiser.py and participant.py."""
