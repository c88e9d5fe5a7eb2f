import Foundation
import Models
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
        let loss = report.losses["loss"].map { String(format: "loss %.4f", $0) } ?? ""
        progress.update(report.step, [loss, lastValidation].filter { !$0.isEmpty }.joined(separator: "; "))
    }

    func trainerDidValidate(step: Int, metrics: [String: Double]) {
        Self.recordValidation(metrics, step: step, cell: cellIndex, in: run)
        lastValidation = Self.validationStatus(metrics, step: step)
        run.log("step \(step): " + metrics.sorted { $0.key < $1.key }
            .map { "\($0.key) \(String(format: "%.4f", $0.value))" }.joined(separator: ", "))
        didValidate()
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
