"""Date and time formats, one per language (FORMAT_MODULE_PATH): 24-hour clock, month in words. Templates name a
format (date:"WEEKDAY_DATE_FORMAT"), never spell one (core/tests/test_formats.py holds it): a spelled format is
the same in both languages, so one of them gets a second way of writing dates."""
