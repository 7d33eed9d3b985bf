//! Users with everything attached, created all or nothing, changed in place, following their
//! domain where they do not set their own; on both databases.

mod common;

use app::error::AppError;
use app::model::domain::DomainForm;
use app::model::fields::Patch;
use app::model::user::{SortKey, UserForm, UserQuery};
use app::model::{DomainName, Parse};
use app::ssr::caller::Caller;
use app::ssr::db::{domains, users, Backend, Db};
use app::ssr::users::{create_user, delete_user, update_user};
use common::{
    add_queue, logged_in_super_user, make_domain, path, row_counts, stored_user, whole, Client,
};

fn acme() -> DomainName {
    DomainName::parse("acme.example").unwrap()
}

async fn acme_with_sales(db: &Db) -> i64 {
    let id = make_domain(
        db,
        DomainForm {
            domain: "acme.example".into(),
            caller_id_number: "+1 612 555 0100".into(),
            ..DomainForm::new_domain()
        },
    )
    .await;
    add_queue(db, id, "600", "Sales").await;
    id
}

fn smith(ext: &str) -> UserForm {
    UserForm {
        user: ext.into(),
        name_first_name: "John".into(),
        name_last_name: "Smith".into(),
        email: "john@acme.example; jsmith@home.example".into(),
        ..UserForm::default()
    }
}

/// Makes every insert into `table` fail, the way a full disk or a lost connection would.
async fn break_inserts_into(db: &Db, table: &str) {
    match db.backend() {
        Backend::Sqlite => {
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE TRIGGER fail_{table} BEFORE INSERT ON {table} BEGIN SELECT RAISE(ABORT, 'forced failure'); END")))
                .execute(db.writer()).await.unwrap();
        }
        Backend::Postgres => {
            sqlx::query("CREATE OR REPLACE FUNCTION fail_insert() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'forced failure'; END $$ LANGUAGE plpgsql")
                .execute(db.writer()).await.unwrap();
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE TRIGGER fail_{table} BEFORE INSERT ON {table} FOR EACH ROW EXECUTE FUNCTION fail_insert()")))
                .execute(db.writer()).await.unwrap();
        }
    }
}

/// Makes inserting the user with extension `ext` fail, and only that user.
async fn break_inserting_user(db: &Db, ext: &str) {
    let sql = match db.backend() {
        Backend::Sqlite => format!("CREATE TRIGGER fail_users BEFORE INSERT ON users WHEN NEW.extension = '{ext}' BEGIN SELECT RAISE(ABORT, 'forced failure'); END"),
        Backend::Postgres => {
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE OR REPLACE FUNCTION fail_user() RETURNS trigger AS $$ BEGIN IF NEW.extension = '{ext}' THEN RAISE EXCEPTION 'forced failure'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql")))
                .execute(db.writer()).await.unwrap();
            "CREATE TRIGGER fail_users BEFORE INSERT ON users FOR EACH ROW EXECUTE FUNCTION fail_user()".into()
        }
    };
    sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
        .execute(db.writer())
        .await
        .unwrap();
}

/// Creates `forms` in acme.example one just after the other while another write holds the
/// domain, so that all of them wait together and then go one after the other; their answers, in
/// the order of `forms` (the order they get the domain in is not promised).
async fn create_together(
    db: &Db,
    domain_id: i64,
    forms: Vec<UserForm>,
) -> Vec<Result<app::ssr::users::Created, AppError>> {
    let mut hold = db.begin().await.unwrap();
    domains::lock(&mut hold, domain_id).await.unwrap();
    let mut tasks = Vec::new();
    for form in forms {
        let db = db.clone();
        tasks.push(tokio::spawn(async move {
            create_user(&db, &Caller::system(), &acme(), &form).await
        }));
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    hold.commit().await.unwrap();
    let mut answers = Vec::new();
    for task in tasks {
        answers.push(task.await.unwrap());
    }
    answers
}

async fn repair_inserts_into(db: &Db, table: &str) {
    let sql = match db.backend() {
        Backend::Sqlite => format!("DROP TRIGGER fail_{table}"),
        Backend::Postgres => format!("DROP TRIGGER fail_{table} ON {table}"),
    };
    sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
        .execute(db.writer())
        .await
        .unwrap();
}

fn everything(ext: &str) -> UserForm {
    UserForm {
        login_username: format!("jsmith{ext}@acme.example"),
        department: "Sales".into(),
        site: "New York".into(),
        phone_numbers: format!("+1 612 555 0{ext}, +1 612 555 1{ext}"),
        forward_no_answer: "voicemail".into(),
        forward_on_busy: "+1 612 555 0199".into(),
        simultaneous_ring: "+1 612 555 0198".into(),
        groups: "600".into(),
        voicemail_login_pin: "0852".into(),
        ..smith(ext)
    }
}

on_both_backends! {
    async fn a_user_is_created_with_everything_attached(t: TestDb) {
        acme_with_sales(&t.db).await;
        let created = create_user(&t.db, &Caller::system(), &acme(), &everything("101")).await.unwrap().detail;
        let u = &created.values;
        assert_eq!(u.login(), "jsmith101@acme.example");
        assert_eq!(u.email.as_str(), "john@acme.example;jsmith@home.example");
        assert_eq!(u.site.as_ref().unwrap().as_str(), "New York");
        assert_eq!(u.department.as_ref().unwrap().as_str(), "Sales");
        assert_eq!(u.caller_id_number.as_ref().unwrap().as_str(), "+16125550100", "the domain's");
        assert!(created.inherits("caller-id-number"), "followed, not copied");
        assert_eq!(u.directory_name_number_dtmf_mapping.unwrap().get(), 764);
        assert!(app::ssr::pin_matches(u.voicemail_login_pin.get().unwrap().as_str(), "0852"), "kept as its hash, leading zero and all");
        assert_eq!(created.devices.len(), 1);
        assert_eq!(created.devices[0].device.as_str(), "101");
        let password = created.devices[0].device_sip_registration_password.clone().unwrap();
        assert!(password.len() >= 16 && password.chars().all(|c| c.is_ascii_alphanumeric()));
        assert_eq!(created.voicemail_box.as_ref().unwrap().as_str(), "101");
        let numbers: Vec<&str> = created.values.phone_numbers.iter().map(|n| n.as_str()).collect();
        assert_eq!(numbers, ["+16125550101", "+16125551101"]);
        assert_eq!(created.values.answer_rule().forward_no_answer.as_ref().unwrap().as_str(), "voicemail");
        assert_eq!(created.values.answer_rule().simultaneous_ring.len(), 1);
        assert_eq!(created.values.groups[0].as_str(), "600");
        let counts = row_counts(&t.db).await;
        assert!(counts.contains(&("sites", 1)) && counts.contains(&("accounts", 1)) && counts.contains(&("call_queue_agents", 1)), "{counts:?}");
    }

    async fn a_failure_at_any_step_of_the_create_writes_nothing(t: TestDb) {
        acme_with_sales(&t.db).await;
        let before = row_counts(&t.db).await;
        for table in ["sites", "users", "accounts", "devices", "voicemail_boxes", "phone_numbers", "answer_rules", "call_queue_agents"] {
            break_inserts_into(&t.db, table).await;
            let result = create_user(&t.db, &Caller::system(), &acme(), &everything("101")).await;
            assert_eq!(result.unwrap_err(), AppError::Internal, "failing at {table}");
            assert_eq!(row_counts(&t.db).await, before, "a failure at {table} left rows behind");
            repair_inserts_into(&t.db, table).await;
        }
        create_user(&t.db, &Caller::system(), &acme(), &everything("101")).await.expect("works once nothing fails");
    }

    async fn creates_that_arrive_together_are_each_answered_as_if_alone(t: TestDb) {
        let domain_id = acme_with_sales(&t.db).await;
        let mut forms: Vec<UserForm> = (101..=120).map(|n| everything(&n.to_string())).collect();
        // 121 and 124 ask for the same number (whichever arrives first gets it); 122 names a call
        // queue that does not exist; 123 forwards to 122, which is refused, so 123 is too.
        forms.push(UserForm { phone_numbers: "+1 612 555 2000".into(), ..everything("121") });
        forms.push(UserForm { groups: "699".into(), ..everything("122") });
        forms.push(UserForm { forward_always: "122".into(), ..everything("123") });
        forms.push(UserForm { phone_numbers: "+1 612 555 2000".into(), ..everything("124") });
        let answers = create_together(&t.db, domain_id, forms).await;

        let mut invitations = std::collections::HashSet::new();
        for (n, answer) in (101..=120).zip(&answers) {
            let created = answer.as_ref().unwrap_or_else(|e| panic!("{n}: {e:?}"));
            assert_eq!(created.detail.values.user.as_str(), n.to_string());
            assert_eq!(created.detail.values.login(), format!("jsmith{n}@acme.example"));
            let numbers: Vec<&str> = created.detail.values.phone_numbers.iter().map(|p| p.as_str()).collect();
            assert_eq!(numbers, [format!("+16125550{n}"), format!("+16125551{n}")]);
            assert_eq!(created.detail.devices[0].device.as_str(), n.to_string());
            assert!(invitations.insert(created.invitation.clone().unwrap()), "each has its own invitation");
        }
        let (got, taken) = match (&answers[20], &answers[23]) {
            (Ok(got), Err(taken)) | (Err(taken), Ok(got)) => (got, taken),
            (a, b) => panic!("one of two creates asking for one number succeeds: {a:?} {b:?}"),
        };
        assert_eq!(got.detail.values.phone_numbers[0].as_str(), "+16125552000");
        assert!(matches!(taken, AppError::Conflict { .. }), "{taken:?}");
        assert!(taken.message_for("phone-numbers[0]").is_some(), "{taken:?}");
        let nope = answers[21].as_ref().unwrap_err();
        assert!(nope.message_for("groups[0]").is_some() && nope.message_for("user").is_none(), "{nope:?}");
        let forward = answers[22].as_ref().unwrap_err();
        assert!(forward.message_for("forward-always").is_some(), "{forward:?}");

        let counts = row_counts(&t.db).await;
        for table in [("users", 21), ("phone_numbers", 41), ("sites", 1), ("devices", 21), ("voicemail_boxes", 21), ("call_queue_agents", 21), ("audit_log", 21)] {
            assert!(counts.contains(&table), "{table:?}: {counts:?}");
        }
    }

    async fn a_failure_of_one_create_among_many_costs_the_others_nothing(t: TestDb) {
        let domain_id = acme_with_sales(&t.db).await;
        break_inserting_user(&t.db, "105").await;
        let forms: Vec<UserForm> = (101..=110).map(|n| everything(&n.to_string())).collect();
        let answers = create_together(&t.db, domain_id, forms).await;
        for (n, answer) in (101..=110).zip(&answers) {
            match n {
                105 => assert_eq!(answer.as_ref().unwrap_err(), &AppError::Internal),
                _ => assert_eq!(answer.as_ref().unwrap().detail.values.user.as_str(), n.to_string()),
            }
        }
        let users: Vec<String> = sqlx::query_scalar("SELECT extension FROM users ORDER BY extension")
            .fetch_all(t.db.pool()).await.unwrap();
        assert_eq!(users.len(), 9);
        assert!(!users.contains(&"105".to_string()));
        let numbers: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM phone_numbers WHERE number LIKE '%105'")
            .fetch_one(t.db.pool()).await.unwrap();
        assert_eq!(numbers, 0, "nothing of 105 was written");
    }

    async fn concurrent_creates_of_one_extension_give_one_user_and_conflicts(t: TestDb) {
        acme_with_sales(&t.db).await;
        let mut tasks = Vec::new();
        for i in 0..16 {
            let db = t.db.clone();
            tasks.push(tokio::spawn(async move {
                let form = UserForm { login_username: format!("racer{i}@acme.example"), ..smith("200") };
                create_user(&db, &Caller::system(), &acme(), &form).await
            }));
        }
        let mut created = 0;
        for task in tasks {
            match task.await.unwrap() {
                Ok(_) => created += 1,
                Err(e) => {
                    assert!(matches!(e, AppError::Conflict { .. }), "{e:?}");
                    assert!(e.message_for("user").is_some(), "{e:?}");
                }
            }
        }
        assert_eq!(created, 1);
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(t.db.pool()).await.unwrap();
        assert_eq!(count, 1);
    }

    async fn forwards_follow_the_dial_policy_and_a_caller_id_is_the_domains_own(t: TestDb) {
        use app::model::permissions::Who;
        use app::model::Scope;
        let acme_id = make_domain(&t.db, DomainForm { domain: "acme.example".into(), ..DomainForm::new_domain() }).await;
        make_domain(&t.db, DomainForm { domain: "other.example".into(), ..DomainForm::new_domain() }).await;
        create_user(&t.db, &Caller::system(), &DomainName::parse("other.example").unwrap(), &UserForm { phone_numbers: "+1 612 555 0150".into(), ..smith("150") }).await.unwrap();
        let manager = Caller {
            account_id: 0,
            login: "om@acme.example".into(),
            display_name: "Office Manager".into(),
            who: Who { scope: Scope::OfficeManager, domain_id: Some(acme_id), reseller: String::new(), user_id: None, site: None },
            domain: Some("acme.example".into()),
            extension: None,
            address: String::new(),
            key: None,
        };
        // The domain's policy is US & Canada: no premium, other +1 countries or abroad.
        let form = UserForm {
            forward_always: "+1 900 555 0100".into(),
            forward_no_answer: "+1 612 555 0199".into(),
            simultaneous_ring: "+1 416 555 0100, +44 20 7946 0958, +1 876 555 0100".into(),
            ..smith("101")
        };
        let refused = create_user(&t.db, &manager, &acme(), &form).await.unwrap_err();
        let fields = refused.field_errors().unwrap().names();
        assert_eq!(fields, ["forward-always", "simultaneous-ring[1]", "simultaneous-ring[2]"], "{refused:?}");
        assert!(refused.message_for("forward-always").unwrap().contains("US & Canada"));
        // A user's own policy may reach further, but never premium numbers.
        let international = UserForm { dial_policy: "International".into(), forward_always: "+1 612 555 0199".into(), ..form.clone() };
        create_user(&t.db, &manager, &acme(), &international).await.unwrap();
        let premium = update_user(&t.db, &manager, &acme(), "101", &Patch(vec![("forward-on-busy".into(), "+1 900 555 0100".into())])).await.unwrap_err();
        assert!(premium.message_for("forward-on-busy").is_some(), "{premium:?}");
        // Narrowing the policy checks the forwards the user already has.
        let narrowed = update_user(&t.db, &manager, &acme(), "101", &Patch(vec![("dial-policy".into(), "Internal".into())])).await.unwrap_err();
        assert!(narrowed.message_for("forward-always").is_some(), "{narrowed:?}");

        // A caller ID is one of the domain's numbers: not another tenant's, not a made-up one.
        for (number, field) in [("+1 612 555 0150", "caller-id-number"), ("+1 612 555 0177", "caller-id-number-emergency")] {
            let mut form = smith("102");
            *(if field == "caller-id-number" { &mut form.caller_id_number } else { &mut form.caller_id_number_emergency }) = number.into();
            let refused = create_user(&t.db, &manager, &acme(), &form).await.unwrap_err();
            assert!(refused.message_for(field).unwrap().contains("not a number of this domain"), "{refused:?}");
        }
        // The user's own new number, or one the domain has, is fine.
        create_user(&t.db, &manager, &acme(), &UserForm { phone_numbers: "+1 612 555 0102".into(), caller_id_number: "+1 612 555 0102".into(), ..smith("102") }).await.unwrap();
        create_user(&t.db, &manager, &acme(), &UserForm { caller_id_number_emergency: "+1 612 555 0102".into(), ..smith("103") }).await.unwrap();
        // A Super User may set any.
        create_user(&t.db, &Caller::system(), &acme(), &UserForm { caller_id_number: "+1 612 555 0177".into(), ..smith("104") }).await.unwrap();
    }

    async fn weak_secrets_are_refused_and_a_pin_is_kept_only_as_its_hash(t: TestDb) {
        make_domain(&t.db, DomainForm { domain: "acme.example".into(), ..DomainForm::new_domain() }).await;
        for (pin, sip) in [("1010", ""), ("8264", "aaaaaaaaaaaaaaaa"), ("8264", "abcdefghijklmnop")] {
            let form = UserForm { voicemail_enabled: "yes".into(), voicemail_login_pin: pin.into(), device_sip_registration_password: sip.into(), ..smith("1010") };
            let refused = create_user(&t.db, &Caller::system(), &acme(), &form).await.unwrap_err();
            let field = if pin == "1010" { "voicemail-login-pin" } else { "device-sip-registration-password" };
            assert!(refused.message_for(field).is_some(), "{pin} {sip:?}: {refused:?}");
        }
        // Sixteen spaces are a blank password: a strong one is generated.
        let form = UserForm { voicemail_enabled: "yes".into(), voicemail_login_pin: "8264".into(), device_sip_registration_password: " ".repeat(16), ..smith("1010") };
        let made = create_user(&t.db, &Caller::system(), &acme(), &form).await.unwrap().detail;
        let generated = made.devices[0].device_sip_registration_password.clone().unwrap();
        assert_eq!(generated.trim().len(), 20, "{generated:?}");
        let settings: String = sqlx::query_scalar("SELECT settings FROM users WHERE extension = '1010'").fetch_one(t.db.pool()).await.unwrap();
        assert!(!settings.contains("8264"), "{settings}");
        let kept = serde_json::from_str::<serde_json::Value>(&settings).unwrap()["voicemail-login-pin"].as_str().unwrap().to_owned();
        assert!(app::ssr::pin_matches(&kept, "8264") && !app::ssr::pin_matches(&kept, "8265"));
        // An edit that does not name the PIN keeps its hash; one that names the extension is refused.
        update_user(&t.db, &Caller::system(), &acme(), "1010", &Patch(vec![("name-first-name".into(), "Jon".into())])).await.unwrap();
        let again: String = sqlx::query_scalar("SELECT settings FROM users WHERE extension = '1010'").fetch_one(t.db.pool()).await.unwrap();
        assert!(again.contains(&kept));
        let refused = update_user(&t.db, &Caller::system(), &acme(), "1010", &Patch(vec![("voicemail-login-pin".into(), "1010".into())])).await.unwrap_err();
        assert!(refused.message_for("voicemail-login-pin").is_some(), "{refused:?}");
        // A hash cannot be sent as a PIN.
        let forged = update_user(&t.db, &Caller::system(), &acme(), "1010", &Patch(vec![("voicemail-login-pin".into(), kept.clone())])).await.unwrap_err();
        assert!(forged.message_for("voicemail-login-pin").is_some(), "{forged:?}");
    }

    async fn a_login_lives_in_its_users_domain_and_cannot_squat_another(t: TestDb) {
        make_domain(&t.db, DomainForm { domain: "acme.example".into(), ..DomainForm::new_domain() }).await;
        make_domain(&t.db, DomainForm { domain: "b.example".into(), ..DomainForm::new_domain() }).await;
        let b = DomainName::parse("b.example").unwrap();
        // A login naming another tenant's domain is refused, and B's user 2099 can still be made.
        let squat = create_user(&t.db, &Caller::system(), &acme(), &UserForm { login_username: "2099@b.example".into(), ..smith("2099") }).await.unwrap_err();
        assert!(matches!(squat, AppError::Invalid { .. }), "{squat:?}");
        assert!(squat.message_for("login-username").unwrap().contains("@acme.example"), "{squat:?}");
        create_user(&t.db, &Caller::system(), &b, &smith("2099")).await.unwrap();
        // A name alone is put in the domain: each tenant has its own front desk.
        let front = create_user(&t.db, &Caller::system(), &acme(), &UserForm { login_username: "FrontDesk".into(), ..smith("300") }).await.unwrap().detail;
        assert_eq!(front.values.login(), "frontdesk@acme.example");
        let theirs = create_user(&t.db, &Caller::system(), &b, &UserForm { login_username: "frontdesk".into(), ..smith("300") }).await.unwrap().detail;
        assert_eq!(theirs.values.login(), "frontdesk@b.example");
        // A taken login is one of the domain's own: the refusal names nothing elsewhere.
        let taken = create_user(&t.db, &Caller::system(), &acme(), &UserForm { login_username: "frontdesk".into(), ..smith("301") }).await.unwrap_err();
        assert_eq!(taken.message_for("login-username").as_deref(), Some("The login frontdesk@acme.example is already taken."));
        // A change of login is put in the domain the same way.
        let renamed = app::ssr::users::update_user(&t.db, &Caller::system(), &acme(), "300", &app::model::fields::Patch(vec![("login-username".into(), "desk".into())])).await.unwrap();
        assert_eq!(renamed.values.login(), "desk@acme.example");
        let moved = app::ssr::users::update_user(&t.db, &Caller::system(), &acme(), "300", &app::model::fields::Patch(vec![("login-username".into(), "desk@b.example".into())])).await.unwrap_err();
        assert!(moved.message_for("login-username").is_some(), "{moved:?}");
    }

    async fn every_problem_of_a_create_is_reported_at_once(t: TestDb) {
        let acme_id = make_domain(&t.db, DomainForm { domain: "acme.example".into(), limits_max_sites: "0".into(), ..DomainForm::new_domain() }).await;
        make_domain(&t.db, DomainForm { domain: "other.example".into(), ..DomainForm::new_domain() }).await;
        create_user(&t.db, &Caller::system(), &DomainName::parse("other.example").unwrap(), &UserForm { phone_numbers: "+1 612 555 0150".into(), ..smith("150") }).await.unwrap();
        create_user(&t.db, &Caller::system(), &acme(), &smith("101")).await.unwrap();
        let form = UserForm {
            login_username: "101@acme.example".into(),
            site: "Brand New Site".into(),
            phone_numbers: "+1 612 555 0150".into(),
            groups: "699".into(),
            forward_always: "999".into(),
            ..smith("101")
        };
        let error = create_user(&t.db, &Caller::system(), &acme(), &form).await.unwrap_err();
        assert!(matches!(error, AppError::Conflict { .. }), "{error:?}");
        for field in ["user", "login-username", "site", "phone-numbers[0]", "groups[0]", "forward-always"] {
            assert!(error.message_for(field).is_some(), "{field} missing from {error:?}");
        }
        let users_in_acme: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE domain_id = $1").bind(acme_id).fetch_one(t.db.pool()).await.unwrap();
        assert_eq!(users_in_acme, 1);
    }

    async fn the_domains_maximum_of_users_is_enforced(t: TestDb) {
        make_domain(&t.db, DomainForm { domain: "acme.example".into(), limits_max_users: "2".into(), ..DomainForm::new_domain() }).await;
        create_user(&t.db, &Caller::system(), &acme(), &smith("101")).await.unwrap();
        create_user(&t.db, &Caller::system(), &acme(), &smith("102")).await.unwrap();
        let error = create_user(&t.db, &Caller::system(), &acme(), &smith("103")).await.unwrap_err();
        assert!(error.message_for("user").unwrap().contains("maximum of 2 users"), "{error:?}");
    }

    async fn a_user_with_a_voicemail_box_is_deleted_only_with_it_and_frees_its_numbers(t: TestDb) {
        acme_with_sales(&t.db).await;
        create_user(&t.db, &Caller::system(), &acme(), &everything("101")).await.unwrap();
        let refused = delete_user(&t.db, &Caller::system(), &acme(), "101", false).await.unwrap_err();
        assert!(matches!(refused, AppError::PreconditionFailed { .. }));
        assert_eq!(refused.status(), 412);
        delete_user(&t.db, &Caller::system(), &acme(), "101", true).await.unwrap();
        let counts = row_counts(&t.db).await;
        for (table, expected) in [("users", 0), ("accounts", 0), ("devices", 0), ("voicemail_boxes", 0), ("answer_rules", 0), ("call_queue_agents", 0), ("phone_numbers", 2), ("call_queues", 1)] {
            assert!(counts.contains(&(table, expected)), "{table}: {counts:?}");
        }
        let routed: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM phone_numbers WHERE user_id IS NOT NULL").fetch_one(t.db.pool()).await.unwrap();
        assert_eq!(routed, 0, "the numbers are free again");
        // A freed number can be given to a new user.
        let again = create_user(&t.db, &Caller::system(), &acme(), &UserForm { phone_numbers: "+1 612 555 0101".into(), ..smith("102") }).await.unwrap().detail;
        assert_eq!(again.values.phone_numbers.len(), 1);
        assert_eq!(delete_user(&t.db, &Caller::system(), &acme(), "999", true).await.unwrap_err(), AppError::NotFound);
    }

    async fn the_users_list_searches_sorts_pages_and_counts(t: TestDb) {
        let id = make_domain(&t.db, DomainForm { domain: "acme.example".into(), ..DomainForm::new_domain() }).await;
        for (ext, first, last) in [("101", "Ann", "Zeta"), ("102", "Bob", "Young"), ("103", "Cy", "Xu"), ("110", "Di", "Smith")] {
            let department = if ext == "103" { "Field Service" } else { "" };
            create_user(&t.db, &Caller::system(), &acme(), &UserForm { user: ext.into(), name_first_name: first.into(), name_last_name: last.into(), email: format!("{}@acme.example", first.to_lowercase()), department: department.into(), ..UserForm::default() }).await.unwrap();
        }
        create_user(&t.db, &Caller::system(), &acme(), &UserForm { service_code: "system-queue".into(), ..smith("999") }).await.unwrap();
        let page = users::list(t.db.pool(), id, None, &UserQuery { limit: 2, ..UserQuery::default() }).await.unwrap();
        assert_eq!(page.total, 4, "system users are hidden");
        assert_eq!(page.items.iter().map(|u| u.user.as_str()).collect::<Vec<_>>(), ["101", "102"]);
        let next = users::list(t.db.pool(), id, None, &UserQuery { limit: 2, start: 2, ..UserQuery::default() }).await.unwrap();
        assert_eq!(next.items.iter().map(|u| u.user.as_str()).collect::<Vec<_>>(), ["103", "110"]);
        let by_name = users::list(t.db.pool(), id, None, &UserQuery { sort: SortKey::Name, ..UserQuery::default() }).await.unwrap();
        assert_eq!(by_name.items[0].name_last_name.as_str(), "Smith");
        let desc = users::list(t.db.pool(), id, None, &UserQuery { sort: SortKey::User, descending: true, ..UserQuery::default() }).await.unwrap();
        assert_eq!(desc.items[0].user.as_str(), "110");
        let found = users::list(t.db.pool(), id, None, &UserQuery { search: "BOB@".into(), ..UserQuery::default() }).await.unwrap();
        assert_eq!((found.total, found.items[0].user.as_str()), (1, "102"));
        let by_department = users::list(t.db.pool(), id, None, &UserQuery { search: "field serv".into(), ..UserQuery::default() }).await.unwrap();
        assert_eq!((by_department.total, by_department.items[0].user.as_str()), (1, "103"), "a department is searched too");
        let none = users::list(t.db.pool(), id, None, &UserQuery { search: "%".into(), ..UserQuery::default() }).await.unwrap();
        assert_eq!(none.total, 0, "a % is searched for, not a wildcard");
        // A search's count is of all its matches, on whichever page, past the last one, or
        // after a cursor (counted with the page, or on its own where the page cannot tell).
        let searched = |start: u32, after: Option<String>| {
            let db = t.db.clone();
            async move {
                let query = UserQuery { search: "acme.example".into(), limit: 2, start, after, ..UserQuery::default() };
                let page = users::list(db.pool(), id, None, &query).await.unwrap();
                (page.total, page.items.iter().map(|u| u.user.as_str().to_owned()).collect::<Vec<_>>(), page.next)
            }
        };
        let (total, first, next) = searched(0, None).await;
        assert_eq!((total, first), (4, vec!["101".to_owned(), "102".to_owned()]));
        let (total, second, _) = searched(2, None).await;
        assert_eq!((total, second), (4, vec!["103".to_owned(), "110".to_owned()]));
        let (total, past_the_end, _) = searched(10, None).await;
        assert_eq!((total, past_the_end.len()), (4, 0), "a page past the last match still counts them");
        let (total, after_cursor, _) = searched(0, next).await;
        assert_eq!((total, after_cursor), (4, vec!["103".to_owned(), "110".to_owned()]), "after a cursor");
        let nothing = users::list(t.db.pool(), id, None, &UserQuery { search: "nobody here".into(), limit: 2, ..UserQuery::default() }).await.unwrap();
        assert_eq!((nothing.total, nothing.items.len()), (0, 0));
    }

    async fn pages_in_every_order_and_direction_list_each_user_once_even_among_equal_names(t: TestDb) {
        let id = make_domain(&t.db, DomainForm { domain: "acme.example".into(), ..DomainForm::new_domain() }).await;
        // Equal names, departments and sites, so that only the last column of each order tells
        // some users apart; and a system user, never listed.
        for n in 0..11u32 {
            let (first, last) = if n % 3 == 0 { ("Ann", "Lee") } else { ("Bo", if n % 2 == 0 { "Lee" } else { "Ames" }) };
            let form = UserForm {
                user: format!("{}", 200 + n * 7 % 11),
                name_first_name: first.into(),
                name_last_name: last.into(),
                email: format!("u{n}@acme.example"),
                department: if n % 4 == 0 { String::new() } else { "Sales".into() },
                site: if n % 5 == 0 { String::new() } else { "HQ".into() },
                ..UserForm::default()
            };
            create_user(&t.db, &Caller::system(), &acme(), &form).await.unwrap();
        }
        create_user(&t.db, &Caller::system(), &acme(), &UserForm { service_code: "system-queue".into(), ..smith("999") }).await.unwrap();
        for sort in [SortKey::User, SortKey::Name, SortKey::Login, SortKey::Department, SortKey::Site] {
            for descending in [false, true] {
                let query = UserQuery { sort, descending, limit: 1000, ..UserQuery::default() };
                let whole: Vec<String> = users::list(t.db.pool(), id, None, &query).await.unwrap().items.into_iter().map(|u| u.user.as_str().to_owned()).collect();
                assert_eq!(whole.len(), 11, "{sort:?}");
                let mut paged = Vec::new();
                for start in (0..12).step_by(3) {
                    let page = users::list(t.db.pool(), id, None, &UserQuery { limit: 3, start, ..query.clone() }).await.unwrap();
                    assert_eq!(page.total, 11);
                    paged.extend(page.items.into_iter().map(|u| u.user.as_str().to_owned()));
                }
                assert_eq!(paged, whole, "pages of 3 by {sort:?} (descending: {descending}) put together are the whole list");
                let again: Vec<String> = users::list(t.db.pool(), id, None, &query).await.unwrap().items.into_iter().map(|u| u.user.as_str().to_owned()).collect();
                assert_eq!(again, whole, "the order is the same every time");
            }
        }
    }

    async fn the_kept_count_of_listed_users_follows_every_create_change_and_delete(t: TestDb) {
        let id = make_domain(&t.db, DomainForm { domain: "acme.example".into(), ..DomainForm::new_domain() }).await;
        let other = make_domain(&t.db, DomainForm { domain: "other.example".into(), ..DomainForm::new_domain() }).await;
        let counted = |domain_id: i64| {
            let db = t.db.clone();
            async move {
                let kept = users::listed_count(db.pool(), domain_id).await.unwrap();
                let counted: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM users u WHERE u.domain_id = $1 AND {}", users::LISTED)))
                    .bind(domain_id).fetch_one(db.pool()).await.unwrap();
                assert_eq!(kept, counted as u64, "the kept count is what counting finds");
                kept
            }
        };
        assert_eq!(counted(id).await, 0, "a new domain starts at none");
        for ext in ["101", "102", "103"] {
            create_user(&t.db, &Caller::system(), &acme(), &smith(ext)).await.unwrap();
        }
        create_user(&t.db, &Caller::system(), &acme(), &UserForm { service_code: "system-queue".into(), ..smith("999") }).await.unwrap();
        assert_eq!(counted(id).await, 3, "a system user is not counted");
        assert_eq!(counted(other).await, 0);
        let patch = |code: &str| Patch(vec![("service-code".to_owned(), code.to_owned())]);
        update_user(&t.db, &Caller::system(), &acme(), "101", &patch("system-vm")).await.unwrap();
        assert_eq!(counted(id).await, 2, "becoming a system user leaves the list");
        update_user(&t.db, &Caller::system(), &acme(), "101", &patch("")).await.unwrap();
        update_user(&t.db, &Caller::system(), &acme(), "999", &patch("")).await.unwrap();
        assert_eq!(counted(id).await, 4);
        update_user(&t.db, &Caller::system(), &acme(), "102", &Patch(vec![("name-last-name".to_owned(), "Jones".to_owned())])).await.unwrap();
        assert_eq!(counted(id).await, 4, "another change counts nothing");
        delete_user(&t.db, &Caller::system(), &acme(), "103", true).await.unwrap();
        assert_eq!(counted(id).await, 3);
        let page = app::ssr::users::list_users(&t.db, &Caller::system(), &acme(), None, &UserQuery::default()).await.unwrap();
        assert_eq!((page.total, page.items.len()), (3, 3), "the list's total is the kept count");
        app::ssr::domains::delete_domain(&t.db, &Caller::system(), &acme()).await.unwrap();
        let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM listed_user_counts WHERE domain_id = $1").bind(id).fetch_one(t.db.pool()).await.unwrap();
        assert_eq!(left, 0, "a deleted domain's count goes with it");
    }

    async fn keyset_pages_neither_skip_nor_repeat_a_user_when_users_come_and_go(t: TestDb) {
        let id = make_domain(&t.db, DomainForm { domain: "acme.example".into(), ..DomainForm::new_domain() }).await;
        let person = |n: u32, first: &str, last: &str, department: &str, site: &str| UserForm {
            user: format!("{n}"),
            name_first_name: first.into(),
            name_last_name: last.into(),
            email: format!("u{n}@acme.example"),
            department: department.into(),
            site: site.into(),
            ..UserForm::default()
        };
        let extensions = |list: &app::model::user::UserList| list.items.iter().map(|u| u.user.as_str().to_owned()).collect::<Vec<_>>();
        for sort in [SortKey::User, SortKey::Name, SortKey::Login, SortKey::Department, SortKey::Site] {
            for descending in [false, true] {
                // Equal names, departments and sites, some blank, so that only the last column
                // of each order tells some users apart.
                for n in 0..11u32 {
                    let (first, last) = if n % 3 == 0 { ("Ann", "Lee") } else { ("Bo", if n % 2 == 0 { "Lee" } else { "Ames" }) };
                    let department = if n % 4 == 0 { "" } else { "Sales" };
                    let site = if n % 5 == 0 { "" } else { "HQ" };
                    create_user(&t.db, &Caller::system(), &acme(), &person(200 + n * 7 % 11, first, last, department, site)).await.unwrap();
                }
                let query = UserQuery { sort, descending, limit: 1000, ..UserQuery::default() };
                let whole = extensions(&users::list(t.db.pool(), id, None, &query).await.unwrap());
                let walk = |after: Option<String>| {
                    let query = query.clone();
                    let db = t.db.clone();
                    async move {
                        let (mut seen, mut after) = (Vec::new(), after);
                        loop {
                            let page = users::list(db.pool(), id, None, &UserQuery { limit: 3, after: after.clone(), ..query.clone() }).await.unwrap();
                            assert_eq!(page.total, users::list(db.pool(), id, None, &query).await.unwrap().total, "the count is the whole list's");
                            seen.extend(page.items.iter().map(|u| u.user.as_str().to_owned()));
                            match page.next {
                                Some(next) => after = Some(next),
                                None => return seen,
                            }
                        }
                    }
                };
                assert_eq!(walk(None).await, whole, "keyset pages of 3 by {sort:?} (descending: {descending}) put together are the whole list");

                // The first page's cursor, then its last user goes, and users come who sort
                // first and last in every order: the rest begins right after where the first
                // page ended, with neither a repeat nor a skip.
                let first = users::list(t.db.pool(), id, None, &UserQuery { limit: 3, ..query.clone() }).await.unwrap();
                let cursor = first.next.clone().expect("a full page has a next one");
                let shown = extensions(&first);
                delete_user(&t.db, &Caller::system(), &acme(), &shown[2], true).await.unwrap();
                create_user(&t.db, &Caller::system(), &acme(), &person(100, "Aaron", "Aaron", "Aaa", "Aaa")).await.unwrap();
                create_user(&t.db, &Caller::system(), &acme(), &person(299, "Zz", "Zz", "Zzz", "Zzz")).await.unwrap();
                let now = extensions(&users::list(t.db.pool(), id, None, &query).await.unwrap());
                let before_cursor = now.iter().position(|e| *e == shown[1]).unwrap();
                assert_eq!(walk(Some(cursor)).await, now[before_cursor + 1..], "after a change, by {sort:?} (descending: {descending})");

                for user in now {
                    delete_user(&t.db, &Caller::system(), &acme(), &user, true).await.unwrap();
                }
            }
        }
        let bad = app::ssr::users::list_users(&t.db, &Caller::system(), &acme(), None, &UserQuery { after: Some("7b7d".into()), ..UserQuery::default() }).await.unwrap_err();
        assert!(matches!(&bad, AppError::Invalid { errors, .. } if errors.names() == ["after"]), "{bad:?}");
    }

    async fn a_search_through_the_trigram_index_follows_every_change_and_finds_as_the_scan_does(t: TestDb) {
        let id = make_domain(&t.db, DomainForm { domain: "acme.example".into(), ..DomainForm::new_domain() }).await;
        make_domain(&t.db, DomainForm { domain: "other.example".into(), ..DomainForm::new_domain() }).await;
        let other = DomainName::parse("other.example").unwrap();
        for (ext, first, last) in [("101", "Ann", "Zeta"), ("102", "Bob", "Youngblood"), ("103", "Cy", "Xu")] {
            let email = format!("{}.{ext}@acme.example", first.to_lowercase());
            create_user(&t.db, &Caller::system(), &acme(), &UserForm { user: ext.into(), name_first_name: first.into(), name_last_name: last.into(), email, ..UserForm::default() }).await.unwrap();
        }
        // The same name in another domain is never found here.
        create_user(&t.db, &Caller::system(), &other, &UserForm { user: "101".into(), name_first_name: "Ann".into(), name_last_name: "Zeta".into(), email: "ann@other.example".into(), ..UserForm::default() }).await.unwrap();
        let found = |search: &'static str| {
            let db = t.db.clone();
            async move {
                let list = users::list(db.pool(), id, None, &UserQuery { search: search.into(), ..UserQuery::default() }).await.unwrap();
                (list.total, list.items.iter().map(|u| u.user.as_str().to_owned()).collect::<Vec<_>>())
            }
        };
        // Pieces of three characters or more (the index) and shorter ones (the scan) agree.
        assert_eq!(found("ngbl").await, (1, vec!["102".to_owned()]), "the middle of a name");
        assert_eq!(found("CY.103@").await, (1, vec!["103".to_owned()]), "an e-mail address, in any case");
        assert_eq!(found("zeta").await, (1, vec!["101".to_owned()]), "one domain only");
        assert_eq!(found("xu").await, (1, vec!["103".to_owned()]));
        assert_eq!(found("10").await.0, 3, "extensions");
        assert_eq!(found("acme.example").await.0, 3);
        assert_eq!(found("nobody").await.0, 0);
        assert_eq!(found("ann zeta").await, (1, vec!["101".to_owned()]), "a piece across two words");
        assert_eq!(found("say \"zeta\"").await.0, 0, "a double quote is searched for like any character");
        // A rename is found by its new name at once, and no longer by the old one.
        update_user(&t.db, &Caller::system(), &acme(), "101", &Patch(vec![("name-last-name".into(), "Zimmermann".into())])).await.unwrap();
        assert_eq!(found("zimmer").await, (1, vec!["101".to_owned()]));
        assert_eq!(found("zeta").await.0, 0, "the old name is gone from the index");
        // A change of something else leaves the user found.
        update_user(&t.db, &Caller::system(), &acme(), "101", &Patch(vec![("status-message".into(), "Away".into())])).await.unwrap();
        assert_eq!(found("zimmer").await.0, 1);
        // A deleted user is not found, and a new user taking its place is found by its own name.
        delete_user(&t.db, &Caller::system(), &acme(), "102", true).await.unwrap();
        assert_eq!(found("youngblood").await.0, 0);
        create_user(&t.db, &Caller::system(), &acme(), &UserForm { user: "104".into(), name_first_name: "Dee".into(), name_last_name: "Walsh".into(), email: "dee@acme.example".into(), ..UserForm::default() }).await.unwrap();
        assert_eq!(found("walsh").await, (1, vec!["104".to_owned()]));
        assert_eq!(found("ngbl").await.0, 0);
        // Deleting a domain takes its users out of the index with it (a trigger per user).
        app::ssr::domains::delete_domain(&t.db, &Caller::system(), &other).await.unwrap();
        assert_eq!(found("zimmer").await.0, 1);
    }

    async fn the_same_extension_lives_in_two_domains_apart(t: TestDb) {
        make_domain(&t.db, DomainForm { domain: "acme.example".into(), ..DomainForm::new_domain() }).await;
        let other_id = make_domain(&t.db, DomainForm { domain: "other.example".into(), ..DomainForm::new_domain() }).await;
        create_user(&t.db, &Caller::system(), &acme(), &smith("101")).await.unwrap();
        create_user(&t.db, &Caller::system(), &DomainName::parse("other.example").unwrap(), &smith("101")).await.unwrap();
        let other_domain = domains::get(t.db.pool(), &DomainName::parse("other.example").unwrap()).await.unwrap().unwrap();
        assert_eq!(other_domain.id, other_id);
        let mut conn = t.db.pool().acquire().await.unwrap();
        let other = users::get(&mut conn, &other_domain, "101", false).await.unwrap().unwrap();
        assert_eq!(other.values.login(), "101@other.example");
        assert_eq!(other.devices[0].device_sip_registration_password, None, "secrets only when asked");
    }

    async fn the_wizard_helpers_suggest_and_check_extensions(t: TestDb) {
        let id = make_domain(&t.db, DomainForm { domain: "acme.example".into(), ..DomainForm::new_domain() }).await;
        assert_eq!(users::next_free_extension(t.db.pool(), id).await.unwrap().unwrap().as_str(), "100");
        create_user(&t.db, &Caller::system(), &acme(), &smith("199")).await.unwrap();
        assert_eq!(users::next_free_extension(t.db.pool(), id).await.unwrap().unwrap().as_str(), "200");
    }

    async fn conflicts_are_found_field_by_field_as_the_form_is_typed(t: TestDb) {
        acme_with_sales(&t.db).await;
        let taken = UserForm {
            device: "desk-199".into(),
            phone_numbers: "+1 612 555 0199".into(),
            ..smith("199")
        };
        create_user(&t.db, &Caller::system(), &acme(), &taken).await.unwrap();
        let conflicts = |editing: Option<&'static str>, form: UserForm| {
            let db = t.db.clone();
            async move {
                let found = app::ssr::users::conflicts(&db, &Caller::system(), &acme(), editing, &form).await.unwrap();
                found.iter().map(|e| (e.field.clone(), e.message.clone())).collect::<Vec<_>>()
            }
        };
        // Half a form: only the extension typed so far. Its default login and device collide too.
        let typed = UserForm { user: "199".into(), ..UserForm::default() };
        assert_eq!(conflicts(None, typed).await, [
            ("user".to_owned(), "Extension 199 is already taken in this domain.".to_owned()),
            ("login-username".to_owned(), "The login 199@acme.example is already taken.".to_owned()),
        ]);
        let typed = UserForm {
            user: "200".into(),
            login_username: "199".into(),
            device: "desk-199".into(),
            phone_numbers: "+1 612 555 0150, +1 (612) 555-0199".into(),
            ..UserForm::default()
        };
        assert_eq!(conflicts(None, typed.clone()).await, [
            ("login-username".to_owned(), "The login 199@acme.example is already taken.".to_owned()),
            ("device".to_owned(), "The device desk-199 is already in use in this domain.".to_owned()),
            ("phone-numbers[1]".to_owned(), "+16125550199 is already routed to another user.".to_owned()),
        ]);
        // The user being edited: its own extension, login, device and number are no conflict.
        assert_eq!(conflicts(Some("199"), taken.clone()).await, []);
        // Nothing typed yet, or nothing that parses: nothing to look up.
        assert_eq!(conflicts(None, UserForm { user: "1x!".into(), ..UserForm::default() }).await, []);
    }

    async fn the_create_user_endpoint_names_bad_fields_and_hides_other_domains(t: TestDb) {
        acme_with_sales(&t.db).await;
        let mut client = logged_in_super_user(&t.db).await;
        let bad = client.call(path::<app::api::users::CreateUser>(), &[
            ("domain", "acme.example"), ("input[user]", "10x"), ("input[name-first-name]", ""),
            ("input[name-last-name]", "Smith"), ("input[email]", "nope"), ("input[phone-numbers]", "+1 612 555 0101, 42"),
        ]).await;
        assert_eq!(bad.status, 422, "{}", bad.body);
        let error: AppError = serde_json::from_str(&bad.body).unwrap();
        for field in ["user", "name-first-name", "email", "phone-numbers[1]"] {
            assert!(error.message_for(field).is_some(), "{field}: {}", bad.body);
        }
        let ok = client.call(path::<app::api::users::CreateUser>(), &[
            ("domain", "acme.example"), ("input[user]", "101"), ("input[name-first-name]", "John"),
            ("input[name-last-name]", "Smith"), ("input[email]", "john@acme.example"),
        ]).await;
        assert_eq!(ok.status, 200, "{}", ok.body);
        assert_eq!(ok.json()["login-username"], "101@acme.example");
        let missing = client.call(path::<app::api::users::GetUser>(), &[("domain", "nowhere.example"), ("user", "101")]).await;
        assert_eq!(missing.status, 404);
        let anonymous = common::Client::new(&t.db).call(path::<app::api::users::ListUsers>(), &[("domain", "acme.example")]).await;
        assert_eq!(anonymous.status, 401, "{}", anonymous.body);
        let malformed = client.call(path::<app::api::users::GetUser>(), &[("domain", "acme.example")]).await;
        assert_eq!(malformed.status, 400, "a missing argument is the client's mistake: {}", malformed.body);
    }

    async fn a_site_named_as_another_in_another_case_is_a_typo_not_a_new_site(t: TestDb) {
        acme_with_sales(&t.db).await;
        let system = Caller::system();
        create_user(&t.db, &system, &acme(), &UserForm { site: "HQ".into(), ..smith("101") }).await.unwrap();
        let typo = create_user(&t.db, &system, &acme(), &UserForm { site: "hq".into(), ..smith("102") }).await.unwrap_err();
        let message = "This domain has a site HQ: name it as written, or a site whose name differs by more than case.";
        assert_eq!(typo.field_errors().and_then(|e| e.message_for("site")), Some(message), "{typo:?}");
        let sites: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sites").fetch_one(t.db.pool()).await.unwrap();
        assert_eq!(sites, 1, "no second site");
        // As typed in the wizard, too.
        let typed = UserForm { site: "hQ".into(), ..UserForm::default() };
        let found = app::ssr::users::conflicts(&t.db, &system, &acme(), None, &typed).await.unwrap();
        assert_eq!(found.message_for("site"), Some("This domain has a site HQ: name it as written, or a site whose name differs by more than case."));
        // And on the sites themselves: no second site in another case; a site may change its own case.
        let form = |site: &str| app::model::site::SiteForm { site: site.into(), ..Default::default() };
        let refused = app::ssr::sites::create_site(&t.db, &system, &acme(), &form("hq")).await.unwrap_err();
        assert_eq!(refused.field_errors().and_then(|e| e.message_for("site")), Some(message));
        app::ssr::sites::change_site(&t.db, &system, &acme(), "HQ", &form("Hq"), app::ssr::sites::SiteChange::Name).await.unwrap();
        create_user(&t.db, &system, &acme(), &UserForm { site: "Hq".into(), ..smith("103") }).await.unwrap();
    }

    async fn the_portal_reads_an_unticked_switch_as_no_and_saves_one_section(t: TestDb) {
        acme_with_sales(&t.db).await;
        let mut client = logged_in_super_user(&t.db).await;
        // Call screening defaults to yes: a switch left off sends nothing, and is read as no.
        let made = client.call(path::<app::api::users::CreateUser>(), &[
            ("domain", "acme.example"), ("input[user]", "101"), ("input[name-first-name]", "John"),
            ("input[name-last-name]", "Smith"), ("input[email]", "john@acme.example"),
            ("switches[]", "call-screening-enabled"), ("switches[]", "privacy"), ("input[privacy]", "yes"),
        ]).await;
        assert_eq!(made.status, 200, "{}", made.body);
        assert_eq!(made.json()["call-screening-enabled"], "no");
        assert_eq!(made.json()["privacy"], "yes");
        assert_eq!(made.json()["directory-name-visible-in-list-enabled"], "yes", "a field not shown as a switch keeps its default");
        // A section saves its own fields only: the blank e-mail of the form, not in the section, stays.
        let saved = client.call(path::<app::api::users::UpdateUser>(), &[
            ("domain", "acme.example"), ("user", "101"), ("section", "caller-id"),
            ("switches[]", "privacy"), ("input[name-last-name]", "Changed"),
        ]).await;
        assert_eq!(saved.status, 200, "{}", saved.body);
        assert_eq!(saved.json()["privacy"], "no");
        assert_eq!(saved.json()["name-last-name"], "Smith", "a field of another section is not touched");
        assert_eq!(saved.json()["email"], "john@acme.example");
        let unknown = client.call(path::<app::api::users::UpdateUser>(), &[
            ("domain", "acme.example"), ("user", "101"), ("section", "everything"), ("input[user]", "101"),
        ]).await;
        assert_eq!(unknown.status, 422, "{}", unknown.body);
        assert!(unknown.body.contains("section"), "{}", unknown.body);
    }

    async fn an_edit_changes_everything_attached_and_a_rename_moves_the_voicemail_box(t: TestDb) {
        acme_with_sales(&t.db).await;
        let created = create_user(&t.db, &Caller::system(), &acme(), &everything("101")).await.unwrap().detail;
        let password = created.devices[0].device_sip_registration_password.clone();
        let mut form = created.form();
        assert!(form.voicemail_login_pin.is_empty() && form.device_sip_registration_password.is_empty(), "secrets are not put in forms");
        form.user = "105".into();
        form.device = "101".into();
        form.name_last_name = "Smythe".into();
        form.phone_numbers = "+1 612 555 1101, +1 612 555 0777".into();
        form.groups = String::new();
        form.site = "Boston".into();
        let updated = update_user(&t.db, &Caller::system(), &acme(), "101", &whole(&form)).await.unwrap();
        assert_eq!(updated.values.user.as_str(), "105");
        assert_eq!(updated.voicemail_box.as_ref().unwrap().as_str(), "105", "the box follows the extension");
        assert!(app::ssr::pin_matches(updated.values.voicemail_login_pin.get().unwrap().as_str(), "0852"), "a blank PIN keeps the PIN");
        assert_eq!(updated.devices[0].device_sip_registration_password, password, "a blank password keeps the password");
        assert_eq!(updated.values.phone_numbers.iter().map(|n| n.as_str()).collect::<Vec<_>>(), ["+16125550777", "+16125551101"]);
        assert!(updated.values.groups.is_empty());
        assert_eq!(updated.values.site.as_ref().unwrap().as_str(), "Boston");
        let freed: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM phone_numbers WHERE user_id IS NULL").fetch_one(t.db.pool()).await.unwrap();
        assert_eq!(freed, 1, "the number left out is free again");
        assert_eq!(update_user(&t.db, &Caller::system(), &acme(), "101", &whole(&form)).await.unwrap_err(), AppError::NotFound, "the old extension is gone");
    }

    async fn an_edit_that_collides_changes_nothing(t: TestDb) {
        acme_with_sales(&t.db).await;
        create_user(&t.db, &Caller::system(), &acme(), &smith("101")).await.unwrap();
        let second = create_user(&t.db, &Caller::system(), &acme(), &UserForm { phone_numbers: "+1 612 555 0102".into(), ..smith("102") }).await.unwrap().detail;
        let before = row_counts(&t.db).await;
        let mut form = second.form();
        form.user = "101".into();
        form.login_username = "101@acme.example".into();
        form.phone_numbers = String::new();
        let error = update_user(&t.db, &Caller::system(), &acme(), "102", &whole(&form)).await.unwrap_err();
        assert!(error.message_for("user").is_some() && error.message_for("login-username").is_some(), "{error:?}");
        assert_eq!(row_counts(&t.db).await, before);
        let unchanged = stored_user(&t.db, "acme.example", "102").await;
        assert_eq!(unchanged.values.phone_numbers.len(), 1);
    }

    async fn a_user_joins_the_call_queues_it_names_and_one_extension_rings_one_of_them(t: TestDb) {
        make_domain(&t.db, DomainForm { domain: "acme.example".into(), ..DomainForm::new_domain() }).await;
        let queue = |ext: &str| app::model::call_queue::CallQueueForm { callqueue: ext.into(), ..app::model::call_queue::CallQueueForm::new_queue() };
        app::ssr::call_queues::create_queue(&t.db, &Caller::system(), &acme(), &queue("600")).await.unwrap();
        let again = app::ssr::call_queues::create_queue(&t.db, &Caller::system(), &acme(), &queue("600")).await.unwrap_err();
        assert!(matches!(again, AppError::Conflict { .. }) && again.message_for("callqueue").is_some(), "{again:?}");
        let clash = create_user(&t.db, &Caller::system(), &acme(), &smith("600")).await.unwrap_err();
        assert!(clash.message_for("user").is_some(), "a queue's extension is taken for users: {clash:?}");
        let joined = create_user(&t.db, &Caller::system(), &acme(), &UserForm { groups: "600".into(), ..smith("101") }).await.unwrap().detail;
        assert_eq!(joined.values.groups[0].as_str(), "600");
        let start = app::ssr::users::wizard_start(&t.db, &Caller::system(), &acme(), None).await.unwrap();
        assert_eq!(start.groups.iter().map(|q| q.callqueue.as_str()).collect::<Vec<_>>(), ["600"], "the wizard suggests the domain's queues");
    }
}

// Following the domain: a setting a user leaves blank is its domain's, at every read
// ---------------------------------------------------------------------------------------------

/// The settings document of the user `extension`, as stored.
async fn settings_doc(db: &Db, extension: &str) -> serde_json::Map<String, serde_json::Value> {
    let text: String = sqlx::query_scalar("SELECT settings FROM users WHERE extension = $1")
        .bind(extension)
        .fetch_one(db.pool())
        .await
        .unwrap();
    serde_json::from_str(&text).unwrap()
}

/// The audit entries of `action`, newest first, as (target, changed fields).
async fn audited(db: &Db, action: &str) -> Vec<(String, Vec<String>)> {
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT target, changes FROM audit_log WHERE action = $1 ORDER BY id DESC")
            .bind(action)
            .fetch_all(db.pool())
            .await
            .unwrap();
    rows.into_iter()
        .map(|(target, changes)| {
            let changes: std::collections::BTreeMap<String, (String, String)> =
                serde_json::from_str(&changes).unwrap();
            (target, changes.into_keys().collect())
        })
        .collect()
}

async fn change_domain(db: &Db, fields: &[(&str, &str)]) {
    let patch = Patch(
        fields
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
    );
    app::ssr::domains::update_domain(db, &Caller::system(), &acme(), &patch)
        .await
        .unwrap();
}

async fn change(db: &Db, extension: &str, fields: &[(&str, &str)]) -> app::model::user::UserDetail {
    let patch = Patch(
        fields
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
    );
    update_user(db, &Caller::system(), &acme(), extension, &patch)
        .await
        .unwrap()
}

on_both_backends! {
    async fn a_blank_caller_id_follows_the_domain_and_an_explicit_one_does_not(t: TestDb) {
        make_domain(&t.db, DomainForm {
            domain: "acme.example".into(),
            caller_id_name: "Acme".into(),
            caller_id_number: "+1 612 555 0100".into(),
            ..DomainForm::new_domain()
        }).await;
        create_user(&t.db, &Caller::system(), &acme(), &smith("101")).await.unwrap();
        create_user(&t.db, &Caller::system(), &acme(), &UserForm {
            caller_id_name: "Front Desk".into(),
            caller_id_number: "+1 612 555 0150".into(),
            ..smith("102")
        }).await.unwrap();
        let follower = stored_user(&t.db, "acme.example", "101").await;
        assert_eq!(follower.values.caller_id_number.as_ref().unwrap().as_str(), "+16125550100");
        assert!(follower.inherits("caller-id-number") && follower.inherits("caller-id-name"));
        assert!(!settings_doc(&t.db, "101").await.contains_key("caller-id-number"), "nothing copied");

        // The domain's caller ID changes: its followers have the new one at once.
        change_domain(&t.db, &[("caller-id-name", "Acme Corp"), ("caller-id-number", "+1 612 555 0200")]).await;
        let follower = stored_user(&t.db, "acme.example", "101").await;
        assert_eq!(follower.values.caller_id_number.as_ref().unwrap().as_str(), "+16125550200");
        assert_eq!(follower.values.caller_id_name.as_ref().unwrap().as_str(), "Acme Corp");
        let own = stored_user(&t.db, "acme.example", "102").await;
        assert_eq!(own.values.caller_id_number.as_ref().unwrap().as_str(), "+16125550150", "its own stays");
        assert!(!own.inherits("caller-id-number"));

        // Cleared, it follows the domain again; and stays so through other changes.
        let cleared = change(&t.db, "102", &[("caller-id-name", ""), ("caller-id-number", "")]).await;
        assert_eq!(cleared.values.caller_id_number.as_ref().unwrap().as_str(), "+16125550200");
        assert!(cleared.inherits("caller-id-number"));
        change(&t.db, "102", &[("status-message", "In a meeting")]).await;
        assert!(!settings_doc(&t.db, "102").await.contains_key("caller-id-number"), "not refilled");
        change_domain(&t.db, &[("caller-id-number", "+1 612 555 0300")]).await;
        let again = stored_user(&t.db, "acme.example", "102").await;
        assert_eq!(again.values.caller_id_number.as_ref().unwrap().as_str(), "+16125550300");
    }

    async fn an_unrelated_edit_changes_nothing_else_and_its_audit_entry_names_only_what_changed(t: TestDb) {
        acme_with_sales(&t.db).await;
        create_user(&t.db, &Caller::system(), &acme(), &everything("101")).await.unwrap();
        let before = stored_user(&t.db, "acme.example", "101").await;
        let doc_before = settings_doc(&t.db, "101").await;
        let rule_before: i64 = sqlx::query_scalar("SELECT id FROM answer_rules").fetch_one(t.db.pool()).await.unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;

        let after = change(&t.db, "101", &[("status-message", "Out to lunch")]).await;
        assert_eq!(after.values.status_message.as_str(), "Out to lunch");
        let mut expected = before.values.clone();
        expected.status_message = after.values.status_message.clone();
        assert_eq!(after.values, expected, "nothing else changed");
        assert_eq!(after.inherited, before.inherited, "what followed the domain still does");
        let mut doc_expected = doc_before.clone();
        doc_expected.insert("status-message".into(), "Out to lunch".into());
        assert_eq!(settings_doc(&t.db, "101").await, doc_expected);
        assert_eq!(after.devices, before.devices, "devices untouched, made at the same time");
        let rule_after: i64 = sqlx::query_scalar("SELECT id FROM answer_rules").fetch_one(t.db.pool()).await.unwrap();
        assert_eq!(rule_after, rule_before, "the answer rule is the same row");
        assert_eq!(audited(&t.db, "user.update").await, [("101".to_owned(), vec!["status-message".to_owned()])]);

        // A change that changes nothing writes nothing, not even an audit entry.
        change(&t.db, "101", &[("status-message", "Out to lunch")]).await;
        assert_eq!(audited(&t.db, "user.update").await.len(), 1);

        // A forward changed: only the answer rule, changed in place.
        let forwarded = change(&t.db, "101", &[("forward-always", "voicemail")]).await;
        assert_eq!(forwarded.values.forward_always.as_ref().unwrap().as_str(), "voicemail");
        let rule_id: i64 = sqlx::query_scalar("SELECT id FROM answer_rules").fetch_one(t.db.pool()).await.unwrap();
        assert_eq!(rule_id, rule_before);
        assert_eq!(audited(&t.db, "user.update").await[0].1, ["forward-always"]);
    }

    async fn a_renamed_device_keeps_its_row_its_password_and_when_it_was_made(t: TestDb) {
        acme_with_sales(&t.db).await;
        let created = create_user(&t.db, &Caller::system(), &acme(), &smith("101")).await.unwrap().detail;
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        let renamed = change(&t.db, "101", &[("device", "101-desk")]).await;
        assert_eq!(renamed.devices.len(), 1);
        assert_eq!(renamed.devices[0].device.as_str(), "101-desk");
        assert_eq!(renamed.devices[0].created_at, created.devices[0].created_at);
        assert_eq!(
            renamed.devices[0].device_sip_registration_password,
            created.devices[0].device_sip_registration_password
        );
        let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM devices").fetch_all(t.db.pool()).await.unwrap();
        assert_eq!(ids.len(), 1);
    }

    async fn turning_the_domains_voicemail_on_gives_its_followers_their_boxes(t: TestDb) {
        make_domain(&t.db, DomainForm { domain: "acme.example".into(), voicemail_enabled: "no".into(), ..DomainForm::new_domain() }).await;
        create_user(&t.db, &Caller::system(), &acme(), &smith("101")).await.unwrap();
        create_user(&t.db, &Caller::system(), &acme(), &UserForm { voicemail_enabled: "no".into(), ..smith("102") }).await.unwrap();
        assert!(stored_user(&t.db, "acme.example", "101").await.voicemail_box.is_none());
        change_domain(&t.db, &[("voicemail-enabled", "yes")]).await;
        let follower = stored_user(&t.db, "acme.example", "101").await;
        assert_eq!(follower.voicemail_box.as_ref().map(|b| b.as_str()), Some("101"));
        assert_eq!(follower.values.voicemail_enabled, Some(app::model::YesNo::Yes));
        assert!(stored_user(&t.db, "acme.example", "102").await.voicemail_box.is_none(), "its own no stays no");
    }

    async fn a_setting_stored_before_inheritance_keeps_its_value(t: TestDb) {
        make_domain(&t.db, DomainForm { domain: "acme.example".into(), time_zone: "America/Chicago".into(), ..DomainForm::new_domain() }).await;
        create_user(&t.db, &Caller::system(), &acme(), &smith("101")).await.unwrap();
        // As rows written before settings were inherited hold them: every value copied in.
        let mut doc = settings_doc(&t.db, "101").await;
        doc.insert("time-zone".into(), "America/Chicago".into());
        doc.insert("caller-id-name".into(), serde_json::Value::Null);
        sqlx::query("UPDATE users SET settings = $1").bind(serde_json::Value::Object(doc).to_string()).execute(t.db.writer()).await.unwrap();
        change_domain(&t.db, &[("time-zone", "Europe/Paris")]).await;
        let user = stored_user(&t.db, "acme.example", "101").await;
        assert_eq!(user.values.time_zone.as_ref().unwrap().as_str(), "America/Chicago", "set then, set now");
        assert!(!user.inherits("time-zone") && user.inherits("caller-id-name"), "a null was never set");
    }
}

// Pages show every change at once, and nothing once their session has ended
// ---------------------------------------------------------------------------------------------

const USERS_PAGE: &str = "/domains/acme.example/users";

/// A logged-in Super User looking at acme.example's users page, which lists John Smith (101).
async fn looking_at_acme(db: &Db) -> Client {
    let mut client = logged_in_super_user(db).await;
    acme_with_sales(db).await;
    create_user(db, &Caller::system(), &acme(), &smith("101"))
        .await
        .unwrap();
    let page = client.get(USERS_PAGE).await;
    assert!(
        page.status.is_success() && page.body.contains("Smith"),
        "{} {}",
        page.status,
        page.body
    );
    client
}

on_both_backends! {
    async fn a_page_read_again_shows_every_change_at_once(t: TestDb) {
        let mut client = looking_at_acme(&t.db).await;
        // A write that goes around Roster is seen too: nothing is answered from a copy.
        sqlx::query("UPDATE users SET last_name = 'Smythe'").execute(t.db.writer()).await.unwrap();
        assert!(client.get(USERS_PAGE).await.body.contains("Smythe"));
        change(&t.db, "101", &[("name-last-name", "Babbage")]).await;
        let page = client.get(USERS_PAGE).await;
        assert!(page.body.contains("Babbage"), "{}", page.body);
        create_user(&t.db, &Caller::system(), &acme(), &UserForm { name_last_name: "Lovelace".into(), ..smith("102") }).await.unwrap();
        assert!(client.get(USERS_PAGE).await.body.contains("Lovelace"));
    }

    async fn a_page_is_not_shown_after_its_session_ends(t: TestDb) {
        // Logged out.
        let mut client = looking_at_acme(&t.db).await;
        let cookie = client.cookie.clone();
        client.get(USERS_PAGE).await;
        assert!(client.call(path::<app::api::auth::Logout>(), &[]).await.status.is_success());
        client.cookie = cookie;
        let after = client.get(USERS_PAGE).await;
        assert!(!after.body.contains("Smith"), "shown after logging out: {}", after.status);

        // Ended from elsewhere (a password change, a manager), not through a request here.
        let mut client = logged_in_super_user_again(&t.db).await;
        assert!(client.get(USERS_PAGE).await.body.contains("Smith"));
        let admin: i64 = sqlx::query_scalar("SELECT id FROM accounts WHERE login = 'admin'").fetch_one(t.db.pool()).await.unwrap();
        let mut tx = t.db.begin().await.unwrap();
        app::ssr::db::sessions::end_all(&mut tx, admin, None).await.unwrap();
        tx.commit().await.unwrap();
        assert!(!client.get(USERS_PAGE).await.body.contains("Smith"));
    }

    async fn a_page_is_not_shown_past_its_sessions_idle_end(t: TestDb) {
        let (login, token) = app::ssr::auth::bootstrap_super_user(&t.db).await.unwrap().unwrap();
        app::ssr::auth::set_password_with_link(&t.db, &token, common::ADMIN_PASSWORD, common::ADMIN_PASSWORD, String::new()).await.unwrap();
        acme_with_sales(&t.db).await;
        create_user(&t.db, &Caller::system(), &acme(), &smith("101")).await.unwrap();
        let short = server::Settings {
            sessions: app::ssr::state::SessionPolicy { idle: std::time::Duration::from_secs(1), ..Default::default() },
            ..common::settings()
        };
        let mut client = Client::with_settings(&t.db, &short);
        client.call(path::<app::api::auth::Login>(), &[("login", &login), ("password", common::ADMIN_PASSWORD)]).await;
        assert!(client.get(USERS_PAGE).await.body.contains("Smith"));
        tokio::time::sleep(std::time::Duration::from_millis(1300)).await;
        assert!(!client.get(USERS_PAGE).await.body.contains("Smith"), "shown past the idle timeout");
    }
}

/// The first Super User, already set up by [`looking_at_acme`], logging in again.
async fn logged_in_super_user_again(db: &Db) -> Client {
    let mut client = Client::new(db);
    let answer = client
        .call(
            path::<app::api::auth::Login>(),
            &[("login", "admin"), ("password", common::ADMIN_PASSWORD)],
        )
        .await;
    assert!(answer.status.is_success(), "{}", answer.body);
    client
}

/// Two Roster servers on one Postgres database: a session ended through one is ended for the
/// other at its next request.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_ended_on_another_server_is_ended_here() {
    let t = common::TestDb::postgres().await;
    let mut client = looking_at_acme(&t.db).await;
    assert!(client.get(USERS_PAGE).await.body.contains("Smith"));
    let other = Db::connect(&t.url).await.unwrap();
    sqlx::query("DELETE FROM sessions")
        .execute(other.writer())
        .await
        .unwrap();
    assert!(!client.get(USERS_PAGE).await.body.contains("Smith"));
    other.close().await;
}
