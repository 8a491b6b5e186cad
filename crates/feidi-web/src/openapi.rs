//! The OpenAPI 3.1 document at `/api/v1/openapi.json`, built from the same kind descriptions
//! the routes are built from, so a registry kind cannot be routed without being documented.

use serde_json::{Map, Value, json};

use feidi_app::kinds::{
    Disputes, Enterprises, FilterType, Households, Jurisdictions, Kind, Parcels, Projects, Stages,
    TaskForces, Zones,
};

fn money() -> Value {
    json!({"type": "string", "pattern": "^-?[0-9]+\\.[0-9]{2}$", "description": "yuan, exactly two decimals"})
}
fn money_in() -> Value {
    json!({"type": "string", "pattern": "^[0-9]+(\\.[0-9]{1,2})?$", "description": "yuan, up to two decimals"})
}
fn id() -> Value {
    json!({"type": "integer", "format": "int64"})
}
fn nullable(v: Value) -> Value {
    json!({"anyOf": [v, {"type": "null"}]})
}
fn text() -> Value {
    json!({"type": "string"})
}
fn instant() -> Value {
    json!({"type": "string", "format": "date-time"})
}

fn object(props: &[(&str, Value)], required: &[&str]) -> Value {
    let mut p = Map::new();
    for (k, v) in props {
        p.insert((*k).to_string(), v.clone());
    }
    json!({"type": "object", "properties": p, "required": required})
}

fn stamped(mut props: Vec<(&'static str, Value)>) -> Vec<(&'static str, Value)> {
    props.insert(0, ("id", id()));
    props.push(("version", id()));
    props.push(("created_at", instant()));
    props.push(("updated_at", instant()));
    props
}

/// (record schema, input schema) of each kind.
fn schemas() -> Map<String, Value> {
    let jurisdiction = vec![("name", text()), ("code", nullable(text()))];
    let zone = vec![
        ("name", text()),
        ("code", nullable(text())),
        ("host_jurisdiction_id", id()),
        ("operator_jurisdiction_id", id()),
        (
            "area_mu",
            json!({"type": "string", "description": "亩, two decimals"}),
        ),
        ("description", nullable(text())),
    ];
    let enterprise = vec![
        ("name", text()),
        (
            "credit_code",
            json!({"type": "string", "description": "统一社会信用代码, GB 32100-2015, 18 characters"}),
        ),
        ("industry", text()),
        ("a_official_id", nullable(id())),
        ("b_official_id", nullable(id())),
        ("task_force_id", nullable(id())),
        ("contact_name", nullable(text())),
        ("contact_phone", nullable(text())),
        ("address", nullable(text())),
    ];
    let project = vec![
        ("name", text()),
        ("code", nullable(text())),
        ("category", json!({"enum": feidi_core::model::Category::CODES})),
        ("zone_id", id()),
        ("enterprise_id", nullable(id())),
        ("phase", nullable(text())),
        ("total_investment", money()),
        ("expected_annual_output", nullable(money())),
        ("expected_jobs", nullable(id())),
        (
            "land_mu",
            nullable(
                json!({"type": "string", "description": "the land it needs (用地需求), 亩 with two decimals"}),
            ),
        ),
        ("a_official_id", nullable(id())),
        ("b_official_id", nullable(id())),
        ("description", nullable(text())),
        ("contact_name", nullable(text())),
        ("contact_phone", nullable(text())),
        ("sample", json!({"type": "boolean"})),
    ];
    let date = || json!({"type": "string", "format": "date"});
    let stage = vec![
        ("name", text()),
        ("start_date", date()),
        ("end_date", date()),
        ("target_project_count", nullable(id())),
        ("target_total_investment", nullable(money())),
        ("target_completed_investment", nullable(money())),
        ("target_annual_output", nullable(money())),
        ("target_jobs", nullable(id())),
        ("sample", json!({"type": "boolean"})),
        ("note", nullable(text())),
    ];
    let as_input = |props: &Vec<(&'static str, Value)>| -> Vec<(&'static str, Value)> {
        props
            .iter()
            .map(|(k, v)| {
                if v == &money() {
                    (*k, money_in())
                } else {
                    (*k, v.clone())
                }
            })
            .collect()
    };
    let user = vec![
        ("login", text()),
        ("name", text()),
        ("role", json!({"enum": feidi_core::model::Role::CODES})),
        ("enterprise_id", nullable(id())),
        ("phone", nullable(text())),
        ("lang", json!({"enum": ["zh", "en"]})),
        ("active", json!({"type": "boolean"})),
    ];
    let mut out = Map::new();
    out.insert(
        "Jurisdiction".into(),
        object(&stamped(jurisdiction.clone()), &["id", "name", "version"]),
    );
    out.insert("JurisdictionInput".into(), object(&jurisdiction, &["name"]));
    out.insert(
        "Zone".into(),
        object(&stamped(zone.clone()), &["id", "name", "version"]),
    );
    out.insert(
        "ZoneInput".into(),
        object(
            &zone,
            &[
                "name",
                "host_jurisdiction_id",
                "operator_jurisdiction_id",
                "area_mu",
            ],
        ),
    );
    out.insert(
        "Enterprise".into(),
        object(
            &stamped(enterprise.clone()),
            &["id", "name", "credit_code", "version"],
        ),
    );
    out.insert(
        "EnterpriseInput".into(),
        object(&enterprise, &["name", "credit_code", "industry"]),
    );
    out.insert(
        "Project".into(),
        object(&stamped(project.clone()), &["id", "name", "category", "version"]),
    );
    out.insert(
        "ProjectInput".into(),
        object(
            &as_input(&project),
            &["name", "category", "zone_id", "total_investment"],
        ),
    );
    out.insert(
        "Stage".into(),
        object(
            &stamped(stage.clone()),
            &["id", "name", "start_date", "end_date", "version"],
        ),
    );
    out.insert(
        "StageInput".into(),
        object(&as_input(&stage), &["name", "start_date", "end_date"]),
    );
    out.insert(
        "User".into(),
        object(&stamped(user.clone()), &["id", "login", "role", "version"]),
    );
    let mut user_in = user;
    user_in.push(("password", json!({"type": "string", "minLength": 10})));
    out.insert(
        "UserInput".into(),
        object(&user_in, &["login", "name", "role", "password"]),
    );
    out.insert(
        "Problem".into(),
        object(
            &[
                ("type", text()),
                ("title", text()),
                ("status", id()),
                ("detail", text()),
                (
                    "errors",
                    json!({"type": "array", "items": object(&[("field", text()), ("message", text())], &["field", "message"])}),
                ),
            ],
            &["type", "title", "status"],
        ),
    );
    out.insert(
        "Dashboard".into(),
        object(
            &[
                ("as_of", json!({"type": "string", "format": "date"})),
                ("project_count", id()),
                ("total_investment", money()),
                ("completed_investment", money()),
                ("pending_investment", money()),
                (
                    "completion_ratio",
                    json!({"type": "string", "pattern": "^[0-9]+\\.[0-9]{4}$"}),
                ),
                ("by_category", json!({"type": "array"})),
                ("lights", json!({"type": "object"})),
                (
                    "appeals",
                    object(
                        &[
                            ("open", id()),
                            ("overdue", id()),
                            ("escalated", id()),
                            ("ack_on_time_rate", ratio()),
                            ("resolve_on_time_rate", ratio()),
                            ("satisfaction_rate", ratio()),
                        ],
                        &["open", "overdue", "escalated"],
                    ),
                ),
                (
                    "land",
                    object(
                        &[
                            ("parcels", id()),
                            (
                                "area_mu",
                                json!({"type": "object", "description": "亩 (two decimals) by the status each parcel had reached by as_of: planned, approved, acquired, cleared, delivered, supplied"}),
                            ),
                            ("open_disputes", id()),
                            ("households", id()),
                            ("people", id()),
                            ("resettled_households", id()),
                            ("resettled_people", id()),
                            ("compensation_due", money()),
                            ("compensation_paid", money()),
                            (
                                "land_needed",
                                json!({"type": "string", "description": "亩 the projects signed by as_of need (their land_mu)"}),
                            ),
                            (
                                "days_without_dispute",
                                json!({"type": ["integer", "null"], "description": "days from the last dispute opened (or the land's first record) to as_of; null before any parcel"}),
                            ),
                        ],
                        &["parcels", "area_mu"],
                    ),
                ),
            ],
            &[
                "project_count",
                "total_investment",
                "completed_investment",
                "pending_investment",
                "completion_ratio",
            ],
        ),
    );
    out.insert("AuditEntry".into(), json!({"type": "object"}));
    appeal_schemas(&mut out);
    out
}

fn ratio() -> Value {
    json!({"type": "string", "pattern": "^[0-9]+\\.[0-9]{4}$"})
}

/// The schemas of appeals (M5), their calendar, organisation and webhooks.
fn appeal_schemas(out: &mut Map<String, Value>) {
    let task_force = vec![
        ("name", text()),
        ("leader_id", id()),
        ("description", nullable(text())),
    ];
    out.insert(
        "TaskForce".into(),
        object(
            &stamped(task_force.clone()),
            &["id", "name", "leader_id", "version"],
        ),
    );
    out.insert(
        "TaskForceInput".into(),
        object(&task_force, &["name", "leader_id"]),
    );
    let parcel = vec![
        ("code", text()),
        ("zone_id", id()),
        ("village", text()),
        (
            "area_mu",
            json!({"type": "string", "description": "亩, two decimals, more than zero"}),
        ),
        ("land_use", text()),
        (
            "boundary",
            json!({"type": ["object", "null"], "description": "a GeoJSON Polygon or MultiPolygon geometry in longitude/latitude (WGS 84 / CGCS2000)"}),
        ),
        (
            "sample",
            json!({"type": "boolean", "description": "made up for illustration, not surveyed"}),
        ),
    ];
    let mut parcel_out = parcel.clone();
    parcel_out.push(("status", json!({"enum": feidi_core::land::ParcelStatus::CODES})));
    parcel_out.push(("project_id", nullable(id())));
    out.insert(
        "Parcel".into(),
        object(
            &stamped(parcel_out),
            &[
                "id", "code", "zone_id", "village", "area_mu", "land_use", "status", "version",
            ],
        ),
    );
    let dispute = vec![
        ("parcel_id", nullable(id())),
        ("household_id", nullable(id())),
        (
            "category",
            json!({"enum": feidi_core::land::DisputeCategory::CODES}),
        ),
        ("description", text()),
        ("opened_on", json!({"type": "string", "format": "date"})),
    ];
    let mut dispute_out = dispute.clone();
    dispute_out.push(("status", json!({"enum": feidi_core::land::DisputeStatus::CODES})));
    dispute_out.push(("resolution", nullable(text())));
    dispute_out.push((
        "resolved_on",
        nullable(json!({"type": "string", "format": "date"})),
    ));
    out.insert(
        "Dispute".into(),
        object(
            &stamped(dispute_out),
            &["id", "category", "description", "status", "opened_on", "version"],
        ),
    );
    out.insert(
        "DisputeInput".into(),
        object(&dispute, &["category", "description"]),
    );
    let date = || json!({"type": "string", "format": "date"});
    let household = vec![
        ("village", text()),
        (
            "head_name",
            json!({"type": "string", "description": "户主: households are answered to admins, leaders and staff only; others get 404"}),
        ),
        ("people", id()),
        ("parcel_id", nullable(id())),
        (
            "id_number",
            json!({"type": ["string", "null"], "description": "an 18-character resident ID number, check character verified; answered masked (4107**********1234); sending the masked form keeps it, an empty string removes it; the whole number only through GET /households/{id}/id-number (admins, audited)"}),
        ),
        ("housing", nullable(text())),
        ("resettled_on", nullable(date())),
        ("sample", json!({"type": "boolean"})),
    ];
    out.insert(
        "Household".into(),
        object(
            &stamped(household.clone()),
            &["id", "village", "head_name", "people", "version"],
        ),
    );
    out.insert(
        "HouseholdInput".into(),
        object(&household, &["village", "head_name", "people"]),
    );
    let compensation = vec![("item", text()), ("amount", money_in()), ("due_date", date())];
    let mut compensation_out = vec![("item", text()), ("amount", money()), ("due_date", date())];
    compensation_out.push(("household_id", id()));
    compensation_out.push(("paid_on", nullable(date())));
    out.insert(
        "Compensation".into(),
        object(
            &stamped(compensation_out),
            &["id", "household_id", "item", "amount", "due_date", "paid_on"],
        ),
    );
    out.insert(
        "CompensationInput".into(),
        object(&compensation, &["item", "amount", "due_date"]),
    );
    out.insert(
        "ParcelInput".into(),
        object(&parcel, &["code", "zone_id", "village", "area_mu", "land_use"]),
    );
    let status = json!({"enum": ["submitted", "acknowledged", "resolved", "closed", "reopened"]});
    let role = json!({"enum": ["A", "B", "assigned", "escalated"]});
    out.insert(
        "Appeal".into(),
        object(
            &stamped(vec![
                ("enterprise_id", id()),
                ("project_id", nullable(id())),
                ("category", text()),
                ("title", text()),
                ("description", text()),
                ("status", status),
                ("handler_id", nullable(id())),
                ("handler_role", role),
                ("submitted_at", instant()),
                ("ack_due_at", nullable(instant())),
                ("resolve_due_at", instant()),
                ("due_at", nullable(instant())),
                ("overdue", json!({"type": "boolean"})),
                ("escalated", json!({"type": "boolean"})),
                ("acknowledged_at", nullable(instant())),
                ("resolved_at", nullable(instant())),
                ("resolution", nullable(text())),
                (
                    "rating",
                    nullable(json!({"enum": ["satisfied", "basically_satisfied", "unsatisfied"]})),
                ),
                ("returns", id()),
                ("reopens", id()),
            ]),
            &[
                "id",
                "status",
                "handler_id",
                "handler_role",
                "ack_due_at",
                "resolve_due_at",
                "version",
            ],
        ),
    );
    out.insert(
        "AppealInput".into(),
        object(
            &[
                ("enterprise_id", id()),
                ("project_id", nullable(id())),
                ("category", text()),
                ("title", text()),
                ("description", text()),
                ("submitted_at", instant()),
            ],
            &["category", "title", "description"],
        ),
    );
    out.insert(
        "AppealEvent".into(),
        object(
            &[
                ("at", instant()),
                ("kind", json!({"enum": feidi_core::appeals::EventKind::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>()})),
                ("actor_id", nullable(id())),
                ("handler_id", nullable(id())),
                ("reason", nullable(text())),
                ("detail", nullable(text())),
            ],
            &["at", "kind"],
        ),
    );
    out.insert(
        "Webhook".into(),
        object(
            &stamped(vec![
                ("url", text()),
                ("events", json!({"type": "array", "items": text()})),
                ("active", json!({"type": "boolean"})),
            ]),
            &["id", "url", "events", "active", "version"],
        ),
    );
    out.insert(
        "WebhookInput".into(),
        object(
            &[
                ("url", text()),
                ("secret", json!({"type": "string", "minLength": 16})),
                ("events", json!({"type": "array", "items": text()})),
                ("active", json!({"type": "boolean"})),
            ],
            &["url", "secret", "events"],
        ),
    );
}

/// The paths of appeals (M5), their calendar, organisation and webhooks.
fn appeal_paths(paths: &mut Map<String, Value>) {
    let date = || json!({"type": "string", "format": "date"});
    let path_text =
        |name: &str| json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}});
    paths.insert(
        "/appeals".into(),
        json!({
            "get": operation("List appeals, newest first (an enterprise user: its own)", {
                let mut p = paging();
                p.push(query_param("status", json!({"enum": ["submitted", "acknowledged", "resolved", "closed", "reopened"]})));
                p.push(query_param("handler_id", id()));
                p.push(query_param("enterprise_id", id()));
                p.push(query_param("overdue", json!({"type": "boolean"})));
                p.push(query_param("escalated", json!({"type": "boolean"})));
                p
            }, None, vec![answer("200", "a page", Some(page_of("Appeal")))]),
            "post": operation("Submit an appeal: its handler by the AB rule, its deadlines by the working-day calendar; Idempotency-Key honoured", vec![], Some("AppealInput"), vec![
                answer("201", "submitted", Some(reference("Appeal"))),
                answer("422", "invalid fields", problem()),
            ]),
        }),
    );
    paths.insert(
        "/appeals/stats".into(),
        json!({"get": operation("Appeal statistics by category, official and month of submission: counts, on-time acknowledgement and resolution rates, satisfaction rate, returns", vec![query_param("from", date()), query_param("to", date())], None, vec![answer("200", "the statistics", Some(json!({"type": "object"})))])}),
    );
    paths.insert(
        "/appeals/{id}".into(),
        json!({"get": operation("One appeal (another enterprise's: 404)", vec![path_id()], None, vec![answer("200", "the appeal", Some(reference("Appeal"))), answer("404", "no such appeal", problem())])}),
    );
    paths.insert(
        "/appeals/{id}/events".into(),
        json!({"get": operation("The appeal's timeline, oldest first", vec![path_id()], None, vec![answer("200", "the events", Some(json!({"type": "array", "items": reference("AppealEvent")})))])}),
    );
    let attachment = object(
        &[
            ("id", id()),
            ("appeal_id", id()),
            ("name", text()),
            (
                "content_type",
                json!({"enum": ["image/jpeg", "image/png", "image/webp", "application/pdf"]}),
            ),
            ("size", json!({"type": "integer"})),
            ("uploaded_by", nullable(id())),
            ("created_at", instant()),
        ],
        &["id", "name", "content_type", "size"],
    );
    paths.insert(
        "/appeals/{id}/attachments".into(),
        json!({
            "get": operation("The appeal's files, in the order they came", vec![path_id()], None, vec![answer("200", "the files", Some(json!({"type": "array", "items": attachment.clone()})))]),
            "post": {
                "summary": "Attach a file: one `file` field, JPEG, PNG, WebP or PDF by its bytes, at most 10 MB; anything else 422 naming `file`. Not once the appeal is closed",
                "parameters": [path_id()],
                "requestBody": {"content": {"multipart/form-data": {"schema": object(&[("file", json!({"type": "string", "format": "binary"}))], &["file"])}}},
                "responses": {
                    "201": {"description": "the file kept", "content": {"application/json": {"schema": attachment}}},
                    "404": {"description": "no such appeal, or another enterprise's"},
                    "422": {"description": "not a photo or PDF, empty, over 10 MB, or the appeal is closed"},
                },
            },
        }),
    );
    paths.insert(
        "/appeals/{id}/attachments/{attachment_id}".into(),
        json!({"get": {
            "summary": "The file's bytes with their checked type; images inline, PDF as a download (Content-Disposition: attachment). `size=thumb` answers a photo's small copy (JPEG, at most 320 px a side), or the file itself where there is none",
            "parameters": [path_id(), {"name": "attachment_id", "in": "path", "required": true, "schema": {"type": "integer"}}, query_param("size", json!({"enum": ["thumb"]}))],
            "responses": {"200": {"description": "the bytes"}, "404": {"description": "no such file of this appeal, or another enterprise's"}},
        }}),
    );
    paths.insert(
        "/appeals/{id}/{action}".into(),
        json!({"post": {
            "summary": "Act on an appeal: acknowledge; return {reason}; reassign {handler_id, note?}; resolve {resolution}; rate {rating, comment?} (unsatisfied reopens); reopen {reason}. Optional `version`: a stale one is 409",
            "parameters": [path_id(), {"name": "action", "in": "path", "required": true, "schema": {"enum": ["acknowledge", "return", "reassign", "resolve", "rate", "reopen"]}}],
            "requestBody": {"content": {"application/json": {"schema": {"type": "object"}}}},
            "responses": {
                "200": {"description": "the appeal after the action", "content": {"application/json": {"schema": reference("Appeal")}}},
                "403": {"description": "not the caller's to do"},
                "409": {"description": "not in this state, or stale version"},
                "422": {"description": "invalid fields"}
            }
        }}),
    );
    paths.insert(
        "/inbox".into(),
        json!({"get": operation("The caller's open appeals by deadline, 50 to a page (leaders: also those the leaders hold)", paging(), None, vec![answer("200", "a page", Some(page_of("Appeal")))])}),
    );
    paths.insert(
        "/appeal-categories".into(),
        json!({"get": operation("Appeal categories and their resolve time in working days", vec![], None, vec![answer("200", "the categories", Some(json!({"type": "array"})))])}),
    );
    paths.insert(
        "/appeal-categories/{key}".into(),
        json!({"put": operation("Create or replace a category (admins): {name, resolve_working_days, name_en?} (name_en: its name on English pages; left as it was when not given, taken away by null)", vec![path_text("key")], None, vec![answer("200", "the category", Some(json!({"type": "object"}))), answer("422", "invalid fields", problem())])}),
    );
    paths.insert(
        "/calendar".into(),
        json!({"get": operation("The dates the working-day calendar marks", vec![query_param("year", id())], None, vec![answer("200", "the dates", Some(json!({"type": "array"})))])}),
    );
    paths.insert(
        "/calendar/{date}".into(),
        json!({
            "put": operation("Mark a date (admins): {kind: holiday | workday, name?}", vec![path_text("date")], None, vec![answer("200", "the date", Some(json!({"type": "object"}))), answer("422", "invalid fields", problem())]),
            "delete": operation("Unmark a date (admins)", vec![path_text("date")], None, vec![answer("204", "unmarked", None)]),
        }),
    );
    paths.insert(
        "/users/{id}/absences".into(),
        json!({
            "get": operation("An official's absences", vec![path_id()], None, vec![answer("200", "the absences", Some(json!({"type": "array"})))]),
            "post": operation("Record an absence {from, to, reason} (dates inclusive); `warnings` names enterprises whose A and B would both be away", vec![path_id()], None, vec![answer("201", "recorded", Some(json!({"type": "object"}))), answer("422", "invalid fields", problem())]),
        }),
    );
    paths.insert(
        "/users/{id}/absences/{absence_id}".into(),
        json!({"delete": operation("Remove an absence", vec![path_id(), json!({"name": "absence_id", "in": "path", "required": true, "schema": id()})], None, vec![answer("204", "removed", None)])}),
    );
    paths.insert(
        "/task-forces/{id}/members".into(),
        json!({"get": operation("A task force's members [{user_id, name, login, role, active}], by name", vec![path_id()], None, vec![answer("200", "the members", Some(json!({"type": "array"}))), answer("404", "no such task force", problem())])}),
    );
    paths.insert(
        "/task-forces/{id}/members/{user_id}".into(),
        json!({
            "put": operation("Put an official (an active leader or staff member) on the task force; the answer is the members", vec![path_id(), json!({"name": "user_id", "in": "path", "required": true, "schema": id()})], None, vec![answer("201", "added", Some(json!({"type": "array"}))), answer("200", "already a member", Some(json!({"type": "array"}))), answer("422", "not an official", problem())]),
            "delete": operation("Take an official off the task force", vec![path_id(), json!({"name": "user_id", "in": "path", "required": true, "schema": id()})], None, vec![answer("204", "removed", None), answer("404", "not a member", problem())]),
        }),
    );
    paths.insert(
        "/absences".into(),
        json!({"get": operation("Everyone's absences overlapping from..to", vec![query_param("from", date()), query_param("to", date())], None, vec![answer("200", "the absences", Some(json!({"type": "array"})))])}),
    );
    paths.insert(
        "/webhooks".into(),
        json!({
            "get": operation("Registered endpoints (admins)", vec![], None, vec![answer("200", "the endpoints", Some(json!({"type": "array", "items": reference("Webhook")})))]),
            "post": operation("Register an endpoint (admins): each appeal event it wants is POSTed as {id, event, occurred_at, appeal} (the appeal as it stands at the first attempt, normally moments after the event; every retry sends the same bytes) with X-Feidi-Event, X-Feidi-Delivery and X-Feidi-Signature: sha256=HMAC-SHA256(body, secret); retried with back-off for 24 hours", vec![], Some("WebhookInput"), vec![answer("201", "registered", Some(reference("Webhook"))), answer("422", "invalid fields", problem())]),
        }),
    );
    paths.insert(
        "/webhooks/{id}".into(),
        json!({
            "get": operation("One endpoint (admins)", vec![path_id()], None, vec![answer("200", "the endpoint", Some(reference("Webhook")))]),
            "patch": operation("Change an endpoint (admins); send its version", vec![path_id()], Some("WebhookInput"), vec![answer("200", "changed", Some(reference("Webhook"))), answer("409", "stale version", problem())]),
            "delete": operation("Remove an endpoint and its deliveries (admins)", vec![path_id()], None, vec![answer("204", "removed", None)]),
        }),
    );
    paths.insert(
        "/webhooks/{id}/deliveries".into(),
        json!({"get": operation("An endpoint's deliveries, newest first, each with every attempt", {
            let mut p = vec![path_id()];
            p.extend(paging());
            p
        }, None, vec![answer("200", "a page", Some(json!({"type": "object"})))])}),
    );
}

fn reference(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

fn page_of(schema: &str) -> Value {
    json!({"type": "object", "properties": {
        "items": {"type": "array", "items": reference(schema)},
        "total": id(), "page": id(), "per_page": id()
    }, "required": ["items", "total", "page", "per_page"]})
}

fn answer(status: &str, description: &str, schema: Option<Value>) -> (String, Value) {
    let mut v = json!({"description": description});
    if let Some(s) = schema {
        let media = if status.starts_with('2') {
            "application/json"
        } else {
            "application/problem+json"
        };
        v["content"] = json!({ media: {"schema": s} });
    }
    (status.to_string(), v)
}

fn operation(summary: &str, params: Vec<Value>, body: Option<&str>, answers: Vec<(String, Value)>) -> Value {
    let mut op = json!({"summary": summary, "parameters": params, "responses": answers.into_iter().collect::<Map<_, _>>()});
    if let Some(schema) = body {
        op["requestBody"] =
            json!({"required": true, "content": {"application/json": {"schema": reference(schema)}}});
    }
    op["responses"]["401"] = json!({"description": "no or bad credentials", "content": {"application/problem+json": {"schema": reference("Problem")}}});
    op
}

fn query_param(name: &str, schema: Value) -> Value {
    json!({"name": name, "in": "query", "required": false, "schema": schema})
}

fn path_id() -> Value {
    json!({"name": "id", "in": "path", "required": true, "schema": id()})
}

fn paging() -> Vec<Value> {
    vec![
        query_param("page", json!({"type": "integer", "minimum": 1})),
        query_param(
            "per_page",
            json!({"type": "integer", "minimum": 1, "maximum": 500}),
        ),
        query_param(
            "sort",
            json!({"type": "string", "description": "a column; prefix - for descending"}),
        ),
        query_param("order", json!({"enum": ["asc", "desc"]})),
    ]
}

fn problem() -> Option<Value> {
    Some(reference("Problem"))
}

fn crud_paths<K: Kind>(paths: &mut Map<String, Value>) {
    let schema = K::SCHEMA;
    let input = format!("{schema}Input");
    let mut list_params = paging();
    list_params.push(query_param(
        "q",
        json!({"type": "string", "description": "name contains"}),
    ));
    for (name, kind) in K::FILTERS {
        let s = match kind {
            FilterType::Id => id(),
            FilterType::Text => text(),
        };
        list_params.push(query_param(name, s));
    }
    let idem = json!({"name": "Idempotency-Key", "in": "header", "required": false, "schema": text()});
    paths.insert(
        format!("/{}", K::PATH),
        json!({
            "get": operation(&format!("List {}", K::PATH), list_params, None, vec![answer("200", "a page", Some(page_of(schema))), answer("422", "bad filter", problem())]),
            "post": operation(&format!("Create a {schema}"), vec![idem], Some(&input), vec![
                answer("201", "created", Some(reference(schema))),
                answer("200", "already created with this Idempotency-Key", Some(reference(schema))),
                answer("403", "not allowed", problem()),
                answer("422", "invalid fields, each named", problem()),
            ]),
        }),
    );
    let version_param = query_param("version", id());
    paths.insert(
        format!("/{}/{{id}}", K::PATH),
        json!({
            "get": operation(&format!("Read a {schema}"), vec![path_id()], None, vec![answer("200", "the record", Some(reference(schema))), answer("404", "no such record, or not visible", problem())]),
            "patch": operation(&format!("Update a {schema} (send the version read)"), vec![path_id()], Some(&input), vec![
                answer("200", "updated", Some(reference(schema))),
                answer("404", "no such record", problem()),
                answer("409", "stale version: nothing changed", problem()),
                answer("422", "invalid fields", problem()),
            ]),
            "delete": operation(&format!("Delete a {schema} nothing refers to"), vec![path_id(), version_param], None, vec![
                answer("204", "deleted", None),
                answer("409", "still referred to, or stale version", problem()),
            ]),
        }),
    );
}

/// The whole document.
pub fn document() -> Value {
    let mut paths = Map::new();
    crud_paths::<Jurisdictions>(&mut paths);
    crud_paths::<Zones>(&mut paths);
    crud_paths::<Enterprises>(&mut paths);
    crud_paths::<Projects>(&mut paths);
    crud_paths::<Stages>(&mut paths);
    crud_paths::<TaskForces>(&mut paths);
    crud_paths::<Parcels>(&mut paths);
    crud_paths::<Disputes>(&mut paths);
    crud_paths::<Households>(&mut paths);
    paths.insert(
        "/households/{id}/compensations".into(),
        json!({
            "get": operation("A household's compensation items", vec![path_id()], None, vec![answer("200", "the items", Some(json!({"type": "array", "items": reference("Compensation")})))]),
            "post": operation("Add a compensation item (staff)", vec![path_id()], Some("CompensationInput"), vec![answer("201", "the item", Some(reference("Compensation"))), answer("422", "invalid fields", problem())]),
        }),
    );
    paths.insert(
        "/households/{id}/compensations/{cid}/pay".into(),
        json!({"post": operation(
            "Record that the item was paid: `{paid_on}` (not after today); an item already paid is 409",
            vec![path_id(), json!({"name": "cid", "in": "path", "required": true, "schema": id()})],
            None,
            vec![answer("200", "the item", Some(reference("Compensation"))), answer("409", "already paid", problem())],
        )}),
    );
    paths.insert(
        "/households/{id}/id-number".into(),
        json!({"get": operation(
            "The whole ID number (admins only; the look is written to the audit log)",
            vec![path_id()],
            None,
            vec![answer("200", "{id, id_number}", Some(json!({"type": "object"}))), answer("403", "not an admin", problem())],
        )}),
    );
    paths.insert(
        "/resettlement".into(),
        json!({"get": operation(
            "Resettlement by village as of a day: households, people, those resettled by then, compensation due by then and paid by then (admins, leaders, staff)",
            vec![query_param("as_of", json!({"type": "string", "format": "date"}))],
            None,
            vec![answer("200", "{as_of, villages: [...], total}", Some(json!({"type": "object"})))],
        )}),
    );
    paths.insert(
        "/disputes/{id}/{action}".into(),
        json!({"post": operation(
            "`mediate` an open dispute, or `resolve` an open or mediating one with `{resolution}` (how it was settled); another move is 409",
            vec![path_id(), json!({"name": "action", "in": "path", "required": true, "schema": {"enum": ["mediate", "resolve"]}})],
            None,
            vec![answer("200", "the dispute", Some(reference("Dispute"))), answer("409", "not in this state", Some(reference("Problem")))],
        )}),
    );
    let parcel_step = object(
        &[
            ("status", json!({"enum": feidi_core::land::ParcelStatus::CODES})),
            ("date", json!({"type": "string", "format": "date"})),
            ("document_no", nullable(text())),
            ("project_id", nullable(id())),
        ],
        &["status", "date"],
    );
    let mut step_out = parcel_step.clone();
    if let Some(fields) = step_out["properties"].as_object_mut() {
        fields.insert("id".into(), id());
        fields.insert("parcel_id".into(), id());
        fields.insert("recorded_by".into(), nullable(id()));
        fields.insert("recorded_at".into(), instant());
    }
    let mut post_step = operation(
        "Move the parcel to the next status of planned → approved (报批) → acquired (征收) → cleared (清表) → delivered (交地) → supplied (供地); any other status is 409; a supply needs `project_id` (422 naming it)",
        vec![path_id()],
        None,
        vec![
            answer("200", "the parcel", Some(reference("Parcel"))),
            answer("409", "not the next status", Some(reference("Problem"))),
        ],
    );
    post_step["requestBody"] =
        json!({"required": true, "content": {"application/json": {"schema": parcel_step}}});
    paths.insert(
        "/parcels/{id}/steps".into(),
        json!({
            "get": operation("A parcel's steps, oldest first", vec![path_id()], None, vec![answer("200", "the steps", Some(json!({"type": "array", "items": step_out})))]),
            "post": post_step,
        }),
    );
    paths.insert(
        "/parcels.geojson".into(),
        json!({"get": operation("The parcels (of a zone) as a GeoJSON FeatureCollection; each feature's properties: id, code, zone_id, village, area_mu, land_use, status, project_id", vec![query_param("zone_id", id())], None, vec![answer("200", "a FeatureCollection", Some(json!({"type": "object"})))])}),
    );
    appeal_paths(&mut paths);
    paths.insert(
        "/users".into(),
        json!({
            "get": operation("List users (admins)", paging(), None, vec![answer("200", "a page", Some(page_of("User")))]),
            "post": operation("Add a user (admins)", vec![], Some("UserInput"), vec![answer("201", "created", Some(reference("User"))), answer("422", "invalid fields", problem())]),
        }),
    );
    paths.insert(
        "/users/{id}".into(),
        json!({
            "get": operation("Read a user (admins, or oneself)", vec![path_id()], None, vec![answer("200", "the user", Some(reference("User")))]),
            "patch": operation("Update a user (admins)", vec![path_id()], Some("UserInput"), vec![answer("200", "updated", Some(reference("User"))), answer("409", "stale version", problem())]),
        }),
    );
    paths.insert(
        "/users/{id}/tokens".into(),
        json!({
            "post": {
                "summary": "Issue an API token (admins, or oneself); its secret is shown once",
                "parameters": [path_id()],
                "requestBody": {"required": false, "content": {"application/json": {"schema": {"type": "object", "properties": {
                    "label": {"type": "string", "maxLength": 100},
                    "expires_at": {"type": "string", "description": "a day YYYY-MM-DD (its end in Asia/Shanghai) or an RFC 3339 instant, in the future"},
                }}}}},
                "responses": {
                    "201": {"description": "the token", "content": {"application/json": {"schema": object(&[("id", id()), ("token", text())], &["id", "token"])}}},
                    "422": {"description": "a bad label or expiry"},
                },
            },
            "get": operation("A user's API tokens, newest first, never their secrets (admins, or oneself)", vec![path_id()], None, vec![
                answer("200", "the tokens", Some(json!({"type": "array", "items": object(&[("id", id()), ("label", text()), ("created_at", text()), ("last_used_at", text()), ("expires_at", text())], &["id", "created_at"])}))),
            ]),
        }),
    );
    paths.insert(
        "/users/{id}/tokens/{token_id}".into(),
        json!({"delete": {
            "summary": "Revoke a token at once (admins, or oneself; deactivating a user revokes all of theirs)",
            "parameters": [path_id(), {"name": "token_id", "in": "path", "required": true, "schema": {"type": "integer"}}],
            "responses": {"204": {"description": "revoked"}, "404": {"description": "no such token of that user"}},
        }}),
    );
    paths.insert(
        "/me".into(),
        json!({"get": operation("The calling user", vec![], None, vec![answer("200", "the user", Some(reference("User")))])}),
    );
    paths.insert(
        "/dashboard".into(),
        json!({"get": operation("The programme at a glance", vec![query_param("as_of", json!({"type": "string", "format": "date"}))], None, vec![
            answer("200", "figures", Some(reference("Dashboard"))),
        ])}),
    );
    paths.insert(
        "/cockpit".into(),
        json!({"get": operation("The leaders' cockpit: totals, lights, red list with reasons, trend, shares by category and zone, stage progress", vec![
            query_param("as_of", json!({"type": "string", "format": "date"})),
            query_param("zone_id", id()),
            query_param("category", json!({"enum": feidi_core::model::Category::CODES})),
        ], None, vec![
            answer("200", "figures", Some(json!({"type": "object"}))),
            answer("403", "not for enterprise users", problem()),
        ])}),
    );
    paths.insert(
        "/exports/dispatch".into(),
        json!({"get": operation("The monthly dispatch report (调度报告): every project with its month, year to date, since start, completion and light, subtotals per category", vec![
            query_param("month", json!({"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$"})),
            query_param("format", json!({"enum": ["xlsx", "json"], "default": "xlsx"})),
        ], None, vec![
            (
                "200".to_string(),
                json!({"description": "the workbook (xlsx) or the report (json)", "content": {
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {"schema": {"type": "string", "format": "binary"}},
                    "application/json": {"schema": {"type": "object"}}
                }}),
            ),
            answer("422", "a bad month or format", problem()),
        ])}),
    );
    paths.insert(
        "/imports/{kind}".into(),
        json!({"post": {
            "summary": "Import projects or monthly reports: the file (CSV or XLSX) is the body, its name in X-File-Name; any bad row: 422 naming every bad row (line, field), nothing written",
            "parameters": [{"name": "kind", "in": "path", "required": true, "schema": {"enum": ["projects", "reports"]}}],
            "requestBody": {"required": true, "content": {
                "text/csv": {"schema": {"type": "string"}},
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {"schema": {"type": "string", "format": "binary"}}
            }},
            "responses": {
                "201": {"description": "imported", "content": {"application/json": {"schema": object(&[("kind", text()), ("rows", id()), ("checksum", text())], &["kind", "rows", "checksum"])}}},
                "422": {"description": "bad rows: `errors` holds {line, field, message} for each", "content": {"application/problem+json": {"schema": {"type": "object"}}}}
            }
        }}),
    );
    paths.insert(
        "/audit".into(),
        json!({"get": operation("Who changed what, when, before and after", {
            let mut p = paging();
            p.push(query_param("entity", text()));
            p.push(query_param("entity_id", id()));
            p.push(query_param("actor_id", id()));
            p
        }, None, vec![answer("200", "a page, newest first", Some(page_of("AuditEntry")))])}),
    );
    let milestone = object(
        &[
            (
                "kind",
                json!({"enum": ["signed", "land_supplied", "construction_started", "topped_out", "completed", "production_started", "full_output"]}),
            ),
            ("planned_date", json!({"type": "string", "format": "date"})),
            (
                "actual_date",
                nullable(json!({"type": "string", "format": "date"})),
            ),
            ("variance_days", nullable(id())),
            ("light", json!({"enum": ["green", "yellow", "red"]})),
            ("version", id()),
        ],
        &["kind", "planned_date", "light", "version"],
    );
    paths.insert(
        "/projects/{id}/milestones".into(),
        json!({"get": operation("A project's milestones, judged as of a day", vec![path_id(), query_param("as_of", json!({"type": "string", "format": "date"}))], None, vec![
            answer("200", "the milestones, in order", Some(json!({"type": "array", "items": milestone.clone()}))),
            answer("404", "no such project, or not visible", problem()),
        ])}),
    );
    paths.insert(
        "/projects/{id}/milestones/{kind}".into(),
        json!({"put": {
            "summary": "Set a milestone's planned and actual dates (variance = planned − actual, positive = ahead)",
            "parameters": [path_id(), {"name": "kind", "in": "path", "required": true, "schema": milestone["properties"]["kind"].clone()}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": object(&[
                ("planned_date", json!({"type": "string", "format": "date"})),
                ("actual_date", nullable(json!({"type": "string", "format": "date"}))),
                ("version", id()),
            ], &["planned_date"])}}},
            "responses": {
                "200": {"description": "the milestone", "content": {"application/json": {"schema": milestone}}},
                "409": {"description": "stale version", "content": {"application/problem+json": {"schema": reference("Problem")}}},
                "422": {"description": "invalid dates or kind", "content": {"application/problem+json": {"schema": reference("Problem")}}},
            }
        }}),
    );
    let report = object(
        &[
            ("project_id", id()),
            (
                "month",
                json!({"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$"}),
            ),
            ("completed_investment", money()),
            ("progress_note", nullable(text())),
            ("problems", nullable(text())),
            ("status", json!({"enum": ["submitted", "approved", "returned"]})),
            ("return_reason", nullable(text())),
            ("version", id()),
        ],
        &["project_id", "month", "completed_investment", "status", "version"],
    );
    let mut queued = report.clone();
    if let Some(fields) = queued["properties"].as_object_mut() {
        fields.insert("project_name".into(), text());
        fields.insert("zone_id".into(), id());
        fields.insert("enterprise_id".into(), nullable(id()));
    }
    paths.insert(
        "/reports".into(),
        json!({"get": operation(
            "The monthly reports of a status, with their project: a reviewer's queue (default: awaiting review, oldest sent first; `approved`, `returned` or `all`: newest month first). An enterprise's user sees its own projects' reports only",
            vec![
                query_param("status", json!({"enum": ["submitted", "approved", "returned", "all"]})),
                query_param("month", json!({"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$"})),
                query_param("project_id", id()),
                query_param("zone_id", id()),
                query_param("page", id()),
                query_param("per_page", id()),
            ],
            None,
            vec![answer("200", "a page of reports", Some(json!({"type": "object", "properties": {
                "items": {"type": "array", "items": queued},
                "total": id(), "page": id(), "per_page": id()
            }, "required": ["items", "total", "page", "per_page"]})))],
        )}),
    );
    let plan = object(
        &[
            ("project_id", id()),
            ("year", id()),
            ("planned_investment", money()),
            ("version", id()),
        ],
        &["project_id", "year", "planned_investment", "version"],
    );
    paths.insert(
        "/projects/{id}/progress".into(),
        json!({"get": operation("A project's investment against plan and its lights, as of a day", vec![path_id(), query_param("as_of", json!({"type": "string", "format": "date"}))], None, vec![
            answer("200", "year to date, since start, pending, the annual light (序时进度) and the project light (the worst of its lights)", Some(object(&[
                ("as_of", json!({"type": "string", "format": "date"})),
                ("annual_plan", nullable(money())),
                ("year_to_date", money()),
                ("since_start", money()),
                ("pending_investment", money()),
                ("completion_ratio", json!({"type": "string"})),
                ("elapsed_months", id()),
                ("annual_light", nullable(json!({"enum": ["green", "yellow", "red"]}))),
                ("milestone_light", nullable(json!({"enum": ["green", "yellow", "red"]}))),
                ("missing_reports", nullable(id())),
                ("last_due_month", text()),
                ("reporting_light", nullable(json!({"enum": ["green", "yellow", "red"]}))),
                ("light", nullable(json!({"enum": ["green", "yellow", "red"]}))),
            ], &["as_of", "year_to_date", "since_start"]))),
        ])}),
    );
    paths.insert(
        "/projects/{id}/plans".into(),
        json!({"get": operation("A project's annual plans", vec![path_id()], None, vec![answer("200", "the plans by year", Some(json!({"type": "array", "items": plan.clone()})))])}),
    );
    paths.insert(
        "/projects/{id}/plans/{year}".into(),
        json!({"put": {"summary": "Set a project's planned investment for a year (staff)", "parameters": [path_id(), {"name": "year", "in": "path", "required": true, "schema": id()}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": object(&[("planned_investment", money_in()), ("version", id())], &["planned_investment"])}}},
            "responses": {"200": {"description": "the plan", "content": {"application/json": {"schema": plan}}}, "409": {"description": "stale version"}, "422": {"description": "invalid fields"}}}}),
    );
    paths.insert(
        "/projects/{id}/reports".into(),
        json!({"get": operation("A project's monthly reports, newest first", vec![path_id()], None, vec![answer("200", "the reports", Some(json!({"type": "array", "items": report.clone()})))])}),
    );
    let month_param = json!({"name": "month", "in": "path", "required": true, "schema": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$"}});
    paths.insert(
        "/projects/{id}/reports/{month}".into(),
        json!({"put": {"summary": "Submit or resubmit a month's report (reporters, the project's enterprise, staff); an approved report is locked (409)",
            "parameters": [path_id(), month_param.clone()],
            "requestBody": {"required": true, "content": {"application/json": {"schema": object(&[("completed_investment", money_in()), ("progress_note", text()), ("problems", text()), ("version", id())], &["completed_investment"])}}},
            "responses": {"200": {"description": "the report, submitted", "content": {"application/json": {"schema": report.clone()}}}, "409": {"description": "approved and locked, or stale version"}, "422": {"description": "invalid fields"}}}}),
    );
    paths.insert(
        "/projects/{id}/reports/{month}/{action}".into(),
        json!({"post": {"summary": "approve or return ({reason}) a submitted report (staff); reopen an approved one (admins)",
            "parameters": [path_id(), month_param, {"name": "action", "in": "path", "required": true, "schema": {"enum": ["approve", "return", "reopen"]}}],
            "requestBody": {"required": false, "content": {"application/json": {"schema": object(&[("reason", text())], &[])}}},
            "responses": {"200": {"description": "the report after the action", "content": {"application/json": {"schema": report}}}, "409": {"description": "not allowed in the report's state"}}}}),
    );
    paths.insert(
        "/reports/due".into(),
        json!({"get": operation("Who owes a month's report and who sent it late (default: the last month ended)", vec![query_param("month", json!({"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$"}))], None, vec![
            answer("200", "the due date, whether it has passed, the missing and the late", Some(object(&[
                ("month", text()),
                ("due_date", json!({"type": "string", "format": "date"})),
                ("overdue", json!({"type": "boolean"})),
                ("missing", json!({"type": "array", "items": object(&[("project_id", id()), ("name", text())], &["project_id", "name"])})),
                ("late", json!({"type": "array", "items": object(&[("project_id", id()), ("name", text()), ("first_submitted_at", instant())], &["project_id"])})),
            ], &["month", "due_date", "overdue", "missing", "late"]))),
        ])}),
    );
    paths.insert(
        "/settings/report-due-day".into(),
        json!({
            "get": operation("The day of the next month a report is due by", vec![], None, vec![answer("200", "the day", Some(object(&[("day", id())], &["day"])))]),
            "put": {"summary": "Change the due day, 1 to 28 (admins)", "requestBody": {"required": true, "content": {"application/json": {"schema": object(&[("day", id())], &["day"])}}}, "responses": {"200": {"description": "the day"}}},
        }),
    );
    paths.insert(
        "/settings/light-rule".into(),
        json!({
            "get": operation("The light rule in force: days late a milestone stays yellow, and months of missing monthly reports that make a project red (one missing past its due day is yellow)", vec![], None, vec![answer("200", "the rule", Some(object(&[("yellow_days", id()), ("report_red_months", id())], &["yellow_days", "report_red_months"])))]),
            "put": {"summary": "Change the light rule (admins); report_red_months (1–24) may be left out to keep it", "requestBody": {"required": true, "content": {"application/json": {"schema": object(&[("yellow_days", id()), ("report_red_months", id())], &["yellow_days"])}}}, "responses": {"200": {"description": "the rule"}}},
        }),
    );
    let allow = json!({"type": "object", "properties": {"allow_internal": {"type": "boolean"}}, "required": ["allow_internal"]});
    paths.insert(
        "/settings/webhooks".into(),
        json!({
            "get": operation("Whether webhooks may reach loopback, link-local and private addresses (admins; off by default)", vec![], None, vec![answer("200", "the setting", Some(allow.clone()))]),
            "put": {"summary": "Allow or forbid internal webhook targets (admins; audited)", "requestBody": {"required": true, "content": {"application/json": {"schema": allow}}}, "responses": {"200": {"description": "the setting"}, "422": {"description": "allow_internal is not a boolean"}}},
        }),
    );
    paths.insert(
        "/openapi.json".into(),
        json!({"get": {"summary": "This document", "security": [], "responses": {"200": {"description": "OpenAPI 3.1"}}}}),
    );
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "feidi API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "The JSON API of feidi, the enclave industrial park programme system. Money is a decimal string in yuan; errors are RFC 9457 problem+json."
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": schemas(),
        },
        "paths": paths,
    })
}
