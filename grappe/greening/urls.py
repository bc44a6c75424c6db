"""The pages of greening."""

from django.urls import path

from .views import figures

app_name = "greening"
urlpatterns = [
    path("", figures.my_figures, name="my-figures"),
]
