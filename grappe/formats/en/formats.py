"""English dates: "December 5, 2026, 14:15"; with the weekday "Saturday, December 5, 2026" ("Sat 14:15" for a slot
of an event); short forms ISO-like ("2026-12-05 14:15")."""

DATE_FORMAT = "F j, Y"
DATETIME_FORMAT = "F j, Y, H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "F j"
YEAR_MONTH_FORMAT = "F Y"
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
WEEKDAY_DATE_FORMAT = "l, F j, Y"
WEEKDAY_TIME_FORMAT = "D H:i"
