//! Reports in the citizen space: the list with its filters and map, the form
//! (no JavaScript needed; the map only helps), the e-mail check of an
//! anonymous report, a report's page with its photos, public timeline and
//! supports, and the staff's tools on that page (workflow, assignment,
//! internal notes, merging).

use crate::rest::submission::{MAX_PHOTO_BYTES, MAX_PHOTOS};
use std::collections::HashMap;

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, RawQuery, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use miroir_proto::identity::v1 as id;
use miroir_proto::reports::v1 as rp;
use serde::Serialize;
use tonic::Code;

use super::{ReportFilters, categories, commune, plain_segment};
use crate::rest::extract::{ClientAddress, Forwarded};
use crate::site::forms::{FormData, FormErrors, Upload, error_page};
use crate::site::i18n::Tr;
use crate::site::page::{self, Frame, redirect, render};
use crate::site::session::Visitor;
use crate::site::{CommuneView, Field, ReportView, form_request_id, last_segment, posted, posted_with_files};
use crate::{AppState, GatewayError, upstream};

fn report_name(insee: &str, report_id: &str) -> String {
    format!("communes/{insee}/reports/{report_id}")
}

fn report_href(insee: &str, report_id: &str) -> String {
    format!("/c/{insee}/citoyen/signalements/{report_id}")
}

fn not_found(visitor: Visitor) -> Response {
    page::message(visitor, StatusCode::NOT_FOUND, "error-title", "error-not-found")
}

fn is_staff(visitor: &Visitor, insee: &str) -> bool {
    visitor.user.as_ref().is_some_and(|u| u.holds(insee, &["agent", "commune_admin"]))
}

// ---------------------------------------------------------------- the map

/// One marker of a map, as `static/reports-map.js` reads it (JSON in a `data-` attribute).
#[derive(Debug, Serialize)]
struct MapPoint {
    title: String,
    lat: f64,
    lng: f64,
    href: String,
    status: String,
}

/// What the map script needs, written into `data-` attributes (askama escapes them; the browser unescapes).
pub struct MapData {
    pub points: String,
    pub icon: String,
    pub icon_2x: String,
    pub shadow: String,
}

impl MapData {
    fn new(points: &[MapPoint]) -> Self {
        use crate::site::assets::href;
        MapData {
            points: serde_json::to_string(points).unwrap_or_else(|_| "[]".to_owned()),
            icon: href("leaflet-marker-icon"),
            icon_2x: href("leaflet-marker-icon-2x"),
            shadow: href("leaflet-marker-shadow"),
        }
    }
}

fn map_points(insee: &str, reports: &[ReportView]) -> Vec<MapPoint> {
    reports
        .iter()
        .filter(|r| r.latitude != 0.0 || r.longitude != 0.0)
        .map(|r| MapPoint {
            title: r.title.clone(),
            lat: r.latitude,
            lng: r.longitude,
            href: report_href(insee, &r.report_id),
            status: r.status.clone(),
        })
        .collect()
}

// ---------------------------------------------------------------- the list

#[derive(Template)]
#[template(path = "reports_list.html")]
struct List {
    frame: Frame,
    commune: CommuneView,
    reports: Vec<ReportView>,
    next_href: Option<String>,
    first_href: Option<String>,
    everywhere_href: String,
    filters: ReportFilters,
    status_options: Vec<(&'static str, String, bool)>,
    /// (code, name, selected)
    category_options: Vec<(String, String, bool)>,
    errors: FormErrors,
    map: MapData,
}

pub async fn list(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(insee): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    if !plain_segment(&insee) {
        return not_found(visitor);
    }
    let query = FormData::parse(query.unwrap_or_default().as_bytes());
    let filters = ReportFilters::read(&query, "");
    let token = query.get("page").to_owned();
    let mut errors = FormErrors::default();
    let message = filters.request(&visitor.tr, &insee, None, 20, &token, &mut errors);
    let mut reports = state.reports.clone();
    let listed = upstream::call(reports.list_reports(upstream::request(message, &visitor.forwarded())));
    let (commune, page, categories) =
        match tokio::try_join!(commune(&state, &insee), listed, categories(&state, &visitor, &insee, true)) {
            Ok(found) => found,
            Err(error) => return error_page(visitor, &error),
        };
    let base = format!("/c/{}/citoyen/signalements/", commune.insee);
    let next_href = (!page.next_page_token.is_empty()).then(|| {
        let page: String = form_urlencoded::byte_serialize(page.next_page_token.as_bytes()).collect();
        format!("{base}?{}&page={page}", filters.query(true))
    });
    let first_href = (!token.is_empty()).then(|| format!("{base}?{}", filters.query(true)));
    let everywhere_href = format!("{base}?{}", filters.query(false));
    let reports: Vec<ReportView> =
        page.reports.into_iter().map(|r| ReportView::with_categories(&visitor.tr, r, &categories)).collect();
    let map = MapData::new(&map_points(&commune.insee, &reports));
    let category_options =
        categories.iter().map(|c| (c.code.clone(), c.name.clone(), c.code == filters.category)).collect();
    let mut frame = Frame::new(&visitor, format!("{} — {}", visitor.tr.t("reports-title"), commune.display_name));
    frame.with_map();
    let status_options = filters.status_options(&visitor.tr);
    let page = List {
        frame,
        commune,
        reports,
        next_href,
        first_href,
        everywhere_href,
        filters,
        status_options,
        category_options,
        errors,
        map,
    };
    render(visitor, StatusCode::OK, &page)
}

// ---------------------------------------------------------------- the form

/// One extra question of a category, as a form field named `attr_{code}`.
#[derive(Debug, Clone)]
pub struct QuestionField {
    /// `attr_{code}`: the name the answer is posted under.
    pub name: String,
    /// Unique on the page (two categories may ask a question with the same code).
    pub id: String,
    pub label: String,
    /// "text", "textarea", "number", "date", "select" or "checkboxes".
    pub kind: &'static str,
    pub required: bool,
    pub value: String,
    /// (key, label, chosen)
    pub options: Vec<(String, String, bool)>,
}

impl QuestionField {
    pub fn described_by(&self, errors: &FormErrors) -> String {
        if errors.has(&self.name) { format!("{}-error", self.name) } else { String::new() }
    }
}

/// A category of the form's `<select>`, with its questions.
#[derive(Debug, Clone)]
pub struct CategoryChoice {
    pub code: String,
    pub name: String,
    pub description: String,
    pub questions: Vec<QuestionField>,
}

fn question_kind(datatype: rp::AttributeType) -> &'static str {
    match datatype {
        rp::AttributeType::Text => "textarea",
        rp::AttributeType::Number => "number",
        rp::AttributeType::Datetime => "date",
        rp::AttributeType::SingleValueList => "select",
        rp::AttributeType::MultiValueList => "checkboxes",
        _ => "text",
    }
}

/// The answers given to `category`'s questions: `attr_{code}` values, the
/// non-empty ones (a question of another category may share the code).
fn answers(form: &FormData, category: &rp::Category) -> Vec<rp::AttributeAnswer> {
    category
        .attributes
        .iter()
        .filter_map(|a| {
            let values: Vec<String> = form
                .all(&format!("attr_{}", a.code))
                .into_iter()
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
                .collect();
            let values = match a.datatype() {
                rp::AttributeType::MultiValueList => values,
                // A French keyboard writes decimals with a comma.
                rp::AttributeType::Number => values.into_iter().take(1).map(|v| v.replace(',', ".")).collect(),
                _ => values.into_iter().take(1).collect(),
            };
            (!values.is_empty()).then(|| rp::AttributeAnswer { code: a.code.clone(), values })
        })
        .collect()
}

/// A report on the form's "is it one of these?" list.
#[derive(Debug, Clone)]
pub struct Duplicate {
    pub report: ReportView,
    pub distance: String,
}

#[derive(Template)]
#[template(path = "report_form.html")]
struct Form {
    frame: Frame,
    commune: CommuneView,
    errors: FormErrors,
    categories: Vec<CategoryChoice>,
    category: String,
    text_fields: Vec<Field>,
    location_fields: Vec<Field>,
    email_field: Option<Field>,
    duplicates: Vec<Duplicate>,
    /// The duplicates were shown: the next post files the report whatever.
    confirmed: bool,
    /// Photos were sent with the post that showed the duplicates, and not kept.
    photos_dropped: bool,
    signed_in: bool,
    map: MapData,
    center: String,
}

/// What the form shows besides the values typed.
#[derive(Default)]
struct FormState {
    errors: FormErrors,
    duplicates: Vec<Duplicate>,
    confirmed: bool,
    photos_dropped: bool,
}

fn form_page(
    visitor: Visitor,
    status: StatusCode,
    commune: CommuneView,
    categories: &[rp::Category],
    form: &FormData,
    state: FormState,
    center: Option<(f64, f64)>,
) -> Response {
    let tr = &visitor.tr;
    let v = |name: &str| form.get(name).to_owned();
    let text_fields = vec![
        Field::new(tr, "title", "field-title", "text").hint(tr, "field-title-hint").value(&v("title")),
        Field::new(tr, "description", "field-description", "textarea").value(&v("description")).optional(),
    ];
    let location_fields = vec![
        Field::new(tr, "latitude", "field-latitude", "number").value(&v("latitude")),
        Field::new(tr, "longitude", "field-longitude", "number").value(&v("longitude")),
        Field::new(tr, "address", "field-address", "text")
            .value(&v("address"))
            .autocomplete("street-address")
            .optional(),
    ];
    let email_field = visitor.user.is_none().then(|| {
        Field::new(tr, "email", "field-reporter-email", "email")
            .hint(tr, "field-reporter-email-hint")
            .value(&v("email"))
            .autocomplete("email")
    });
    let chosen = v("category");
    // Every category's questions are on the page (the script shows the chosen one's); the answers typed and
    // the errors are those of the chosen category.
    let choices = categories
        .iter()
        .filter(|c| c.active)
        .map(|c| {
            let mine = c.code == chosen;
            let questions = c
                .attributes
                .iter()
                .map(|a| {
                    let name = format!("attr_{}", a.code);
                    let given = if mine { form.all(&name) } else { Vec::new() };
                    QuestionField {
                        id: format!("attr-{}-{}", c.code, a.code),
                        label: a.description.clone(),
                        kind: question_kind(a.datatype()),
                        required: a.required,
                        value: given.first().cloned().unwrap_or_default(),
                        options: a
                            .values
                            .iter()
                            .map(|x| (x.key.clone(), x.name.clone(), given.contains(&x.key)))
                            .collect(),
                        name,
                    }
                })
                .collect();
            CategoryChoice { code: c.code.clone(), name: c.name.clone(), description: c.description.clone(), questions }
        })
        .collect();
    let map = MapData::new(&[]);
    let center = center.map(|(lat, lng)| format!("{lat},{lng}")).unwrap_or_default();
    let frame_title = tr.t("report-form-title");
    let mut frame = Frame::new(&visitor, frame_title);
    frame.with_map();
    let page = Form {
        frame,
        commune,
        errors: state.errors,
        categories: choices,
        category: chosen,
        text_fields,
        location_fields,
        email_field,
        duplicates: state.duplicates,
        confirmed: state.confirmed,
        photos_dropped: state.photos_dropped,
        signed_in: visitor.user.is_some(),
        map,
        center,
    };
    render(visitor, status, &page)
}

/// Where the form's map starts: the middle of the commune's latest reports (communes carry no coordinates yet).
async fn map_center(state: &AppState, visitor: &Visitor, insee: &str) -> Option<(f64, f64)> {
    let page = super::reports_page(state, visitor, insee, 20, "").await.ok()?;
    let points: Vec<(f64, f64)> = page
        .reports
        .iter()
        .filter_map(|r| r.location.as_ref())
        .map(|l| (l.latitude, l.longitude))
        .filter(|(lat, lng)| *lat != 0.0 || *lng != 0.0)
        .collect();
    let n = points.len() as f64;
    (!points.is_empty())
        .then(|| (points.iter().map(|p| p.0).sum::<f64>() / n, points.iter().map(|p| p.1).sum::<f64>() / n))
}

pub async fn new_form(State(state): State<AppState>, visitor: Visitor, Path(insee): Path<String>) -> Response {
    if !plain_segment(&insee) {
        return not_found(visitor);
    }
    let loaded = tokio::try_join!(commune(&state, &insee), categories(&state, &visitor, &insee, false));
    let center = map_center(&state, &visitor, &insee).await;
    match loaded {
        Ok((commune, categories)) => {
            form_page(visitor, StatusCode::OK, commune, &categories, &FormData::default(), FormState::default(), center)
        }
        Err(error) => error_page(visitor, &error),
    }
}

fn coordinate(tr: &Tr, errors: &mut FormErrors, name: &'static str, raw: &str) -> f64 {
    match raw.trim().replace(',', ".").parse::<f64>() {
        Ok(value) if value.is_finite() => value,
        _ => {
            errors.add(name, tr.t(&format!("invalid-{name}")));
            f64::NAN
        }
    }
}

/// The service's photo limits, checked before the photos are sent on for a clear error; whether a file is a
/// JPEG, PNG or WebP is the service's to say (its refusal names `photos[i]`, shown beside the photos field).
fn check_photos(tr: &Tr, errors: &mut FormErrors, photos: &[Upload]) {
    if photos.len() > MAX_PHOTOS {
        errors.add("photos", tr.t("invalid-photos-count"));
    } else if photos.iter().any(|p| p.data.len() > MAX_PHOTO_BYTES) {
        errors.add("photos", tr.t("invalid-photos-size"));
    }
}

/// The chosen category's required questions left empty, and numbers that are not numbers.
fn check_answers(tr: &Tr, errors: &mut FormErrors, category: &rp::Category, given: &[rp::AttributeAnswer]) {
    for question in &category.attributes {
        let answer = given.iter().find(|a| a.code == question.code);
        let name = format!("attr_{}", question.code);
        match answer {
            None if question.required => errors.add(&name, tr.t1("invalid-attribute-required", &question.description)),
            Some(a)
                if question.datatype() == rp::AttributeType::Number
                    && a.values.iter().any(|v| v.replace(',', ".").parse::<f64>().is_err()) =>
            {
                errors.add(&name, tr.t1("invalid-attribute-number", &question.description));
            }
            _ => {}
        }
    }
}

/// The service's field names on the form: `location.latitude` → `latitude`,
/// `attributes[…]`/`attributes.code` → `attr_code`, `photos[…]` → `photos`.
fn form_field(category: Option<&rp::Category>, answers: &[rp::AttributeAnswer], field: &str) -> String {
    if let Some(rest) = field.strip_prefix("location.") {
        return rest.to_owned();
    }
    if field == "reporter_email" {
        return "email".to_owned();
    }
    if field.starts_with("photos") {
        return "photos".to_owned();
    }
    if let Some(rest) = field.strip_prefix("attributes") {
        let inside = rest.trim_start_matches('.').trim_start_matches('[');
        let head = inside.split([']', '.']).next().unwrap_or_default();
        let code = match head.parse::<usize>() {
            Ok(index) => answers.get(index).map(|a| a.code.clone()),
            Err(_) => category.and_then(|c| c.attributes.iter().find(|a| a.code == head)).map(|a| a.code.clone()),
        };
        return code.map_or_else(|| "category".to_owned(), |code| format!("attr_{code}"));
    }
    field.to_owned()
}

fn service_errors(
    tr: &Tr,
    status: &tonic::Status,
    category: Option<&rp::Category>,
    answers: &[rp::AttributeAnswer],
) -> FormErrors {
    use tonic_types::StatusExt;
    let mut errors = FormErrors::default();
    if let Some(bad) = status.get_details_bad_request() {
        for violation in bad.field_violations {
            // The service names a question by its code, between backquotes: "`depth` must be a number".
            let quoted = violation.description.split('`').nth(1).unwrap_or_default();
            let field = if violation.field == "attributes"
                && category.is_some_and(|c| c.attributes.iter().any(|a| a.code == quoted))
            {
                format!("attr_{quoted}")
            } else {
                form_field(category, answers, &violation.field)
            };
            let message = match category.and_then(|c| c.attributes.iter().find(|a| format!("attr_{}", a.code) == field))
            {
                Some(question) => tr.t1("invalid-attribute", &question.description),
                None => tr.try_t(&format!("invalid-{field}")).unwrap_or(violation.description),
            };
            errors.add(&field, message);
        }
    }
    if errors.is_empty() {
        errors.summary.push(status.message().to_owned());
    }
    errors
}

pub async fn submit(
    State(state): State<AppState>,
    visitor: Visitor,
    address: ClientAddress,
    Path(insee): Path<String>,
    request: Request,
) -> Response {
    let (visitor, form, files) = match posted_with_files(&state, visitor, &address, request).await {
        Ok(ok) => ok,
        Err(refused) => return refused,
    };
    if !plain_segment(&insee) {
        return not_found(visitor);
    }
    let photos: Vec<Upload> = files.into_iter().filter(|(name, _)| name == "photos").map(|(_, file)| file).collect();
    let (commune, categories) =
        match tokio::try_join!(commune(&state, &insee), categories(&state, &visitor, &insee, false)) {
            Ok(found) => found,
            Err(error) => return error_page(visitor, &error),
        };
    let tr = &visitor.tr;
    let mut errors = FormErrors::default();
    let category = categories.iter().find(|c| c.code == form.get("category") && c.active);
    if category.is_none() {
        errors.add("category", tr.t("invalid-category"));
    }
    let given = category.map(|c| answers(&form, c)).unwrap_or_default();
    if let Some(category) = category {
        check_answers(tr, &mut errors, category, &given);
    }
    // The service's own limits, checked here too so that every wrong field is said at once.
    if !(3..=120).contains(&form.get("title").trim().chars().count()) {
        errors.add("title", tr.t("invalid-title"));
    }
    if form.get("description").trim().chars().count() > 5000 {
        errors.add("description", tr.t("invalid-description"));
    }
    if form.get("address").trim().chars().count() > 200 {
        errors.add("address", tr.t("invalid-address"));
    }
    let latitude = coordinate(tr, &mut errors, "latitude", form.get("latitude"));
    let longitude = coordinate(tr, &mut errors, "longitude", form.get("longitude"));
    if visitor.user.is_none() && form.get("email").trim().is_empty() {
        errors.add("email", tr.t("invalid-email-needed"));
    }
    check_photos(tr, &mut errors, &photos);
    if !errors.is_empty() {
        let state = FormState { errors, photos_dropped: !photos.is_empty(), ..Default::default() };
        return form_page(visitor, StatusCode::BAD_REQUEST, commune, &categories, &form, state, None);
    }
    let location = rp::Location { latitude, longitude, address: form.get("address").to_owned() };
    let mut reports = state.reports.clone();

    // "Is it one of these?" — once: a post with `confirmed` files the report whatever.
    if form.get("confirmed") != "1" {
        let message = rp::SuggestDuplicatesRequest {
            parent: format!("communes/{}", commune.insee),
            category: form.get("category").to_owned(),
            location: Some(location.clone()),
        };
        match upstream::call(reports.suggest_duplicates(upstream::request(message, &visitor.forwarded()))).await {
            Ok(found) if !found.reports.is_empty() => {
                let duplicates = found
                    .reports
                    .into_iter()
                    .zip(found.distances_m.iter().copied().chain(std::iter::repeat(f64::NAN)))
                    .map(|(r, metres)| Duplicate {
                        report: ReportView::with_categories(tr, r, &categories),
                        distance: if metres.is_finite() {
                            tr.t1("distance-metres", &tr.number(metres.round(), 0))
                        } else {
                            String::new()
                        },
                    })
                    .collect();
                let state = FormState {
                    duplicates,
                    confirmed: true,
                    photos_dropped: !photos.is_empty(),
                    errors: FormErrors::default(),
                };
                return form_page(visitor, StatusCode::OK, commune, &categories, &form, state, None);
            }
            Ok(_) => {}
            // A suggestion that cannot be made must not stop a report.
            Err(error) => tracing::warn!(%error, "site: no duplicate suggestions"),
        }
    }

    let mut key_parts: Vec<String> = ["category", "title", "description", "latitude", "longitude", "address", "email"]
        .iter()
        .map(|name| form.get(name).to_owned())
        .collect();
    key_parts.extend(photos.iter().map(|p| format!("{}:{}", p.filename, p.data.len())));
    key_parts.extend(given.iter().map(|a| format!("{}={}", a.code, a.values.join(","))));
    let key_refs: Vec<&str> = key_parts.iter().map(String::as_str).collect();
    let message = rp::SubmitReportRequest {
        parent: format!("communes/{}", commune.insee),
        category: form.get("category").to_owned(),
        title: form.get("title").to_owned(),
        description: form.get("description").to_owned(),
        location: Some(location),
        request_id: form_request_id(&visitor.csrf, &key_refs),
        attributes: given.clone(),
        photos: photos
            .iter()
            .map(|p| rp::PhotoUpload { filename: p.filename.clone(), data: p.data.to_vec() })
            .collect(),
        reporter_email: if visitor.user.is_none() { form.get("email").trim().to_owned() } else { String::new() },
    };
    match upstream::call(reports.submit_report(upstream::request(message, &visitor.forwarded()))).await {
        Ok(submitted) => {
            let report = submitted.report.unwrap_or_default();
            if report.verified {
                return redirect(visitor, &report_href(&commune.insee, &report.report_id));
            }
            // An anonymous report: the service e-mails the link (or, embedded, writes it to its log).
            redirect(visitor, &format!("/c/{}/citoyen/signalements/verifier", commune.insee))
        }
        Err(GatewayError::Upstream(status)) if status.code() == Code::InvalidArgument => {
            let errors = service_errors(&visitor.tr, &status, category, &given);
            let state = FormState { errors, photos_dropped: !photos.is_empty(), ..Default::default() };
            form_page(visitor, StatusCode::BAD_REQUEST, commune, &categories, &form, state, None)
        }
        Err(error) => error_page(visitor, &error),
    }
}

// ---------------------------------------------------------------- e-mail check of an anonymous report

#[derive(Template)]
#[template(path = "message.html")]
struct Message {
    frame: Frame,
    message: String,
    link: Option<(String, String)>,
}

/// Without a token: "check your e-mail" (where the form sends an anonymous
/// reporter). With one: the link of that e-mail, which makes the report public.
pub async fn verify(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(insee): Path<String>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let token = params.get("token").map(|t| t.trim().to_owned()).unwrap_or_default();
    let tr = &visitor.tr;
    if token.is_empty() {
        let frame = Frame::new(&visitor, tr.t("check-email-title"));
        let page = Message {
            frame,
            message: tr.t("check-email-text"),
            link: Some((format!("/c/{insee}/citoyen/signalements/"), tr.t("back-to-reports"))),
        };
        return render(visitor, StatusCode::OK, &page);
    }
    let mut reports = state.reports.clone();
    let message = rp::VerifyReportRequest { token };
    match upstream::call(reports.verify_report(upstream::request(message, &visitor.forwarded()))).await {
        Ok(verified) => {
            let report = verified.report.unwrap_or_default();
            let insee = if report.commune.is_empty() { insee } else { report.commune.clone() };
            let frame = Frame::new(&visitor, tr.t("report-verified-title"));
            let page = Message {
                frame,
                message: tr.t("report-verified-text"),
                link: Some((report_href(&insee, &report.report_id), tr.t("see-your-report"))),
            };
            render(visitor, StatusCode::OK, &page)
        }
        Err(GatewayError::Upstream(status))
            if matches!(status.code(), Code::InvalidArgument | Code::NotFound | Code::FailedPrecondition) =>
        {
            page::message(visitor, StatusCode::BAD_REQUEST, "error-title", "link-invalid")
        }
        Err(error) => error_page(visitor, &error),
    }
}

// ---------------------------------------------------------------- a report's page

/// An internal note as staff see it.
#[derive(Debug, Clone)]
pub struct NoteView {
    pub author: String,
    pub text: String,
    pub at: String,
    pub iso: String,
}

#[derive(Template)]
#[template(path = "report_page.html")]
struct Show {
    frame: Frame,
    commune: CommuneView,
    report: ReportView,
    staff: bool,
    signed_in: bool,
    signin_href: String,
    can_acknowledge: bool,
    can_advance: bool,
    can_reopen: bool,
    can_support: bool,
    can_merge: bool,
    next_statuses: Vec<(&'static str, String)>,
    errors: FormErrors,
    /// Which form the errors are about ("acknowledge", "status", "reopen", "support", "assign", "note", "merge").
    error_form: &'static str,
    message_fields: Vec<Field>,
    step_fields: Vec<Field>,
    reopen_fields: Vec<Field>,
    assign_fields: Vec<Field>,
    note_fields: Vec<Field>,
    merge_fields: Vec<Field>,
    notes: Vec<NoteView>,
    notes_unavailable: bool,
    assigned_to: String,
    map: MapData,
    comments: super::comments::CommentsView,
    follow: Option<super::follow::FollowButton>,
}

/// Who an account id is, as staff pages say it (names are identity's; ids are what the reports service knows).
fn who(tr: &Tr, me: Option<&str>, account_id: &str) -> String {
    if Some(account_id) == me { tr.t("you") } else { tr.t1("account-ref", account_id.get(..8).unwrap_or(account_id)) }
}

/// The values typed in a refused staff form, kept in its fields.
#[derive(Default)]
struct Typed {
    values: HashMap<&'static str, String>,
}

impl Typed {
    fn from(form: &FormData, names: &[&'static str]) -> Self {
        Typed { values: names.iter().map(|n| (*n, form.get(n).to_owned())).collect() }
    }

    fn get(&self, name: &str) -> String {
        self.values.get(name).cloned().unwrap_or_default()
    }
}

/// A refused form of a report's page: its errors, which form they are about, what was typed.
#[derive(Default)]
struct Refused {
    errors: FormErrors,
    form: &'static str,
    typed: Typed,
}

async fn show_page(
    state: &AppState,
    visitor: Visitor,
    insee: &str,
    report_id: &str,
    refused: Refused,
    status: StatusCode,
) -> Response {
    let Refused { errors, form: error_form, typed } = refused;
    if !plain_segment(insee) || !plain_segment(report_id) {
        return not_found(visitor);
    }
    let staff = is_staff(&visitor, insee);
    let mut reports = state.reports.clone();
    let get = rp::GetReportRequest { name: report_name(insee, report_id) };
    let found = tokio::try_join!(
        commune(state, insee),
        upstream::call(reports.get_report(upstream::request(get, &visitor.forwarded())))
    );
    let (commune, report) = match found {
        Ok(found) => found,
        Err(error) => return error_page(visitor, &error),
    };
    // Names of the category and its questions: the page still works without them.
    let categories = categories(state, &visitor, insee, true).await.unwrap_or_default();
    let (notes, notes_unavailable) = if staff {
        let mut reports = state.reports.clone();
        let list = rp::ListInternalNotesRequest { name: report_name(insee, report_id) };
        match upstream::call(reports.list_internal_notes(upstream::request(list, &visitor.forwarded()))).await {
            Ok(listed) => (listed.notes, false),
            Err(error) => {
                tracing::warn!(%error, "site: internal notes unavailable");
                (Vec::new(), true)
            }
        }
    } else {
        (Vec::new(), false)
    };
    let mut report = ReportView::with_categories(&visitor.tr, report, &categories);
    if !staff {
        // Defence in depth: the service fills it for staff only; the page shows it to staff only.
        report.reporter_email.clear();
    }
    let tr = &visitor.tr;
    let me = visitor.user.as_ref().map(|u| u.account_id.clone());
    let notes = notes
        .into_iter()
        .map(|n| NoteView {
            author: who(tr, me.as_deref(), &n.author),
            text: n.text,
            at: tr.datetime(n.at_us),
            iso: tr.iso(n.at_us),
        })
        .collect();
    let assigned_to =
        if report.assigned_agent.is_empty() { String::new() } else { who(tr, me.as_deref(), &report.assigned_agent) };
    let open = matches!(report.status_class, "new" | "acknowledged" | "in-progress");
    let message_fields = vec![Field::new(tr, "message", "field-message", "textarea").optional()];
    let step_fields = vec![Field::new(tr, "step_message", "field-step-message", "textarea").optional()];
    let reopen_fields = vec![Field::new(tr, "reopen_message", "field-reopen-message", "textarea").optional()];
    let assign_fields = vec![
        Field::new(tr, "department", "field-assign-department", "text")
            .value(&if error_form == "assign" { typed.get("department") } else { report.department.clone() })
            .optional(),
        Field::new(tr, "agent", "field-assign-agent", "text")
            .hint(tr, "field-assign-agent-hint")
            .value(&typed.get("agent"))
            .optional(),
    ];
    let note_fields = vec![Field::new(tr, "note", "field-note", "textarea").value(&typed.get("note"))];
    let merge_fields = vec![
        Field::new(tr, "into", "field-merge-into", "text").hint(tr, "field-merge-into-hint").value(&typed.get("into")),
        Field::new(tr, "merge_message", "field-merge-message", "textarea")
            .value(&typed.get("merge_message"))
            .optional(),
    ];
    let next_statuses =
        [("in_progress", "status-in-progress"), ("resolved", "status-resolved"), ("rejected", "status-rejected")]
            .into_iter()
            .filter(|(value, _)| !(*value == "in_progress" && report.status_class == "in-progress"))
            .map(|(value, key)| (value, tr.t(key)))
            .collect();
    let map = MapData::new(&map_points(insee, std::slice::from_ref(&report)));
    let (name, href) = (report_name(insee, report_id), report_href(insee, report_id));
    let (comments, follow) = tokio::join!(
        super::comments::thread(state, &visitor, insee, &name, &href),
        super::follow::button(state, &visitor, &name, &href),
    );
    let mut frame = Frame::new(&visitor, report.title.clone());
    frame.with_map();
    let signed_in = visitor.user.is_some();
    let page = Show {
        frame,
        signin_href: format!("/compte/connexion?suite={}", report_href(insee, report_id)),
        commune,
        staff,
        signed_in,
        can_acknowledge: staff && report.status_class == "new",
        can_advance: staff && open,
        // The service checks that the visitor is the reporter; others get a clear refusal.
        can_reopen: !staff && signed_in && report.status_class == "resolved",
        can_support: open && !report.supported_by_caller && !report.reported_by_caller,
        can_merge: staff && open,
        next_statuses,
        report,
        errors,
        error_form,
        message_fields,
        step_fields,
        reopen_fields,
        assign_fields,
        note_fields,
        merge_fields,
        notes,
        notes_unavailable,
        assigned_to,
        map,
        comments,
        follow,
    };
    render(visitor, status, &page)
}

pub async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((insee, report_id)): Path<(String, String)>,
) -> Response {
    show_page(&state, visitor, &insee, &report_id, Refused::default(), StatusCode::OK).await
}

/// A refused form of the report page: its errors beside it, or the error page.
#[allow(clippy::too_many_arguments)]
async fn refused(
    state: &AppState,
    visitor: Visitor,
    insee: &str,
    report_id: &str,
    error: GatewayError,
    error_form: &'static str,
    renames: &[(&str, &str)],
    typed: Typed,
) -> Response {
    match error {
        GatewayError::Upstream(status)
            if matches!(
                status.code(),
                Code::InvalidArgument | Code::FailedPrecondition | Code::PermissionDenied | Code::AlreadyExists
            ) =>
        {
            let mut errors = FormErrors::from_status(&visitor.tr, &status, renames);
            if error_form == "assign" && errors.has("department") {
                // Not the roles form's "department" message.
                errors.replace("department", visitor.tr.t("invalid-assign-department"));
            }
            let code =
                if status.code() == Code::PermissionDenied { StatusCode::FORBIDDEN } else { StatusCode::BAD_REQUEST };
            show_page(state, visitor, insee, report_id, Refused { errors, form: error_form, typed }, code).await
        }
        error => error_page(visitor, &error),
    }
}

pub async fn acknowledge(
    State(state): State<AppState>,
    visitor: Visitor,
    address: ClientAddress,
    Path((insee, report_id)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let (visitor, form) = match posted(&state, visitor, &body, &address) {
        Ok(ok) => ok,
        Err(refused) => return refused,
    };
    let name = report_name(&insee, &report_id);
    let mut reports = state.reports.clone();
    // One address for the report's workflow forms: the staff's answer, the staff's next step, the reporter's reopening.
    let (answer, error_form, field) = if !form.get("status").is_empty() {
        let status = match form.get("status") {
            "in_progress" => rp::ReportStatus::InProgress,
            "resolved" => rp::ReportStatus::Resolved,
            "rejected" => rp::ReportStatus::Rejected,
            _ => rp::ReportStatus::Unspecified,
        };
        let message = rp::UpdateReportStatusRequest {
            name,
            status: status.into(),
            message: form.get("step_message").to_owned(),
            request_id: String::new(),
        };
        let answer =
            upstream::call(reports.update_report_status(upstream::request(message, &visitor.forwarded()))).await;
        (answer.map(drop), "status", "step_message")
    } else if form.get("reopen") == "1" {
        let message =
            rp::ReopenReportRequest { name, message: form.get("reopen_message").to_owned(), request_id: String::new() };
        let answer = upstream::call(reports.reopen_report(upstream::request(message, &visitor.forwarded()))).await;
        (answer.map(drop), "reopen", "reopen_message")
    } else {
        let message =
            rp::AcknowledgeReportRequest { name, message: form.get("message").to_owned(), request_id: String::new() };
        let answer = upstream::call(reports.acknowledge_report(upstream::request(message, &visitor.forwarded()))).await;
        (answer.map(drop), "acknowledge", "message")
    };
    match answer {
        Ok(()) => redirect(visitor, &report_href(&insee, &report_id)),
        Err(error) => {
            refused(&state, visitor, &insee, &report_id, error, error_form, &[("message", field)], Typed::default())
                .await
        }
    }
}

/// "Me too": a signed-in resident supports the report, once.
pub async fn support(
    State(state): State<AppState>,
    visitor: Visitor,
    address: ClientAddress,
    Path((insee, report_id)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let (visitor, _) = match posted(&state, visitor, &body, &address) {
        Ok(ok) => ok,
        Err(refused) => return refused,
    };
    if visitor.user.is_none() {
        return redirect(visitor, &format!("/compte/connexion?suite={}", report_href(&insee, &report_id)));
    }
    let mut reports = state.reports.clone();
    let message = rp::SupportReportRequest {
        name: report_name(&insee, &report_id),
        request_id: form_request_id(&visitor.csrf, &["support", &report_id]),
    };
    match upstream::call(reports.support_report(upstream::request(message, &visitor.forwarded()))).await {
        Ok(_) => redirect(visitor, &format!("{}#supports", report_href(&insee, &report_id))),
        Err(error) => refused(&state, visitor, &insee, &report_id, error, "support", &[], Typed::default()).await,
    }
}

/// Staff route the report to a department, and optionally to one agent
/// (an account id, an e-mail an administrator may look up, or themselves).
pub async fn assign(
    State(state): State<AppState>,
    visitor: Visitor,
    address: ClientAddress,
    Path((insee, report_id)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let (visitor, form) = match posted(&state, visitor, &body, &address) {
        Ok(ok) => ok,
        Err(refused) => return refused,
    };
    let typed = Typed::from(&form, &["department", "agent"]);
    let Some(me) = visitor.user.as_ref().map(|u| u.account_id.clone()) else {
        return redirect(visitor, &format!("/compte/connexion?suite={}", report_href(&insee, &report_id)));
    };
    let raw_agent = form.get("agent").trim().to_owned();
    let agent = if form.get("to_me") == "1" {
        me
    } else if raw_agent.contains('@') {
        let mut identity = state.identity.clone();
        let lookup = id::LookupAccountRequest { commune: insee.clone(), email: raw_agent };
        match upstream::call(identity.lookup_account(upstream::request(lookup, &visitor.forwarded()))).await {
            Ok(account) => account.account_id,
            Err(GatewayError::Upstream(status))
                if matches!(status.code(), Code::NotFound | Code::PermissionDenied | Code::InvalidArgument) =>
            {
                let key = match status.code() {
                    Code::PermissionDenied => "assign-lookup-admin-only",
                    Code::InvalidArgument => "invalid-email",
                    _ => "account-not-found",
                };
                let mut errors = FormErrors::default();
                errors.add("agent", visitor.tr.t(key));
                let refused = Refused { errors, form: "assign", typed };
                return show_page(&state, visitor, &insee, &report_id, refused, StatusCode::BAD_REQUEST).await;
            }
            Err(error) => return error_page(visitor, &error),
        }
    } else {
        raw_agent
    };
    let mut reports = state.reports.clone();
    let department = form.get("department").trim().to_owned();
    let message = rp::AssignReportRequest {
        name: report_name(&insee, &report_id),
        request_id: form_request_id(&visitor.csrf, &["assign", &report_id, &department, &agent]),
        department,
        agent,
    };
    match upstream::call(reports.assign_report(upstream::request(message, &visitor.forwarded()))).await {
        Ok(_) => redirect(visitor, &format!("{}#assign-heading", report_href(&insee, &report_id))),
        Err(error) => refused(&state, visitor, &insee, &report_id, error, "assign", &[], typed).await,
    }
}

/// Staff add a note only staff read.
pub async fn add_note(
    State(state): State<AppState>,
    visitor: Visitor,
    address: ClientAddress,
    Path((insee, report_id)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let (visitor, form) = match posted(&state, visitor, &body, &address) {
        Ok(ok) => ok,
        Err(refused) => return refused,
    };
    let typed = Typed::from(&form, &["note"]);
    let text = form.get("note").trim().to_owned();
    if text.is_empty() {
        let mut errors = FormErrors::default();
        errors.add("note", visitor.tr.t("invalid-note"));
        let refused = Refused { errors, form: "note", typed };
        return show_page(&state, visitor, &insee, &report_id, refused, StatusCode::BAD_REQUEST).await;
    }
    let mut reports = state.reports.clone();
    let message = rp::AddInternalNoteRequest {
        name: report_name(&insee, &report_id),
        request_id: form_request_id(&visitor.csrf, &["note", &report_id, &text]),
        text,
    };
    match upstream::call(reports.add_internal_note(upstream::request(message, &visitor.forwarded()))).await {
        Ok(_) => redirect(visitor, &format!("{}#notes-heading", report_href(&insee, &report_id))),
        Err(error) => refused(&state, visitor, &insee, &report_id, error, "note", &[("text", "note")], typed).await,
    }
}

/// The report id in what staff typed: an id, or a report's address pasted from the browser.
fn typed_report_id(raw: &str) -> &str {
    let path = raw.trim().split(['?', '#']).next().unwrap_or_default().trim_end_matches('/');
    last_segment(path)
}

/// Staff close this report as a duplicate of the one they keep.
pub async fn merge(
    State(state): State<AppState>,
    visitor: Visitor,
    address: ClientAddress,
    Path((insee, report_id)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let (visitor, form) = match posted(&state, visitor, &body, &address) {
        Ok(ok) => ok,
        Err(refused) => return refused,
    };
    let typed = Typed::from(&form, &["into", "merge_message"]);
    let into = typed_report_id(form.get("into")).to_owned();
    if !plain_segment(&into) || into == report_id {
        let mut errors = FormErrors::default();
        errors.add("into", visitor.tr.t("invalid-into"));
        let refused = Refused { errors, form: "merge", typed };
        return show_page(&state, visitor, &insee, &report_id, refused, StatusCode::BAD_REQUEST).await;
    }
    let mut reports = state.reports.clone();
    let message = rp::MergeReportRequest {
        name: report_name(&insee, &report_id),
        into: report_name(&insee, &into),
        message: form.get("merge_message").to_owned(),
        request_id: form_request_id(&visitor.csrf, &["merge", &report_id, &into]),
    };
    match upstream::call(reports.merge_report(upstream::request(message, &visitor.forwarded()))).await {
        Ok(_) => redirect(visitor, &report_href(&insee, &report_id)),
        Err(error) => {
            let renames = [("into", "into"), ("message", "merge_message"), ("name", "into")];
            refused(&state, visitor, &insee, &report_id, error, "merge", &renames, typed).await
        }
    }
}

// ---------------------------------------------------------------- photos

/// Only these types are served as what they are; anything else would be a service bug.
const PHOTO_TYPES: &[&str] = &["image/jpeg", "image/png", "image/webp"];

/// How long browsers and shared caches may keep a public photo (a report's photos never change).
const PHOTO_MAX_AGE_SECONDS: u32 = 86_400;

/// The bytes of one photo of a report (`GetReportPhoto`), with the stored type.
///
/// This route reads the session cookie but never refreshes it (a page's
/// photos load in parallel, and a refresh token is single-use): with an
/// expired session, the photo is asked for as anyone would, which is enough
/// for every public report. It sets no cookie, so a public photo may be cached.
pub async fn photo(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((insee, report_id, photo_id)): Path<(String, String, String)>,
) -> Response {
    if ![&insee, &report_id, &photo_id].iter().all(|s| plain_segment(s)) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let name = format!("{}/photos/{photo_id}", report_name(&insee, &report_id));
    let session = Visitor::access_token_cookie(&headers).map(|token| Forwarded::bearer(&token));
    let mut reports = state.reports.clone();
    let ask = |forwarded: &Forwarded| upstream::request(rp::GetReportPhotoRequest { name: name.clone() }, forwarded);
    let mut answer = match &session {
        Some(forwarded) => upstream::call(reports.get_report_photo(ask(forwarded))).await,
        None => upstream::call(reports.get_report_photo(ask(&Forwarded::default()))).await,
    };
    if session.is_some() && matches!(&answer, Err(GatewayError::Upstream(s)) if s.code() == Code::Unauthenticated) {
        answer = upstream::call(reports.get_report_photo(ask(&Forwarded::default()))).await;
    }
    let photo = match answer {
        Ok(photo) => photo,
        Err(GatewayError::Upstream(status)) => {
            let code = match status.code() {
                Code::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
                Code::ResourceExhausted => StatusCode::TOO_MANY_REQUESTS,
                Code::NotFound | Code::InvalidArgument | Code::PermissionDenied | Code::Unauthenticated => {
                    StatusCode::NOT_FOUND
                }
                _ => {
                    tracing::error!(%status, "site: a photo could not be read");
                    StatusCode::INTERNAL_SERVER_ERROR
                }
            };
            return code.into_response();
        }
        Err(GatewayError::UpstreamTimeout) => return StatusCode::GATEWAY_TIMEOUT.into_response(),
        Err(error) => {
            tracing::error!(%error, "site: a photo could not be read");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let Some(content_type) = PHOTO_TYPES.iter().find(|t| **t == photo.content_type) else {
        tracing::error!(content_type = %photo.content_type, "site: a photo of an unexpected type");
        return StatusCode::NOT_FOUND.into_response();
    };
    // Staff may be looking at a report that is not public yet: then only their browser keeps it.
    let cache = if session.is_some() {
        format!("private, max-age={PHOTO_MAX_AGE_SECONDS}")
    } else {
        format!("public, max-age={PHOTO_MAX_AGE_SECONDS}")
    };
    let mut response = (StatusCode::OK, photo.data).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    // Named by its id (a plain segment, checked above), never by what the reporter's file was called.
    let extension = content_type.trim_start_matches("image/").replace("jpeg", "jpg");
    if let Ok(value) = HeaderValue::from_str(&format!("inline; filename=\"{photo_id}.{extension}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    if let Ok(value) = HeaderValue::from_str(&cache) {
        headers.insert(header::CACHE_CONTROL, value);
    }
    response
}
