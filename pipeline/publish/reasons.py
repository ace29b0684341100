"""What the page says of a file the manifest makes and nobody can download yet, in a
station's words and the page's language (their Spanish in page.po): not generated yet, its last
attempt failed, or blocked by an error of its inputs, said by the error's code.

The error's own English (`reason_text` in the catalog, the terminal's warning) is for the media
team, who fix it; a station reads that the version is coming and, for a language's recording,
what is wrong with it, never a check's English on a page in another language.
"""

from __future__ import annotations

from pipeline.messages import Message, N_, say

# A blocked variant's reason by the code and treatment of the error that blocks it: the
# recording's missing or unusable sound, as a station would say it.
NOT_RENDERED = N_("not generated yet")
FAILED = N_("its last attempt to generate it failed")
BLOCKED = {("recording-missing", "dub"): N_("the dub's recording is missing"),
           ("recording-missing", "mix"): N_("the voice-over's recording is missing"),
           ("recording-unreadable", "dub"): N_("the dub's recording cannot be read"),
           ("recording-unreadable", "mix"): N_("the voice-over's recording cannot be read"),
           ("sound-past-end", "dub"): N_("the dub's recording runs longer than the spot"),
           ("sound-past-end", "mix"): N_("the voice-over's recording runs longer than the spot"),
           ("silent", "dub"): N_("the dub's recording is silent"),
           ("silent", "mix"): N_("the voice-over's recording is silent"),
           ("near-silent", "dub"): N_("the dub's recording is nearly silent"),
           ("near-silent", "mix"): N_("the voice-over's recording is nearly silent"),
           # A beep in hiss, a failed take (render/deliveries.py's LEAST_SOUND): nearly silent.
           ("mostly-silent", "dub"): N_("the dub's recording is nearly silent"),
           ("mostly-silent", "mix"): N_("the voice-over's recording is nearly silent")}
# Any other error of a language's recording: that it has one, being fixed, and what it is in a
# station's words, by its code. A trial's Spanish page said a dub's wrong channel order in the
# check's English ("blocked: the dub is loudest in a surround, its BL channel, ..."), marked
# lang="en": a station cannot act on it, nor is it the station's to fix.
RECORDING_PROBLEM = {"dub": N_("the dub's recording has a problem the team is fixing: "
                               "%(problem)s"),
                     "mix": N_("the voice-over's recording has a problem the team is fixing: "
                               "%(problem)s")}
PROBLEMS = {"centre-empty": N_("its channels arrived in another order"),
            "lfe-content": N_("its channels arrived in another order"),
            "split-mono": N_("it arrived as one file per channel, yet to be joined into one"),
            "recordings-several": N_("more than one file arrived for it, and one must be "
                                     "chosen"),
            # render/loudness_limits.short_term_excess
            "short-term-loudness": N_("its loudest passage is louder than EBU R128 s1 allows "
                                      "in a spot, and must be evened out")}
# Any other error (of a master, a music bed, a subtitle file, the manifest; of a recording, a
# code without words above): never the check's English on a page in another language.
OTHER = N_("a file it is made from has a problem the team is fixing")
# What the page says of each reason when a catalog has no words for it (older than them).
GENERIC = {"blocked": OTHER, "failed": FAILED, "not-rendered": NOT_RENDERED}


def blocked_message(code: str | None, treatment: str | None) -> Message:
    """What the page says of a variant blocked by an error of `code` (None: one without) in a
    language of `treatment`: the recording's problem in its own words, else OTHER."""
    template = BLOCKED.get((code, treatment))
    if template:
        return Message(template)
    if code in PROBLEMS and treatment in RECORDING_PROBLEM:
        return say(RECORDING_PROBLEM[treatment], problem=say(PROBLEMS[code]))
    return Message(OTHER)


