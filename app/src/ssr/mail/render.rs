//! Renders a message from its template files (`app/templates/mail/`, built into the binary) with
//! MiniJinja: the HTML part escapes every value; the subject is one line, whatever a name holds.

use super::Params;
use crate::model::mail::MailTemplate;
use minijinja::{context, Environment};
use std::sync::OnceLock;

/// A message ready to go: its subject and its two parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

macro_rules! templates {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../../templates/mail/", $name)))),*]
    };
}

/// Every template file, by name.
const FILES: &[(&str, &str)] = templates![
    "layout.html",
    "welcome.subject.txt",
    "welcome.txt",
    "welcome.html",
    "invitation.subject.txt",
    "invitation.txt",
    "invitation.html",
    "password-reset.subject.txt",
    "password-reset.txt",
    "password-reset.html",
    "password-changed.subject.txt",
    "password-changed.txt",
    "password-changed.html",
];

fn environment() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        // `.html` files escape what they print (MiniJinja's default); `.txt` files do not.
        for (name, source) in FILES {
            if let Err(e) = env.add_template(name, source) {
                tracing::error!(template = name, error = %e, "a mail template does not parse");
            }
        }
        env
    })
}

/// Text that is safe in a header: control characters (CR and LF above all, which would start a
/// header of their own) become spaces, runs of spaces one, and the ends are trimmed.
pub fn one_line(text: &str) -> String {
    text.split(|c: char| c.is_control() || c.is_whitespace())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Renders `template` with `params`, for `organisation` (the domain's description, or its name),
/// with links into the portal at `public_url`.
pub fn render(
    template: MailTemplate,
    params: &Params,
    organisation: &str,
    public_url: &str,
) -> Result<Rendered, minijinja::Error> {
    let link = params
        .token
        .as_ref()
        .map(|t| format!("{public_url}/set-password?token={t}"))
        .unwrap_or_else(|| "(this link was removed once the message was sent)".to_owned());
    let ctx = context! {
        organisation => one_line(organisation),
        domain => params.domain,
        name => one_line(&params.name),
        login => params.login,
        extension => params.extension,
        hours => params.hours,
        link => link,
        login_url => format!("{public_url}/login"),
        forgot_url => format!("{public_url}/forgot-password"),
    };
    let env = environment();
    let part = |suffix: &str| {
        env.get_template(&format!("{}.{suffix}", template.as_str()))
            .and_then(|t| t.render(&ctx))
    };
    Ok(Rendered {
        subject: one_line(&part("subject.txt")?),
        text: part("txt")?,
        html: part("html")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params() -> Params {
        Params {
            domain: Some("acme.example".into()),
            name: "Ann <b>Lee</b>\r\nBcc: evil@example.com".into(),
            login: "101@acme.example".into(),
            extension: Some("101".into()),
            token: Some("abc123".into()),
            hours: 72,
        }
    }

    #[test]
    fn every_template_renders_with_its_link_and_the_users_extension() {
        for template in MailTemplate::ALL {
            let out = render(template, &params(), "Acme Corp", "https://pbx.example").unwrap();
            assert!(!out.subject.is_empty());
            assert!(out.text.contains("101@acme.example"), "{template:?}");
            let text = out.text.to_lowercase();
            assert!(
                text.contains("extension is 101") || text.contains("(extension 101)"),
                "{template:?} names the extension: {text}"
            );
            if template.has_link() {
                let link = "https://pbx.example/set-password?token=abc123";
                assert!(out.text.contains(link), "{template:?}");
                // MiniJinja escapes `/` in HTML as `&#x2f;`, which a browser reads as `/`.
                assert!(
                    out.html.replace("&#x2f;", "/").contains(link),
                    "{template:?}"
                );
            } else {
                assert!(!out.text.contains("abc123"));
            }
        }
        let welcome = render(MailTemplate::Welcome, &params(), "Acme", "http://x").unwrap();
        assert!(welcome
            .text
            .contains("Your extension is 101 in acme.example"));
    }

    #[test]
    fn names_cannot_break_out_of_a_header_or_into_the_html() {
        let out = render(
            MailTemplate::Invitation,
            &params(),
            "Acme\r\nBcc: evil@example.com",
            "http://x",
        )
        .unwrap();
        assert!(!out.subject.contains('\r') && !out.subject.contains('\n'));
        assert_eq!(out.subject, "Your invitation to Acme Bcc: evil@example.com");
        assert!(
            out.html.contains("Ann &lt;b&gt;Lee&lt;&#x2f;b&gt;"),
            "{}",
            out.html
        );
        assert!(!out.html.contains("<b>Lee"));
    }

    #[test]
    fn a_message_whose_secret_was_removed_says_so() {
        let p = Params {
            token: None,
            ..params()
        };
        let out = render(MailTemplate::Welcome, &p, "Acme", "http://x").unwrap();
        assert!(out.text.contains("removed once the message was sent"));
    }
}
