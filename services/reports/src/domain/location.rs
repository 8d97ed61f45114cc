//! Where a problem is: a point inside France (metropolitan France, Corsica and
//! the overseas departments) and a free-text address.

/// Bounding boxes (south, west, north, east) of French territory where
/// communes exist. Coarse on purpose: a point just offshore is accepted, a
/// point in another country far away is not.
const FRANCE: &[(f64, f64, f64, f64)] = &[
    (41.3, -5.2, 51.1, 9.6),    // Metropolitan France and Corsica
    (15.8, -61.9, 16.6, -61.0), // Guadeloupe
    (14.3, -61.3, 14.9, -60.8), // Martinique
    (2.1, -54.7, 5.8, -51.6),   // Guyane
    (-21.4, 55.2, -20.8, 55.9), // La Réunion
    (-13.1, 44.9, -12.6, 45.3), // Mayotte
    (46.7, -56.5, 47.2, -56.1), // Saint-Pierre-et-Miquelon
    (17.8, -63.2, 18.2, -62.7), // Saint-Martin, Saint-Barthélemy
];

pub const MAX_ADDRESS_CHARS: usize = 200;

#[derive(Debug, Clone, PartialEq)]
pub struct Location {
    pub latitude: f64,
    pub longitude: f64,
    pub address: String,
}

impl Location {
    /// Validates a point; errors name the offending field.
    pub fn parse(latitude: f64, longitude: f64, address: &str) -> Result<Self, (&'static str, String)> {
        if !latitude.is_finite() || !(-90.0..=90.0).contains(&latitude) {
            return Err(("location.latitude", "must be a number between -90 and 90".into()));
        }
        if !longitude.is_finite() || !(-180.0..=180.0).contains(&longitude) {
            return Err(("location.longitude", "must be a number between -180 and 180".into()));
        }
        if !FRANCE.iter().any(|(s, w, n, e)| (*s..=*n).contains(&latitude) && (*w..=*e).contains(&longitude)) {
            return Err(("location", "must be inside France".into()));
        }
        let address = address.trim();
        if address.chars().count() > MAX_ADDRESS_CHARS {
            return Err(("location.address", format!("must be at most {MAX_ADDRESS_CHARS} characters")));
        }
        Ok(Self { latitude, longitude, address: address.to_owned() })
    }
}

#[cfg(test)]
mod tests {
    use super::Location;

    #[test]
    fn points_in_france_are_accepted() {
        assert!(Location::parse(48.8566, 2.3522, "Hôtel de Ville, Paris").is_ok());
        assert!(Location::parse(41.9192, 8.7386, "Ajaccio").is_ok());
        assert!(Location::parse(-20.8789, 55.4481, "Saint-Denis, La Réunion").is_ok());
    }

    #[test]
    fn points_elsewhere_and_nonsense_are_refused_with_their_field() {
        assert_eq!(Location::parse(40.4168, -3.7038, "").map_err(|e| e.0), Err("location"));
        assert_eq!(Location::parse(f64::NAN, 2.0, "").map_err(|e| e.0), Err("location.latitude"));
        assert_eq!(Location::parse(48.0, 200.0, "").map_err(|e| e.0), Err("location.longitude"));
        assert_eq!(Location::parse(48.85, 2.35, &"x".repeat(201)).map_err(|e| e.0), Err("location.address"));
    }
}

/// How close two reports of the same category must be to look like duplicates.
pub const DUPLICATE_RADIUS_M: f64 = 50.0;

const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// Great-circle distance in metres (haversine; plenty for tens of metres).
pub fn distance_m(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (lat1, lat2) = (a.0.to_radians(), b.0.to_radians());
    let dlat = lat2 - lat1;
    let dlon = (b.1 - a.1).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * h.sqrt().asin()
}

/// A (south, west, north, east) box that contains every point within
/// `radius_m` of `center`, for a cheap indexed pre-filter.
pub fn bounding_box(center: (f64, f64), radius_m: f64) -> (f64, f64, f64, f64) {
    let dlat = (radius_m / EARTH_RADIUS_M).to_degrees();
    let dlon = dlat / center.0.to_radians().cos().max(0.01);
    (center.0 - dlat, center.1 - dlon, center.0 + dlat, center.1 + dlon)
}

#[cfg(test)]
mod distance_tests {
    use super::*;

    #[test]
    fn distances_are_right_at_street_scale() {
        // 0.00045° of latitude is about 50 m.
        let d = distance_m((48.8566, 2.3522), (48.85705, 2.3522));
        assert!((d - 50.0).abs() < 0.5, "{d}");
        let (s, w, n, e) = bounding_box((48.8566, 2.3522), 50.0);
        assert!(s < 48.8566 && n > 48.8566 && w < 2.3522 && e > 2.3522);
        assert!(distance_m((48.8566, 2.3522), (48.8566, e)) >= 49.9);
    }
}
