//! One handler per page: read the ledger's state (one closure under the store's read lock), the
//! checkpoint of exactly that state's size, and what else the page needs; fill the page's
//! template. Errors become HTML pages ([`Failure`]) in the request's language.

mod arrears;
mod communities;
mod home;
mod log;
mod shared;
mod statements;
mod unit;
mod verify;

pub use arrears::arrears;
pub use home::root;
pub use log::log;
pub use statements::{statement, statements};
pub use unit::{unit, unit_jump};
pub use verify::verify;

use super::{Chrome, WebLang as _};
use askama::Template;

#[derive(Template)]
#[template(path = "board/error.html")]
pub(crate) struct ErrorPage {
    pub c: Chrome,
    pub status: u16,
    pub message: String,
}
