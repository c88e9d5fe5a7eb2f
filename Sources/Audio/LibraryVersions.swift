import CSampleRate
import CSndFile

/// The versions of the C libraries Audio links, recorded with every run (`library_versions`
/// in runs.db): decoding and resampling depend on them.
public enum AudioLibraries {
    /// `libsndfile` (`sf_version_string`) and `libsamplerate` (`src_get_version`).
    public static var versions: [String: String] {
        ["libsndfile": String(cString: sf_version_string()),
         "libsamplerate": String(cString: src_get_version())]
    }
}
