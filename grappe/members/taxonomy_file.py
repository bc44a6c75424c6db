"""Reading a taxonomy file (YAML, nested nodes) — the shipped aerospace taxonomy or a cluster's own."""

from pathlib import Path

import yaml

SHIPPED_TAXONOMY = Path(__file__).parent / "data" / "taxonomy.yaml"


def read_taxonomy(path: Path = SHIPPED_TAXONOMY) -> list[dict]:
    with open(path, encoding="utf-8") as handle:
        nodes = yaml.safe_load(handle)
    if not isinstance(nodes, list):
        raise ValueError(f"{path}: a taxonomy file is a list of domains")
    return nodes
