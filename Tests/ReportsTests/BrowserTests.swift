import Foundation
import Testing
@testable import Reports

/// Opens written pages in headless Chromium (Debian's `chromium`, installed by
/// scripts/install-deps) and checks the DOM after the page's script ran.
///
/// With `FUNAUDIO_REPORT_SCREENSHOTS=DIR` the pages and 1280×2000 screenshots are kept in DIR.
@Suite(.serialized) struct BrowserTests {
    let writer = try! ReportWriter()

    @Test func runPageLoadsWithCurvesImagesAudioAndNoScriptError() throws {
        let folder = try outputFolder("run")
        let page = writer.renderRun(SampleRuns.run())
        try writer.write(page, to: folder)
        let dom = try Chromium.dumpDOM(folder.appendingPathComponent("index.html"))
        try expectHealthy(dom)
        #expect(count("<svg", in: dom) >= 2)          // the chart and its legend swatches
        #expect(count("<path class=\"line", in: dom) == 4)   // train + val, linear and log
        #expect(count("<img", in: dom) == 5)
        #expect(count("<audio", in: dom) == 4)
        try screenshot(folder)
    }

    @Test func comparisonPageLoadsWithCurvesImagesAudioAndNoScriptError() throws {
        let folder = try outputFolder("compare")
        let runs = [SampleRuns.run(id: 1, lossScale: 1.0, steps: 5000),
                    SampleRuns.run(id: 2, experiment: "fusion-concat", fusion: "concat", lossScale: 0.8, steps: 5000),
                    SampleRuns.run(id: 3, experiment: "fusion-gated", fusion: "gated", lossScale: 1.3, steps: 5000)]
        try writer.write(writer.renderComparison(runs, title: "Fusion ablation"), to: folder)
        let dom = try Chromium.dumpDOM(folder.appendingPathComponent("index.html"))
        try expectHealthy(dom)
        #expect(count("<path class=\"line", in: dom) == 12)
        // 2 sentences × (ground truth once + 3 runs' predictions), a spectrogram and a clip each.
        #expect(count("<img", in: dom) == 8)
        #expect(count("<audio", in: dom) == 8)
        #expect(dom.contains("class=\"num best\""))
        try screenshot(folder)
    }

    @Test func partialRunAndIndexLoadWithoutScriptError() throws {
        let folder = try outputFolder("partial")
        var run = SampleRuns.run(id: 7, status: "running")
        run.artifacts[1].bytes = nil                        // a spectrogram whose blob is gone
        run.metrics.append(MetricSeries.sample("grad_norm", steps: [0, 1, 2], values: [1, .infinity, -1], cellIndex: 2))
        try writer.write(writer.renderRun(run), to: folder)
        try writer.write(writer.renderIndex([IndexEntry(run: run, href: "partial/index.html"),
                                             IndexEntry(run: SampleRuns.run(id: 3), href: nil)]),
                         to: folder.deletingLastPathComponent())
        let dom = try Chromium.dumpDOM(folder.appendingPathComponent("index.html"))
        try expectHealthy(dom)
        #expect(dom.contains("This run is still running"))
        #expect(dom.contains("synth/00/predicted.png: bytes missing"))
        let index = try Chromium.dumpDOM(folder.deletingLastPathComponent().appendingPathComponent("index.html"))
        try expectHealthy(index)
        #expect(index.contains("href=\"partial/index.html\""))
        try screenshot(folder)
    }

    private func expectHealthy(_ dom: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let root = try #require(dom.firstMatch(of: /<html[^>]*>/), sourceLocation: sourceLocation).0
        #expect(root.contains("data-js-ready=\"1\""), "the page script did not finish: \(root)",
                sourceLocation: sourceLocation)
        #expect(!root.contains("data-js-errors"), "JavaScript error: \(root)", sourceLocation: sourceLocation)
        #expect(!root.contains("data-broken-media"), "a media file did not load: \(root)",
                sourceLocation: sourceLocation)
    }

    private func count(_ needle: String, in text: String) -> Int {
        text.components(separatedBy: needle).count - 1
    }

    private func outputFolder(_ name: String) throws -> URL {
        if let dir = ProcessInfo.processInfo.environment["FUNAUDIO_REPORT_SCREENSHOTS"] {
            return URL(fileURLWithPath: dir).appendingPathComponent(name)
        }
        return temporaryFolder(name)
    }

    private func screenshot(_ folder: URL) throws {
        guard let dir = ProcessInfo.processInfo.environment["FUNAUDIO_REPORT_SCREENSHOTS"] else {
            try? FileManager.default.removeItem(at: folder)
            return
        }
        let png = URL(fileURLWithPath: dir).appendingPathComponent(folder.lastPathComponent + ".png")
        try Chromium.screenshot(folder.appendingPathComponent("index.html"), to: png)
    }
}

/// Runs `chromium --headless` on a local page.
enum Chromium {
    static func executable() throws -> String {
        let candidates = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        guard let path = candidates.first(where: FileManager.default.isExecutableFile(atPath:)) else {
            throw BrowserError("chromium is not installed; run scripts/install-deps")
        }
        return path
    }

    static let common = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                         "--disable-dev-shm-usage", "--hide-scrollbars", "--mute-audio",
                         "--virtual-time-budget=3000"]

    static func dumpDOM(_ page: URL) throws -> String {
        try run(common + ["--dump-dom", page.absoluteString])
    }

    static func screenshot(_ page: URL, to png: URL) throws {
        _ = try run(common + ["--window-size=1280,2000", "--screenshot=\(png.path)", page.absoluteString])
    }

    private static func run(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try executable())
        process.arguments = arguments
        let profile = temporaryFolder("chromium-profile")
        defer { try? FileManager.default.removeItem(at: profile) }
        process.arguments! += ["--user-data-dir=\(profile.path)"]
        // Chromium's chatter goes to a file so neither pipe can fill up and stall it.
        let errorFile = profile.appendingPathComponent("stderr.txt")
        _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
        let output = Pipe()
        process.standardOutput = output
        process.standardError = try FileHandle(forWritingTo: errorFile)
        try process.run()
        // A hung browser must fail the test, not stall the suite.
        let watchdog = DispatchWorkItem { if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + 120, execute: watchdog)
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        watchdog.cancel()
        let errorText = (try? String(contentsOf: errorFile, encoding: .utf8)) ?? ""
        guard process.terminationStatus == 0 else {
            throw BrowserError("chromium exited with \(process.terminationStatus): \(errorText.suffix(2000))")
        }
        return String(decoding: data, as: UTF8.self)
    }
}

struct BrowserError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
