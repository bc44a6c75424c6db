"""Checks of the code itself, run as modules (`python -m grappe.tools.import_cycles`) and by the tests."""
