import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Large artifact bytes as files named by SHA-256 in `<runs.db>-blobs/`.
enum BlobFiles {
    /// Writes `data` as `directory/sha256` unless a file of the right size is already there.
    /// Temporary file, fsync, rename: the hash name only ever points at complete bytes.
    static func write(_ data: Data, to directory: URL, sha256: String, operation: String) throws {
        let target = directory.appendingPathComponent(sha256).path
        if let attributes = try? FileManager.default.attributesOfItem(atPath: target),
           (attributes[.size] as? NSNumber)?.intValue == data.count {
            return
        }
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw TrackingError.cannotOpen(path: directory.path, reason: "cannot create blob directory: \(error)")
        }
        let temporary = directory.appendingPathComponent(".\(sha256).\(getpid()).\(UUID().uuidString).tmp").path
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard fd >= 0 else { throw failure(errno, directory.path, operation) }
        var ok = false
        defer {
            if !ok { unlink(temporary) }
        }
        let writeErrno: Int32? = data.withUnsafeBytes { raw -> Int32? in
            var offset = 0
            while offset < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += n
            }
            return fsync(fd) == 0 ? nil : errno
        }
        let closeErrno: Int32? = close(fd) == 0 ? nil : errno
        if let code = writeErrno ?? closeErrno { throw failure(code, directory.path, operation) }
        guard rename(temporary, target) == 0 else { throw failure(errno, target, operation) }
        ok = true
    }

    /// Reads `directory/sha256`, checking its size and hash.
    static func read(sha256: String, size: Int, from directory: URL) throws -> Data {
        let path = directory.appendingPathComponent(sha256).path
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TrackingError.blobDamaged(sha256: sha256, path: path, reason: "\(path) is missing or unreadable")
        }
        return try checked(data, sha256: sha256, size: size, location: path)
    }

    /// `data` if it has `size` bytes and hashes to `sha256`, else ``TrackingError/blobDamaged(sha256:path:reason:)``
    /// saying where the bytes were read (`location`) and what is wrong.
    static func checked(_ data: Data, sha256: String, size: Int, location: String) throws -> Data {
        guard data.count == size else {
            throw TrackingError.blobDamaged(sha256: sha256, path: location,
                                            reason: "\(data.count) bytes instead of \(size) in \(location)")
        }
        let actual = SHA256.hex(data)
        guard actual == sha256 else {
            throw TrackingError.blobDamaged(sha256: sha256, path: location,
                                            reason: "bytes in \(location) hash to \(actual.prefix(12))…, "
                                                + "not \(sha256.prefix(12))…")
        }
        return data
    }

    private static func failure(_ code: Int32, _ path: String, _ operation: String) -> TrackingError {
        let reason = String(cString: strerror(code))
        switch code {
        case ENOSPC, EFBIG, EDQUOT: return .diskFull(path: path, operation: operation, reason: reason)
        default: return .cannotOpen(path: path, reason: reason)
        }
    }
}
