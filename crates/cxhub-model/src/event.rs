//! What a live event belongs to.

use crate::string_enum::string_enum;

string_enum! {
    /// The kind of record an event folds into: a call (by `call_id`), a digital
    /// conversation (by `conversation_id`) or a user's presence (by `user_id`).
    pub enum SubjectKind {
        Call => "call",
        Conversation => "conversation",
        Presence => "presence",
    }
}

impl SubjectKind {
    /// The event field that names a subject of this kind.
    pub fn field(self) -> &'static str {
        match self {
            SubjectKind::Call => "call_id",
            SubjectKind::Conversation => "conversation_id",
            SubjectKind::Presence => "user_id",
        }
    }
}
