"""What a station's page may say of a message from the machine that rendered: its files by
name, never by their paths there.

A QC warning names its file (`c.yaml:6`) and often another in its text ("audio streams of
/tmp/t12/media/master.mov look like stems"): a trial's station page showed such a path of the
machine that rendered, in a warning's text and in the parameters the page words it from. The
catalog's warnings (`public_warning`, `public_detail`, for publish/catalog.py) and the English
reasons of its missing and outdated variants (publish/missing.py, publish/outdated.py) go
through here.
"""

from __future__ import annotations

import re
from pathlib import Path

from pipeline.errors import Diagnostic, diagnostic_from_json

# An absolute path in a message's text (a master named in a warning about its streams): at
# least one folder, then the name, not inside a word ("A/85", "24000/1001" are not paths).
LOCAL_PATH = re.compile(r"(?<![\w.~])/(?:[^\s/:;,()'\"]+/)+([^\s/:;,()'\"]+)")


def without_paths(value):
    """`value` (a text, or a detail's parameters) with every absolute path written as its
    file's name: the machine that rendered is nobody's business on a station's page."""
    if isinstance(value, str):
        return LOCAL_PATH.sub(r"\1", value)
    if isinstance(value, list):
        return [without_paths(item) for item in value]
    if isinstance(value, dict):
        return {key: without_paths(item) for key, item in value.items()}
    return value


def public_warning(data) -> str:
    """A QC warning as broadcasters read it: the file's name (never a path on the machine that
    rendered, in its place or its text), the line, the message."""
    found = diagnostic_from_json(data)
    where = _public_place(found)
    message = without_paths(found.message)
    return f"{where}: {message}" if where else message


def public_detail(data) -> dict | None:
    """A QC warning's template and parameters, with its place as `public_warning` gives it;
    None for a record written before warnings kept them."""
    detail = data.get("detail") if isinstance(data, dict) else None
    if not isinstance(detail, dict):
        return None
    where = _public_place(diagnostic_from_json(data))
    return {**({"where": where} if where else {}), **without_paths(detail)}


def _public_place(found: Diagnostic) -> str | None:
    """The file's name (never a path on the machine that rendered) and the line."""
    if found.path is None:
        return None
    return Path(str(found.path)).name + (f":{found.line}" if found.line else "")
