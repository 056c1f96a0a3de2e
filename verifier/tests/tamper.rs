//! The tamper corpus (issue 5): the demo community's log, altered in every way a resident should
//! be warned of, each checked by running `gongzhang-verify` as a resident would. Every case
//! asserts the exit code (1), the entry the zh report names and the reason in words, and the
//! `--json` report's outcome, failure code and entry.

mod support;

use gongzhang_core::checkpoint::{self, Checkpoint};
use gongzhang_core::cosignature::{CosignerSigner, cosign};
use gongzhang_core::entry::{AuthorSignature, Entry, Event, RecordedAt};
use gongzhang_core::keys::{AuthorSigner, PublicKey};
use gongzhang_core::ledger::events::{LedgerEvent, PaymentDemandIssued, PeriodClosed};
use gongzhang_core::ledger::types::{Fen, FundId};
use gongzhang_core::ledger::{Ledger, RuleError, Violation};
use gongzhang_core::note::{self, SignerKey};
use gongzhang_demo::community as demo;
use gongzhang_text::{Explain as _, Lang};
use serde_json::json;
use support::{
    Case, Seq, append, checkpoint_of, demo, demo_log, event, jsonl, later, rechain, sign, sign_as,
    signed, signer_of,
};

/// The lines of the demo log, without their line feeds.
fn lines() -> Vec<&'static [u8]> {
    let log = demo_log();
    log.strip_suffix(b"\n")
        .unwrap_or(log)
        .split(|b| *b == b'\n')
        .collect()
}

/// The lines joined back into a log, each ending with a line feed.
fn join(lines: &[&[u8]]) -> Vec<u8> {
    let mut out = Vec::new();
    for line in lines {
        out.extend_from_slice(line);
        out.push(b'\n');
    }
    out
}

/// The seq of the first entry of `kind` at or after `from`.
fn first_of(kind: &str, from: u64) -> u64 {
    demo()
        .entries
        .iter()
        .skip(usize::try_from(from).unwrap_or(usize::MAX))
        .find(|e| e.event().kind() == kind)
        .map(Entry::seq)
        .unwrap_or_else(|| panic!("no {kind} entry after {from}"))
}

fn entry(seq: u64) -> &'static Entry {
    &demo().entries[usize::try_from(seq).unwrap_or(usize::MAX)]
}

/// How the zh messages show a key: its first eight hexadecimal digits.
fn short(key: &PublicKey) -> String {
    format!("密钥 {}…", &key.to_hex()[..8])
}

/// `line` with the byte at `at` replaced by `by`.
fn with_byte(line: &[u8], at: usize, by: u8) -> Vec<u8> {
    assert_ne!(line[at], by, "the flipped byte must change");
    let mut out = line.to_vec();
    out[at] = by;
    out
}

/// The position just after the first occurrence of `needle` in `line`.
fn after(line: &[u8], needle: &str) -> usize {
    line.windows(needle.len())
        .position(|w| w == needle.as_bytes())
        .unwrap_or_else(|| panic!("no {needle} in the line"))
        + needle.len()
}

/// The demo log with line `seq` replaced.
fn log_with_line(seq: u64, line: &[u8]) -> Vec<u8> {
    let mut all = lines();
    all[usize::try_from(seq).unwrap_or(usize::MAX)] = line;
    join(&all)
}

/// The time of the demo's last entry.
fn end_time() -> RecordedAt {
    demo()
        .entries
        .last()
        .map(Entry::recorded_at)
        .unwrap_or_else(|| panic!("an empty demo"))
}

/// The rule error the ledger after the whole demo reports for `appended` (entries appended to
/// the demo, the last of which breaks a rule), checking that every entry before it is accepted.
fn rule_error_after_demo(appended: &[Entry]) -> RuleError {
    let mut ledger: Ledger = demo().ledger.clone();
    let (last, before) = appended.split_last().unwrap_or_else(|| panic!("no entry"));
    for e in before {
        ledger
            .apply(e)
            .unwrap_or_else(|e| panic!("an entry before the tampered one breaks a rule: {e}"));
    }
    match ledger.apply(last) {
        Err(e) => e,
        Ok(_) => panic!("the tampered entry {} keeps every rule", last.seq()),
    }
}

// --------------------------------------------------------------------------------------------
// 1. The untampered demo.

#[test]
fn the_untampered_demo_verifies() {
    let case = Case::new("untampered");
    let d = demo();
    let (log, cp) = case.files(demo_log(), &d.entries);
    case.verify(&log, &cp, &[])
        .assert_verified()
        .says(&format!("条目数： {}", d.entries.len()))
        .says(demo::ORIGIN);
}

// --------------------------------------------------------------------------------------------
// 2–4. A flipped byte.

#[test]
fn a_changed_amount_is_a_bad_signature_at_that_entry() {
    let case = Case::new("amount");
    let d = demo();
    let seq = first_of("payment_received", 0);
    let line = lines()[usize::try_from(seq).unwrap_or(0)];
    let at = after(line, "\"amount_fen\":");
    let digit = line[at];
    assert!(digit.is_ascii_digit() && digit != b'0');
    let tampered = with_byte(line, at, if digit == b'9' { b'1' } else { digit + 1 });
    let (log, cp) = case.files(&log_with_line(seq, &tampered), &d.entries);
    let signer = entry(seq).signatures()[0].key();
    assert_eq!(*signer, d.keys[demo::TREASURER]);
    case.verify(&log, &cp, &[]).assert_failed(
        "log_rejected",
        "bad_signature",
        Seq::Is(seq),
        &[
            &format!("第 {seq} 条记录上{} 的签名对不上", short(signer)),
            "记录内容在签名之后被改动过，或者签名是伪造的",
        ],
    );
}

#[test]
fn a_log_read_from_a_pipe_names_the_failing_entry_as_a_file_does() {
    use std::io::Write as _;
    let case = Case::new("amount-stdin");
    let d = demo();
    // A payment in the second half of the log: thousands of lines after the window of the
    // first chunks, so the entry must come from the lines kept while reading the pipe.
    let seq = first_of("payment_received", d.entries.len() as u64 / 2);
    let line = lines()[usize::try_from(seq).unwrap_or(0)];
    let at = after(line, "\"amount_fen\":");
    let digit = line[at];
    let tampered = with_byte(line, at, if digit == b'9' { b'1' } else { digit + 1 });
    let bytes = log_with_line(seq, &tampered);
    let (log, cp) = case.files(&bytes, &d.entries);
    let from_file = case.verify(&log, &cp, &[]);
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_gongzhang-verify"))
        .args(["-", "--key", &support::log_key(), "--checkpoint"])
        .arg(&cp)
        .arg("--json")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    // The verifier stops reading at the first error: the rest of the pipe may be refused.
    match child.stdin.take().expect("stdin").write_all(&bytes) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => panic!("write: {e}"),
        _ => {}
    }
    let out = child.wait_with_output().expect("wait");
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(report["failure"]["code"], "bad_signature");
    assert_eq!(report["failure"]["entry"]["seq"], seq);
    assert_eq!(report["failure"]["entry"]["event_type"], "payment_received");
    assert_eq!(
        report["failure"]["entry"]["event_id"],
        entry(seq).event().id()
    );
    assert_eq!(report["failure"], from_file.json["failure"]);
}

#[test]
fn a_changed_signature_is_a_bad_signature_at_that_entry() {
    let case = Case::new("signature");
    let d = demo();
    // An approval in the middle of the log: one signature, by a committee member.
    let seq = first_of("expense_approved", d.entries.len() as u64 / 2);
    let line = lines()[usize::try_from(seq).unwrap_or(0)];
    let at = after(line, "\"sig\":\"") + 70;
    let tampered = with_byte(line, at, if line[at] == b'0' { b'1' } else { b'0' });
    let (log, cp) = case.files(&log_with_line(seq, &tampered), &d.entries);
    let signer = entry(seq).signatures()[0].key();
    case.verify(&log, &cp, &[]).assert_failed(
        "log_rejected",
        "bad_signature",
        Seq::Is(seq),
        &[&format!("第 {seq} 条记录上{} 的签名对不上", short(signer))],
    );
}

#[test]
fn a_changed_prev_hash_breaks_the_chain_at_that_entry() {
    let case = Case::new("prev-hash");
    let d = demo();
    let seq = d.entries.len() as u64 / 3;
    let line = lines()[usize::try_from(seq).unwrap_or(0)];
    let at = after(line, "\"prev_hash\":\"") + 20;
    let tampered = with_byte(line, at, if line[at] == b'f' { b'e' } else { b'f' });
    let (log, cp) = case.files(&log_with_line(seq, &tampered), &d.entries);
    case.verify(&log, &cp, &[]).assert_failed(
        "log_rejected",
        "prev_hash_mismatch",
        Seq::Is(seq),
        &[&format!("第 {seq} 条记录与前一条接不上")],
    );
}

#[test]
fn a_recorded_time_moved_back_a_year_goes_backwards_at_that_entry() {
    let case = Case::new("time");
    let d = demo();
    let seq = d.entries.len() as u64 / 4;
    let line = lines()[usize::try_from(seq).unwrap_or(0)];
    let at = after(line, "\"recorded_at\":\"202");
    let year = line[at];
    let tampered = with_byte(line, at, year - 1);
    let (log, cp) = case.files(&log_with_line(seq, &tampered), &d.entries);
    case.verify(&log, &cp, &[]).assert_failed(
        "log_rejected",
        "time_went_backwards",
        Seq::Is(seq),
        &[&format!("第 {seq} 条记录的时间"), "记录时间不能倒退"],
    );
}

/// Entry `seq` of the demo re-sealed in place (same seq, previous hash and time) with `event`
/// and `signatures`: the file altered after publication, so the next entry no longer chains.
fn log_with_entry(seq: u64, event: Event, signatures: Vec<AuthorSignature>) -> Vec<u8> {
    let original = entry(seq);
    let resealed = Entry::seal(
        seq,
        original.prev_hash(),
        original.recorded_at(),
        event,
        signatures,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    log_with_line(seq, resealed.bytes())
}

/// A payment's amount changed in the published file and re-signed with the forger's own key:
/// the signature verifies, the entry breaks the treasurer rule, and entry `seq + 1` no longer
/// chains to it. The file was altered after the log key signed it, so the report must say so
/// (log rejected, chain broken after the entry), not that "signatures and chain are fine" and the
/// ledger accepted an unauthorised entry.
#[test]
fn a_changed_amount_re_signed_by_a_forger_is_an_altered_log() {
    let case = Case::new("forged");
    let d = demo();
    let seq = first_of("payment_received", 0);
    let original = entry(seq);
    let mut body = original.event().body().clone();
    let amount = body["amount_fen"]
        .as_i64()
        .unwrap_or_else(|| panic!("amount"));
    body.insert("amount_fen".into(), json!(amount + 10_000));
    let forged = event(original.event().id(), "payment_received", json!(body));
    let forger = AuthorSigner::from_seed([7; 32]);
    let sigs = sign(&forged, &[&forger]);
    let (log, cp) = case.files(&log_with_entry(seq, forged, sigs), &d.entries);
    case.verify(&log, &cp, &[]).assert_failed(
        "log_rejected",
        "prev_hash_mismatch",
        Seq::Is(seq + 1),
        &[&format!("第 {} 条记录与前一条接不上", seq + 1)],
    );
}

/// One of the three committee signatures removed from a quorum act in the published file: the
/// two left verify, the entry breaks the quorum rule, and the next entry no longer chains to it.
/// As above, the report must say the file was altered.
#[test]
fn a_removed_signature_on_a_quorum_act_is_an_altered_log() {
    let case = Case::new("removed-signature");
    let d = demo();
    let seq = first_of("owners_decision", 1_000);
    let original = entry(seq);
    assert_eq!(original.signatures().len(), 3);
    let log = log_with_entry(
        seq,
        original.event().clone(),
        original.signatures()[..2].to_vec(),
    );
    let (log, cp) = case.files(&log, &d.entries);
    case.verify(&log, &cp, &[]).assert_failed(
        "log_rejected",
        "prev_hash_mismatch",
        Seq::Is(seq + 1),
        &[&format!("第 {} 条记录与前一条接不上", seq + 1)],
    );
}

// --------------------------------------------------------------------------------------------
// 5. Entries deleted, reordered, repeated.

/// What the zh report says when position `expected` holds entry `found`.
fn out_of_place(expected: u64, found: u64) -> String {
    format!("第 {expected} 个位置上的记录，序号却是 {found}：有记录被删掉、重复或调换了顺序")
}

#[test]
fn a_deleted_entry_is_a_sequence_gap() {
    let case = Case::new("deleted");
    let d = demo();
    let seq = 5_000;
    let mut all = lines();
    all.remove(seq);
    let (log, cp) = case.files(&join(&all), &d.entries);
    let seq = seq as u64;
    case.verify(&log, &cp, &[]).assert_failed(
        "log_rejected",
        "seq_mismatch",
        Seq::Is(seq),
        &[&out_of_place(seq, seq + 1)],
    );
}

#[test]
fn two_swapped_entries_are_out_of_order() {
    let case = Case::new("swapped");
    let d = demo();
    let seq = 6_000;
    let mut all = lines();
    all.swap(seq, seq + 1);
    let (log, cp) = case.files(&join(&all), &d.entries);
    let seq = seq as u64;
    case.verify(&log, &cp, &[]).assert_failed(
        "log_rejected",
        "seq_mismatch",
        Seq::Is(seq),
        &[&out_of_place(seq, seq + 1)],
    );
}

#[test]
fn a_repeated_entry_is_out_of_order() {
    let case = Case::new("repeated");
    let d = demo();
    let seq = 7_000;
    let mut all = lines();
    all.insert(seq + 1, all[seq]);
    let (log, cp) = case.files(&join(&all), &d.entries);
    let seq = seq as u64;
    case.verify(&log, &cp, &[]).assert_failed(
        "log_rejected",
        "seq_mismatch",
        Seq::Is(seq + 1),
        &[&out_of_place(seq + 1, seq)],
    );
}

// --------------------------------------------------------------------------------------------
// 6. A truncated tail.

#[test]
fn the_last_hundred_entries_removed_is_a_size_mismatch() {
    let case = Case::new("tail-removed");
    let d = demo();
    let all = lines();
    let kept = all.len() - 100;
    let (log, cp) = case.files(&join(&all[..kept]), &d.entries);
    case.verify(&log, &cp, &[]).assert_failed(
        "log_rejected",
        "size_mismatch",
        Seq::Null,
        &[&format!(
            "检查点担保的是 {} 条记录，但账本文件里有 {kept} 条：账本文件被截短了",
            all.len()
        )],
    );
}

#[test]
fn a_file_cut_in_its_last_line_is_malformed_there() {
    let case = Case::new("cut-last-line");
    let d = demo();
    let log = demo_log();
    let last = lines().len() - 1;
    let cut = log.len() - lines()[last].len() / 2;
    let (log, cp) = case.files(&log[..cut], &d.entries);
    let seq = last as u64;
    case.verify(&log, &cp, &[]).assert_failed(
        "log_rejected",
        "malformed",
        Seq::Is(seq),
        &[&format!(
            "账本文件第 {} 行（第 {seq} 条记录）有问题",
            seq + 1
        )],
    );
}

#[test]
fn a_last_line_without_its_line_feed_is_unterminated() {
    let case = Case::new("no-final-lf");
    let d = demo();
    let log = demo_log();
    let (log, cp) = case.files(&log[..log.len() - 1], &d.entries);
    let seq = d.entries.len() as u64 - 1;
    case.verify(&log, &cp, &[]).assert_failed(
        "log_rejected",
        "unterminated_last_line",
        Seq::Is(seq),
        &[&format!(
            "账本文件的最后一行（第 {seq} 条记录）没有正常结尾：文件不完整"
        )],
    );
}

// --------------------------------------------------------------------------------------------
// 7. A forked history: the log rewritten from entry K, every entry re-signed with the real keys
// and re-chained, under a new checkpoint signed with the real log key.

/// The demo rewritten from the first payment after the treasurer's handover: that payment is
/// 1 yuan smaller (re-signed by the new treasurer); every entry after it is re-chained (new
/// `prev_hash`), and the ones whose content follows from the books (period closes, payment
/// demands) are recomputed and re-signed by their authors, so that the fork keeps every rule.
/// The other entries keep their signatures: an author signs the event only, and Ed25519 is
/// deterministic, so re-signing them would give the same bytes. Returns the fork and K.
fn fork() -> (Vec<Entry>, u64) {
    let d = demo();
    let (_, revoked) = d.summary.handover.unwrap_or_else(|| panic!("no handover"));
    let k = first_of("payment_received", revoked);
    let ku = usize::try_from(k).unwrap_or(usize::MAX);
    let mut ledger = Ledger::new();
    for e in &d.entries[..ku] {
        ledger
            .apply(e)
            .unwrap_or_else(|e| panic!("the demo breaks a rule: {e}"));
    }
    let mut fork = d.entries[..ku].to_vec();
    for original in &d.entries[ku..] {
        let ev = original.event();
        let signers: Vec<AuthorSigner> = original
            .signatures()
            .iter()
            .map(|s| signer_of(s.key()))
            .collect();
        let rewritten = match LedgerEvent::from_event(ev) {
            Ok(LedgerEvent::PaymentReceived(mut p)) if original.seq() == k => {
                assert_eq!(signers[0].public_key(), d.keys[demo::NEW_TREASURER]);
                p.amount_fen = Fen::new(p.amount_fen.get() - 100).unwrap_or_else(|e| panic!("{e}"));
                Some(LedgerEvent::PaymentReceived(p))
            }
            Ok(LedgerEvent::PeriodClosed(c)) => Some(LedgerEvent::PeriodClosed(PeriodClosed {
                statement: ledger.statement(c.statement.period),
            })),
            Ok(LedgerEvent::PaymentDemandIssued(p)) => {
                Some(LedgerEvent::PaymentDemandIssued(PaymentDemandIssued {
                    amount_fen: ledger.arrears(&p.unit),
                    ..p
                }))
            }
            _ => None,
        };
        match rewritten {
            Some(new) => {
                let new = new
                    .to_event(ev.id())
                    .unwrap_or_else(|e| panic!("rewriting {}: {e}", ev.id()));
                let signatures = sign(&new, &signers.iter().collect::<Vec<_>>());
                append(&mut fork, new, signatures, original.recorded_at());
            }
            None => {
                rechain(&mut fork, original);
            }
        }
        let last = fork.last().unwrap_or_else(|| panic!("empty fork"));
        ledger
            .apply(last)
            .unwrap_or_else(|e| panic!("the fork breaks a rule: {e}"));
    }
    assert_eq!(fork.len(), d.entries.len());
    // The payment and, after it, the closes whose statements it changes.
    let changed: Vec<&str> = fork
        .iter()
        .zip(&d.entries)
        .filter(|(f, o)| f.event() != o.event())
        .map(|(f, _)| f.event().kind())
        .collect();
    assert_eq!(changed.first(), Some(&"payment_received"), "{changed:?}");
    assert!(changed.contains(&"period_closed"), "{changed:?}");
    (fork, k)
}

#[test]
fn a_forked_history_verifies_alone_but_not_against_a_saved_checkpoint() {
    let case = Case::new("fork");
    let d = demo();
    let (fork, k) = fork();
    let (log, cp) = case.files(&jsonl(&fork), &fork);
    // Alone, the fork is a perfect log: chain, signatures, rules, checkpoint.
    case.verify(&log, &cp, &[]).assert_verified();
    // A resident who saved a checkpoint of the real log, after entry K, sees the rewrite.
    let saved = usize::try_from(k).unwrap_or(0) + 10;
    let older = case.write("older", signed(&checkpoint_of(&d.entries[..saved])));
    let older = older.to_str().unwrap_or_else(|| panic!("utf-8 path"));
    case.verify(&log, &cp, &["--older-checkpoint", older])
        .assert_failed(
            "history_rewritten",
            "log_rewritten",
            Seq::Null,
            &[
                "账本的历史被改写过",
                &format!("你以前保存的检查点与现在日志的前面部分不一致。条目数 {saved}"),
            ],
        );
    // A checkpoint the resident saved of the fork itself shows it only grew.
    let own = case.write("own", signed(&checkpoint_of(&fork[..saved])));
    let own = own.to_str().unwrap_or_else(|| panic!("utf-8 path"));
    case.verify(&log, &cp, &["--older-checkpoint", own])
        .assert_verified()
        .says(&format!(
            "与你以前保存的检查点一致（只增加、没有改写）： {saved} "
        ))
        .json_has("/older_checkpoint/size", json!(saved));
}

#[test]
fn a_saved_checkpoint_larger_than_the_log_means_entries_were_removed() {
    let case = Case::new("shortened");
    let d = demo();
    // The last hundred entries removed, under a fresh checkpoint signed with the real log key.
    let kept = &d.entries[..d.entries.len() - 100];
    let (log, cp) = case.files(&jsonl(kept), kept);
    let older = case.write("older", signed(&checkpoint_of(&d.entries)));
    let older = older.to_str().unwrap_or_else(|| panic!("utf-8 path"));
    case.verify(&log, &cp, &["--older-checkpoint", older])
        .assert_failed(
            "history_rewritten",
            "log_shortened",
            Seq::Null,
            &[
                "账本的历史被改写过",
                &format!(
                    "你以前保存的检查点包括的条目比现在的日志还多：日志被删减了。保存的条目数： {}",
                    d.entries.len()
                ),
            ],
        );
}

// --------------------------------------------------------------------------------------------
// 8–11. Entries whose chain and signatures are perfect but which break a ledger rule.

/// Writes the demo with `appended` after it (checkpointed), runs the verifier, and checks that
/// the last appended entry is reported with the rule error the ledger itself gives.
fn assert_rule_broken(case: &Case, appended: &[Entry], code: &str, phrases: &[&str]) -> RuleError {
    let d = demo();
    let mut all = d.entries.clone();
    all.extend_from_slice(appended);
    let error = rule_error_after_demo(appended);
    let seq = all.len() as u64 - 1;
    assert_eq!(error.seq, seq);
    let (log, cp) = case.files(&jsonl(&all), &all);
    let message = error.explain(Lang::Zh);
    let mut said = vec!["违反了账本规则", message.as_str()];
    said.extend_from_slice(phrases);
    let with_seq = format!("第 {seq} 条记录");
    said.push(&with_seq);
    case.verify(&log, &cp, &[])
        .assert_failed("rule_broken", code, Seq::Is(seq), &said);
    error
}

/// A resident's payment recorded after the end of the demo.
fn payment(id: &str) -> Event {
    let unit = demo()
        .ledger
        .households()
        .keys()
        .next()
        .unwrap_or_else(|| panic!("no household"))
        .to_string();
    event(
        id,
        "payment_received",
        json!({"unit": unit, "amount_fen": 61_500, "channel": "cash"}),
    )
}

/// `events` (each with its signatures) sealed after the demo, an hour apart.
fn after_demo(events: Vec<(Event, Vec<AuthorSignature>)>) -> Vec<Entry> {
    let mut all = demo().entries.clone();
    let n = all.len();
    let mut at = end_time();
    for (ev, sigs) in events {
        at = later(at, 60);
        append(&mut all, ev, sigs, at);
    }
    all.split_off(n)
}

#[test]
fn an_entry_signed_by_a_key_without_a_role_is_refused() {
    let case = Case::new("unauthorised");
    let stranger = AuthorSigner::from_seed([7; 32]);
    let ev = payment("tamper-stranger-1");
    let sigs = sign(&ev, &[&stranger]);
    let appended = after_demo(vec![(ev, sigs)]);
    let error = assert_rule_broken(
        &case,
        &appended,
        "not_treasurer",
        &[&format!(
            "这类记录只能由现任出纳签名，{} 不是现任出纳",
            short(&stranger.public_key())
        )],
    );
    assert_eq!(
        error.violation,
        Violation::NotTreasurer {
            key: stranger.public_key()
        }
    );
}

#[test]
fn a_signature_under_a_non_canonical_key_is_refused_before_its_signature_is_checked() {
    let case = Case::new("non-canonical-key");
    let d = demo();
    let ev = payment("tamper-non-canonical-1");
    let real = sign_as(&ev, &[demo::TREASURER]);
    let key = PublicKey::from_hex(gongzhang_demo::vectors::NON_CANONICAL_KEY_HEX)
        .unwrap_or_else(|| panic!("hex"));
    let sigs = vec![AuthorSignature::new(key, *real[0].signature())];
    let appended = after_demo(vec![(ev, sigs)]);
    let mut all = d.entries.clone();
    all.extend_from_slice(&appended);
    let seq = all.len() as u64 - 1;
    let (log, cp) = case.files(&jsonl(&all), &all);
    case.verify(&log, &cp, &[]).assert_failed(
        "log_rejected",
        "non_canonical_key",
        Seq::Is(seq),
        &[&format!(
            "第 {seq} 条记录用{} 签名，但这串公钥不是规范写法",
            short(&key)
        )],
    );
}

#[test]
fn an_entry_signed_by_the_revoked_treasurer_after_the_handover_is_refused() {
    let case = Case::new("revoked");
    let d = demo();
    let (_, revoked_at) = d.summary.handover.unwrap_or_else(|| panic!("no handover"));
    let ev = payment("tamper-revoked-1");
    let sigs = sign_as(&ev, &[demo::TREASURER]);
    let appended = after_demo(vec![(ev, sigs)]);
    let old = d.keys[demo::TREASURER];
    let error = assert_rule_broken(
        &case,
        &appended,
        "revoked_key",
        &[&format!(
            "{} 已在第 {revoked_at} 条被注销，之后不能再签任何记录",
            short(&old)
        )],
    );
    assert_eq!(
        error.violation,
        Violation::RevokedKey {
            key: old,
            revoked_at
        }
    );
}

/// A proposal by the treasurer to pay `amount_fen` from the operating fund.
fn proposal(id: &str, amount_fen: i64) -> Event {
    event(
        id,
        "expense_proposed",
        json!({
            "payee": "安居防水工程有限公司",
            "category": "repairs",
            "fund": "operating",
            "amount_fen": amount_fen,
            "description": "5号楼屋面防水层翻修",
        }),
    )
}

fn approval(id: &str, proposal: &str) -> Event {
    event(id, "expense_approved", json!({"proposal": proposal}))
}

fn paid(id: &str, proposal: &str) -> Event {
    event(
        id,
        "expense_paid",
        json!({
            "proposal": proposal,
            "channel": "bank_transfer",
            "invoice": {
                "kind": "fapiao",
                "number": "27000000000000000001",
                "sha256": "ab".repeat(32),
            },
        }),
    )
}

#[test]
fn a_large_expense_paid_with_too_few_approvals_is_refused() {
    let case = Case::new("approvals");
    let amount = demo::APPROVAL_THRESHOLD_FEN + 100_000;
    let p = proposal("tamper-proposal-1", amount);
    let a = approval("tamper-approval-1", "tamper-proposal-1");
    let x = paid("tamper-paid-1", "tamper-proposal-1");
    let events = vec![
        (p.clone(), sign_as(&p, &[demo::NEW_TREASURER])),
        (a.clone(), sign_as(&a, &[demo::COMMITTEE[0]])),
        (x.clone(), sign_as(&x, &[demo::NEW_TREASURER])),
    ];
    let appended = after_demo(events);
    let error = assert_rule_broken(
        &case,
        &appended,
        "approvals_missing",
        &["这笔支出 6000.00 元超过了需要审批的金额，还需要 3 位业委会委员批准，目前只有 1 位"],
    );
    assert!(
        matches!(
            error.violation,
            Violation::ApprovalsMissing {
                needed: 3,
                found: 1,
                ..
            }
        ),
        "{error}"
    );
}

#[test]
fn an_expense_larger_than_the_fund_is_refused() {
    let case = Case::new("overdrawn");
    let operating = FundId::try_from("operating").unwrap_or_else(|e| panic!("{e}"));
    let balance = demo()
        .ledger
        .fund_balance(&operating)
        .unwrap_or_else(|| panic!("no operating fund"));
    let amount = balance.get() + 1;
    let p = proposal("tamper-proposal-2", amount);
    let mut events = vec![(p.clone(), sign_as(&p, &[demo::NEW_TREASURER]))];
    for (i, member) in demo::COMMITTEE.iter().take(3).enumerate() {
        let a = approval(&format!("tamper-approval-2{i}"), "tamper-proposal-2");
        events.push((a.clone(), sign_as(&a, &[member])));
    }
    let x = paid("tamper-paid-2", "tamper-proposal-2");
    events.push((x.clone(), sign_as(&x, &[demo::NEW_TREASURER])));
    let appended = after_demo(events);
    let error = assert_rule_broken(
        &case,
        &appended,
        "fund_overdrawn",
        &[&format!(
            "物业费资金只剩 {balance} 元，不够支付 {} 元。任何一项资金都不能透支",
            Fen::new(amount).unwrap_or_else(|e| panic!("{e}"))
        )],
    );
    assert!(
        matches!(error.violation, Violation::FundOverdrawn { .. }),
        "{error}"
    );
}

#[test]
fn a_period_close_one_fen_off_is_refused() {
    let case = Case::new("close");
    let d = demo();
    // The last quarter's close, its first fund's closing balance 1 fen higher, re-signed by
    // the treasurer; the entries after it re-chained.
    let &(_, seq) = d
        .summary
        .closes
        .last()
        .unwrap_or_else(|| panic!("no close"));
    let original = entry(seq);
    let LedgerEvent::PeriodClosed(mut close) =
        LedgerEvent::from_event(original.event()).unwrap_or_else(|e| panic!("{e}"))
    else {
        panic!("entry {seq} is not a close");
    };
    let right = close.statement.funds[0].closing_fen;
    let wrong = Fen::new(right.get() + 1).unwrap_or_else(|e| panic!("{e}"));
    close.statement.funds[0].closing_fen = wrong;
    let ev = LedgerEvent::PeriodClosed(close)
        .to_event(original.event().id())
        .unwrap_or_else(|e| panic!("{e}"));
    let signer = original.signatures()[0].key();
    assert_eq!(*signer, d.keys[demo::NEW_TREASURER]);
    let sigs = sign_as(&ev, &[demo::NEW_TREASURER]);
    let su = usize::try_from(seq).unwrap_or(usize::MAX);
    let mut all = d.entries[..su].to_vec();
    append(&mut all, ev, sigs, original.recorded_at());
    for e in &d.entries[su + 1..] {
        rechain(&mut all, e);
    }
    let (log, cp) = case.files(&jsonl(&all), &all);
    let expected = RuleError {
        seq,
        event_id: original.event().id().to_string(),
        kind: "period_closed".into(),
        violation: Violation::StatementMismatch {
            field: "statement.funds[0].closing_fen".into(),
            stated: wrong.get().to_string(),
            computed: right.get().to_string(),
        },
    };
    case.verify(&log, &cp, &[]).assert_failed(
        "rule_broken",
        "statement_mismatch",
        Seq::Is(seq),
        &[
            &expected.explain(Lang::Zh),
            &format!("第 {seq} 条记录（结账"),
            &format!(
                "结账报表里的“资金表第 1 行的本期结余”写的是 {wrong} 元，但按账本记录算出来应为 {right} 元"
            ),
        ],
    );
}

// --------------------------------------------------------------------------------------------
// 12–13. Checkpoints.

#[test]
fn a_checkpoint_signed_by_another_ledgers_key_is_rejected() {
    let case = Case::new("other-key");
    let d = demo();
    let other = "gongzhang.example/other";
    let key = SignerKey::from_seed(other, [9; 32]).unwrap_or_else(|e| panic!("{e}"));
    let real = checkpoint_of(&d.entries);
    let cp = Checkpoint::new(other, real.size(), real.root()).unwrap_or_else(|e| panic!("{e}"));
    let log = case.write("log.jsonl", demo_log());
    let cp = case.write("checkpoint", checkpoint::sign(&cp, &key));
    case.verify(&log, &cp, &[]).assert_failed(
        "checkpoint_rejected",
        "note",
        Seq::Null,
        &[
            "检查点不是由这个账本的日志密钥签名的",
            "检查点无法用这把日志公钥打开",
        ],
    );
}

/// The real log key's signature on a checkpoint that names another ledger: the checkpoint is
/// not this ledger's, whatever the log says. The report must blame the checkpoint (the resident
/// downloaded the right log), not tell the resident the log is "not the ledger on the notice
/// board".
#[test]
fn a_checkpoint_for_another_origin_is_rejected() {
    let case = Case::new("other-origin");
    let d = demo();
    let real = checkpoint_of(&d.entries);
    let other = Checkpoint::new("gongzhang.example/other", real.size(), real.root())
        .unwrap_or_else(|e| panic!("{e}"));
    let log = case.write("log.jsonl", demo_log());
    let cp = case.write("checkpoint", signed(&other));
    case.verify(&log, &cp, &[]).assert_failed(
        "checkpoint_rejected",
        "origin_mismatch",
        Seq::Any,
        &["gongzhang.example/other"],
    );
}

#[test]
fn witnesses_must_be_the_ones_trusted() {
    let case = Case::new("witness");
    let d = demo();
    let cp = checkpoint_of(&d.entries);
    let witness = CosignerSigner::from_seed("witness.example/street-office", [21; 32])
        .unwrap_or_else(|e| panic!("{e}"));
    let stranger = CosignerSigner::from_seed("witness.example/stranger", [22; 32])
        .unwrap_or_else(|e| panic!("{e}"));
    let line = cosign(&cp, &witness, 1_800_000_000).unwrap_or_else(|e| panic!("{e}"));
    let note = note::append_signatures(&signed(&cp), &[line]).unwrap_or_else(|e| panic!("{e}"));
    let log = case.write("log.jsonl", demo_log());
    let cp = case.write("checkpoint", note);
    let stranger = stranger.verifier().to_string();
    case.verify(&log, &cp, &["--witness", &stranger])
        .assert_failed(
            "checkpoint_rejected",
            "witnesses",
            Seq::Null,
            &["见证人的联署不够或无效"],
        );
    let witness = witness.verifier().to_string();
    case.verify(&log, &cp, &["--witness", &witness])
        .assert_verified()
        .says("见证人联署： witness.example/street-office");
}
