//! The registry's storage rules, run on SQLite and on PostgreSQL.

use feidi_core::Money;
use feidi_core::policy::Scope;
use feidi_core::registry::{EnterpriseInput, JurisdictionInput, ProjectInput, UserInput, ZoneInput};
use feidi_store::testing::TestDb;
use feidi_store::{AuditQuery, Backend, Enterprise, ListQuery, Project, Store, StoreError, both_backends};
use serde_json::{Map, Value, json};

fn map(v: Value) -> Map<String, Value> {
    v.as_object().cloned().unwrap_or_default()
}

/// Two counties, a zone and an enterprise: the ground a project stands on.
async fn ground(store: &Store) -> (i64, i64) {
    let j = |name: &str| JurisdictionInput::parse(&map(json!({"name": name}))).expect("jurisdiction");
    let (origin, _) = store
        .create(None, &j("长垣市"), vec![], None)
        .await
        .expect("origin");
    let (host, _) = store
        .create(None, &j("封丘县"), vec![], None)
        .await
        .expect("host");
    let zone = ZoneInput::parse(&map(json!({
        "name": "长封产业园启动区", "host_jurisdiction_id": host.id,
        "operator_jurisdiction_id": origin.id, "area_mu": "15600"
    })))
    .expect("zone");
    let (zone, _) = store
        .create(None, &zone, vec![], None)
        .await
        .expect("create zone");
    let enterprise = EnterpriseInput::parse(&map(json!({
        "name": "示例卫材有限公司", "credit_code": "91110000802100433B", "industry": "卫材医疗器械"
    })))
    .expect("enterprise");
    let (enterprise, _) = store
        .create(None, &enterprise, vec![], None)
        .await
        .expect("create enterprise");
    (zone.id, enterprise.id)
}

fn project(zone: i64, enterprise: Option<i64>, name: &str, yuan: &str, category: &str) -> ProjectInput {
    ProjectInput::parse(&map(json!({
        "name": name, "category": category, "zone_id": zone, "enterprise_id": enterprise,
        "total_investment": yuan
    })))
    .expect("project input")
}

async fn crud_with_versions_and_audit(backend: Backend) {
    let (_db, store) = TestDb::store(backend).await;
    let (zone, enterprise) = ground(&store).await;
    let (p, created) = store
        .create(
            None,
            &project(zone, Some(enterprise), "卫材园中园", "1000000000", "industrial"),
            vec![],
            None,
        )
        .await
        .expect("create project");
    assert!(created);
    assert_eq!(p.total_investment, Money::yuan(1_000_000_000));
    assert_eq!(p.version, 1);

    // An update with the version read succeeds and moves the version on.
    let changed = project(
        zone,
        Some(enterprise),
        "卫材园中园（一期）",
        "1200000000.50",
        "industrial",
    );
    let p2 = store.update(None, p.id, 1, &changed).await.expect("update");
    assert_eq!(p2.version, 2);
    assert_eq!(p2.name, "卫材园中园（一期）");
    let totals = store.portfolio_totals().await.expect("totals");
    assert_eq!(
        totals.total_investment.to_string(),
        "1200000000.50",
        "the totals follow an update"
    );

    // A change of category moves the project between the category totals.
    let moved = project(
        zone,
        Some(enterprise),
        "卫材园中园（一期）",
        "1200000000.50",
        "supporting",
    );
    let p2 = store.update(None, p.id, 2, &moved).await.expect("move category");
    let totals = store.portfolio_totals().await.expect("totals");
    let counts: Vec<i64> = totals.by_category.iter().map(|c| c.project_count).collect();
    assert_eq!(counts, [0, 0, 1]);
    assert_eq!(
        totals.by_category[2].total_investment.to_string(),
        "1200000000.50"
    );

    // A stale version is refused and nothing changes.
    let stale = project(zone, Some(enterprise), "someone else's edit", "1", "industrial");
    assert!(matches!(
        store.update(None, p.id, 1, &stale).await,
        Err(StoreError::Conflict)
    ));
    let read: Project = store.get(p.id, Scope::All).await.expect("read");
    assert_eq!(read, p2);

    // The audit log holds the values before and after.
    let log = store
        .audit(&AuditQuery {
            entity: Some("project".into()),
            entity_id: Some(p.id),
            page: 1,
            per_page: 10,
            ..Default::default()
        })
        .await
        .expect("audit");
    assert_eq!(log.total, 3);
    let update = &log.items[1];
    assert_eq!(update.action, "update");
    assert_eq!(
        update.before.as_ref().and_then(|b| b["name"].as_str()),
        Some("卫材园中园")
    );
    assert_eq!(
        update.after.as_ref().and_then(|a| a["name"].as_str()),
        Some("卫材园中园（一期）")
    );
    assert_eq!(
        update.after.as_ref().and_then(|a| a["total_investment"].as_str()),
        Some("1200000000.50")
    );

    // The zone is in use and cannot go; the project can, then the zone can.
    assert!(matches!(
        store.delete::<feidi_store::Zone>(None, zone, None).await,
        Err(StoreError::InUse)
    ));
    assert!(matches!(
        store.delete::<Project>(None, p.id, Some(1)).await,
        Err(StoreError::Conflict)
    ));
    store
        .delete::<Project>(None, p.id, Some(3))
        .await
        .expect("delete project");
    let totals = store.portfolio_totals().await.expect("totals");
    assert_eq!(
        (totals.project_count, totals.total_investment.to_string()),
        (0, "0.00".to_string())
    );
    assert!(matches!(
        store.get::<Project>(p.id, Scope::All).await,
        Err(StoreError::NotFound)
    ));
    store
        .delete::<feidi_store::Zone>(None, zone, None)
        .await
        .expect("delete zone");
}
both_backends!(crud_with_versions_and_audit, super::crud_with_versions_and_audit);

async fn references_and_unique_values_name_their_field(backend: Backend) {
    let (_db, store) = TestDb::store(backend).await;
    let (zone, _) = ground(&store).await;
    let bad = project(zone + 100, Some(999), "x", "1", "supporting");
    let Err(StoreError::Invalid(errors)) = store.create(None, &bad, vec![], None).await else {
        panic!("a missing zone and enterprise must be refused")
    };
    let fields: Vec<_> = errors.0.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["zone_id", "enterprise_id"]);

    let twin = EnterpriseInput::parse(&map(json!({
        "name": "另一家", "credit_code": "91110000802100433b", "industry": "x"
    })))
    .expect("input");
    let Err(StoreError::Invalid(errors)) = store.create(None, &twin, vec![], None).await else {
        panic!("a duplicate credit code must be refused")
    };
    assert_eq!(errors.0[0].field, "credit_code");
    let page = store
        .list::<Enterprise>(&ListQuery::default(), Scope::All)
        .await
        .expect("list");
    assert_eq!(page.total, 1, "nothing written");
}
both_backends!(
    references_and_unique_values_name_their_field,
    super::references_and_unique_values_name_their_field
);

async fn lists_filter_sort_page_and_scope(backend: Backend) {
    let (_db, store) = TestDb::store(backend).await;
    let (zone, enterprise) = ground(&store).await;
    for i in 0..7 {
        let (category, owner) = if i % 2 == 0 {
            ("industrial", Some(enterprise))
        } else {
            ("infrastructure", None)
        };
        store
            .create(
                None,
                &project(
                    zone,
                    owner,
                    &format!("项目{i} 100%_x"),
                    &format!("{}", 10 + i),
                    category,
                ),
                vec![],
                None,
            )
            .await
            .expect("create");
    }
    let query = ListQuery {
        filters: vec![("category".into(), "industrial".into())],
        sort: Some("total_investment".into()),
        dir: feidi_store::SortDir::Desc,
        per_page: 3,
        page: 1,
        ..Default::default()
    };
    let page = store.list::<Project>(&query, Scope::All).await.expect("list");
    assert_eq!(page.total, 4);
    let amounts: Vec<String> = page
        .items
        .iter()
        .map(|p| p.total_investment.to_string())
        .collect();
    assert_eq!(amounts, ["16.00", "14.00", "12.00"]);
    let second = store
        .list::<Project>(
            &ListQuery {
                page: 2,
                ..query.clone()
            },
            Scope::All,
        )
        .await
        .expect("page 2");
    assert_eq!(second.items.len(), 1);

    // `%` and `_` in a search match literally.
    let search = ListQuery {
        q: Some("3 100%_".into()),
        ..Default::default()
    };
    assert_eq!(
        store.list::<Project>(&search, Scope::All).await.expect("q").total,
        1
    );
    let wild = ListQuery {
        q: Some("%".into()),
        ..Default::default()
    };
    assert_eq!(
        store.list::<Project>(&wild, Scope::All).await.expect("q").total,
        7
    );

    // Latin letters match whatever their case, on both databases.
    let upper = ListQuery {
        q: Some("100%_X".into()),
        ..Default::default()
    };
    assert_eq!(
        store.list::<Project>(&upper, Scope::All).await.expect("q").total,
        7
    );

    // An enterprise's scope holds its own projects only, and hides others' by id.
    let own = store
        .list::<Project>(&ListQuery::default(), Scope::Enterprise(enterprise))
        .await
        .expect("scoped");
    assert_eq!(own.total, 4);
    let other = store
        .list::<Project>(&ListQuery::default(), Scope::All)
        .await
        .expect("all");
    let foreign = other
        .items
        .iter()
        .find(|p| p.enterprise_id.is_none())
        .expect("a project of no enterprise");
    assert!(matches!(
        store
            .get::<Project>(foreign.id, Scope::Enterprise(enterprise))
            .await,
        Err(StoreError::NotFound)
    ));

    // Unknown filters and sorts are refused, not spliced into SQL.
    let bad = ListQuery {
        sort: Some("name; DROP TABLE projects".into()),
        ..Default::default()
    };
    assert!(matches!(
        store.list::<Project>(&bad, Scope::All).await,
        Err(StoreError::Invalid(_))
    ));

    let totals = store.portfolio_totals().await.expect("totals");
    assert_eq!(totals.project_count, 7);
    assert_eq!(totals.total_investment, Money::yuan((10..17).sum()));
    assert_eq!(totals.by_category[0].project_count, 4);
}
both_backends!(
    lists_filter_sort_page_and_scope,
    super::lists_filter_sort_page_and_scope
);

async fn idempotency_keys_create_once(backend: Backend) {
    let (_db, store) = TestDb::store(backend).await;
    let (zone, _) = ground(&store).await;
    let user =
        UserInput::parse(&map(json!({"login": "staff1", "name": "王五", "role": "staff"}))).expect("user");
    let (staff, _) = store
        .create_user(None, &user, "hash".into(), None)
        .await
        .expect("user");
    let input = project(zone, None, "道路", "240000000", "infrastructure");
    let (first, created) = store
        .create(Some(staff.id), &input, vec![], Some("k-1"))
        .await
        .expect("first");
    let (again, created_again) = store
        .create(Some(staff.id), &input, vec![], Some("k-1"))
        .await
        .expect("again");
    assert!(created && !created_again);
    assert_eq!(first, again);
    assert_eq!(store.portfolio_totals().await.expect("totals").project_count, 1);
}
both_backends!(idempotency_keys_create_once, super::idempotency_keys_create_once);

async fn sessions_tokens_and_throttling(backend: Backend) {
    let (_db, store) = TestDb::store(backend).await;
    let user = UserInput::parse(&map(
        json!({"login": "leader1", "name": "赵六", "role": "leader"}),
    ))
    .expect("user");
    let (leader, _) = store
        .create_user(None, &user, "h1".into(), None)
        .await
        .expect("user");
    let later = feidi_core::time::now() + chrono::Duration::hours(1);
    store
        .create_session(leader.id, "s-hash", "csrf-1", later)
        .await
        .expect("session");
    let session = store.session("s-hash").await.expect("read").expect("live");
    assert_eq!((session.user.id, session.csrf.as_str()), (leader.id, "csrf-1"));
    let past = feidi_core::time::now() - chrono::Duration::hours(1);
    store
        .create_session(leader.id, "old-hash", "csrf-2", past)
        .await
        .expect("old session");
    assert!(
        store.session("old-hash").await.expect("read").is_none(),
        "expired sessions are not live"
    );

    store
        .create_token(None, leader.id, "t-hash", Some("wall".into()), None)
        .await
        .expect("token");
    assert_eq!(
        store.token_user("t-hash").await.expect("read").map(|h| h.user.id),
        Some(leader.id)
    );
    assert!(store.token_user("nope").await.expect("read").is_none());

    // A new password ends the other sessions.
    store
        .create_session(leader.id, "s2-hash", "c", later)
        .await
        .expect("session 2");
    store
        .set_password(Some(leader.id), leader.id, "h2".into(), Some("s-hash"))
        .await
        .expect("passwd");
    assert!(store.session("s-hash").await.expect("read").is_some());
    assert!(store.session("s2-hash").await.expect("read").is_none());
    assert_eq!(store.password_hash(leader.id).await.expect("hash"), "h2");

    // Each attempt is reserved before its password is checked; four wrong ones leave the
    // account open, the fifth locks it, and a sixth is refused before any check.
    let window = chrono::Duration::minutes(15);
    let keys = [("login:x", 5)];
    for n in 1..=5 {
        assert!(
            store
                .throttle_reserve(&keys, window, window)
                .await
                .expect("reserve")
        );
        let failures = store.throttle_settle(&keys, false, window).await.expect("settle");
        assert_eq!(failures, n);
        let state = store.throttle_state("login:x").await.expect("state");
        assert_eq!(state.locked_until.is_some(), n == 5, "after {n} failures");
    }
    assert!(
        !store
            .throttle_reserve(&keys, window, window)
            .await
            .expect("reserve")
    );
    // A right password clears the account's count and gives the address its attempt back.
    let pair = [("login:y", 5), ("addr:y", 30)];
    for _ in 0..2 {
        assert!(
            store
                .throttle_reserve(&pair, window, window)
                .await
                .expect("reserve")
        );
        store.throttle_settle(&pair, false, window).await.expect("settle");
    }
    assert!(
        store
            .throttle_reserve(&pair, window, window)
            .await
            .expect("reserve")
    );
    store.throttle_settle(&pair, true, window).await.expect("settle");
    assert_eq!(store.throttle_state("login:y").await.expect("state").failures, 0);
    assert_eq!(store.throttle_state("addr:y").await.expect("state").failures, 2);
    // Twenty attempts at once: only the limit's worth are let through to a password check.
    let attempts = (0..20).map(|_| {
        let store = store.clone();
        async move {
            store
                .throttle_reserve(&[("login:z", 5)], window, window)
                .await
                .expect("reserve")
        }
    });
    let allowed = futures_util::future::join_all(attempts).await;
    assert_eq!(allowed.iter().filter(|a| **a).count(), 5);
}
both_backends!(
    sessions_tokens_and_throttling,
    super::sessions_tokens_and_throttling
);

async fn migrations_run_twice_harmlessly(backend: Backend) {
    let (db, store) = TestDb::store(backend).await;
    store.close().await;
    let again = Store::open(&db.url).await.expect("second open");
    again.ping().await.expect("ping");
}
both_backends!(
    migrations_run_twice_harmlessly,
    super::migrations_run_twice_harmlessly
);

async fn bulk_creates_are_all_or_nothing(backend: Backend) {
    let (_db, store) = TestDb::store(backend).await;
    let (zone, enterprise) = ground(&store).await;
    let rows: Vec<ProjectInput> = (0..1000)
        .map(|i| {
            project(
                zone,
                (i % 2 == 0).then_some(enterprise),
                &format!("批量{i}"),
                "100.01",
                "industrial",
            )
        })
        .collect();
    let seen = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let progress = {
        let seen = seen.clone();
        std::sync::Arc::new(move |n: usize| seen.store(n, std::sync::atomic::Ordering::Relaxed))
    };
    let written = store
        .bulk_create(None, rows, "test import".into(), progress)
        .await
        .expect("bulk");
    assert_eq!(
        (written, seen.load(std::sync::atomic::Ordering::Relaxed)),
        (1000, 1000)
    );
    let totals = store.portfolio_totals().await.expect("totals");
    assert_eq!(
        (totals.project_count, totals.total_investment.to_string()),
        (1000, "100010.00".to_string())
    );
    let log = project_audit(&store, 5).await;
    assert_eq!(log.total, 1, "one audit entry for the whole batch");
    assert_eq!(log.items[0].note.as_deref(), Some("test import"));

    // One bad row in the last chunk: nothing of the batch is written.
    let mut bad: Vec<ProjectInput> = (0..900)
        .map(|i| project(zone, None, &format!("b{i}"), "1", "supporting"))
        .collect();
    bad.push(project(zone + 999, None, "no such zone", "1", "supporting"));
    assert!(
        store
            .bulk_create(None, bad, "bad".into(), std::sync::Arc::new(|_: usize| {}))
            .await
            .is_err()
    );
    assert_eq!(
        store.portfolio_totals().await.expect("totals").project_count,
        1000
    );
}
both_backends!(
    bulk_creates_are_all_or_nothing,
    super::bulk_creates_are_all_or_nothing
);

/// Many writers at once: each gets its own answer, a failing one undoes only itself, and every
/// write answered as done is there (SQLite commits them in groups).
async fn concurrent_writes_each_get_their_own_outcome(backend: Backend) {
    let (_db, store) = TestDb::store(backend).await;
    let (zone, _) = ground(&store).await;
    let mut tasks = Vec::new();
    for i in 0..60 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            // Every tenth write reuses a project code, which is unique: it must fail alone.
            let code = if i % 10 == 9 {
                "DUP".to_string()
            } else {
                format!("C{i}")
            };
            let mut input = project(zone, None, &format!("并发{i}"), "10", "industrial");
            input.code = Some(code);
            store.create(None, &input, vec![], None).await
        }));
    }
    let mut ok = 0;
    let mut taken = 0;
    for task in tasks {
        match task.await.expect("join") {
            Ok(_) => ok += 1,
            Err(StoreError::Invalid(e)) if e.0[0].field == "code" => taken += 1,
            Err(e) => panic!("unexpected: {e:?}"),
        }
    }
    // 54 distinct codes and the first of the six "DUP"s succeed; the other five are refused.
    assert_eq!((ok, taken), (55, 5));
    let totals = store.portfolio_totals().await.expect("totals");
    assert_eq!(
        (totals.project_count, totals.total_investment.to_string()),
        (55, "550.00".to_string())
    );
    let page = store
        .list::<Project>(
            &ListQuery {
                per_page: 500,
                ..Default::default()
            },
            Scope::All,
        )
        .await
        .expect("list");
    assert_eq!(page.total, 55);
    let log = project_audit(&store, 1).await;
    assert_eq!(
        log.total, 55,
        "one audit entry per write that stands, none for those undone"
    );
}
both_backends!(
    concurrent_writes_each_get_their_own_outcome,
    super::concurrent_writes_each_get_their_own_outcome
);

/// The first page of the projects' audit entries.
async fn project_audit(store: &Store, per_page: i64) -> feidi_store::Page<feidi_store::AuditEntry> {
    store
        .audit(&AuditQuery {
            entity: Some("project".into()),
            page: 1,
            per_page,
            ..Default::default()
        })
        .await
        .expect("audit")
}

/// A connection of "another server" holding the write lock (on PostgreSQL, `table`'s) until
/// it commits.
async fn hold_write_lock(backend: Backend, url: &str, table: &str) -> sqlx::AnyConnection {
    use sqlx::Connection;
    let mut holder = sqlx::AnyConnection::connect(url).await.expect("connect");
    match backend {
        Backend::Sqlite => {
            sqlx::query("BEGIN IMMEDIATE")
                .execute(&mut holder)
                .await
                .expect("begin");
        }
        Backend::Postgres => {
            sqlx::query("BEGIN").execute(&mut holder).await.expect("begin");
            sqlx::query(&format!("LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE"))
                .execute(&mut holder)
                .await
                .expect("lock");
        }
    }
    holder
}

/// Writes that queue up while another server holds the write lock: on SQLite they share the
/// commit that follows the release, each still with its own outcome — the one that breaks a
/// rule (a project code already taken) fails alone, the ones before and after it stand.
async fn writes_queued_behind_another_servers_lock_keep_their_own_outcomes(backend: Backend) {
    let (db, store) = TestDb::store(backend).await;
    let (zone, _) = ground(&store).await;
    let mut taken = project(zone, None, "已有", "10", "industrial");
    taken.code = Some("TAKEN".into());
    store.create(None, &taken, vec![], None).await.expect("first");
    let mut holder = hold_write_lock(backend, &db.url, "projects").await;
    let mut writes = Vec::new();
    for code in ["Q1", "TAKEN", "Q3"] {
        let store = store.clone();
        let mut input = project(zone, None, &format!("排队{code}"), "10", "industrial");
        input.code = Some(code.to_string());
        writes.push(tokio::spawn(async move {
            store.create(None, &input, vec![], None).await
        }));
        // In this order.
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(writes.iter().all(|w| !w.is_finished()), "all wait for the lock");
    sqlx::query("COMMIT").execute(&mut holder).await.expect("commit");
    let mut outcomes = Vec::new();
    for write in writes {
        outcomes.push(match write.await.expect("join") {
            Ok((p, _)) => p.code.unwrap_or_default(),
            Err(StoreError::Invalid(e)) => format!("refused: {}", e.0[0].field),
            Err(e) => panic!("unexpected: {e:?}"),
        });
    }
    assert_eq!(outcomes, ["Q1", "refused: code", "Q3"]);
    let all = store
        .list::<Project>(&ListQuery::default(), Scope::All)
        .await
        .expect("list");
    let mut codes: Vec<String> = all.items.into_iter().filter_map(|p| p.code).collect();
    codes.sort();
    assert_eq!(codes, ["Q1", "Q3", "TAKEN"]);
    let log = project_audit(&store, 1).await;
    assert_eq!(log.total, 3, "an audit entry for each write that stands");
}
both_backends!(
    writes_queued_behind_another_servers_lock_keep_their_own_outcomes,
    super::writes_queued_behind_another_servers_lock_keep_their_own_outcomes
);

/// An import that fails while publishing (here: a report submitted meanwhile for one of its
/// months, after the first short transaction committed) is taken back whole.
async fn a_failed_import_is_taken_back_whole(backend: Backend) {
    let (_db, store) = TestDb::store(backend).await;
    let (zone, _) = ground(&store).await;
    let mut ids = Vec::new();
    for name in ["甲", "乙"] {
        let (p, _) = store
            .create(
                None,
                &project(zone, None, name, "1000", "industrial"),
                vec![],
                None,
            )
            .await
            .expect("project");
        ids.push(p.id);
    }
    // 24,000 rows: two projects, 12,000 months each (1900-01 onwards).
    let rows: Vec<feidi_store::ImportedReport> = ids
        .iter()
        .flat_map(|id| {
            (0..12_000u32).map(move |k| feidi_store::ImportedReport {
                status: feidi_store::ReportStatus::Submitted,
                return_reason: None,
                project_id: *id,
                month: (1900 + (k / 12) as i32, k % 12 + 1),
                completed_investment: Money::from_hundredths(100),
                progress_note: None,
                problems: None,
            })
        })
        .collect();
    let (last_y, last_m) = rows[23_000].month;
    let meanwhile = feidi_core::schedule::ReportInput {
        completed_investment: Money::from_hundredths(7),
        progress_note: None,
        problems: None,
    };
    store
        .submit_report(
            None,
            ids[1],
            format!("{last_y:04}-{last_m:02}"),
            &meanwhile,
            None,
            feidi_core::time::now(),
        )
        .await
        .expect("a report entered meanwhile");
    let seen = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let progress = seen.clone();
    let outcome = store
        .import_reports(
            None,
            feidi_store::ImportMeta {
                file_name: "reports.csv".into(),
                checksum: "ab".into(),
                by: "test".into(),
            },
            rows,
            std::sync::Arc::new(move |n| progress.store(n, std::sync::atomic::Ordering::Relaxed)),
        )
        .await;
    assert!(outcome.is_err(), "the clash fails the import");
    assert!(
        seen.load(std::sync::atomic::Ordering::Relaxed) >= 20_000,
        "the first transaction had been published"
    );
    assert_eq!(
        store.reports(ids[0]).await.expect("reports").len(),
        0,
        "taken back whole"
    );
    let kept = store.reports(ids[1]).await.expect("reports");
    assert_eq!(kept.len(), 1, "only the report entered meanwhile is left");
    assert_eq!(kept[0].completed_investment, Money::from_hundredths(7));
    let audit = store
        .audit(&AuditQuery {
            entity: Some("monthly_report".into()),
            entity_id: None,
            actor_id: None,
            page: 1,
            per_page: 5,
        })
        .await
        .expect("audit");
    assert_eq!(audit.items[0].action, "import_failed");
    // The report totals are back where they were: only the one report counts.
    let sums = store.report_sums("2999-12").await.expect("sums");
    assert_eq!(sums.submitted_total(), Money::from_hundredths(7));
}
both_backends!(
    a_failed_import_is_taken_back_whole,
    super::a_failed_import_is_taken_back_whole
);

/// An import whose process died while publishing is taken back by the next import (or anyone
/// calling the sweep) once it is an hour old, exactly once.
async fn an_abandoned_import_is_taken_back(backend: Backend) {
    let (_db, store) = TestDb::store(backend).await;
    let (zone, _) = ground(&store).await;
    let (p, _) = store
        .create(
            None,
            &project(zone, None, "甲", "1000", "industrial"),
            vec![],
            None,
        )
        .await
        .expect("project");
    let row = |month: u32| feidi_store::ImportedReport {
        status: feidi_store::ReportStatus::Submitted,
        return_reason: None,
        project_id: p.id,
        month: (2023, month),
        completed_investment: Money::from_hundredths(100),
        progress_note: None,
        problems: None,
    };
    let meta = || feidi_store::ImportMeta {
        file_name: "reports.csv".into(),
        checksum: "ab".into(),
        by: "test".into(),
    };
    store
        .import_reports(None, meta(), vec![row(1), row(2)], std::sync::Arc::new(|_| {}))
        .await
        .expect("import");
    assert_eq!(
        store.take_back_abandoned_imports().await.expect("sweep"),
        0,
        "a finished import stays"
    );
    // As if its process had died mid-way two hours ago.
    feidi_store::testing::execute(
        &store,
        "UPDATE imports SET state = 'publishing', created_at = '2000-01-01T00:00:00.000000+08:00'",
    )
    .await;
    store
        .import_reports(None, meta(), vec![row(3)], std::sync::Arc::new(|_| {}))
        .await
        .expect("the next import");
    let months: Vec<String> = store
        .reports(p.id)
        .await
        .expect("reports")
        .into_iter()
        .map(|r| r.month)
        .collect();
    assert_eq!(
        months,
        ["2023-03"],
        "the abandoned import was taken back, the new one kept"
    );
    assert_eq!(store.take_back_abandoned_imports().await.expect("sweep"), 0);
}
both_backends!(
    an_abandoned_import_is_taken_back,
    super::an_abandoned_import_is_taken_back
);

/// Another app server (another process) holding the write lock: a write here waits for it and
/// then succeeds, rather than failing or sleeping long past its release; and two servers
/// starting on one database at once both come up.
async fn a_write_waits_for_another_servers_write(backend: Backend) {
    let (db, store) = TestDb::store(backend).await;
    let (other, third) = tokio::join!(Store::open(&db.url), Store::open(&db.url));
    let other = other.expect("a second server starts");
    third.expect("a third starts at the same moment").close().await;
    let mut holder = hold_write_lock(backend, &db.url, "jurisdictions").await;
    let writer = tokio::spawn(async move {
        let input = JurisdictionInput::parse(&map(json!({"name": "新乡市"}))).expect("input");
        let (created, _) = other
            .create(None, &input, vec![], None)
            .await
            .expect("waits, then writes");
        (created.id, std::time::Instant::now())
    });
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    assert!(!writer.is_finished(), "the write waits while the lock is held");
    let released = std::time::Instant::now();
    sqlx::query("COMMIT").execute(&mut holder).await.expect("commit");
    let (id, done) = writer.await.expect("join");
    assert!(id > 0);
    assert!(done >= released, "it wrote only after the release");
    let all = store
        .list::<feidi_store::Jurisdiction>(&ListQuery::default(), Scope::All)
        .await
        .expect("list");
    assert_eq!(all.total, 1);
}
both_backends!(
    a_write_waits_for_another_servers_write,
    super::a_write_waits_for_another_servers_write
);
