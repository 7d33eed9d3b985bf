use super::imports::KEEP_PER_ACCOUNT;
use super::*;
use crate::model::bulk::HEADER_ROW;
use crate::model::fields::FieldContext;
use crate::model::user::NewUser;
use crate::model::Parse;

#[test]
fn the_required_columns_are_those_without_a_default() {
    assert_eq!(
        required_columns(),
        ["user", "name-first-name", "name-last-name", "email"]
    );
}

#[test]
fn a_header_with_unknown_duplicate_or_missing_columns_is_refused_naming_them() {
    let required = required_columns();
    let problems = read_csv(
        "user,colour,user,email\n101,red,101,a@b.example\n",
        &required,
    )
    .unwrap_err();
    let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(
        fields,
        ["colour", "user", "name-first-name", "name-last-name"]
    );
    assert!(problems.iter().all(|p| p.row == HEADER_ROW));
    assert!(problems[0].message.contains("Column 2"));
    assert!(read_csv("", &required).is_err());
}

#[test]
fn rows_are_numbered_as_in_a_spreadsheet_and_blank_rows_are_skipped() {
    let text = "\u{feff}User,name-first-name,name-last-name,Email-Address\n\
                101, Ann ,Lee,ann@acme.example\n\
                ,,,\n\
                \"102\",\"Bo, Jr\",Chan,bo@acme.example\n\
                103,Cy\n";
    let rows = read_csv(text, &required_columns()).unwrap();
    let numbers: Vec<usize> = rows.iter().map(|(row, _)| *row).collect();
    assert_eq!(numbers, [2, 4, 5]);
    assert_eq!(rows[0].1.name_first_name, "Ann", "values are trimmed");
    assert_eq!(
        rows[0].1.email, "ann@acme.example",
        "email-address is email"
    );
    assert_eq!(rows[1].1.name_first_name, "Bo, Jr");
    assert_eq!(
        rows[2].1.name_last_name, "",
        "missing last values are blank"
    );
}

#[test]
fn a_row_longer_than_the_header_is_refused() {
    let problems = read_csv(
        "user,name-first-name,name-last-name,email\n101,A,B,a@b.example,extra\n",
        &[],
    )
    .unwrap_err();
    assert_eq!((problems[0].row, problems[0].field.as_str()), (2, "file"));
}

#[test]
fn repeats_across_rows_are_reported_on_the_later_row() {
    let acme = DomainName::parse("acme.example").unwrap();
    let parse = |ext: &str, numbers: &str, device: &str| {
        let form = UserForm {
            user: ext.into(),
            name_first_name: "A".into(),
            name_last_name: "B".into(),
            email: "a@b.example".into(),
            phone_numbers: numbers.into(),
            device: device.into(),
            ..UserForm::default()
        };
        NewUser::parse(&form, &acme, &FieldContext::default()).unwrap()
    };
    let news = [
        parse("101", "+1 612 555 0101", ""),
        parse("102", "+1 612 555 0101", "101"),
        parse("101", "", "x1"),
    ];
    // Row 2 did not parse, but its extension still counts.
    let problems = cross_row(&[3, 4, 5], &news, &[(2, "101".into())]);
    let found: Vec<(usize, &str)> = problems.iter().map(|p| (p.row, p.field.as_str())).collect();
    assert_eq!(
        found,
        [
            (3, "user"),
            (4, "device"),
            (4, "phone-numbers[0]"),
            (5, "user"),
            (5, "login-username")
        ]
    );
    assert!(problems[0].message.contains("also on row 2"));
    assert!(problems[1].message.contains("also on row 3"));
}

#[test]
fn an_import_is_tracked_for_its_account_only() {
    let imports = Imports::default();
    let id = Imports::new_id();
    assert!(Imports::is_id(&id) && !Imports::is_id("../etc"));
    let at = ImportProgress {
        stage: ImportStage::Writing,
        done: 1,
        total: 2,
    };
    imports.set_progress(7, &id, at);
    assert_eq!(imports.progress(7, &id), Some(at));
    assert_eq!(
        imports.progress(8, &id),
        None,
        "another account sees nothing"
    );
    for _ in 0..KEEP_PER_ACCOUNT {
        imports.set_progress(7, &Imports::new_id(), at);
    }
    assert_eq!(imports.progress(7, &id), None, "the oldest goes first");
}
