from django.urls import path

from pages import print_views

urlpatterns = [
    path("printing/", print_views.print_jobs, name="print_jobs"),
    path("printing/<int:pk>/", print_views.print_job, name="print_job"),
    path("printing/<int:pk>/bundles.zip", print_views.print_job_zip, name="print_job_zip"),
]
