from django.urls import path

from sources import views

urlpatterns = [
    path("<int:pk>/", views.source_detail, name="source_detail"),
]
