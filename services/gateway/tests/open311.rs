//! Open311 GeoReport v2 end to end: the real identity service (communes,
//! integration clients, `IssueClientToken`) and reports service (categories,
//! reports), both on SQLite, behind the gateway, driven over HTTP in JSON and
//! XML — and by real Open311 clients from PyPI (`open311_client/`).
//!
//! The reports service trusts identity's signing keys (client tokens) and a
//! key of the test's own, which signs the staff tokens that define categories
//! and move reports on.

use std::net::SocketAddr;
use std::time::{SystemTime, UNIX_EPOCH};

use miroir_auth::role::Grant;
use miroir_auth::{Claims, Keys, Role, Verifier};
use miroir_gateway::{GatewayConfig, build};
use miroir_identity::api::IdentityApi;
use miroir_identity::{Identity, IdentityConfig, operator_cli};
use miroir_platform::health::Readiness;
use miroir_platform::metrics::Metrics;
use miroir_platform::storage::testing::TestDatabase;
use miroir_proto::identity::v1::identity_server::IdentityServer;
use miroir_proto::reports::v1 as pb;
use miroir_proto::reports::v1::reports_client::ReportsClient;
use miroir_proto::reports::v1::reports_server::ReportsServer;
use miroir_reports::api::ReportsApi;
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

const PARIS: &str = "75056";
const LYON: &str = "69123";
const FORM: &str = "application/x-www-form-urlencoded";

/// Identity, reports and the gateway, stopped on drop.
struct Stack {
    base: String,
    http: reqwest::Client,
    identity: Identity,
    /// Signs staff tokens the reports service trusts.
    keys: Keys,
    reports_url: String,
    token: CancellationToken,
    _identity_db: TestDatabase,
    _reports_db: TestDatabase,
}

impl Drop for Stack {
    fn drop(&mut self) {
        self.token.cancel();
    }
}

async fn stack() -> Stack {
    let token = CancellationToken::new();

    let identity_db = TestDatabase::sqlite().await;
    miroir_identity::migrate_database(&identity_db.db).await.expect("migrate identity");
    let config = IdentityConfig { log_links: false, public_url: "http://127.0.0.1:8080".into() };
    let identity = miroir_identity::open(identity_db.db.clone(), config).await.expect("open identity");
    let identity_jwks = identity.jwks().await.expect("jwks");
    let readiness = Readiness::new();
    readiness.register("test").set_ready(true);
    let routes = tonic::service::Routes::new(IdentityServer::with_interceptor(
        IdentityApi::new(identity.clone()),
        miroir_auth::grpc::authenticate(Verifier::from_jwks(&identity_jwks).expect("verifier")),
    ));
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind identity");
    let identity_url = format!("http://{}", listener.local_addr().expect("identity address"));
    tokio::spawn(miroir_platform::grpc::serve(
        listener,
        routes,
        miroir_proto::FILE_DESCRIPTOR_SET,
        readiness.clone(),
        token.clone(),
    ));

    // Reports trusts identity's keys (client tokens) and the test's (staff).
    let keys = Keys::generate().expect("keys");
    let mut jwks: Value = serde_json::from_str(&identity_jwks).expect("JWKS JSON");
    let ours = keys.verifier().jwks();
    if let (Some(all), Some(more)) = (jwks["keys"].as_array_mut(), ours["keys"].as_array()) {
        all.extend(more.iter().cloned());
    }
    let verifier = Verifier::from_jwks(&jwks.to_string()).expect("verifier");
    let reports_db = TestDatabase::sqlite().await;
    miroir_reports::migrate_database(&reports_db.db).await.expect("migrate reports");
    let store = miroir_reports::open(reports_db.db.clone()).await.expect("open the log");
    let routes = tonic::service::Routes::new(ReportsServer::with_interceptor(
        ReportsApi::new(store),
        miroir_auth::grpc::authenticate(verifier),
    ));
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind reports");
    let reports_url = format!("http://{}", listener.local_addr().expect("reports address"));
    tokio::spawn(miroir_platform::grpc::serve(
        listener,
        routes,
        miroir_proto::FILE_DESCRIPTOR_SET,
        readiness,
        token.clone(),
    ));

    let metrics = Metrics::new("gateway").expect("metrics");
    let config = GatewayConfig {
        reports_url: reports_url.clone(),
        identity_url,
        publications_url: "http://127.0.0.1:9".to_owned(),
        dialogue_url: "http://127.0.0.1:9".to_owned(),
        notifications_url: "http://127.0.0.1:9".to_owned(),
        transparency_url: "http://127.0.0.1:9".to_owned(),
        trusted_proxies: Default::default(),
    };
    let router = build(&config, &metrics).await.expect("gateway");
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind HTTP");
    let base = format!("http://{}", listener.local_addr().expect("HTTP address"));
    let shutdown = token.clone();
    tokio::spawn(async move {
        axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>())
            .with_graceful_shutdown(shutdown.cancelled_owned())
            .await
    });

    for (insee, name, department) in [(PARIS, "Paris", "75"), (LYON, "Lyon", "69")] {
        identity
            .register_commune(&operator_cli(), insee, name, department, &format!("Collectif {name}"), 7, "")
            .await
            .expect("register commune");
    }
    let stack = Stack {
        base,
        http: reqwest::Client::new(),
        identity,
        keys,
        reports_url,
        token,
        _identity_db: identity_db,
        _reports_db: reports_db,
    };
    stack.define_category(PARIS, voirie()).await;
    stack.define_category(LYON, voirie()).await;
    stack
}

/// A category with one question of each list kind and a number.
fn voirie() -> pb::Category {
    let value = |key: &str, name: &str| pb::AttributeValue { key: key.into(), name: name.into() };
    pb::Category {
        code: "voirie".into(),
        name: "Voirie".into(),
        description: "Chaussée, trottoirs & <pavés>".into(),
        department: "Services techniques".into(),
        attributes: vec![
            pb::CategoryAttribute {
                code: "gravite".into(),
                description: "Quelle gravité ?".into(),
                datatype: pb::AttributeType::SingleValueList as i32,
                required: true,
                values: vec![value("faible", "Faible"), value("forte", "Forte")],
            },
            pb::CategoryAttribute {
                code: "obstacles".into(),
                description: "Qu'est-ce qui gêne ?".into(),
                datatype: pb::AttributeType::MultiValueList as i32,
                required: false,
                values: vec![value("barriere", "Barrière"), value("poubelle", "Poubelle"), value("voiture", "Voiture")],
            },
            pb::CategoryAttribute {
                code: "largeur".into(),
                description: "Largeur en cm".into(),
                datatype: pb::AttributeType::Number as i32,
                required: false,
                values: vec![],
            },
        ],
        active: true,
        keywords: vec!["route".into(), "trou".into()],
    }
}

fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or_default()
}

impl Stack {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn staff(&self, commune: &str, role: Role) -> String {
        self.keys.sign(&Claims {
            sub: format!("account-{role:?}-{commune}"),
            iat: now(),
            exp: now() + 3600,
            grants: vec![Grant { commune: commune.to_owned(), role }],
            client: None,
        })
    }

    async fn reports(&self) -> ReportsClient<tonic::transport::Channel> {
        ReportsClient::connect(self.reports_url.clone()).await.expect("reports client")
    }

    async fn define_category(&self, commune: &str, category: pb::Category) {
        let mut request = tonic::Request::new(pb::DefineCategoryRequest {
            parent: format!("communes/{commune}"),
            category: Some(category),
            request_id: String::new(),
        });
        let bearer = format!("Bearer {}", self.staff(commune, Role::CommuneAdmin));
        request.metadata_mut().insert("authorization", bearer.parse().expect("metadata"));
        self.reports().await.define_category(request).await.expect("define category");
    }

    /// A new integration client of `commune`; its Open311 api_key.
    async fn api_key(&self, commune: &str, scopes: &[&str]) -> String {
        let scopes: Vec<String> = scopes.iter().map(|s| (*s).to_owned()).collect();
        let (client, secret) =
            self.identity.create_client(&operator_cli(), commune, "SIG", &scopes, "").await.expect("create client");
        format!("{}:{secret}", client.client_id)
    }

    async fn get(&self, path: &str) -> reqwest::Response {
        self.http.get(self.url(path)).send().await.expect("send")
    }

    async fn post(&self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        let body: String = form_urlencoded::Serializer::new(String::new()).extend_pairs(form).finish();
        self.http.post(self.url(path)).header("content-type", FORM).body(body).send().await.expect("send")
    }

    /// Posts a valid request in Paris with `api_key`; returns its id.
    async fn posted(&self, api_key: &str, description: &str) -> String {
        let response = self.post("/open311/v2/requests.json", &valid_post(api_key, description)).await;
        let status = response.status();
        let body: Value = response.json().await.expect("JSON");
        assert_eq!(status, StatusCode::OK, "{body}");
        body[0]["service_request_id"].as_str().expect("service_request_id").to_owned()
    }
}

fn valid_post<'a>(api_key: &'a str, description: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("jurisdiction_id", PARIS),
        ("api_key", api_key),
        ("service_code", "voirie"),
        ("lat", "48.8566"),
        ("long", "2.3522"),
        ("address_string", "12 rue de la Mairie"),
        ("description", description),
        ("attribute[gravite]", "forte"),
    ]
}

async fn json(response: reqwest::Response, status: StatusCode) -> Value {
    assert_eq!(response.status(), status);
    let content_type = response.headers().get("content-type").and_then(|v| v.to_str().ok()).map(str::to_owned);
    assert_eq!(content_type.as_deref(), Some("application/json; charset=utf-8"));
    response.json().await.expect("JSON")
}

async fn xml(response: reqwest::Response, status: StatusCode) -> String {
    assert_eq!(response.status(), status);
    let content_type = response.headers().get("content-type").and_then(|v| v.to_str().ok()).map(str::to_owned);
    assert_eq!(content_type.as_deref(), Some("text/xml; charset=utf-8"));
    let text = response.text().await.expect("XML");
    assert!(text.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"), "{text}");
    text
}

/// An Open311 error list in JSON: one error with this code; its description.
async fn json_error(response: reqwest::Response, status: StatusCode) -> String {
    let body = json(response, status).await;
    assert_eq!(body[0]["code"], status.as_u16(), "{body}");
    assert_eq!(body.as_array().map(Vec::len), Some(1), "{body}");
    body[0]["description"].as_str().expect("description").to_owned()
}

async fn xml_error(response: reqwest::Response, status: StatusCode) -> String {
    let body = xml(response, status).await;
    let code = format!("<errors><error><code>{}</code><description>", status.as_u16());
    assert!(body.contains(&code), "{body}");
    body
}

#[tokio::test]
async fn services_and_their_definitions_in_json_and_xml() {
    let stack = stack().await;

    let response = stack.get(&format!("/open311/v2/services.json?jurisdiction_id={PARIS}")).await;
    assert_eq!(response.headers().get("access-control-allow-origin").and_then(|v| v.to_str().ok()), Some("*"));
    let services = json(response, StatusCode::OK).await;
    let voirie = services.as_array().and_then(|all| all.iter().find(|s| s["service_code"] == "voirie")).cloned();
    assert_eq!(
        voirie,
        Some(json!({
            "service_code": "voirie", "service_name": "Voirie", "description": "Chaussée, trottoirs & <pavés>",
            "metadata": true, "type": "realtime", "keywords": "route, trou", "group": "Services techniques",
        }))
    );

    let body = xml(stack.get(&format!("/open311/v2/services.xml?jurisdiction_id={PARIS}")).await, StatusCode::OK).await;
    assert!(body.contains("<services><service>"), "{body}");
    assert!(
        body.contains(
            "<service><service_code>voirie</service_code><service_name>Voirie</service_name><description>Chaussée, \
             trottoirs &amp; &lt;pavés&gt;</description><metadata>true</metadata><type>realtime</type>\
             <keywords>route, trou</keywords><group>Services techniques</group></service>"
        ),
        "{body}"
    );
    // Without an extension: XML, the specification's required format.
    xml(stack.get(&format!("/open311/v2/services?jurisdiction_id={PARIS}")).await, StatusCode::OK).await;

    let definition =
        json(stack.get(&format!("/open311/v2/services/voirie.json?jurisdiction_id={PARIS}")).await, StatusCode::OK)
            .await;
    assert_eq!(definition["service_code"], "voirie");
    let attributes = definition["attributes"].as_array().cloned().unwrap_or_default();
    let codes: Vec<&str> = attributes.iter().filter_map(|a| a["code"].as_str()).collect();
    assert_eq!(codes, ["gravite", "obstacles", "largeur"]);
    assert_eq!(
        attributes[0],
        json!({
            "variable": true, "code": "gravite", "datatype": "singlevaluelist", "required": true,
            "datatype_description": "one of the keys of values", "order": 1, "description": "Quelle gravité ?",
            "values": [{"key": "faible", "name": "Faible"}, {"key": "forte", "name": "Forte"}],
        })
    );
    assert_eq!(attributes[1]["datatype"], "multivaluelist");
    assert_eq!((attributes[2]["datatype"].clone(), attributes[2].get("values")), (json!("number"), None));

    let body =
        xml(stack.get(&format!("/open311/v2/services/voirie.xml?jurisdiction_id={PARIS}")).await, StatusCode::OK).await;
    assert!(
        body.contains(
            "<service_definition><service_code>voirie</service_code><attributes><attribute><variable>true</variable>\
             <code>gravite</code><datatype>singlevaluelist</datatype><required>true</required>"
        ),
        "{body}"
    );
    assert!(body.contains("<values><value><key>faible</key><name>Faible</name></value>"), "{body}");

    // Errors, in the format asked for.
    let description = json_error(
        stack.get(&format!("/open311/v2/services/nope.json?jurisdiction_id={PARIS}")).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert!(description.starts_with("service_code"), "{description}");
    xml_error(
        stack.get(&format!("/open311/v2/services/Bad%2Fcode.xml?jurisdiction_id={PARIS}")).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let description = json_error(stack.get("/open311/v2/services.json").await, StatusCode::BAD_REQUEST).await;
    assert!(description.starts_with("jurisdiction_id is required"), "{description}");
    xml_error(stack.get("/open311/v2/services.xml?jurisdiction_id=750").await, StatusCode::BAD_REQUEST).await;
    let description =
        json_error(stack.get("/open311/v2/services.json?jurisdiction_id=01001").await, StatusCode::NOT_FOUND).await;
    assert!(description.starts_with("jurisdiction_id"), "{description}");
    xml_error(stack.get(&format!("/open311/v2/services.html?jurisdiction_id={PARIS}")).await, StatusCode::NOT_FOUND)
        .await;
    xml_error(
        stack.get(&format!("/open311/v2/services/voirie.html?jurisdiction_id={PARIS}")).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    json_error(stack.get("/open311/v2/nowhere.json").await, StatusCode::NOT_FOUND).await;
    let response = stack.http.delete(stack.url("/open311/v2/services.json")).send().await.expect("send");
    json_error(response, StatusCode::METHOD_NOT_ALLOWED).await;
}

#[tokio::test]
async fn requests_are_posted_and_read_back_in_json_and_xml() {
    let stack = stack().await;
    let api_key = stack.api_key(PARIS, &["reports:read", "reports:write"]).await;

    // JSON: the key in the form, attributes with a multi-value list.
    let mut form = valid_post(&api_key, "Un trou profond devant le numéro 12, dangereux pour les vélos.");
    form.extend([("attribute[obstacles][]", "barriere"), ("attribute[obstacles][]", "voiture")]);
    form.extend([("email", "anne@example.fr"), ("first_name", "Anne"), ("phone", "0102030405")]);
    let body = json(stack.post("/open311/v2/requests.json", &form).await, StatusCode::OK).await;
    let first = body[0]["service_request_id"].as_str().expect("service_request_id").to_owned();
    assert_eq!(body[0]["token"], first.as_str(), "{body}");
    assert_eq!(body[0]["account_id"], Value::Null, "{body}");
    assert!(body[0]["service_notice"].as_str().is_some_and(|n| n.contains("7 jours")), "{body}");

    // What the reports service recorded.
    let report = stack
        .reports()
        .await
        .get_report(pb::GetReportRequest { name: format!("communes/{PARIS}/reports/{first}") })
        .await
        .expect("report")
        .into_inner();
    assert_eq!(report.title, "Voirie : Un trou profond devant le numéro 12, dangereux pour les vélos.");
    assert_eq!(report.category, "voirie");
    assert!(report.via_integration, "{report:?}");
    assert_eq!(
        report.attributes,
        vec![
            pb::AttributeAnswer { code: "gravite".into(), values: vec!["forte".into()] },
            pb::AttributeAnswer { code: "obstacles".into(), values: vec!["barriere".into(), "voiture".into()] },
        ]
    );

    // XML: the key and jurisdiction in the query string, as some clients do.
    let query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs([("jurisdiction_id", PARIS), ("api_key", api_key.as_str())])
        .finish();
    let form = [("service_code", "voirie"), ("lat", "48.86"), ("long", "2.35"), ("attribute[gravite]", "faible")];
    let body = xml(stack.post(&format!("/open311/v2/requests.xml?{query}"), &form).await, StatusCode::OK).await;
    let second = body
        .split("<service_request_id>")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .expect("service_request_id")
        .to_owned();
    assert!(body.contains("<service_requests><request><service_request_id>"), "{body}");
    assert!(body.contains("<account_id/>"), "{body}");
    assert!(body.contains(&format!("<token>{second}</token>")), "{body}");

    // One request, JSON and XML.
    let one =
        json(stack.get(&format!("/open311/v2/requests/{first}.json?jurisdiction_id={PARIS}")).await, StatusCode::OK)
            .await;
    assert_eq!(one.as_array().map(Vec::len), Some(1));
    let request = &one[0];
    assert_eq!(request["service_request_id"], first.as_str());
    assert_eq!(request["status"], "open");
    assert_eq!(request["status_notes"], Value::Null);
    assert_eq!(request["service_code"], "voirie");
    assert_eq!(request["service_name"], "Voirie");
    assert_eq!(request["description"], "Un trou profond devant le numéro 12, dangereux pour les vélos.");
    assert_eq!(request["agency_responsible"], "Services techniques");
    assert_eq!(request["address"], "12 rue de la Mairie");
    assert_eq!((request["lat"].as_f64(), request["long"].as_f64()), (Some(48.8566), Some(2.3522)));
    assert_eq!(request["media_url"], Value::Null);
    let requested = request["requested_datetime"].as_str().unwrap_or_default();
    assert!(requested.len() == 20 && requested.ends_with('Z'), "{requested}");
    assert!(request.get("expected_datetime").is_none() && request.get("zipcode").is_none(), "{request}");
    let body =
        xml(stack.get(&format!("/open311/v2/requests/{second}.xml?jurisdiction_id={PARIS}")).await, StatusCode::OK)
            .await;
    assert!(body.contains(&format!("<service_requests><request><service_request_id>{second}</service_request_id><status>open</status><status_notes/>")), "{body}");
    assert!(body.contains("<lat>48.86</lat><long>2.35</long>"), "{body}");

    // Tokens.
    let tokens =
        json(stack.get(&format!("/open311/v2/tokens/{first}.json?jurisdiction_id={PARIS}")).await, StatusCode::OK)
            .await;
    assert_eq!(tokens, json!([{"service_request_id": first, "token": first}]));
    let body =
        xml(stack.get(&format!("/open311/v2/tokens/{second}.xml?jurisdiction_id={PARIS}")).await, StatusCode::OK).await;
    assert!(
        body.contains(&format!(
            "<service_requests><request><service_request_id>{second}</service_request_id><token>{second}</token>"
        )),
        "{body}"
    );
    json_error(
        stack
            .get(&format!("/open311/v2/tokens/0190c0de-0000-7000-8000-000000000000.json?jurisdiction_id={PARIS}"))
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;

    // The commune acknowledges then resolves the first one, in public.
    let agent = stack.staff(PARIS, Role::Agent);
    for (path, body) in [
        ("acknowledge", json!({"message": "Vu, merci."})),
        ("status", json!({"status": "resolved", "message": "Rebouché le 3 mars."})),
    ] {
        let response = stack
            .http
            .post(stack.url(&format!("/api/v1/communes/{PARIS}/reports/{first}/{path}")))
            .bearer_auth(&agent)
            .json(&body)
            .send()
            .await
            .expect("send");
        assert_eq!(response.status(), StatusCode::OK, "{path}");
    }

    // Lists and their filters.
    let list = |query: String| {
        let stack = &stack;
        async move {
            let body = json(
                stack.get(&format!("/open311/v2/requests.json?jurisdiction_id={PARIS}{query}")).await,
                StatusCode::OK,
            )
            .await;
            body.as_array()
                .map(|all| all.iter().filter_map(|r| r["service_request_id"].as_str().map(str::to_owned)).collect())
                .unwrap_or_else(Vec::<String>::new)
        }
    };
    assert_eq!(list(String::new()).await, [second.as_str(), first.as_str()]);
    assert_eq!(list("&status=closed".into()).await, [first.as_str()]);
    assert_eq!(list("&status=open".into()).await, [second.as_str()]);
    assert_eq!(list("&status=open,closed".into()).await, [second.as_str(), first.as_str()]);
    assert_eq!(list("&service_code=voirie".into()).await, [second.as_str(), first.as_str()]);
    assert_eq!(list("&service_code=eclairage".into()).await, Vec::<String>::new());
    let unknown = "0190c0de-0000-7000-8000-000000000000";
    assert_eq!(
        list(format!("&service_request_id={first},{unknown},{second},{first}")).await,
        [first.as_str(), second.as_str()]
    );
    // service_request_id overrides the other filters.
    assert_eq!(list(format!("&service_request_id={first}&status=open")).await, [first.as_str()]);
    assert_eq!(
        list("&start_date=2000-01-01T00:00:00Z&end_date=2000-12-31T23:59:59%2B01:00".into()).await,
        Vec::<String>::new()
    );
    assert_eq!(list("&start_date=2000-01-01T00:00:00Z".into()).await, [second.as_str(), first.as_str()]);
    // A `+` sent unencoded arrives as a space, and is read as `+`.
    assert_eq!(list("&end_date=2999-01-01T00:00:00+01:00".into()).await, [second.as_str(), first.as_str()]);

    let closed = json(
        stack.get(&format!("/open311/v2/requests.json?jurisdiction_id={PARIS}&service_request_id={first}")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(closed[0]["status"], "closed");
    assert_eq!(closed[0]["status_notes"], "Rebouché le 3 mars.");
    assert!(closed[0]["updated_datetime"].as_str() >= closed[0]["requested_datetime"].as_str());
    let body = xml(
        stack.get(&format!("/open311/v2/requests.xml?jurisdiction_id={PARIS}&status=closed")).await,
        StatusCode::OK,
    )
    .await;
    assert!(body.contains("<status>closed</status><status_notes>Rebouché le 3 mars.</status_notes>"), "{body}");

    // Bad filters.
    for query in ["&status=pending", "&start_date=yesterday", "&end_date=2020-13-01T00:00:00Z"] {
        let path = format!("/open311/v2/requests.json?jurisdiction_id={PARIS}{query}");
        json_error(stack.get(&path).await, StatusCode::BAD_REQUEST).await;
    }
    json_error(
        stack.get(&format!("/open311/v2/requests/{unknown}.json?jurisdiction_id={PARIS}")).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    xml_error(
        stack.get(&format!("/open311/v2/requests/not-an-id.xml?jurisdiction_id={PARIS}")).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    json_error(stack.get(&format!("/open311/v2/requests/{first}.json")).await, StatusCode::BAD_REQUEST).await;
}

/// A form, the status it gets, and how its error description starts.
type Case<'a> = (Vec<(&'a str, &'a str)>, StatusCode, &'a str);

#[tokio::test]
async fn posting_errors_follow_the_specification() {
    let stack = stack().await;
    let api_key = stack.api_key(PARIS, &["reports:write"]).await;
    let description = "Un trou.";
    let without = |name: &str| -> Vec<(&str, &str)> {
        valid_post(&api_key, description).into_iter().filter(|(key, _)| *key != name).collect()
    };
    let with = |name: &'static str, value: &'static str| -> Vec<(&str, &str)> {
        let mut form = without(name);
        form.push((name, value));
        form
    };

    let cases: Vec<Case<'_>> = vec![
        (without("api_key"), StatusCode::FORBIDDEN, "api_key is required"),
        (with("api_key", "nocolon"), StatusCode::FORBIDDEN, "invalid api_key"),
        (with("api_key", "0190c0de-0000-7000-8000-000000000000:wrong"), StatusCode::FORBIDDEN, "invalid api_key"),
        (without("jurisdiction_id"), StatusCode::BAD_REQUEST, "jurisdiction_id"),
        (with("jurisdiction_id", "01001"), StatusCode::NOT_FOUND, "jurisdiction_id"),
        (without("service_code"), StatusCode::BAD_REQUEST, "service_code"),
        (with("service_code", "inexistant"), StatusCode::NOT_FOUND, "service_code"),
        (without("lat"), StatusCode::BAD_REQUEST, "lat"),
        (with("lat", "north"), StatusCode::BAD_REQUEST, "lat:"),
        (with("lat", "95"), StatusCode::BAD_REQUEST, "lat:"),
        (with("long", "-30"), StatusCode::BAD_REQUEST, "lat/long:"),
        (with("description", &*"x".repeat(6000).leak()), StatusCode::BAD_REQUEST, "description:"),
        (without("attribute[gravite]"), StatusCode::BAD_REQUEST, "attribute[gravite]"),
        (with("attribute[gravite]", "enorme"), StatusCode::BAD_REQUEST, "attribute[gravite]"),
        (with("attribute[largeur]", "large"), StatusCode::BAD_REQUEST, "attribute[largeur]"),
        (with("attribute[gravite", "forte"), StatusCode::BAD_REQUEST, "attribute[gravite"),
    ];
    for (form, status, start) in &cases {
        let refusal = json_error(stack.post("/open311/v2/requests.json", form).await, *status).await;
        assert!(refusal.starts_with(start), "{form:?}: {refusal}");
    }
    // The same in XML.
    let body =
        xml_error(stack.post("/open311/v2/requests.xml", &without("api_key")).await, StatusCode::FORBIDDEN).await;
    assert!(body.contains("<description>api_key is required"), "{body}");

    // A client without the write scope, a revoked one.
    let reader = stack.api_key(PARIS, &["reports:read"]).await;
    json_error(stack.post("/open311/v2/requests.json", &valid_post(&reader, description)).await, StatusCode::FORBIDDEN)
        .await;
    let revoked = stack.api_key(PARIS, &["reports:write"]).await;
    let client_id = revoked.split(':').next().unwrap_or_default();
    let name = format!("communes/{PARIS}/clients/{client_id}");
    stack.identity.revoke_client(&operator_cli(), &name, "test").await.expect("revoke");
    let refusal = json_error(
        stack.post("/open311/v2/requests.json", &valid_post(&revoked, description)).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert!(refusal.starts_with("invalid api_key"), "{refusal}");

    // Not form-encoded.
    let response = stack
        .http
        .post(stack.url("/open311/v2/requests.json"))
        .json(&json!({"service_code": "voirie"}))
        .send()
        .await
        .expect("send");
    json_error(response, StatusCode::UNSUPPORTED_MEDIA_TYPE).await;

    // Nothing was filed by all this.
    let listed =
        json(stack.get(&format!("/open311/v2/requests.json?jurisdiction_id={PARIS}")).await, StatusCode::OK).await;
    assert_eq!(listed, json!([]));
    // A valid one still goes through, and a retry with the same Idempotency-Key files nothing new.
    let body: String =
        form_urlencoded::Serializer::new(String::new()).extend_pairs(valid_post(&api_key, description)).finish();
    let mut ids = Vec::new();
    for _ in 0..2 {
        let response = stack
            .http
            .post(stack.url("/open311/v2/requests.json"))
            .header("content-type", FORM)
            .header("idempotency-key", "open311-retry-1")
            .body(body.clone())
            .send()
            .await
            .expect("send");
        ids.push(json(response, StatusCode::OK).await[0]["service_request_id"].clone());
    }
    assert_eq!(ids[0], ids[1]);
}

#[tokio::test]
async fn a_client_of_one_commune_cannot_post_in_another() {
    let stack = stack().await;
    let lyon = stack.api_key(LYON, &["reports:read", "reports:write"]).await;
    let description = json_error(
        stack.post("/open311/v2/requests.json", &valid_post(&lyon, "Posté depuis Lyon.")).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert!(!description.is_empty());
    let paris =
        json(stack.get(&format!("/open311/v2/requests.json?jurisdiction_id={PARIS}")).await, StatusCode::OK).await;
    assert_eq!(paris, json!([]));

    // In its own commune it may, and the request is not visible from Paris.
    let mut form = valid_post(&lyon, "Un trou à Lyon.");
    form[0] = ("jurisdiction_id", LYON);
    form[3] = ("lat", "45.764");
    form[4] = ("long", "4.8357");
    let body = json(stack.post("/open311/v2/requests.json", &form).await, StatusCode::OK).await;
    let id = body[0]["service_request_id"].as_str().expect("id").to_owned();
    json(stack.get(&format!("/open311/v2/requests/{id}.json?jurisdiction_id={LYON}")).await, StatusCode::OK).await;
    json_error(
        stack.get(&format!("/open311/v2/requests/{id}.json?jurisdiction_id={PARIS}")).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    json_error(
        stack.get(&format!("/open311/v2/tokens/{id}.json?jurisdiction_id={PARIS}")).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let paris = json(
        stack.get(&format!("/open311/v2/requests.json?jurisdiction_id={PARIS}&service_request_id={id}")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(paris, json!([]));
    let own = stack.posted(&stack.api_key(PARIS, &["reports:write"]).await, "Un trou à Paris.").await;
    let paris =
        json(stack.get(&format!("/open311/v2/requests.json?jurisdiction_id={PARIS}")).await, StatusCode::OK).await;
    assert_eq!(
        paris.as_array().map(|all| all.iter().map(|r| r["service_request_id"].clone()).collect::<Vec<_>>()),
        Some(vec![json!(own)])
    );
}

#[tokio::test]
async fn media_url_is_the_first_photo_on_the_gateway() {
    use base64::Engine;
    let stack = stack().await;
    // A real 1×1 PNG; Open311 has no upload, so a resident files it over gRPC.
    let png = base64::engine::general_purpose::STANDARD
        .decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==")
        .expect("PNG");
    let mut request = tonic::Request::new(pb::SubmitReportRequest {
        parent: format!("communes/{PARIS}"),
        category: "voirie".into(),
        title: "Pavés descellés".into(),
        location: Some(pb::Location { latitude: 48.8566, longitude: 2.3522, address: String::new() }),
        attributes: vec![pb::AttributeAnswer { code: "gravite".into(), values: vec!["faible".into()] }],
        photos: vec![pb::PhotoUpload { filename: "photo.png".into(), data: png }],
        ..Default::default()
    });
    let bearer = format!("Bearer {}", stack.staff(PARIS, Role::Resident));
    request.metadata_mut().insert("authorization", bearer.parse().expect("metadata"));
    let report = stack.reports().await.submit_report(request).await.expect("submit").into_inner().report;
    let report = report.expect("report");
    let photo = report.photos.first().map(|p| p.name.clone()).expect("a photo");
    let path = format!("/open311/v2/requests/{}.json?jurisdiction_id={PARIS}", report.report_id);

    let host = stack.base.trim_start_matches("http://");
    let body = json(stack.get(&path).await, StatusCode::OK).await;
    assert_eq!(body[0]["media_url"], format!("http://{host}/api/v1/{photo}"));
    // Behind a TLS proxy.
    let response = stack.http.get(stack.url(&path)).header("x-forwarded-proto", "https").send().await.expect("send");
    assert_eq!(json(response, StatusCode::OK).await[0]["media_url"], format!("https://{host}/api/v1/{photo}"));
    // Lists carry it too.
    let listed =
        json(stack.get(&format!("/open311/v2/requests.json?jurisdiction_id={PARIS}")).await, StatusCode::OK).await;
    assert_eq!(listed[0]["media_url"], format!("http://{host}/api/v1/{photo}"));
    let body = xml(stack.get(&path.replace(".json", ".xml")).await, StatusCode::OK).await;
    assert!(body.contains(&format!("<media_url>http://{host}/api/v1/{photo}</media_url>")), "{body}");
}

// ---------------------------------------------------------------- a real Open311 client

/// The virtualenv `open311_client/install` fills.
fn client_python() -> std::path::PathBuf {
    let venv = std::env::var_os("MIROIR_OPEN311_VENV").map(std::path::PathBuf::from).unwrap_or_else(|| {
        let home = std::env::var_os("HOME").map(std::path::PathBuf::from).unwrap_or_else(|| "/root".into());
        home.join(".cache/miroir/venv")
    });
    venv.join("bin/python")
}

#[tokio::test]
async fn real_open311_clients_from_pypi_work_unchanged() {
    let python = client_python();
    let installed = std::process::Command::new(&python)
        .args(["-c", "import georeport, civicbot"])
        .output()
        .is_ok_and(|output| output.status.success());
    if !installed {
        let reason = format!(
            "the Open311 clients are not installed in {} (run services/gateway/tests/open311_client/install)",
            python.display()
        );
        assert!(std::env::var_os("CI").is_none(), "{reason}");
        eprintln!("SKIPPED: {reason}");
        return;
    }

    let stack = stack().await;
    let api_key = stack.api_key(PARIS, &["reports:read", "reports:write"]).await;
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/open311_client/run_client.py");
    let attributes = json!({"gravite": "forte", "obstacles": ["barriere", "poubelle"]}).to_string();
    let output = tokio::process::Command::new(&python)
        .arg(&script)
        .args([format!("{}/open311/v2", stack.base), PARIS.to_owned(), api_key, "voirie".to_owned(), attributes])
        .output()
        .await
        .expect("run the client");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "the client failed:\n{stdout}\n{stderr}");
    let seen: Value = serde_json::from_str(stdout.trim()).unwrap_or_else(|e| panic!("{e}: {stdout}\n{stderr}"));

    for format in ["json", "xml"] {
        assert!(seen[format!("services_{format}")].as_array().is_some_and(|s| s.contains(&json!("voirie"))), "{seen}");
        assert_eq!(seen[format!("attributes_{format}")], json!(["gravite", "obstacles", "largeur"]), "{seen}");
    }
    assert_eq!(seen["metadata_json"]["voirie"], true);
    assert_eq!(seen["metadata_xml"]["voirie"], "true");

    let id = seen["posted"]["service_request_id"].as_str().expect("posted id").to_owned();
    assert_eq!(seen["posted"]["token"], id.as_str());
    let description = "Pavés descellés devant l'entrée <principale> & glissants.";
    assert_eq!(
        seen["request_json"],
        json!({
            "service_request_id": id, "status": "open", "service_code": "voirie", "service_name": "Voirie",
            "description": description, "address": "Parvis de l'Hôtel de Ville", "lat": 48.8566, "long": 2.3522,
        })
    );
    // XML values are text.
    assert_eq!(
        seen["request_xml"],
        json!({
            "service_request_id": id, "status": "open", "service_code": "voirie", "service_name": "Voirie",
            "description": description, "address": "Parvis de l'Hôtel de Ville", "lat": "48.8566", "long": "2.3522",
        })
    );
    for key in ["by_id_json", "by_id_xml", "open_json", "open_xml"] {
        assert_eq!(seen[key], json!([id]), "{key}: {seen}");
    }
    assert_eq!(seen["token"], json!([{"service_request_id": id, "token": id}]));

    // The attributes reached the report.
    let report = stack
        .reports()
        .await
        .get_report(pb::GetReportRequest { name: format!("communes/{PARIS}/reports/{id}") })
        .await
        .expect("report")
        .into_inner();
    assert_eq!(
        report.attributes,
        vec![
            pb::AttributeAnswer { code: "gravite".into(), values: vec!["forte".into()] },
            pb::AttributeAnswer { code: "obstacles".into(), values: vec!["barriere".into(), "poubelle".into()] },
        ]
    );
}

#[tokio::test]
async fn the_discovery_document_says_where_the_api_is_and_in_which_formats() {
    let stack = stack().await;
    let answer = json(stack.get("/open311/v2/discovery.json").await, StatusCode::OK).await;
    let endpoint = &answer["endpoints"][0];
    assert_eq!(endpoint["specification"], "http://wiki.open311.org/GeoReport_v2");
    assert_eq!(endpoint["url"], format!("{}/open311/v2", stack.base), "the address the client used");
    assert_eq!(endpoint["type"], "production");
    assert_eq!(endpoint["formats"], serde_json::json!(["application/json", "text/xml"]));
    assert!(answer["changeset"].as_str().is_some_and(|c| !c.is_empty()));
    let xml = xml(stack.get("/open311/v2/discovery.xml").await, StatusCode::OK).await;
    assert!(
        xml.contains("<discovery>")
            && xml.contains("<endpoints><endpoint>")
            && xml.contains("<format>text/xml</format>"),
        "{xml}"
    );
    // A hostile Host header is not echoed back.
    let forged = stack
        .http
        .get(stack.url("/open311/v2/discovery.json"))
        .header("host", "evil.example/<script>")
        .send()
        .await
        .expect("send");
    let forged = json(forged, StatusCode::OK).await;
    assert_eq!(forged["endpoints"][0]["url"], "http://localhost/open311/v2");
}

/// A refusal of hostile input: a 4xx with the specification's error list in
/// the format asked for, a description, and none of the input's markup in
/// the XML unescaped.
async fn refused(response: reqwest::Response, what: &str) -> StatusCode {
    let status = response.status();
    assert!(status.is_client_error(), "{what}: {status}");
    let content_type = response.headers().get("content-type").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let text = response.text().await.expect("body");
    if content_type.as_deref() == Some("text/xml; charset=utf-8") {
        let code = format!("<errors><error><code>{}</code><description>", status.as_u16());
        assert!(text.contains(&code), "{what}: {text}");
        assert!(!text.contains("<script") && !text.contains("<img"), "{what}: markup not escaped: {text}");
    } else {
        assert_eq!(content_type.as_deref(), Some("application/json; charset=utf-8"), "{what}: {text}");
        let body: Value = serde_json::from_str(&text).expect("JSON error list");
        assert_eq!(body[0]["code"], status.as_u16(), "{what}: {body}");
        assert!(!body[0]["description"].as_str().unwrap_or_default().is_empty(), "{what}: {body}");
    }
    status
}

/// Malformed, oversized and hostile input (wrong types, huge bodies, markup
/// in text, path traversal in ids and codes, bad jurisdictions, bytes that are
/// not UTF-8) is refused with a clear 4xx in JSON and in XML, never a 5xx, and
/// files nothing; text with markup in it is taken as text and comes back
/// escaped in XML.
#[tokio::test]
async fn hostile_input_is_refused_clearly_and_stores_nothing() {
    let stack = stack().await;
    let api_key = stack.api_key(PARIS, &["reports:write"]).await;
    let description = "Un trou.";
    let with = |name: &'static str, value: &'static str| -> Vec<(&str, &str)> {
        let mut form: Vec<(&str, &str)> =
            valid_post(&api_key, description).into_iter().filter(|(key, _)| *key != name).collect();
        form.push((name, value));
        form
    };
    let huge: &'static str = "x".repeat(70 * 1024).leak();
    let long_text: &'static str = "é".repeat(5001).leak();

    let forms: Vec<(&str, Vec<(&str, &str)>)> = vec![
        // Wrong types.
        ("lat not a number", with("lat", "48,85")),
        ("lat NaN", with("lat", "NaN")),
        ("lat infinite", with("lat", "inf")),
        ("lat overflowing", with("lat", "1e400")),
        ("long empty", with("long", "")),
        ("number attribute not a number", with("attribute[largeur]", "12cm")),
        ("list attribute not a key", with("attribute[gravite]", "<script>alert(1)</script>")),
        ("unknown attribute", with("attribute[../../etc/passwd]", "x")),
        ("attribute without its closing bracket", with("attribute[gravite", "forte")),
        ("email not an address", with("email", "<script>@x")),
        // Bad jurisdictions.
        ("empty jurisdiction", with("jurisdiction_id", "")),
        ("jurisdiction too short", with("jurisdiction_id", "7505")),
        ("jurisdiction not an INSEE code", with("jurisdiction_id", "2C004")),
        ("jurisdiction with traversal", with("jurisdiction_id", "../75056")),
        ("jurisdiction with markup", with("jurisdiction_id", "<script>alert(1)</script>")),
        ("jurisdiction with a NUL", with("jurisdiction_id", "75056\0")),
        ("jurisdiction not on Miroir", with("jurisdiction_id", "01001")),
        // Path traversal and markup in the service code.
        ("service code with traversal", with("service_code", "../voirie")),
        ("service code with a slash", with("service_code", "voirie/../../x")),
        ("service code with markup", with("service_code", "<img src=x onerror=alert(1)>")),
        // Oversized.
        ("description too long", with("description", long_text)),
        ("address too long", with("address_string", long_text)),
        ("body over the limit", with("description", huge)),
        // Control characters.
        ("NUL in the service code", with("service_code", "voi\0rie")),
    ];
    for format in ["json", "xml"] {
        let path = format!("/open311/v2/requests.{format}");
        for (what, form) in &forms {
            let status = refused(stack.post(&path, form).await, &format!("{what} ({format})")).await;
            if *what == "body over the limit" {
                assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{what}");
            }
        }
        // Bytes that are not UTF-8, a form that is not a form, and other bodies.
        let bodies: [(&str, &str, Vec<u8>); 4] = [
            ("not UTF-8", FORM, b"jurisdiction_id=75056&description=%FF%FE&service_code=voirie".to_vec()),
            ("raw bytes", FORM, vec![0xff, 0xfe, 0x00, 0x01]),
            ("multipart", "multipart/form-data; boundary=x", b"--x\r\n\r\n--x--".to_vec()),
            ("XML", "text/xml", b"<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><x>&e;</x>".to_vec()),
        ];
        for (what, content_type, body) in bodies {
            let response = stack
                .http
                .post(stack.url(&path))
                .header("content-type", content_type)
                .body(body)
                .send()
                .await
                .expect("send");
            refused(response, &format!("{what} ({format})")).await;
        }
        // A bad Idempotency-Key.
        let body: String =
            form_urlencoded::Serializer::new(String::new()).extend_pairs(valid_post(&api_key, description)).finish();
        let response = stack
            .http
            .post(stack.url(&path))
            .header("content-type", FORM)
            .header("idempotency-key", "x".repeat(101))
            .body(body)
            .send()
            .await
            .expect("send");
        refused(response, &format!("Idempotency-Key too long ({format})")).await;

        // Reads with hostile ids, codes, jurisdictions and filters.
        let reads = [
            format!("/open311/v2/requests/..%2F..%2Fetc%2Fpasswd.{format}?jurisdiction_id={PARIS}"),
            format!("/open311/v2/requests/%3Cscript%3Ealert(1)%3C%2Fscript%3E.{format}?jurisdiction_id={PARIS}"),
            format!("/open311/v2/tokens/..%2F..%2Fsecret.{format}?jurisdiction_id={PARIS}"),
            format!("/open311/v2/services/..%2Fvoirie.{format}?jurisdiction_id={PARIS}"),
            format!("/open311/v2/services/%3Cimg%20src%3Dx%3E.{format}?jurisdiction_id={PARIS}"),
            format!("/open311/v2/services.{format}?jurisdiction_id=..%2F75056"),
            format!("/open311/v2/services.{format}?jurisdiction_id=%3Cscript%3E"),
            format!("/open311/v2/services.{format}"),
            format!("/open311/v2/requests.{format}?jurisdiction_id={PARIS}&start_date=yesterday"),
            format!("/open311/v2/requests.{format}?jurisdiction_id={PARIS}&status=%3Cscript%3E"),
            format!("/open311/v2/requests.{format}?jurisdiction_id={PARIS}&jurisdiction_id={LYON}"),
        ];
        for read in &reads {
            refused(stack.get(read).await, read).await;
        }
    }

    // Nothing was filed by all this.
    let listed =
        json(stack.get(&format!("/open311/v2/requests.json?jurisdiction_id={PARIS}")).await, StatusCode::OK).await;
    assert_eq!(listed, json!([]));

    // Markup in text is text: filed as given, and escaped where XML shows it.
    let script = "<script>alert('x')</script> & \"quotes\"";
    let mut form = valid_post(&api_key, script);
    form[5] = ("address_string", "<img src=x onerror=alert(1)>");
    let id = {
        let body = json(stack.post("/open311/v2/requests.json", &form).await, StatusCode::OK).await;
        body[0]["service_request_id"].as_str().expect("id").to_owned()
    };
    let read =
        json(stack.get(&format!("/open311/v2/requests/{id}.json?jurisdiction_id={PARIS}")).await, StatusCode::OK).await;
    assert_eq!(read[0]["description"], script, "{read}");
    assert_eq!(read[0]["address"], "<img src=x onerror=alert(1)>", "{read}");
    let body =
        xml(stack.get(&format!("/open311/v2/requests/{id}.xml?jurisdiction_id={PARIS}")).await, StatusCode::OK).await;
    assert!(!body.contains("<script") && !body.contains("<img"), "{body}");
    assert!(
        body.contains("&lt;script&gt;alert(&apos;x&apos;)&lt;/script&gt; &amp; &quot;quotes&quot;")
            || body.contains("&lt;script&gt;alert('x')&lt;/script&gt; &amp; \"quotes\""),
        "{body}"
    );
    assert!(body.contains("&lt;img src=x onerror=alert(1)&gt;"), "{body}");
}
