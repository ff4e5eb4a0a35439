//! The cluster query language of `memberOf` placement constraints: parsing and evaluation.
//!
//! Grammar (ECS cluster-query-language): `subject operator [argument]`, combined with `&&`/`and`,
//! `||`/`or`, `!`/`not` and parentheses. Subjects: `attribute:<name>`, `ec2InstanceId`,
//! `runningTasksCount`, `task:group`, `agentConnected`. Operators: `==`, `!=`, `>`, `>=`, `<`, `<=`,
//! `exists`, `!exists`, `in [a, b]`, `!in`, `=~`, `!~` (regular expressions must match the whole
//! value, as Java's `matches` does). It does not support `registeredAt` dates or `agentVersion`
//! version ordering: the course never needs them and a wrong half-model would mislead.

use core::fmt;
use std::collections::BTreeMap;

/// What an expression is evaluated against: one container instance.
pub struct QueryTarget<'a> {
    pub instance_id: &'a str,
    pub attributes: &'a BTreeMap<String, String>,
    pub running_tasks_count: u32,
    /// Task groups with at least one non-stopped task on the instance (`service:web`, `family:x`).
    pub task_groups: &'a BTreeMap<String, u32>,
    pub agent_connected: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    Attribute(String),
    Ec2InstanceId,
    RunningTasksCount,
    TaskGroup,
    AgentConnected,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
    Exists,
    NotExists,
    In,
    NotIn,
    Matches,
    NotMatches,
}

/// A parsed expression.
#[derive(Debug, Clone)]
pub enum Expr {
    Cmp {
        subject: Subject,
        op: Op,
        args: Vec<String>,
        regex: Option<regex_lite::Regex>,
    },
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
}

/// A syntax error at a byte offset of the expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryError {
    pub offset: u32,
    pub message: String,
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid cluster query at character {}: {}",
            self.offset + 1,
            self.message
        )
    }
}

/// Parses a cluster query expression.
pub fn parse(text: &str) -> Result<Expr, QueryError> {
    let mut p = Parser { s: text, pos: 0 };
    let e = p.or()?;
    p.ws();
    if p.pos < text.len() {
        return Err(p.err(format!("unexpected {:?}", p.peek_word())));
    }
    Ok(e)
}

struct Parser<'a> {
    s: &'a str,
    pos: usize,
}

impl Parser<'_> {
    fn err(&self, message: String) -> QueryError {
        QueryError {
            offset: self.pos as u32,
            message,
        }
    }
    fn ws(&mut self) {
        while let Some(c) = self.s[self.pos..].chars().next() {
            if c.is_whitespace() {
                self.pos += c.len_utf8();
            } else {
                break;
            }
        }
    }
    fn rest(&self) -> &str {
        &self.s[self.pos..]
    }
    /// The next word: a run of characters up to whitespace or a delimiter.
    fn peek_word(&self) -> &str {
        let r = self.rest();
        let end = r
            .find(|c: char| c.is_whitespace() || "()[],".contains(c))
            .unwrap_or(r.len());
        if end == 0 {
            &r[..r.chars().next().map_or(0, char::len_utf8)]
        } else {
            &r[..end]
        }
    }
    /// Consumes a keyword or symbol if it comes next, as a whole word for alphabetic keywords.
    fn eat(&mut self, kw: &str) -> bool {
        self.ws();
        let r = self.rest();
        if !r.starts_with(kw) {
            return false;
        }
        let alpha = kw.chars().all(|c| c.is_ascii_alphabetic());
        let next = r[kw.len()..].chars().next();
        if alpha && next.is_some_and(|c| c.is_alphanumeric() || c == ':' || c == '.') {
            return false;
        }
        self.pos += kw.len();
        true
    }
    fn or(&mut self) -> Result<Expr, QueryError> {
        let mut left = self.and()?;
        while self.eat("||") || self.eat("or") {
            let right = self.and()?;
            left = Expr::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }
    fn and(&mut self) -> Result<Expr, QueryError> {
        let mut left = self.unary()?;
        while self.eat("&&") || self.eat("and") {
            let right = self.unary()?;
            left = Expr::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }
    fn unary(&mut self) -> Result<Expr, QueryError> {
        self.ws();
        // `!=`, `!~` and `!in` are operators, never a leading negation, but they cannot start a
        // term anyway, so a `!` here is always "not".
        if self.eat("not") || self.eat("!") {
            return Ok(Expr::Not(Box::new(self.unary()?)));
        }
        if self.eat("(") {
            let e = self.or()?;
            if !self.eat(")") {
                return Err(self.err("expected \")\"".into()));
            }
            return Ok(e);
        }
        self.cmp()
    }
    fn word(&mut self) -> Result<String, QueryError> {
        self.ws();
        if let Some(q) = self.rest().chars().next().filter(|c| *c == '\'' || *c == '"') {
            let body = &self.rest()[1..];
            let Some(end) = body.find(q) else {
                return Err(self.err("unterminated quoted value".into()));
            };
            let v = body[..end].to_string();
            self.pos += end + 2;
            return Ok(v);
        }
        let w = self.peek_word().to_string();
        if w.is_empty() || "()[],".contains(w.as_str()) {
            return Err(self.err(if w.is_empty() {
                "unexpected end of expression".into()
            } else {
                format!("unexpected {w:?}")
            }));
        }
        self.pos += w.len();
        Ok(w)
    }
    fn cmp(&mut self) -> Result<Expr, QueryError> {
        let at = self.pos;
        let subject = match self.word()?.as_str() {
            s if s.starts_with("attribute:") && s.len() > "attribute:".len() => {
                Subject::Attribute(s["attribute:".len()..].to_string())
            }
            "ec2InstanceId" => Subject::Ec2InstanceId,
            "runningTasksCount" => Subject::RunningTasksCount,
            "task:group" => Subject::TaskGroup,
            "agentConnected" => Subject::AgentConnected,
            other => {
                return Err(QueryError {
                    offset: at as u32,
                    message: format!(
                        "unknown subject {other:?} (expected one of: attribute:<name>, ec2InstanceId, \
                         runningTasksCount, task:group, agentConnected)"
                    ),
                });
            }
        };
        self.ws();
        let op_at = self.pos;
        // Longest operators first so `!=` is not read as `!` and `>=` not as `>`.
        let ops = [
            ("!exists", Op::NotExists),
            ("exists", Op::Exists),
            ("!in", Op::NotIn),
            ("in", Op::In),
            ("==", Op::Eq),
            ("!=", Op::Ne),
            (">=", Op::Ge),
            ("<=", Op::Le),
            (">", Op::Gt),
            ("<", Op::Lt),
            ("=~", Op::Matches),
            ("!~", Op::NotMatches),
        ];
        let Some(op) = ops.iter().find(|(k, _)| self.eat(k)).map(|(_, o)| *o) else {
            return Err(QueryError {
                offset: op_at as u32,
                message:
                    "expected an operator (one of: ==, !=, >, >=, <, <=, exists, !exists, in, !in, =~, !~)"
                        .into(),
            });
        };
        let (args, regex) = match op {
            Op::Exists | Op::NotExists => (vec![], None),
            Op::In | Op::NotIn => {
                if !self.eat("[") {
                    return Err(self.err("expected \"[\" after in".into()));
                }
                let mut items = vec![self.word()?];
                while self.eat(",") {
                    items.push(self.word()?);
                }
                if !self.eat("]") {
                    return Err(self.err("expected \",\" or \"]\"".into()));
                }
                (items, None)
            }
            Op::Matches | Op::NotMatches => {
                self.ws();
                let at = self.pos;
                let pat = self.regex_word();
                if pat.is_empty() {
                    return Err(self.err("expected a regular expression".into()));
                }
                let re = regex_lite::Regex::new(&format!("^(?:{pat})$")).map_err(|e| QueryError {
                    offset: at as u32,
                    message: format!("invalid regular expression: {e}"),
                })?;
                (vec![pat], Some(re))
            }
            _ => (vec![self.word()?], None),
        };
        Ok(Expr::Cmp {
            subject,
            op,
            args,
            regex,
        })
    }
    /// A regular expression runs to the next whitespace, except that brackets and parentheses it
    /// opens are its own; an unbalanced `)` closes the enclosing group.
    fn regex_word(&mut self) -> String {
        let r = self.rest();
        let mut depth = 0i32;
        let mut end = r.len();
        for (i, c) in r.char_indices() {
            match c {
                '(' | '[' => depth += 1,
                ')' | ']' if depth == 0 => {
                    end = i;
                    break;
                }
                ')' | ']' => depth -= 1,
                c if c.is_whitespace() => {
                    end = i;
                    break;
                }
                _ => {}
            }
        }
        let w = r[..end].to_string();
        self.pos += end;
        w
    }
}

impl Expr {
    /// Evaluates the expression for one instance.
    pub fn eval(&self, t: &QueryTarget<'_>) -> bool {
        match self {
            Expr::And(a, b) => a.eval(t) && b.eval(t),
            Expr::Or(a, b) => a.eval(t) || b.eval(t),
            Expr::Not(a) => !a.eval(t),
            Expr::Cmp {
                subject,
                op,
                args,
                regex,
            } => {
                // task:group is a set-valued subject: `==` means "one of the groups is".
                if *subject == Subject::TaskGroup {
                    let any = |f: &dyn Fn(&str) -> bool| t.task_groups.keys().any(|g| f(g));
                    return match op {
                        Op::Eq => any(&|g| g == args[0]),
                        Op::Ne => !any(&|g| g == args[0]),
                        Op::In => any(&|g| args.iter().any(|a| a == g)),
                        Op::NotIn => !any(&|g| args.iter().any(|a| a == g)),
                        Op::Exists => !t.task_groups.is_empty(),
                        Op::NotExists => t.task_groups.is_empty(),
                        Op::Matches => any(&|g| regex.as_ref().is_some_and(|r| r.is_match(g))),
                        Op::NotMatches => !any(&|g| regex.as_ref().is_some_and(|r| r.is_match(g))),
                        _ => false,
                    };
                }
                let value: Option<String> = match subject {
                    Subject::Attribute(name) => t.attributes.get(name).cloned(),
                    Subject::Ec2InstanceId => Some(t.instance_id.to_string()),
                    Subject::RunningTasksCount => Some(t.running_tasks_count.to_string()),
                    Subject::AgentConnected => Some(t.agent_connected.to_string()),
                    Subject::TaskGroup => unreachable!("handled above"),
                };
                let num = |s: &str| s.parse::<f64>().ok();
                match (op, value) {
                    (Op::Exists, v) => v.is_some(),
                    (Op::NotExists, v) => v.is_none(),
                    (Op::Ne, None) | (Op::NotIn, None) | (Op::NotMatches, None) => true,
                    (_, None) => false,
                    (Op::Eq, Some(v)) => v == args[0],
                    (Op::Ne, Some(v)) => v != args[0],
                    (Op::In, Some(v)) => args.contains(&v),
                    (Op::NotIn, Some(v)) => !args.contains(&v),
                    (Op::Matches, Some(v)) => regex.as_ref().is_some_and(|r| r.is_match(&v)),
                    (Op::NotMatches, Some(v)) => !regex.as_ref().is_some_and(|r| r.is_match(&v)),
                    (cmp, Some(v)) => match (num(&v), num(&args[0])) {
                        (Some(a), Some(b)) => match cmp {
                            Op::Gt => a > b,
                            Op::Ge => a >= b,
                            Op::Lt => a < b,
                            _ => a <= b,
                        },
                        _ => false,
                    },
                }
            }
        }
    }

    /// Whether the value can change while tasks come and go (so a cached result would be stale).
    pub fn depends_on_tasks(&self) -> bool {
        match self {
            Expr::And(a, b) | Expr::Or(a, b) => a.depends_on_tasks() || b.depends_on_tasks(),
            Expr::Not(a) => a.depends_on_tasks(),
            Expr::Cmp { subject, .. } => matches!(subject, Subject::RunningTasksCount | Subject::TaskGroup),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eval(expr: &str, attrs: &[(&str, &str)], groups: &[&str]) -> bool {
        let attributes: BTreeMap<String, String> = attrs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let task_groups: BTreeMap<String, u32> = groups.iter().map(|g| (g.to_string(), 1)).collect();
        let t = QueryTarget {
            instance_id: "i-0abc",
            attributes: &attributes,
            running_tasks_count: groups.len() as u32,
            task_groups: &task_groups,
            agent_connected: true,
        };
        parse(expr).unwrap_or_else(|e| panic!("{expr}: {e}")).eval(&t)
    }

    #[test]
    fn the_documented_examples_evaluate_as_ecs_describes() {
        let t2 = [
            ("ecs.instance-type", "t2.small"),
            ("ecs.availability-zone", "us-east-1a"),
        ];
        let cases: &[(&str, bool)] = &[
            ("attribute:ecs.instance-type == t2.small", true),
            ("attribute:ecs.instance-type =~ t2.*", true),
            ("attribute:ecs.instance-type =~ t2", false),
            ("attribute:ecs.instance-type !~ m4.*", true),
            (
                "attribute:ecs.availability-zone in [us-east-1a, us-east-1b]",
                true,
            ),
            (
                "attribute:ecs.availability-zone !in [us-east-1a, us-east-1b]",
                false,
            ),
            (
                "attribute:ecs.instance-type =~ g2.* or attribute:ecs.availability-zone == us-east-1a",
                true,
            ),
            (
                "attribute:ecs.instance-type =~ t2.* && not(attribute:ecs.availability-zone == us-east-1a)",
                false,
            ),
            ("attribute:stack exists", false),
            ("attribute:stack !exists", true),
            ("attribute:stack != prod", true),
            ("!(attribute:ecs.instance-type == t2.small)", false),
            ("ec2InstanceId in ['i-0abc', i-0def]", true),
            ("runningTasksCount < 2", true),
            ("runningTasksCount >= 2", false),
            ("(task:group == service:db)", false),
            ("not(task:group == service:web)", true),
            ("agentConnected == true", true),
        ];
        for (expr, want) in cases {
            assert_eq!(eval(expr, &t2, &["service:cache"]), *want, "{expr}");
        }
        assert!(eval("task:group == service:web", &[], &["service:web"]));
    }

    #[test]
    fn syntax_errors_say_where_and_what() {
        let errs: Vec<String> = [
            "attribute:ecs.instance-type",
            "color == red",
            "attribute:x == a and",
            "attribute:x in [a, b",
            "(attribute:x == a",
            "attribute:x =~ t2[",
        ]
        .iter()
        .map(|e| parse(e).expect_err(e).to_string())
        .collect();
        expect_test::expect![[r#"
            [
                "invalid cluster query at character 28: expected an operator (one of: ==, !=, >, >=, <, <=, exists, !exists, in, !in, =~, !~)",
                "invalid cluster query at character 1: unknown subject \"color\" (expected one of: attribute:<name>, ec2InstanceId, runningTasksCount, task:group, agentConnected)",
                "invalid cluster query at character 21: unexpected end of expression",
                "invalid cluster query at character 21: expected \",\" or \"]\"",
                "invalid cluster query at character 18: expected \")\"",
                "invalid cluster query at character 16: invalid regular expression: non-empty character class has no closing bracket",
            ]
        "#]]
        .assert_debug_eq(&errs);
    }
}
