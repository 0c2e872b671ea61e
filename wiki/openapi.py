"""A tiny registry that turns API endpoints and their pydantic models into OpenAPI 3.1.

Routes declare their body and response models once; the document at
``/api/v1/openapi.json`` is generated from them, never written by hand.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from wiki.models import ErrorOut

Handler = Callable[[Request], Awaitable[Response]]


@dataclass
class Endpoint:
    method: str
    path: str
    summary: str
    handler: Handler
    body: type[BaseModel] | None
    response: Any
    status: int
    also: dict[int, str]  # other success statuses with the same body, e.g. 201 Created


class Api:
    def __init__(self, prefix: str, *, title: str, version: str) -> None:
        self.prefix = prefix
        self.title = title
        self.version = version
        self.endpoints: list[Endpoint] = []

    def route(
        self,
        method: str,
        path: str,
        *,
        summary: str,
        body: type[BaseModel] | None = None,
        response: Any = None,
        status: int = 200,
        also: dict[int, str] | None = None,
    ) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self.endpoints.append(
                Endpoint(method, path, summary, handler, body, response, status, also or {})
            )
            return handler

        return register

    def routes(self) -> list[Route]:
        return [Route(self.prefix + e.path, e.handler, methods=[e.method]) for e in self.endpoints]

    def document(self) -> dict[str, Any]:
        models: set[type[BaseModel]] = {ErrorOut}
        for e in self.endpoints:
            if e.body:
                models.add(e.body)
            if isinstance(e.response, type) and issubclass(e.response, BaseModel):
                models.add(e.response)
            elif isinstance(e.response, list):
                models.add(e.response[0])
        _, schema = models_json_schema(
            [(m, "validation") for m in sorted(models, key=lambda m: m.__name__)],
            ref_template="#/components/schemas/{model}",
        )
        paths: dict[str, dict[str, Any]] = {}
        for e in self.endpoints:
            op: dict[str, Any] = {
                "summary": e.summary,
                "operationId": e.handler.__name__,
                "parameters": [
                    {"name": p, "in": "path", "required": True, "schema": {"type": "string"}}
                    for p in _path_params(e.path)
                ],
                "responses": {
                    "default": {
                        "description": "An error",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/ErrorOut"}
                            }
                        },
                    },
                },
            }
            if e.body:
                op["requestBody"] = {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {"$ref": f"#/components/schemas/{e.body.__name__}"}
                        }
                    },
                }
            if e.response is None:
                op["responses"][str(e.status)] = {"description": "Done"}
            else:
                if isinstance(e.response, list):
                    ref = {
                        "type": "array",
                        "items": {"$ref": f"#/components/schemas/{e.response[0].__name__}"},
                    }
                else:
                    ref = {"$ref": f"#/components/schemas/{e.response.__name__}"}
                op["responses"][str(e.status)] = {
                    "description": "OK",
                    "content": {"application/json": {"schema": ref}},
                }
                for status, description in e.also.items():  # the 201 of a page PUT (issue #15)
                    op["responses"][str(status)] = {
                        "description": description,
                        "content": {"application/json": {"schema": ref}},
                    }
            paths.setdefault(self.prefix + _openapi_path(e.path), {})[e.method.lower()] = op
        return {
            "openapi": "3.1.0",
            "info": {"title": self.title, "version": self.version},
            "paths": paths,
            "components": {
                "schemas": schema.get("$defs", {}),
                "securitySchemes": {
                    "bearer": {"type": "http", "scheme": "bearer"},
                    "session": {"type": "apiKey", "in": "cookie", "name": "planwiki_session"},
                },
            },
            "security": [{"bearer": []}, {"session": []}],
        }


def _path_params(path: str) -> list[str]:
    import re

    return [m.split(":")[0] for m in re.findall(r"{([^}]+)}", path)]


def _openapi_path(path: str) -> str:
    import re

    return re.sub(r"{([^}:]+)(:[^}]+)?}", r"{\1}", path)
