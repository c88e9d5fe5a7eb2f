import Audio
import Foundation
import Models
import Reports
import Tracking

/// Stores one synthesised sentence as a group of artifacts the report lays out together:
/// `predicted.wav`, `predicted.png` (over the ground truth when there is one), `target.wav`,
/// `attention.png` and `text.txt` under `group/`, all encoded in memory.
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
        try put("predicted.png", "image", "image/png", image.pngData())
        if let audio = groundTruthAudio {
            try put("target.wav", "audio", "audio/wav", wav(audio, rate: rate))
        }
        if let attention {
            let picture = try AttentionPlot().image(weights: attention.values, tokens: attention.tokens,
                                                    frames: attention.frames)
            try put("attention.png", "image", "image/png", picture.pngData())
        }
        try put("text.txt", "text", "text/plain", Data(text.utf8))
    }

    private func put(_ name: String, _ kind: String, _ mediaType: String, _ data: Data) throws {
        try run.putArtifact(name: "\(group)/\(name)", kind: kind, mediaType: mediaType, data: data, cell: cell)
    }

    private func wav(_ samples: [Float], rate: Int) throws -> Data {
        try AudioFile.encode(Waveform(samples: samples, sampleRate: rate), format: .wav16)
    }
}
