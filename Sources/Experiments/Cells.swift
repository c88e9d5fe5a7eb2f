import Audio
import Data
import Foundation
import Models
import Reports
import Tracking

/// What each kind of notebook cell does. A cell returns its output text (Markdown), which
/// the report shows under it; metrics and artifacts go to the run as the cell produces them.
struct CellLibrary {
    /// A cell's output text, and whether it came from an earlier run instead of being computed.
    struct Result {
        var output: String
        var reused = false
    }

    func execute(_ cell: Cell, index: Int, inputHash: String, context: RunContext) throws -> Result {
        switch cell {
        case .markdown(let text): return Result(output: text)
        case .prepare:
            let data = try context.requireData(cellIndex: index)
            return Result(output: data.summary, reused: data.fromCache)
        case .train:
            // Under MPI only rank 0 reads runs.db: the ranks could not agree to reuse, so they train.
            if !context.options.force, context.options.communicator.size == 1,
               let earlier = try reuseTraining(inputHash: inputHash, context: context) {
                return Result(output: earlier, reused: true)
            }
            return Result(output: try train(index: index, context: context))
        case .trainVocoder(let settings):
            return Result(output: try trainVocoder(settings, index: index, context: context))
        case .evaluate(let utterances, let vocoder):
            return Result(output: try evaluate(utterances: utterances, vocoder: vocoder, index: index, context: context))
        case .synthesize(let sentences, let reference, let vocoder):
            return Result(output: try synthesize(sentences, reference: reference, vocoder: vocoder, index: index, context: context))
        case .compare(let runs, let query): return Result(output: try compare(runs: runs, query: query, context: context))
        }
    }

    /// The model of an earlier run whose train cell had exactly these inputs (same data,
    /// model, training settings, seed and code), from its last checkpoint; nil if none.
    func reuseTraining(inputHash: String, context: RunContext) throws -> String? {
        guard let (matched, _) = try context.store.reusableCell(kind: "train", inputSHA256: inputHash) else { return nil }
        let runID = try context.store.modelHolder(of: matched)
        guard runID != context.run.id else { return nil }
        let checkpoints = try context.store.artifacts(run: runID).filter { $0.kind == "checkpoint" }
        guard let last = checkpoints.max(by: { ($0.step ?? -1, $0.id) < ($1.step ?? -1, $1.id) }) else { return nil }
        let checkpoint = try Checkpoint(decoding: context.store.data(of: last), file: "run \(runID) \(last.name)")
        context.model = try checkpoint.makeModel()
        context.trainedSteps = checkpoint.step
        try context.run.setModelSource(runID)
        return "Reused the model trained by run #\(runID) (same data, model, training settings, seed and code; " +
            "step \(checkpoint.step)). `--force` trains again."
    }

    /// Trains from scratch, or continues the checkpoint of an interrupted run.
    func train(index: Int, context: RunContext) throws -> String {
        let data = try context.requireData(cellIndex: index)
        let settings = context.settings.train
        let world = context.options.communicator
        let trainer: Trainer
        if let bytes = context.resumeCheckpoint {
            trainer = try Trainer(resuming: Checkpoint(decoding: bytes, file: "run \(context.run.id) checkpoint"),
                                  config: settings, train: data.train, validation: data.validation, communicator: world)
            context.run.log("resuming at step \(trainer.step) of \(settings.steps)")
        } else {
            let model = FusionTTS(data.modelConfig(context.settings.model), seed: settings.seed)
            if let bert = model.bert, let pretrained = data.bert {
                try bert.load(stateDict: pretrained.model.stateDict())  // fine-tuning starts from the pretrained weights
            }
            trainer = try Trainer(model: model, config: settings, train: data.train, validation: data.validation,
                                  communicator: world)
            // Step 0: what an untrained model scores, the baseline every later value is read against.
            if !data.validation.isEmpty, world.isRoot {
                TrainingRecorder.recordValidation(try trainer.validate(), step: 0, cell: index, in: context.run)
            }
        }
        context.model = trainer.model
        let recorder = TrainingRecorder(run: context.run, cellIndex: index, totalSteps: settings.steps,
                                        startStep: trainer.step,
                                        keepCheckpoints: settings.keepCheckpoints ?? 0,
                                        didValidate: context.writeLivePage)
        let started = Date()
        let outcome = try trainer.run(observer: recorder)
        if let failure = recorder.storeFailure {
            throw RunError("training stopped at step \(trainer.step): \(failure)")
        }
        context.trainedSteps = trainer.step
        let seconds = Date().timeIntervalSince(started)
        let parameters = trainer.model.parameterCount
        var alignerNote = ""
        if trainer.model.aligner != nil, case .finished = outcome, world.isRoot {
            alignerNote = " " + (try alignerReport(trainer, lastMetrics: recorder.lastMetrics, data: data, index: index,
                                                   context: context))
        }
        switch outcome {
        case .finished(let step):
            return "Trained \(parameters.formatted()) parameters for \(step) steps in \(Progress.clock(seconds))" +
                " (last loss \(trainer.lastLoss.map { String(format: "%.4f", $0) } ?? "–")). The last checkpoint is" +
                " `checkpoint-\(step).safetensors`: `funaudio export \(context.run.id) --artifact checkpoint-\(step).safetensors --out DIR`," +
                " then `funaudio synth --checkpoint DIR/checkpoint-\(step).safetensors`." + alignerNote
        case .stopped(let step):
            return "Stopped at step \(step) of \(settings.steps) by a signal; `funaudio resume \(context.run.id)` continues."
        }
    }

    /// The learned aligner's verdict (converged or not, by ``AlignmentQuality``'s criterion on
    /// the last validation; a run that did not is tagged `aligner-not-converged` and says so
    /// in its log), and its durations of every prepared utterance stored as the run's
    /// `durations.jsonl`, ready to be copied beside a corpus's metadata.csv.
    func alignerReport(_ trainer: Trainer, lastMetrics: [String: Double], data: PreparedData, index: Int,
                       context: RunContext) throws -> String {
        let everything = data.train + data.validation + data.unseen
        let learned = try Trainer.learnedDurations(trainer.model, everything, batchSize: trainer.config.batchSize)
        let file = try LearnedDurations.file(Dictionary(uniqueKeysWithValues: zip(everything.map(\.id), learned)),
                                             corpus: data.corpus, hop: context.settings.data.hop)
        try context.run.putArtifact(name: DurationsFile.name, kind: "durations", mediaType: "application/jsonl",
                                    data: file, cell: index, step: trainer.step)
        let stored = "Its durations of all \(everything.count) utterances are the artifact `\(DurationsFile.name)` "
            + "(`funaudio export \(context.run.id) --artifact \(DurationsFile.name) --out DIR`)."
        guard let diagonality = lastMetrics["val_diagonality"] else {
            return "The aligner was not measured (no validation utterances). " + stored
        }
        let features = trainer.model.config.features
        let msPerFrame = 1000 * Double(features.settings.hopLength) / Double(features.sampleRate)
        let median = lastMetrics["val_boundary_error_median_ms"]
        let figures = String(format: "diagonality %.2f", diagonality)
            + (median.map { String(format: ", median phoneme-boundary error %.1f ms", $0) } ?? "")
        if let problem = AlignmentQuality.problem(diagonality: diagonality, medianBoundaryErrorFrames: median.map { $0 / msPerFrame }) {
            try context.run.tag("aligner-not-converged")
            context.run.log("the aligner did not converge: \(problem); train longer or raise model.aligner.prior_weight",
                            level: .warning)
            return "**The aligner did not converge** (\(figures)): \(problem). Train longer (or check the corpus). " + stored
        }
        return "The aligner converged (\(figures)). " + stored
    }

    /// Scores held-out sentences of seen speakers (`eval.*`) and of unseen speakers
    /// (`eval_unseen.*`), each voice on its own too (`voice.<speaker>.*`), and keeps a few
    /// unseen-voice examples with their ground truth.
    func evaluate(utterances count: Int, vocoder: String?, index: Int, context: RunContext) throws -> String {
        let model = try context.requireModel(cell: index, kind: "evaluate")
        let data = try context.requireData(cellIndex: index)
        let step = context.trainedSteps
        var lines: [String] = [], results: [(split: String, result: EvaluationResult)] = []
        let synthesizer = try Synthesizer(model: model, vocoder: vocoder.map { try context.vocoderCheckpoint($0) })
        for (name, set) in [("eval", data.validation), ("eval_unseen", data.unseen)] where !set.isEmpty {
            let result = try model.evaluate(Array(set.prefix(count)), vocoder: synthesizer.vocoder.callAsFunction,
                                            recording: data.audio(of:))
            for (key, value) in result.metrics() {
                context.run.record(.evaluation(name, key), step: step, value: value, cell: index)
            }
            for (speaker, voice) in result.voices {
                for (key, value) in voice.metrics() where Self.voiceMeasures.contains(key) {
                    context.run.record(.voiceEvaluation(speaker, key), step: step, value: value, cell: index)
                }
            }
            results.append((name, result))
            lines.append(String(format: "- **%@** (%d utterances): mel L1 %.4f, MCD %.2f dB, spectral convergence %.4f, duration error %.1f ms per phoneme",
                                name, result.utterances, result.melL1, result.mcd, result.spectralConvergence,
                                result.durationErrorMs)
                + (result.f0RMSEHz.map { String(format: ", F0 RMSE %.1f Hz", $0) } ?? "")
                + (result.voicingError.map { String(format: ", V/UV error %.1f %%", 100 * $0) } ?? ""))
        }
        let voiceMap = try recordVoiceMap(model: model, data: data, index: index, context: context)
        lines += ["", Self.errorSplit(results), "", Self.voiceTable(results), "", voiceMap]
        for (n, utterance) in (data.unseen.isEmpty ? data.validation : data.unseen).prefix(3).enumerated() {
            let (mel, _, attention) = try model.infer(tokens: utterance.tokens, reference: utterance.reference,
                                                      wordFeatures: utterance.wordFeatures, bertInput: utterance.bertInput)
            try MediaWriter(run: context.run, cell: index, group: String(format: "eval/%02d", n))
                .write(samples: try synthesizer.vocoder(mel), features: model.config.features, mel: mel,
                       attention: attention, text: data.text(of: utterance), groundTruth: utterance.mel,
                       groundTruthAudio: data.audio(of: utterance))
        }
        return lines.joined(separator: "\n")
    }

    /// Speaks the cell's sentences in the reference voice (a file, or an unseen speaker).
    func synthesize(_ sentences: [String], reference path: String?, vocoder: String?, index: Int,
                    context: RunContext) throws -> String {
        let model = try context.requireModel(cell: index, kind: "synthesize")
        let data = try context.requireData(cellIndex: index)
        let synthesizer = try Synthesizer(model: model, vocoder: vocoder.map { try context.vocoderCheckpoint($0) })
        let reference: LogMel
        let voice: String
        var rendered: BuiltInCorpus.Speaker?
        if let path {
            let wave = try AudioFile.read(URL(fileURLWithPath: path))
            reference = try synthesizer.referenceMel(wave.resampled(to: model.config.features.sampleRate).samples)
            voice = (path as NSString).lastPathComponent
        } else {
            guard let example = data.unseen.first ?? data.validation.first else {
                throw RunError("cell \(index) (synthesize): no `reference` given and no held-out utterance to take the voice from")
            }
            reference = example.reference
            voice = "held-out speaker \(example.speaker)"
            rendered = Self.renderableSpeaker(example.speaker, settings: context.settings)
        }
        var lines: [String] = []
        for (n, sentence) in sentences.enumerated() {
            let started = Date()
            let result = try synthesizer.synthesize(text: sentence, referenceMel: reference, bert: data.bert)
            let seconds = Date().timeIntervalSince(started)
            let target = try rendered.map { try measureSynthesis(result, sentence: sentence, n: n, speaker: $0,
                                                                 synthesizer: synthesizer, index: index, context: context) }
            try MediaWriter(run: context.run, cell: index, group: String(format: "synth/%02d", n))
                .write(samples: result.samples, features: model.config.features, mel: result.mel, attention: result.attention,
                       text: sentence, groundTruth: target?.mel, groundTruthAudio: target?.samples)
            let audioSeconds = Double(result.samples.count) / Double(result.sampleRate)
            context.run.record(.realTimeFactor, step: n, value: seconds / max(audioSeconds, 1e-9), cell: index)
            if !result.skippedSymbols.isEmpty {
                context.run.log("sentence \(n): left out unknown symbols \(result.skippedSymbols.joined(separator: " "))", level: .warning)
            }
            lines.append(String(format: "%d. %@ (%.1f s of audio in %.2f s)", n + 1, sentence, audioSeconds, seconds))
        }
        let measured = rendered == nil ? "" : " Each sentence is measured against the speaker's own espeak-ng rendering of it (`synth.*` metrics)."
        return "Voice: \(voice).\(measured)\n\n" + lines.joined(separator: "\n")
    }

    /// Names the earlier runs this one is to be compared with; the report links them.
    func compare(runs: [String], query: String?, context: RunContext) throws -> String {
        var ids: [Int64] = []
        for name in runs {
            ids.append(try context.store.resolveRun(name))
        }
        if let query {
            ids += try RunLoader(store: context.store).runIDs(query: query).filter { !ids.contains($0) }
        }
        guard !ids.isEmpty else { throw RunError("compare cell: no runs matched; give `runs` or a `query`") }
        let all = ids + [context.run.id]
        if let directory = context.options.reportsDirectory {
            let page = try ReportPublisher(store: context.store, reports: directory).publishComparison(all)
            return "Compared with runs \(ids.map { "#\($0)" }.joined(separator: ", ")): " +
                "[comparison](../\(page.deletingLastPathComponent().lastPathComponent)/index.html)."
        }
        return "Compared with runs \(ids.map { "#\($0)" }.joined(separator: ", "))."
    }
}
