"""Date and time formats, one per language (FORMAT_MODULE_PATH): 24-hour clock, month in words."""
