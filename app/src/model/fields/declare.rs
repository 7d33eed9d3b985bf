//! The [`declare_form!`] macro and its helpers (see the module above for the rows it reads).
//!
//! [`declare_form!`]: super::declare_form

/// `Some(default)` for a row that has one.
macro_rules! __field_default {
    () => {
        None
    };
    ($default:literal) => {
        Some($default)
    };
}

/// `Some(member)` for a row that inherits a domain setting.
macro_rules! __field_inherits {
    () => {
        None
    };
    ($from:ident) => {
        Some(stringify!($from))
    };
}

/// Runs its block only for a row kept in the settings document.
macro_rules! __if_setting {
    (setting, $($then:tt)*) => { $($then)* };
    (own, $($then:tt)*) => {};
}

/// The [`Storage`] of a row.
macro_rules! __storage {
    (setting) => {
        $crate::model::fields::Storage::Setting
    };
    (own) => {
        $crate::model::fields::Storage::Own
    };
}

/// The control a row's value is entered with: a secret's is [`Control::Secret`].
macro_rules! __control {
    (secret, $ty:ty) => {
        $crate::model::fields::Control::Secret
    };
    ($kind:ident, $ty:ty) => {
        <$ty as $crate::model::fields::Leaf>::CONTROL
    };
}

/// For a secret row: the value left blank by a change takes the one it had.
macro_rules! __keep_secret {
    (secret, $after:expr, $before:expr) => {
        if !$after.is_set() {
            $after = $before.clone();
        }
    };
    ($kind:ident, $after:expr, $before:expr) => {};
}

/// Declares a form: its text form, its typed values, its field table, and what they do (see the
/// module's documentation for the rows).
macro_rules! declare_form {
    (
        $(#[$form_attr:meta])*
        form $Form:ident;
        $(#[$values_attr:meta])*
        values $Values:ident;
        $(#[$table_attr:meta])*
        table $TABLE:ident: [$Step:ident] $(inherits $Domain:ty)?;
        $(
            $(#[doc = $doc:expr])*
            $storage:ident $member:ident: $kind:ident $ty:ty $(= $default:literal)?,
            $name:literal $(| $alias:literal)?, $step:ident $(, inherits $from:ident)?,
            $label:literal, $hint:literal;
        )*
    ) => {
        $(#[$form_attr])*
        #[derive(Debug, Clone, Default, PartialEq, Eq, ::serde::Serialize, ::serde::Deserialize)]
        #[serde(default)]
        pub struct $Form {
            $(
                $(#[doc = $doc])*
                #[serde(rename = $name $(, alias = $alias)?)]
                pub $member: String,
            )*
        }

        $(#[$values_attr])*
        #[derive(Debug, Clone, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
        pub struct $Values {
            $(
                $(#[doc = $doc])*
                #[serde(rename = $name)]
                pub $member: $crate::model::fields::$kind::Member<$ty>,
            )*
        }

        $(#[$table_attr])*
        pub const $TABLE: &[$crate::model::fields::Field<$Form, $Step>] = &[$(
            $crate::model::fields::Field {
                name: $name,
                alias: $crate::model::fields::__field_default!($($alias)?),
                member: stringify!($member),
                label: $label,
                hint: $hint,
                step: $Step::$step,
                control: $crate::model::fields::__control!($kind, $ty),
                required: $crate::model::fields::$kind::REQUIRED && {
                    let default: Option<&str> = $crate::model::fields::__field_default!($($default)?);
                    default.is_none()
                },
                default: $crate::model::fields::__field_default!($($default)?),
                inherits: $crate::model::fields::__field_inherits!($($from)?),
                list: $crate::model::fields::$kind::LIST,
                storage: $crate::model::fields::__storage!($storage),
                check: |raw, cx| {
                    let mut errors = $crate::model::FieldErrors::default();
                    $crate::model::fields::$kind::read::<$ty>(
                        "", raw, $crate::model::fields::__field_default!($($default)?), cx, &mut errors,
                    );
                    $crate::model::fields::first_refusal(errors)
                },
                examples: <$ty as $crate::model::fields::Leaf>::EXAMPLES,
                get: |form| &form.$member,
                get_mut: |form| &mut form.$member,
            },
        )*];

        impl $Form {
            /// Parses every field, reporting every bad one at once (blanks take their defaults).
            pub fn parse(
                &self,
                cx: &$crate::model::fields::FieldContext,
            ) -> Result<$Values, $crate::model::FieldErrors> {
                let mut errors = $crate::model::FieldErrors::default();
                $(
                    let $member = $crate::model::fields::$kind::read::<$ty>(
                        $name, &self.$member, $crate::model::fields::__field_default!($($default)?), cx, &mut errors,
                    );
                )*
                let ($(Some($member),)*) = ($($member,)*) else {
                    return Err(errors);
                };
                Ok($Values { $($member,)* })
            }

            /// Sets the field called `name` (or one of its aliases); `false` if there is none.
            pub fn set(&mut self, name: &str, text: String) -> bool {
                match name {
                    $($name $(| $alias)? => self.$member = text,)*
                    _ => return false,
                }
                true
            }

            /// Fills the settings kept in a stored document (values by wire name).
            pub fn read_settings(&mut self, doc: &::serde_json::Map<String, ::serde_json::Value>) {
                $(
                    $crate::model::fields::__if_setting!($storage, if let Some(text) = doc
                        .get($name)
                        .and_then($crate::model::fields::text_of_json)
                    {
                        self.$member = text;
                    });
                )*
            }

            /// The form with its secrets blanked, safe to send back with an error or to log.
            pub fn without_secrets(&self) -> Self {
                let mut form = self.clone();
                for field in $TABLE.iter().filter(|f| f.is_secret()) {
                    (field.get_mut)(&mut form).clear();
                }
                form
            }
        }

        impl $Values {
            /// The form that shows these values (secrets blank).
            pub fn to_form(&self) -> $Form {
                $Form {
                    $($member: $crate::model::fields::$kind::text(&self.$member),)*
                }
            }

            /// Changes the field called `name` (or an alias) to what `raw` parses to, or records
            /// why it cannot; `false` if there is no such field. A blank secret keeps its value.
            pub fn apply(
                &mut self,
                name: &str,
                raw: &str,
                cx: &$crate::model::fields::FieldContext,
                errors: &mut $crate::model::FieldErrors,
            ) -> bool {
                match name {
                    $($name $(| $alias)? => {
                        let keep = $crate::model::fields::__control!($kind, $ty)
                            == $crate::model::fields::Control::Secret
                            && raw.trim().is_empty();
                        if !keep {
                            if let Some(value) = $crate::model::fields::$kind::read::<$ty>(
                                $name, raw, $crate::model::fields::__field_default!($($default)?), cx, errors,
                            ) {
                                self.$member = value;
                            }
                        }
                    })*
                    _ => return false,
                }
                true
            }

            /// Each secret these values leave blank (a form never shows one) keeps its value in
            /// `before`: what a change of the other fields must not lose.
            pub fn keep_secrets(&mut self, before: &Self) {
                $($crate::model::fields::__keep_secret!($kind, self.$member, before.$member);)*
                let _ = before;
            }

            /// The settings document: every `setting` row that has a value, by wire name.
            pub fn settings(&self) -> ::serde_json::Map<String, ::serde_json::Value> {
                #[allow(unused_mut)]
                let mut doc = ::serde_json::Map::new();
                $(
                    $crate::model::fields::__if_setting!($storage,
                        if let Some(value) = $crate::model::fields::$kind::doc(&self.$member) {
                            doc.insert($name.to_owned(), value);
                        }
                    );
                )*
                doc
            }
        }

        $crate::model::fields::declare_form!(@inherits $Values $(, $Domain)?; $([$member $name $($from)?])*);
    };

    (@inherits $Values:ident; $([$member:ident $name:literal])*) => {};
    (@inherits $Values:ident, $Domain:ty; $([$member:ident $name:literal $($from:ident)?])*) => {
        impl $Values {
            /// The values in effect: each inherited setting left blank takes `domain`'s value.
            pub fn effective(&self, domain: &$Domain) -> Self {
                #[allow(unused_mut)]
                let mut values = self.clone();
                $($(
                    if values.$member.is_none() {
                        values.$member = domain.$from.clone().into();
                    }
                )?)*
                values
            }

            /// The wire names of the settings that inherit their domain's value.
            pub fn inherited(&self) -> Vec<&'static str> {
                #[allow(unused_mut)]
                let mut names = Vec::new();
                $($(
                    let _ = stringify!($from);
                    if self.$member.is_none() {
                        names.push($name);
                    }
                )?)*
                names
            }

            /// These values with the settings named in `inherited` back to inheriting (the
            /// stored form of values read as in effect).
            pub fn without_inherited(&self, inherited: &[String]) -> Self {
                #[allow(unused_mut)]
                let mut values = self.clone();
                $($(
                    let _ = stringify!($from);
                    if inherited.iter().any(|n| n == $name) {
                        values.$member = None;
                    }
                )?)*
                values
            }
        }
    };
}
pub(crate) use {
    __control, __field_default, __field_inherits, __if_setting, __keep_secret, __storage,
    declare_form,
};
