//! Every e-mail the intake can ask for, rendered in French and in English:
//! a subject line, a plain-text and an HTML body, each with the link to the
//! thing on the site and the one-click unsubscribe link; nothing missing
//! from a catalogue, HTML escaped, and none of the stored parameters that are
//! not meant for the message (another person's name or address) ever shown.

use miroir_notifications::render::email::{EmailInput, RenderedEmail, UnsubscribeLink, render};
use miroir_notifications::render::{Catalogue, EventType, Locale, Params, RenderError};

const PUBLIC_URL: &str = "https://miroir.example";
const ID: &str = "0190c0de-0000-7000-8000-000000000042";

/// The subject an event of this type is about.
fn subject_of(event: EventType) -> String {
    let name = event.as_str();
    let collection = if name.starts_with("report_") || name == "comment_posted" || name.starts_with("content_") {
        "reports"
    } else if name.starts_with("question_") {
        "questions"
    } else if name.starts_with("proposal_") {
        "proposals"
    } else {
        "publications"
    };
    format!("communes/75056/{collection}/{ID}")
}

fn page_of(subject: &str) -> String {
    let path = match subject.split('/').nth(2) {
        Some("reports") => "citoyen/signalements",
        Some("questions") => "citoyen/questions",
        Some("proposals") => "citoyen/propositions",
        _ => "publications",
    };
    format!("{PUBLIC_URL}/c/75056/{path}/{ID}")
}

fn unsubscribe(follow: bool) -> UnsubscribeLink {
    UnsubscribeLink { url: format!("{PUBLIC_URL}/desabonnement/dG9rZW4"), follow }
}

fn rendered(event: EventType, locale: Locale, params: &Params, follow: bool) -> RenderedEmail {
    let subject = subject_of(event);
    let link = unsubscribe(follow);
    let input = EmailInput {
        event_type: event.as_str(),
        subject: &subject,
        params,
        public_url: PUBLIC_URL,
        unsubscribe: &link,
    };
    render(&Catalogue::new(locale), &input).unwrap_or_else(|e| panic!("{} in {}: {e}", event.as_str(), locale.as_str()))
}

/// Everything a message can show, and more: keys no template reads.
fn full_params() -> Params {
    Params::from_json(
        r#"{
            "title": "Lampadaire éteint rue des Lilas",
            "status": "resolved",
            "message": "Le lampadaire a été remplacé.\nMerci de votre signalement.",
            "reason": "Le problème relève du département.",
            "summary": "Le calendrier des travaux a changé.",
            "commune": "75056",
            "commune_name": "Paris",
            "answer_due": "2026-03-15",
            "email": "anne.dupont@example.fr",
            "author_name": "Anne Dupont",
            "author": "0190c0de-0000-7000-8000-00000000a11e",
            "account_id": "0190c0de-0000-7000-8000-00000000a11e",
            "body": "Texte du commentaire d'Anne Dupont",
            "internal_note": "note interne : rappeler Mme Dupont"
        }"#,
    )
    .expect("params")
}

#[test]
fn every_event_type_renders_in_both_languages() {
    let params = full_params();
    for event in EventType::ALL {
        for locale in [Locale::Fr, Locale::En] {
            for follow in [true, false] {
                let what = format!("{} in {} (follow: {follow})", event.as_str(), locale.as_str());
                let email = rendered(*event, locale, &params, follow);
                assert!(!email.subject.is_empty() && !email.subject.contains('\n'), "{what}: {}", email.subject);
                assert!(email.subject.contains("Lampadaire éteint rue des Lilas"), "{what}: {}", email.subject);
                let page = page_of(&subject_of(*event));
                for (part, body) in [("text", &email.text), ("html", &email.html)] {
                    assert!(body.contains(&page), "{what} {part}: no link to {page}\n{body}");
                    assert!(
                        body.contains(&format!("{PUBLIC_URL}/desabonnement/dG9rZW4")),
                        "{what} {part}: no unsubscribe"
                    );
                    assert!(body.contains("Lampadaire éteint rue des Lilas"), "{what} {part}: no title");
                    assert!(body.contains("Paris"), "{what} {part}: no commune");
                    // A message key shown instead of its text would look like `report_resolved-intro`.
                    let keys = [event.as_str(), "-subject", "-intro", "-note", "email-", "label-", "line-status"];
                    for key in keys.into_iter().chain(["line-answer", "status-", "month-", "untitled", "{", "}"]) {
                        assert!(!body.contains(key), "{what} {part}: `{key}` leaked from a catalogue\n{body}");
                    }
                    assert!(!body.contains('\u{2068}') && !body.contains('\u{2069}'), "{what} {part}: isolation marks");
                }
                assert!(email.html.starts_with("<!DOCTYPE html>"), "{what}");
                assert!(email.html.contains(&format!("<html lang=\"{}\">", locale.as_str())), "{what}");
                assert!(email.text.starts_with(if locale == Locale::Fr { "Bonjour," } else { "Hello," }), "{what}");
                // The public texts of the commune, under their labels.
                for shown in ["Le lampadaire a été remplacé.", "Le problème relève du département.", "Le calendrier"]
                {
                    assert!(email.text.contains(shown) && email.html.contains(shown), "{what}: {shown}");
                }
            }
        }
    }
}

#[test]
fn the_languages_differ_and_french_is_french() {
    let params = full_params();
    let fr = rendered(EventType::ReportResolved, Locale::Fr, &params, true);
    let en = rendered(EventType::ReportResolved, Locale::En, &params, true);
    assert_eq!(fr.subject, "Signalement résolu : Lampadaire éteint rue des Lilas");
    assert_eq!(en.subject, "Report resolved: Lampadaire éteint rue des Lilas");
    assert!(fr.text.contains("État du signalement : résolu."), "{}", fr.text);
    assert!(en.text.contains("Status of the report: resolved."), "{}", en.text);
    assert!(fr.text.contains(&format!("Voir le signalement : {}", page_of(&subject_of(EventType::ReportResolved)))));
    assert!(fr.text.contains("Ne plus suivre ce sujet : https://miroir.example/desabonnement/dG9rZW4"));
    let all = rendered(EventType::ReportResolved, Locale::Fr, &params, false);
    assert!(all.text.contains("Ne plus recevoir d'e-mails de Miroir : https://"), "{}", all.text);
    let due = rendered(EventType::ProposalThresholdReached, Locale::Fr, &params, true);
    assert!(due.text.contains("avant le 15 mars 2026"), "{}", due.text);
    let due = rendered(EventType::ProposalThresholdReached, Locale::En, &params, true);
    assert!(due.text.contains("by 15 March 2026"), "{}", due.text);
}

#[test]
fn html_is_escaped_and_lines_stay_lines() {
    let params = Params::from_json(
        r#"{"title": "<script>alert('x')</script>\r\nBcc: victim@example.fr", "message": "<b>gras</b> & \"cité\"",
            "commune_name": "Saint-Denis <img src=x onerror=alert(1)>"}"#,
    )
    .expect("params");
    for event in EventType::ALL {
        for locale in [Locale::Fr, Locale::En] {
            let email = rendered(*event, locale, &params, true);
            assert!(!email.html.contains("<script>") && !email.html.contains("<b>"), "{}", email.html);
            assert!(!email.html.contains("<img"), "{}", email.html);
            assert!(email.html.contains("&#60;script&#62;alert(&#39;x&#39;)"), "{}", email.html);
            assert!(!email.subject.contains('\n') && !email.subject.contains('\r'), "{:?}", email.subject);
            assert!(email.subject.contains("Bcc: victim"), "kept as text, on the one line: {:?}", email.subject);
            // The plain-text part is text: shown as written, and the title on its line.
            assert!(email.text.contains("<script>alert('x')</script> Bcc: victim@example.fr"), "{}", email.text);
            assert!(!email.text.lines().any(|line| line.starts_with("Bcc:")), "{}", email.text);
        }
    }
}

#[test]
fn foreign_parameters_never_leak() {
    let params = full_params();
    let foreign = [
        "anne.dupont@example.fr",
        "Anne Dupont",
        "Dupont",
        "00000000a11e",
        "Texte du commentaire",
        "note interne",
        "author",
        "account",
    ];
    for event in EventType::ALL {
        for locale in [Locale::Fr, Locale::En] {
            for follow in [true, false] {
                let email = rendered(*event, locale, &params, follow);
                for part in [&email.subject, &email.text, &email.html] {
                    for leaked in foreign {
                        assert!(
                            !part.contains(leaked),
                            "{} {}: `{leaked}` leaked\n{part}",
                            event.as_str(),
                            locale.as_str()
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn missing_parameters_still_make_a_message_and_unknown_types_none() {
    let empty = Params::default();
    for event in EventType::ALL {
        let email = rendered(*event, Locale::Fr, &empty, false);
        assert!(email.subject.contains("(sans titre)"), "{}", email.subject);
        assert!(email.text.contains("75056"), "the commune's code when its name is not known: {}", email.text);
        assert!(!email.text.contains("État du signalement"), "no status line without a status");
    }
    let unknown_status = Params::from_json(r#"{"title":"T","status":"weird_code"}"#).expect("params");
    let email = rendered(EventType::ReportReopened, Locale::En, &unknown_status, true);
    assert!(!email.text.contains("weird_code") && !email.text.contains("Status of"), "{}", email.text);

    let link = unsubscribe(false);
    let input = EmailInput {
        event_type: "report_exploded",
        subject: "communes/75056/reports/x",
        params: &empty,
        public_url: PUBLIC_URL,
        unsubscribe: &link,
    };
    assert_eq!(
        render(&Catalogue::new(Locale::Fr), &input),
        Err(RenderError::UnknownEventType("report_exploded".into()))
    );
    // A subject of an unknown shape links to the commune, or to the site.
    let input = EmailInput { event_type: "comment_posted", subject: "communes/75056/weird/x", ..input };
    let email = render(&Catalogue::new(Locale::Fr), &input).expect("rendered");
    assert!(email.text.contains("Voir sur Miroir : https://miroir.example/c/75056/"), "{}", email.text);
}
