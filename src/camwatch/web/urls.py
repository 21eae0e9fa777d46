from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from camwatch.api.v1 import api
from camwatch.web.deleted import deleted_view

urlpatterns = [
    path("admin/deleted/", deleted_view, name="admin-deleted"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("camwatch.foi.urls")),
    path("", include("camwatch.coding.urls")),
    path("", include("camwatch.sightings.urls")),
    path("", include("camwatch.money.urls")),
    path("", include("camwatch.findings.urls")),
    path("", include("camwatch.registry.urls")),
]
