//! Share links: a lab's saved state packed into the URL fragment, `#cb-lab=<id>.<data>`, where
//! `<data>` is base64url (no padding) of the JSON compressed with a small LZ77 codec of our own.
//!
//! Why our own codec: the lab module already carries what it needs for JSON, and a general
//! deflate crate would weigh more than this whole file; the browser's `CompressionStream` is
//! asynchronous and missing from older browsers. The format is simple on purpose:
//! a control byte `c < 0x80` is followed by `c + 1` literal bytes; `c >= 0x80` copies
//! `(c & 0x7f) + 3` bytes from `offset` bytes back, the offset in the next two bytes
//! (little-endian, 1 to 65,535). Decoding checks every bound, so a hand-edited link only ever
//! gives `None`, never a panic.

/// The fragment prefix of a share link.
pub const FRAGMENT: &str = "cb-lab=";

const MIN_MATCH: usize = 3;
const MAX_MATCH: usize = 0x7f + MIN_MATCH;
const WINDOW: usize = 0xffff;
const HASH_BITS: u32 = 12;

fn hash3(b: &[u8]) -> usize {
    let v = u32::from(b[0]) | u32::from(b[1]) << 8 | u32::from(b[2]) << 16;
    (v.wrapping_mul(2_654_435_761) >> (32 - HASH_BITS)) as usize
}

/// Compresses `input` (greedy matching over a one-entry hash table: fast and small, and JSON
/// repeats its keys enough for it).
pub fn compress(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len() / 2 + 8);
    let mut table = vec![usize::MAX; 1 << HASH_BITS];
    let mut literals_from = 0;
    let mut i = 0;
    let flush = |out: &mut Vec<u8>, lit: &[u8]| {
        for chunk in lit.chunks(0x80) {
            out.push((chunk.len() - 1) as u8);
            out.extend_from_slice(chunk);
        }
    };
    while i + MIN_MATCH <= input.len() {
        let h = hash3(&input[i..]);
        let cand = table[h];
        table[h] = i;
        if cand != usize::MAX
            && i - cand <= WINDOW
            && input[cand..cand + MIN_MATCH] == input[i..i + MIN_MATCH]
        {
            let mut len = MIN_MATCH;
            while len < MAX_MATCH && i + len < input.len() && input[cand + len] == input[i + len] {
                len += 1;
            }
            flush(&mut out, &input[literals_from..i]);
            let offset = (i - cand) as u16;
            out.push(0x80 | (len - MIN_MATCH) as u8);
            out.extend_from_slice(&offset.to_le_bytes());
            i += len;
            literals_from = i;
        } else {
            i += 1;
        }
    }
    flush(&mut out, &input[literals_from..]);
    out
}

/// Decompresses what [`compress`] made; `None` for anything malformed or over `limit` bytes.
pub fn decompress(input: &[u8], limit: usize) -> Option<Vec<u8>> {
    let mut out: Vec<u8> = Vec::with_capacity(input.len() * 3);
    let mut i = 0;
    while i < input.len() {
        let c = input[i];
        i += 1;
        if c < 0x80 {
            let n = usize::from(c) + 1;
            out.extend_from_slice(input.get(i..i + n)?);
            i += n;
        } else {
            let len = usize::from(c & 0x7f) + MIN_MATCH;
            let offset = usize::from(u16::from_le_bytes([*input.get(i)?, *input.get(i + 1)?]));
            i += 2;
            if offset == 0 || offset > out.len() {
                return None;
            }
            // Byte by byte: a match may overlap what it writes (a run of one repeated byte).
            let from = out.len() - offset;
            for k in 0..len {
                let b = out[from + k];
                out.push(b);
            }
        }
        if out.len() > limit {
            return None;
        }
    }
    Some(out)
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// base64url without padding (RFC 4648 §5).
pub fn base64url(input: &[u8]) -> String {
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let v = u32::from(chunk[0]) << 16
            | u32::from(*chunk.get(1).unwrap_or(&0)) << 8
            | u32::from(*chunk.get(2).unwrap_or(&0));
        for k in 0..=chunk.len() {
            out.push(B64[(v >> (18 - 6 * k) & 63) as usize] as char);
        }
    }
    out
}

/// Reads base64url without padding; `None` for any other character or a dangling sixth.
pub fn from_base64url(text: &str) -> Option<Vec<u8>> {
    let digit = |c: u8| B64.iter().position(|&d| d == c).map(|p| p as u32);
    let bytes = text.as_bytes();
    if bytes.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len() / 4 * 3 + 2);
    for chunk in bytes.chunks(4) {
        let mut v = 0u32;
        for (k, &c) in chunk.iter().enumerate() {
            v |= digit(c)? << (18 - 6 * k);
        }
        for k in 0..chunk.len() - 1 {
            out.push((v >> (16 - 8 * k)) as u8);
        }
    }
    Some(out)
}

/// The fragment (without `#`) that shares `json` as the state of lab `id`.
pub fn link_fragment(id: &str, json: &str) -> String {
    format!("{FRAGMENT}{id}.{}", base64url(&compress(json.as_bytes())))
}

/// What a fragment holds for lab `id`: `None` when it is not a share link for this lab (the page
/// ignores it), `Some(Err(()))` when it is one but cannot be read (the page says so and resets),
/// `Some(Ok(json))` otherwise.
pub fn read_fragment(fragment: &str, id: &str) -> Option<Result<String, ()>> {
    let rest = fragment
        .strip_prefix('#')
        .unwrap_or(fragment)
        .strip_prefix(FRAGMENT)?;
    let (link_id, data) = rest.split_once('.').unwrap_or((rest, ""));
    if link_id != id {
        return None;
    }
    let json = from_base64url(data)
        .and_then(|packed| decompress(&packed, 4 << 20))
        .and_then(|raw| String::from_utf8(raw).ok());
    Some(json.ok_or(()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compress_round_trips_and_shrinks_json() {
        let json = serde_json::json!({
            "version": 2,
            "cells": (0..6).map(|i| serde_json::json!({"id": format!("c{i}"), "kind": "invoke",
                "function": "hello", "event": {"name": "Kim", "path": "/hello"}})).collect::<Vec<_>>(),
            "passed": false, "hints_shown": 1,
        })
        .to_string();
        let packed = compress(json.as_bytes());
        assert!(
            packed.len() * 2 < json.len(),
            "{} of {}",
            packed.len(),
            json.len()
        );
        assert_eq!(decompress(&packed, 1 << 20).as_deref(), Some(json.as_bytes()));
        for sample in [&b""[..], b"a", b"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "é😀 fn handler() {}".as_bytes()] {
            assert_eq!(decompress(&compress(sample), 1 << 20).as_deref(), Some(sample));
        }
        // Long literal runs and far matches.
        let mut noise: Vec<u8> = (0..70_000u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        noise.extend_from_within(100..400);
        assert_eq!(decompress(&compress(&noise), 1 << 20), Some(noise));
    }

    #[test]
    fn decompress_rejects_malformed_input_and_bombs() {
        assert_eq!(decompress(&[5, b'a'], 100), None, "literal run past the end");
        assert_eq!(decompress(&[0x80, 1, 0], 100), None, "match before any output");
        assert_eq!(
            decompress(&[0, b'a', 0x80, 2, 0], 100),
            None,
            "offset past the start"
        );
        assert_eq!(decompress(&[0, b'a', 0x80], 100), None, "truncated offset");
        let bomb: Vec<u8> = [0, b'a']
            .into_iter()
            .chain((0..100).flat_map(|_| [0xff, 1, 0]))
            .collect();
        assert_eq!(decompress(&bomb, 1000), None);
        assert_eq!(decompress(&bomb, 1 << 20).map(|v| v.len()), Some(1 + 100 * 130));
    }

    #[test]
    fn base64url_matches_rfc_4648_vectors() {
        for (raw, enc) in [
            ("", ""),
            ("f", "Zg"),
            ("fo", "Zm8"),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg"),
            ("fooba", "Zm9vYmE"),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64url(raw.as_bytes()), enc);
            assert_eq!(from_base64url(enc).as_deref(), Some(raw.as_bytes()));
        }
        assert_eq!(base64url(&[0xfb, 0xff]), "-_8");
        assert_eq!(from_base64url("Zg="), None);
        assert_eq!(from_base64url("Z"), None);
    }

    #[test]
    fn fragments_name_their_lab_and_bad_ones_are_told_apart_from_others() {
        let frag = link_fragment("triggers-api", "{\"version\":2}");
        assert!(frag.starts_with("cb-lab=triggers-api."));
        assert_eq!(
            read_fragment(&format!("#{frag}"), "triggers-api"),
            Some(Ok("{\"version\":2}".into()))
        );
        assert_eq!(read_fragment(&frag, "other"), None);
        assert_eq!(read_fragment("#some-heading", "triggers-api"), None);
        assert_eq!(
            read_fragment("#cb-lab=triggers-api.%%%", "triggers-api"),
            Some(Err(()))
        );
        assert_eq!(
            read_fragment("#cb-lab=triggers-api", "triggers-api"),
            Some(Ok(String::new()))
        );
    }
}
