"""URLs of the drills list and the live board."""

from django.urls import path

from pages import drill_board_views

urlpatterns = [
    path("drills/", drill_board_views.drill_list, name="drills"),
    path("drills/<int:pk>/", drill_board_views.drill_board, name="drill_board"),
    path("drills/<int:pk>/board.json", drill_board_views.drill_board_json, name="drill_board_json"),
    path("drills/<int:pk>/mail/", drill_board_views.drill_board_mail, name="drill_board_mail"),
    path("drills/<int:pk>/close/", drill_board_views.drill_board_close, name="drill_board_close"),
    path(
        "drills/<int:pk>/report/", drill_board_views.drill_board_report, name="drill_board_report"
    ),
    path(
        "drills/<int:pk>/sheets.pdf",
        drill_board_views.drill_board_sheets,
        name="drill_board_sheets",
    ),
]
