//! Changing one user in place, part by part: its row and account, its mailbox, devices, numbers,
//! answer rule and memberships, each written only when it changed, over the rows it has.

use super::*;

/// What the user's row and its account hold of `v`.
fn row_image(v: &UserValues) -> impl PartialEq + '_ {
    (
        (&v.user, &v.name_first_name, &v.name_last_name, &v.email),
        (&v.department, &v.site, v.status, &v.service_code),
        (v.login(), v.user_scope, portal_blocked(v)),
        v.settings(),
    )
}

/// Whether the user's row or account must be written for the values to change from `a` to `b`.
pub fn row_differs(a: &UserValues, b: &UserValues) -> bool {
    row_image(a) != row_image(b)
}

/// Writes the user's row (columns and settings document) and its account over what they hold.
pub async fn update_row(
    tx: &mut Tx,
    user_id: i64,
    v: &UserValues,
    site_id: Option<i64>,
    now: i64,
) -> DbResult<()> {
    let row = row_columns(v, site_id)
        .into_iter()
        .chain([("updated_at", Col::Int(now))]);
    update(tx, "users", row, "id", user_id).await?;
    update(tx, "accounts", account_columns(v), "user_id", user_id).await
}

/// Gives the user a voicemail box numbered `mailbox`, or renumbers the one it has.
pub async fn set_mailbox(
    tx: &mut Tx,
    domain_id: i64,
    user_id: i64,
    mailbox: &str,
    now: i64,
) -> DbResult<()> {
    let moved = sqlx::query("UPDATE voicemail_boxes SET mailbox = $2 WHERE user_id = $1")
        .bind(user_id)
        .bind(mailbox.to_owned())
        .execute(&mut **tx)
        .await?
        .rows_affected();
    if moved == 0 {
        sqlx::query(
            "INSERT INTO voicemail_boxes (domain_id, user_id, mailbox, created_at) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(domain_id)
        .bind(user_id)
        .bind(mailbox.to_owned())
        .bind(now)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Whether the user has a voicemail box.
pub async fn has_mailbox(tx: &mut Tx, user_id: i64) -> DbResult<bool> {
    let found: Option<i64> =
        sqlx::query_scalar("SELECT id FROM voicemail_boxes WHERE user_id = $1")
            .bind(user_id)
            .fetch_optional(&mut **tx)
            .await?;
    Ok(found.is_some())
}

/// Adds a device to the user.
pub async fn insert_device(
    tx: &mut Tx,
    domain: &DomainRef,
    user_id: i64,
    device: &str,
    password: &str,
    now: i64,
) -> DbResult<()> {
    let ha1 = digest_ha1(device, domain.name().as_str(), password);
    sqlx::query(
        "INSERT INTO devices (domain_id, user_id, device, sip_password, ha1, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(domain.id)
    .bind(user_id)
    .bind(device.to_owned())
    .bind(password.to_owned())
    .bind(ha1)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Changes the user's device `device`: its name, its password, or both (`None` keeps), with the
/// digest hash that follows from them. Its row, and the time it was made, stay. `NotFound` if
/// the user has no such device.
pub async fn change_device(
    tx: &mut Tx,
    domain: &DomainRef,
    user_id: i64,
    device: &str,
    new_name: Option<&str>,
    new_password: Option<&str>,
) -> DbResult<()> {
    let stored: Option<String> =
        sqlx::query_scalar("SELECT sip_password FROM devices WHERE user_id = $1 AND device = $2")
            .bind(user_id)
            .bind(device.to_owned())
            .fetch_optional(&mut **tx)
            .await?;
    let stored = stored.ok_or(DbError::NotFound)?;
    let name = new_name.unwrap_or(device);
    let password = new_password.unwrap_or(&stored);
    let ha1 = digest_ha1(name, domain.name().as_str(), password);
    sqlx::query(
        "UPDATE devices SET device = $3, sip_password = $4, ha1 = $5 \
         WHERE user_id = $1 AND device = $2",
    )
    .bind(user_id)
    .bind(device.to_owned())
    .bind(name.to_owned())
    .bind(password.to_owned())
    .bind(ha1)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Removes the user's device `device`. `NotFound` if it has none by that name.
pub async fn delete_device(tx: &mut Tx, user_id: i64, device: &str) -> DbResult<()> {
    let done = sqlx::query("DELETE FROM devices WHERE user_id = $1 AND device = $2")
        .bind(user_id)
        .bind(device.to_owned())
        .execute(&mut **tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(DbError::NotFound);
    }
    Ok(())
}

/// Links the user's device `device` to the phone with MAC address `mac` and model `model`, or
/// unlinks it (`None`). `NotFound` if the user has no such device.
pub async fn set_provisioning(
    tx: &mut Tx,
    user_id: i64,
    device: &str,
    mac: Option<&str>,
    model: Option<&str>,
) -> DbResult<()> {
    let done =
        sqlx::query("UPDATE devices SET mac = $3, model = $4 WHERE user_id = $1 AND device = $2")
            .bind(user_id)
            .bind(device.to_owned())
            .bind(mac.map(str::to_owned))
            .bind(model.map(str::to_owned))
            .execute(&mut **tx)
            .await?;
    if done.rows_affected() == 0 {
        return Err(DbError::NotFound);
    }
    Ok(())
}

/// Writes the settings document of the user's device `device`. `NotFound` if the user has no
/// such device.
pub async fn set_device_settings(
    tx: &mut Tx,
    user_id: i64,
    device: &str,
    settings: &str,
) -> DbResult<()> {
    let done = sqlx::query("UPDATE devices SET settings = $3 WHERE user_id = $1 AND device = $2")
        .bind(user_id)
        .bind(device.to_owned())
        .bind(settings.to_owned())
        .execute(&mut **tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(DbError::NotFound);
    }
    Ok(())
}

/// Gives the device `device` of the user `from` to the user `to` (of the same domain), with its
/// name and password. `NotFound` if `from` has no such device.
pub async fn move_device(tx: &mut Tx, from: i64, device: &str, to: i64) -> DbResult<()> {
    let done = sqlx::query("UPDATE devices SET user_id = $3 WHERE user_id = $1 AND device = $2")
        .bind(from)
        .bind(device.to_owned())
        .bind(to)
        .execute(&mut **tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(DbError::NotFound);
    }
    Ok(())
}

/// Makes `numbers` (number, already in the domain) the user's numbers: the others it had are
/// freed (they stay in the domain), new ones are added, known free ones are taken.
pub async fn set_numbers(
    tx: &mut Tx,
    domain_id: i64,
    user_id: i64,
    numbers: &[(&str, bool)],
    now: i64,
) -> DbResult<()> {
    let mut free = Sql::new("UPDATE phone_numbers SET user_id = NULL WHERE user_id = ");
    free.bind(user_id);
    if !numbers.is_empty() {
        free.push(" AND number NOT IN (")
            .list(numbers.iter().map(|(n, _)| (*n).to_owned()))
            .push(")");
    }
    free.query().execute(&mut **tx).await?;
    route_numbers(tx, domain_id, user_id, numbers, now).await
}

/// Writes the user's default answer rule (time frame `*`) over the one it has, in place.
pub async fn set_answer_rule(tx: &mut Tx, user_id: i64, rule: &AnswerRule) -> DbResult<()> {
    let mut sql = set("answer_rules", rule_columns(rule));
    sql.push(" WHERE time_frame = '*' AND user_id = ")
        .bind(user_id);
    if sql.query().execute(&mut **tx).await?.rows_affected() == 0 {
        insert_rules(tx, &[(user_id, rule.clone())], &mut |_| {}).await?;
    }
    Ok(())
}

/// Deletes the user `user_id`, with its voicemail box when `with_mailbox` (a box that stays
/// keeps the delete from happening: the caller checks first). Its phone numbers are freed
/// (`ON DELETE SET NULL`); its account, devices, rules and memberships go with it (`CASCADE`).
pub async fn delete(tx: &mut Tx, user_id: i64, with_mailbox: bool) -> DbResult<()> {
    if with_mailbox {
        sqlx::query("DELETE FROM voicemail_boxes WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut **tx)
            .await?;
    }
    let done = sqlx::query("DELETE FROM users WHERE id = $1")
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(DbError::NotFound);
    }
    Ok(())
}

/// Gives a voicemail box to every user of the domain that has none and follows the domain's
/// voicemail setting (its settings document does not set `voicemail-enabled`): what turning the
/// domain's voicemail on means for them.
pub async fn boxes_for_followers(tx: &mut Tx, domain_id: i64, now: i64) -> DbResult<u64> {
    let without: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT u.id, u.extension, u.settings FROM users u WHERE u.domain_id = $1 \
         AND NOT EXISTS (SELECT 1 FROM voicemail_boxes b WHERE b.user_id = u.id)",
    )
    .bind(domain_id)
    .fetch_all(&mut **tx)
    .await?;
    let mut made = 0;
    for (user_id, extension, settings) in without {
        let follows = serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&settings)
            .map(|doc| {
                doc.get("voicemail-enabled")
                    .is_none_or(serde_json::Value::is_null)
            })
            .unwrap_or(false);
        if follows {
            set_mailbox(tx, domain_id, user_id, &extension, now).await?;
            made += 1;
        }
    }
    Ok(made)
}
