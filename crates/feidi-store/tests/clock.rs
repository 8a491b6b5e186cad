//! The store reads no clock where a rule depends on it: an appeal submitted and acted on, and
//! a report submitted, at instants the test chooses are judged on those instants.

use feidi_core::model::Role;
use feidi_core::policy::{Principal, Scope};
use feidi_core::registry::{EnterpriseInput, UserInput};
use feidi_core::time::parse_instant;
use feidi_store::testing::TestDb;
use feidi_store::{AppealAction, AppealFilter, Backend, NewAppeal, both_backends};
use serde_json::{Map, Value, json};

fn map(v: Value) -> Map<String, Value> {
    v.as_object().cloned().unwrap_or_default()
}

async fn appeals_at_chosen_instants(backend: Backend) {
    let (_db, store) = TestDb::store(backend).await;
    let input =
        UserInput::parse(&map(json!({"login": "root", "name": "管理员", "role": "admin"}))).expect("user");
    let (admin, _) = store
        .create_user(None, &input, "x".into(), None)
        .await
        .expect("admin");
    let input =
        UserInput::parse(&map(json!({"login": "zhang", "name": "张三", "role": "staff"}))).expect("user");
    let (official, _) = store
        .create_user(None, &input, "x".into(), None)
        .await
        .expect("official");
    let input = EnterpriseInput::parse(&map(json!({
        "name": "示例卫材有限公司", "credit_code": "91110000802100433B", "industry": "卫材",
        "a_official_id": official.id
    })))
    .expect("enterprise");
    let (enterprise, _) = store
        .create(None, &input, vec![], None)
        .await
        .expect("enterprise");
    let who = Principal {
        user_id: admin.id,
        role: Role::Admin,
        enterprise_id: None,
    };
    // Monday 2 March 2026, 09:00 in Shanghai: long past, so only the instants given count.
    let monday = parse_instant("2026-03-02T09:00:00+08:00").expect("instant");
    let submit = |title: &str| NewAppeal {
        enterprise_id: enterprise.id,
        project_id: None,
        category: "land".into(),
        title: title.into(),
        description: "说明".into(),
        submitted_at: None,
    };
    let (early, _) = store
        .submit_appeal(Some(admin.id), submit("及时签收"), None, monday)
        .await
        .expect("submit");
    assert_eq!(early.submitted_at, "2026-03-02T09:00:00.000000+08:00");
    let ack_due = early.ack_due_at.clone().expect("an acknowledgement deadline");
    assert!(ack_due.as_str() > early.submitted_at.as_str(), "{ack_due}");
    let (late, _) = store
        .submit_appeal(Some(admin.id), submit("逾期签收"), None, monday)
        .await
        .expect("submit");

    // Acknowledged an hour after submission: on time. A month later: late.
    let hour_later = monday + chrono::Duration::hours(1);
    let done = store
        .act_on_appeal(who.clone(), early.id, None, AppealAction::Acknowledge, hour_later)
        .await
        .expect("acknowledge");
    assert_eq!(
        done.acknowledged_at.as_ref().map(|t| t.as_str()),
        Some("2026-03-02T10:00:00.000000+08:00")
    );
    assert_eq!(done.ack_on_time, Some(true));
    let month_later = monday + chrono::Duration::days(30);
    let done = store
        .act_on_appeal(who.clone(), late.id, None, AppealAction::Acknowledge, month_later)
        .await
        .expect("acknowledge");
    assert_eq!(done.ack_on_time, Some(false));

    // Overdue is judged at the instant asked: neither is overdue on Monday, both a month on
    // (five working days to resolve, neither resolved).
    let overdue = |at| {
        let store = store.clone();
        async move {
            let filter = AppealFilter {
                overdue: true,
                page: 1,
                per_page: 50,
                ..Default::default()
            };
            store.appeals(&filter, Scope::All, at).await.expect("list").total
        }
    };
    assert_eq!(overdue(hour_later).await, 0);
    assert_eq!(overdue(month_later).await, 2);
}
both_backends!(appeals_at_chosen_instants, super::appeals_at_chosen_instants);
