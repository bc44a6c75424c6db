"""Every write of the events app, by subject (callers import the module: `from grappe.events.services import
meetings`, then `meetings.cancel_meeting(...)`):

    organiser.py      the organiser's event: its sessions, slots and tables, registrations answered, phases
    registrations.py  a participation: register (member or guest), profile, availability, cancel
    requests.py       meeting requests between participants: send, answer, withdraw
    meetings.py       a meeting's life: move, place by hand, cancel, publish
    scheduling.py     the scheduler's runs and the meetings they write (the task body: execute_run)
    print_jobs.py     the print run of agendas and table signs (the task body: execute_print)
    outcomes.py       what each side records after a meeting
    notices.py        what a registrant is told, in its language (notification and mail)
    locks.py          the event lock every organiser's write takes first
"""
