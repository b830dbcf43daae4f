"""JSON Schemas of the input files: the published contract of the YAML formats."""

import json
from functools import cache
from importlib import resources


@cache
def load_schema(name: str) -> dict:
    """The schema ``name`` ("issue" or "style") as a dict."""
    return json.loads(resources.files(__package__).joinpath(f"{name}.schema.json").read_text("utf-8"))
