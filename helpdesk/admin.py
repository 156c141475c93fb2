from django.contrib import admin


class HelpdeskAdminSite(admin.AdminSite):
    site_header = "Helpdesk administration"
    site_title = "Helpdesk admin"
    index_title = "Support admin"

    def has_permission(self, request):
        """Only support admins and school admins (their school's catalogue) run the
        admin site."""
        from accounts.roles import is_school_admin, is_support_admin

        user = request.user
        return user.is_active and (is_support_admin(user) or is_school_admin(user))
