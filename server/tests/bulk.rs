//! Bulk CSV export and import of users, on both databases: a dry run reports every bad row and
//! writes nothing, a real run is all or nothing, a good file creates every user with everything
//! attached, an export imports into another domain as it was, and the permission table holds.

mod common;

use app::api::bulk::{ExportUsers, GetImportProgress, GetImportReport, ImportUsers, StartImport};
use app::error::AppError;
use app::model::audit::AuditQuery;
use app::model::bulk::{ImportProgress, ImportReport, ImportStage};
use app::model::domain::DomainForm;
use app::model::permissions::Who;
use app::model::user::UserForm;
use app::model::{DomainName, Parse, Scope};
use app::ssr::bulk::{export_users, import_users};
use app::ssr::caller::Caller;
use app::ssr::db::Db;
use app::ssr::users::create_user;
use common::{add_queue, logged_in_super_user, make_domain, path, row_counts, stored_user};
use std::sync::Mutex;

fn name(domain: &str) -> DomainName {
    DomainName::parse(domain).unwrap()
}

/// A domain with the call queue 600 (Sales), as a new user would join it.
async fn domain_with_sales(db: &Db, domain: &str) -> i64 {
    let id = make_domain(
        db,
        DomainForm {
            domain: domain.into(),
            caller_id_number: "+1 612 555 0100".into(),
            ..DomainForm::new_domain()
        },
    )
    .await;
    add_queue(db, id, "600", "Sales").await;
    id
}

/// A caller of `scope` in the domain `domain_id` (and at `site`), as a session would make it.
fn caller_in(domain: &str, domain_id: i64, scope: Scope, site: Option<&str>) -> Caller {
    Caller {
        account_id: 0,
        login: format!("manager@{domain}"),
        display_name: "Manager".into(),
        who: Who {
            scope,
            domain_id: Some(domain_id),
            reseller: String::new(),
            user_id: None,
            site: site.map(str::to_owned),
        },
        domain: Some(domain.into()),
        extension: None,
        address: String::new(),
        key: None,
    }
}

const HEADER: &str =
    "user,name-first-name,name-last-name,email,site,phone-numbers,groups,forward-no-answer";

/// A good row: extension `ext` at `site`, with one number, an agent of 600, forwarding to `to`.
fn row(ext: u32, site: &str, to: &str) -> String {
    format!("{ext},First{ext},Last{ext},u{ext}@people.example,{site},+1 612 555 {ext:04},600,{to}")
}

fn file(rows: &[String]) -> String {
    let mut text = HEADER.to_owned();
    for r in rows {
        text.push('\n');
        text.push_str(r);
    }
    text.push('\n');
    text
}

/// (row, field) of every problem.
fn places(report: &ImportReport) -> Vec<(usize, String)> {
    report
        .problems
        .iter()
        .map(|p| (p.row, p.field.clone()))
        .collect()
}

on_both_backends! {
    async fn a_dry_run_reports_every_bad_row_and_writes_nothing(t: TestDb) {
        domain_with_sales(&t.db, "acme.example").await;
        make_domain(&t.db, DomainForm { domain: "other.example".into(), ..DomainForm::new_domain() }).await;
        create_user(&t.db, &Caller::system(), &name("other.example"), &UserForm {
            user: "900".into(), name_first_name: "O".into(), name_last_name: "P".into(),
            email: "o@other.example".into(), phone_numbers: "+1 612 555 0900".into(), ..UserForm::default()
        }).await.unwrap();
        create_user(&t.db, &Caller::system(), &name("acme.example"), &UserForm {
            user: "150".into(), name_first_name: "Here".into(), name_last_name: "Already".into(),
            email: "here@acme.example".into(), ..UserForm::default()
        }).await.unwrap();
        let before = row_counts(&t.db).await;
        let text = file(&[
            row(101, "North", "102"),                                   // row 2: good
            row(102, "North", "999"),                                   // row 3: forwards to nothing
            "103,Ann,Lee,not-an-address,North,,,".into(),               // row 4: bad e-mail
            row(101, "North", ""),                                      // row 5: extension and number of row 2
            "104,Bo,Chan,bo@people.example,,+1 612 555 0900,699,".into(), // row 6: number of another domain, no such queue
            "150,Cy,Dee,not-an-address,North,,,".into(),               // row 7: bad e-mail and a taken extension
        ]);
        let report = import_users(&t.db, &Caller::system(), &name("acme.example"), &text, true, None).await.unwrap();
        assert!(report.dry_run);
        assert_eq!((report.rows, report.created), (6, 0));
        let found = places(&report);
        for expected in [
            (3, "forward-no-answer"),
            (4, "email"),
            (5, "user"),
            (5, "phone-numbers[0]"),
            (6, "phone-numbers[0]"),
            (6, "groups[0]"),
            // In the same pass as the row's own problem, not once it is mended.
            (7, "email"),
            (7, "user"),
        ] {
            assert!(found.contains(&(expected.0, expected.1.to_owned())), "{expected:?} missing from {found:?}");
        }
        assert!(!found.iter().any(|(row, _)| *row == 2), "row 2 is good: {found:?}");
        assert!(report.problems.windows(2).all(|w| w[0].row <= w[1].row), "in row order");
        assert!(report.message.contains("nothing would be imported"), "{}", report.message);
        assert_eq!(row_counts(&t.db).await, before, "a dry run writes nothing");

        let clean = file(&[row(101, "North", "102"), row(102, "North", "101")]);
        let report = import_users(&t.db, &Caller::system(), &name("acme.example"), &clean, true, None).await.unwrap();
        assert!(report.problems.is_empty(), "{:?}", report.problems);
        assert_eq!(row_counts(&t.db).await, before);
    }

    async fn a_real_run_with_one_bad_row_writes_nothing(t: TestDb) {
        domain_with_sales(&t.db, "acme.example").await;
        let before = row_counts(&t.db).await;
        let mut rows: Vec<String> = (101..=140).map(|ext| row(ext, "North", "")).collect();
        rows[17] = "118,Ann,Lee,ann@people.example,North,+1 612 555 0101,,".into(); // row 19: row 2's number
        let error = import_users(&t.db, &Caller::system(), &name("acme.example"), &file(&rows), false, None).await.unwrap_err();
        assert!(matches!(error, AppError::Invalid { .. }), "{error:?}");
        assert_eq!(error.status(), 422);
        let message = error.message_for("rows[19].phone-numbers[0]").expect("the problem names its row and field");
        assert!(message.contains("row 2"), "{message}");
        assert_eq!(error.field_errors().unwrap().0.len(), 1, "{error:?}");
        assert_eq!(row_counts(&t.db).await, before, "nothing was written");
    }

    async fn a_good_file_creates_every_user_with_devices_numbers_and_one_audit_entry(t: TestDb) {
        let acme = domain_with_sales(&t.db, "acme.example").await;
        let before = row_counts(&t.db).await;
        // Each forwards to the next, the last to the first: references within the file are fine.
        let rows: Vec<String> = (101..=400).map(|ext| row(ext, if ext % 2 == 0 { "North" } else { "South" }, &(if ext == 400 { 101 } else { ext + 1 }).to_string())).collect();
        let seen: Mutex<Vec<ImportProgress>> = Mutex::new(Vec::new());
        let record = |p: ImportProgress| seen.lock().unwrap().push(p);
        let report = import_users(&t.db, &Caller::system(), &name("acme.example"), &file(&rows), false, Some(&record)).await.unwrap();
        assert_eq!((report.rows, report.created), (300, 300), "{:?}", report.problems);
        assert!(report.message.contains("invitation"), "{}", report.message);
        let after = row_counts(&t.db).await;
        for (table, added) in [("sites", 2), ("users", 300), ("accounts", 300), ("devices", 300), ("voicemail_boxes", 300), ("phone_numbers", 300), ("answer_rules", 300), ("call_queue_agents", 300), ("audit_log", 1)] {
            let was = before.iter().find(|(t, _)| *t == table).unwrap().1;
            assert!(after.contains(&(table, was + added)), "{table}: {after:?}");
        }
        let _ = acme;
        let detail = stored_user(&t.db, "acme.example", "250").await;
        assert_eq!(detail.values.site.as_ref().unwrap().as_str(), "North");
        assert_eq!(detail.values.login(), "250@acme.example");
        assert_eq!(detail.values.phone_numbers[0].as_str(), "+16125550250");
        assert_eq!(detail.values.groups[0].as_str(), "600");
        assert_eq!(detail.values.answer_rule().forward_no_answer.as_ref().unwrap().as_str(), "251");
        assert_eq!(detail.devices[0].device.as_str(), "250");
        assert!(detail.devices[0].device_sip_registration_password.as_ref().is_some_and(|p| p.len() >= 16), "a SIP password is generated");
        assert_eq!(detail.voicemail_box.as_ref().unwrap().as_str(), "250");
        let action: String = sqlx::query_scalar("SELECT action FROM audit_log ORDER BY id DESC LIMIT 1").fetch_one(t.db.pool()).await.unwrap();
        assert_eq!(action, "user.import");
        // The entry names every user it created, by extension, in the file's order ...
        let everyone = app::ssr::audit_log::list(&t.db, &Caller::system(), &AuditQuery::default()).await.unwrap();
        let import = &everyone.items[0];
        assert_eq!((import.action.as_str(), import.target.as_str()), ("user.import", "300 users"));
        let extensions: Vec<String> = (101..=400).map(|n| n.to_string()).collect();
        assert_eq!(import.changes.iter().map(|c| (c.field.as_str(), c.before.as_str(), c.after.as_str())).collect::<Vec<_>>(),
            [("users", "", extensions.join(", ").as_str())]);
        // ... and the log's user filter finds it by any one of them, and by no part of one.
        let by_user = |user: &str| {
            let query = AuditQuery { user: user.into(), ..AuditQuery::default() };
            let db = t.db.clone();
            async move { app::ssr::audit_log::list(&db, &Caller::system(), &query).await.unwrap().items }
        };
        for user in ["101", "250", "400"] {
            let found = by_user(user).await;
            assert_eq!(found.iter().map(|e| e.id).collect::<Vec<_>>(), [import.id], "{user}: {found:?}");
        }
        for user in ["25", "10", "4000", "0, 1", "%"] {
            assert!(by_user(user).await.is_empty(), "{user}");
        }

        let seen = seen.into_inner().unwrap();
        assert_eq!(seen.last().unwrap().stage, ImportStage::Done);
        let writes: Vec<&ImportProgress> = seen.iter().filter(|p| p.stage == ImportStage::Writing).collect();
        assert!(writes.windows(2).all(|w| w[0].done <= w[1].done), "writing only moves forward");
        assert_eq!(writes.last().map(|p| p.done), writes.last().map(|p| p.total), "and reaches its end");

        let again = import_users(&t.db, &Caller::system(), &name("acme.example"), &file(&rows[..1]), false, None).await.unwrap_err();
        assert!(again.message_for("rows[2].user").is_some(), "an extension taken in the domain: {again:?}");
    }

    async fn an_export_imports_into_another_domain_as_it_was(t: TestDb) {
        domain_with_sales(&t.db, "acme.example").await;
        domain_with_sales(&t.db, "other.example").await;
        // Each refers only to users made before it.
        for (ext, site, extra) in [("101", "North", UserForm { groups: "600".into(), voicemail_login_pin: "0852".into(), ..UserForm::default() }),
                                   ("102", "South", UserForm { login_username: "chief@acme.example".into(), email_send_alert_new_voicemail_cc_list_csv: "101".into(), department: "Sales, \"East\"".into(), ..UserForm::default() }),
                                   ("110", "", UserForm { user_scope: "Office Manager".into(), voicemail_enabled: "no".into(), device: "desk-110".into(), forward_always: "101".into(), ..UserForm::default() })] {
            create_user(&t.db, &Caller::system(), &name("acme.example"), &UserForm {
                user: ext.into(), name_first_name: format!("F{ext}"), name_last_name: "Smith".into(),
                email: format!("u{ext}@acme.example"), site: site.into(), ..extra
            }).await.unwrap();
        }
        let exported = export_users(&t.db, &Caller::system(), &name("acme.example")).await.unwrap();
        let lines: Vec<&str> = exported.lines().collect();
        assert_eq!(lines.len(), 4, "{exported}");
        assert!(lines[0].starts_with("user,name-first-name,name-last-name,login-username,email,"), "{}", lines[0]);
        assert!(!exported.contains("0852"), "secrets are left out");
        assert!(lines[1].starts_with("101,F101,Smith,,"), "a default login is left blank: {}", lines[1]);
        assert!(lines[2].contains("chief@acme.example"), "a chosen login is kept");
        // The login chosen in acme is taken system-wide: rename it, as one would in the file.
        let renamed = exported.replace("chief@acme.example", "chief@other.example");
        let report = import_users(&t.db, &Caller::system(), &name("other.example"), &renamed, false, None).await.unwrap();
        assert_eq!(report.created, 3, "{:?}", report.problems);
        let again = export_users(&t.db, &Caller::system(), &name("other.example")).await.unwrap();
        assert_eq!(again, renamed, "the other domain exports what was imported");
    }

    async fn a_value_a_spreadsheet_would_run_is_exported_as_text_and_imports_as_it_was(t: TestDb) {
        domain_with_sales(&t.db, "acme.example").await;
        domain_with_sales(&t.db, "other.example").await;
        let formula = "=HYPERLINK(\"http://evil.example\",\"Click\")";
        create_user(&t.db, &Caller::system(), &name("acme.example"), &UserForm {
            user: "101".into(), name_first_name: "Ann".into(), name_last_name: "Lee".into(),
            email: "ann@acme.example".into(), status_message: formula.into(),
            phone_numbers: "+1 612 555 0101".into(), department: "@Ops".into(),
            ..UserForm::default()
        }).await.unwrap();
        let exported = export_users(&t.db, &Caller::system(), &name("acme.example")).await.unwrap();
        let mut reader = csv::Reader::from_reader(exported.as_bytes());
        let header = reader.headers().unwrap().clone();
        let row = reader.records().next().unwrap().unwrap();
        let cell = |field: &str| row.get(header.iter().position(|h| h == field).unwrap()).unwrap().to_owned();
        assert_eq!(cell("status-message"), format!("'{formula}"));
        assert_eq!(cell("phone-numbers"), "'+16125550101");
        assert_eq!(cell("department"), "'@Ops");
        for (i, value) in row.iter().enumerate() {
            assert!(!value.starts_with(['=', '+', '-', '@', '\t', '\r']), "{}: {value}", &header[i]);
        }
        // The file imports as it was: the numbers moved to the other domain's user as they were.
        let moved = exported.replace("+16125550101", "+16125550102");
        let report = import_users(&t.db, &Caller::system(), &name("other.example"), &moved, false, None).await.unwrap();
        assert_eq!(report.created, 1, "{:?}", report.problems);
        let imported = stored_user(&t.db, "other.example", "101").await;
        assert_eq!(imported.values.status_message.as_str(), formula);
        assert_eq!(imported.values.department.as_ref().map(|d| d.as_str()), Some("@Ops"));
        assert_eq!(imported.form().phone_numbers, "+16125550102");
    }

    async fn an_office_manager_of_another_domain_finds_neither_export_nor_import(t: TestDb) {
        domain_with_sales(&t.db, "acme.example").await;
        let other = make_domain(&t.db, DomainForm { domain: "other.example".into(), ..DomainForm::new_domain() }).await;
        let manager = caller_in("other.example", other, Scope::OfficeManager, None);
        let error = export_users(&t.db, &manager, &name("acme.example")).await.unwrap_err();
        assert_eq!(error, AppError::NotFound);
        let error = import_users(&t.db, &manager, &name("acme.example"), &file(&[row(101, "", "")]), true, None).await.unwrap_err();
        assert_eq!(error, AppError::NotFound);
        assert_eq!(export_users(&t.db, &manager, &name("other.example")).await.unwrap().lines().count(), 1, "its own domain: just the header");
        let basic = caller_in("other.example", other, Scope::BasicUser, None);
        assert_eq!(export_users(&t.db, &basic, &name("other.example")).await.unwrap_err(), AppError::Forbidden);
    }

    async fn a_site_manager_exports_and_imports_its_own_site_only(t: TestDb) {
        let acme = domain_with_sales(&t.db, "acme.example").await;
        let text = file(&[row(101, "North", ""), row(102, "South", ""), row(103, "North", "")]);
        import_users(&t.db, &Caller::system(), &name("acme.example"), &text, false, None).await.unwrap();
        let manager = caller_in("acme.example", acme, Scope::SiteManager, Some("North"));
        let exported = export_users(&t.db, &manager, &name("acme.example")).await.unwrap();
        let extensions: Vec<&str> = exported.lines().skip(1).map(|l| l.split(',').next().unwrap()).collect();
        assert_eq!(extensions, ["101", "103"]);
        let mut mixed = row(201, "North", "");
        mixed = format!("{mixed}\n{}", row(202, "South", ""));
        let report = import_users(&t.db, &manager, &name("acme.example"), &file(&[mixed]), true, None).await.unwrap();
        assert_eq!(places(&report), [(3, "site".to_owned())], "{:?}", report.problems);
        let above = format!("{HEADER},user-scope\n203,A,B,a@people.example,North,,,,Office Manager\n");
        let report = import_users(&t.db, &manager, &name("acme.example"), &above, true, None).await.unwrap();
        assert_eq!(places(&report), [(2, "user-scope".to_owned())], "no scope above its own: {:?}", report.problems);
    }

    async fn the_domains_limits_hold_for_an_import(t: TestDb) {
        make_domain(&t.db, DomainForm { domain: "acme.example".into(), limits_max_users: "3".into(), limits_max_sites: "1".into(), ..DomainForm::new_domain() }).await;
        create_user(&t.db, &Caller::system(), &name("acme.example"), &UserForm { user: "100".into(), name_first_name: "A".into(), name_last_name: "B".into(), email: "a@b.example".into(), ..UserForm::default() }).await.unwrap();
        let text = "user,name-first-name,name-last-name,email,site\n101,A,B,a@b.example,North\n102,A,B,a@b.example,South\n103,A,B,a@b.example,North\n";
        let report = import_users(&t.db, &Caller::system(), &name("acme.example"), text, true, None).await.unwrap();
        assert_eq!(places(&report), [(3, "site".to_owned()), (4, "user".to_owned())], "{:?}", report.problems);
        assert!(report.problems[1].message.contains("maximum of 3 users"), "{:?}", report.problems);
    }

    async fn a_bad_header_is_reported_before_any_row(t: TestDb) {
        domain_with_sales(&t.db, "acme.example").await;
        let report = import_users(&t.db, &Caller::system(), &name("acme.example"), "user,name-first-name,colour\n101,A,red\n", true, None).await.unwrap();
        assert_eq!(places(&report), [(1, "colour".to_owned()), (1, "name-last-name".to_owned()), (1, "email".to_owned())]);
        let error = import_users(&t.db, &Caller::system(), &name("acme.example"), "", false, None).await.unwrap_err();
        assert!(error.message_for("rows[1].file").is_some(), "{error:?}");
    }

    async fn the_portal_exports_a_download_and_imports_with_a_report_to_poll_and_show(t: TestDb) {
        domain_with_sales(&t.db, "acme.example").await;
        let mut client = logged_in_super_user(&t.db).await;
        // A big file: the import path takes more than the usual body limit (64 KiB in tests).
        let rows: Vec<String> = (1000..2500).map(|ext| row(ext, "North", "")).collect();
        let text = file(&rows);
        assert!(text.len() > 64 * 1024);
        let start = client.call(path::<StartImport>(), &[("domain", "acme.example")]).await;
        assert_eq!(start.status, 200, "{}", start.body);
        let id = start.json()["import_id"].as_str().unwrap().to_owned();
        assert_eq!(start.json()["required"], serde_json::json!(["user", "name-first-name", "name-last-name", "email"]));

        let checked = client.call(path::<ImportUsers>(), &[("domain", "acme.example"), ("import_id", &id), ("csv", &text), ("mode", "check")]).await;
        assert_eq!(checked.status, 200, "{}", checked.body);
        let report: ImportReport = serde_json::from_str(&checked.body).unwrap();
        assert!(report.dry_run && report.problems.is_empty() && report.rows == 1500, "{report:?}");
        assert!(checked.location().unwrap().starts_with(&format!("/domains/acme.example/users/import?report={id}&at=")), "{:?}", checked.location());
        let imported = client.call(path::<ImportUsers>(), &[("domain", "acme.example"), ("import_id", &id), ("csv", &text), ("mode", "import")]).await;
        assert_eq!(imported.status, 200, "{}", imported.body);
        let progress = client.call(path::<GetImportProgress>(), &[("import_id", &id)]).await.json();
        assert_eq!(progress["stage"], "done");
        let kept = client.call(path::<GetImportReport>(), &[("import_id", &id)]).await.json();
        assert_eq!(kept["created"], 1500);

        let export = client.get(&format!("{}?domain=acme.example", path::<ExportUsers>())).await;
        assert_eq!(export.status, 200, "a link to the export downloads it: {:?}", export.headers);
        assert!(export.headers["content-type"].to_str().unwrap().starts_with("text/csv"));
        assert_eq!(export.headers["content-disposition"], "attachment; filename=\"acme.example-users.csv\"");
        assert_eq!(export.body.lines().count(), 1501);
        let missing = client.get(&format!("{}?domain=nowhere.example", path::<ExportUsers>())).await;
        assert_eq!(missing.status, 404);

        // Without JavaScript: the form posts, the server redirects to the report, the page shows it.
        let bad = "user,name-first-name,name-last-name,email\n2600,Ann,Lee,not-an-address\n";
        let page = "/domains/acme.example/users/import";
        let posted = client.submit(path::<ImportUsers>(), page, &[("domain", "acme.example"), ("import_id", ""), ("csv", bad), ("mode", "import")]).await;
        assert_eq!(posted.status, 302, "{}", posted.body);
        let location = posted.location().unwrap().to_owned();
        assert!(location.starts_with(&format!("{page}?report=")), "{location}");
        let shown = client.get(&location).await;
        assert_eq!(shown.status, 200);
        assert!(shown.body.contains("Not imported") && shown.body.contains("E-mail (email)"), "{}", shown.body);

        let stranger = common::Client::new(&t.db).call(path::<GetImportReport>(), &[("import_id", &id)]).await;
        assert_eq!(stranger.status, 401);
    }
}
