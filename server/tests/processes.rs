//! The real `roster` binary: several processes on one Postgres database act as one, and SIGTERM
//! lets requests in flight finish before the process exits.

mod common;

use common::{path, TestDb, ADMIN_PASSWORD};
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, Command};

struct Roster {
    child: Child,
    base: String,
    /// The one-time link printed at start, if one was.
    link: Option<String>,
    /// Every line the process has written to its standard output (its log) so far.
    log: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn start(database_url: &str) -> Roster {
    start_with(database_url, &[]).await
}

/// [`start`], with further flags.
async fn start_with(database_url: &str, flags: &[&str]) -> Roster {
    let port = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_roster"))
        .args([
            "--database-url",
            database_url,
            "--listen",
            &format!("127.0.0.1:{port}"),
        ])
        .args([
            "--site-root",
            "target/site/dev",
            "--shutdown-grace-seconds",
            "10",
        ])
        .args(flags)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .expect("start roster");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut link = None;
    let log = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    // Read until the server says it listens; remember the link printed before that.
    while let Ok(Ok(Some(line))) =
        tokio::time::timeout(Duration::from_secs(30), lines.next_line()).await
    {
        if let Some(at) = line.find("/set-password?token=") {
            link = Some(line[at..].trim().to_owned());
        }
        let listening = line.contains("Roster is listening");
        log.lock().unwrap().push(line);
        if listening {
            break;
        }
    }
    let kept = log.clone();
    tokio::spawn(async move {
        while let Ok(Some(line)) = lines.next_line().await {
            kept.lock().unwrap().push(line);
        }
    });
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::new();
    // Up to 30 s: these tests start several servers at once on a machine of two cores.
    for _ in 0..300 {
        if http
            .get(format!("{base}/readyz"))
            .send()
            .await
            .is_ok_and(|r| r.status() == 200)
        {
            return Roster {
                child,
                base,
                link,
                log,
            };
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("roster at {base} never became ready");
}

fn terminate(child: &Child) {
    let pid = child.id().expect("still running");
    std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .unwrap();
}

async fn post(
    base: &str,
    fn_path: &str,
    cookie: Option<&str>,
    form: &[(&str, &str)],
) -> reqwest::Response {
    let mut req = reqwest::Client::new()
        .post(format!("{base}{fn_path}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "application/json")
        .body(common::form(form));
    if let Some(cookie) = cookie {
        req = req.header("cookie", cookie);
    }
    req.send().await.unwrap()
}

/// Sets the first Super User's password through its printed `link` at `base`, logs in, and
/// returns the session cookie.
async fn admin_session(base: &str, link: &str) -> String {
    let token = link.split("token=").nth(1).expect("a link with its token");
    let set = post(
        base,
        path::<app::api::auth::SetPassword>(),
        None,
        &[
            ("token", token),
            ("password", ADMIN_PASSWORD),
            ("confirm", ADMIN_PASSWORD),
        ],
    )
    .await;
    assert!(set.status().is_success(), "{}", set.text().await.unwrap());
    let login = post(
        base,
        path::<app::api::auth::Login>(),
        None,
        &[("login", "admin"), ("password", ADMIN_PASSWORD)],
    )
    .await;
    assert!(login.status().is_success());
    login
        .headers()
        .get("set-cookie")
        .and_then(|c| c.to_str().ok())
        .and_then(|c| c.split(';').next())
        .expect("a session")
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_on_one_postgres_database_share_sessions() {
    let t = TestDb::postgres().await;
    let mut a = start(&t.url).await;
    let mut b = start(&t.url).await;
    // Each start prints a fresh link and ends the one before (one live link per account): the
    // second process's is the one that works.
    let link = b
        .link
        .clone()
        .expect("a start before any password is set prints a set-password link");
    let cookie = admin_session(&a.base, &link).await;

    // The session opened through A is valid on B ...
    let me = post(&b.base, path::<app::api::auth::Me>(), Some(&cookie), &[])
        .await
        .text()
        .await
        .unwrap();
    assert!(me.contains("\"login\":\"admin\""), "{me}");
    // ... and ending it on B ends it on A.
    post(
        &b.base,
        path::<app::api::auth::Logout>(),
        Some(&cookie),
        &[],
    )
    .await;
    let me = post(&a.base, path::<app::api::auth::Me>(), Some(&cookie), &[])
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(me, "null");

    for roster in [&a, &b] {
        terminate(&roster.child);
    }
    assert!(a.child.wait().await.unwrap().success());
    assert!(b.child.wait().await.unwrap().success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_lets_a_request_in_flight_finish_then_exits_cleanly() {
    let dir = std::env::temp_dir().join(format!("roster-sigterm-{}", rand::random::<u64>()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("roster.db");
    let mut roster = start(db.to_str().unwrap()).await;

    // Send half a request, stop the server, then send the rest: the answer must still come.
    let mut stream = tokio::net::TcpStream::connect(roster.base.trim_start_matches("http://"))
        .await
        .unwrap();
    let body = "x=1";
    let head = format!(
        "POST {} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nAccept: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        path::<app::api::auth::Me>(),
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(&body.as_bytes()[..1]).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    terminate(&roster.child);
    tokio::time::sleep(Duration::from_millis(300)).await;
    stream.write_all(&body.as_bytes()[1..]).await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");

    let status = tokio::time::timeout(Duration::from_secs(15), roster.child.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(status.success());
    // New connections are refused once it has stopped.
    assert!(reqwest::get(format!("{}/healthz", roster.base))
        .await
        .is_err());
    let _ = std::fs::remove_dir_all(dir);
}

/// The secret of every one-time link Roster mails (invitations, resets) stays out of its log,
/// at the most detailed log level, from the request that makes it to the relay that takes it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_mailed_token_reaches_the_log() {
    let smtp = common::smtp::SmtpServer::start();
    let dir = std::env::temp_dir().join(format!("roster-log-{}", rand::random::<u64>()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("roster.db");
    let port = smtp.port.to_string();
    let mut roster = start_with(
        db.to_str().unwrap(),
        &[
            "--log-level",
            "trace",
            "--smtp-host",
            "127.0.0.1",
            "--smtp-port",
            &port,
            "--smtp-security",
            "none",
        ],
    )
    .await;
    let cookie = admin_session(&roster.base, roster.link.as_deref().unwrap()).await;
    let made = post(
        &roster.base,
        path::<app::api::domains::CreateDomain>(),
        Some(&cookie),
        &[("input[domain]", "log.example")],
    )
    .await;
    assert!(made.status().is_success(), "{}", made.text().await.unwrap());
    let made = post(
        &roster.base,
        path::<app::api::users::CreateUser>(),
        Some(&cookie),
        &[
            ("domain", "log.example"),
            ("input[user]", "101"),
            ("input[name-first-name]", "Lou"),
            ("input[name-last-name]", "Gray"),
            ("input[email]", "lou@people.example"),
            ("invitation", "send"),
        ],
    )
    .await;
    assert!(made.status().is_success(), "{}", made.text().await.unwrap());
    let reset = post(
        &roster.base,
        path::<app::api::auth::ForgotPassword>(),
        None,
        &[("who", "lou@people.example")],
    )
    .await;
    assert!(reset.status().is_success());
    let mail = smtp.wait_for(2).await;
    let tokens: Vec<String> = mail.iter().map(common::smtp::token_in).collect();
    assert!(tokens.iter().all(|t| t.len() == 64), "{tokens:?}");
    // Its owner opens the newest link: the page asks the server about it.
    let page = reqwest::get(format!("{}/set-password?token={}", roster.base, tokens[1]))
        .await
        .unwrap();
    assert!(page.status().is_success(), "{}", page.status());
    let asked = post(
        &roster.base,
        path::<app::api::auth::PasswordLink>(),
        None,
        &[("token", &tokens[1])],
    )
    .await;
    assert_eq!(asked.text().await.unwrap(), "\"101@log.example\"");

    terminate(&roster.child);
    roster.child.wait().await.unwrap();
    let log = roster.log.lock().unwrap().clone();
    assert!(
        log.iter()
            .any(|l| l.contains("mail handed to the SMTP relay")),
        "{log:#?}"
    );
    for token in &tokens {
        let leaks: Vec<&String> = log.iter().filter(|l| l.contains(token.as_str())).collect();
        assert!(leaks.is_empty(), "a mailed token is in the log: {leaks:#?}");
    }
    let _ = std::fs::remove_dir_all(dir);
}

/// Expired Idempotency-Key answers are swept when Roster starts (and every ten minutes after).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_idempotency_answers_are_swept_at_start() {
    let dir = std::env::temp_dir().join(format!("roster-sweep-{}", rand::random::<u64>()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("roster.db");
    let url = path.to_str().unwrap().to_owned();
    let mut first = start(&url).await;
    terminate(&first.child);
    first.child.wait().await.unwrap();
    let db = app::ssr::db::Db::connect(&url).await.unwrap();
    for (key, age_ms) in [("old", 2 * 86_400_000_i64), ("fresh", 60_000)] {
        sqlx::query(
            "INSERT INTO idempotency_keys (owner, key, request_hash, status, body, created_at, claim_token) \
             VALUES ('key:1', $1, 'h', 200, 'sealed', $2, '')",
        )
        .bind(key)
        .bind(app::ssr::now_ms() - age_ms)
        .execute(db.writer())
        .await
        .unwrap();
    }
    db.close().await;
    let mut second = start(&url).await;
    let db = app::ssr::db::Db::connect(&url).await.unwrap();
    let mut left: Vec<String> = Vec::new();
    for _ in 0..50 {
        left = sqlx::query_scalar("SELECT key FROM idempotency_keys")
            .fetch_all(db.pool())
            .await
            .unwrap();
        if left.len() == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(left, ["fresh"]);
    db.close().await;
    terminate(&second.child);
    second.child.wait().await.unwrap();
    let _ = std::fs::remove_dir_all(dir);
}

/// A request written on a keep-alive connection just as SIGTERM arrives is answered (and told to
/// close its connection), not reset.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_on_a_keep_alive_connection_at_sigterm_is_answered() {
    let dir = std::env::temp_dir().join(format!("roster-keepalive-{}", rand::random::<u64>()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("roster.db");
    let mut roster = start(db.to_str().unwrap()).await;
    let mut stream = tokio::net::TcpStream::connect(roster.base.trim_start_matches("http://"))
        .await
        .unwrap();
    let request = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    // Reads one whole answer (headers and its short body) off the connection.
    async fn answer(stream: &mut tokio::net::TcpStream) -> String {
        let mut text = Vec::new();
        let mut buf = [0u8; 1024];
        loop {
            let n = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut buf))
                .await
                .expect("an answer within 10 s")
                .expect("no reset");
            assert!(
                n > 0,
                "the connection was closed without an answer: {}",
                String::from_utf8_lossy(&text)
            );
            text.extend_from_slice(&buf[..n]);
            let so_far = String::from_utf8_lossy(&text).to_string();
            if let Some((head, body)) = so_far.split_once("\r\n\r\n") {
                let length = head
                    .lines()
                    .find_map(|l| {
                        l.to_ascii_lowercase()
                            .strip_prefix("content-length:")
                            .map(|v| v.trim().parse::<usize>().unwrap())
                    })
                    .unwrap_or(0);
                if body.len() >= length {
                    return so_far;
                }
            }
        }
    }
    stream.write_all(request.as_bytes()).await.unwrap();
    let first = answer(&mut stream).await;
    assert!(first.starts_with("HTTP/1.1 200"), "{first}");
    // The connection is idle and kept alive; the stop comes, and a request right behind it
    // (after the stop has surely been seen: before, the old server closed idle connections at
    // once, and this request met a closed connection).
    terminate(&roster.child);
    tokio::time::sleep(Duration::from_millis(100)).await;
    stream.write_all(request.as_bytes()).await.unwrap();
    let second = answer(&mut stream).await;
    assert!(second.starts_with("HTTP/1.1 200"), "{second}");
    assert!(
        second.to_ascii_lowercase().contains("connection: close"),
        "{second}"
    );
    let status = tokio::time::timeout(Duration::from_secs(15), roster.child.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(status.success());
    let _ = std::fs::remove_dir_all(dir);
}
