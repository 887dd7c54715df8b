"""URLs of the drill's after-action report: the page, its PDF and plots, and the findings
fed back into the plans. The page lives at after-action/ because the board posts officers'
reports to drills/<pk>/report/."""

from django.urls import URLPattern, path

from pages import drill_report_views as views

urlpatterns: list[URLPattern] = [
    path("drills/<int:pk>/after-action/", views.drill_report_page, name="drill_report"),
    path("drills/<int:pk>/report.pdf", views.drill_report_pdf, name="drill_report_pdf"),
    path("drills/<int:pk>/after-action/<str:code>.png", views.drill_report_plot,
         name="drill_report_plot"),
    path("drills/<int:pk>/after-action/supporters/<int:supporter>/unavailable/",
         views.drill_finding_supporter, name="drill_finding_supporter"),
    path("drills/<int:pk>/after-action/people/<int:person>/finding/", views.drill_finding_person,
         name="drill_finding_person"),
]  # fmt: skip
