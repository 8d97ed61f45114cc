//! The identity service: who may do what, in which commune.
//!
//! - [`domain`] — communes, accounts and integration clients as deciders (pure).
pub mod domain;
