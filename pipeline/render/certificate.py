"""Loudness certificates: the programme of a delivered file measured again, judged against the
profile's standard, and written down for the station as `<stem>.loudness.html` with a plot of
its loudness over time, also as `<stem>.loudness.png` for the page's thumbnail.

The measurement is the meter's (`ebur128`, ITU-R BS.1770-4) on the file itself, from the
programme's first sample (a master's leader, bars and tone, is not programme), on the mix: the
one stereo track, or mono tracks 1 and 2 joined. Its figures are the record's, the catalog's and
the certificate's. The HTML is self-contained (the plot inline as a data: URI), every string
escaped by Jinja2; the plot is drawn by matplotlib (Agg, no display, no pyplot state).

No PDF: the HTML prints to one page from any browser, and a PDF library (fpdf2, WeasyPrint)
would be a dependency for a copy of the same page.
"""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path

import ffmpeg

from pipeline.errors import RenderError
from pipeline.messages import N_, say
from pipeline.files import write_atomically
from pipeline.media.ffmpeg import ffmpeg_release
from pipeline.media.loudness import Frame, Loudness, measure_with_frames
from pipeline.profiles import Profile
from pipeline.publish.deliverables import OTHER, kind_of
from pipeline.publish.i18n import Formats, language_name, template_environment, translations
from pipeline.render.audio import track_name
from pipeline.render.leader import leader_seconds
from pipeline.render.leveling import SharedTrack
from pipeline.standards import SHORT_TERM, SHORT_TERM_ABOVE_TARGET, STANDARDS, Check, Standard, \
    breaches, range_checks, short_term_rule, verdict

TEMPLATES = Path(__file__).parent / "templates"
CERTIFICATE_SUFFIX, PLOT_SUFFIX = "loudness.html", "loudness.png"
PLOT_SIZE = (10.0, 5.0)        # inches at PLOT_DPI: 1000 x 500 px, the page's 2:1 thumbnail
PLOT_DPI = 100


def standard_of(profile: Profile) -> Standard | None:
    return STANDARDS.get(profile.loudness_standard or "")


def check_programme(profile: Profile, loudness: Loudness, seconds: float, what: str,
                    path: Path | None = None) -> list[Check]:
    """The standard's verdict on a programme of `seconds`; `RenderError` (at `path`) with the
    figures when a rule is broken (what levelling could correct, it has: what is left is the
    mix's)."""
    standard = standard_of(profile)
    if standard is None:
        return []
    checks = verdict(standard, loudness, seconds)
    problem = breaches(standard, checks)
    if problem:
        loud = any(c.rule == SHORT_TERM and not c.passed for c in checks)
        raise RenderError(say(N_("%(what)s breaks %(problem)s"), what=what, problem=problem),
                          path,
                          hint=say(N_("the loudest 3 s are too loud for the spot's level: remix "
                                      "them quieter (short-form spots are held to target + 5 LU: "
                                      "%(rule)s)"), rule=short_term_rule(standard.name))
                          if loud else say(N_("master the mix with less dynamic range")))
    return checks


def measure_programme(path: Path, start: float, profile: Profile) -> tuple[Loudness, list[Frame]]:
    """The mix of a delivered file from `start` seconds to its end, by the meter."""
    source = ffmpeg.input(str(path), ss=f"{start:.6f}") if start else ffmpeg.input(str(path))
    if profile.audio_tracks:
        mix = ffmpeg.filter([source["a:0"], source["a:1"]], "amerge", inputs=2)
    else:
        mix = source["a:0"]
    # A mono file as the render measured it (audio_only.py): played on both loudspeakers.
    return measure_with_frames(mix, what="measuring the delivered programme", path=path,
                               dualmono=profile.channels == 1 and not profile.audio_tracks)


def programme_record(loudness: Loudness, checks: list[Check], profile: Profile,
                     start: float) -> dict:
    """The record's `loudness_standard`: the standard, each rule and the verdict (an advisory
    check's, the profile's loudness range, not part of it)."""
    standard = standard_of(profile)
    return {"name": standard.name, "title": standard.title,
            "passed": all(c.passed for c in checks if not c.advisory),
            "checks": [c.to_json() for c in checks], "programme_start_seconds": round(start, 6),
            "short_form": short_form_rule(checks)}


def short_form_rule(checks: list[Check]) -> bool:
    """Whether the programme was held to a short-term limit (a short-form spot's)."""
    return any(c.rule == SHORT_TERM for c in checks)


def certify(plan, path: Path, record: dict, audio: SharedTrack) -> None:
    """For a profile that names a loudness standard: measure the programme in the rendered file
    at `path`, put the figures and the verdict in `record` (in place of the shared track's, which
    they equal: the same samples), and write the certificate and its plot beside the variant.
    `RenderError` with the figures when the delivered programme breaks the standard."""
    variant, profile = plan.variant, plan.variant.profile
    if standard_of(profile) is None:
        return
    start = leader_seconds(profile, plan.master.video.fps if plan.master.video else None)
    loudness, frames = measure_programme(path, start, profile)
    # The error is at the file to fix (the dub, voice-over or master the sound comes from),
    # as levelling's own errors are (CONTRACT.md: PATH:LINE: error:).
    checks = check_programme(profile, loudness, plan.master.duration,
                             f"the delivered programme of {variant.stem}", track_name(plan)[1])
    # Beside the standard's rules, the profile's range limit, so that a QC desk filing the
    # certificate alone sees what the page's `loudness-range` warning says: advisory, it fails
    # no variant.
    checks += range_checks(profile.loudness_range, loudness)
    # How a mono file was measured, and its single channel's figure, stay (dual_mono_json).
    kept = {key: value for key, value in record["loudness"].items()
            if key in ("measured_as", "single_channel_lufs")}
    record["loudness"] = loudness.to_json() | audio.leveling.to_json() | kept
    record["loudness_standard"] = programme_record(loudness, checks, profile, start)
    html, png = certificate_paths(variant)
    record["certificate"] = html.name
    record["sidecars"] = record["sidecars"] + [png.name]
    language = variant.manifest.page_language
    write_certificate(record, profile, language,
                      plot_png(frames, standard_of(profile), loudness, language,
                               short_form_rule(checks)), html, png)


def certificate_paths(variant) -> tuple[Path, Path]:
    """The certificate (HTML) and its plot (PNG) beside the variant."""
    return tuple(variant.folder / f"{variant.stem}.{suffix}"
                 for suffix in (CERTIFICATE_SUFFIX, PLOT_SUFFIX))


def write_certificate_again(plan, record: dict) -> None:
    """The certificate and plot of a rendered variant, from the figures in its `record`; the
    programme is measured again for the plot's curves only. The file is the one the record
    describes (its sha256 was checked) and the meter the same (the ffmpeg version is in the
    fingerprint): the same frames, the same plot."""
    variant, profile = plan.variant, plan.variant.profile
    start = record["loudness_standard"]["programme_start_seconds"]
    loudness, frames = measure_programme(variant.output, start, profile)
    language = variant.manifest.page_language
    html, png = certificate_paths(variant)
    write_certificate(record, profile, language,
                      plot_png(frames, standard_of(profile), loudness, language,
                               record["loudness_standard"]["short_form"]), html, png)


def plot_png(frames: list[Frame], standard: Standard, loudness: Loudness, language: str,
             short_form: bool) -> bytes:
    """`plot_figure` as a PNG."""
    buffer = io.BytesIO()
    plot_figure(frames, standard, loudness, language, short_form).savefig(buffer, format="png")
    return buffer.getvalue()


def plot_figure(frames: list[Frame], standard: Standard, loudness: Loudness, language: str,
                short_form: bool):
    """Momentary and short-term loudness over the programme, the target band, the integrated
    figure and, for a programme `short_form` held to one, the short-term limit (EBU R128 s1's,
    or the house rule's after it for ATSC A/85), in the standard's unit, labelled in
    `language` (the page's): a matplotlib `Figure`, whose labels a test can read."""
    _, fmt = translations(language).gettext, Formats(language)
    # Imported here: matplotlib takes half a second to import, and most runs plot nothing
    # (a no-op re-render must stay under a second).
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    figure = Figure(figsize=PLOT_SIZE, dpi=PLOT_DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    times = [f.time for f in frames]
    floor = -50.0
    axes.axhspan(standard.target - standard.tolerance, standard.target + standard.tolerance,
                 color="#2e7d32", alpha=0.18,
                 label=_("target %(target)s %(unit)s ± %(tolerance)s LU") % {
                     "target": fmt.decimal(standard.target), "unit": standard.unit,
                     "tolerance": fmt.decimal(standard.tolerance)})
    if short_form:
        axes.axhline(standard.target + SHORT_TERM_ABOVE_TARGET, color="#c62828", linestyle="--",
                     linewidth=1.2, label=_("short-term limit (house rule, after R128 s1)")
                     if standard.short_form_house else _("short-term limit (R128 s1)"))
    axes.plot(times, [f.momentary if f.momentary is not None else float("nan") for f in frames],
              color="#90a4ae", linewidth=0.9, label=_("momentary (400 ms)"))
    axes.plot(times, [f.short_term if f.short_term is not None else float("nan") for f in frames],
              color="#0b3d91", linewidth=2.2, label=_("short-term (3 s)"))
    if loudness.defined:
        axes.axhline(loudness.integrated, color="#0b3d91", linestyle=":", linewidth=1.2,
                     label=_("integrated %(value)s %(unit)s")
                     % {"value": fmt.decimal(loudness.integrated), "unit": standard.unit})
    axes.set_ylim(floor, max(-10.0, (loudness.max_momentary or floor) + 2))
    axes.set_xlim(0, max(times, default=1.0))
    axes.set_xlabel(_("programme time (s)"))
    axes.xaxis.set_major_formatter(FuncFormatter(lambda seconds, _position: fmt.number(seconds)))
    axes.set_ylabel(standard.unit)
    axes.grid(True, alpha=0.3)
    axes.legend(loc="lower right", fontsize=8, framealpha=0.9)
    figure.tight_layout()
    return figure


# A figure of a rule as standards.py words it ("-23.0 LUFS ± 0.5 LU", "≤ -1.0 dBTP"): C-locale
# decimals.
_FIGURE = re.compile(r"-?\d+(?:\.(\d+))?")


def local_rule(limit: str, fmt: Formats) -> str:
    """A rule's words with each figure written for the page's locale, to as many decimals as
    the record has ("≤ -1.0"; "≤ -1,0" in a decimal-comma locale): the record keeps the rule
    in the C locale, and the certificate's measured figures beside it are in the locale's."""
    def local(figure: re.Match) -> str:
        decimals = len(figure.group(1) or "")
        return fmt.decimal(float(figure.group(0)), decimals) if decimals else \
            fmt.number(int(figure.group(0)))
    return _FIGURE.sub(local, limit)


def write_certificate(record: dict, profile: Profile, page_language: str, png: bytes,
                      html_path: Path, png_path: Path) -> None:
    """The certificate (HTML, the plot inline) and the plot (PNG), each put in place whole.
    Every figure comes from `record`, so the certificate says what the record says."""
    standard = standard_of(profile)
    fmt = Formats(page_language)
    checks = [check | {"limit": local_rule(check["limit"], fmt)}
              for check in record["loudness_standard"]["checks"]]
    # The standard's own rules decide its verdict; a house rule beside them is said apart, as is
    # the profile's range limit (advisory; records before it have no such check, nor the key).
    own = [check for check in checks if not check["house"]]
    html = template_environment(TEMPLATES, page_language).get_template("certificate.html.j2").render(
        record=record, standard=standard, own=own,
        house=[check for check in checks if check["house"]],
        passed=all(check["passed"] for check in own), loudness=record["loudness"],
        spanish_name=_also_named(record), fmt=fmt, kind=_kind_label(record, profile),
        page_language=page_language, ffmpeg=ffmpeg_release(record["ffmpeg"]),
        plot="data:image/png;base64," + base64.b64encode(png).decode("ascii"))
    write_atomically(png_path, png)
    write_atomically(html_path, html)


def _also_named(record: dict) -> str | None:
    """The language's Spanish name beside the manifest's, unless that says it already: the
    demo's "Maaya tʼaan (maya yucateco)" was headed "(maya, yua)" after it."""
    spanish, own = language_name(record["language"], "es", record["language_name"]), \
        record["language_name"]
    said = re.search(rf"(?<!\w){re.escape(spanish)}(?!\w)", own, re.IGNORECASE)
    return None if said else spanish


def _kind_label(record: dict, profile: Profile) -> str | None:
    """What the file is for a station, as the page's card says it ("TV master, MXF XDCAM
    HD422"), a message to translate; None for a profile of no known kind (its name alone)."""
    kind = kind_of({"profile": profile.name, "profile_base": profile.file_kind,
                    "file": record["file"]})
    return None if kind is OTHER else kind.label
