"""Medians, ratios and targets per shape; the tables printed and the JSON written."""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
from datetime import datetime, timezone
from pathlib import Path

from bench.campaign import ROOT, SHAPES
from bench.tools import Measurement, ffmpeg_binary, pipeline_binary

RESULTS = ROOT / "bench" / "results.json"

# Issue 15: never behind the best hand-written commands, ahead of them where sharing audio and
# pictures gives the pipeline an edge no single command has, and close to the unavoidable
# encodes; issue 5: a no-op run and a re-run after one change cost under a second.
BEST_TARGET = 1.00
MIXED_BEST_TARGET = 0.95
MIXED_SHAPES = ("a", "b", "e")
FLOOR_TARGET = 1.10
NOOP_SECONDS = 1.0
RERUN_OVERHEAD_SECONDS = 1.0


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def _paired(a: list[Measurement], b: list[Measurement]) -> dict | None:
    """a / b per round (the two ran minutes apart in the same round), and its median."""
    if not a or not b:
        return None
    pairs = [x.wall / y.wall for x, y in zip(a, b)]
    return {"median_of_round_ratios": round(median(pairs), 3),
            "ratio_of_medians": round(median([m.wall for m in a]) / median([m.wall for m in b]), 3),
            "per_round": [round(p, 3) for p in pairs],
            "cpu_median_of_round_ratios": round(median(
                [x.cpu / y.cpu for x, y in zip(a, b) if y.cpu]), 3)}


def summarise_shape(key: str, results: dict[str, list[Measurement]], variants: list[dict]) -> dict:
    out: dict = {"contenders": {}, "ratios": {}, "targets": {}}
    for name, ms in results.items():
        if not ms:
            continue
        walls = [m.wall for m in ms]
        out["contenders"][name] = {
            "runs": len(ms), "median_wall_s": round(median(walls), 3),
            "min_wall_s": round(min(walls), 3), "max_wall_s": round(max(walls), 3),
            "median_cpu_s": round(median([m.cpu for m in ms]), 2),
            "largest_process_mib": round(max(m.largest_mib for m in ms), 1),
            "tree_sampled_mib": round(max(m.tree_mib for m in ms), 1),
        }
    for other in ("best", "floor", "loop"):
        ratio = _paired(results.get("pipeline", []), results.get(other, []))
        if ratio:
            out["ratios"][f"pipeline/{other}"] = ratio
    ratio = _paired(results.get("best", []), results.get("floor", []))
    if ratio:
        out["ratios"]["best/floor"] = ratio
    best_target = MIXED_BEST_TARGET if key in MIXED_SHAPES else BEST_TARGET
    for name, target in (("pipeline/best", best_target), ("pipeline/floor", FLOOR_TARGET)):
        if name in out["ratios"]:
            value = out["ratios"][name]["median_of_round_ratios"]
            out["targets"][name] = {"value": value, "target": f"<= {target:.2f}",
                                    "pass": value <= target}
    if results.get("noop"):
        value = median([m.wall for m in results["noop"]])
        starts = max(m.extra.get("ffmpeg_commands") or 0 for m in results["noop"])
        out["targets"]["noop"] = {"value": round(value, 3), "target": f"< {NOOP_SECONDS:g} s, no ffmpeg",
                                  "ffmpeg_commands": starts,
                                  "pass": value < NOOP_SECONDS and starts == 0}
    if results.get("rerun"):
        overhead = median([m.extra["overhead_s"] for m in results["rerun"]])
        rendered = {m.extra.get("rendered") for m in results["rerun"]}
        out["targets"]["rerun"] = {
            "value": round(overhead, 3),
            "target": f"wall - variant's render_seconds < {RERUN_OVERHEAD_SECONDS:g} s",
            "rendered_variants": sorted(r for r in rendered if r is not None),
            "pass": overhead < RERUN_OVERHEAD_SECONDS and rendered == {1}}
    if variants:
        per_treatment: dict[str, list[float]] = {}
        for run_variants in variants:
            for v in run_variants.values():
                per_treatment.setdefault(v["treatment"], []).append(v["render_seconds"])
        out["pipeline_render_seconds"] = {
            t: {"median_per_variant_s": round(median(s), 2), "sum_per_run_s": round(sum(s) / len(variants), 2)}
            for t, s in per_treatment.items()}
    return out


LABELS = {"pipeline": "pipeline render --force", "noop": "pipeline no-op re-run",
          "rerun": "pipeline, 1 SRT changed", "best": "best hand-written (j2)",
          "floor": "floor: picture encodes only", "loop": "plain loop (1 ffmpeg/variant)"}


def print_shape(key: str, summary: dict) -> None:
    contenders, targets = summary["contenders"], summary["targets"]
    row = "{:<30} {:>4} {:>9} {:>15} {:>7} {:>9} {:>9} {:>16} {:>6}"
    print(f"\nshape {key}: {SHAPES[key].title}")
    print(row.format("contender", "runs", "median s", "min-max s", "cpu s", "largest", "tree",
                     "pipeline/this", "result"))
    print("-" * 113)
    for name in ("pipeline", "best", "floor", "loop", "noop", "rerun"):
        if name not in contenders:
            continue
        c = contenders[name]
        ratio, result = "", ""
        if f"pipeline/{name}" in summary["ratios"]:
            t = targets.get(f"pipeline/{name}")
            ratio = f"{summary['ratios'][f'pipeline/{name}']['median_of_round_ratios']:.3f}"
            if t:
                ratio += f" ({t['target']})"
                result = "PASS" if t["pass"] else "FAIL"
        elif name in targets:
            t = targets[name]
            ratio = f"{t['target']}" if name == "noop" else f"+{t['value']:.2f} s"
            result = "PASS" if t["pass"] else "FAIL"
        print(row.format(LABELS[name], c["runs"], f"{c['median_wall_s']:.2f}",
                         f"{c['min_wall_s']:.2f}-{c['max_wall_s']:.2f}", f"{c['median_cpu_s']:.1f}",
                         f"{c['largest_process_mib']:.0f} MiB", f"{c['tree_sampled_mib']:.0f} MiB",
                         ratio, result))
    if "pipeline_render_seconds" in summary:
        parts = [f"{t} {v['median_per_variant_s']:.2f} s/variant"
                 for t, v in summary["pipeline_render_seconds"].items()]
        print("pipeline render_seconds by treatment: " + "; ".join(parts))


def markdown_table(summaries: dict[str, dict]) -> str:
    """The README's table: one row per shape, medians and paired ratios."""
    lines = ["| shape | pipeline s | best s | floor s | pipeline/best | pipeline/floor | no-op s "
             "| pipeline peak tree |",
             "| --- | --- | --- | --- | --- | --- | --- | --- |"]

    def wall(summary: dict, name: str) -> str:
        c = summary["contenders"].get(name)
        return f"{c['median_wall_s']:.1f}" if c else "-"

    def target(summary: dict, name: str) -> str:
        t = summary["targets"].get(name)
        return f"{t['value']:.3f} ({t['target']}: {'pass' if t['pass'] else 'FAIL'})" if t else "-"

    for key, summary in summaries.items():
        noop = summary["targets"].get("noop")
        tree = summary["contenders"].get("pipeline", {}).get("tree_sampled_mib")
        noop_s = f"{noop['value']:.2f}" if noop else "-"
        peak = f"{tree:.0f} MiB" if tree else "-"
        lines.append(f"| {key}: {SHAPES[key].title} | {wall(summary, 'pipeline')} | "
                     f"{wall(summary, 'best')} | {wall(summary, 'floor')} | "
                     f"{target(summary, 'pipeline/best')} | {target(summary, 'pipeline/floor')} | "
                     f"{noop_s} | {peak} |")
    return "\n".join(lines)


# --- where and on what it ran ---------------------------------------------------------------------

def code_state() -> dict:
    """The commit, and the pipeline files that differ from it: other people edit the pipeline while
    it is measured, so each pipeline run says which code it ran."""
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True, check=False).stdout.strip()
    dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--", "pipeline"],
                           capture_output=True, text=True, check=False).stdout.split("\n")
    return {"commit": commit, "pipeline_files_changed": [line[3:] for line in dirty if line.strip()]}


def machine() -> dict:
    version = subprocess.run([ffmpeg_binary(), "-hide_banner", "-version"], capture_output=True,
                             text=True, check=False).stdout.splitlines()
    cpu = ""
    try:
        cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                    if line.startswith("model name")), "")
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    code = code_state()
    pipeline_version = subprocess.run([pipeline_binary(), "--version"], capture_output=True, text=True,
                                      check=False).stdout.strip()
    return {"nproc": len(os.sched_getaffinity(0)), "cpu": cpu, "memory_gib": round(memory / 2**30, 1),
            "ffmpeg": version[0] if version else "unknown",
            "python": platform.python_version(), "kernel": platform.release(),
            "pipeline": pipeline_version, "git_commit": code["commit"],
            "pipeline_files_changed_since_commit": code["pipeline_files_changed"],
            "loadavg_at_start": [round(x, 2) for x in os.getloadavg()]}


def write_results(path: Path, data: dict) -> None:
    data = {"date": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"), **data}
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(temporary, path)
    print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}", flush=True)
