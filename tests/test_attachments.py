"""Photos, recordings, videos and documents on a page (issue #5): judged by content, kept at
a path no one can guess, served so they can never run, and only to people who may view the
page's section. Abuse: a script renamed .jpg, an SVG with script, an oversized file, a
path-traversal name, a decompression bomb."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from conftest import csrf_of
from PIL import ExifTags, Image
from starlette.testclient import TestClient

from wiki import accounts, media, store
from wiki.app import create_app
from wiki.demo import bus_picture, hello_recording
from wiki.middleware import SESSION_COOKIE
from wiki.models import Actor
from wiki.settings import Settings
from wiki.store import circle, links

# ---- files made here, no fixtures on disk -------------------------------------------------------


def photo_with_gps(size: tuple[int, int] = (300, 200)) -> bytes:
    """A JPEG that says where it was taken (GPS) and that it is on its side (orientation 6)."""
    picture = Image.new("RGB", size, "#c8102e")
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "PhoneCo"
    exif[ExifTags.Base.GPSInfo] = {1: "N", 2: (51.0, 30.0, 12.0), 3: "W", 4: (0.0, 7.0, 40.0)}
    out = io.BytesIO()
    picture.save(out, "JPEG", exif=exif, comment=b"at Nan's house")
    data = out.getvalue()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(ExifTags.IFD.GPSInfo), (
        "the test photo has GPS"
    )
    return data


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a huge picture: a decompression bomb."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
SVG = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'


# ---- a small plan --------------------------------------------------------------------------------


class Plan:
    def __init__(self, tmp_path: Path, **settings: object) -> None:
        self.settings = Settings(db=tmp_path / "wiki.db", synchronous="NORMAL", **settings)  # type: ignore[arg-type]
        self.app = create_app(self.settings)
        self.db = self.app.state.db
        self.ola, self.mum, self.fay, self.stan = (
            self.person(n) for n in ("Ola", "Mum", "Fay", "Stan")
        )
        store.create_site(self.db, self.ola, slug="ola", title="Ola's plan")
        circle.add_member(
            self.db, self.ola, site="ola", email=self.mum.email, relationship="mum", groups=[]
        )
        circle.add_member(
            self.db, self.ola, site="ola", email=self.fay.email, relationship="friend", groups=[]
        )
        circle.add_grant(
            self.db,
            self.ola,
            site="ola",
            section="about-me",
            capability="edit",
            person=self.mum.email,
        )
        circle.add_grant(
            self.db,
            self.ola,
            site="ola",
            section="about-me",
            capability="view",
            person=self.fay.email,
        )
        for section, slug in (("about-me", "me"), ("health", "meds")):
            store.save_page(self.db, self.ola, site="ola", section=section, page=slug, base_revision=None,
                            body=f"The {slug} page.", title=slug.capitalize())  # fmt: skip

    def person(self, name: str) -> Actor:
        user = accounts.create_user(self.db, email=f"{name.lower()}@example.org", name=name)
        return Actor(user_id=user.id, email=user.email, name=user.name)

    def client(self, who: Actor | None = None) -> TestClient:
        client = TestClient(self.app, follow_redirects=False)
        if who is not None:
            user = accounts.find_user(self.db, who.email)
            assert user is not None
            client.cookies.set(
                SESSION_COOKIE, accounts.start_session(self.db, user, absolute_hours=24)
            )
        return client

    def api(self, who: Actor) -> TestClient:
        user = accounts.find_user(self.db, who.email)
        assert user is not None
        return TestClient(self.app, follow_redirects=False,
                          headers={"authorization": f"Bearer {accounts.create_token(self.db, user)}"})  # fmt: skip

    def upload(self, who: Actor, data: bytes, name: str, kind: str = "application/octet-stream", *,
               section: str = "about-me", page: str = "me", **fields: str):  # fmt: skip
        return self.api(who).post("/api/v1/sites/ola/attachments", data={"section": section, "page": page, **fields},
                                  files={"file": (name, data, kind)})  # fmt: skip

    @property
    def folder(self) -> Path:
        return self.settings.files_path()


@pytest.fixture
def plan(tmp_path: Path) -> Plan:
    return Plan(tmp_path)


def error(response) -> str:
    return str(response.json()["error"]["message"])


# ---- photos ----------------------------------------------------------------------------------------


def test_a_photo_loses_its_location_is_turned_upright_and_gets_a_thumbnail(plan: Plan) -> None:
    sent = plan.upload(
        plan.mum, photo_with_gps(), "IMG_0042.JPG", "image/jpeg", caption="Me at the pool"
    )
    assert sent.status_code == 201, sent.text
    out = sent.json()
    assert (
        out["kind"] == "image"
        and out["media_type"] == "image/jpeg"
        and out["name"] == "IMG_0042.jpg"
    )
    assert (out["width"], out["height"]) == (200, 300), "turned the right way up"
    assert out["url"] == f"/s/ola/-/files/{out['id']}/IMG_0042.jpg" and len(out["id"]) >= 24
    served = plan.client(plan.fay).get(out["url"])
    assert served.status_code == 200
    kept = Image.open(io.BytesIO(served.content))
    assert kept.size == (200, 300)
    exif = kept.getexif()
    assert not exif.get_ifd(ExifTags.IFD.GPSInfo) and ExifTags.Base.Make not in exif
    assert b"PhoneCo" not in served.content and b"Nan's house" not in served.content
    thumb = plan.client(plan.fay).get(out["thumbnail_url"])
    assert thumb.status_code == 200 and thumb.headers["content-type"] == "image/jpeg"
    assert max(Image.open(io.BytesIO(thumb.content)).size) <= media.THUMB_SIDE


def test_files_are_kept_at_a_random_path_that_never_uses_their_name(plan: Plan) -> None:
    out = plan.upload(plan.ola, bus_picture(), "../../../../etc/passwd.jpg", "image/jpeg").json()
    assert out["name"] == "passwd.jpg"
    stored = [p for p in plan.folder.rglob("*") if p.is_file()]
    assert stored and all(p.resolve().is_relative_to(plan.folder.resolve()) for p in stored)
    assert not any("passwd" in str(p) for p in stored), "the name is only ever shown"
    windows = plan.upload(
        plan.ola, bus_picture(), "..\\..\\Windows\\evil .jpg", "image/jpeg"
    ).json()
    assert windows["name"] == "evil.jpg"
    assert (
        media.safe_name(".htaccess", ".txt") == "htaccess.txt"
        and media.safe_name("", ".pdf") == "file.pdf"
    )


# ---- abuse ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("data, name, kind, words", [
    (b"<script>alert(1)</script>", "cat.jpg", "image/jpeg", "web page or a script"),
    (b"<!doctype html><html><body onload=alert(1)>", "cat.jpg", "image/jpeg", "web page or a script"),
    (b"#!/bin/sh\nrm -rf ~\n", "cat.jpg", "image/jpeg", "couldn't tell what kind of file"),
    (b"MZ\x90\x00\x03\x00\x00\x00", "cat.jpg", "image/jpeg", "couldn't tell what kind of file"),
    (SVG, "drawing.svg", "image/svg+xml", "can't take SVG drawings"),
    (SVG, "drawing.png", "image/png", "can't take SVG drawings"),
    (b"\xff\xd8\xff\xe0" + b"not really a jpeg" * 10, "broken.jpg", "image/jpeg", "damaged"),
    (png_claiming(100_000, 100_000), "huge.png", "image/png", "too many pixels"),
    (png_claiming(8_000, 6_000), "big.png", "image/png", "too many pixels (8,000 × 6,000)"),
])  # fmt: skip
def test_files_that_are_not_what_they_say_are_refused_in_plain_words(
    plan: Plan, data: bytes, name: str, kind: str, words: str
) -> None:
    sent = plan.upload(plan.ola, data, name, kind)
    assert sent.status_code == 422, sent.text
    assert words in error(sent)
    assert not [p for p in plan.folder.rglob("*") if p.is_file()], "nothing is left behind"
    assert plan.api(plan.ola).get("/api/v1/sites/ola/pages/about-me/me/attachments").json() == []


def test_a_zip_that_is_not_an_office_document_is_refused_and_a_word_document_is_taken(
    plan: Plan,
) -> None:
    import zipfile

    plain = io.BytesIO()
    with zipfile.ZipFile(plain, "w") as z:
        z.writestr("payload.html", "<script>alert(1)</script>")
    assert "can't take zip files" in error(plan.upload(plan.ola, plain.getvalue(), "notes.docx"))
    word = io.BytesIO()
    with zipfile.ZipFile(word, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    out = plan.upload(plan.ola, word.getvalue(), "My EHC plan.docx").json()
    assert (
        out["kind"] == "document"
        and out["name"] == "My-EHC-plan.docx"
        and out["media_type"].endswith("document")
    )


def test_an_oversized_file_is_refused_with_the_limit_in_plain_words(tmp_path: Path) -> None:
    small = Plan(tmp_path, max_audio_mb=1)
    big = hello_recording(seconds=40)  # about 1.3 MB of WAV
    assert len(big) > 1024 * 1024
    sent = small.upload(small.ola, big, "long.wav", "audio/wav")
    assert sent.status_code == 413
    assert error(sent) == "This recording is too large: the limit is 1 MB. Try a shorter recording."
    assert not [p for p in small.folder.rglob("*") if p.is_file()]
    ok = small.upload(small.ola, hello_recording(), "short.wav", "audio/wav")
    assert ok.status_code == 201


def test_a_request_larger_than_anything_allowed_is_refused_before_it_is_read(plan: Plan) -> None:
    client = plan.api(plan.ola)
    sent = client.post("/api/v1/sites/ola/attachments", content=b"x" * 10,
                       headers={"content-type": "multipart/form-data; boundary=x", "content-length": str(10**10)})  # fmt: skip
    assert sent.status_code == 413


# ---- who may see, who may change -------------------------------------------------------------------


def test_files_are_served_so_they_cannot_run_and_only_to_readers_of_the_section(plan: Plan) -> None:
    photo = plan.upload(plan.ola, bus_picture(), "bus.jpg", "image/jpeg").json()
    pdf = plan.upload(plan.ola, PDF, "report.pdf", "application/pdf").json()
    hidden = plan.upload(
        plan.ola, PDF, "meds.pdf", "application/pdf", section="health", page="meds"
    ).json()
    fay = plan.client(plan.fay)
    shown = fay.get(photo["url"])
    assert shown.headers["x-content-type-options"] == "nosniff"
    assert (
        "sandbox" in shown.headers["content-security-policy"]
        and "default-src 'none'" in shown.headers["content-security-policy"]
    )
    assert shown.headers["content-disposition"].startswith("inline;")
    document = fay.get(pdf["url"])
    assert document.status_code == 200 and document.headers["content-type"] == "application/pdf"
    assert document.headers["content-disposition"].startswith("attachment;")
    for who in (fay, plan.client(plan.stan), plan.client()):
        assert who.get(hidden["url"]).status_code in (404, 303)
    assert plan.client(plan.stan).get(photo["url"]).status_code == 404
    assert fay.get(photo["url"].replace(photo["id"], "A" * 24)).status_code == 404
    assert fay.get(f"/s/ola/-/files/{hidden['id']}/meds.pdf").status_code == 404, (
        "the right key on the wrong section"
    )


def test_a_guest_link_shows_the_photos_of_its_section_until_it_is_switched_off(plan: Plan) -> None:
    photo = plan.upload(
        plan.ola, bus_picture(), "bus.jpg", "image/jpeg", main="true", caption="The 42"
    ).json()
    link = links.create_guest_link(plan.db, plan.ola, site="ola", section="about-me", label="Pool")
    guest = plan.client()
    page = guest.get(f"/g/{link.token}/about-me/me")
    assert page.status_code == 200
    own = f"/g/{link.token}/-/files/{photo['id']}/bus.jpg"
    assert f'src="{own}"' in page.text and "The 42" in page.text
    assert guest.get(own).status_code == 200
    assert guest.get(f"/g/{link.token}/-/thumbs/{photo['id']}.jpg").status_code == 200
    assert guest.get(photo["url"]).status_code in (303, 404), (
        "the site's own address needs an account"
    )
    links.revoke_guest_link(plan.db, plan.ola, site="ola", link_id=link.id)
    assert guest.get(own).status_code == 404


def test_only_editors_may_add_change_or_remove_files(plan: Plan) -> None:
    assert plan.upload(plan.fay, bus_picture(), "bus.jpg", "image/jpeg").status_code == 403
    assert plan.upload(plan.stan, bus_picture(), "bus.jpg", "image/jpeg").status_code == 404
    assert (
        plan.upload(
            plan.mum, bus_picture(), "bus.jpg", "image/jpeg", section="health", page="meds"
        ).status_code
        == 404
    )
    photo = plan.upload(plan.mum, bus_picture(), "bus.jpg", "image/jpeg").json()
    fay, mum = plan.client(plan.fay), plan.client(plan.mum)
    fay_token = csrf_of(fay.get("/s/ola/about-me/me").text)
    refused = fay.post(
        f"/s/ola/-/files/{photo['id']}", data={"csrftoken": fay_token, "action": "remove"}
    )
    assert refused.status_code == 403
    token = csrf_of(mum.get("/s/ola/about-me/me").text)
    changed = mum.post(f"/s/ola/-/files/{photo['id']}", data={"csrftoken": token, "caption": "The 42 at our stop",
                                                                "transcript": "", "main": "on"})  # fmt: skip
    assert changed.status_code == 303
    listed = plan.api(plan.fay).get("/api/v1/sites/ola/pages/about-me/me/attachments").json()
    assert listed[0]["caption"] == "The 42 at our stop" and listed[0]["main"] is True
    gone = mum.post(f"/s/ola/-/files/{photo['id']}", data={"csrftoken": token, "action": "remove"})
    assert gone.status_code == 303
    assert fay.get(photo["url"]).status_code == 404
    assert not [p for p in plan.folder.rglob("*") if p.is_file()], "the bytes are deleted too"
    log = [e.action for e in store.list_audit(plan.db, plan.ola, site="ola")]
    assert {"attach", "attachment-words", "detach"} <= set(log)


# ---- on the page -------------------------------------------------------------------------------------


def test_a_photo_or_recording_can_be_the_main_content_and_recordings_come_with_their_words(
    plan: Plan,
) -> None:
    plan.upload(
        plan.ola,
        bus_picture(),
        "bus.jpg",
        "image/jpeg",
        main="true",
        caption="My drawing of the 42",
    )
    plan.upload(plan.ola, hello_recording(), "hello.wav", "audio/wav", caption="Ola says hello",
                transcript="Hello, I'm Ola. I like <b>buses</b>.")  # fmt: skip
    plan.upload(plan.ola, PDF, "report.pdf", "application/pdf")
    text = plan.client(plan.fay).get("/s/ola/about-me/me").text
    top = text.index('class="main-media"')
    assert top < text.index('class="content"'), "the photo comes before the words"
    assert "<figcaption>My drawing of the 42</figcaption>" in text
    assert text.index("<audio controls") < text.index('class="content"'), (
        "the page's own recording first"
    )
    assert "I like &lt;b&gt;buses&lt;/b&gt;." in text and "Read what is said" in text
    assert "Read this page aloud with a computer voice" in text and "data-read-aloud hidden" in text
    assert "Download report.pdf" in text
    assert "Add a photo, recording, video or document" not in text, "readers get no upload form"
    assert (
        "Add a photo, recording, video or document"
        in plan.client(plan.mum).get("/s/ola/about-me/me").text
    )


def test_the_page_form_uploads_and_a_mistake_comes_back_next_to_the_file_field(plan: Plan) -> None:
    mum = plan.client(plan.mum)
    page = mum.get("/s/ola/about-me/me")
    assert 'enctype="multipart/form-data"' in page.text and "data-recorder hidden" in page.text
    token = csrf_of(page.text)
    sent = mum.post("/s/ola/about-me/me/attach", data={"csrftoken": token, "caption": "At the pool", "main": "on"},
                    files={"file": ("pool.jpg", photo_with_gps(), "image/jpeg")})  # fmt: skip
    assert sent.status_code == 303 and sent.headers["location"].endswith("#files")
    assert "At the pool" in mum.get("/s/ola/about-me/me").text
    bad = mum.post("/s/ola/about-me/me/attach", data={"csrftoken": token, "caption": "Keep these words",
                                                      "transcript": "And these"},
                   files={"file": ("cat.jpg", b"<script>alert(1)</script>", "image/jpeg")})  # fmt: skip
    assert bad.status_code == 422
    assert 'id="upload-file-error"' in bad.text and 'aria-invalid="true"' in bad.text
    assert 'value="Keep these words"' in bad.text and "And these</textarea>" in bad.text
    assert '<details class="add-file" open>' in bad.text


def test_the_api_describes_its_answers_and_refuses_what_it_cannot_read(plan: Plan) -> None:
    api = plan.api(plan.ola)
    assert (
        api.post("/api/v1/sites/ola/attachments", json={"section": "about-me"}).status_code == 400
    )
    missing = api.post("/api/v1/sites/ola/attachments", data={"section": "about-me", "page": "me"},
                       files={"other": ("x.txt", b"hi", "text/plain")})  # fmt: skip
    assert missing.status_code == 422 and "Choose a file" in error(missing)
    out = plan.upload(plan.ola, b"Notes about me\n", "notes.txt", "text/plain").json()
    assert out["kind"] == "document" and out["media_type"].startswith("text/plain")
    spec = api.get("/api/v1/openapi.json").json()
    assert "/api/v1/sites/{site}/attachments" in spec["paths"]
    assert "AttachmentOut" in spec["components"]["schemas"]


def test_an_upload_form_without_its_security_check_changes_nothing(plan: Plan) -> None:
    mum = plan.client(plan.mum)
    mum.get("/s/ola/about-me/me")  # the page sets the form's check cookie
    forged = mum.post("/s/ola/about-me/me/attach", data={"csrftoken": "forged", "caption": "x"},
                      files={"file": ("bus.jpg", bus_picture(), "image/jpeg")})  # fmt: skip
    assert forged.status_code == 403 and "Nothing was changed" in forged.text
    missing = mum.post("/api/v1/sites/ola/attachments", data={"section": "about-me", "page": "me"},
                       files={"file": ("bus.jpg", bus_picture(), "image/jpeg")})  # fmt: skip
    assert missing.status_code == 403
    token = csrf_of(mum.get("/s/ola/about-me/me").text)
    ok = mum.post("/api/v1/sites/ola/attachments", data={"section": "about-me", "page": "me"},
                  files={"file": ("bus.jpg", bus_picture(), "image/jpeg")}, headers={"x-csrftoken": token})  # fmt: skip
    assert ok.status_code == 201
    assert (
        len(plan.api(plan.ola).get("/api/v1/sites/ola/pages/about-me/me/attachments").json()) == 1
    )


def test_a_files_key_only_opens_it_on_its_own_plan(plan: Plan) -> None:
    """Issue #25: Stan owns a plan of his own with the same sections. Ola's file key asked for
    under his plan's address finds nothing (the lookup is by plan and key, not key alone)."""
    hidden = plan.upload(
        plan.ola, PDF, "meds.pdf", "application/pdf", section="health", page="meds"
    ).json()
    store.create_site(plan.db, plan.stan, slug="stan", title="Stan's plan")
    store.save_page(plan.db, plan.stan, site="stan", section="health", page="meds", base_revision=None,
                    body="Stan's meds.", title="Meds")  # fmt: skip
    stan = plan.client(plan.stan)
    assert stan.get(f"/s/stan/-/files/{hidden['id']}/meds.pdf").status_code == 404
    # and her own plan still serves it to her
    assert plan.client(plan.ola).get(f"/s/ola/-/files/{hidden['id']}/meds.pdf").status_code == 200
