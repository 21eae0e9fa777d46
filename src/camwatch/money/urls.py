"""The money trail's pages; each also answers as .json, .csv and .xlsx."""

from django.urls import path

from camwatch.money.views import (
    BodyMoneyView,
    ContractDetailView,
    ContractListView,
    MoneySummaryView,
    NameReviewView,
    OrganisationDetailView,
    OrganisationListView,
    PolicyListView,
)
from camwatch.web.formats import format_paths

PAGES = [
    ("money/", MoneySummaryView, "money"),
    ("money/contracts/", ContractListView, "contract-list"),
    ("money/contracts/<slug:key>/", ContractDetailView, "contract-detail"),
    ("organisations/", OrganisationListView, "organisation-list"),
    ("organisations/<slug:slug>/", OrganisationDetailView, "organisation-detail"),
    ("policies/", PolicyListView, "policy-list"),
    ("bodies/<slug:slug>/money/", BodyMoneyView, "body-money"),
]

urlpatterns = [
    path("money/names/", NameReviewView.as_view(), name="money-names"),
    *(
        pattern
        for route, view, name in PAGES
        for pattern in format_paths(route, view.as_view(), name, view.formats)
    ),
]
