"""Whom a station asks (the catalog's `contact`), in the page's words.

The page says it twice: under the campaign's title, every way to reach them ("¿Dudas sobre
estos archivos? Consulte a Mesa de ayuda: escriba a dudas@... o llame al +52 55 1234 5678."),
and, shorter, at the end of a note that asks a station to think before airing (an earlier
version, a file not available yet), the first way only ("Antes de emitirlo, consulte a Mesa de
ayuda."), the name linked to it. Built as Markup: the catalog's text is escaped where it is put
in, and each link's address is rebuilt from what its kind may hold (a `mailto:` of the quoted
address, a `tel:` of + and digits, an http(s) address), so a catalog cannot put markup or a
script's address in the page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from markupsafe import Markup

from pipeline.publish.i18n import N_, Formats, translations

LABEL = N_("Contact")
LEAD = N_("Questions about these files?")
# Each way to reach them, as a clause: the block joins them with "or", a note takes the first.
WAYS = {"name": N_("ask %(name)s"), "email": N_("email %(email)s"),
        "phone": N_("call %(phone)s"), "url": N_("visit %(url)s")}
# A note's last sentence, by what it is about: one file, all of a language's, one not there yet.
BEFORE_AIRING = {1: N_("Before airing it, %(ask)s."), 2: N_("Before airing them, %(ask)s.")}
WHEN_AVAILABLE = N_("To find out when it will be available, %(ask)s.")


@dataclass(frozen=True)
class PageContact:
    label: str         # "Contacto"
    sentence: Markup   # the block's, every way to reach them
    ask: Markup        # the first way, as a clause: "consulte a <a ...>Mesa de ayuda</a>"
    language: str

    def before_airing(self, files: int = 1) -> Markup:
        """The note's last sentence for one file (`files` 1) or all of a language's (2)."""
        return self._say(BEFORE_AIRING[1 if files == 1 else 2])

    def when_available(self) -> Markup:
        return self._say(WHEN_AVAILABLE)

    def _say(self, message: str) -> Markup:
        return Markup(translations(self.language).gettext(message)) % {"ask": self.ask}


def page_contact(contact: dict | None, language: str) -> PageContact | None:
    """The page's words for a catalog's `contact`, in `language`; None without one (or with
    nothing a station can use in it)."""
    ways = _ways(contact or {})
    if not ways:
        return None
    gettext = translations(language).gettext

    def clause(way: str, link: Markup) -> Markup:
        return Markup(gettext(WAYS[way])) % {way: link}

    every = Markup(Formats(language).list((clause(way, _link(href, text))   # each one escaped
                                           for way, href, text in ways), "or"))
    name = ((contact.get("names") or {}).get(language) or contact.get("name") or "").strip()
    if not name:
        way, href, text = ways[0]
        return PageContact(gettext(LABEL), Markup("{} {}.").format(gettext(LEAD), _capital(every)),
                           clause(way, _link(href, text)), language)
    named = _capital(clause("name", Markup("<strong>{}</strong>").format(name)))
    return PageContact(gettext(LABEL), Markup("{} {}: {}.").format(gettext(LEAD), named, every),
                       clause("name", _link(ways[0][1], name)), language)


def _ways(contact: dict) -> list[tuple[str, str, str]]:
    """(way, link's address, its text) for each way the contact gives, in the order a note
    takes the first: email, phone, then the web address."""
    ways = []
    email = contact.get("email")
    if email:
        ways.append(("email", "mailto:" + quote(email, safe="@"), email))
    phone = re.sub(r"[^+0-9]", "", contact.get("phone") or "")
    if phone.startswith("+") and len(phone) > 1:
        extension = re.sub(r"[^0-9]", "", contact.get("phone_extension") or "")
        ways.append(("phone", f"tel:{phone}" + (f";ext={extension}" if extension else ""),
                     contact.get("phone_display") or phone))
    url = contact.get("url")
    if url and urlsplit(url).scheme.lower() in ("http", "https"):
        ways.append(("url", url, url))
    return ways


def _link(href: str, text: str) -> Markup:
    return Markup('<a href="{}">{}</a>').format(href, text)


def _capital(text: Markup) -> Markup:
    """A clause starting a sentence: its first letter in capitals ("Escriba a ...")."""
    return text[:1].upper() + text[1:]
