//! The validation error every layer reports to its caller.

use std::fmt;

/// A value that is not acceptable, named by the path of the field that holds it.
///
/// `field` uses the path notation of the native API (`legs[2].ring_at`); a dialect
/// may rewrite it into its own parameter names before answering.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub reason: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, reason: impl Into<String>) -> FieldError {
        FieldError {
            field: field.into(),
            reason: reason.into(),
        }
    }

    /// Prefixes the field path, so nested checks can report full paths.
    pub fn within(self, parent: &str) -> FieldError {
        let field = match self.field.starts_with('[') {
            true => format!("{parent}{}", self.field),
            false => format!("{parent}.{}", self.field),
        };
        FieldError {
            field,
            reason: self.reason,
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.reason)
    }
}

impl std::error::Error for FieldError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn within_builds_paths() {
        let err = FieldError::new("ring_at", "must not precede add_time");
        assert_eq!(err.within("legs[2]").field, "legs[2].ring_at");
        let err = FieldError::new("[3]", "bad");
        assert_eq!(err.within("labels").field, "labels[3]");
    }
}
