//! The login page at `/`: plain HTML with a form, as the runbooks' frontend check expects.

pub fn login(version: &str, environment: &str) -> String {
    format!(
        r#"<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Student Management — Sign in</title></head>
<body>
<main>
<h1>Student Management</h1>
<form method="post" action="/api/v1/auth/login">
<label>Username <input name="username" autocomplete="username" required></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required></label>
<button type="submit">Sign in</button>
</form>
<footer>version {version} · {environment}</footer>
</main>
</body>
</html>
"#
    )
}
