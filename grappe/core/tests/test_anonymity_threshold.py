from grappe.core import aggregates
from grappe.core.models import AuditEntry


def test_staff_set_the_threshold_and_it_is_audited(client, staff):
    client.force_login(staff)
    response = client.post("/en/anonymity/", {"k": "7"}, follow=True)
    assert response.status_code == 200 and b"now 7" in response.content
    assert aggregates.current_k() == 7
    assert AuditEntry.objects.filter(action="anonymity.threshold_changed").count() == 1


def test_a_threshold_that_would_show_single_organisations_is_refused_and_kept_as_typed(client, staff):
    client.force_login(staff)
    response = client.post("/en/anonymity/", {"k": "1"})
    assert response.status_code == 200 and b'value="1"' in response.content
    assert aggregates.current_k() == 5
