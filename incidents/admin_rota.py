"""The visit rota in the admin site: a support admin keeps the rota of the schools
where they are support admin (the desk keeps it on its own page, see
`incidents.views.desk.rota`). Lists and choice lists hold only those schools and
their organisations' technicians."""

from django.contrib import admin

from accounts import roles
from accounts.models import School

from .forms.rota import rota_technicians
from .models import RotaEntry, VisitChange


class RotaAdmin(admin.ModelAdmin):
    """Shared by the rota's two models: scoped to the person's schools."""

    def _schools(self, request):
        return School.objects.filter(pk__in=roles.schools_where(request.user, roles.Role.ADMIN))

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(school__in=self._schools(request))
            .select_related("school", "technician")
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "school":
            kwargs["queryset"] = self._schools(request)
        elif db_field.name == "technician":
            kwargs["queryset"] = rota_technicians(self._schools(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(RotaEntry)
class RotaEntryAdmin(RotaAdmin):
    list_display = ["technician", "school", "weekday", "every_weeks", "starts_on", "ends_on"]
    list_filter = ["school", "weekday", "every_weeks"]
    search_fields = ["technician__username", "technician__first_name", "technician__last_name"]
    date_hierarchy = "starts_on"


@admin.register(VisitChange)
class VisitChangeAdmin(RotaAdmin):
    list_display = ["day", "kind", "technician", "school", "reason", "made_by"]
    list_filter = ["kind", "school"]
    search_fields = ["reason", "technician__username", "technician__last_name"]
    date_hierarchy = "day"
    exclude = ["made_by"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.made_by = request.user
        super().save_model(request, obj, form, change)
