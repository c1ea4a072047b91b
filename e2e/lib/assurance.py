"""Figures for docs/assurance.md (issue 14): one JSON object per suite in $SYNLIG_ASSURANCE_OUT,
counted by the suite itself. Scenarios of one suite add their keys to the same file."""

import json
import os


def write_figures(suite, figures):
    folder = os.environ.get("SYNLIG_ASSURANCE_OUT")
    if not folder:
        return
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, f"{suite}.json")
    current = {}
    if os.path.exists(path):
        try:
            with open(path, encoding="utf-8") as handle:
                current = json.load(handle)
        except ValueError:
            current = {}
    current.update(figures)
    current["suite"] = suite
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(current, handle, ensure_ascii=False, indent=2, sort_keys=True)
        handle.write("\n")
