//! The yardstick: the smallest axum server, on the same runtime as Roster, answering a short
//! HTML page. bench/run.sh measures Roster's pages as a fraction of what this does on the same
//! machine in the same run.

use axum::{response::Html, routing::get, Router};

#[tokio::main]
async fn main() {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:3999".to_owned());
    let app = Router::new().route("/", get(|| async { Html("<!DOCTYPE html><p>ok</p>") }));
    let listener = tokio::net::TcpListener::bind(&addr).await.expect("bind");
    axum::serve(listener, app).await.expect("serve");
}
