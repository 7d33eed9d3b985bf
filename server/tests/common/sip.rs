//! The SIP side under test: Roster's own Kamailio configuration, started by Roster's own
//! launcher on a free port over the test's database, and sipp (Debian's `sip-tester`) playing
//! the phones and the carrier. Every scenario is written here, with its values in it, and run
//! as one sipp process whose exit code says whether it went as written.

use super::TestDb;
use server::sip::{Kamailio, SipOptions};
use std::net::{IpAddr, SocketAddr, UdpSocket};
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;
use tokio::process::{Child, Command};

/// The address the carrier plays from (and its gateway listens on).
pub const CARRIER: [u8; 4] = [127, 0, 0, 2];

/// A free UDP port on `ip`.
pub fn free_port(ip: IpAddr) -> u16 {
    UdpSocket::bind((ip, 0))
        .and_then(|s| s.local_addr())
        .expect("a free UDP port")
        .port()
}

/// A running SIP server over `db`, with the carrier's gateway on a port of its own.
pub struct SipServer {
    pub kamailio: Kamailio,
    /// Where calls to phone numbers go (a sipp answering as the carrier listens here).
    pub gateway: SocketAddr,
    dir: PathBuf,
}

impl SipServer {
    pub async fn start(db: &TestDb) -> Self {
        let listen = SocketAddr::from(([127, 0, 0, 1], free_port([127, 0, 0, 1].into())));
        let gateway = SocketAddr::from((CARRIER, free_port(CARRIER.into())));
        let mut options = SipOptions::new(listen);
        options.gateway = gateway.to_string();
        let kamailio = Kamailio::start(&options, &db.url)
            .await
            .unwrap_or_else(|e| panic!("start Kamailio: {e}"));
        let dir = std::env::temp_dir().join(format!(
            "roster-sipp-{}-{}",
            std::process::id(),
            listen.port()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        Self {
            kamailio,
            gateway,
            dir,
        }
    }

    pub fn address(&self) -> SocketAddr {
        self.kamailio.address
    }

    /// Starts sipp on `scenario` from `ip:port` towards the server (a phone placing a call or
    /// registering), or, with `remote` `None`, listening (a phone being rung).
    fn sipp(
        &self,
        name: &str,
        scenario: &str,
        ip: [u8; 4],
        port: u16,
        remote: Option<SocketAddr>,
    ) -> Child {
        let file = self.dir.join(format!("{name}-{port}.xml"));
        std::fs::write(&file, scenario).unwrap();
        let mut command = Command::new("sipp");
        command
            .arg("-sf")
            .arg(&file)
            .args(["-m", "1", "-nostdin", "-timeout", "30s", "-timeout_error"])
            .args(["-recv_timeout", "20000"])
            .args(["-i", &IpAddr::from(ip).to_string(), "-p", &port.to_string()])
            .arg("-trace_err")
            .current_dir(&self.dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        if let Some(remote) = remote {
            command.arg(remote.to_string());
        }
        command
            .spawn()
            .expect("run sipp (scripts/test.sh installs sip-tester)")
    }

    /// Registers `phone` (its Contact: its own port) for `expires` seconds (0: unregisters) and
    /// answers the final response's code.
    pub async fn register(&self, phone: &Phone, expires: u32) -> u16 {
        let port = free_port([127, 0, 0, 1].into());
        let scenario = register_scenario(phone, expires, port);
        let child = self.sipp(
            "register",
            &scenario,
            [127, 0, 0, 1],
            port,
            Some(self.address()),
        );
        finished(child, "REGISTER").await;
        self.answer(port, "REGISTER")
    }

    /// `phone` (or, unauthenticated, the carrier when `phone` is `None`) calls `dialled` at
    /// `domain` and answers the final response's code; a call answered is ended with BYE.
    pub async fn call(&self, phone: Option<&Phone>, dialled: &str, domain: &str) -> u16 {
        self.place(phone.map(|p| (p.device.as_str(), p)), dialled, domain)
            .await
    }

    /// `phone` calls with its own credentials but says it is the device `claimed` (its From).
    pub async fn call_as(&self, claimed: &str, phone: &Phone, dialled: &str, domain: &str) -> u16 {
        self.place(Some((claimed, phone)), dialled, domain).await
    }

    async fn place(&self, phone: Option<(&str, &Phone)>, dialled: &str, domain: &str) -> u16 {
        let ip = if phone.is_some() {
            [127, 0, 0, 1]
        } else {
            CARRIER
        };
        let port = free_port(ip.into());
        let scenario = call_scenario(phone, dialled, domain, port);
        let child = self.sipp("call", &scenario, ip, port, Some(self.address()));
        finished(child, "INVITE").await;
        self.answer(port, "INVITE")
    }

    /// The final answer the scenario run from `port` recorded (see [`answer_branches`]).
    fn answer(&self, port: u16, what: &str) -> u16 {
        let answer =
            std::fs::read_to_string(self.dir.join(format!("answer-{port}"))).unwrap_or_default();
        answer
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("no answer to the {what} recorded"))
    }

    /// A phone that answers (or not) on its own port, as `behaviour` says, for one call.
    pub fn ring(&self, phone: &Phone, behaviour: Ringing) -> Child {
        self.sipp(
            "uas",
            &uas_scenario(behaviour),
            [127, 0, 0, 1],
            phone.port,
            None,
        )
    }

    /// The carrier's gateway, answering one call.
    pub fn gateway_answers(&self) -> Child {
        self.sipp(
            "gateway",
            &uas_scenario(Ringing::Answers),
            CARRIER,
            self.gateway.port(),
            None,
        )
    }
}

impl Drop for SipServer {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Waits for a sipp process; panics, with what it said, if it failed.
pub async fn finished(child: Child, what: &str) {
    let out = tokio::time::timeout(Duration::from_secs(40), child.wait_with_output())
        .await
        .unwrap_or_else(|_| panic!("sipp ({what}) did not finish"))
        .unwrap();
    assert!(
        out.status.success(),
        "sipp ({what}) failed: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}

/// How a rung phone behaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ringing {
    /// Rings for half a second, answers, and waits for the caller's BYE.
    Answers,
    /// Answers 486 Busy Here.
    Busy,
    /// Rings until the call is cancelled (answered elsewhere, or not answered in time).
    RingsUntilCancelled,
}

/// A SIP device of a user: its name, domain, password, and the port its sipp listens on.
#[derive(Debug, Clone)]
pub struct Phone {
    pub device: String,
    pub domain: String,
    pub password: String,
    pub port: u16,
}

impl Phone {
    pub fn new(device: &str, domain: &str, password: &str) -> Self {
        Self {
            device: device.to_owned(),
            domain: domain.to_owned(),
            password: password.to_owned(),
            port: free_port([127, 0, 0, 1].into()),
        }
    }
}

/// The response codes `codes`, each a branch of a scenario that writes the code it got to the
/// file `answer-{port}` and ends; a 200 first does `then`.
fn answer_branches(codes: &[u16], txn: &str, then: &str, port: u16) -> String {
    answer_branches_acked(codes, txn, then, "", port)
}

/// [`answer_branches`], acknowledging a final answer other than 200 with `ack` (an INVITE's).
fn answer_branches_acked(codes: &[u16], txn: &str, then: &str, ack: &str, port: u16) -> String {
    let mut xml = String::new();
    for code in codes {
        xml.push_str(&format!(
            "<recv response=\"{code}\" optional=\"true\" response_txn=\"{txn}\" next=\"got{code}\" />\n"
        ));
    }
    xml.push_str("<recv response=\"999\" />\n");
    for code in codes {
        let follow = if *code == 200 { then } else { ack };
        xml.push_str(&format!(
            "<label id=\"got{code}\" />\n\
             <nop><action><exec command=\"echo {code} > answer-{port}\" /></action></nop>\n\
             {follow}\
             <nop next=\"end\" />\n"
        ));
    }
    xml.push_str("<label id=\"end\" />\n");
    xml
}

/// What a REGISTER can be answered in these tests.
const REGISTER_ANSWERS: &[u16] = &[200, 401, 403, 500];

fn register_scenario(phone: &Phone, expires: u32, from_port: u16) -> String {
    let Phone {
        device,
        domain,
        password,
        port,
    } = phone;
    let request = |cseq: u32, auth: &str| {
        format!(
            "<send retrans=\"500\" start_txn=\"r{cseq}\"><![CDATA[\n\
             REGISTER sip:{domain} SIP/2.0\n\
             Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]\n\
             From: <sip:{device}@{domain}>;tag=[pid]reg[call_number]\n\
             To: <sip:{device}@{domain}>\n\
             Call-ID: [call_id]\n\
             CSeq: {cseq} REGISTER\n\
             Contact: <sip:{device}@[local_ip]:{port}>\n\
             Expires: {expires}\n\
             {auth}\
             Max-Forwards: 70\n\
             User-Agent: sipp-phone-{device}\n\
             Content-Length: 0\n\n\
             ]]></send>\n"
        )
    };
    format!(
        "<?xml version=\"1.0\" encoding=\"ISO-8859-1\" ?>\n<scenario name=\"register\">\n\
         {}\
         <recv response=\"401\" auth=\"true\" response_txn=\"r1\" />\n\
         {}\
         {}\
         </scenario>\n",
        request(1, ""),
        request(
            2,
            &format!("[authentication username={device} password={password}]\n")
        ),
        answer_branches(REGISTER_ANSWERS, "r2", "", from_port),
    )
}

/// Every final answer a call can get in these tests.
const CALL_ANSWERS: &[u16] = &[200, 403, 404, 407, 408, 480, 482, 486, 487, 500, 503];

/// A call to `dialled` at `domain` from `port`: by a phone (the device its From names, and the
/// phone whose credentials answer the challenge), or by the carrier (`None`).
fn call_scenario(phone: Option<(&str, &Phone)>, dialled: &str, domain: &str, port: u16) -> String {
    let (from, auth_user) = match phone {
        Some((claimed, p)) => (format!("{claimed}@{}", p.domain), Some(p)),
        None => ("carrier@carrier.example".to_owned(), None),
    };
    let invite = |cseq: u32, auth: &str| {
        format!(
            "<send retrans=\"500\" start_txn=\"i{cseq}\"><![CDATA[\n\
             INVITE sip:{dialled}@{domain} SIP/2.0\n\
             Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]\n\
             From: <sip:{from}>;tag=[pid]call[call_number]\n\
             To: <sip:{dialled}@{domain}>\n\
             Call-ID: [call_id]\n\
             CSeq: {cseq} INVITE\n\
             Contact: <sip:caller@[local_ip]:{port}>\n\
             {auth}\
             Max-Forwards: 70\n\
             Content-Type: application/sdp\n\
             Content-Length: [len]\n\n\
             v=0\n\
             o=caller 1 1 IN IP4 [local_ip]\n\
             s=-\n\
             c=IN IP4 [local_ip]\n\
             t=0 0\n\
             m=audio [media_port] RTP/AVP 0\n\
             a=rtpmap:0 PCMU/8000\n\n\
             ]]></send>\n"
        )
    };
    let ack_and_bye = |cseq: u32| {
        format!(
            "<send><![CDATA[\n\
             ACK [next_url] SIP/2.0\n\
             Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]\n\
             From: <sip:{from}>;tag=[pid]call[call_number]\n\
             To: <sip:{dialled}@{domain}>[peer_tag_param]\n\
             Call-ID: [call_id]\n\
             [routes]\n\
             CSeq: {cseq} ACK\n\
             Max-Forwards: 70\n\
             Content-Length: 0\n\n\
             ]]></send>\n\
             <pause milliseconds=\"200\" />\n\
             <send retrans=\"500\" start_txn=\"bye\"><![CDATA[\n\
             BYE [next_url] SIP/2.0\n\
             Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]\n\
             From: <sip:{from}>;tag=[pid]call[call_number]\n\
             To: <sip:{dialled}@{domain}>[peer_tag_param]\n\
             Call-ID: [call_id]\n\
             [routes]\n\
             CSeq: {} BYE\n\
             Max-Forwards: 70\n\
             Content-Length: 0\n\n\
             ]]></send>\n\
             <recv response=\"200\" response_txn=\"bye\" />\n",
            cseq + 1
        )
    };
    let ack = |txn: &str, cseq: u32| {
        format!(
            "<send ack_txn=\"{txn}\"><![CDATA[\n\
             ACK sip:{dialled}@{domain} SIP/2.0\n\
             Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]\n\
             From: <sip:{from}>;tag=[pid]call[call_number]\n\
             To: <sip:{dialled}@{domain}>[peer_tag_param]\n\
             Call-ID: [call_id]\n\
             CSeq: {cseq} ACK\n\
             Max-Forwards: 70\n\
             Content-Length: 0\n\n\
             ]]></send>\n"
        )
    };
    // Any number of provisional answers (a call that rings several phones, one after another
    // or at once, hears each ring).
    let provisional = |txn: &str| {
        format!(
            "<label id=\"ringing\" />\n\
             <recv response=\"100\" optional=\"true\" response_txn=\"{txn}\" next=\"ringing\" />\n\
             <recv response=\"180\" optional=\"true\" response_txn=\"{txn}\" next=\"ringing\" />\n\
             <recv response=\"183\" optional=\"true\" response_txn=\"{txn}\" next=\"ringing\" />\n"
        )
    };
    let body = match auth_user {
        Some(p) => format!(
            "{}\
             <recv response=\"100\" optional=\"true\" response_txn=\"i1\" />\n\
             <recv response=\"407\" auth=\"true\" response_txn=\"i1\" />\n\
             {}{}{}{}",
            invite(1, ""),
            ack("i1", 1),
            invite(
                2,
                &format!(
                    "[authentication username={} password={}]\n",
                    p.device, p.password
                )
            ),
            provisional("i2"),
            answer_branches_rrs(CALL_ANSWERS, "i2", &ack_and_bye(2), &ack("i2", 2), port),
        ),
        None => format!(
            "{}{}{}",
            invite(1, ""),
            provisional("i1"),
            answer_branches_rrs(CALL_ANSWERS, "i1", &ack_and_bye(1), &ack("i1", 1), port),
        ),
    };
    format!(
        "<?xml version=\"1.0\" encoding=\"ISO-8859-1\" ?>\n<scenario name=\"call\">\n{body}</scenario>\n"
    )
}

/// [`answer_branches`], keeping the route set of a 200 (for its ACK and BYE).
fn answer_branches_rrs(codes: &[u16], txn: &str, then: &str, ack: &str, port: u16) -> String {
    answer_branches_acked(codes, txn, then, ack, port).replacen(
        "<recv response=\"200\" optional=\"true\"",
        "<recv response=\"200\" optional=\"true\" rrs=\"true\"",
        1,
    )
}

fn uas_scenario(behaviour: Ringing) -> String {
    let response = |status: &str, headers: &str, body: &str| {
        format!(
            "<send retrans=\"500\"><![CDATA[\n\
             SIP/2.0 {status}\n\
             [last_Via:]\n\
             [last_From:]\n\
             [last_To:];tag=[pid]callee[call_number]\n\
             [last_Call-ID:]\n\
             [last_CSeq:]\n\
             [last_Record-Route:]\n\
             Contact: <sip:callee@[local_ip]:[local_port]>\n\
             {headers}\
             Content-Length: [len]\n\n\
             {body}\
             ]]></send>\n"
        )
    };
    let sdp = "v=0\n\
               o=callee 1 1 IN IP4 [local_ip]\n\
               s=-\n\
               c=IN IP4 [local_ip]\n\
               t=0 0\n\
               m=audio [media_port] RTP/AVP 0\n\
               a=rtpmap:0 PCMU/8000\n";
    let ringing = response("180 Ringing", "", "").replace(" retrans=\"500\"", "");
    let body = match behaviour {
        Ringing::Answers => format!(
            "<recv request=\"INVITE\" />\n{ringing}\
             <pause milliseconds=\"500\" />\n\
             {}\
             <recv request=\"ACK\" />\n\
             <recv request=\"BYE\" />\n{}",
            response("200 OK", "Content-Type: application/sdp\n", sdp),
            response("200 OK", "", "").replace(" retrans=\"500\"", ""),
        ),
        Ringing::Busy => format!(
            "<recv request=\"INVITE\" />\n{}<recv request=\"ACK\" />\n",
            response("486 Busy Here", "", ""),
        ),
        Ringing::RingsUntilCancelled => format!(
            "<recv request=\"INVITE\" />\n{ringing}\
             <recv request=\"CANCEL\" />\n{}\
             <send retrans=\"500\"><![CDATA[\n\
             SIP/2.0 487 Request Terminated\n\
             [last_Via:]\n\
             [last_From:]\n\
             [last_To:];tag=[pid]callee[call_number]\n\
             [last_Call-ID:]\n\
             CSeq: [last_cseq_number] INVITE\n\
             Content-Length: 0\n\n\
             ]]></send>\n\
             <recv request=\"ACK\" />\n",
            response("200 OK", "", "").replace(" retrans=\"500\"", ""),
        ),
    };
    format!(
        "<?xml version=\"1.0\" encoding=\"ISO-8859-1\" ?>\n<scenario name=\"uas\">\n{body}</scenario>\n"
    )
}
