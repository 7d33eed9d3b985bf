//! `roster`: reads its configuration, opens and migrates the database, makes sure there is a
//! Super User who can log in, and serves the portal.

use clap::Parser;
use server::config::{Config, LogFormat};
use std::time::Duration;
use tracing_subscriber::EnvFilter;

/// jemalloc returns freed memory to the system within a second of a burst, SQLite's too (see
/// Cargo.toml; its options are in .cargo/config.toml).
#[cfg(all(unix, not(target_env = "msvc")))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let config = Config::parse();
    let filter = EnvFilter::try_new(&config.log_level).unwrap_or_else(|_| EnvFilter::new("info"));
    match config.log_format {
        LogFormat::Text => tracing_subscriber::fmt().with_env_filter(filter).init(),
        LogFormat::Json => tracing_subscriber::fmt()
            .json()
            .with_env_filter(filter)
            .init(),
    }
    match run(config).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(message) => {
            tracing::error!("{message}");
            eprintln!("roster: {message}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(config: Config) -> Result<(), String> {
    let shown_url = app::ssr::db::redact(&config.database_url);
    let db = app::ssr::db::Db::connect(&config.database_url)
        .await
        .map_err(|e| format!("cannot open the database {shown_url}: {e}"))?;
    tracing::info!(database = %shown_url, backend = ?db.backend(), "database ready");

    match app::ssr::auth::bootstrap_super_user(&db).await {
        Ok(Some((login, token))) => println!(
            "\nRoster has no Super User who can log in yet.\n\
             Set the password of the Super User \"{login}\" within 72 hours at this one-time link:\n\n    \
             {}/set-password?token={token}\n\nthen log in at {}/login as \"{login}\".\n",
            config.public_url(),
            config.public_url()
        ),
        Ok(None) => {}
        Err(e) => return Err(format!("cannot prepare the first Super User: {e}")),
    }

    let mut sip = match config.sip_options() {
        Some(options) => {
            let started = server::sip::Kamailio::start(&options, &config.database_url).await?;
            println!("SIP server: udp:{} (Kamailio)", started.address);
            Some(started)
        }
        None => None,
    };

    let settings = server::Settings::try_from(&config)?;
    let app = server::router(db.clone(), &settings);
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.listen))?;
    tracing::info!(address = %config.listen, "Roster is listening on {}", config.public_url());
    tokio::spawn(remove_expired_sessions(db.clone()));
    tokio::spawn(renew_time_frame_spans(db.clone()));
    tokio::spawn(app::ssr::mail::relay::run(
        db.clone(),
        settings.mail.clone(),
    ));
    let served = server::serve(
        listener,
        app,
        db,
        Duration::from_secs(config.shutdown_grace_seconds),
    )
    .await;
    if let Some(sip) = &mut sip {
        sip.stop().await;
    }
    served.map_err(|e| format!("server error: {e}"))
}

/// Sweeps expired sessions and remembered Idempotency-Key answers out of the database at start
/// and then every ten minutes.
async fn remove_expired_sessions(db: app::ssr::db::Db) {
    let mut tick = tokio::time::interval(Duration::from_secs(600));
    loop {
        tick.tick().await;
        if let Err(e) = app::ssr::db::sessions::delete_expired(&db).await {
            tracing::warn!(error = %e, "could not remove expired sessions");
        }
        match app::ssr::idempotency::sweep(&db).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(answers = n, "expired Idempotency-Key answers removed"),
            Err(e) => {
                tracing::warn!(error = %e, "could not remove expired Idempotency-Key answers")
            }
        }
    }
}

/// Keeps every time frame's stored spans (which the SIP side reads to choose a user's answer
/// rule) current: at start and then every minute, renews those running out or worked out in a
/// time zone the frame is no longer in.
async fn renew_time_frame_spans(db: app::ssr::db::Db) {
    let mut tick = tokio::time::interval(Duration::from_secs(60));
    loop {
        tick.tick().await;
        match app::ssr::time_frames::renew_due_spans(&db, app::ssr::now_ms()).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(frames = n, "time frame spans renewed"),
            Err(e) => tracing::warn!(error = %e, "could not renew time frame spans"),
        }
    }
}
