"""The `spots:` of a manifest read: each spot's master, music bed, titles, the master's audio
streams (`audio:`), crop, medium and start of programme, each problem at its line and the
spot's own (`NodeReader.concern`)."""

from __future__ import annotations

from pathlib import Path
from typing import get_args

import yaml

from pipeline.manifest.model import PAGE_LANGUAGES, ProgrammeStart, Spot, SpotMedium
from pipeline.manifest.nodes import NodeReader
from pipeline.media.audio_streams import MIXES, AudioChoice
from pipeline.media.geometry import Crop
from pipeline.media.programme import HINT as PROGRAMME_START_HINT
from pipeline.media.timecode import syntax_problem
from pipeline.messages import N_, say

SPOT_KEYS = {"id": True, "title": False, "master": True, "music_bed": False, "audio": False,
             "crop": False, "medium": False, "programme_start": False}
CROP_KEYS = ("width", "height", "x", "y")
AUDIO_KEYS = {"streams": True, "mix": False}     # or `audio: silent`


def in_default(titles: dict[str, str], default: str) -> str | None:
    """The title in the manifest's default page language; one given only in the other language
    stands for both."""
    return titles.get(default) or next(iter(titles.values()), None)


def read_spots(reader: NodeReader, node: yaml.Node, base: Path, page_language: str
               ) -> tuple[Spot, ...]:
    """The manifest's spots; each one's problems are its own (`NodeReader.concern`)."""
    spots, seen = [], {}
    for item in reader.sequence(node, "spots"):
        problems = len(reader.diagnostics)
        spot_id, spot = _spot(reader, item, base, page_language, seen)
        reader.concern(problems, "spot", spot_id)
        if spot is not None:
            spots.append(spot)
    return tuple(spots)


def _spot(reader: NodeReader, item: yaml.Node, base: Path, page_language: str, seen: dict
          ) -> tuple[str | None, Spot | None]:
    """(its id, the spot) of an entry of `spots:`; no spot when it cannot be planned."""
    keys = reader.mapping(item, say(N_("a spot")), SPOT_KEYS)
    spot_id = reader.slug(keys["id"][1], say(N_("spot id"))) if "id" in keys else None
    if "id" not in keys or "master" not in keys:
        return spot_id, None
    twice = not reader.unique(seen, spot_id, keys["id"][1], say(N_("spot id")))
    master = reader.relative_path(keys["master"][1], "master", base)
    bed = (reader.relative_path(keys["music_bed"][1], "music_bed", base)
           if "music_bed" in keys else None)
    titles = (reader.localised_text(keys["title"][1], say(N_("spot title")), PAGE_LANGUAGES)
              or {}
              if "title" in keys else {})
    audio = _spot_audio(reader, *keys["audio"]) if "audio" in keys else AudioChoice()
    crop = _crop(reader, keys["crop"][1]) if "crop" in keys else None
    medium = (reader.choice(keys["medium"][1], say(N_("spot medium")), get_args(SpotMedium))
              if "medium" in keys else None)
    start = _programme_start(reader, *keys["programme_start"]) if "programme_start" in keys \
        else None
    # A spot with a wrong optional key (its audio, crop, medium) keeps its default there,
    # for its files to be checked all the same (InvalidManifest); its problem is reported.
    if not (spot_id and master and not twice):
        return spot_id, None
    return spot_id, Spot(spot_id, in_default(titles, page_language) or spot_id, master, bed,
                         item.start_mark.line + 1, audio, crop, medium, tuple(titles.items()),
                         start)


def _programme_start(reader: NodeReader, key: yaml.Node, node: yaml.Node) -> ProgrammeStart:
    """`programme_start: "10:00:00:00"` (a timecode on the master's clock; `;` before the
    frames for drop-frame) or `programme_start: 12.5` (seconds from its first frame). Whether
    the master has that frame is planning's to say (media/programme.py)."""
    value = reader.text(node, "programme_start")
    line = key.start_mark.line + 1
    if value is None:
        return ProgrammeStart(None, line)
    if ":" in value or ";" in value:
        problem = syntax_problem(value)
        if problem:
            # media/timecode.py's words for the timecode (a message, or English text).
            reader.fail(node, say(N_("programme_start: %(problem)s"), problem=problem),
                        PROGRAMME_START_HINT)
            return ProgrammeStart(None, line)
        return ProgrammeStart(value, line)
    try:
        seconds = float(value)
    except ValueError:
        seconds = None
    if seconds is None or seconds <= 0:
        reader.fail(node, say(N_("programme_start %(value)s is neither a timecode of the "
                                 "master's clock nor seconds after its first frame"),
                              value=repr(value)), PROGRAMME_START_HINT)
        return ProgrammeStart(None, line)
    return ProgrammeStart(seconds, line)


def _spot_audio(reader: NodeReader, key: yaml.Node, node: yaml.Node) -> AudioChoice:
    """`audio: silent`, or `audio: {streams: [N, ...]}` (the master's audio streams counted from
    0, as ffmpeg's `0:a:N`), with `mix: sum` for mono streams summed into one mono sound."""
    line = key.start_mark.line + 1
    if isinstance(node, yaml.ScalarNode):
        if node.value != "silent":
            reader.fail(node, say(N_("audio %(value)s is not 'silent' nor a mapping"),
                                  value=repr(node.value)),
                        say(N_("write 'audio: silent' or 'audio: {streams: [0, 1]}'")))
        return AudioChoice(silent=True, line=line)
    keys = reader.mapping(node, "audio", AUDIO_KEYS)
    mix, mix_line = None, None
    if "mix" in keys:
        mix = reader.choice(keys["mix"][1], say(N_("audio mix")), MIXES)
        mix_line = keys["mix"][0].start_mark.line + 1
    if "streams" not in keys:
        return AudioChoice(line=line)
    items = keys["streams"][1]
    numbers = [reader.number(item, say(N_("audio stream")), int, minimum=0)
               for item in reader.sequence(items, "audio.streams")]
    if None in numbers:
        return AudioChoice(line=line)
    if len(set(numbers)) != len(numbers):
        # Summed, a stream listed twice would be 6 dB louder than the others.
        reader.fail(items, say(N_("audio.streams lists a stream twice")))
        return AudioChoice(line=line)
    return AudioChoice(tuple(numbers), line=line, mix=mix, mix_line=mix_line)


def _crop(reader: NodeReader, node: yaml.Node) -> Crop | None:
    keys = reader.mapping(node, "crop", {key: True for key in CROP_KEYS})
    values = {key: reader.number(keys[key][1], f"crop.{key}", int, minimum=0)
              for key in CROP_KEYS if key in keys}
    if len(values) != len(CROP_KEYS) or None in values.values():
        return None
    if values["width"] < 2 or values["height"] < 2:
        reader.fail(node, say(N_("crop is smaller than 2x2 pixels")))
        return None
    return Crop(**values)
