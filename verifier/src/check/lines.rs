//! Reading the log's lines: from a file or a pipe, each read bounded, and the entry an error
//! names read back to describe it.

use crate::inputs::{Inputs, LogSource};
use crate::report::{self, EntryInfo};
use gongzhang_core::entry::{ENTRY_BYTES_MAX, Entry};
use gongzhang_core::merkle::MerkleAccumulator;
use gongzhang_core::stream::{StreamError, StreamVerifier};
use gongzhang_text::Lang;
use std::io::{BufRead as _, BufReader, Read as _};

/// The last lines read from a pipe, enough to describe the entry an error names: an error is
/// found at most `threads + 2` chunks behind the line being read, so the window keeps that many
/// chunks' worth of lines and bytes.
#[derive(Debug, Default)]
pub(super) struct RecentLines {
    lines: std::collections::VecDeque<(u64, Vec<u8>)>,
    bytes: usize,
    max_lines: usize,
    max_bytes: usize,
}

impl RecentLines {
    /// The window for a verifier with `threads` worker threads.
    pub(super) fn new(threads: usize) -> RecentLines {
        let chunks = threads + 3;
        RecentLines {
            max_lines: chunks * gongzhang_core::stream::CHUNK_LINES,
            max_bytes: chunks * (gongzhang_core::stream::CHUNK_BYTES + ENTRY_BYTES_MAX),
            ..RecentLines::default()
        }
    }

    /// Keeps line `index`, dropping the oldest lines beyond the window.
    fn push(&mut self, index: u64, line: &[u8]) {
        self.lines.push_back((index, line.to_vec()));
        self.bytes += line.len();
        // The newest line stays, however long.
        while self.lines.len() > 1
            && (self.lines.len() > self.max_lines || self.bytes > self.max_bytes)
        {
            match self.lines.pop_front() {
                Some((_, old)) => self.bytes -= old.len(),
                None => break,
            }
        }
    }

    /// Line `index`, if it is still in the window.
    fn get(&self, index: u64) -> Option<&[u8]> {
        let first = self.lines.front()?.0;
        let (i, line) = self
            .lines
            .get(usize::try_from(index.checked_sub(first)?).ok()?)?;
        (*i == index).then_some(line.as_slice())
    }
}

/// Reads back the entry on the line for `seq` to describe it: from the file, or from the last
/// lines kept when the log came through a pipe.
pub(super) fn describe_line(
    source: &LogSource,
    recent: &RecentLines,
    seq: u64,
    lang: Lang,
) -> Option<EntryInfo> {
    let LogSource::File(path) = source else {
        let line = recent.get(seq)?;
        return Entry::parse(line).ok().map(|e| report::describe(&e, lang));
    };
    let mut reader = BufReader::new(std::fs::File::open(path).ok()?);
    let mut line = Vec::new();
    for _ in 0..=seq {
        line.clear();
        let n = (&mut reader)
            .take((ENTRY_BYTES_MAX + 2) as u64)
            .read_until(b'\n', &mut line)
            .ok()?;
        if n == 0 {
            return None;
        }
    }
    let bytes = line.strip_suffix(b"\n").unwrap_or(&line);
    Entry::parse(bytes).ok().map(|e| report::describe(&e, lang))
}

/// Reads the log line by line (each read bounded, so a file without line feeds cannot fill
/// memory) and feeds the verifier.
pub(super) fn stream_log<E, F>(
    inputs: &Inputs,
    verifier: &mut StreamVerifier,
    recent: &mut RecentLines,
    on_entry: &mut F,
) -> std::io::Result<Result<(), StreamError<E>>>
where
    F: FnMut(&Entry, &MerkleAccumulator) -> Result<(), E>,
{
    let input: Box<dyn std::io::Read> = match &inputs.log {
        LogSource::Stdin => Box::new(std::io::stdin().lock()),
        LogSource::File(path) => Box::new(std::fs::File::open(path)?),
    };
    let mut reader = BufReader::with_capacity(1 << 20, input);
    let mut line = Vec::new();
    let limit = (ENTRY_BYTES_MAX + 2) as u64;
    let mut index: u64 = 0;
    loop {
        line.clear();
        let n = (&mut reader).take(limit).read_until(b'\n', &mut line)?;
        if n == 0 {
            return Ok(Ok(()));
        }
        let terminated = line.ends_with(b"\n");
        let bytes = line.strip_suffix(b"\n").unwrap_or(&line);
        if matches!(inputs.log, LogSource::Stdin) {
            recent.push(index, bytes);
        }
        index += 1;
        if let Err(e) = verifier.push(bytes, terminated, on_entry) {
            return Ok(Err(e));
        }
        if !terminated {
            // The end of the file without a line feed, or an over-long line cut short: either
            // way this line is the last one judged.
            return Ok(Ok(()));
        }
    }
}

#[cfg(test)]
mod recent_lines_tests {
    use super::RecentLines;

    #[test]
    fn keeps_the_last_lines_within_both_limits() {
        let mut r = RecentLines {
            max_lines: 4,
            max_bytes: 10,
            ..RecentLines::default()
        };
        for i in 0..10u64 {
            r.push(i, format!("l{i}").as_bytes());
        }
        assert_eq!(r.get(5), None);
        assert_eq!(r.get(6), Some(&b"l6"[..]));
        assert_eq!(r.get(9), Some(&b"l9"[..]));
        assert_eq!(r.get(10), None);
        // Bytes: a long line pushes out older ones, but the newest line is always kept.
        r.push(10, b"0123456789");
        assert_eq!(r.get(9), None);
        assert_eq!(r.get(10), Some(&b"0123456789"[..]));
        r.push(11, b"0123456789ab");
        assert_eq!(r.get(10), None);
        assert_eq!(r.get(11), Some(&b"0123456789ab"[..]));
        // The window for 2 threads covers the chunks that can be in flight.
        let w = RecentLines::new(2);
        assert_eq!(w.max_lines, 5 * gongzhang_core::stream::CHUNK_LINES);
    }
}
