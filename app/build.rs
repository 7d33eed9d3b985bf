//! The migrations are compiled into the app (`sqlx::migrate!`): a migration added or changed
//! rebuilds it.
fn main() {
    println!("cargo:rerun-if-changed=../migrations");
}
