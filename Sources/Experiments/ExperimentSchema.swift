import Config
import Data
import Models

/// Every key an experiment file may hold, with its default, range and meaning.
///
/// This is the single source of the file format: validation, `--set`, sweeps and
/// `docs/experiments.md` all read it. The `sweep:` section is read separately (see ``Sweep``).
public enum ExperimentSchema {
    public static let root = Section("An experiment: what to train, how, and what to show.", [
        Field("name", .string, default: nil, "Experiment name; runs are grouped and compared by it."),
        Field("description", .string, default: .string(""), "Markdown shown at the top of the report."),
        Field("seed", .int(0...Int(Int32.max)), default: .int(1),
              "Seed for data split, initialisation, dropout and shuffling; same seed and thread count, same losses."),
        .section("data", data),
        .section("model", model),
        .section("train", train),
        Field("cells", .list(cell), default: nil,
              "The notebook: cells run in order, each output shown in the report in the same order."),
    ])

    static let data = Section("The corpus and its features.", [
        Field("corpus", .keywordOrPath("builtin"), default: .string("builtin"),
              "`builtin` (espeak-ng speech built on demand) or an LJSpeech-layout folder (see docs/corpora.md)."),
        .section("builtin", Section("Size of the built-in corpus.", [
            Field("utterances", .int(10...100_000), default: .int(600), "Utterances to synthesise."),
            Field("speakers", .int(1...80), default: .int(4), "espeak-ng voices, one per speaker."),
        ])),
        Field("text", .choice(of: ModelConfig.TextKind.self), default: .string("phonemes"),
              "Model input symbols: espeak-ng IPA phonemes or normalised characters."),
        Field("sample_rate", .int(8000...48000), default: .int(MelSettings.sampleRate), "Audio is resampled to this rate."),
        Field("n_fft", .int(64...8192), default: .int(MelSettings().nFFT), "STFT size."),
        Field("hop", .int(16...4096), default: .int(MelSettings().hopLength), "STFT hop, in samples (one mel frame)."),
        Field("n_mels", .int(8...256), default: .int(MelSettings().nMels), "Mel bins."),
        Field("fmin", .double(0...24000), default: .double(MelSettings().fmin), "Lowest mel frequency, Hz."),
        Field("fmax", .double(0...24000), default: .double(MelSettings().fmax), "Highest mel frequency, Hz (≤ sample_rate / 2)."),
        Field("validation", .double(0...0.5), default: .double(0.1), "Fraction of utterances held out."),
        Field("held_out_speakers", .int(0...10), default: .int(1),
              "Speakers kept out of training, used as unseen reference voices; at least one must remain (a single-speaker corpus needs 0)."),
        Field("skip_bad", .bool, default: .bool(false),
              "Skip unreadable or malformed items (counted once) instead of stopping."),
        Field("durations", .choice(of: DataSettings.Durations.self), default: .string("auto"),
              "Phoneme durations: `file` reads the corpus's durations.jsonl (the built-in corpus has espeak-ng's); `learned` trains an aligner with the model (`model.aligner`), keeping any durations of the corpus only to measure it; `auto` is `file` when the corpus has durations.jsonl, else `learned`."),
    ])

    static let model = Section("The text + audio fusion model.", [
        Field("dim", .int(16...1024), default: .int(192), "Width of every hidden feature."),
        .section("text_encoder", Section("Phoneme or character encoder (a Transformer).", [
            Field("layers", .int(1...24), default: .int(3), "Transformer encoder layers."),
            Field("heads", .int(1...32), default: .int(2), "Attention heads (divide `model.dim`)."),
            Field("ffn", .int(16...8192), default: .int(768), "Feed-forward width."),
            Field("dropout", .double(0...0.9), default: .double(0.1), "Dropout probability."),
        ])),
        .section("bert", Section("Optional pretrained BERT-family word features added per word.", [
            Field("path", .path, default: .null,
                  "A Hugging Face folder (config.json, model.safetensors, vocab.txt); unset: no BERT."),
            Field("finetune", .bool, default: .bool(false),
                  "Train BERT's weights with the model: its word features are computed in every training step and checkpoints carry the fine-tuned weights (the folder still gives the tokenizer). Frozen by default: features computed once."),
            Field("lr_scale", .double(0...10), default: .double(0.1),
                  "When fine-tuning, BERT's learning rate as a fraction of `train.lr` (same schedule)."),
        ])),
        .section("audio_encoder", Section("Reference-audio encoder over mel frames.", [
            Field("kind", .choice(of: AudioEncoderConfig.Kind.self), default: .string("cnn"), "Convolution stack or GRU."),
            Field("layers", .int(1...8), default: .int(3), "Convolution or GRU layers."),
        ])),
        .section("fusion", Section("How text features take in the reference audio.", [
            Field("kind", .choice(of: FusionConfig.Kind.self),
                  default: .string("cross_attention"), "Fusion variant."),
            Field("heads", .int(1...32), default: .int(2), "Heads of `cross_attention`."),
        ])),
        .section("decoder", Section("Variance adaptor and mel decoder.", [
            Field("kind", .choice(of: DecoderConfig.Kind.self), default: .string("conv"), "Decoder stack."),
            Field("layers", .int(1...12), default: .int(4), "Decoder layers."),
            Field("postnet", .bool, default: .bool(false), "Add a residual convolutional post-net."),
            Field("pitch", .bool, default: .bool(false), "Predict and add frame pitch: the recording's F0 (pYIN, log scale), 0 where unvoiced."),
            Field("harmonics", .bool, default: .bool(false), "With `pitch`: add the pitch's harmonic comb (where its harmonics fall on the mel bands), so the decoder draws harmonics instead of blurring them."),
            Field("voicing", .bool, default: .bool(false), "With `pitch`: predict voicing as its own class (cross-entropy) and pitch as a continuous curve bridged across unvoiced frames, instead of one value that drops to 0 where unvoiced."),
            Field("relative_pitch", .bool, default: .bool(false), "With `voicing`: predict pitch relative to the reference's own level (read from its mel by a harmonic sieve), so that an unseen voice speaks at its reference's pitch."),
            Field("energy", .bool, default: .bool(false), "Predict and add frame energy."),
        ])),
        .section("aligner", Section("The aligner trained with the model when `data.durations` is learned (RAD-TTS / FastPitch 1.1: forward-sum, MAS, binarization).", [
            Field("prior_weight", .double(0...10), default: .double(1),
                  "Weight of the beta-binomial alignment prior added to the attention's log-probabilities in training (0: none)."),
            Field("forward_sum_weight", .double(0...100), default: .double(1), "Weight of the forward-sum (CTC) loss."),
            Field("binarization_weight", .double(0...100), default: .double(1),
                  "Weight of the binarization loss (soft attention against the hard MAS path) once fully on."),
            Field("binarization_start", .int(0...10_000_000), default: .int(0),
                  "Optimizer step from which the binarization loss counts (its ramp then eases it in; starting at 0 sharpened the built-in corpus's alignments soonest)."),
            Field("binarization_ramp", .int(0...10_000_000), default: .int(100),
                  "Steps over which its weight rises linearly from 0 (0: all at once)."),
            Field("attention_dim", .int(8...1024), default: .int(80), "Width of the space where phonemes and mel frames are compared."),
            Field("temperature", .double(1e-6...1), default: .double(0.0005), "Scale of the squared distances before the softmax."),
        ])),
        .section("vocoder", Section("Mel to waveform.", [
            Field("iterations", .int(1...1000), default: .int(32), "Griffin-Lim iterations."),
            Field("momentum", .double(0...1.5), default: .double(0.99), "Fast Griffin-Lim momentum."),
        ])),
    ])

    static let train = Section("Optimisation.", [
        Field("steps", .int(1...10_000_000), default: .int(2000), "Optimizer steps."),
        Field("batch_size", .int(1...1024), default: .int(16),
              "Utterances per optimizer step; under `mpirun -n N` the N ranks share each batch (docs/cluster.md)."),
        Field("ranks", .int(1...4096), default: .null,
              "MPI ranks that train each run together. `run --slurm` gives every array task this many (`srun --mpi=pmix`); a run started otherwise must have as many (`mpirun -n N funaudio run FILE`). Unset: as many as it was launched with (docs/cluster.md)."),
        Field("micro_batches", .int(1...1024), default: .int(1),
              "Gradient accumulation: each rank computes its share of a batch in this many micro-batches, one after the other. The step is the same (each micro-batch's loss is weighted by its share of the batch's frames), in less memory."),
        Field("optimizer", .choice(of: TrainConfig.OptimizerKind.self), default: .string("adam"), "Optimizer."),
        Field("lr", .double(1e-7...10), default: .double(1e-3), "Peak learning rate."),
        Field("weight_decay", .double(0...1), default: .double(0), "AdamW decoupled weight decay."),
        Field("schedule", .choice(of: TrainConfig.ScheduleKind.self), default: .string("warmup_cosine"),
              "Learning-rate schedule."),
        Field("warmup", .int(0...1_000_000), default: .int(100), "Warm-up steps."),
        Field("clip", .double(0...1e6), default: .double(1), "Gradient-norm clipping; 0 disables it."),
        Field("loss", .choice(of: TrainConfig.LossKind.self), default: .string("l1"), "Mel loss."),
        Field("duration_weight", .double(0...100), default: .double(1), "Weight of the duration loss."),
        Field("validate_every", .int(1...1_000_000), default: .int(200), "Steps between validations."),
        Field("checkpoint_every", .int(1...1_000_000), default: .int(500), "Steps between checkpoints."),
        Field("keep_checkpoints", .int(0...1_000_000), default: .int(2),
              "How many of a run's latest checkpoints runs.db keeps: older ones are deleted once a newer one is stored (0: all). Resuming needs only the last."),
        Field("threads", .int(1...256), default: .int(2),
              "CPU threads of the whole run (OpenBLAS and FunAudio's own kernels, in data preparation, training, evaluation and synthesis); part of what makes a run reproducible."),
    ])

    static let cell = Kind.tagged(tag: "kind", variants: Cell.Kind.allCases.map { ($0.rawValue, section(of: $0)) })

    /// Each cell kind's keys: a switch, so a new ``Cell/Kind`` cannot go without them.
    static func section(of kind: Cell.Kind) -> Section {
        switch kind {
        case .markdown: Section("Text for the report.", [
            Field("text", .string, default: nil, "Markdown."),
        ])
        case .prepare: Section("Build or load the corpus and its features (cached).", [])
        case .train: Section("Train the model with the `train` settings.", [])
        case .evaluate: Section("Metrics on held-out utterances and unseen reference voices.", [
            Field("utterances", .int(1...10_000), default: .int(16), "Held-out utterances to score."),
            vocoderKey,
        ])
        case .synthesize: Section("Speak sentences in a reference voice.", [
            Field("sentences", .list(.string), default: nil, "Sentences to speak."),
            Field("reference", .path, default: .null, "Reference wav; unset: a held-out speaker's utterance."),
            vocoderKey,
        ])
        case .trainVocoder: trainVocoder
        case .compare: Section("Put this run beside earlier ones in the report.", [
            Field("runs", .list(.string), default: .list([]), "Run ids or experiment names."),
            Field("query", .string, default: .null, "SQL selecting run ids, instead of `runs`."),
        ])
        }
    }
}

extension ExperimentSchema {
    /// The `vocoder` key of the cells that speak.
    static let vocoderKey = Field("vocoder", .string, default: .null,
        "A trained vocoder: a run id or name whose `train_vocoder` checkpoint is in runs.db (its last), or a `vocoder-<step>.safetensors` file exported from one (relative to the experiment file); unset: Griffin-Lim (`model.vocoder`).")

    /// A `train_vocoder` cell's keys (``VocoderCellSettings``).
    static let trainVocoder = Section(
        "Train a neural vocoder on random segments of the corpus audio (mel L1 + multi-resolution STFT loss); at every validation the held-out examples are heard and scored beside Griffin-Lim. Its STFT size and hop are `data.n_fft` and `data.hop`; `train.threads` and `seed` apply.", [
        Field("vocoder", .choice(of: VocoderSpec.Kind.self), default: .string("vocos"),
              "Which vocoder: `vocos` (ConvNeXt blocks at the frame rate, an inverse-STFT head) or `wavenet` (Parallel WaveGAN's generator: a non-causal dilated WaveNet turning noise into audio under the upsampled mel; it runs at the sample rate, so it learns far less per CPU-second)."),
        .section("vocos", Section("Sizes of the `vocos` vocoder.", [
            Field("dim", .int(8...2048), default: .int(128), "Channels of the ConvNeXt backbone (Vocos: 512)."),
            Field("intermediate", .int(8...8192), default: .int(384), "Hidden width of each block's pointwise layers (Vocos: 1536)."),
            Field("layers", .int(1...32), default: .int(6), "ConvNeXt blocks (Vocos: 8)."),
        ])),
        .section("wavenet", Section("Sizes of the `wavenet` vocoder; its upsampling factors are those of `data.hop` (256 = 4·4·4·4).", [
            Field("layers", .int(1...64), default: .int(10), "Residual blocks (Parallel WaveGAN: 30)."),
            Field("stacks", .int(1...64), default: .int(2), "Dilation cycles; must divide `layers` (block l has dilation 2^(l mod layers/stacks); Parallel WaveGAN: 3)."),
            Field("kernel_size", .int(1...15), default: .int(3), "Kernel of each dilated conv; odd (Parallel WaveGAN: 3)."),
            Field("residual_channels", .int(1...512), default: .int(32), "Channels of the residual stream (Parallel WaveGAN: 64)."),
            Field("gate_channels", .int(2...1024), default: .int(64), "Channels before the gate, split into tanh and sigmoid halves; even (Parallel WaveGAN: 128)."),
            Field("skip_channels", .int(1...512), default: .int(32), "Channels of the skip connections and output layers (Parallel WaveGAN: 64)."),
            Field("aux_context_window", .int(0...16), default: .int(2), "Mel frames of context on each side of the first conditioning conv (Parallel WaveGAN: 2)."),
        ])),
        Field("steps", .int(1...10_000_000), default: .int(2000), "Optimizer steps."),
        Field("batch_size", .int(1...1024), default: .int(8), "Segments per batch."),
        Field("segment_frames", .int(2...10_000), default: .int(32),
              "Mel frames per training segment (its waveform is `(segment_frames − 1) · data.hop` samples, more than half the largest STFT loss window)."),
        Field("optimizer", .choice(of: TrainConfig.OptimizerKind.self), default: .string("adamw"), "Optimizer."),
        Field("lr", .double(1e-7...10), default: .double(5e-4), "Peak learning rate."),
        Field("weight_decay", .double(0...1), default: .double(0), "AdamW decoupled weight decay."),
        Field("schedule", .choice(of: TrainConfig.ScheduleKind.self), default: .string("warmup_cosine"), "Learning-rate schedule."),
        Field("warmup", .int(0...1_000_000), default: .int(100), "Warm-up steps."),
        Field("clip", .double(0...1e6), default: .double(5), "Gradient-norm clipping; 0 disables it."),
        Field("mel_weight", .double(0...1000), default: .double(45),
              "Weight of the mel L1 loss (the STFT loss has weight 1; Vocos and HiFi-GAN: 45). The mel term is the one evaluation reads: MCD is a distance between the same log-mels, where a log floor of 1e-5 makes quiet bands and pauses count as much as loud ones, and the STFT loss mostly weighs the loud bins."),
        Field("phase_weight", .double(0...1000), default: .double(0),
              "Weight of the phase-advance loss (APNet's instantaneous-frequency loss, smooth form, weighted by the recording's energy; curve `train.phase`): teaches how each partial's phase moves from frame to frame, which magnitude losses leave open and without which an iSTFT vocoder buzzes at the frame rate; 0: off."),
        Field("validate_every", .int(1...1_000_000), default: .int(200), "Steps between validations (scores and examples)."),
        Field("checkpoint_every", .int(1...1_000_000), default: .int(500), "Steps between checkpoints."),
        Field("keep_checkpoints", .int(0...1_000_000), default: .int(2), "How many of the latest checkpoints runs.db keeps (0: all)."),
        Field("gan_start", .int(0...10_000_000), default: .null,
              "The step from which adversarial training joins (discriminators of `gan`, their loss and feature matching, curves `train.discriminator`, `train.adversarial`, `train.feature_matching`); unset: none."),
        .section("gan", Section("The adversary from `gan_start` on: multi-period and multi-resolution discriminators with their own Adam (β 0.8, 0.99). The defaults are CPU-sized (about 30 k parameters; HiFi-GAN's MPD alone has 41 M).", [
            Field("loss", .choice(of: AdversarialLoss.self), default: .string("hinge"),
                  "`hinge` (Vocos) or `least_squares` (HiFi-GAN, Parallel WaveGAN)."),
            Field("adversarial_weight", .double(0...1000), default: .double(1), "Weight of the generator's adversarial loss (Vocos: 1)."),
            Field("feature_matching_weight", .double(0...1000), default: .double(2), "Weight of the feature-matching loss (Vocos: 2)."),
            Field("lr", .double(1e-7...10), default: .double(2e-4), "The discriminators' learning rate, constant."),
            Field("periods", .list(.int(1...64)), default: .list([.int(2), .int(3), .int(5)]),
                  "Periods of the multi-period discriminator (HiFi-GAN: 2, 3, 5, 7, 11); empty: none."),
            Field("period_channels", .list(.int(1...1024)), default: .list([.int(8), .int(16), .int(32)]),
                  "Output channels of each period discriminator's convs (HiFi-GAN: 32, 128, 512, 1024, 1024)."),
            Field("resolution_channels", .int(0...256), default: .int(8),
                  "Channels of the multi-resolution discriminator's convs, at the STFT loss's three resolutions (UnivNet: 32); 0: no MRD."),
        ])),
        Field("examples", .int(0...20), default: .int(3),
              "Held-out utterances heard and scored (MCD, MR-STFT, F0 RMSE, V/UV F1) at every validation."),
    ])
}
