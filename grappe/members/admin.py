"""The back office. Changes that matter go through the same services as the pages, so they are audited."""

from django.contrib import admin

from .directory_cache import bump_directory_version
from .forms.people import PersonEmailMixin
from .models import (
    Capability,
    Certification,
    CertificationType,
    ImportJob,
    Organisation,
    OrganisationCapability,
    Person,
    User,
)
from .services import accounts, fields, organisations, people


class StaffAdmin(admin.ModelAdmin):
    """Cluster staff manage members' data in the back office; rights come from the role, not Django groups."""

    def has_module_permission(self, request):
        return request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return request.user.is_staff

    def has_add_permission(self, request):
        return request.user.is_staff

    def has_change_permission(self, request, obj=None):
        return request.user.is_staff

    def has_delete_permission(self, request, obj=None):
        return False  # organisations and people are deactivated, never deleted: the history stays whole


class DirectoryShownAdmin(StaffAdmin):
    """What the directory shows, edited here partly without the services (inline capabilities, taxonomy
    nodes, certification types): its cached listing is renewed after every save."""

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        bump_directory_version()


class CapabilityInline(admin.TabularInline):
    model = OrganisationCapability
    extra = 0
    autocomplete_fields = ["capability"]


@admin.register(Organisation)
class OrganisationAdmin(DirectoryShownAdmin):
    list_display = ("legal_name", "trade_name", "neq", "kind", "size_band", "region", "membership_status")
    list_filter = ("membership_status", "kind", "size_band", "region", "province", "listed_in_directory")
    search_fields = ("legal_name", "trade_name", "neq", "city", "postal_code")
    prepopulated_fields = {"slug": ("legal_name",)}
    inlines = [CapabilityInline]

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in fields.ORGANISATION_FIELDS if name in form.cleaned_data}
        if change:
            organisations.update_organisation(actor=request.user, organisation=obj, data=data)
        else:
            obj.pk = organisations.create_organisation(actor=request.user, data=data).pk


@admin.register(Person)
class PersonAdmin(StaffAdmin):
    list_display = ("last_name", "first_name", "email", "organisation", "org_role", "is_active")
    list_filter = ("org_role", "is_active", "consent_directory")
    search_fields = ("last_name", "first_name", "email", "organisation__legal_name")
    autocomplete_fields = ["organisation"]
    readonly_fields = ("user", "invited_at")

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (PersonEmailMixin, form), {"actor": request.user})

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in fields.PERSON_FIELDS if name in form.cleaned_data}
        person = people.save_person(actor=request.user, organisation=form.cleaned_data["organisation"],
                                      data=data, person=Person.objects.get(pk=obj.pk) if change else None)
        obj.pk = person.pk


@admin.register(Capability)
class CapabilityAdmin(DirectoryShownAdmin):
    list_display = ("label_fr", "label_en", "parent", "code", "is_active")
    list_filter = ("is_active", ("parent", admin.RelatedOnlyFieldListFilter))
    search_fields = ("label_fr", "label_en", "synonyms_fr", "synonyms_en", "code")


@admin.register(CertificationType)
class CertificationTypeAdmin(DirectoryShownAdmin):
    list_display = ("label_fr", "label_en", "family", "code")
    list_filter = ("family",)
    search_fields = ("label_fr", "label_en", "code")


@admin.register(Certification)
class CertificationAdmin(StaffAdmin):
    list_display = ("organisation", "certification_type", "expires_on", "reminder_sent_on")
    list_filter = ("certification_type__family",)
    search_fields = ("organisation__legal_name", "certificate_number")
    date_hierarchy = "expires_on"

    def has_change_permission(self, request, obj=None):
        return False  # members keep their certifications on their profile pages


@admin.register(ImportJob)
class ImportJobAdmin(StaffAdmin):
    list_display = ("original_name", "kind", "step", "status", "total", "owner", "created_at", "undone_at")
    list_filter = ("kind", "status")

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(StaffAdmin):
    list_display = ("email", "full_name", "role", "language", "is_active", "last_login")
    list_filter = ("role", "is_active", "language")
    search_fields = ("email", "full_name")
    fields = ("email", "full_name", "role", "language", "is_active", "last_login", "date_joined")
    readonly_fields = ("email", "last_login", "date_joined")

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("members.manage_roles")

    def save_model(self, request, obj, form, change):
        if "role" in form.changed_data:
            accounts.set_user_role(actor=request.user, user=obj, role=form.cleaned_data["role"])
        User.objects.filter(pk=obj.pk).update(full_name=obj.full_name, language=obj.language,
                                              is_active=obj.is_active)
