"""The home page: the cluster in figures, the directory's search box, and the staff's overview."""

from django.shortcuts import render

from grappe.members import selectors


def home(request):
    return render(request, "home/home.html", selectors.home_figures(request.user))
