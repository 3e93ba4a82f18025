from django.urls import path

from sources import views

urlpatterns = [
    path("search/", views.report_search, name="report_search"),
    path("<int:pk>/", views.source_detail, name="source_detail"),
]
