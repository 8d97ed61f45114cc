//! Wall-clock time, read at the edges (handlers, stores, consumers); deciders
//! never read it, they get time in their commands.

/// Now, in Unix microseconds (the unit of every stored time).
pub fn now_us() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_micros()).unwrap_or(i64::MAX))
        .unwrap_or_default()
}
