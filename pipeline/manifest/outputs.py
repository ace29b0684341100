"""The manifest's output sections: profiles (built in, or overridden field by field, with the
figures of a named loudness standard) and clock numbers (patterns, expanded and checked)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import yaml

from pipeline.clock import HINT as CLOCK_HINT
from pipeline.clock import DUPLICATE_HINT, ClockPattern, clock_problem, pattern_problem
from pipeline.errors import error, reason_message
from pipeline.manifest.model import Manifest
from pipeline.manifest.nodes import NodeReader
from pipeline.media.timecode import syntax_problem
from pipeline.messages import N_, Items, Message, Number, say
from pipeline.profile_checks import encoder_problems, profile_problem
from pipeline.profiles import BUILTIN_PROFILES, Profile
from pipeline.standards import STANDARDS, loudness_unit


def read_profiles(reader: NodeReader, node: yaml.Node) -> tuple[Profile, ...]:
    """The manifest's profiles without problems; each one's problems are its own
    (`NodeReader.concern`), which a selection of other profiles leaves out."""
    if isinstance(node, yaml.SequenceNode):
        profiles = []
        for item in reader.sequence(node, "profiles"):
            problems = len(reader.diagnostics)
            name = reader.choice(item, say(N_("profile")), tuple(BUILTIN_PROFILES))
            if name:
                profiles.append(BUILTIN_PROFILES[name])
            reader.concern(problems, "profile",
                           item.value if isinstance(item, yaml.ScalarNode) else None)
        return tuple(profiles)
    if not isinstance(node, yaml.MappingNode):
        reader.fail(node, say(N_("profiles must be a list of built-in names or a mapping of "
                                 "profiles")), _built_in())
        return ()
    if not node.value:
        # `{}` made no variant and passed; render then called every file of the output
        # folder one of no variant, for `clean --delete` to remove.
        reader.fail(node, say(N_("profiles must not be empty: give a list of built-in names or "
                                 "a mapping of profiles")), _built_in())
        return ()
    profiles, seen = [], {}
    for key_node, value_node in node.value:
        problems = len(reader.diagnostics)   # a profile with problems is left out
        name = reader.slug(key_node, say(N_("profile name")))
        reader.unique(seen, name, key_node, say(N_("profile")))
        profile = _profile(reader, name, key_node, value_node) if name is not None else None
        reader.concern(problems, "profile", name)
        if profile is not None and len(reader.diagnostics) == problems:
            profiles.append(profile)
    return tuple(profiles)


def _built_in():
    return say(N_("built-in profiles: %(profiles)s"), profiles=Items(tuple(BUILTIN_PROFILES)))


def _profile(reader: NodeReader, name: str, key_node: yaml.Node, value_node: yaml.Node
             ) -> Profile | None:
    """The profile `name: {...}` of a mapping of profiles, its problems reported."""
    base = BUILTIN_PROFILES.get(name)
    overrides = value_node
    if isinstance(value_node, yaml.MappingNode):
        base_key = next((v for k, v in value_node.value if k.value == "base"), None)
        if base_key is not None:
            base_name = reader.choice(base_key, say(N_("base of profile %(name)s"), name=name),
                                      tuple(BUILTIN_PROFILES))
            base = BUILTIN_PROFILES.get(base_name or "")
            overrides = yaml.MappingNode(value_node.tag, [(k, v) for k, v in value_node.value
                                                          if k.value != "base"],
                                         value_node.start_mark, value_node.end_mark)
    if base is None:
        reader.fail(key_node, say(N_("profile %(name)s is not built in and names no base"),
                                  name=repr(name)),
                    say(N_("add 'base: web' (or one of %(profiles)s)"),
                        profiles=Items(tuple(BUILTIN_PROFILES), choice=True)))
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
        where = say(N_("profile %(name)s"), name=name)
        profile = replace(reader.dataclass_fields(overrides, where, Profile, base, ranges),
                          name=name, base=_kind(base, name))
        profile = _with_standard(reader, at, profile,
                                 set(given_at) - reader.refused.get(str(where), set()))
    for fields, problem in _profile_problems(profile):
        reader.fail(at(*fields), _of_profile(name, problem))
    for field, problem in encoder_problems(profile):
        reader.fail(at(field), _of_profile(name, problem))
    return profile


def _of_profile(name: str, problem) -> Message:
    """`problem` (a message, a `Reason` of profiles.py, or English text) of profile `name`."""
    return say(N_("profile %(name)s: %(problem)s"), name=repr(name),
               problem=problem if isinstance(problem, Message) else reason_message(problem))


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
    held = "loudness_standard" in given
    units = Profile.ranges(standard.unit)
    for field in given & figures.keys():
        value, fixed = getattr(profile, field), figures[field]
        stricter = field != "loudness" and value <= fixed
        if value != fixed and not stricter:
            unit = units[field].unit
            figures_said = dict(field=field, value=Number(value, "g"), unit=unit,
                                standard=standard.title, fixed=Number(fixed, "g"))
            reader.fail(at(field), _of_profile(profile.name, say(
                N_("%(field)s %(value)s%(unit)s contradicts %(standard)s (%(fixed)s%(unit)s)"),
                **figures_said) if held else say(
                N_("%(field)s %(value)s%(unit)s contradicts %(standard)s (%(fixed)s%(unit)s), "
                   "which built-in profile %(kind)s is held to"),
                kind=repr(profile.kind), **figures_said)),
                        say(N_("leave %(field)s out: the standard sets it"), field=field))
        figures[field] = value
    return replace(profile, **figures)


def _profile_problems(profile: Profile) -> list[tuple[tuple[str, ...], Message | str]]:
    """(the fields to change, why) for each reason the profile cannot be rendered."""
    problems = [problem] if (problem := profile_problem(profile)) else []
    if profile.timecode is not None and syntax_problem(profile.timecode):
        # media/timecode.py's words for the timecode (a message, or English text).
        problems.append((("timecode",), syntax_problem(profile.timecode)))
    if profile.audio_tracks and not 2 <= profile.audio_tracks <= 16:
        problems.append((("audio_tracks",), say(N_("audio_tracks %(tracks)s must be 0 (one "
                                                   "track) or 2 to 16 (mono tracks, the stereo "
                                                   "mix on the first two)"),
                                                tracks=profile.audio_tracks)))
    if profile.audio_tracks and profile.channels != 2:
        problems.append((("channels", "audio_tracks"),
                         say(N_("audio_tracks carries a stereo mix: channels must be 2"))))
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
            # A language's variants of the spots it is made for only: a language listed twice,
            # each entry with its own spots and clock, shares no number with itself.
            if pattern is None or not language.made_for(spot.id):
                continue
            for profile in manifest.profiles:
                value = manifest.clock_for(spot, language, profile)
                problem, hint = clock_problem(value), CLOCK_HINT
                owner = owners.setdefault(value, (spot.id, language.code))
                if owner != (spot.id, language.code):
                    problem = say(N_("clock number %(value)s is given to %(spot)s in %(code)s "
                                     "and to %(other)s in %(other_code)s"), value=repr(value),
                                  spot=owner[0], code=repr(owner[1]), other=spot.id,
                                  other_code=repr(language.code))
                    hint = DUPLICATE_HINT
                if problem and (pattern.line, str(problem)) not in reported:
                    reported.add((pattern.line, str(problem)))
                    reader.diagnostics.append(error(problem, reader.path, pattern.line, hint))
