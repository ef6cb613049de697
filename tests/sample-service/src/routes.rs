//! The HTTP side: routes, the fault switches that shape answers (latency, rate limit, failing
//! health), and the start-up sequence that ends with "Application startup complete".

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use rusqlite::Connection;
use serde::Deserialize;
use serde_json::json;

use crate::settings::Settings;
use crate::{db, log, metrics_api, migrate, pages, seed, writer};

pub(crate) struct App {
    settings: Settings,
    conn: Mutex<Connection>,
    requests: AtomicU64,
    /// Answers of the student list so far (for `SAMPLE_FAIL_EVERY`).
    list_answers: AtomicU64,
    /// Start of the current rate-limit window and the requests counted in it.
    window: Mutex<(Instant, u32)>,
    started: Instant,
}

pub(crate) type Shared = Arc<App>;

/// Start up and serve until the process is stopped.
pub fn serve(settings: Settings) -> Result<(), String> {
    log::info(&format!(
        "starting sample-service {} ({}) on 127.0.0.1:{}, database {}",
        settings.version,
        settings.environment,
        settings.port,
        settings.db.display()
    ));
    if settings.slow_start_secs > 0 {
        log::info(&format!("slow start: waiting {} s before listening", settings.slow_start_secs));
        std::thread::sleep(Duration::from_secs(settings.slow_start_secs));
    }
    let mut conn = db::open(&settings.db).map_err(|e| format!("{}: {e}", settings.db.display()))?;
    migrate::apply(&mut conn, migrate::BASE, false)?;
    seed::seed_if_empty(&mut conn, settings.seed_students).map_err(|e| e.to_string())?;
    writer::start(settings.db.clone(), Duration::from_millis(settings.write_interval_ms.max(1)));

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let port = settings.port;
    let log_errors = settings.log_errors;
    let app = Arc::new(App {
        settings,
        conn: Mutex::new(conn),
        requests: AtomicU64::new(0),
        list_answers: AtomicU64::new(0),
        window: Mutex::new((Instant::now(), 0)),
        started: Instant::now(),
    });
    runtime.block_on(async move {
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
        if log_errors {
            tokio::spawn(error_noise());
        }
        log::info(&format!("listening on http://{addr}"));
        log::info("Application startup complete");
        axum::serve(listener, router(app))
            .with_graceful_shutdown(stop_signal())
            .await
            .map_err(|e| e.to_string())?;
        log::info("stopped");
        Ok(())
    })
}

fn router(app: Shared) -> Router {
    Router::new()
        .route("/", get(login_page))
        .route("/health", get(health))
        .route("/health/ready", get(ready))
        .route("/api/v1/health", get(api_health))
        .route("/api/v1/version", get(version))
        .route("/api/v1/students", get(list_students).post(create_student))
        .route("/api/v1/auth/login", post(login))
        .route("/api/v1/courses", get(metrics_api::course_list))
        .route("/api/v1/metrics/students", get(metrics_api::students))
        .route("/api/v1/metrics/courses", get(metrics_api::courses))
        .route("/api/v1/metrics/grades", get(metrics_api::grades))
        .route("/api/v1/audit/logs", get(metrics_api::audit_logs))
        .route("/metrics", get(metrics))
        .with_state(app)
}

/// SIGTERM (`docker stop`) or Ctrl-C. As PID 1 in a container the process gets no default
/// handler for SIGTERM, so without this every stop would wait for Docker's kill timeout.
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
    log::info("stop requested: shutting down");
}

/// `SAMPLE_LOG_ERRORS=1`: errors in the log every few seconds, for the log-scan tests.
async fn error_noise() {
    loop {
        log::error("database connection pool exhausted (simulated)");
        log::critical("payment gateway unreachable (simulated)");
        log::traceback("database is locked (simulated)");
        tokio::time::sleep(Duration::from_secs(3)).await;
    }
}

/// Count the request, apply the latency and rate-limit switches. `Some` is the answer to give
/// instead of the real one.
pub(crate) async fn admit(app: &App) -> Option<Response> {
    app.requests.fetch_add(1, Ordering::Relaxed);
    if app.settings.slow_ms > 0 {
        tokio::time::sleep(Duration::from_millis(app.settings.slow_ms)).await;
    }
    let limit = app.settings.rate_limit?;
    let mut window = app.window.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if window.0.elapsed() >= Duration::from_secs(1) {
        *window = (Instant::now(), 0);
    }
    window.1 += 1;
    (window.1 > limit).then(|| {
        (StatusCode::TOO_MANY_REQUESTS, Json(json!({"status": "rate limited"}))).into_response()
    })
}

pub(crate) fn with_db<T>(
    app: &App,
    f: impl FnOnce(&Connection) -> rusqlite::Result<T>,
) -> rusqlite::Result<T> {
    let conn = app.conn.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    f(&conn).inspect_err(|e| log::error(&format!("database error: {e}")))
}

/// The answer when the database fails: 503, so health checks and load balancers notice.
pub(crate) fn db_unavailable(e: &rusqlite::Error) -> Response {
    (StatusCode::SERVICE_UNAVAILABLE, Json(json!({"status": "error", "detail": e.to_string()})))
        .into_response()
}

async fn login_page(State(app): State<Shared>) -> Response {
    if let Some(r) = admit(&app).await {
        return r;
    }
    Html(pages::login(&app.settings.version, &app.settings.environment)).into_response()
}

async fn health(State(app): State<Shared>) -> Response {
    app.requests.fetch_add(1, Ordering::Relaxed);
    if app.settings.fail_health {
        return (StatusCode::SERVICE_UNAVAILABLE, Json(json!({"status": "unhealthy"})))
            .into_response();
    }
    Json(json!({"status": "ok"})).into_response()
}

async fn ready(State(app): State<Shared>) -> Response {
    app.requests.fetch_add(1, Ordering::Relaxed);
    match with_db(&app, |c| db::count(c, "students")) {
        Ok(n) if !app.settings.fail_health => {
            Json(json!({"status": "ready", "database": "ok", "students": n})).into_response()
        }
        Ok(_) => {
            (StatusCode::SERVICE_UNAVAILABLE, Json(json!({"status": "not ready"}))).into_response()
        }
        Err(e) => db_unavailable(&e),
    }
}

async fn api_health(State(app): State<Shared>) -> Response {
    if let Some(r) = admit(&app).await {
        return r;
    }
    let db_ok = with_db(&app, |c| c.query_row("SELECT 1", [], |r| r.get::<_, i64>(0))).is_ok();
    let status = if db_ok && !app.settings.fail_health { "healthy" } else { "unhealthy" };
    let code = if status == "healthy" { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    (
        code,
        Json(json!({"status": status, "database": if db_ok { "ok" } else { "error" },
        "version": app.settings.version})),
    )
        .into_response()
}

async fn version(State(app): State<Shared>) -> Response {
    if let Some(r) = admit(&app).await {
        return r;
    }
    Json(json!({
        "version": app.settings.version,
        "status": "ok",
        "environment": app.settings.environment,
    }))
    .into_response()
}

async fn list_students(State(app): State<Shared>) -> Response {
    if let Some(r) = admit(&app).await {
        return r;
    }
    let nth = app.list_answers.fetch_add(1, Ordering::Relaxed) + 1;
    if app.settings.fail_every.is_some_and(|every| nth % every == 0) {
        log::error(&format!("GET /api/v1/students failed: simulated failure of answer {nth}"));
        return (StatusCode::INTERNAL_SERVER_ERROR, Json(json!({"status": "error"})))
            .into_response();
    }
    let rows = with_db(&app, |c| {
        let total = db::count(c, "students")?;
        let mut stmt =
            c.prepare("SELECT id, name, email, status FROM students ORDER BY id LIMIT 50")?;
        let students = stmt
            .query_map([], |r| {
                Ok(json!({"id": r.get::<_, i64>(0)?, "name": r.get::<_, String>(1)?,
                    "email": r.get::<_, String>(2)?, "status": r.get::<_, String>(3)?}))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(json!({"total": total, "students": students}))
    });
    match rows {
        Ok(body) => Json(body).into_response(),
        Err(e) => db_unavailable(&e),
    }
}

#[derive(Debug, Deserialize)]
struct NewStudent {
    name: String,
    email: String,
}

async fn create_student(State(app): State<Shared>, Json(new): Json<NewStudent>) -> Response {
    if let Some(r) = admit(&app).await {
        return r;
    }
    let now = chrono::Utc::now().to_rfc3339();
    let id = with_db(&app, |c| {
        c.execute(
            "INSERT INTO students (name, email, enrolled_on, status, updated_at)
             VALUES (?1, ?2, date('now'), 'active', ?3)",
            rusqlite::params![new.name, new.email, now],
        )?;
        Ok(c.last_insert_rowid())
    });
    match id {
        Ok(id) => {
            (StatusCode::CREATED, Json(json!({"id": id, "status": "created"}))).into_response()
        }
        Err(e) => db_unavailable(&e),
    }
}

async fn login(State(app): State<Shared>, body: String) -> Response {
    if let Some(r) = admit(&app).await {
        return r;
    }
    // Any username with a non-empty password signs in: this is a fixture, not an identity system.
    let has = |k: &str| body.split('&').any(|kv| kv.starts_with(k) && kv.len() > k.len());
    if has("username=") && has("password=") {
        Json(json!({"status": "ok", "token": "sample-session"})).into_response()
    } else {
        (StatusCode::UNAUTHORIZED, Json(json!({"status": "unauthorized"}))).into_response()
    }
}

async fn metrics(State(app): State<Shared>) -> Response {
    if let Some(r) = admit(&app).await {
        return r;
    }
    let students = with_db(&app, |c| db::count(c, "students")).unwrap_or(-1);
    let body = format!(
        "# HELP http_requests_total Requests answered since start.\n\
         # TYPE http_requests_total counter\n\
         http_requests_total {}\n\
         # HELP students_total Rows in the students table.\n\
         # TYPE students_total gauge\n\
         students_total {students}\n\
         # HELP process_uptime_seconds Seconds since start.\n\
         # TYPE process_uptime_seconds gauge\n\
         process_uptime_seconds {}\n\
         app_info{{version=\"{}\",environment=\"{}\"}} 1\n",
        app.requests.load(Ordering::Relaxed),
        app.started.elapsed().as_secs(),
        app.settings.version,
        app.settings.environment,
    );
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], body).into_response()
}
