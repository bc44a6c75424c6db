"""Who may see how Grappe runs and act on its background work: the cluster's staff."""

import rules

from grappe.core.rules import is_cluster_staff

rules.add_perm("operations.view_system", is_cluster_staff)
# Queue a failed background task again, or discard it (grappe.operations.services.tasks).
rules.add_perm("operations.manage_tasks", is_cluster_staff)
