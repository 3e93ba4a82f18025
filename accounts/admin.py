from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "email", "first_name", "last_name", "organization", "is_active")
    list_filter = ("groups", "is_active", "is_staff", "organization")
    autocomplete_fields: tuple[str, ...] = ()  # set once people.admin registers Organization
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Vigil"), {"fields": ("organization",)}),
    )
