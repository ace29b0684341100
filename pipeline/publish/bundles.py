"""Everything of one language in two plain files: `<lang>.urls.txt` and `<lang>.SHA256SUMS`.

A station fetches with `wget -N --no-if-modified-since -i <lang>.urls.txt` (run again, it fetches
what is missing, cut short or changed, never a second copy; a presigned list's command is
`--content-disposition` alone, card.html.j2 says why) and checks with
`sha256sum -c <lang>.SHA256SUMS`. wget saves each URL under its last path segment in the
current folder (presigned URLs name the file through Content-Disposition, hence the option), so
the checksum lines name files by their basename (GNU coreutils' `sha256sum` format: hash, two
spaces, name). The list of URLs ends with the checksum file itself, so one wget takes it too.

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


@dataclass(frozen=True)
class Bundle:
    language: str
    files: tuple[str, ...]          # campaign-relative, in the catalog's order
    sums: bytes                     # <lang>.SHA256SUMS
    urls: bytes                     # <lang>.urls.txt
    size: int                       # bytes of `files`, the lists left out

    @property
    def sums_name(self) -> str:
        return f"{self.language}{SUMS_SUFFIX}"

    @property
    def urls_name(self) -> str:
        return f"{self.language}{URLS_SUFFIX}"


def language_bundles(records: list[dict], hashes: Hashes,
                     url_for: Callable[[str], str]) -> list[Bundle]:
    """One bundle per language of `records`, in order of first appearance.

    A language's files are its variants and their attachments (subtitles, certificates), not the
    page's posters. `hashes` holds (bytes, sha256) of every campaign-relative file to list;
    `url_for` turns a campaign-relative name into the URL written in `urls.txt`. Raises
    `PipelineError` when two files of a language would land on one basename.
    """
    by_language: dict[str, dict[str, str]] = {}
    for record in records:
        chosen = by_language.setdefault(record["language"], {})
        poster = f"{record['spot']}/{record['poster']}" if record.get("poster") else None
        for relative in record_files(record):
            if relative == poster or relative in chosen.values():
                continue
            name = PurePosixPath(relative).name
            if name in chosen or "\n" in name or "\\" in name:
                raise PipelineError(f"cannot list {relative} for wget: another file of language "
                                    f"{record['language']} has the name {name!r}, or the name "
                                    "has a line break or backslash")
            chosen[name] = relative
    bundles = []
    for language, files in by_language.items():
        sums = "".join(f"{hashes[relative][1]}  {name}\n" for name, relative in files.items())
        sums_name = f"{language}{SUMS_SUFFIX}"
        urls = "".join(f"{url_for(relative)}\n" for relative in [*files.values(), sums_name])
        bundles.append(Bundle(language, tuple(files.values()), sums.encode("utf-8"),
                              urls.encode("utf-8"),
                              sum(hashes[relative][0] for relative in files.values())))
    return bundles
