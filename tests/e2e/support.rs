//! Running the real binaries: `gongzhang` (built once per test run) as a command and as a
//! server on a free loopback port, and `gongzhang-verify`.

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// How long a server may take to start listening (it loads and verifies its ledger first).
const START_TIMEOUT: Duration = Duration::from_secs(60);
/// How long a server may take to stop after SIGTERM.
const STOP_TIMEOUT: Duration = Duration::from_secs(30);

/// The directory holding the built binaries: `cargo build` of both, once per test binary run.
fn bin_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let status = Command::new(env!("CARGO"))
            .args(["build", "-q", "-p", "gongzhang", "-p", "gongzhang-verify"])
            .status()
            .unwrap_or_else(|e| panic!("running cargo build: {e}"));
        assert!(status.success(), "cargo build of the binaries failed");
        // …/target/debug/deps/e2e-xxxx → …/target/debug
        let exe = std::env::current_exe().unwrap_or_else(|e| panic!("the test binary: {e}"));
        exe.parent()
            .and_then(Path::parent)
            .unwrap_or_else(|| panic!("{} has no target directory", exe.display()))
            .to_path_buf()
    })
}

/// The `gongzhang` binary.
pub fn gongzhang() -> Command {
    Command::new(bin_dir().join("gongzhang"))
}

/// The `gongzhang-verify` binary.
pub fn verifier() -> Command {
    Command::new(bin_dir().join("gongzhang-verify"))
}

/// Runs `gongzhang args…` in `dir` and returns its output; panics with its stderr unless it
/// exits 0.
pub fn ok(dir: &Path, args: &[&str]) -> String {
    let out = run(dir, args);
    assert!(
        out.status.success(),
        "gongzhang {} failed ({}):\n{}{}",
        args.join(" "),
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap_or_else(|e| panic!("stdout is not UTF-8: {e}"))
}

/// Runs `gongzhang args…` in `dir`.
pub fn run(dir: &Path, args: &[&str]) -> Output {
    gongzhang()
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("running gongzhang: {e}"))
}

/// A running process of ours, killed if dropped; [`Running::stop`] asks it to stop gracefully.
pub struct Running {
    child: Option<Child>,
}

impl Running {
    /// Spawns `command` with its stdout piped and returns once a line satisfies `ready`, with
    /// every line printed until then; panics naming `what` if that takes longer than `timeout`.
    fn spawn(
        mut command: Command,
        what: &str,
        timeout: Duration,
        ready: impl Fn(&str) -> bool,
    ) -> (Running, Vec<String>) {
        let mut child = command
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("starting {what}: {e}"));
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let deadline = Instant::now() + timeout;
        let mut lines: Vec<String> = Vec::new();
        while !lines.last().is_some_and(|l| ready(l)) {
            match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
                Ok(line) => lines.push(line),
                Err(_) => {
                    let _ = child.kill();
                    panic!(
                        "{what} was not ready within {timeout:?}:\n{}",
                        lines.join("\n")
                    );
                }
            }
        }
        (Running { child: Some(child) }, lines)
    }

    /// Sends SIGTERM and waits for a graceful exit; returns whether it exited 0.
    pub fn stop(&mut self) -> bool {
        let Some(mut child) = self.child.take() else {
            return true;
        };
        let _ = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status();
        let deadline = Instant::now() + STOP_TIMEOUT;
        loop {
            match child.try_wait() {
                Ok(Some(status)) => return status.success(),
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                _ => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return false;
                }
            }
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// A running `gongzhang serve`.
pub struct Server {
    process: Running,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
}

impl Server {
    /// Starts `gongzhang serve args… --listen 127.0.0.1:0` in `dir` and waits until it listens.
    pub fn start(dir: &Path, args: &[&str]) -> Server {
        Server::start_on(dir, args, "127.0.0.1:0")
    }

    /// [`Server::start`] on a given address (when a witness must know the server's URL first).
    pub fn start_on(dir: &Path, args: &[&str], listen: &str) -> Server {
        let mut command = gongzhang();
        command
            .current_dir(dir)
            .arg("serve")
            .args(args)
            .args(["--listen", listen, "--lang", "en"]);
        let (process, lines) = Running::spawn(command, "gongzhang serve", START_TIMEOUT, |l| {
            l.starts_with("listening on ")
        });
        let base = lines
            .last()
            .and_then(|l| l.strip_prefix("listening on "))
            .map(|url| url.trim_end_matches("/api/v1/ledgers").to_string())
            .expect("the listening line");
        Server { process, base }
    }

    /// Sends SIGTERM and waits for a graceful exit; returns whether it exited 0.
    pub fn stop(&mut self) -> bool {
        self.process.stop()
    }
}

/// A running `gongzhang demo` and what it printed.
pub struct Demo {
    process: Running,
    /// Every line printed up to "press Ctrl-C".
    pub lines: Vec<String>,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
}

/// How long the demo may take to build its ledger and start listening (debug build).
const DEMO_START_TIMEOUT: Duration = Duration::from_secs(120);

impl Demo {
    /// Starts `gongzhang demo --dir demo --listen 127.0.0.1:0 args…` in `dir` and waits for its
    /// instructions.
    pub fn start(dir: &Path, args: &[&str]) -> Demo {
        let mut command = gongzhang();
        command
            .current_dir(dir)
            .args(["demo", "--dir", "demo", "--listen", "127.0.0.1:0"])
            .args(args);
        let (process, lines) = Running::spawn(command, "gongzhang demo", DEMO_START_TIMEOUT, |l| {
            l.contains("Ctrl-C")
        });
        let base = lines
            .iter()
            .find_map(|l| {
                let at = l.find("http://")?;
                let url = &l[at..];
                let end = url
                    .find("/api/")
                    .or_else(|| url.rfind('/'))
                    .unwrap_or(url.len());
                Some(url[..end].trim_end_matches('/').to_string())
            })
            .unwrap_or_else(|| panic!("no URL in:\n{}", lines.join("\n")));
        Demo {
            process,
            lines,
            base,
        }
    }

    /// Sends SIGTERM and waits; whether it exited 0.
    pub fn stop(&mut self) -> bool {
        self.process.stop()
    }
}

/// A running `gongzhang witness`.
pub struct WitnessProcess {
    process: Running,
    /// Its submission prefix, `http://127.0.0.1:PORT`.
    pub url: String,
}

impl WitnessProcess {
    /// Starts `gongzhang witness args… --listen 127.0.0.1:0` in `dir` and waits until it listens.
    pub fn start(dir: &Path, args: &[&str]) -> WitnessProcess {
        let mut command = gongzhang();
        command.current_dir(dir).arg("witness").args(args).args([
            "--listen",
            "127.0.0.1:0",
            "--lang",
            "en",
        ]);
        let (process, lines) = Running::spawn(command, "gongzhang witness", START_TIMEOUT, |l| {
            l.starts_with("witness listening on ")
        });
        let url = lines
            .last()
            .and_then(|l| l.strip_prefix("witness listening on "))
            .map(|url| url.trim_end_matches("/add-checkpoint").to_string())
            .expect("the listening line");
        WitnessProcess { process, url }
    }

    /// Sends SIGTERM and waits for a graceful exit; returns whether it exited 0.
    pub fn stop(&mut self) -> bool {
        self.process.stop()
    }
}
