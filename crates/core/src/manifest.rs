//! The export bundle's manifest, `SHA256SUMS`: one `HEX  PATH` line per file, as `sha256sum`
//! writes it (`HEX *PATH`, binary mode, is read too). Parsing only — the caller reads and hashes
//! the files — so that the verifier and `gongzhang restore` read a bundle by the same rules.

use crate::hash::Hash;

/// One line of a manifest: a file of the bundle and the SHA-256 it must have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestLine<'a> {
    /// The line number (1-based).
    pub line: usize,
    /// The SHA-256 the file must have.
    pub sha256: Hash,
    /// The file, relative to the bundle, `/`-separated.
    pub path: &'a str,
}

/// Why a manifest line is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ManifestError {
    /// The line is not a SHA-256 in hex, two separator characters and a path.
    #[error("manifest line {line} is not `SHA256  PATH`")]
    NotHashAndPath {
        /// The line number (1-based).
        line: usize,
    },
    /// The path is absolute, empty, or leaves the bundle (`..`, `.`, an empty component, a
    /// backslash).
    #[error("manifest line {line} names {path:?}, which is not a path inside the bundle")]
    OutsideBundle {
        /// The line number (1-based).
        line: usize,
        /// The path as written.
        path: String,
    },
}

impl ManifestError {
    /// The line the error is on.
    pub fn line(&self) -> usize {
        match self {
            ManifestError::NotHashAndPath { line } | ManifestError::OutsideBundle { line, .. } => {
                *line
            }
        }
    }
}

/// The lines of a manifest, in order; blank lines are skipped.
pub fn parse(text: &str) -> impl Iterator<Item = Result<ManifestLine<'_>, ManifestError>> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(index, l)| parse_line(index + 1, l))
}

fn parse_line(line: usize, text: &str) -> Result<ManifestLine<'_>, ManifestError> {
    let (hex, path) = text
        .split_once("  ")
        .or_else(|| text.split_once(" *"))
        .ok_or(ManifestError::NotHashAndPath { line })?;
    let sha256 = Hash::from_hex(hex).map_err(|_| ManifestError::NotHashAndPath { line })?;
    let inside = !path.starts_with('/')
        && !path.contains('\\')
        && path
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != "..");
    if !inside {
        return Err(ManifestError::OutsideBundle {
            line,
            path: path.to_string(),
        });
    }
    Ok(ManifestLine { line, sha256, path })
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEX: &str = "5ab0171e6a135da234db7097f1119db5f644a799badf87f77f299d55312ce229";

    #[test]
    fn reads_both_sha256sum_modes_and_skips_blank_lines() {
        let text = format!("{HEX}  log.jsonl\n\n{HEX} *attachments/{HEX}.pdf\n");
        let lines: Vec<_> = parse(&text).collect::<Result<_, _>>().expect("valid");
        let hash = Hash::from_hex(HEX).expect("hex");
        assert_eq!(
            lines,
            [
                ManifestLine {
                    line: 1,
                    sha256: hash,
                    path: "log.jsonl"
                },
                ManifestLine {
                    line: 3,
                    sha256: hash,
                    path: &format!("attachments/{HEX}.pdf")
                },
            ]
        );
    }

    #[test]
    fn refuses_each_malformed_line_with_its_cause() {
        for (text, error) in [
            (
                format!("{HEX} log.jsonl"),
                ManifestError::NotHashAndPath { line: 1 },
            ),
            (
                "abcd  log.jsonl".to_string(),
                ManifestError::NotHashAndPath { line: 1 },
            ),
            (
                format!("{HEX}  /etc/passwd"),
                ManifestError::OutsideBundle {
                    line: 1,
                    path: "/etc/passwd".to_string(),
                },
            ),
            (
                format!("{HEX}  ../x"),
                ManifestError::OutsideBundle {
                    line: 1,
                    path: "../x".to_string(),
                },
            ),
            (
                format!("{HEX}  a//b"),
                ManifestError::OutsideBundle {
                    line: 1,
                    path: "a//b".to_string(),
                },
            ),
            (
                format!("{HEX}  a\\b"),
                ManifestError::OutsideBundle {
                    line: 1,
                    path: "a\\b".to_string(),
                },
            ),
            (
                format!("{HEX}  "),
                ManifestError::OutsideBundle {
                    line: 1,
                    path: String::new(),
                },
            ),
        ] {
            let found = parse(&text).next().expect("one line");
            assert_eq!(found, Err(error.clone()), "{text}");
            assert_eq!(error.line(), 1);
        }
    }
}
