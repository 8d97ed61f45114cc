//! Computed figures kept while the logs have not moved: a national dashboard
//! reads every fact of the country, and a page view should not redo that work
//! each time. An entry is reused while the projections' fingerprint (each
//! active generation and how far it has read) is unchanged, for at most
//! `max_age` (backlog ages move with the clock); on a busy platform where the
//! logs always move, at most one computation per `floor`.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// What the projections have read: (projection, generation, position) each.
pub type Fingerprint = Vec<(String, u64, u64)>;

pub struct Cache<K, V> {
    floor: Duration,
    max_age: Duration,
    entries: Mutex<HashMap<K, (Fingerprint, Instant, V)>>,
}

impl<K: Eq + Hash, V: Clone> Cache<K, V> {
    pub fn new(floor: Duration, max_age: Duration) -> Self {
        Self { floor, max_age, entries: Mutex::new(HashMap::new()) }
    }

    pub fn get(&self, key: &K, fingerprint: &Fingerprint) -> Option<V> {
        let entries = self.entries.lock().ok()?;
        let (seen, at, value) = entries.get(key)?;
        let age = at.elapsed();
        (age < self.floor || (seen == fingerprint && age < self.max_age)).then(|| value.clone())
    }

    pub fn put(&self, key: K, fingerprint: Fingerprint, value: V) {
        if let Ok(mut entries) = self.entries.lock() {
            let max_age = self.max_age;
            entries.retain(|_, (_, at, _)| at.elapsed() < max_age);
            entries.insert(key, (fingerprint, Instant::now(), value));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_lives_while_the_logs_stand_still_and_at_least_the_floor() {
        let cache = Cache::new(Duration::from_millis(50), Duration::from_secs(60));
        let still = vec![("reports".to_owned(), 1, 10)];
        let moved = vec![("reports".to_owned(), 1, 11)];
        cache.put("national", still.clone(), 1);
        assert_eq!(cache.get(&"national", &moved), Some(1), "within the floor");
        std::thread::sleep(Duration::from_millis(60));
        assert_eq!(cache.get(&"national", &still), Some(1), "nothing moved");
        assert_eq!(cache.get(&"national", &moved), None, "the log moved");
        assert_eq!(cache.get(&"elsewhere", &still), None);
        let rebuilt = vec![("reports".to_owned(), 2, 10)];
        assert_eq!(cache.get(&"national", &rebuilt), None, "a new generation");
    }
}
