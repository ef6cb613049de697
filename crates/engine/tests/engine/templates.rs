//! Tests of `pilot_engine::templates`.
