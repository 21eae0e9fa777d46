"""Files uploaded through the admin are sniffed, size-limited and guarded against bombs."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from fpdf import FPDF
from PIL import Image

from camwatch.registry import models as m
from camwatch.web.uploads import validate_upload


def pdf_bytes() -> bytes:
    document = FPDF()
    document.add_page()
    document.set_font("helvetica", size=12)
    document.cell(text="Hammersmith & Fulham: 1,790 Hikvision cameras")
    return bytes(document.output())


def png_bytes(width: int = 40, height: int = 30) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(out, "PNG")
    return out.getvalue()


def zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("zeros.csv", b"0" * 300_000_000)  # ~300 KB packed, 300 MB unpacked
    return out.getvalue()


def refused(name: str, data: bytes) -> str:
    with pytest.raises(ValidationError) as raised:
        validate_upload(SimpleUploadedFile(name, data))
    return " ".join(raised.value.messages)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("reply.pdf", pdf_bytes()),
        ("photo.png", png_bytes()),
        ("table.csv", b"body,vendor,count\nCamden,Hikvision,1\n"),
        ("letter.txt", "Dear FOI officer,\n£ and é\n".encode()),
    ],
)
def test_documents_and_images_are_accepted(name: str, data: bytes) -> None:
    validate_upload(SimpleUploadedFile(name, data))


def test_an_executable_is_refused() -> None:
    assert "not a format camwatch reads" in refused(
        "report.pdf", b"\x7fELF\x02\x01\x01" + bytes(200)
    )


def test_a_name_that_lies_about_the_content_is_refused() -> None:
    assert "its content is PDF" in refused("minutes.docx", pdf_bytes())
    assert "named .pdf but its content is an image" in refused("scan.pdf", png_bytes())


def test_a_zip_bomb_is_refused() -> None:
    assert "possible archive bomb" in refused("replies.zip", zip_bomb())


def test_a_decompression_bomb_image_is_refused() -> None:
    # Tiny on disk, but declares 100 million pixels.
    assert "limit" in refused("huge.png", png_bytes(10_000, 10_000))


def test_the_size_limit(settings) -> None:
    settings.CAMWATCH_MAX_UPLOAD_BYTES = 1000
    assert "CAMWATCH_MAX_UPLOAD_BYTES" in refused("reply.pdf", pdf_bytes() + b" " * 2000)


@pytest.mark.django_db
def test_the_admin_refuses_a_bad_source_file_and_stores_nothing() -> None:
    User.objects.create_superuser("admin", password="right-horse-battery")
    client = Client()
    client.force_login(User.objects.get(username="admin"))
    before = m.Source.objects.count()
    upload = SimpleUploadedFile("copy.pdf", b"MZ\x90\x00" + bytes(500))
    response = client.post(
        "/admin/registry/source/add/",
        {"key": "an-upload", "kind": "report", "title": "An upload", "file": upload},
    )
    assert response.status_code == 200  # the form again, with the error
    assert "refused" in response.content.decode()
    assert m.Source.objects.count() == before
