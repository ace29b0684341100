"""Load, validate and resolve a campaign manifest (YAML) into a frozen model.

The YAML is composed into nodes with the safe loader and each scalar is interpreted by the
schema, not by YAML 1.1's resolver: `no` stays the language code `no`, `1:30` stays a string,
and every problem is reported with the line of the offending key, all in one run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Callable, Literal, get_args

import langcodes
import yaml

from pipeline.clock import HINT as CLOCK_HINT
from pipeline.clock import ClockPattern, clock_problem, pattern_problem
from pipeline.errors import Diagnostic, ManifestError, SubtitleError, ValidationError, error
from pipeline.files import index_folder
from pipeline.media.audio_layout import AudioChoice
from pipeline.media.geometry import Crop
from pipeline.media.timecode import syntax_problem
from pipeline.profiles import (BUILTIN_PROFILES, Container, Fit, Leader, Medium, Profile, Scan,
                               profile_problem)
from pipeline.standards import STANDARDS
from pipeline.subtitles.formats import SUFFIXES as SUBTITLE_SUFFIXES
from pipeline.subtitles.normalise import nfc

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
TREATMENTS = ("burn", "soft", "dub", "mix")
Treatment = Literal["burn", "soft", "dub", "mix"]
SpotMedium = Literal["video", "radio"]
# Profile fields typed by a named Literal: their choices.
NAMED_CHOICES = {"Fit": get_args(Fit), "Scan": get_args(Scan), "Medium": get_args(Medium),
                 "Container": get_args(Container)}
# Audio deliveries, in the formats studios and phones send (CONTRACT.md "Next"); ffmpeg decodes them.
AUDIO_SUFFIXES = (".wav", ".flac", ".mp3", ".m4a", ".aac", ".ogg", ".opus")
PAGE_LANGUAGES = ("es", "en")  # languages of the broadcasters' page; the first is the default


@dataclass(frozen=True)
class Style:
    """The look of burned-in subtitles."""

    font: str = "Noto Sans"
    size: float = 0.05           # text height as a fraction of the frame height
    outline: float = 2.0         # outline width in pixels at 1080 lines
    position: Literal["bottom", "top"] = "bottom"
    color: str = "#FFFFFF"
    outline_color: str = "#000000"
    bold: bool = False
    from_file: bool = False      # an ASS/SSA file is burned with its own styles


@dataclass(frozen=True)
class QcSettings:
    """Thresholds of the QC: subtitles (Netflix Timed Text Style Guide defaults) and deliveries."""

    max_cps: float = 17.0
    max_line_chars: int = 42
    max_lines: int = 2
    min_duration: float = 5 / 6
    max_duration: float = 7.0
    min_gap_frames: int = 2
    duration_tolerance: float = 0.5    # seconds a dub or voice-over may differ from its spot


@dataclass(frozen=True)
class Spot:
    id: str
    title: str
    master: Path
    music_bed: Path | None = None
    line: int | None = None
    audio: AudioChoice = AudioChoice()     # which master audio streams make the sound, or silent
    crop: Crop | None = None               # the active picture, in the upright frame's pixels
    medium: SpotMedium | None = None       # None: radio when the master has no picture


@dataclass(frozen=True)
class Language:
    code: str
    name: str
    treatment: Treatment
    style: Style = Style()
    qc: QcSettings = QcSettings()
    line: int | None = None
    clock: ClockPattern | None = None      # this language's clock number (a pattern or a value)

    @property
    def alpha3(self) -> str:
        return alpha3(self.code)

    @property
    def bcp47(self) -> str:
        """The code as a BCP 47 tag in its shortest form (`spa` is `es`), for `xml:lang`."""
        return langcodes.standardize_tag(self.code)

    @property
    def needs_subtitles(self) -> bool:
        return self.treatment in ("burn", "soft")

    @property
    def needs_audio(self) -> bool:
        return self.treatment in ("dub", "mix")


@dataclass(frozen=True)
class Manifest:
    path: Path
    campaign: str
    title: str
    source_language: str
    spots: tuple[Spot, ...]
    languages: tuple[Language, ...]
    profiles: tuple[Profile, ...]
    subtitles_dir: Path
    audio_dir: Path
    output_dir: Path
    style: Style = Style()
    qc: QcSettings = QcSettings()
    publish_to: str = "file://../dist"
    page_language: str = PAGE_LANGUAGES[0]
    clock: ClockPattern | None = None      # the clock number pattern of every variant

    def clock_for(self, spot: Spot, language: Language, profile: Profile) -> str | None:
        """The variant's clock number: its language's pattern, else the manifest's; None
        when neither gives one."""
        pattern = language.clock or self.clock
        return pattern.expand(self.campaign, spot.id, language.code, profile.name) if pattern else None

    def subtitle_files(self, spot: Spot, language: Language) -> list[Path]:
        """The language's subtitle files in the spot's folder: `<code>.srt`, `.vtt`, `.ass`,
        `.ssa`, `.ttml`, `.xml` or `.dfxp` (the suffix in any case). One is expected."""
        folder = self.subtitles_dir / spot.id
        return [folder / name for name in index_folder(folder).get(language.code, [])
                if Path(name).stem == language.code
                and Path(name).suffix.lower() in SUBTITLE_SUFFIXES]

    def subtitle_path(self, spot: Spot, language: Language) -> Path:
        """The language's one subtitle file.

        Raises `SubtitleError` (on the language's line of the manifest) when there is none,
        naming the files of that code with other suffixes that are there, or when there are
        several, naming them: which one was meant cannot be guessed.
        """
        found = self.subtitle_files(spot, language)
        if len(found) == 1:
            return found[0]
        folder = self.subtitles_dir / spot.id
        if found:
            raise SubtitleError(
                f"language {language.code!r} has {len(found)} subtitle files for spot "
                f"{spot.id!r}: {', '.join(str(p) for p in found)}", self.path, language.line,
                "keep only the one to use (move the others out of the folder)")
        others = index_folder(folder).get(language.code, [])
        there = (f"; the folder has {', '.join(others)} (not a subtitle format read here)"
                 if others else f"; there is no file for {language.code!r} in {folder}")
        expected = folder / f"{language.code}{SUBTITLE_SUFFIXES[0]}"
        raise SubtitleError(
            f"subtitles missing for language {language.code!r} ({language.treatment}): expected "
            f"{expected} (or {', '.join(SUBTITLE_SUFFIXES[1:])}){there}", self.path,
            language.line, "add the subtitle file there (SubRip, WebVTT, ASS/SSA or TTML), or "
            "change the treatment")

    @property
    def campaign_dir(self) -> Path:
        return self.output_dir / self.campaign

    def line_of(self, key: str) -> int | None:
        return self._lines.get(key)

    _lines: dict = field(default_factory=dict, repr=False, compare=False)


def alpha3(code: str) -> str:
    """ISO 639-2/3 code for container language tags (MP4/MOV carry three letters)."""
    return langcodes.Language.get(code).to_alpha3()


# --- reading typed values out of YAML nodes ------------------------------------------------

class _Reader:
    """Collects diagnostics while turning YAML nodes into typed values."""

    def __init__(self, path: Path):
        self.path = path
        self.diagnostics: list[Diagnostic] = []

    def fail(self, node: yaml.Node | None, message: str, hint: str | None = None) -> None:
        line = node.start_mark.line + 1 if node is not None else None
        self.diagnostics.append(error(message, self.path, line, hint))

    def mapping(self, node: yaml.Node, where: str, allowed: dict[str, bool]) -> dict[str, tuple]:
        """{key: (key_node, value_node)}; reports duplicates, unknown and missing keys.

        `allowed` maps each key to whether it is required.
        """
        if not isinstance(node, yaml.MappingNode):
            self.fail(node, f"{where} must be a mapping of keys to values")
            return {}
        items: dict[str, tuple] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key is None or key not in allowed:
                self.fail(key_node, f"unknown key {key!r} in {where}",
                          f"allowed keys: {', '.join(sorted(allowed))}")
            elif key in items:
                first = items[key][0].start_mark.line + 1
                self.fail(key_node, f"duplicate key {key!r} in {where} (first given on line {first})",
                          "keep one of them")
            else:
                items[key] = (key_node, value_node)
        for key, required in allowed.items():
            if required and key not in items:
                self.fail(node, f"missing required key {key!r} in {where}")
        return items

    def scalar(self, node: yaml.Node, what: str) -> str | None:
        if not isinstance(node, yaml.ScalarNode):
            self.fail(node, f"{what} must be a single value, not a list or mapping")
            return None
        return node.value

    def text(self, node: yaml.Node, what: str) -> str | None:
        value = self.scalar(node, what)
        if value is not None and (node.tag == "tag:yaml.org,2002:null" and node.style is None
                                  and value in ("", "~", "null", "Null", "NULL")):
            self.fail(node, f"{what} is empty")
            return None
        return value

    def display_text(self, node: yaml.Node, what: str) -> str | None:
        """A title or name: it reaches the catalog, records and file metadata in Unicode NFC,
        like subtitle text (paths and codes are left exactly as typed)."""
        value = self.text(node, what)
        return nfc(value) if value is not None else None

    def slug(self, node: yaml.Node, what: str) -> str | None:
        value = self.text(node, what)
        if value is not None and not SLUG.match(value):
            self.fail(node, f"{what} {value!r} is not a valid id",
                      "use lower-case letters, digits and '-', starting with a letter or digit "
                      "(at most 63 characters); ids become folder names and object keys")
            return None
        return value

    def number(self, node: yaml.Node, what: str, kind: Callable = float,
               minimum: float | None = None, maximum: float | None = None):
        value = self.scalar(node, what)
        if value is None:
            return None
        try:
            number = kind(value)
        except ValueError:
            self.fail(node, f"{what} must be a number, got {value!r}")
            return None
        if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
            self.fail(node, f"{what} {value} is out of range [{minimum}, {maximum}]")
            return None
        return number

    def boolean(self, node: yaml.Node, what: str) -> bool | None:
        value = self.scalar(node, what)
        if value in ("true", "false"):
            return value == "true"
        if value is not None:
            self.fail(node, f"{what} must be true or false, got {value!r}")
        return None

    def choice(self, node: yaml.Node, what: str, choices: tuple[str, ...]) -> str | None:
        value = self.text(node, what)
        if value is not None and value not in choices:
            self.fail(node, f"{what} {value!r} is not one of: {', '.join(choices)}")
            return None
        return value

    def relative_path(self, node: yaml.Node, what: str, base: Path) -> Path | None:
        """A path relative to the manifest's folder; existence is checked per variant by the plan."""
        value = self.text(node, what)
        if value is None:
            return None
        return (base / value).resolve()

    def language_code(self, node: yaml.Node, what: str) -> str | None:
        value = self.text(node, what)
        if value is not None and not langcodes.tag_is_valid(value):
            self.fail(node, f"{what} {value!r} is not a valid ISO 639-3 code or BCP 47 tag",
                      "use the language's ISO 639-3 code, e.g. 'nah' or 'yua'")
            return None
        return value

    def dataclass_fields(self, node: yaml.Node, where: str, cls, base):
        """A copy of `base` (a dataclass instance) with the keys in `node` replaced, typed by `cls`."""
        types = {f.name: f.type for f in fields(cls)}
        items = self.mapping(node, where, {name: False for name in types if name not in ("name",)})
        values = {}
        for key, (_, value_node) in items.items():
            value = self.typed(value_node, f"{where}.{key}", types[key])
            if value is not None:
                values[key] = value
        return replace(base, **values)

    def typed(self, node: yaml.Node, what: str, annotation: str):
        annotation = str(annotation)
        if annotation.startswith("Literal["):
            choices = tuple(re.findall(r"'([^']*)'", annotation))
            return self.choice(node, what, choices)
        if annotation.startswith("bool"):
            return self.boolean(node, what)
        if annotation.startswith("int"):
            if isinstance(node, yaml.ScalarNode) and node.value in ("null", "~"):
                return None
            return self.number(node, what, int, minimum=0)
        if annotation.startswith("float"):
            if isinstance(node, yaml.ScalarNode) and node.value in ("null", "~"):
                return None
            return self.number(node, what, float)
        if annotation in NAMED_CHOICES:
            return self.choice(node, what, NAMED_CHOICES[annotation])
        if annotation.startswith("Leader"):
            return self.leader(node, what)
        return self.text(node, what)

    def leader(self, node: yaml.Node, what: str) -> Leader | None:
        """`{bars: S, slate: S, black: S, tone: dBFS}`: parts left out are not in the leader;
        `null` (or `none`) is no leader."""
        if isinstance(node, yaml.ScalarNode) and node.value in ("null", "~", "", "none"):
            return Leader()
        keys = self.mapping(node, what, {"bars": False, "slate": False, "black": False, "tone": False})
        values = {}
        for key, (_, value_node) in keys.items():
            if key == "tone":
                number = self.number(value_node, f"{what}.tone", float, minimum=-60.0, maximum=0.0)
            else:
                number = self.number(value_node, f"{what}.{key}", float, minimum=0.0, maximum=60.0)
            if number is not None:
                values[key] = number
        return Leader(**values)


# --- the manifest ---------------------------------------------------------------------------

TOP_KEYS = {"campaign": True, "title": True, "source_language": True, "spots": True,
            "languages": True, "profiles": False, "subtitles_dir": False, "audio_dir": False,
            "output_dir": False, "style": False, "qc": False, "publish": False, "clock": False}


def load_manifest(path: str | Path) -> Manifest:
    """Read and validate a manifest; raises `ValidationError` listing every problem found."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ManifestError("manifest not found", path) from None
    except UnicodeDecodeError as exc:
        raise ManifestError(f"manifest is not UTF-8 (byte {exc.start})", path,
                            hint="save the file as UTF-8") from None
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise ManifestError(f"invalid YAML: {problem}", path,
                            mark.line + 1 if mark else None) from None
    if root is None:
        raise ManifestError("manifest is empty", path)

    reader = _Reader(path)
    base = path.parent.resolve()
    top = reader.mapping(root, "the manifest", TOP_KEYS)

    def value(key, parse, *args, default=None):
        return parse(top[key][1], key, *args) if key in top else default

    campaign = value("campaign", reader.slug)
    title = value("title", reader.display_text)
    source_language = value("source_language", reader.language_code)
    style = (reader.dataclass_fields(top["style"][1], "style", Style, Style())
             if "style" in top else Style())
    qc = reader.dataclass_fields(top["qc"][1], "qc", QcSettings, QcSettings()) if "qc" in top else QcSettings()
    spots = _spots(reader, top["spots"][1], base) if "spots" in top else ()
    languages = _languages(reader, top["languages"][1], style, qc) if "languages" in top else ()
    profiles = _profiles(reader, top["profiles"][1]) if "profiles" in top else (BUILTIN_PROFILES["web"],)
    clock = _clock(reader, *top["clock"]) if "clock" in top else None
    publish_to, page_language = "file://../dist", PAGE_LANGUAGES[0]
    if "publish" in top:
        publish = reader.mapping(top["publish"][1], "publish", {"to": False, "page_language": False})
        if "to" in publish:
            publish_to = reader.text(publish["to"][1], "publish.to") or publish_to
        if "page_language" in publish:
            page_language = reader.choice(publish["page_language"][1], "publish.page_language",
                                          PAGE_LANGUAGES) or page_language

    manifest = Manifest(
        path=path, campaign=campaign or "", title=title or "", source_language=source_language or "",
        spots=spots, languages=languages, profiles=profiles,
        subtitles_dir=value("subtitles_dir", reader.relative_path, base, default=(base / "../subtitles").resolve()),
        audio_dir=value("audio_dir", reader.relative_path, base, default=(base / "../audio").resolve()),
        output_dir=value("output_dir", reader.relative_path, base, default=(base / "../build").resolve()),
        style=style, qc=qc, publish_to=publish_to, page_language=page_language, clock=clock,
        _lines={key: key_node.start_mark.line + 1 for key, (key_node, _) in top.items()},
    )
    if not reader.diagnostics:
        _check_clocks(reader, manifest)
    if reader.diagnostics:
        raise ValidationError(reader.diagnostics)
    return manifest


def _sequence(reader: _Reader, node: yaml.Node, what: str) -> list[yaml.Node]:
    if not isinstance(node, yaml.SequenceNode) or not node.value:
        reader.fail(node, f"{what} must be a non-empty list")
        return []
    return node.value


def _unique(reader: _Reader, seen: dict, key: str | None, node: yaml.Node, what: str) -> None:
    if key is None:
        return
    if key in seen:
        reader.fail(node, f"{what} {key!r} is listed twice (first on line {seen[key]})")
    else:
        seen[key] = node.start_mark.line + 1


SPOT_KEYS = {"id": True, "title": False, "master": True, "music_bed": False, "audio": False,
             "crop": False, "medium": False}
CROP_KEYS = ("width", "height", "x", "y")


def _spots(reader: _Reader, node: yaml.Node, base: Path) -> tuple[Spot, ...]:
    spots, seen = [], {}
    for item in _sequence(reader, node, "spots"):
        keys = reader.mapping(item, "a spot", SPOT_KEYS)
        if "id" not in keys or "master" not in keys:
            continue
        spot_id = reader.slug(keys["id"][1], "spot id")
        _unique(reader, seen, spot_id, keys["id"][1], "spot id")
        master = reader.relative_path(keys["master"][1], "master", base)
        bed = (reader.relative_path(keys["music_bed"][1], "music_bed", base)
               if "music_bed" in keys else None)
        title = reader.display_text(keys["title"][1], "spot title") if "title" in keys else None
        audio = _spot_audio(reader, *keys["audio"]) if "audio" in keys else AudioChoice()
        crop = _crop(reader, keys["crop"][1]) if "crop" in keys else None
        medium = (reader.choice(keys["medium"][1], "spot medium", get_args(SpotMedium))
                  if "medium" in keys else None)
        if spot_id and master:
            spots.append(Spot(spot_id, title or spot_id, master, bed, item.start_mark.line + 1,
                              audio, crop, medium))
    return tuple(spots)


def _spot_audio(reader: _Reader, key: yaml.Node, node: yaml.Node) -> AudioChoice:
    """`audio: silent`, or `audio: {streams: [N, ...]}` (the master's audio streams counted from
    0, as ffmpeg's `0:a:N`)."""
    line = key.start_mark.line + 1
    if isinstance(node, yaml.ScalarNode):
        if node.value != "silent":
            reader.fail(node, f"audio {node.value!r} is not 'silent' nor a mapping",
                        "write 'audio: silent' or 'audio: {streams: [0, 1]}'")
        return AudioChoice(silent=True, line=line)
    keys = reader.mapping(node, "audio", {"streams": True})
    if "streams" not in keys:
        return AudioChoice(line=line)
    items = keys["streams"][1]
    numbers = [reader.number(item, "audio stream", int, minimum=0)
               for item in _sequence(reader, items, "audio.streams")]
    if None in numbers:
        return AudioChoice(line=line)
    if len(set(numbers)) != len(numbers):
        reader.fail(items, "audio.streams lists a stream twice")
    return AudioChoice(tuple(numbers), line=line)


def _crop(reader: _Reader, node: yaml.Node) -> Crop | None:
    keys = reader.mapping(node, "crop", {key: True for key in CROP_KEYS})
    values = {key: reader.number(keys[key][1], f"crop.{key}", int, minimum=0)
              for key in CROP_KEYS if key in keys}
    if len(values) != len(CROP_KEYS) or None in values.values():
        return None
    if values["width"] < 2 or values["height"] < 2:
        reader.fail(node, "crop is smaller than 2x2 pixels")
        return None
    return Crop(**values)


LANGUAGE_KEYS = {"code": True, "name": False, "treatment": True, "style": False, "qc": False,
                 "clock": False}


def _languages(reader: _Reader, node: yaml.Node, style: Style, qc: QcSettings) -> tuple[Language, ...]:
    languages, seen = [], {}
    for item in _sequence(reader, node, "languages"):
        keys = reader.mapping(item, "a language", LANGUAGE_KEYS)
        if "code" not in keys or "treatment" not in keys:
            continue
        code = reader.language_code(keys["code"][1], "language code")
        if code is not None and not SLUG.match(code.lower()):
            reader.fail(keys["code"][1], f"language code {code!r} cannot be used in file names")
            code = None
        _unique(reader, seen, code, keys["code"][1], "language")
        treatment = reader.choice(keys["treatment"][1], "treatment", TREATMENTS)
        name = reader.display_text(keys["name"][1], "language name") if "name" in keys else None
        lang_style = (reader.dataclass_fields(keys["style"][1], f"style of {code}", Style, style)
                      if "style" in keys else style)
        lang_qc = (reader.dataclass_fields(keys["qc"][1], f"qc of {code}", QcSettings, qc)
                   if "qc" in keys else qc)
        clock = _clock(reader, *keys["clock"]) if "clock" in keys else None
        if code and treatment:
            name = name or langcodes.Language.get(code).display_name()
            languages.append(Language(code, name, treatment, lang_style, lang_qc,
                                      item.start_mark.line + 1, clock))
    return tuple(languages)


def _profiles(reader: _Reader, node: yaml.Node) -> tuple[Profile, ...]:
    if isinstance(node, yaml.SequenceNode):
        profiles = []
        for item in _sequence(reader, node, "profiles"):
            name = reader.choice(item, "profile", tuple(BUILTIN_PROFILES))
            if name:
                profiles.append(BUILTIN_PROFILES[name])
        return tuple(profiles)
    if not isinstance(node, yaml.MappingNode):
        reader.fail(node, "profiles must be a list of built-in names or a mapping of profiles",
                    f"built-in profiles: {', '.join(BUILTIN_PROFILES)}")
        return ()
    profiles, seen = [], {}
    for key_node, value_node in node.value:
        name = reader.slug(key_node, "profile name")
        _unique(reader, seen, name, key_node, "profile")
        if name is None:
            continue
        base = BUILTIN_PROFILES.get(name)
        overrides = value_node
        if isinstance(value_node, yaml.MappingNode):
            base_key = next((v for k, v in value_node.value if k.value == "base"), None)
            if base_key is not None:
                base_name = reader.choice(base_key, f"base of profile {name}", tuple(BUILTIN_PROFILES))
                base = BUILTIN_PROFILES.get(base_name or "")
                overrides = yaml.MappingNode(value_node.tag, [(k, v) for k, v in value_node.value
                                                              if k.value != "base"],
                                             value_node.start_mark, value_node.end_mark)
        if base is None:
            reader.fail(key_node, f"profile {name!r} is not built in and names no base",
                        f"add 'base: web' (or one of {', '.join(BUILTIN_PROFILES)})")
            continue
        if isinstance(overrides, yaml.ScalarNode) and overrides.value in ("", "~", "null"):
            profile = replace(base, name=name)
        else:
            profile = replace(reader.dataclass_fields(overrides, f"profile {name}", Profile, base),
                              name=name)
            given = {k.value for k, _ in overrides.value} if isinstance(overrides, yaml.MappingNode) else set()
            profile = _with_standard(reader, key_node, profile, given)
        for problem in _profile_problems(profile):
            reader.fail(key_node, f"profile {name!r}: {problem}")
        profiles.append(profile)
    return tuple(profiles)


# The figures a loudness standard fixes (profiles.py's fields, standards.py's names).
STANDARD_FIGURES = {"loudness": "target", "loudness_tolerance": "tolerance", "true_peak": "true_peak"}


def _with_standard(reader: _Reader, key_node: yaml.Node, profile: Profile, given: set[str]) -> Profile:
    """A profile that names a loudness standard takes its target, tolerance and ceiling; one
    that also sets them must agree with it (a stricter tolerance or ceiling is fine)."""
    if "loudness_standard" not in given or profile.loudness_standard is None:
        return profile
    standard = STANDARDS[profile.loudness_standard]
    figures = {field: getattr(standard, name) for field, name in STANDARD_FIGURES.items()}
    for field in given & figures.keys():
        value, fixed = getattr(profile, field), figures[field]
        stricter = field != "loudness" and value <= fixed
        if value != fixed and not stricter:
            reader.fail(key_node, f"profile {profile.name!r}: {field} {value:g} contradicts "
                                  f"{standard.title} ({fixed:g})",
                        f"leave {field} out: the standard sets it")
        figures[field] = value
    return replace(profile, **figures)


def _profile_problems(profile: Profile) -> list[str]:
    problems = [problem] if (problem := profile_problem(profile)) else []
    if profile.timecode is not None and syntax_problem(profile.timecode):
        problems.append(syntax_problem(profile.timecode))
    if profile.audio_tracks and not 2 <= profile.audio_tracks <= 16:
        problems.append(f"audio_tracks {profile.audio_tracks} must be 0 (one track) or 2 to 16 "
                        "(mono tracks, the stereo mix on the first two)")
    if profile.audio_tracks and profile.channels != 2:
        problems.append("audio_tracks carries a stereo mix: channels must be 2")
    return problems


def _clock(reader: _Reader, key: yaml.Node, node: yaml.Node) -> ClockPattern | None:
    value = reader.text(node, "clock")
    if value is None:
        return None
    problem = pattern_problem(value)
    if problem:
        reader.fail(node, problem, CLOCK_HINT)
        return None
    return ClockPattern(value, key.start_mark.line + 1)


def _check_clocks(reader: _Reader, manifest: Manifest) -> None:
    """Every expanded clock number usable, and none given to two spots or languages (one spot in
    one language may share its number across profiles: the same content in two wrappers)."""
    owners: dict[str, tuple[str, str]] = {}
    reported = set()
    for spot in manifest.spots:
        for language in manifest.languages:
            pattern = language.clock or manifest.clock
            if pattern is None:
                continue
            for profile in manifest.profiles:
                value = manifest.clock_for(spot, language, profile)
                problem = clock_problem(value)
                owner = owners.setdefault(value, (spot.id, language.code))
                if owner != (spot.id, language.code):
                    problem = (f"clock number {value!r} is given to {owner[0]} in {owner[1]!r} and "
                               f"to {spot.id} in {language.code!r}")
                if problem and (pattern.line, problem) not in reported:
                    reported.add((pattern.line, problem))
                    reader.diagnostics.append(error(problem, reader.path, pattern.line, CLOCK_HINT))
