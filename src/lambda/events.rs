//! Event payloads shaped exactly like AWS's (API Gateway REST payload 1.0, HTTP API payload 2.0,
//! S3 ObjectCreated:Put 2.1, EventBridge Scheduled Event) and API Gateway's mapping of a proxy
//! response back to HTTP, including its 502 for a malformed response.
//!
//! Builders take every varying field as an argument so samples are reproducible; nothing here
//! reads a clock. Field names and nesting follow the aws-lambda-go and SAM CLI fixtures.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Map, Value, json};

use super::clock;
use super::logs;
use crate::sim::Rng;

/// Form-style URL encoding of an S3 key as S3 puts it in notifications: space → `+`, `/` kept,
/// unreserved characters kept, everything else `%XX`.
pub fn s3_encode_key(key: &str) -> String {
    let mut out = String::new();
    for b in key.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' | b'*' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out += &format!("%{b:02X}"),
        }
    }
    out
}

/// Decodes a key from a notification: `+` is a space, `%XX` a byte.
pub fn s3_decode_key(key: &str) -> String {
    let b = key.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() && b[i + 1].is_ascii_hexdigit() && b[i + 2].is_ascii_hexdigit() => {
                let hex = |c: u8| (c as char).to_digit(16).expect("checked hex digit") as u8;
                out.push(hex(b[i + 1]) * 16 + hex(b[i + 2]));
                i += 2;
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

pub struct S3PutArgs<'a> {
    pub bucket: &'a str,
    pub key: &'a str,
    pub size: u64,
    pub etag: &'a str,
    pub sequencer: u64,
    pub time_ms: i64,
    pub region: &'a str,
}

/// An `ObjectCreated:Put` notification (eventVersion 2.1).
pub fn s3_put_event(a: &S3PutArgs<'_>) -> Value {
    json!({"Records": [{
        "eventVersion": "2.1",
        "eventSource": "aws:s3",
        "awsRegion": a.region,
        "eventTime": clock::format_millis(a.time_ms),
        "eventName": "ObjectCreated:Put",
        "userIdentity": {"principalId": "AWS:AROAEXAMPLEROLEID:lambda"},
        "requestParameters": {"sourceIPAddress": "10.0.0.1"},
        "responseElements": {"x-amz-request-id": format!("{:016X}", a.sequencer.wrapping_mul(0x9E37_79B9_7F4A_7C15)), "x-amz-id-2": "FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD"},
        "s3": {
            "s3SchemaVersion": "1.0",
            "configurationId": "cloudbook-notification",
            "bucket": {"name": a.bucket, "ownerIdentity": {"principalId": "A3NL1KOZZKExample"}, "arn": format!("arn:aws:s3:::{}", a.bucket)},
            "object": {"key": s3_encode_key(a.key), "size": a.size, "eTag": a.etag, "sequencer": format!("{:018X}", a.sequencer)}
        }
    }]})
}

/// The EventBridge `Scheduled Event` payload.
pub fn scheduled_event(region: &str, account: &str, rule: &str, unix: i64, rng: &mut Rng) -> Value {
    json!({
        "version": "0",
        "id": logs::request_id(rng),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": account,
        "time": clock::format_secs(unix),
        "region": region,
        "resources": [format!("arn:aws:events:{region}:{account}:rule/{rule}")],
        "detail": {}
    })
}

/// An HTTP request arriving at API Gateway.
#[derive(Debug, Clone, Default)]
pub struct HttpRequest {
    pub method: String,
    pub path: String,
    /// Query parameters in order; a name may repeat.
    pub query: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
    /// The route's resource, e.g. `/{proxy+}` or `/items/{id}`.
    pub resource: String,
    pub path_parameters: BTreeMap<String, String>,
    pub time_ms: i64,
    pub request_id: String,
}

fn api_time(ms: i64) -> String {
    // `15/May/2020:06:01:09 +0000`
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let iso = clock::format_millis(ms);
    let (y, m, d) = (&iso[0..4], iso[5..7].parse::<usize>().unwrap_or(1), &iso[8..10]);
    format!("{d}/{}/{y}:{} +0000", MONTHS[m - 1], &iso[11..19])
}

fn opt_map(m: Map<String, Value>) -> Value {
    if m.is_empty() {
        Value::Null
    } else {
        Value::Object(m)
    }
}

/// A REST API (payload format 1.0) Lambda proxy event.
pub fn apigw_v1_event(r: &HttpRequest) -> Value {
    let mut headers = Map::new();
    let mut multi_headers: Map<String, Value> = Map::new();
    for (k, v) in &r.headers {
        headers.insert(k.clone(), v.clone().into());
        multi_headers
            .entry(k.clone())
            .or_insert_with(|| json!([]))
            .as_array_mut()
            .expect("built as array")
            .push(v.clone().into());
    }
    let mut qs = Map::new();
    let mut multi_qs: Map<String, Value> = Map::new();
    for (k, v) in &r.query {
        qs.insert(k.clone(), v.clone().into());
        multi_qs
            .entry(k.clone())
            .or_insert_with(|| json!([]))
            .as_array_mut()
            .expect("built as array")
            .push(v.clone().into());
    }
    let path_params: Map<String, Value> = r
        .path_parameters
        .iter()
        .map(|(k, v)| (k.clone(), v.clone().into()))
        .collect();
    let ua = r
        .headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("user-agent"))
        .map_or("curl/8.5.0", |(_, v)| v.as_str());
    json!({
        "resource": r.resource,
        "path": r.path,
        "httpMethod": r.method,
        "headers": opt_map(headers),
        "multiValueHeaders": opt_map(multi_headers),
        "queryStringParameters": opt_map(qs),
        "multiValueQueryStringParameters": opt_map(multi_qs),
        "pathParameters": opt_map(path_params),
        "stageVariables": null,
        "requestContext": {
            "accountId": "123456789012",
            "resourceId": "us4z18",
            "stage": "prod",
            "requestId": r.request_id,
            "extendedRequestId": "Mv0M8FvBoAMF4Vw=",
            "requestTime": api_time(r.time_ms),
            "requestTimeEpoch": r.time_ms,
            "path": format!("/prod{}", r.path),
            "protocol": "HTTP/1.1",
            "identity": {"sourceIp": "203.0.113.7", "userAgent": ua, "accountId": null, "caller": null, "user": null, "userArn": null,
                          "accessKey": null, "apiKey": null, "apiKeyId": null, "cognitoIdentityId": null, "cognitoIdentityPoolId": null,
                          "cognitoAuthenticationType": null, "cognitoAuthenticationProvider": null},
            "domainName": "abcdefghij.execute-api.us-east-1.amazonaws.com",
            "domainPrefix": "abcdefghij",
            "resourcePath": r.resource,
            "httpMethod": r.method,
            "apiId": "abcdefghij"
        },
        "body": r.body,
        "isBase64Encoded": false
    })
}

/// An HTTP API (payload format 2.0) event: lower-case headers, repeated values comma-joined,
/// cookies in their own array, no multi-value fields.
pub fn apigw_v2_event(r: &HttpRequest) -> Value {
    let mut headers: BTreeMap<String, String> = BTreeMap::new();
    let mut cookies = Vec::new();
    for (k, v) in &r.headers {
        let k = k.to_ascii_lowercase();
        if k == "cookie" {
            cookies.extend(
                v.split(';')
                    .map(|c| c.trim().to_string())
                    .filter(|c| !c.is_empty()),
            );
            continue;
        }
        headers
            .entry(k)
            .and_modify(|e| *e = format!("{e},{v}"))
            .or_insert_with(|| v.clone());
    }
    let mut qs: BTreeMap<String, String> = BTreeMap::new();
    for (k, v) in &r.query {
        qs.entry(k.clone())
            .and_modify(|e| *e = format!("{e},{v}"))
            .or_insert_with(|| v.clone());
    }
    let raw_qs = r
        .query
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&");
    let route_key = if r.resource.is_empty() || r.resource == "$default" {
        "$default".to_string()
    } else {
        format!("{} {}", r.method, r.resource)
    };
    let ua = headers
        .get("user-agent")
        .cloned()
        .unwrap_or_else(|| "curl/8.5.0".into());
    let mut ev = json!({
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": r.path,
        "rawQueryString": raw_qs,
        "headers": headers,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "api-id",
            "domainName": "id.execute-api.us-east-1.amazonaws.com",
            "domainPrefix": "id",
            "http": {"method": r.method, "path": r.path, "protocol": "HTTP/1.1", "sourceIp": "203.0.113.7", "userAgent": ua},
            "requestId": r.request_id,
            "routeKey": route_key,
            "stage": "$default",
            "time": api_time(r.time_ms),
            "timeEpoch": r.time_ms
        },
        "isBase64Encoded": false
    });
    let obj = ev.as_object_mut().expect("built as an object");
    if !cookies.is_empty() {
        obj.insert("cookies".into(), json!(cookies));
    }
    if !qs.is_empty() {
        obj.insert("queryStringParameters".into(), json!(qs));
    }
    if !r.path_parameters.is_empty() {
        obj.insert("pathParameters".into(), json!(r.path_parameters));
    }
    if let Some(b) = &r.body {
        obj.insert("body".into(), b.clone().into());
    }
    ev
}

/// What API Gateway sends back to the client.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HttpResponse {
    pub status: u16,
    pub headers: BTreeMap<String, Vec<String>>,
    pub cookies: Vec<String>,
    pub body: String,
    pub is_base64_encoded: bool,
    /// API Gateway's execution-log lines for this request, when something went wrong.
    pub gateway_log: Vec<String>,
}

fn malformed_v1(reason: &str) -> HttpResponse {
    HttpResponse {
        status: 502,
        headers: BTreeMap::from([("Content-Type".into(), vec!["application/json".into()])]),
        cookies: Vec::new(),
        body: r#"{"message": "Internal server error"}"#.into(),
        is_base64_encoded: false,
        gateway_log: vec![
            format!(
                "Execution failed due to configuration error: Malformed Lambda proxy response ({reason})"
            ),
            "Method completed with status: 502".into(),
        ],
    }
}

fn failed_v2(reason: &str) -> HttpResponse {
    HttpResponse {
        status: 500,
        headers: BTreeMap::from([("content-type".into(), vec!["application/json".into()])]),
        cookies: Vec::new(),
        body: r#"{"message":"Internal Server Error"}"#.into(),
        is_base64_encoded: false,
        gateway_log: vec![reason.to_string()],
    }
}

/// Maps a REST API (1.0) proxy response. Anything but the documented shape is a 502.
/// `result` is `Err(_)` for a function error.
pub fn map_proxy_response_v1(result: Result<&Value, &Value>) -> HttpResponse {
    let v = match result {
        Ok(v) => v,
        Err(_) => {
            let mut r = malformed_v1("function error");
            r.gateway_log[0] =
                "Lambda execution failed with status 200 due to customer function error".into();
            return r;
        }
    };
    let Some(o) = v.as_object() else {
        return malformed_v1("the response is not a JSON object");
    };
    for k in o.keys() {
        if !matches!(
            k.as_str(),
            "statusCode" | "headers" | "multiValueHeaders" | "body" | "isBase64Encoded"
        ) {
            return malformed_v1(&format!("unexpected field \"{k}\""));
        }
    }
    let status = match o.get("statusCode") {
        Some(Value::Number(n)) => n.as_u64().filter(|s| (100..=599).contains(s)),
        Some(Value::String(s)) => s.parse::<u64>().ok().filter(|s| (100..=599).contains(s)),
        _ => None,
    };
    let Some(status) = status else {
        return malformed_v1("statusCode is missing or not an HTTP status");
    };
    let mut headers: BTreeMap<String, Vec<String>> = BTreeMap::new();
    match o.get("headers") {
        None | Some(Value::Null) => {}
        Some(Value::Object(h)) => {
            for (k, v) in h {
                let Some(s) = scalar_string(v) else {
                    return malformed_v1("header values must be strings");
                };
                headers.insert(k.clone(), vec![s]);
            }
        }
        _ => return malformed_v1("headers must be an object"),
    }
    match o.get("multiValueHeaders") {
        None | Some(Value::Null) => {}
        Some(Value::Object(h)) => {
            for (k, v) in h {
                let Some(a) = v.as_array() else {
                    return malformed_v1("multiValueHeaders values must be arrays");
                };
                let vals: Option<Vec<String>> = a.iter().map(scalar_string).collect();
                let Some(vals) = vals else {
                    return malformed_v1("multiValueHeaders entries must be strings");
                };
                // multiValueHeaders wins for a name in both.
                headers.insert(k.clone(), vals);
            }
        }
        _ => return malformed_v1("multiValueHeaders must be an object"),
    }
    let body = match o.get("body") {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        _ => return malformed_v1("body must be a string"),
    };
    let is_b64 = match o.get("isBase64Encoded") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        _ => return malformed_v1("isBase64Encoded must be a boolean"),
    };
    HttpResponse {
        status: status as u16,
        headers,
        cookies: Vec::new(),
        body,
        is_base64_encoded: is_b64,
        gateway_log: Vec::new(),
    }
}

fn scalar_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Maps an HTTP API (2.0) response: with `statusCode` it is read like 1.0 plus `cookies`;
/// without, API Gateway infers 200, `application/json` and the JSON as the body.
pub fn map_proxy_response_v2(result: Result<&Value, &Value>) -> HttpResponse {
    let v = match result {
        Ok(v) => v,
        Err(_) => return failed_v2("The Lambda function returned an error"),
    };
    let inferred = |body: String| HttpResponse {
        status: 200,
        headers: BTreeMap::from([("content-type".into(), vec!["application/json".into()])]),
        cookies: Vec::new(),
        body,
        is_base64_encoded: false,
        gateway_log: Vec::new(),
    };
    let Some(o) = v.as_object().filter(|o| o.contains_key("statusCode")) else {
        return match v {
            Value::String(s) => inferred(s.clone()),
            other => inferred(logs::canonical_json(other)),
        };
    };
    let mut cookies = Vec::new();
    let mut rest = o.clone();
    if let Some(c) = rest.remove("cookies") {
        let Some(list) = c.as_array().and_then(|a| {
            a.iter()
                .map(|x| x.as_str().map(str::to_string))
                .collect::<Option<Vec<_>>>()
        }) else {
            return failed_v2("cookies must be an array of strings");
        };
        cookies = list;
    }
    if rest.contains_key("multiValueHeaders") {
        rest.remove("multiValueHeaders");
    }
    let mut r = map_proxy_response_v1(Ok(&Value::Object(rest)));
    if r.status == 502 && !r.gateway_log.is_empty() {
        return failed_v2(&r.gateway_log[0]);
    }
    r.cookies = cookies;
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s3_keys_are_form_encoded() {
        assert_eq!(s3_encode_key("red flower.jpg"), "red+flower.jpg");
        assert_eq!(s3_encode_key("photos/été 1.png"), "photos/%C3%A9t%C3%A9+1.png");
        assert_eq!(s3_decode_key("Happy%20Face.jpg"), "Happy Face.jpg");
        assert_eq!(s3_decode_key("photos/%C3%A9t%C3%A9+1.png"), "photos/été 1.png");
        assert_eq!(s3_decode_key("100%"), "100%");
    }

    #[test]
    fn proxy_response_mapping() {
        let ok = json!({"statusCode": 201, "headers": {"a": "1", "b": "x"}, "multiValueHeaders": {"b": ["y", "z"]}, "body": "hi"});
        let r = map_proxy_response_v1(Ok(&ok));
        assert_eq!((r.status, r.body.as_str()), (201, "hi"));
        assert_eq!(r.headers["b"], vec!["y", "z"]);
        let bad = json!({"statusCode": 200, "body": {"not": "a string"}});
        let r = map_proxy_response_v1(Ok(&bad));
        assert_eq!(
            (r.status, r.body.as_str()),
            (502, r#"{"message": "Internal server error"}"#)
        );
        assert!(
            r.gateway_log[0]
                .starts_with("Execution failed due to configuration error: Malformed Lambda proxy response")
        );
        let r = map_proxy_response_v2(Ok(&json!({"message": "hi"})));
        assert_eq!((r.status, r.body.as_str()), (200, r#"{"message":"hi"}"#));
        let r = map_proxy_response_v2(Ok(&json!("Hello from Lambda!")));
        assert_eq!(r.body, "Hello from Lambda!");
        let r = map_proxy_response_v2(Ok(
            &json!({"statusCode": 302, "cookies": ["a=1"], "headers": {"location": "/x"}}),
        ));
        assert_eq!((r.status, r.cookies.clone()), (302, vec!["a=1".to_string()]));
        assert_eq!(map_proxy_response_v2(Err(&json!({}))).status, 500);
    }
}
