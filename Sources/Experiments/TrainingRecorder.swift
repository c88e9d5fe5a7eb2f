import Foundation
import Models
import Reports
import Tracking

/// Records what the trainer reports into the run: losses as `train.*` metrics, validation
/// as `val.*`, checkpoints as artifacts; shows progress; asks the trainer to stop after
/// SIGINT or SIGTERM, or when a checkpoint could not be stored (a full disk: training on
/// could only lose more work).
final class TrainingRecorder: TrainingObserver {
    let run: Run
    let cellIndex: Int
    let progress: Progress
    /// `train.keep_checkpoints`: how many of the run's latest checkpoints stay (0: all).
    let keepCheckpoints: Int
    /// Called after each validation's metrics are recorded: writes the run's page so far.
    let didValidate: () -> Void
    /// Checkpoints are stored as `<prefix>-<step>.safetensors` (`vocoder-…` for a vocoder's).
    let checkpointPrefix: String
    /// Why the last checkpoint is not in runs.db; the train cell fails with it.
    private(set) var storeFailure: Error?
    /// The last validation, shown beside the loss until the next one.
    private var lastValidation = ""
    /// The last validation's metrics (the aligner's verdict reads them).
    private(set) var lastMetrics: [String: Double] = [:]
    /// Alignment groups whose caption is already stored.
    private var captioned = Set<String>()

    init(run: Run, cellIndex: Int, totalSteps: Int, startStep: Int, keepCheckpoints: Int,
         checkpointPrefix: String = "checkpoint", didValidate: @escaping () -> Void) {
        self.run = run
        self.checkpointPrefix = checkpointPrefix
        self.cellIndex = cellIndex
        self.keepCheckpoints = keepCheckpoints
        self.didValidate = didValidate
        self.progress = Progress("train", total: totalSteps, unit: "steps")
        progress.update(startStep)
    }

    func trainerDidStep(_ report: StepReport) {
        for (term, value) in report.losses { run.record(.trainingLoss(term), step: report.step, value: value, cell: cellIndex) }
        run.record(.learningRate, step: report.step, value: report.learningRate, cell: cellIndex)
        run.record(.gradientNorm, step: report.step, value: report.gradientNorm, cell: cellIndex)
        run.record(.trainingThroughput, step: report.step, value: report.utterancesPerSecond, cell: cellIndex)
        if report.communicationSeconds > 0 {
            run.record(.communicationTime, step: report.step, value: report.communicationSeconds, cell: cellIndex)
        }
        let loss = report.losses["loss"].map { String(format: "loss %.4f", $0) } ?? ""
        progress.update(report.step, [loss, lastValidation].filter { !$0.isEmpty }.joined(separator: "; "))
    }

    func trainerDidValidate(step: Int, metrics: [String: Double]) {
        Self.recordValidation(metrics, step: step, cell: cellIndex, in: run)
        lastValidation = Self.validationStatus(metrics, step: step)
        lastMetrics = metrics
        run.log("step \(step): " + metrics.sorted { $0.key < $1.key }
            .map { "\($0.key) \(String(format: "%.4f", $0.value))" }.joined(separator: ", "))
        didValidate()
    }

    /// Stores, for each fixed validation utterance, the aligner's soft attention with its hard
    /// path (`align/NN/alignment-<step>.png`), so the page shows the alignment forming. A
    /// picture that cannot be made or stored is logged; training goes on.
    func trainerDidAlign(step: Int, examples: [AlignmentExample]) {
        for (n, example) in examples.enumerated() {
            let group = String(format: "align/%02d", n)
            do {
                if captioned.insert(group).inserted {
                    let caption = "Validation utterance \(example.id): the aligner's soft attention (frames up, "
                        + "phonemes across) with its hard MAS path in red, at each validation"
                    try run.putArtifact(name: "\(group)/text.txt", kind: "text", mediaType: "text/plain",
                                        data: Data(caption.utf8), cell: cellIndex)
                }
                let picture = try AttentionPlot().image(alignment: example.softAttention, phonemes: example.phonemes,
                                                        frames: example.frames, path: example.durations)
                try run.putArtifact(name: String(format: "%@/alignment-%07d.png", group, step), kind: "image",
                                    mediaType: "image/png", data: try picture.pngData(), cell: cellIndex, step: step)
            } catch {
                run.log("alignment picture of \(example.id) at step \(step) not stored: \(error)", level: .warning)
            }
        }
    }

    func trainerDidCheckpoint(step: Int, bytes: Data) {
        do {
            // The metrics up to `step` go in first: a run killed after this checkpoint resumes
            // from it, so points of earlier steps must not be waiting in the writer's buffer.
            try run.flush()
            try run.putArtifact(name: "\(checkpointPrefix)-\(step).safetensors", kind: "checkpoint",
                                mediaType: "application/octet-stream", data: bytes, cell: cellIndex, step: step)
        } catch {
            storeFailure = storeFailure ?? error
            return
        }
        deleteOldCheckpoints()
    }

    /// Keeps the latest `keepCheckpoints` checkpoints of the run (a fine-tuned BERT makes each
    /// one 290 MB). A failed deletion costs only disk space: logged, training goes on.
    private func deleteOldCheckpoints() {
        guard keepCheckpoints > 0 else { return }
        do {
            let old = try run.store.artifacts(run: run.id).filter { $0.kind == "checkpoint" }.dropLast(keepCheckpoints)
            if !old.isEmpty { try run.store.deleteArtifacts(run: run.id, ids: old.map(\.id)) }
        } catch {
            run.log("old checkpoints not deleted: \(error)", level: .warning)
        }
    }

    var shouldStop: Bool { StopSignal.shared.isRaised || storeFailure != nil }

    /// `val duration 0.0500, mel_l1 0.8123 @20`: the last validation, for the progress line.
    static func validationStatus(_ metrics: [String: Double], step: Int) -> String {
        let values = metrics.sorted { $0.key < $1.key }.map { key, value in
            Metric.validation(key).name + String(format: " %.4f", value)
        }
        return "val " + values.joined(separator: ", ") + " @\(step)"
    }

    /// The trainer's `val_mel_l1` as `val.mel_l1`: the report draws `val.*` beside `train.*`.
    static func recordValidation(_ metrics: [String: Double], step: Int, cell: Int, in run: Run) {
        for (key, value) in metrics { run.record(.validation(key), step: step, value: value, cell: cell) }
    }
}
