//! The runbooks' read-only endpoints beyond students: the course list (`/api/v1/courses`), the
//! metrics (`/api/v1/metrics/{students,courses,grades}`) and the audit log
//! (`/api/v1/audit/logs`), which the templates' validation phases check answer 200 with real
//! figures. Read-only queries over the service's own database.

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::db;
use crate::routes::{Shared, admit, db_unavailable, with_db};

pub async fn course_list(State(app): State<Shared>) -> Response {
    if let Some(r) = admit(&app).await {
        return r;
    }
    let body = with_db(&app, |c| {
        let mut stmt = c.prepare("SELECT id, code, title, credits FROM courses ORDER BY code")?;
        let courses = stmt
            .query_map([], |r| {
                Ok(json!({"id": r.get::<_, i64>(0)?, "code": r.get::<_, String>(1)?,
                    "title": r.get::<_, String>(2)?, "credits": r.get::<_, i64>(3)?}))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(json!({"total": courses.len(), "courses": courses}))
    });
    answer(body)
}

pub async fn students(State(app): State<Shared>) -> Response {
    if let Some(r) = admit(&app).await {
        return r;
    }
    let body = with_db(&app, |c| {
        let total = db::count(c, "students")?;
        let active: i64 =
            c.query_row("SELECT count(*) FROM students WHERE status = 'active'", [], |r| r.get(0))?;
        Ok(json!({"metric": "students", "total": total, "active": active}))
    });
    answer(body)
}

pub async fn courses(State(app): State<Shared>) -> Response {
    if let Some(r) = admit(&app).await {
        return r;
    }
    let body = with_db(&app, |c| {
        let total = db::count(c, "courses")?;
        let enrollments = db::count(c, "enrollments")?;
        Ok(json!({"metric": "courses", "total": total, "enrollments": enrollments}))
    });
    answer(body)
}

pub async fn grades(State(app): State<Shared>) -> Response {
    if let Some(r) = admit(&app).await {
        return r;
    }
    let body = with_db(&app, |c| {
        let mut stmt = c.prepare(
            "SELECT coalesce(grade, 'none'), count(*) FROM enrollments GROUP BY 1 ORDER BY 1",
        )?;
        let by_grade = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, json!(r.get::<_, i64>(1)?))))?
            .collect::<rusqlite::Result<serde_json::Map<_, _>>>()?;
        Ok(json!({"metric": "grades", "by_grade": by_grade}))
    });
    answer(body)
}

/// The last 50 audit entries. The table arrives with migration 5: before the migrations step
/// ran, this answers 503 (as the real application does against an old schema).
pub async fn audit_logs(State(app): State<Shared>) -> Response {
    if let Some(r) = admit(&app).await {
        return r;
    }
    let body = with_db(&app, |c| {
        let total = db::count(c, "audit_log")?;
        let mut stmt =
            c.prepare("SELECT id, at, action FROM audit_log ORDER BY id DESC LIMIT 50")?;
        let entries = stmt
            .query_map([], |r| {
                Ok(json!({"id": r.get::<_, i64>(0)?, "at": r.get::<_, String>(1)?,
                    "action": r.get::<_, String>(2)?}))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(json!({"total": total, "entries": entries}))
    });
    answer(body)
}

fn answer(body: rusqlite::Result<serde_json::Value>) -> Response {
    match body {
        Ok(body) => Json(body).into_response(),
        Err(e) => db_unavailable(&e),
    }
}
