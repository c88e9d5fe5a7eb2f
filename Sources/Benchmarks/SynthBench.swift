import Foundation
import Models
import Tensor

/// `funaudio bench synth`: speaking many sentences in one voice, in one process, as
/// `funaudio synth --text-file` does (the voice encoded once, the sentences batched, then the
/// vocoder one by one), timed over rounds. The real-time factor is wall time over the
/// seconds of audio made; the CPU time is beside it, since on a shared machine the wall time
/// includes waiting for a core. No peer: nothing else speaks with FunAudio's models.
public enum SynthBench {
    /// Twenty everyday sentences of 7–10 words: the measure of synthesis speed.
    public static let sentences = [
        "The quick brown fox jumps over the lazy dog.", "Speech synthesis turns written words into sound.",
        "She could not talk coherently after the accident.", "A small boat drifted slowly across the quiet lake.",
        "Every morning the baker opened his shop at six.", "The committee will meet again next Thursday afternoon.",
        "Rain fell steadily on the old tin roof all night.", "He forgot his umbrella on the crowded train.",
        "Bright colours make the garden look cheerful in spring.", "The museum closes early on public holidays.",
        "Please remember to turn off the lights when you leave.", "Our neighbours adopted a friendly grey cat.",
        "The recipe calls for two cups of flour and an egg.", "Mountains rose sharply above the narrow valley.",
        "The children built a castle out of wet sand.", "A gentle breeze carried the smell of fresh bread.",
        "The train to the city leaves every twenty minutes.", "She wrote a long letter to her oldest friend.",
        "The engineer checked every bolt before the test.", "Music filled the hall as the concert began.",
    ]

    public struct Report: BenchmarkReport {
        public var sentences: Int
        public var threads: Int
        public var vocoder: String
        public var audioSeconds: Double
        /// Median over the rounds: wall seconds, process CPU seconds, and wall over audio seconds.
        public var seconds: Double, cpuSeconds: Double, realTimeFactor: Double
        public var loadBefore: Double?, loadAfter: Double?

        enum CodingKeys: String, CodingKey {
            case sentences, threads, vocoder, seconds, audioSeconds = "audio_seconds", cpuSeconds = "cpu_seconds"
            case realTimeFactor = "real_time_factor", loadBefore = "load_before", loadAfter = "load_after"
        }

        public var text: String {
            """
            \(sentences) sentences, one voice, \(threads) thread(s), \(vocoder): \(fixed(audioSeconds, 2)) s of audio
            synthesis        \(fixed(seconds, 3)) s wall, \(fixed(cpuSeconds, 3)) s CPU (median of the rounds)
            real-time factor \(fixed(realTimeFactor, 4)) (wall / audio; CPU: \(fixed(cpuSeconds / audioSeconds, 4)))
            load average     \(loadText(loadBefore, loadAfter))
            """
        }
    }

    /// Times `rounds` syntheses of `texts` in the voice of `reference` (after one warm-up).
    public static func run(_ synthesizer: Synthesizer, reference: LogMel, texts: [String] = sentences,
                           threads: Int, rounds: Int, progress: (Int) -> Void = { _ in }) throws -> Report {
        Parallel.threadCount = threads
        let loadBefore = Measure.loadAverage
        var audioSeconds = 0.0
        var wall: [Double] = [], cpu: [Double] = []
        for round in 0...rounds {
            let (cpuStart, start) = (Measure.cpuSeconds(), Date())
            let results = try synthesizer.synthesize(texts: texts, referenceMel: reference, bert: nil)
            let (seconds, cpuSeconds) = (Date().timeIntervalSince(start), Measure.cpuSeconds() - cpuStart)
            audioSeconds = Double(results.map(\.samples.count).reduce(0, +)) / Double(synthesizer.model.config.features.sampleRate)
            guard round > 0 else { continue }  // the warm-up
            wall.append(seconds)
            cpu.append(cpuSeconds)
            progress(round)
        }
        let seconds = Measure.median(wall)
        var vocoder = "Griffin-Lim"
        if case .neural = synthesizer.vocoder { vocoder = "neural vocoder" }
        return Report(sentences: texts.count, threads: threads, vocoder: vocoder, audioSeconds: audioSeconds,
                      seconds: seconds, cpuSeconds: Measure.median(cpu), realTimeFactor: seconds / max(audioSeconds, 1e-9),
                      loadBefore: loadBefore, loadAfter: Measure.loadAverage)
    }
}
