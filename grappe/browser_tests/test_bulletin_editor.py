"""Nadia, of the communications staff, writes a bulletin in the rich-text editor under the site's
Content-Security-Policy: the editor appears, she types and formats, places an uploaded image, sees whom the target
reaches, and what she wrote is saved — cleaned, and without the browser refusing anything the page loads."""

import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from grappe.bulletins.models import Bulletin
from grappe.conftest import make_member, make_organisation, make_staff
from grappe.members.models import OrganisationKind

from .helpers import in_french, url

pytestmark = pytest.mark.browser


def a_png() -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (120, 60), (20, 120, 200)).save(output, "PNG")
    return output.getvalue()


def test_the_staff_write_a_bulletin_in_the_editor(page, sign_in, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    alpha = make_organisation("Alpha Usinage")
    make_member(alpha, "lea@alpha.test", consent_communications=True)
    refused = []
    page.on("console", lambda message: refused.append(message.text)
            if message.type == "error" else None)
    page.on("pageerror", lambda error: refused.append(str(error)))

    sign_in(make_staff())
    page.goto(url("bulletins:create"))
    editor = page.locator("#id_body_fr").locator("xpath=..").locator(".ProseMirror[contenteditable=true]")
    expect(editor).to_be_visible()
    expect(page.locator("#id_body_fr")).to_be_hidden()
    page.get_by_label(in_french("Title (French)")).fill("Nouvelles normes AS9100")
    editor.click()
    page.keyboard.type("Ce qui change ")
    page.keyboard.press("Control+b")
    page.keyboard.type("vraiment")
    page.keyboard.press("Control+b")
    page.keyboard.type(".")
    expect(editor.locator("strong")).to_have_text("vraiment")

    page.locator("#bulletin-image-file").set_input_files(
        {"name": "usine.png", "mimeType": "image/png", "buffer": a_png()})
    expect(editor.locator("img")).to_be_visible()

    reach = page.get_by_test_id("reach")
    expect(reach).to_contain_text("1 organisation")
    prime = page.get_by_label(in_french(OrganisationKind.PRIME.label), exact=True)
    prime.check()
    expect(reach).to_contain_text(in_french("the types"))
    prime.uncheck()
    expect(reach).to_contain_text("1 organisation")
    page.get_by_role("button", name=in_french("Save the bulletin")).click()
    expect(page.get_by_role("status").first).to_contain_text(in_french("The bulletin is saved."))

    bulletin = Bulletin.objects.get()
    assert bulletin.title_fr == "Nouvelles normes AS9100"
    assert "Ce qui change <strong>vraiment</strong>." in bulletin.body_fr
    assert '<img src="/fr/news/images/' in bulletin.body_fr
    assert not [text for text in refused if "Content Security Policy" in text or "Refused" in text], refused
    assert not refused, refused
