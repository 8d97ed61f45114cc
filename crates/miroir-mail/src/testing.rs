//! A real SMTP server for tests: mailin-embedded on 127.0.0.1 (a port of its
//! own), keeping each message it accepts, raw, with its envelope. Tests read
//! them back parsed ([`Received`]), wait for a number of them, and can make
//! the server refuse for a while (a 451 or a 550 to every message) to see
//! retries and permanent failures.
//!
//! The server runs on threads of its own that end with the test process.

use std::net::TcpListener;
use std::sync::atomic::{AtomicU16, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use mail_parser::MessageParser;
use mailin_embedded::response::{self, Response};
use mailin_embedded::{Handler, Server, SslConfig};

/// A message as the server received it.
#[derive(Debug, Clone)]
pub struct Received {
    pub from: String,
    pub to: Vec<String>,
    pub raw: Vec<u8>,
}

impl Received {
    fn parsed(&self) -> mail_parser::Message<'_> {
        MessageParser::default().parse(&self.raw).unwrap_or_default()
    }

    pub fn subject(&self) -> String {
        self.parsed().subject().unwrap_or_default().to_owned()
    }

    /// The `Message-ID`, without its angle brackets.
    pub fn message_id(&self) -> String {
        self.parsed().message_id().unwrap_or_default().to_owned()
    }

    /// A header's value as sent (unfolded and trimmed), if present.
    pub fn header(&self, name: &str) -> Option<String> {
        let raw = String::from_utf8_lossy(&self.raw);
        let head = raw.split("\r\n\r\n").next().unwrap_or_default().replace("\r\n ", " ").replace("\r\n\t", " ");
        head.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name).then(|| value.trim().to_owned())
        })
    }

    pub fn text(&self) -> String {
        self.parsed().body_text(0).map(|t| t.into_owned()).unwrap_or_default()
    }

    pub fn html(&self) -> String {
        self.parsed().body_html(0).map(|t| t.into_owned()).unwrap_or_default()
    }
}

#[derive(Clone)]
struct Keeper {
    inbox: Arc<Mutex<Vec<Received>>>,
    refuse: Arc<AtomicU16>,
    /// Milliseconds each message takes to be accepted (a slow relay, for bursts that last).
    delay_ms: Arc<AtomicU64>,
    from: String,
    to: Vec<String>,
    data: Vec<u8>,
}

impl Handler for Keeper {
    fn data_start(&mut self, _domain: &str, from: &str, _is8bit: bool, to: &[String]) -> Response {
        // Refused at DATA, before the message is sent: mailin stays in its data state when a refusal comes at the
        // end of the data, and would read the client's next commands as more data.
        match self.refuse.load(Ordering::SeqCst) {
            451 => return response::INTERNAL_ERROR,
            550 => return response::NO_MAILBOX,
            _ => {}
        }
        self.from = from.to_owned();
        self.to = to.to_vec();
        self.data.clear();
        response::START_DATA
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.data.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        let delay = self.delay_ms.load(Ordering::SeqCst);
        if delay > 0 {
            std::thread::sleep(Duration::from_millis(delay));
        }
        let message = Received { from: self.from.clone(), to: self.to.clone(), raw: std::mem::take(&mut self.data) };
        if let Ok(mut inbox) = self.inbox.lock() {
            inbox.push(message);
        }
        response::OK
    }
}

/// The SMTP server of a test.
#[derive(Clone)]
pub struct SmtpSink {
    url: String,
    inbox: Arc<Mutex<Vec<Received>>>,
    refuse: Arc<AtomicU16>,
    delay_ms: Arc<AtomicU64>,
}

impl SmtpSink {
    /// Starts a server on 127.0.0.1, on a free port.
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a port for the test SMTP server");
        let url = format!("smtp://{}", listener.local_addr().expect("its address"));
        let inbox = Arc::new(Mutex::new(Vec::new()));
        let refuse = Arc::new(AtomicU16::new(0));
        let delay_ms = Arc::new(AtomicU64::new(0));
        let keeper = Keeper {
            inbox: inbox.clone(),
            refuse: refuse.clone(),
            delay_ms: delay_ms.clone(),
            from: String::new(),
            to: Vec::new(),
            data: Vec::new(),
        };
        let mut server = Server::new(keeper);
        // A thread per open connection: senders keep pooled connections open, and a refused message can leave
        // one behind, so room for many (with 4, the fifth connection would wait forever).
        server.with_name("smtp.test").with_num_threads(64).with_tcp_listener(listener);
        if server.with_ssl(SslConfig::None).is_err() {
            panic!("the test SMTP server without TLS");
        }
        std::thread::spawn(move || {
            if let Err(error) = server.serve() {
                eprintln!("the test SMTP server stopped: {error}");
            }
        });
        SmtpSink { url, inbox, refuse, delay_ms }
    }

    /// Where to send: `smtp://127.0.0.1:{port}`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Every message received so far, in order.
    pub fn messages(&self) -> Vec<Received> {
        self.inbox.lock().map(|m| m.clone()).unwrap_or_default()
    }

    /// Waits until at least `count` messages arrived (or `timeout` passed), then returns them all.
    pub async fn wait_for(&self, count: usize, timeout: Duration) -> Vec<Received> {
        let start = Instant::now();
        loop {
            let messages = self.messages();
            if messages.len() >= count || start.elapsed() > timeout {
                return messages;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// From now on, take `per_message` to accept each message (before it counts as received).
    pub fn slow_down(&self, per_message: Duration) {
        self.delay_ms.store(u64::try_from(per_message.as_millis()).unwrap_or(u64::MAX), Ordering::SeqCst);
    }

    /// From now on, refuse every message with a temporary (451) or a permanent (550) failure; 0 accepts again.
    pub fn refuse_with(&self, code: u16) {
        self.refuse.store(code, Ordering::SeqCst);
    }
}
