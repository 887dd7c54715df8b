from django.urls import path

from planner import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("areas/<str:code>/", views.neighbourhood, name="neighbourhood"),
    path("areas/<str:code>/map.geojson", views.neighbourhood_map, name="neighbourhood_map"),
]
