"""The campaign manifest's model: spots, languages, profiles, whom to ask, frozen.

`pipeline.manifest.load.load_manifest` builds it from the YAML; every path in it is absolute.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pipeline.clock import ClockPattern
from pipeline.errors import SubtitleError
from pipeline.files import NESTED_HINT, FolderIndex, index_folder, input_problem, nested_file
from pipeline.manifest.input_names import unread_names
from pipeline.manifest.language_names import alpha3, autonym, bcp47
from pipeline.manifest.settings import QcSettings, Style
from pipeline.media.audio_streams import AudioChoice
from pipeline.media.geometry import Crop
from pipeline.messages import N_, Items, Message, say
from pipeline.profiles import Profile
from pipeline.subtitles.formats import SUFFIXES as SUBTITLE_SUFFIXES

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
TREATMENTS = ("burn", "soft", "dub", "mix")
Treatment = Literal["burn", "soft", "dub", "mix"]
SpotMedium = Literal["video", "radio"]
# Audio deliveries, in the formats studios and phones send (CONTRACT.md "Next"); ffmpeg decodes them.
# A Mac's own (AIFF, and CAF from Logic or GarageBand): a trial's yua.aiff was refused while the
# same file named yua.wav rendered.
AUDIO_SUFFIXES = (".wav", ".flac", ".mp3", ".mp2", ".m4a", ".aac", ".ogg", ".opus", ".aif", ".aiff",
                  ".caf")
PAGE_LANGUAGES = ("es", "en")  # languages of the broadcasters' page; the first is the default
# An entry of a manifest, ("spot", id), ("language", code) or ("profile", name): what a problem
# may be of alone, and what --spot, --lang and --profile name.
Concern = tuple[str, str]


@dataclass(frozen=True)
class ProgrammeStart:
    """A spot's `programme_start:`, the master's frame its programme starts on
    (media/programme.py): a timecode on the master's own clock ("10:00:00:00", ";" drop-frame)
    or seconds from its first frame; None: given, but neither (its error said when the manifest
    was read), the master then taken from its first frame."""

    at: str | float | None
    line: int | None = None


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
    titles: tuple[tuple[str, str], ...] = ()   # (page language, title); `title` is the default's
    programme_start: ProgrammeStart | None = None  # None: the master's first frame

    def title_in(self, language: str) -> str:
        return dict(self.titles).get(language, self.title)


@dataclass(frozen=True)
class Language:
    code: str
    given_name: str | None             # the manifest's `name:`; None: the autonym (see `name`)
    treatment: Treatment
    style: Style = Style()
    qc: QcSettings = QcSettings()
    line: int | None = None
    clock: ClockPattern | None = None      # this language's clock number (a pattern or a value)
    # Other names its speakers and stations know it by ("mexicano" for Nahuatl), which the
    # page's search finds it by and its card shows.
    also_called: tuple[str, ...] = ()
    # The ids of the spots it is made for; empty: every spot (its `spots:`).
    spots: tuple[str, ...] = ()
    # A `dub` or `mix` language's subtitle file holds only what every viewer must read (the
    # spot's on-screen text, a sign, a line its voice does not say: Netflix TTSG's forced
    # narratives), not a transcript: its track is shown unasked and flagged forced.
    forced_subtitles: bool = False
    # A `burn` or `soft` language's subtitles are for the deaf and hard of hearing (SDH,
    # closed captions): they say the sounds and who speaks. Its MP4 track is flagged captions
    # (a player's "CC"), its page card and files say so (`sdh:`).
    sdh: bool = False

    @property
    def name(self) -> str:
        """What the language calls itself: the manifest's name, else its autonym (CLDR)."""
        return self.given_name or autonym(self.code)

    @property
    def alpha3(self) -> str:
        return alpha3(self.code)

    def made_for(self, spot: str) -> bool:
        """Whether the language has variants of the spot whose id is `spot`: every spot, unless
        its `spots:` names some (a voice-over on the spots that have a music bed)."""
        return not self.spots or spot in self.spots

    @property
    def bcp47(self) -> str:
        """The code as a BCP 47 tag in its shortest form (`spa` is `es`), for `xml:lang`."""
        return bcp47(self.code)

    @property
    def needs_subtitles(self) -> bool:
        return self.treatment in ("burn", "soft")

    @property
    def needs_audio(self) -> bool:
        return self.treatment in ("dub", "mix")


@dataclass(frozen=True)
class Contact:
    """Whom a station asks about the campaign's files (`publish.contact`), as the page names
    them: a name, and at least one of `email`, `phone` and `url` (manifest/contact.py)."""

    name: str | None = None                    # in the default page language
    names: tuple[tuple[str, str], ...] = ()    # (page language, name)
    email: str | None = None                   # as email-validator normalises it
    phone: str | None = None                   # E.164, "+525512345678": the tel: link's
    phone_display: str | None = None           # as written internationally, "+52 55 1234 5678"
    phone_extension: str | None = None         # digits dialled after the number is answered
    url: str | None = None                     # http or https


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
    titles: tuple[tuple[str, str], ...] = ()   # (page language, title); `title` is the default's
    contact: Contact | None = None         # whom the page says to ask (`publish.contact`)
    # The campaigns whose pages the page links to (`publish.related`), by id.
    related: tuple[str, ...] = ()

    def title_in(self, language: str) -> str:
        """The campaign's title for a page (and slate) in `language`."""
        return dict(self.titles).get(language, self.title)

    # A language code may be listed more than once, each entry with its own spots (`spots:`,
    # no spot in two): subtitled on the TV spots, recorded on the radio spot. A variant is of
    # a spot, one entry of a language, and a profile; what is keyed by code alone asks these.

    def language_for(self, spot: str, code: str) -> Language | None:
        """The entry of language `code` made for the spot whose id is `spot`; None when the
        language is not made for it (or the manifest has no such code)."""
        return next((language for language in self.languages
                     if language.code == code and language.made_for(spot)), None)

    def entries_of(self, code: str) -> tuple[Language, ...]:
        """Every entry of language `code`, in manifest order (one, unless it is listed again
        for other spots)."""
        return tuple(language for language in self.languages if language.code == code)

    def language_codes(self) -> tuple[str, ...]:
        """The manifest's language codes, each once, in manifest order."""
        return tuple(dict.fromkeys(language.code for language in self.languages))

    def languages_of(self, spot: str) -> tuple[Language, ...]:
        """What a spot's variants are planned with: each code's entry made for `spot`, and the
        first entry of a code that has none for it (its variants skipped as not made for it),
        in manifest order."""
        return tuple(language for language in self.languages
                     if language.made_for(spot) or (
                         self.language_for(spot, language.code) is None
                         and language is self.entries_of(language.code)[0]))

    def spots_of(self, code: str) -> tuple[str, ...]:
        """The spots language `code` is made for, over its entries; empty: every spot."""
        entries = self.entries_of(code)
        if any(not language.spots for language in entries):
            return ()
        return tuple(spot for language in entries for spot in language.spots)

    def burns(self, language: Language) -> bool:
        """Whether a profile of the manifest burns `language`'s subtitles into the picture:
        every video profile a `burn` language's, those whose `soft_subtitles` is `burn` a
        `soft` one's (`Profile.treatment_of`)."""
        return any(profile.burns(language.treatment) for profile in self.profiles)

    def tracks(self, language: Language) -> bool:
        """Whether a profile of the manifest carries `language`'s subtitles as an MP4 track
        (`Profile.tracks`), which shows cues placed apart as one (subtitles/mp4_track.py)."""
        return any(profile.tracks(language.treatment) for profile in self.profiles)

    def clock_for(self, spot: Spot, language: Language, profile: Profile) -> str | None:
        """The variant's clock number: its language's pattern, else the manifest's; None
        when neither gives one."""
        pattern = language.clock or self.clock
        return pattern.expand(self.campaign, spot.id, language.code, profile.name) if pattern else None

    @contextmanager
    def listed_once(self):
        """Each input folder listed once inside (`folder_index`), as planning needs: a spot's
        folder was listed for each of its languages' lookups (a trial's plan of 168 languages
        made 85,000 stat calls); anew outside, where files may have come since."""
        self._indexes["run"] = {}
        try:
            yield
        finally:
            self._indexes.pop("run", None)

    def folder_index(self, folder: Path) -> FolderIndex:
        """`index_folder(folder)`, once inside `listed_once`."""
        run = self._indexes.get("run")
        if run is None:
            return index_folder(folder)
        if folder not in run:
            run[folder] = index_folder(folder)
        return run[folder]

    def subtitle_files(self, spot: Spot, language: Language) -> list[Path]:
        """The language's subtitle files in the spot's folder: `<code>.srt`, `.vtt`, `.ass`,
        `.ssa`, `.ttml`, `.xml` or `.dfxp` (the suffix in any case). One is expected."""
        folder = self.subtitles_dir / spot.id
        return [folder / name for name in self.folder_index(folder).get(language.code, [])
                if Path(name).stem == language.code
                and Path(name).suffix.lower() in SUBTITLE_SUFFIXES]

    def add_subtitles(self, spot: Spot) -> Message:
        """The hint for a language's missing subtitle file for `spot`: add it, or else change
        its treatment, and in a manifest of several spots, leave the spot out of the language's
        `spots:` (a trial's translation covered some spots, and the hint named the treatment
        alone). Whole sentences, as render/delivery_files.py's for a recording."""
        if len(self.spots) > 1:
            return say(N_("add the subtitle file there (SubRip, WebVTT, ASS/SSA or TTML), change "
                          "the treatment, or leave %(spot)s out of the language's 'spots:'"),
                       spot=repr(spot.id))
        return say(N_("add the subtitle file there (SubRip, WebVTT, ASS/SSA or TTML), or change "
                      "the treatment"))

    def renamed_folder(self, root: Path, spot: Spot, code: str) -> Message | None:
        """The hint for `spot`'s missing folder under `root` when one folder there has a file of
        language `code` and is no spot's: a spot renamed in the manifest only (a trial's
        `validate` said four files missing, not the old folder that had them); else None."""
        if (root / spot.id).exists():
            return None
        try:
            left = [folder for folder in root.iterdir() if folder.is_dir() and index_folder(
                folder).get(code) and folder.name not in {known.id for known in self.spots}]
        except OSError:
            return None
        if len(left) != 1:
            return None
        return say(N_("%(folder)s holds a file of %(code)s and is the folder of no spot of the "
                      "manifest: if spot %(spot)s was renamed, rename that folder to %(spot)s"),
                   folder=str(left[0]), code=repr(code), spot=spot.id)

    def subtitle_path(self, spot: Spot, language: Language) -> Path:
        """The language's one subtitle file.

        Raises `SubtitleError` (on the language's line of the manifest) when there is none,
        naming the files of that code with other suffixes that are there, or when there are
        several, naming them: which one was meant cannot be guessed.
        """
        found = self.subtitle_files(spot, language)
        problem = input_problem(found[0]) if len(found) == 1 else None
        if problem:     # read later by a worker, whose OSError would have no line
            # files.py's words for what is wrong with it, as it says them of every input.
            raise SubtitleError(say(N_("subtitle file of language %(code)s %(problem)s: "
                                       "%(file)s"), code=repr(language.code),
                                    problem=problem[0], file=str(found[0])),
                                self.path, language.line, problem[1])
        if len(found) == 1:
            return found[0]
        folder = self.subtitles_dir / spot.id
        expected = folder / f"{language.code}{SUBTITLE_SUFFIXES[0]}"
        if found:
            # Said to a translator's check too (subtitles/in_campaign.py): in Spanish there.
            raise SubtitleError(
                say(N_("language %(code)s has %(count)s subtitle files for spot %(spot)s: "
                       "%(files)s"), code=repr(language.code), count=len(found),
                    spot=repr(spot.id), files=Items(tuple(str(p) for p in found))),
                self.path, language.line,
                say(N_("keep only the one to use (move the others out of the folder)")))
        index = self.folder_index(folder)
        others = index.get(language.code, [])
        # TZO.SRT, as Windows tools save it: read only in lower case (input_names.py says why).
        cased = [name for stem, names in index.items() if stem != language.code
                 and stem.lower() == language.code for name in names]
        unread, renamable = unread_names([folder / name for name in others], language.code)
        said = dict(code=repr(language.code), treatment=language.treatment,
                    expected=str(expected), suffixes=", ".join(SUBTITLE_SUFFIXES[1:]))
        if others:
            missing = say(N_("subtitles missing for language %(code)s (%(treatment)s): expected "
                             "%(expected)s (or %(suffixes)s); the folder has %(files)s"),
                          files=unread, **said)
        elif cased:
            missing = say(N_("subtitles missing for language %(code)s (%(treatment)s): expected "
                             "%(expected)s (or %(suffixes)s); the folder has %(files)s: the name "
                             "must be lower-case, %(name)s"),
                          files=Items(tuple(cased)), name=expected.name, **said)
        elif nested := nested_file(folder, language.code, SUBTITLE_SUFFIXES):
            raise SubtitleError(
                say(N_("subtitles missing for language %(code)s (%(treatment)s): expected "
                       "%(expected)s (or %(suffixes)s); a folder in it holds %(found)s"),
                    found=str(nested), **said), self.path, language.line,
                say(NESTED_HINT, folder=str(folder)))
        elif folder.is_dir():
            missing = say(N_("subtitles missing for language %(code)s (%(treatment)s): expected "
                             "%(expected)s (or %(suffixes)s); there is no file for %(code)s in "
                             "%(folder)s"), folder=str(folder), **said)
        else:
            missing = say(N_("subtitles missing for language %(code)s (%(treatment)s): expected "
                             "%(expected)s (or %(suffixes)s); the folder %(folder)s does not "
                             "exist"), folder=str(folder), **said)
        raise SubtitleError(
            missing, self.path, language.line,
            say(N_("rename the file as said")) if renamable else
            say(N_("export the subtitles from the subtitle editor as SubRip (.srt), WebVTT or "
                   "TTML")) if others else
            self.renamed_folder(self.subtitles_dir, spot, language.code) or
            self.add_subtitles(spot))

    @property
    def campaign_dir(self) -> Path:
        return self.output_dir / self.campaign

    def line_of(self, key: str) -> int | None:
        return self._lines.get(key)

    def profile_line(self, profile: str, *keys: str) -> int | None:
        """The line of the first of a profile's `keys` the manifest sets, else of the profile,
        else of `profiles:` (a built-in named in a list has no line of its own)."""
        return next(filter(None, (self.line_of(f"profiles.{profile}.{key}") for key in keys)),
                    None) or self.line_of(f"profiles.{profile}") or self.line_of("profiles")

    _lines: dict = field(default_factory=dict, repr=False, compare=False)
    _indexes: dict = field(default_factory=dict, repr=False, compare=False)
