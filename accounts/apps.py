from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _create_role_groups(sender, **kwargs):
    from accounts.roles import ensure_role_groups

    ensure_role_groups()


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "People and roles"

    def ready(self):
        # Groups need the permissions that exist only after every app migrated.
        post_migrate.connect(_create_role_groups, dispatch_uid="accounts.role_groups")
