from camwatch.findings.views import FindingDetailView, FindingsView
from camwatch.web.formats import format_paths

urlpatterns = [
    *format_paths("findings/", FindingsView.as_view(), "findings"),
    *format_paths("findings/<slug:slug>/", FindingDetailView.as_view(), "finding-detail"),
]
