"""The routing policy file (``routing.yaml``): the skills and call types routing knows.

The IVR linter checks every queue, transfer and callback against it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from acd.ivr.loader import Problem, YamlError, load_yaml

Level = Annotated[int, Field(ge=1, le=10)]


class CallType(BaseModel):
    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    description: str = ""
    skills: dict[str, Level] = {}
    """Minimum skill levels an agent needs to take this call type."""


class RoutingPolicy(BaseModel):
    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    skills: list[str]
    """Every skill name agents and call types may use."""
    call_types: dict[str, CallType]


def load_policy(path: Path) -> tuple[RoutingPolicy | None, list[Problem]]:
    """The policy in ``path``, or every problem with its ``path:line:col``."""
    try:
        data, positions = load_yaml(path.read_text(encoding="utf-8"), str(path))
    except OSError as exc:
        return None, [Problem(str(path), 1, 1, f"cannot read the routing policy: {exc.strerror}")]
    except YamlError as exc:
        return None, exc.problems
    try:
        policy = RoutingPolicy.model_validate(data)
    except ValidationError as exc:
        return None, [
            positions.at(tuple(e["loc"]), f"{'.'.join(map(str, e['loc']))}: {e['msg']}")
            for e in exc.errors()
        ]
    problems = [
        positions.at(("call_types", name, "skills", skill), f"unknown skill {skill!r}")
        for name, spec in policy.call_types.items()
        for skill in spec.skills
        if skill not in policy.skills
    ]
    return (None if problems else policy), problems
