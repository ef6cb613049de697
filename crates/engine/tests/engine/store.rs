//! Tests of `pilot_engine::store`.
