"""OpenAPI schema hooks (drf-spectacular's pre- and postprocessing)."""


def strip_optional_slash(endpoints, **kwargs):
    """Routes accept an optional trailing slash; document them as the seed names them, without it."""
    return [
        (path.rstrip("/") if path != "/" else path, path_regex, method, callback)
        for path, path_regex, method, callback in endpoints
    ]


NULL_ENUM = "#/components/schemas/NullEnum"


def spell_nullable_references(result, generator, request, public):
    """Spell "this reference, or null" the way OpenAPI 3.0.3 means it and every generator reads it.

    drf-spectacular writes a nullable nested object as `allOf: [ref], nullable: true`, and a nullable
    choice as `oneOf: [ref, NullEnum]`. In 3.0.3 `nullable` counts only beside a `type`, so a strict
    reader refuses null in the first, and Kotlin's generator cannot compile the `NullEnum` of the
    second. Both become `oneOf: [ref, {type, nullable: true, enum: [null]}]`: null is exactly the
    second branch, and the generators make of it an optional `OwnShop` or `OrderStatusEnum`.
    """
    schemas = result.get("components", {}).get("schemas", {})

    def null_branch(reference: str) -> dict:
        target = schemas.get(reference.rsplit("/", 1)[-1], {})
        return {"type": target.get("type", "object"), "nullable": True, "enum": [None]}

    def respell(node):
        if isinstance(node, list):
            for item in node:
                respell(item)
            return
        if not isinstance(node, dict):
            return
        for value in node.values():
            respell(value)
        refs = [part.get("$ref") for part in node.get("allOf", node.get("oneOf", [])) if isinstance(part, dict)]
        if node.get("nullable") and "allOf" in node and len(refs) == 1 and refs[0]:
            node.pop("nullable")
            node["oneOf"] = [node.pop("allOf")[0], null_branch(refs[0])]
        elif "oneOf" in node and NULL_ENUM in refs:
            node.pop("nullable", None)
            node["oneOf"] = [
                part if part.get("$ref") != NULL_ENUM else null_branch(next(r for r in refs if r != NULL_ENUM))
                for part in node["oneOf"]
            ]

    respell(result.get("paths", {}))
    respell(schemas)
    schemas.pop("NullEnum", None)
    return result
