from django.urls import path

from people import views

urlpatterns = [
    path("<int:pk>/", views.person_detail, name="person_detail"),
    path("<int:pk>/timeline/print/", views.person_timeline_print, name="person_timeline_print"),
]
