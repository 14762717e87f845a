"""The `kindreflex schema` command: the dossier's JSON Schema."""

from __future__ import annotations

import argparse
import json

from kindreflex_tui.dossier.model import Dossier


def run_schema(args: argparse.Namespace) -> int:
    """Print the JSON Schema of the dossier document."""
    schema = Dossier.model_json_schema()
    print(json.dumps(schema, indent=2, ensure_ascii=False))
    return 0
