from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core"


class VigilAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with Vigil's site (INSTALLED_APPS names it explicitly)."""

    default = False
    default_site = "core.admin_site.VigilAdminSite"
