//! Rebuilds the crate when a migration is added: `sqlx::migrate!` embeds the migration files,
//! and Cargo only notices changes to the files it already embedded.

fn main() {
    println!("cargo:rerun-if-changed=../../migrations");
}
