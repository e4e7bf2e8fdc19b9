"""Site routes of analytics, mounted at /analytics/ by kalpla/urls.py (namespace
``analytics``). One module per area, each adding its patterns below."""

app_name = "analytics"

urlpatterns: list = []
