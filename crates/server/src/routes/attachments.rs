//! Attachments: signed uploads of receipts and documents, and their downloads by hash.

use super::Shared;
use super::input::body;
use super::output::json_response;
use crate::ATTACHMENT_BODY_BYTES_MAX;
use crate::problem::{Problem, kinds};
use axum::body::Bytes;
use axum::extract::{FromRequest as _, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use gongzhang_core::Hash;
use gongzhang_core::attachment::{
    MediaType, UPLOAD_AUTHORIZATION_SCHEME, UploadHeaderError, UploadSignature,
};
use gongzhang_store::backend::Backend;
use gongzhang_text::api::Refusal;
use serde_json::json;

/// The upload signature of a request, or the problem that refuses it: 401 with a challenge when
/// there is none, 400 when the header is not one.
fn upload_signature(headers: &HeaderMap) -> Result<UploadSignature, Response> {
    let Some(authorization) = headers.get(header::AUTHORIZATION) else {
        let mut refused = Problem::explained(
            StatusCode::UNAUTHORIZED,
            kinds::UNAUTHENTICATED,
            "upload_signature_missing",
            "Upload signature missing",
            &Refusal::UploadSignatureMissing,
        )
        .into_response();
        refused.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static(UPLOAD_AUTHORIZATION_SCHEME),
        );
        return Err(refused);
    };
    authorization
        .to_str()
        .ok()
        .ok_or(UploadHeaderError::Scheme)
        .and_then(UploadSignature::parse_header)
        .map_err(|e| {
            Problem::malformed(
                "invalid_upload_signature",
                Refusal::UploadSignatureMalformed {
                    reason: &e.to_string(),
                },
            )
            .into_response()
        })
}

/// An upload. The signature's key must be valid, recent and hold a role in the ledger before the
/// body is read, so that nobody else can make the server take in a file; then the file is read
/// (within the limit) and checked whole.
pub(super) async fn upload_attachment<B: Backend>(
    State(s): Shared<B>,
    Path(origin): Path<String>,
    request: axum::extract::Request,
) -> Result<Response, Problem> {
    let signature = match upload_signature(request.headers()) {
        Ok(signature) => signature,
        Err(refused) => return Ok(refused),
    };
    s.store.admit_upload(&origin, &signature).await?;
    let headers = request.headers().clone();
    let raw = Bytes::from_request(request, &()).await;
    let raw = body(raw, ATTACHMENT_BODY_BYTES_MAX)?;
    let declared = headers
        .get(header::CONTENT_TYPE)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    let receipt = s
        .store
        .upload_attachment(&origin, raw.to_vec(), declared.as_deref(), &signature)
        .await?;
    Ok(json_response(
        StatusCode::CREATED,
        &json!({
            "sha256": receipt.sha256.to_hex(),
            "bytes": receipt.length_bytes,
            "media_type": receipt.media_type.as_str(),
            "unnamed_until": receipt.unnamed_until_ms / 1000,
        }),
    ))
}

pub(super) async fn attachment<B: Backend>(
    State(s): Shared<B>,
    Path(sha256): Path<String>,
) -> Result<Response, Problem> {
    let hash = Hash::from_hex(&sha256)
        .map_err(|_| Problem::malformed("invalid_sha256", Refusal::NotASha256 { text: &sha256 }))?;
    let Some(found) = s.store.attachment(&hash).await? else {
        return Err(Problem::not_found(
            "unknown_attachment",
            Refusal::UnknownAttachment { sha256: &sha256 },
        ));
    };
    Ok((download_headers(&hash, &found.media_type), found.bytes).into_response())
}

/// The headers of a download: the stored type only if it is one the ledger takes, or plain text
/// (older and restored files, the demo's documents); anything else goes out as bytes. Never
/// sniffed by the browser, never run as a page of the notice board's site (a sandbox with nothing
/// allowed), and a file name made from the hash: images and text open in the browser, everything
/// else is saved.
fn download_headers(hash: &Hash, stored_type: &str) -> [(header::HeaderName, HeaderValue); 4] {
    let essence = stored_type.split(';').next().unwrap_or_default().trim();
    let media_type = MediaType::from_name(essence);
    let plain_text = media_type.is_none() && essence.eq_ignore_ascii_case("text/plain");
    let (content_type, extension, disposition) = match media_type {
        Some(t @ (MediaType::Jpeg | MediaType::Png | MediaType::Webp)) => {
            (t.as_str(), t.extension(), "inline")
        }
        Some(t @ MediaType::Pdf) => (t.as_str(), t.extension(), "attachment"),
        None if plain_text => ("text/plain; charset=utf-8", ".txt", "inline"),
        None => ("application/octet-stream", ".bin", "attachment"),
    };
    let name = format!("gongzhang-{}{extension}", &hash.to_hex()[..16]);
    [
        (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(crate::security::DOWNLOAD_CSP),
        ),
        (
            header::CONTENT_DISPOSITION,
            // INVARIANT: the name is ASCII letters, digits, '-' and '.', always a valid value.
            HeaderValue::from_str(&format!("{disposition}; filename=\"{name}\""))
                .unwrap_or_else(|_| HeaderValue::from_static("attachment")),
        ),
    ]
}
