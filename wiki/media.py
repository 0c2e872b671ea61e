"""What an uploaded file really is, judged by its content, never by its name (issue #5).

``sniff`` reads the first bytes and says which kind it is (image, audio, video or
document) or refuses it with a plain message; ``clean_image`` opens pictures with
Pillow (refusing decompression bombs), turns them the right way up, drops EXIF (and so
GPS) and other metadata, and makes a thumbnail. SVG and HTML are always refused: they
can carry script. Nothing here touches the database.
"""

from __future__ import annotations

import re
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image, ImageOps, UnidentifiedImageError

HEAD_BYTES = 64 * 1024
MAX_SIDE = 2560  # photos are made no larger than this on their long side
THUMB_SIDE = 480
KIND_WORDS = {
    "image": "photo or picture",
    "audio": "recording",
    "video": "video",
    "document": "document",
}
ACCEPTED = (
    "We take photos and pictures (JPEG, PNG, GIF, WebP), recordings (MP3, M4A, WAV, OGG, WebM),"
    " videos (MP4, WebM, MOV) and documents (PDF, Word, OpenDocument, plain text)."
)


class Refused(ValueError):
    """A file we will not keep, with a message that says why in plain words."""


@dataclass
class Sniffed:
    kind: str  # image, audio, video, document
    media_type: str
    extension: str


def _looks_like_markup(head: bytes) -> str | None:
    text = head[:4096].decode("utf-8", "ignore").lstrip("\ufeff \t\r\n").lower()
    if "<svg" in text or (text.startswith("<?xml") and "svg" in text):
        return "svg"
    if (
        text.startswith(("<!doctype", "<html", "<?xml", "<script", "<head", "<body", "<iframe"))
        or "<script" in text
    ):
        return "html"
    return None


def sniff(head: bytes, *, declared_type: str = "", filename: str = "") -> Sniffed:
    """The kind of file, from its first bytes. ``declared_type`` only chooses between audio
    and video for containers that can hold either (WebM, MP4, Ogg); it never makes a file
    into something its bytes are not. Pictures are re-drawn by ``clean_image``, so markup
    hidden after a picture's signature does not survive; everything is served with its
    own type, ``nosniff`` and a sandbox, so it cannot run as a page."""
    declared = declared_type.split(";")[0].strip().lower()
    wants_audio = declared.startswith("audio/")
    if head.startswith(b"\xff\xd8\xff"):
        return Sniffed("image", "image/jpeg", ".jpg")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Sniffed("image", "image/png", ".png")
    if head.startswith((b"GIF87a", b"GIF89a")):
        return Sniffed("image", "image/gif", ".gif")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return Sniffed("image", "image/webp", ".webp")
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return Sniffed("audio", "audio/wav", ".wav")
    if head.startswith(b"fLaC"):
        return Sniffed("audio", "audio/flac", ".flac")
    if head.startswith(b"OggS"):
        video = declared.startswith("video/") or b"theora" in head[:512]
        return (
            Sniffed("video", "video/ogg", ".ogv")
            if video
            else Sniffed("audio", "audio/ogg", ".ogg")
        )
    if head.startswith(b"ID3") or (len(head) > 2 and head[0] == 0xFF and (head[1] & 0xE0) == 0xE0):
        return Sniffed("audio", "audio/mpeg", ".mp3")
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"M4A ", b"M4B ") or wants_audio:
            return Sniffed("audio", "audio/mp4", ".m4a")
        if brand == b"qt  ":
            return Sniffed("video", "video/quicktime", ".mov")
        return Sniffed("video", "video/mp4", ".mp4")
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return (
            Sniffed("audio", "audio/webm", ".weba")
            if wants_audio
            else Sniffed("video", "video/webm", ".webm")
        )
    if head.startswith(b"%PDF-"):
        return Sniffed("document", "application/pdf", ".pdf")
    if head.startswith(b"PK\x03\x04"):
        return Sniffed(
            "document", "application/zip", ".zip"
        )  # which office document: see ``office_type``
    # No known signature: text at most, and never markup (served as a page, it could run).
    markup = _looks_like_markup(head)
    if markup == "svg":
        raise Refused(
            "We can't take SVG drawings, because they can contain code that runs. Save it as a PNG or JPEG"
            " picture and try again."
        )
    if markup == "html":
        raise Refused(
            "This looks like a web page or a script, not a photo, recording or document, so we can't take it."
        )
    if _is_text(head) and (
        declared.startswith("text/plain") or filename.lower().endswith((".txt", ".md", ".csv"))
    ):
        return Sniffed("document", "text/plain; charset=utf-8", ".txt")
    raise Refused("We couldn't tell what kind of file this is from what is inside it. " + ACCEPTED)


def _is_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as cut:
        return cut.start >= len(head) - 4  # a character cut in half at the end of what we read
    return True


OFFICE = {
    "application/vnd.oasis.opendocument.text": ("application/vnd.oasis.opendocument.text", ".odt"),
    "application/vnd.oasis.opendocument.spreadsheet": (
        "application/vnd.oasis.opendocument.spreadsheet",
        ".ods",
    ),
    "application/vnd.oasis.opendocument.presentation": (
        "application/vnd.oasis.opendocument.presentation",
        ".odp",
    ),
}


def office_type(path: Path) -> Sniffed:
    """A zip is taken only if it is a Word, Excel, PowerPoint or OpenDocument file (the
    names inside are read; nothing is unpacked)."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist()[:5000])
            if "mimetype" in names:
                kind = archive.read("mimetype")[:100].decode("ascii", "ignore").strip()
                if kind in OFFICE:
                    return Sniffed("document", *OFFICE[kind])
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError):
        raise Refused("This file is damaged, so we can't take it.") from None
    if "[Content_Types].xml" in names:
        if any(n.startswith("word/") for n in names):
            return Sniffed(
                "document",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                ".docx",
            )
        if any(n.startswith("xl/") for n in names):
            return Sniffed(
                "document",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                ".xlsx",
            )
        if any(n.startswith("ppt/") for n in names):
            return Sniffed(
                "document",
                "application/vnd.openxmlformats-officedocument.presentationml.presentation",
                ".pptx",
            )
    raise Refused("We can't take zip files. " + ACCEPTED)


def safe_name(name: str, extension: str) -> str:
    """A name that is only ever shown: no folders, no odd characters, the right ending."""
    base = re.split(r"[\\/]", name or "")[-1]
    stem = base.rsplit(".", 1)[0] if "." in base.lstrip(".") else base
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-_.")[:60].strip("-_")
    return f"{stem or 'file'}{extension}"


@dataclass
class Cleaned:
    width: int
    height: int
    media_type: str
    extension: str


def clean_image(source: Path, dest: Path, thumb: Path, *, max_pixels: int) -> Cleaned:
    """Open a picture safely, turn it the right way up, drop its metadata (EXIF, GPS,
    comments), keep it no larger than ``MAX_SIDE`` and write a thumbnail."""
    limit = min(max_pixels, Image.MAX_IMAGE_PIXELS or max_pixels)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(source) as probe:
                width, height = probe.size
                if width * height > limit:
                    raise Refused(_too_many_pixels(width, height, limit))
                probe.verify()
            with Image.open(source) as original:
                fmt = original.format or "PNG"
                original.seek(0)
                original.load()
                picture = ImageOps.exif_transpose(original) or original
                picture = picture.copy()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise Refused(_too_many_pixels(0, 0, limit)) from None
        except Refused:
            raise
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
            raise Refused(
                "This picture is damaged, or it is not really a picture, so we can't take it."
            ) from None
    keep: dict[str | tuple[int, int], Any] = {
        k: picture.info[k] for k in ("icc_profile", "transparency") if k in picture.info
    }
    picture.info = keep  # no EXIF, GPS, XMP or comments travel on
    if max(picture.size) > MAX_SIDE:
        picture.thumbnail((MAX_SIDE, MAX_SIDE))
    if fmt == "JPEG":
        if picture.mode not in ("RGB", "L", "CMYK"):
            picture = picture.convert("RGB")
        picture.save(dest, "JPEG", quality=88, optimize=True, icc_profile=keep.get("icc_profile"))
        media_type, extension = "image/jpeg", ".jpg"
    elif fmt == "WEBP":
        picture.save(dest, "WEBP", quality=88, icc_profile=keep.get("icc_profile"))
        media_type, extension = "image/webp", ".webp"
    else:  # PNG, and GIF as its first frame
        picture.save(dest, "PNG", optimize=True)
        media_type, extension = "image/png", ".png"
    small = picture.copy()
    small.thumbnail((THUMB_SIDE, THUMB_SIDE))
    if small.mode not in ("RGB", "L"):
        backdrop = Image.new("RGB", small.size, "white")
        rgba = small.convert("RGBA")
        backdrop.paste(rgba, mask=rgba.getchannel("A"))
        small = backdrop
    small.save(thumb, "JPEG", quality=82)
    return Cleaned(picture.width, picture.height, media_type, extension)


def _too_many_pixels(width: int, height: int, limit: int) -> str:
    size = f" ({width:,} × {height:,})" if width and height else ""
    return (
        f"This picture has too many pixels{size}. Make it smaller, under {limit // 1_000_000} million pixels,"
        " and try again."
    )
