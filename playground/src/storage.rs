//! localStorage, namespaced and fail-soft: a full, disabled or corrupt store never panics; the
//! widget just starts fresh and says so.

const PREFIX: &str = "cloudbook:v1:";

fn store() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The key of a quiz's progress.
pub fn quiz_key(quiz_id: &str) -> String {
    format!("{PREFIX}quiz:{quiz_id}")
}

/// The key of a lab's state (code and whether its goals were reached).
pub fn lab_key(lab_id: &str) -> String {
    format!("{PREFIX}lab:{lab_id}")
}

/// The per-learner seed that keeps option shuffles stable across reloads.
pub const SEED_KEY: &str = "cloudbook:v1:learner-seed";

pub fn get(key: &str) -> Option<String> {
    store()?.get_item(key).ok().flatten()
}

/// Writes a value; returns false when the store refused (full, disabled).
pub fn set(key: &str, value: &str) -> bool {
    store().is_some_and(|s| s.set_item(key, value).is_ok())
}

pub fn remove(key: &str) {
    if let Some(s) = store() {
        let _ = s.remove_item(key);
    }
}

/// Every cloudbook key and its value, for the progress page's export.
pub fn all() -> Vec<(String, String)> {
    let Some(s) = store() else { return Vec::new() };
    let n = s.length().unwrap_or(0);
    let mut out: Vec<(String, String)> = Vec::new();
    for i in 0..n {
        let Some(k) = s.key(i).ok().flatten().filter(|k| k.starts_with(PREFIX)) else {
            continue;
        };
        if let Some(v) = s.get_item(&k).ok().flatten() {
            // Sorted by key as it is filled (a handful of keys; no sort routine in the wasm).
            let at = out.iter().position(|(o, _)| *o > k).unwrap_or(out.len());
            out.insert(at, (k, v));
        }
    }
    out
}

/// The learner's shuffle seed, created once from the browser's random source.
pub fn learner_seed() -> u64 {
    if let Some(seed) = get(SEED_KEY).and_then(|s| s.parse().ok()) {
        return seed;
    }
    let seed = (js_sys::Math::random() * 9.0e15) as u64;
    set(SEED_KEY, &seed.to_string());
    seed
}
