//! feidi's domain: the types and rules of an enclave industrial park programme, free of I/O.
//!
//! Everything here is pure so that it can be unit- and property-tested in isolation; the
//! storage and web layers parse input into these types at the edge ("parse, don't validate").

pub mod appeals;
pub mod attachments;
pub mod calendar;
pub mod credit_code;
pub mod fixed;
pub mod i18n;
pub mod import;
pub mod input;
pub mod land;
pub mod model;
pub mod net;
pub mod policy;
pub mod programme;
pub mod registry;
pub mod reports;
pub mod resettlement;
pub mod schedule;
pub mod time;
pub mod webhooks;

pub use credit_code::CreditCode;
pub use fixed::{AreaMu, Money, MoneyUnit, Ratio};
pub use i18n::Lang;
pub use input::{FieldError, FieldErrors, Flaw, Input, Need};
