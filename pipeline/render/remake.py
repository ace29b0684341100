"""The files beside an up-to-date variant (its poster, loudness certificate and plot, subtitle
sidecars) made again, when one was deleted or replaced, from the variant's rendered file and
its record, and its record's warnings of its inputs rewritten when the plan words them
otherwise (a profile joins those a loudness-range warning names; a warning dealt with in the
manifest): a poster is one frame decoded, a certificate the sound measured again, sidecars the
planned cues written out (a TV master's EBU-TT sidecar too, also for a master rendered before
it had one). The variant itself is not encoded again (a burn's x264 encode is
~100 times a poster's cost), and its record keeps every figure: only the sizes of what is
beside it change (`beside`, what the next plan compares)."""

from __future__ import annotations

from pipeline.errors import RenderError
from pipeline.messages import N_, Items, say
from pipeline.fingerprint import HashCache
from pipeline.render.certificate import certificate_paths, write_certificate_again
from pipeline.render.ebutt_sidecar import ebutt_name, write_ebutt_sidecar
from pipeline.render.record import (
    RECORD_WARNINGS,
    extract_poster,
    files_beside,
    poster_time,
    write_json,
    write_sidecars,
)
from pipeline.render.stored_record import read_record
from pipeline.render.variants import VariantPlan
from pipeline.subtitles.sidecars import SIDECAR_SUFFIXES


def remake_beside(plan: VariantPlan, cache: HashCache) -> dict:
    """Make again the files `plan.remake` names; return the variant's record, rewritten with
    their sizes. `RenderError` when the variant's file or record changed since it was planned
    (the files would be made from something the record does not describe)."""
    variant = plan.variant
    record = read_record(variant.record_path)
    if record is None or record.get("fingerprint") != plan.fingerprint \
            or not variant.output.is_file() or cache.sha256(variant.output) != record.get("sha256"):
        raise RenderError(say(N_("%(variant)s: its file or record changed while it was planned: "
                                 "%(files)s not made again"), variant=variant.stem,
                              files=Items(tuple(plan.remake))), variant.output,
                          hint=say(N_("run %(command)s again"), command="'pipeline render'"))
    wanted = set(plan.remake)
    if record.get("poster") in wanted:
        extract_poster(variant.output, poster_time(plan), variant.poster_path)
    if record.get("certificate") and wanted & {path.name for path in certificate_paths(variant)}:
        write_certificate_again(plan, record)
    ebutt = ebutt_name(plan)
    if wanted & {variant.sidecar_path(suffix).name for suffix in SIDECAR_SUFFIXES}:
        write_sidecars(plan)       # the EBU-TT sidecar with them, when the variant has one
    elif ebutt in wanted:
        write_ebutt_sidecar(plan)
    if ebutt and ebutt not in record["sidecars"]:
        record["sidecars"].append(ebutt)   # a master rendered before it had one
    if RECORD_WARNINGS in wanted:
        # The plan's warnings of the inputs in place of those of the render's plan; the
        # file's own (its loudness, its checks), read on it then, kept after them.
        qc = record["qc"]
        qc["warnings"] = [w.to_json() for w in plan.warnings] + qc["warnings"][qc["from_inputs"]:]
        qc["from_inputs"] = len(plan.warnings)
    record["beside"] = files_beside(variant.folder, record)
    write_json(variant.record_path, record)
    return record
