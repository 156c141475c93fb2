"""People, organisations, schools and memberships in the admin site.

A support admin sees the people of the organisations they administer (and people
who belong nowhere yet, so that a new account can be given its first role; a leaver
whose roles ended still belongs to the organisation of their staff record), their
schools and the memberships there; a superuser sees everything.
"""

import logging

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import Exists, OuterRef, Q

from . import roles
from .models import Membership, Organisation, School, SchoolIdentity, User
from .sso.secrets import encrypt_secret

# allauth's own admin pages are not offered: its apps are built from the schools'
# sign-ins (SchoolIdentity below), and its records are not scoped to organisations.
for _model in (EmailAddress, Authenticator, SocialAccount, SocialApp, SocialToken):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)

security_log = logging.getLogger("helpdesk.security")


def _organisations(request) -> frozenset[int] | None:
    """The organisations the person administers; None for a superuser (all)."""
    if request.user.is_superuser:
        return None
    return roles.organisations_where(request.user, roles.Role.ADMIN)


def _in_organisations(request, path: str) -> Q:
    organisations = _organisations(request)
    return Q() if organisations is None else Q(**{f"{path}__in": organisations})


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(_in_organisations(request, "pk"))

    def has_add_permission(self, request):
        return request.user.is_superuser


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    """The organisation's admin creates its schools."""

    list_display = ["name", "code", "organisation", "school_accounts_only"]
    list_filter = ["organisation"]
    search_fields = ["name", "code"]
    list_select_related = ["organisation"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(_in_organisations(request, "organisation"))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organisation":
            kwargs["queryset"] = Organisation.objects.filter(_in_organisations(request, "pk"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class SchoolIdentityForm(forms.ModelForm):
    """The client secret is typed in and kept encrypted; it is never shown back."""

    client_secret = forms.CharField(
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=(
            "Kept encrypted and never shown again. Leave empty to keep the secret already "
            "saved, or name an environment variable below instead."
        ),
    )

    class Meta:
        model = SchoolIdentity
        fields = [
            "school",
            "provider",
            "tenant_id",
            "workspace_domains",
            "client_id",
            "client_secret",
            "secret_env",
            "enabled",
        ]

    def clean(self):
        data = super().clean()
        provider = data.get("provider")
        if provider == "microsoft" and not data.get("tenant_id"):
            self.add_error("tenant_id", "Microsoft sign-in needs the school's tenant ID.")
        if provider == "google" and not (data.get("workspace_domains") or "").strip():
            self.add_error("workspace_domains", "Google sign-in needs the Workspace domain.")
        has_secret = data.get("client_secret") or data.get("secret_env")
        if not has_secret and not (self.instance.pk and self.instance.secret_encrypted):
            self.add_error("client_secret", "Type the client secret, or name its variable.")
        return data

    def save(self, commit=True):
        identity = super().save(commit=False)
        if self.cleaned_data.get("client_secret"):
            identity.secret_encrypted = encrypt_secret(self.cleaned_data["client_secret"])
        if commit:
            identity.save()
        return identity


@admin.register(SchoolIdentity)
class SchoolIdentityAdmin(admin.ModelAdmin):
    """How a school's people sign in with the school's own accounts."""

    form = SchoolIdentityForm
    list_display = ["school", "provider", "client_id", "enabled"]
    list_filter = ["provider", "enabled"]
    list_select_related = ["school"]

    def get_queryset(self, request):
        return (
            super().get_queryset(request).filter(_in_organisations(request, "school__organisation"))
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "school":
            kwargs["queryset"] = School.objects.filter(_in_organisations(request, "organisation"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    """Who holds which role where: at one school, or at every school of the organisation."""

    list_display = ["person", "role", "school", "organisation"]
    list_filter = ["role", "organisation", "school"]
    search_fields = ["person__username", "person__first_name", "person__last_name"]
    list_select_related = ["person", "school", "organisation"]
    autocomplete_fields = ["person"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(_in_organisations(request, "organisation"))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organisation":
            kwargs["queryset"] = Organisation.objects.filter(_in_organisations(request, "pk"))
        elif db_field.name == "school":
            kwargs["queryset"] = School.objects.filter(_in_organisations(request, "organisation"))
        elif db_field.name == "person":
            kwargs["queryset"] = people_for_admin(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def _people_of(organisations) -> Q:
    """People of these organisations (a role there, or a staff record at one of their
    schools: leavers keep theirs), and people of none yet."""
    return Q(
        pk__in=User.objects.filter(
            Q(memberships__organisation__in=organisations)
            | Q(staff_records__school__organisation__in=organisations)
            | Q(memberships__isnull=True, staff_records__isnull=True)
        ).values("pk")
    )


def people_for_admin(request):
    """The people of the organisations the person administers, and those of none."""
    organisations = _organisations(request)
    if organisations is None:
        return User.objects.all()
    return User.objects.filter(_people_of(organisations))


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = [
        "username",
        "first_name",
        "last_name",
        "email",
        "job_title",
        "role_names",
        "has_authenticator",
        "is_active",
    ]
    list_filter = ["is_active", "is_staff"]
    actions = ["reset_authenticator"]
    search_fields = ["username", "first_name", "last_name", "email"]
    fieldsets = [
        *(BaseUserAdmin.fieldsets or ()),
        ("Helpdesk", {"fields": ["job_title", "phone", "notify_by_email"]}),
    ]

    # Powers only a superuser may hand out: a support admin manages people and
    # roles, but cannot make anyone (themselves included) a superuser or staff.
    SUPERUSER_ONLY_FIELDS = ("is_superuser", "is_staff", "user_permissions")

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += [name for name in self.SUPERUSER_ONLY_FIELDS if name not in fields]
        return fields

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        organisations = _organisations(request)
        if organisations is not None:
            qs = qs.filter(_people_of(organisations))
        totp = Authenticator.objects.filter(user=OuterRef("pk"), type=Authenticator.Type.TOTP)
        return qs.annotate(authenticator_set_up=Exists(totp)).prefetch_related(
            "memberships__school", "memberships__organisation"
        )

    @admin.display(description="authenticator app", boolean=True)
    def has_authenticator(self, obj):
        return obj.authenticator_set_up

    @admin.action(description="Reset the authenticator app (lost or replaced phone)")
    def reset_authenticator(self, request, queryset):
        """Removes the person's authenticator app and recovery codes: at their next
        password sign-in they set up a new app if their organisation asks for one.
        Only for people of the admin's own organisations, and a superuser's only by
        a superuser."""
        organisations = _organisations(request)
        if organisations is not None:
            queryset = queryset.filter(
                pk__in=User.objects.filter(memberships__organisation__in=organisations).values(
                    "pk"
                ),
                is_superuser=False,
            )
        people = list(queryset.filter(pk__in=Authenticator.objects.values("user")))
        for person in people:
            Authenticator.objects.filter(user=person).delete()
            security_log.warning("second factor reset: person=%s by=%s", person.pk, request.user.pk)
        if people:
            names = ", ".join(sorted(person.display_name for person in people))
            self.message_user(
                request,
                f"Authenticator app reset for {names}: they set up a new one at their "
                "next sign-in.",
                messages.SUCCESS,
            )
        else:
            self.message_user(
                request, "None of the people chosen has an authenticator app.", messages.WARNING
            )

    @admin.display(description="roles")
    def role_names(self, obj):
        held = [
            f"{m.role} at {m.school or f'every school of {m.organisation}'}"
            for m in obj.memberships.all()
        ]
        return "; ".join(held) or "—"
