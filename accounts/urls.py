from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from accounts import views

urlpatterns = [
    path("verify/", views.verify, name="mfa_verify"),
    path("enrol/", views.enrol, name="mfa_enrol"),
    path("", views.security, name="account_security"),
    path("confirm-password/", views.confirm_password, name="confirm_password"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("backup-codes/", views.backup_codes, name="mfa_backup_codes"),
    path("authenticator/", views.replace_authenticator, name="mfa_replace"),
    path("sessions/end/", views.end_other_sessions, name="end_other_sessions"),
    path(
        "password-reset/",
        auth_views.PasswordResetView.as_view(success_url=reverse_lazy("password_reset_done")),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
