//! IAM identity-policy evaluation, model-neutral: Lambda asks it about an execution role, ECS
//! about a task role, the book about a learner's policy.
//!
//! It owns policy parsing (JSON documents), matching of Action/NotAction and Resource/NotResource
//! with `*`/`?` wildcards, the common Condition operators, the decision (explicit deny beats allow
//! beats implicit deny) with the statement that decided it, and AWS's AccessDenied wording. It
//! deliberately leaves out resource-based policies, SCPs, permissions boundaries and session
//! policies: a single account with identity policies is what the course needs.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;
use serde_json::Value;

/// A parsed identity policy.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Policy {
    pub id: Option<String>,
    pub statements: Vec<Statement>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Effect {
    Allow,
    Deny,
}

/// Either the listed items or everything except them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Matcher {
    Only(Vec<String>),
    AllExcept(Vec<String>),
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Condition {
    pub operator: String,
    pub key: String,
    pub values: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Statement {
    pub sid: Option<String>,
    pub effect: Effect,
    pub action: Matcher,
    pub resource: Matcher,
    pub conditions: Vec<Condition>,
}

/// Why a policy document was refused; worded like IAM's `MalformedPolicyDocument` messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError(pub String);

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MalformedPolicyDocument: {}", self.0)
    }
}
impl std::error::Error for PolicyError {}

fn err<T>(msg: impl Into<String>) -> Result<T, PolicyError> {
    Err(PolicyError(msg.into()))
}

impl Policy {
    pub fn parse(json: &str) -> Result<Policy, PolicyError> {
        let v: Value =
            serde_json::from_str(json).map_err(|e| PolicyError(format!("Syntax errors in policy. ({e})")))?;
        Policy::from_value(&v)
    }

    pub fn from_value(v: &Value) -> Result<Policy, PolicyError> {
        let Value::Object(doc) = v else {
            return err("Syntax errors in policy. (the document must be a JSON object)");
        };
        for k in doc.keys() {
            if !matches!(k.as_str(), "Version" | "Id" | "Statement") {
                return err(format!(
                    "Syntax errors in policy. (unknown element \"{k}\"; expected Version, Id, Statement)"
                ));
            }
        }
        if let Some(ver) = doc.get("Version")
            && ver != "2012-10-17"
            && ver != "2008-10-17"
        {
            return err("The policy failed legacy parsing");
        }
        let id = doc.get("Id").and_then(Value::as_str).map(str::to_string);
        let stmts = match doc.get("Statement") {
            Some(Value::Array(a)) => a.iter().collect::<Vec<_>>(),
            Some(o @ Value::Object(_)) => vec![o],
            _ => return err("Syntax errors in policy. (missing Statement)"),
        };
        let statements = stmts
            .into_iter()
            .map(parse_statement)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Policy { id, statements })
    }
}

fn strings(v: &Value, what: &str) -> Result<Vec<String>, PolicyError> {
    match v {
        Value::String(s) => Ok(vec![s.clone()]),
        Value::Array(a) => a
            .iter()
            .map(|x| match x {
                Value::String(s) => Ok(s.clone()),
                _ => err(format!(
                    "Syntax errors in policy. ({what} entries must be strings)"
                )),
            })
            .collect(),
        _ => err(format!(
            "Syntax errors in policy. ({what} must be a string or an array of strings)"
        )),
    }
}

fn parse_statement(v: &Value) -> Result<Statement, PolicyError> {
    let Value::Object(s) = v else {
        return err("Syntax errors in policy. (a statement must be an object)");
    };
    for k in s.keys() {
        match k.as_str() {
            "Sid" | "Effect" | "Action" | "NotAction" | "Resource" | "NotResource" | "Condition" => {}
            "Principal" | "NotPrincipal" => {
                return err("Policy document should not specify a principal.");
            }
            other => {
                return err(format!(
                    "Syntax errors in policy. (unknown statement element \"{other}\")"
                ));
            }
        }
    }
    let effect = match s.get("Effect").and_then(Value::as_str) {
        Some("Allow") => Effect::Allow,
        Some("Deny") => Effect::Deny,
        Some(other) => return err(format!("Invalid effect: {other}")),
        None => return err("Missing required field Effect"),
    };
    let action = match (s.get("Action"), s.get("NotAction")) {
        (Some(a), None) => Matcher::Only(strings(a, "Action")?),
        (None, Some(a)) => Matcher::AllExcept(strings(a, "NotAction")?),
        (None, None) => return err("Policy statement must contain actions."),
        (Some(_), Some(_)) => return err("Syntax errors in policy. (Action and NotAction are exclusive)"),
    };
    {
        let (Matcher::Only(a) | Matcher::AllExcept(a)) = &action;
        for x in a {
            if x != "*" && !x.contains(':') {
                return err(format!(
                    "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc. ({x})"
                ));
            }
        }
    }
    let resource = match (s.get("Resource"), s.get("NotResource")) {
        (Some(r), None) => Matcher::Only(strings(r, "Resource")?),
        (None, Some(r)) => Matcher::AllExcept(strings(r, "NotResource")?),
        (None, None) => return err("Policy statement must contain resources."),
        (Some(_), Some(_)) => {
            return err("Syntax errors in policy. (Resource and NotResource are exclusive)");
        }
    };
    let mut conditions = Vec::new();
    if let Some(c) = s.get("Condition") {
        let Value::Object(ops) = c else {
            return err("Syntax errors in policy. (Condition must be an object)");
        };
        for (op, block) in ops {
            if !KNOWN_OPERATORS.contains(&base_operator(op)) {
                return err(format!("Invalid Condition type : {op}"));
            }
            let Value::Object(keys) = block else {
                return err(format!(
                    "Syntax errors in policy. (Condition {op} must map keys to values)"
                ));
            };
            for (key, vals) in keys {
                let values = match vals {
                    Value::Array(a) => a.iter().map(scalar).collect::<Result<Vec<_>, _>>()?,
                    other => vec![scalar(other)?],
                };
                conditions.push(Condition {
                    operator: op.clone(),
                    key: key.clone(),
                    values,
                });
            }
        }
    }
    Ok(Statement {
        sid: s.get("Sid").and_then(Value::as_str).map(str::to_string),
        effect,
        action,
        resource,
        conditions,
    })
}

fn scalar(v: &Value) -> Result<String, PolicyError> {
    match v {
        Value::String(s) => Ok(s.clone()),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Number(n) => Ok(n.to_string()),
        _ => err("Syntax errors in policy. (condition values must be strings, numbers or booleans)"),
    }
}

const KNOWN_OPERATORS: &[&str] = &[
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringNotEqualsIgnoreCase",
    "StringLike",
    "StringNotLike",
    "ArnEquals",
    "ArnLike",
    "ArnNotEquals",
    "ArnNotLike",
    "Bool",
    "NumericEquals",
    "NumericNotEquals",
    "NumericLessThan",
    "NumericLessThanEquals",
    "NumericGreaterThan",
    "NumericGreaterThanEquals",
    "Null",
];

fn base_operator(op: &str) -> &str {
    let op = op
        .strip_prefix("ForAnyValue:")
        .or_else(|| op.strip_prefix("ForAllValues:"))
        .unwrap_or(op);
    op.strip_suffix("IfExists").unwrap_or(op)
}

/// One authorization question: may `principal` do `action` on `resource`, given `context`?
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Request {
    pub principal: String,
    pub action: String,
    pub resource: String,
    /// Condition keys (case-insensitive names, stored lower-case) and their values.
    pub context: BTreeMap<String, Vec<String>>,
}

impl Request {
    pub fn new(principal: impl Into<String>, action: impl Into<String>, resource: impl Into<String>) -> Self {
        Request {
            principal: principal.into(),
            action: action.into(),
            resource: resource.into(),
            context: BTreeMap::new(),
        }
    }
    pub fn with(mut self, key: &str, value: impl Into<String>) -> Self {
        self.context
            .entry(key.to_ascii_lowercase())
            .or_default()
            .push(value.into());
        self
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Decision {
    Allow,
    ImplicitDeny,
    ExplicitDeny,
}

impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Decision::Allow => "Allow",
            Decision::ImplicitDeny => "ImplicitDeny",
            Decision::ExplicitDeny => "ExplicitDeny",
        })
    }
}

/// Which statement decided: index of the policy, index of the statement, and its Sid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatementRef {
    pub policy: u32,
    pub statement: u32,
    pub sid: Option<String>,
}

impl fmt::Display for StatementRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "policy[{}].Statement[{}]", self.policy, self.statement)?;
        if let Some(sid) = &self.sid {
            write!(f, " (Sid \"{sid}\")")?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evaluation {
    pub decision: Decision,
    /// `None` for an implicit deny: no statement matched.
    pub decided_by: Option<StatementRef>,
}

impl Evaluation {
    pub fn allowed(&self) -> bool {
        self.decision == Decision::Allow
    }
}

impl fmt::Display for Evaluation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.decided_by {
            Some(s) => write!(f, "{} by {s}", self.decision),
            None => write!(f, "{} (no statement matched)", self.decision),
        }
    }
}

/// Evaluates identity policies: any matching Deny wins, else any matching Allow, else implicit deny.
pub fn evaluate(policies: &[Policy], req: &Request) -> Evaluation {
    let mut allow: Option<StatementRef> = None;
    for (pi, p) in policies.iter().enumerate() {
        for (si, s) in p.statements.iter().enumerate() {
            if !statement_applies(s, req) {
                continue;
            }
            let r = StatementRef {
                policy: pi as u32,
                statement: si as u32,
                sid: s.sid.clone(),
            };
            match s.effect {
                Effect::Deny => {
                    return Evaluation {
                        decision: Decision::ExplicitDeny,
                        decided_by: Some(r),
                    };
                }
                Effect::Allow => {
                    allow.get_or_insert(r);
                }
            }
        }
    }
    match allow {
        Some(r) => Evaluation {
            decision: Decision::Allow,
            decided_by: Some(r),
        },
        None => Evaluation {
            decision: Decision::ImplicitDeny,
            decided_by: None,
        },
    }
}

fn statement_applies(s: &Statement, req: &Request) -> bool {
    let action_hit = |pats: &[String]| {
        pats.iter()
            .any(|p| glob(&p.to_ascii_lowercase(), &req.action.to_ascii_lowercase()))
    };
    let resource_hit = |pats: &[String]| pats.iter().any(|p| glob(p, &req.resource));
    let action_ok = match &s.action {
        Matcher::Only(p) => action_hit(p),
        Matcher::AllExcept(p) => !action_hit(p),
    };
    let resource_ok = match &s.resource {
        Matcher::Only(p) => resource_hit(p),
        Matcher::AllExcept(p) => !resource_hit(p),
    };
    action_ok && resource_ok && s.conditions.iter().all(|c| condition_holds(c, &req.context))
}

/// Multiple keys and operators are ANDed by the caller; several values for one key are ORed,
/// except for negated operators, which must hold for every value.
fn condition_holds(c: &Condition, context: &BTreeMap<String, Vec<String>>) -> bool {
    let op = c.operator.as_str();
    let if_exists = op.ends_with("IfExists");
    let for_all = op.starts_with("ForAllValues:");
    let base = base_operator(op);
    let present = context.get(&c.key.to_ascii_lowercase());
    if base == "Null" {
        let want_null = c.values.iter().any(|v| v == "true");
        return want_null == present.is_none_or(|v| v.is_empty());
    }
    let negated = base.contains("Not");
    let Some(actual) = present.filter(|v| !v.is_empty()) else {
        // A missing key fails positive operators and satisfies negated ones (IAM's documented rule).
        return if_exists || negated || for_all;
    };
    let one = |a: &str, v: &str| -> bool {
        match base {
            "StringEquals" | "StringNotEquals" | "ArnEquals" | "ArnNotEquals" => a == v,
            "StringEqualsIgnoreCase" | "StringNotEqualsIgnoreCase" => a.eq_ignore_ascii_case(v),
            "StringLike" | "StringNotLike" | "ArnLike" | "ArnNotLike" => glob(v, a),
            "Bool" => a.eq_ignore_ascii_case(v),
            _ => {
                let (Ok(x), Ok(y)) = (a.parse::<f64>(), v.parse::<f64>()) else {
                    return false;
                };
                match base {
                    "NumericEquals" | "NumericNotEquals" => x == y,
                    "NumericLessThan" => x < y,
                    "NumericLessThanEquals" => x <= y,
                    "NumericGreaterThan" => x > y,
                    "NumericGreaterThanEquals" => x >= y,
                    _ => false,
                }
            }
        }
    };
    let matches_value = |a: &str| c.values.iter().any(|v| one(a, v));
    let positive = if for_all {
        actual.iter().all(|a| matches_value(a))
    } else {
        actual.iter().any(|a| matches_value(a))
    };
    if negated { !positive } else { positive }
}

/// `*` matches any run of characters (also across `/` and `:`), `?` exactly one.
pub fn glob(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    // Iterative matcher with backtracking to the last `*`: linear-ish, no recursion to blow up.
    let (mut pi, mut ti, mut star, mut mark) = (0usize, 0usize, None::<usize>, 0usize);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

/// AWSLambdaBasicExecutionRole, the managed policy a new function's role gets by default.
pub fn basic_execution_role() -> Policy {
    Policy::parse(BASIC_EXECUTION_ROLE).expect("the built-in managed policy is valid JSON")
}

pub const BASIC_EXECUTION_ROLE: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]}"#;

/// AWS's AccessDenied message for a denied identity-policy request. S3 quotes the resource ARN.
pub fn access_denied_message(req: &Request, eval: &Evaluation) -> String {
    let resource = if req.action.to_ascii_lowercase().starts_with("s3:") {
        format!("\"{}\"", req.resource)
    } else {
        req.resource.clone()
    };
    let why = match eval.decision {
        Decision::ExplicitDeny => "with an explicit deny in an identity-based policy".to_string(),
        _ => format!(
            "because no identity-based policy allows the {} action",
            req.action
        ),
    };
    format!(
        "User: {} is not authorized to perform: {} on resource: {resource} {why}",
        req.principal, req.action
    )
}

/// The ARN of a role session, e.g. Lambda's `assumed-role/<role>/<function>`.
pub fn assumed_role_arn(account: &str, role: &str, session: &str) -> String {
    format!("arn:aws:sts::{account}:assumed-role/{role}/{session}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::expect;

    const POLICY: &str = r#"{"Version":"2012-10-17","Statement":[
      {"Sid":"ReadPhotos","Effect":"Allow","Action":["s3:Get*","s3:ListBucket"],"Resource":["arn:aws:s3:::photos","arn:aws:s3:::photos/*"]},
      {"Sid":"NoSecrets","Effect":"Deny","Action":"s3:*","Resource":"arn:aws:s3:::photos/secret/*"},
      {"Sid":"WriteThumbs","Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::thumbs/*",
       "Condition":{"StringEquals":{"aws:RequestedRegion":["us-east-1","eu-west-1"]},"Bool":{"aws:SecureTransport":"true"}}},
      {"Sid":"AllButIam","Effect":"Allow","NotAction":["iam:*","s3:*"],"Resource":"*"},
      {"Sid":"NotThatFunction","Effect":"Deny","Action":"lambda:InvokeFunction","NotResource":"arn:aws:lambda:*:*:function:resize*"}
    ]}"#;

    #[test]
    fn decision_table() {
        let p = vec![Policy::parse(POLICY).unwrap()];
        // (action, resource, request context)
        type Row = (
            &'static str,
            &'static str,
            &'static [(&'static str, &'static str)],
        );
        let rows: &[Row] = &[
            ("s3:GetObject", "arn:aws:s3:::photos/cat.jpg", &[]),
            ("S3:getobject", "arn:aws:s3:::photos/cat.jpg", &[]),
            ("s3:GetObject", "arn:aws:s3:::photos/secret/x", &[]),
            ("s3:PutObject", "arn:aws:s3:::photos/cat.jpg", &[]),
            ("s3:ListBucket", "arn:aws:s3:::photos", &[]),
            (
                "s3:PutObject",
                "arn:aws:s3:::thumbs/a.jpg",
                &[
                    ("aws:RequestedRegion", "us-east-1"),
                    ("aws:SecureTransport", "true"),
                ],
            ),
            (
                "s3:PutObject",
                "arn:aws:s3:::thumbs/a.jpg",
                &[
                    ("aws:RequestedRegion", "us-west-2"),
                    ("aws:SecureTransport", "true"),
                ],
            ),
            (
                "s3:PutObject",
                "arn:aws:s3:::thumbs/a.jpg",
                &[("aws:requestedregion", "us-east-1")],
            ),
            (
                "dynamodb:PutItem",
                "arn:aws:dynamodb:us-east-1:123456789012:table/t",
                &[],
            ),
            ("iam:CreateUser", "*", &[]),
            (
                "lambda:InvokeFunction",
                "arn:aws:lambda:us-east-1:123456789012:function:resize-images",
                &[],
            ),
            (
                "lambda:InvokeFunction",
                "arn:aws:lambda:us-east-1:123456789012:function:billing",
                &[],
            ),
        ];
        let mut out = String::new();
        for (action, resource, ctx) in rows {
            let mut r = Request::new("arn:aws:sts::123456789012:assumed-role/r/f", *action, *resource);
            for (k, v) in *ctx {
                r = r.with(k, *v);
            }
            out += &format!("{action} {resource} => {}\n", evaluate(&p, &r));
        }
        expect![[r#"
            s3:GetObject arn:aws:s3:::photos/cat.jpg => Allow by policy[0].Statement[0] (Sid "ReadPhotos")
            S3:getobject arn:aws:s3:::photos/cat.jpg => Allow by policy[0].Statement[0] (Sid "ReadPhotos")
            s3:GetObject arn:aws:s3:::photos/secret/x => ExplicitDeny by policy[0].Statement[1] (Sid "NoSecrets")
            s3:PutObject arn:aws:s3:::photos/cat.jpg => ImplicitDeny (no statement matched)
            s3:ListBucket arn:aws:s3:::photos => Allow by policy[0].Statement[0] (Sid "ReadPhotos")
            s3:PutObject arn:aws:s3:::thumbs/a.jpg => Allow by policy[0].Statement[2] (Sid "WriteThumbs")
            s3:PutObject arn:aws:s3:::thumbs/a.jpg => ImplicitDeny (no statement matched)
            s3:PutObject arn:aws:s3:::thumbs/a.jpg => ImplicitDeny (no statement matched)
            dynamodb:PutItem arn:aws:dynamodb:us-east-1:123456789012:table/t => Allow by policy[0].Statement[3] (Sid "AllButIam")
            iam:CreateUser * => ImplicitDeny (no statement matched)
            lambda:InvokeFunction arn:aws:lambda:us-east-1:123456789012:function:resize-images => Allow by policy[0].Statement[3] (Sid "AllButIam")
            lambda:InvokeFunction arn:aws:lambda:us-east-1:123456789012:function:billing => ExplicitDeny by policy[0].Statement[4] (Sid "NotThatFunction")
        "#]]
        .assert_eq(&out);
    }

    #[test]
    fn numeric_null_and_like_conditions() {
        let p = Policy::parse(r#"{"Statement":{"Effect":"Allow","Action":"s3:PutObject","Resource":"*","Condition":{
            "NumericLessThanEquals":{"s3:max-keys":"10"},"StringLike":{"s3:prefix":["home/*","tmp/?"]},"Null":{"aws:TokenIssueTime":"true"}}}}"#).unwrap();
        let base = Request::new("p", "s3:PutObject", "x");
        assert!(
            evaluate(
                std::slice::from_ref(&p),
                &base
                    .clone()
                    .with("s3:max-keys", "7")
                    .with("s3:prefix", "home/a/b")
            )
            .allowed()
        );
        assert!(
            !evaluate(
                std::slice::from_ref(&p),
                &base.clone().with("s3:max-keys", "11").with("s3:prefix", "home/a")
            )
            .allowed()
        );
        assert!(
            evaluate(
                std::slice::from_ref(&p),
                &base.clone().with("s3:max-keys", "1").with("s3:prefix", "tmp/z")
            )
            .allowed()
        );
        assert!(
            !evaluate(
                std::slice::from_ref(&p),
                &base.clone().with("s3:max-keys", "1").with("s3:prefix", "tmp/zz")
            )
            .allowed()
        );
        assert!(
            !evaluate(
                &[p],
                &base
                    .with("s3:max-keys", "1")
                    .with("s3:prefix", "home/")
                    .with("aws:TokenIssueTime", "t")
            )
            .allowed()
        );
    }

    #[test]
    fn malformed_documents_and_denied_wording() {
        let bad = [
            r#"{"Statement":[{"Effect":"Allow","Resource":"*"}]}"#,
            r#"{"Statement":[{"Effect":"Permit","Action":"s3:*","Resource":"*"}]}"#,
            r#"{"Statement":[{"Effect":"Allow","Action":"s3:*"}]}"#,
            r#"{"Statement":[{"Effect":"Allow","Action":"GetObject","Resource":"*"}]}"#,
            r#"{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Principal":"*"}]}"#,
            r#"{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringSorta":{"a":"b"}}}]}"#,
            r#"{"Statement": "#,
        ];
        let msgs: Vec<String> = bad
            .iter()
            .map(|b| {
                Policy::parse(b)
                    .unwrap_err()
                    .0
                    .split(" (")
                    .next()
                    .unwrap()
                    .to_string()
            })
            .collect();
        expect![[r#"["Policy statement must contain actions.", "Invalid effect: Permit", "Policy statement must contain resources.", "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.", "Policy document should not specify a principal.", "Invalid Condition type : StringSorta", "Syntax errors in policy."]"#]]
            .assert_eq(&format!("{msgs:?}"));
        let req = Request::new(
            assumed_role_arn("123456789012", "thumbs-role", "thumbs"),
            "s3:PutObject",
            "arn:aws:s3:::out/a.jpg",
        );
        let e = evaluate(&[basic_execution_role()], &req);
        expect![[r#"User: arn:aws:sts::123456789012:assumed-role/thumbs-role/thumbs is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::out/a.jpg" because no identity-based policy allows the s3:PutObject action"#]]
            .assert_eq(&access_denied_message(&req, &e));
    }

    #[test]
    fn glob_rules() {
        assert!(glob("arn:aws:s3:::b/*", "arn:aws:s3:::b/a/b/c"));
        assert!(!glob("arn:aws:s3:::b/*", "arn:aws:s3:::b"));
        assert!(glob("*", ""));
        assert!(glob("a?c", "abc"));
        assert!(!glob("a?c", "ac"));
        assert!(glob("iam:*accesskey*", "iam:createaccesskey"));
    }
}
