//! How each step lays out its fields: under headings, the ones most users need first, the rest
//! folded under "More" (a `<details>`, which works without JavaScript too). The field table says
//! which step a field is on; this says only where on the step it goes.

use crate::model::user::Step;

/// Fields shown together under a heading (none for a step's only group).
pub(super) struct Group {
    pub heading: &'static str,
    pub fields: &'static [&'static str],
}

/// A step's groups: those always shown, and those under "More".
pub(super) struct Layout {
    pub common: &'static [Group],
    pub more: &'static [Group],
}

const fn group(heading: &'static str, fields: &'static [&'static str]) -> Group {
    Group { heading, fields }
}

pub(super) fn layout(step: Step) -> Layout {
    match step {
        Step::Identity => {
            const {
                Layout {
                    common: &[group("", &["user", "name-first-name", "name-last-name"])],
                    more: &[],
                }
            }
        }
        Step::Login => {
            const {
                Layout {
                    common: &[group(
                        "",
                        &["login-username", "email", "user-scope", "status"],
                    )],
                    more: &[group("", &["block-web-login", "login-based-calling"])],
                }
            }
        }
        Step::Organization => {
            const {
                Layout {
                    common: &[group(
                        "",
                        &["department", "site", "time-zone", "language-token"],
                    )],
                    more: &[group("", &["status-message", "service-code"])],
                }
            }
        }
        Step::Voicemail => {
            const {
                Layout {
                    common: &[
                        group(
                            "Mailbox",
                            &[
                                "voicemail-enabled",
                                "voicemail-login-pin",
                                "voicemail-greeting-index",
                            ],
                        ),
                        group(
                            "Notifications",
                            &[
                                "email-send-alert-new-voicemail-enabled",
                                "email-send-alert-new-voicemail-behavior",
                                "email-send-alert-new-voicemail-cc-list-csv",
                                "voicemail-transcription-enabled",
                                "email-send-alert-new-missed-call-enabled",
                                "email-send-alert-data-storage-limit-reached-enabled",
                            ],
                        ),
                    ],
                    more: &[
                        group(
                            "Playback",
                            &[
                                "voicemail-playback-announce-datetime-received",
                                "voicemail-playback-announce-caller-id",
                                "voicemail-playback-sort-newest-to-oldest",
                            ],
                        ),
                        group(
                            "Mailbox options",
                            &[
                                "voicemail-user-control-enabled",
                                "voicemail-receive-broadcast-enabled",
                                "limits-max-data-storage-kilobytes",
                            ],
                        ),
                    ],
                }
            }
        }
        Step::CallerId => {
            const {
                Layout {
                    common: &[
                        group(
                            "Caller ID",
                            &[
                                "caller-id-name",
                                "caller-id-number",
                                "caller-id-number-emergency",
                                "emergency-address-id",
                                "privacy",
                            ],
                        ),
                        group(
                            "Calling",
                            &[
                                "area-code",
                                "dial-plan",
                                "dial-policy",
                                "ring-no-answer-timeout-seconds",
                                "limits-max-active-calls-total",
                            ],
                        ),
                    ],
                    more: &[
                        group(
                            "Screening",
                            &[
                                "reject-anonymous-calls-enabled",
                                "call-screening-enabled",
                                "phone-numbers-to-allow-enabled",
                                "phone-numbers-to-reject-enabled",
                            ],
                        ),
                        group(
                            "Recording and hold",
                            &[
                                "recording-configuration",
                                "call-recordings-hide-from-others-enabled",
                                "music-on-hold-randomized-enabled",
                                "music-on-hold-comfort-message-repeat-interval-seconds",
                            ],
                        ),
                        group(
                            "Directory",
                            &[
                                "directory-name-visible-in-list-enabled",
                                "directory-announce-in-dial-by-name-enabled",
                                "directory-name-number-dtmf-mapping",
                                "directory-override-order-duplicate-dtmf-mapping",
                            ],
                        ),
                    ],
                }
            }
        }
        Step::Devices => {
            const {
                Layout {
                    common: &[
                        group(
                            "Device and numbers",
                            &[
                                "device",
                                "device-sip-registration-password",
                                "phone-numbers",
                            ],
                        ),
                        group(
                            "Forwarding",
                            &[
                                "forward-always",
                                "forward-on-busy",
                                "forward-no-answer",
                                "forward-when-unregistered",
                                "do-not-disturb",
                            ],
                        ),
                        group("Rings and call queues", &["simultaneous-ring", "groups"]),
                    ],
                    more: &[],
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::user::USER_FIELDS;

    #[test]
    fn every_field_of_a_step_is_laid_out_on_it_exactly_once() {
        for step in Step::ALL {
            let layout = layout(step);
            let mut laid_out: Vec<&str> = layout
                .common
                .iter()
                .chain(layout.more)
                .flat_map(|g| g.fields.iter().copied())
                .collect();
            laid_out.sort_unstable();
            let mut declared: Vec<&str> = USER_FIELDS
                .iter()
                .filter(|f| f.step == step)
                .map(|f| f.name)
                .collect();
            declared.sort_unstable();
            assert_eq!(laid_out, declared, "{step:?}");
        }
    }
}
