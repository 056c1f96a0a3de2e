use super::*;
use crate::checkpoint::{self, Checkpoint};
use crate::hash::leaf_hash;
use crate::merkle;
use crate::note::SignerKey;
use proptest::prelude::*;

const ORIGIN: &str = "gongzhang.example/hexie";

fn log_key() -> SignerKey {
    SignerKey::from_seed(ORIGIN, [7; 32]).expect("good seed")
}

fn logs() -> TrustedLogs {
    let mut logs = TrustedLogs::new();
    logs.add(ORIGIN, log_key().verifier());
    logs
}

fn leaves(n: u64) -> Vec<Hash> {
    (0..n)
        .map(|i| leaf_hash(format!("entry {i}").as_bytes()))
        .collect()
}

fn head(leaves: &[Hash]) -> TreeHead {
    TreeHead {
        size: leaves.len() as u64,
        root: merkle::root(leaves),
    }
}

fn signed(origin: &str, leaves: &[Hash], key: &SignerKey) -> String {
    let cp =
        Checkpoint::new(origin, leaves.len() as u64, merkle::root(leaves)).expect("checkpoint");
    checkpoint::sign(&cp, key)
}

/// A request for the first `size` leaves of `all`, with a proof from `old`.
fn request(all: &[Hash], old: u64, size: usize) -> AddCheckpoint {
    let proof = if old == 0 {
        Vec::new()
    } else {
        merkle::consistency_proof(&all[..size], old).expect("proof")
    };
    AddCheckpoint::new(old, proof, signed(ORIGIN, &all[..size], &log_key()))
}

/// The example request of c2sp.org/tlog-witness (its signatures are not ours; only the framing
/// is read here).
const SPEC_EXAMPLE: &str = "old 20852014\n\
PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=\n\
jrJZDmY8Y7SyJE0MWLpLozkIVMSMZcD5kvuKxPC3swk=\n\
5+pKlUdi2LeF/BcMHBn+Ku6yhPGNCswZZD1X/6QgPd8=\n\
/6WVhPs2CwSsb5rYBH5cjHV/wSmA79abXAwhXw3Kj/0=\n\
\n\
example.com/behind-the-sofa\n\
20852163\n\
CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\
\n\
— example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n\
— example.com/behind-the-sofa opLqBQsREYCgu6xQkYQwJr9fo45a62DN9EdmHXnZdXNqlcVGlCum2Wks+49/V6267UEjw6QUXTS5Rovnzv++qbSzm9Q=\n";

#[test]
fn the_spec_example_parses_and_prints_back_byte_for_byte() {
    let request = AddCheckpoint::parse(SPEC_EXAMPLE.as_bytes()).expect("parses");
    assert_eq!(request.old_size(), 20_852_014);
    assert_eq!(request.proof().len(), 4);
    assert_eq!(
        request.proof()[0].to_base64(),
        "PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw="
    );
    assert!(
        request
            .note()
            .starts_with("example.com/behind-the-sofa\n20852163\n")
    );
    assert_eq!(request.to_body(), SPEC_EXAMPLE);
}

#[test]
fn a_request_without_a_proof_has_the_empty_line_right_after_the_old_size() {
    let body = format!("old 0\n\n{}", signed(ORIGIN, &leaves(3), &log_key()));
    let request = AddCheckpoint::parse(body.as_bytes()).expect("parses");
    assert_eq!(request.old_size(), 0);
    assert!(request.proof().is_empty());
    assert_eq!(request.to_body(), body);
}

#[test]
fn malformed_bodies_are_named_exactly() {
    let note = signed(ORIGIN, &leaves(3), &log_key());
    let cases: Vec<(Vec<u8>, RequestError)> = vec![
        (
            format!("old 3\n{note}").into_bytes(),
            // The note's own blank line is the first empty line: the header then has the
            // checkpoint's lines, which are not base64 hashes.
            RequestError::ProofLine {
                line: 2,
                error: Hash::from_base64(ORIGIN).expect_err("not a hash"),
            },
        ),
        (b"old 3\nAAAA".to_vec(), RequestError::NoEmptyLine),
        (
            format!("new 3\n\n{note}").into_bytes(),
            RequestError::OldSizeLine {
                found: "new 3".into(),
            },
        ),
        (
            format!("old 03\n\n{note}").into_bytes(),
            RequestError::OldSize(DecimalError::LeadingZero),
        ),
        (
            format!("old -1\n\n{note}").into_bytes(),
            RequestError::OldSize(DecimalError::NotDecimal),
        ),
        (
            format!("old  1\n\n{note}").into_bytes(),
            RequestError::OldSize(DecimalError::NotDecimal),
        ),
        (
            format!("old 18446744073709551616\n\n{note}").into_bytes(),
            RequestError::OldSize(DecimalError::TooLarge),
        ),
        (
            format!("\n{note}").into_bytes(),
            RequestError::OldSizeLine { found: "".into() },
        ),
        (
            b"old 1\n\xff\n\n".to_vec(),
            RequestError::NotUtf8 { offset: 6 },
        ),
    ];
    for (body, expected) in cases {
        assert_eq!(
            AddCheckpoint::parse(&body),
            Err(expected),
            "{}",
            String::from_utf8_lossy(&body)
        );
    }
}

#[test]
fn at_most_63_proof_lines_are_read() {
    let note = signed(ORIGIN, &leaves(3), &log_key());
    let line = format!(
        "{}\n",
        Hash::from_slice(&[9; 32]).expect("hash").to_base64()
    );
    let at_limit = format!("old 1\n{}\n{note}", line.repeat(63));
    assert_eq!(
        AddCheckpoint::parse(at_limit.as_bytes())
            .expect("63 lines")
            .proof()
            .len(),
        63
    );
    let over = format!("old 1\n{}\n{note}", line.repeat(64));
    assert_eq!(
        AddCheckpoint::parse(over.as_bytes()),
        Err(RequestError::TooManyProofLines { max: 63, found: 64 })
    );
    let bad = format!("old 1\n{line}AAAA\n\n{note}");
    assert_eq!(
        AddCheckpoint::parse(bad.as_bytes()),
        Err(RequestError::ProofLine {
            line: 3,
            error: Hash::from_base64("AAAA").expect_err("short"),
        })
    );
    let huge = vec![b'a'; MAX_REQUEST_BYTES + 1];
    assert_eq!(
        AddCheckpoint::parse(&huge),
        Err(RequestError::TooLarge {
            max: MAX_REQUEST_BYTES,
            found: MAX_REQUEST_BYTES + 1
        })
    );
}

#[test]
fn the_size_body_of_a_conflict_is_decimal_and_a_newline() {
    assert_eq!(size_body(20852014), "20852014\n");
    assert_eq!(parse_size_body(b"20852014\n"), Ok(20852014));
    assert_eq!(parse_size_body(b"0\n"), Ok(0));
    assert_eq!(parse_size_body(b"12"), Err(DecimalError::NotDecimal));
    assert_eq!(parse_size_body(b"012\n"), Err(DecimalError::LeadingZero));
    assert_eq!(parse_size_body(b"\xff\n"), Err(DecimalError::NotDecimal));
}

/// The whole decision for one request against `latest`.
fn decide(request: &AddCheckpoint, latest: Option<TreeHead>) -> Result<TreeHead, Refusal> {
    open(request, &logs())?.check(latest)
}

#[test]
fn a_first_checkpoint_is_accepted_from_size_zero_and_extended_with_a_proof() {
    let all = leaves(20);
    let first = decide(&request(&all, 0, 7), None).expect("first");
    assert_eq!(first, head(&all[..7]));
    let next = decide(&request(&all, 7, 20), Some(first)).expect("extends");
    assert_eq!(next, head(&all));
    // The same checkpoint again (a log retrying) is cosigned again.
    assert_eq!(decide(&request(&all, 20, 20), Some(next)), Ok(head(&all)));
}

#[test]
fn every_refusal_has_its_protocol_status() {
    let all = leaves(20);
    let at7 = head(&all[..7]);

    // 404: an origin the witness does not know.
    let other = SignerKey::from_seed("other.example/log", [8; 32]).expect("seed");
    let unknown = AddCheckpoint::new(0, vec![], signed("other.example/log", &all, &other));
    let refusal = decide(&unknown, None).expect_err("unknown");
    assert_eq!(
        refusal,
        Refusal::UnknownOrigin {
            origin: "other.example/log".into()
        }
    );
    assert_eq!(refusal.status(), 404);

    // 403: the known origin, signed by a key the witness does not trust for it.
    let impostor = SignerKey::from_seed(ORIGIN, [9; 32]).expect("seed");
    let forged = AddCheckpoint::new(0, vec![], signed(ORIGIN, &all, &impostor));
    let refusal = decide(&forged, None).expect_err("forged");
    assert!(matches!(
        &refusal,
        Refusal::NotSigned { origin, error: NoteError::NoKnownSignature } if origin == ORIGIN
    ));
    assert_eq!(refusal.status(), 403);

    // 403: a trusted key's signature that does not verify (one bit of the signature changed).
    let good = signed(ORIGIN, &all, &log_key());
    let sig_start = good.rfind(' ').expect("signature") + 10;
    let mut tampered = good.clone().into_bytes();
    tampered[sig_start] = if tampered[sig_start] == b'A' {
        b'B'
    } else {
        b'A'
    };
    let tampered = AddCheckpoint::new(0, vec![], String::from_utf8(tampered).expect("utf8"));
    let refusal = decide(&tampered, None).expect_err("bad signature");
    assert!(matches!(
        refusal,
        Refusal::NotSigned {
            error: NoteError::BadSignature { line: 1, .. },
            ..
        }
    ));
    assert_eq!(refusal.status(), 403);

    // 400: a note that is not a note.
    let refusal =
        decide(&AddCheckpoint::new(0, vec![], "hello\n".into()), None).expect_err("no note");
    assert_eq!(refusal, Refusal::Note(NoteError::MissingBlankLine));
    assert_eq!(refusal.status(), 400);

    // 400: old size larger than the checkpoint's.
    let mut larger = request(&all, 0, 7);
    larger.old_size = 8;
    let refusal = decide(&larger, Some(at7)).expect_err("old > size");
    assert_eq!(
        refusal,
        Refusal::OldSizeAboveSize {
            old_size: 8,
            size: 7
        }
    );
    assert_eq!(refusal.status(), 400);

    // 409 with the latest size: an old size that is not the one last cosigned.
    let refusal = decide(&request(&all, 5, 20), Some(at7)).expect_err("stale old size");
    assert_eq!(
        refusal,
        Refusal::OldSizeMismatch {
            old_size: 5,
            latest: 7
        }
    );
    assert_eq!((refusal.status(), refusal.latest_size()), (409, Some(7)));
    // …including a log that believes the witness has seen nothing.
    let refusal = decide(&request(&all, 0, 20), Some(at7)).expect_err("old 0");
    assert_eq!((refusal.status(), refusal.latest_size()), (409, Some(7)));
    // …and a witness that has seen nothing.
    let refusal = decide(&request(&all, 7, 20), None).expect_err("nothing seen");
    assert_eq!(
        refusal,
        Refusal::OldSizeMismatch {
            old_size: 7,
            latest: 0
        }
    );

    // 422: a proof that does not verify from what was cosigned.
    let mut wrong = request(&all, 7, 20);
    wrong.proof[0] = leaf_hash(b"not the node");
    let refusal = decide(&wrong, Some(at7)).expect_err("bad proof");
    assert!(matches!(refusal, Refusal::BadProof { old_size: 7, .. }));
    assert_eq!(refusal.status(), 422);
    assert!(refusal.is_evidence());

    // 422: a log rewritten after size 7 proves nothing from the witnessed size 7 either.
    let mut rewritten = all.clone();
    rewritten[3] = leaf_hash(b"rewritten");
    let refusal = decide(&request(&rewritten, 7, 20), Some(at7)).expect_err("rewritten");
    assert!(matches!(
        refusal,
        Refusal::BadProof {
            error: ConsistencyError::OlderRootMismatch { .. },
            ..
        }
    ));

    // 422: a proof sent from size zero.
    let mut from_zero = request(&all, 0, 7);
    from_zero.proof = vec![leaf_hash(b"x")];
    let refusal = decide(&from_zero, None).expect_err("proof from zero");
    assert_eq!(refusal, Refusal::ProofFromZero { found: 1 });
    assert_eq!(refusal.status(), 422);

    // 409: the witnessed size with another root — a split view.
    let refusal = decide(&request(&rewritten, 7, 7), Some(at7)).expect_err("split view");
    assert_eq!(
        refusal,
        Refusal::RootMismatch {
            size: 7,
            witnessed: at7.root,
            submitted: merkle::root(&rewritten[..7]),
        }
    );
    assert_eq!((refusal.status(), refusal.latest_size()), (409, Some(7)));
    assert!(refusal.is_evidence());

    // 422: a proof at an equal size must be empty.
    let mut padded = request(&all, 7, 7);
    padded.proof = vec![at7.root];
    assert_eq!(decide(&padded, Some(at7)).map_err(|r| r.status()), Err(422));
}

#[test]
fn a_log_with_two_trusted_keys_may_sign_with_either() {
    let second = SignerKey::from_seed(ORIGIN, [10; 32]).expect("seed");
    let mut logs = logs();
    logs.add(ORIGIN, second.verifier());
    logs.add(ORIGIN, second.verifier());
    assert_eq!(logs.keys(ORIGIN).map(<[_]>::len), Some(2));
    let all = leaves(4);
    let request = AddCheckpoint::new(0, vec![], signed(ORIGIN, &all, &second));
    let signed = open(&request, &logs).expect("second key");
    assert_eq!(signed.origin(), ORIGIN);
    assert_eq!(signed.text(), signed.checkpoint().to_text());
    assert_eq!(signed.check(None), Ok(head(&all)));
}

proptest! {
    #[test]
    fn parse_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let _ = AddCheckpoint::parse(&bytes);
    }

    #[test]
    fn parse_never_panics_on_near_requests(old in any::<u64>(), lines in 0usize..70, tail in ".{0,80}") {
        let line = "PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=\n".repeat(lines);
        let body = format!("old {old}\n{line}\n{tail}");
        let parsed = AddCheckpoint::parse(body.as_bytes());
        if lines <= MAX_PROOF_LINES {
            let parsed = parsed.expect("well framed");
            prop_assert_eq!(parsed.old_size(), old);
            prop_assert_eq!(parsed.proof().len(), lines);
            prop_assert_eq!(parsed.to_body(), body);
        } else {
            prop_assert_eq!(parsed, Err(RequestError::TooManyProofLines { max: MAX_PROOF_LINES, found: lines }));
        }
    }

    #[test]
    fn every_honest_extension_is_accepted(sizes in proptest::collection::vec(1u64..200, 1..6)) {
        let all = leaves(1000);
        let mut latest: Option<TreeHead> = None;
        let mut size = 0usize;
        for step in sizes {
            let old = latest.map_or(0, |h| h.size);
            size += step as usize;
            let accepted = decide(&request(&all, old, size), latest).expect("honest");
            prop_assert_eq!(accepted, head(&all[..size]));
            latest = Some(accepted);
        }
    }
}
