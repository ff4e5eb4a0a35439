//! `Keyed<V>`: a map from question or lab ids to values, kept as a vector in insertion order.
//!
//! A quiz has a handful of questions, so a linear search is as fast as a tree, and every
//! `BTreeMap<K, V>` instantiation costs the widgets module kilobytes of node-balancing code.
//! The API is the part of `BTreeMap`'s that the quiz state uses.

use std::ops::Index;

#[derive(Debug, Clone, PartialEq)]
pub struct Keyed<V>(Vec<(String, V)>);

impl<V> Default for Keyed<V> {
    fn default() -> Self {
        Keyed(Vec::new())
    }
}

impl<V> Keyed<V> {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn get(&self, key: &str) -> Option<&V> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }
    /// Sets the value of `key`, replacing an earlier one.
    pub fn insert(&mut self, key: String, value: V) {
        match self.0.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = value,
            None => self.0.push((key, value)),
        }
    }
    pub fn retain(&mut self, mut keep: impl FnMut(&str, &V) -> bool) {
        self.0.retain(|(k, v)| keep(k, v));
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn iter(&self) -> impl Iterator<Item = (&String, &V)> {
        self.0.iter().map(|(k, v)| (k, v))
    }
    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.0.iter().map(|(_, v)| v)
    }
}

impl<V> Index<&str> for Keyed<V> {
    type Output = V;
    fn index(&self, key: &str) -> &V {
        self.get(key).expect("the key is present")
    }
}

#[cfg(test)]
mod tests {
    use super::Keyed;

    #[test]
    fn behaves_as_a_map() {
        let mut m = Keyed::new();
        m.insert("b".to_string(), 1);
        m.insert("a".to_string(), 2);
        m.insert("b".to_string(), 3);
        assert_eq!((m.len(), m["b"], m.get("a")), (2, 3, Some(&2)));
        m.retain(|k, _| k != "b");
        assert!(!m.contains_key("b") && m.contains_key("a"));
    }
}
