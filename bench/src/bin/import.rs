//! The bulk import benchmark: generates a CSV of N users (default 10,000: extension, names,
//! e-mail, site, a phone number, a call queue and a forward each), imports it with the plain function
//! into a new domain of a fresh SQLite (or `--database-url`) database, and prints the seconds.
//! A dry run of the same file is timed first, then the real import, then the export.
//!
//! Usage: import [users] [--database-url URL]   (bench/import.sh builds and runs it in release)

use app::model::call_queue::CallQueueForm;
use app::model::domain::DomainForm;
use app::ssr::bulk::{export_users, import_users};
use app::ssr::call_queues::create_queue;
use app::ssr::caller::Caller;
use app::ssr::db::{domains, Db};
use std::time::Instant;

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let mut count: u32 = 10_000;
    let mut url = None;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--database-url" => url = args.next(),
            n => count = n.parse().expect("a number of users"),
        }
    }
    let dir = std::env::temp_dir().join(format!("roster-import-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let url = url.unwrap_or_else(|| dir.join("bench.db").display().to_string());
    let db = Db::connect(&url).await.expect("open the database");

    let settings = DomainForm {
        domain: format!("bench{}.example", std::process::id()),
        caller_id_number: "+1 612 555 0100".into(),
        ..DomainForm::new_domain()
    }
    .parse_settings()
    .expect("a valid domain");
    let mut tx = db.begin().await.expect("begin");
    domains::insert(&mut tx, &settings, 0)
        .await
        .expect("make the domain");
    tx.commit().await.expect("commit");
    let queue = CallQueueForm {
        callqueue: "9000".into(),
        description: "Sales".into(),
        callqueue_dispatch_type: "Ring All".into(),
        ..CallQueueForm::new_queue()
    };
    create_queue(&db, &Caller::system(), &settings.domain, &queue)
        .await
        .expect("make the queue");

    let mut csv = String::from(
        "user,name-first-name,name-last-name,email,site,phone-numbers,groups,forward-no-answer\n",
    );
    let first = 100_000u32;
    for i in 0..count {
        let ext = first + i;
        let next = first + (i + 1) % count;
        csv.push_str(&format!(
            "{ext},First{i},Last{i},user{i}@bench.example,Site {},+1 612 7{:02} {:04},9000,{next}\n",
            i % 20,
            i / 10_000,
            i % 10_000,
        ));
    }
    let caller = Caller::system();
    let name = &settings.domain;

    let start = Instant::now();
    let checked = import_users(&db, &caller, name, &csv, true, None)
        .await
        .expect("the dry run");
    let dry = start.elapsed().as_secs_f64();
    assert!(
        checked.problems.is_empty(),
        "{:?}",
        &checked.problems[..3.min(checked.problems.len())]
    );

    let start = Instant::now();
    let report = import_users(&db, &caller, name, &csv, false, None)
        .await
        .expect("the import");
    let real = start.elapsed().as_secs_f64();
    assert_eq!(report.created, count as usize);

    let start = Instant::now();
    let exported = export_users(&db, &caller, name).await.expect("the export");
    let export = start.elapsed().as_secs_f64();
    assert_eq!(exported.lines().count(), count as usize + 1);

    println!("users:               {count}");
    println!("csv size:            {:.1} KiB", csv.len() as f64 / 1024.0);
    println!("dry run (check):     {dry:.3} s");
    println!("import (all):        {real:.3} s");
    println!(
        "export:              {export:.3} s ({:.1} KiB)",
        exported.len() as f64 / 1024.0
    );
    db.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}
