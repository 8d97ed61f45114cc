//! What the load benchmarks share (`report_load`, `platform_load`): running
//! the platform as real `miroir` processes on throwaway storage
//! ([`platform`]), and the closed-loop driver with its percentiles and
//! failure reports ([`load`]); the REST calls of their set-up ([`api`]).

pub mod api;
pub mod load;
pub mod platform;
