#!/usr/bin/env python3
"""Writes the request bodies of NetSapiens' published v2 OpenAPI description that Roster's API
implements, for the conformance test (server/tests/conformance.rs): for each operation, every
property of its JSON body with its type, enum, default, first example and whether it is read-only
or write-only.

    scripts/netsapiens-bodies.py ../shared/reference/netsapiens-api-v2.json \
        > server/tests/netsapiens/request-bodies.json
"""
import json
import sys

OPERATIONS = [
    ("post", "/domains"), ("put", "/domains/{domain}"),
    ("post", "/resellers"), ("put", "/resellers/{reseller}"),
    ("post", "/domains/{domain}/sites"), ("put", "/domains/{domain}/sites/{site}"),
    ("post", "/domains/{domain}/users"), ("put", "/domains/{domain}/users/{user}"),
    ("post", "/domains/{domain}/users/{user}/devices"),
    ("put", "/domains/{domain}/users/{user}/devices/{device}"),
    ("post", "/domains/{domain}/phonenumbers"),
    ("put", "/domains/{domain}/phonenumbers/{phonenumber}"),
    ("post", "/domains/{domain}/users/{user}/answerrules"),
    ("put", "/domains/{domain}/users/{user}/answerrules/{timeframe}"),
    ("post", "/apikeys"), ("put", "/apikeys/{key_id}"),
    ("post", "/domains/{domain}/callqueues"), ("put", "/domains/{domain}/callqueues/{callqueue}"),
    ("post", "/domains/{domain}/callqueues/{callqueue}/agents"),
    ("put", "/domains/{domain}/callqueues/{callqueue}/agents/{callqueue-agent-id}"),
]

spec = json.load(open(sys.argv[1]))


def resolve(schema):
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].split("/")[-1]]
    return schema


out = {}
for method, path in OPERATIONS:
    body = spec["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]
    body = resolve(body)
    props = {}
    for name, prop in body.get("properties", {}).items():
        prop = resolve(prop)
        kept = {
            "type": prop.get("type", "object"),
            "read-only": bool(prop.get("readOnly")),
            "write-only": bool(prop.get("writeOnly")),
        }
        for key in ("enum", "default"):
            if key in prop:
                kept[key] = prop[key]
        if prop.get("examples"):
            kept["example"] = prop["examples"][0]
        elif "example" in prop:
            kept["example"] = prop["example"]
        props[name] = kept
    out[f"{method.upper()} {path}"] = {"required": body.get("required", []), "properties": props}
json.dump(out, sys.stdout, indent=1, sort_keys=True)
print()
