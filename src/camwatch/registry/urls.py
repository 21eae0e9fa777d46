"""Public URLs. Each page also answers at the same address with .json and .csv."""

from camwatch.registry.views.about import AboutView
from camwatch.registry.views.bodies import BodyDetailView, BodyListView
from camwatch.registry.views.holdings import ClaimListView, HoldingListView
from camwatch.registry.views.home import HomeView
from camwatch.registry.views.investigations import InvestigationDetailView, InvestigationListView
from camwatch.registry.views.locations import LocationListView
from camwatch.registry.views.sources import SourceDetailView, SourceListView
from camwatch.registry.views.vendors import VendorDetailView, VendorListView
from camwatch.web.formats import format_paths

PAGES = [
    ("", HomeView, "home"),
    ("about/", AboutView, "about"),
    ("bodies/", BodyListView, "body-list"),
    ("bodies/<slug:slug>/", BodyDetailView, "body-detail"),
    ("vendors/", VendorListView, "vendor-list"),
    ("vendors/<slug:slug>/", VendorDetailView, "vendor-detail"),
    ("investigations/", InvestigationListView, "investigation-list"),
    ("investigations/<slug:slug>/", InvestigationDetailView, "investigation-detail"),
    ("sources/", SourceListView, "source-list"),
    ("sources/<slug:key>/", SourceDetailView, "source-detail"),
    ("holdings/", HoldingListView, "holding-list"),
    ("claims/", ClaimListView, "claim-list"),
    ("locations/", LocationListView, "location-list"),
]

urlpatterns = [
    pattern
    for route, view, name in PAGES
    for pattern in format_paths(route, view.as_view(), name, view.formats)
]
