//! The limits a Forms On Fire request body must keep, set by the operator.

/// How large and how deep a request body may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FormsOnFireLimits {
    /// Largest body, in bytes; a larger one is refused with 400 before it is parsed.
    pub max_body_bytes: usize,
    /// Deepest nesting of elements (XML) or of objects and arrays (JSON).
    pub max_depth: usize,
}

impl Default for FormsOnFireLimits {
    /// A user is a few kilobytes and four levels deep; these leave ample room.
    fn default() -> Self {
        Self {
            max_body_bytes: 1024 * 1024,
            max_depth: 32,
        }
    }
}
