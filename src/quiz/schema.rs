//! The JSON Schema of the quiz file format, generated from [`super::spec`].
//!
//! Editors (Taplo, Even Better TOML) use it for completion and squiggles. It is generated from
//! the same key tables the validator uses rather than from the serde types, because the file
//! format (answers by option text, options as strings or tables) is friendlier than the JSON the
//! page receives. It cannot express the semantic checks; `cloudbook check` remains the authority.

use serde_json::{Map, Value, json};

use super::spec::{self, Field, Ty};

/// The schema as pretty-printed JSON with a trailing newline, as published in
/// `book/reference/quiz.schema.json`.
pub fn json_schema() -> String {
    let questions: Vec<Value> = spec::QUESTION_TYPES
        .iter()
        .map(|&name| {
            let fields: Vec<Field> = spec::COMMON
                .iter()
                .chain(spec::type_fields(name).expect("every listed type has fields"))
                .copied()
                .collect();
            let mut obj = object(&fields);
            obj["title"] = json!(name);
            obj["properties"]["type"] = json!({ "const": name, "description": "The question type." });
            obj
        })
        .collect();
    let mut root = object(spec::QUIZ);
    root["properties"]["questions"] = json!({
        "description": "The questions, in order.",
        "type": "array",
        "minItems": 1,
        "items": { "oneOf": questions },
    });
    let mut top = Map::new();
    top.insert(
        "$schema".into(),
        json!("https://json-schema.org/draft/2020-12/schema"),
    );
    top.insert(
        "$id".into(),
        json!("https://cloudbook.invalid/reference/quiz.schema.json"),
    );
    top.insert("title".into(), json!("cloudbook quiz file"));
    top.insert(
        "description".into(),
        json!("One chapter's quiz (TOML), in quizzes/. See the book's reference chapter \"Quiz files\"."),
    );
    if let Value::Object(rest) = root {
        top.extend(rest);
    }
    let mut text = serde_json::to_string_pretty(&Value::Object(top)).expect("a JSON value always serialises");
    text.push('\n');
    text
}

fn object(fields: &[Field]) -> Value {
    let mut properties = Map::new();
    for f in fields {
        let mut v = ty(f.ty);
        v["description"] = json!(f.doc);
        properties.insert(f.name.to_string(), v);
    }
    let required: Vec<&str> = fields.iter().filter(|f| f.required).map(|f| f.name).collect();
    json!({
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false,
    })
}

fn ty(t: Ty) -> Value {
    match t {
        Ty::Str | Ty::Markdown => json!({ "type": "string" }),
        Ty::Bool => json!({ "type": "boolean" }),
        Ty::Count => json!({ "type": "integer", "minimum": 0, "maximum": u32::MAX }),
        Ty::Number => json!({ "type": "number" }),
        Ty::Enum(values) => json!({ "enum": values }),
        Ty::StrList | Ty::MarkdownList => json!({ "type": "array", "items": { "type": "string" } }),
        Ty::MarkdownOrTableList(fields) => {
            json!({ "type": "array", "items": { "oneOf": [{ "type": "string" }, object(fields)] } })
        }
        Ty::TableList(fields) => json!({ "type": "array", "items": object(fields) }),
        // Quiz files use none of these; they are rendered so the generator stays total.
        Ty::Int { min, max } => json!({ "type": "integer", "minimum": min, "maximum": max }),
        Ty::Check(_) => json!({ "type": "string" }),
        Ty::Duration => json!({ "oneOf": [{ "type": "string" }, { "type": "integer", "minimum": 0 }] }),
        Ty::List(inner) => json!({ "type": "array", "items": ty(*inner) }),
        Ty::Table(fields) => object(fields),
        Ty::Map(inner) => json!({ "type": "object", "additionalProperties": ty(*inner) }),
        Ty::Tagged(t) => json!({ "type": "object", "required": [t.tag] }),
        Ty::Any => json!({}),
    }
}
