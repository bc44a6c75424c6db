"""What operations keep: the backups made (the system page shows the last one; /readyz may warn when it is old)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Backup(models.Model):
    """One run of `manage.py backup` (grappe.operations.services.backups): where its archive is, how big, and its
    checksum; or why it failed. The row is written after the dump, so an archive never holds its own row."""

    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    path = models.CharField(_("archive"), max_length=500, blank=True)
    size_bytes = models.BigIntegerField(_("size"), null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    succeeded = models.BooleanField(_("succeeded"), default=False)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("backup")
        verbose_name_plural = _("backups")

    def __str__(self) -> str:
        return self.path or f"backup {self.started_at:%Y-%m-%d %H:%M}"
