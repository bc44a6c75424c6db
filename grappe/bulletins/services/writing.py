"""Writing a bulletin: its texts, its target, what it links to, and the images it shows.

Only the communications staff write (rules: bulletins.manage_bulletins). A bulletin is edited while it is a draft
or scheduled (it then stays scheduled for the same time); once sending has started it is what was sent. Its HTML
is always cleaned here (html.clean), whatever the editor did; a target that reaches nobody is refused with the
criterion that emptied it.
"""

import io

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from grappe.core import audit
from grappe.core.errors import Conflict
from grappe.core.permissions import require
from grappe.events.models import Event, Phase
from grappe.governance.models import Resolution
from grappe.programs.models import Call, CallStatus

from .. import html, targeting
from ..models import Bulletin, BulletinImage, BulletinStatus, Category

TEXT_FIELDS = ("title_fr", "title_en", "summary_fr", "summary_en", "body_fr", "body_en")
TARGET_LISTS = ("kinds", "size_bands", "regions")
TARGET_MANY = ("capabilities", "certification_types", "bodies")
LINKS = ("call", "event", "resolution")
FIELDS = ("category", *TEXT_FIELDS, "is_public", "segment", *TARGET_LISTS, *TARGET_MANY, *LINKS)
EDITABLE = (BulletinStatus.DRAFT, BulletinStatus.SCHEDULED)
SUMMARY_LENGTH = 300


# What a bulletin may link to: what a member can still act on (and, when editing, what it already links to).

def linkable_calls(current=None) -> QuerySet:
    return Call.objects.filter(Q(status=CallStatus.PUBLISHED, closes_at__gt=timezone.now()) | Q(pk=current)
                               ).order_by("closes_at")


def linkable_events(current=None) -> QuerySet:
    return Event.objects.filter(~Q(phase__in=(Phase.DRAFT, Phase.FINISHED)) | Q(pk=current)
                                ).order_by("registration_opens")


def linkable_resolutions(current=None) -> QuerySet:
    return Resolution.objects.filter(Q(published_at__isnull=False, closes_at__gt=timezone.now()) | Q(pk=current)
                                     ).order_by("closes_at")


def _prepared(fields: dict) -> dict:
    """The fields as they are stored: HTML cleaned, texts trimmed, empty summaries from the start of the text."""
    data = {name: fields.get(name) for name in FIELDS}
    for name in TEXT_FIELDS:
        data[name] = (data[name] or "").strip()
    for language in ("fr", "en"):
        data[f"body_{language}"] = html.clean(data[f"body_{language}"])
        if data[f"title_{language}"] and not data[f"summary_{language}"]:
            data[f"summary_{language}"] = html.summary_of(data[f"body_{language}"], SUMMARY_LENGTH)
    for name in TARGET_LISTS:
        data[name] = sorted(set(data[name] or ()))
    for name in TARGET_MANY:
        data[name] = list(data[name] or ())
    data["is_public"] = bool(data["is_public"])
    return data


def check(data: dict) -> None:
    """Refuse what cannot be sent, each reason beside its field, in the writer's language."""
    errors = {}
    if data["category"] not in Category.values:
        errors["category"] = _("Choose the bulletin's category.")
    complete = []
    for language, name in (("fr", _("French").lower()), ("en", _("English").lower())):
        title, body = data[f"title_{language}"], data[f"body_{language}"]
        if title and body:
            complete.append(language)
        elif title:
            errors[f"body_{language}"] = _("Write the text in %(language)s, or leave its title empty.") % {
                "language": name}
        elif body:
            errors[f"title_{language}"] = _("Give the %(language)s text a title, or leave it empty.") % {
                "language": name}
    if not complete and not errors:
        errors["title_fr"] = _("Write the bulletin in French or in English: a title and a text.")
    if sum(1 for name in LINKS if data[name]) > 1:
        errors["call"] = _("A bulletin links to one thing at most: a call, an event or a vote.")
    emptied = targeting.first_emptying(targeting.Target.from_form(data))
    if emptied:
        errors["__all__"] = _("This target reaches nobody: no organisation is left after %(criterion)s. "
                              "Widen it.") % {"criterion": emptied}
    if errors:
        raise ValidationError(errors)


def _save(bulletin: Bulletin, data: dict) -> None:
    for name in ("category", *TEXT_FIELDS, "is_public", "segment", *TARGET_LISTS, *LINKS):
        setattr(bulletin, name, data[name])
    bulletin.save()
    for name in TARGET_MANY:
        getattr(bulletin, name).set(data[name])


def _main(bulletin: Bulletin) -> dict:
    """What the audit trail keeps of a bulletin: its fields and its target's lists."""
    return {**audit.snapshot(bulletin, exclude=("created_at",)),
            **{name: sorted(getattr(bulletin, name).values_list("pk", flat=True)) for name in TARGET_MANY}}


def create_bulletin(actor, **fields) -> Bulletin:
    """A new draft bulletin written by `actor`."""
    require(actor, "bulletins.manage_bulletins")
    data = _prepared(fields)
    check(data)
    with transaction.atomic():
        bulletin = Bulletin(created_by=actor)
        _save(bulletin, data)
        audit.record(actor, "bulletin.created", bulletin, after=_main(bulletin))
    return bulletin


def update_bulletin(actor, bulletin: Bulletin, **fields) -> Bulletin:
    """Change a draft or scheduled bulletin (a scheduled one stays scheduled); one being sent or sent is final."""
    require(actor, "bulletins.manage_bulletins")
    data = _prepared(fields)
    with transaction.atomic():
        bulletin = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
        if bulletin.status not in EDITABLE:
            raise Conflict(_("This bulletin is %(status)s: it can no longer be changed.")
                           % {"status": bulletin.get_status_display().lower()})
        check(data)
        before = _main(bulletin)
        _save(bulletin, data)
        after = _main(bulletin)
        changed = [name for name in after if before.get(name) != after[name]]
        audit.record(actor, "bulletin.changed", bulletin, before={name: before.get(name) for name in changed},
                     after={name: after[name] for name in changed})
    return bulletin


# Images: what the editor inserts. Checked by opening them, re-encoded so nothing but pixels is kept.

IMAGE_FORMATS = {"PNG": ("png", "image/png"), "JPEG": ("jpg", "image/jpeg"), "GIF": ("gif", "image/gif"),
                 "WEBP": ("webp", "image/webp")}
MAX_IMAGE_BYTES = getattr(settings, "GRAPPE_BULLETIN_IMAGE_MAX_BYTES", 5 * 1024 * 1024)
MAX_IMAGE_PIXELS = 20_000_000


def _read_image(content: bytes) -> Image.Image:
    """The image `content` holds, verified and decoded, or ValidationError."""
    refused = ValidationError({"file": _("This file is not an image we accept: send a PNG, JPEG, GIF or WebP "
                                         "picture.")})
    try:
        with Image.open(io.BytesIO(content)) as probe:
            if probe.format not in IMAGE_FORMATS:
                raise refused
            if probe.width * probe.height > MAX_IMAGE_PIXELS:
                raise ValidationError({"file": _("This image is too large: %(megapixels)s megapixels at most.")
                                       % {"megapixels": MAX_IMAGE_PIXELS // 1_000_000}})
            probe.verify()
        image = Image.open(io.BytesIO(content))
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise refused from error
    return image


def _reencoded(image: Image.Image) -> Image.Image:
    """The pixels alone, the right way up (a photo's EXIF orientation applied before the EXIF goes), in a new
    image: no metadata, comment or trailing data of the file survives."""
    kind = image.format
    upright = ImageOps.exif_transpose(image)
    if kind == "JPEG":
        upright = upright.convert("RGB")
    elif kind == "PNG" and upright.mode not in ("RGB", "RGBA", "L", "LA", "P"):
        upright = upright.convert("RGBA")
    upright.format = kind
    return upright


def _encoded(image: Image.Image) -> bytes:
    output = io.BytesIO()
    options = {"JPEG": {"quality": 88, "optimize": True}, "WEBP": {"quality": 88}, "PNG": {"optimize": True},
               "GIF": {}}[image.format]  # a GIF keeps its first frame: an animation is not what a bulletin needs
    image.save(output, image.format, **options)
    return output.getvalue()


def upload_image(actor, file) -> BulletinImage:
    """Store an image for bulletins under a random key, after checking it is one and re-encoding it."""
    require(actor, "bulletins.manage_bulletins")
    if file is None:
        raise ValidationError({"file": _("Choose an image to send.")})
    if file.size > MAX_IMAGE_BYTES:
        raise ValidationError({"file": _("This image is too heavy: %(megabytes)s MB at most.")
                               % {"megabytes": MAX_IMAGE_BYTES // (1024 * 1024)}})
    image = _reencoded(_read_image(file.read()))
    extension, content_type = IMAGE_FORMATS[image.format]
    content = _encoded(image)
    with transaction.atomic():
        stored = BulletinImage(extension=extension, content_type=content_type, width=image.width,
                               height=image.height, uploaded_by=actor)
        stored.file.save(f"{stored.key}.{extension}", ContentFile(content), save=False)
        stored.save()
        audit.record(actor, "bulletin.image_uploaded", stored, after={
            "content_type": content_type, "width": image.width, "height": image.height, "bytes": len(content)})
    return stored
