//! Tests of `pilot_engine::repo`.
