//! Bitmaps: bit operations over string values.
