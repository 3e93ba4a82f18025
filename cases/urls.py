from django.urls import path

from cases import views

urlpatterns = [
    path("<int:pk>/", views.case_detail, name="case_detail"),
]
