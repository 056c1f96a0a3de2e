//! A throwaway PostgreSQL cluster for tests and benchmarks, started from the machine's server
//! binaries: `initdb` into a temporary directory, `postgres` listening on a Unix socket in that
//! directory only (no TCP port, so it never meets the machine's own PostgreSQL), one fresh
//! database per caller, everything stopped and removed at the end.
//!
//! [`shared`] starts one cluster per test binary run, on first use. A static is never dropped,
//! so a small watchdog process (`sh`) started with the cluster waits for the test process to
//! exit, then stops the server and removes the directory — also when a test panics or the run is
//! interrupted. [`PgCluster::start`] gives a private cluster that [`Drop`] stops and removes at
//! once (the watchdog is the backstop). When a whole process tree was killed at once (a CI
//! job's timeout), the next run removes the directories it left.
//!
//! PostgreSQL refuses to run as root; as root, the server and `initdb` run as the `postgres`
//! user (`setpriv`, or `runuser`), in a directory it owns. If the binaries are missing the
//! cluster fails with a message saying how to install them. `GONGZHANG_PG_BIN` names the
//! directory holding `initdb` and `postgres` when they are somewhere unusual.

#![allow(dead_code)] // Each test or bench binary that includes this uses part of it.

use std::fs;
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use sqlx::Connection as _;
use sqlx::postgres::PgConnection;
use tokio::sync::OnceCell;

/// How long the server may take to accept connections after it is started.
const START_TIMEOUT: Duration = Duration::from_secs(60);
/// How long a stopping server may take before it is killed.
const STOP_TIMEOUT: Duration = Duration::from_secs(10);
/// How often readiness and shutdown are polled.
const POLL_INTERVAL: Duration = Duration::from_millis(50);
/// The port number; with `listen_addresses=''` it only names the socket file
/// (`.s.PGSQL.<port>`) in the cluster's own socket directory, so it cannot clash.
const PORT: u16 = 55432;
/// How a cluster's directory name starts; the test process's id follows.
const ROOT_PREFIX: &str = "gongzhang-pg-";
/// The cluster's superuser (trusted on the Unix socket only).
const SUPERUSER: &str = "gongzhang";
/// Connections the server accepts: tests run in parallel, each with its own pool.
const MAX_CONNECTIONS: u32 = 300;
/// Longest Unix socket path (`sun_path` is 108 bytes on Linux, 104 on macOS).
const MAX_SOCKET_PATH: usize = 100;
/// Where Debian-like systems install each server version (`<version>/bin`), off the `PATH`.
const BIN_DIR_GLOB_PARENT: &str = "/usr/lib/postgresql";
/// Other places server binaries are installed.
const OTHER_BIN_DIRS: [&str; 5] = [
    "/usr/local/bin",
    "/usr/local/pgsql/bin",
    "/usr/bin",
    "/opt/homebrew/bin",
    "/usr/pgsql/bin",
];
/// What to do when there are no server binaries.
const INSTALL_HINT: &str = "the PostgreSQL tests start a throwaway server and need its binaries \
     (initdb, postgres); install them with `sudo apt-get install -y postgresql` (Debian, Ubuntu: \
     they land in /usr/lib/postgresql/<version>/bin; the system service they come with is not \
     used), `sudo dnf install postgresql-server` (Fedora) or `brew install postgresql` (macOS), \
     or set GONGZHANG_PG_BIN to the directory that holds them";

/// The shell watchdog: waits for the test process (`$1`) to exit, then stops the server whose
/// data directory is `$3` (immediate shutdown, SIGQUIT: the data is thrown away, so no shutdown
/// checkpoint; killed after a timeout) and removes `$2`. It ignores the terminal's interrupt, so
/// Ctrl-C on the test run still cleans up.
const WATCHDOG: &str = r#"
trap '' INT HUP TERM
owner=$1; root=$2; data=$3; server=$4; stop_polls=$5
while kill -0 "$owner" 2>/dev/null; do sleep 0.2; done
pid=$(head -n 1 "$data/postmaster.pid" 2>/dev/null || echo "$server")
kill -QUIT "$pid" 2>/dev/null
n=0
while [ -e "$data/postmaster.pid" ] && kill -0 "$pid" 2>/dev/null && [ "$n" -lt "$stop_polls" ]; do
  sleep 0.1; n=$((n + 1))
done
kill -KILL "$pid" 2>/dev/null
rm -rf "$root"
"#;

/// Counts clusters and databases so that names never repeat within a run.
static COUNTER: AtomicU64 = AtomicU64::new(0);

/// The cluster shared by a test binary's tests, or why it could not start.
static SHARED: OnceCell<Result<PgCluster, String>> = OnceCell::const_new();

/// The cluster shared by this process's tests, started on first use. Panics (failing the test)
/// with the reason if it cannot start, e.g. when the binaries are not installed.
pub async fn shared() -> &'static PgCluster {
    match SHARED
        .get_or_init(|| async { PgCluster::start().await })
        .await
    {
        Ok(cluster) => cluster,
        Err(reason) => panic!("cannot start a throwaway PostgreSQL cluster: {reason}"),
    }
}

/// A new empty database in the shared cluster; returns its connection URL.
pub async fn fresh_database() -> String {
    let cluster = shared().await;
    match cluster.create_database().await {
        Ok(url) => url,
        Err(reason) => panic!("cannot create a test database: {reason}"),
    }
}

/// A running throwaway cluster.
#[derive(Debug)]
pub struct PgCluster {
    /// The directory holding everything (data, socket, log); removed at the end.
    root: PathBuf,
    /// Where the server's Unix socket is.
    socket_dir: PathBuf,
    /// The server process (`postgres`, or `runuser` above it).
    server: Child,
    /// The process that cleans up when the test process exits.
    watchdog: Child,
}

impl PgCluster {
    /// Initialises and starts a new cluster, waiting until it accepts connections.
    pub async fn start() -> Result<PgCluster, String> {
        let bin = find_bin_dir()?;
        let run_as = RunAs::detect()?;
        let root = new_root(&run_as)?;
        let data = root.join("data");
        let socket_dir = root.join("socket");
        let log_path = root.join("postgres.log");
        // From here on, the directory is removed if starting fails.
        let cleanup = RemoveOnFailure(Some(root.clone()));

        fs::create_dir(&socket_dir)
            .map_err(|e| format!("creating {}: {e}", socket_dir.display()))?;
        run_as.give(&root)?;
        run_as.give(&socket_dir)?;

        let initdb = run_as
            .command(&bin.join("initdb"))
            .arg("--pgdata")
            .arg(&data)
            .args([
                "--username",
                SUPERUSER,
                "--auth",
                "trust",
                "--encoding",
                "UTF8",
                "--locale",
                "C",
                // Skips only initdb's final sync of the new files; the server runs with fsync on.
                "--no-sync",
            ])
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("running {}: {e}", bin.join("initdb").display()))?;
        if !initdb.status.success() {
            return Err(format!(
                "initdb failed ({}):\n{}{}",
                initdb.status,
                String::from_utf8_lossy(&initdb.stdout),
                String::from_utf8_lossy(&initdb.stderr)
            ));
        }

        let log = fs::File::create(&log_path)
            .map_err(|e| format!("creating {}: {e}", log_path.display()))?;
        let log_err = log
            .try_clone()
            .map_err(|e| format!("{}: {e}", log_path.display()))?;
        run_as.give(&log_path)?;
        let mut server = run_as
            .command(&bin.join("postgres"))
            .arg("-D")
            .arg(&data)
            .arg("-k")
            .arg(&socket_dir)
            .arg("-p")
            .arg(PORT.to_string())
            .args(["-c", "listen_addresses="])
            // The defaults, stated: a commit is on disk when it returns.
            .args(["-c", "fsync=on", "-c", "synchronous_commit=on"])
            .args(["-c", &format!("max_connections={MAX_CONNECTIONS}")])
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log_err)
            // Its own process group: Ctrl-C on the test run reaches the watchdog's shutdown,
            // not the server directly.
            .process_group(0)
            .spawn()
            .map_err(|e| format!("starting {}: {e}", bin.join("postgres").display()))?;

        let stop_polls = (STOP_TIMEOUT.as_millis() / 100).to_string();
        let watchdog = Command::new("sh")
            .arg("-c")
            .arg(WATCHDOG)
            .arg("gongzhang-pg-watchdog")
            .arg(std::process::id().to_string())
            .arg(&root)
            .arg(&data)
            .arg(server.id().to_string())
            .arg(stop_polls)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn();
        let watchdog = match watchdog {
            Ok(watchdog) => watchdog,
            Err(e) => {
                let _ = server.kill();
                let _ = server.wait();
                return Err(format!("starting the cleanup watchdog (sh): {e}"));
            }
        };

        let mut cluster = PgCluster {
            root,
            socket_dir,
            server,
            watchdog,
        };
        // Dropping the cluster now stops the server and removes the directory.
        cleanup.disarm();
        cluster.wait_until_ready(&log_path).await?;
        Ok(cluster)
    }

    /// The URL of database `database` in this cluster.
    pub fn url(&self, database: &str) -> String {
        format!(
            "postgres://{SUPERUSER}@localhost:{PORT}/{database}?host={}",
            self.socket_dir.display()
        )
    }

    /// The directory holding the cluster (removed when it stops).
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The server's process id.
    pub fn server_pid(&self) -> u32 {
        self.server.id()
    }

    /// Creates a new empty database and returns its URL.
    pub async fn create_database(&self) -> Result<String, String> {
        let name = format!("gongzhang_test_{}", COUNTER.fetch_add(1, Ordering::Relaxed));
        let mut admin = PgConnection::connect(&self.url("postgres"))
            .await
            .map_err(|e| format!("connecting to the test cluster: {e}"))?;
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await
            .map_err(|e| format!("CREATE DATABASE {name}: {e}"))?;
        let _ = admin.close().await;
        Ok(self.url(&name))
    }

    /// Polls until the server accepts a connection, it exits, or [`START_TIMEOUT`] passes.
    async fn wait_until_ready(&mut self, log_path: &Path) -> Result<(), String> {
        let deadline = Instant::now() + START_TIMEOUT;
        let url = self.url("postgres");
        loop {
            if let Ok(Some(status)) = self.server.try_wait() {
                return Err(format!(
                    "postgres exited ({status}) while starting; its log:\n{}",
                    fs::read_to_string(log_path).unwrap_or_default()
                ));
            }
            match PgConnection::connect(&url).await {
                Ok(connection) => {
                    let _ = connection.close().await;
                    return Ok(());
                }
                Err(e) if Instant::now() >= deadline => {
                    return Err(format!(
                        "postgres did not accept connections within {START_TIMEOUT:?} ({e}); \
                         its log:\n{}",
                        fs::read_to_string(log_path).unwrap_or_default()
                    ));
                }
                Err(_) => tokio::time::sleep(POLL_INTERVAL).await,
            }
        }
    }
}

impl Drop for PgCluster {
    /// Stops the server (immediate shutdown: the data is thrown away) and removes the directory.
    fn drop(&mut self) {
        let _ = self.watchdog.kill();
        let _ = self.watchdog.wait();
        // SIGQUIT is PostgreSQL's immediate shutdown; the server may run under runuser, so the
        // postmaster's own pid comes from its pid file.
        let pid = fs::read_to_string(self.root.join("data/postmaster.pid"))
            .ok()
            .and_then(|text| text.lines().next().map(str::to_owned))
            .unwrap_or_else(|| self.server.id().to_string());
        let _ = Command::new("kill")
            .args(["-QUIT", &pid])
            .stderr(Stdio::null())
            .status();
        let deadline = Instant::now() + STOP_TIMEOUT;
        while !matches!(self.server.try_wait(), Ok(Some(_))) {
            if Instant::now() >= deadline {
                let _ = self.server.kill();
                let _ = self.server.wait();
                break;
            }
            std::thread::sleep(POLL_INTERVAL);
        }
        let _ = fs::remove_dir_all(&self.root);
    }
}

/// Removes a directory when dropped, unless disarmed.
struct RemoveOnFailure(Option<PathBuf>);

impl RemoveOnFailure {
    fn disarm(mut self) {
        self.0 = None;
    }
}

impl Drop for RemoveOnFailure {
    fn drop(&mut self) {
        if let Some(path) = self.0.take() {
            let _ = fs::remove_dir_all(path);
        }
    }
}

/// Whom the server runs as: this user, or `postgres` when this is root.
#[derive(Debug)]
enum RunAs {
    /// Not root: run the binaries directly.
    Me,
    /// Root: run them as the `postgres` user through this prefix (`setpriv …` or `runuser …`).
    Postgres {
        /// The command and arguments that run the rest as `postgres`.
        prefix: Vec<String>,
        /// `postgres`'s user and group ids, to give it the directories.
        uid: u32,
        gid: u32,
    },
}

impl RunAs {
    fn detect() -> Result<RunAs, String> {
        if command_output("id", &["-u"])? != "0" {
            return Ok(RunAs::Me);
        }
        let no_user = |e: String| {
            format!(
                "running as root, PostgreSQL must run as another user, and there is no `postgres` \
                 user ({e}); {INSTALL_HINT} (the package creates the user), or run the tests as \
                 an ordinary user"
            )
        };
        let uid = command_output("id", &["-u", "postgres"]).map_err(no_user)?;
        let gid = command_output("id", &["-g", "postgres"]).map_err(no_user)?;
        let parse = |text: &str| {
            text.parse::<u32>()
                .map_err(|e| format!("id printed `{text}`: {e}"))
        };
        let prefix = if command_exists("setpriv") {
            // setpriv execs the command itself: the child is the postmaster.
            [
                "setpriv",
                "--reuid=postgres",
                "--regid=postgres",
                "--init-groups",
            ]
            .map(String::from)
            .to_vec()
        } else if command_exists("runuser") {
            ["runuser", "-u", "postgres", "--"]
                .map(String::from)
                .to_vec()
        } else {
            return Err(
                "running as root, PostgreSQL must run as the `postgres` user, and neither \
                        setpriv nor runuser (util-linux) is installed"
                    .to_owned(),
            );
        };
        Ok(RunAs::Postgres {
            prefix,
            uid: parse(&uid)?,
            gid: parse(&gid)?,
        })
    }

    /// A command that runs `program` as this user.
    fn command(&self, program: &Path) -> Command {
        match self {
            RunAs::Me => Command::new(program),
            RunAs::Postgres { prefix, .. } => {
                let mut command = Command::new(&prefix[0]);
                command.args(&prefix[1..]).arg(program);
                command
            }
        }
    }

    /// Makes `path` belong to this user.
    fn give(&self, path: &Path) -> Result<(), String> {
        match self {
            RunAs::Me => Ok(()),
            RunAs::Postgres { uid, gid, .. } => {
                std::os::unix::fs::chown(path, Some(*uid), Some(*gid))
                    .map_err(|e| format!("giving {} to postgres: {e}", path.display()))
            }
        }
    }
}

/// A new, empty, uniquely named directory for a cluster. As root, under `/tmp` (the `postgres`
/// user may not be allowed into `$TMPDIR`); the socket path must stay short in any case.
fn new_root(run_as: &RunAs) -> Result<PathBuf, String> {
    let mut base = match run_as {
        RunAs::Me => std::env::temp_dir(),
        RunAs::Postgres { .. } => PathBuf::from("/tmp"),
    };
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or_default();
    let name = format!(
        "{ROOT_PREFIX}{}-{}-{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    );
    // "/socket/.s.PGSQL.55432" follows the root in the socket path.
    if base.join(&name).as_os_str().len() + 24 > MAX_SOCKET_PATH {
        base = PathBuf::from("/tmp");
    }
    remove_stale_clusters(&base);
    let root = base.join(name);
    fs::create_dir(&root).map_err(|e| format!("creating {}: {e}", root.display()))?;
    Ok(root)
}

/// Removes the directories of earlier runs whose test process and server are both gone: the
/// watchdog cleans up after a run, but nothing can when the whole process tree is killed at
/// once (a CI job's timeout, a container stopped). A server still running there is left alone.
fn remove_stale_clusters(base: &Path) {
    let Ok(dirs) = fs::read_dir(base) else {
        return;
    };
    for dir in dirs.filter_map(Result::ok) {
        let name = dir.file_name();
        let Some(owner) = name
            .to_str()
            .and_then(|n| n.strip_prefix(ROOT_PREFIX))
            .and_then(|rest| rest.split('-').next())
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        let server = fs::read_to_string(dir.path().join("data/postmaster.pid"))
            .ok()
            .and_then(|text| text.lines().next().and_then(|pid| pid.parse::<u32>().ok()));
        if owner != std::process::id()
            && !process_exists(owner)
            && !server.is_some_and(process_exists)
        {
            let _ = fs::remove_dir_all(dir.path());
        }
    }
}

/// Whether a process with this id exists (`kill -0`, which root may send to anyone).
fn process_exists(pid: u32) -> bool {
    Command::new("kill")
        .args(["-0", &pid.to_string()])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

/// The directory holding `initdb` and `postgres`: `GONGZHANG_PG_BIN`, `pg_config --bindir`, the
/// `PATH`, the newest `/usr/lib/postgresql/<version>/bin`, then other usual places.
fn find_bin_dir() -> Result<PathBuf, String> {
    let has_both = |dir: &Path| dir.join("initdb").is_file() && dir.join("postgres").is_file();
    if let Some(dir) = std::env::var_os("GONGZHANG_PG_BIN") {
        let dir = PathBuf::from(dir);
        return if has_both(&dir) {
            Ok(dir)
        } else {
            Err(format!(
                "GONGZHANG_PG_BIN={} holds no initdb and postgres; {INSTALL_HINT}",
                dir.display()
            ))
        };
    }
    let mut candidates = Vec::new();
    if let Ok(dir) = command_output("pg_config", &["--bindir"]) {
        candidates.push(PathBuf::from(dir));
    }
    if let Some(path) = std::env::var_os("PATH") {
        candidates.extend(std::env::split_paths(&path));
    }
    if let Ok(versions) = fs::read_dir(BIN_DIR_GLOB_PARENT) {
        let mut versions: Vec<(u32, PathBuf)> = versions
            .filter_map(Result::ok)
            .filter_map(|v| {
                let number = v.file_name().to_str()?.parse().ok()?;
                Some((number, v.path().join("bin")))
            })
            .collect();
        versions.sort_by_key(|(number, _)| std::cmp::Reverse(*number));
        candidates.extend(versions.into_iter().map(|(_, dir)| dir));
    }
    candidates.extend(OTHER_BIN_DIRS.iter().map(PathBuf::from));
    candidates
        .into_iter()
        .find(|dir| has_both(dir))
        .ok_or_else(|| format!("initdb and postgres are not installed; {INSTALL_HINT}"))
}

/// A command's trimmed standard output, if it ran and succeeded.
fn command_output(program: &str, args: &[&str]) -> Result<String, String> {
    let output = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("running {program}: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "{program} {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

/// Whether `program` is on the `PATH`.
fn command_exists(program: &str) -> bool {
    std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).any(|dir| dir.join(program).is_file()))
        .unwrap_or(false)
}
