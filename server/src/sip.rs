//! Roster's SIP side: Debian's Kamailio, run with Roster's configuration
//! (`scripts/sip/roster.cfg`) against Roster's own database, which it reads through the views of
//! the `*_sip.sql` migration at every request. Roster starts it beside itself, waits until it
//! answers, and stops it when Roster stops; the tests start one of their own the same way.

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;
use tokio::net::UdpSocket;
use tokio::process::{Child, Command};

/// How to run the SIP server.
#[derive(Debug, Clone)]
pub struct SipOptions {
    /// Where it listens for SIP over UDP.
    pub listen: SocketAddr,
    /// The carrier's address: requests from it are calls to Roster's numbers (DIDs).
    pub carrier: IpAddr,
    /// Where calls to phone numbers go: the carrier's gateway, `host:port`.
    pub gateway: String,
    /// Kamailio's configuration.
    pub config: PathBuf,
    /// The Postgres role Kamailio connects as (made by the migrations; it reads the SIP views
    /// only). Ignored on SQLite.
    pub postgres_role: String,
    /// Kamailio's program.
    pub program: PathBuf,
}

impl SipOptions {
    /// Options with Roster's configuration from the repository and the defaults of the run
    /// command, listening on `listen`.
    pub fn new(listen: SocketAddr) -> Self {
        Self {
            listen,
            carrier: IpAddr::from([127, 0, 0, 2]),
            gateway: "127.0.0.2:5060".to_owned(),
            config: repository_file("scripts/sip/roster.cfg"),
            postgres_role: "roster_sip".to_owned(),
            // Debian installs it in /usr/sbin, which not every PATH holds.
            program: Some(Path::new("/usr/sbin/kamailio"))
                .filter(|p| p.exists())
                .map_or_else(|| "kamailio".into(), Path::to_path_buf),
        }
    }
}

/// `relative` within the repository this program was built from, if it is there; else as given
/// (relative to where Roster runs).
fn repository_file(relative: &str) -> PathBuf {
    let built = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(relative);
    if built.exists() {
        built
    } else {
        relative.into()
    }
}

/// Kamailio's URL of Roster's database `roster_url`, and which of its database modules reads it:
/// a SQLite file by its absolute path, or the same Postgres database as `role` (without
/// Roster's password, and without query parameters, which Kamailio does not take).
pub fn kamailio_database_url(
    roster_url: &str,
    role: &str,
) -> Result<(String, &'static str), String> {
    if let Some(rest) = roster_url
        .strip_prefix("postgres://")
        .or_else(|| roster_url.strip_prefix("postgresql://"))
    {
        let rest = rest.split('?').next().unwrap_or(rest);
        let host_and_db = rest.rsplit_once('@').map_or(rest, |(_, after)| after);
        return Ok((format!("postgres://{role}@{host_and_db}"), "WITH_POSTGRES"));
    }
    let path = roster_url
        .strip_prefix("sqlite://")
        .or_else(|| roster_url.strip_prefix("sqlite:"))
        .unwrap_or(roster_url);
    let path = path.split('?').next().unwrap_or(path);
    let absolute = std::fs::canonicalize(path)
        .map_err(|e| format!("cannot find the SQLite database {path}: {e}"))?;
    Ok((format!("sqlite://{}", absolute.display()), "WITH_SQLITE"))
}

/// A running Kamailio, stopped when this is dropped.
pub struct Kamailio {
    child: Child,
    run_dir: PathBuf,
    /// Where it answers.
    pub address: SocketAddr,
}

impl Kamailio {
    /// Starts Kamailio on `options` over Roster's database `roster_url`, and waits (up to ten
    /// seconds) until it answers an OPTIONS.
    pub async fn start(options: &SipOptions, roster_url: &str) -> Result<Self, String> {
        let (db_url, module) = kamailio_database_url(roster_url, &options.postgres_role)?;
        if !options.config.exists() {
            return Err(format!(
                "the SIP configuration {} is missing",
                options.config.display()
            ));
        }
        // A control directory of its own: the default one is shared by every Kamailio.
        let run_dir = std::env::temp_dir().join(format!(
            "roster-sip-{}-{}",
            std::process::id(),
            options.listen.port()
        ));
        std::fs::create_dir_all(&run_dir)
            .map_err(|e| format!("cannot make {}: {e}", run_dir.display()))?;
        let define = |name: &str, value: &str| format!("{name}=\"{value}\"");
        let mut command = Command::new(&options.program);
        command
            .arg("-DD")
            .arg("-E")
            .arg("-f")
            .arg(&options.config)
            .arg("-Y")
            .arg(&run_dir)
            .arg("-l")
            .arg(format!("udp:{}", options.listen))
            .args(["-m", "64", "-M", "8"])
            .args(["-A", module])
            .args(["-A", &define("DBURL", &db_url)])
            .args(["-A", &define("SQLCON", &format!("roster=>{db_url}"))])
            .args(["-A", &define("CARRIER_ADDR", &options.carrier.to_string())])
            .args(["-A", &define("GATEWAY", &options.gateway)])
            // Registrations are kept with times in Kamailio's zone; Roster reads them as UTC.
            .env("TZ", "UTC")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(false);
        let mut child = command.spawn().map_err(|e| {
            format!(
                "cannot start {} (scripts/run.sh installs Debian's kamailio packages): {e}",
                options.program.display()
            )
        })?;
        if let Some(stderr) = child.stderr.take() {
            tokio::spawn(log_lines(stderr));
        }
        let mut running = Self {
            child,
            run_dir,
            address: options.listen,
        };
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        loop {
            if let Ok(Some(status)) = running.child.try_wait() {
                return Err(format!(
                    "the SIP server exited at start ({status}); see its log above"
                ));
            }
            if answers_options(running.address).await {
                return Ok(running);
            }
            if tokio::time::Instant::now() > deadline {
                running.stop().await;
                return Err(format!(
                    "the SIP server did not answer on {} within 10 s",
                    options.listen
                ));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Asks Kamailio to stop: SIGTERM to its main process stops every worker it forked (a
    /// SIGKILL would leave them running).
    fn terminate(&self) {
        if let Some(pid) = self.child.id() {
            let _ = std::process::Command::new("kill")
                .args(["-TERM", &pid.to_string()])
                .status();
        }
    }

    /// Stops Kamailio and every process it forked, and waits for it.
    pub async fn stop(&mut self) {
        self.terminate();
        if tokio::time::timeout(Duration::from_secs(5), self.child.wait())
            .await
            .is_err()
        {
            let _ = self.child.kill().await;
        }
        let _ = std::fs::remove_dir_all(&self.run_dir);
    }
}

impl Drop for Kamailio {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            self.terminate();
        }
        let _ = std::fs::remove_dir_all(&self.run_dir);
    }
}

/// Kamailio's log, in Roster's: errors and warnings as such, the rest at debug.
async fn log_lines(stderr: tokio::process::ChildStderr) {
    use tokio::io::AsyncBufReadExt;
    let mut lines = tokio::io::BufReader::new(stderr).lines();
    while let Ok(Some(line)) = lines.next_line().await {
        if line.contains("ERROR:") || line.contains("CRITICAL:") || line.contains("ALERT:") {
            tracing::warn!(target: "roster::sip", "{line}");
        } else if line.contains("WARNING:") || line.contains("NOTICE:") {
            tracing::info!(target: "roster::sip", "{line}");
        } else {
            tracing::debug!(target: "roster::sip", "{line}");
        }
    }
}

/// Whether a SIP server answers an OPTIONS at `address` with 200 (within half a second).
pub async fn answers_options(address: SocketAddr) -> bool {
    let Ok(socket) = UdpSocket::bind((address.ip(), 0)).await else {
        return false;
    };
    let Ok(local) = socket.local_addr() else {
        return false;
    };
    let tag: u64 = rand::random();
    let request = format!(
        "OPTIONS sip:{address} SIP/2.0\r\n\
         Via: SIP/2.0/UDP {local};branch=z9hG4bK{tag:x}\r\n\
         Max-Forwards: 70\r\n\
         From: <sip:ping@{local}>;tag={tag:x}\r\n\
         To: <sip:{address}>\r\n\
         Call-ID: {tag:x}@roster\r\n\
         CSeq: 1 OPTIONS\r\n\
         Content-Length: 0\r\n\r\n"
    );
    if socket.send_to(request.as_bytes(), address).await.is_err() {
        return false;
    }
    let mut buffer = [0u8; 2048];
    match tokio::time::timeout(Duration::from_millis(500), socket.recv(&mut buffer)).await {
        Ok(Ok(n)) => buffer[..n].starts_with(b"SIP/2.0 200"),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kamailio_reads_the_same_postgres_database_as_its_own_role() {
        assert_eq!(
            kamailio_database_url(
                "postgres://roster:pw@db:5432/roster?sslmode=disable",
                "roster_sip"
            )
            .unwrap(),
            (
                "postgres://roster_sip@db:5432/roster".to_owned(),
                "WITH_POSTGRES"
            )
        );
    }
}
