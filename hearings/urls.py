from django.urls import path

from hearings import views

urlpatterns = [
    path("<int:pk>/outcome/", views.hearing_outcome, name="hearing_outcome"),
    path("<int:pk>/saved/", views.hearing_saved, name="hearing_saved"),
]
