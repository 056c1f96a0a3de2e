//! `gongzhang keygen`: a person's signing key, in a file only they can read.
//!
//! The file holds one line, the C2SP signed-note private key string
//! `PRIVATE+KEY+<name>+<key id>+<base64(0x01 ‖ seed)>` (the format of golang.org/x/mod/sumdb/note,
//! so standard tools read it). The same Ed25519 key signs the person's ledger events
//! (`SignerKey::author_signer`); what they hand to the committee is the verifier key string
//! `<name>+<key id>+<base64(0x01 ‖ public key)>`.

use anyhow::{Context as _, bail};
use gongzhang_core::cosignature::CosignerSigner;
use gongzhang_core::note::SignerKey;
use gongzhang_text::Lang;
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// A key just made.
#[derive(Debug)]
pub struct NewKey {
    /// Where its private key was written.
    pub path: PathBuf,
    /// The verifier key string to hand to the committee.
    pub verifier: String,
    /// The Ed25519 public key, hex (how ledger events name it).
    pub public_hex: String,
}

/// The file a key named `name` goes to when no path is given.
pub fn default_path(name: &str) -> PathBuf {
    PathBuf::from(format!("{name}.key"))
}

/// 32 bytes from the operating system's randomness.
fn fresh_seed(lang: Lang) -> anyhow::Result<[u8; 32]> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| {
        anyhow::anyhow!(
            "{} {e}",
            lang.pick(
                "无法从操作系统取得随机数：",
                "cannot get randomness from the system:"
            )
        )
    })?;
    Ok(seed)
}

/// Why `name` cannot name a key.
fn bad_name(name: &str, lang: Lang) -> String {
    format!(
        "{} {name:?}{}",
        lang.pick("名字", "the name"),
        lang.pick(
            " 不能用作密钥名：不能为空，不能含空格或加号（+）",
            " cannot name a key: it must not be empty or contain spaces or a plus sign (+)"
        )
    )
}

/// Makes a key named `name` from fresh randomness and writes it to `path`, which must not exist.
pub fn keygen(name: &str, path: &Path, lang: Lang) -> anyhow::Result<NewKey> {
    let key =
        SignerKey::from_seed(name, fresh_seed(lang)?).with_context(|| bad_name(name, lang))?;
    let public_hex = key.author_signer().public_key().to_hex();
    write_secret(
        path,
        format!("{}\n", key.to_private_key_string()).as_bytes(),
        lang,
    )?;
    Ok(NewKey {
        path: path.to_path_buf(),
        verifier: key.verifier().to_string(),
        public_hex,
    })
}

/// Makes a witness key (`cosignature/v1`, key type 0x04, as c2sp.org/tlog-cosignature requires)
/// named `name` — by convention a name the street office controls, such as
/// `jiedao.example.gov.cn/witness` — and writes it to `path`, which must not exist. Returns the
/// verifier key line the logs, the notice boards and residents configure.
pub fn witness_keygen(name: &str, path: &Path, lang: Lang) -> anyhow::Result<String> {
    let key =
        CosignerSigner::from_seed(name, fresh_seed(lang)?).with_context(|| bad_name(name, lang))?;
    write_secret(
        path,
        format!("{}\n", key.to_private_key_string()).as_bytes(),
        lang,
    )?;
    Ok(key.verifier().to_string())
}

/// Prints what the street office does with a witness key just made.
pub fn print_new_witness_key(path: &Path, verifier: &str, lang: Lang) {
    let t = |zh: &'static str, english: &'static str| lang.pick(zh, english);
    println!(
        "{} {}",
        t("已生成见证密钥：", "wrote the witness key to"),
        path.display()
    );
    println!(
        "{}",
        t(
            "这个文件只放在运行见证服务（gongzhang witness）的电脑上，不要发给任何人。",
            "keep this file on the computer that runs the witness (gongzhang witness) only; never send it to anyone."
        )
    );
    println!();
    println!(
        "{}",
        t(
            "把下面这行见证公钥交给各社区（gongzhang serve --witness）和居民（核对公示栏上的见证签名）：",
            "hand this witness verifier key to each community (gongzhang serve --witness) and to residents (to check the board's cosignatures):"
        )
    );
    println!("  {verifier}");
}

/// Writes `bytes` to a new file at `path` that only its owner can read (0600 on Unix); refuses
/// to replace an existing file, so a key is never lost to a second `keygen`.
pub fn write_secret(path: &Path, bytes: &[u8], lang: Lang) -> anyhow::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let mut file = match options.open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => bail!(
            "{} {}{}",
            lang.pick("文件", ""),
            path.display(),
            lang.pick(
                " 已经存在；keygen 不会覆盖密钥文件（请先移走它，或用 --out 指定别的文件）",
                " already exists; keygen never replaces a key file (move it away first, or give another --out)"
            )
        ),
        Err(e) => {
            return Err(e).with_context(|| {
                format!(
                    "{} {}",
                    lang.pick("无法创建", "creating"),
                    path.display()
                )
            });
        }
    };
    let written = file.write_all(bytes).and_then(|()| file.sync_all());
    if let Err(e) = written {
        // Leave no half-written key behind.
        drop(file);
        let _ = std::fs::remove_file(path);
        return Err(e)
            .with_context(|| format!("{} {}", lang.pick("无法写入", "writing"), path.display()));
    }
    Ok(())
}

/// Prints what a person does with a key just made.
pub fn print_new_key(key: &NewKey, lang: Lang) {
    let t = |zh: &'static str, english: &'static str| lang.pick(zh, english);
    println!(
        "{} {}",
        t("已生成签名密钥：", "wrote your signing key to"),
        key.path.display()
    );
    println!(
        "{}",
        t(
            "这个文件就是你的签名权：只存放在你自己的电脑或 U 盘上，不要发给任何人，也不要放进群聊。",
            "this file is your power to sign: keep it on your own computer or USB stick; never send it to anyone or post it in a group chat."
        )
    );
    println!();
    println!(
        "{}",
        t(
            "把下面这行公钥交给业委会（写进账本，大家用它核对你的签名）：",
            "hand this verifier key to the committee (it goes into the ledger; everyone checks your signatures with it):"
        )
    );
    println!("  {}", key.verifier);
    println!(
        "{} {}",
        t("公钥（十六进制）：", "public key (hex):"),
        key.public_hex
    );
}
