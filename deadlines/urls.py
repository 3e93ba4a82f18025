from django.urls import path

from deadlines import views

urlpatterns = [
    path("", views.dashboard, name="deadline_dashboard"),
    path("calendar/", views.calendar_feeds, name="calendar_feeds"),
    path("calendar/<int:pk>/revoke/", views.revoke_calendar_feed, name="calendar_feed_revoke"),
    # Keys read like "release:sentence-12"; `path` also accepts any "/" a key may hold.
    path("<path:key>/", views.deadline_detail, name="deadline_detail"),
]
