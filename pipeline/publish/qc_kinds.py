"""What each QC warning is about, said to a broadcaster in the page's language.

A warning's text is written once, in English, where the check finds it (with its figures, the
cue and the rule), and the terminal, records and catalog carry it as it is. The page puts
before it the kind of problem, from the warning's `code`, translated like every other label
(`locale/es/LC_MESSAGES/page.po`): a Spanish-speaking radio operator reads "Grabación saturada"
and decides whether to air the file; the detail follows in the page's language too, from the
template and figures the record keeps (`publish/wording.py`).

Every code a check gives has a line here (a test walks the code base's `warning(...)` calls);
a warning without a code, or of a code added later, is shown as its text alone.
"""

from __future__ import annotations

from pipeline.publish.i18n import N_

# Subtitle files as read (the readers' repairs and what they leave out).
_READING = {
    "format": N_("Subtitle file with the wrong extension"),
    # encoding.py: an XML file's bytes in UTF-8 under another declaration, read as UTF-8.
    "encoding": N_("Subtitle file's encoding declared wrongly (read as UTF-8)"),
    "structure": N_("Subtitle file repaired when read"),
    "index": N_("Subtitle numbering repaired when read"),
    "order": N_("Subtitles not in time order (used sorted by time)"),
    "timing-format": N_("Subtitle times written in another format"),
    "programme-start": N_("Subtitle file's start of programme not read"),
    "tick-rate": N_("Subtitle times in ticks with no tick rate"),
    "settings": N_("Subtitle position written in an old form"),
    "bad-setting": N_("Subtitle position setting misspelt (left out)"),
    "unrendered-settings": N_("Subtitle settings not rendered (vertical text, regions, "
                              "box widths)"),
    # vtt.py: a STYLE or REGION block right under the WEBVTT line is more of the header.
    "missing-blank-line": N_("Subtitle styles or regions lost (no blank line before them)"),
    "tags": N_("Editing tags in the subtitles"),
    "invisible-characters": N_("Invisible characters in the subtitles (zero width spaces, "
                               "joiners)"),
    "tab": N_("Tab characters in the subtitles (drawn as spaces)"),
    "lost-letter": N_("Letters lost as '?' when the subtitle file was saved"),
    "unbalanced-tags": N_("Italic, bold or underline tags that do not pair up"),
    "style": N_("The subtitle file's colours and fonts are not used"),
    "glyph-fallback": N_("Symbols drawn from another font"),
    "event": N_("Part of the subtitle file left out"),
    "element": N_("Part of the subtitle file left out"),
    "blank-cue": N_("Part of the subtitle file left out"),
    "region": N_("Subtitle without a place on screen"),
    "unicode-forms": N_("A letter typed in two different ways"),
    "stranded-mark": N_("An accent or mark typed after a line break, put back on its letter"),
    "mark-without-letter": N_("An accent or mark with no letter, drawn alone"),
    "spaces": N_("Spaces at a line's edge or two in a row, left out"),
    "mojibake": N_("Text decoded twice (mojibake)"),
    "apostrophes": N_("Look-alike apostrophes mixed"),
}

# Subtitles against the rules of reading (Netflix TTSG, EBU-TT-D practice) and the picture.
_SUBTITLES = {
    "reading-speed": N_("Subtitle too fast to read"),
    "line-length": N_("Subtitle line too long"),
    "line-count": N_("Subtitle with too many lines"),
    "too-short": N_("Subtitle on screen too briefly"),
    "no-frame": N_("Subtitle never shown (between two frames)"),
    "too-long": N_("Subtitle on screen too long"),
    "gap": N_("Subtitles too close together"),
    "fit": N_("Subtitle wider than the safe area"),
    "past-end": N_("Subtitle after the end of the spot"),
    "frame-grid": N_("Subtitle times moved to the video's frames"),
    "overlap": N_("Subtitles overlapping by less than a frame"),
}

# The sound and picture of the inputs and of the rendered file.
_MEDIA = {
    "length": N_("Recording not as long as the spot"),
    "voice-over-short": N_("Voice-over shorter than the spot"),
    "dc-offset": N_("DC offset in the recording (removed)"),
    "clipping": N_("Clipped recording"),
    "thin-coding": N_("Recording coded at a low bit rate (treble lost)"),
    "low-bit-depth": N_("Recording at 8 bits a sample (audible hiss)"),
    "low-sample-rate": N_("Recording at a low sample rate (dull: no treble)"),
    "audio-format": N_("Recording with the wrong extension"),
    "wav-not-pcm": N_("Compressed sound in a .wav file (not PCM WAV)"),
    "quiet": N_("Recording very quiet (its noise lifted by levelling)"),
    "lfe-content": N_("Sound in the LFE channel above its band"),
    "centre-empty": N_("Voice not on the centre channel"),
    "one-sided": N_("Recording on one channel only (put on both)"),
    "hum": N_("Mains hum"),
    "sides-apart": N_("Recording much louder on one side"),
    "leading-silence": N_("Silence at the start"),
    "trailing-silence": N_("Silence at the end"),
    "bed-short": N_("Music bed ends before the spot"),
    "bed-cut": N_("Music bed cut off at the spot's end"),
    "audio-streams": N_("Master's audio streams chosen"),
    "stems": N_("Master's stems taken as left and right"),
    "master-silent": N_("Master's sound silent"),
    "master-sound-short": N_("Master's sound shorter than its picture"),
    "master-sound-long": N_("Master's sound longer than its picture, cut"),
    "silent-audio": N_("Silent audio"),
    "loudness-range": N_("Loudness range wider than the profile's limit"),
    "limited": N_("Peaks limited hard to reach the loudness (may sound squashed)"),
    "picture-colour": N_("Picture colours not as in the master"),
    "bars": N_("Picture mostly black bars (made for another shape of screen)"),
    "track-unseen": N_("Subtitles as a track, which messaging apps and social feeds do not show"),
    "stray-files": N_("Files of no variant in the output folder"),
    "unused-intermediates": N_("Intermediate files no variant uses"),
    "deinterlaced": N_("Interlaced master made progressive"),
    "pre-roll": N_("Master that may carry bars, a slate or black before its programme"),
    "whole-rate": N_("TV master at a whole frame rate (30 fps, not NTSC's 29.97)"),
    "rate-converted": N_("TV master converted to another frame rate (motion judders)"),
}

# The manifest's languages as the page names them.
_NAMES = {
    "language-name": N_("Language without a name in the page's language"),
}

# A translator's file against the campaign (`check --manifest`, validate).
_CAMPAIGN = {
    "late-start": N_("Subtitle an hour or more in"),
    "no-language": N_("Language not in the manifest"),
    "no-master": N_("The spot's master not found"),
    "unused-input": N_("Files no language uses in an input folder"),
    "input-in-output": N_("Input file inside the output folder"),
    "still-growing": N_("File still being written when checked"),
}

QC_KINDS: dict[str, str] = _READING | _SUBTITLES | _MEDIA | _NAMES | _CAMPAIGN

# What the pipeline corrected or read as meant, in every file it made: a station reading
# "saldría al aire por un solo lado" asked whether it could air the file. The page says these
# need nothing of it.
# A recording not as long as its spot is cut or padded to it ("length"): its files are the spot's
# length; dead air that padding leaves is a warning of its own.
CORRECTED = frozenset({"dc-offset", "one-sided", "order", "index", "structure", "frame-grid",
                       "timing-format", "settings", "stems", "format", "stranded-mark",
                       "audio-format", "wav-not-pcm", "length", "master-sound-long"})

# Warnings for the translator alone: nothing a station sees or hears differs. A letter typed
# composed in one cue and decomposed in another is burned alike and written composed (NFC) in
# every sidecar; on the page it only made a radio operator wonder what to check before airing.
# The terminal, records and catalog keep it.
# So are the file's own colours and fonts, left out (a trial's page told stations of an ASS
# file's lines they never get), and a symbol drawn from a fallback font.
# Where the media team keeps an input is theirs to mend, nothing a station airs; so are the
# master's audio streams the pipeline chose, said with the manifest key that chooses them (a
# trial's page told stations "a:0 (stream #1, aac mono) ... ponga 'audio: {streams: [...]}'").
# So is a spelling's mix of look-alike apostrophes: a station's trial read it, with the line
# numbers of a file it never gets, and could not tell whether to air the file. So is a
# voice-over shorter than its spot: its bed plays on, and the file is the spot's length.
TRANSLATOR_ONLY = frozenset({"unicode-forms", "style", "glyph-fallback", "input-in-output",
                             "audio-streams", "spaces", "encoding", "apostrophes",
                             "voice-over-short"})


# What a station does of a warning, said on the page after it, with the warning's own
# parameters: the warning says what goes to air (the same words a translator reads in
# `check`, where "ask the campaign for a clean recording" is nobody's to do), the page what the
# station may do. A translator's trial read the station's words in its terminal.
STATION_ACTIONS = {
    "clipping": N_("Listen to it before airing; if the distortion is disturbing, ask the "
                   "campaign for a clean recording."),
    "leading-silence": N_("Trim that start in your playout system, or ask the campaign for a "
                          "corrected version."),
    "trailing-silence": N_("Cut the spot at %(end)s s in your playout system, or ask the "
                           "campaign for a corrected version."),
    "loudness-range": N_("Listen to it before airing."),
    "hum": N_("Listen to it before airing."),
    "bed-short": N_("Listen to it before airing."),
    "bed-cut": N_("Listen to it before airing."),
    "limited": N_("Listen to it before airing."),
    "track-unseen": N_("To send it by messaging apps or post it, ask the campaign for a "
                       "version with the subtitles in the picture."),
}

# What a station does of `track-unseen` where the card has such a version (another profile's
# file with the subtitles in its picture): a trial's card sent stations to ask the campaign for
# the vertical file beside it.
SEND_BURNED = N_("To send it by messaging apps or post it, use %(file)s, whose subtitles are in "
                 "the picture.")


def station_action(code: str | None, detail: dict | None,
                   burned: str | None = None) -> dict | None:
    """What a station does of a warning of `code` (`STATION_ACTIONS`), as a message's template
    and parameters (those of the warning's `detail`, a `Message.to_json()`); None for a code
    without one. `burned` names the card's file for phones with the subtitles in its picture,
    which `track-unseen`'s action offers (`SEND_BURNED`)."""
    if code == "track-unseen" and burned:
        return {"template": SEND_BURNED, "params": {"file": burned}}
    action = STATION_ACTIONS.get(code) if code else None
    if action is None:
        return None
    params = detail.get("params", {}) if isinstance(detail, dict) else {}
    return {"template": action, "params": params}


def corrected_kinds() -> frozenset[str]:
    """The labels (`qc_kind`) of the `CORRECTED` codes: what the page's warnings carry."""
    return frozenset(QC_KINDS[code] for code in CORRECTED)


def qc_kind(code: str | None) -> str | None:
    """The English label (a message to translate) of a warning's code, or None."""
    return QC_KINDS.get(code) if code else None


# A recording padded to its spot is corrected, but not where the padding is dead air a station
# has to cut (its `trailing-silence` warning beside it): a radio trial's 8 s dub of a 30 s spot
# read "corrected in these files: nothing to do" above "22.0 s of dead air".
PADDED_INTO_DEAD_AIR = N_("Recording shorter than the spot, padded with silence")


def kind_beside(code: str | None, codes: list, detail: dict | None = None) -> str | None:
    """`qc_kind(code)` of a warning (its `detail`, a `Message.to_json()`) among a file's
    warnings of `codes`: a `length` of a recording shorter than its spot beside a
    `trailing-silence` is PADDED_INTO_DEAD_AIR, which is no correction (`CORRECTED`); a longer
    one, cut to the spot, is."""
    if code == "length" and "trailing-silence" in codes and _shorter(detail):
        return PADDED_INTO_DEAD_AIR
    return qc_kind(code)


def _shorter(detail: dict | None) -> bool:
    """Whether a `length` warning's figures (its `length` and `spot`, seconds) say shorter."""
    params = detail.get("params", {}) if isinstance(detail, dict) else {}
    try:
        return float(params["length"]["number"]) < float(params["spot"]["number"])
    except (KeyError, TypeError, ValueError):
        return False
