#!/usr/bin/env python3
"""`make bench`: the pipeline against hand-written ffmpeg on several campaign shapes, side by
side in one run (issues 5 and 15).

Shapes (bench/campaign.py), each rendered from 1920x1080p25 H.264 masters (10 s by default):

    a  12 languages: 4 burn, 4 soft, 4 dub (web)
    b  6 languages: 2 burn, 2 soft, 2 dub (web)
    c  8 burn (web)
    d  12 languages, no picture to encode: 6 soft, 6 dub (web)
    e  2 spots x 6 languages (2 burn, 2 soft, 2 dub) x web + proxy

Contenders (bench/contenders.py): the pipeline (full render, no-op re-run, optionally a re-run
after one SRT changed), the best hand-written commands for the shape, the floor (the shape's
unavoidable picture encodes alone) and, optionally, the plain loop. Each round runs every shape;
within a shape the contenders' order rotates from round to round, so none always starts on a
cold or a warm machine. Reported (bench/report.py): medians, per-round ratios, the targets, peak
memory. Timings are noisy on shared machines: read the ratios. Nothing asserts a timing; the
exit code is 0 unless something failed to run.

    python bench/bench_render.py                            # 3 rounds, 10 s masters, every shape
    python bench/bench_render.py --quick                    # 1 round
    python bench/bench_render.py --seconds 2 --runs 1       # a quick check of the machinery
    python bench/bench_render.py --shapes b,e --only pipeline,best --runs 5
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # `bench` and `pipeline`

from bench import contenders as contenders_module  # noqa: E402
from bench.campaign import SHAPES, Campaign, make_campaign  # noqa: E402
from bench.contenders import (  # noqa: E402
    CONTENDERS,
    DEFAULT,
    HAND_WRITTEN,
    change_one_subtitle,
    check_outputs,
    clean_pipeline_output,
    pipeline_command,
    pipeline_variants,
    run_pipeline,
)
from bench.report import (  # noqa: E402
    RESULTS,
    code_state,
    machine,
    markdown_table,
    print_shape,
    summarise_shape,
    write_results,
)
from bench.tools import BenchError, Measurement, measure, run  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="rounds (default 3)")
    parser.add_argument("--quick", action="store_true", help="one round (same as --runs 1)")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of the masters (default 10)")
    parser.add_argument("--shapes", default=",".join(SHAPES),
                        help=f"comma-separated subset of {','.join(SHAPES)} (default: all)")
    parser.add_argument("--only", default=",".join(DEFAULT),
                        help=f"comma-separated subset of {','.join(CONTENDERS)} (default: "
                             f"{','.join(DEFAULT)})")
    parser.add_argument("--output", type=Path, default=RESULTS,
                        help="results JSON (default bench/results.json)")
    parser.add_argument("--no-check", action="store_true", help="skip the untimed output checks")
    args = parser.parse_args(argv)
    runs = 1 if args.quick else args.runs
    only = [name.strip() for name in args.only.split(",") if name.strip()]
    shapes = [key.strip() for key in args.shapes.split(",") if key.strip()]
    unknown = (set(only) - set(CONTENDERS)) | (set(shapes) - set(SHAPES))
    if unknown or runs < 1:
        parser.error(f"unknown: {', '.join(sorted(unknown))}" if unknown else "--runs must be >= 1")

    try:
        campaigns = {key: make_campaign(args.seconds, SHAPES[key]) for key in shapes}
        info = machine()
    except BenchError as exc:
        print(f"bench: error: {exc}", file=sys.stderr)
        return 1
    print(f"{info['nproc']} cores, {info['cpu']}, {info['ffmpeg']}; load {info['loadavg_at_start']}",
          flush=True)
    print(f"{len(shapes)} shape(s), {args.seconds:g} s masters, {runs} round(s): {', '.join(only)}",
          flush=True)
    results = {key: {name: [] for name in CONTENDERS} for key in shapes}
    variants: dict[str, list[dict]] = {key: [] for key in shapes}
    checks: dict[str, dict] = {key: {} for key in shapes}
    def save(rounds: int, final: bool) -> None:
        """The results so far: written after every round, so a long run stopped early keeps
        the rounds it finished (`config.rounds_done` says how many)."""
        info["git_commit_at_end"] = code_state()["commit"]
        summaries = {key: summarise_shape(key, results[key], variants[key]) for key in shapes}
        if final:
            for key in shapes:
                print_shape(key, summaries[key])
            print("\nlargest = peak RSS of the largest single process (wait4); tree = peak of "
                  "the summed RSS of all processes, sampled every 50 ms\n")
            print(markdown_table(summaries))
        write_results(args.output, {
            "machine": info,
            "config": {"master_seconds": args.seconds, "runs": runs, "rounds_done": rounds,
                       "contenders": only, "hand_written_workers": contenders_module.WORKERS},
            "shapes": {key: {"title": SHAPES[key].title,
                             "languages": dict(SHAPES[key].languages),
                             "spots": SHAPES[key].spots, "profiles": SHAPES[key].profiles,
                             "summary": summaries[key],
                             "runs": {name: [m.to_json() for m in ms]
                                      for name, ms in results[key].items() if ms},
                             "pipeline_variants_last_run": variants[key][-1] if variants[key] else None,
                             "output_checks": checks[key]}
                       for key in shapes},
        })

    try:
        for round_no in range(1, runs + 1):
            for key in shapes:
                run_shape(campaigns[key], only, round_no, results[key], variants[key],
                          checks[key], not args.no_check)
            save(round_no, final=round_no == runs)
    except BenchError as exc:
        print(f"bench: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("bench: interrupted", file=sys.stderr)
        return 130
    return 0


def run_shape(c: Campaign, only: list[str], round_no: int, results: dict[str, list[Measurement]],
              variants: list[dict], checks: dict, check: bool) -> None:
    groups = [g for g in ("pipeline", *HAND_WRITTEN)
              if g in only or (g == "pipeline" and {"noop", "rerun"} & set(only))]
    if not c.shape.picture_encodes:
        groups = [g for g in groups if g != "floor"]    # nothing unavoidable to encode
    shift = (round_no - 1) % len(groups)
    order = groups[shift:] + groups[:shift]
    print(f"round {round_no}, shape {c.shape.key}: {' -> '.join(order)}", flush=True)

    def record(name: str, m: Measurement) -> None:
        results[name].append(m)
        extra = " ".join(f"{k}={v}" for k, v in m.extra.items() if v is not None and k != "code")
        if "code" in m.extra:
            changed = m.extra["code"]["pipeline_files_changed"]
            extra += f" code={m.extra['code']['commit']}{'+' + ','.join(changed) if changed else ''}"
        print(f"  {name:<9} {m.wall:8.2f} s  cpu {m.cpu:7.1f} s  load {m.load:4.1f}  "
              f"largest {m.largest_mib:6.0f} MiB  tree {m.tree_mib:6.0f} MiB  {extra}", flush=True)

    for group in order:
        if group == "pipeline":
            run_pipeline_group(c, only, round_no, record, variants)
            continue
        record(group, measure(HAND_WRITTEN[group](c)))
        if check and group not in checks:
            checks[group] = check_outputs(c, group)
            if not checks[group]["ok"]:
                print(f"  {group}: output problems: {checks[group]['problems']}", flush=True)


def run_pipeline_group(c: Campaign, only: list[str], round_no: int, record,
                       variants: list[dict]) -> None:
    if "pipeline" in only:
        clean_pipeline_output(c)
        code = code_state()
        m = measure(run_pipeline(c, f"pipeline-{round_no}", force=True))
        m.extra["code"] = code
        record("pipeline", m)
        variants.append(pipeline_variants(c))
    else:   # only the re-runs are measured: bring the output up to date first, untimed
        c.logs.mkdir(parents=True, exist_ok=True)
        run(pipeline_command(c, force=False), log=c.logs / f"setup-{round_no}.log",
            what="pipeline render (setup)")
    if "noop" in only:
        record("noop", measure(run_pipeline(c, f"noop-{round_no}", force=False)))
    if "rerun" in only and c.shape.codes("burn"):
        variant, original = change_one_subtitle(c)
        before = json.loads(c.pipeline_record(variant).read_text())["render_seconds"]
        try:
            m = measure(run_pipeline(c, f"rerun-{round_no}", force=False))
        finally:
            c.srt(variant.spot, variant.code).write_bytes(original)
        after = json.loads(c.pipeline_record(variant).read_text())["render_seconds"]
        m.extra.update({"variant": variant.stem, "render_seconds": after,
                        "render_seconds_in_full_run": before, "overhead_s": round(m.wall - after, 3)})
        record("rerun", m)


if __name__ == "__main__":
    sys.exit(main())
