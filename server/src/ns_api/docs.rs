//! The API's browsable documentation: one HTML page made from the OpenAPI document itself (no
//! script, nothing fetched from elsewhere), so it always says what the server does.

use serde_json::Value;
use utoipa::openapi::OpenApi;

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Prose from the document as HTML: escaped, with its `code spans` set as code (the document's
/// descriptions are Markdown of that kind).
fn prose(text: &str) -> String {
    let ticks = text.matches('`').count();
    escape(text)
        .split('`')
        .enumerate()
        .map(|(i, part)| match i % 2 {
            // After an opening tick: code if a closing one follows, else the lone tick as typed.
            1 if i < ticks => format!("<code>{part}</code>"),
            1 => format!("`{part}"),
            _ => part.to_owned(),
        })
        .collect()
}

/// `#/components/schemas/Name` → the schema called Name.
fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(reference) => reference
            .strip_prefix("#/components/schemas/")
            .and_then(|name| doc.pointer(&format!("/components/schemas/{name}")))
            .unwrap_or(schema),
        None => schema,
    }
}

fn type_of(schema: &Value) -> String {
    match schema.get("type") {
        Some(Value::String(t)) => t.clone(),
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(" | "),
        _ if schema.get("oneOf").is_some() => "text or list".into(),
        _ if schema.get("$ref").is_some() => schema["$ref"]
            .as_str()
            .unwrap_or_default()
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_owned(),
        _ => "any".into(),
    }
}

fn fields(doc: &Value, schema: &Value, out: &mut String) {
    let schema = resolve(doc, schema);
    let schema = match schema.get("items") {
        Some(items) if schema.get("type") == Some(&Value::from("array")) => resolve(doc, items),
        _ => schema,
    };
    let Some(props) = schema.get("properties").and_then(Value::as_object) else {
        out.push_str(&format!("<p>{}</p>", escape(&type_of(schema))));
        return;
    };
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    out.push_str("<table><tr><th>Field</th><th>Type</th><th>About</th></tr>");
    for (name, prop) in props {
        out.push_str(&format!(
            "<tr><td><code>{}</code>{}</td><td>{}</td><td>{}</td></tr>",
            escape(name),
            if required.contains(&name.as_str()) {
                " <b>required</b>"
            } else {
                ""
            },
            escape(&type_of(prop)),
            prose(
                prop.get("description")
                    .and_then(Value::as_str)
                    .unwrap_or("")
            )
        ));
    }
    out.push_str("</table>");
}

/// The documentation page of `doc`.
pub fn page(doc: &OpenApi) -> String {
    let doc = serde_json::to_value(doc).unwrap_or_default();
    let mut body = String::new();
    let info = &doc["info"];
    body.push_str(&format!(
        "<h1>{} <small>{}</small></h1><p>{}</p><p>Base: <code>/ns-api/v2</code>. The machine-readable description: <a href=\"/ns-api/v2/openapi.json\">openapi.json</a> (OpenAPI {}).</p>",
        escape(info["title"].as_str().unwrap_or("API")),
        escape(info["version"].as_str().unwrap_or("")),
        prose(info["description"].as_str().unwrap_or("")),
        escape(doc["openapi"].as_str().unwrap_or("3.1"))
    ));
    let mut index = String::from("<nav><ul>");
    let mut sections = String::new();
    if let Some(paths) = doc["paths"].as_object() {
        for (path, item) in paths {
            for method in ["get", "post", "put", "delete", "patch"] {
                let Some(op) = item.get(method) else { continue };
                let id = op["operationId"].as_str().unwrap_or(method);
                let summary = op["summary"].as_str().unwrap_or("");
                index.push_str(&format!(
                    "<li><a href=\"#{id}\"><code>{} {}</code></a> {}</li>",
                    method.to_uppercase(),
                    escape(path),
                    prose(summary)
                ));
                sections.push_str(&format!(
                    "<section id=\"{id}\"><h2><code>{} {}</code></h2><p>{}</p>",
                    method.to_uppercase(),
                    escape(path),
                    prose(op["description"].as_str().unwrap_or(summary))
                ));
                if let Some(params) = op["parameters"].as_array().filter(|p| !p.is_empty()) {
                    sections.push_str(
                        "<h3>Parameters</h3><table><tr><th>Name</th><th>In</th><th>About</th></tr>",
                    );
                    for p in params {
                        sections.push_str(&format!(
                            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
                            escape(p["name"].as_str().unwrap_or("")),
                            escape(p["in"].as_str().unwrap_or("")),
                            prose(p["description"].as_str().unwrap_or(""))
                        ));
                    }
                    sections.push_str("</table>");
                }
                if let Some(content) = op
                    .pointer("/requestBody/content")
                    .and_then(Value::as_object)
                {
                    for (media, body) in content {
                        sections.push_str(&format!("<h3>Body <code>{}</code></h3>", escape(media)));
                        fields(&doc, &body["schema"], &mut sections);
                    }
                }
                sections.push_str("<h3>Answers</h3><ul>");
                if let Some(responses) = op["responses"].as_object() {
                    for (status, r) in responses {
                        sections.push_str(&format!(
                            "<li><b>{}</b> {}</li>",
                            escape(status),
                            prose(r["description"].as_str().unwrap_or(""))
                        ));
                    }
                }
                sections.push_str("</ul></section>");
            }
        }
    }
    index.push_str("</ul></nav>");
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Roster API</title>\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <style>body{{font:15px/1.5 system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem;color:#1b1f24}}\
         table{{border-collapse:collapse;width:100%;margin:.5rem 0}}td,th{{border:1px solid #d0d7de;padding:.25rem .5rem;text-align:left;vertical-align:top}}\
         section{{border-top:1px solid #d0d7de;margin-top:1.5rem}}code{{background:#f6f8fa;padding:0 .2rem}}nav li{{list-style:none}}</style>\
         </head><body>{body}{index}{sections}</body></html>"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_spans_become_code_and_everything_else_is_escaped() {
        assert_eq!(
            prose("Send `Authorization: Bearer <token>` & wait"),
            "Send <code>Authorization: Bearer &lt;token&gt;</code> &amp; wait"
        );
        assert_eq!(prose("a lone ` stays"), "a lone ` stays");
        assert_eq!(
            prose("`a` and `b` then `c"),
            "<code>a</code> and <code>b</code> then `c"
        );
    }
}
