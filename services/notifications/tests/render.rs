//! Every e-mail the intake can ask for, rendered in French and in English:
//! a subject line, a plain-text and an HTML body, each with the link to the
//! thing on the site and the one-click unsubscribe link; nothing missing
//! from a catalogue, HTML escaped, and none of the stored parameters that are
//! not meant for the message (another person's name or address) ever shown.
//! Digests likewise: daily and weekly, one line per event of every type with
//! its link, from the JSON the scheduler stores.

use miroir_notifications::digest::Cadence;
use miroir_notifications::render::digest::{ACCOUNT_PAGE, MAX_ITEMS};
use miroir_notifications::render::email::{
    EmailInput, RenderedEmail, StoredEmail, UnsubscribeLink, render, render_stored,
};
use miroir_notifications::render::{Catalogue, EventType, Locale, Params, RenderError, stored_subject_line};

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

/// The stored JSON of a digest of `cadence` with one item per event type
/// (and one of a type no catalogue knows), each titled "Sujet n° {i}", and
/// foreign keys everywhere that must never be read.
fn digest_json(cadence: Cadence, total: usize) -> String {
    let (period, first, last) = match cadence {
        Cadence::Daily => ("2026-12-07", "2026-12-07", "2026-12-07"),
        Cadence::Weekly => ("2026-W49", "2026-11-30", "2026-12-06"),
    };
    let types = EventType::ALL.iter().map(|t| t.as_str()).chain(["report_exploded"]).cycle();
    let items: Vec<serde_json::Value> = types
        .take(total.min(MAX_ITEMS))
        .enumerate()
        .map(|(i, event_type)| {
            serde_json::json!({
                "event_type": event_type,
                "subject": format!("communes/75056/reports/0190c0de-0000-7000-8000-{i:012}"),
                "title": format!("Sujet n° {i}"),
                "occurred_at": "2026-12-01T10:30:00Z",
                "author_name": "Anne Dupont",
                "email": "anne.dupont@example.fr",
                "account_id": "0190c0de-0000-7000-8000-00000000a11e",
                "message": "Texte du commentaire d'Anne Dupont",
            })
        })
        .collect();
    serde_json::json!({
        "period": period, "first_day": first, "last_day": last, "total": total, "items": items,
        "recipient": "anne.dupont@example.fr", "note": "note interne : rappeler Mme Dupont",
    })
    .to_string()
}

fn rendered_digest(cadence: Cadence, locale: Locale, params: &str) -> RenderedEmail {
    let link = unsubscribe(false);
    let stored = StoredEmail {
        event_type: cadence.event_type(),
        subject: "",
        params,
        public_url: PUBLIC_URL,
        unsubscribe: &link,
    };
    render_stored(&Catalogue::new(locale), &stored)
        .unwrap_or_else(|e| panic!("{} in {}: {e}", cadence.event_type(), locale.as_str()))
}

#[test]
fn every_digest_renders_in_both_languages_with_every_event_type() {
    let count = EventType::ALL.len() + 1;
    for cadence in Cadence::ALL {
        let params = digest_json(cadence, count);
        for locale in [Locale::Fr, Locale::En] {
            let what = format!("{} in {}", cadence.event_type(), locale.as_str());
            let email = rendered_digest(cadence, locale, &params);
            assert!(!email.subject.is_empty() && !email.subject.contains('\n'), "{what}: {}", email.subject);
            assert!(email.subject.contains(&count.to_string()), "{what}: {}", email.subject);
            for (part, body) in [("text", &email.text), ("html", &email.html)] {
                for i in 0..count {
                    let link = format!("{PUBLIC_URL}/c/75056/citoyen/signalements/0190c0de-0000-7000-8000-{i:012}");
                    assert!(body.contains(&link), "{what} {part}: no link to item {i}\n{body}");
                    assert!(body.contains(&format!("Sujet n° {i}")), "{what} {part}: no title of item {i}");
                }
                assert!(body.contains(&format!("{PUBLIC_URL}/desabonnement/dG9rZW4")), "{what} {part}: no unsubscribe");
                assert!(body.contains(&format!("{PUBLIC_URL}{ACCOUNT_PAGE}")), "{what} {part}: no preferences");
                let keys = [
                    "digest_", "digest-", "-subject", "-intro", "-why", "-item", "email-", "month-", "untitled", "{",
                    "}",
                ];
                for key in keys.into_iter().chain(EventType::ALL.iter().map(|t| t.as_str())) {
                    assert!(!body.contains(key), "{what} {part}: `{key}` leaked from a catalogue\n{body}");
                }
                assert!(!body.contains('\u{2068}') && !body.contains('\u{2069}'), "{what} {part}: isolation marks");
            }
            assert!(email.html.starts_with("<!DOCTYPE html>"), "{what}");
            assert!(email.html.contains(&format!("<html lang=\"{}\">", locale.as_str())), "{what}");
            assert!(email.text.starts_with(if locale == Locale::Fr { "Bonjour," } else { "Hello," }), "{what}");
            assert_eq!(email.text.lines().filter(|l| l.starts_with("- ")).count(), count, "{what}\n{}", email.text);
        }
    }
}

#[test]
fn a_digest_says_its_day_or_week_and_counts_its_news() {
    let fr = rendered_digest(Cadence::Daily, Locale::Fr, &digest_json(Cadence::Daily, 3));
    assert_eq!(fr.subject, "Votre résumé du 7 décembre 2026 : 3 nouvelles");
    assert!(fr.text.contains("Voici ce qui s'est passé le 7 décembre 2026"), "{}", fr.text);
    let first = format!("- Nouveau signalement à 75056 : Sujet n° 0\n  {PUBLIC_URL}/c/75056/citoyen/signalements/");
    assert!(fr.text.contains(&first), "{}", fr.text);
    assert!(fr.text.contains("- Signalement pris en compte : Sujet n° 1\n"), "{}", fr.text);
    assert!(fr.text.contains("Ne plus recevoir d'e-mails de Miroir : https://miroir.example/desabonnement/"));
    assert!(fr.text.contains("Gérer vos notifications : https://miroir.example/compte/notifications"));
    assert!(fr.text.contains("résumé quotidien"), "{}", fr.text);
    let one = rendered_digest(Cadence::Daily, Locale::Fr, &digest_json(Cadence::Daily, 1));
    assert_eq!(one.subject, "Votre résumé du 7 décembre 2026 : 1 nouvelle");
    let en = rendered_digest(Cadence::Daily, Locale::En, &digest_json(Cadence::Daily, 3));
    assert_eq!(en.subject, "Your digest for 7 December 2026: 3 updates");
    let one = rendered_digest(Cadence::Daily, Locale::En, &digest_json(Cadence::Daily, 1));
    assert_eq!(one.subject, "Your digest for 7 December 2026: 1 update");

    let week = rendered_digest(Cadence::Weekly, Locale::Fr, &digest_json(Cadence::Weekly, 2));
    assert_eq!(week.subject, "Votre résumé de la semaine du 30 novembre 2026 : 2 nouvelles");
    assert!(week.text.contains("du 30 novembre 2026 au 6 décembre 2026"), "{}", week.text);
    assert!(week.text.contains("- 1 décembre 2026 — Nouveau signalement à 75056 : Sujet n° 0"), "{}", week.text);
    assert!(week.text.contains("résumé hebdomadaire"), "{}", week.text);
    let week = rendered_digest(Cadence::Weekly, Locale::En, &digest_json(Cadence::Weekly, 2));
    assert_eq!(week.subject, "Your digest for the week of 30 November 2026: 2 updates");
    assert!(week.text.contains("from 30 November 2026 to 6 December 2026"), "{}", week.text);

    // A type no catalogue knows still has its line.
    let unknown = rendered_digest(Cadence::Daily, Locale::Fr, &digest_json(Cadence::Daily, EventType::ALL.len() + 1));
    assert!(unknown.text.contains(&format!("- Du nouveau : Sujet n° {}", EventType::ALL.len())), "{}", unknown.text);

    // Past the items listed, the count of the others.
    let many = rendered_digest(Cadence::Daily, Locale::Fr, &digest_json(Cadence::Daily, MAX_ITEMS + 10));
    assert!(many.subject.ends_with(&format!(": {} nouvelles", MAX_ITEMS + 10)), "{}", many.subject);
    assert!(many.text.contains("… et 10 autres nouvelles, à retrouver sur Miroir."), "{}", many.text);
    let many = rendered_digest(Cadence::Daily, Locale::En, &digest_json(Cadence::Daily, MAX_ITEMS + 1));
    assert!(many.text.contains("… and one more update on Miroir."), "{}", many.text);

    // The account's list of its e-mails shows the same subject line.
    let line = stored_subject_line(&Catalogue::new(Locale::Fr), "digest_daily", "", &digest_json(Cadence::Daily, 3));
    assert_eq!(line, Ok("Votre résumé du 7 décembre 2026 : 3 nouvelles".to_owned()));
}

#[test]
fn a_digest_never_leaks_foreign_parameters_and_escapes_its_titles() {
    let foreign = ["anne.dupont@example.fr", "Anne Dupont", "Dupont", "00000000a11e", "Texte du commentaire", "note"];
    for cadence in Cadence::ALL {
        for locale in [Locale::Fr, Locale::En] {
            let email = rendered_digest(cadence, locale, &digest_json(cadence, EventType::ALL.len() + 1));
            for part in [&email.subject, &email.text, &email.html] {
                for leaked in foreign {
                    assert!(
                        !part.contains(leaked),
                        "{} {}: `{leaked}` leaked\n{part}",
                        cadence.event_type(),
                        locale.as_str()
                    );
                }
            }
        }
    }
    let params = serde_json::json!({
        "period": "2026-12-07", "first_day": "2026-12-07", "last_day": "2026-12-07", "total": 1,
        "items": [{"event_type": "report_resolved", "subject": "communes/75056/reports/x\"><script>",
                   "title": "<script>alert('x')</script>\r\n- Bcc: victim@example.fr", "occurred_at": "2026-12-07T10:00:00Z"}],
    })
    .to_string();
    let email = rendered_digest(Cadence::Daily, Locale::Fr, &params);
    assert!(!email.html.contains("<script>"), "{}", email.html);
    assert!(email.html.contains("&#60;script&#62;alert(&#39;x&#39;)"), "{}", email.html);
    assert!(
        email.text.contains("- Signalement résolu : <script>alert('x')</script> - Bcc: victim@example.fr\n"),
        "{}",
        email.text
    );
    assert!(!email.text.lines().any(|line| line.starts_with("- Bcc:")), "{}", email.text);
    // A subject that is not a plain resource name links to the commune, not into the page's markup.
    assert!(email.text.contains(&format!("  {PUBLIC_URL}/c/75056/\n")), "{}", email.text);
}

#[test]
fn a_digest_that_is_not_one_is_not_sent() {
    for params in ["", "[]", "{}", r#"{"items": 3}"#] {
        let link = unsubscribe(false);
        let stored = StoredEmail {
            event_type: "digest_weekly",
            subject: "",
            params,
            public_url: PUBLIC_URL,
            unsubscribe: &link,
        };
        assert_eq!(render_stored(&Catalogue::new(Locale::Fr), &stored), Err(RenderError::Params), "{params}");
    }
}
