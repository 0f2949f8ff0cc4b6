"""The REST API's endpoints, declared once: routes, input checks, roles and ``/openapi.json``.

Each endpoint names its pydantic models for the query, the body and the answer; ``Api``
checks requests against them (400 with every problem otherwise), refuses roles that may not
call it (403), and writes the OpenAPI 3.1 document from the same declarations. Handlers
return a model (or a list of them), or raise ``Problem``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic.json_schema import models_json_schema

from acd.auth import ROLES, Principal, Role
from acd.http_auth import PRINCIPAL, problem

REF = "#/components/schemas/{model}"
PROBLEM_REF = "#/components/schemas/Problem"
PROBLEM_SCHEMA = {
    "type": "object",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
    },
    "required": ["type", "title", "status"],
}


class Problem(Exception):
    """An answer as problem+json: ``raise Problem(404, "no such call")``."""

    def __init__(self, status: int, title: str, detail: str = "") -> None:
        super().__init__(title)
        self.status, self.title, self.detail = status, title, detail


@dataclass(frozen=True, slots=True)
class Ask:
    """One request, checked: who asks, the path's parts, the query and the body."""

    who: Principal | None
    """None when acd runs without auth (tests of parts that are not about it)."""
    path: dict[str, str]
    query: Any
    body: Any
    request: web.Request


Handler = Callable[[Ask], Awaitable[Any]]


@dataclass(frozen=True, slots=True)
class Endpoint:
    method: str
    path: str
    summary: str
    handler: Handler
    answer: Any
    """The answer's model (or ``list[Model]``)."""
    roles: tuple[Role, ...]
    query: type[BaseModel] | None
    body: type[BaseModel] | None
    status: int
    errors: tuple[int, ...]
    media: str


class Api:
    def __init__(self, title: str, version: str) -> None:
        self.title, self.version = title, version
        self.endpoints: list[Endpoint] = []

    def route(
        self,
        method: str,
        path: str,
        summary: str,
        *,
        answer: Any,
        roles: Sequence[Role] = ROLES,
        query: type[BaseModel] | None = None,
        body: type[BaseModel] | None = None,
        status: int = 200,
        errors: Sequence[int] = (),
        media: str = "application/json",
    ) -> Callable[[Handler], Handler]:
        """``media``: what the answer is when not JSON (the handler returns a response)."""

        def register(handler: Handler) -> Handler:
            self.endpoints.append(Endpoint(method, path, summary, handler, answer, tuple(roles),
                                           query, body, status, tuple(errors), media))  # fmt: skip
            return handler

        return register

    def add_to(self, app: web.Application) -> None:
        for endpoint in self.endpoints:
            app.router.add_route(endpoint.method, endpoint.path, _serve(endpoint))
        app.router.add_get("/openapi.json", self._spec)

    async def _spec(self, _: web.Request) -> web.Response:
        return web.json_response(self.spec())

    def spec(self) -> dict[str, Any]:
        models = {m for e in self.endpoints for m in (e.query, e.body, _model(e.answer)) if m}
        _, defs = models_json_schema(
            [(model, "validation") for model in sorted(models, key=lambda m: m.__name__)],
            ref_template=REF,
        )
        schemas = {**defs.get("$defs", {}), "Problem": PROBLEM_SCHEMA}
        paths: dict[str, dict[str, Any]] = {}
        for endpoint in self.endpoints:
            paths.setdefault(endpoint.path, {})[endpoint.method.lower()] = _operation(endpoint)
        return {
            "openapi": "3.1.0",
            "info": {"title": self.title, "version": self.version},
            "paths": paths,
            "components": {
                "schemas": schemas,
                "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            },
            "security": [{"bearer": []}],
        }


def _serve(endpoint: Endpoint) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    async def serve(request: web.Request) -> web.StreamResponse:
        who = request.get(PRINCIPAL)
        if who is not None and who.role not in endpoint.roles:
            return problem(403, "not allowed", f"for {', '.join(endpoint.roles)} only")
        try:
            query = _checked(endpoint.query, dict(request.query)) if endpoint.query else None
            body = await _body(endpoint.body, request) if endpoint.body else None
            ask = Ask(who, dict(request.match_info), query, body, request)
            answer = await endpoint.handler(ask)
        except Problem as exc:
            return problem(exc.status, exc.title, exc.detail)
        if isinstance(answer, web.StreamResponse):
            return answer
        data = TypeAdapter(endpoint.answer).dump_python(answer, mode="json")
        return web.json_response(data, status=endpoint.status)

    return serve


async def _body(model: type[BaseModel], request: web.Request) -> BaseModel:
    try:
        data = await request.json()
    except ValueError:
        raise Problem(400, "bad request", "the body must be JSON") from None
    except web.HTTPRequestEntityTooLarge as exc:
        raise Problem(413, "request too large", exc.text or "") from None
    return _checked(model, data)


def _checked(model: type[BaseModel], data: object) -> BaseModel:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        found = "; ".join(
            f"{'.'.join(map(str, e['loc'])) or 'body'}: {e['msg']}" for e in exc.errors()
        )
        raise Problem(400, "bad request", found) from None


def _model(answer: Any) -> type[BaseModel] | None:
    inner = getattr(answer, "__args__", (answer,))[0]
    return inner if isinstance(inner, type) and issubclass(inner, BaseModel) else None


def _operation(endpoint: Endpoint) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "summary": endpoint.summary,
        "description": f"For {', '.join(endpoint.roles)}.",
        "operationId": f"{endpoint.method.lower()}{endpoint.path.replace('/', '_')}",
        "responses": {str(endpoint.status): {"description": "done", "content": {
            endpoint.media: {"schema": _answer(endpoint.answer)}}}},
    }  # fmt: skip
    parameters = [
        {"name": name[1:-1], "in": "path", "required": True, "schema": {"type": "string"}}
        for name in endpoint.path.split("/")
        if name.startswith("{")
    ]
    if endpoint.query is not None:
        schema = _schema(endpoint.query)
        for name, field in schema.get("properties", {}).items():
            parameters.append({"name": name, "in": "query", "schema": _not_null(field),
                               "required": name in schema.get("required", ())})  # fmt: skip
    if parameters:
        operation["parameters"] = parameters
    if endpoint.body is not None:
        ref = {"$ref": f"#/components/schemas/{endpoint.body.__name__}"}
        operation["requestBody"] = {"required": True, "content": _json(ref)}
    too_large = (413,) if endpoint.body is not None else ()
    for status in (400, 401, 403, *too_large, *endpoint.errors):
        operation["responses"][str(status)] = {
            "description": "problem",
            "content": {"application/problem+json": {"schema": {"$ref": PROBLEM_REF}}},
        }
    return operation


def _schema(model: Any) -> dict[str, Any]:
    """The JSON schema of ``model``, its parts referred to in ``components``."""
    schema = TypeAdapter(model).json_schema(ref_template=REF)
    schema.pop("$defs", None)
    return schema


def _answer(answer: Any) -> dict[str, Any]:
    if isinstance(answer, type) and issubclass(answer, BaseModel):
        return {"$ref": REF.format(model=answer.__name__)}
    return _schema(answer)


def _not_null(schema: dict[str, Any]) -> dict[str, Any]:
    """A query parameter's schema: absent rather than null."""
    kinds = [kind for kind in schema.get("anyOf", ()) if kind != {"type": "null"}]
    if len(kinds) != 1:
        return schema
    rest = {key: value for key, value in schema.items() if key not in ("anyOf", "default")}
    return {**rest, **kinds[0]}


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}
