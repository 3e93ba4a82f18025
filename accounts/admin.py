"""Accounts: Django's user admin plus the organization NGO staff belong to."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = (
        "username",
        "email",
        "first_name",
        "last_name",
        "organization",
        "is_active",
        "is_staff",
    )
    list_filter = (
        "groups",
        "is_active",
        "is_staff",
        ("organization", admin.RelatedOnlyFieldListFilter),
    )
    list_select_related = ("organization",)
    search_fields = ("username", "first_name", "last_name", "email", "organization__name")
    ordering = ("username",)
    autocomplete_fields = ("organization",)
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (_("Vigil"), {"fields": ("organization",)}),
    )
