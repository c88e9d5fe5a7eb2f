import Foundation
import Testing
@testable import Benchmarks

/// The vocoder bench's JSON carries the keys scripts read, with consistent figures (no peer:
/// PyTorch is not needed here; its keys are then absent).
@Suite struct VocoderBenchTests {
    @Test func theReportHasItsKeysAndRealTimeFactors() throws {
        var settings = VocoderBenchmark.Settings()
        (settings.dim, settings.intermediate, settings.layers) = (16, 32, 1)
        (settings.seconds, settings.repeats, settings.rounds) = (0.5, 1, 1)
        settings.wavenet = .init(layers: 2, stacks: 1, residualChannels: 4, gateChannels: 4, skipChannels: 4)
        let report = try VocoderBenchmark.run(settings, withPeer: false)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(report.json.utf8)) as? [String: Any])
        for key in ["vocos_ms", "vocos_rtf", "griffinlim_ms", "griffinlim_rtf", "wavenet_ms", "wavenet_rtf"] {
            #expect((object[key] as? Double).map { $0 > 0 } == true, "\(key): \(report.json)")
        }
        #expect(object["torch_vocos_ms"] == nil)
        #expect(abs(report.vocos_rtf - report.vocos_ms / 1000 / report.audio_seconds) < 1e-12)
        #expect(abs(report.wavenet_rtf - report.wavenet_ms / 1000 / report.audio_seconds) < 1e-12)
        #expect(report.wavenet_parameters > 0)
        #expect(report.text.contains("× real time"))
    }
}
