import Foundation
import Testing
@testable import Audio

/// The filterbank configurations librosa wrote (fixtures.json), rebuilt here.
struct FilterbankCase: Decodable, CustomTestStringConvertible, Sendable {
    let file: String
    let sample_rate: Int, n_fft: Int, n_mels: Int
    let fmin: Double, fmax: Double?
    let htk: Bool, norm: String?
    var testDescription: String { file }
}

struct FixtureInfo: Decodable {
    let mel_filterbanks: [FilterbankCase]
    struct GriffinLim: Decodable { let random_init_sc: [Double]; let zero_init_sc: Double }
    let griffinlim: GriffinLim
    struct InverseMel: Decodable { let relative_residual: Double }
    let inverse_mel: InverseMel

    static func load() throws -> FixtureInfo {
        try JSONDecoder().decode(FixtureInfo.self, from: Data(contentsOf: fixture("fixtures.json")))
    }
}

@Test func melFilterbanksMatchLibrosa() throws {
    for c in try FixtureInfo.load().mel_filterbanks {
        let expected = try readNumPy(try fixture(c.file))
        let bank = try MelFilterbank(sampleRate: c.sample_rate, nFFT: c.n_fft, nMels: c.n_mels,
                                     fmin: c.fmin, fmax: c.fmax, scale: c.htk ? .htk : .slaney,
                                     norm: c.norm == "slaney" ? .slaney : .none)
        #expect(expected.shape == [c.n_mels, c.n_fft / 2 + 1])
        let error = relativeError(bank.weights, expected.values)
        #expect(error < 1e-4, "\(c.file): relative error \(error)")
    }
}

@Test func melScalesRoundTrip() {
    for scale in MelScale.allCases {
        for hz in [0.0, 440, 999, 1000, 1001, 8000, 11025] {
            #expect(abs(scale.hz(fromMel: scale.mel(fromHz: hz)) - hz) < 1e-6 * max(1, hz))
        }
    }
    #expect(abs(MelScale.slaney.mel(fromHz: 1000) - 15) < 1e-12)
    #expect(abs(MelScale.htk.mel(fromHz: 700) - 2595 * log10(2)) < 1e-9)
}

@Test func melFilterbankRejectsBadParameters() {
    #expect(throws: AudioError.invalidParameter("n_mels", 0, "must be at least 1")) {
        try MelFilterbank(sampleRate: 22050, nFFT: 1024, nMels: 0)
    }
    #expect {
        try MelFilterbank(sampleRate: 22050, nFFT: 1024, nMels: 80, fmax: 12000)
    } throws: { ($0 as? AudioError)?.message.contains("fmax=12000.0") == true }
    #expect(throws: AudioError.self) { try MelFilterbank(sampleRate: 22050, nFFT: 1, nMels: 80) }
    #expect(throws: AudioError.self) { try MelFilterbank(sampleRate: 22050, nFFT: 1024, fmin: 5000, fmax: 4000) }
}
