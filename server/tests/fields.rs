//! Every declared field of a user survives every trip it makes, on both databases: written and
//! read back from the database, read through the API as JSON, and exported as CSV and imported
//! again. A property test: each case gives every field of the field table a random valid value
//! (one of the table's own examples) or leaves it blank where blank is allowed.

mod common;

use app::model::domain::DomainForm;
use app::model::fields::{FieldContext, Secret};
use app::model::user::{NewUser, UserForm, UserValues, USER_FIELDS};
use app::model::{DomainName, Parse};
use app::ssr::bulk::{export_users, import_users};
use app::ssr::caller::Caller;
use app::ssr::db::Db;
use app::ssr::users::{create_user, delete_user};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::{add_queue, logged_in_super_user, make_domain, stored_user};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

const ACME: &str = "acme.example";
/// Cases per database.
const CASES: u32 = 16;

fn acme() -> DomainName {
    DomainName::parse(ACME).unwrap()
}

/// A user form of case `case` with every field given a random valid value or left blank.
fn random_form(rng: &mut StdRng, case: u32) -> UserForm {
    let mut form = UserForm::default();
    let some = |rng: &mut StdRng, field: &app::model::user::UserField| {
        field
            .examples
            .choose(rng)
            .copied()
            .unwrap_or_default()
            .to_owned()
    };
    for field in USER_FIELDS {
        let text = match field.name {
            // Unique per case: an extension, a login, numbers.
            "user" => (3000 + case).to_string(),
            "login-username" if rng.gen_bool(0.5) => format!("person{case}"),
            "login-username" => String::new(),
            // Forwards here go to numbers: a policy that reaches them.
            "dial-policy" => ["", "US & Canada", "International"]
                .choose(rng)
                .unwrap()
                .to_string(),
            "device" if rng.gen_bool(0.5) => format!("{}-desk", 3000 + case),
            "device" => String::new(),
            "phone-numbers" => (0..rng.gen_range(0..3))
                .map(|k| format!("+1612555{:04}", case * 2 + k))
                .collect::<Vec<_>>()
                .join(", "),
            // References to what the domain holds: its users 101 and 2000, its call queues 600
            // and 601.
            "groups" => ["600", "601"]
                .iter()
                .filter(|_| rng.gen_bool(0.5))
                .copied()
                .collect::<Vec<_>>()
                .join(", "),
            "forward-always"
            | "forward-on-busy"
            | "forward-no-answer"
            | "forward-when-unregistered" => ["", "voicemail", "+16125550199", "101"]
                .choose(rng)
                .unwrap()
                .to_string(),
            _ if field.list => field
                .examples
                .iter()
                .filter(|_| rng.gen_bool(0.5))
                .copied()
                .collect::<Vec<_>>()
                .join(", "),
            _ if field.required => some(rng, field),
            _ if rng.gen_bool(0.4) => String::new(),
            _ => some(rng, field),
        };
        *(field.get_mut)(&mut form) = text;
    }
    form
}

/// What the values read back must be: what the form parses to, completed as a create completes
/// it, without the device's SIP password (kept with the device, never shown in the values).
fn expected(form: &UserForm) -> UserValues {
    let mut values = NewUser::parse(form, &acme(), &FieldContext::default())
        .unwrap_or_else(|e| panic!("case form does not parse: {e:?}\n{form:?}"))
        .values;
    values.device_sip_registration_password = Secret(None);
    values
}

/// The domain with what the random values may refer to: users 101 and 2000, call queues 600
/// (Sales) and 601 (Support).
async fn prepared(db: &Db) {
    let id = make_domain(
        db,
        DomainForm {
            domain: ACME.into(),
            caller_id_number: "+1 612 555 0100".into(),
            ..DomainForm::new_domain()
        },
    )
    .await;
    for (queue, description) in [("600", "Sales"), ("601", "Support")] {
        add_queue(db, id, queue, description).await;
    }
    for ext in ["101", "2000"] {
        let form = UserForm {
            user: ext.into(),
            name_first_name: "Ref".into(),
            name_last_name: "Erence".into(),
            email: "ref@acme.example".into(),
            ..UserForm::default()
        };
        create_user(db, &Caller::system(), &acme(), &form)
            .await
            .unwrap();
    }
}

on_both_backends! {
    async fn every_field_round_trips_through_the_database_json_and_csv(t: TestDb) {
        // The portal's first Super User, before any random user can be one too.
        let mut admin = logged_in_super_user(&t.db).await;
        prepared(&t.db).await;
        let seed: u64 = std::env::var("ROSTER_FIELDS_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(rand::random);
        eprintln!("fields round trip: seed {seed} (ROSTER_FIELDS_SEED to repeat)");
        let mut rng = StdRng::seed_from_u64(seed);
        let forms: Vec<UserForm> = (0..CASES).map(|case| random_form(&mut rng, case)).collect();

        // The database: what was written is what is read.
        for form in &forms {
            create_user(&t.db, &Caller::system(), &acme(), form)
                .await
                .unwrap_or_else(|e| panic!("create: {e:?}\n{form:?}"));
            let mut stored = stored_user(&t.db, ACME, &form.user).await.stored();
            let mut expected = expected(form);
            // A PIN is kept as its hash, which matches the PIN given.
            if let Some(pin) = expected.voicemail_login_pin.get() {
                let kept = stored.voicemail_login_pin.get().expect("a PIN kept").as_str().to_owned();
                assert!(app::model::Pin::is_hash(&kept) && app::ssr::pin_matches(&kept, pin.as_str()), "seed {seed}");
                stored.voicemail_login_pin = Secret(None);
                expected.voicemail_login_pin = Secret(None);
            }
            assert_eq!(stored, expected, "through the database, seed {seed}");
        }

        // JSON: the API's read of each user is its values in effect (secrets never shown).
        for form in &forms {
            let read = admin
                .send(Request::get(format!("/ns-api/v2/domains/{ACME}/users/{}", form.user)).body(Body::empty()).unwrap())
                .await;
            assert_eq!(read.status, StatusCode::OK, "{}", read.body);
            let from_json: UserValues = serde_json::from_str(&read.body).unwrap();
            let mut in_effect = stored_user(&t.db, ACME, &form.user).await.values;
            in_effect.voicemail_login_pin = Secret(None);
            in_effect.device_sip_registration_password = Secret(None);
            assert_eq!(from_json, in_effect, "through JSON, seed {seed}");
        }

        // CSV: exported, the users deleted, the file imported: the same users again.
        let before: Vec<UserValues> = futures_util::future::join_all(
            forms.iter().map(|f| stored_user(&t.db, ACME, &f.user)),
        )
        .await
        .into_iter()
        .map(|d| d.stored())
        .collect();
        let csv = export_users(&t.db, &Caller::system(), &acme()).await.unwrap();
        for form in &forms {
            delete_user(&t.db, &Caller::system(), &acme(), &form.user, true).await.unwrap();
        }
        let refs = csv
            .lines()
            .enumerate()
            .filter(|(i, line)| *i == 0 || !(line.starts_with("101,") || line.starts_with("2000,")))
            .map(|(_, line)| line)
            .collect::<Vec<_>>()
            .join("\n");
        let report = import_users(&t.db, &Caller::system(), &acme(), &refs, false, None)
            .await
            .unwrap_or_else(|e| panic!("import: {e:?}"));
        assert_eq!(report.created as u32, CASES);
        for (form, before) in forms.iter().zip(before) {
            let mut after = stored_user(&t.db, ACME, &form.user).await.stored();
            // The PIN is a secret: an export leaves it out.
            after.voicemail_login_pin = before.voicemail_login_pin.clone();
            assert_eq!(after, before, "through CSV, seed {seed}");
        }
    }
}
