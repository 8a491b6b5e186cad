//! The command line and the demo programme, on SQLite and PostgreSQL.

use std::io::Write;
use std::process::{Command, Stdio};

use feidi_core::policy::Scope;
use feidi_store::testing::TestDb;
use feidi_store::{Backend, Project, Store, both_backends};

fn feidi(url: &str, args: &[&str], stdin: Option<&str>) -> (bool, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_feidi"))
        .args(args)
        .env("DATABASE_URL", url)
        .env("FEIDI_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run feidi");
    if let (Some(text), Some(mut pipe)) = (stdin, child.stdin.take()) {
        pipe.write_all(text.as_bytes()).expect("stdin");
    }
    drop(child.stdin.take());
    let out = child.wait_with_output().expect("feidi output");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

async fn demo_holds_the_published_portfolio(backend: Backend) {
    let (_db, store) = TestDb::store(backend).await;
    let summary = feidi::demo::load(&store, "demo password").await.expect("demo");
    assert_eq!(summary.projects, 35);
    let totals = store.portfolio_totals().await.expect("totals");
    assert_eq!(totals.project_count, 35);
    assert_eq!(totals.total_investment.to_string(), "13500000000.00");
    let projects = store
        .list::<Project>(
            &feidi_store::ListQuery {
                per_page: 100,
                ..Default::default()
            },
            Scope::All,
        )
        .await
        .expect("projects");
    let named = |name: &str| {
        projects
            .items
            .iter()
            .find(|p| p.name == name)
            .map(|p| (p.total_investment.to_string(), p.sample))
    };
    assert_eq!(named("卫材园中园"), Some(("1000000000.00".to_string(), false)));
    assert_eq!(
        named("先进碳材料产业园（一期）"),
        Some(("470000000.00".to_string(), false))
    );
    assert_eq!(
        named("先进碳材料产业园（二期）"),
        Some(("600000000.00".to_string(), false))
    );
    assert_eq!(named("智能制造产业园"), Some(("710000000.00".to_string(), false)));
    let waicai = projects
        .items
        .iter()
        .find(|p| p.name == "卫材园中园")
        .expect("卫材园中园");
    assert_eq!(waicai.expected_jobs, Some(2000));
    assert_eq!(
        waicai.expected_annual_output.map(|m| m.to_string()).as_deref(),
        Some("1700000000.00")
    );
    assert!(feidi::demo::is_empty(&store).await.is_ok_and(|empty| !empty));
}
both_backends!(
    demo_holds_the_published_portfolio,
    super::demo_holds_the_published_portfolio
);

async fn users_and_tokens_from_the_command_line(backend: Backend) {
    let db = TestDb::new(backend).await;
    let url = db.url.clone();
    let (ok, stdout, stderr) = tokio::task::spawn_blocking(move || {
        feidi(
            &url,
            &[
                "user",
                "add",
                "wang",
                "--role",
                "staff",
                "--name",
                "王五",
                "--password-stdin",
            ],
            Some("a long password\n"),
        )
    })
    .await
    .expect("join");
    assert!(ok, "{stderr}");
    let id: i64 = stdout.trim().parse().expect("the new user's id");
    let url = db.url.clone();
    let (ok, token, stderr) =
        tokio::task::spawn_blocking(move || feidi(&url, &["token", "issue", "wang"], None))
            .await
            .expect("join");
    assert!(ok, "{stderr}");
    let token = token.trim().to_string();
    assert_eq!(token.len(), 64);

    let store = Store::open(&db.url).await.expect("open");
    let user = store
        .token_user(&feidi_web::auth::token_hash(&token))
        .await
        .expect("lookup")
        .expect("the token works");
    assert_eq!((user.id, user.name.as_str()), (id, "王五"));

    // A bad role is refused and names the field; a short password too.
    let url = db.url.clone();
    let (ok, _, stderr) =
        tokio::task::spawn_blocking(move || feidi(&url, &["user", "add", "li", "--role", "boss"], None))
            .await
            .expect("join");
    assert!(!ok && stderr.contains("role"), "{stderr}");
    let url = db.url.clone();
    let (ok, _, stderr) = tokio::task::spawn_blocking(move || {
        feidi(
            &url,
            &["user", "passwd", "wang", "--password-stdin"],
            Some("short"),
        )
    })
    .await
    .expect("join");
    assert!(!ok && stderr.contains("password"), "{stderr}");
    store.close().await;
}
both_backends!(
    users_and_tokens_from_the_command_line,
    super::users_and_tokens_from_the_command_line
);

async fn the_generator_is_deterministic(backend: Backend) {
    let mut totals = Vec::new();
    for _ in 0..2 {
        let (_db, store) = TestDb::store(backend).await;
        feidi::generate::run(
            &store,
            &feidi::generate::GenArgs {
                projects: 400,
                seed: 42,
            },
        )
        .await
        .expect("gen");
        let t = store.portfolio_totals().await.expect("totals");
        assert_eq!(t.project_count, 400);
        let counts: Vec<i64> = t.by_category.iter().map(|c| c.project_count).collect();
        assert_eq!(counts, [240, 100, 60]);
        let enterprises = store
            .list::<feidi_store::Enterprise>(&Default::default(), Scope::All)
            .await
            .expect("enterprises");
        assert_eq!(enterprises.total, 40);
        assert!(
            enterprises
                .items
                .iter()
                .all(|e| feidi_core::CreditCode::parse(&e.credit_code).is_ok())
        );
        // A second run into the same database is refused rather than doubling it.
        assert!(
            feidi::generate::run(
                &store,
                &feidi::generate::GenArgs {
                    projects: 10,
                    seed: 1
                }
            )
            .await
            .is_err()
        );
        totals.push(t.total_investment);
    }
    assert_eq!(totals[0], totals[1], "the same seed gives the same programme");
}
both_backends!(
    the_generator_is_deterministic,
    super::the_generator_is_deterministic
);
