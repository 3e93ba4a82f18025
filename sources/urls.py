from django.urls import path

from sources import report_views, views

urlpatterns = [
    path("search/", views.report_search, name="report_search"),
    path("<int:pk>/", views.source_detail, name="source_detail"),
    path("import/", report_views.report_import, name="report_import"),
    path("review/", report_views.review_queue, name="report_review"),
    path("review/<int:pk>/accept/", report_views.proposal_accept, name="proposal_accept"),
    path("review/<int:pk>/edit/", report_views.proposal_edit, name="proposal_edit"),
    path("review/<int:pk>/reject/", report_views.proposal_reject, name="proposal_reject"),
]
