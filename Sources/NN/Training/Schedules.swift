import Foundation

/// Learning rate as a function of the step (0-based), set on the optimizer before each step:
/// `optimizer.learningRate = schedule(step)`.
public protocol LearningRateSchedule: Sendable {
    func callAsFunction(_ step: Int) -> Float
}

/// The same rate at every step.
public struct ConstantSchedule: LearningRateSchedule {
    public let rate: Float
    public init(_ rate: Float) { self.rate = rate }
    public func callAsFunction(_ step: Int) -> Float { rate }
}

/// Linear warm-up from 0 to `peak` over `warmupSteps`, then a cosine decay to `minimum` at
/// `totalSteps` (constant `minimum` after):
///
/// ```
/// s < w:       lr = peak · (s + 1) / w
/// w ≤ s ≤ T:   lr = min + (peak − min) · (1 + cos(π · (s − w) / (T − w))) / 2
/// ```
public struct WarmupCosineSchedule: LearningRateSchedule {
    public let peak: Float, minimum: Float
    public let warmupSteps: Int, totalSteps: Int

    public init(peak: Float, warmupSteps: Int, totalSteps: Int, minimum: Float = 0) {
        nnCheck(warmupSteps >= 0 && totalSteps > warmupSteps,
                     "WarmupCosineSchedule: need 0 ≤ warmupSteps (\(warmupSteps)) < totalSteps (\(totalSteps))")
        self.peak = peak
        self.minimum = minimum
        self.warmupSteps = warmupSteps
        self.totalSteps = totalSteps
    }

    public func callAsFunction(_ step: Int) -> Float {
        if step < warmupSteps { return peak * Float(step + 1) / Float(warmupSteps) }
        let progress = min(1, Double(step - warmupSteps) / Double(totalSteps - warmupSteps))
        return minimum + (peak - minimum) * Float((1 + cos(Double.pi * progress)) / 2)
    }
}

/// The Transformer schedule of Vaswani et al. (2017), "Noam":
///
/// ```
/// lr = factor · d_model^(−1/2) · min((s + 1)^(−1/2), (s + 1) · warmup^(−3/2))
/// ```
/// rising linearly for `warmupSteps`, then decaying as the inverse square root of the step.
public struct NoamSchedule: LearningRateSchedule {
    public let modelDimensions: Int, warmupSteps: Int
    public let factor: Float

    public init(modelDimensions: Int, warmupSteps: Int, factor: Float = 1) {
        nnCheck(modelDimensions > 0 && warmupSteps > 0, "NoamSchedule: dimensions and warm-up must be positive")
        self.modelDimensions = modelDimensions
        self.warmupSteps = warmupSteps
        self.factor = factor
    }

    public func callAsFunction(_ step: Int) -> Float {
        let s = Double(step + 1)
        let rate = pow(Double(modelDimensions), -0.5) * min(pow(s, -0.5), s * pow(Double(warmupSteps), -1.5))
        return factor * Float(rate)
    }
}
