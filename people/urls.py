from django.urls import path

from people import list_views, views

urlpatterns = [
    path("", list_views.person_list, name="person_list"),
    path("export.csv", list_views.person_export, name="person_export"),
    path("<int:pk>/", views.person_detail, name="person_detail"),
    path("<int:pk>/timeline/print/", views.person_timeline_print, name="person_timeline_print"),
]
