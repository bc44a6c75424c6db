from allauth.account.adapter import DefaultAccountAdapter
from django.utils.translation import get_language


class AccountAdapter(DefaultAccountAdapter):
    """Accounts come from invitations, not open sign-up; after sign-in, pages speak the user's language."""

    def is_open_for_signup(self, request):
        return False

    def get_login_redirect_url(self, request):
        from django.urls import translate_url

        url = super().get_login_redirect_url(request)
        language = getattr(request.user, "language", None) or get_language()
        return translate_url(url, language)
