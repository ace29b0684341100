"""docs/manifest.md names every key the manifest loader accepts and every built-in profile, and
the README points at it, not at a contract file outside the repository: a trial's user learned
the keys from the demo manifests only, and never heard of `vertical` or `square`."""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

import pytest

from pipeline.manifest.contact import CONTACT_KEYS
from pipeline.manifest.load import LANGUAGE_KEYS, PUBLISH_KEYS, TOP_KEYS, load_manifest
from pipeline.manifest.nodes import LEADER_KEYS
from pipeline.manifest.settings import QcSettings, Style
from pipeline.manifest.spots import AUDIO_KEYS, CROP_KEYS, SPOT_KEYS
from pipeline.profiles import BUILTIN_PROFILES, Profile

ROOT = Path(__file__).parent.parent
DOC = ROOT / "docs/manifest.md"


def named() -> set[str]:
    """Every `code span` of the doc: a key counts as documented when it is one on its own."""
    return set(re.findall(r"`([^`\n]+)`", DOC.read_text(encoding="utf-8")))


def section(title: str) -> str:
    """The text of the doc's section headed `title`, up to the next heading of its level or
    above."""
    text = DOC.read_text(encoding="utf-8")
    heading = re.search(rf"^(#+) {re.escape(title)}$", text, re.M)
    end = re.compile(rf"^#{{1,{len(heading.group(1))}}} ", re.M).search(text, heading.end())
    return text[heading.end():end.start() if end else len(text)]


# Each group of keys the loader accepts: from its own tables, so a key added there is missed here.
KEYS = {
    "top level": set(TOP_KEYS), "spot": set(SPOT_KEYS), "crop": set(CROP_KEYS),
    "audio": set(AUDIO_KEYS) | {"silent"}, "language": set(LANGUAGE_KEYS),
    "publish": set(PUBLISH_KEYS), "contact": set(CONTACT_KEYS),
    "style": {f.name for f in fields(Style)},
    "qc": {f.name for f in fields(QcSettings)},
    # A profile's keys: its fields but its name (the mapping's key), `base` included.
    "profile": {f.name for f in fields(Profile)} - {"name"}, "leader": set(LEADER_KEYS),
}


@pytest.mark.parametrize("group", sorted(KEYS))
def test_every_key_the_loader_accepts_is_documented(group):
    missing = sorted(KEYS[group] - named())
    assert missing == [], f"docs/manifest.md does not name these {group} keys: {missing}"


def test_every_built_in_profile_has_a_row_in_the_table():
    table = section("Built-in profiles")
    rows = re.findall(r"^\| `([^`]+)` \|", table, re.M)
    assert sorted(rows) == sorted(BUILTIN_PROFILES), "docs/manifest.md's table of built-ins"


@pytest.mark.parametrize("name", sorted(BUILTIN_PROFILES))
def test_each_built_in_s_row_gives_its_frame_and_loudness(name):
    profile = BUILTIN_PROFILES[name]
    (row,) = re.findall(rf"^\| `{re.escape(name)}` \|.*$", section("Built-in profiles"), re.M)
    frame = f"{profile.width}x{profile.height}" if profile.medium == "video" else "sound alone"
    assert frame in row, row
    assert f"{profile.loudness:g} LUFS" in row, row
    assert f".{profile.extension}" in row, row


def test_the_doc_s_example_is_a_manifest_the_loader_reads(tmp_path):
    example = re.search(r"## A complete example\n\n```yaml\n(.*?)```", DOC.read_text("utf-8"),
                        re.S).group(1)
    (tmp_path / "manifests").mkdir()
    path = tmp_path / "manifests/example.yaml"
    path.write_text(example, encoding="utf-8")
    manifest = load_manifest(path)
    assert [p.name for p in manifest.profiles] == ["web", "proxy", "whatsapp", "broadcast-mxf"]
    assert manifest.spots[1].crop is not None and manifest.languages[0].style.size == 0.055
    assert manifest.contact.phone == "+525512345678" and manifest.contact.email


def test_the_readme_points_at_the_doc_not_outside_the_repository():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "../shared" not in readme and "CONTRACT.md" not in readme
    assert "[docs/manifest.md](docs/manifest.md)" in readme
    for link in re.findall(r"\]\(([^)#:]+)\)", DOC.read_text(encoding="utf-8")):
        assert (DOC.parent / link).exists(), link
