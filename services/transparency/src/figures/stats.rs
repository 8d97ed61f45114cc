//! Order statistics without rounding tricks: nearest-rank percentiles of
//! whole seconds, so that anyone recomputing them from the open data gets the
//! same numbers.

/// The nearest-rank `p`-th percentile (0 < p ≤ 100) of `values`, sorted in place.
pub fn percentile(values: &mut [i64], p: u32) -> Option<i64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let n = values.len() as u64;
    // rank = ceil(p/100 × n), at least 1.
    let rank = (u64::from(p.min(100)) * n).div_ceil(100).max(1);
    values.get((rank - 1) as usize).copied()
}

/// Median and 90th percentile of durations in microseconds, in whole seconds.
pub fn median_and_p90(durations_us: &mut [i64]) -> (i64, i64) {
    let median = percentile(durations_us, 50).unwrap_or(0);
    let p90 = percentile(durations_us, 90).unwrap_or(0);
    (median.div_euclid(1_000_000), p90.div_euclid(1_000_000))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let mut v = vec![15, 20, 35, 40, 50];
        assert_eq!(percentile(&mut v, 50), Some(35));
        assert_eq!(percentile(&mut v, 90), Some(50));
        assert_eq!(percentile(&mut v, 30), Some(20));
        let mut ten: Vec<i64> = (1..=10).rev().collect();
        assert_eq!(percentile(&mut ten, 50), Some(5));
        assert_eq!(percentile(&mut ten, 90), Some(9));
        assert_eq!(percentile(&mut ten, 100), Some(10));
        assert_eq!(percentile(&mut [], 50), None);
        assert_eq!(percentile(&mut [7], 90), Some(7));
    }

    #[test]
    fn durations_are_whole_seconds() {
        let mut us = vec![1_500_000, 2_999_999, 60_000_000];
        assert_eq!(median_and_p90(&mut us), (2, 60));
        assert_eq!(median_and_p90(&mut []), (0, 0));
    }
}
