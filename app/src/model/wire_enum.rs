//! NetSapiens' fixed lists of words (`yes`/`no`, scopes, recording options...), each declared
//! once: its variants, their wire spelling and their label.

/// Declares an enum whose variants are written on the wire as fixed words:
///
/// ```text
/// wire_enum! {
///     /// Whether calls are recorded.
///     pub enum Recording {
///         Yes = "yes", "Record calls";
///         No = "no", "Do not record";
///     }
/// }
/// ```
///
/// gives `ALL` (in order), `CHOICES` (wire word, label) for a picker, `as_str`, `label`, [`Parse`]
/// (the wire word in any case; a refusal lists the words), `Display`, and serde as the wire word
/// (read through `parse`). Further derives (`PartialOrd`, `Default`...) go on the enum.
///
/// [`Parse`]: crate::model::Parse
macro_rules! wire_enum {
    (
        $(#[$attr:meta])*
        $vis:vis enum $Name:ident {
            $($(#[$vattr:meta])* $Variant:ident = $wire:literal, $label:literal;)*
        }
    ) => {
        $(#[$attr])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, ::serde::Serialize, ::serde::Deserialize)]
        #[serde(try_from = "String", into = "&'static str")]
        $vis enum $Name {
            $($(#[$vattr])* $Variant,)*
        }

        impl $Name {
            /// Every variant, in order.
            pub const ALL: [$Name; [$($wire),*].len()] = [$($Name::$Variant),*];
            /// (wire word, label) of every variant, for a picker.
            pub const CHOICES: &'static [(&'static str, &'static str)] = &[$(($wire, $label)),*];

            /// The wire word.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($Name::$Variant => $wire,)*
                }
            }

            /// What a person reads.
            pub fn label(self) -> &'static str {
                match self {
                    $($Name::$Variant => $label,)*
                }
            }
        }

        impl $crate::model::Parse for $Name {
            fn parse(raw: &str) -> Result<Self, $crate::model::Invalid> {
                let raw = raw.trim();
                Self::ALL
                    .into_iter()
                    .find(|v| v.as_str().eq_ignore_ascii_case(raw))
                    .ok_or_else(|| {
                        let words: Vec<&str> = Self::ALL.iter().map(|v| v.as_str()).collect();
                        $crate::model::Invalid::new(format!("One of: {}.", words.join(", ")))
                    })
            }
        }

        impl ::std::fmt::Display for $Name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl TryFrom<String> for $Name {
            type Error = $crate::model::Invalid;
            fn try_from(raw: String) -> Result<Self, Self::Error> {
                <$Name as $crate::model::Parse>::parse(&raw)
            }
        }

        impl From<$Name> for &'static str {
            fn from(value: $Name) -> &'static str {
                value.as_str()
            }
        }

        impl $crate::model::fields::Leaf for $Name {
            const CONTROL: $crate::model::fields::Control =
                $crate::model::fields::Control::Choice($Name::CHOICES);
            const EXAMPLES: &'static [&'static str] = &[$($wire),*];
            fn read(
                raw: &str,
                _: &$crate::model::fields::FieldContext,
            ) -> Result<Self, $crate::model::Invalid> {
                <$Name as $crate::model::Parse>::parse(raw)
            }
            fn text(&self) -> String {
                self.as_str().to_owned()
            }
        }
    };
}
pub(crate) use wire_enum;
