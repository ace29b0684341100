"""The broadcasters' page: a static, self-contained `index.html` made from the catalog, every
string escaped by Jinja2 and a strict Content-Security-Policy with hashed script and style."""

from __future__ import annotations

import base64
import hashlib
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

TEMPLATES = Path(__file__).parent / "templates"


PAGE_NAME = "index.html"


TREATMENT_LABELS = {"burn": "Open captions", "soft": "Subtitle track", "dub": "Dubbed audio",
                    "mix": "Voice-over mix"}


def render_index_html(catalog: dict) -> str:
    """The broadcasters' page: static, self-contained, every string escaped by Jinja2."""
    css, js = _asset("page.css"), _asset("page.js")
    csp = ("default-src 'none'; img-src * data: file:; "
           f"style-src '{_csp_hash(css)}'; script-src '{_csp_hash(js)}'; "
           "base-uri 'none'; form-action 'none'")
    return _environment().get_template("index.html.j2").render(
        catalog=catalog, spots=_group_by_spot(catalog["variants"]),
        languages=_unique(catalog["variants"], "language", "language_name"),
        profiles=_unique(catalog["variants"], "profile", "profile"),
        css=Markup(css), js=Markup(js), csp=csp, labels=TREATMENT_LABELS)


@cache
def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(filesize=filesize, duration=duration, safe_url=safe_url)
    return env


@cache
def _asset(name: str) -> str:
    return (TEMPLATES / name).read_text(encoding="utf-8")


def _csp_hash(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()


def _group_by_spot(variants: list[dict]) -> list[dict]:
    spots: dict[str, dict] = {}
    for variant in variants:
        spots.setdefault(variant["spot"], {"id": variant["spot"], "title": variant["spot_title"],
                                           "variants": []})["variants"].append(variant)
    return list(spots.values())


def _unique(variants: list[dict], key: str, label: str) -> list[dict]:
    seen: dict[str, str] = {}
    for variant in variants:
        seen.setdefault(variant[key], variant[label])
    return [{"value": value, "label": name} for value, name in seen.items()]


def filesize(size: int | None) -> str:
    if size is None:
        return "?"
    if size < 1000:
        return f"{size} B"
    for unit in ("KB", "MB"):
        size /= 1000
        if size < 1000:
            return f"{size:.1f} {unit}"
    return f"{size / 1000:.1f} GB"


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "?"
    minutes, rest = divmod(float(seconds), 60)
    return f"{int(minutes)}:{rest:04.1f}"


def safe_url(url: str | None) -> str:
    """Only the catalog's own kinds of link: relative, http(s) or file; anything else is inert."""
    if not url:
        return "#"
    scheme = urlsplit(url).scheme.lower()
    return url if scheme in ("", "http", "https", "file") else "#"
