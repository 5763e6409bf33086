//! Pool and cache sizes taken from the machine, each with a setting that overrides it.

/// The value of the environment setting `var` when it is a positive integer, else
/// `default` of the machine's cores.
pub(crate) fn sized(var: &str, default: impl FnOnce(usize) -> usize) -> usize {
    pick(std::env::var(var).ok().as_deref(), cores(), default)
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(2, usize::from)
}

fn pick(setting: Option<&str>, cores: usize, default: impl FnOnce(usize) -> usize) -> usize {
    match setting
        .map(str::trim)
        .and_then(|it| it.parse::<usize>().ok())
    {
        Some(value) if value > 0 => value,
        Some(_) | None => {
            if let Some(text) = setting {
                tracing::warn!(
                    setting = text,
                    "not a positive integer; the machine's default is used"
                );
            }
            default(cores)
        }
    }
}

/// SQLite read connections: one per core, at least 4 (reads wait on the disk as well as
/// the CPU). `CXHUB_SQLITE_READERS` overrides it.
pub(crate) fn sqlite_readers() -> usize {
    sized("CXHUB_SQLITE_READERS", |cores| cores.max(4))
}

/// Page cache of each SQLite read connection, in KiB: 64 MiB shared by the readers, at
/// most 8 MiB and at least 2 MiB each (the OS page cache holds the file anyway).
pub(crate) fn sqlite_reader_cache_kib(readers: usize) -> i64 {
    let each = (64 * 1024 / readers.max(1)).clamp(2 * 1024, 8 * 1024);
    i64::try_from(each).unwrap_or(8 * 1024)
}

/// PostgreSQL connections per server: four per core, at least 8, as a server's requests
/// wait on the database far more than on its CPU. `CXHUB_PG_POOL` overrides it.
pub(crate) fn postgres_pool() -> usize {
    sized("CXHUB_PG_POOL", |cores| (cores * 4).max(8))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_setting_overrides_the_machine_and_a_bad_one_is_ignored() {
        let readers = |cores: usize| cores.max(4);
        assert_eq!(pick(None, 2, readers), 4);
        assert_eq!(pick(None, 16, readers), 16);
        assert_eq!(pick(Some("12"), 2, readers), 12);
        assert_eq!(pick(Some(" 3 "), 16, readers), 3);
        for bad in ["0", "-1", "many", ""] {
            assert_eq!(pick(Some(bad), 16, readers), 16, "{bad}");
        }
    }

    #[test]
    fn readers_share_one_cache_budget() {
        assert_eq!(sqlite_reader_cache_kib(4), 8 * 1024);
        assert_eq!(sqlite_reader_cache_kib(16), 4 * 1024);
        assert_eq!(sqlite_reader_cache_kib(64), 2 * 1024);
        assert_eq!(sqlite_reader_cache_kib(0), 8 * 1024);
    }
}
