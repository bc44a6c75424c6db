from django.http import HttpResponse


def start(request):
    return HttpResponse("todo")


def detail(request, pk):
    return HttpResponse("todo")


def progress(request, pk):
    return HttpResponse("todo")
