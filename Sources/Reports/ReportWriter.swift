import Audio
import Foundation
import Mustache

/// A page ready to be written: its HTML and the media files it links to (paths relative to
/// the page's folder).
public struct RenderedPage: Sendable {
    public let html: String
    public let files: [(path: String, bytes: Data)]

    /// Bytes of the page without media: the HTML plus the CSS and script written beside it.
    public var pageBytes: Int { html.utf8.count + Templates.assetBytes }
}

/// Renders run, comparison and index pages from the templates in the target's resources
/// and writes them as self-contained folders: `index.html`, `report.css`, `report.js` and
/// `media/`, all linked relatively, so a folder opens from file:// and can be zipped.
public struct ReportWriter: Sendable {
    let library: MustacheLibrary

    public init() throws {
        library = try Templates.library()
    }

    // MARK: Rendering

    public func renderRun(_ run: RunData, generated: Date = Date()) -> RenderedPage {
        var media = MediaFolder()
        let context = RunPageContext(run: run, media: &media, generated: generated)
        return RenderedPage(html: render(context, "run"), files: media.files)
    }

    /// `runHref` gives the link from the comparison page to each run's own page.
    public func renderComparison(_ runs: [RunData], title: String, generated: Date = Date(),
                                 runHref: (Int64) -> String = { "../\($0)/index.html" }) -> RenderedPage {
        var media = MediaFolder()
        let context = ComparisonPageContext(title: title, runs: runs, media: &media,
                                            generated: generated, runHref: runHref)
        return RenderedPage(html: render(context, "compare"), files: media.files)
    }

    public func renderIndex(_ entries: [IndexEntry], generated: Date = Date()) -> RenderedPage {
        RenderedPage(html: render(IndexPageContext(entries: entries, generated: generated), "index"),
                     files: [])
    }

    private func render(_ context: Any, _ template: String) -> String {
        // Every template name used here ships in Templates/; `Templates.library()` checked.
        library.render(context, withTemplate: template) ?? ""
    }

    // MARK: Writing

    /// Writes `page` into `folder` (created if needed): `index.html`, the CSS and script, and
    /// its media under `media/` (the old `media/` is replaced). With `entry`, also
    /// `entry.json`, which the index page reads back.
    public func write(_ page: RenderedPage, to folder: URL, entry: IndexEntry? = nil) throws {
        let fm = FileManager.default
        let media = folder.appendingPathComponent("media", isDirectory: true)
        do {
            try fm.createDirectory(at: folder, withIntermediateDirectories: true)
            if fm.fileExists(atPath: media.path) { try fm.removeItem(at: media) }
            if !page.files.isEmpty { try fm.createDirectory(at: media, withIntermediateDirectories: true) }
        } catch {
            throw ReportError.cannotWrite(path: folder.path, reason: error.localizedDescription)
        }
        for (path, bytes) in page.files {
            try Self.write(bytes, to: folder.appendingPathComponent(path))
        }
        for (name, bytes) in Templates.assets {
            try Self.write(bytes, to: folder.appendingPathComponent(name))
        }
        if let entry {
            let encoder = JSONEncoder()
            encoder.dateEncodingStrategy = .secondsSince1970
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try Self.write(try encoder.encode(entry), to: folder.appendingPathComponent(Self.entryFile))
        }
        try Self.write(Data(page.html.utf8), to: folder.appendingPathComponent("index.html"))
    }

    /// Name of the file beside each page that describes it for the index.
    public static let entryFile = "entry.json"

    /// The entries of every page folder directly under `reports` (their `entry.json`), with
    /// `href` pointing at the folder's page.
    public static func pageEntries(in reports: URL) -> [IndexEntry] {
        let fm = FileManager.default
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        let folders = (try? fm.contentsOfDirectory(atPath: reports.path)) ?? []
        return folders.sorted().compactMap { name in
            let url = reports.appendingPathComponent(name).appendingPathComponent(entryFile)
            guard let data = try? Data(contentsOf: url),
                  var entry = try? decoder.decode(IndexEntry.self, from: data) else { return nil }
            entry.href = name + "/index.html"
            return entry
        }
    }

    /// Written beside the target and renamed over it (``StagedFile``), so a browser, or
    /// another run of a sweep rewriting the index at the same moment, never sees half a file.
    private static func write(_ bytes: Data, to url: URL) throws {
        do {
            try StagedFile.write(to: url) { try writeWithoutSync(bytes, to: $0) }
        } catch {
            throw ReportError.cannotWrite(path: url.path, reason: error.localizedDescription)
        }
    }

    /// `bytes` into a new file, without the fsync Foundation's `Data.write` makes on Linux: a
    /// page is made again from runs.db at will, and waiting for the disk on each of its
    /// hundreds of media files took seconds on a busy disk (`bench report`: 403 fsyncs). The
    /// staged rename still keeps a half-written file from ever appearing under its name.
    private static func writeWithoutSync(_ bytes: Data, to url: URL) throws {
        let fd = open(url.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ReportError.cannotWrite(path: url.path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        try bytes.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < raw.count, let base = raw.baseAddress {
                let written = Foundation.write(fd, base + offset, raw.count - offset)
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { throw ReportError.cannotWrite(path: url.path, reason: String(cString: strerror(errno))) }
                offset += written
            }
        }
    }
}

/// The Mustache templates and static assets in `Sources/Reports/Templates`.
enum Templates {
    /// The folder of the running executable, where SwiftPM puts resource bundles.
    static let executableFolder = ((try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
        .map { URL(fileURLWithPath: $0).deletingLastPathComponent().path }) ?? ""

    /// Foundation's `Bundle.main` and SwiftPM's `Bundle.module` stop the process when the
    /// user running funaudio may not read the folder it is installed in: that is checked
    /// first, so it is an error naming the folder, not a crash.
    static let directory: URL? = FileManager.default.isReadableFile(atPath: executableFolder)
        ? Bundle.module.url(forResource: "Templates", withExtension: nil) : nil

    static func library() throws -> MustacheLibrary {
        guard let directory else { throw ReportError.templatesMissing(path: executableFolder) }
        var library = MustacheLibrary()
        for name in ["run", "compare", "index", "chart", "media", "head"] {
            let url = directory.appendingPathComponent(name + ".mustache")
            guard let text = try? String(contentsOf: url, encoding: .utf8) else {
                throw ReportError.templatesMissing(path: url.path)
            }
            do {
                try library.register(text, named: name)
            } catch {
                throw ReportError.templateInvalid(name: name, reason: "\(error)")
            }
        }
        guard assets.count == 2 else { throw ReportError.templatesMissing(path: directory.path) }
        return library
    }

    /// The stylesheet and script every page folder gets.
    static let assets: [(String, Data)] = ["report.css", "report.js"].compactMap { name in
        directory.flatMap { try? Data(contentsOf: $0.appendingPathComponent(name)) }.map { (name, $0) }
    }

    static let assetBytes = assets.reduce(0) { $0 + $1.1.count }
}
