"""TTML (W3C Timed Text Markup Language): IMSC1 text profile, DFXP and the older TTAF drafts.

Read with lxml, whose elements keep their `sourceline`, so every problem is reported on the
line of the element it is about; entities are not expanded and nothing is fetched from the
network. Written by `imsc.py`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from fractions import Fraction
from pathlib import Path

from lxml import etree

from pipeline.errors import Diagnostic, error, warning
from pipeline.messages import N_, Message, say
from pipeline.subtitles.model import Cue, Parsed, TimeNotation, escaped, keypad, placed
from pipeline.subtitles.ttml_layout import Layout, text_column
from pipeline.subtitles.ttml_time import TIME_HINT, TimeParameters

TT_NAMESPACES = ("http://www.w3.org/ns/ttml", "http://www.w3.org/2006/10/ttaf1",
                 "http://www.w3.org/2006/04/ttaf1")
# `tts:` attributes are read in any of these, as TTML1's: DFXP's 2006 Candidate Recommendation
# named its styling namespace `#style`, which the W3C Timed Text WG renamed `#styling` in 2009
# (ISSUE-87) after tools had written both, and files pair an old root with TTML1's `tts:`.
STYLING_NAMESPACES = frozenset(f"{namespace}#{fragment}" for namespace in TT_NAMESPACES
                               for fragment in ("styling", "style"))
# `ttp:` attributes likewise, in any of their `#parameter` namespaces: files pair an old root
# with TTML1's `ttp:frameRate` too, and their frame times need it.
PARAMETER_NAMESPACES = tuple(f"{namespace}#parameter" for namespace in TT_NAMESPACES)
XML = "http://www.w3.org/XML/1998/namespace"
IMSC1_TEXT = "http://www.w3.org/ns/ttml/profile/imsc1/text"
STYLING = {"color", "backgroundColor", "fontFamily"}   # what the campaign's style decides
# Values that ask for nothing a player would not do anyway: not worth a warning.
NEUTRAL = {"white", "#ffffff", "#ffffffff", "transparent", "default", "sansserif", "serif",
           "monospace", "proportionalsansserif", "monospacesansserif", "proportionalserif",
           "monospaceserif"}


def _local(element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


@dataclass
class _Styles:
    """`tts:*` values set on an element, with the line each came from."""

    values: dict[str, tuple[str, int]] = field(default_factory=dict)

    def merged(self, other: "_Styles") -> "_Styles":
        return _Styles(self.values | other.values)


class _Reader(TimeParameters, Layout):
    def __init__(self, root, path: Path):
        self.root = root
        self.path = path
        self.ns = etree.QName(root).namespace
        # The root's own first, should a file give a parameter in two namespaces.
        self.ttp = sorted(PARAMETER_NAMESPACES, key=lambda ns: ns != self.ns + "#parameter")
        self.parsed = Parsed()
        self.paragraphs = 0      # paragraphs met, kept or not: each is named by its place
        self.karaoke: list[tuple[int, object]] = []   # (paragraph, span) with a timed span
        # (seconds, paragraph, line, label) of the latest begin label read (SMPTE labels)
        self.last_label: tuple[Fraction, int, int, str] | None = None
        self.styles: dict[str, tuple[_Styles, list[str]]] = {}
        self.regions: dict[str, tuple[_Styles, list[str], int]] = {}
        self.read_time_parameters()
        self.read_layout()

    # --- problems ---------------------------------------------------------------------------

    def fail(self, message: str | Message, element, hint: str | Message | None = None,
             code: str = "structure") -> Diagnostic:
        found = error(message, self.path, element.sourceline, hint, code)
        self.parsed.diagnostics.append(found)
        return found

    def warn(self, message: str | Message, element, hint: str | Message | None = None,
             code: str = "structure"):
        self.parsed.diagnostics.append(warning(message, self.path, element.sourceline, hint, code))

    def _karaoke_warning(self) -> None:
        """One warning for every paragraph with a timed span (karaoke), at the first, as
        WebVTT's timestamp tags and ASS's \\k are: its whole text is shown for the paragraph's
        time (it blocked the file, where those were warnings)."""
        (paragraph, span), count = self.karaoke[0], len(self.karaoke)
        what = say(N_("timed spans (karaoke) are not supported: the whole paragraph is shown "
                      "at once"))
        message = say(N_("paragraph %(paragraph)s: %(problem)s"), paragraph=paragraph,
                      problem=what) if count == 1 else \
            say(N_("%(count)s paragraphs, from paragraph %(paragraph)s: %(problem)s"),
                count=count, paragraph=paragraph, problem=what)
        self.warn(message, span, say(N_("remove the spans' times, or split the paragraph into "
                                        "one per time")), "tags")

    # --- styles and regions -----------------------------------------------------------------

    def own_styles(self, element) -> tuple[_Styles, list[str]]:
        values = {etree.QName(name).localname: (value, element.sourceline)
                  for name, value in element.attrib.items()
                  if etree.QName(name).namespace in STYLING_NAMESPACES}
        return _Styles(values), (element.get("style") or "").split()

    def resolve(self, element, own: tuple[_Styles, list[str]], seen=()) -> _Styles:
        """The element's `tts:*` values: those of the styles it names, then its own."""
        styles, references = own
        result = _Styles()
        for reference in references:
            if reference in seen:
                self.fail(say(N_("style %(style)s refers to itself"), style=repr(reference)),
                          element)
                continue
            if reference not in self.styles:
                self.fail(say(N_("style %(style)s is not defined"), style=repr(reference)),
                          element, say(N_("define it in <head><styling>")), "style")
                continue
            result = result.merged(self.resolve(element, self.styles[reference], seen + (reference,)))
        return result.merged(styles)

    def read_head(self) -> None:
        for element in self.root.iter(f"{{{self.ns}}}style"):
            if element.getparent() is not None and _local(element.getparent()) == "styling":
                self.styles[self.identifier(element)] = self.own_styles(element)
        for element in self.root.iter(f"{{{self.ns}}}region"):
            own, references = self.own_styles(element)
            for child in element.iterchildren(f"{{{self.ns}}}style"):
                own = own.merged(self.own_styles(child)[0])
            self.regions[self.identifier(element)] = (own, references, element.sourceline)

    def identifier(self, element) -> str:
        """The `xml:id` a style or region is named by (TTML1 §8.1.2, §9.1.2), or its `id`, with a
        warning: older DFXP drafts' examples and some tools write `id`, which TTML does not
        read, and an italic style of an old file was refused as "not defined"."""
        name = element.get(f"{{{XML}}}id")
        if name is None and element.get("id") is not None:
            name = element.get("id")
            # "structure": read as the file meant it, a repair, as the page says of those.
            self.warn(say(N_("%(element)s %(name)s is named with id=, which TTML does not read "
                             "(it reads xml:id); read as xml:id=\"%(id)s\""),
                          element=_local(element), name=repr(name), id=name), element,
                      say(N_('write xml:id="%(id)s": other TTML players do not find it by id='),
                          id=name), "structure")
        return name or ""

    # --- content ----------------------------------------------------------------------------

    def run(self) -> Parsed:
        self.read_head()
        body = self.root.find(f"{{{self.ns}}}body")
        if body is None:
            self.fail(say(N_("this TTML file has no <body>")), self.root, code="syntax")
            return self.parsed
        # One time line counts from the timecode's 00:00:00:00, the programme from its start.
        self.walk(body, -self.origin if self.smpte and not self.labels else Fraction(0), None,
                  _Styles(), body.get("region"), False)
        if self.karaoke:
            self._karaoke_warning()
        self.parsed.found = self.paragraphs
        self.parsed.notation = TimeNotation.most_used(self.notations, self.frame_rate,
                                                      self.tick_rate)
        if self.smpte and self.parsed.notation is not None:
            self.parsed.notation = replace(self.parsed.notation, unit="frames",
                                           rate=self.frame_rate,
                                           smpte=(self.parsed.counted_from, self.counted_rate,
                                                  self.drop))
        # The rate the file gives, not the one its times were read at for want of it.
        self.parsed.frame_rate = self.frame_rate if self.parameter("frameRate") else None
        return self.parsed


    def walk(self, element, parent_begin: Fraction, parent_end: Fraction | None,
             inherited: _Styles, region: str | None, preserve: bool) -> None:
        begin, end = self.interval(element, parent_begin, parent_end)
        if element.get("timeContainer") == "seq":
            self.fail(say(N_("sequential timing (timeContainer=\"seq\") is not supported")),
                      element, say(N_("give each paragraph its own begin and end")), "timing")
            return
        styles = inherited.merged(self.resolve(element, self.own_styles(element)))
        region = element.get("region") or region
        preserve = element.get(f"{{{XML}}}space", "preserve" if preserve else "default") == "preserve"
        for child in element:
            name = _local(child)
            if name == "div":
                self.walk(child, begin, end, styles, region, preserve)
            elif name == "p":
                self.paragraph(child, begin, end, styles, region, preserve)
            elif name not in ("metadata", "") and not name.startswith("set"):
                self.warn(say(N_("<%(element)s> is not supported here and is left out"),
                              element=name), child, code="element")

    def interval(self, element, parent_begin: Fraction, parent_end: Fraction | None
                 ) -> tuple[Fraction, Fraction | None]:
        own_begin, own_end, dur = (self.time(element, n) for n in ("begin", "end", "dur"))
        if self.labels:
            # Labels of the programme's timecode, not counted from the parent's (TTML1 §6.2.6).
            begin = parent_begin if own_begin is None else own_begin - self.origin
            end = parent_end if own_end is None else own_end - self.origin
        else:
            begin = parent_begin + (own_begin or 0)
            end = parent_begin + own_end if own_end is not None else (
                begin + dur if dur is not None else parent_end)
        if parent_end is not None and end is not None:
            end = min(end, parent_end)
        return begin, end

    def paragraph(self, element, parent_begin, parent_end, inherited: _Styles,
                  region: str | None, preserve: bool) -> None:
        # Counted with the rejected ones: a paragraph after a bad one keeps its own number.
        self.paragraphs += 1
        index = self.paragraphs
        reported = len(self.parsed.diagnostics)
        begin, end = self.interval(element, parent_begin, parent_end)
        if any(d.severity == "error" for d in self.parsed.diagnostics[reported:]):
            # A time not read (reported) is no time: a begin taken as its parent's would put
            # the paragraph at 0 s, over every cue before it, each then an overlap error.
            return
        if end is None:
            if any(element.get(name) is not None for name in ("end", "dur")):
                return   # malformed, and reported
            self.fail(say(N_("paragraph %(paragraph)s has no end time (no end, dur, or timed "
                             "parent)"), paragraph=index), element, TIME_HINT, "timing")
            return
        if self.smpte and not self.placed(element, index, begin):
            return
        region = element.get("region") or region
        region_styles = _Styles()
        if region in self.regions:
            own, references, _ = self.regions[region]
            region_styles = self.resolve(element, (own, references))
        elif region is None and self.regions:
            self.warn(say(N_("paragraph %(paragraph)s is in no region: TTML players may not show "
                             "it; it is placed where the campaign's style puts subtitles"),
                          paragraph=index), element,
                      say(N_('add region="..." to it or to <body>')), "region")
        styles = region_styles.merged(inherited).merged(self.resolve(element, self.own_styles(element)))
        # tts:textAlign applies to the paragraph: set on it (or its style), or from the region.
        column = text_column(styles.values.get("textAlign", ("center", 0))[0])
        align, margins = self.placement(region, element, column) if region is not None \
            else (keypad("bottom", column), None)
        preserve = element.get(f"{{{XML}}}space", "preserve" if preserve else "default") == "preserve"
        text, margins = placed(self.text(element, styles, preserve, index), align, margins)
        self.parsed.cues.append(Cue(index, round(begin * 1000), round(end * 1000), text,
                                    element.sourceline, margins))

    def placed(self, element, index: int, begin: Fraction) -> bool:
        """Whether a paragraph timed in SMPTE timecode can be placed on the video (else
        reported): it begins at or after the programme's start and, its times being labels, at
        or after the paragraph before, or the timecode ran back (an edit) somewhere unknown."""
        label = (element.get("begin") or "").strip()
        if begin < 0:
            self.fail(say(N_("paragraph %(paragraph)s begins at %(label)s, before the programme "
                             "starts at %(start)s"), paragraph=index, label=label,
                          start=self.start) if label else
                      say(N_("paragraph %(paragraph)s begins, before the programme starts at "
                             "%(start)s"), paragraph=index, start=self.start), element,
                      say(N_("check the time, and the start of programme")), "timing")
            return False
        if self.labels and label:
            before = self.last_label
            if before is not None and begin < before[0]:
                self.fail(say(N_("paragraph %(paragraph)s begins at %(label)s, before paragraph "
                                 "%(previous)s (line %(line)s) at %(previous_label)s: with "
                                 "ttp:markerMode=\"discontinuous\" the times are labels of the "
                                 "programme's timecode, which would run backwards here, so where "
                                 "the paragraph falls on the video cannot be known"),
                              paragraph=index, label=label, previous=before[1], line=before[2],
                              previous_label=before[3]), element,
                          say(N_("if the timecode runs on without a break, put the paragraphs in "
                                 "the order of their times; if it jumps back (an edit), time the "
                                 "file again on the edited video")), "timing")
                return False
            self.last_label = (begin, index, element.sourceline, label)
        return True

    def text(self, element, styles: _Styles, preserve: bool, index: int) -> str:
        """The paragraph's text in SubRip markup: spans' italics, bold and underline as tags."""
        out: list[str] = []
        self._styled(styles)

        def add(piece: str | None) -> None:
            if piece:
                # XML has decoded its references: a `<` here is text (model.escaped).
                out.append(escaped(piece if preserve else re.sub(r"[ \t\r\n]+", " ", piece)))

        def visit(node, inherited: _Styles) -> None:
            add(node.text)
            for child in node:
                name = _local(child)
                if child.tag is etree.Entity:
                    self.fail(say(N_("entity %(entity)s is not expanded: write the characters "
                                     "themselves"), entity=child.text), element, code="entity")
                elif name == "br":
                    out.append("\n")
                elif name == "span":
                    if any(child.get(n) is not None for n in ("begin", "end", "dur")) and \
                            (not self.karaoke or self.karaoke[-1][0] != index):
                        self.karaoke.append((index, child))
                    own = inherited.merged(self.resolve(child, self.own_styles(child)))
                    self._styled(own)
                    tags = _tags(own)
                    out.extend(f"<{tag}>" for tag in tags)
                    visit(child, own)
                    out.extend(f"</{tag}>" for tag in reversed(tags))
                elif name not in ("metadata", "set", ""):
                    self.warn(say(N_("<%(element)s> inside a paragraph is not supported and is "
                                     "left out"), element=name),
                              child, code="element")
                add(child.tail)

        tags = _tags(styles)
        visit(element, styles)
        text = "".join(out)
        if not preserve:
            text = "\n".join(line.strip() for line in text.split("\n"))
        return "".join(f"<{t}>" for t in tags) + text + "".join(f"</{t}>" for t in reversed(tags))

    def _styled(self, styles: _Styles) -> None:
        self.parsed.styled_lines += [line for name, (value, line) in styles.values.items()
                                     if name in STYLING and value.strip().lower() not in NEUTRAL]


def _tags(styles: _Styles) -> list[str]:
    values = {name: value for name, (value, _) in styles.values.items()}
    tags = []
    if values.get("fontStyle") in ("italic", "oblique"):
        tags.append("i")
    if values.get("fontWeight") == "bold":
        tags.append("b")
    if "underline" in values.get("textDecoration", "").split():
        tags.append("u")
    return tags


def parse_ttml(text: str, path: Path) -> Parsed:
    """Cues and problems of a decoded TTML document; regions become `{\\anN}` and margins,
    colours and fonts are noted as styling the campaign's style replaces."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                             remove_comments=True, remove_pis=True, encoding="utf-8")
    try:
        root = etree.fromstring(text.encode("utf-8"), parser)
    except etree.XMLSyntaxError as exc:
        # lxml's (libxml2's) reason is English only: said as it is.
        return Parsed(diagnostics=[error(
            say(N_("this file is not well-formed XML: %(reason)s"), reason=exc.msg), path,
            exc.lineno or None, say(N_("fix the XML (an editor with XML checking shows where)")),
            "syntax")])
    namespace = etree.QName(root).namespace
    if _local(root) != "tt" or namespace not in TT_NAMESPACES:
        return Parsed(diagnostics=[error(
            say(N_("this is an XML file, but not TTML: its root element is <%(element)s> in "
                   "%(namespace)s"), element=_local(root), namespace=namespace) if namespace else
            say(N_("this is an XML file, but not TTML: its root element is <%(element)s>"),
                element=_local(root)),
            path, root.sourceline,
            say(N_('TTML starts with <tt xmlns="%(namespace)s">'), namespace=TT_NAMESPACES[0]),
            "syntax")])
    return _Reader(root, path).run()
