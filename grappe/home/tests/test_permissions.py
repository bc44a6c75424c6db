from grappe.core.tests.permission_matrix import PUBLIC, PermissionMatrix


class TestHome(PermissionMatrix):
    url = "home:home"
    expect = PUBLIC
