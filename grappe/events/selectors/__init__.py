"""Reads of the events app shared by the pages, the API, the documents and the services, split by audience:

    participant.py  the events, the participants and their requests, a participant's agenda
    organiser.py    the schedule grid, the meetings, attendance, follow-ups, whose agendas are printed
"""
