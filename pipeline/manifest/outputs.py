"""The manifest's output sections: profiles (built in, or overridden field by field, with the
figures of a named loudness standard) and clock numbers (patterns, expanded and checked)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import yaml

from pipeline.clock import HINT as CLOCK_HINT
from pipeline.clock import DUPLICATE_HINT, ClockPattern, clock_problem, pattern_problem
from pipeline.errors import error
from pipeline.manifest.model import Manifest
from pipeline.manifest.nodes import NodeReader
from pipeline.media.timecode import syntax_problem
from pipeline.profiles import BUILTIN_PROFILES, Profile, encoder_problems, profile_problem
from pipeline.standards import STANDARDS, loudness_unit


def read_profiles(reader: NodeReader, node: yaml.Node) -> tuple[Profile, ...]:
    """The manifest's profiles without problems; each one's problems are its own
    (`NodeReader.concern`), which a selection of other profiles leaves out."""
    if isinstance(node, yaml.SequenceNode):
        profiles = []
        for item in reader.sequence(node, "profiles"):
            problems = len(reader.diagnostics)
            name = reader.choice(item, "profile", tuple(BUILTIN_PROFILES))
            if name:
                profiles.append(BUILTIN_PROFILES[name])
            reader.concern(problems, "profile",
                           item.value if isinstance(item, yaml.ScalarNode) else None)
        return tuple(profiles)
    if not isinstance(node, yaml.MappingNode):
        reader.fail(node, "profiles must be a list of built-in names or a mapping of profiles",
                    f"built-in profiles: {', '.join(BUILTIN_PROFILES)}")
        return ()
    if not node.value:
        # `{}` made no variant and passed; render then called every file of the output
        # folder one of no variant, for `clean --delete` to remove.
        reader.fail(node, "profiles must not be empty: give a list of built-in names or a "
                          "mapping of profiles", f"built-in profiles: {', '.join(BUILTIN_PROFILES)}")
        return ()
    profiles, seen = [], {}
    for key_node, value_node in node.value:
        problems = len(reader.diagnostics)   # a profile with problems is left out
        name = reader.slug(key_node, "profile name")
        reader.unique(seen, name, key_node, "profile")
        profile = _profile(reader, name, key_node, value_node) if name is not None else None
        reader.concern(problems, "profile", name)
        if profile is not None and len(reader.diagnostics) == problems:
            profiles.append(profile)
    return tuple(profiles)


def _profile(reader: NodeReader, name: str, key_node: yaml.Node, value_node: yaml.Node
             ) -> Profile | None:
    """The profile `name: {...}` of a mapping of profiles, its problems reported."""
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
        return None
    # A problem is said at the line of the field to change when this manifest sets it,
    # else at the profile's name: a station with several profiles is not left to look.
    given_at = {k.value: k for k, _ in overrides.value} \
        if isinstance(overrides, yaml.MappingNode) else {}

    def at(*fields: str) -> yaml.Node:
        return next((given_at[field] for field in fields if field in given_at), key_node)

    if isinstance(overrides, yaml.ScalarNode) and overrides.value in ("", "~", "null"):
        profile = replace(base, name=name, base=_kind(base, name))
    else:
        ranges = Profile.ranges(loudness_unit(_standard_named(overrides, base)))
        profile = replace(reader.dataclass_fields(overrides, f"profile {name}", Profile, base,
                                                  ranges),
                          name=name, base=_kind(base, name))
        profile = _with_standard(reader, at, profile,
                                 set(given_at) - reader.refused.get(f"profile {name}", set()))
    for fields, problem in _profile_problems(profile):
        reader.fail(at(*fields), f"profile {name!r}: {problem}")
    for field, problem in encoder_problems(profile):
        reader.fail(at(field), f"profile {name!r}: {problem}")
    return profile


def _standard_named(overrides: yaml.Node, base: Profile) -> str | None:
    """The loudness standard a profile's overrides name (as written: read and checked with the
    other fields), else its base's: the unit its loudness is said in before it is read."""
    if isinstance(overrides, yaml.MappingNode):
        for key, value in overrides.value:
            if key.value == "loudness_standard" and isinstance(value, yaml.ScalarNode):
                return value.value
    return base.loudness_standard


def _kind(base: Profile, name: str) -> str | None:
    """The built-in a profile named `name`, made from `base`, derives from; None when it is
    that built-in, overridden."""
    return None if base.kind == name else base.kind


# The figures a loudness standard fixes (profiles.py's fields, standards.py's names).
STANDARD_FIGURES = {"loudness": "target", "loudness_tolerance": "tolerance", "true_peak": "true_peak"}


def _with_standard(reader: NodeReader, at: Callable[..., yaml.Node], profile: Profile,
                   given: set[str]) -> Profile:
    """A profile held to a loudness standard, named here or by the profile it starts from,
    takes its target, tolerance and ceiling; one that also sets them must agree with it (a
    stricter tolerance or ceiling is fine): its certificate holds it to the standard's."""
    if profile.loudness_standard is None or not given & {"loudness_standard", *STANDARD_FIGURES}:
        return profile
    standard = STANDARDS[profile.loudness_standard]
    figures = {field: getattr(standard, name) for field, name in STANDARD_FIGURES.items()}
    held = ("" if "loudness_standard" in given
            else f", which built-in profile {profile.kind!r} is held to")
    units = Profile.ranges(standard.unit)
    for field in given & figures.keys():
        value, fixed = getattr(profile, field), figures[field]
        stricter = field != "loudness" and value <= fixed
        if value != fixed and not stricter:
            unit = units[field].unit
            reader.fail(at(field), f"profile {profile.name!r}: {field} {value:g}{unit} "
                                   f"contradicts {standard.title} ({fixed:g}{unit}){held}",
                        f"leave {field} out: the standard sets it")
        figures[field] = value
    return replace(profile, **figures)


def _profile_problems(profile: Profile) -> list[tuple[tuple[str, ...], str]]:
    """(the fields to change, why) for each reason the profile cannot be rendered."""
    problems = [problem] if (problem := profile_problem(profile)) else []
    if profile.timecode is not None and syntax_problem(profile.timecode):
        problems.append((("timecode",), syntax_problem(profile.timecode)))
    if profile.audio_tracks and not 2 <= profile.audio_tracks <= 16:
        problems.append((("audio_tracks",), f"audio_tracks {profile.audio_tracks} must be 0 (one "
                                            "track) or 2 to 16 (mono tracks, the stereo mix on "
                                            "the first two)"))
    if profile.audio_tracks and profile.channels != 2:
        problems.append((("channels", "audio_tracks"),
                         "audio_tracks carries a stereo mix: channels must be 2"))
    return problems


def read_clock(reader: NodeReader, key: yaml.Node, node: yaml.Node) -> ClockPattern | None:
    value = reader.text(node, "clock")
    if value is None:
        return None
    problem = pattern_problem(value)
    if problem:
        reader.fail(node, problem, CLOCK_HINT)
        return None
    return ClockPattern(value, key.start_mark.line + 1)


def check_clocks(reader: NodeReader, manifest: Manifest) -> None:
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
                problem, hint = clock_problem(value), CLOCK_HINT
                owner = owners.setdefault(value, (spot.id, language.code))
                if owner != (spot.id, language.code):
                    problem = (f"clock number {value!r} is given to {owner[0]} in {owner[1]!r} and "
                               f"to {spot.id} in {language.code!r}")
                    hint = DUPLICATE_HINT
                if problem and (pattern.line, problem) not in reported:
                    reported.add((pattern.line, problem))
                    reader.diagnostics.append(error(problem, reader.path, pattern.line, hint))
