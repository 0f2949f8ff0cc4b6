"""Shared by the interpreter tests: inline flows to a ``Catalog``, and one ``simulate`` call."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from acd.directory import Directory
from acd.ivr import steps as s
from acd.ivr.catalog import Catalog
from acd.ivr.lint import check
from acd.ivr.simulate import Simulation, simulate

ROOT = Path(__file__).resolve().parents[2]
MONDAY_10 = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)
CUSTOMERS = Directory.from_json(ROOT / "samples" / "customers.json")


def catalog(tmp_path: Path, *flows: str, version: str = "test") -> Catalog:
    folder = tmp_path / version
    folder.mkdir()
    for index, text in enumerate(flows):
        (folder / f"flow{index}.yaml").write_text(text, encoding="utf-8")
    checked = check(sorted(folder.iterdir()))
    assert checked.problems == []
    return Catalog(version, checked.flows)


def run(
    flows: Catalog,
    flow: str,
    keys: str = "",
    *,
    caller: str = "14155550100",
    at: dt.datetime = MONDAY_10,
    directory: Directory | None = CUSTOMERS,
    broken: Callable[[s.Command], bool] = lambda _: False,
) -> Simulation:
    return simulate(
        flows, flow, caller=caller, keys=keys, at=at, directory=directory, broken=broken
    )
