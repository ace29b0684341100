"""Load and validate a campaign manifest (YAML) into its frozen model, reporting every problem
found with the line of the offending key, all in one run."""

from __future__ import annotations

import os
import tempfile
from dataclasses import replace
from pathlib import Path

import yaml

from pipeline.errors import Diagnostic, ManifestError, StorageError, ValidationError
from pipeline.files import (NOT_UTF8, NOT_UTF8_HINT, name_not_utf8, resolved, special_file,
                            spelt_on_disk)
from pipeline.manifest.contact import read_contact
from pipeline.manifest.model import (
    PAGE_LANGUAGES,
    SLUG,
    TREATMENTS,
    Concern,
    Language,
    Manifest,
)
from pipeline.manifest.nodes import NodeReader, What
from pipeline.manifest.outputs import check_clocks, read_clock, read_profiles
from pipeline.manifest.repeated import Entry, listed_again, shared_names
from pipeline.manifest.settings import QcSettings, Style
from pipeline.manifest.spots import in_default, read_spots
from pipeline.manifest.yaml_errors import yaml_problem
from pipeline.messages import N_, Items, Message, say
from pipeline.profiles import BUILTIN_PROFILES
from pipeline.publish.target import check_target_url
from pipeline.subtitles.encoding import decode_text

TOP_KEYS = {"campaign": True, "title": True, "source_language": True, "spots": True,
            "languages": True, "profiles": False, "subtitles_dir": False, "audio_dir": False,
            "output_dir": False, "style": False, "qc": False, "publish": False, "clock": False}
PUBLISH_KEYS = {"to": False, "page_language": False, "contact": False, "related": False}


def load_manifest(path: str | Path) -> Manifest:
    """Read and validate a manifest; raises `ValidationError` listing every problem found."""
    path = Path(path)
    if not path.exists():       # typed composed, stored decomposed by a Mac (spelt_on_disk)
        twin = spelt_on_disk(path.absolute())
        path = twin if twin.exists() else path
    odd = name_not_utf8(resolved(path))
    if odd:
        raise ManifestError(say(NOT_UTF8, name=odd), path, hint=say(NOT_UTF8_HINT))
    if special_file(path):      # a FIFO read waits for ever: a trial's render hung on one
        raise ManifestError(say(N_("the manifest is not a regular file")), path,
                            hint=say(N_("name the file itself, not a pipe or a device")))
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        # Said in a Spanish terminal too: a translator's `check --manifest` with a typo.
        raise ManifestError(say(N_("manifest not found")), path,
                            hint=say(N_("check the manifest's name and folder"))) from None
    # As a subtitle file is read: UTF-8 or BOM-marked UTF-16, and a byte of neither said at its
    # line with what it is in Windows-1252 (it was "manifest is not UTF-8 (byte 184)").
    text, _, problems = decode_text(data, path, "manifest")
    if text is None:
        raise ValidationError(problems)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        problem, line, hint = yaml_problem(exc)
        raise ManifestError(problem, path, line, hint) from None
    except RecursionError:
        # PyYAML's composer recurses once a nesting level: 20,000 '[' was an internal error.
        raise ManifestError(say(N_("invalid YAML: lists or mappings nested too deep to read")),
                            path, hint=say(N_("a manifest nests a few levels; look for a run of "
                                              "'[' or '{'"))) from None
    if root is None:
        raise ManifestError(say(N_("manifest is empty")), path)

    reader = NodeReader(path)
    base = resolved(path.parent)
    top = reader.mapping(root, say(N_("the manifest")), TOP_KEYS)

    def value(key, parse, *args, default=None):
        return parse(top[key][1], key, *args) if key in top else default

    campaign = value("campaign", reader.slug)
    publish_to, page_language, contact, related = "file://../dist", PAGE_LANGUAGES[0], None, ()
    if "publish" in top:
        publish = reader.mapping(top["publish"][1], "publish", PUBLISH_KEYS)
        if "to" in publish:
            publish_to = reader.text(publish["to"][1], "publish.to") or publish_to
        if "page_language" in publish:
            page_language = reader.choice(publish["page_language"][1], "publish.page_language",
                                          PAGE_LANGUAGES) or page_language
        # What only the page says: its mistakes hold no variant back (a trial's phone number
        # without its country code stopped every render), and publish refuses the manifest.
        problems = len(reader.diagnostics)
        if "to" in publish:
            _check_publish_to(reader, publish["to"][1], publish_to)
        if "contact" in publish:
            contact = read_contact(reader, publish["contact"][1], page_language)
        if "related" in publish:
            related = _related(reader, publish["related"][1], campaign)
        reader.concern(problems, "publish", "page")
    titles = value("title", reader.localised_text, PAGE_LANGUAGES) or {}
    source_language = value("source_language", reader.language_code)
    style = _style(reader, top["style"][1], "style", Style()) if "style" in top else Style()
    qc = reader.dataclass_fields(top["qc"][1], "qc", QcSettings, QcSettings()) if "qc" in top else QcSettings()
    spots = read_spots(reader, top["spots"][1], base, page_language) if "spots" in top else ()
    languages = (_languages(reader, top["languages"][1], style, qc,
                            tuple(spot.id for spot in spots)) if "languages" in top else ())
    profiles = read_profiles(reader, top["profiles"][1]) if "profiles" in top else (BUILTIN_PROFILES["web"],)
    clock = read_clock(reader, *top["clock"]) if "clock" in top else None

    manifest = Manifest(
        path=path, campaign=campaign or "", title=in_default(titles, page_language) or "",
        # "und" (BCP 47's undetermined) where it is missing or wrong: the error is said, and
        # planning the manifest's other entries to check their files needs a tag to write.
        titles=tuple(titles.items()), source_language=source_language or "und",
        spots=spots, languages=languages, profiles=profiles,
        subtitles_dir=value("subtitles_dir", reader.relative_path, base, default=(base / "../subtitles").resolve()),
        audio_dir=value("audio_dir", reader.relative_path, base, default=(base / "../audio").resolve()),
        output_dir=value("output_dir", reader.relative_path, base, default=(base / "../build").resolve()),
        style=style, qc=qc, publish_to=publish_to, page_language=page_language, clock=clock,
        contact=contact, related=related,
        _lines={**{key: key_node.start_mark.line + 1 for key, (key_node, _) in top.items()},
                **(_profile_lines(top["profiles"][1]) if "profiles" in top else {})},
    )
    for key in ("subtitles_dir", "audio_dir", "output_dir"):
        odd = name_not_utf8(getattr(manifest, key))      # an input's is said at its variants
        if key in top and odd:
            reader.fail(top[key][1], say(NOT_UTF8, name=odd), say(NOT_UTF8_HINT))
    # Errors of single spots, languages or profiles leave the rest to check: a selection of
    # the others renders it (InvalidManifest.concerns).
    if not reader.shared:
        check_clocks(reader, manifest)
        _check_output_dir(reader, manifest, top["output_dir"][0] if "output_dir" in top else None)
    if reader.diagnostics:
        raise InvalidManifest(reader.diagnostics, manifest, reader.concerns)
    return manifest


class InvalidManifest(ValidationError):
    """A manifest with schema errors, and its entries that have none (`manifest`): planning
    checks their files too (`checkable`), so that a missing master is not said only once the
    schema errors are fixed (every problem in one run). `concerns` has the errors of one spot,
    language or profile entry alone, ("profile", "tv"): when they are all of entries a
    selection leaves out (`render --profile web`), the others are whole, and are planned."""

    def __init__(self, diagnostics, manifest: Manifest,
                 concerns: dict[Diagnostic, Concern]):
        super().__init__(diagnostics)
        self.manifest = manifest
        self.concerns = concerns

    def page_only(self, diagnostic: Diagnostic) -> bool:
        """Whether `diagnostic` is of the page's own keys (`publish.contact`, `publish.related`),
        which hold no variant back: said, and every variant planned all the same."""
        return self.concerns.get(diagnostic, ("", ""))[0] == "publish"


def _profile_lines(node: yaml.Node) -> dict[str, int]:
    """The lines of a mapping of profiles' names and of their keys ("profiles.tv" and
    "profiles.tv.timecode"): where a profile's own mistakes are said (`Manifest.line_of`)."""
    lines: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        for name, fields in node.value:
            lines[f"profiles.{name.value}"] = name.start_mark.line + 1
            if isinstance(fields, yaml.MappingNode):
                lines.update((f"profiles.{name.value}.{key.value}", key.start_mark.line + 1)
                             for key, _ in fields.value)
    return lines


def checkable(manifest: Manifest) -> Manifest:
    """The manifest's valid entries, as planning can take them: with no valid profile, the
    default one, for the spots' and languages' files to be checked all the same."""
    return replace(manifest, profiles=manifest.profiles or (BUILTIN_PROFILES["web"],))


def _check_output_dir(reader: NodeReader, manifest: Manifest, node: yaml.Node | None) -> None:
    """The output folder must be a folder, or be one that can be made: its nearest existing
    ancestor a folder this user may write in. Else every variant of the manifest would fail
    at render, which validate and plan did not say."""
    folder = manifest.output_dir
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    looped = next((link for link in (manifest.output_dir, *manifest.output_dir.parents)
                   if os.path.islink(link) and not link.exists()), None)
    if looped is not None:          # `resolved` left it: a loop of links
        reader.fail(node, say(N_("output_dir %(output_dir)s cannot be a folder: %(folder)s is a "
                                 "symbolic link that leads nowhere (a loop of links)"),
                              output_dir=str(manifest.output_dir), folder=str(looped)),
                    say(N_("point output_dir at a folder")))
    elif not folder.is_dir():
        reader.fail(node, say(N_("output_dir %(output_dir)s cannot be a folder: %(folder)s is a "
                                 "file"), output_dir=str(manifest.output_dir), folder=str(folder)),
                    say(N_("point output_dir at a folder")))
    elif _read_only(folder):
        # Even root cannot write there: a trial's read-only mount was said to be a permission
        # problem, to a user who was root.
        reader.fail(node, say(N_("output_dir %(output_dir)s cannot be written: %(folder)s is on "
                                 "a read-only file system"), output_dir=str(manifest.output_dir),
                              folder=str(folder)),
                    say(N_("point output_dir at a folder on a writable disk, or mount it "
                           "read-write")))
    elif not os.access(folder, os.W_OK | os.X_OK):
        reader.fail(node, say(N_("output_dir %(output_dir)s cannot be written: %(folder)s is "
                                 "not writable by this user"),
                              output_dir=str(manifest.output_dir), folder=str(folder)),
                    say(N_("point output_dir at a folder you can write to, or change its "
                           "permissions")))
    elif folder != manifest.output_dir:
        # Permissions let root make anything anywhere, yet /proc or /sys refuse a folder: make
        # one there and take it away, or every render fails with the system's words alone.
        try:
            os.rmdir(tempfile.mkdtemp(prefix=".pipeline-", dir=folder))
        except OSError as exc:
            reader.fail(node, say(N_("output_dir %(output_dir)s cannot be made: %(folder)s "
                                     "takes no new folder (%(reason)s)"),
                                  output_dir=str(manifest.output_dir), folder=str(folder),
                                  reason=exc.strerror or str(exc)),
                        say(N_("point output_dir at a folder on a disk you can write to")))


def _check_publish_to(reader: NodeReader, node: yaml.Node, url: str) -> None:
    """`publish.to` must be a URL `publish` writes to: said by `validate` and `plan` (only
    `publish` refused an `ftp://` one), holding no variant back."""
    try:
        check_target_url(url)
    except StorageError as exc:
        reader.fail(node, exc.said_message, exc.said_hint)


def _read_only(folder: Path) -> bool:
    """Whether `folder` is on a file system mounted read-only (statvfs's ST_RDONLY)."""
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def _related(reader: NodeReader, node: yaml.Node, campaign: str | None) -> tuple[str, ...]:
    """`publish.related`: the ids of the campaigns whose pages this one's links to (published
    beside it, each at `<prefix>/<campaign>/`), each once; not the campaign itself."""
    seen: dict = {}
    related = []
    for item in reader.sequence(node, "publish.related"):
        other = reader.slug(item, "publish.related")
        if other is not None and other == campaign:
            reader.fail(item, say(N_("publish.related names this campaign itself (%(campaign)s)"),
                                  campaign=repr(other)),
                        say(N_("list the other campaigns whose pages stations should find from "
                               "this one")))
        elif reader.unique(seen, other, item, say(N_("publish.related campaign"))) and other:
            related.append(other)
    return tuple(related)


def _style(reader: NodeReader, node: yaml.Node, where: What, base: Style) -> Style:
    """`base` with the keys of the style at `node`. A shadow asked for beside a box, which
    libass draws in its place (BorderStyle 4), is an error at the shadow's line: a trial's
    `{box: true, shadow: 3}` drew no shadow, unsaid."""
    style = reader.dataclass_fields(node, where, Style, base)
    keys = {key.value: value for key, value in node.value} if isinstance(node, yaml.MappingNode) \
        else {}
    if "shadow" in keys and style.box is not None:     # its own box, or the campaign's
        reader.fail(keys["shadow"], say(N_("%(where)s: a shadow is not drawn with a box (the box "
                                           "is drawn in its place)"), where=where),
                    say(N_("leave out 'shadow', or give 'box: false'")))
    return style


LANGUAGE_KEYS = {"code": True, "name": False, "treatment": True, "style": False, "qc": False,
                 "clock": False, "also_called": False, "spots": False, "forced_subtitles": False,
                 "sdh": False}


def _languages(reader: NodeReader, node: yaml.Node, style: Style, qc: QcSettings,
               spot_ids: tuple[str, ...]) -> tuple[Language, ...]:
    """The manifest's languages; each one's problems are its own (`NodeReader.concern`). A code
    may be listed again for other spots (`repeated.listed_again`): subtitled on the TV spots, recorded on the
    radio spot of one campaign."""
    languages: list[Language] = []
    entries: dict[str, list[Entry]] = {}     # by code, in manifest order
    for item in reader.sequence(node, "languages"):
        problems = len(reader.diagnostics)
        code, language, keys = _language(reader, item, style, qc, spot_ids)
        if code is not None and keys is not None and "code" in keys:
            entry = Entry(keys, language, item.start_mark.line + 1)
            if code in entries and not listed_again(reader, code, entry, entries[code]):
                language = None
            entries.setdefault(code, []).append(entry)
        reader.concern(problems, "language", code)
        if language is not None:
            languages.append(language)
    return shared_names(languages, entries)


def _treatment_flag(reader: NodeReader, keys: dict, key: str, refused: bool, message: Message,
                    hint: Message) -> bool:
    """A language's yes/no `key` (false when absent), an error (`message`, `hint`) at its line
    when true of a treatment that does not take it (`refused`)."""
    if key not in keys:
        return False
    value = bool(reader.boolean(keys[key][1], key))
    if value and refused:
        reader.fail(keys[key][1], message, hint)
    return value


def _also_called(reader: NodeReader, node: yaml.Node) -> tuple[str, ...]:
    """A language's `also_called`: other names, each a text with a letter in it."""
    names = []
    for item in reader.sequence(node, "also_called"):
        name = reader.display_text(item, say(N_("a name in also_called")))
        if name is not None and not name.strip():
            reader.fail(item, say(N_("a name in also_called is blank")))
        elif name is not None:
            names.append(name.strip())
    return tuple(names)


def _spots_of(reader: NodeReader, node: yaml.Node, spot_ids: tuple[str, ...],
              code: str | None) -> tuple[str, ...]:
    """A language's `spots`: ids of the manifest's spots (`spot_ids`), each said once."""
    chosen: list[str] = []
    for item in reader.sequence(node, say(N_("spots of %(code)s"), code=str(code))):
        spot = reader.slug(item, say(N_("a spot id")))
        if spot is not None and spot not in spot_ids:
            reader.fail(item, say(N_("language %(code)s: no spot %(spot)s in the manifest"),
                                  code=repr(code), spot=repr(spot)),
                        say(N_("spots: %(spots)s"), spots=Items(spot_ids)) if spot_ids else None)
        elif spot is not None and spot in chosen:
            reader.fail(item, say(N_("language %(code)s: spot %(spot)s is named twice"),
                                  code=repr(code), spot=repr(spot)))
        elif spot is not None:
            chosen.append(spot)
    return tuple(chosen)


def _language(reader: NodeReader, item: yaml.Node, style: Style, qc: QcSettings,
              spot_ids: tuple[str, ...]) -> tuple[str | None, Language | None, dict | None]:
    """(its code, the language, its keys) of an entry of `languages:`; no language when it
    cannot be planned. `spot_ids`: the manifest's spots, which its `spots:` names."""
    keys = reader.mapping(item, say(N_("a language")), LANGUAGE_KEYS)
    code = (reader.language_code(keys["code"][1], say(N_("language code"))) if "code" in keys
            else None)
    if code is not None and not SLUG.match(code.lower()):
        reader.fail(keys["code"][1], say(N_("language code %(code)s cannot be used in file names"),
                                         code=repr(code)))
        code = None
    elif code is not None and code != code.lower():
        # Files are named by the code in lower case (translators' guide), and codes are
        # case-insensitive (BCP 47): 'Zai' wanted a Zai.srt, and 'Nah' beside 'nah' passed.
        reader.fail(keys["code"][1], say(N_("language code %(code)s must be written in lower "
                                            "case, %(lower)s"), code=repr(code),
                                         lower=repr(code.lower())))
        code = None
    if "code" not in keys or "treatment" not in keys:
        return code, None, keys
    treatment = reader.choice(keys["treatment"][1], "treatment", TREATMENTS)
    name = (reader.display_text(keys["name"][1], say(N_("language name"))) if "name" in keys
            else None)
    lang_style = (_style(reader, keys["style"][1], say(N_("style of %(code)s"), code=str(code)),
                         style) if "style" in keys else style)
    lang_qc = (reader.dataclass_fields(keys["qc"][1], say(N_("qc of %(code)s"), code=str(code)),
                                       QcSettings, qc) if "qc" in keys else qc)
    clock = read_clock(reader, *keys["clock"]) if "clock" in keys else None
    also = _also_called(reader, keys["also_called"][1]) if "also_called" in keys else ()
    spots = _spots_of(reader, keys["spots"][1], spot_ids, code) if "spots" in keys else ()
    forced = _treatment_flag(
        reader, keys, "forced_subtitles", treatment in ("burn", "soft"),
        say(N_("language %(code)s: forced_subtitles is for a dub or mix language's subtitle "
               "file (a %(treatment)s language's subtitles are shown already)"),
            code=repr(code), treatment=treatment),
        say(N_("leave it out, or make the language dub or mix")))
    sdh = _treatment_flag(
        reader, keys, "sdh", treatment in ("dub", "mix"),
        say(N_("language %(code)s: sdh marks a burn or soft language's subtitles (a "
               "%(treatment)s language's track is there to be asked for)"),
            code=repr(code), treatment=treatment),
        say(N_("leave it out, or make the language burn or soft")))
    if not (code and treatment):     # a wrong style or qc key keeps its default
        return code, None, keys
    return code, Language(code, name, treatment, lang_style, lang_qc, item.start_mark.line + 1,
                          clock, also, spots, forced, sdh), keys
