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
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn start(database_url: &str) -> Roster {
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
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .expect("start roster");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut link = None;
    // Read until the server says it listens; remember the link printed before that.
    while let Ok(Ok(Some(line))) =
        tokio::time::timeout(Duration::from_secs(30), lines.next_line()).await
    {
        if let Some(at) = line.find("/set-password?token=") {
            link = Some(line[at..].trim().to_owned());
        }
        if line.contains("Roster is listening") {
            break;
        }
    }
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::new();
    for _ in 0..100 {
        if http
            .get(format!("{base}/readyz"))
            .send()
            .await
            .is_ok_and(|r| r.status() == 200)
        {
            return Roster { child, base, link };
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_on_one_postgres_database_share_sessions() {
    let t = TestDb::postgres().await;
    let mut a = start(&t.url).await;
    let mut b = start(&t.url).await;
    let link = a
        .link
        .clone()
        .expect("the first start prints a set-password link");
    let token = link.split("token=").nth(1).unwrap();

    let set = post(
        &a.base,
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
        &a.base,
        path::<app::api::auth::Login>(),
        None,
        &[("login", "admin"), ("password", ADMIN_PASSWORD)],
    )
    .await;
    assert!(login.status().is_success());
    let cookie = login.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();

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
