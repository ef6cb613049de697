//! Realistic data on first start: thousands of students, a catalogue of courses and their
//! enrollments, generated deterministically (a small linear congruential generator) so every
//! fresh database looks alike.

use rusqlite::{Connection, params};

use crate::{db, log};

const FIRST: &[&str] = &[
    "Ada",
    "Grace",
    "Alan",
    "Edsger",
    "Barbara",
    "Donald",
    "Frances",
    "Ken",
    "Margaret",
    "Dennis",
    "Radia",
    "Niklaus",
    "Sophie",
    "Tim",
    "Hedy",
    "John",
    "Katherine",
    "Linus",
    "Guido",
    "Bjarne",
];
const LAST: &[&str] = &[
    "Lovelace",
    "Hopper",
    "Turing",
    "Dijkstra",
    "Liskov",
    "Knuth",
    "Allen",
    "Thompson",
    "Hamilton",
    "Ritchie",
    "Perlman",
    "Wirth",
    "Wilson",
    "Berners-Lee",
    "Lamarr",
    "McCarthy",
    "Johnson",
    "Torvalds",
    "van Rossum",
    "Stroustrup",
];
const SUBJECTS: &[&str] = &[
    "Algorithms",
    "Databases",
    "Operating Systems",
    "Networks",
    "Compilers",
    "Statistics",
    "Linear Algebra",
    "Security",
    "Distributed Systems",
    "Human-Computer Interaction",
];
const GRADES: &[&str] = &["A", "A-", "B+", "B", "B-", "C+", "C", "D", "F"];

struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: usize) -> usize {
        self.0 =
            self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) as usize) % below.max(1)
    }
}

/// Seed an empty database; leave a seeded one alone. Returns the students added.
pub fn seed_if_empty(conn: &mut Connection, students: u32) -> rusqlite::Result<u32> {
    if db::count(conn, "students")? > 0 {
        return Ok(0);
    }
    let now = chrono::Utc::now().to_rfc3339();
    let mut rng = Lcg(0x5eed);
    let tx = conn.transaction()?;
    {
        let mut course =
            tx.prepare("INSERT INTO courses (code, title, credits) VALUES (?1, ?2, ?3)")?;
        for i in 0..60usize {
            let subject = SUBJECTS[i % SUBJECTS.len()];
            let level = 100 + (i / SUBJECTS.len()) * 100;
            course.execute(params![
                format!("CS{level}{}", i % 10),
                format!("{subject} {level}"),
                (3 + i % 3) as i64
            ])?;
        }
        let mut student = tx.prepare(
            "INSERT INTO students (name, email, enrolled_on, status, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        let mut enrollment = tx.prepare(
            "INSERT INTO enrollments (student_id, course_id, grade, updated_at) VALUES (?1, ?2, ?3, ?4)",
        )?;
        for id in 1..=i64::from(students) {
            let first = FIRST[rng.next(FIRST.len())];
            let last = LAST[rng.next(LAST.len())];
            let year = 2019 + rng.next(6);
            let status = if rng.next(10) == 0 { "inactive" } else { "active" };
            student.execute(params![
                format!("{first} {last}"),
                format!(
                    "{}.{}.{id}@example.edu",
                    first.to_lowercase(),
                    last.to_lowercase().replace(' ', "")
                ),
                format!("{year}-09-{:02}", 1 + rng.next(28)),
                status,
                now,
            ])?;
            for _ in 0..(2 + rng.next(5)) {
                let grade = GRADES[rng.next(GRADES.len())];
                enrollment.execute(params![id, (1 + rng.next(60)) as i64, grade, now])?;
            }
        }
    }
    tx.commit()?;
    log::info(&format!("seeded {students} students, 60 courses and their enrollments"));
    Ok(students)
}
