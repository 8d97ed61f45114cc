//! Messages sent over real SMTP to a real server on 127.0.0.1 (mailin-embedded,
//! the `testing` feature) and read back as received: both parts in UTF-8,
//! the id, the one-click headers; refusals classified for retries.

use std::time::Duration;

use miroir_mail::testing::SmtpSink;
use miroir_mail::{Email, MailerConfigError, SendError, SmtpMailer};

fn email(to: &str, id: &str) -> Email {
    Email {
        to: to.into(),
        subject: "Votre signalement « Lampadaire éteint » est résolu".into(),
        text: "Bonjour,\n\nLa mairie a résolu votre signalement : le lampadaire est réparé.\n".into(),
        html: "<p>Bonjour,</p><p>La mairie a résolu votre signalement : le lampadaire est réparé.</p>".into(),
        language: "fr".into(),
        message_id: id.into(),
        unsubscribe_url: Some("https://miroir.example/desabonnement/jeton-123".into()),
    }
}

#[tokio::test]
async fn a_message_arrives_as_sent() {
    let sink = SmtpSink::start();
    let mailer = SmtpMailer::new(sink.url(), "Miroir <ne-pas-repondre@miroir.example>").expect("mailer");
    mailer.send(&email("habitante@example.fr", "d-42")).await.expect("sent");

    let received = sink.wait_for(1, Duration::from_secs(10)).await;
    assert_eq!(received.len(), 1);
    let message = &received[0];
    assert_eq!(message.to, vec!["habitante@example.fr".to_owned()]);
    assert_eq!(message.from, "ne-pas-repondre@miroir.example");
    assert_eq!(message.subject(), "Votre signalement « Lampadaire éteint » est résolu");
    assert_eq!(message.message_id(), "d-42@miroir.example");
    assert_eq!(message.header("List-Unsubscribe").as_deref(), Some("<https://miroir.example/desabonnement/jeton-123>"));
    assert_eq!(message.header("List-Unsubscribe-Post").as_deref(), Some("List-Unsubscribe=One-Click"));
    assert_eq!(message.header("Content-Language").as_deref(), Some("fr"));
    assert!(message.text().contains("le lampadaire est réparé"), "{}", message.text());
    assert!(message.html().contains("<p>La mairie a résolu votre signalement"), "{}", message.html());
}

#[tokio::test]
async fn refusals_say_whether_to_retry() {
    let sink = SmtpSink::start();
    let mailer = SmtpMailer::new(sink.url(), "ne-pas-repondre@miroir.example").expect("mailer");
    sink.refuse_with(451);
    let busy = mailer.send(&email("a@example.fr", "d-1")).await.expect_err("refused for now");
    assert_eq!(busy, SendError::Transient("SMTP 451".into()));
    sink.refuse_with(550);
    let gone = mailer.send(&email("a@example.fr", "d-2")).await.expect_err("refused for good");
    assert!(gone.is_permanent(), "{gone}");
    assert!(!gone.to_string().contains("a@example.fr"), "no address in errors: {gone}");
    sink.refuse_with(0);
    mailer.send(&email("a@example.fr", "d-3")).await.expect("accepted again");
    let received = sink.wait_for(1, Duration::from_secs(10)).await;
    assert_eq!(received.iter().map(|m| m.message_id()).collect::<Vec<_>>(), ["d-3@miroir.example"]);

    // A message that cannot be built is never worth retrying; nothing reaches the relay.
    let invalid = mailer.send(&email("pas une adresse", "d-4")).await.expect_err("not built");
    assert!(invalid.is_permanent());
    assert_eq!(sink.messages().len(), 1);
}

#[tokio::test]
async fn an_unreachable_relay_is_a_transient_failure_and_bad_settings_are_said() {
    // A port that was free a moment ago: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0").expect("port").local_addr().expect("address").port();
    let mailer =
        SmtpMailer::new(&format!("smtp://127.0.0.1:{port}"), "ne-pas-repondre@miroir.example").expect("mailer");
    let error = mailer.send(&email("a@example.fr", "d-1")).await.expect_err("nobody listens");
    assert!(!error.is_permanent(), "{error}");
    assert!(matches!(SmtpMailer::new("http://127.0.0.1:25", "a@b.fr"), Err(MailerConfigError::Url)));
    assert!(matches!(SmtpMailer::new("smtp://127.0.0.1:25", "pas une adresse"), Err(MailerConfigError::From)));
}
