"""Routes of the permission-checked local file views (files/views.py), under /files/.

S3 deployments never link here: their URLs are presigned S3 URLs.
"""

from django.urls import path

from files.views import FileDownloadView, FileUploadView

app_name = "files"

urlpatterns = [
    path("d/<str:token>/", FileDownloadView.as_view(), name="download"),
    path("u/<str:token>/", FileUploadView.as_view(), name="upload"),
]
