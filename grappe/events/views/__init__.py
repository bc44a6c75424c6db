"""The events pages, by audience (the audience is the first word of the module's name):

    organiser.py                 the cluster staff's pages, under /events/organiser/
    participant_registration.py  participants before the meetings: events, registering, profile, availability
    participant_meetings.py      participants' meetings: whom to meet, requests, agenda, outcomes
"""
