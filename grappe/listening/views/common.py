"""Who may open the listening pages: the staff's, and the dashboards (the staff and the government
observers). Built on grappe.core.pages, which every app's pages share."""

from grappe.core.pages import page_for

staff_page = page_for("listening.view_cluster_listening")
dashboard_page = page_for("listening.view_dashboards")  # the staff and the government observers
