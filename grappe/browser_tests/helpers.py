"""What several browser journeys do the same way."""

from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise


def url(name: str, *args, language: str = "fr") -> str:
    """A page's path in a language (Grappe's URLs start with /fr/ or /en/)."""
    with translation.override(language):
        return reverse(name, args=args)


def in_french(text, context: str = "") -> str:
    """What a French-speaking user reads for an interface string (or a lazy one), however far translation got;
    `context` for a string the code marks with one (pgettext, `translate … context`).

    Strings are passed through a variable, so `makemessages` does not collect test files as sources.
    """
    with translation.override("fr"):
        if isinstance(text, Promise):
            return str(text)
        return translation.pgettext(context, text) if context else translation.gettext(text)


def submit_sign_in_form(page, email: str, password: str) -> None:
    page.goto(url("account_login"))
    page.fill("#id_login", email)
    page.fill("#id_password", password)
    page.locator("form:has(#id_login) [type=submit]").click()

