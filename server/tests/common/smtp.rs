//! A real SMTP server for the tests: aiosmtpd running scripts/test-smtp.py on a free loopback
//! port, writing each message it receives as JSON into a directory of its own. Installed by
//! scripts/test-smtp.sh (scripts/test.sh runs it first).

use serde_json::Value;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct SmtpServer {
    pub port: u16,
    dir: PathBuf,
    child: Option<Child>,
}

/// A loopback port nothing listens on (now).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn python() -> PathBuf {
    let python = std::env::var_os("ROSTER_TEST_SMTP_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target/test-smtp/bin/python"));
    assert!(
        python.exists(),
        "the tests' SMTP server is not installed: run scripts/test-smtp.sh (scripts/test.sh does)"
    );
    python
}

impl SmtpServer {
    /// A server on a free port, accepting mail.
    pub fn start() -> Self {
        let mut server = Self::stopped();
        server.resume();
        server
    }

    /// A port with no server yet (a relay that is down), for [`SmtpServer::resume`] to start.
    pub fn stopped() -> Self {
        let dir = std::env::temp_dir().join(format!(
            "roster-smtp-{}-{:016x}",
            std::process::id(),
            rand::random::<u64>()
        ));
        std::fs::create_dir_all(&dir).expect("a mail directory");
        Self {
            port: free_port(),
            dir,
            child: None,
        }
    }

    /// Starts the server on its port and waits until it accepts connections.
    pub fn resume(&mut self) {
        let child = Command::new(python())
            .arg(root().join("scripts/test-smtp.py"))
            .args(["--port", &self.port.to_string(), "--dir"])
            .arg(&self.dir)
            .stdout(Stdio::null())
            .spawn()
            .expect("start the test SMTP server");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "the test SMTP server did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Every message received so far, in arrival order.
    pub fn messages(&self) -> Vec<Value> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&self.dir)
            .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        files.retain(|p| p.extension().is_some_and(|e| e == "json"));
        files.sort();
        files
            .iter()
            .filter_map(|p| std::fs::read_to_string(p).ok())
            .filter_map(|text| serde_json::from_str(&text).ok())
            .collect()
    }

    /// Waits (at most 20 s) until `count` messages have arrived, and returns them all.
    pub async fn wait_for(&self, count: usize) -> Vec<Value> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let messages = self.messages();
            if messages.len() >= count {
                return messages;
            }
            assert!(
                Instant::now() < deadline,
                "expected {count} messages, got {}: {messages:#?}",
                messages.len()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The one-time link's token in a message's text.
pub fn token_in(message: &Value) -> String {
    let text = message["text"].as_str().unwrap_or_default();
    let at = text
        .find("token=")
        .expect("a set-password link in the message")
        + "token=".len();
    text[at..]
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect()
}
