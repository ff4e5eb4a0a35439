//! Korean search: Hangul words (and their stems) added to the search index mdBook writes.
//!
//! mdBook 0.5.4's index (elasticlunr-rs, English pipeline) holds no Hangul token, and the page's
//! elasticlunr trimmer erases Hangul from a query. This module rewrites a built edition's
//! `searchindex*.js`: for every indexed section it reads the stored text of each field, and adds
//! each word that contains Hangul, plus the word's stem with a trailing particle or ending removed
//! (컨테이너는 → 컨테이너), to that field's inverted index with elasticlunr's term frequency
//! (√count) and the field length it uses for scoring. The page side is `theme/cloudbook-i18n.js`:
//! a Unicode trimmer, and a query step, `cloudbook-ko-stem`, that strips the same particles,
//! which this index lists under `cloudbook_particles` so that the list lives in one place.
//! English tokens are left exactly as mdBook indexed them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use serde_json::{Map, Value, json};

/// Particles and endings removed from a Hangul word's end to find its stem, longest first at
/// lookup. A stem keeps at least two syllables, so 추가 stays 추가 (가 is not a particle there).
pub const PARTICLES: &[&str] = &[
    // Case and topic particles.
    "은",
    "는",
    "이",
    "가",
    "을",
    "를",
    "의",
    "에",
    "에서",
    "으로",
    "로",
    "와",
    "과",
    "도",
    "만",
    "까지",
    "부터",
    "에게",
    "한테",
    "께",
    "보다",
    "처럼",
    "마다",
    "이나",
    "나",
    "이란",
    "란",
    "이라는",
    "라는",
    "이든",
    "든",
    // Particles stacked on particles.
    "에는",
    "에서는",
    "으로는",
    "로는",
    "에도",
    "에서도",
    "으로도",
    "로도",
    "과는",
    "와는",
    "에게는",
    "만을",
    "만이",
    "까지는",
    "부터는",
    "보다는",
    "에만",
    "에서만",
    "으로만",
    "이라도",
    "라도",
    // The copula and the most common verb endings after a noun.
    "이다",
    "입니다",
    "이며",
    "이고",
    "이면",
    "이므로",
    "였습니다",
    "이었습니다",
    "합니다",
    "하는",
    "하면",
    "하고",
    "하여",
    "해서",
    "했습니다",
    "하세요",
    "하지",
    "한",
    "할",
    "함",
    "됩니다",
    "되는",
    "되면",
    "되고",
    "되어",
    "됐습니다",
    "된",
    "될",
];

/// The name of the page's query step that strips particles (registered by the theme script).
pub const QUERY_STEP: &str = "cloudbook-ko-stem";

fn is_hangul(c: char) -> bool {
    matches!(c, '\u{AC00}'..='\u{D7A3}' | '\u{1100}'..='\u{11FF}' | '\u{3130}'..='\u{318F}')
}

/// `word` without its longest trailing particle, if that leaves a stem of two or more
/// characters; `None` when nothing is removed.
pub fn stem(word: &str) -> Option<&str> {
    let mut best: Option<&str> = None;
    for p in PARTICLES {
        if let Some(s) = word.strip_suffix(p)
            && s.chars().count() >= 2
            && s.chars()
                .last()
                .is_some_and(|c| is_hangul(c) || c.is_alphanumeric())
            && best.is_none_or(|b| s.len() < b.len())
        {
            best = Some(s);
        }
    }
    best
}

/// The tokens this module adds for `text`: each word that contains Hangul, split and lowercased
/// as mdBook splits (white space and `-`), trimmed of punctuation at both ends, then its stem.
pub fn hangul_tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for raw in text.split(|c: char| c.is_whitespace() || c == '-') {
        let word = raw
            .trim_matches(|c: char| !(c.is_alphanumeric() || c == '_'))
            .to_lowercase();
        if word.is_empty() || !word.chars().any(is_hangul) || word.len() > 80 {
            continue;
        }
        if let Some(s) = stem(&word) {
            out.push(s.to_string());
        }
        out.push(word);
    }
    out
}

/// Adds the Hangul tokens of every stored document to an elasticlunr index (the `index` member
/// of mdBook's search JSON), the particle list, and the query step. Returns how many
/// (token, section, field) entries were added.
pub fn add_hangul(search: &mut Value) -> anyhow::Result<u64> {
    let index = search
        .get_mut("index")
        .context("the search JSON has no `index`")?;
    let fields: Vec<String> = index["fields"]
        .as_array()
        .context("the index has no `fields`")?
        .iter()
        .filter_map(|f| f.as_str().map(str::to_string))
        .collect();
    let docs: Vec<(String, Map<String, Value>)> = index["documentStore"]["docs"]
        .as_object()
        .context("the index stores no documents (mdBook's search needs them for teasers)")?
        .iter()
        .filter_map(|(k, v)| Some((k.clone(), v.as_object()?.clone())))
        .collect();
    let mut added = 0;
    for (doc, stored) in &docs {
        for field in &fields {
            let Some(text) = stored.get(field).and_then(Value::as_str) else {
                continue;
            };
            let tokens = hangul_tokens(text);
            if tokens.is_empty() {
                continue;
            }
            let mut counts: BTreeMap<&str, u32> = BTreeMap::new();
            for t in &tokens {
                *counts.entry(t.as_str()).or_default() += 1;
            }
            let root = &mut index["index"][field.as_str()]["root"];
            for (token, n) in &counts {
                if add_token(root, token, doc, f64::from(*n).sqrt()) {
                    added += 1;
                }
            }
            // elasticlunr.js divides by √(field length): a title of Hangul words only has
            // length 0 in mdBook's index, which would make its score infinite.
            let info = &mut index["documentStore"]["docInfo"][doc.as_str()][field.as_str()];
            *info = json!(info.as_u64().unwrap_or(0) + tokens.len() as u64);
        }
    }
    let pipeline = index["pipeline"]
        .as_array_mut()
        .context("the index has no `pipeline`")?;
    if !pipeline.iter().any(|p| p == QUERY_STEP) {
        pipeline.push(json!(QUERY_STEP));
    }
    search["cloudbook_particles"] = json!(PARTICLES);
    Ok(added)
}

/// Puts `doc` with term frequency `tf` under `token` in an elasticlunr trie; false when the
/// token already lists the document (mdBook indexed it, e.g. a Latin word).
fn add_token(root: &mut Value, token: &str, doc: &str, tf: f64) -> bool {
    let mut node = root;
    for c in token.chars() {
        let key = c.to_string();
        if node.get(&key).is_none() {
            node[key.as_str()] = json!({ "docs": {}, "df": 0 });
        }
        node = &mut node[key.as_str()];
    }
    if node.get("docs").is_none() {
        node["docs"] = json!({});
    }
    if node["docs"].get(doc).is_some() {
        return false;
    }
    node["docs"][doc] = json!({ "tf": tf });
    node["df"] = json!(node["df"].as_u64().unwrap_or(0) + 1);
    true
}

/// The search index file of a built edition (`searchindex.js`, or its hashed name).
pub fn index_file(dir: &Path) -> anyhow::Result<Option<PathBuf>> {
    let mut found = None;
    for e in std::fs::read_dir(dir).with_context(|| format!("listing {}", dir.display()))? {
        let p = e?.path();
        let name = p.file_name().unwrap_or_default().to_string_lossy().into_owned();
        if name.starts_with("searchindex") && name.ends_with(".js") {
            found = Some(p);
        }
    }
    Ok(found)
}

const JS_HEAD: &str = "window.search = Object.assign(window.search, JSON.parse('";
const JS_TAIL: &str = "'));";

/// Reads mdBook's `searchindex.js`: the JSON inside a single-quoted string literal.
pub fn read_index_js(js: &str) -> anyhow::Result<Value> {
    let Some(inner) = js
        .trim_end()
        .strip_prefix(JS_HEAD)
        .and_then(|s| s.strip_suffix(JS_TAIL))
    else {
        bail!("the search index is not in the form mdBook 0.5 writes (`{JS_HEAD}…{JS_TAIL}`)");
    };
    let mut json = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        json.push(if c == '\\' {
            chars.next().unwrap_or('\\')
        } else {
            c
        });
    }
    serde_json::from_str(&json).context("the search index's JSON does not parse")
}

/// Writes the index back in mdBook's form.
pub fn write_index_js(search: &Value) -> String {
    let json = search.to_string();
    format!(
        "{JS_HEAD}{}{JS_TAIL}",
        json.replace('\\', "\\\\").replace('\'', "\\'")
    )
}

/// Adds Hangul tokens to the search index of the edition built in `dir`; returns its size
/// before and after, in bytes ((0, 0) when the edition has no search).
pub fn localize_index(dir: &Path) -> anyhow::Result<(u64, u64)> {
    let Some(path) = index_file(dir)? else {
        return Ok((0, 0));
    };
    let js = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let mut search = read_index_js(&js).with_context(|| format!("reading {}", path.display()))?;
    add_hangul(&mut search)?;
    let out = write_index_js(&search);
    std::fs::write(&path, &out).with_context(|| format!("writing {}", path.display()))?;
    Ok((js.len() as u64, out.len() as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn particles_are_stripped_to_a_stem_of_two_syllables_or_more() {
        assert_eq!(stem("컨테이너는"), Some("컨테이너"));
        assert_eq!(stem("컨테이너를"), Some("컨테이너"));
        assert_eq!(stem("작업에서"), Some("작업"));
        assert_eq!(stem("작업에서는"), Some("작업"));
        assert_eq!(stem("함수입니다"), Some("함수"));
        assert_eq!(stem("lambda의"), Some("lambda"));
        assert_eq!(stem("추가"), None, "one syllable would be left");
        assert_eq!(stem("컨테이너"), None);
    }

    #[test]
    fn tokens_keep_hangul_words_and_their_stems_only() {
        assert_eq!(
            hangul_tokens("Fargate는 컨테이너를 (서버 없이) 실행합니다."),
            [
                "fargate",
                "fargate는",
                "컨테이너",
                "컨테이너를",
                "서버",
                "없이",
                "실행",
                "실행합니다"
            ]
        );
    }

    #[test]
    fn the_index_gains_hangul_tokens_with_scores_and_the_query_step() {
        let mut search = json!({
            "doc_urls": ["a.html"],
            "index": {
                "fields": ["title", "body"],
                "pipeline": ["trimmer", "stopWordFilter", "stemmer"],
                "documentStore": {
                    "docs": { "0": { "id": "0", "title": "작업 정의", "body": "Fargate 작업은 작업 정의를 따릅니다" } },
                    "docInfo": { "0": { "title": 0, "body": 1 } },
                    "length": 1, "save": true
                },
                "index": {
                    "title": { "root": { "docs": {}, "df": 0 } },
                    "body": { "root": { "docs": {}, "df": 0, "f": { "docs": {}, "df": 0 } } }
                }
            }
        });
        let added = add_hangul(&mut search).expect("a well-formed index");
        // title: 작업, 정의; body: 작업 (from 작업 and 작업은), 작업은, 정의, 정의를, 따릅니다
        assert_eq!(added, 7);
        let body = &search["index"]["index"]["body"]["root"];
        assert_eq!(body["작"]["업"]["docs"]["0"]["tf"], json!(2f64.sqrt()));
        assert_eq!(body["작"]["업"]["은"]["df"], json!(1));
        assert_eq!(
            search["index"]["documentStore"]["docInfo"]["0"],
            json!({ "title": 2, "body": 7 })
        );
        assert_eq!(search["index"]["pipeline"][3], json!(QUERY_STEP));
        let js = write_index_js(&search);
        assert_eq!(read_index_js(&js).expect("round trip"), search);
    }
}
