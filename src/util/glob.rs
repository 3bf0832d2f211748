//! Redis glob matching (KEYS, SCAN MATCH, CONFIG GET patterns).
