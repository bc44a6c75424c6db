import pytest

from .instances import second, second_instance  # noqa: F401 — the two-instance fixtures
from .remote import Remote


@pytest.fixture(autouse=True)
def our_address(settings):
    """This instance is the test client's server: the address partners sign their requests for."""
    settings.GRAPPE_BASE_URL = "http://testserver"
    settings.GRAPPE_CLUSTER_NAME = "Grappe aérospatiale"


@pytest.fixture
def remote():
    return Remote()
