"""The share page's switch: share an item with partner clusters, or stop."""

from django import forms
from django.utils.translation import gettext_lazy as _


class ShareForm(forms.Form):
    shared = forms.BooleanField(label=_("Share with partner clusters"), required=False)

    def __init__(self, *args, prefix_id: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        # Each item's switch has its own id on a page that lists many.
        self.fields["shared"].widget.attrs.update({"class": "form-check-input", "role": "switch",
                                                    "id": f"share-{prefix_id}"})
