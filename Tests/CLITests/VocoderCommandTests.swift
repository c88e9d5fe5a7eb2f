import Foundation
import GRDB
import Testing
import Tracking

/// A vocoder experiment at toy size through the binary: trained, stopped by SIGINT after a
/// checkpoint, resumed to exactly the metrics of an uninterrupted run, exported, and used for
/// copy synthesis of a corpus recording.
@Suite struct VocoderCommandTests {
    static let experiment = """
        name: tinyvoc
        data:
          builtin: {utterances: 24, speakers: 3}
          sample_rate: 8000
          n_fft: 256
          hop: 64
          n_mels: 20
          fmax: 4000
        model:
          vocoder: {iterations: 4}
        train: {threads: 1}
        cells:
          - {kind: prepare}
          - kind: train_vocoder
            vocos: {dim: 16, intermediate: 32, layers: 1}
            steps: 40
            batch_size: 2
            segment_frames: 16
            warmup: 0
            validate_every: 20
            checkpoint_every: 4
            examples: 1
        """

    @Test func aVocoderTrainsResumesBitwiseAndVocodesAFile() throws {
        let folder = try TestFolder(["voc.yaml": Self.experiment])
        let whole = try FunAudioProcess.run(["run", "voc.yaml", "--db", "whole.db"], in: folder.url)
        #expect(whole.status == 0, "\(whole.output)")
        let reference = try RunStore(path: folder.path("whole.db"), create: false)
        let names = try reference.artifacts(run: 1).map(\.name)
        for name in ["vocoder-40.safetensors", "vocoder/step-0000020/00/neural.wav", "vocoder/step-0000040/00/griffinlim.png",
                     "vocoder/step-0000040/00/target.wav"] {
            #expect(names.contains(name), "missing \(name) in \(names)")
        }
        let expected = try reference.deterministicMetrics(run: 1)
        for key in ["griffin_lim.mcd@0", "val.mcd@40", "val.vuv_f1@20", "train.loss@40", "train.mel@1"] {
            #expect(expected[key] != nil, "missing \(key)")
        }

        let stopped = try FunAudioProcess(["run", "voc.yaml", "--db", "stopped.db"], in: folder.url)
        let deadline = Date().addingTimeInterval(240)
        var store: RunStore?
        while Date() < deadline, stopped.process.isRunning {
            if store == nil { store = try? RunStore(path: folder.path("stopped.db"), create: false) }
            if let store, (try? lastCheckpoint(store)) ?? 0 >= 8 { break }
            Thread.sleep(forTimeInterval: 0.02)
        }
        try #require(stopped.process.isRunning, "the run ended before it could be stopped")
        kill(stopped.pid, SIGINT)
        _ = stopped.finish()
        let resumed = try FunAudioProcess.run(["resume", "1", "--db", "stopped.db"], in: folder.url)
        #expect(resumed.status == 0, "\(resumed.output)")
        let metrics = try RunStore(path: folder.path("stopped.db"), create: false).deterministicMetrics(run: 1)
        #expect(Set(metrics.keys) == Set(expected.keys))
        for (key, values) in expected { #expect(metrics[key] == values, "\(key)") }

        let export = try FunAudioProcess.run(["export", "1", "--artifact", "vocoder-40.safetensors", "--out", "exported",
                                              "--db", "whole.db"], in: folder.url)
        #expect(export.status == 0, "\(export.output)")
        let wav = try #require(FileManager.default.enumerator(atPath: folder.path("corpora"))?
            .compactMap { $0 as? String }.first { $0.hasSuffix(".wav") })
        for vocoder in [["--vocoder", "exported/vocoder-40.safetensors"], []] {
            let out = try FunAudioProcess.run(["audio", "vocode", "corpora/" + wav, "--out", "copy.wav"] + vocoder,
                                              in: folder.url)
            #expect(out.status == 0 && out.output.contains("MCD"), "\(out.output)")
            #expect(FileManager.default.fileExists(atPath: folder.path("copy.wav")))
        }
    }

    private func lastCheckpoint(_ store: RunStore) throws -> Int {
        try store.pool.read { try Int.fetchOne($0, sql: "SELECT MAX(step) FROM artifacts WHERE kind = 'checkpoint'") ?? 0 }
    }
}
