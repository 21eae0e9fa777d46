"""`camwatch export site DIR`: the public site as static files that work from any web
server, at any path, and from the file system.

Pages are rendered by the site itself (Django's test client, in process), starting from
the home page and following internal links: every page without a query string, and the
single-filter pages linked from them (`?concern=1`, `?kind=police-force`, facet links),
so the common filters still work. Lists are rendered whole, not in pages. Links are
rewritten to relative paths ending in index.html, and each page's .json, .csv and .xlsx
are written beside it. Searching and combined filters need the live site.
"""

from __future__ import annotations

import posixpath
import re
import shutil
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from django.contrib.staticfiles import finders
from django.test import Client, override_settings

from camwatch.web.formats import GEO_FORMATS

_LINK = re.compile(r'(?P<attr>href|src|action)="(?P<url>/[^"]*)"')
_SKIP = ("/admin/", "/api/", "/static/")
_EVERYTHING_ON_ONE_PAGE = 1_000_000


def _file_for(url: str) -> str:
    """'/bodies/x/' -> 'bodies/x/index.html'; '/bodies/?kind=k' -> 'bodies/_q/kind-k/index.html';
    '/bodies.json' -> 'bodies.json'."""
    parts = urlsplit(url)
    path = parts.path.lstrip("/")
    if parts.query:
        label = "+".join(f"{k}-{v}" for k, v in parse_qsl(parts.query))
        label = re.sub(r"[^A-Za-z0-9_.+-]", "_", label)
        path = f"{path}_q/{label}/"
    if not path or path.endswith("/"):
        return f"{path}index.html"
    return path


def _crawlable(url: str) -> bool:
    """Plain pages, and pages with one filter; not data files, assets or the admin."""
    parts = urlsplit(url)
    if parts.path.startswith(_SKIP) or "." in posixpath.basename(parts.path):
        return False
    return len(parse_qsl(parts.query)) <= 1 and "page" not in parts.query


def _links(html: str) -> Iterator[str]:
    for match in _LINK.finditer(html):
        yield match["url"].split("#")[0].replace("&amp;", "&")


def _relative(html: str, own_file: str, rendered: set[str]) -> str:
    here = posixpath.dirname(own_file)

    def swap(match: re.Match[str]) -> str:
        url, _, fragment = match["url"].replace("&amp;", "&").partition("#")
        if url.startswith("/static/"):
            target = url.lstrip("/")
        else:
            target = _file_for(url if _file_for(url) in rendered else urlsplit(url).path)
        relative = posixpath.relpath(target, here or ".")
        return f'{match["attr"]}="{relative}{"#" + fragment if fragment else ""}"'

    return _LINK.sub(swap, html)


def _crawl(client: Client) -> dict[str, str]:
    """Every reachable page: its file name and its HTML."""
    pages: dict[str, str] = {}
    queue, seen = deque(["/"]), {"/"}
    while queue:
        url = queue.popleft()
        response = client.get(url)
        if response.status_code != 200:
            continue
        html = response.content.decode()
        pages[_file_for(url)] = html
        for link in _links(html):
            if link not in seen and _crawlable(link) and not (urlsplit(url).query and "?" in link):
                seen.add(link)
                queue.append(link)
    return pages


def _data_files(client: Client, pages: dict[str, str], directory: Path) -> int:
    written = 0
    for file in pages:
        if "_q/" in file:
            continue  # data for filtered pages is on the live site
        base = file.removesuffix("index.html").rstrip("/") or "index"
        for fmt in GEO_FORMATS:  # a page without a GeoJSON twin answers 404: skipped
            response = client.get(f"/{base}.{fmt}")
            if response.status_code != 200:
                continue
            content = (
                b"".join(response.streaming_content) if response.streaming else response.content
            )
            target = directory / f"{base}.{fmt}"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
            written += 1
    return written


def _static(directory: Path) -> int:
    copied = 0
    for finder in finders.get_finders():
        for path, storage in finder.list([]):
            if not path.startswith("camwatch/"):
                continue
            target = directory / "static" / path
            target.parent.mkdir(parents=True, exist_ok=True)
            with storage.open(path) as source, target.open("wb") as out:
                shutil.copyfileobj(source, out)
            copied += 1
    return copied


def export_site(directory: Path) -> dict[str, int]:
    """Write the static site into `directory` (created if missing); return counts."""
    directory.mkdir(parents=True, exist_ok=True)
    with override_settings(
        CAMWATCH_PAGE_SIZE=_EVERYTHING_ON_ONE_PAGE, ALLOWED_HOSTS=["testserver"]
    ):
        client = Client()
        pages = _crawl(client)
        rendered = set(pages)
        for file, html in pages.items():
            target = directory / file
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(_relative(html, file, rendered), encoding="utf-8")
        data = _data_files(client, pages, directory)
    return {"pages": len(pages), "data_files": data, "static_files": _static(directory)}
