//! Just enough of the W3C WebDriver protocol to drive headless Chromium through `chromedriver`
//! on loopback: open a page at phone width, run a script, read the console, take a screenshot.
//! No crate beyond an HTTP client: each command is one JSON request.

use base64::Engine as _;
use serde_json::{Value, json};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long chromedriver may take to answer its status endpoint.
const START_TIMEOUT: Duration = Duration::from_secs(30);
/// How long one WebDriver command may take (a page load included).
const COMMAND_TIMEOUT: Duration = Duration::from_secs(60);
/// What to install when the browser is missing.
const INSTALL_HINT: &str = "the browser tests drive headless Chromium through chromedriver: \
    install them with `sudo apt-get install -y chromium chromium-driver` (scripts/test does)";

fn find(candidates: &[&str]) -> Option<String> {
    candidates
        .iter()
        .find(|p| Path::new(p).exists())
        .map(ToString::to_string)
}

/// A running chromedriver with one browser session; both end when it is dropped.
pub struct Browser {
    driver: Child,
    agent: ureq::Agent,
    session: String,
    base: String,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Starts chromedriver on a free loopback port and a headless Chromium session whose
    /// window is `width`×`height` CSS pixels.
    pub fn start(width: u32, height: u32) -> Browser {
        let chromium = find(&["/usr/bin/chromium", "/usr/bin/chromium-browser"])
            .unwrap_or_else(|| panic!("Chromium is not installed; {INSTALL_HINT}"));
        let chromedriver = find(&["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"])
            .unwrap_or_else(|| panic!("chromedriver is not installed; {INSTALL_HINT}"));
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free port");
        let driver = Command::new(chromedriver)
            .args([
                format!("--port={port}"),
                "--allowed-ips=127.0.0.1".to_string(),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("starting chromedriver");
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(COMMAND_TIMEOUT))
            .http_status_as_error(false)
            .build()
            .into();
        let base = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + START_TIMEOUT;
        while agent.get(format!("{base}/status")).call().is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        let profile = tempfile::tempdir().expect("profile dir");
        // As root (CI), Chromium needs --no-sandbox; the background-networking switches keep it
        // from reaching out to the internet, which this machine refuses anyway.
        let args = vec![
            "--headless=new".to_string(),
            "--no-sandbox".to_string(),
            "--disable-gpu".to_string(),
            "--disable-dev-shm-usage".to_string(),
            "--disable-background-networking".to_string(),
            "--disable-component-update".to_string(),
            "--disable-sync".to_string(),
            "--disable-quic".to_string(),
            "--no-first-run".to_string(),
            "--hide-scrollbars".to_string(),
            "--window-size=800,1000".to_string(),
            format!("--user-data-dir={}", profile.path().display()),
        ];
        let mut browser = Browser {
            driver,
            agent,
            session: String::new(),
            base,
            _profile: profile,
        };
        let created = browser.command(
            "POST",
            "/session",
            &json!({"capabilities": {"alwaysMatch": {
                "browserName": "chrome",
                "goog:chromeOptions": {"binary": chromium, "args": args},
                "goog:loggingPrefs": {"browser": "ALL"},
            }}}),
        );
        browser.session = created["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {created}"))
            .to_string();
        // Chromium keeps a desktop window at least 500 px wide; the phone's viewport is
        // emulated through the DevTools protocol, as its device toolbar does.
        browser.cdp(
            "Emulation.setDeviceMetricsOverride",
            &json!({"width": width, "height": height, "deviceScaleFactor": 1, "mobile": true}),
        );
        browser
    }

    fn command(&self, method: &str, path: &str, body: &Value) -> Value {
        let url = format!("{}{path}", self.base);
        let response = match method {
            "GET" => self.agent.get(&url).call(),
            "DELETE" => self.agent.delete(&url).call(),
            _ => self
                .agent
                .post(&url)
                .header("content-type", "application/json")
                .send(body.to_string().as_bytes()),
        }
        .unwrap_or_else(|e| panic!("{method} {url}: {e}"));
        let status = response.status().as_u16();
        let text = response
            .into_body()
            .with_config()
            .limit(64 << 20)
            .read_to_string()
            .expect("webdriver answer");
        let answer: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
        assert!(
            (200..300).contains(&status),
            "{method} {path}: HTTP {status}: {}",
            answer["value"]
        );
        answer["value"].clone()
    }

    fn session_command(&self, method: &str, path: &str, body: &Value) -> Value {
        self.command(method, &format!("/session/{}{path}", self.session), body)
    }

    /// Loads `url` and waits for it (WebDriver waits for the load event).
    pub fn open(&self, url: &str) {
        self.session_command("POST", "/url", &json!({"url": url}));
    }

    /// Runs `script` (a function body; `return` its result) in the page.
    pub fn script(&self, script: &str) -> Value {
        self.session_command(
            "POST",
            "/execute/sync",
            &json!({"script": script, "args": []}),
        )
    }

    /// The browser console's messages since the last call, with their level.
    pub fn console(&self) -> Vec<(String, String)> {
        let entries = self.session_command("POST", "/se/log", &json!({"type": "browser"}));
        entries
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|e| {
                        (
                            e["level"].as_str().unwrap_or("").to_string(),
                            e["message"].as_str().unwrap_or("").to_string(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Runs a Chrome DevTools protocol command (emulation, capture) through chromedriver.
    pub fn cdp(&self, cmd: &str, params: &Value) -> Value {
        self.session_command(
            "POST",
            "/goog/cdp/execute",
            &json!({"cmd": cmd, "params": params}),
        )
    }

    /// A PNG of the whole page (Chromium's full-page capture through the DevTools protocol).
    pub fn full_page_screenshot(&self) -> Vec<u8> {
        let metrics = self.cdp("Page.getLayoutMetrics", &json!({}));
        let size = &metrics["cssContentSize"];
        let shot = self.cdp(
            "Page.captureScreenshot",
            &json!({
                "format": "png",
                "captureBeyondViewport": true,
                "clip": {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1},
            }),
        );
        base64::engine::general_purpose::STANDARD
            .decode(shot["data"].as_str().expect("base64 PNG"))
            .expect("a PNG")
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let url = format!("{}/session/{}", self.base, self.session);
            let _ = self.agent.delete(&url).call();
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}
