"""Everything of one language in two plain files: `<lang>.urls.txt` and `<lang>.SHA256SUMS`.

A station fetches with `wget -N --no-if-modified-since -i <lang>.urls.txt` (run again, it fetches
what is missing, cut short or changed, never a second copy; a presigned list's command is
`--content-disposition` alone, card.html.j2 says why) and checks with
`sha256sum -c <lang>.SHA256SUMS`. wget saves each URL under its last path segment in the
current folder (presigned URLs name the file through Content-Disposition, hence the option), so
the checksum lines name files by their basename (GNU coreutils' `sha256sum` format: hash, two
spaces, name). The list of URLs ends with the checksum file itself, so one wget takes it too.

A language whose files serve several media (a TV master, a web video, a radio MP3) has a
bundle for each as well, `<lang>.<medium>.urls.txt` and `<lang>.<medium>.SHA256SUMS`: the page's
medium filter offers that one (a trial's community radio, Radio ticked, was offered 48 files and
12 MB of TV masters and web videos to get its 3).

Lines of `urls.txt` are absolute where the target gives objects an address of their own (a
bucket, presigned or not); for a folder they are relative to the campaign's folder, to be read
with `wget -B <address of that folder>`, since only whoever serves the folder knows its address.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Callable

from pipeline.errors import PipelineError
from pipeline.publish.catalog import Hashes, record_files

SUMS_SUFFIX = ".SHA256SUMS"


URLS_SUFFIX = ".urls.txt"


# Subtitle files go with a web player and a TV station's captions alike; an EBU-TT file with a
# TV master (deliverables.py says the same of their lines on the page).
SUBTITLE_MEDIA = {".srt": ("web", "tv"), ".vtt": ("web", "tv"), ".ttml": ("web", "tv"),
                  ".xml": ("tv",)}


@dataclass(frozen=True)
class Bundle:
    language: str
    files: tuple[str, ...]          # campaign-relative, in the catalog's order
    sums: bytes                     # <lang>.SHA256SUMS
    urls: bytes                     # <lang>.urls.txt
    size: int                       # bytes of `files`, the lists left out
    medium: str | None = None       # its files' medium; None: every file of the language

    @property
    def stem(self) -> str:
        return _stem(self.language, self.medium)

    @property
    def sums_name(self) -> str:
        return f"{self.stem}{SUMS_SUFFIX}"

    @property
    def urls_name(self) -> str:
        return f"{self.stem}{URLS_SUFFIX}"


MediumOf = Callable[[str], str | None]    # a variant's campaign-relative file -> its medium


def language_bundles(records: list[dict], hashes: Hashes, url_for: Callable[[str], str],
                     medium_of: MediumOf = lambda relative: None) -> list[Bundle]:
    """One bundle per language of `records`, in order of first appearance, each followed by
    one per medium of a language whose files serve several.

    A language's files are its variants and their attachments (subtitles, certificates), not the
    page's posters. `hashes` holds (bytes, sha256) of every campaign-relative file to list;
    `url_for` turns a campaign-relative name into the URL written in `urls.txt`; `medium_of`
    gives a variant's file its medium (deliverables.Medium; a subtitle file's are
    SUBTITLE_MEDIA, another attachment's its variant's). Raises `PipelineError` when two files
    of a language would land on one basename.
    """
    return [_bundle(language, files, hashes, url_for, medium)
            for language, medium, files in _groups(records, medium_of)]


def bundle_stems(records: list[dict], medium_of: MediumOf) -> list[str]:
    """The stems (`tzo`, `tzo.radio`) of `language_bundles`' lists, in their order, without
    reading a file: what a publish cut short counts as not attempted."""
    return [_stem(language, medium) for language, medium, _ in _groups(records, medium_of)]


def _stem(language: str, medium: str | None) -> str:
    """`tzo` for a language's every file, `tzo.radio` for its files of one medium."""
    return f"{language}.{medium}" if medium else language


def _groups(records: list[dict], medium_of: MediumOf
            ) -> list[tuple[str, str | None, dict[str, str]]]:
    """(language, medium or None, {basename: campaign-relative file}) of each bundle."""
    by_language: dict[str, dict[str, str]] = {}
    media: dict[str, set[str]] = {}          # campaign-relative file -> its media
    served: dict[str, set[str]] = {}         # language -> its variants' media
    for record in records:
        chosen = by_language.setdefault(record["language"], {})
        poster = f"{record['spot']}/{record['poster']}" if record.get("poster") else None
        files = record_files(record)
        own = medium_of(files[0])
        served.setdefault(record["language"], set()).update((own,) if own else ())
        for relative in files:
            if relative == poster or relative in chosen.values():
                continue
            name = PurePosixPath(relative).name
            if name in chosen or "\n" in name or "\\" in name:
                raise PipelineError(f"cannot list {relative} for wget: another file of language "
                                    f"{record['language']} has the name {name!r}, or the name "
                                    "has a line break or backslash")
            chosen[name] = relative
            found = SUBTITLE_MEDIA.get(PurePosixPath(relative).suffix.lower()) \
                if relative != files[0] else None
            media.setdefault(relative, set()).update(found or ((own,) if own else ()))
    groups: list[tuple[str, str | None, dict[str, str]]] = []
    for language, files in by_language.items():
        groups.append((language, None, files))
        # By its variants' media alone: its subtitle files serve a TV station and a website
        # alike, a language made for the web only has no TV bundle of them.
        serves = served[language]
        for medium in sorted(serves) if len(serves) > 1 else ():
            some = {name: relative for name, relative in files.items()
                    if medium in media[relative]}
            if len(some) < len(files):
                groups.append((language, medium, some))
    return groups


def _bundle(language: str, files: dict[str, str], hashes: Hashes,
            url_for: Callable[[str], str], medium: str | None = None) -> Bundle:
    """`files` (basename -> campaign-relative) as a bundle: their checksums and addresses."""
    sums = "".join(f"{hashes[relative][1]}  {name}\n" for name, relative in files.items())
    sums_name = f"{_stem(language, medium)}{SUMS_SUFFIX}"
    urls = "".join(f"{url_for(relative)}\n" for relative in [*files.values(), sums_name])
    return Bundle(language, tuple(files.values()), sums.encode("utf-8"), urls.encode("utf-8"),
                  sum(hashes[relative][0] for relative in files.values()), medium)
