from django.urls import path

from camwatch.sightings import views

urlpatterns = [
    path("sightings/new/", views.new, name="sighting-new"),
    path("sightings/thanks/<int:pk>/", views.thanks, name="sighting-thanks"),
    path("sightings/review/", views.review, name="sighting-review"),
    path("sightings/review/<int:pk>/", views.decide, name="sighting-decide"),
    path("sightings/photos/<int:pk>.jpg", views.photo, name="sighting-photo"),
    path("sightings/photos/<int:pk>/original", views.original, name="sighting-photo-original"),
]
