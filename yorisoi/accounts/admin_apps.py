from django.contrib.admin.apps import AdminConfig


class YorisoiAdminConfig(AdminConfig):
    """django.contrib.admin with yorisoi's site: superusers past two-factor only (see admin_site.py)."""

    default_site = "yorisoi.accounts.admin_site.YorisoiAdminSite"
