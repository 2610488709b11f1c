"""Blogger's photos: which address is the original, and downloading originals a few at a time.

Blogger shows a thumbnail (`…/s320/photo.jpg`, `…/w400-h300/photo.jpg`, `…=s320`) and links
it to a larger size; the import keeps one file per photo, the largest Blogger serves: the
linked address when there is one, else the same address at size `s0` (the original).
Downloads run a few at a time with retries; photos are saved without their location (GPS)
data, since a writer's repository may be public.

`PATHWAYS_BLOGGER_IMAGE_ORIGIN` (for tests) fetches every Blogger image from another origin
instead: `https://1.bp.blogspot.com/a/s0/x.jpg` is fetched as
`<origin>/1.bp.blogspot.com/a/s0/x.jpg`.
"""

import io
import os
import re
import socket
import struct
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from PIL import Image, UnidentifiedImageError

BLOGGER_IMAGE_HOSTS = ("blogger.googleusercontent.com", "bp.blogspot.com", "googleusercontent.com")
ORIGIN_VARIABLE = "PATHWAYS_BLOGGER_IMAGE_ORIGIN"
MAX_IMAGE_BYTES = 30 * 1024 * 1024
WORKERS = 4
ATTEMPTS = 3
SIZE_SEGMENT = re.compile(r"/(s\d+(?:-[a-z0-9]+)*|w\d+-h\d+(?:-[a-z0-9]+)*)/(?=[^/]+$)")
SIZE_SUFFIX = re.compile(r"=(?:s\d+|w\d+(?:-h\d+)?)(?:-[a-z0-9]+)*$")
GPS_IFD = 0x8825


def is_on_host(url: str, hosts: tuple[str, ...]) -> bool:
    """Whether `url` is on one of `hosts` (a host name covers its subdomains; a `host:port`
    only itself)."""
    parts = urlsplit(url)
    host, netloc = (parts.hostname or "").lower(), parts.netloc.lower()
    return any(
        netloc == wanted or host == wanted or host.endswith("." + wanted) for wanted in hosts
    )


def original_url(src: str, link: str | None, hosts: tuple[str, ...]) -> str:
    """The address of the largest size of the photo shown at `src` (linked to `link`)."""
    if link and is_on_host(link, hosts):
        return link
    if SIZE_SEGMENT.search(src):
        return SIZE_SEGMENT.sub("/s0/", src, count=1)
    if SIZE_SUFFIX.search(src):
        return SIZE_SUFFIX.sub("=s0", src)
    return src


def fetch_address(url: str) -> str:
    """Where `url` is fetched from: itself, or its stand-in under the test origin."""
    origin = os.environ.get(ORIGIN_VARIABLE, "").rstrip("/")
    if not origin:
        return url
    parts = urlsplit(url)
    query = f"?{parts.query}" if parts.query else ""
    return f"{origin}/{parts.netloc}{parts.path}{query}"


def _jpeg_without_location(data: bytes) -> bytes:
    """The JPEG with GPS removed from its EXIF block (pixels untouched: no re-encoding)."""
    out, position = bytearray(data[:2]), 2
    while position + 4 <= len(data) and data[position] == 0xFF:
        marker = data[position + 1]
        if marker == 0xDA:  # start of scan: the rest is image data
            break
        (length,) = struct.unpack(">H", data[position + 2 : position + 4])
        segment = data[position : position + 2 + length]
        payload = segment[4:]
        if marker == 0xE1 and payload.startswith(b"Exif\x00\x00"):
            exif = Image.Exif()
            try:
                exif.load(payload)
            except Exception:  # unreadable EXIF may hide a location: dropped whole
                segment = b""
            else:
                if GPS_IFD in exif:
                    del exif[GPS_IFD]
                    body = exif.tobytes()
                    segment = b"\xff\xe1" + struct.pack(">H", len(body) + 2) + body
        elif marker == 0xE1 and b"GPS" in payload and payload.startswith(b"http://ns.adobe"):
            segment = b""  # XMP with a location: dropped whole
        out += segment
        position += 2 + length
    return bytes(out + data[position:])


def without_location(data: bytes) -> bytes:
    """The image with its location data removed; other images are returned as they are."""
    if data.startswith(b"\xff\xd8"):
        return _jpeg_without_location(data)
    try:
        with Image.open(io.BytesIO(data)) as image:
            if GPS_IFD not in image.getexif():
                return data
            exif = image.getexif()
            del exif[GPS_IFD]
            buffer = io.BytesIO()
            image.save(buffer, format=image.format, exif=exif.tobytes())
            return buffer.getvalue()
    except (UnidentifiedImageError, OSError, ValueError):
        return data


class DownloadFailed(Exception):
    """A photo that could not be fetched; the message says why."""


@dataclass
class Downloads:
    """What a batch of downloads gave: bytes per address, and a reason per failure."""

    data: dict[str, bytes] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)
    retries: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)


def _in_plain_words(error: Exception) -> str:
    """Why a download failed, as a writer would say it (the system's words in brackets)."""
    reason = getattr(error, "reason", error)
    if isinstance(reason, socket.gaierror):
        return f"the image host could not be found: is this computer online? ({reason})"
    if isinstance(reason, TimeoutError | socket.timeout):
        return f"the image host did not answer in time ({reason})"
    if isinstance(reason, ConnectionError):
        return f"the image host refused or dropped the connection ({reason})"
    return str(reason)


def _fetch(url: str, timeout: float, downloads: Downloads) -> bytes:
    request = urllib.request.Request(fetch_address(url), headers={"User-Agent": "pathways-import"})
    attempt = 0
    while True:
        attempt += 1
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                data = response.read(MAX_IMAGE_BYTES + 1)
            if len(data) > MAX_IMAGE_BYTES:
                raise DownloadFailed(f"larger than {MAX_IMAGE_BYTES // 2**20} MB")
            return without_location(data)
        except urllib.error.HTTPError as error:
            if (error.code < 500 and error.code != 429) or attempt == ATTEMPTS:
                raise DownloadFailed(f"HTTP Error {error.code}: {error.reason}") from None
        except (OSError, ValueError) as error:
            if attempt == ATTEMPTS:
                raise DownloadFailed(_in_plain_words(error)) from None
        with downloads.lock:
            downloads.retries += 1
        time.sleep(0.2 * 2**attempt)


def download_all(
    urls: list[str], timeout: float, advance: Callable[[], None] = lambda: None
) -> Downloads:
    """Fetch every address, a few at a time; `advance()` is called as each one ends."""
    downloads = Downloads()

    def one(url: str) -> None:
        try:
            downloads.data[url] = _fetch(url, timeout, downloads)
        except DownloadFailed as error:
            downloads.failures[url] = str(error)
        finally:
            advance()

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        list(pool.map(one, urls))
    return downloads
