import Foundation
import Testing
import Text
@testable import Data

@Test func durationsRoundTripAsJSONLines() throws {
    let phonemes = [TimedPhoneme(symbol: "_", start: 0, duration: 10),
                    TimedPhoneme(symbol: "h", start: 10, duration: 5),
                    TimedPhoneme(symbol: " ", start: 15, duration: 0),
                    TimedPhoneme(symbol: "aɪ", start: 15, duration: 20)]
    let data = try DurationsFile.format([("u1", phonemes)])
    #expect(String(decoding: data, as: UTF8.self)
            == #"{"durations":[10,5,0,20],"id":"u1","phonemes":["_","h"," ","aɪ"]}"# + "\n")
    let parsed = DurationsFile.parse(data, path: "durations.jsonl")
    #expect(parsed.problems.isEmpty)
    #expect(parsed.alignments["u1"] == phonemes)
}

@Test func badDurationLinesAreReported() {
    let text = #"{"id":"a","phonemes":["x","y"],"durations":[1]}"# + "\nnot json\n"
    let parsed = DurationsFile.parse(Data(text.utf8), path: "durations.jsonl")
    #expect(parsed.alignments.isEmpty)
    #expect(parsed.problems.map(\.line) == [1, 2])
    #expect(parsed.problems.allSatisfy { $0.kind == .badDurations })
}

@Test func frameDurationsSumToTheFrameCount() {
    let samples = [300, 130, 0, 700, 257, 1000]
    let frames = FrameDurations.from(samples: samples, samplesPerFrame: 256, frameCount: 10)
    #expect(frames.reduce(0, +) == 10)
    #expect(frames.allSatisfy { $0 >= 0 })
    // Boundaries at round(300/256)=1, round(430/256)=2, 2, round(1130/256)=4, round(1387/256)=5, 10.
    #expect(frames == [1, 1, 0, 2, 1, 5])
}

/// Learned frame durations become samples summing to the audio, and back the same frames
/// (also with resampled audio: 256 frames' hop at 22050 Hz is 185.76 samples of a 16 kHz file).
@Test func frameDurationsBecomeSamplesAndBack() {
    let frames = [1, 3, 1, 2, 5, 1]
    for (samplesPerFrame, sampleCount) in [(256.0, 13 * 256 + 100), (256.0 * 16000 / 22050, 2500)] {
        let samples = FrameDurations.samples(from: frames, samplesPerFrame: samplesPerFrame, sampleCount: sampleCount)
        #expect(samples.reduce(0, +) == sampleCount && samples.allSatisfy { $0 >= 0 })
        #expect(FrameDurations.from(samples: samples, samplesPerFrame: samplesPerFrame, frameCount: 13) == frames)
    }
}
