"""French dates: "5 décembre 2026, 14:15"; with the weekday "samedi 5 décembre 2026" ("sam 14:15" for a slot of
an event); short forms ISO-like ("2026-12-05 14:15")."""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
WEEKDAY_DATE_FORMAT = "l j F Y"
WEEKDAY_TIME_FORMAT = "D H:i"
