"""The bulletin form, its reach panel and the editor's images, as the communications staff use them."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from grappe.bulletins.models import Bulletin, BulletinImage
from grappe.bulletins.services import writing
from grappe.core.models import AuditEntry
from grappe.members.models import Region

pytestmark = pytest.mark.django_db


def form_data(**changes) -> dict:
    return {"form_token": "5f8a1f0e-5d2b-4a8e-9d8e-0a4c2f9f1b11", "category": "regulatory",
            "title_fr": "Nouvelles normes", "body_fr": "<p>Ce qui change <b>vraiment</b>.</p>", **changes}


def png(width=40, height=30, **save) -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(output, "PNG", **save)
    return output.getvalue()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def staff_client(client, bulletins_matrix):
    client.force_login(bulletins_matrix.staff)
    return client


def test_the_staff_write_a_bulletin_from_the_form(staff_client, bulletins_matrix):
    response = staff_client.post(reverse("bulletins:create"), form_data(
        capabilities=[bulletins_matrix.capability.pk]))
    bulletin = Bulletin.objects.get(title_fr="Nouvelles normes")
    assert response.status_code == 302 and response.url == reverse("bulletins:staff-detail", args=[bulletin.pk])
    assert bulletin.body_fr == "<p>Ce qui change vraiment.</p>"  # <b> is not among the kept tags: its text stays
    assert list(bulletin.capabilities.all()) == [bulletins_matrix.capability]
    page = staff_client.get(reverse("bulletins:edit", args=[bulletin.pk])).content.decode()
    assert "Nouvelles normes" in page and 'data-django-prose-editor-configurable' in page


def test_a_refused_form_keeps_everything_typed(staff_client, bulletins_matrix):
    response = staff_client.post(reverse("bulletins:create"), form_data(
        title_en="New standards", summary_fr="En bref", regions=[Region.NORD_DU_QUEBEC]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nouvelles normes" in page and "New standards" in page and "En bref" in page
    assert "Ce qui change" in page
    assert f'value="{Region.NORD_DU_QUEBEC}" selected' in page
    assert response.context["form"].errors
    assert not Bulletin.objects.filter(title_fr="Nouvelles normes").exists()


def test_the_reach_panel_counts_and_names_the_emptying_criterion(staff_client, bulletins_matrix):
    page = staff_client.get(reverse("bulletins:reach"), {"category": "regulatory"}).content.decode()
    # Every member organisation; none of their people consented to communications in this small cluster.
    assert "data-testid=\"reach\"" in page and "3 organisations" in page and "consenti" in page
    page = staff_client.get(reverse("bulletins:reach"), {
        "category": "regulatory", "capabilities": [bulletins_matrix.capability.pk],
        "regions": [Region.NORD_DU_QUEBEC]}).content.decode()
    assert "les régions" in page


def test_a_sent_bulletin_opens_as_it_was_sent(staff_client, bulletins_matrix):
    sent = bulletins_matrix.bulletin_to_a
    response = staff_client.get(reverse("bulletins:edit", args=[sent.pk]))
    assert response.status_code == 302 and response.url == reverse("bulletins:staff-detail", args=[sent.pk])
    response = staff_client.post(reverse("bulletins:edit", args=[sent.pk]), form_data(title_fr="Réécrit"))
    sent.refresh_from_db()
    assert response.status_code == 302 and sent.title_fr != "Réécrit"
    assert not AuditEntry.objects.filter(action="bulletin.changed").exists()


def test_an_edit_link_for_drafts_on_the_staff_list(staff_client, bulletins_matrix):
    page = staff_client.get(reverse("bulletins:manage")).content.decode()
    assert reverse("bulletins:create") in page
    assert reverse("bulletins:edit", args=[bulletins_matrix.draft.pk]) in page
    assert reverse("bulletins:edit", args=[bulletins_matrix.bulletin_to_a.pk]) not in page


def test_an_uploaded_image_is_reencoded_and_served(staff_client):
    original = png(pnginfo=_with_text("Comment", "<?php system($_GET['c']); ?>"))
    response = staff_client.post(reverse("bulletins:image-upload"), {
        "file": SimpleUploadedFile("photo.png", original + b"<script>alert(1)</script>", "image/png")})
    assert response.status_code == 201
    image = BulletinImage.objects.get()
    assert response.json()["url"] == reverse("bulletins:image", args=[image.key])
    assert (image.content_type, image.extension, image.width, image.height) == ("image/png", "png", 40, 30)
    assert AuditEntry.objects.filter(action="bulletin.image_uploaded").count() == 1
    served = staff_client.get(response.json()["url"])
    content = b"".join(served.streaming_content)
    assert served["Content-Type"] == "image/png" and served["X-Content-Type-Options"] == "nosniff"
    assert "max-age=31536000" in served["Cache-Control"]
    assert b"php" not in content and b"script" not in content
    assert Image.open(io.BytesIO(content)).size == (40, 30)


def _with_text(key, value):
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text(key, value)
    return info


@pytest.mark.parametrize("content", [
    b"<?php system($_GET['c']); ?>",
    b"<html><script>alert(1)</script></html>",
    b"\x89PNG\r\n\x1a\n<script>alert(1)</script>",
])
def test_a_file_that_is_not_an_image_is_refused(staff_client, content):
    response = staff_client.post(reverse("bulletins:image-upload"), {
        "file": SimpleUploadedFile("photo.png", content, "image/png")})
    assert response.status_code == 400 and "PNG" in response.json()["error"]
    assert not BulletinImage.objects.exists() and not AuditEntry.objects.filter(
        action="bulletin.image_uploaded").exists()


def test_a_huge_image_is_refused(staff_client, monkeypatch):
    response = staff_client.post(reverse("bulletins:image-upload"), {
        "file": SimpleUploadedFile("huge.png", png(5000, 4001), "image/png")})
    assert response.status_code == 400 and "20" in response.json()["error"]
    monkeypatch.setattr(writing, "MAX_IMAGE_BYTES", 100)
    response = staff_client.post(reverse("bulletins:image-upload"), {
        "file": SimpleUploadedFile("heavy.png", png(), "image/png")})
    assert response.status_code == 400
    assert not BulletinImage.objects.exists()


def test_a_photo_is_stored_the_right_way_up_without_its_metadata(staff_client):
    photo = Image.new("RGB", (40, 20), (10, 10, 10))
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° to show it
    exif[0x010F] = "Camera maker"
    output = io.BytesIO()
    photo.save(output, "JPEG", exif=exif)
    response = staff_client.post(reverse("bulletins:image-upload"), {
        "file": SimpleUploadedFile("photo.jpg", output.getvalue(), "image/jpeg")})
    assert response.status_code == 201
    image = BulletinImage.objects.get()
    assert (image.content_type, image.width, image.height) == ("image/jpeg", 20, 40)
    stored = Image.open(image.file.path)
    assert stored.size == (20, 40) and not stored.getexif()
