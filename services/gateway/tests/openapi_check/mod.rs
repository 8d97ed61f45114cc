//! Checks a JSON answer against the OpenAPI document the gateway serves: the
//! schema of the operation's response for that status. Covers what utoipa
//! emits (`$ref`, `oneOf`/`anyOf`/`allOf`, `type` as a name or a list,
//! `enum`, `properties`, `required`, `items`, `minimum`/`maximum`), and is
//! stricter than JSON Schema on one point: a member the schema does not
//! declare is an error, so that the document cannot fall behind the answers.

use serde_json::Value;

/// The errors of `instance` against the response schema of `method path`
/// (a path template of the document, e.g. `/api/v1/communes/{insee}/questions`)
/// for `status`; empty when it matches.
pub fn response_errors(document: &Value, method: &str, path: &str, status: u16, instance: &Value) -> Vec<String> {
    let responses = &document["paths"][path][method]["responses"];
    let response = &responses[status.to_string()];
    if !response.is_object() {
        return vec![format!("{method} {path} does not document the status {status}")];
    }
    let schema = &response["content"]["application/json"]["schema"];
    if !schema.is_object() {
        return vec![format!("{method} {path} {status} has no JSON schema")];
    }
    let mut errors = Vec::new();
    check(document, schema, instance, "$", &mut errors);
    errors
}

/// Panics with the mismatches, if any.
pub fn assert_matches(document: &Value, method: &str, path: &str, status: u16, instance: &Value) {
    let errors = response_errors(document, method, path, status, instance);
    assert!(errors.is_empty(), "{method} {path} {status}: {errors:#?}\nin {instance:#}");
}

fn resolve<'a>(document: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(target) => {
            let name = target.strip_prefix("#/components/schemas/").unwrap_or(target);
            let resolved = &document["components"]["schemas"][name];
            resolve(document, resolved)
        }
        None => schema,
    }
}

fn type_matches(name: &str, instance: &Value) -> bool {
    match name {
        "null" => instance.is_null(),
        "boolean" => instance.is_boolean(),
        "string" => instance.is_string(),
        "integer" => instance.is_i64() || instance.is_u64(),
        "number" => instance.is_number(),
        "array" => instance.is_array(),
        "object" => instance.is_object(),
        _ => false,
    }
}

fn check(document: &Value, schema: &Value, instance: &Value, at: &str, errors: &mut Vec<String>) {
    let schema = resolve(document, schema);
    if schema.get("$ref").is_some() || schema.is_null() {
        errors.push(format!("{at}: unresolved schema {schema}"));
        return;
    }
    if let Some(options) = schema.get("oneOf").and_then(Value::as_array) {
        let matching = options.iter().filter(|option| matches(document, option, instance)).count();
        if matching != 1 {
            errors.push(format!("{at}: matches {matching} of the oneOf options, not exactly one"));
        }
    }
    if let Some(options) = schema.get("anyOf").and_then(Value::as_array)
        && !options.iter().any(|option| matches(document, option, instance))
    {
        errors.push(format!("{at}: matches none of the anyOf options"));
    }
    if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
        for part in all {
            check(document, part, instance, at, errors);
        }
    }
    match schema.get("type") {
        Some(Value::String(name)) if !type_matches(name, instance) => {
            errors.push(format!("{at}: {instance} is not of type {name}"));
            return;
        }
        Some(Value::Array(names)) if !names.iter().filter_map(Value::as_str).any(|n| type_matches(n, instance)) => {
            errors.push(format!("{at}: {instance} is not of a type in {names:?}"));
            return;
        }
        _ => {}
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array)
        && !values.contains(instance)
    {
        errors.push(format!("{at}: {instance} is not one of {values:?}"));
    }
    if let Some(number) = instance.as_f64() {
        if let Some(min) = schema.get("minimum").and_then(Value::as_f64)
            && number < min
        {
            errors.push(format!("{at}: {number} < minimum {min}"));
        }
        if let Some(max) = schema.get("maximum").and_then(Value::as_f64)
            && number > max
        {
            errors.push(format!("{at}: {number} > maximum {max}"));
        }
    }
    if let Some(object) = instance.as_object() {
        let properties = schema.get("properties").and_then(Value::as_object);
        if let Some(required) = schema.get("required").and_then(Value::as_array) {
            for name in required.iter().filter_map(Value::as_str) {
                if !object.contains_key(name) {
                    errors.push(format!("{at}: required member `{name}` is missing"));
                }
            }
        }
        // Only objects with declared members are closed (a free-form object has none).
        if let Some(properties) = properties {
            for (name, value) in object {
                match properties.get(name) {
                    Some(property) => check(document, property, value, &format!("{at}.{name}"), errors),
                    None => errors.push(format!("{at}: member `{name}` is not in the schema")),
                }
            }
        }
    }
    if let (Some(items), Some(array)) = (schema.get("items"), instance.as_array()) {
        for (i, item) in array.iter().enumerate() {
            check(document, items, item, &format!("{at}[{i}]"), errors);
        }
    }
}

fn matches(document: &Value, schema: &Value, instance: &Value) -> bool {
    let mut errors = Vec::new();
    check(document, schema, instance, "$", &mut errors);
    errors.is_empty()
}
