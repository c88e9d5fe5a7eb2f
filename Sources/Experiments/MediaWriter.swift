import Audio
import Foundation
import Models
import Reports
import Tracking

/// Stores one synthesised sentence as a group of artifacts the report lays out together:
/// `predicted.wav`, `predicted.png` (over the ground truth when there is one), `target.wav`,
/// `attention.png` and `text.txt` under `group/`.
struct MediaWriter {
    let run: Run
    let cell: Int
    let group: String

    func write(samples: [Float], features: MelFormat, mel: LogMel, attention: AttentionMap?, text: String,
               groundTruth: LogMel?, groundTruthAudio: [Float]?) throws {
        let rate = features.sampleRate
        try put("predicted.wav", "audio", "audio/wav", wav(samples, rate: rate))
        let plot = try SpectrogramPlot(axes: .init(of: features.melSpectrogram()))
        let predicted = features.powerSpectrogram(mel)
        let image = try groundTruth.map { try plot.image(prediction: predicted, groundTruth: features.powerSpectrogram($0)) }
            ?? plot.image(predicted)
        try put("predicted.png", "image", "image/png", png(image))
        if let audio = groundTruthAudio {
            try put("target.wav", "audio", "audio/wav", wav(audio, rate: rate))
        }
        if let attention {
            // Reference frames up, phonemes across; weights shown in dB over a 40 dB range.
            var map = Spectrogram(rows: attention.frames, frames: attention.tokens)
            for t in 0..<attention.tokens {
                for r in 0..<attention.frames { map[r, t] = attention.values[t * attention.frames + r] }
            }
            let picture = SpectrogramPlot(colormap: .viridis, topDB: 40, pixelsPerFrame: 6, pixelsPerRow: 2)
            try put("attention.png", "image", "image/png", png(picture.image(map)))
        }
        try put("text.txt", "text", "text/plain", Data(text.utf8))
    }

    private func put(_ name: String, _ kind: String, _ mediaType: String, _ data: Data) throws {
        try run.putArtifact(name: "\(group)/\(name)", kind: kind, mediaType: mediaType, data: data, cell: cell)
    }

    /// libsndfile and libpng write files, so the bytes pass through a temporary one.
    private func viaTemporaryFile(_ suffix: String, _ write: (URL) throws -> Void) throws -> Data {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("funaudio-\(UUID().uuidString).\(suffix)")
        defer { try? FileManager.default.removeItem(at: url) }
        try write(url)
        return try Data(contentsOf: url)
    }

    private func wav(_ samples: [Float], rate: Int) throws -> Data {
        try viaTemporaryFile("wav") { try AudioFile.write(Waveform(samples: samples, sampleRate: rate), to: $0) }
    }

    private func png(_ image: RGBImage) throws -> Data {
        try viaTemporaryFile("png") { try image.writePNG(to: $0.path) }
    }
}
