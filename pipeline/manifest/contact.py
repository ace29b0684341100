"""`publish.contact`: whom a station asks about the campaign's files, read and checked.

The page names them under the campaign's title and in its notes of a file a station should
not air unasked (an earlier version, one not available yet). An address or a number a station
cannot use is worse than none, so each is checked by a maintained library rather than a
pattern of ours: email-validator (the syntax only, no DNS look-up: `validate` runs offline) and
phonenumbers (Google's libphonenumber metadata), which also writes the number as people read it
("+52 55 1234 5678") and as the `tel:` link dials it (E.164, "+525512345678"). Both are
imported only for a manifest that has a contact, since every command loads the manifest:
loading one with a contact takes 39-49 ms, nearly all of it their import, one without 1-2 ms.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import yaml

from pipeline.manifest.model import PAGE_LANGUAGES, Contact
from pipeline.manifest.nodes import NodeReader, is_null, key_of
from pipeline.messages import N_, say

CONTACT_KEYS = {"name": False, "email": False, "phone": False, "url": False}
WAYS = ("email", "phone", "url")    # at least one: a name alone reaches no one
EXAMPLE = 'contact: {name: "Mesa de ayuda", email: dudas@example.org, phone: "+52 55 1234 5678"}'
PHONE_EXAMPLE = "+52 55 1234 5678"


def _example(country_code: int) -> str:
    """A number of the country with `country_code`, as it is dialled from another country
    (phonenumbers' example fixed line: "+1 201-555-0123"); Mexico City's for a code it has
    none of (a trial's +1 number was shown a +52 example)."""
    import phonenumbers    # as _phone imports it: only a manifest with a phone loads it

    region = phonenumbers.region_code_for_country_code(country_code)
    example = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.FIXED_LINE)
    if country_code == 52 or example is None:
        return PHONE_EXAMPLE
    return phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def read_contact(reader: NodeReader, node: yaml.Node, page_language: str) -> Contact | None:
    """The contact of `publish.contact` (`node`), or None when it has a problem (said at the
    line of the value that has it)."""
    what = "publish.contact"
    if is_null(node) or isinstance(node, yaml.MappingNode) and not node.value:
        reader.fail(node, say(N_("%(what)s is empty"), what=what),
                    say(N_("give an email, phone or url, and a name: %(example)s"),
                        example=EXAMPLE))
        return None
    keys = reader.mapping(node, what, CONTACT_KEYS)
    if not keys:
        return None
    if not any(way in keys for way in WAYS):
        reader.fail(node, say(N_("%(what)s has no email, phone or url: a name alone says no one "
                                 "how to reach them"), what=what),
                    say(N_("e.g. %(example)s"), example=EXAMPLE))
        return None
    problems = len(reader.diagnostics)
    names = (reader.localised_text(keys["name"][1], key_of(what, "name"), PAGE_LANGUAGES) or {}
             if "name" in keys else {})
    email = _email(reader, keys["email"][1]) if "email" in keys else None
    phone = _phone(reader, keys["phone"][1]) if "phone" in keys else None
    url = _url(reader, keys["url"][1]) if "url" in keys else None
    if len(reader.diagnostics) > problems:
        return None
    display, e164, extension = phone or (None, None, None)
    name = names.get(page_language) or next(iter(names.values()), None)
    return Contact(name, tuple(names.items()), email, e164, display, extension, url)


def _email(reader: NodeReader, node: yaml.Node) -> str | None:
    value = reader.text(node, "publish.contact.email")
    if value is None:
        return None
    from email_validator import EmailNotValidError, validate_email
    try:
        return validate_email(value.strip(), check_deliverability=False).normalized
    except EmailNotValidError as exc:
        said = str(exc).rstrip(".")       # "The part after the @-sign is not valid. ..."
        # email-validator's own words for what is wrong: a parameter, in English.
        reader.fail(node, say(N_("publish.contact.email %(value)s is not an email address: "
                                 "%(problem)s"), value=repr(value),
                              problem=f"{said[:1].lower()}{said[1:]}"),
                    say(N_("write the address alone, as name@example.org")))
        return None


def _phone(reader: NodeReader, node: yaml.Node) -> tuple[str, str, str | None] | None:
    """(as written internationally, E.164, the extension or None)."""
    value = reader.text(node, "publish.contact.phone")
    if value is None:
        return None
    what = f"publish.contact.phone {value!r}"
    with_code = say(N_("write it with + and its country code, as it is dialled from another "
                       "country: %(example)s for a number in Mexico City"), example=PHONE_EXAMPLE)
    written = value.strip()
    if not written.startswith("+"):
        # Read in no country's way: a station abroad dials what the page says. A number with
        # the international prefix (0052...) or a link's tel: has its code, written otherwise.
        digits = written.removeprefix("tel:").lstrip()
        if written.lower().startswith("tel:") and digits.startswith("+"):
            reader.fail(node, say(N_("%(what)s is written as a link"), what=what),
                        say(N_("write the number alone: %(number)s"), number=digits))
        elif written.startswith("00"):
            reader.fail(node, say(N_("%(what)s starts with the international prefix 00"),
                                  what=what),
                        say(N_("write + in its place: %(number)s"),
                            number=f"+{written[2:].lstrip()}"))
        else:
            reader.fail(node, say(N_("%(what)s has no country code"), what=what), with_code)
        return None
    import phonenumbers
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException as exc:
        reason = (N_("no country has that code") if exc.error_type == exc.INVALID_COUNTRY_CODE
                  else N_("it has too few digits") if exc.error_type in (exc.TOO_SHORT_NSN,
                                                                         exc.TOO_SHORT_AFTER_IDD)
                  else N_("it has too many digits") if exc.error_type == exc.TOO_LONG
                  else N_("it is not a number"))
        reader.fail(node, say(N_("%(what)s is not a phone number: %(reason)s"), what=what,
                              reason=say(reason)), with_code)
        return None
    if not phonenumbers.is_valid_number(number):
        length = phonenumbers.is_possible_number_with_reason(number)
        results = phonenumbers.ValidationResult
        reason = {results.TOO_SHORT: N_("it has too few digits"),
                  results.TOO_LONG: N_("it has too many digits")}.get(length)
        country = f"+{number.country_code}"
        reader.fail(node, say(N_("%(what)s is not a valid number of country code %(code)s: "
                                 "%(reason)s"), what=what, code=country, reason=say(reason))
                    if reason else
                    say(N_("%(what)s is not a valid number of country code %(code)s"), what=what,
                        code=country),
                    say(N_("check its digits as it is dialled from another country, e.g. "
                           "%(example)s"), example=_example(number.country_code)))
        return None
    formats = phonenumbers.PhoneNumberFormat
    return (phonenumbers.format_number(number, formats.INTERNATIONAL),
            phonenumbers.format_number(number, formats.E164), number.extension or None)


def _url(reader: NodeReader, node: yaml.Node) -> str | None:
    value = reader.text(node, "publish.contact.url")
    if value is None:
        return None
    parts = urlsplit(value.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname \
            or any(c.isspace() for c in value.strip()):
        reader.fail(node, say(N_("publish.contact.url %(value)s is not a web address (http:// "
                                 "or https://)"), value=repr(value)),
                    say(N_("a page stations can open, e.g. %(url)s"),
                        url="https://example.org/contacto"))
        return None
    return value.strip()
