"""What several browser journeys do the same way."""

from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from playwright.sync_api import expect


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



def pick(page, select_id: str, text: str) -> None:
    """Choose in a searchable picker (Tom Select) as a user does: type a few letters, click the option. Then wait
    until the choice is the select's value and close the list, so that nothing typed next lands in the picker
    and no open list covers the next field (on a loaded machine the list's events can come late)."""
    page.locator(f"#{select_id}-ts-control").fill(text)
    option = page.locator(f"#{select_id}-ts-dropdown .option").filter(has_text=text).first
    value = option.get_attribute("data-value")
    option.click()
    page.wait_for_function(
        """([id, value]) => { const chosen = document.getElementById(id).tomselect.getValue();
                              return Array.isArray(chosen) ? chosen.includes(value) : chosen === value; }""",
        arg=[select_id, value])
    # Tom Select refreshes its list on a timer after typing (refreshThrottle) and takes focus back on the next
    # tick after a click: both are let run before the list is closed, so neither reopens it nor takes the focus
    # (and what is typed next) from the next field.
    page.wait_for_function("id => !document.getElementById(id).tomselect.refreshTimeout", arg=select_id)
    page.evaluate("""async id => {
        const picker = document.getElementById(id).tomselect, tick = () => new Promise(r => setTimeout(r, 0));
        await tick(); picker.close(); picker.blur(); await tick();
    }""", select_id)
    expect(page.locator(f"#{select_id}-ts-dropdown")).to_be_hidden()
    expect(page.locator(f"#{select_id}-ts-control")).not_to_be_focused()
