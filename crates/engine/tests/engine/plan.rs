//! Tests of `pilot_engine::plan`.
