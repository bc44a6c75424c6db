"""/i18n/setlang/: the language switch (outside the /fr/ and /en/ prefixes), which also remembers the signed-in
user's choice."""

from django.urls import path

from .views.account import set_language

urlpatterns = [path("setlang/", set_language, name="set_language")]
