"""What a user of the events app downloads, built from the reads in selectors/:

    agenda.py    a participant's agenda as a PDF and an .ics calendar file
    printing.py  the organiser's print run: every agenda and a sign per table, as one PDF
    exports.py   the organiser's spreadsheets (attendance, outcomes)
"""
