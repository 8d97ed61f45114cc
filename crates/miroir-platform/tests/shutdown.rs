//! The stop signals cancel the token. This file is its own test binary, hence
//! its own process: the signals sent here reach no other test.

#![cfg(unix)]

use std::time::Duration;

use tokio_util::sync::CancellationToken;

fn send_signal(name: &str) {
    let status = std::process::Command::new("kill")
        .args([&format!("-{name}"), &std::process::id().to_string()])
        .status()
        .expect("run kill");
    assert!(status.success(), "kill -{name} failed");
}

async fn assert_cancelled(token: &CancellationToken, signal: &str) {
    tokio::time::timeout(Duration::from_secs(5), token.cancelled())
        .await
        .unwrap_or_else(|_| panic!("token not cancelled after {signal}"));
}

// One test for both signals: tests of one binary run in parallel, and a
// signal sent by one would cancel the other's token too.
#[tokio::test]
async fn sigint_and_sigterm_cancel_the_token() {
    let token = miroir_platform::shutdown::on_signals();
    assert!(!token.is_cancelled());
    send_signal("INT");
    assert_cancelled(&token, "SIGINT").await;

    let token = miroir_platform::shutdown::on_signals();
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(!token.is_cancelled(), "a new token is not cancelled by an earlier signal");
    send_signal("TERM");
    assert_cancelled(&token, "SIGTERM").await;
}
