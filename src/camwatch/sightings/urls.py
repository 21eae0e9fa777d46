from django.urls import path

from camwatch.sightings import checkviews, mapviews, views
from camwatch.web.formats import GEO_FORMATS, format_paths

urlpatterns = [
    path("map/", mapviews.map_page, name="map"),
    path("map/basemap.pmtiles", mapviews.basemap, name="map-basemap"),
    *format_paths("sightings/counts/", checkviews.CountsView.as_view(), "sighting-counts"),
    *format_paths(
        "sightings/unknown-operator/",
        checkviews.UnknownOperatorView.as_view(),
        "sighting-unknown-operator",
        GEO_FORMATS,
    ),
    path("sightings/new/", views.new, name="sighting-new"),
    path("sightings/thanks/<int:pk>/", views.thanks, name="sighting-thanks"),
    path("sightings/review/", views.review, name="sighting-review"),
    path("sightings/review/<int:pk>/", views.decide, name="sighting-decide"),
    path("sightings/photos/<int:pk>.jpg", views.photo, name="sighting-photo"),
    path("sightings/photos/<int:pk>/original", views.original, name="sighting-photo-original"),
]
