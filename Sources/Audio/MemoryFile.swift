import CSndFile
import Foundation

/// A growable byte buffer that libsndfile reads and writes as a file through its virtual I/O
/// (`sf_open_virtual`), so audio can be encoded without a file on disk. Every access is
/// checked against the buffer's bounds: a seek before the start fails, a read past the end
/// returns what there is, a write past the end grows the buffer (zero-filling any gap).
final class MemoryFile {
    private(set) var bytes: [UInt8] = []
    private var position = 0

    /// Opens the buffer with libsndfile. The returned handle refers to `self` without owning
    /// it: keep `self` alive until `sf_close`.
    func open(mode: Int32, _ info: inout SF_INFO) -> OpaquePointer? {
        // The callbacks are C function pointers and capture nothing: `self` travels as user data.
        var io = SF_VIRTUAL_IO(
            get_filelen: { MemoryFile.of($0).length },
            seek: { offset, whence, file in MemoryFile.of(file).seek(offset, whence) },
            read: { destination, count, file in MemoryFile.of(file).read(into: destination, count) },
            write: { source, count, file in MemoryFile.of(file).write(source, count) },
            tell: { sf_count_t(MemoryFile.of($0).position) })
        return sf_open_virtual(&io, mode, &info, Unmanaged.passUnretained(self).toOpaque())
    }

    private static func of(_ userData: UnsafeMutableRawPointer?) -> MemoryFile {
        Unmanaged<MemoryFile>.fromOpaque(userData!).takeUnretainedValue()
    }

    private var length: sf_count_t { sf_count_t(bytes.count) }

    private func seek(_ offset: sf_count_t, _ whence: Int32) -> sf_count_t {
        let base: Int
        switch whence {
        case SEEK_SET: base = 0
        case SEEK_CUR: base = position
        case SEEK_END: base = bytes.count
        default: return -1
        }
        let (target, overflow) = base.addingReportingOverflow(Int(offset))
        guard !overflow, target >= 0 else { return -1 }
        position = target
        return sf_count_t(target)
    }

    private func read(into destination: UnsafeMutableRawPointer?, _ count: sf_count_t) -> sf_count_t {
        guard let destination, count > 0, position < bytes.count else { return 0 }
        let n = min(Int(count), bytes.count - position)
        bytes[position..<(position + n)].withUnsafeBytes {
            UnsafeMutableRawBufferPointer(start: destination, count: n).copyMemory(from: $0)
        }
        position += n
        return sf_count_t(n)
    }

    private func write(_ source: UnsafeRawPointer?, _ count: sf_count_t) -> sf_count_t {
        guard let source, count > 0, Int(count) <= Int.max - position else { return 0 }
        let n = Int(count)
        if position > bytes.count { bytes.append(contentsOf: repeatElement(0, count: position - bytes.count)) }
        bytes.replaceSubrange(position..<min(position + n, bytes.count),
                              with: UnsafeRawBufferPointer(start: source, count: n))
        position += n
        return sf_count_t(n)
    }
}
