//! Errors as RFC 9457 problem documents (`application/problem+json`), one stable `type` per
//! cause, with the message in the language the client asked for.
//!
//! A handler returns [`Problem`]; its response carries the problem in its extensions with both
//! languages, and [`render_problems`] (a middleware that sees the request's `Accept-Language`)
//! writes the body in Chinese by default or in English when the client prefers it. So the
//! language is decided in one place, not in every handler.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use gongzhang_core::attachment::{MediaType, UploadSignatureError};
use gongzhang_core::entry::EntryError;
use gongzhang_core::keys::AuthorKeyError;
use gongzhang_core::ledger::events::BodyError;
use gongzhang_core::ledger::{RuleError, Violation};
use gongzhang_core::submission::SubmissionError;
use gongzhang_store::backend::StoreError;
use gongzhang_store::store::{AppendError, CosignError, ProofError, UploadError};
use gongzhang_text::api::Refusal;
use gongzhang_text::{Explain, Lang, code_of};
use serde_json::{Map, Value, json};

/// The media type of a problem document.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// The `type` URIs, one per cause. Stable: clients branch on them.
pub mod kinds {
    /// The request is not well formed (bad JSON, a missing or invalid field or parameter).
    pub const MALFORMED: &str = "urn:gongzhang:problem:malformed-request";
    /// An author signature does not verify for this ledger.
    pub const BAD_SIGNATURE: &str = "urn:gongzhang:problem:bad-signature";
    /// The signing key may not record this event (not the treasurer, revoked, no quorum …).
    pub const UNAUTHORISED_KEY: &str = "urn:gongzhang:problem:unauthorised-key";
    /// The event id was used before for a different event.
    pub const IDEMPOTENCY_CONFLICT: &str = "urn:gongzhang:problem:idempotency-conflict";
    /// The log is not at the size the client expected (another writer appended first).
    pub const SIZE_CONFLICT: &str = "urn:gongzhang:problem:size-conflict";
    /// A ledger with this origin exists with another genesis.
    pub const LEDGER_EXISTS: &str = "urn:gongzhang:problem:ledger-exists";
    /// The body, batch or attachment is larger than the limit.
    pub const TOO_LARGE: &str = "urn:gongzhang:problem:too-large";
    /// The event breaks one of the ledger's rules (the `code` member names which).
    pub const RULE_VIOLATION: &str = "urn:gongzhang:problem:rule-violation";
    /// No such ledger, entry, event, unit, checkpoint or attachment.
    pub const NOT_FOUND: &str = "urn:gongzhang:problem:not-found";
    /// The content type is not one this endpoint takes.
    pub const UNSUPPORTED_MEDIA_TYPE: &str = "urn:gongzhang:problem:unsupported-media-type";
    /// The request carries no authorisation where one is needed (an upload without its
    /// signature).
    pub const UNAUTHENTICATED: &str = "urn:gongzhang:problem:unauthenticated";
    /// Too many writes from this client address; retry after the `Retry-After` seconds.
    pub const RATE_LIMITED: &str = "urn:gongzhang:problem:rate-limited";
    /// The request took longer than the server allows.
    pub const TIMEOUT: &str = "urn:gongzhang:problem:timeout";
    /// The server is shutting down or its writer stopped; retry later.
    pub const UNAVAILABLE: &str = "urn:gongzhang:problem:unavailable";
    /// Something failed inside the server; the log says what, the response does not.
    pub const INTERNAL: &str = "urn:gongzhang:problem:internal";
}

/// One problem: what the client is told.
#[derive(Debug, Clone)]
pub struct Problem {
    /// HTTP status.
    pub status: StatusCode,
    /// One of [`kinds`].
    pub kind: &'static str,
    /// The specific cause, snake_case (a rule's name, e.g. `fund_overdrawn`).
    pub code: String,
    /// Short English title.
    pub title: &'static str,
    /// What happened, in Chinese.
    pub detail_zh: String,
    /// What happened, in English.
    pub detail_en: String,
    /// More members: `seq`, `event_id`, `index` (position in the batch), `expected`, `found` …
    pub extra: Map<String, Value>,
}

impl Problem {
    /// A problem with the same message in both languages' slots.
    pub fn new(
        status: StatusCode,
        kind: &'static str,
        code: &str,
        title: &'static str,
        detail_zh: impl Into<String>,
        detail_en: impl Into<String>,
    ) -> Problem {
        Problem {
            status,
            kind,
            code: code.to_string(),
            title,
            detail_zh: detail_zh.into(),
            detail_en: detail_en.into(),
            extra: Map::new(),
        }
    }

    /// Adds a member to the document.
    pub fn with(mut self, key: &str, value: impl Into<Value>) -> Problem {
        self.extra.insert(key.to_string(), value.into());
        self
    }

    /// A problem whose detail is `what`, worded in both languages by `gongzhang-text`.
    pub fn explained(
        status: StatusCode,
        kind: &'static str,
        code: &str,
        title: &'static str,
        what: &dyn Explain,
    ) -> Problem {
        Problem::new(
            status,
            kind,
            code,
            title,
            what.explain(Lang::Zh),
            what.explain(Lang::En),
        )
    }

    /// 400: a malformed request; `code` names what, `what` says it.
    pub fn malformed(code: &str, what: impl Explain) -> Problem {
        Problem::explained(
            StatusCode::BAD_REQUEST,
            kinds::MALFORMED,
            code,
            "Malformed request",
            &what,
        )
    }

    /// 400 for a store error: the English is the error's own.
    fn malformed_error(code: &str, zh: String, error: &dyn std::fmt::Display) -> Problem {
        Problem::new(
            StatusCode::BAD_REQUEST,
            kinds::MALFORMED,
            code,
            "Malformed request",
            zh,
            error.to_string(),
        )
    }

    /// 404: `what` does not exist.
    pub fn not_found(code: &str, what: impl Explain) -> Problem {
        Problem::explained(
            StatusCode::NOT_FOUND,
            kinds::NOT_FOUND,
            code,
            "Not found",
            &what,
        )
    }

    /// 413: the body is larger than `max_bytes`.
    pub fn too_large(max_bytes: usize) -> Problem {
        Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            kinds::TOO_LARGE,
            "body_too_large",
            "Request body too large",
            format!("请求内容超过 {max_bytes} 字节的上限；请分批提交"),
            format!("the request body is larger than the limit of {max_bytes} bytes; send it in smaller batches"),
        )
        .with("max_bytes", max_bytes)
    }

    /// 500: logs the cause, tells the client nothing of it.
    pub fn internal(cause: &dyn std::fmt::Display) -> Problem {
        tracing::error!(error = %cause, "internal error");
        Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            kinds::INTERNAL,
            "internal",
            "Internal server error",
            "服务器内部出错，记录未受影响的部分保持不变；请稍后重试或联系管理员",
            "the server failed internally; nothing was half-written; retry later or tell the operator",
        )
    }

    /// 503: the writer stopped (shutting down).
    pub fn unavailable() -> Problem {
        Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            kinds::UNAVAILABLE,
            "unavailable",
            "Service unavailable",
            "服务器正在停止，未记录任何内容；请稍后重试",
            "the server is shutting down and recorded nothing; retry later",
        )
    }

    /// The document in `lang`.
    pub fn to_json(&self, lang: Lang) -> Value {
        let mut doc = Map::new();
        doc.insert("type".into(), json!(self.kind));
        doc.insert("title".into(), json!(self.title));
        doc.insert("status".into(), json!(self.status.as_u16()));
        doc.insert(
            "detail".into(),
            json!(match lang {
                Lang::Zh => &self.detail_zh,
                Lang::En => &self.detail_en,
            }),
        );
        doc.insert("code".into(), json!(self.code));
        for (k, v) in &self.extra {
            doc.insert(k.clone(), v.clone());
        }
        Value::Object(doc)
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        // The body is written by `render_problems`, which knows the client's language; Chinese
        // here in case a route is served without it.
        let body = self.to_json(Lang::Zh).to_string();
        let mut response = (self.status, body).into_response();
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        response.extensions_mut().insert(self);
        response
    }
}

/// The language a request asks for: English if `Accept-Language` (or `?lang=en`) prefers it,
/// Chinese otherwise.
pub fn request_lang(request: &Request) -> Lang {
    if let Some(query) = request.uri().query() {
        for pair in query.split('&') {
            match pair {
                "lang=en" => return Lang::En,
                "lang=zh" => return Lang::Zh,
                _ => {}
            }
        }
    }
    let Some(accept) = request
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
    else {
        return Lang::Zh;
    };
    // The first language named decides; weights are rarely used by API clients.
    match accept
        .split(',')
        .next()
        .map(|l| l.trim().to_ascii_lowercase())
    {
        Some(l) if l.starts_with("en") => Lang::En,
        _ => Lang::Zh,
    }
}

/// Middleware: writes every problem response's body in the client's language.
pub async fn render_problems(request: Request, next: Next) -> Response {
    let lang = request_lang(&request);
    let mut response = next.run(request).await;
    if lang == Lang::Zh {
        return response;
    }
    if let Some(problem) = response.extensions_mut().remove::<Problem>() {
        let body = problem.to_json(lang).to_string();
        let len = body.len();
        *response.body_mut() = Body::from(body);
        response
            .headers_mut()
            .insert(header::CONTENT_LENGTH, len.into());
    }
    response
}

/// Which violations are about who signed rather than what the event says: 403, not 422.
fn is_authorisation(v: &Violation) -> bool {
    matches!(
        v,
        Violation::GenesisNotSignedByMember { .. }
            | Violation::GenesisSignedByOutsider { .. }
            | Violation::SelfApproval { .. }
            | Violation::RevokedKey { .. }
            | Violation::NotTreasurer { .. }
            | Violation::NoTreasurer
            | Violation::OneSignerExpected { .. }
            | Violation::NotCommitteeMember { .. }
            | Violation::QuorumNotMet { .. }
            | Violation::NotAuditor { .. }
    )
}

fn rule_problem(e: &RuleError) -> Problem {
    // A body that does not have its type's fields is malformed input, not a broken rule.
    if let Violation::Body(body) = &e.violation {
        let code = match body {
            BodyError::UnknownType(_) => "unknown_event_type",
            BodyError::Invalid { .. } => "invalid_body",
        };
        return Problem::malformed(code, e)
            .with("seq", e.seq)
            .with("event_id", e.event_id.clone())
            .with("event_type", e.kind.clone());
    }
    let (status, kind, title) = if is_authorisation(&e.violation) {
        (
            StatusCode::FORBIDDEN,
            kinds::UNAUTHORISED_KEY,
            "Key not authorised for this event",
        )
    } else if matches!(
        e.violation,
        Violation::ConflictingEventId { .. } | Violation::DuplicateEvent { .. }
    ) {
        (
            StatusCode::CONFLICT,
            kinds::IDEMPOTENCY_CONFLICT,
            "Event id already used",
        )
    } else {
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            kinds::RULE_VIOLATION,
            "Ledger rule violated",
        )
    };
    Problem::new(
        status,
        kind,
        &code_of(&e.violation),
        title,
        e.explain(Lang::Zh),
        e.explain(Lang::En),
    )
    .with("seq", e.seq)
    .with("event_id", e.event_id.clone())
    .with("event_type", e.kind.clone())
}

fn entry_problem(index: usize, event_id: &str, e: &EntryError) -> Problem {
    let (status, kind, title) = match e {
        EntryError::TooLarge { .. } => (
            StatusCode::PAYLOAD_TOO_LARGE,
            kinds::TOO_LARGE,
            "Entry too large",
        ),
        _ => (
            StatusCode::BAD_REQUEST,
            kinds::MALFORMED,
            "Malformed request",
        ),
    };
    Problem::new(
        status,
        kind,
        &code_of(e),
        title,
        format!("第 {index} 个事件（{event_id}）：{}", e.explain(Lang::Zh)),
        format!("event {index} (`{event_id}`): {e}"),
    )
    .with("index", index)
    .with("event_id", event_id)
}

impl From<AppendError> for Problem {
    fn from(error: AppendError) -> Problem {
        match &error {
            AppendError::UnknownLedger(origin) => Problem::not_found("unknown_ledger", Refusal::UnknownLedger { origin }),
            AppendError::EmptyBatch => {
                Problem::malformed_error("empty_batch", "批量提交中没有任何事件".into(), &error)
            }
            AppendError::BatchTooLarge { found, max } => Problem::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                kinds::TOO_LARGE,
                "batch_too_large",
                "Batch too large",
                format!("一次提交了 {found} 个事件，超过上限 {max}；请分批提交"),
                error.to_string(),
            )
            .with("max", *max),
            AppendError::Conflict { expected, found } => Problem::new(
                StatusCode::CONFLICT,
                kinds::SIZE_CONFLICT,
                "size_conflict",
                "Log size changed",
                format!(
                    "账本现有 {found} 个条目，而不是预期的 {expected} 个：有人先记了账；请刷新后重试"
                ),
                error.to_string(),
            )
            .with("expected", *expected)
            .with("found", *found),
            AppendError::IdempotencyConflict {
                event_id,
                first_seq,
            } => Problem::new(
                StatusCode::CONFLICT,
                kinds::IDEMPOTENCY_CONFLICT,
                "idempotency_conflict",
                "Event id already used",
                format!(
                    "事件编号 {event_id} 已在第 {first_seq} 条用于另一个不同的事件；请换一个新编号"
                ),
                error.to_string(),
            )
            .with("event_id", event_id.clone())
            .with("seq", *first_seq),
            AppendError::InvalidKey {
                index, event_id, ..
            } => Problem::new(
                StatusCode::FORBIDDEN,
                kinds::BAD_SIGNATURE,
                "invalid_key",
                "Invalid signing key",
                format!("第 {index} 个事件（{event_id}）：签名所用的公钥无效"),
                error.to_string(),
            )
            .with("index", *index)
            .with("event_id", event_id.clone()),
            AppendError::NonCanonicalKey {
                index, event_id, ..
            } => Problem::new(
                StatusCode::FORBIDDEN,
                kinds::BAD_SIGNATURE,
                "non_canonical_key",
                "Non-canonical signing key",
                format!(
                    "第 {index} 个事件（{event_id}）：签名所用的公钥不是规范写法，同一把密钥只接受一种写法"
                ),
                error.to_string(),
            )
            .with("index", *index)
            .with("event_id", event_id.clone()),
            AppendError::BadSignature {
                index,
                event_id,
                key,
            } => Problem::new(
                StatusCode::FORBIDDEN,
                kinds::BAD_SIGNATURE,
                "bad_signature",
                "Signature does not verify",
                format!(
                    "第 {index} 个事件（{event_id}）：公钥 {key} 的签名对本账本核验不通过（签错了账本，或内容被改动）"
                ),
                error.to_string(),
            )
            .with("index", *index)
            .with("event_id", event_id.clone())
            .with("key", key.to_hex()),
            AppendError::Entry {
                index,
                event_id,
                error,
            } => entry_problem(*index, event_id, error),
            AppendError::Log(e) => Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                kinds::RULE_VIOLATION,
                &code_of(e),
                "Log rule violated",
                e.explain(Lang::Zh),
                e.to_string(),
            ),
            AppendError::Rule(e) => rule_problem(e),
            AppendError::LedgerExists(origin) => Problem::new(
                StatusCode::CONFLICT,
                kinds::LEDGER_EXISTS,
                "ledger_exists",
                "Ledger exists",
                format!("账本 {origin} 已存在，且创世条目不同"),
                error.to_string(),
            ),
            AppendError::WriterStopped => Problem::unavailable(),
            AppendError::NoLogKey(origin) => Problem::new(
                StatusCode::SERVICE_UNAVAILABLE,
                kinds::UNAVAILABLE,
                "no_log_key",
                "Service unavailable",
                format!("服务器没有账本 {origin} 的日志密钥，暂时不能记账（未记录任何内容）；请管理员用 --log-key 重新启动服务器"),
                format!("the server has no log key for `{origin}` and cannot record (nothing was recorded); the operator restarts it with --log-key"),
            ),
            AppendError::LogKeyMismatch { .. }
            | AppendError::Checkpoint(_)
            | AppendError::Store(_) => Problem::internal(&error),
        }
    }
}

impl From<StoreError> for Problem {
    fn from(error: StoreError) -> Problem {
        match &error {
            StoreError::UnknownLedger(origin) => Problem::not_found("unknown_ledger", Refusal::UnknownLedger { origin }),
            StoreError::AttachmentTooLarge { max_bytes, .. } => Problem::too_large(*max_bytes),
            StoreError::AttachmentQuotaExceeded {
                used_bytes,
                adding_bytes,
                quota_bytes,
            } => Problem::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                kinds::TOO_LARGE,
                "attachment_quota_exceeded",
                "Ledger attachment quota reached",
                format!(
                    "这个账本的附件已占用 {used_bytes} 字节，再加这个 {adding_bytes} 字节的文件会超过 {quota_bytes} 字节的上限；请联系服务器管理员"
                ),
                error.to_string(),
            )
            .with("used_bytes", *used_bytes)
            .with("quota_bytes", *quota_bytes),
            StoreError::InvalidMediaType(media_type) => Problem::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                kinds::UNSUPPORTED_MEDIA_TYPE,
                "invalid_media_type",
                "Unsupported media type",
                format!("附件类型 {media_type:?} 不是有效的媒体类型（例如 application/pdf）"),
                error.to_string(),
            ),
            _ => Problem::internal(&error),
        }
    }
}

impl From<UploadError> for Problem {
    fn from(error: UploadError) -> Problem {
        // The store's own errors (an unknown ledger, the quota) answer as they do everywhere.
        let error = match error {
            UploadError::Store(e) => return e.into(),
            other => other,
        };
        let types = MediaType::ALL.map(MediaType::as_str).join(", ");
        match &error {
            UploadError::TooLarge { max_bytes, .. } => Problem::too_large(*max_bytes),
            UploadError::UnsupportedType { declared } => Problem::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                kinds::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_attachment_type",
                "Unsupported attachment type",
                "附件只收 PDF、JPEG、PNG、WebP 文件（按文件内容识别，不看文件名或声明的类型）；请把发票或收据扫描或拍照成这几种格式再上传",
                format!("{error}; the ledger keeps only {types}, recognised from the bytes"),
            )
            .with("accepted", MediaType::ALL.map(MediaType::as_str).to_vec())
            .with("declared", declared.clone()),
            UploadError::TypeMismatch { declared, found } => Problem::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                kinds::UNSUPPORTED_MEDIA_TYPE,
                "attachment_type_mismatch",
                "Attachment type mismatch",
                format!("上传时声明的类型是 {declared}，但文件内容是 {found}；请按文件的真实类型上传"),
                error.to_string(),
            )
            .with("declared", declared.clone())
            .with("found", found.as_str()),
            UploadError::Signature(UploadSignatureError::OutsideWindow { signed_at_s, now_s }) => {
                Problem::new(
                    StatusCode::FORBIDDEN,
                    kinds::BAD_SIGNATURE,
                    "upload_signature_expired",
                    "Upload signature outside its time window",
                    format!(
                        "上传签名的时间与服务器时间相差超过 {} 秒（签名于 {signed_at_s}，现在 {now_s}，均为 Unix 秒）：可能是重放的旧请求，或者电脑时间不准；请校准时间后重新签名上传",
                        gongzhang_core::attachment::UPLOAD_SIGNATURE_WINDOW_S
                    ),
                    error.to_string(),
                )
                .with("signed_at", *signed_at_s)
                .with("now", *now_s)
            }
            UploadError::Signature(UploadSignatureError::BadSignature { key }) => Problem::new(
                StatusCode::FORBIDDEN,
                kinds::BAD_SIGNATURE,
                "bad_upload_signature",
                "Upload signature does not verify",
                "上传签名对不上：签名不是针对这个文件、这个账本做的，或者文件在签名后被改动过",
                error.to_string(),
            )
            .with("key", key.to_hex()),
            UploadError::Signature(UploadSignatureError::InvalidKey { key, reason }) => {
                let code = match reason {
                    AuthorKeyError::NonCanonical => "non_canonical_key",
                    AuthorKeyError::NotOnCurve | AuthorKeyError::Weak => "invalid_key",
                };
                Problem::new(
                    StatusCode::FORBIDDEN,
                    kinds::BAD_SIGNATURE,
                    code,
                    "Invalid signing key",
                    "上传签名所用的公钥无效（不是有效的密钥、不是规范写法，或是弱密钥）",
                    error.to_string(),
                )
                .with("key", key.to_hex())
            }
            UploadError::NoRole { key, origin } => Problem::new(
                StatusCode::FORBIDDEN,
                kinds::UNAUTHORISED_KEY,
                "no_role",
                "Key holds no role in this ledger",
                format!(
                    "密钥 {}… 在账本 {origin} 里没有任何角色：只有业委会委员、出纳和审计可以上传附件",
                    &key.to_hex()[..8]
                ),
                error.to_string(),
            )
            .with("key", key.to_hex()),
            // Answered above, as the store's errors are everywhere.
            UploadError::Store(_) => Problem::internal(&error),
        }
    }
}

impl From<ProofError> for Problem {
    fn from(error: ProofError) -> Problem {
        match error {
            ProofError::Store(e) => e.into(),
            ProofError::UnknownEvent(id) => {
                Problem::not_found("unknown_event", Refusal::UnknownEvent { event_id: &id })
            }
            ProofError::NoCheckpoint(size) => {
                Problem::not_found("no_checkpoint", Refusal::NoCheckpoint { size: Some(size) })
            }
            ProofError::NoCheckpointYet => {
                Problem::not_found("no_checkpoint", Refusal::NoCheckpoint { size: None })
            }
            ProofError::BeyondLog { tree_size, size } => Problem::new(
                StatusCode::BAD_REQUEST,
                kinds::MALFORMED,
                "beyond_log",
                "Malformed request",
                format!("账本只有 {size} 个条目，没有 {tree_size} 个条目的树"),
                format!(
                    "the log has {size} entries; no proof exists for a tree of size {tree_size}"
                ),
            )
            .with("size", size),
            ProofError::Request(e) => {
                Problem::malformed_error("invalid_proof_request", format!("证明请求无效：{e}"), &e)
            }
            ProofError::TlogProof(e) => Problem::internal(&e),
        }
    }
}

impl From<CosignError> for Problem {
    fn from(error: CosignError) -> Problem {
        let error = match error {
            CosignError::Store(e) => return e.into(),
            other => other,
        };
        match &error {
            CosignError::Store(_) => unreachable!("returned above"),
            CosignError::NoCheckpoint(size) => Problem::new(
                StatusCode::NOT_FOUND,
                kinds::NOT_FOUND,
                "no_checkpoint",
                "Not found",
                format!("没有在 {size} 个条目时签发的检查点"),
                error.to_string(),
            ),
            CosignError::Line(_) | CosignError::Note(_) => Problem::malformed_error(
                &code_of(&error),
                format!("见证签名行格式不对：{error}"),
                &error,
            ),
            CosignError::UnknownWitness { .. } | CosignError::Invalid(_) => Problem::new(
                StatusCode::FORBIDDEN,
                kinds::BAD_SIGNATURE,
                &code_of(&error),
                "Cosignature refused",
                format!("见证签名未通过核验：{error}"),
                error.to_string(),
            ),
        }
    }
}

impl From<SubmissionError> for Problem {
    fn from(error: SubmissionError) -> Problem {
        Problem::malformed_error(
            &code_of(&error),
            format!("提交的签名事件格式不对：{error}"),
            &error,
        )
    }
}
