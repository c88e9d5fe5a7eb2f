import ArgumentParser
import Audio
import Data
import Foundation
import Models
import Reports

/// `funaudio audio ...`: look at audio files, turn them into mel features and back.
struct AudioCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audio",
        abstract: "Inspect audio files, compute mel spectrograms, rebuild audio with Griffin-Lim.",
        subcommands: [AudioInfo.self, AudioMel.self, AudioGriffinLim.self, AudioVocode.self]
    )
}

/// STFT options shared by the audio commands (librosa's names; the training features' values).
struct STFTOptions: ParsableArguments {
    @Option(name: .customLong("n-fft"), help: "FFT size in samples.")
    var nFFT = MelSettings().nFFT
    @Option(help: "Hop between frames in samples.")
    var hop = MelSettings().hopLength
    @Option(name: .customLong("sample-rate"),
            help: "Resample the file to this rate first (Hz; mel: default \(MelSettings.sampleRate), the training rate; griffin-lim: default the file's own).")
    var sampleRate: Int?

    func stft() throws -> STFT { try STFT(nFFT: nFFT, hopLength: hop) }

    /// The file as mono, resampled if asked.
    func load(_ path: String) throws -> Waveform {
        let waveform = try AudioFile.read(URL(fileURLWithPath: path))
        return try sampleRate.map { try waveform.resampled(to: $0) } ?? waveform
    }
}

struct AudioInfo: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "info",
                                                    abstract: "Print an audio file's format, rate, channels and length.")
    @Argument(help: "An audio file (WAV, FLAC, OGG, ...).") var file: String

    func run() throws {
        let url = URL(fileURLWithPath: file)
        let info = try AudioFile.info(url)
        let waveform = try AudioFile.read(url)
        let peak = waveform.samples.map(abs).max() ?? 0
        let rms = (waveform.samples.reduce(0) { $0 + Double($1 * $1) } / Double(waveform.samples.count)).squareRoot()
        print("""
            file:        \(file)
            format:      \(info.container), \(info.encoding)
            sample rate: \(info.sampleRate) Hz
            channels:    \(info.channels)
            samples:     \(info.frames)
            duration:    \(String(format: "%.3f", info.duration)) s
            peak:        \(String(format: "%.4f", peak)) (\(String(format: "%.1f", 20 * log10(max(Double(peak), 1e-10)))) dBFS)
            rms:         \(String(format: "%.4f", rms)) (\(String(format: "%.1f", 20 * log10(max(rms, 1e-10)))) dBFS)
            """)
    }
}

struct AudioMel: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mel",
        abstract: "Write a file's mel spectrogram as a frames × mels float32 .npy (and a PNG).",
        discussion: """
            The defaults are the features a run trains on (data.* of an experiment): the file \
            resampled to \(MelSettings.sampleRate) Hz, n_fft \(MelSettings().nFFT), hop \(MelSettings().hopLength), \
            \(MelSettings().nMels) Slaney mels up to \(Int(MelSettings().fmax)) Hz of the STFT magnitude \
            (power \(Int(MelSettings().power))), stored as ln(max(mel, \(MelSettings().logFloor))). \
            librosa.feature.melspectrogram's defaults differ (power 2, fmax sample_rate/2, \
            no log): pass --power 2 --fmax ... --no-log for those.
            """)
    @Argument(help: "An audio file.") var file: String
    @Option(help: "Output .npy file (frames × n_mels, float32).") var out: String
    @Option(help: "Also draw the mel spectrogram (dB, magma, with axes) to this PNG.") var png: String?
    @OptionGroup var stftOptions: STFTOptions
    @Option(name: .customLong("n-mels"), help: "Mel bands.") var nMels = MelSettings().nMels
    @Option(help: "Lowest filter edge (Hz).") var fmin = MelSettings().fmin
    @Option(help: "Highest filter edge (Hz; default \(Int(MelSettings().fmax)), or sample_rate/2 if lower).")
    var fmax: Double?
    @Option(help: "Exponent of the STFT magnitude: 1 magnitude, 2 power.") var power = MelSettings().power
    @Option(help: "Mel scale: slaney or htk.") var scale = "slaney"
    @Flag(inversion: .prefixedNo, help: "Store ln(max(mel, 1e-5)) (the training features) rather than the linear mel.")
    var log = true

    func run() throws {
        guard let melScale = MelScale(rawValue: scale) else {
            throw ValidationError("--scale must be slaney or htk, got \(scale)")
        }
        let rate = stftOptions.sampleRate ?? MelSettings.sampleRate
        var settings = MelSettings()
        (settings.nFFT, settings.winLength, settings.hopLength) = (stftOptions.nFFT, stftOptions.nFFT, stftOptions.hop)
        (settings.nMels, settings.fmin, settings.power) = (nMels, fmin, power)
        settings.fmax = fmax ?? min(settings.fmax, Double(rate) / 2)
        let mel = try settings.melSpectrogram(sampleRate: rate, scale: melScale)
        let waveform = try AudioFile.read(URL(fileURLWithPath: file)).resampled(to: rate)
        let spectrogram = try mel(waveform.samples)
        try NumPyFile.write(log ? spectrogram.logClamped(floor: settings.logFloor) : spectrogram, to: URL(fileURLWithPath: out))
        print("\(out): \(spectrogram.frames) frames × \(nMels) mels\(log ? " (log)" : "")")
        if let png {
            // The picture is in dB of power whatever `power` is.
            let powerMel = power == 2 ? spectrogram : Spectrogram(
                rows: spectrogram.rows, frames: spectrogram.frames,
                values: spectrogram.values.map { Foundation.pow($0, 2 / power) })
            try SpectrogramPlot(axes: .init(of: mel)).image(powerMel).writePNG(to: png)
            print("\(png): spectrogram image")
        }
    }
}

struct AudioGriffinLim: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "griffin-lim",
        abstract: "Rebuild a file from its STFT magnitude alone (fast Griffin-Lim) and report the fit.")
    @Argument(help: "An audio file.") var file: String
    @Option(help: "Output audio file: .wav (16-bit), .flac, .ogg (Vorbis) or .mp3, as this libsndfile can write.")
    var out: String
    @OptionGroup var stftOptions: STFTOptions
    @Option(help: "Griffin-Lim iterations.") var iterations = 32
    @Option(help: "Momentum (0: classic Griffin-Lim).") var momentum: Float = 0.99
    @Option(help: "Seed of the random initial phase.") var seed: UInt64 = 0
    @Flag(help: "Start from zero phase instead of random phase.") var zeroPhase = false

    func run() throws {
        let format = try AudioFileFormat.forExtension(of: URL(fileURLWithPath: out))
        let waveform = try stftOptions.load(file)
        let stft = try stftOptions.stft()
        let magnitude = try stft(waveform.samples).magnitude()
        let griffinLim = try GriffinLim(stft: stft, iterations: iterations, momentum: momentum,
                                        initialization: zeroPhase ? .zero : .random(seed: seed))
        let rebuilt = try griffinLim(magnitude, length: waveform.samples.count)
        try AudioFile.write(Waveform(samples: rebuilt, sampleRate: waveform.sampleRate), to: URL(fileURLWithPath: out),
                            format: format)
        let convergence = try SpectralMetrics.spectralConvergence(try stft(rebuilt).magnitude(), magnitude)
        print("\(out): \(rebuilt.count) samples at \(waveform.sampleRate) Hz, spectral convergence \(String(format: "%.4f", convergence)) after \(iterations) iterations")
    }
}

struct AudioVocode: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vocode",
        abstract: "Copy synthesis: a recording's log-mel (or a .npy log-mel) back to audio with a trained vocoder or Griffin-Lim.",
        discussion: """
            With --vocoder the checkpoint's mel features are used (its sample rate, n_fft, hop, \
            mels); without it Griffin-Lim inverts the training features of `funaudio audio mel` \
            (--n-fft, --hop, --sample-rate). A .npy input is frames × n_mels of ln(mel), as \
            `funaudio audio mel` writes it. For a recording, the MCD of the result against it is printed.
            """)
    @Argument(help: "An audio file, or a .npy log-mel (frames × n_mels).") var file: String
    @Option(help: "Output audio file: .wav (16-bit), .flac, .ogg or .mp3.") var out: String
    @Option(help: "A trained vocoder checkpoint (vocoder-<step>.safetensors); default: Griffin-Lim.") var vocoder: String?
    @OptionGroup var stftOptions: STFTOptions
    @Option(help: "Griffin-Lim iterations.") var iterations = 32
    @Option(help: "Griffin-Lim momentum.") var momentum = 0.99

    func run() throws {
        let outURL = URL(fileURLWithPath: out)
        let format = try AudioFileFormat.forExtension(of: outURL)
        var settings = MelSettings()
        (settings.nFFT, settings.winLength, settings.hopLength) = (stftOptions.nFFT, stftOptions.nFFT, stftOptions.hop)
        let rate = stftOptions.sampleRate ?? MelSettings.sampleRate
        settings.fmax = min(settings.fmax, Double(rate) / 2)
        let checkpoint = try vocoder.map { try VocoderCheckpoint(contentsOf: URL(fileURLWithPath: ($0 as NSString).expandingTildeInPath)) }
        let copy = try CopySynthesis(checkpoint: checkpoint, features: MelFormat(sampleRate: rate, settings: settings),
                                     griffinLim: VocoderConfig(iterations: iterations, momentum: momentum))
        let features = copy.features
        let samples: [Float]
        var note = ""
        if file.lowercased().hasSuffix(".npy") {
            let (shape, values) = try NumPyFile.read(URL(fileURLWithPath: file))
            guard shape.count == 2 else { throw ValidationError("\(file): expected a frames × n_mels array, got shape \(shape)") }
            samples = try copy(mel: LogMel(frames: shape[0], bands: shape[1], values: values))
        } else {
            let recording = try AudioFile.read(URL(fileURLWithPath: file)).resampled(to: features.sampleRate).samples
            samples = try copy(samples: recording)
            let scores = try VocoderScorer(features: features).score(samples, against: recording)
            note = String(format: ", MCD %.2f dB, V/UV F1 %.3f against the input", scores.mcd, scores.vuvF1)
        }
        try AudioFile.write(Waveform(samples: samples, sampleRate: features.sampleRate), to: outURL, format: format)
        print("\(out): \(samples.count) samples at \(features.sampleRate) Hz by \(copy.vocoder.name)\(note)")
    }
}
