"""Accounts: Django's user admin plus the organization NGO staff belong to."""

from __future__ import annotations

from axes.utils import reset as reset_sign_in_failures
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts import mfa
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
    actions = ("end_sessions", "unlock_sign_in", "reset_second_factor")

    @admin.action(description=_("End all sessions of the selected users"), permissions=["change"])
    def end_sessions(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        with transaction.atomic():
            for user in queryset:
                user.end_all_sessions()
        count = len(queryset)
        self.message_user(
            request,
            ngettext(
                "Ended the sessions of %(count)d user: they must sign in again.",
                "Ended the sessions of %(count)d users: they must sign in again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(
        description=_("Unlock sign-in of the selected users (after too many wrong passwords)"),
        permissions=["change"],
    )
    def unlock_sign_in(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        cleared = sum(reset_sign_in_failures(username=user.username) for user in queryset)
        self.message_user(
            request,
            ngettext(
                "Unlocked: %(count)d locked or failing address cleared.",
                "Unlocked: %(count)d locked or failing addresses cleared.",
                cleared,
            )
            % {"count": cleared},
            messages.SUCCESS,
        )

    @admin.action(
        description=_("Reset the second factor (lost phone): set it up again at next sign-in"),
        permissions=["change"],
    )
    def reset_second_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        with transaction.atomic():
            for user in queryset:
                mfa.forget_devices(user)
                user.end_all_sessions()
        self.message_user(
            request,
            _(
                "Second factor removed and sessions ended: the users set up a new authenticator "
                "after their password at the next sign-in. Check who asked before doing this."
            ),
            messages.WARNING,
        )
