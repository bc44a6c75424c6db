"""Who may use each events page and endpoint: the policies are declared next to their tests.

The matrix test (grappe/core/tests/test_permission_matrix.py) imports this module to find every policy.
"""

from . import test_permissions_organiser, test_permissions_participant  # noqa: F401
