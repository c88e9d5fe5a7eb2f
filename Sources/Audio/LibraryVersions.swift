import CPNG
import CSampleRate
import CSndFile

/// The versions of the C libraries Audio links, recorded with every run (`library_versions`
/// in runs.db): decoding, resampling and PNG output depend on them.
public enum AudioLibraries {
    /// `libsndfile` (`sf_version_string`), `libsamplerate` (`src_get_version`), `libpng`
    /// (`png_get_libpng_ver`).
    public static var versions: [String: String] {
        ["libsndfile": String(cString: sf_version_string()),
         "libsamplerate": String(cString: src_get_version()),
         "libpng": String(cString: png_get_libpng_ver(nil))]
    }
}
