from django.urls import include, path

from pages import (
    agreement_views,
    paper_views,
    person_views,
    run_views,
    supporter_views,
    views,
)

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("areas/<str:code>/", views.neighbourhood, name="neighbourhood"),
    path("areas/<str:code>/map.geojson", views.neighbourhood_map, name="neighbourhood_map"),
    path("areas/<str:code>/asking/", views.neighbourhood_asking_lists, name="neighbourhood_asking"),
    path(
        "areas/<str:code>/bundle.pdf", paper_views.neighbourhood_bundle, name="neighbourhood_bundle"
    ),
    path("areas/<str:code>/cards.pdf", paper_views.neighbourhood_cards, name="neighbourhood_cards"),
    path(
        "areas/<str:code>/issue/", agreement_views.neighbourhood_issue, name="neighbourhood_issue"
    ),
    path("areas/<str:code>/supporters/", supporter_views.supporter_list, name="supporters"),
    path("areas/<str:code>/supporters/new/", supporter_views.supporter_edit, name="supporter_add"),
    path(
        "areas/<str:code>/supporters/<int:pk>/",
        supporter_views.supporter_edit,
        name="supporter_edit",
    ),
    path(
        "areas/<str:code>/supporters/<int:pk>/retire/",
        supporter_views.supporter_retire,
        name="supporter_retire",
    ),
    path("runs/", run_views.run_list, name="runs"),
    path("runs/<int:pk>/", run_views.run_detail, name="run"),
    path("people/<int:pk>/", person_views.person_page, name="person"),
    path("people/<int:pk>/decide/", person_views.person_decide, name="person_decide"),
    path(
        "people/<int:pk>/agreement/",
        agreement_views.person_agreement_step,
        name="person_agreement",
    ),
    path(
        "people/<int:pk>/family-agreement/",
        agreement_views.person_family_step,
        name="person_family_agreement",
    ),
    path("people/<int:pk>/issue/", agreement_views.person_issue, name="person_issue"),
    path("people/<int:pk>/review/", person_views.person_review, name="person_review"),
    path("people/<int:pk>/plan.pdf", paper_views.person_plan_pdf, name="person_plan_pdf"),
    path("people/<int:pk>/card.pdf", paper_views.person_card_pdf, name="person_card_pdf"),
    # Drills: the supporters' phone page (by a signed link, no account), the live board, and
    # the after-action report.
    path("", include("pages.drill_phone_urls")),
    path("", include("pages.drill_board_urls")),
    path("", include("pages.drill_report_urls")),
    # For load balancers: whether the database and the queue answer (no personal data).
    path("", include("pages.health_urls")),
    # Printing many neighbourhoods at once, on the workers.
    path("", include("pages.print_urls")),
]
