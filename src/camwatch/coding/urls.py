from django.urls import path

from camwatch.coding import views
from camwatch.web.formats import format_paths

urlpatterns = [
    *format_paths("coding/", views.QueueView.as_view(), "coding-queue"),
    path("coding/upload/", views.upload, name="coding-upload"),
    path("coding/suggestions/<int:pk>/", views.decide, name="coding-decide"),
    path("coding/<int:pk>/public/", views.public, name="coding-public"),
    *format_paths("coding/<int:pk>/", views.DocumentView.as_view(), "coding-document"),
]
