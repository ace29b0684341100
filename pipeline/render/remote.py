"""Render jobs on Dask workers; for workers that share no disk with us: inputs and outputs travel through an
object store (any `s3://` or `file://` target of `publish/storage.py`).

Inputs go up once, content-addressed (`<prefix>/inputs/<sha256>`), so a master used by 60
variants is uploaded once and a worker downloads it once. A worker renders into its own scratch
folder, uploads the variant's files under `<prefix>/outputs/<campaign>/<spot>/`, and we fetch
them into the output folder, the record last, each checked against its sha256.
"""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

from pipeline.errors import PipelineError, StorageError, internal_error
from pipeline.messages import N_, say
from pipeline.fingerprint import CACHE_NAME, HashCache, sha256_file
from pipeline.publish.storage import open_target
from pipeline.publish.target import Target
from pipeline.render.variants import VariantPlan
from pipeline.render.record import write_json
from pipeline.render.treatments import render_variant

CONTENT_TYPE = "application/octet-stream"


@dataclass(frozen=True)
class Store:
    """How a worker reaches the object store: picklable, holds no credentials."""

    url: str
    endpoint_url: str | None = None

    def open(self) -> Target:
        return open_target(self.url, Path.cwd(), self.endpoint_url)


def input_key(sha256: str) -> str:
    return f"inputs/{sha256}"


def output_key(variant: VariantPlan, name: str) -> str:
    v = variant.variant
    return f"outputs/{v.manifest.campaign}/{v.spot.id}/{name}"


def upload_inputs(variants: list[VariantPlan], target: Target) -> int:
    """Put every input not yet in the store; returns how many were uploaded."""
    uploaded, seen = 0, set()
    for variant in variants:
        for item in variant.inputs.values():
            sha = item["sha256"]
            if sha in seen:
                continue
            seen.add(sha)
            if target.head(input_key(sha)) is None:
                target.put(input_key(sha), Path(item["path"]), sha, CONTENT_TYPE)
                uploaded += 1
    return uploaded


def download(target: Target, key: str, destination: Path, sha256: str) -> Path:
    """Stream an object to `destination` (atomically) and check its sha256."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(f".{destination.name}.partial-{os.getpid()}")
    try:
        with open(partial, "wb") as handle:
            for chunk in target.read_chunks(key):
                handle.write(chunk)
        if sha256_file(partial) != sha256:
            raise StorageError(say(N_("%(location)s does not match its sha256 after download"),
                                   location=target.location(key)),
                               hint=say(N_("the object was changed or corrupted; render again")))
        os.replace(partial, destination)
    finally:
        partial.unlink(missing_ok=True)
    return destination


def _scratch() -> Path:
    return Path(tempfile.gettempdir()) / f"pipeline-worker-{os.getuid()}"


def localise(variant: VariantPlan, target: Target, scratch: Path) -> VariantPlan:
    """The same plan with every input fetched to this machine and outputs under `scratch`."""
    inputs = {}
    for role, item in variant.inputs.items():
        local = scratch / "inputs" / item["sha256"] / Path(item["path"]).name
        if not local.exists():
            download(target, input_key(item["sha256"]), local, item["sha256"])
        inputs[role] = {"path": str(local), "sha256": item["sha256"]}
    # One output folder per worker machine, so the shared picture in `.work/` serves every job.
    v = variant.variant
    manifest = replace(v.manifest, output_dir=scratch / "out")
    font = replace(variant.font, path=Path(inputs["font"]["path"])) if variant.font else None
    file_styles = {name: replace(chosen, font=replace(chosen.font,
                                                      path=Path(inputs[f"font:{name}"]["path"])))
                   for name, chosen in variant.file_styles.items()}
    return replace(variant, variant=replace(v, manifest=manifest), inputs=inputs, font=font,
                   file_styles=file_styles)


def outputs_of(variant: VariantPlan, record: dict) -> list[str]:
    """The files a render leaves for one variant, the record last."""
    certificate = [record["certificate"]] if record.get("certificate") else []
    poster = [record["poster"]] if record.get("poster") else []       # none without a picture
    return [record["file"], *poster, *record["sidecars"], *certificate,
            variant.variant.record_path.name]


def render_on_worker(variant: VariantPlan, store: Store | None,
                     cache_path: str | None = None) -> tuple[dict | None, list, float]:
    """Runs on a Dask worker: (record, diagnostics, seconds). Errors travel as diagnostics,
    which pickle cleanly, rather than as exceptions.

    With a store: fetch the inputs, render in scratch space, upload the outputs. Without one,
    the worker shares our file system and renders in place, with the output folder's cache.
    """
    started = time.monotonic()
    scratch = _scratch()
    cache = HashCache(Path(cache_path) if store is None else scratch / CACHE_NAME)
    try:
        if store is None:
            return render_variant(variant, cache), [], time.monotonic() - started
        scratch.mkdir(parents=True, exist_ok=True)
        target = store.open()
        local = localise(variant, target, scratch)
        record = render_variant(local, cache)
        record["inputs"] = variant.inputs          # the record names the media team's files
        write_json(local.variant.record_path, record)
        for name in outputs_of(variant, record):
            path = local.variant.folder / name
            target.put(output_key(variant, name), path, sha256_file(path), CONTENT_TYPE)
            path.unlink()
        return record, [], time.monotonic() - started
    except PipelineError as exc:
        return None, exc.diagnostics, time.monotonic() - started
    except Exception as exc:  # noqa: BLE001 - a bug fails its variant, not the batch
        return None, internal_error(exc, variant.variant.output).diagnostics, time.monotonic() - started
    finally:
        cache.save()


def fetch_outputs(variant: VariantPlan, record: dict, target: Target) -> None:
    """Bring a worker's outputs into the output folder, each checked, the record last so the
    variant is up to date only once everything it lists is there."""
    for name in outputs_of(variant, record):
        info = target.head(output_key(variant, name))
        if info is None or info.sha256 is None:
            raise StorageError(say(N_("%(location)s is missing after the render"),
                                   location=target.location(output_key(variant, name))))
        download(target, output_key(variant, name), variant.variant.folder / name, info.sha256)
