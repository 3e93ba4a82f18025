from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts import views as account_views
from accounts.middleware import mfa_not_required
from core import history_views, import_views, uploads
from core import views as core_views
from deadlines import feeds as deadline_feeds
from hearings import views as hearing_views
from people import api as people_api
from people import search_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("login/", account_views.LoginView.as_view(), name="login"),
    path("logout/", mfa_not_required(auth_views.LogoutView.as_view()), name="logout"),
    # Second factor, password change and reset, the account's sessions (accounts/urls.py).
    path("account/", include("accounts.urls")),
    path("people/", include("people.urls")),
    # Names are posted, never put in an address.
    path("search/", search_views.name_search, name="name_search"),
    path("api/search/people", people_api.search_people_api, name="api_search_people"),
    path("cases/", include("cases.urls")),
    path("cases/<int:pk>/calendar.ics", deadline_feeds.case_feed, name="case_calendar"),
    path("cases/<int:pk>/hearings/new/", hearing_views.hearing_schedule, name="hearing_schedule"),
    path("hearings/", include("hearings.urls")),
    path("cases/<int:pk>/history/", history_views.case_history, name="case_history"),
    path(
        "history/<slug:app_label>/<slug:model_name>/<int:pk>/",
        history_views.record_history,
        name="record_history",
    ),
    path(
        "history/<slug:app_label>/<slug:model_name>/<int:pk>/restore/",
        history_views.record_restore,
        name="record_restore",
    ),
    path("import/", import_views.import_data, name="import_data"),
    # Uploaded originals, for admins, only ever as attachments.
    path("uploads/<str:name>", uploads.download_original, name="upload_original"),
    path("deadlines/", include("deadlines.urls")),
    # A calendar app's secret address: the token is the credential, no session needed.
    path("calendar/<slug:token>.ics", deadline_feeds.user_feed, name="calendar_feed"),
    path("sources/", include("sources.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    # The admin signs in through the same two-step sign-in as everything else.
    path("admin/login/", account_views.admin_login, name="admin_login_redirect"),
    path("admin/", admin.site.urls),
]
