//! CPU time from `/proc/self/stat`, shared by the benchmarks that report it (included with
//! `#[path]`).

use std::process::Command;
use std::sync::OnceLock;

/// CPU time in seconds from `/proc/self/stat`: this process's, and that of its children
/// that have ended and been waited for.
#[derive(Clone, Copy, Debug, Default)]
pub struct Cpu {
    pub user: f64,
    pub system: f64,
    pub children_user: f64,
    pub children_system: f64,
}

impl Cpu {
    pub fn now() -> Option<Cpu> {
        let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
        // The fields after the command name, which is in parentheses and may hold spaces:
        // state is field 3, utime 14, stime 15, cutime 16, cstime 17.
        let fields: Vec<&str> = stat[stat.rfind(')')? + 1..].split_whitespace().collect();
        let seconds = |field: usize| -> Option<f64> {
            Some(fields.get(field - 3)?.parse::<f64>().ok()? / clock_ticks())
        };
        Some(Cpu {
            user: seconds(14)?,
            system: seconds(15)?,
            children_user: seconds(16)?,
            children_system: seconds(17)?,
        })
    }

    pub fn since(self, before: Cpu) -> Cpu {
        Cpu {
            user: self.user - before.user,
            system: self.system - before.system,
            children_user: self.children_user - before.children_user,
            children_system: self.children_system - before.children_system,
        }
    }
}

/// Clock ticks per second of `/proc`'s times (`getconf CLK_TCK`; 100 on Linux).
fn clock_ticks() -> f64 {
    static TICKS: OnceLock<f64> = OnceLock::new();
    *TICKS.get_or_init(|| {
        Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok())
            .unwrap_or(100.0)
    })
}
