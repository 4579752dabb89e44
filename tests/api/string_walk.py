"""Finding the string fields of every response shape, and reading an answer along its shape.

`declared_string_fields` lists what tests/api/string_fields.py must classify: the string
properties of every model an OpenAPI response refers to (directly or through other models),
the String fields of every GraphQL object type, and the text columns of every export.
`rest_strings` and `graphql_strings` walk one answer along its schema and yield each string
value with the field it sits in, so a check can say which field showed what.
"""

from collections.abc import Iterator
from typing import Any, get_args, get_type_hints

from graphql import (
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    get_named_type,
)

from domain.integration.records import exported

Schema = dict[str, Any]


def _components(document: Schema) -> dict[str, Schema]:
    components: dict[str, Schema] = document["components"]["schemas"]
    return components


def _ref_name(node: Schema) -> str | None:
    ref = node.get("$ref")
    return ref.rsplit("/", 1)[-1] if isinstance(ref, str) else None


def _referenced(node: Any, components: dict[str, Schema], found: set[str]) -> None:
    if isinstance(node, dict):
        if (name := _ref_name(node)) is not None and name not in found:
            found.add(name)
            _referenced(components[name], components, found)
        for value in node.values():
            _referenced(value, components, found)
    elif isinstance(node, list):
        for value in node:
            _referenced(value, components, found)


def response_models(document: Schema) -> set[str]:
    """Every component schema an operation's response refers to, however deep."""
    found: set[str] = set()
    for operations in document["paths"].values():
        for operation in operations.values():
            _referenced(operation.get("responses", {}), _components(document), found)
    return found


def _is_text(node: Any) -> bool:
    """A string property (or a list of them) holding text, not a uuid, date or enum value."""
    if not isinstance(node, dict):
        return False
    if node.get("type") == "string":
        return "format" not in node and "enum" not in node
    if node.get("type") == "array":
        return _is_text(node.get("items"))
    options: list[Any] = node.get("anyOf", node.get("oneOf", [])) or []
    return any(_is_text(option) for option in options)


def declared_string_fields(document: Schema, schema: GraphQLSchema) -> set[str]:
    components = _components(document)
    found = {
        f"rest:{name}.{prop}"
        for name in response_models(document)
        for prop, node in components[name].get("properties", {}).items()
        if _is_text(node)
    }
    for type_ in schema.type_map.values():
        if isinstance(type_, GraphQLObjectType) and not type_.name.startswith("__"):
            found |= {
                f"graphql:{type_.name}.{name}"
                for name, field in type_.fields.items()
                if get_named_type(field.type).name == "String"
            }
    for kind in exported():
        found |= {
            f"export:{kind.name}.{column}"
            for column, hint in get_type_hints(kind.export).items()
            if hint is str or str in get_args(hint)
        }
    return found


# --- reading answers ----------------------------------------------------------------------


def _resolved(node: Schema, components: dict[str, Schema]) -> tuple[str | None, Schema]:
    name = _ref_name(node)
    return (name, components[name]) if name else (None, node)


def _walk(
    node: Schema, value: Any, components: dict[str, Schema], owner: str | None
) -> Iterator[tuple[str, Any]]:
    name, node = _resolved(node, components)
    owner = name or owner
    options = node.get("anyOf") or node.get("oneOf")
    if options:
        for option in options:
            _, shape = _resolved(option, components)
            fits = shape.get("type") != "object" or (
                isinstance(value, dict) and value.keys() <= shape.get("properties", {}).keys()
            )
            if fits:
                yield from _walk(option, value, components, owner)
        return
    if isinstance(value, list) and "items" in node:
        for item in value:
            yield from _walk(node["items"], item, components, owner)
    elif isinstance(value, dict):
        properties = node.get("properties", {})
        for key, item in value.items():
            if key not in properties:
                continue
            if _is_text(properties[key]):
                yield f"rest:{owner}.{key}", item
            yield from _walk(properties[key], item, components, owner)


def rest_strings(
    document: Schema, method: str, path: str, status: int, body: Any
) -> Iterator[tuple[str, Any]]:
    """(classified name, value) of each text property in a JSON answer, read along the
    OpenAPI schema of that operation's answer."""
    responses = document["paths"][path][method.lower()]["responses"]
    content = (responses.get(str(status)) or {}).get("content", {})
    media = content.get("application/json")
    if media is None or "schema" not in media:
        return
    yield from _walk(media["schema"], body, _components(document), None)


def graphql_strings(
    schema: GraphQLSchema, data: Any, type_: Any = None
) -> Iterator[tuple[str, Any]]:
    """(classified name, value) of each String field in a GraphQL answer's `data`."""
    type_ = type_ or schema.query_type
    if isinstance(data, list):
        for item in data:
            yield from graphql_strings(schema, item, type_)
        return
    if not isinstance(data, dict):
        return
    if isinstance(type_, GraphQLUnionType):
        type_ = schema.get_type(data.get("__typename", ""))
    if not isinstance(type_, GraphQLObjectType):
        return
    for key, value in data.items():
        field = type_.fields.get(key)
        if field is None:
            continue
        named = get_named_type(field.type)
        if named.name == "String":
            yield f"graphql:{type_.name}.{key}", value
        else:
            yield from graphql_strings(schema, value, named)


def blank(value: Any) -> bool:
    """Nothing shown: null, empty text, or a list of nothing."""
    if isinstance(value, list):
        return all(blank(v) for v in value)
    return value is None or value == ""
