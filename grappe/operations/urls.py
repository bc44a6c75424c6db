"""The staff's system page (views/system.py), under /<language>/system/."""

from django.urls import path

from .views import system

app_name = "operations"
urlpatterns = [
    path("", system.system, name="system"),
    path("tasks/<uuid:pk>/retry/", system.task_retry, name="task-retry"),
    path("tasks/<uuid:pk>/discard/", system.task_discard, name="task-discard"),
]
