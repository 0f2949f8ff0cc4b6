"""A YAML settings file validated by a pydantic model, with ``path:line:col`` problems."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from acd.ivr.loader import Positions, Problem, YamlError, load_yaml

M = TypeVar("M", bound=BaseModel)


def load_model(
    path: Path, model: type[M], what: str
) -> tuple[M | None, Positions | None, list[Problem]]:
    """``model`` from the YAML in ``path``; else every problem found, sorted by place."""
    try:
        data, positions = load_yaml(path.read_text(encoding="utf-8"), str(path))
    except OSError as exc:
        return None, None, [Problem(str(path), 1, 1, f"cannot read the {what}: {exc.strerror}")]
    except YamlError as exc:
        return None, None, exc.problems
    try:
        return model.model_validate(data), positions, []
    except ValidationError as exc:
        return (
            None,
            positions,
            sorted(
                positions.at(tuple(e["loc"]), f"{'.'.join(map(str, e['loc']))}: {e['msg']}")
                for e in exc.errors()
            ),
        )
