from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = [
        "username",
        "first_name",
        "last_name",
        "email",
        "job_title",
        "role_names",
        "is_active",
    ]
    list_filter = ["groups", "is_active", "is_staff"]
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
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description="roles")
    def role_names(self, obj):
        return ", ".join(g.name for g in obj.groups.all()) or "—"
