"""Which of a master's audio streams make its sound (a spot's `audio:` key, else the defaults
an edit suite's exports call for), what is said of them, and the chosen streams as one stereo
sound, each at its place against the picture (media/audio_layout.py's downmix).
"""

from __future__ import annotations

from dataclasses import dataclass

import ffmpeg

from pipeline.errors import PipelineError
from pipeline.media.audio_layout import (BY_COUNT, FADE, Node, align, fit_length, layout_of,
                                         names_no_layout, summed, to_stereo)
from pipeline.media.defect_levels import GATE_ABSOLUTE
from pipeline.media.defects import remove_dc
from pipeline.media.probe import MediaInfo, Stream
from pipeline.messages import N_, Items, Message, N_plural, Number, say, say_count

# Said of two mono streams taken as left and right by default; not beside `stems_warning`,
# which says it too, with the keys to write (render/inputs.py).
TWO_MONO = N_("%(file)s has two mono audio streams: %(left)s is used as left, %(right)s as right "
              "(set 'audio: {streams: [...]}' on the spot to choose)")


# How a spot's `audio: {mix: ...}` makes one sound of its streams: `sum`, mono streams added
# into one mono sound (`summed`). Without it, the streams' channels are its channels.
MIXES = ("sum",)


@dataclass(frozen=True)
class AudioChoice:
    """A spot's `audio:` key: the master's audio streams that make the sound (numbered from 0
    among its audio streams, as ffmpeg's `0:a:N`), or a silent track; `mix` (MIXES) and the
    line of its key."""

    streams: tuple[int, ...] | None = None
    silent: bool = False
    line: int | None = None
    mix: str | None = None
    mix_line: int | None = None


@dataclass(frozen=True)
class SoundMap:
    """The master's streams that make the sound, their layout together, and when each starts
    relative to the first frame of the picture (seconds; negative: before it)."""

    streams: tuple[int, ...]
    layout: str
    delays: tuple[float, ...]
    sample_rates: tuple[int, ...]
    ends: tuple[float | None, ...] = ()   # where each ends against the picture (None: unknown)
    mix: str | None = None                # "sum": mono streams summed, `layout` "mono"
    # The layout to give each stream that names none ("" where it names one): a MOV's or an
    # MKV's PCM mono names none, and ffmpeg's amerge cannot choose one for a stream adelay has
    # moved ("could not choose their formats": a trial's split mono, 0.5 s late, failed).
    unnamed: tuple[str, ...] = ()

    def to_json(self) -> dict:
        settings = {"streams": list(self.streams), "layout": self.layout,
                    "delays": [round(d, 6) for d in self.delays]}
        # `mix` only where it is set: the settings, so the fingerprints, of other sounds stay.
        return settings | {"mix": self.mix} if self.mix else settings

    def downmix(self, merged: Node, silent: str | None = None) -> Node:
        """`merged_sound`'s channels as the stereo sound: summed (`mix: sum`), else downmixed
        by their layout (`to_stereo`; `silent`: the front whose place the other takes)."""
        if self.mix == "sum":
            return summed(merged, len(self.streams))
        return to_stereo(merged, self.layout, silent)


def describe_stream(number: int, stream: Stream) -> Message:
    """`a:N (stream #I, codec layout)`: how ffmpeg and ffprobe users find the stream."""
    try:
        layout: Message | str = layout_of(stream.channels or 0, stream.channel_layout)
    except PipelineError:
        layout = stream.channel_layout or say_count(N_plural("%(count)s channel",
                                                             "%(count)s channels"),
                                                    stream.channels, count=stream.channels)
    return say(N_("a:%(number)s (stream #%(index)s, %(codec)s %(layout)s)"), number=number,
               index=stream.index, codec=stream.codec, layout=layout)


def choose_streams(info: MediaInfo, choice: AudioChoice) -> tuple[SoundMap | None, list[Message]]:
    """The master's sound under the spot's `audio:` key, and warnings to give the user.

    Default without the key: the only audio stream; two mono streams as left and right, and of
    more streams the first two when they are mono (an edit suite's stereo mix on tracks 1-2);
    else the first stream. A default taken among several streams is said in a warning (what the
    sound is made of), and every stream left out is named in another. With `mix: sum` the
    streams, all mono, are one mono sound (`SoundMap.downmix`).
    Raises `PipelineError` (without a place: the caller knows the manifest line; the `mix`
    key's for a stream that is not mono) when the key names streams that do not exist or whose
    channels make no known layout.
    """
    audio = info.of_kind("audio")
    described = [describe_stream(n, s) for n, s in enumerate(audio)]
    warnings: list[Message] = []
    if choice.silent:
        chosen: tuple[int, ...] = ()
    elif choice.streams is not None:
        missing = [n for n in choice.streams if n >= len(audio)]
        if missing:
            have = Items(tuple(described), "; ") if described else say(N_("none"))
            raise PipelineError(say(N_("audio stream %(stream)s does not exist in %(file)s (its "
                                       "audio streams: %(streams)s)"), stream=f"a:{missing[0]}",
                                    file=str(info.path), streams=have))
        chosen = choice.streams
    elif len(audio) == 2 and all(s.channels == 1 for s in audio):
        chosen = (0, 1)
        warnings.append(say(TWO_MONO, file=str(info.path), left=described[0],
                            right=described[1]))
    elif len(audio) > 2 and all(s.channels == 1 for s in audio[:2]):
        # An edit suite's export (ProRes, MXF) puts the stereo mix on tracks 1-2 and stems or
        # a 5.1 on the others: tracks 1-2 as left and right keeps the mix's stereo.
        chosen = (0, 1)
        warnings.append(say(N_("%(file)s has %(count)s audio streams: %(left)s is used as left, "
                               "%(right)s as right, as an edit suite's stereo mix on tracks 1-2 "
                               "(set 'audio: {streams: [...]}' on the spot to choose others"
                               "%(surround)s)"),
                            file=str(info.path), count=len(audio), left=described[0],
                            right=described[1], surround=_as_surround(audio)))
    else:
        chosen = (0,) if audio else ()
        if len(audio) > 1:
            warnings.append(say(N_("%(file)s has %(count)s audio streams: only %(first)s is used, "
                                   "%(how)s (set 'audio: {streams: [...]}' on the spot to choose "
                                   "others)"), file=str(info.path), count=len(audio),
                                first=described[0], how=_heard_as(audio[0])))
    unused = [described[n] for n in range(len(audio)) if n not in chosen]
    if unused:
        why = N_("the spot says 'audio: silent'") if choice.silent else N_("not in the spot's mix")
        forms = N_plural("audio stream of %(file)s not used (%(why)s): %(streams)s",
                         "audio streams of %(file)s not used (%(why)s): %(streams)s")
        warnings.append(say_count(forms, len(unused), file=str(info.path), why=say(why),
                                  streams=Items(tuple(unused), "; ")))
    if not chosen:
        return None, warnings
    streams = [audio[n] for n in chosen]
    if choice.mix == "sum":
        layout = _summable(info, chosen, described, choice.mix_line)
    elif len(streams) == 1:
        layout = layout_of(streams[0].channels or 0, streams[0].channel_layout)
    else:
        total = sum(s.channels or 0 for s in streams)
        if total not in BY_COUNT:
            raise PipelineError(say(N_("audio streams %(streams)s of %(file)s give %(total)s "
                                       "channels together"),
                                    streams=Items(tuple(f"a:{n}" for n in chosen)),
                                    file=str(info.path), total=total),
                                hint=say(N_("list streams that make mono, stereo (2 channels), "
                                            "5.1 (6) or 7.1 (8), e.g. %(example)s"),
                                         example="'audio: {streams: [0]}'"))
        layout = BY_COUNT[total]
    picture = info.video
    origin = picture.start_time if picture and picture.start_time is not None else info.start_time
    delays = tuple((s.start_time if s.start_time is not None else origin) - origin for s in streams)
    ends = tuple(delay + s.duration if s.duration else None for delay, s in zip(delays, streams))
    return SoundMap(chosen, layout, delays, tuple(s.sample_rate or 48000 for s in streams),
                    ends, choice.mix, tuple(_unnamed(s) for s in streams)), warnings


def _unnamed(stream: Stream) -> str:
    """The usual layout of `stream`'s channel count where it names no layout, else ""."""
    return BY_COUNT.get(stream.channels or 0, "") if names_no_layout(stream.channel_layout) else ""


def _summable(info: MediaInfo, chosen: tuple[int, ...], described: list[Message],
              line: int | None) -> str:
    """The layout of `chosen` streams summed: mono; `PipelineError` at `line` (the `mix` key's)
    when one is not. A stereo, 5.1 or 7.1 stream's channels added as mono streams are would
    fold its sides together and put a 5.1's LFE in at full level, which the ITU-R BS.775
    downmix leaves out: such a stream is taken by its layout, without `mix`."""
    audio = info.of_kind("audio")
    others = [described[n] for n in chosen if audio[n].channels != 1]
    if others:
        raise PipelineError(say_count(N_plural(
            "%(mix)s adds mono streams into one mono sound, and %(streams)s of %(file)s is not "
            "mono",
            "%(mix)s adds mono streams into one mono sound, and %(streams)s of %(file)s are not "
            "mono"), len(others), mix="'mix: sum'", streams=Items(tuple(others), "; "),
            file=str(info.path)), None, line,
            say(N_("leave %(mix)s out to take its channels as they are (a 5.1 or 7.1 downmixed to "
                   "stereo by ITU-R BS.775), or list only mono streams"), mix="'mix'"))
    return "mono"


# Two mono streams taken as left and right by default (no `audio:` key chose them) are said to
# look like stems when one is silent (under defect_levels.GATE_ABSOLUTE throughout) or their levels
# where each sounds (defects.Defects.gated) are STEMS_APART or more apart. The sides of a
# stereo mix carry one programme, its balance near the centre; stems do not: a voice and its
# music and effects, or a mono programme as EBU R 48 lays its tracks (the complete mix on
# track 1, the international sound, or nothing, on track 2). Taken as left and right, they
# put the voice in one ear.
STEMS_APART = 10.0      # dB
STEMS_HINT = ("if they are stems, 'audio: {streams: [0, 1], mix: sum}' on the spot sums them "
              "into one mono sound, centred; if a:0 is the whole mix (EBU R 48: a mono "
              "programme's mix on track 1, its international sound on track 2), 'audio: "
              "{streams: [0]}'; if they are left and right, 'audio: {streams: [0, 1]}' says so")


def stems_warning(choice: AudioChoice, sound: SoundMap, gated: dict[str, float | None],
                  file: str) -> Message | None:
    """What two mono streams of the master `file` taken as left and right by default seem to
    be instead, from the levels of the two sides where each sounds (`gated`, dBFS RMS:
    defects.Defects.gated), or None: they may be left and right, were chosen so, or are both
    silent (render/master_sound.py says that)."""
    if (choice.streams is not None or len(sound.streams) != 2 or sound.layout != "stereo"
            or set(gated) != {"FL", "FR"}):
        return None
    (first, second), (left, right) = sound.streams, (gated["FL"], gated["FR"])
    if left is None and right is None:
        return None
    if left is None or right is None:
        silent, side, sounding = ((first, N_("left"), second) if left is None
                                  else (second, N_("right"), first))
        return say(N_("audio stream a:%(silent)s of %(file)s, taken as the %(side)s channel, is "
                      "silent (under %(floor)s dBFS RMS throughout): the variants carry a:"
                      "%(sounding)s on one side only; a mono mix belongs in both"),
                   silent=silent, file=file, side=say(side),
                   floor=Number(GATE_ABSOLUTE), sounding=sounding)
    if abs(left - right) < STEMS_APART:
        return None
    return say(N_("audio streams a:%(first)s and a:%(second)s of %(file)s, taken as left and "
                  "right, are %(apart)s dB apart where each sounds (%(left)s and %(right)s dBFS "
                  "RMS, gated): they look like stems (a voice and its music and effects), not "
                  "left and right, and the variants carry the louder on one side"),
               first=first, second=second, file=file,
               apart=Number(abs(left - right), ".1f"), left=Number(left, ".1f"),
               right=Number(right, ".1f"))


def _as_surround(audio: list[Stream]) -> Message | str:
    """For six mono streams, how to take them as 5.1 instead: in ffmpeg's 5.1 order, that of a
    WAV's channel mask and of SMPTE ST 428-3's tracks, L R C LFE Ls Rs."""
    if len(audio) != 6 or any(s.channels != 1 for s in audio):
        return ""
    return say(N_("; if they are a 5.1 mix in L R C LFE Ls Rs order, 'audio: {streams: "
                  "[0, 1, 2, 3, 4, 5]}' takes them so, downmixed to stereo by ITU-R BS.775"))


def _heard_as(stream: Stream) -> Message:
    """What the variants' sound is made of when one stream is taken."""
    if stream.channels == 1:
        return say(N_("as mono, the same in the left and right channels"))
    if stream.channels == 2:
        return say(N_("as left and right"))
    return say(N_("downmixed to stereo (ITU-R BS.775)"))


def stereo_sound(source, sound: SoundMap, duration: float,
                 dc: tuple[float, ...] | None = None, silent: str | None = None) -> Node:
    """The chosen streams of an ffmpeg input, each put at its place against the picture, merged,
    downmixed to stereo and made exactly `duration` seconds long, timestamps from zero; faded
    in where cut before the picture starts (`align`) and out where cut at its end. `dc`: each
    channel's offset in the downmix (full scale 1.0), subtracted before the fades
    (defects.remove_dc). `silent`: the front found silent beside the other, which takes its
    place (`pan_expression`)."""
    stereo = sound.downmix(merged_sound(source, sound), silent)
    return fitted_to_picture(remove_dc(stereo, dc) if dc else stereo, sound, duration)


def merged_sound(source, sound: SoundMap) -> Node:
    """The chosen streams, each aligned with the picture, as one stream of `sound.layout`;
    merged, a stream that names no layout is given one (`SoundMap.unnamed`)."""
    parts = [align(source[f"a:{n}"], delay, rate)
             for n, delay, rate in zip(sound.streams, sound.delays, sound.sample_rates)]
    if len(parts) == 1:
        return parts[0]
    parts = [part.filter("aformat", channel_layouts=layout) if layout else part
             for part, layout in zip(parts, sound.unnamed or ("",) * len(parts))]
    return ffmpeg.filter(parts, "amerge", inputs=len(parts))


def fitted_to_picture(stereo: Node, sound: SoundMap, duration: float) -> Node:
    """The downmix of `merged_sound` made `duration` seconds long, faded out where cut."""
    if any(end is not None and end > duration + 0.001 for end in sound.ends):   # cut at the end
        stereo = stereo.filter("afade", type="out", start_time=f"{max(0.0, duration - FADE):.6f}",
                               duration=FADE)
    return fit_length(stereo, duration)
