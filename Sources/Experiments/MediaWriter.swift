import Audio
import Foundation
import Models
import Tracking

/// Stores one synthesised sentence as a group of artifacts the report lays out together:
/// `predicted.wav`, `predicted.png` (over the ground truth when there is one), `target.wav`,
/// `attention.png` and `text.txt` under `group/`.
struct MediaWriter {
    let run: Run
    let cell: Int
    let group: String

    func write(samples: [Float], rate: Int, mel: LogMel, attention: AttentionMap?, text: String,
               groundTruth: LogMel?, groundTruthAudio: [Float]?) throws {
        try put("predicted.wav", "audio", "audio/wav", wav(samples, rate: rate))
        let plot = SpectrogramPlot(axes: .init(secondsPerFrame: 0, rowFrequencies: []))
        let image = try groundTruth.map { try plot.image(prediction: mel.spectrogram, groundTruth: $0.spectrogram) }
            ?? plot.image(mel.spectrogram)
        try put("predicted.png", "image", "image/png", png(image))
        if let audio = groundTruthAudio {
            try put("target.wav", "audio", "audio/wav", wav(audio, rate: rate))
        }
        if let attention {
            let map = Spectrogram(rows: attention.frames, frames: attention.tokens, values: attention.values)
            try put("attention.png", "image", "image/png", png(SpectrogramPlot(colormap: .viridis, topDB: 0).image(map)))
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
