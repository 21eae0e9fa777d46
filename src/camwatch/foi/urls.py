from camwatch.foi.views import CampaignListView, CampaignView, RequestView
from camwatch.web.formats import format_paths

urlpatterns = [
    *format_paths("foi/", CampaignListView.as_view(), "foi-campaigns"),
    *format_paths("foi/requests/<str:reference>/", RequestView.as_view(), "foi-request"),
    *format_paths("foi/<slug:slug>/", CampaignView.as_view(), "foi-campaign"),
]
