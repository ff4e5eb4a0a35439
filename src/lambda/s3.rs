//! The simulated S3 of the account: buckets of text objects, enough for handlers to put, get and
//! list, and for ObjectCreated notifications to fire.
//!
//! It deliberately has no versioning, ACLs, multipart uploads or eventual consistency; who may
//! call it is decided by IAM in the caller, and notifications are scheduled by the account.

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Object {
    pub body: String,
    pub etag: String,
    /// Monotonic per store, printed as the notification's hex `sequencer`.
    pub sequencer: u64,
}

#[derive(Debug, Clone, Default)]
pub struct S3Store {
    buckets: BTreeMap<String, BTreeMap<String, Object>>,
    next_sequencer: u64,
}

/// A content fingerprint printed where S3 prints an MD5 ETag (32 hex digits). It is the first half
/// of SHA-256 because the core has a SHA-2 dependency and no MD5 one; the shape is what matters.
pub fn etag(body: &str) -> String {
    let d = Sha256::digest(body.as_bytes());
    d[..16].iter().map(|b| format!("{b:02x}")).collect()
}

impl S3Store {
    pub fn create_bucket(&mut self, name: &str) {
        self.buckets.entry(name.to_string()).or_default();
    }
    pub fn has_bucket(&self, name: &str) -> bool {
        self.buckets.contains_key(name)
    }
    pub fn put(&mut self, bucket: &str, key: &str, body: String) -> &Object {
        self.next_sequencer += 1;
        let obj = Object {
            etag: etag(&body),
            body,
            sequencer: 0x0055_AED6_DCD9_0281 + self.next_sequencer,
        };
        let b = self.buckets.entry(bucket.to_string()).or_default();
        b.insert(key.to_string(), obj);
        b.get(key).expect("just inserted")
    }
    pub fn get(&self, bucket: &str, key: &str) -> Option<&Object> {
        self.buckets.get(bucket)?.get(key)
    }
    /// Keys under `prefix`, in S3's lexicographic order.
    pub fn keys(&self, bucket: &str, prefix: &str) -> Vec<String> {
        self.buckets
            .get(bucket)
            .map(|b| {
                b.range(prefix.to_string()..)
                    .take_while(|(k, _)| k.starts_with(prefix))
                    .map(|(k, _)| k.clone())
                    .collect()
            })
            .unwrap_or_default()
    }
    pub fn buckets(&self) -> impl Iterator<Item = (&String, &BTreeMap<String, Object>)> {
        self.buckets.iter()
    }
}
