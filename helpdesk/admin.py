from django.contrib import admin


class HelpdeskAdminSite(admin.AdminSite):
    site_header = "Helpdesk administration"
    site_title = "Helpdesk admin"
    index_title = "Support admin"

    def has_permission(self, request):
        """Only support admins run the admin site."""
        from accounts.roles import is_support_admin

        return request.user.is_active and is_support_admin(request.user)
