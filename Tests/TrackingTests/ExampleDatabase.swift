import Foundation
@testable import Tracking

/// A small but realistic runs.db: a four-run fusion ablation sweep (one run diverged) and a
/// quickstart run, with metrics, cells (the corpus preparation reused), artifacts and log
/// lines, with made-up metric keys and fusion kinds whose values the tests know
/// (ViewQueriesTests, RunReportTests, ExportTests).
enum ExampleDatabase {
    static let fusionKinds = ["concat", "film", "gated", "cross-attention"]
    static let trainLoss = Metric("train.loss", goal: .minimize)
    static let validationLoss = Metric("val.loss", goal: .minimize)

    @discardableResult
    static func build(at path: String) throws -> RunStore {
        let store = try RunStore(path: path, inlineBlobLimit: 4096)
        let start = Date(timeIntervalSince1970: 1_795_000_000)  // fixed times: stable docs output
        for (i, kind) in fusionKinds.enumerated() {
            var description = sampleRun("fusion-ablation", params: [
                "model.fusion.kind": .string(kind), "train.lr": .float(0.001), "train.steps": .int(50),
                "data.corpus": .string("espeak-en"),
            ], sweepID: "fusion-ablation-1")
            description.config = "name: fusion-ablation\nmodel:\n  fusion:\n    kind: \(kind)\ntrain:\n  steps: 50\n"
            let run = try store.startRun(description)
            if i == 0 {
                try run.startCell(0, kind: "prepare", inputSHA256: "c0ffee")
                try run.finishCell(0, output: "{\"utterances\": 120, \"minutes\": 9.5}")
            } else {
                try run.reuseCell(0, kind: "prepare", inputSHA256: "c0ffee", output: "{\"utterances\": 120, \"minutes\": 9.5}")
            }
            try run.startCell(1, kind: "train")
            let rate = [0.030, 0.045, 0.040, 0.050][i]
            for step in 0..<50 {
                let time = start.addingTimeInterval(Double(i * 100 + step))
                let loss = i == 3 && step > 30 ? Double.nan : 2.0 * exp(-rate * Double(step)) + 0.1
                run.record(trainLoss, step: step, value: loss, at: time)
                if step % 10 == 9 {
                    run.record(validationLoss, step: step, value: loss * 1.1 + 0.02, at: time)
                }
            }
            run.log("training \(kind): 50 steps", at: start.addingTimeInterval(Double(i * 100)))
            if i == 3 {
                run.log("loss is NaN at step 31", level: .error, at: start.addingTimeInterval(Double(i * 100 + 31)))
                try run.finishCell(1, status: .failed, output: "diverged at step 31")
                try run.fail("train.loss became NaN at step 31")
                continue
            }
            try run.finishCell(1, output: "{\"final_loss\": \(String(format: "%.4f", 2.0 * exp(-rate * 49) + 0.1))}")
            try run.startCell(2, kind: "synthesize")
            let wav = Data((0..<2000).map { UInt8(truncatingIfNeeded: $0 &* (i + 3)) })
            try run.putArtifact(name: "samples/hello.wav", kind: "audio", mediaType: "audio/wav", data: wav, cell: 2, step: 50)
            try run.putArtifact(name: "checkpoint.safetensors", kind: "checkpoint", mediaType: "application/octet-stream",
                                data: Data(repeating: UInt8(i), count: 10_000), cell: 1, step: 50)
            try run.finishCell(2, output: "1 sentence")
            try run.tag(kind == "film" ? "best" : "ablation")
            try run.finish()
        }
        let quick = try store.startRun(sampleRun("quickstart", params: ["model.fusion.kind": .string("concat")]))
        quick.record(trainLoss, step: 0, value: 2.1, at: start)
        try quick.finish()
        return store
    }
}
